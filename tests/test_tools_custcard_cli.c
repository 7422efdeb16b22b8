/*
 * custcard as a user runs it: a real process, its output and exit status.
 *  - --new prints fresh ids in the scanner's syntax with their check
 *    character, different every time;
 *  - --id writes the six files, each card decoded back; an existing file
 *    is refused unless --force;
 *  - ids the scanner would refuse are refused with the reason, exit 1;
 *  - --bulk writes the mapping and refuses a second run;
 *  - cards of card rules (--rules, --rule, --card): the number checked by
 *    the rule, the cards read back as rule and id by a scanner with those
 *    rules; --new issues numbers for a rule; --bulk with --rules draws the
 *    cards column's numbers; refusals with the reason;
 *  - usage errors exit 2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "card_testutil.h"
#include "scanner/cardrules.h"
#include "scanner/custid.h"

#define CUSTCARD  CUSTSCAN_BINARY_DIR "/tools/custcard/custcard"
#define RULES_DIR CUSTSCAN_SOURCE_DIR "/docs/rules/"

struct run {
	int status;	/* exit status, -1 if killed */
	char out[8192]; /* standard output */
	char err[8192]; /* standard error */
};

/* Runs custcard with args (shell words) in dir; stdout and stderr apart. */
static void run(const char *dir, const char *args, struct run *r)
{
	char cmd[4096], errpath[128];
	FILE *p, *e;
	size_t n;

	memset(r, 0, sizeof(*r));
	snprintf(errpath, sizeof(errpath), "%s/stderr.txt", dir);
	snprintf(cmd, sizeof(cmd), "cd '%s' && %s %s 2>'%s'", dir, CUSTCARD, args, errpath);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(r->out, 1, sizeof(r->out) - 1, p);
	r->out[n] = '\0';
	{
		int st = pclose(p);
		r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	}
	e = fopen(errpath, "r");
	assert_non_null(e);
	n = fread(r->err, 1, sizeof(r->err) - 1, e);
	r->err[n] = '\0';
	fclose(e);
	unlink(errpath);
}

static void test_new(void **state)
{
	const char *dir = *state;
	struct custid_syntax syntax;
	struct run r;
	char *line, *save = NULL;
	char first[80] = "";
	int n = 0;

	custid_syntax_init_default(&syntax);
	syntax.check = CUSTID_CHECK_MOD37_36;
	run(dir, "--new --count 50", &r);
	assert_int_equal(r.status, 0);
	for (line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
		assert_int_equal(strlen(line), 15);
		assert_int_equal(
		    custid_validate(&syntax, (const uint8_t *)line, strlen(line), NULL), CUSTID_OK);
		if (n == 0)
			memcpy(first, line, strlen(line) + 1);
		else
			assert_string_not_equal(line, first);
	}
	assert_int_equal(n, 50);

	syntax.check = CUSTID_CHECK_LUHN;
	run(dir, "--new --check luhn", &r);
	assert_int_equal(r.status, 0);
	r.out[strcspn(r.out, "\n")] = '\0';
	assert_int_equal(strlen(r.out), 5 + 16);
	assert_int_equal(custid_validate(&syntax, (const uint8_t *)r.out, strlen(r.out), NULL),
			 CUSTID_OK);

	run(dir, "--new --length 6", &r);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "random bits"));
}

