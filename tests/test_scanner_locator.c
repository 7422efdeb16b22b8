/*
 * Tests for the locator and rectifier (scanner/locator.h) on frames rendered
 * by the phone-screen simulator with known geometry: every in-plane
 * rotation, strong perspective, small modules and dark mode. The located
 * corners must lie within two modules of the true ones, and the located pass
 * alone must read the exact card id. Bars (Code128) at any angle must be
 * found and read the same way, and a frame without a code yields no code.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "phonesim.h"
#include "scanner/custid.h"
#include "scanner/decoder.h"
#include "scanner/locator.h"

/* Largest spread of light tried, in pixels, at 7 px a module (at two the
 * finders' rings are too thin for the locator's run test). */
#define BLOOM_MAX_RADIUS 1

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

struct fixture {
	struct locator *locator;
	struct scanner *located_only; /* the decoder with only the located pass */
	struct locator_result result;
};

static int setup(void **state)
{
	static struct fixture f;
	struct scanner_config cfg;

	memset(&f, 0, sizeof(f));
	if (locator_create(&f.locator))
		return -1;
	scanner_config_init_default(&cfg);
	cfg.budget_us = 0;
	int located = scanner_pass_find("located");
	if (located < 0)
		return -1;
	cfg.pass_mask = 1u << located;
	if (scanner_create(&cfg, &f.located_only))
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	locator_destroy(f->locator);
	scanner_destroy(f->located_only);
	return 0;
}

/* A clean scene of the given code, then the geometry the test asks for. */
static void make_scene(struct phonesim_scene *sc, enum phonesim_symbology sym, bool dark,
		       const char *text, double roll_deg, double tilt_x_deg, double tilt_y_deg,
		       double module_px, uint64_t seed)
{
	struct phonesim_rng rng;
	phonesim_rng_seed(&rng, seed);
	assert_int_equal(phonesim_scene_random(sc, "nominal", sym, dark, text, 640, 480, 0.2, &rng),
			 0);
	sc->roll = roll_deg * M_PI / 180;
	sc->tilt_x = tilt_x_deg * M_PI / 180;
	sc->tilt_y = tilt_y_deg * M_PI / 180;
	sc->module_px = module_px;
	sc->cx = 320;
	sc->cy = 240;
	sc->n_glare = 0;
	sc->stripe_strength = 0;
	sc->finger = false;
	sc->motion_len = 0;
	sc->disc_radius = 0;
	/* the test asks for geometry that keeps the whole code in view */
	assert_true(phonesim_code_visible(sc));
}

/* Renders sc, locates, and returns the decoded id of the located pass. */
static void render_and_locate(struct fixture *f, const struct phonesim_scene *sc,
			      struct scanner_image *img, char *id)
{
	struct custid_syntax syntax;
	struct scanner_result r;

	assert_int_equal(scanner_image_init(img, sc->width, sc->height), 0);
	assert_int_equal(phonesim_render(sc, 7, img), 0);
	struct scanner_frame frame = scanner_image_frame(img, 0, 0);
	assert_int_equal(locator_find(f->locator, &frame, &f->result), 0);
	assert_int_equal(scanner_decode(f->located_only, &frame, &r), 0);
	/* the decoder reports what the locator saw, for the presence state */
	assert_int_equal(r.located, (int)(f->result.n_codes + f->result.n_bars));
	custid_syntax_init_default(&syntax);
	id[0] = '\0';
	if (r.count)
		custid_validate(&syntax, r.symbols[0].data, r.symbols[0].len, id);
}

/* The located QR whose corners are nearest the truth, and its worst corner
 * error in modules. */
static double corner_error(const struct fixture *f, const struct phonesim_scene *sc)
{
	double truth[4][2], best = 1e9;

	assert_int_equal(phonesim_code_corners(sc, truth), 0);
	for (size_t c = 0; c < f->result.n_codes; c++) {
		double worst = 0;
		for (int k = 0; k < 4; k++) {
			double d = hypot(f->result.codes[c].corners[k].x - truth[k][0],
					 f->result.codes[c].corners[k].y - truth[k][1]);
			worst = fmax(worst, d);
		}
		best = fmin(best, worst / sc->module_px);
	}
	return best;
}

