/*
 * The renderer: a scene description in, one 8-bit luma webcam frame out.
 *
 * Stages, in the order they run:
 *   1. Geometry: a pinhole camera looking at the phone plane gives a
 *      homography from screen pixels to camera pixels; we keep its inverse.
 *   2. Background: counter, clutter and receipts, drawn once in camera space.
 *   3. Scene sampling: every camera pixel is supersampled; each sample is
 *      mapped back to the screen plane and shaded as screen (with its pixel
 *      grid and PWM), bezel, hand, finger or background, plus reflections on
 *      the glass. Radiance is linear.
 *   4. Optics: exposure, vignetting, Gaussian and disc defocus, motion blur,
 *      blooming of clipped light.
 *   5. Sensor and transport: clipping, tone curve, noise, webcam sharpening,
 *      MJPEG encode and decode.
 */
#include "phonesim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

/* ---------------------------------------------------------------- helpers */

static double clampd(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

static double smoothstep(double e0, double e1, double x)
{
	double t = clampd((x - e0) / (e1 - e0), 0.0, 1.0);

	return t * t * (3.0 - 2.0 * t);
}

/* A stateless 32-bit hash of three integers and a seed (for textures). */
static uint32_t hash3(uint64_t seed, int32_t a, int32_t b, int32_t c)
{
	uint64_t h = seed ^ 0x9e3779b97f4a7c15ULL;

	h ^= (uint64_t)(uint32_t)a * 0xbf58476d1ce4e5b9ULL;
	h = (h ^ (h >> 31)) * 0x94d049bb133111ebULL;
	h ^= (uint64_t)(uint32_t)b * 0xd6e8feb86659fd93ULL;
	h = (h ^ (h >> 29)) * 0xbf58476d1ce4e5b9ULL;
	h ^= (uint64_t)(uint32_t)c * 0x9e3779b97f4a7c15ULL;
	h = (h ^ (h >> 32)) * 0x94d049bb133111ebULL;
	return (uint32_t)(h >> 32);
}

static double hash_unit(uint64_t seed, int a, int b, int c)
{
	return hash3(seed, a, b, c) * (1.0 / 4294967296.0);
}

/* Smooth value noise on the integer lattice, in [0, 1). */
static double value_noise(uint64_t seed, double x, double y)
{
	int ix = (int)floor(x), iy = (int)floor(y);
	double fx = x - ix, fy = y - iy;
	double sx = fx * fx * (3 - 2 * fx), sy = fy * fy * (3 - 2 * fy);
	double a = hash_unit(seed, ix, iy, 0), b = hash_unit(seed, ix + 1, iy, 0);
	double c = hash_unit(seed, ix, iy + 1, 0), d = hash_unit(seed, ix + 1, iy + 1, 0);

	return (a + (b - a) * sx) + ((c + (d - c) * sx) - (a + (b - a) * sx)) * sy;
}

static double fbm(uint64_t seed, double x, double y, int octaves)
{
	double sum = 0, amp = 0.5, norm = 0;

	for (int i = 0; i < octaves; i++) {
		sum += amp * value_noise(seed + (uint64_t)i * 7919, x, y);
		norm += amp;
		x *= 2.03;
		y *= 2.03;
		amp *= 0.5;
	}
	return sum / norm;
}

/* Inside a rounded rectangle [x0,x1] x [y0,y1] with corner radius r. */
static bool in_rrect(double x, double y, double x0, double y0, double x1, double y1, double r)
{
	double dx, dy;

	if (x < x0 || x > x1 || y < y0 || y > y1)
		return false;
	dx = x < x0 + r ? x0 + r - x : x > x1 - r ? x - (x1 - r) : 0;
	dy = y < y0 + r ? y0 + r - y : y > y1 - r ? y - (y1 - r) : 0;
	return dx * dx + dy * dy <= r * r;
}

/* Distance from p to the segment a-b. */
static double seg_dist(double px, double py, double ax, double ay, double bx, double by)
{
	double vx = bx - ax, vy = by - ay;
	double t = ((px - ax) * vx + (py - ay) * vy) / (vx * vx + vy * vy);

	t = clampd(t, 0.0, 1.0);
	return hypot(px - ax - t * vx, py - ay - t * vy);
}

/* ------------------------------------------------------------- pseudo text */

/*
 * Text-like strokes: each glyph cell is a 5x7 grid with a few strokes picked by
 * a hash of the character, so lines of it read as print from a distance.
 * (x, y) are in glyph cells; returns whether (x, y) is ink.
 */
static bool glyph_ink(uint32_t code, double x, double y)
{
	double gx = x * 5.0, gy = y * 7.0;
	double t = 0.9; /* stroke width in grid units */

	if (gx < 0.3 || gx > 4.7 || gy < 0 || gy > 7)
		return false;
	if ((code & 1) && gx < 0.3 + t)
		return true; /* left stem */
	if ((code & 2) && gx > 4.7 - t)
		return true; /* right stem */
	if ((code & 4) && gy < t)
		return true; /* top bar */
	if ((code & 8) && fabs(gy - 3.5) < t / 2)
		return true; /* middle bar */
	if ((code & 16) && gy > 7 - t)
		return true; /* bottom bar */
	if ((code & 32) && fabs(gx - 2.5) < t / 2)
		return true; /* middle stem */
	if ((code & 64) && fabs(gx - 0.3 - gy * 4.4 / 7.0) < t * 0.6)
		return true; /* diagonal */
	if ((code & 0x181) == 0 && fabs(gx - 2.5) < t / 2 && gy > 2)
		return true; /* keep glyphs from going empty */
	return false;
}

/*
 * A block of pseudo text in its own coordinates (character cells 1 wide, lines
 * 1.6 apart). seed picks the words; cols and lines bound the block.
 */
static bool text_block_ink(uint64_t seed, double x, double y, int cols, int lines)
{
	int line = (int)floor(y / 1.6), col = (int)floor(x / 0.62);
	uint32_t h;
	int len;

	if (x < 0 || y < 0 || line >= lines || col >= cols)
		return false;
	/* Ragged right margin: each line has its own length. */
	len = cols - (int)(hash3(seed, line, 99, 1) % (uint32_t)(cols / 3 + 1));
	if (col >= len)
		return false;
	h = hash3(seed, line, col, 2);
	if (h % 6 == 0)
		return false; /* word gap */
	return glyph_ink(h >> 3, (x - col * 0.62) / 0.62, y - line * 1.6);
}

/* The card text itself in pseudo glyphs, one glyph per character. */
static bool text_line_ink(const char *text, double x, double y)
{
	int n = (int)strlen(text), col = (int)floor(x / 0.62);

	if (x < 0 || y < 0 || y > 1 || col >= n)
		return false;
	return glyph_ink((uint32_t)text[col] * 2654435761u >> 7, (x - col * 0.62) / 0.62, y);
}

/* ---------------------------------------------------------------- geometry */

struct render_ctx {
	const struct phonesim_scene *sc; /* the scene being drawn */
	struct phonesim_symbol sym;	 /* the code's modules */
	double h[9];			 /* screen px -> camera px */
	double hinv[9];			 /* camera px -> screen px */
	double ucx, vcy;		 /* code centre on the screen, screen px */
	double spm;			 /* screen pixels per module */
	double half_a, half_b;		 /* symbol half extents, modules */
	double bezel_x, bezel_y;	 /* bezel widths, screen px */
	double body_r, screen_r;	 /* corner radii, screen px */
	double rim;			 /* metal rim width, screen px */
	double mm;			 /* screen px per mm */
	double finger_tip[2];		 /* fingertip, code modules */
	double finger_dir[2];		 /* unit vector from tip outwards */
	double finger_r;		 /* finger radius, modules */
	double hand_seg[3][5];		 /* holding fingers: x0 y0 x1 y1 radius */
	double grid;			 /* 1 = pixel grid visible, 0 = averaged */
	double px_scale;		 /* camera px per screen px (approx.) */
	float *bg;			 /* background radiance, camera space */
	float *pwm;			 /* per-row screen brightness factor */
	double screen_level[4];		 /* background, ink, header, accent */

	/* phonesim_render_card only */
	const struct phonesim_card *card; /* a card picture on the screen, or NULL */
	float *card_screen;		  /* the picture at screen resolution, linear */
};

static void mat3_mul(const double *a, const double *b, double *out)
{
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			out[i * 3 + j] =
			    a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
}

static int mat3_inv(const double *m, double *out)
{
	double det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
		     m[2] * (m[3] * m[7] - m[4] * m[6]);

	if (fabs(det) < 1e-18)
		return -1;
	out[0] = (m[4] * m[8] - m[5] * m[7]) / det;
	out[1] = (m[2] * m[7] - m[1] * m[8]) / det;
	out[2] = (m[1] * m[5] - m[2] * m[4]) / det;
	out[3] = (m[5] * m[6] - m[3] * m[8]) / det;
	out[4] = (m[0] * m[8] - m[2] * m[6]) / det;
	out[5] = (m[2] * m[3] - m[0] * m[5]) / det;
	out[6] = (m[3] * m[7] - m[4] * m[6]) / det;
	out[7] = (m[1] * m[6] - m[0] * m[7]) / det;
	out[8] = (m[0] * m[4] - m[1] * m[3]) / det;
	return 0;
}

/* Maps (x, y) through a homography; returns false behind the camera. */
static bool persp_map(const double *m, double x, double y, double *ox, double *oy)
{
	double w = m[6] * x + m[7] * y + m[8];

	if (w <= 1e-12)
		return false;
	*ox = (m[0] * x + m[1] * y + m[2]) / w;
	*oy = (m[3] * x + m[4] * y + m[5]) / w;
	return true;
}

/*
 * The camera sees the plane point (a, b, 0) in millimetres, code-aligned with
 * the code centre at the origin, at X = R (a, b, 0)^T + T, and the pixel
 * K X / X_z. With R's columns r1, r2 this is the homography K [r1 r2 T].
 * T puts the code centre on (cx, cy) at the depth where one module spans
 * module_px pixels: Z = f * module_mm / module_px. A second, affine matrix
 * takes screen pixels to those code-aligned millimetres (turning the code by
 * 90 degrees on a landscape card).
 */
static int setup_geometry(struct render_ctx *ctx)
{
	const struct phonesim_scene *sc = ctx->sc;
	double p = sc->screen_pitch, f = sc->focal;
	double cr = cos(sc->roll), sr = sin(sc->roll);
	double cx = cos(sc->tilt_x), sx = sin(sc->tilt_x);
	double cy = cos(sc->tilt_y), sy = sin(sc->tilt_y);
	double rz[9] = {cr, -sr, 0, sr, cr, 0, 0, 0, 1};
	double rx[9] = {1, 0, 0, 0, cx, -sx, 0, sx, cx};
	double ry[9] = {cy, 0, sy, 0, 1, 0, -sy, 0, cy};
	double rxy[9], r[9], kt[9], s2c[9];
	double z = f * ctx->spm * p / sc->module_px;
	double k[9] = {f, 0, sc->width / 2.0, 0, f, sc->height / 2.0, 0, 0, 1};

	mat3_mul(rx, ry, rxy);
	mat3_mul(rxy, rz, r);
	/* [r1 r2 T] */
	double rt[9] = {r[0], r[1], z * (sc->cx - sc->width / 2.0) / f,
			r[3], r[4], z * (sc->cy - sc->height / 2.0) / f,
			r[6], r[7], z};
	mat3_mul(k, rt, kt);
	if (sc->landscape) {
		double m[9] = {0, p, -p * ctx->vcy, -p, 0, p * ctx->ucx, 0, 0, 1};
		memcpy(s2c, m, sizeof(m));
	} else {
		double m[9] = {p, 0, -p * ctx->ucx, 0, p, -p * ctx->vcy, 0, 0, 1};
		memcpy(s2c, m, sizeof(m));
	}
	mat3_mul(kt, s2c, ctx->h);
	return mat3_inv(ctx->h, ctx->hinv);
}

/* Screen px to code-aligned modules from the code centre. */
static void screen_to_code(const struct render_ctx *ctx, double u, double v, double *a, double *b)
{
	double du = (u - ctx->ucx) / ctx->spm, dv = (v - ctx->vcy) / ctx->spm;

	if (ctx->sc->landscape) {
		*a = dv;
		*b = -du;
	} else {
		*a = du;
		*b = dv;
	}
}

static void code_to_screen(const struct render_ctx *ctx, double a, double b, double *u, double *v)
{
	if (ctx->sc->landscape) {
		*u = ctx->ucx - b * ctx->spm;
		*v = ctx->vcy + a * ctx->spm;
	} else {
		*u = ctx->ucx + a * ctx->spm;
		*v = ctx->vcy + b * ctx->spm;
	}
}

/* ---------------------------------------------------------------- screen */

/* Code128 bars are this many modules high (a fixed share of the width). */
static double bar_height(const struct phonesim_symbol *sym)
{
	double h = sym->width * 0.22;

	return h < 30 ? 30 : h;
}

/*
 * The card app's picture: what level (0 = black, 1 = full white) screen pixel
 * (iu, iv) shows. Everything is snapped to whole screen pixels the way a
 * phone's renderer does.
 */
static double screen_content(const struct render_ctx *ctx, int iu, int iv)
{
	const struct phonesim_scene *sc = ctx->sc;
	double u = iu + 0.5, v = iv + 0.5, a, b;
	double bgl = ctx->screen_level[0], ink = ctx->screen_level[1];
	double hdr = ctx->screen_level[2];
	double mm = ctx->mm;

	switch (sc->content) {
	case PHONESIM_CONTENT_OFF:
		return 0.0;
	case PHONESIM_CONTENT_PHOTO: {
		double x = u / sc->screen_w_px, y = v / sc->screen_h_px;
		double sky =
		    0.55 + 0.35 * (1 - y) + 0.2 * (fbm(sc->content_seed, x * 3, y * 3, 4) - 0.5);
		double ground = 0.25 + 0.4 * fbm(sc->content_seed + 1, x * 8, y * 8, 5);
		double horizon = 0.55 + 0.1 * sin(x * 6.0 + (double)(sc->content_seed % 7));
		double sun = hypot(x - 0.7, y - 0.25) < 0.08 ? 0.45 : 0.0;
		return clampd(y < horizon ? sky + sun : ground, 0, 1);
	}
	case PHONESIM_CONTENT_TEXT: {
		double cell = 2.2 * mm; /* glyph cell width: ~2.2 mm */
		if (v < 12 * mm)
			return hdr; /* status and title bar */
		if (text_block_ink(sc->content_seed, (u - 4 * mm) / cell,
				   (v - 16 * mm) / (cell * 1.6),
				   (int)((sc->screen_w_px - 8 * mm) / (cell * 0.62)), 40))
			return ink;
		return bgl;
	}
	case PHONESIM_CONTENT_CODE:
		break;
	}
	if (ctx->card_screen) {
		iu = iu < 0 ? 0 : iu >= sc->screen_w_px ? sc->screen_w_px - 1 : iu;
		iv = iv < 0 ? 0 : iv >= sc->screen_h_px ? sc->screen_h_px - 1 : iv;
		return ctx->card_screen[(size_t)iv * (size_t)sc->screen_w_px + (size_t)iu];
	}

	/* The app's title bar with its name in it. */
	if (v < 14 * mm) {
		if (text_block_ink(sc->content_seed + 5, (u - 5 * mm) / (3 * mm),
				   (v - 7 * mm) / (3 * mm * 1.6), 9, 1))
			return ink < 0.5 ? 0.95 : 0.9;
		return hdr;
	}
	screen_to_code(ctx, u, v, &a, &b);
	a += ctx->half_a;
	b += ctx->half_b;
	if (a >= 0 && b >= 0 && a < ctx->sym.width && b < 2 * ctx->half_b) {
		int row = ctx->sym.height == 1 ? 0 : (int)b;
		bool dark = ctx->sym.dark[row * ctx->sym.width + (int)a];
		/* Ink is light in dark mode: the encoder's dark modules shine. */
		return dark ? ink : bgl;
	}
	/* Quiet zone plus two modules of margin stay clean. */
	if (a >= -ctx->sym.quiet - 2 && a < ctx->sym.width + ctx->sym.quiet + 2 &&
	    b >= -ctx->sym.quiet - 2 && b < 2 * ctx->half_b + ctx->sym.quiet + 2)
		return bgl;
	/* The card text under the code, then the app's small print. */
	{
		double gh = 3.2 * mm / ctx->spm; /* glyph height in modules */
		double ty = b - (2 * ctx->half_b + ctx->sym.quiet + 2 + gh * 0.3);
		int n = (int)strlen(sc->text);
		double tx = a - (ctx->sym.width / 2.0 - n * 0.62 * gh / 2);
		if (text_line_ink(sc->text, tx / gh, ty / gh))
			return ink;
		ty -= gh * 2.0;
		if (text_block_ink(sc->content_seed + 9, (a + ctx->sym.quiet) / (gh * 0.6),
				   ty / (gh * 0.6 * 1.6),
				   (int)((ctx->sym.width + 2 * ctx->sym.quiet) / (gh * 0.6 * 0.62)),
				   3))
			return 0.5 * (ink + bgl);
	}
	return bgl;
}

/*
 * Emission of the screen at (u, v) in screen px, with the pixel structure: an
 * RGB stripe per pixel seen in luma (the green subpixel brightest), dark gaps
 * between pixels and subpixels. The mean over a pixel equals its content.
 */
static double screen_emission(const struct render_ctx *ctx, double u, double v)
{
	int iu = (int)floor(u), iv = (int)floor(v);
	double level = screen_content(ctx, iu, iv);
	double fu = u - iu, fv = v - iv, g = ctx->sc->pixel_gap, fill, mask;
	static const double sub_w[3] = {0.897, 1.761, 0.342};
	int s;
	double fs;

	if (ctx->grid <= 0 || level <= 0)
		return level;
	fill = (1 - g) * (1 - g);
	s = (int)(fu * 3);
	s = s > 2 ? 2 : s;
	fs = fu * 3 - s;
	if (fs < g / 2 || fs > 1 - g / 2 || fv < g / 2 || fv > 1 - g / 2)
		mask = 0;
	else
		mask = sub_w[s] / fill;
	mask = 1 + ctx->sc->grid_contrast * (mask - 1);
	return level * (ctx->grid * mask + (1 - ctx->grid));
}

/* ---------------------------------------------------------------- scene */

/*
 * Radiance of a finger or hand at screen-plane point (u, v); shade is the
 * cylinder shading, 0 at the silhouette and 1 facing the camera.
 */
static double skin(const struct phonesim_scene *sc, double shade, double u, double v)
{
	double tex = value_noise(sc->content_seed + 11, u * 0.02, v * 0.02);
	double fine = value_noise(sc->content_seed + 12, u * 0.15, v * 0.15);

	/* Lambertian cylinder under soft light, with a faint sheen on top. */
	shade = clampd(shade, 0, 1);
	return sc->ambient * (0.08 + 0.38 * sqrt(shade) + 0.08 * pow(shade, 6)) *
	       (0.9 + 0.12 * tex + 0.06 * fine);
}

/*
 * Shades one sample: camera position (x, y). Returns linear radiance, with
 * screen white at sc->screen_white.
 */
static double shade_sample(const struct render_ctx *ctx, double x, double y, int row)
{
	const struct phonesim_scene *sc = ctx->sc;
	double u, v, a, b, glass, rad;
	double sw = sc->screen_w_px, sh = sc->screen_h_px;
	bool on_phone, on_glass;
	int bx = (int)x, by = (int)y;

	bx = bx < 0 ? 0 : bx >= sc->width ? sc->width - 1 : bx;
	by = by < 0 ? 0 : by >= sc->height ? sc->height - 1 : by;
	if (!sc->phone || !persp_map(ctx->hinv, x, y, &u, &v))
		return ctx->bg[by * sc->width + bx];

	/* Finger over the code's corner: closest to the camera, drawn first. */
	if (sc->finger) {
		double d, t;
		screen_to_code(ctx, u, v, &a, &b);
		d = seg_dist(a, b, ctx->finger_tip[0], ctx->finger_tip[1],
			     ctx->finger_tip[0] + ctx->finger_dir[0] * 1000,
			     ctx->finger_tip[1] + ctx->finger_dir[1] * 1000);
		if (d < ctx->finger_r) {
			t = d / ctx->finger_r;
			/* A nail near the tip: a little brighter. */
			double along = (a - ctx->finger_tip[0]) * ctx->finger_dir[0] +
				       (b - ctx->finger_tip[1]) * ctx->finger_dir[1];
			double nail =
			    along < ctx->finger_r * 1.4 && t < 0.6 ? 0.08 * sc->ambient : 0;
			return skin(sc, sqrt(1 - t * t), u, v) + nail;
		}
	}

	on_phone = in_rrect(u, v, -ctx->bezel_x, -ctx->bezel_y, sw + ctx->bezel_x,
			    sh + ctx->bezel_y, ctx->body_r);
	/* Fingers of the holding hand wrap the lower sides of the phone. */
	if (sc->hand) {
		for (int i = 0; i < 3; i++) {
			const double *f = ctx->hand_seg[i];
			double fd = seg_dist(u, v, f[0], f[1], f[2], f[3]);
			if (fd < f[4]) {
				double t = fd / f[4];
				return skin(sc, 1 - t * t, u, v);
			}
		}
		double tr = 10 * ctx->mm, tx0 = -ctx->bezel_x - 18 * ctx->mm, ty0 = sh * 0.97;
		double tx1 = -ctx->bezel_x + 2.0 * ctx->mm, ty1 = sh * 0.8;
		double td = seg_dist(u, v, tx0, ty0, tx1, ty1);
		if (td < tr)
			return skin(sc, 1 - (td / tr) * (td / tr), u, v); /* thumb */
		if (!on_phone) {
			double ex = (u - sw * 0.5) / (sw * 0.68),
			       ey = (v - sh * 1.28) / (sh * 0.42);
			if (ex * ex + ey * ey < 1)
				return skin(sc, 0.3 + 0.7 * (1 - ex * ex - ey * ey), u, v);
		}
	}
	if (!on_phone)
		return ctx->bg[by * sc->width + bx];

	on_glass = in_rrect(u, v, -ctx->bezel_x + ctx->rim, -ctx->bezel_y + ctx->rim,
			    sw + ctx->bezel_x - ctx->rim, sh + ctx->bezel_y - ctx->rim,
			    ctx->body_r - ctx->rim);
	if (!on_glass)
		return sc->ambient * (0.25 + 0.2 * sin(u * 0.002 + v * 0.001)); /* metal rim */

	if (in_rrect(u, v, 0, 0, sw, sh, ctx->screen_r))
		rad = sc->screen_white * ctx->pwm[row] * screen_emission(ctx, u, v);
	else
		rad = 0.004 * sc->screen_white; /* black bezel under the glass */

	/* Reflections on the glass: diffuse shop light, glare spots, a band. */
	glass = sc->glass_reflect;
	for (int i = 0; i < sc->n_glare; i++) {
		const struct phonesim_glare *gl = &sc->glare[i];
		double dx = x - gl->x, dy = y - gl->y;
		double ca = cos(gl->angle), sa = sin(gl->angle);
		double p = (dx * ca + dy * sa) / gl->rx, q = (-dx * sa + dy * ca) / gl->ry;
		double r2 = p * p + q * q;
		if (r2 < 16)
			glass += gl->strength * (exp(-r2 * 2.0) + 0.25 * exp(-r2 * 0.5));
	}
	if (sc->stripe_strength > 0) {
		double ca = cos(sc->stripe_angle), sa = sin(sc->stripe_angle);
		double d = (x - sc->cx) * -sa + (y - sc->cy) * ca - sc->stripe_offset;
		double along = (x - sc->cx) * ca + (y - sc->cy) * sa;
		double w = sc->stripe_width / 2;
		glass += sc->stripe_strength * (1 - smoothstep(w * 0.6, w * 1.3, fabs(d))) *
			 (0.8 + 0.2 * sin(along * 0.01));
	}
	return rad + glass;
}

/* ---------------------------------------------------------------- background */

/* Counter, objects on it, a receipt with print. Drawn in camera space. */
static void draw_background(const struct phonesim_scene *sc, float *bg)
{
	struct phonesim_rng rng;
	int w = sc->width, h = sc->height;
	double scale = h / 480.0;
	enum { MAX_OBJ = 48 };
	struct {
		int kind;	     /* 0 rect, 1 disc, 2 receipt, 3 card reader, 4 stroke */
		double x, y, rx, ry; /* centre and half sizes */
		double ang, level;   /* rotation and reflectance */
		double ca, sa;	     /* cos and sin of ang */
	} obj[MAX_OBJ];
	int n = sc->clutter < MAX_OBJ ? sc->clutter : MAX_OBJ;
	double grain = phonesim_rng_unit(&(struct phonesim_rng){{sc->content_seed | 1, 3, 5, 7}});
	double g_ang, base;

	phonesim_rng_seed(&rng, sc->content_seed ^ 0xb6c0);
	base = phonesim_rng_range(&rng, 0.25, 0.65);
	g_ang = phonesim_rng_range(&rng, 0, 2 * PHONESIM_PI);
	for (int i = 0; i < n; i++) {
		obj[i].kind = phonesim_rng_int(&rng, 0, 4);
		obj[i].x = phonesim_rng_range(&rng, -0.1, 1.1) * w;
		obj[i].y = phonesim_rng_range(&rng, -0.1, 1.1) * h;
		obj[i].rx = phonesim_rng_range(&rng, 15, 110) * scale;
		obj[i].ry = obj[i].rx * phonesim_rng_range(&rng, 0.3, 1.5);
		obj[i].ang = phonesim_rng_range(&rng, 0, PHONESIM_PI);
		obj[i].level = phonesim_rng_range(&rng, 0.05, 0.9);
		obj[i].ca = cos(obj[i].ang);
		obj[i].sa = sin(obj[i].ang);
		if (obj[i].kind == 2) {
			obj[i].level = 0.88;
			obj[i].ry = obj[i].rx * 1.8;
		} else if (obj[i].kind == 3) {
			obj[i].level = 0.06;
		} else if (obj[i].kind == 4) {
			obj[i].rx = phonesim_rng_range(&rng, 20, 120) * scale;
			obj[i].ry = phonesim_rng_range(&rng, 1.0, 3.0) * scale;
		}
	}
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			double nx = x / (60.0 * scale), ny = y / (60.0 * scale);
			/* Laminate or stone counter: broad mottling plus fine grain. */
			double r = base * (0.8 + 0.35 * fbm(sc->content_seed, nx, ny, 3));
			if (grain < 0.5)
				r *= 0.9 + 0.2 * value_noise(sc->content_seed + 3, x * 0.7 / scale,
							     y * 0.05 / scale);
			else
				r *= 0.92 + 0.16 * hash_unit(sc->content_seed, x / 2, y / 2, 7);
			for (int i = 0; i < n; i++) {
				double dx = x - obj[i].x, dy = y - obj[i].y;
				double p = dx * obj[i].ca + dy * obj[i].sa;
				double q = -dx * obj[i].sa + dy * obj[i].ca;
				switch (obj[i].kind) {
				case 0:
					if (fabs(p) < obj[i].rx && fabs(q) < obj[i].ry)
						r = obj[i].level * (0.9 + 0.1 * q / obj[i].ry);
					break;
				case 1:
					if (p * p + q * q < obj[i].rx * obj[i].rx) {
						double t = sqrt(p * p + q * q) / obj[i].rx;
						r = obj[i].level * (t > 0.85 ? 0.6 : 1.0 - 0.2 * t);
					}
					break;
				case 2:
					if (fabs(p) < obj[i].rx && fabs(q) < obj[i].ry) {
						double cell = 4.0 * scale;
						r = obj[i].level;
						if (text_block_ink(
							(uint64_t)i + sc->content_seed,
							(p + obj[i].rx * 0.85) / cell,
							(q + obj[i].ry * 0.9) / (cell * 1.5),
							(int)(obj[i].rx * 1.7 / (cell * 0.62)),
							(int)(obj[i].ry * 1.8 /
							      (cell * 1.6 * 1.5))))
							r = 0.2;
					}
					break;
				case 3:
					if (in_rrect(p, q, -obj[i].rx, -obj[i].ry, obj[i].rx,
						     obj[i].ry, obj[i].rx * 0.15)) {
						r = obj[i].level;
						if (fabs(p) < obj[i].rx * 0.7 && q > 0 &&
						    q < obj[i].ry * 0.8 &&
						    fmod(fabs(p), obj[i].rx * 0.5) <
							obj[i].rx * 0.35 &&
						    fmod(q, obj[i].ry * 0.25) < obj[i].ry * 0.17)
							r = 0.3; /* keypad */
					}
					break;
				case 4:
					if (fabs(p) < obj[i].rx && fabs(q) < obj[i].ry)
						r *= 0.35; /* pen line, scratch or cable */
					break;
				}
			}
			/* Light falls off across the counter. */
			r *= 0.75 + 0.25 * cos(g_ang) * (x / (double)w - 0.5) * 2 +
			     0.25 * sin(g_ang) * (y / (double)h - 0.5);
			bg[y * w + x] = (float)(sc->ambient * clampd(r, 0.01, 1.0));
		}
	}
}

