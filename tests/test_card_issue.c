/*
 * custcard's ids and customer files (issue 7):
 *  - issued ids: the scanner's syntax and check character for every scheme,
 *    the requested length, no repeats over many draws, every character of
 *    the alphabet used, too few random bits refused;
 *  - ids the scanner would refuse are refused with the validator's reason;
 *    names that cannot be printed are refused;
 *  - the back-office CSV: quoting, CRLF, BOM, blank lines; every kind of
 *    hostile input refused with its line; written back and read again;
 *  - bulk mode: ids issued only where missing, the mapping loadable again,
 *    every card decoded, and nothing ever overwritten.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "card.h"
#include "card_testutil.h"

/* ---------------------------------------------------------------- issuing */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void issue_many(enum custid_check scheme, size_t len, const char *alphabet)
{
	enum { N = 20000 };
	char(*ids)[CUSTID_ID_BUFSZ] = calloc(N, sizeof(*ids));
	struct custid_syntax syntax;
	char text[80];
	int seen[256] = {0};

	assert_non_null(ids);
	custid_syntax_init_default(&syntax);
	syntax.check = scheme;
	for (int i = 0; i < N; i++) {
		char back[CUSTID_ID_BUFSZ];

		assert_int_equal(card_id_issue(scheme, len, ids[i]), 0);
		assert_int_equal(strlen(ids[i]), len);
		snprintf(text, sizeof(text), "CUST#%s", ids[i]);
		assert_int_equal(
		    custid_validate(&syntax, (const uint8_t *)text, strlen(text), back), CUSTID_OK);
		assert_string_equal(back, ids[i]);
		for (size_t k = 0; k + (scheme != CUSTID_CHECK_NONE) < len; k++) {
			if (!strchr(alphabet, ids[i][k]))
				fail_msg("%s: '%c' outside %s", ids[i], ids[i][k], alphabet);
			seen[(unsigned char)ids[i][k]]++;
		}
	}
	/* Every character drawn, none far above its share (uniform draws). */
	for (const char *a = alphabet; *a; a++) {
		double share = (double)seen[(unsigned char)*a] / (N * (double)(len - 1));
		if (share < 0.5 / strlen(alphabet) || share > 1.5 / strlen(alphabet))
			fail_msg("'%c' drawn with share %.4f of %zu characters", *a, share,
				 strlen(alphabet));
	}
	qsort(ids, N, sizeof(*ids), cmp_str);
	for (int i = 1; i < N; i++)
		if (!strcmp(ids[i], ids[i - 1]))
			fail_msg("id %s issued twice", ids[i]);
	free(ids);
}