static void check_qr(void **state, bool dark, double roll, double tx, double ty, double module_px)
{
	struct fixture *f = *state;
	struct phonesim_scene sc;
	struct scanner_image img;
	char id[CUSTID_ID_BUFSZ];

	make_scene(&sc, PHONESIM_QR, dark, "CUST#Locate-Me_42", roll, tx, ty, module_px,
		   (uint64_t)(roll * 10 + tx + ty));
	render_and_locate(f, &sc, &img, id);
	double err = corner_error(f, &sc);
	if (err > 2.0 || strcmp(id, "Locate-Me_42") != 0)
		print_error("roll %.0f tilt %.0f/%.0f module %.1f dark %d: %zu codes, corner "
			    "error %.2f modules, id '%s'\n",
			    roll, tx, ty, module_px, dark, f->result.n_codes, err, id);
	assert_true(err <= 2.0);
	assert_string_equal(id, "Locate-Me_42");
	for (size_t c = 0; c < f->result.n_codes; c++)
		assert_true(f->result.codes[c].inverted == dark ||
			    f->result.codes[c].confidence < 1);
	scanner_image_release(&img);
}

static void test_qr_every_rotation(void **state)
{
	for (int roll = 0; roll < 360; roll += 30) {
		check_qr(state, false, roll, 0, 0, 5);
		check_qr(state, true, roll + 15, 0, 0, 5);
	}
}

static void test_qr_perspective(void **state)
{
	check_qr(state, false, 10, 40, 0, 5);
	check_qr(state, false, -20, 0, 45, 5);
	check_qr(state, true, 35, 30, 30, 5);
	check_qr(state, false, 200, -35, 25, 6);
}

static void test_qr_small_modules(void **state)
{
	check_qr(state, false, 0, 0, 0, 3);
	check_qr(state, false, 45, 0, 0, 3);
	check_qr(state, true, 20, 10, 0, 3);
}

static void test_bars_any_angle(void **state)
{
	struct fixture *f = *state;

	for (int roll = 0; roll < 180; roll += 30) {
		struct phonesim_scene sc;
		struct scanner_image img;
		char id[CUSTID_ID_BUFSZ];
		bool dark = (roll / 30) % 2;
		make_scene(&sc, PHONESIM_CODE128, dark, "CUST#bar-7", roll, 0, 0, 2.4,
			   (uint64_t)roll);
		render_and_locate(f, &sc, &img, id);
		if (f->result.n_bars == 0 || strcmp(id, "bar-7") != 0)
			print_error("roll %d dark %d: %zu bar regions, id '%s'\n", roll, dark,
				    f->result.n_bars, id);
		assert_true(f->result.n_bars >= 1);
		assert_string_equal(id, "bar-7");
		scanner_image_release(&img);
	}
}

static void test_no_code_no_result(void **state)
{
	struct fixture *f = *state;
	struct phonesim_scene sc;
	struct phonesim_rng rng;
	struct scanner_image img;
	struct scanner_result r;

	phonesim_rng_seed(&rng, 99);
	assert_int_equal(
	    phonesim_scene_random(&sc, "negative", PHONESIM_NONE, false, "", 640, 480, 0.5, &rng),
	    0);
	assert_int_equal(scanner_image_init(&img, 640, 480), 0);
	assert_int_equal(phonesim_render(&sc, 7, &img), 0);
	struct scanner_frame frame = scanner_image_frame(&img, 0, 0);
	assert_int_equal(locator_find(f->locator, &frame, &f->result), 0);
	assert_int_equal(scanner_decode(f->located_only, &frame, &r), 0);
	assert_int_equal(r.count, 0);
	scanner_image_release(&img);
}