/* ---------------------------------------------------------------- optics */

static int blur_gauss(float *img, int w, int h, double sigma)
{
	int r = (int)ceil(sigma * 3), n = 2 * r + 1;
	float *k, *tmp;

	if (sigma < 0.05)
		return 0;
	k = malloc(sizeof(float) * (size_t)n);
	tmp = malloc(sizeof(float) * (size_t)w * (size_t)h);
	if (!k || !tmp) {
		free(k);
		free(tmp);
		return -1;
	}
	double sum = 0;
	for (int i = 0; i < n; i++) {
		k[i] = (float)exp(-(i - r) * (i - r) / (2 * sigma * sigma));
		sum += k[i];
	}
	for (int i = 0; i < n; i++)
		k[i] = (float)(k[i] / sum);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			float s = 0;
			for (int i = -r; i <= r; i++) {
				int xx = x + i < 0 ? 0 : x + i >= w ? w - 1 : x + i;
				s += k[i + r] * img[y * w + xx];
			}
			tmp[y * w + x] = s;
		}
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			float s = 0;
			for (int i = -r; i <= r; i++) {
				int yy = y + i < 0 ? 0 : y + i >= h ? h - 1 : y + i;
				s += k[i + r] * tmp[yy * w + x];
			}
			img[y * w + x] = s;
		}
	free(k);
	free(tmp);
	return 0;
}

