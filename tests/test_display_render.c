/*
 * Tests for display/render.c, on what the customer would see: every screen
 * drawn by SDL's software renderer into memory (no display needed) at
 * 800x480 to 1920x1080 and in portrait, in English and German, then
 *  - every text fits its box (the renderer reports measured boxes), also
 *    with a long display name;
 *  - while scanning the frame is dark and the camera's side darkest, with
 *    fewer bright pixels near it than on the far side; the confirmation flash comes only
 *    with CONFIRMED and fades;
 *  - the icons are where the layout says, in their colours, and differ in
 *    shape (state is never told by colour alone);
 *  - a turned panel shows exactly the upright picture, turned;
 *  - small screens match committed reference images within a tolerance
 *    (CUSTSCAN_UPDATE_SCREENS=1 rewrites them after a deliberate change);
 * and the window (SDL's offscreen video driver) and sounds (dummy audio
 * driver) run without a screen or speakers, keeping one pending preview.
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

#include "display/error.h"
#include "display/png.h"
#include "display/render.h"
#include "display/sound.h"
#include "display/state.h"
#include "display/window.h"

#define SCREENS CUSTSCAN_FIXTURES "/screens"
#define SINCE	1000000 /* time the screen was entered, ms */
#define SETTLED 3000	/* ms after entering: animations settled */

/* A renderer drawing into a memory surface. */
struct canvas {
	SDL_Surface *surf;	  /* RGBA32 pixels */
	SDL_Renderer *sdl;	  /* software renderer on it */
	struct display_render *r; /* under test */
};

static uint8_t preview_luma[240][320]; /* a synthetic camera frame */

static void make_preview(void)
{
	int x, y;

	/* A dim room with a phone: a bright screen holding a dark square. */
	for (y = 0; y < 240; y++)
		for (x = 0; x < 320; x++)
			preview_luma[y][x] = (uint8_t)(60 + x / 8);
	for (y = 40; y < 200; y++)
		for (x = 120; x < 200; x++)
			preview_luma[y][x] = 250;
	for (y = 90; y < 140; y++)
		for (x = 135; x < 185; x++)
			preview_luma[y][x] = 10;
}

static void canvas_open(struct canvas *c, int w, int h, const struct display_render_config *cfg)
{
	struct display_luma_view view = {&preview_luma[0][0], 320, 240, 320};
	int err = 0;

	c->surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGBA32);
	assert_non_null(c->surf);
	c->sdl = SDL_CreateSoftwareRenderer(c->surf);
	assert_non_null(c->sdl);
	c->r = display_render_create(c->sdl, cfg, &err);
	if (!c->r)
		fail_msg("display_render_create: %s (%s)", display_strerror(err), SDL_GetError());
	assert_int_equal(display_render_set_preview(c->r, &view), 0);
}

static void canvas_close(struct canvas *c)
{
	display_render_destroy(c->r);
	SDL_DestroyRenderer(c->sdl);
	SDL_FreeSurface(c->surf);
}

static struct display_snapshot snapshot(enum display_screen screen, const char *name)
{
	struct display_snapshot s;

	memset(&s, 0, sizeof(s));
	s.screen = screen;
	s.since_ms = SINCE;
	s.camera_ok = true;
	s.register_up = true;
	if (name)
		snprintf(s.name, sizeof(s.name), "%s", name);
	return s;
}

static void draw(struct canvas *c, const struct display_snapshot *s, int64_t at, int rotation)
{
	assert_int_equal(
	    display_render_draw(c->r, s, s->since_ms + at, c->surf->w, c->surf->h, rotation), 0);
	SDL_RenderPresent(c->sdl);
}

static const uint8_t *pixel(const struct canvas *c, int x, int y)
{
	return (const uint8_t *)c->surf->pixels + (size_t)y * (size_t)c->surf->pitch +
	       (size_t)x * 4;
}

static int luma(const uint8_t *p)
{
	return (p[0] * 77 + p[1] * 150 + p[2] * 29) >> 8;
}

