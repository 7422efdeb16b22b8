/*
 * Tests for scanner/cardrules.c: each example rules file of docs/rules/
 * against good cards, product codes (another shop's in-store range too),
 * wrong check digits, cards of a disabled rule, overlong and non-ASCII
 * payloads; the built-in rule against custid_validate(); the product-code
 * guard; and rules files that must fail with their line and reason.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "scanner/cardrules.h"
#include "scanner/error.h"
#include "rules_upca.h"

#define SYM_QR	  SCANNER_SYM_QR
#define SYM_C128  SCANNER_SYM_CODE128
#define SYM_EAN13 SCANNER_SYM_EAN13
#define SYM_EAN8  SCANNER_SYM_EAN8
#define SYM_UPCA  SCANNER_SYM_UPCA
#define SYM_C39	  SCANNER_SYM_CODE39
#define SYM_I25	  SCANNER_SYM_I25
#define NCC	  CUSTID_NOT_CUSTOMER_CARD
#define RULES(f)  CUSTSCAN_SOURCE_DIR "/docs/rules/" f

struct card_case {
	const char *what;	    /* printed on failure */
	enum scanner_symbology sym; /* as read */
	const char *payload;	    /* NUL-free text */
	enum custid_reason reason;  /* expected verdict */
	const char *rule;	    /* expected rule ("" unless OK) */
	const char *id;		    /* expected id */
	const char *card;	    /* expected card number */
};

static struct cardrules *load(const char *path)
{
	struct cardrules *rules = NULL;
	struct cardrules_error err;

	if (cardrules_load_file(path, &rules, &err))
		fail_msg("%s:%d: %s", path, err.line, err.message);
	return rules;
}

static void run_cases(const struct cardrules *rules, const struct card_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct card_case *tc = &cases[i];
		struct cardrules_match m;
		enum custid_reason got = cardrules_match(
		    rules, tc->sym, (const uint8_t *)tc->payload, strlen(tc->payload), &m);

		if (got != tc->reason || strcmp(m.rule, tc->rule) || strcmp(m.id, tc->id) ||
		    strcmp(m.card, tc->card))
			fail_msg("%s: got %s rule \"%s\" id \"%s\" card \"%s\", want %s \"%s\" "
				 "\"%s\" \"%s\"",
				 tc->what, custid_reason_name(got), m.rule, m.id, m.card,
				 custid_reason_name(tc->reason), tc->rule, tc->id, tc->card);
	}
}

/* 2-, 5-, 8-, 13- and 14-digit linked cards. */
static void test_linked_cards(void **state)
{
	static const struct card_case cases[] = {
	    {"2 digits", SYM_C128, "42", CUSTID_OK, "linked_short", "42", "42"},
	    {"5 digits QR", SYM_QR, "12345", CUSTID_OK, "linked_short", "12345", "12345"},
	    {"5 digits Code 39", SYM_C39, "00017", CUSTID_OK, "linked_short", "00017", "00017"},
	    {"3 digits", SYM_C128, "123", NCC, "", "", ""},
	    {"letters", SYM_QR, "AB", NCC, "", "", ""},
	    {"URL", SYM_QR, "https://shop.example/", NCC, "", "", ""},
	    {"EAN-8 card", SYM_EAN8, "20001230", CUSTID_OK, "linked_ean8", "0001230", "20001230"},
	    {"EAN-8 product", SYM_EAN8, "96385074", NCC, "", "", ""},
	    {"EAN-8 card, wrong check", SYM_EAN8, "20001231", CUSTID_BAD_CHECK, "", "", ""},
	    {"EAN-13 card", SYM_EAN13, "2900000012349", CUSTID_OK, "linked_ean13", "00000012349",
	     "2900000012349"},
	    {"EAN-13 card, wrong check", SYM_EAN13, "2900000012340", CUSTID_BAD_CHECK, "", "", ""},
	    {"EAN-13 product", SYM_EAN13, "4006381333931", NCC, "", "", ""},
	    {"ISBN", SYM_EAN13, "9783161484100", NCC, "", "", ""},
	    {"another shop's in-store 23", SYM_EAN13, "2300012345679", NCC, "", "", ""},
	    {"UPC-A product read as EAN-13", SYM_EAN13, "0036000291452", NCC, "", "", ""},
	    {"13-digit card in Code 128", SYM_C128, "2900000012349", NCC, "", "", ""},
	    {"EAN-13 card, 12 digits", SYM_EAN13, "290000001234", CUSTID_BAD_LENGTH, "", "", ""},
	    {"ITF-14 card", SYM_I25, "02900000123458", CUSTID_OK, "linked_itf14", "00000123458",
	     "02900000123458"},
	    {"ITF-14 carton", SYM_I25, "10012345678902", NCC, "", "", ""},
	    {"I2/5 short", SYM_I25, "42", NCC, "", "", ""},
	    {"CUST# card", SYM_QR, "CUST#1001", NCC, "", "", ""},
	    {"overlong digits", SYM_C128,
	     "1234512345123451234512345123451234512345123451234512345123451234512345", NCC, "", "",
	     ""},
	    {"fullwidth digits", SYM_QR, "\xEF\xBC\x91\xEF\xBC\x92", NCC, "", "", ""},
	    {"empty", SYM_QR, "", NCC, "", "", ""},
	};
	struct cardrules *rules = load(RULES("linked-cards.rules"));

	(void)state;
	assert_int_equal(cardrules_symbologies(rules),
			 SYM_C128 | SYM_C39 | SYM_QR | SYM_EAN8 | SYM_EAN13 | SYM_I25);
	run_cases(rules, cases, sizeof(cases) / sizeof(cases[0]));
	cardrules_destroy(rules);
}