static void test_issue_mod37_36(void **state)
{
	(void)state;
	assert_int_equal(card_id_default_len(CUSTID_CHECK_MOD37_36), 10);
	issue_many(CUSTID_CHECK_MOD37_36, 10, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	issue_many(CUSTID_CHECK_MOD37_36, 64, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");
}

static void test_issue_luhn_and_none(void **state)
{
	(void)state;
	assert_int_equal(card_id_default_len(CUSTID_CHECK_LUHN), 16);
	issue_many(CUSTID_CHECK_LUHN, 16, "0123456789");
	issue_many(CUSTID_CHECK_NONE, 10, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");
}

static void test_issue_refuses_guessable_lengths(void **state)
{
	(void)state;
	char id[CUSTID_ID_BUFSZ];

	/* 8 random characters of 36 are 41 bits; 7 are 36. */
	assert_int_equal(card_id_issue(CUSTID_CHECK_MOD37_36, 9, id), 0);
	assert_int_equal(card_id_issue(CUSTID_CHECK_MOD37_36, 8, id), CARD_ERR_INVAL);
	/* 13 random digits are 43 bits; 12 are 39.9. */
	assert_int_equal(card_id_issue(CUSTID_CHECK_LUHN, 14, id), 0);
	assert_int_equal(card_id_issue(CUSTID_CHECK_LUHN, 13, id), CARD_ERR_INVAL);
	assert_int_equal(card_id_issue(CUSTID_CHECK_MOD37_36, 65, id), CARD_ERR_INVAL);
	assert_int_equal(card_id_issue(CUSTID_CHECK_MOD37_36, 10, NULL), CARD_ERR_INVAL);
}

/* ---------------------------------------------------------------- refusing */

static void test_bad_ids_refused_with_reason(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		const char *reason;
	} cases[] = {
	    {"cust#ABC123", "bad_prefix"},
	    {"CUST-ABC123", "bad_prefix"},
	    {"CUST#ab c", "bad_charset"},
	    {"CUST#abc\"", "bad_charset"},
	    {"CUST#", "empty_id"},
	    {"ABC", "not_customer_card"},
	    {"CUST#DEMO-0001", "bad_check"}, /* no MOD 37-36 check character */
	    {"CUST#"
	     "0123456789012345678901234567890123456789012345678901234567890123456789",
	     "too_long"},
	};
	struct custid_syntax syntax;
	struct card_error err;
	char id[CUSTID_ID_BUFSZ], good[80], body[] = "K3M9Q2T7W";

	custid_syntax_init_default(&syntax);
	syntax.check = CUSTID_CHECK_MOD37_36;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(card_id_check(&syntax, cases[i].text, id, &err), CARD_ERR_BAD_ID);
		if (!strstr(err.detail, cases[i].reason))
			fail_msg("%s: \"%s\" does not give the reason %s", cases[i].text,
				 err.detail, cases[i].reason);
	}
	/* Control bytes are not echoed to the terminal. */
	assert_int_equal(card_id_check(&syntax, "CUST#a\033[2J", id, &err), CARD_ERR_BAD_ID);
	assert_null(strchr(err.detail, '\033'));

	snprintf(good, sizeof(good), "CUST#%s%c", body,
		 custid_check_char(CUSTID_CHECK_MOD37_36, body, strlen(body)));
	assert_int_equal(card_id_check(&syntax, good, id, &err), 0);
	assert_string_equal(id, good + 5);
	syntax.check = CUSTID_CHECK_NONE;
	assert_int_equal(card_id_check(&syntax, "CUST#DEMO-0001", id, &err), 0);
}

static void test_names(void **state)
{
	(void)state;
	struct card_error err;
	char long_name[CARD_NAME_MAX + 2];

	assert_int_equal(card_name_check("Ada Lovelace", &err), 0);
	assert_int_equal(card_name_check("Zoë Ñandú-Łukasz 中村", &err), 0);
	assert_int_equal(card_name_check("bad\xff", &err), CARD_ERR_BAD_NAME);
	assert_non_null(strstr(err.detail, "UTF-8"));
	assert_int_equal(card_name_check("over\xc0\xaflong", &err), CARD_ERR_BAD_NAME);
	assert_int_equal(card_name_check("surrogate \xed\xa0\x80", &err), CARD_ERR_BAD_NAME);
	assert_int_equal(card_name_check("cut \xe4\xb8", &err), CARD_ERR_BAD_NAME);
	assert_int_equal(card_name_check("line\nbreak", &err), CARD_ERR_BAD_NAME);
	assert_non_null(strstr(err.detail, "control"));
	assert_int_equal(card_name_check("c1 \xc2\x85", &err), CARD_ERR_BAD_NAME);
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_int_equal(card_name_check(long_name, &err), CARD_ERR_BAD_NAME);
}

/* ---------------------------------------------------------------- the CSV */

static struct card_customers *parse_ok(const char *csv, enum custid_check check)
{
	struct custid_syntax syntax;
	struct card_customers *list = NULL;
	struct card_error err = {0};

	custid_syntax_init_default(&syntax);
	syntax.check = check;
	if (card_customers_parse(csv, strlen(csv), "t.csv", &syntax, &list, &err))
		fail_msg("parse failed: %s", err.detail);
	return list;
}

static void test_csv_reads_quoting_and_line_ends(void **state)
{
	(void)state;
	const char *csv = "\xef\xbb\xbfid,first_name,last_name,email,phone\r\n"
			  "DEMO-0001,Ada,Lovelace,ada@example.com,+44 20 7946 0001\r\n"
			  "\n"
			  ",\"Grace, Rear Admiral\",\"Hopper \"\"Amazing\"\"\",,\r\n"
			  "1001,Alan,Turing,alan@example.com,\"\"\n"
			  ",Zoë,\"\",z@example.com,1";
	struct card_customers *list = parse_ok(csv, CUSTID_CHECK_NONE);
	struct card_customer *c;

	assert_int_equal(card_customers_count(list), 4);
	c = card_customers_get(list, 0);
	assert_string_equal(c->id, "DEMO-0001");
	assert_string_equal(c->phone, "+44 20 7946 0001");
	assert_int_equal(c->line, 2);
	c = card_customers_get(list, 1);
	assert_string_equal(c->id, "");
	assert_string_equal(c->first_name, "Grace, Rear Admiral");
	assert_string_equal(c->last_name, "Hopper \"Amazing\"");
	assert_string_equal(c->email, "");
	assert_int_equal(c->line, 4);
	c = card_customers_get(list, 3);
	assert_string_equal(c->first_name, "Zoë");
	assert_int_equal(c->line, 6);
	assert_true(card_customers_has_id(list, "1001"));
	assert_false(card_customers_has_id(list, "1002"));
	assert_null(card_customers_get(list, 4));
	card_customers_destroy(list);

	/* The committed demo file reads as it is. */
	{
		struct custid_syntax syntax;
		struct card_error err = {0};

		custid_syntax_init_default(&syntax);
		if (card_customers_read(CUSTSCAN_FIXTURES "/../../assets/demo-customers.csv",
					&syntax, &list, &err))
			fail_msg("%s", err.detail);
		assert_int_equal(card_customers_count(list), 3);
		/* issue 10's optional sixth column, cards */
		assert_string_equal(card_customers_get(list, 1)->cards,
				    "2900000012349;MBR-12345674");
		card_customers_destroy(list);
	}
}

static void test_csv_hostile_input(void **state)
{
	(void)state;
	static const char hdr[] = "id,first_name,last_name,email,phone\n";
	char big[1024];
	static const struct {
		const char *body; /* after the header */
		size_t len;	  /* 0: strlen */
		int line;	  /* line reported */
		int code;
		const char *says;
	} cases[] = {
	    {"1,Ada,Lovelace,a@x,1\n2,\"Grace,Hopper,g@x,2\n3,Alan,Turing,t@x,3\n", 0, 3,
	     CARD_ERR_CSV, "never closed"},
	    {"1,Ada,Lo\"velace,a@x,1\n", 0, 2, CARD_ERR_CSV, "quote inside an unquoted"},
	    {"1,\"Ada\"x,Lovelace,a@x,1\n", 0, 2, CARD_ERR_CSV, "after a closing quote"},
	    {"1,Ada,Lovelace,a@x\n", 0, 2, CARD_ERR_CSV, "4 fields, expected 5"},
	    {"1,Ada,Lovelace,a@x,1,extra\n", 0, 2, CARD_ERR_CSV, "6 fields, expected 5"},
	    {"1,Ada,Lovelace,a@x,1,c,extra\n", 0, 2, CARD_ERR_CSV, "more than 6 fields"},
	    {"1,Ada,Lovelace,a@x,1\n2,Gr\0ace,Hopper,g@x,2\n", 43, 3, CARD_ERR_CSV, "NUL"},
	    {"1,Ada,Love\xfflace,a@x,1\n", 0, 2, CARD_ERR_CSV, "last_name is not valid UTF-8"},
	    {"1,Ada,Lovelace,a@x,1\n2,\"Grace\nHopper\",x,g@x,2\n", 0, 3, CARD_ERR_CSV,
	     "first_name has a control character or line break"},
	    {"1,Ada\tX,Lovelace,a@x,1\n", 0, 2, CARD_ERR_CSV, "control"},
	    {"1,Ada,Lovelace,a@x,1\r2,Grace,Hopper,g@x,2\n", 0, 2, CARD_ERR_CSV, "carriage return"},
	    {"a b,Ada,Lovelace,a@x,1\n", 0, 2, CARD_ERR_BAD_ID, "refused (bad_charset)"},
	    {"1,Ada,Lovelace,a@x,1\n\n1,Grace,Hopper,g@x,2\n", 0, 4, CARD_ERR_DUPLICATE,
	     "id 1 is already on line 2"},
	};
	struct custid_syntax syntax;
	struct card_customers *list;
	struct card_error err;
	char buf[2048];

	custid_syntax_init_default(&syntax);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].body);
		char want[32];

		memcpy(buf, hdr, sizeof(hdr) - 1);
		memcpy(buf + sizeof(hdr) - 1, cases[i].body, len);
		memset(&err, 0, sizeof(err));
		list = (void *)1;
		assert_int_equal(card_customers_parse(buf, sizeof(hdr) - 1 + len, "in.csv", &syntax,
						      &list, &err),
				 cases[i].code);
		assert_null(list);
		snprintf(want, sizeof(want), "in.csv:%d: ", cases[i].line);
		if (strncmp(err.detail, want, strlen(want)) || !strstr(err.detail, cases[i].says))
			fail_msg("case %zu: \"%s\", want \"%s...%s\"", i, err.detail, want,
				 cases[i].says);
		assert_int_equal(err.line, cases[i].line);
	}

	/* A field over CARD_CSV_MAX_FIELD bytes, a wrong header, no header. */
	memset(big, 'x', sizeof(big));
	memcpy(buf, hdr, sizeof(hdr) - 1);
	memcpy(buf + sizeof(hdr) - 1, ",", 1);
	memcpy(buf + sizeof(hdr), big, sizeof(big));
	assert_int_equal(
	    card_customers_parse(buf, sizeof(hdr) + sizeof(big), "in.csv", &syntax, &list, &err),
	    CARD_ERR_CSV);
	assert_non_null(strstr(err.detail, "first_name field longer than 256 bytes"));
	assert_int_equal(
	    card_customers_parse("name,email\nAda,a@x\n", 18, "in.csv", &syntax, &list, &err),
	    CARD_ERR_CSV);
	assert_non_null(strstr(err.detail, "in.csv:1: the first line must be the header"));
	assert_int_equal(card_customers_parse("\n\n", 2, "in.csv", &syntax, &list, &err),
			 CARD_ERR_CSV);
	assert_non_null(strstr(err.detail, "empty"));
	/* A valid id without the check character the syntax asks for. */
	syntax.check = CUSTID_CHECK_MOD37_36;
	{
		const char *csv = "id,first_name,last_name,email,phone\nDEMO-0001,a,b,c,d\n";

		assert_int_equal(
		    card_customers_parse(csv, strlen(csv), "in.csv", &syntax, &list, &err),
		    CARD_ERR_BAD_ID);
	}
	assert_non_null(strstr(err.detail, "in.csv:2: CUST#DEMO-0001: refused (bad_check)"));
}