static void test_id_writes_every_card(void **state)
{
	const char *dir = *state;
	static const char *const pngs[] = {"label", "phone", "phone-dark"};
	char args[256], path[256], text[80];
	struct card_reads reads;
	struct run r;

	run(dir, "--new", &r);
	assert_int_equal(r.status, 0);
	r.out[strcspn(r.out, "\n")] = '\0';
	assert_true(strlen(r.out) < sizeof(text));
	memcpy(text, r.out, strlen(r.out) + 1);
	snprintf(args, sizeof(args), "--id '%s' --out ada --name 'Ada Lovelace' --label 57x32",
		 text);
	run(dir, args, &r);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	for (size_t i = 0; i < sizeof(pngs) / sizeof(pngs[0]); i++) {
		snprintf(path, sizeof(path), "%s/ada-%s.png", dir, pngs[i]);
		card_test_decode_file(path, false, &reads);
		card_test_expect(&reads, i ? SCANNER_SYM_QR : SCANNER_SYM_CODE128, text, path);
	}
	static const char *const pdfs[] = {"label", "phone", "sheet"};
	for (size_t i = 0; i < sizeof(pdfs) / sizeof(pdfs[0]); i++) {
		size_t len;
		char *pdf;

		snprintf(path, sizeof(path), "%s/ada-%s.pdf", dir, pdfs[i]);
		pdf = card_test_slurp(path, &len);
		assert_memory_equal(pdf, "%PDF-", 5);
		free(pdf);
	}

	/* Again: refused, the files exist; with --force: replaced. */
	run(dir, args, &r);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "ada-label.png: exists"));
	snprintf(args, sizeof(args), "--id '%s' --out ada --force", text);
	run(dir, args, &r);
	assert_int_equal(r.status, 0);
}

static void test_bad_ids_refused(void **state)
{
	const char *dir = *state;
	static const struct {
		const char *args;
		const char *says;
	} cases[] = {
	    {"--id 'CUST#a b' --out x", "CUST#a b: refused (bad_charset)"},
	    {"--id 'cust#ABC' --out x", "refused (bad_prefix)"},
	    {"--id 'CUST#' --out x", "refused (empty_id)"},
	    {"--id 'CUST#DEMO-0001' --out x", "refused (bad_check)"},
	    {"--id 'CUST#DEMO-0001' --out x --name \"$(printf 'a\\tb')\" --check none",
	     "control character"},
	};
	struct run r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run(dir, cases[i].args, &r);
		assert_int_equal(r.status, 1);
		if (!strstr(r.err, cases[i].says))
			fail_msg("%s: \"%s\" lacks \"%s\"", cases[i].args, r.err, cases[i].says);
	}
	/* Ids too long for a label's Code128: refused before any file. */
	run(dir, "--id CUST#ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 --check none --out x --dpi 203",
	    &r);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "below 0.16 mm"));
	run(dir,
	    "--id CUST#ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ --check none "
	    "--out x",
	    &r);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "Code128 cannot encode"));
	/* Nothing was written for them. */
	{
		char path[128];

		snprintf(path, sizeof(path), "%s/x-label.png", dir);
		assert_int_equal(access(path, F_OK), -1);
	}
	/* A register's own id without a check character, with --check none. */
	run(dir, "--id 'CUST#DEMO-0001' --out demo --check none", &r);
	assert_int_equal(r.status, 0);
}

static void test_bulk(void **state)
{
	const char *dir = *state;
	char path[128];
	struct run r;
	FILE *f;

	snprintf(path, sizeof(path), "%s/customers.csv", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("id,first_name,last_name,email,phone\n,Ada,Lovelace,a@x,1\n,Grace,Hopper,g@x,2\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/cards", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	run(dir, "--bulk customers.csv --out-dir cards", &r);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	assert_non_null(strstr(r.out, "2 customers: 0 ids kept, 2 issued"));
	run(dir, "--bulk customers.csv --out-dir cards", &r);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "customer-ids.csv exists"));

	/* A broken file: the line and what is wrong. */
	snprintf(path, sizeof(path), "%s/broken.csv", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("id,first_name,last_name,email,phone\n,Ada,\"Lovelace,a@x,1\n", f);
	fclose(f);
	run(dir, "--bulk broken.csv --out-dir cards --map other.csv", &r);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "broken.csv:2: quoted field opened here is never closed"));
}

