/*
 * Tests for scanner/custid.c: good and hostile payloads with the exact reason
 * and id, character set specs, check-character schemes with published
 * vectors, and the bad_prefix versus not_customer_card rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scanner/custid.h"

/* A string literal as payload bytes and length; embedded NULs are kept. */
#define BYTES(s) (const uint8_t *)(s), sizeof(s) - 1

struct payload_case {
	const char *what;	   /* printed on failure */
	const uint8_t *payload;	   /* raw bytes */
	size_t len;		   /* byte count, NULs included */
	enum custid_reason reason; /* expected verdict */
	const char *id;		   /* expected id ("" unless OK) */
};

static const struct payload_case default_cases[] = {
    /* Good cards. */
    {"digits", BYTES("CUST#12345"), CUSTID_OK, "12345"},
    {"one char", BYTES("CUST#a"), CUSTID_OK, "a"},
    {"mixed", BYTES("CUST#Ab_9-z"), CUSTID_OK, "Ab_9-z"},
    {"only dash", BYTES("CUST#-"), CUSTID_OK, "-"},
    {"only underscore", BYTES("CUST#_"), CUSTID_OK, "_"},

    /* Not a customer card at all. */
    {"empty payload", BYTES(""), CUSTID_NOT_CUSTOMER_CARD, ""},
    {"EAN-13", BYTES("4006381333931"), CUSTID_NOT_CUSTOMER_CARD, ""},
    {"UPC-A", BYTES("036000291452"), CUSTID_NOT_CUSTOMER_CARD, ""},
    {"URL", BYTES("https://shop.example/c?id=CUST#1"), CUSTID_NOT_CUSTOMER_CARD, ""},
    {"wifi QR", BYTES("WIFI:S:shop;T:WPA;P:secret;;"), CUSTID_NOT_CUSTOMER_CARD, ""},
    {"too short for stem", BYTES("CUS"), CUSTID_NOT_CUSTOMER_CARD, ""},
    {"leading space", BYTES(" CUST#1"), CUSTID_NOT_CUSTOMER_CARD, ""},
    {"UTF-8 BOM",
     BYTES("\xEF\xBB\xBF"
	   "CUST#1"),
     CUSTID_NOT_CUSTOMER_CARD, ""},
    {"Cyrillic Es",
     BYTES("\xD0\xA1"
	   "UST#1"),
     CUSTID_NOT_CUSTOMER_CARD, ""},
    {"Cyrillic U",
     BYTES("C\xD0\xA3"
	   "ST#1"),
     CUSTID_NOT_CUSTOMER_CARD, ""},
    {"leading NUL", BYTES("\0CUST#1"), CUSTID_NOT_CUSTOMER_CARD, ""},
    {"NUL in prefix", BYTES("CU\0ST#1"), CUSTID_NOT_CUSTOMER_CARD, ""},
    {"JSON", BYTES("{\"id\":\"CUST#1\"}"), CUSTID_NOT_CUSTOMER_CARD, ""},

    /* Customer card with the prefix written wrongly. */
    {"lowercase", BYTES("cust#1"), CUSTID_BAD_PREFIX, ""},
    {"capitalised", BYTES("Cust#1"), CUSTID_BAD_PREFIX, ""},
    {"no separator", BYTES("CUST1"), CUSTID_BAD_PREFIX, ""},
    {"dash separator", BYTES("CUST-1"), CUSTID_BAD_PREFIX, ""},
    {"space before #", BYTES("CUST #1"), CUSTID_BAD_PREFIX, ""},
    {"fullwidth #",
     BYTES("CUST\xEF\xBC\x83"
	   "1"),
     CUSTID_BAD_PREFIX, ""},
    {"stem only", BYTES("CUST"), CUSTID_BAD_PREFIX, ""},
    {"NUL for #",
     BYTES("CUST\0"
	   "1"),
     CUSTID_BAD_PREFIX, ""},
    {"CUSTOMER word", BYTES("CUSTOMER"), CUSTID_BAD_PREFIX, ""},

    /* Prefix right, id missing. */
    {"empty id", BYTES("CUST#"), CUSTID_EMPTY_ID, ""},

    /* Prefix right, hostile id. */
    {"double #", BYTES("CUST##1"), CUSTID_BAD_CHARSET, ""},
    {"newline", BYTES("CUST#12\n"), CUSTID_BAD_CHARSET, ""},
    {"CR LF", BYTES("CUST#12\r\n"), CUSTID_BAD_CHARSET, ""},
    {"tab", BYTES("CUST#1\t2"), CUSTID_BAD_CHARSET, ""},
    {"ANSI escape", BYTES("CUST#\x1b[2J"), CUSTID_BAD_CHARSET, ""},
    {"DEL", BYTES("CUST#1\x7f"), CUSTID_BAD_CHARSET, ""},
    {"space", BYTES("CUST#1 2"), CUSTID_BAD_CHARSET, ""},
    {"double quote", BYTES("CUST#1\""), CUSTID_BAD_CHARSET, ""},
    {"single quote", BYTES("CUST#1'"), CUSTID_BAD_CHARSET, ""},
    {"backquote", BYTES("CUST#`id`"), CUSTID_BAD_CHARSET, ""},
    {"backslash", BYTES("CUST#1\\n"), CUSTID_BAD_CHARSET, ""},
    {"JSON injection", BYTES("CUST#1\",\"admin\":true}"), CUSTID_BAD_CHARSET, ""},
    {"JSON braces", BYTES("CUST#{}"), CUSTID_BAD_CHARSET, ""},
    {"SQL quote", BYTES("CUST#1' OR '1'='1"), CUSTID_BAD_CHARSET, ""},
    {"SQL stacked", BYTES("CUST#1;DROP TABLE customers"), CUSTID_BAD_CHARSET, ""},
    {"shell subst", BYTES("CUST#$(reboot)"), CUSTID_BAD_CHARSET, ""},
    {"shell pipe", BYTES("CUST#1|sh"), CUSTID_BAD_CHARSET, ""},
    {"shell and", BYTES("CUST#1&&id"), CUSTID_BAD_CHARSET, ""},
    {"shell redirect", BYTES("CUST#a>b"), CUSTID_BAD_CHARSET, ""},
    {"shell glob", BYTES("CUST#*"), CUSTID_BAD_CHARSET, ""},
    {"tilde", BYTES("CUST#~root"), CUSTID_BAD_CHARSET, ""},
    {"printf format", BYTES("CUST#%s%n"), CUSTID_BAD_CHARSET, ""},
    {"path", BYTES("CUST#../etc"), CUSTID_BAD_CHARSET, ""},
    {"Cyrillic in id", BYTES("CUST#12\xD0\xA1"), CUSTID_BAD_CHARSET, ""},
    {"fullwidth digit", BYTES("CUST#\xEF\xBC\x91"), CUSTID_BAD_CHARSET, ""},
    {"Latin-1 byte", BYTES("CUST#caf\xe9"), CUSTID_BAD_CHARSET, ""},
    {"NUL at end", BYTES("CUST#12345\0"), CUSTID_BAD_CHARSET, ""},
    {"NUL in middle",
     BYTES("CUST#123\0"
	   "45"),
     CUSTID_BAD_CHARSET, ""},
    {"NUL only", BYTES("CUST#\0"), CUSTID_BAD_CHARSET, ""},
};