/* Moving the fourth corner moves only it, by modules along the code's axes. */
static void test_move_fourth_corner(void **state)
{
	(void)state;
	struct locator_code code = {.size = 21, .module = 4};
	struct locator_code moved;
	/* module (u, v) -> (10 + 4u, 20 + 4v) */
	code.map = (struct locator_perspective){{4, 0, 10, 0, 4, 20, 0, 0}};
	assert_int_equal(locator_move_fourth(&code, 1, -2, &moved), 0);
	struct locator_point a = locator_map(&moved.map, 3.5, 3.5);
	struct locator_point b = locator_map(&moved.map, 17.5, 3.5);
	struct locator_point c = locator_map(&moved.map, 3.5, 17.5);
	struct locator_point d = locator_map(&moved.map, 17.5, 17.5);
	assert_true(fabs(a.x - 24) < 1e-6 && fabs(a.y - 34) < 1e-6);
	assert_true(fabs(b.x - 80) < 1e-6 && fabs(b.y - 34) < 1e-6);
	assert_true(fabs(c.x - 24) < 1e-6 && fabs(c.y - 90) < 1e-6);
	/* one module right (+4 px), two up (-8 px) */
	assert_true(fabs(d.x - 84) < 1e-6 && fabs(d.y - 82) < 1e-6);
	/* the corners follow the map */
	assert_true(fabs(moved.corners[0].x - locator_map(&moved.map, 0, 0).x) < 1e-9);
	assert_true(fabs(moved.corners[2].y - locator_map(&moved.map, 21, 21).y) < 1e-9);
}

/* A map fitted to the finders' module sizes recovers a true perspective:
 * module sizes taken from a known homography give back its fourth corner. */
static void test_fit_scales_recovers_perspective(void **state)
{
	(void)state;
	struct locator_code code = {.size = 21, .module = 6};
	struct locator_code fitted;
	/* a code seen at a slant: g = 0.02 per module along u */
	const struct locator_perspective truth = {{6, 1, 100, 0.5, 6, 80, 0.02, 0.005}};
	const double u[3] = {3.5, 17.5, 3.5}, v[3] = {3.5, 3.5, 17.5};
	const double *c = truth.c;
	/* the homography's determinant; its local area scale is det / w^3 */
	double det = c[0] * (c[4] - c[5] * c[7]) - c[1] * (c[3] - c[5] * c[6]) +
		     c[2] * (c[3] * c[7] - c[4] * c[6]);
	for (int i = 0; i < 3; i++) {
		code.finders[i] = locator_map(&truth, u[i], v[i]);
		double w = c[6] * u[i] + c[7] * v[i] + 1;
		code.finder_module[i] = sqrt(det / pow(w, 3));
	}
	/* the parallelogram guess for the rest of the code */
	code.map = truth;
	code.map.c[6] = code.map.c[7] = 0;
	for (int k = 0; k < 4; k++)
		code.corners[k] =
		    locator_map(&code.map, k == 1 || k == 2 ? 21 : 0, k >= 2 ? 21 : 0);
	assert_int_equal(locator_fit_scales(&code, &fitted), 0);
	struct locator_point want = locator_map(&truth, 17.5, 17.5);
	struct locator_point got = locator_map(&fitted.map, 17.5, 17.5);
	print_message("fourth finder point: true (%.1f, %.1f), fitted (%.1f, %.1f)\n", want.x,
		      want.y, got.x, got.y);
	assert_true(hypot(got.x - want.x, got.y - want.y) < 1.0);
	/* no sizes, no fit */
	code.finder_module[1] = 0;
	assert_int_equal(locator_fit_scales(&code, &fitted), -1);
}

/*
 * Version 1 codes (short ids) have no alignment pattern: under strong
 * perspective the fourth corner guessed from the finders is off and the
 * rectified code does not read. The map fitted to the finders' module
 * sizes reads most of them in the located pass, the moved pass (the fourth
 * corner moved) more. Over a set of strong tilts (50 and 40 degrees about
 * both axes at once, every roll) both must read most codes, exactly, the
 * moved pass more.
 */
