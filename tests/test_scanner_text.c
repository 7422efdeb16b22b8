/* Tests for payload-to-UTF-8 conversion (scanner/text.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scanner/text.h"

static void assert_converts(const char *in, size_t len, const char *want, size_t want_len)
{
	char out[SCANNER_TEXT_BUFSZ(64)];

	assert_true(len <= 64);
	size_t n = scanner_text_to_utf8((const uint8_t *)in, len, out);
	assert_int_equal(n, want_len);
	assert_memory_equal(out, want, want_len);
	assert_int_equal(out[n], '\0');
	assert_true(scanner_text_is_utf8((const uint8_t *)out, n));
}

static void test_ascii_and_utf8_pass_through(void **state)
{
	(void)state;
	assert_converts("CUST#abc", 8, "CUST#abc", 8);
	/* Chinese UTF-8, the payload ZBar's own guess turned into mojibake */
	assert_converts("\xe4\xb8\xad\xe6\x96\x87", 6, "\xe4\xb8\xad\xe6\x96\x87", 6);
	/* NUL and control bytes are kept: length, not strlen */
	assert_converts("CUST#12345\0", 11, "CUST#12345\0", 11);
	assert_converts("", 0, "", 0);
}

static void test_shift_jis_converted(void **state)
{
	(void)state;
	/* "あい" in Shift-JIS */
	assert_converts("\x82\xa0\x82\xa2", 4, "\xe3\x81\x82\xe3\x81\x84", 6);
	/* half-width katakana: one byte becomes three */
	assert_converts("\xb1", 1, "\xef\xbd\xb1", 3);
}

static void test_latin1_fallback(void **state)
{
	(void)state;
	/* 0x80 alone is neither UTF-8 nor Shift-JIS */
	assert_converts("a\x80", 2, "a\xc2\x80", 3);
	/* "é" in Latin-1, then an invalid Shift-JIS lead byte */
	assert_converts("\xe9\xff", 2, "\xc3\xa9\xc3\xbf", 4);
}

static void test_utf8_validator_rejects_malformed(void **state)
{
	(void)state;
	static const char *bad[] = {
	    "\xc0\xaf",		/* overlong '/' */
	    "\xe0\x80\xaf",	/* overlong */
	    "\xed\xa0\x80",	/* surrogate */
	    "\xf4\x90\x80\x80", /* beyond U+10FFFF */
	    "\xe4\xb8",		/* truncated */
	    "\x80",		/* lone continuation */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(scanner_text_is_utf8((const uint8_t *)bad[i], strlen(bad[i])));
	assert_true(scanner_text_is_utf8((const uint8_t *)"\xf0\x9f\x98\x80", 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ascii_and_utf8_pass_through),
	    cmocka_unit_test(test_shift_jis_converted),
	    cmocka_unit_test(test_latin1_fallback),
	    cmocka_unit_test(test_utf8_validator_rejects_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