static void check_case(const struct custid_syntax *syntax, const struct payload_case *tc)
{
	char id[CUSTID_ID_BUFSZ];
	enum custid_reason got;

	memset(id, 'X', sizeof(id));
	got = custid_validate(syntax, tc->payload, tc->len, id);
	if (got != tc->reason || strcmp(id, tc->id) != 0)
		fail_msg("%s: got %s \"%s\", want %s \"%s\"", tc->what, custid_reason_name(got), id,
			 custid_reason_name(tc->reason), tc->id);
	/* The verdict does not depend on whether an id is wanted. */
	assert_int_equal(custid_validate(syntax, tc->payload, tc->len, NULL), tc->reason);
}

static void test_default_payloads(void **state)
{
	struct custid_syntax syntax;

	(void)state;
	custid_syntax_init_default(&syntax);
	for (size_t i = 0; i < sizeof(default_cases) / sizeof(default_cases[0]); i++)
		check_case(&syntax, &default_cases[i]);
}

/* "CUST#" then n copies of c, in buf (which holds at least 5 + n bytes). */
static size_t make_payload(uint8_t *buf, size_t n, char c)
{
	memcpy(buf, "CUST#", 5);
	memset(buf + 5, c, n);
	return 5 + n;
}

static void test_length_limits(void **state)
{
	struct custid_syntax syntax;
	uint8_t buf[5 + 500];
	char id[CUSTID_ID_BUFSZ];
	char want[CUSTID_ID_BUFSZ];
	size_t len;

	(void)state;
	custid_syntax_init_default(&syntax);

	len = make_payload(buf, 64, '7');
	memset(want, '7', 64);
	want[64] = '\0';
	assert_int_equal(custid_validate(&syntax, buf, len, id), CUSTID_OK);
	assert_string_equal(id, want);

	len = make_payload(buf, 65, '7');
	assert_int_equal(custid_validate(&syntax, buf, len, id), CUSTID_TOO_LONG);
	assert_string_equal(id, "");

	len = make_payload(buf, 500, 'A');
	assert_int_equal(custid_validate(&syntax, buf, len, id), CUSTID_TOO_LONG);

	/* Too long wins over the content, hostile bytes and NULs included. */
	len = make_payload(buf, 500, '\'');
	assert_int_equal(custid_validate(&syntax, buf, len, id), CUSTID_TOO_LONG);
	len = make_payload(buf, 65, '\0');
	assert_int_equal(custid_validate(&syntax, buf, len, id), CUSTID_TOO_LONG);

	/* A shorter configured maximum. */
	syntax.max_len = 8;
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#12345678"), id), CUSTID_OK);
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#123456789"), id), CUSTID_TOO_LONG);

	/* An out-of-range max_len in a hand-filled syntax is held to 64. */
	syntax.max_len = 1000;
	len = make_payload(buf, 65, '7');
	assert_int_equal(custid_validate(&syntax, buf, len, id), CUSTID_TOO_LONG);
	syntax.max_len = 0;
	len = make_payload(buf, 64, '7');
	assert_int_equal(custid_validate(&syntax, buf, len, id), CUSTID_OK);
}