/* EAN-13 behind the in-store prefix mask 24, then the CUST# rule. */
static void test_ean13_instore(void **state)
{
	static const struct card_case cases[] = {
	    {"member card", SYM_EAN13, "2400012345676", CUSTID_OK, "member_ean13", "0001234567",
	     "2400012345676"},
	    {"wrong check", SYM_EAN13, "2400012345677", CUSTID_BAD_CHECK, "", "", ""},
	    {"other in-store prefix", SYM_EAN13, "2300012345679", NCC, "", "", ""},
	    {"product", SYM_EAN13, "4006381333931", NCC, "", "", ""},
	    {"as Code 128", SYM_C128, "2400012345676", NCC, "", "", ""},
	    {"CUST# still works", SYM_QR, "CUST#DEMO-0001", CUSTID_OK, "cust", "DEMO-0001",
	     "CUST#DEMO-0001"},
	    {"cust#, bad prefix", SYM_QR, "cust#1", CUSTID_BAD_PREFIX, "", "", ""},
	    {"CUST#, bad charset", SYM_QR, "CUST#a b", CUSTID_BAD_CHARSET, "", "", ""},
	    {"CUST#, non-ASCII", SYM_QR, "CUST#\xC3\xA9", CUSTID_BAD_CHARSET, "", "", ""},
	    {"CUST# too long", SYM_QR,
	     "CUST#123456789012345678901234567890123456789012345678901234567890", CUSTID_TOO_LONG,
	     "", "", ""},
	};
	struct cardrules *rules = load(RULES("ean13-instore.rules"));

	(void)state;
	assert_int_equal(cardrules_symbologies(rules), SYM_EAN13 | SYM_QR | SYM_C128);
	run_cases(rules, cases, sizeof(cases) / sizeof(cases[0]));
	cardrules_destroy(rules);
}

