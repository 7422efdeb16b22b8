/*
 * Tests for scanner/cardpattern.c: matches and captures, the patterns it
 * refuses (pathological ones included) with their reason, linear time on
 * long hostile inputs, and the numeric reachability card rules ask.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "scanner/cardpattern.h"

struct match_case {
	const char *pattern;
	const char *input;
	bool match;
	const char *capture; /* when it matches */
};

static const struct match_case match_cases[] = {
    {"CUST#(\\w+)", "CUST#abc_1", true, "abc_1"},
    {"CUST#(\\w+)", "CUST#", false, NULL},
    {"CUST#(\\w+)", "xCUST#a", false, NULL},
    {"CUST#(\\w+)", "CUST#a b", false, NULL},
    {"^24(\\d{10})\\d$", "2400012345676", true, "0001234567"},
    {"24(\\d{10})\\d", "240001234567", false, NULL},
    {"24(\\d{10})\\d", "24000123456767", false, NULL},
    {"(?:MBR|MEM)-(\\d{4,8})", "MEM-12345", true, "12345"},
    {"(?:MBR|MEM)-(\\d{4,8})", "MEM-123", false, NULL},
    {"(?:MBR|MEM)-(\\d{4,8})", "MEM-123456789", false, NULL},
    {"([A-F0-9]{2,})", "0AFF", true, "0AFF"},
    {"([^a-z]+)", "AB-12", true, "AB-12"},
    {"([^a-z]+)", "AB-1c", false, NULL},
    {"x(.)y", "x y", true, " "},
    {"x(.)y", "x\xc3y", false, NULL},
    {"a\\.b(\\d?)", "a.b", true, ""},
    {"a\\.b(\\d?)", "axb", false, NULL},
    {"(\\d*)0", "1200", true, "120"}, /* greedy, leftmost-first */
    {"(a|ab)(?:c|bcd)?", "abcd", true, "a"},
    {"([-\\]])", "]", true, "]"},
    {"([]a])", "]", true, "]"},
    {"(x)|y", "y", true, ""},
    {"(\\d+)", "12\0003", false, NULL},
};

static void test_match(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++) {
		const struct match_case *tc = &match_cases[i];
		struct cardpattern *p = NULL;
		char why[CARDPATTERN_WHY_BUFSZ];
		size_t off, len, n = strlen(tc->input);
		bool got;

		if (cardpattern_compile(tc->pattern, &p, why))
			fail_msg("%s: refused: %s", tc->pattern, why);
		if (strcmp(tc->pattern, "(\\d+)") == 0)
			n = 4; /* the NUL is part of the input */
		got = cardpattern_match(p, (const uint8_t *)tc->input, n, &off, &len);
		if (got != tc->match)
			fail_msg("%s on \"%s\": %s", tc->pattern, tc->input,
				 got ? "matched" : "no match");
		if (got &&
		    (len != strlen(tc->capture) || memcmp(tc->input + off, tc->capture, len) != 0))
			fail_msg("%s on \"%s\": captured \"%.*s\", want \"%s\"", tc->pattern,
				 tc->input, (int)len, tc->input + off, tc->capture);
		cardpattern_destroy(p);
	}
}

struct refuse_case {
	const char *pattern;
	const char *why; /* part of the reason */
};

static const struct refuse_case refuse_cases[] = {
    {"(a+)+", "the capture may not be repeated"},
    {"(?:a+)+(b)", "nested repetition"},
    {"(?:a*)*(b)", "nested repetition"},
    {"(?:\\d{2})+(b)", "nested repetition"},
    {"(?:(?:a|b)+){2}(c)", "nested repetition"},
    {"(?:(?:a{64}){64})(b)", "too many instructions"},
    {"(a{64}a{64}a{64}a{64}a{64}a{64}a{64}a{64}a{64})", "too many instructions"},
    {"(a){2}", "the capture may not be repeated"},
    {"(a)?", "the capture may not be repeated"},
    {"(a)(b)", "more than one capture"},
    {"ab", "no capture"},
    {"(a)\\1", "back-references"},
    {"(?=a)(b)", "lookaround"},
    {"(a*?)", "lazy"},
    {"(a*+)", "lazy and possessive"},
    {"(a**)", "quantifier on a quantifier"},
    {"(a{2}{3})", "quantifier on a quantifier"},
    {"([z-a])", "bad range"},
    {"(a", "missing )"},
    {"a)(b", "unbalanced )"},
    {"(*a)", "nothing to repeat"},
    {"(a{65})", "count above 64"},
    {"(a{3,2})", "m < n"},
    {"(a{x})", "bad { } count"},
    {"(a$b)", "only at the very start and end"},
    {"([abc)", "unterminated"},
    {"(\\q)", "unknown escape"},
    {"(\xc3\xa9)", "printable ASCII"},
    {"(?:(?:(?:(?:(?:(?:(?:(?:(?:(?:(?:(?:(?:(?:(?:(?:(?:(a))))))))))))))))))",
     "nested too deeply"},
};