static void test_csv_write_and_read_back(void **state)
{
	(void)state;
	const char *csv = "id,first_name,last_name,email,phone\n"
			  "A1,\"Grace, Rear Admiral\",\"Hopper \"\"Amazing\"\"\",g@x,\n"
			  "B2,Ada,Lovelace,,+44 1\n";
	struct card_customers *list = parse_ok(csv, CUSTID_CHECK_NONE), *back;
	struct custid_syntax syntax;
	struct card_error err = {0};
	char dir[64], path[128];
	size_t len;
	char *text;

	card_test_mkdtemp(dir);
	snprintf(path, sizeof(path), "%s/out.csv", dir);
	assert_int_equal(card_customers_write(list, path, true, &err), 0);
	text = card_test_slurp(path, &len);
	assert_string_equal(text, csv);
	free(text);
	assert_int_equal(card_customers_write(list, path, true, &err), CARD_ERR_EXISTS);
	card_customers_destroy(list);
	/* With the cards column: kept through a write. */
	list =
	    parse_ok("id,first_name,last_name,email,phone,cards\nA1,a,b,c,d,\"1;2\"\nB2,e,f,g,h,\n",
		     CUSTID_CHECK_NONE);
	snprintf(path, sizeof(path), "%s/cards.csv", dir);
	assert_int_equal(card_customers_write(list, path, true, &err), 0);
	text = card_test_slurp(path, &len);
	assert_string_equal(
	    text, "id,first_name,last_name,email,phone,cards\nA1,a,b,c,d,1;2\nB2,e,f,g,h,\n");
	free(text);
	card_customers_destroy(list);
	snprintf(path, sizeof(path), "%s/out.csv", dir);
	list = parse_ok(csv, CUSTID_CHECK_NONE);
	custid_syntax_init_default(&syntax);
	assert_int_equal(card_customers_read(path, &syntax, &back, &err), 0);
	assert_int_equal(card_customers_count(back), 2);
	assert_string_equal(card_customers_get(back, 0)->last_name, "Hopper \"Amazing\"");
	card_customers_destroy(back);
	card_customers_destroy(list);
	assert_int_equal(card_customers_read("/nonexistent/c.csv", &syntax, &back, &err),
			 CARD_ERR_IO);
	card_test_rmtree(dir);
}

