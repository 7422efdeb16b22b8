/*
 * Tests for the decoding pipeline (scanner/decoder.h) on the committed
 * phone-screen fixtures: every frame of every category must give exactly the
 * expected card id and nothing else, and negative frames nothing at all.
 * The decoder runs without a time budget here, so the result does not depend
 * on how fast the machine is.
 *
 * A few fixtures are beyond the pipeline today (KNOWN_MISSES). For them the
 * test still demands that nothing wrong is read, and it says so when one
 * starts to read, so the list only ever shrinks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scanner/custid.h"
#include "scanner/decoder.h"
#include "scanner/error.h"
#include "scanner/image.h"

#define PHONESIM_DIR CUSTSCAN_FIXTURES "/phonesim"

/* Fixtures no pass reads yet, with why (see docs/BENCHMARKS.md). */
static const char *const KNOWN_MISSES[] = {
    "glare/001.png",	   /* glare spot across a 2.3 px/module Code128 */
    "overexposed/000.png", /* dark-mode QR, light modules bloomed together */
    "finger/000.png",	   /* dark-mode QR, finger and glare near a finder */
};

static bool known_miss(const char *relpath)
{
	for (size_t i = 0; i < sizeof(KNOWN_MISSES) / sizeof(KNOWN_MISSES[0]); i++)
		if (!strcmp(relpath, KNOWN_MISSES[i]))
			return true;
	return false;
}

static int setup(void **state)
{
	struct scanner_config cfg;
	struct scanner *s;

	scanner_config_init_default(&cfg);
	cfg.budget_us = 0;
	if (scanner_create(&cfg, &s))
		return -1;
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	scanner_destroy(*state);
	return 0;
}

/* Decodes one file; returns the number of symbols and the validated id of
 * the first symbol (or "" if it is no card) in id. */
static size_t decode_file(struct scanner *s, const char *path, struct scanner_result *r, char *id)
{
	struct scanner_image img;
	struct custid_syntax syntax;

	custid_syntax_init_default(&syntax);
	int rc = scanner_image_load(path, &img);
	if (rc)
		fail_msg("%s: %s", path, scanner_strerror(rc));
	struct scanner_frame frame = scanner_image_frame(&img, 0, 0);
	assert_int_equal(scanner_decode(s, &frame, r), 0);
	id[0] = '\0';
	if (r->count)
		custid_validate(&syntax, r->symbols[0].data, r->symbols[0].len, id);
	scanner_image_release(&img);
	return r->count;
}

static void test_fixtures_give_exact_ids(void **state)
{
	struct scanner *s = *state;
	char line[4096];
	int rows = 0, failures = 0;
	FILE *f = fopen(PHONESIM_DIR "/MANIFEST.tsv", "r");

	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f)); /* header */
	while (fgets(line, sizeof(line), f)) {
		/* columns: relpath category ... symbology(6) expected_text(7) */
		char *cols[8] = {0};
		char *p = line;
		for (int c = 0; c < 8 && p; c++) {
			cols[c] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = '\0';
		}
		assert_non_null(cols[6]);
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", PHONESIM_DIR, cols[0]);
		struct scanner_result r;
		char id[CUSTID_ID_BUFSZ];
		size_t n = decode_file(s, path, &r, id);
		rows++;
		if (!strcmp(cols[6], "NONE")) {
			if (n != 0) {
				print_error("%s (%s): read %zu symbols on a negative frame\n",
					    cols[0], cols[1], n);
				failures++;
			}
			continue;
		}
		const char *want = cols[6] + strlen("CUST#");
		if (known_miss(cols[0])) {
			if (n > 0 && strcmp(id, want) != 0) {
				print_error("%s: misread on a known miss: '%s'\n", cols[0], id);
				failures++;
			} else if (n > 0) {
				print_error("%s now reads: remove it from KNOWN_MISSES\n", cols[0]);
				failures++;
			}
			continue;
		}
		if (n != 1 || strcmp(id, want) != 0) {
			print_error("%s (%s): want id %s, got %zu symbols, first id '%s'\n",
				    cols[0], cols[1], want, n, id);
			failures++;
		}
	}
	fclose(f);
	assert_true(rows >= 30);
	assert_int_equal(failures, 0);
}