static void test_refused(void **state)
{
	char long_src[CARDPATTERN_MAX_LEN + 8];
	struct cardpattern *p = (struct cardpattern *)1;
	char why[CARDPATTERN_WHY_BUFSZ];

	(void)state;
	for (size_t i = 0; i < sizeof(refuse_cases) / sizeof(refuse_cases[0]); i++) {
		const struct refuse_case *tc = &refuse_cases[i];

		p = (struct cardpattern *)1;
		if (cardpattern_compile(tc->pattern, &p, why) == 0) {
			cardpattern_destroy(p);
			fail_msg("%s: compiled", tc->pattern);
		}
		assert_null(p);
		if (!strstr(why, tc->why))
			fail_msg("%s: \"%s\", want \"%s\"", tc->pattern, why, tc->why);
	}
	memset(long_src, 'a', sizeof(long_src) - 1);
	long_src[0] = '(';
	long_src[1] = ')';
	long_src[sizeof(long_src) - 1] = '\0';
	assert_int_equal(cardpattern_compile(long_src, &p, why), -1);
	assert_non_null(strstr(why, "longer than"));
	assert_int_equal(cardpattern_compile(NULL, &p, why), -1);
	cardpattern_destroy(NULL);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * Patterns that take exponential time in a backtracking engine, on inputs
 * built to trigger it, and the largest program on the longest payload: each
 * well under the time one frame has.
 */
static void test_linear_time(void **state)
{
	static const struct {
		const char *pattern;
		char fill;
		char last;
	} cases[] = {
	    {"(?:a|aa)*(b)", 'a', 'c'},
	    {"(?:a?){64}(a{64})", 'a', 'a'},
	    {"(?:a|a)*(?:a|a)*(?:a|a)*(b)", 'a', 'c'},
	    {"(?:.*)(x)(?:.*)(?:.*)y", 'x', 'z'},
	    {"(\\w{1,64})(?:\\w?){64}(?:\\w?){64}", '1', '!'},
	};
	static uint8_t input[4096];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cardpattern *p = NULL;
		char why[CARDPATTERN_WHY_BUFSZ];
		double t0, ms;

		if (cardpattern_compile(cases[i].pattern, &p, why))
			fail_msg("%s: %s", cases[i].pattern, why);
		for (size_t n = 64; n <= sizeof(input); n *= 4) {
			memset(input, cases[i].fill, n);
			input[n - 1] = (uint8_t)cases[i].last;
			t0 = now_ms();
			(void)cardpattern_match(p, input, n, NULL, NULL);
			ms = now_ms() - t0;
			/* Linear: 4096 bytes x at most 512 instructions; generous for ASan. */
			if (ms > 200)
				fail_msg("%s on %zu bytes: %.1f ms", cases[i].pattern, n, ms);
		}
		cardpattern_destroy(p);
	}
}

static void test_accepts_numeric(void **state)
{
	struct cardpattern *p = NULL;
	char why[CARDPATTERN_WHY_BUFSZ];

	(void)state;
	assert_int_equal(cardpattern_compile("(?:24|40)(\\d{10})\\d", &p, why), 0);
	assert_true(cardpattern_accepts_numeric(p, "", 0, 13));
	assert_true(cardpattern_accepts_numeric(p, "40", 2, 13));
	assert_true(cardpattern_accepts_numeric(p, "24", 2, 13));
	assert_false(cardpattern_accepts_numeric(p, "25", 2, 13));
	assert_false(cardpattern_accepts_numeric(p, "", 0, 12));
	assert_false(cardpattern_accepts_numeric(p, "4", 1, 14));
	assert_false(cardpattern_accepts_numeric(p, "123", 2, 1));
	cardpattern_destroy(p);
	assert_int_equal(cardpattern_compile("M(\\d+)", &p, why), 0);
	assert_false(cardpattern_accepts_numeric(p, "", 0, 13));
	assert_true(cardpattern_accepts_numeric(p, "M", 1, 13));
	cardpattern_destroy(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_match),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_linear_time),
	    cmocka_unit_test(test_accepts_numeric),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
