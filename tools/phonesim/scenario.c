/*
 * Categories: a seed and a category name in, a complete scene out.
 *
 * Every scene starts from a plausible counter scene (a phone held up to a
 * webcam in a shop, mild random variation of everything), then one problem is
 * made dominant. severity scales that problem from mild (near 0) to its full
 * range (1). The order of draws from the rng is part of the output: change it
 * and every generated frame changes.
 */
#include "phonesim.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define DEG (PHONESIM_PI / 180.0)

const char *const phonesim_categories[] = {
    "nominal",
    "dark_mode",
    "moire",
    "glare",
    "reflection",
    "overexposed",
    "underexposed",
    "pwm_banding",
    "defocus",
    "motion_blur",
    "tilt",
    "rotation",
    "far",
    "mjpeg_noise",
    "clutter",
    "finger",
    "negative",
    /* after "negative", so the frames of the categories before it keep
     * their seeds: a phone tilted 45-60 degrees, turned any way */
    "steep",
    NULL,
};

/* A draw between mild and severe, scaled by severity. */
static double sev(struct phonesim_rng *rng, double mild, double severe, double s)
{
	return mild + (severe - mild) * s * (0.3 + 0.7 * phonesim_rng_unit(rng));
}

static bool is(const char *cat, const char *name)
{
	return strcmp(cat, name) == 0;
}

/* The everyday scene: a phone at a comfortable distance in a lit shop. */
static void scene_base(struct phonesim_scene *sc, struct phonesim_rng *rng, int width, int height)
{
	static const int screen_w[] = {1080, 1170, 1080, 1284, 1440};

	sc->width = width;
	sc->height = height;
	sc->content = PHONESIM_CONTENT_CODE;
	sc->content_seed = phonesim_rng_next(rng);
	sc->phone = true;

	sc->screen_w_px = screen_w[phonesim_rng_int(rng, 0, 4)];
	sc->screen_h_px = (int)(sc->screen_w_px * phonesim_rng_range(rng, 2.1, 2.22));
	sc->screen_pitch = 68.0 / sc->screen_w_px * phonesim_rng_range(rng, 0.95, 1.08);
	sc->screen_white = 1.0;
	/* Linear levels: #000 (OLED) to about #1e1e1e (material dark). */
	sc->dark_level = phonesim_rng_range(rng, 0.0, 0.013);
	sc->pixel_gap = phonesim_rng_range(rng, 0.12, 0.3);
	sc->grid_contrast = phonesim_rng_range(rng, 0.1, 0.35);
	sc->shift_v = phonesim_rng_range(rng, -0.04, 0.08) * sc->screen_h_px;

	sc->focal = width * phonesim_rng_range(rng, 0.72, 0.95);
	sc->roll = phonesim_rng_range(rng, -8, 8) * DEG;
	sc->tilt_x = phonesim_rng_range(rng, -12, 12) * DEG;
	sc->tilt_y = phonesim_rng_range(rng, -12, 12) * DEG;
	sc->cx = width * (0.5 + phonesim_rng_range(rng, -0.12, 0.12));
	sc->cy = height * (0.5 + phonesim_rng_range(rng, -0.1, 0.1));

	sc->ambient = phonesim_rng_range(rng, 0.3, 0.7);
	sc->exposure = phonesim_rng_range(rng, 0.8, 0.95);
	sc->bloom = 0.1;
	sc->glass_reflect = phonesim_rng_range(rng, 0.01, 0.05) * sc->ambient;
	if (phonesim_rng_unit(rng) < 0.3) {
		sc->n_glare = 1;
		sc->glare[0].x = width * phonesim_rng_unit(rng);
		sc->glare[0].y = height * phonesim_rng_unit(rng);
		sc->glare[0].rx = phonesim_rng_range(rng, 10, 40) * height / 480.0;
		sc->glare[0].ry = sc->glare[0].rx * phonesim_rng_range(rng, 0.4, 1.0);
		sc->glare[0].angle = phonesim_rng_range(rng, 0, PHONESIM_PI);
		sc->glare[0].strength = phonesim_rng_range(rng, 0.04, 0.15);
	}
	if (phonesim_rng_unit(rng) < 0.25) {
		sc->pwm_depth = phonesim_rng_range(rng, 0.02, 0.08);
		sc->pwm_period = phonesim_rng_range(rng, 20, 110) * height / 480.0;
		sc->pwm_duty = phonesim_rng_range(rng, 0.3, 0.8);
		sc->pwm_phase = phonesim_rng_range(rng, 0, sc->pwm_period);
	}

	sc->blur_sigma = phonesim_rng_range(rng, 0.55, 0.9);
	sc->motion_len = phonesim_rng_range(rng, 0, 1.2);
	sc->motion_angle = phonesim_rng_range(rng, 0, PHONESIM_PI);
	sc->vignette = phonesim_rng_range(rng, 0.1, 0.35);

	sc->read_noise = phonesim_rng_range(rng, 1.0, 2.5);
	sc->shot_noise = phonesim_rng_range(rng, 1.5, 3.5);
	sc->sharpen = phonesim_rng_range(rng, 0.2, 0.7);
	/* 720p webcams stream MJPEG; at VGA many send raw YUYV. */
	if (width >= 1280 || phonesim_rng_unit(rng) < 0.5)
		sc->jpeg_quality = phonesim_rng_int(rng, 70, 92);
	sc->clutter = phonesim_rng_int(rng, 2, 7);
	sc->hand = phonesim_rng_unit(rng) < 0.75;
	sc->supersample = 3;
}