/* A defocused lens spreads each point over a disc (the aperture's image). */
static int blur_disc(float *img, int w, int h, double radius)
{
	int r = (int)ceil(radius), n = 0;
	int(*off)[2];
	float *wt, *tmp;
	double sum = 0;

	if (radius < 0.3)
		return 0;
	off = malloc(sizeof(*off) * (size_t)(2 * r + 1) * (size_t)(2 * r + 1));
	wt = malloc(sizeof(float) * (size_t)(2 * r + 1) * (size_t)(2 * r + 1));
	tmp = malloc(sizeof(float) * (size_t)w * (size_t)h);
	if (!off || !wt || !tmp) {
		free(off);
		free(wt);
		free(tmp);
		return -1;
	}
	/* Each tap weighted by how much of its pixel the disc covers. */
	for (int dy = -r; dy <= r; dy++)
		for (int dx = -r; dx <= r; dx++) {
			int in = 0;
			for (int sy = 0; sy < 4; sy++)
				for (int sx = 0; sx < 4; sx++) {
					double px = dx - 0.375 + sx * 0.25,
					       py = dy - 0.375 + sy * 0.25;
					in += px * px + py * py <= radius * radius;
				}
			if (in) {
				off[n][0] = dx;
				off[n][1] = dy;
				wt[n] = (float)in;
				sum += in;
				n++;
			}
		}
	for (int i = 0; i < n; i++)
		wt[i] = (float)(wt[i] / sum);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			float s = 0;
			for (int i = 0; i < n; i++) {
				int xx = x + off[i][0], yy = y + off[i][1];
				xx = xx < 0 ? 0 : xx >= w ? w - 1 : xx;
				yy = yy < 0 ? 0 : yy >= h ? h - 1 : yy;
				s += wt[i] * img[yy * w + xx];
			}
			tmp[y * w + x] = s;
		}
	memcpy(img, tmp, sizeof(float) * (size_t)w * (size_t)h);
	free(off);
	free(wt);
	free(tmp);
	return 0;
}