static void test_null_arguments(void **state)
{
	struct custid_syntax syntax;
	char id[CUSTID_ID_BUFSZ] = "stale";

	(void)state;
	custid_syntax_init_default(&syntax);
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#42"), NULL), CUSTID_OK);
	assert_int_equal(custid_validate(&syntax, NULL, 0, id), CUSTID_NOT_CUSTOMER_CARD);
	assert_string_equal(id, "");
	assert_int_equal(custid_validate(&syntax, NULL, 7, NULL), CUSTID_NOT_CUSTOMER_CARD);
	assert_int_equal(custid_validate(NULL, BYTES("CUST#42"), id), CUSTID_NOT_CUSTOMER_CARD);
	/* Only len bytes are read: the rest of the buffer does not count. */
	assert_int_equal(custid_validate(&syntax, (const uint8_t *)"CUST#42'", 7, id), CUSTID_OK);
	assert_string_equal(id, "42");
}

static void test_custom_prefix(void **state)
{
	struct custid_syntax syntax;
	char id[CUSTID_ID_BUFSZ];

	(void)state;
	custid_syntax_init_default(&syntax);
	strcpy(syntax.prefix, "ID:");
	assert_int_equal(custid_validate(&syntax, BYTES("ID:5"), id), CUSTID_OK);
	assert_string_equal(id, "5");
	assert_int_equal(custid_validate(&syntax, BYTES("id:5"), id), CUSTID_BAD_PREFIX);
	assert_int_equal(custid_validate(&syntax, BYTES("ID5"), id), CUSTID_BAD_PREFIX);
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#5"), id), CUSTID_NOT_CUSTOMER_CARD);
	assert_int_equal(custid_validate(&syntax, BYTES("ID:"), id), CUSTID_EMPTY_ID);

	/* A prefix without letters or digits has no stem to resemble. */
	strcpy(syntax.prefix, "@");
	assert_int_equal(custid_validate(&syntax, BYTES("@5"), id), CUSTID_OK);
	assert_int_equal(custid_validate(&syntax, BYTES("x5"), id), CUSTID_NOT_CUSTOMER_CARD);
}