/* Mean and maximum luma over a rectangle (clipped to the surface). */
static double mean_luma(const struct canvas *c, SDL_Rect q, int *max)
{
	double sum = 0.0;
	long n = 0;
	int x, y;

	*max = 0;
	for (y = q.y < 0 ? 0 : q.y; y < q.y + q.h && y < c->surf->h; y++) {
		for (x = q.x < 0 ? 0 : q.x; x < q.x + q.w && x < c->surf->w; x++) {
			int l = luma(pixel(c, x, y));

			sum += l;
			n++;
			if (l > *max)
				*max = l;
		}
	}
	return n ? sum / (double)n : 0.0;
}

static bool near_color(const uint8_t *p, int r, int g, int b, int tol)
{
	return abs(p[0] - r) <= tol && abs(p[1] - g) <= tol && abs(p[2] - b) <= tol;
}

static bool inside(SDL_Rect in, SDL_Rect out)
{
	return in.x >= out.x && in.y >= out.y && in.x + in.w <= out.x + out.w &&
	       in.y + in.h <= out.y + out.h;
}

/* ------------------------------------------------------------------------ */
/* Text fits, everywhere                                                    */
/* ------------------------------------------------------------------------ */

static const int sizes[][3] = {
    /* panel width, height, rotation */
    {800, 480, 0},    {1024, 600, 0},	{1280, 720, 0},	 {1920, 1080, 0},
    {1920, 1080, 90}, {1280, 800, 270}, {800, 480, 180},
};

static void check_layout(const struct display_render_layout *l, const char *what)
{
	SDL_Rect pic = {0, 0, l->width, l->height};
	size_t i;

	for (i = 0; i < l->n_texts; i++) {
		const struct display_text_box *t = &l->texts[i];

		if (!t->fits || !inside(t->ink, t->box) || !inside(t->box, pic))
			fail_msg("%s: \"%s\" does not fit: box %d,%d %dx%d ink %d,%d %dx%d at %dpx",
				 what, t->text, t->box.x, t->box.y, t->box.w, t->box.h, t->ink.x,
				 t->ink.y, t->ink.w, t->ink.h, t->px);
		/* Readable from a step away: at least 3.5 % of the shorter side. */
		if (t->px * 1000 < (l->width < l->height ? l->width : l->height) * 25)
			fail_msg("%s: \"%s\" shrunk to %dpx", what, t->text, t->px);
	}
	if (l->icon.w > 0 && !inside(l->icon, pic))
		fail_msg("%s: icon outside the picture", what);
}

static void test_text_fits(void **state)
{
	static const char *const langs[] = {"en", "de"};
	static const char *const names[] = {NULL, "Alex Morgan",
					    "Maximilian-Alexander Wolfeschlegelsteinhausen"};
	struct display_render_config cfg;
	size_t z, l, n;
	int sc;

	(void)state;
	for (z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
		for (l = 0; l < 2; l++) {
			struct canvas c;

			display_render_config_init_default(&cfg);
			cfg.lang = langs[l];
			canvas_open(&c, sizes[z][0], sizes[z][1], &cfg);
			for (sc = 0; sc < DISPLAY_SCREEN_COUNT; sc++) {
				for (n = 0; n < 3; n++) {
					struct display_snapshot s = snapshot(sc, names[n]);
					const struct display_render_layout *lay;
					char what[128];

					if (n > 0 && sc != DISPLAY_SCREEN_CONFIRMED)
						continue;
					draw(&c, &s, SETTLED, sizes[z][2]);
					lay = display_render_layout(c.r);
					snprintf(what, sizeof(what), "%s %s %dx%d r%d",
						 display_screen_name(sc), langs[l], sizes[z][0],
						 sizes[z][1], sizes[z][2]);
					check_layout(lay, what);
					/* Every screen but idle says what and what to do. */
					if (sc != DISPLAY_SCREEN_IDLE && lay->n_texts < 2)
						fail_msg("%s: %zu texts", what, lay->n_texts);
					if (n == 2)
						assert_string_equal(lay->texts[1].text, names[n]);
				}
			}
			canvas_close(&c);
		}
	}
}