static float bilinear(const float *img, int w, int h, double x, double y)
{
	int ix, iy;
	double fx, fy;

	x = clampd(x, 0, w - 1.001);
	y = clampd(y, 0, h - 1.001);
	ix = (int)x;
	iy = (int)y;
	fx = x - ix;
	fy = y - iy;
	const float *p = img + iy * w + ix;
	return (float)((p[0] * (1 - fx) + p[1] * fx) * (1 - fy) +
		       (p[w] * (1 - fx) + p[w + 1] * fx) * fy);
}

/* Linear motion during the exposure: the average along a segment. */
static int blur_motion(float *img, int w, int h, double len, double angle)
{
	int n = (int)ceil(len * 1.5) + 1;
	double dx = cos(angle) * len, dy = sin(angle) * len;
	float *tmp;

	if (len < 0.3)
		return 0;
	tmp = malloc(sizeof(float) * (size_t)w * (size_t)h);
	if (!tmp)
		return -1;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			float s = 0;
			for (int i = 0; i < n; i++) {
				double t = (double)i / (n - 1) - 0.5;
				s += bilinear(img, w, h, x + t * dx, y + t * dy);
			}
			tmp[y * w + x] = s / n;
		}
	memcpy(img, tmp, sizeof(float) * (size_t)w * (size_t)h);
	free(tmp);
	return 0;
}