/* A fixed prefix in Code 39 or QR, and a disabled rule. */
static void test_prefix_code39(void **state)
{
	static const struct card_case cases[] = {
	    {"Code 39", SYM_C39, "MBR-12345674", CUSTID_OK, "member", "12345674", "MBR-12345674"},
	    {"QR", SYM_QR, "MBR-00000422", CUSTID_OK, "member", "00000422", "MBR-00000422"},
	    {"Code 128 is not listed", SYM_C128, "MBR-12345674", NCC, "", "", ""},
	    {"wrong Luhn", SYM_C39, "MBR-12345675", CUSTID_BAD_CHECK, "", "", ""},
	    {"lower case", SYM_QR, "mbr-12345674", CUSTID_BAD_PREFIX, "", "", ""},
	    {"letters", SYM_C39, "MBR-1234567A", CUSTID_BAD_CHARSET, "", "", ""},
	    {"short", SYM_C39, "MBR-1", CUSTID_BAD_LENGTH, "", "", ""},
	    {"disabled rule's card", SYM_C128, "OLD-1234", NCC, "", "", ""},
	    {"product", SYM_EAN13, "4006381333931", NCC, "", "", ""},
	};
	struct cardrules *rules = load(RULES("prefix-code39.rules"));

	(void)state;
	assert_int_equal(cardrules_count(rules), 2);
	assert_false(cardrules_enabled(rules, 1));
	/* The disabled rule's Code 128 is not read at all. */
	assert_int_equal(cardrules_symbologies(rules), SYM_C39 | SYM_QR);
	run_cases(rules, cases, sizeof(cases) / sizeof(cases[0]));
	cardrules_destroy(rules);
}

/* An Odoo-like client rule. */
static void test_odoo_client(void **state)
{
	static const struct card_case cases[] = {
	    {"EAN-13", SYM_EAN13, "0420000123453", CUSTID_OK, "client", "0000123453",
	     "0420000123453"},
	    {"on a phone", SYM_QR, "0420000123453", CUSTID_OK, "client", "0000123453",
	     "0420000123453"},
	    {"wrong check", SYM_EAN13, "0420000123454", CUSTID_BAD_CHECK, "", "", ""},
	    {"UPC-A product as EAN-13", SYM_EAN13, "0036000291452", NCC, "", "", ""},
	    {"product", SYM_EAN13, "4006381333931", NCC, "", "", ""},
	};
	struct cardrules *rules = load(RULES("odoo-client.rules"));

	(void)state;
	run_cases(rules, cases, sizeof(cases) / sizeof(cases[0]));
	cardrules_destroy(rules);
}

/* Every example in docs/rules/ loads (a new one is picked up by itself). */
static void test_every_example_loads(void **state)
{
	DIR *d = opendir(CUSTSCAN_SOURCE_DIR "/docs/rules");
	struct dirent *e;
	int n = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d))) {
		char path[1024];
		size_t len = strlen(e->d_name);
		struct cardrules *rules;

		if (len < 7 || strcmp(e->d_name + len - 6, ".rules") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/docs/rules/%s", CUSTSCAN_SOURCE_DIR, e->d_name);
		rules = load(path);
		assert_true(cardrules_count(rules) >= 1);
		cardrules_destroy(rules);
		n++;
	}
	closedir(d);
	assert_true(n >= 4);
}

/* The built-in rule says what custid_validate() says, for every payload here. */
static void test_default_is_custid(void **state)
{
	static const char *const payloads[] = {
	    "CUST#12345",
	    "CUST#a",
	    "CUST#Ab_9-z",
	    "",
	    "4006381333931",
	    "cust#1",
	    "CUST-1",
	    "CUST#",
	    "CUST#a b",
	    "CUST#\xC3\xA9",
	    "\xD0\xA1UST#1",
	    "CUS",
	    "CUST #1",
	    "CUST#0123456789012345678901234567890123456789012345678901234567890123",
	    "CUST#012345678901234567890123456789012345678901234567890123456789012",
	};
	struct custid_syntax syntax;
	struct cardrules *rules;

	(void)state;
	for (int check = 0; check < 3; check++) {
		custid_syntax_init_default(&syntax);
		syntax.check = (enum custid_check)check;
		assert_int_equal(cardrules_create_default(&syntax, SCANNER_SYM_DEFAULT, &rules), 0);
		assert_int_equal(cardrules_symbologies(rules), SCANNER_SYM_DEFAULT);
		for (size_t i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
			char id[CUSTID_ID_BUFSZ];
			struct cardrules_match m;
			const uint8_t *p = (const uint8_t *)payloads[i];
			size_t len = strlen(payloads[i]);
			enum custid_reason want = custid_validate(&syntax, p, len, id);
			enum custid_reason got = cardrules_match(rules, SYM_QR, p, len, &m);

			if (got != want || strcmp(m.id, id))
				fail_msg("\"%s\": %s \"%s\", custid says %s \"%s\"", payloads[i],
					 custid_reason_name(got), m.id, custid_reason_name(want),
					 id);
			assert_string_equal(m.card, "");
			assert_string_equal(m.rule, want == CUSTID_OK ? "cust" : "");
		}
		cardrules_destroy(rules);
	}
	/* A NUL inside is never an id. */
	custid_syntax_init_default(&syntax);
	assert_int_equal(cardrules_create_default(&syntax, SCANNER_SYM_DEFAULT, &rules), 0);
	assert_int_equal(cardrules_match(rules, SYM_QR, (const uint8_t *)"CUST#1\0", 7, NULL),
			 CUSTID_BAD_CHARSET);
	cardrules_destroy(rules);
	custid_syntax_init_default(&syntax);
	syntax.prefix[0] = '\0';
	assert_int_equal(cardrules_create_default(&syntax, SCANNER_SYM_DEFAULT, &rules),
			 SCANNER_ERR_INVAL);
	assert_null(rules);
}

