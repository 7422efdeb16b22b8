/*
 * custscan-test-nng-register: a register written against NNG instead of
 * nanomsg, to prove the link is wire-compatible with any SP implementation.
 *
 *   custscan-test-nng-register SCAN_ADDR CONTROL_ADDR ORDER
 *
 * Dials both of the display's sockets, enables scan mode for ORDER, then
 * answers every scan "attached" with the name "NNG" and prints each request
 * it got as one line. Exits on SIGTERM, or after 30 s without a request.
 */
#include <json-c/json.h>
#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	nng_socket rep, req;
	char enable[256], reply[512];
	char *buf = NULL;
	size_t len = 0;
	int rv;

	if (argc != 4)
		return 2;
	if (nng_rep0_open(&rep) != 0 || nng_req0_open(&req) != 0)
		return 1;
	nng_socket_set_ms(rep, NNG_OPT_RECVTIMEO, 30000);
	nng_socket_set_ms(req, NNG_OPT_RECVTIMEO, 30000);
	if (nng_dial(rep, argv[1], NULL, NNG_FLAG_NONBLOCK) != 0 ||
	    nng_dial(req, argv[2], NULL, NNG_FLAG_NONBLOCK) != 0)
		return 1;

	snprintf(enable, sizeof(enable), "{\"v\":1,\"type\":\"enable\",\"order\":\"%s\"}", argv[3]);
	if (nng_send(req, enable, strlen(enable), 0) != 0 ||
	    nng_recv(req, &buf, &len, NNG_FLAG_ALLOC) != 0)
		return 1;
	printf("control reply %.*s\n", (int)len, buf);
	fflush(stdout);
	nng_free(buf, len);

	while ((rv = nng_recv(rep, &buf, &len, NNG_FLAG_ALLOC)) == 0) {
		json_tokener *tok = json_tokener_new();
		json_object *o = json_tokener_parse_ex(tok, buf, (int)len);
		json_object *id = NULL;

		json_tokener_free(tok);
		printf("request %.*s\n", (int)len, buf);
		fflush(stdout);
		if (o && json_object_object_get_ex(o, "scan_id", &id))
			snprintf(reply, sizeof(reply),
				 "{\"v\":1,\"type\":\"result\",\"scan_id\":\"%s\","
				 "\"result\":\"attached\",\"name\":\"NNG\"}",
				 json_object_get_string(id));
		else
			snprintf(reply, sizeof(reply),
				 "{\"v\":1,\"type\":\"error\",\"code\":\"x\"}");
		json_object_put(o);
		nng_free(buf, len);
		if (nng_send(rep, reply, strlen(reply), 0) != 0)
			break;
	}
	nng_close(req);
	nng_close(rep);
	return 0;
}