/* ---------------------------------------------------------------- MJPEG */

/* Compresses and decompresses the frame in memory, like an MJPEG webcam. */
static int mjpeg_roundtrip(uint8_t *luma, int w, int h, int quality)
{
	struct jpeg_compress_struct c;
	struct jpeg_decompress_struct d;
	struct jpeg_error_mgr jerr;
	unsigned char *buf = NULL;
	unsigned long size = 0;
	JSAMPROW row;

	c.err = jpeg_std_error(&jerr);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &buf, &size);
	c.image_width = (JDIMENSION)w;
	c.image_height = (JDIMENSION)h;
	c.input_components = 1;
	c.in_color_space = JCS_GRAYSCALE;
	jpeg_set_defaults(&c);
	c.dct_method = JDCT_ISLOW;
	jpeg_set_quality(&c, quality, TRUE);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		row = luma + (size_t)c.next_scanline * (size_t)w;
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);

	d.err = jpeg_std_error(&jerr);
	jpeg_create_decompress(&d);
	jpeg_mem_src(&d, buf, size);
	jpeg_read_header(&d, TRUE);
	d.dct_method = JDCT_ISLOW;
	d.out_color_space = JCS_GRAYSCALE;
	jpeg_start_decompress(&d);
	while (d.output_scanline < d.output_height) {
		row = luma + (size_t)d.output_scanline * (size_t)w;
		jpeg_read_scanlines(&d, &row, 1);
	}
	jpeg_finish_decompress(&d);
	jpeg_destroy_decompress(&d);
	free(buf);
	return 0;
}