/* ---------------------------------------------------------------- bulk */

struct bulk_fx {
	char dir[64];		     /* scratch folder */
	char in[128], out[128];	     /* customer file, card folder */
	struct custid_syntax syntax; /* MOD 37-36 */
};

static void bulk_setup(struct bulk_fx *fx, const char *kept_id)
{
	FILE *f;

	card_test_mkdtemp(fx->dir);
	snprintf(fx->in, sizeof(fx->in), "%s/customers.csv", fx->dir);
	snprintf(fx->out, sizeof(fx->out), "%s/cards", fx->dir);
	assert_int_equal(mkdir(fx->out, 0700), 0);
	f = fopen(fx->in, "w");
	assert_non_null(f);
	fprintf(f,
		"id,first_name,last_name,email,phone\n"
		"%s,Ada,Lovelace,ada@example.com,+44 20 7946 0001\n"
		",Grace,Hopper,grace@example.com,+1 212 555 0102\n"
		",\"Turing, Alan\",,alan@example.com,\n",
		kept_id);
	fclose(f);
	custid_syntax_init_default(&fx->syntax);
	fx->syntax.check = CUSTID_CHECK_MOD37_36;
}

static struct card_bulk bulk_args(const struct bulk_fx *fx, const char *in, const char *out)
{
	struct card_bulk b = {.customers = in,
			      .out_dir = out,
			      .syntax = &fx->syntax,
			      .label = card_label_size_find("57x32"),
			      .dpi = 300};
	(void)fx;
	return b;
}