static void test_moved_pass_reads_version1_under_perspective(void **state)
{
	struct fixture *f = *state;
	struct scanner_config cfg;
	struct scanner *moved_too, *live;
	struct custid_syntax syntax;
	int located_reads = 0, moved_reads = 0, live_reads = 0, n = 0;

	scanner_config_init_default(&cfg);
	cfg.budget_us = 0;
	cfg.pass_mask =
	    1u << scanner_pass_find("located") | 1u << scanner_pass_find("located-moved");
	assert_int_equal(scanner_create(&cfg, &moved_too), 0);
	/* live, the moves are spread over frames: within one sweep cycle of
	 * a held card it must read what the file decoder reads */
	cfg.budget_us = 10 * 1000 * 1000; /* never the limit here */
	assert_int_equal(scanner_create(&cfg, &live), 0);
	custid_syntax_init_default(&syntax);
	for (int roll = 0; roll < 360; roll += 40) {
		for (int t = 0; t < 4; t++) {
			double tx = (t & 1 ? 1 : -1) * 50, ty = (t & 2 ? 1 : -1) * 40;
			struct phonesim_scene sc;
			struct scanner_image img;
			struct scanner_result r;
			char id[CUSTID_ID_BUFSZ];
			make_scene(&sc, PHONESIM_QR, t == 3, "CUST#v1-Card", roll, tx, ty, 9,
				   (uint64_t)(roll * 7 + t));
			assert_int_equal(scanner_image_init(&img, sc.width, sc.height), 0);
			assert_int_equal(phonesim_render(&sc, 7, &img), 0);
			struct scanner_frame frame = scanner_image_frame(&img, 0, 0);
			assert_int_equal(scanner_decode(f->located_only, &frame, &r), 0);
			located_reads += r.count > 0;
			assert_int_equal(scanner_decode(moved_too, &frame, &r), 0);
			if (r.count) {
				assert_int_equal(custid_validate(&syntax, r.symbols[0].data,
								 r.symbols[0].len, id),
						 CUSTID_OK);
				assert_string_equal(id, "v1-Card");
				moved_reads++;
			}
			scanner_reset(live);
			bool read = false;
			for (int k = 0; k < cfg.sweep_every; k++) {
				assert_int_equal(scanner_decode(live, &frame, &r), 0);
				read |= r.count > 0;
			}
			live_reads += read;
			n++;
			scanner_image_release(&img);
		}
	}
	print_message("version 1 under strong perspective: located %d, with moves %d, live %d "
		      "of %d\n",
		      located_reads, moved_reads, live_reads, n);
	assert_int_equal(live_reads, moved_reads);
	/* measured: 27 and 30 of 36 (with the parallelogram alone, 2; ZXing-C++
	 * reads 21, none in dark mode) */
	assert_true(located_reads >= 24);
	assert_true(moved_reads >= 27);
	assert_true(moved_reads > located_reads);
	scanner_destroy(moved_too);
	scanner_destroy(live);
}

/*
 * Texture above a code (noise on a dark counter, small print) must not use up
 * the finder candidates before the scan reaches the code: a frame whose top
 * is covered with tiny finder-like marks (1 px modules, each met by a single
 * scanline, so never a finder), the card below.
 */