/* ---------------------------------------------------------------- setup */

/* The screen's levels for the app's background, ink, header. */
static void setup_levels(struct render_ctx *ctx)
{
	const struct phonesim_scene *sc = ctx->sc;

	if (sc->dark_mode) {
		ctx->screen_level[0] = sc->dark_level;
		ctx->screen_level[1] = 0.9;
		ctx->screen_level[2] = sc->dark_level + 0.12;
	} else {
		ctx->screen_level[0] = 1.0;
		ctx->screen_level[1] = 0.0;
		ctx->screen_level[2] = 0.38;
	}
}

/*
 * Places the finger: its tip reaches finger_reach mm in from the code's
 * bottom-right corner, and it is narrowed until it keeps clear of the QR
 * finder patterns (and of the upper half of Code128 bars).
 */
/* Clearance between the finger's edge and what must stay visible, modules. */
static double finger_clearance(const struct render_ctx *ctx, double r)
{
	double ha = ctx->half_a, hb = ctx->half_b, tx = ctx->finger_tip[0], ty = ctx->finger_tip[1];
	double dx = ctx->finger_dir[0] * 1000, dy = ctx->finger_dir[1] * 1000, clear = 1e9;

	if (ctx->sym.symbology == PHONESIM_QR) {
		/* Finder patterns with their separators, as corner points. */
		double pts[][2] = {{-ha, -hb},	       {-ha + 8, -hb}, {-ha, -hb + 8},
				   {-ha + 8, -hb + 8}, {ha - 8, -hb},  {ha, -hb},
				   {ha - 8, -hb + 8},  {ha, -hb + 8},  {-ha, hb - 8},
				   {-ha + 8, hb - 8},  {-ha, hb},      {-ha + 8, hb}};
		for (size_t i = 0; i < sizeof(pts) / sizeof(pts[0]); i++) {
			double d = seg_dist(pts[i][0], pts[i][1], tx, ty, tx + dx, ty + dy) - r;
			clear = d < clear ? d : clear;
		}
	} else {
		/* The top 55 % of the bars stays clear for scanlines. */
		clear = ty - r - (-hb + 1.1 * hb);
	}
	return clear;
}

/*
 * Places the finger, about 16 mm wide, its tip finger_reach mm in from the
 * code's bottom-right corner, and pulls it back until it keeps clear of the
 * QR finder patterns (or of the upper half of Code128 bars).
 */
static void setup_finger(struct render_ctx *ctx)
{
	const struct phonesim_scene *sc = ctx->sc;
	double mod_mm = ctx->spm * sc->screen_pitch;
	double reach = sc->finger_reach / mod_mm;
	double ca = cos(sc->finger_angle), sa = sin(sc->finger_angle);
	double r = 8.0 / mod_mm;

	ctx->finger_dir[0] = ca;
	ctx->finger_dir[1] = sa;
	ctx->finger_r = r;
	for (int i = 0; i < 400; i++, reach -= 0.5) {
		ctx->finger_tip[0] = ctx->half_a - reach * ca;
		ctx->finger_tip[1] = ctx->half_b - reach * sa;
		if (finger_clearance(ctx, r) >= 1.0)
			break;
	}
}