/* ZBar reports a UPC-A as EAN-13 with a leading 0 unless UPC-A is enabled. */
static void test_upca_normalised(void **state)
{
	static const char text[] = UPCA_TEST_RULES;
	static const struct card_case cases[] = {
	    {"UPC-A", SYM_UPCA, "412345678903", CUSTID_OK, "upc", "12345678903", "412345678903"},
	    {"UPC-A as EAN-13", SYM_EAN13, "0412345678903", CUSTID_OK, "upc", "12345678903",
	     "412345678903"},
	    {"UPC-A product", SYM_UPCA, "036000291452", NCC, "", "", ""},
	    {"UPC-A product as EAN-13", SYM_EAN13, "0036000291452", NCC, "", "", ""},
	    {"an EAN-13 is no UPC-A", SYM_EAN13, "4006381333931", NCC, "", "", ""},
	};
	struct cardrules *rules = NULL;
	struct cardrules_error err;

	(void)state;
	assert_int_equal(cardrules_parse(text, sizeof(text) - 1, &rules, &err), 0);
	run_cases(rules, cases, sizeof(cases) / sizeof(cases[0]));
	cardrules_destroy(rules);
}

struct load_case {
	const char *what;
	const char *text;
	int line;	     /* expected error line; -1: loads */
	const char *message; /* expected part of the message */
};

/* Rules that would take product codes are refused with an explanation. */
static const struct load_case guard_cases[] = {
    {"bare EAN-13", "[rule a]\nsymbologies = ean13\nlength = 13\ncharset = 0-9\n", 1,
     "would take retail product codes"},
    {"bare EAN-13 says where", "[rule a]\nsymbologies = ean13\nlength = 13\ncharset = 0-9\n", 1,
     "in-store range 20-29"},
    {"EAN-13, in-store 24", "[rule a]\nsymbologies = ean13\nprefix = 24\nlength = 13\n", -1, NULL},
    {"EAN-13, in-store 2", "[rule a]\nsymbologies = ean13\nprefix = 2\ncharset = 0-9\n", -1, NULL},
    {"EAN-13, a company prefix", "[rule a]\nsymbologies = ean13\nprefix = 4012345\n", 1,
     "starting with \"4\""},
    {"EAN-13, an owned prefix",
     "[rule a]\nsymbologies = ean13\nprefix = 4012345\nowned_prefix = 4012345\n", -1, NULL},
    {"owned prefix not used",
     "[rule a]\nsymbologies = ean13\nprefix = 40\nowned_prefix = 4012345\n", 1,
     "starting with \"400\""},
    {"EAN-13 pattern", "[rule a]\nsymbologies = ean13\npattern = (\\d{13})\n", 1,
     "EAN-13 product codes"},
    {"EAN-13 pattern, in-store", "[rule a]\nsymbologies = ean13\npattern = 2[0-9](\\d{10})\\d\n",
     -1, NULL},
    {"EAN-13 pattern, one branch a product",
     "[rule a]\nsymbologies = ean13\npattern = (?:24|40)(\\d{10})\\d\n", 1, "starting with \"4\""},
    {"EAN-8 product range", "[rule a]\nsymbologies = ean8\nprefix = 9\n", 1, "EAN-8 product codes"},
    {"UPC-A system 0", "[rule a]\nsymbologies = upca\nprefix = 0\n", 1, "UPC-A product codes"},
    {"ITF-14 bare", "[rule a]\nsymbologies = i25\nlength = 14\ncharset = 0-9\n", 1, "GTIN-14"},
    {"letters only", "[rule a]\nsymbologies = ean13\ncharset = A-Z\n", -1, NULL},
    {"Code 128, 13 digits", "[rule a]\nsymbologies = code128\nlength = 13\ncharset = 0-9\n", -1,
     NULL},
    {"second rule refused",
     "[rule ok]\nsymbologies = qr\nprefix = X\n\n[rule bad]\n"
     "symbologies = qr, ean13\ncharset = 0-9\n",
     5, "rule \"bad\""},
};

