/*
 * libFuzzer target for ipc/message.c: arbitrary bytes through
 * ipc_msg_parse(). Whatever parses must keep the parser's promises: ids are
 * 1..64 of [A-Za-z0-9_-], every string is NUL-terminated inside its buffer,
 * and the message formats again and parses back to the same struct. Whatever
 * does not parse must leave no customer id behind and say why.
 */
#include "ipc/message.h"

#include "fuzz_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_terminated(const char *s, size_t size)
{
	CHECK(memchr(s, '\0', size) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[IPC_MSG_MAX + 1];
	struct ipc_msg msg;
	struct ipc_msg back;
	struct ipc_error err = {0};
	int rc = ipc_msg_parse(data, size, &msg, &err);
	int len;

	if (rc != 0) {
		CHECK(rc == IPC_ERR_TOO_BIG || rc == IPC_ERR_BAD_JSON ||
		      rc == IPC_ERR_BAD_VERSION || rc == IPC_ERR_UNKNOWN_TYPE ||
		      rc == IPC_ERR_BAD_MESSAGE);
		CHECK(err.code == rc && err.detail[0] != '\0');
		CHECK(msg.customer_id[0] == '\0' && msg.scan_id[0] == '\0');
		return 0;
	}
	CHECK(size <= IPC_MSG_MAX);
	CHECK((unsigned)msg.type < IPC_MSG_TYPE_COUNT);
	check_terminated(msg.scan_id, sizeof(msg.scan_id));
	check_terminated(msg.customer_id, sizeof(msg.customer_id));
	check_terminated(msg.order, sizeof(msg.order));
	check_terminated(msg.reason, sizeof(msg.reason));
	check_terminated(msg.name, sizeof(msg.name));
	check_terminated(msg.text, sizeof(msg.text));
	if (msg.type == IPC_MSG_SCAN) {
		CHECK(ipc_id_valid(msg.customer_id));
		CHECK(ipc_id_valid(msg.scan_id));
		CHECK(msg.time_ms > 0);
	}
	len = ipc_msg_format(&msg, buf, sizeof(buf), &err);
	CHECK(len > 0);
	CHECK(ipc_msg_parse(buf, (size_t)len, &back, &err) == 0);
	CHECK(memcmp(&msg, &back, sizeof(msg)) == 0);
	return 0;
}