/* Linear level of picture pixel (x, y); black outside the picture. */
static double picture_level(const struct scanner_image *pic, const float *lut, int x, int y)
{
	if (x < 0 || y < 0 || x >= pic->width || y >= pic->height)
		return 0.0;
	return lut[pic->luma[(size_t)y * (size_t)pic->width + (size_t)x]];
}

/*
 * The card picture as the phone's image viewer shows it: scaled to the
 * screen's width, each screen pixel the mean of the picture pixels it covers,
 * black where the picture ends. Levels are linear (the picture is sRGB-coded).
 */
static int setup_card_screen(struct render_ctx *ctx)
{
	const struct phonesim_scene *sc = ctx->sc;
	const struct phonesim_card *card = ctx->card;
	const struct scanner_image *pic = card->image;
	double r = 0.5 * card->module / ctx->spm; /* half a screen pixel, in picture px */
	float lut[256];

	ctx->card_screen =
	    malloc(sizeof(float) * (size_t)sc->screen_w_px * (size_t)sc->screen_h_px);
	if (!ctx->card_screen)
		return -1;
	for (int i = 0; i < 256; i++)
		lut[i] = (float)pow(i / 255.0, 2.2);
	for (int iv = 0; iv < sc->screen_h_px; iv++)
		for (int iu = 0; iu < sc->screen_w_px; iu++) {
			double a, b, x, y, sum = 0;
			int x0, x1, y0, y1, n = 0;

			screen_to_code(ctx, iu + 0.5, iv + 0.5, &a, &b);
			x = card->code_x + a * card->module;
			y = card->code_y + b * card->module;
			x0 = (int)floor(x - r);
			x1 = r < 0.5 ? x0 : (int)ceil(x + r) - 1;
			y0 = (int)floor(y - r);
			y1 = r < 0.5 ? y0 : (int)ceil(y + r) - 1;
			for (int py = y0; py <= y1; py++)
				for (int px = x0; px <= x1; px++, n++)
					sum += picture_level(pic, lut, px, py);
			ctx->card_screen[(size_t)iv * (size_t)sc->screen_w_px + (size_t)iu] =
			    (float)(sum / n);
		}
	return 0;
}

/*
 * The code's extent and quiet zone from the card picture instead of an
 * encoder: a QR as tall as it is wide, a linear code one row of bars
 * bar_modules tall.
 */
static int setup_card(struct render_ctx *ctx)
{
	const struct phonesim_card *card = ctx->card;
	bool linear = ctx->sc->symbology != PHONESIM_QR;

	if (ctx->sc->symbology == PHONESIM_NONE || !card->image || !card->image->luma ||
	    card->module <= 0 || card->modules < 1 || card->quiet < 0 ||
	    (linear && card->bar_modules <= 0))
		return -1;
	ctx->spm = card->module * ctx->sc->screen_w_px / card->image->width;
	ctx->sym.symbology = ctx->sc->symbology;
	ctx->sym.width = card->modules;
	ctx->sym.height = linear ? 1 : card->modules;
	ctx->sym.quiet = card->quiet;
	ctx->half_a = card->modules / 2.0;
	ctx->half_b = (linear ? card->bar_modules : card->modules) / 2.0;
	return 0;
}

static int setup(struct render_ctx *ctx)
{
	const struct phonesim_scene *sc = ctx->sc;

	ctx->spm = sc->screen_px_per_mod;
	ctx->mm = 1.0 / sc->screen_pitch;
	ctx->ucx = sc->screen_w_px / 2.0 + sc->shift_u;
	ctx->vcy = sc->screen_h_px / 2.0 + sc->shift_v;
	if (ctx->card) {
		if (setup_card(ctx) || setup_card_screen(ctx))
			return -1;
	} else if (sc->symbology != PHONESIM_NONE) {
		if (phonesim_symbol_init(&ctx->sym, sc->symbology, sc->text))
			return -1;
		ctx->half_a = ctx->sym.width / 2.0;
		ctx->half_b =
		    ctx->sym.height == 1 ? bar_height(&ctx->sym) / 2 : ctx->sym.height / 2.0;
	} else {
		ctx->half_a = 10;
		ctx->half_b = 10;
	}
	ctx->bezel_x = 2.2 * ctx->mm;
	ctx->bezel_y = 3.5 * ctx->mm;
	ctx->body_r = 9.0 * ctx->mm;
	ctx->screen_r = 7.0 * ctx->mm;
	ctx->rim = 0.9 * ctx->mm;
	ctx->px_scale = sc->module_px / ctx->spm;
	/* The grid shows once a screen pixel spans about half a camera pixel. */
	ctx->grid = smoothstep(0.3, 0.55, ctx->px_scale);
	setup_levels(ctx);
	for (int i = 0; i < 3; i++) {
		/* Each holding finger has its own width, length and angle. */
		double *f = ctx->hand_seg[i], sw = sc->screen_w_px;
		double fy = sc->screen_h_px * (0.64 + 0.1 * i) +
			    4 * ctx->mm * hash_unit(sc->content_seed, i, 2, 3);
		f[0] = sw + ctx->bezel_x + 30 * ctx->mm;
		f[1] = fy + (4 + 8 * hash_unit(sc->content_seed, i, 4, 3)) * ctx->mm;
		f[2] = sw + ctx->bezel_x -
		       (0.5 + 2.5 * hash_unit(sc->content_seed, i, 3, 3)) * ctx->mm;
		f[3] = fy;
		f[4] = (7.0 + 1.5 * hash_unit(sc->content_seed, i, 1, 3)) * ctx->mm;
	}
	if (sc->finger)
		setup_finger(ctx);
	return setup_geometry(ctx);
}

/* Rows of a rolling shutter integrate a PWM-driven screen over a window. */
static void setup_pwm(const struct phonesim_scene *sc, float *pwm)
{
	double maxv = 0;

	for (int y = 0; y < sc->height; y++) {
		double on = 0;
		if (sc->pwm_depth <= 0) {
			pwm[y] = 1.0f;
			continue;
		}
		/* Exposure window of 0.35 periods, integrated in 32 steps. */
		for (int i = 0; i < 32; i++) {
			double t = (y + sc->pwm_phase) / sc->pwm_period + 0.35 * i / 32.0;
			on += (t - floor(t)) < sc->pwm_duty ? 1.0 : 1.0 - sc->pwm_depth;
		}
		pwm[y] = (float)(on / 32);
		if (pwm[y] > maxv)
			maxv = pwm[y];
	}
	if (maxv > 0)
		for (int y = 0; y < sc->height; y++)
			pwm[y] = (float)(pwm[y] / maxv);
}