static void test_bulk(void **state)
{
	(void)state;
	struct bulk_fx fx;
	struct card_bulk_report rep;
	struct card_error err = {0};
	struct card_customers *map;
	char kept[16], path[256], out2[128];
	struct card_bulk b;
	size_t len1, len2;
	char *before, *after;

	snprintf(kept, sizeof(kept), "K3M9Q2T7W%c",
		 custid_check_char(CUSTID_CHECK_MOD37_36, "K3M9Q2T7W", 9));
	bulk_setup(&fx, kept);
	b = bulk_args(&fx, fx.in, fx.out);
	if (card_bulk_run(&b, &rep, &err))
		fail_msg("%s", err.detail);
	assert_int_equal(rep.customers, 3);
	assert_int_equal(rep.kept, 1);
	assert_int_equal(rep.issued, 2);

	/* The mapping: the customer file with ids filled in, the kept one kept. */
	assert_int_equal(card_customers_read(rep.map_path, &fx.syntax, &map, &err), 0);
	assert_int_equal(card_customers_count(map), 3);
	assert_string_equal(card_customers_get(map, 0)->id, kept);
	assert_string_equal(card_customers_get(map, 2)->first_name, "Turing, Alan");
	for (size_t i = 0; i < 3; i++) {
		const struct card_customer *c = card_customers_get(map, i);
		char text[80];
		struct card_reads reads;

		assert_int_equal(strlen(c->id), 10);
		snprintf(text, sizeof(text), "CUST#%s", c->id);
		for (int k = 0; k < CARD_OUTPUTS; k++) {
			snprintf(path, sizeof(path), "%s/%s%s", fx.out, c->id,
				 card_suffix(card_outputs[k].kind, card_outputs[k].format));
			assert_int_equal(access(path, F_OK), 0);
		}
		snprintf(path, sizeof(path), "%s/%s-label.png", fx.out, c->id);
		card_test_decode_file(path, false, &reads);
		card_test_expect(&reads, SCANNER_SYM_CODE128, text, path);
		snprintf(path, sizeof(path), "%s/%s-phone.png", fx.out, c->id);
		card_test_decode_file(path, false, &reads);
		card_test_expect(&reads, SCANNER_SYM_QR, text, path);
	}

	/* Run again: the mapping exists, nothing is touched. */
	before = card_test_slurp(rep.map_path, &len1);
	assert_int_equal(card_bulk_run(&b, &rep, &err), CARD_ERR_EXISTS);
	assert_non_null(strstr(err.detail, "never overwritten"));
	after = card_test_slurp(rep.map_path, &len2);
	assert_int_equal(len1, len2);
	assert_memory_equal(before, after, len1);
	free(after);

	/* The mapping as the customer file, cards into a new folder: same ids,
	 * none issued; into the old folder: refused, the cards exist. */
	snprintf(out2, sizeof(out2), "%s/again", fx.dir);
	assert_int_equal(mkdir(out2, 0700), 0);
	{
		char map_copy[128];
		FILE *f;

		snprintf(map_copy, sizeof(map_copy), "%s/ids.csv", fx.dir);
		f = fopen(map_copy, "w");
		assert_non_null(f);
		fwrite(before, 1, len1, f);
		fclose(f);
		b = bulk_args(&fx, map_copy, out2);
		assert_int_equal(card_bulk_run(&b, &rep, &err), 0);
		assert_int_equal(rep.issued, 0);
		assert_int_equal(rep.kept, 3);
		after = card_test_slurp(rep.map_path, &len2);
		assert_int_equal(len1, len2);
		assert_memory_equal(before, after, len1);
		free(after);

		b = bulk_args(&fx, map_copy, fx.out);
		snprintf(path, sizeof(path), "%s/other.csv", fx.dir);
		b.map_path = path;
		assert_int_equal(card_bulk_run(&b, &rep, &err), CARD_ERR_EXISTS);
		assert_non_null(strstr(err.detail, "-label.png: exists"));
		/* Refused before anything was written: no mapping either. */
		assert_int_equal(access(path, F_OK), -1);
	}
	free(before);
	card_customers_destroy(map);
	card_test_rmtree(fx.dir);
}