static void test_charset_spec(void **state)
{
	struct custid_syntax syntax;
	char id[CUSTID_ID_BUFSZ];

	(void)state;
	custid_syntax_init_default(&syntax);

	assert_int_equal(custid_syntax_set_charset(&syntax, "0-9"), 0);
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#0123456789"), id), CUSTID_OK);
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#12a"), id), CUSTID_BAD_CHARSET);
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#1-2"), id), CUSTID_BAD_CHARSET);

	/* '-' last or first is the character itself. */
	assert_int_equal(custid_syntax_set_charset(&syntax, "A-Z-"), 0);
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#AB-Z"), id), CUSTID_OK);
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#ab"), id), CUSTID_BAD_CHARSET);
	assert_int_equal(custid_syntax_set_charset(&syntax, "-0-9"), 0);
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#-1"), id), CUSTID_OK);
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#A"), id), CUSTID_BAD_CHARSET);

	/* Singles, ranges and harmless punctuation mix. */
	assert_int_equal(custid_syntax_set_charset(&syntax, "a-fx.@+=/"), 0);
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#cafe.x@+=/"), id), CUSTID_OK);
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#g"), id), CUSTID_BAD_CHARSET);

	/* The default spec and init agree. */
	assert_int_equal(custid_syntax_set_charset(&syntax, "A-Za-z0-9_-"), 0);
	{
		struct custid_syntax def;

		custid_syntax_init_default(&def);
		assert_memory_equal(syntax.allowed, def.allowed, sizeof(def.allowed));
	}
}

static void test_charset_spec_refused(void **state)
{
	static const char *const bad[] = {
	    "",		/* allows nothing */
	    "Z-A",	/* reversed range */
	    "9-0",	/* reversed range */
	    "A-Z#",	/* our separator */
	    "!-~",	/* range covering quotes and metacharacters */
	    "+-/",	/* range covering ',' */
	    " ",	/* whitespace */
	    "a-z ",	/* whitespace */
	    "a-z\t",	/* control */
	    "\x7f",	/* DEL */
	    "a-\x80",	/* beyond ASCII */
	    "\xD0\xA1", /* UTF-8 */
	};
	static const char forbidden[] = " \"'`\\#{}[]:,;&|$<>()*?!~^%";
	struct custid_syntax syntax;
	struct custid_syntax before;

	(void)state;
	custid_syntax_init_default(&syntax);
	before = syntax;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (custid_syntax_set_charset(&syntax, bad[i]) != -1)
			fail_msg("spec \"%s\" accepted", bad[i]);
	}
	for (size_t i = 0; i < sizeof(forbidden) - 1; i++) {
		char spec[] = {'a', '-', 'z', forbidden[i], '\0'};

		if (custid_syntax_set_charset(&syntax, spec) != -1)
			fail_msg("forbidden '%c' accepted", forbidden[i]);
	}
	assert_int_equal(custid_syntax_set_charset(&syntax, NULL), -1);
	assert_int_equal(custid_syntax_set_charset(NULL, "a-z"), -1);
	/* A refused spec leaves the syntax as it was. */
	assert_memory_equal(&syntax, &before, sizeof(syntax));
}