bool phonesim_code_visible(const struct phonesim_scene *sc)
{
	struct render_ctx ctx;
	bool ok = true;

	memset(&ctx, 0, sizeof(ctx));
	ctx.sc = sc;
	if (sc->symbology == PHONESIM_NONE)
		return false;
	if (setup(&ctx)) {
		phonesim_symbol_release(&ctx.sym);
		return false;
	}
	for (int i = 0; i < 4; i++) {
		double qa = ctx.half_a + ctx.sym.quiet,
		       qb = ctx.half_b + (ctx.sym.height == 1 ? 1 : ctx.sym.quiet);
		double a = (i & 1) ? qa : -qa, b = (i & 2) ? qb : -qb, u, v, x, y;
		code_to_screen(&ctx, a, b, &u, &v);
		if (!persp_map(ctx.h, u, v, &x, &y) || x < 0 || y < 0 || x >= sc->width ||
		    y >= sc->height)
			ok = false;
	}
	phonesim_symbol_release(&ctx.sym);
	return ok;
}

int phonesim_code_corners(const struct phonesim_scene *sc, double corners[4][2])
{
	static const double sign[4][2] = {{-1, -1}, {1, -1}, {1, 1}, {-1, 1}};
	struct render_ctx ctx;
	int rc = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.sc = sc;
	if (sc->symbology == PHONESIM_NONE)
		return -1;
	if (setup(&ctx)) {
		phonesim_symbol_release(&ctx.sym);
		return -1;
	}
	for (int i = 0; i < 4 && !rc; i++) {
		double u, v;
		code_to_screen(&ctx, sign[i][0] * ctx.half_a, sign[i][1] * ctx.half_b, &u, &v);
		if (!persp_map(ctx.h, u, v, &corners[i][0], &corners[i][1]))
			rc = -1;
	}
	phonesim_symbol_release(&ctx.sym);
	return rc;
}

/* ---------------------------------------------------------------- render */

/* Renders sc, with the card app's own drawing or with card on the screen. */
static int render(const struct phonesim_scene *sc, const struct phonesim_card *card,
		  uint64_t noise_seed, struct scanner_image *img)
{
	struct render_ctx ctx;
	struct phonesim_rng rng;
	int w = sc->width, h = sc->height, ss = sc->supersample < 1 ? 1 : sc->supersample;
	size_t npix = (size_t)w * (size_t)h;
	float *lin = NULL, *tmp = NULL;
	int ret = -1;

	memset(&ctx, 0, sizeof(ctx));
	ctx.sc = sc;
	ctx.card = card;
	if (img->width != w || img->height != h)
		return -1;
	if (setup(&ctx))
		goto out_sym;
	lin = malloc(sizeof(float) * npix);
	ctx.bg = malloc(sizeof(float) * npix);
	ctx.pwm = malloc(sizeof(float) * (size_t)h);
	tmp = malloc(sizeof(float) * npix);
	if (!lin || !ctx.bg || !ctx.pwm || !tmp)
		goto out_free;

	/* Background: focus is on the phone, so the counter is a little soft. */
	draw_background(sc, ctx.bg);
	if (blur_gauss(ctx.bg, w, h, 1.2 * h / 480.0))
		goto out_free;
	setup_pwm(sc, ctx.pwm);

	/* Supersampled inverse mapping. */
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			double s = 0;
			for (int j = 0; j < ss; j++)
				for (int i = 0; i < ss; i++)
					s += shade_sample(&ctx, x + (i + 0.5) / ss,
							  y + (j + 0.5) / ss, y);
			lin[y * w + x] = (float)(s / (ss * ss));
		}

	/* Exposure and vignetting, then the lens. */
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			double dx = (x - w / 2.0) / (w / 2.0), dy = (y - h / 2.0) / (w / 2.0);
			lin[y * w + x] *=
			    (float)(sc->exposure *
				    (1 - sc->vignette * (dx * dx + dy * dy) / 1.5625));
		}
	if (blur_gauss(lin, w, h, sc->blur_sigma) || blur_disc(lin, w, h, sc->disc_radius) ||
	    blur_motion(lin, w, h, sc->motion_len, sc->motion_angle))
		goto out_free;
	/* Blooming: light above the clipping point spills over its neighbours. */
	if (sc->bloom > 0) {
		for (size_t i = 0; i < npix; i++)
			tmp[i] = lin[i] > 1.0f ? lin[i] - 1.0f : 0.0f;
		if (blur_gauss(tmp, w, h, 3.0 * h / 480.0))
			goto out_free;
		for (size_t i = 0; i < npix; i++)
			lin[i] += (float)sc->bloom * tmp[i];
	}

	/* Sensor: clip, tone curve, noise; then the webcam's sharpening. */
	phonesim_rng_seed(&rng, noise_seed);
	for (size_t i = 0; i < npix; i++) {
		double v = clampd(lin[i], 0, 1);
		double g = pow(v, 1 / 2.2);
		double dn = 255 * g + sc->read_noise * phonesim_rng_normal(&rng) +
			    sc->shot_noise * sqrt(g) * phonesim_rng_normal(&rng);
		tmp[i] = (float)dn;
	}
	memcpy(lin, tmp, sizeof(float) * npix);
	if (sc->sharpen > 0) {
		if (blur_gauss(tmp, w, h, 1.0))
			goto out_free;
		for (size_t i = 0; i < npix; i++)
			lin[i] += (float)sc->sharpen * (lin[i] - tmp[i]);
	}
	for (size_t i = 0; i < npix; i++)
		img->luma[i] = (uint8_t)clampd(floor(lin[i] + 0.5), 0, 255);
	if (sc->jpeg_quality > 0)
		mjpeg_roundtrip(img->luma, w, h, sc->jpeg_quality);
	ret = 0;
out_free:
	free(tmp);
	free(ctx.pwm);
	free(ctx.bg);
	free(lin);
out_sym:
	free(ctx.card_screen);
	phonesim_symbol_release(&ctx.sym);
	return ret;
}

int phonesim_render(const struct phonesim_scene *sc, uint64_t noise_seed, struct scanner_image *img)
{
	return render(sc, NULL, noise_seed, img);
}

int phonesim_render_card(const struct phonesim_scene *sc, const struct phonesim_card *card,
			 uint64_t noise_seed, struct scanner_image *img)
{
	if (!card)
		return -1;
	return render(sc, card, noise_seed, img);
}