static void test_texture_above_does_not_hide_the_code(void **state)
{
	struct fixture *f = *state;
	struct phonesim_scene sc;
	struct scanner_image card, img;
	char id[CUSTID_ID_BUFSZ];
	struct custid_syntax syntax;
	struct scanner_result r;
	const int texture_rows = 240; /* 720 rows in all: every other row scanned */

	make_scene(&sc, PHONESIM_QR, false, "CUST#Below-The-Marks", 0, 0, 0, 5, 11);
	assert_int_equal(scanner_image_init(&card, sc.width, sc.height), 0);
	assert_int_equal(phonesim_render(&sc, 7, &card), 0);
	assert_int_equal(scanner_image_init(&img, sc.width, sc.height + texture_rows), 0);
	memset(img.luma, 220, (size_t)img.width * texture_rows);
	/* 7x7 marks: dark ring, light ring, dark 3x3 core starting on an odd
	 * row, so one even (scanned) row crosses the core */
	for (int by = 1; by + 7 < texture_rows; by += 10) {
		for (int bx = 2; bx + 7 < img.width; bx += 10) {
			for (int y = 0; y < 7; y++) {
				for (int x = 0; x < 7; x++) {
					int ring = x < y ? x : y;
					ring = ring < 6 - x ? ring : 6 - x;
					ring = ring < 6 - y ? ring : 6 - y;
					img.luma[(size_t)(by + y) * img.width + bx + x] =
					    ring == 1 ? 220 : 30;
				}
			}
		}
	}
	memcpy(img.luma + (size_t)texture_rows * img.width, card.luma,
	       (size_t)card.width * card.height);
	struct scanner_frame frame = scanner_image_frame(&img, 0, 0);
	assert_int_equal(locator_find(f->locator, &frame, &f->result), 0);
	assert_true(f->result.n_codes >= 1);
	assert_int_equal(scanner_decode(f->located_only, &frame, &r), 0);
	custid_syntax_init_default(&syntax);
	assert_int_equal(r.count, 1);
	assert_int_equal(custid_validate(&syntax, r.symbols[0].data, r.symbols[0].len, id),
			 CUSTID_OK);
	assert_string_equal(id, "Below-The-Marks");
	scanner_image_release(&img);
	scanner_image_release(&card);
}

/* Paints a finder-like mark (dark ring, light ring, dark 3x3 core) of
 * module m pixels with its top-left corner at (x0, y0). */
static void paint_mark(struct scanner_image *img, int x0, int y0, int m)
{
	for (int y = 0; y < 7 * m; y++) {
		for (int x = 0; x < 7 * m; x++) {
			int mx = x / m, my = y / m;
			int ring = mx < my ? mx : my;
			ring = ring < 6 - mx ? ring : 6 - mx;
			ring = ring < 6 - my ? ring : 6 - my;
			img->luma[(size_t)(y0 + y) * img->width + x0 + x] = ring == 1 ? 220 : 30;
		}
	}
}

/*
 * A card beside a field of finder-like marks (a dotted fabric, perforated
 * metal): the marks make hundreds of tidy triples, every one of which fails
 * the timing test, and the locator fits only so many per frame. The card's
 * own three finders must still get their turn.
 */
static void test_card_beside_finder_texture(void **state)
{
	struct fixture *f = *state;
	struct phonesim_scene sc;
	struct scanner_image img;
	struct scanner_result r;
	struct custid_syntax syntax;
	char id[CUSTID_ID_BUFSZ];

	make_scene(&sc, PHONESIM_QR, false, "CUST#Beside-The-Dots", 0, 0, 0, 4, 12);
	sc.cx = 470;
	assert_true(phonesim_code_visible(&sc));
	assert_int_equal(scanner_image_init(&img, sc.width, sc.height), 0);
	assert_int_equal(phonesim_render(&sc, 7, &img), 0);
	/* 6 x 9 marks of 3 px modules on the left: in a perfect grid, so in
	 * triangles at least as tidy as the card's own */
	for (int y = 0; y < img.height; y++)
		memset(img.luma + (size_t)y * img.width, 220, 320);
	for (int y = 0; y < 9; y++)
		for (int x = 0; x < 6; x++)
			paint_mark(&img, 10 + 50 * x, 10 + 50 * y, 3);
	struct scanner_frame frame = scanner_image_frame(&img, 0, 0);
	assert_int_equal(locator_find(f->locator, &frame, &f->result), 0);
	assert_true(f->result.n_finders >= 40);
	assert_int_equal(scanner_decode(f->located_only, &frame, &r), 0);
	custid_syntax_init_default(&syntax);
	assert_int_equal(r.count, 1);
	assert_int_equal(custid_validate(&syntax, r.symbols[0].data, r.symbols[0].len, id),
			 CUSTID_OK);
	assert_string_equal(id, "Beside-The-Dots");
	scanner_image_release(&img);
}