static void test_bad_frames_are_refused(void **state)
{
	struct scanner *s = *state;
	struct scanner_result r;
	uint8_t px[16] = {0};
	struct scanner_frame f = {.luma = px, .width = 4, .height = 4, .stride = 4};

	f.stride = 3;
	assert_int_equal(scanner_decode(s, &f, &r), SCANNER_ERR_INVAL);
	f.stride = 4;
	f.luma = NULL;
	assert_int_equal(scanner_decode(s, &f, &r), SCANNER_ERR_INVAL);
	f.luma = px;
	f.width = 0;
	assert_int_equal(scanner_decode(s, &f, &r), SCANNER_ERR_INVAL);
	f.width = 4;
	/* A tiny frame is valid but too small for any pass: nothing read. */
	assert_int_equal(scanner_decode(s, &f, &r), 0);
	assert_int_equal(r.count, 0);
}

/* A frame of the simulator's negative set: a phone showing no code. */
static void load_negative(struct scanner_image *img)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/negative/000.png", PHONESIM_DIR);
	assert_int_equal(scanner_image_load(path, img), 0);
}

static void test_live_spreads_costly_passes_over_frames(void **state)
{
	(void)state;
	struct scanner_config cfg;
	struct scanner *s;
	struct scanner_image img;
	struct scanner_result r;

	scanner_config_init_default(&cfg);
	cfg.budget_us = 10 * 1000 * 1000; /* never the limit here */
	cfg.sweep_every = 3;
	assert_int_equal(scanner_create(&cfg, &s), 0);
	load_negative(&img);
	struct scanner_frame f = scanner_image_frame(&img, 0, 0);
	for (int frame = 1; frame <= 6; frame++) {
		assert_int_equal(scanner_decode(s, &f, &r), 0);
		assert_int_equal(r.count, 0);
		if (frame % 3) {
			/* nothing located: the locator alone */
			if (r.located == 0)
				assert_int_equal(r.passes_run, 1);
			assert_int_equal(r.pass_us[scanner_pass_find("full")], 0);
		} else {
			/* the sweep frame runs the costly whole-frame passes too */
			assert_true(r.passes_run > 5);
			assert_true(r.pass_us[scanner_pass_find("full")] > 0);
		}
	}
	scanner_image_release(&img);
	scanner_destroy(s);
}

/*
 * Decodes the frame in path as a live decoder with a sweep frame every
 * sweep_every frames (0: none) would: the frames up to the first sweep may
 * read nothing, but from the first sweep frame on (or from the first frame,
 * without sweeps) each of three frames must read exactly one code, by a pass
 * whose name starts with one of the prefixes given (NULL-terminated), with
 * the customer id expected; those after the sweep are no sweep frames.
 */
static void read_on_every_frame(const char *path, int sweep_every, const char *const *pass_prefixes,
				const char *expected)
{
	struct scanner_config cfg;
	struct scanner *s;
	struct scanner_image img;
	struct scanner_result r;
	struct custid_syntax syntax;
	char id[CUSTID_ID_BUFSZ];

	scanner_config_init_default(&cfg);
	cfg.budget_us = 10 * 1000 * 1000; /* never the limit here */
	cfg.sweep_every = sweep_every ? sweep_every : 1000;
	assert_int_equal(scanner_create(&cfg, &s), 0);
	custid_syntax_init_default(&syntax);
	assert_int_equal(scanner_image_load(path, &img), 0);
	struct scanner_frame f = scanner_image_frame(&img, 0, 0);
	int first = sweep_every ? sweep_every - 1 : 0;
	for (int frame = 0; frame < first + 3; frame++) {
		assert_int_equal(scanner_decode(s, &f, &r), 0);
		if (frame < first)
			continue;
		if (r.count != 1)
			fail_msg("frame %d: %zu codes read", frame, r.count);
		const char *pass = scanner_pass_name(r.symbols[0].pass);
		bool known = false;
		for (const char *const *p = pass_prefixes; *p && !known; p++)
			known = !strncmp(pass, *p, strlen(*p));
		if (!known)
			fail_msg("frame %d read by pass %s", frame, pass);
		assert_int_equal(custid_validate(&syntax, r.symbols[0].data, r.symbols[0].len, id),
				 CUSTID_OK);
		assert_string_equal(id, expected);
	}
	scanner_image_release(&img);
	scanner_destroy(s);
}

/* Only a region pass reads this frame (the locator does not find its code
 * under the reflection stripe): it needs the region found by the first small
 * pass, which a sweep frame runs, and must still run on the frames after,
 * with no sweep and nothing located, as the tracked pass. */
static void test_tracked_pass_reads_the_next_frame(void **state)
{
	(void)state;
	static const char *const region[] = {"region-", NULL};
	read_on_every_frame(CUSTSCAN_FIXTURES "/tracking/region-pass.png", 3, region,
			    "m9mFuIWD5DsJcW_");
}

