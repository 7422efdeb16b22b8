/*
 * custscan-decode as a user runs it: a real process on the committed
 * fixtures, its JSON lines parsed back.
 *  - a card frame, a missing file and a negative frame in one run: the card's
 *    id, an error line for the missing file, nothing for the negative, and
 *    exit status 1 because one file failed;
 *  - the committed phone sequence with --sequence: the id emitted exactly
 *    once, while the code is fully in view (the latency in frames is a
 *    benchmark figure, bench/, not asserted here);
 *  - a usage error exits with 2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <json-c/json.h>

#define DECODE	 CUSTSCAN_BINARY_DIR "/tools/custscan-decode"
#define PHONESIM CUSTSCAN_FIXTURES "/phonesim"

#define MAX_LINES 64

struct run {
	int status;
	int n;
	json_object *lines[MAX_LINES];
};

static void run_decode(const char *args, struct run *r)
{
	char cmd[8192];
	char line[65536];

	memset(r, 0, sizeof(*r));
	snprintf(cmd, sizeof(cmd), "%s %s 2>/dev/null", DECODE, args);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p) && r->n < MAX_LINES) {
		r->lines[r->n] = json_tokener_parse(line);
		if (!r->lines[r->n])
			fail_msg("not JSON: %s", line);
		r->n++;
	}
	int st = pclose(p);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void run_free(struct run *r)
{
	for (int i = 0; i < r->n; i++)
		json_object_put(r->lines[i]);
}

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

/* First fixture row of the category: writes its path and expected text. */
static void first_fixture(const char *category, char *path, size_t pathsz, char *text,
			  size_t textsz)
{
	char line[4096];
	FILE *f = fopen(PHONESIM "/MANIFEST.tsv", "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *cols[8] = {0}, *p = line;
		for (int c = 0; c < 8 && p; c++) {
			cols[c] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = '\0';
		}
		if (cols[6] && !strcmp(cols[1], category)) {
			snprintf(path, pathsz, "%s/%s", PHONESIM, cols[0]);
			snprintf(text, textsz, "%s", cols[6]);
			fclose(f);
			return;
		}
	}
	fclose(f);
	fail_msg("no fixture of category %s", category);
}

static void test_files_errors_and_negatives(void **state)
{
	(void)state;
	char card[1024], card_text[256], neg[1024], neg_text[256], args[4096];
	struct run r;

	first_fixture("nominal", card, sizeof(card), card_text, sizeof(card_text));
	first_fixture("negative", neg, sizeof(neg), neg_text, sizeof(neg_text));
	snprintf(args, sizeof(args), "--json --exhaustive %s /nonexistent/frame.png %s", card, neg);
	run_decode(args, &r);
	assert_int_equal(r.status, 1);
	assert_int_equal(r.n, 3);

	json_object *ids = get(r.lines[0], "ids");
	assert_non_null(ids);
	assert_int_equal(json_object_array_length(ids), 1);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(ids, 0)),
			    card_text + strlen("CUST#"));
	assert_null(get(r.lines[0], "error"));

	assert_non_null(get(r.lines[1], "error"));
	assert_string_equal(json_object_get_string(get(r.lines[1], "file")),
			    "/nonexistent/frame.png");

	assert_int_equal(json_object_array_length(get(r.lines[2], "symbols")), 0);
	assert_int_equal(json_object_array_length(get(r.lines[2], "ids")), 0);
	run_free(&r);
}

static void test_sequence_emits_once_and_early(void **state)
{
	(void)state;
	char line[1024], expected[256] = "", args[8192] = "--json --sequence --exhaustive";
	int first_visible = -1, last_visible = -1, frames = 0;
	FILE *f = fopen(PHONESIM "/sequence/TRUTH.tsv", "r");

	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	while (fgets(line, sizeof(line), f)) {
		int index, visible;
		char text[256];
		assert_int_equal(sscanf(line, "%d\t%d\t%255s", &index, &visible, text), 3);
		if (visible && first_visible < 0)
			first_visible = index;
		if (visible)
			last_visible = index;
		snprintf(expected, sizeof(expected), "%s", text + strlen("CUST#"));
		size_t used = strlen(args);
		snprintf(args + used, sizeof(args) - used, " %s/sequence/frame-%03d.png", PHONESIM,
			 index);
		frames++;
	}
	fclose(f);
	assert_true(first_visible >= 0);

	struct run r;
	run_decode(args, &r);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.n, frames);
	int emitted_at = -1, emissions = 0;
	for (int i = 0; i < r.n; i++) {
		json_object *em = get(r.lines[i], "emitted");
		assert_non_null(em);
		for (size_t k = 0; k < json_object_array_length(em); k++) {
			assert_string_equal(
			    json_object_get_string(json_object_array_get_idx(em, k)), expected);
			emissions++;
			if (emitted_at < 0)
				emitted_at = i;
		}
	}
	assert_int_equal(emissions, 1);
	print_message("first fully visible frame %d, emitted at frame %d\n", first_visible,
		      emitted_at);
	assert_in_range(emitted_at, first_visible, last_visible);
	run_free(&r);
}

/* --hold: each file is N live frames; the union of reads and each frame's
 * time come out, and the decoder starts afresh per file. */
static void test_hold_decodes_each_file_as_frames(void **state)
{
	(void)state;
	char card[1024], card_text[256], neg[1024], neg_text[256], args[4096];
	struct run r;

	first_fixture("nominal", card, sizeof(card), card_text, sizeof(card_text));
	first_fixture("negative", neg, sizeof(neg), neg_text, sizeof(neg_text));
	snprintf(args, sizeof(args), "--json --hold 4 %s %s", card, neg);
	run_decode(args, &r);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.n, 2);
	json_object *ids = get(r.lines[0], "ids");
	assert_int_equal(json_object_array_length(ids), 1);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(ids, 0)),
			    card_text + strlen("CUST#"));
	for (int i = 0; i < 2; i++) {
		json_object *frames = get(r.lines[i], "frame_ms");
		assert_non_null(frames);
		assert_int_equal(json_object_array_length(frames), 4);
	}
	assert_int_equal(json_object_array_length(get(r.lines[1], "ids")), 0);
	run_free(&r);
	run_decode("--hold 0 x.png", &r);
	assert_int_equal(r.status, 2);
	run_free(&r);
	snprintf(args, sizeof(args), "--hold 2 --sequence %s", card);
	run_decode(args, &r);
	assert_int_equal(r.status, 2);
	run_free(&r);
}

static void test_usage_errors(void **state)
{
	(void)state;
	struct run r;
	run_decode("--confirm 5/2 x.png", &r);
	assert_int_equal(r.status, 2);
	run_free(&r);
	run_decode("--symbologies pdf417 x.png", &r);
	assert_int_equal(r.status, 2);
	run_free(&r);
	run_decode("", &r);
	assert_int_equal(r.status, 2);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_files_errors_and_negatives),
	    cmocka_unit_test(test_sequence_emits_once_and_early),
	    cmocka_unit_test(test_hold_decodes_each_file_as_frames),
	    cmocka_unit_test(test_usage_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