/* Malformed files name the line and what is wrong; nothing is half loaded. */
static const struct load_case error_cases[] = {
    {"empty", "", 0, "no rules"},
    {"only comments", "# nothing\n\n", 0, "no rules"},
    {"setting first", "symbologies = qr\n", 1, "before the first [rule"},
    {"bad header", "[rules a]\n", 1, "[rule NAME]"},
    {"bad name", "[rule A-1]\nsymbologies = qr\n", 1, "rule name"},
    {"long name", "[rule abcdefghijabcdefghijabcdefghijabc]\n", 1, "rule name"},
    {"twice", "[rule a]\nsymbologies = qr\n[rule a]\nsymbologies = qr\n", 3,
     "defined twice (first at line 1)"},
    {"unknown key", "[rule a]\nsymbologies = qr\ncolour = red\n", 3, "unknown key \"colour\""},
    {"no equals", "[rule a]\nsymbologies qr\n", 2, "key = value"},
    {"key twice", "[rule a]\nsymbologies = qr\nsymbologies = qr\n", 3, "given twice"},
    {"no symbologies", "[rule a]\nprefix = X\n", 1, "no symbologies"},
    {"bad symbology", "[rule a]\nsymbologies = pdf417\n", 2, "symbologies"},
    {"bad length", "[rule a]\nsymbologies = qr\nlength = 3-1\n", 3, "length"},
    {"length 65", "[rule a]\nsymbologies = qr\nlength = 65\n", 3, "length"},
    {"length in prefix", "[rule a]\nsymbologies = qr\nprefix = ABC\nlength = 3,8\n", 1,
     "length 3 leaves no room"},
    {"charset with dot", "[rule a]\nsymbologies = qr\ncharset = 0-9.\n", 3, "charset"},
    {"bad check", "[rule a]\nsymbologies = qr\ncheck = crc32\n", 3, "check"},
    {"bad check_covers", "[rule a]\nsymbologies = qr\ncheck_covers = all\n", 3, "check_covers"},
    {"short owned", "[rule a]\nsymbologies = qr\nowned_prefix = 401\n", 3, "owned_prefix"},
    {"bad enabled", "[rule a]\nsymbologies = qr\nenabled = maybe\n", 3, "enabled"},
    {"pattern and prefix", "[rule a]\nsymbologies = qr\nprefix = X\npattern = X(\\d+)\n", 1,
     "pattern replaces prefix"},
    {"nested repetition", "[rule a]\nsymbologies = qr\npattern = ((?:\\d+)+)\n", 3,
     "nested repetition"},
    {"pattern without capture", "[rule a]\nsymbologies = qr\npattern = \\d+\n", 3, "no capture"},
    {"all disabled", "[rule a]\nsymbologies = qr\nenabled = no\n", 0, "every rule is disabled"},
    {"non-ASCII", "[rule a]\nsymbologies = qr\nprefix = \xC3\xA9\n", 3, "printable ASCII"},
    {"NUL", "[rule a]\nsymbologies = qr\0\n", 2, "byte 0x00"},
    {"prefix with blank", "[rule a]\nsymbologies = qr\nprefix = \"A B\"\n", 3, "no blanks"},
};