/*
 * The card app's layout: how many screen pixels per module and whether the
 * code turns to landscape. QR takes code_frac of the screen width; Code128
 * uses the width, or the height in landscape when the width gives it fewer
 * than 3 pixels per module.
 */
static int scene_layout(struct phonesim_scene *sc, double code_frac)
{
	struct phonesim_symbol sym;
	int spm;

	if (sc->symbology == PHONESIM_NONE) {
		sc->screen_px_per_mod = 20;
		return 0;
	}
	if (phonesim_symbol_init(&sym, sc->symbology, sc->text))
		return -1;
	if (sc->symbology == PHONESIM_QR) {
		spm = (int)(code_frac * sc->screen_w_px / sym.width);
	} else {
		int total = sym.width + 2 * sym.quiet;
		spm = (int)(0.92 * sc->screen_w_px / total);
		if (spm < 3) {
			sc->landscape = true;
			sc->shift_v = 0;
			spm = (int)(0.85 * sc->screen_h_px / total);
		}
	}
	sc->screen_px_per_mod = spm < 2 ? 2 : spm;
	phonesim_symbol_release(&sym);
	return 0;
}

/* Code extent in camera pixels along its long side, with quiet zone. */
static double code_extent(const struct phonesim_scene *sc)
{
	struct phonesim_symbol sym;
	double n = 30;

	if (sc->symbology != PHONESIM_NONE &&
	    !phonesim_symbol_init(&sym, sc->symbology, sc->text)) {
		n = sym.width + 2 * sym.quiet;
		phonesim_symbol_release(&sym);
	}
	return n * sc->module_px;
}

/*
 * Pulls the code into the frame: towards the centre first, then smaller.
 * keep_ratio shrinks the code on the screen instead of moving the phone away,
 * so the camera still resolves the pixel grid (moire).
 */
static void scene_fit(struct phonesim_scene *sc, bool keep_ratio)
{
	if (sc->symbology == PHONESIM_NONE)
		return;
	for (int i = 0; i < 60 && !phonesim_code_visible(sc); i++) {
		sc->cx += (sc->width / 2.0 - sc->cx) * 0.3;
		sc->cy += (sc->height / 2.0 - sc->cy) * 0.3;
		if (i < 3)
			continue;
		if (keep_ratio && sc->screen_px_per_mod > 3) {
			double ratio = sc->module_px / sc->screen_px_per_mod;
			sc->screen_px_per_mod--;
			sc->module_px = ratio * sc->screen_px_per_mod;
		} else {
			sc->module_px *= 0.95;
		}
	}
}