/* Decodes path as a scanner with rules does; asserts the one card read. */
static void expect_rule_card(const char *dir, const char *file, const struct cardrules *rules,
			     enum scanner_symbology sym, const char *number, const char *rule,
			     const char *id)
{
	char path[256];
	struct card_reads reads;
	struct scanner_image img;
	struct cardrules_match m;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	assert_int_equal(scanner_image_load(path, &img), 0);
	card_test_decode_as(&img, cardrules_symbologies(rules), false, &reads);
	scanner_image_release(&img);
	card_test_expect(&reads, sym, number, path);
	assert_int_equal(cardrules_match(rules, sym, (const uint8_t *)number, strlen(number), &m),
			 CUSTID_OK);
	assert_string_equal(m.rule, rule);
	assert_string_equal(m.id, id);
}

static void test_rule_cards(void **state)
{
	const char *dir = *state;
	struct cardrules *rules = NULL;
	struct cardrules_match m;
	char args[512], want[512], number[CARDRULES_CARD_BUFSZ] = "", id[16] = "";
	char *line, *save = NULL;
	struct run r;
	int n = 0;

	assert_int_equal(cardrules_load_file(RULES_DIR "ean13-instore.rules", &rules, NULL), 0);
	run(dir, "--rules " RULES_DIR "ean13-instore.rules --rule member_ean13 --new --count 5",
	    &r);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	for (line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
		assert_int_equal(strlen(line), 13);
		assert_memory_equal(line, "24", 2);
		assert_int_equal(
		    cardrules_match(rules, SCANNER_SYM_EAN13, (const uint8_t *)line, 13, &m),
		    CUSTID_OK);
		assert_string_equal(m.rule, "member_ean13");
		if (n == 0)
			memcpy(number, line, 14);
		else
			assert_string_not_equal(line, number);
	}
	assert_int_equal(n, 5);
	/* The pattern 24(\d{10})\d: the id is the ten digits after 24. */
	memcpy(id, number + 2, 10);

	/* The card of an issued number: label first, no dark phone card. */
	snprintf(args, sizeof(args),
		 "--rules " RULES_DIR "ean13-instore.rules --rule member_ean13 --card %s --out m "
		 "--name 'Ada Lovelace'",
		 number);
	run(dir, args, &r);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	snprintf(want, sizeof(want),
		 "%s: rule member_ean13, id %s, EAN-13: wrote m-label.png, m-label.pdf, "
		 "m-phone.png, m-phone.pdf, m-sheet.pdf\n",
		 number, id);
	assert_string_equal(r.out, want);
	expect_rule_card(dir, "m-label.png", rules, SCANNER_SYM_EAN13, number, "member_ean13", id);
	expect_rule_card(dir, "m-phone.png", rules, SCANNER_SYM_EAN13, number, "member_ean13", id);
	cardrules_destroy(rules);

	/* QR of a rule that lists Code 39 first: phone cards and sheet, no label. */
	assert_int_equal(cardrules_load_file(RULES_DIR "prefix-code39.rules", &rules, NULL), 0);
	run(dir,
	    "--rules " RULES_DIR "prefix-code39.rules --rule member --symbology qr "
	    "--card MBR-00422 --out q",
	    &r);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	assert_string_equal(r.out, "MBR-00422: rule member, id 00422, QR-Code: wrote q-phone.png, "
				   "q-phone-dark.png, q-phone.pdf, q-sheet.pdf\n");
	expect_rule_card(dir, "q-phone-dark.png", rules, SCANNER_SYM_QR, "MBR-00422", "member",
			 "00422");
	snprintf(want, sizeof(want), "%s/q-label.png", dir);
	assert_int_equal(access(want, F_OK), -1);
	cardrules_destroy(rules);

	/* Bulk with rules: the cards column's numbers get their cards too. */
	card_test_write_file(dir, "rc.csv",
			     "id,first_name,last_name,email,phone,cards\n"
			     ",Ada,Lovelace,a@x,1,2400012345676\n");
	snprintf(want, sizeof(want), "%s/rc", dir);
	assert_int_equal(mkdir(want, 0700), 0);
	run(dir, "--bulk rc.csv --out-dir rc --rules " RULES_DIR "ean13-instore.rules", &r);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	assert_string_equal(r.out, "1 customer: 0 ids kept, 1 issued, 1 card of the cards column; "
				   "ids in rc/customer-ids.csv, cards in rc\n");
	snprintf(want, sizeof(want), "%s/rc/2400012345676-label.png", dir);
	assert_int_equal(access(want, F_OK), 0);
}