static void test_bulk_refuses_bad_files(void **state)
{
	(void)state;
	struct bulk_fx fx;
	struct card_bulk_report rep;
	struct card_error err = {0};
	struct card_bulk b;
	char map[256];

	/* An id without its check character: refused with line and reason. */
	bulk_setup(&fx, "DEMO-0001");
	b = bulk_args(&fx, fx.in, fx.out);
	assert_int_equal(card_bulk_run(&b, &rep, &err), CARD_ERR_BAD_ID);
	assert_non_null(strstr(err.detail, "customers.csv:2: CUST#DEMO-0001: refused (bad_check)"));
	snprintf(map, sizeof(map), "%s/customer-ids.csv", fx.out);
	assert_int_equal(access(map, F_OK), -1);
	/* Ids too long for the label: refused before any file is written. */
	fx.syntax.check = CUSTID_CHECK_NONE;
	b.id_len = 40;
	b.label = card_label_size_find("51x25");
	b.dpi = 203;
	assert_int_equal(card_bulk_run(&b, &rep, &err), CARD_ERR_FIT);
	assert_int_equal(access(map, F_OK), -1);
	card_test_rmtree(fx.dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_issue_mod37_36),
	    cmocka_unit_test(test_issue_luhn_and_none),
	    cmocka_unit_test(test_issue_refuses_guessable_lengths),
	    cmocka_unit_test(test_bad_ids_refused_with_reason),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_csv_reads_quoting_and_line_ends),
	    cmocka_unit_test(test_csv_hostile_input),
	    cmocka_unit_test(test_csv_write_and_read_back),
	    cmocka_unit_test(test_bulk),
	    cmocka_unit_test(test_bulk_refuses_bad_files),
	};

	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	card_cleanup();
	return failed;
}