/* Between sweep frames the costly passes run on the located codes that no
 * pass has read, not on the whole frame: a card only a costly pass reads (an
 * over-exposed Code128) is read on every frame, at the cost of its box. */
static void test_costly_passes_run_on_unread_codes(void **state)
{
	(void)state;
	static const char *const costly[] = {"full", "mid-blur", NULL};
	read_on_every_frame(PHONESIM_DIR "/overexposed/001.png", 0, costly, "pJ8iGLt");
}

static void test_budget_stops_the_cascade(void **state)
{
	(void)state;
	struct scanner_config cfg;
	struct scanner *s;
	struct scanner_image img;
	struct scanner_result r;

	scanner_config_init_default(&cfg);
	cfg.budget_us = 1; /* spent by the first pass, whatever the machine */
	cfg.sweep_every = 1;
	assert_int_equal(scanner_create(&cfg, &s), 0);
	load_negative(&img);
	struct scanner_frame f = scanner_image_frame(&img, 0, 0);
	for (int frame = 0; frame < 3; frame++) {
		assert_int_equal(scanner_decode(s, &f, &r), 0);
		assert_int_equal(r.passes_run, 1);
		assert_true(r.passes_skipped >= 1);
	}
	scanner_image_release(&img);
	scanner_destroy(s);
}

/* Four fixture frames tiled 2x2 into one frame: four cards in one view. */
static const struct {
	const char *file;
	const char *id;
} TILES[4] = {
    {"nominal/000.png", "wi8matJ7"},   /* QR, read by the first pass */
    {"dark_mode/000.png", "_qNKt9U2"}, /* dark-mode QR */
    {"tilt/001.png", "bjrqt3"},	       /* Code128 only a later pass reads */
    {"moire/000.png", "_mx_AMbD"},     /* QR only a later pass reads */
};

static void load_tiles(struct scanner_image *out)
{
	for (int t = 0; t < 4; t++) {
		char path[1024];
		struct scanner_image tile;
		snprintf(path, sizeof(path), "%s/%s", PHONESIM_DIR, TILES[t].file);
		assert_int_equal(scanner_image_load(path, &tile), 0);
		if (t == 0)
			assert_int_equal(scanner_image_init(out, 2 * tile.width, 2 * tile.height),
					 0);
		assert_int_equal(tile.width * 2, out->width);
		int ox = (t % 2) * tile.width, oy = (t / 2) * tile.height;
		for (int y = 0; y < tile.height; y++)
			memcpy(out->luma + (size_t)(oy + y) * out->width + ox,
			       tile.luma + (size_t)y * tile.width, (size_t)tile.width);
		scanner_image_release(&tile);
	}
}

/* Asserts that the ids read are exactly the four tiles' ids. */
static void assert_all_tiles(const char (*ids)[CUSTID_ID_BUFSZ], size_t n)
{
	assert_int_equal(n, 4);
	for (int t = 0; t < 4; t++) {
		bool found = false;
		for (size_t k = 0; k < n && !found; k++)
			found = !strcmp(ids[k], TILES[t].id);
		if (!found)
			fail_msg("card %s (%s) not reported", TILES[t].id, TILES[t].file);
	}
}

/* Adds the ids of r not yet in ids[0..*n). */
static void add_ids(const struct scanner_result *r, char (*ids)[CUSTID_ID_BUFSZ], size_t *n)
{
	struct custid_syntax syntax;
	char id[CUSTID_ID_BUFSZ];

	custid_syntax_init_default(&syntax);
	for (size_t i = 0; i < r->count; i++) {
		assert_int_equal(
		    custid_validate(&syntax, r->symbols[i].data, r->symbols[i].len, id), CUSTID_OK);
		bool seen = false;
		for (size_t k = 0; k < *n && !seen; k++)
			seen = !strcmp(ids[k], id);
		if (!seen && *n < SCANNER_MAX_SYMBOLS)
			strcpy(ids[(*n)++], id);
	}
}

/* Every code in a frame is reported, not only the first one read: the
 * cascade goes on while a located code is still unread. */
