/*
 * Tests for display/i18n.c: every key in every language (present, not
 * empty, valid UTF-8, translated rather than copied from English), language
 * codes with regions and encodings, and the fallbacks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "display/i18n.h"

/* Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF. */
static bool valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		uint32_t cp;
		int n, i;

		if (*p < 0x80) {
			p++;
			continue;
		} else if ((*p & 0xe0) == 0xc0) {
			n = 1;
			cp = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 2;
			cp = *p & 0x0f;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 3;
			cp = *p & 0x07;
		} else {
			return false;
		}
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		p += n + 1;
	}
	return true;
}

static void test_every_key_in_every_language(void **state)
{
	size_t l;
	int k;

	(void)state;
	assert_true(display_lang_count() >= 2);
	for (l = 0; l < display_lang_count(); l++) {
		const struct display_lang *lang = display_lang_at(l);

		assert_non_null(lang);
		for (k = 0; k < DISPLAY_TEXT_COUNT; k++) {
			const char *t = display_text_raw(lang, (enum display_text)k);

			if (!t || !*t)
				fail_msg("%s: %s missing", display_lang_code(lang),
					 display_text_key_name((enum display_text)k));
			else if (!valid_utf8(t))
				fail_msg("%s: %s not UTF-8", display_lang_code(lang),
					 display_text_key_name((enum display_text)k));
			else /* no format directives: names never go into a string */
				assert_null(strchr(t, '%'));
		}
	}
	assert_null(display_lang_at(display_lang_count()));
}

static void test_german_is_translated(void **state)
{
	const struct display_lang *en = display_lang_find("en"), *de = display_lang_find("de");
	int k;

	(void)state;
	assert_non_null(en);
	assert_non_null(de);
	for (k = 0; k < DISPLAY_TEXT_COUNT; k++)
		if (strcmp(display_text(en, k), display_text(de, k)) == 0)
			fail_msg("de: %s is the English text", display_text_key_name(k));
	assert_string_equal(display_text(de, DISPLAY_TEXT_READY_TITLE),
			    "Halten Sie Ihre Kundenkarte vor die Kamera");
	assert_string_equal(display_text(en, DISPLAY_TEXT_ACCEPTED), "Customer card accepted");
}

static void test_codes(void **state)
{
	const struct display_lang *de = display_lang_find("de");

	(void)state;
	assert_string_equal(display_lang_code(de), "de");
	assert_ptr_equal(display_lang_find("de_DE.UTF-8"), de);
	assert_ptr_equal(display_lang_find("de-AT"), de);
	assert_ptr_equal(display_lang_find("de.UTF-8"), de);
	assert_string_equal(display_lang_code(display_lang_find("en_GB")), "en");
	assert_null(display_lang_find("fr"));
	assert_null(display_lang_find("d"));
	assert_null(display_lang_find("deu"));
	assert_null(display_lang_find(""));
	assert_null(display_lang_find(NULL));
}

static void test_fallbacks(void **state)
{
	(void)state;
	/* NULL language is English; an out-of-range key is empty, never NULL. */
	assert_string_equal(display_text(NULL, DISPLAY_TEXT_WELCOME), "Welcome,");
	assert_string_equal(display_text(display_lang_find("de"), DISPLAY_TEXT_COUNT), "");
	assert_null(display_text_raw(display_lang_find("de"), DISPLAY_TEXT_COUNT));
	assert_string_equal(display_text_key_name(DISPLAY_TEXT_READY_HINT), "READY_HINT");
	assert_string_equal(display_text_key_name(DISPLAY_TEXT_COUNT), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_key_in_every_language),
	    cmocka_unit_test(test_german_is_translated),
	    cmocka_unit_test(test_codes),
	    cmocka_unit_test(test_fallbacks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