/* ------------------------------------------------------------------------ */
/* Glare: dark while scanning, darkest at the camera                        */
/* ------------------------------------------------------------------------ */

/* The quarter of the picture on the camera's side, and the opposite one. */
static void quarters(enum display_side side, int w, int h, SDL_Rect *near, SDL_Rect *far)
{
	switch (side) {
	case DISPLAY_SIDE_BOTTOM:
		*near = (SDL_Rect){0, h - h / 4, w, h / 4};
		*far = (SDL_Rect){0, 0, w, h / 4};
		break;
	case DISPLAY_SIDE_LEFT:
		*near = (SDL_Rect){0, 0, w / 4, h};
		*far = (SDL_Rect){w - w / 4, 0, w / 4, h};
		break;
	default:
		*near = (SDL_Rect){0, 0, w, h / 4};
		*far = (SDL_Rect){0, h - h / 4, w, h / 4};
		break;
	}
}

/* Pixels brighter than 200 in a rectangle. */
static long bright_pixels(const struct canvas *c, SDL_Rect q)
{
	long n = 0;
	int x, y;

	for (y = q.y; y < q.y + q.h; y++)
		for (x = q.x; x < q.x + q.w; x++)
			n += luma(pixel(c, x, y)) > 200;
	return n;
}

static void test_dark_while_scanning(void **state)
{
	static const enum display_screen scanning[] = {DISPLAY_SCREEN_READY, DISPLAY_SCREEN_READING,
						       DISPLAY_SCREEN_CHECKING};
	static const enum display_side sides[] = {DISPLAY_SIDE_TOP, DISPLAY_SIDE_BOTTOM,
						  DISPLAY_SIDE_LEFT};
	static const int dims[][2] = {{800, 480}, {1280, 720}, {1080, 1920}};
	struct display_render_config cfg;
	size_t d, si, k;

	(void)state;
	for (d = 0; d < 3; d++) {
		for (si = 0; si < 3; si++) {
			struct canvas c;

			display_render_config_init_default(&cfg);
			cfg.camera_side = sides[si];
			canvas_open(&c, dims[d][0], dims[d][1], &cfg);
			for (k = 0; k < 3; k++) {
				struct display_snapshot s = snapshot(scanning[k], NULL);
				const struct display_render_layout *lay;
				SDL_Rect all = {0, 0, dims[d][0], dims[d][1]}, near, far;
				int max_all, max_band;
				double m_all, m_band;
				long b_near, b_far;

				draw(&c, &s, SETTLED, 0);
				lay = display_render_layout(c.r);
				m_all = mean_luma(&c, all, &max_all);
				m_band = mean_luma(&c, lay->camera_band, &max_band);
				quarters(sides[si], dims[d][0], dims[d][1], &near, &far);
				b_near = bright_pixels(&c, near);
				b_far = bright_pixels(&c, far);
				if (m_all > 45.0 || lay->camera_band.w == 0 || m_band > 25.0 ||
				    max_band > 150 || (b_near > 0 && b_near >= b_far))
					fail_msg("%s %dx%d camera %zu: mean %.1f, band mean %.1f "
						 "max %d, bright near %ld far %ld",
						 display_screen_name(s.screen), dims[d][0],
						 dims[d][1], si, m_all, m_band, max_band, b_near,
						 b_far);
			}
			canvas_close(&c);
		}
	}
}

static void test_flash_only_after_read(void **state)
{
	struct display_render_config cfg;
	struct display_snapshot ready = snapshot(DISPLAY_SCREEN_READY, NULL);
	struct display_snapshot ok = snapshot(DISPLAY_SCREEN_CONFIRMED, NULL);
	SDL_Rect all = {0, 0, 1280, 720};
	double m_ready, m_flash, m_after;
	struct canvas c;
	int max;

	(void)state;
	display_render_config_init_default(&cfg);
	canvas_open(&c, 1280, 720, &cfg);
	draw(&c, &ready, 0, 0);
	m_ready = mean_luma(&c, all, &max);
	draw(&c, &ok, 0, 0);
	m_flash = mean_luma(&c, all, &max);
	assert_true(pixel(&c, 2, 2)[1] > pixel(&c, 2, 2)[0] + 30); /* green */
	draw(&c, &ok, SETTLED, 0);
	m_after = mean_luma(&c, all, &max);
	assert_true(near_color(pixel(&c, 2, 2), 13, 16, 21, 2)); /* back to the theme */
	if (!(m_flash > m_ready + 20.0 && m_flash > m_after + 20.0))
		fail_msg("flash %.1f, ready %.1f, settled %.1f", m_flash, m_ready, m_after);
	canvas_close(&c);
}