static void test_every_code_is_reported(void **state)
{
	struct scanner *s = *state;
	struct scanner_image img;
	struct scanner_result r;
	char ids[SCANNER_MAX_SYMBOLS][CUSTID_ID_BUFSZ];
	size_t n = 0;

	load_tiles(&img);
	struct scanner_frame f = scanner_image_frame(&img, 0, 0);
	assert_int_equal(scanner_decode(s, &f, &r), 0);
	add_ids(&r, ids, &n);
	assert_all_tiles((const char(*)[CUSTID_ID_BUFSZ])ids, n);
	/* each symbol's box is where its tile is */
	for (size_t i = 0; i < r.count; i++) {
		int cx = (r.symbols[i].x0 + r.symbols[i].x1) / 2;
		int cy = (r.symbols[i].y0 + r.symbols[i].y1) / 2;
		int t = (cx >= img.width / 2) + 2 * (cy >= img.height / 2);
		char id[CUSTID_ID_BUFSZ];
		struct custid_syntax syntax;
		custid_syntax_init_default(&syntax);
		custid_validate(&syntax, r.symbols[i].data, r.symbols[i].len, id);
		assert_string_equal(id, TILES[t].id);
	}
	scanner_image_release(&img);
}

/* scanner_trim() gives the buffers back; the next frames read as before. */
static void test_trim_and_read_again(void **state)
{
	struct scanner *s = *state;
	struct scanner_image img;
	struct scanner_result r;

	load_tiles(&img);
	struct scanner_frame f = scanner_image_frame(&img, 0, 0);
	for (int round = 0; round < 3; round++) {
		char ids[SCANNER_MAX_SYMBOLS][CUSTID_ID_BUFSZ];
		size_t n = 0;

		assert_int_equal(scanner_decode(s, &f, &r), 0);
		add_ids(&r, ids, &n);
		assert_all_tiles((const char(*)[CUSTID_ID_BUFSZ])ids, n);
		scanner_trim(s);
		scanner_trim(s); /* twice: nothing left to give */
	}
	scanner_trim(NULL);
	scanner_image_release(&img);
}

/* The mean luma of a code's box, for exposure hints: clipped to the frame. */
static void test_frame_mean_luma(void **state)
{
	uint8_t px[4 * 3] = {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110};
	struct scanner_frame f = {px, 3, 3, 4, 0, 0}; /* stride 4: the 4th column is not in it */

	(void)state;
	assert_int_equal(scanner_frame_mean_luma(&f, 0, 0, 3, 3),
			 (0 + 10 + 20 + 40 + 50 + 60 + 80 + 90 + 100) / 9);
	assert_int_equal(scanner_frame_mean_luma(&f, 1, 1, 2, 2), 50);
	assert_int_equal(scanner_frame_mean_luma(&f, -5, -5, 1, 1), 0);
	assert_int_equal(scanner_frame_mean_luma(&f, 2, 2, 9, 9), 100);
	assert_int_equal(scanner_frame_mean_luma(&f, 3, 0, 9, 3), -1);
	assert_int_equal(scanner_frame_mean_luma(&f, 2, 2, 1, 1), -1);
}

/* In live use the same holds within one sweep cycle of frames. */
static void test_every_code_is_reported_live(void **state)
{
	(void)state;
	struct scanner_config cfg;
	struct scanner *s;
	struct scanner_image img;
	struct scanner_result r;
	char ids[SCANNER_MAX_SYMBOLS][CUSTID_ID_BUFSZ];
	size_t n = 0;

	scanner_config_init_default(&cfg);
	cfg.budget_us = 10 * 1000 * 1000; /* never the limit here */
	assert_int_equal(scanner_create(&cfg, &s), 0);
	load_tiles(&img);
	struct scanner_frame f = scanner_image_frame(&img, 0, 0);
	for (int frame = 0; frame < cfg.sweep_every; frame++) {
		assert_int_equal(scanner_decode(s, &f, &r), 0);
		add_ids(&r, ids, &n);
	}
	assert_all_tiles((const char(*)[CUSTID_ID_BUFSZ])ids, n);
	scanner_image_release(&img);
	scanner_destroy(s);
}

/* scanner_reset() starts a new stream: the sweep phase starts again. */
static void test_reset_forgets_the_stream(void **state)
{
	(void)state;
	struct scanner_config cfg;
	struct scanner *s;
	struct scanner_image neg;
	struct scanner_result r;
	int full = scanner_pass_find("full");

	scanner_config_init_default(&cfg);
	cfg.budget_us = 10 * 1000 * 1000; /* never the limit here */
	cfg.sweep_every = 3;
	assert_int_equal(scanner_create(&cfg, &s), 0);
	load_negative(&neg);
	struct scanner_frame f = scanner_image_frame(&neg, 0, 0);
	/* two frames into a sweep cycle, then a reset: the next frame is the
	 * first of a new cycle again, not its sweep frame */
	for (int frame = 0; frame < 2; frame++)
		assert_int_equal(scanner_decode(s, &f, &r), 0);
	scanner_reset(s);
	assert_int_equal(scanner_decode(s, &f, &r), 0);
	assert_int_equal(r.pass_us[full], 0);
	/* and the frame after that is a sweep frame only two frames on */
	assert_int_equal(scanner_decode(s, &f, &r), 0);
	assert_int_equal(r.pass_us[full], 0);
	assert_int_equal(scanner_decode(s, &f, &r), 0);
	assert_true(r.pass_us[full] > 0);
	scanner_image_release(&neg);
	scanner_destroy(s);
}