/* Places n glare spots over the code area. */
static void add_glare(struct phonesim_scene *sc, struct phonesim_rng *rng, int n, double s)
{
	double ext = code_extent(sc);

	sc->n_glare = n;
	for (int i = 0; i < n; i++) {
		struct phonesim_glare *g = &sc->glare[i];
		g->x = sc->cx + phonesim_rng_range(rng, -0.4, 0.4) * ext;
		g->y = sc->cy + phonesim_rng_range(rng, -0.3, 0.3) * ext;
		g->rx = sev(rng, 0.1, 0.3, s) * ext + 6;
		g->ry = g->rx * phonesim_rng_range(rng, 0.35, 1.0);
		g->angle = phonesim_rng_range(rng, 0, PHONESIM_PI);
		g->strength = i == 0 ? sev(rng, 0.5, 3.5, s) : sev(rng, 0.2, 1.5, s);
	}
}

int phonesim_scene_random(struct phonesim_scene *sc, const char *cat,
			  enum phonesim_symbology symbology, bool dark_mode, const char *text,
			  int width, int height, double s, struct phonesim_rng *rng)
{
	double vga = height / 480.0, code_frac;
	bool qr = symbology == PHONESIM_QR, keep_ratio = false;
	bool known = false;

	for (int i = 0; phonesim_categories[i]; i++)
		known |= is(cat, phonesim_categories[i]);
	if (!known)
		return -1;
	memset(sc, 0, sizeof(*sc));
	sc->symbology = is(cat, "negative") ? PHONESIM_NONE : symbology;
	sc->dark_mode = is(cat, "dark_mode") ? true : dark_mode;
	snprintf(sc->text, sizeof(sc->text), "%s", sc->symbology == PHONESIM_NONE ? "NONE" : text);
	scene_base(sc, rng, width, height);

	/* Geometry: layout on the screen, size and pose in the camera. */
	code_frac = phonesim_rng_range(rng, 0.55, 0.75);
	sc->module_px =
	    (qr ? phonesim_rng_range(rng, 3.5, 7.0) : phonesim_rng_range(rng, 2.3, 4.0)) * vga;
	if (is(cat, "moire")) {
		code_frac = phonesim_rng_range(rng, 0.3, 0.45);
		sc->pixel_gap = phonesim_rng_range(rng, 0.2, 0.4);
		sc->grid_contrast = sev(rng, 0.5, 1.0, s);
		sc->supersample = 4;
		keep_ratio = true;
	}
	if (scene_layout(sc, code_frac))
		return -1;
	if (is(cat, "moire"))
		sc->module_px = sc->screen_px_per_mod * sev(rng, 0.5, 1.6, s);
	else if (is(cat, "tilt")) {
		double t = (30 + 15 * s * phonesim_rng_unit(rng)) * DEG;
		double phi = phonesim_rng_range(rng, 0, 2 * PHONESIM_PI);
		sc->tilt_x = t * cos(phi);
		sc->tilt_y = t * sin(phi);
	} else if (is(cat, "steep")) {
		double t = (45 + 15 * s * phonesim_rng_unit(rng)) * DEG;
		double phi = phonesim_rng_range(rng, 0, 2 * PHONESIM_PI);
		sc->tilt_x = t * cos(phi);
		sc->tilt_y = t * sin(phi);
		sc->roll = phonesim_rng_range(rng, -PHONESIM_PI, PHONESIM_PI);
	} else if (is(cat, "rotation")) {
		sc->roll = phonesim_rng_range(rng, -PHONESIM_PI, PHONESIM_PI);
	} else if (is(cat, "far")) {
		sc->module_px = 3.2 - 1.5 * s * (0.3 + 0.7 * phonesim_rng_unit(rng));
	} else if (is(cat, "clutter")) {
		sc->module_px =
		    (qr ? phonesim_rng_range(rng, 2.8, 5.0) : phonesim_rng_range(rng, 2.2, 3.2)) *
		    vga;
		sc->cx = width * (0.5 + phonesim_rng_range(rng, -0.3, 0.3));
		sc->cy = height * (0.5 + phonesim_rng_range(rng, -0.25, 0.25));
		sc->clutter = (int)sev(rng, 10, 40, s);
		sc->hand = true;
	} else if (is(cat, "negative")) {
		double u = phonesim_rng_unit(rng);
		sc->content = u < 0.4	? PHONESIM_CONTENT_PHOTO
			      : u < 0.8 ? PHONESIM_CONTENT_TEXT
					: PHONESIM_CONTENT_OFF;
		sc->phone = u < 0.8;
		sc->module_px = phonesim_rng_range(rng, 2.5, 5.0) * vga;
		sc->clutter = phonesim_rng_int(rng, 4, 20);
	}
	scene_fit(sc, keep_ratio);

	/* The category's dominant problem, once the pose is known. */
	if (is(cat, "glare")) {
		add_glare(sc, rng, 1 + (int)(phonesim_rng_unit(rng) * 2.99 * s), s);
	} else if (is(cat, "reflection")) {
		double ext = code_extent(sc);
		sc->stripe_strength = sev(rng, 0.12, 0.7, s);
		sc->stripe_width = sev(rng, 0.12, 0.45, s) * ext + 6;
		sc->stripe_angle =
		    phonesim_rng_range(rng, 20, 70) * DEG * (phonesim_rng_unit(rng) < 0.5 ? -1 : 1);
		sc->stripe_offset = phonesim_rng_range(rng, -0.25, 0.25) * ext;
	} else if (is(cat, "overexposed")) {
		sc->exposure = sev(rng, 1.4, 5.0, s);
		sc->bloom = sev(rng, 0.2, 0.8, s);
		sc->blur_sigma += 0.2;
	} else if (is(cat, "underexposed")) {
		sc->ambient = phonesim_rng_range(rng, 0.8, 1.0);
		sc->screen_white = 0.55 - sev(rng, 0.0, 0.43, s);
		sc->glass_reflect = sev(rng, 0.04, 0.2, s) * sc->ambient;
		sc->exposure = 0.85 / sc->ambient;
		sc->read_noise += 1.0;
	} else if (is(cat, "pwm_banding")) {
		sc->pwm_depth = sev(rng, 0.25, 0.9, s);
		sc->pwm_period = phonesim_rng_range(rng, 20, 110) * vga;
		sc->pwm_duty = phonesim_rng_range(rng, 0.25, 0.75);
		sc->pwm_phase = phonesim_rng_range(rng, 0, sc->pwm_period);
	} else if (is(cat, "defocus")) {
		sc->disc_radius = sev(rng, 0.35, 1.1, s) * sc->module_px;
		sc->blur_sigma += 0.2;
	} else if (is(cat, "motion_blur")) {
		sc->motion_len = sev(rng, 0.7, 3.0, s) * sc->module_px;
		sc->motion_angle = phonesim_rng_range(rng, 0, PHONESIM_PI);
	} else if (is(cat, "mjpeg_noise")) {
		sc->jpeg_quality = (int)sev(rng, 55, 12, s);
		sc->read_noise = sev(rng, 2.5, 7.0, s);
		sc->shot_noise = sev(rng, 3.0, 9.0, s);
		sc->sharpen = 0.8;
	} else if (is(cat, "finger")) {
		sc->finger = true;
		sc->finger_reach = sev(rng, 3.0, 14.0, s);
		sc->finger_angle =
		    (qr ? phonesim_rng_range(rng, 25, 65) : phonesim_rng_range(rng, 55, 80)) * DEG;
	}
	return 0;
}

void phonesim_scene_describe(const struct phonesim_scene *sc, char *buf, int size)
{
	static const char *const content[] = {"code", "photo", "text", "off"};

	snprintf(buf, (size_t)size,
		 "%s %s%s mod=%.1fpx spm=%d roll=%.0f tilt=%.0f/%.0f blur=%.2f disc=%.1f "
		 "motion=%.1f exp=%.2f white=%.2f amb=%.2f glare=%d stripe=%.2f pwm=%.2f "
		 "noise=%.1f jpeg=%d clutter=%d finger=%s",
		 content[sc->content], sc->dark_mode ? "dark" : "light",
		 sc->landscape ? " landscape" : "", sc->module_px, sc->screen_px_per_mod,
		 sc->roll / DEG, sc->tilt_x / DEG, sc->tilt_y / DEG, sc->blur_sigma,
		 sc->disc_radius, sc->motion_len, sc->exposure, sc->screen_white, sc->ambient,
		 sc->n_glare, sc->stripe_strength, sc->pwm_depth, sc->read_noise, sc->jpeg_quality,
		 sc->clutter, sc->finger ? "yes" : "no");
}