/*
 * A frame full of finder-like marks fills the locator's finder list; on such
 * texture ZBar's own finder search can take hundreds of milliseconds a
 * pass, so the live decoder leaves the costly passes out, even on a sweep
 * frame, while the file decoder still runs them all.
 */
static void test_finder_texture_skips_costly_passes(void **state)
{
	struct fixture *f = *state;
	struct scanner_image img;
	struct scanner_config cfg;
	struct scanner *live;
	struct scanner_result r;

	assert_int_equal(scanner_image_init(&img, 640, 480), 0);
	memset(img.luma, 220, (size_t)img.width * img.height);
	for (int y = 0; y + 21 < img.height; y += 34)
		for (int x = 0; x + 21 < img.width; x += 34)
			paint_mark(&img, x + 6, y + 6, 3);
	struct scanner_frame frame = scanner_image_frame(&img, 0, 0);
	assert_int_equal(locator_find(f->locator, &frame, &f->result), 0);
	assert_int_equal(f->result.n_finders, LOCATOR_MAX_FINDERS);

	scanner_config_init_default(&cfg);
	cfg.sweep_every = 1;		  /* every frame a sweep frame */
	cfg.budget_us = 10 * 1000 * 1000; /* live, but not the budget's choice */
	assert_int_equal(scanner_create(&cfg, &live), 0);
	assert_int_equal(scanner_decode(live, &frame, &r), 0);
	assert_int_equal(r.count, 0);
	for (int i = 0; i < scanner_pass_count(); i++) {
		const char *name = scanner_pass_name(i);
		if (!strncmp(name, "full", 4) || !strcmp(name, "mid-blur"))
			assert_int_equal(r.pass_us[i], 0);
	}
	scanner_destroy(live);
	scanner_image_release(&img);
}

/*
 * Even gratings (blinds, meshes, striped fabric) have the parallel edges of
 * a bar code but not its bars of one to four modules: they are no bar
 * region, whatever their angle, stripe width or blur, while a Code128 card
 * in the same frame still is.
 */
static void test_even_grating_is_not_bars(void **state)
{
	struct fixture *f = *state;
	struct scanner_image img;

	for (int angle = 0; angle < 180; angle += 45) {
		for (int period = 4; period <= 10; period += 3) {
			double a = angle * M_PI / 180, ca = cos(a), sa = sin(a);
			assert_int_equal(scanner_image_init(&img, 640, 480), 0);
			for (int y = 0; y < img.height; y++) {
				for (int x = 0; x < img.width; x++) {
					double u = (x - 320) * ca + (y - 240) * sa;
					double v = -(x - 320) * sa + (y - 240) * ca;
					bool in = fabs(u) < 200 && fabs(v) < 120;
					/* a soft-edged stripe: a sine, clipped */
					double s = sin(2 * M_PI * u / period) * 1.6;
					s = s > 1 ? 1 : s < -1 ? -1 : s;
					img.luma[(size_t)y * img.width + x] =
					    (uint8_t)(in ? 125 + 95 * s : 200);
				}
			}
			struct scanner_frame frame = scanner_image_frame(&img, 0, 0);
			assert_int_equal(locator_find(f->locator, &frame, &f->result), 0);
			if (f->result.n_bars)
				print_error("angle %d period %d: %zu bar regions\n", angle, period,
					    f->result.n_bars);
			assert_int_equal(f->result.n_bars, 0);
			scanner_image_release(&img);
		}
	}
}

/*
 * The light of an over-exposed screen spreads into the dark modules: a
 * clean card with its light grown by a pixel (a maximum filter) at 7 px a
 * module. Rectified from one sample per module, every module is a flat
 * square, and the located pass reads the card.
 */