/*
 * A dark-mode EAN-13 member card (simulated phone, card 2400012345676) that
 * the inverted 3x3-minimum pass read as 2400072345616, another valid
 * number: a width-distorting pass must not report weakly checked codes. Every
 * pass runs, so a misread by any of them would show.
 */
/* A Code128 card defocused to about a module (custscan-phonesim --seed 3
 * --category defocus --symbology code128 --size 640x480): the engine's edge
 * detector loses its soft narrow bars in every image pass; the bar widths
 * measured on the located strip's profiles read it. */
static void test_blurred_code128_reads_from_widths(void **state)
{
	struct scanner_result r;
	char id[64];

	assert_int_equal(decode_file(*state, CUSTSCAN_FIXTURES "/blur/defocus-code128.png", &r, id),
			 1);
	assert_string_equal(id, "xDNVgn4");
	assert_int_equal(r.symbols[0].type, SCANNER_SYM_CODE128);
}

static void test_no_misread_of_weakly_checked_codes(void **state)
{
	(void)state;
	struct scanner_config cfg;
	struct scanner *s;
	struct scanner_image img;
	struct scanner_result r;

	scanner_config_init_default(&cfg);
	cfg.symbologies = SCANNER_SYM_EAN13;
	cfg.budget_us = 0;
	cfg.all_passes = true;
	assert_int_equal(scanner_create(&cfg, &s), 0);
	assert_int_equal(scanner_image_load(CUSTSCAN_FIXTURES "/misread/dark-ean13.png", &img), 0);
	struct scanner_frame f = scanner_image_frame(&img, 0, 0);
	assert_int_equal(scanner_decode(s, &f, &r), 0);
	assert_int_equal(r.count, 1);
	assert_int_equal(r.symbols[0].len, 13);
	assert_memory_equal(r.symbols[0].data, "2400012345676", 13);
	scanner_image_release(&img);
	scanner_destroy(s);
}

static void test_config_is_checked(void **state)
{
	(void)state;
	struct scanner_config cfg;
	struct scanner *s = NULL;
	unsigned set = 0;

	scanner_config_init_default(&cfg);
	cfg.symbologies = 0;
	assert_int_equal(scanner_create(&cfg, &s), SCANNER_ERR_INVAL);
	cfg.symbologies = 1u << 20;
	assert_int_equal(scanner_create(&cfg, &s), SCANNER_ERR_INVAL);
	assert_null(s);
	assert_int_equal(scanner_symbology_parse("qr,CODE-128", &set), 0);
	assert_int_equal(set, SCANNER_SYM_QR | SCANNER_SYM_CODE128);
	assert_int_equal(scanner_symbology_parse("default,ean13", &set), 0);
	assert_int_equal(set, SCANNER_SYM_DEFAULT | SCANNER_SYM_EAN13);
	assert_int_equal(scanner_symbology_parse("qr,pdf417", &set), -1);
	assert_int_equal(scanner_symbology_parse("", &set), -1);
	scanner_destroy(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_fixtures_give_exact_ids, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_frames_are_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_blurred_code128_reads_from_widths, setup,
					    teardown),
	    cmocka_unit_test(test_config_is_checked),
	    cmocka_unit_test(test_frame_mean_luma),
	    cmocka_unit_test(test_live_spreads_costly_passes_over_frames),
	    cmocka_unit_test(test_budget_stops_the_cascade),
	    cmocka_unit_test(test_costly_passes_run_on_unread_codes),
	    cmocka_unit_test(test_no_misread_of_weakly_checked_codes),
	    cmocka_unit_test(test_tracked_pass_reads_the_next_frame),
	    cmocka_unit_test_setup_teardown(test_every_code_is_reported, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_trim_and_read_again, setup, teardown),
	    cmocka_unit_test(test_every_code_is_reported_live),
	    cmocka_unit_test(test_reset_forgets_the_stream),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