/* ------------------------------------------------------------------------ */
/* Icons                                                                    */
/* ------------------------------------------------------------------------ */

/* The symbol on a badge: which pixels of the icon box are dark. */
static void symbol_mask(const struct canvas *c, SDL_Rect icon, uint8_t *mask, int n)
{
	int x, y;

	for (y = 0; y < n; y++)
		for (x = 0; x < n; x++)
			mask[y * n + x] =
			    luma(pixel(c, icon.x + icon.w * x / n, icon.y + icon.h * y / n)) < 60;
}

static void test_icons(void **state)
{
	static const struct {
		enum display_screen screen;
		uint8_t r, g, b; /* the disc */
	} badges[] = {
	    {DISPLAY_SCREEN_CONFIRMED, 52, 199, 120},
	    {DISPLAY_SCREEN_NOT_A_CARD, 240, 96, 96},
	    {DISPLAY_SCREEN_UNKNOWN_CARD, 245, 176, 65},
	    {DISPLAY_SCREEN_WAIT_CASHIER, 245, 176, 65},
	    {DISPLAY_SCREEN_NOT_CHECKED, 245, 176, 65},
	    {DISPLAY_SCREEN_SCANNER_DOWN, 140, 150, 165},
	};
	enum { N = 32, COUNT = sizeof(badges) / sizeof(badges[0]) };
	static uint8_t masks[COUNT][N * N];
	struct display_render_config cfg;
	struct canvas c;
	size_t i, j;

	(void)state;
	display_render_config_init_default(&cfg);
	canvas_open(&c, 1280, 720, &cfg);
	for (i = 0; i < COUNT; i++) {
		struct display_snapshot s = snapshot(badges[i].screen, NULL);
		SDL_Rect icon;
		const uint8_t *top, *mid;

		draw(&c, &s, SETTLED, 0);
		icon = display_render_layout(c.r)->icon;
		assert_true(icon.w > 100);
		/* The disc near its top edge, the symbol dark in the middle. */
		top = pixel(&c, icon.x + icon.w / 2, icon.y + icon.h / 8);
		mid = pixel(&c, icon.x + icon.w / 2, icon.y + icon.h / 2);
		if (!near_color(top, badges[i].r, badges[i].g, badges[i].b, 6))
			fail_msg("%s: disc is %d,%d,%d", display_screen_name(badges[i].screen),
				 top[0], top[1], top[2]);
		if (badges[i].screen == DISPLAY_SCREEN_NOT_A_CARD ||
		    badges[i].screen == DISPLAY_SCREEN_WAIT_CASHIER)
			assert_true(luma(mid) < 40);
		symbol_mask(&c, icon, masks[i], N);
	}
	/* Each symbol has its own shape: masks differ in many cells. */
	for (i = 0; i < COUNT; i++) {
		for (j = 0; j < i; j++) {
			int diff = 0, k;

			for (k = 0; k < N * N; k++)
				diff += masks[i][k] != masks[j][k];
			if (badges[i].screen == DISPLAY_SCREEN_SCANNER_DOWN &&
			    badges[j].screen == DISPLAY_SCREEN_NOT_CHECKED)
				continue; /* both "!": same meaning, different colour and words */
			if (diff < N * N / 40)
				fail_msg("%s and %s look alike (%d cells differ)",
					 display_screen_name(badges[i].screen),
					 display_screen_name(badges[j].screen), diff);
		}
	}

	/* READY: the phone icon in the accent colour and the aiming frame. */
	{
		struct display_snapshot s = snapshot(DISPLAY_SCREEN_READY, NULL);
		const struct display_render_layout *lay;
		long accent = 0;
		int x, y;

		draw(&c, &s, 0, 0); /* the aiming frame at full strength */
		lay = display_render_layout(c.r);
		for (y = lay->icon.y; y < lay->icon.y + lay->icon.h; y++)
			for (x = lay->icon.x; x < lay->icon.x + lay->icon.w; x++)
				accent += near_color(pixel(&c, x, y), 88, 166, 255, 8);
		assert_true(accent > (long)lay->icon.w * lay->icon.h / 20);
		assert_true(lay->preview.w > 0);
		/* A bracket of the aiming frame: inside the panel, accent coloured. */
		{
			int side =
			    (lay->preview.w < lay->preview.h ? lay->preview.w : lay->preview.h) *
			    66 / 100;
			int fx = lay->preview.x + lay->preview.w / 2 - side / 2;
			int fy = lay->preview.y + lay->preview.h / 2 - side / 2;

			assert_true(near_color(pixel(&c, fx + 2, fy + 2), 88, 166, 255, 8));
		}
	}
	canvas_close(&c);
}