static void run_load_cases(const struct load_case *cases, size_t n, size_t (*len_of)(size_t))
{
	for (size_t i = 0; i < n; i++) {
		const struct load_case *tc = &cases[i];
		struct cardrules *rules = (struct cardrules *)1;
		struct cardrules_error err;
		size_t len = len_of ? len_of(i) : strlen(tc->text);
		int rc = cardrules_parse(tc->text, len, &rules, &err);

		if (tc->line < 0) {
			if (rc)
				fail_msg("%s: refused at line %d: %s", tc->what, err.line,
					 err.message);
			cardrules_destroy(rules);
			continue;
		}
		if (!rc)
			fail_msg("%s: loaded", tc->what);
		assert_null(rules);
		if (err.line != tc->line || !strstr(err.message, tc->message))
			fail_msg("%s: line %d \"%s\", want line %d with \"%s\"", tc->what, err.line,
				 err.message, tc->line, tc->message);
	}
}

static void test_product_guard(void **state)
{
	(void)state;
	run_load_cases(guard_cases, sizeof(guard_cases) / sizeof(guard_cases[0]), NULL);
}

/* Lengths of error_cases' texts, NULs kept (the NUL case has one inside). */
static size_t error_case_len(size_t i)
{
	return strcmp(error_cases[i].what, "NUL") == 0 ? strlen(error_cases[i].text) + 2
						       : strlen(error_cases[i].text);
}

static void test_malformed(void **state)
{
	struct cardrules *rules = NULL;
	struct cardrules_error err;

	(void)state;
	run_load_cases(error_cases, sizeof(error_cases) / sizeof(error_cases[0]), error_case_len);
	assert_int_equal(cardrules_load_file("/nonexistent/x.rules", &rules, &err), -1);
	assert_null(rules);
	assert_int_equal(err.line, 0);
	assert_non_null(strstr(err.message, "cannot open"));
}

/* Hostile payloads against a pattern rule: no crash, linear time, no id. */
static void test_hostile_payloads(void **state)
{
	static const char text[] = "[rule a]\n"
				   "symbologies = qr\n"
				   "pattern = (?:a|aa)*X(\\w{1,60})\n";
	static uint8_t big[SCANNER_MAX_PAYLOAD];
	struct cardrules *rules = NULL;
	struct cardrules_error err;
	struct cardrules_match m;

	(void)state;
	assert_int_equal(cardrules_parse(text, sizeof(text) - 1, &rules, &err), 0);
	memset(big, 'a', sizeof(big));
	assert_int_equal(cardrules_match(rules, SYM_QR, big, sizeof(big), &m), NCC);
	big[sizeof(big) - 2] = 'X';
	/* Matches, but a card of 4096 bytes is too long to be one. */
	assert_int_equal(cardrules_match(rules, SYM_QR, big, sizeof(big), &m), CUSTID_TOO_LONG);
	assert_int_equal(cardrules_match(rules, SYM_QR, (const uint8_t *)"aaX\xff", 4, &m), NCC);
	assert_int_equal(cardrules_match(rules, SYM_QR, (const uint8_t *)"aaX1", 4, &m), CUSTID_OK);
	assert_string_equal(m.id, "1");
	assert_int_equal(cardrules_match(rules, SYM_QR, NULL, 0, &m), NCC);
	assert_int_equal(cardrules_match(NULL, SYM_QR, (const uint8_t *)"aaX1", 4, &m), NCC);
	cardrules_destroy(rules);
	cardrules_destroy(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_linked_cards),	cmocka_unit_test(test_ean13_instore),
	    cmocka_unit_test(test_prefix_code39),	cmocka_unit_test(test_odoo_client),
	    cmocka_unit_test(test_every_example_loads), cmocka_unit_test(test_default_is_custid),
	    cmocka_unit_test(test_upca_normalised),	cmocka_unit_test(test_product_guard),
	    cmocka_unit_test(test_malformed),		cmocka_unit_test(test_hostile_payloads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