static void test_rule_cards_refused(void **state)
{
	const char *dir = *state;
	static const struct {
		const char *args;
		int status;
		const char *err;
	} cases[] = {
	    {"--rules " RULES_DIR "ean13-instore.rules --rule member_ean13 --card 2400012345670 "
	     "--out x",
	     1,
	     "custcard: 2400012345670: refused by rule member_ean13 (bad_check): its check digit "
	     "is wrong\n"},
	    {"--rules " RULES_DIR "ean13-instore.rules --rule member_ean13 --card 4006381333931 "
	     "--out x",
	     1,
	     "custcard: 4006381333931: refused by rule member_ean13 (not_customer_card): not a "
	     "card of the rule (its prefix, pattern, characters or lengths)\n"},
	    {"--rules " RULES_DIR "prefix-code39.rules --rule member_old --card OLD-1 --out x", 1,
	     "custcard: " RULES_DIR "prefix-code39.rules: rule member_old is disabled (enabled = "
	     "no): the scanner reads none of its cards\n"},
	    {"--rules " RULES_DIR "prefix-code39.rules --rule gold --card MBR-00422 --out x", 1,
	     "custcard: " RULES_DIR "prefix-code39.rules: no rule \"gold\" (the rules: member, "
	     "member_old)\n"},
	    {"--rules " RULES_DIR "prefix-code39.rules --rule member --new", 1,
	     "custcard: rule member takes no all-digit card numbers: custcard issues only "
	     "numbers\n"},
	    {"--rules bad.rules --rule member --card MBR-00422 --out x", 1,
	     "custcard: bad.rules:2: unknown key \"colour\" (known: symbologies, prefix, length, "
	     "charset, pattern, check, check_covers, owned_prefix, enabled)\n"},
	    {"--rules " RULES_DIR "prefix-code39.rules --card MBR-00422 --out x", 2, NULL},
	    {"--card MBR-00422 --out x", 2, NULL},
	    {"--rules " RULES_DIR "prefix-code39.rules --rule member --card MBR-00422", 2, NULL},
	    {"--rules " RULES_DIR "prefix-code39.rules --rule member --symbology pdf417 --new", 2,
	     NULL},
	    {"--rules " RULES_DIR "prefix-code39.rules --rule member --bulk c.csv --out-dir d", 2,
	     NULL},
	};
	char path[128];
	struct run r;

	card_test_write_file(dir, "bad.rules", "[rule member]\ncolour = blue\n");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run(dir, cases[i].args, &r);
		if (r.status != cases[i].status)
			fail_msg("%s: exit %d, want %d: %s", cases[i].args, r.status,
				 cases[i].status, r.err);
		if (cases[i].err)
			assert_string_equal(r.err, cases[i].err);
	}
	snprintf(path, sizeof(path), "%s/x-label.png", dir);
	assert_int_equal(access(path, F_OK), -1);
}

static void test_usage(void **state)
{
	const char *dir = *state;
	struct run r;

	run(dir, "", &r);
	assert_int_equal(r.status, 2);
	run(dir, "--id CUST#X", &r);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "--out"));
	run(dir, "--new --dpi 10", &r);
	assert_int_equal(r.status, 2);
	run(dir, "--new --label 99x99", &r);
	assert_int_equal(r.status, 2);
	run(dir, "--help", &r);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "57x32"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_new),
	    cmocka_unit_test(test_id_writes_every_card),
	    cmocka_unit_test(test_bad_ids_refused),
	    cmocka_unit_test(test_bulk),
	    cmocka_unit_test(test_rule_cards),
	    cmocka_unit_test(test_rule_cards_refused),
	    cmocka_unit_test(test_usage),
	};

	return cmocka_run_group_tests(tests, card_test_setup_dir, card_test_teardown_dir);
}