static void test_forbidden_even_if_hand_allowed(void **state)
{
	struct custid_syntax syntax;
	char id[CUSTID_ID_BUFSZ];

	(void)state;
	custid_syntax_init_default(&syntax);
	memset(syntax.allowed, true, sizeof(syntax.allowed));
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#a.b"), id), CUSTID_OK);
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#1\""), id), CUSTID_BAD_CHARSET);
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#1\0"), id), CUSTID_BAD_CHARSET);
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#\xD0\xA1"), id), CUSTID_BAD_CHARSET);
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#1 2"), id), CUSTID_BAD_CHARSET);
}

static void test_check_parse(void **state)
{
	enum custid_check check = CUSTID_CHECK_LUHN;

	(void)state;
	assert_int_equal(custid_check_parse("none", &check), 0);
	assert_int_equal(check, CUSTID_CHECK_NONE);
	assert_int_equal(custid_check_parse("mod37-36", &check), 0);
	assert_int_equal(check, CUSTID_CHECK_MOD37_36);
	assert_int_equal(custid_check_parse("luhn", &check), 0);
	assert_int_equal(check, CUSTID_CHECK_LUHN);
	assert_int_equal(custid_check_parse("LUHN", &check), -1);
	assert_int_equal(custid_check_parse("mod37", &check), -1);
	assert_int_equal(custid_check_parse("", &check), -1);
	assert_int_equal(custid_check_parse(NULL, &check), -1);
	assert_int_equal(custid_check_parse("none", NULL), -1);
	assert_int_equal(check, CUSTID_CHECK_LUHN);
}

static void test_mod37_36(void **state)
{
	static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	static const char *const bodies[] = {"A12425GABC1234002",
					     "0",
					     "Z",
					     "ZZZZZZZZ",
					     "12345",
					     "K7Q2",
					     "00000000000000000000000000000000"};
	struct custid_syntax syntax;
	char id[CUSTID_ID_BUFSZ];

	(void)state;
	/* python-stdnum's documented example (the GRid example of ISO 7064). */
	assert_int_equal(custid_check_char(CUSTID_CHECK_MOD37_36, "A12425GABC1234002", 17), 'M');

	custid_syntax_init_default(&syntax);
	syntax.check = CUSTID_CHECK_MOD37_36;
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#A12425GABC1234002M"), id), CUSTID_OK);
	assert_string_equal(id, "A12425GABC1234002M");
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#A12425GABC1234002N"), id),
			 CUSTID_BAD_CHECK);
	assert_string_equal(id, "");
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#A12425GABC1234012M"), id),
			 CUSTID_BAD_CHECK);
	/* Lowercase is outside the scheme's alphabet: allowed by the set, fails the check. */
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#a12425gabc1234002m"), id),
			 CUSTID_BAD_CHECK);
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#A12425_ABC1234002M"), id),
			 CUSTID_BAD_CHECK);
	/* A lone check character is not an id. */
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#1"), id), CUSTID_BAD_CHECK);
	/* The check comes last: charset and length are judged first. */
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#A1'M"), id), CUSTID_BAD_CHARSET);

	/* Every single substitution is caught. */
	for (size_t b = 0; b < sizeof(bodies) / sizeof(bodies[0]); b++) {
		uint8_t buf[5 + CUSTID_MAX_ID_LEN];
		size_t blen = strlen(bodies[b]);
		size_t len = 5 + blen + 1;
		char check = custid_check_char(CUSTID_CHECK_MOD37_36, bodies[b], blen);

		assert_non_null(strchr(alphabet, check));
		memcpy(buf, "CUST#", 5);
		memcpy(buf + 5, bodies[b], blen);
		buf[len - 1] = (uint8_t)check;
		assert_int_equal(custid_validate(&syntax, buf, len, NULL), CUSTID_OK);
		for (size_t pos = 5; pos < len; pos++) {
			uint8_t orig = buf[pos];

			for (size_t a = 0; a < sizeof(alphabet) - 1; a++) {
				if ((uint8_t)alphabet[a] == orig)
					continue;
				buf[pos] = (uint8_t)alphabet[a];
				assert_int_equal(custid_validate(&syntax, buf, len, NULL),
						 CUSTID_BAD_CHECK);
			}
			buf[pos] = orig;
		}
	}

	assert_int_equal(custid_check_char(CUSTID_CHECK_MOD37_36, "abc", 3), 0);
	assert_int_equal(custid_check_char(CUSTID_CHECK_MOD37_36, "A-1", 3), 0);
	assert_int_equal(custid_check_char(CUSTID_CHECK_MOD37_36, NULL, 3), 0);
}

