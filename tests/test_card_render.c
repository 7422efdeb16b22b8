/*
 * custcard's cards decoded back by custscan's own pipeline (issue 7):
 *  - labels: every size at 203, 300 and 600 dpi, with and without a name, as
 *    PNG read back from the file (size, recorded resolution, module width,
 *    quiet zone) and as PDF (structure, page size in points, and decoded
 *    again after ghostscript rasterises it where ghostscript is installed);
 *  - a label too small for its code is refused and nothing is written;
 *  - phone cards light and dark: the PNG itself, and the PNG shown on a
 *    simulated phone screen photographed by a simulated webcam
 *    (phonesim_render_card) at 640x480 and 1280x720;
 *  - the sheet: both its QR and its Code128 read, its PDF an A4 page.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "card.h"
#include "card_sim.h"
#include "card_testutil.h"
#include "phonesim.h"
#include "scanner/error.h"

#define MM_TO_PT (72.0 / 25.4)

struct fixture {
	char dir[64];	   /* scratch folder */
	char texts[3][80]; /* card texts: letters, mostly digits, a long one */
};

/* Card text "CUST#" + body + its MOD 37-36 check character. */
static void make_text(char *out, size_t size, const char *body)
{
	snprintf(out, size, "CUST#%s%c", body,
		 custid_check_char(CUSTID_CHECK_MOD37_36, body, strlen(body)));
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	card_test_mkdtemp(f->dir);
	make_text(f->texts[0], sizeof(f->texts[0]), "KXMQZTWPA");
	make_text(f->texts[1], sizeof(f->texts[1]), "482913775");
	make_text(f->texts[2], sizeof(f->texts[2]), "LONGERIDFORTHEPHONE7");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	card_test_rmtree(f->dir);
	free(f);
	return 0;
}

/* ---------------------------------------------------------------- PNG and PDF checks */