/* ------------------------------------------------------------------------ */
/* Rotation                                                                 */
/* ------------------------------------------------------------------------ */

static void test_rotation(void **state)
{
	static const int rotations[] = {90, 180, 270};
	struct display_render_config cfg;
	struct display_snapshot s = snapshot(DISPLAY_SCREEN_READY, NULL);
	struct canvas up, turned;
	size_t i;

	(void)state;
	display_render_config_init_default(&cfg);
	for (i = 0; i < 3; i++) {
		int rot = rotations[i], uw = rot == 180 ? 800 : 480, uh = rot == 180 ? 480 : 800;
		int pw = rot == 180 ? 800 : 800, ph = rot == 180 ? 480 : 480;
		long differ = 0;
		int x, y;

		canvas_open(&up, uw, uh, &cfg);
		canvas_open(&turned, pw, ph, &cfg);
		draw(&up, &s, SETTLED, 0);
		draw(&turned, &s, SETTLED, rot);
		assert_int_equal(display_render_layout(turned.r)->width, uw);
		assert_int_equal(display_render_layout(turned.r)->height, uh);
		for (y = 0; y < uh; y++) {
			for (x = 0; x < uw; x++) {
				int px = x, py = y;
				const uint8_t *a, *b;

				if (rot == 90) {
					px = uh - 1 - y;
					py = x;
				} else if (rot == 180) {
					px = pw - 1 - x;
					py = ph - 1 - y;
				} else {
					px = y;
					py = uw - 1 - x;
				}
				a = pixel(&up, x, y);
				b = pixel(&turned, px, py);
				differ +=
				    abs(a[0] - b[0]) + abs(a[1] - b[1]) + abs(a[2] - b[2]) > 6;
			}
		}
		if (differ > (long)uw * uh / 1000)
			fail_msg("rotation %d: %ld pixels differ", rot, differ);
		canvas_close(&up);
		canvas_close(&turned);
	}
	assert_int_equal(display_render_draw(NULL, &s, 0, 10, 10, 0), DISPLAY_ERR_INVAL);
}

/* ------------------------------------------------------------------------ */
/* Reference images                                                         */
/* ------------------------------------------------------------------------ */

static void compare_reference(const struct canvas *c, const char *name)
{
	char path[1024];
	uint8_t *ref = NULL;
	int w = 0, h = 0, x, y, err;
	long differ = 0;
	double sum = 0.0;

	snprintf(path, sizeof(path), "%s/%s.png", SCREENS, name);
	if (getenv("CUSTSCAN_UPDATE_SCREENS")) {
		assert_int_equal(display_png_save_rgb(path, c->surf->pixels, c->surf->w, c->surf->h,
						      c->surf->pitch),
				 0);
		return;
	}
	err = display_png_load_rgba(path, &ref, &w, &h);
	if (err)
		fail_msg("%s: %s", path, display_strerror(err));
	assert_int_equal(w, c->surf->w);
	assert_int_equal(h, c->surf->h);
	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++) {
			const uint8_t *a = pixel(c, x, y), *b = ref + ((size_t)y * w + x) * 4;
			int d = abs(a[0] - b[0]) + abs(a[1] - b[1]) + abs(a[2] - b[2]);

			sum += d;
			differ += d > 48;
		}
	}
	free(ref);
	/* Room for a font hinting change, none for a moved or missing element. */
	if (differ > (long)w * h / 200 || sum / ((double)w * h) > 2.0)
		fail_msg("%s: %ld pixels differ, mean difference %.2f", name, differ,
			 sum / ((double)w * h));
}