static void test_luhn(void **state)
{
	struct custid_syntax syntax;
	char id[CUSTID_ID_BUFSZ];

	(void)state;
	assert_int_equal(custid_check_char(CUSTID_CHECK_LUHN, "7992739871", 10), '3');
	assert_int_equal(custid_check_char(CUSTID_CHECK_LUHN, "453914880343646", 15), '7');
	assert_int_equal(custid_check_char(CUSTID_CHECK_LUHN, "12345", 5), '5');
	assert_int_equal(custid_check_char(CUSTID_CHECK_LUHN, "1234A", 5), 0);
	assert_int_equal(custid_check_char(CUSTID_CHECK_NONE, "12345", 5), 0);

	custid_syntax_init_default(&syntax);
	syntax.check = CUSTID_CHECK_LUHN;
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#79927398713"), id), CUSTID_OK);
	assert_string_equal(id, "79927398713");
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#4539148803436467"), id), CUSTID_OK);
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#79927398710"), id), CUSTID_BAD_CHECK);
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#79927398731"), id),
			 CUSTID_BAD_CHECK); /* adjacent transposition */
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#7992739871A"), id), CUSTID_BAD_CHECK);
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#0"), id), CUSTID_BAD_CHECK);
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#00"), id), CUSTID_OK);
	assert_int_equal(custid_validate(&syntax, BYTES("CUST#"), id), CUSTID_EMPTY_ID);
}

static void test_reason_names(void **state)
{
	(void)state;
	assert_string_equal(custid_reason_name(CUSTID_OK), "ok");
	assert_string_equal(custid_reason_name(CUSTID_NOT_CUSTOMER_CARD), "not_customer_card");
	assert_string_equal(custid_reason_name(CUSTID_BAD_PREFIX), "bad_prefix");
	assert_string_equal(custid_reason_name(CUSTID_BAD_CHARSET), "bad_charset");
	assert_string_equal(custid_reason_name(CUSTID_TOO_LONG), "too_long");
	assert_string_equal(custid_reason_name(CUSTID_EMPTY_ID), "empty_id");
	assert_string_equal(custid_reason_name(CUSTID_BAD_CHECK), "bad_check");
	assert_non_null(custid_reason_name(CUSTID_REASON_COUNT));
	assert_non_null(custid_reason_name((enum custid_reason) - 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_payloads),
	    cmocka_unit_test(test_length_limits),
	    cmocka_unit_test(test_null_arguments),
	    cmocka_unit_test(test_custom_prefix),
	    cmocka_unit_test(test_charset_spec),
	    cmocka_unit_test(test_charset_spec_refused),
	    cmocka_unit_test(test_forbidden_even_if_hand_allowed),
	    cmocka_unit_test(test_check_parse),
	    cmocka_unit_test(test_mod37_36),
	    cmocka_unit_test(test_luhn),
	    cmocka_unit_test(test_reason_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