/* The resolution recorded in a PNG's pHYs chunk, pixels per metre (0 if none). */
static unsigned long png_ppm(const char *path)
{
	size_t len;
	char *buf = card_test_slurp(path, &len);
	unsigned long ppm = 0;

	for (size_t i = 8; i + 12 < len; i++)
		if (!memcmp(buf + i, "pHYs", 4)) {
			const unsigned char *p = (const unsigned char *)buf + i + 4;
			ppm = (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 |
			      (unsigned long)p[2] << 8 | p[3];
			break;
		}
	free(buf);
	return ppm;
}

/* The first needle in buf[from..len), or NULL (PDF streams hold NUL bytes). */
static char *find(char *buf, size_t len, const char *from, const char *needle)
{
	size_t n = strlen(needle);

	for (char *p = from ? (char *)from : buf; p + n <= buf + len; p++)
		if (!memcmp(p, needle, n))
			return p;
	return NULL;
}

/*
 * Checks a PDF as a reader would find its way through it: the header, the
 * trailer's startxref pointing at the xref table, every object the table
 * lists where it says, one page, and that page's MediaBox.
 */
static void check_pdf(const char *path, double w_pt, double h_pt)
{
	size_t len;
	char *buf = card_test_slurp(path, &len);
	char *p, *end;
	unsigned long xref, first, count;
	double box[4];
	int pages = 0;

	if (strncmp(buf, "%PDF-1.", 7))
		fail_msg("%s: no PDF header", path);
	end = buf + len;
	while (end > buf && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	if (end - buf < 5 || strncmp(end - 5, "%%EOF", 5))
		fail_msg("%s: no %%%%EOF at the end", path);
	p = find(buf, len, NULL, "startxref");
	assert_non_null(p);
	while (find(buf, len, p + 1, "startxref"))
		p = find(buf, len, p + 1, "startxref");
	assert_int_equal(sscanf(p, "startxref %lu", &xref), 1);
	assert_true(xref < len);
	if (strncmp(buf + xref, "xref", 4))
		fail_msg("%s: startxref %lu does not point at the xref table", path, xref);
	assert_int_equal(sscanf(buf + xref, "xref %lu %lu", &first, &count), 2);
	assert_true(count > 3);
	p = strchr(buf + xref + 5, '\n') + 1;
	for (unsigned long i = 0; i < count; i++, p += 20) {
		unsigned long off, gen;
		char kind, want[32];

		assert_int_equal(sscanf(p, "%10lu %5lu %c", &off, &gen, &kind), 3);
		if (kind != 'n')
			continue;
		assert_true(off < len);
		snprintf(want, sizeof(want), "%lu %lu obj", first + i, gen);
		if (strncmp(buf + off, want, strlen(want)))
			fail_msg("%s: object %lu is not at %lu", path, first + i, off);
	}
	for (p = buf; (p = find(buf, len, p, "/Type /Page")); p++)
		pages += p[11] != 's';
	assert_int_equal(pages, 1);
	p = find(buf, len, NULL, "/MediaBox [");
	assert_non_null(p);
	assert_int_equal(
	    sscanf(p, "/MediaBox [ %lf %lf %lf %lf", &box[0], &box[1], &box[2], &box[3]), 4);
	if (box[0] != 0 || box[1] != 0 || fabs(box[2] - w_pt) > 0.01 || fabs(box[3] - h_pt) > 0.01)
		fail_msg("%s: MediaBox %g %g %g %g, want 0 0 %.2f %.2f", path, box[0], box[1],
			 box[2], box[3], w_pt, h_pt);
	free(buf);
}

/*
 * Rasterises a PDF with ghostscript at dpi, with its default rule that fills
 * every pixel a shape touches (as printer RIPs do), and decodes it; false if
 * there is no gs.
 */
static bool decode_pdf(const struct fixture *f, const char *pdf, int dpi, bool all_passes,
		       struct card_reads *reads)
{
#ifdef CUSTSCAN_GS
	char png[128], cmd[512];

	snprintf(png, sizeof(png), "%s/raster.png", f->dir);
	snprintf(cmd, sizeof(cmd),
		 "%s -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=pnggray -r%d -sOutputFile=%s %s",
		 CUSTSCAN_GS, dpi, png, pdf);
	assert_int_equal(system(cmd), 0);
	card_test_decode_file(png, all_passes, reads);
	unlink(png);
	return true;
#else
	(void)f;
	(void)pdf;
	(void)dpi;
	(void)all_passes;
	(void)reads;
	return false;
#endif
}

/* The PNG's quiet zone around the code is all background. */
static void check_quiet_zone(const char *path, const struct card_layout *l, uint8_t bg)
{
	struct scanner_image img;
	int half = (int)lround(l->modules * l->module_px / 2.0);
	int q = (int)lround(l->quiet * l->module_px);
	int x0 = (int)lround(l->code_x) - half - q, x1 = (int)lround(l->code_x) + half + q;
	int y0 = (int)lround(l->code_y) - half - q, y1 = (int)lround(l->code_y) + half + q;

	assert_int_equal(scanner_image_load(path, &img), 0);
	assert_true(x0 >= 0 && y0 >= 0 && x1 <= img.width && y1 <= img.height);
	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++) {
			bool in_code = x >= x0 + q && x < x1 - q && y >= y0 + q && y < y1 - q;
			if (!in_code && img.luma[y * img.width + x] != bg)
				fail_msg("%s: quiet zone pixel (%d, %d) is %d, not %d", path, x, y,
					 img.luma[y * img.width + x], bg);
		}
	scanner_image_release(&img);
}

/* ---------------------------------------------------------------- labels */

static void test_labels_png(void **state)
{
	struct fixture *f = *state;
	static const int dpis[] = {203, 300, 600};
	static const char *const names[] = {NULL, "Ada Lovelace"};
	char path[128], what[256];

	for (const struct card_label_size *ls = card_label_sizes; ls->name; ls++)
		for (size_t d = 0; d < sizeof(dpis) / sizeof(dpis[0]); d++)
			for (int t = 0; t < 2; t++)
				for (int n = 0; n < 2; n++) {
					struct card_spec spec = {.text = f->texts[t],
								 .name = names[n],
								 .label = ls,
								 .dpi = dpis[d]};
					struct card_layout l;
					struct card_error err = {0};
					struct card_reads reads;
					int rc;

					snprintf(what, sizeof(what), "label %s at %d dpi, %s%s",
						 ls->name, dpis[d], f->texts[t],
						 names[n] ? " with name" : "");
					snprintf(path, sizeof(path), "%s/l.png", f->dir);
					unlink(path);
					rc = card_write(CARD_LABEL, CARD_PNG, &spec, path, true, &l,
							&err);
					if (rc == CARD_ERR_FIT && dpis[d] < 300) {
						/* 1-dot bars at 203 dpi are refused, not printed */
						assert_non_null(
						    strstr(err.detail, "below 0.16 mm"));
						assert_int_equal(access(path, F_OK), -1);
						continue;
					}
					if (rc)
						fail_msg("%s: %s", what, err.detail);
					assert_int_equal(l.px_w,
							 lround(ls->width_mm * dpis[d] / 25.4));
					assert_int_equal(l.px_h,
							 lround(ls->height_mm * dpis[d] / 25.4));
					assert_true(l.module_px * 25.4 / dpis[d] >=
						    CARD_MIN_MODULE_MM - 1e-9);
					assert_true(l.code_x -
							(l.modules / 2.0 + l.quiet) * l.module_px >=
						    0);
					assert_true(l.code_x +
							(l.modules / 2.0 + l.quiet) * l.module_px <=
						    l.px_w);
					assert_int_equal(png_ppm(path), lround(dpis[d] / 0.0254));
					card_test_decode_file(path, false, &reads);
					card_test_expect(&reads, SCANNER_SYM_CODE128, f->texts[t],
							 what);
				}
}

static void test_labels_pdf(void **state)
{
	struct fixture *f = *state;
	char path[128], what[128];

	for (const struct card_label_size *ls = card_label_sizes; ls->name; ls++) {
		struct card_spec spec = {
		    .text = f->texts[0], .name = "Grace Hopper", .label = ls, .dpi = 300};
		struct card_layout l;
		struct card_error err = {0};
		struct card_reads reads;

		snprintf(path, sizeof(path), "%s/label-%s.pdf", f->dir, ls->name);
		if (card_write(CARD_LABEL, CARD_PDF, &spec, path, true, &l, &err))
			fail_msg("%s: %s", path, err.detail);
		/* The page is the label, to the dot at 300 dpi. */
		assert_true(fabs(l.page_w_mm - ls->width_mm) <= 25.4 / 300 / 2 + 1e-9);
		assert_true(fabs(l.page_h_mm - ls->height_mm) <= 25.4 / 300 / 2 + 1e-9);
		check_pdf(path, l.page_w_mm * MM_TO_PT, l.page_h_mm * MM_TO_PT);
		snprintf(what, sizeof(what), "label %s PDF rasterised", ls->name);
		if (decode_pdf(f, path, 300, false, &reads))
			card_test_expect(&reads, SCANNER_SYM_CODE128, f->texts[0], what);
	}
}

static void test_label_refused_when_too_small(void **state)
{
	struct fixture *f = *state;
	char text[80], path[128];
	struct card_spec spec = {.label = card_label_size_find("51x25"), .dpi = 203};
	struct card_error err = {0};

	make_text(text, sizeof(text), "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCD");
	spec.text = text;
	snprintf(path, sizeof(path), "%s/small.png", f->dir);
	assert_int_equal(card_write(CARD_LABEL, CARD_PNG, &spec, path, false, NULL, &err),
			 CARD_ERR_FIT);
	assert_non_null(strstr(err.detail, "modules"));
	assert_int_equal(access(path, F_OK), -1);
	/* An unknown resolution is refused too. */
	spec.text = f->texts[0];
	spec.dpi = 20;
	assert_int_equal(card_write(CARD_LABEL, CARD_PNG, &spec, path, false, NULL, &err),
			 CARD_ERR_INVAL);
}

/* ---------------------------------------------------------------- phone cards */

static void test_phone_png(void **state)
{
	struct fixture *f = *state;
	char path[128];

	for (int t = 0; t < 3; t++)
		for (int dark = 0; dark < 2; dark++) {
			struct card_spec spec = {
			    .text = f->texts[t], .name = "Ada Lovelace", .dpi = 300};
			struct card_layout l;
			struct card_error err = {0};
			struct card_reads reads;

			snprintf(path, sizeof(path), "%s/phone-%d-%d.png", f->dir, t, dark);
			if (card_write(dark ? CARD_PHONE_DARK : CARD_PHONE, CARD_PNG, &spec, path,
				       true, &l, &err))
				fail_msg("%s: %s", path, err.detail);
			assert_int_equal(l.px_w, 1080);
			assert_int_equal(l.px_h, 1440);
			assert_int_equal(l.quiet, 4);
			/* Whole pixels per module, and large: a phone shows it 1:1. */
			assert_true(l.module_px >= 15 && l.module_px == floor(l.module_px));
			check_quiet_zone(path, &l, dark ? 18 : 255);
			card_test_decode_file(path, false, &reads);
			card_test_expect(&reads, SCANNER_SYM_QR, f->texts[t], path);
		}
}

/*
 * The phone card PNG on a simulated phone in front of a simulated webcam, in
 * everyday scenes, tilted, rolled and with the screen's pixel grid resolved
 * (moiré), at both capture sizes. Not "far": at 2.5 camera pixels a module
 * the scanner misses the simulator's own dark-mode cards too, so a miss there
 * would say nothing about the card.
 */
static void test_phone_through_simulator(void **state)
{
	struct fixture *f = *state;
	static const char *const categories[] = {"nominal", "tilt", "rotation", "moire"};
	static const int sizes[][2] = {{640, 480}, {1280, 720}};
	char path[128], what[256];
	int frames = 0;

	for (int dark = 0; dark < 2; dark++) {
		struct card_spec spec = {.text = f->texts[0], .name = "Ada Lovelace", .dpi = 300};
		struct card_layout l;
		struct card_error err = {0};
		struct scanner_image pic;

		snprintf(path, sizeof(path), "%s/sim-%d.png", f->dir, dark);
		if (card_write(dark ? CARD_PHONE_DARK : CARD_PHONE, CARD_PNG, &spec, path, true, &l,
			       &err))
			fail_msg("%s: %s", path, err.detail);
		assert_int_equal(scanner_image_load(path, &pic), 0);
		for (size_t c = 0; c < sizeof(categories) / sizeof(categories[0]); c++)
			for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
				for (uint64_t seed = 1; seed <= 2; seed++) {
					struct phonesim_card card = card_sim_card(&pic, &l);
					struct phonesim_scene scene;
					struct phonesim_rng rng;
					struct scanner_image frame;
					struct card_reads reads;

					phonesim_rng_seed(&rng, seed * 7919 + c * 31 + s);
					assert_int_equal(phonesim_scene_random(
							     &scene, categories[c], PHONESIM_QR,
							     dark, f->texts[0], sizes[s][0],
							     sizes[s][1], 0.6, &rng),
							 0);
					/* 2x2 samples a pixel instead of 3x3: the same
					 * scene in under half the time (ASan builds) */
					scene.supersample = 2;
					assert_int_equal(
					    scanner_image_init(&frame, sizes[s][0], sizes[s][1]),
					    0);
					assert_int_equal(
					    phonesim_render_card(&scene, &card, seed, &frame), 0);
					snprintf(what, sizeof(what), "%s card, %s, %dx%d, seed %d",
						 dark ? "dark" : "light", categories[c],
						 sizes[s][0], sizes[s][1], (int)seed);
					card_test_decode(&frame, false, &reads);
					if (reads.count == 0 && getenv("CUSTCARD_KEEP_FRAMES")) {
						snprintf(path, sizeof(path),
							 "/tmp/miss-%d-%zu-%zu-%d.png", dark, c, s,
							 (int)seed);
						scanner_image_save(path, &frame);
					}
					card_test_expect(&reads, SCANNER_SYM_QR, f->texts[0], what);
					scanner_image_release(&frame);
					frames++;
				}
		scanner_image_release(&pic);
	}
	assert_int_equal(frames, 32);
}

/* The simulator refuses a card it cannot show instead of drawing garbage. */
static void test_simulator_refuses_bad_card(void **state)
{
	(void)state;
	struct scanner_image pic, frame;
	struct phonesim_scene scene;
	struct phonesim_rng rng;
	struct phonesim_card card = {.image = &pic, .module = 0, .modules = 25, .quiet = 4};

	assert_int_equal(scanner_image_init(&pic, 100, 100), 0);
	assert_int_equal(scanner_image_init(&frame, 640, 480), 0);
	phonesim_rng_seed(&rng, 1);
	assert_int_equal(phonesim_scene_random(&scene, "nominal", PHONESIM_QR, false, "CUST#1", 640,
					       480, 0.5, &rng),
			 0);
	assert_int_equal(phonesim_render_card(&scene, &card, 1, &frame), -1);
	assert_int_equal(phonesim_render_card(&scene, NULL, 1, &frame), -1);
	scene.symbology = PHONESIM_CODE128;
	card.module = 10;
	assert_int_equal(phonesim_render_card(&scene, &card, 1, &frame), -1);
	scanner_image_release(&pic);
	scanner_image_release(&frame);
}

static void test_phone_pdf(void **state)
{
	struct fixture *f = *state;
	struct card_spec spec = {.text = f->texts[1], .name = "Alan Turing", .dpi = 300};
	struct card_layout l;
	struct card_error err = {0};
	struct card_reads reads;
	char path[128];

	snprintf(path, sizeof(path), "%s/phone.pdf", f->dir);
	if (card_write(CARD_PHONE, CARD_PDF, &spec, path, true, &l, &err))
		fail_msg("%s: %s", path, err.detail);
	check_pdf(path, 90 * MM_TO_PT, 120 * MM_TO_PT);
	if (decode_pdf(f, path, 150, false, &reads))
		card_test_expect(&reads, SCANNER_SYM_QR, f->texts[1], "phone PDF rasterised");
}

/* ---------------------------------------------------------------- the sheet */

static void test_sheet(void **state)
{
	struct fixture *f = *state;
	static const int dpis[] = {150, 300};
	char path[128], what[64];

	for (size_t d = 0; d < sizeof(dpis) / sizeof(dpis[0]); d++) {
		struct card_spec spec = {
		    .text = f->texts[0], .name = "Ada Lovelace", .dpi = dpis[d]};
		struct card_error err = {0};
		struct card_layout l;
		struct card_reads reads;

		snprintf(path, sizeof(path), "%s/sheet-%d.png", f->dir, dpis[d]);
		if (card_write(CARD_SHEET, CARD_PNG, &spec, path, true, &l, &err))
			fail_msg("%s: %s", path, err.detail);
		snprintf(what, sizeof(what), "sheet at %d dpi", dpis[d]);
		card_test_decode_file(path, true, &reads);
		card_test_expect(&reads, SCANNER_SYM_QR, f->texts[0], what);
		card_test_expect(&reads, SCANNER_SYM_CODE128, f->texts[0], what);
	}
	{
		struct card_spec spec = {.text = f->texts[0], .name = "Ada Lovelace", .dpi = 300};
		struct card_error err = {0};
		struct card_reads reads;

		snprintf(path, sizeof(path), "%s/sheet.pdf", f->dir);
		if (card_write(CARD_SHEET, CARD_PDF, &spec, path, true, NULL, &err))
			fail_msg("%s: %s", path, err.detail);
		/* A4 to the dot. */
		check_pdf(path, lround(210 * 300 / 25.4) * 72.0 / 300,
			  lround(297 * 300 / 25.4) * 72.0 / 300);
		if (decode_pdf(f, path, 150, true, &reads)) {
			card_test_expect(&reads, SCANNER_SYM_QR, f->texts[0], "sheet PDF");
			card_test_expect(&reads, SCANNER_SYM_CODE128, f->texts[0], "sheet PDF");
		}
	}
}

/* An existing file is not replaced when asked not to, and is when allowed. */
static void test_no_clobber(void **state)
{
	struct fixture *f = *state;
	struct card_spec spec = {.text = f->texts[0], .dpi = 300};
	struct card_error err = {0};
	char path[128];
	FILE *fp;
	size_t len;
	char *buf;

	snprintf(path, sizeof(path), "%s/keep.png", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("keep me", fp);
	fclose(fp);
	assert_int_equal(card_write(CARD_PHONE, CARD_PNG, &spec, path, true, NULL, &err),
			 CARD_ERR_EXISTS);
	buf = card_test_slurp(path, &len);
	assert_string_equal(buf, "keep me");
	free(buf);
	assert_int_equal(card_write(CARD_PHONE, CARD_PNG, &spec, path, false, NULL, &err), 0);
	buf = card_test_slurp(path, &len);
	assert_memory_equal(buf, "\x89PNG", 4);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_labels_png),
	    cmocka_unit_test(test_labels_pdf),
	    cmocka_unit_test(test_label_refused_when_too_small),
	    cmocka_unit_test(test_phone_png),
	    cmocka_unit_test(test_phone_through_simulator),
	    cmocka_unit_test(test_simulator_refuses_bad_card),
	    cmocka_unit_test(test_phone_pdf),
	    cmocka_unit_test(test_sheet),
	    cmocka_unit_test(test_no_clobber),
	};

	/* CUSTCARD_TEST=test_sheet runs only the tests matching that pattern. */
	if (getenv("CUSTCARD_TEST"))
		cmocka_set_test_filter(getenv("CUSTCARD_TEST"));
	int failed = cmocka_run_group_tests(tests, setup, teardown);

	card_cleanup();
	return failed;
}