static void test_reference_images(void **state)
{
	static const struct {
		const char *file;
		enum display_screen screen;
		const char *lang, *name;
		int w, h, rotation;
		int64_t at;
	} refs[] = {
	    {"ready-en-400x240", DISPLAY_SCREEN_READY, "en", NULL, 400, 240, 0, 600},
	    {"reading-de-400x240", DISPLAY_SCREEN_READING, "de", NULL, 400, 240, 0, 250},
	    {"welcome-en-400x240", DISPLAY_SCREEN_CONFIRMED, "en", "Alex Morgan", 400, 240, 0,
	     SETTLED},
	    {"not_a_card-de-400x240-r90", DISPLAY_SCREEN_NOT_A_CARD, "de", NULL, 400, 240, 90,
	     SETTLED},
	    {"wait_cashier-en-400x240", DISPLAY_SCREEN_WAIT_CASHIER, "en", NULL, 400, 240, 0,
	     SETTLED},
	    {"idle-de-400x240", DISPLAY_SCREEN_IDLE, "de", NULL, 400, 240, 0, SETTLED},
	};
	struct display_render_config cfg;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		struct display_snapshot s = snapshot(refs[i].screen, refs[i].name);
		struct canvas c;

		display_render_config_init_default(&cfg);
		cfg.lang = refs[i].lang;
		canvas_open(&c, refs[i].w, refs[i].h, &cfg);
		draw(&c, &s, refs[i].at, refs[i].rotation);
		compare_reference(&c, refs[i].file);
		canvas_close(&c);
	}
}

/* ------------------------------------------------------------------------ */
/* Configuration errors                                                     */
/* ------------------------------------------------------------------------ */

static void test_config_errors(void **state)
{
	struct display_render_config cfg;
	SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, 64, 64, 32, SDL_PIXELFORMAT_RGBA32);
	SDL_Renderer *sdl = SDL_CreateSoftwareRenderer(surf);
	int err = 0;

	(void)state;
	display_render_config_init_default(&cfg);
	cfg.lang = "xx";
	assert_null(display_render_create(sdl, &cfg, &err));
	assert_int_equal(err, DISPLAY_ERR_LANG);
	display_render_config_init_default(&cfg);
	cfg.font_dir = "/nonexistent";
	assert_null(display_render_create(sdl, &cfg, &err));
	assert_int_equal(err, DISPLAY_ERR_FONT);
	display_render_config_init_default(&cfg);
	cfg.logo_path = "/nonexistent.png";
	assert_null(display_render_create(sdl, &cfg, &err));
	assert_int_equal(err, DISPLAY_ERR_IO);
	/* A logo that is there is drawn on the idle screen. */
	display_render_config_init_default(&cfg);
	cfg.logo_path = SCREENS "/idle-de-400x240.png";
	{
		struct display_render *r = display_render_create(sdl, &cfg, &err);
		struct display_snapshot s = snapshot(DISPLAY_SCREEN_IDLE, NULL);

		assert_non_null(r);
		assert_int_equal(display_render_draw(r, &s, SINCE, 64, 64, 0), 0);
		assert_true(display_render_layout(r)->icon.w > 0);
		assert_int_equal(display_render_draw(r, &s, SINCE, 64, 64, 45), DISPLAY_ERR_INVAL);
		display_render_destroy(r);
	}
	display_render_destroy(NULL);
	SDL_DestroyRenderer(sdl);
	SDL_FreeSurface(surf);
}

/* ------------------------------------------------------------------------ */
/* Window and sounds without a screen or speakers                           */
/* ------------------------------------------------------------------------ */