static void test_rectify_modules_reads_bloomed_code(void **state)
{
	struct fixture *f = *state;
	struct phonesim_scene sc;
	struct scanner_image img, grown;
	struct scanner_result r;
	struct custid_syntax syntax;
	char id[CUSTID_ID_BUFSZ];

	custid_syntax_init_default(&syntax);
	make_scene(&sc, PHONESIM_QR, false, "CUST#Bright-Screen-42", 10, 0, 0, 7, 21);
	assert_int_equal(scanner_image_init(&img, sc.width, sc.height), 0);
	assert_int_equal(scanner_image_init(&grown, sc.width, sc.height), 0);
	assert_int_equal(phonesim_render(&sc, 7, &img), 0);
	for (int radius = 1; radius <= BLOOM_MAX_RADIUS; radius++) {
		for (int y = 0; y < img.height; y++) {
			for (int x = 0; x < img.width; x++) {
				uint8_t m = 0;
				for (int dy = -radius; dy <= radius; dy++)
					for (int dx = -radius; dx <= radius; dx++) {
						int yy = y + dy, xx = x + dx;
						if (yy < 0 || xx < 0 || yy >= img.height ||
						    xx >= img.width)
							continue;
						uint8_t v = img.luma[(size_t)yy * img.width + xx];
						m = v > m ? v : m;
					}
				grown.luma[(size_t)y * grown.width + x] = m;
			}
		}
		struct scanner_frame frame = scanner_image_frame(&grown, 0, 0);
		assert_int_equal(locator_find(f->locator, &frame, &f->result), 0);
		assert_int_equal(f->result.n_codes, 1);
		const struct locator_code *code = &f->result.codes[0];
		int side = locator_rectified_side(code, 4, 4);
		uint8_t *out = malloc((size_t)side * side);
		assert_non_null(out);
		locator_rectify_modules(&frame, code, 4, 4, out);
		for (int y = 0; y < side; y++)
			for (int x = 0; x < side; x++)
				assert_int_equal(out[(size_t)y * side + x],
						 out[(size_t)(y - y % 4) * side + x - x % 4]);
		free(out);
		assert_int_equal(scanner_decode(f->located_only, &frame, &r), 0);
		if (r.count != 1)
			fail_msg("light grown by %d px: %zu codes read", radius, r.count);
		assert_int_equal(custid_validate(&syntax, r.symbols[0].data, r.symbols[0].len, id),
				 CUSTID_OK);
		assert_string_equal(id, "Bright-Screen-42");
	}
	scanner_image_release(&img);
	scanner_image_release(&grown);
}

static void test_perspective_map_roundtrip(void **state)
{
	(void)state;
	/* A pure scale and shift: module (u, v) -> (10 + 4u, 20 + 4v). */
	struct locator_perspective p = {{4, 0, 10, 0, 4, 20, 0, 0}};
	struct locator_point q = locator_map(&p, 2.5, 3);
	assert_true(fabs(q.x - 20) < 1e-9 && fabs(q.y - 32) < 1e-9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_qr_every_rotation),
	    cmocka_unit_test(test_qr_perspective),
	    cmocka_unit_test(test_qr_small_modules),
	    cmocka_unit_test(test_bars_any_angle),
	    cmocka_unit_test(test_no_code_no_result),
	    cmocka_unit_test(test_perspective_map_roundtrip),
	    cmocka_unit_test(test_move_fourth_corner),
	    cmocka_unit_test(test_texture_above_does_not_hide_the_code),
	    cmocka_unit_test(test_card_beside_finder_texture),
	    cmocka_unit_test(test_even_grating_is_not_bars),
	    cmocka_unit_test(test_finder_texture_skips_costly_passes),
	    cmocka_unit_test(test_rectify_modules_reads_bloomed_code),
	    cmocka_unit_test(test_fit_scales_recovers_perspective),
	    cmocka_unit_test(test_moved_pass_reads_version1_under_perspective),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