static void test_window_offscreen(void **state)
{
	struct display_window_config cfg;
	struct display_luma_view view = {&preview_luma[0][0], 320, 240, 320};
	struct display_snapshot s = snapshot(DISPLAY_SCREEN_READY, NULL);
	struct display_window *w;
	SDL_Event ev;
	int err = 0, n;

	(void)state;
	setenv("SDL_VIDEODRIVER", "offscreen", 1);
	setenv("SDL_AUDIODRIVER", "dummy", 1);
	display_window_config_init_default(&cfg);
	cfg.width = 800;
	cfg.height = 480;
	cfg.vsync = false;
	cfg.software = true;
	cfg.kiosk = true;
	w = display_window_create(&cfg, &err);
	if (!w)
		fail_msg("display_window_create: %s (%s)", display_strerror(err), SDL_GetError());

	/* Three frames before a draw: one pending, two dropped, one wake-up. */
	assert_int_equal(display_window_post_preview(w, &view), 0);
	assert_int_equal(display_window_post_preview(w, &view), 0);
	assert_int_equal(display_window_post_preview(w, &view), 0);
	assert_int_equal(display_window_dropped_previews(w), 2);
	SDL_PumpEvents();
	n = SDL_PeepEvents(&ev, 1, SDL_GETEVENT, display_window_wake_event(w),
			   display_window_wake_event(w));
	assert_int_equal(n, 1);
	assert_int_equal(SDL_PeepEvents(&ev, 1, SDL_GETEVENT, display_window_wake_event(w),
					display_window_wake_event(w)),
			 0);

	assert_int_equal(display_window_draw(w, &s, SINCE), 0);
	assert_true(display_render_layout(display_window_render(w))->preview.w > 0);
	s = snapshot(DISPLAY_SCREEN_CONFIRMED, NULL);
	assert_int_equal(display_window_draw(w, &s, SINCE), 0); /* plays into the dummy */
	display_window_set_sounds(w, false);
	s = snapshot(DISPLAY_SCREEN_NOT_A_CARD, NULL);
	assert_int_equal(display_window_draw(w, &s, SINCE), 0);

	/* Kiosk: Escape does not quit, closing the window does. */
	memset(&ev, 0, sizeof(ev));
	ev.type = SDL_KEYDOWN;
	ev.key.keysym.sym = SDLK_ESCAPE;
	assert_false(display_window_handle_event(w, &ev));
	ev.type = SDL_QUIT;
	assert_true(display_window_handle_event(w, &ev));

	/* Scanning stops (the preview's buffers are freed) and starts again. */
	display_window_clear_preview(w);
	s = snapshot(DISPLAY_SCREEN_READY, NULL);
	assert_int_equal(display_window_draw(w, &s, SINCE), 0);
	assert_int_equal(display_window_post_preview(w, &view), 0);
	assert_int_equal(display_window_draw(w, &s, SINCE), 0);
	display_window_clear_preview(w);
	display_window_destroy(w);
	display_window_destroy(NULL);
}

/* The service note: a band at the foot of any screen, fitting, over no other text. */
static void test_service_note(void **state)
{
	static const enum display_screen screens[] = {DISPLAY_SCREEN_IDLE, DISPLAY_SCREEN_READY,
						      DISPLAY_SCREEN_SCANNER_DOWN,
						      DISPLAY_SCREEN_REGISTER_DOWN};
	static const char note[] =
	    "register link: cannot secure the socket directory: /run/custscan is not a directory "
	    "of this user closed to others; the folder must belong to the user running custscan "
	    "(systemd: RuntimeDirectory=custscan); retrying every 5 s";
	struct display_render_config cfg;

	(void)state;
	display_render_config_init_default(&cfg);
	for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
		struct canvas c;

		canvas_open(&c, sizes[z][0], sizes[z][1], &cfg);
		for (size_t k = 0; k < sizeof(screens) / sizeof(screens[0]); k++) {
			struct display_snapshot s = snapshot(screens[k], NULL);
			const struct display_render_layout *l;
			const struct display_text_box *t;
			char what[96];

			snprintf(s.note, sizeof(s.note), "%s", note);
			draw(&c, &s, SETTLED, sizes[z][2]);
			l = display_render_layout(c.r);
			snprintf(what, sizeof(what), "%s %dx%d r%d with a note",
				 display_screen_name(screens[k]), sizes[z][0], sizes[z][1],
				 sizes[z][2]);
			check_layout(l, what);
			assert_true(l->n_texts >= 1);
			t = &l->texts[l->n_texts - 1];
			assert_string_equal(t->text, note);
			assert_true(t->ink.y > l->height * 3 / 4); /* at the foot */
			for (size_t i = 0; i + 1 < l->n_texts; i++)
				if (SDL_HasIntersection(&t->ink, &l->texts[i].ink))
					fail_msg("%s: the note covers \"%s\"", what,
						 l->texts[i].text);
			if (sizes[z][2] == 0) /* the band's dark amber in the corner */
				assert_true(near_color(pixel(&c, 2, c.surf->h - 2), 44, 34, 12, 4));
		}
		/* Without a note the corner is the screen's own background. */
		{
			struct display_snapshot s = snapshot(DISPLAY_SCREEN_SCANNER_DOWN, NULL);

			draw(&c, &s, SETTLED, 0);
			assert_false(near_color(pixel(&c, 2, c.surf->h - 2), 44, 34, 12, 4));
		}
		canvas_close(&c);
	}
}

static void test_sounds(void **state)
{
	static int16_t ok[48000], bad[48000];
	size_t n_ok, n_bad, i;
	struct display_sound *s;
	int peak = 0;

	(void)state;
	n_ok = display_sound_synth(DISPLAY_CUE_SUCCESS, 48000, ok, 48000);
	n_bad = display_sound_synth(DISPLAY_CUE_FAILURE, 48000, bad, 48000);
	/* Short (under a second), different, audible but not at full scale. */
	assert_true(n_ok > 4800 && n_ok < 24000);
	assert_true(n_bad > 4800 && n_bad < 36000);
	assert_int_not_equal(n_ok, n_bad);
	for (i = 0; i < n_ok; i++)
		if (abs(ok[i]) > peak)
			peak = abs(ok[i]);
	assert_true(peak > 3000 && peak < 20000);
	assert_int_equal(display_sound_synth(DISPLAY_CUE_NONE, 48000, ok, 48000), 0);
	assert_int_equal(display_sound_synth(DISPLAY_CUE_SUCCESS, 48000, NULL, 0), n_ok);
	assert_int_equal(display_sound_synth(DISPLAY_CUE_SUCCESS, 48000, ok, 100), 100);

	setenv("SDL_AUDIODRIVER", "dummy", 1);
	s = display_sound_create(true);
	assert_non_null(s);
	assert_int_equal(display_sound_play(s, DISPLAY_CUE_SUCCESS), 0);
	assert_int_equal(display_sound_play(s, DISPLAY_CUE_FAILURE), 0);
	display_sound_set_enabled(s, false);
	assert_int_equal(display_sound_play(s, DISPLAY_CUE_SUCCESS), 0);
	display_sound_destroy(s);
	display_sound_destroy(NULL);

	/* Sounds off: no device (no audio thread) until they are turned on. */
	s = display_sound_create(false);
	assert_non_null(s);
	assert_false(display_sound_available(s));
	display_sound_set_enabled(s, true);
	assert_true(display_sound_available(s));
	assert_int_equal(display_sound_play(s, DISPLAY_CUE_SUCCESS), 0);
	display_sound_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text_fits),
	    cmocka_unit_test(test_dark_while_scanning),
	    cmocka_unit_test(test_flash_only_after_read),
	    cmocka_unit_test(test_icons),
	    cmocka_unit_test(test_rotation),
	    cmocka_unit_test(test_reference_images),
	    cmocka_unit_test(test_config_errors),
	    cmocka_unit_test(test_window_offscreen),
	    cmocka_unit_test(test_service_note),
	    cmocka_unit_test(test_sounds),
	};

	make_preview();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
