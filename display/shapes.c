/*
 * Shapes as signed distance functions (see shapes.h).
 *
 * Each icon is a union (min) of primitives in unit coordinates: the square
 * [-1, 1]^2 with y pointing down. A pixel's coverage is its distance to the
 * edge, in pixels, mapped onto a one-pixel ramp, which anti-aliases every
 * edge at any size. The primitive distances are the usual closed forms
 * (Inigo Quilez, "2D distance functions").
 */
#include "shapes.h"

#include <math.h>
#include <stddef.h>

#define PI 3.14159265358979f

struct vec {
	float x, y;
};

/* ------------------------------------------------------------------------ */
/* Primitives                                                               */
/* ------------------------------------------------------------------------ */

static float len(float x, float y)
{
	return sqrtf(x * x + y * y);
}

static float clampf(float v, float lo, float hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static float circle(struct vec p, float cx, float cy, float r)
{
	return len(p.x - cx, p.y - cy) - r;
}

static float ring(struct vec p, float cx, float cy, float r, float half_width)
{
	return fabsf(len(p.x - cx, p.y - cy) - r) - half_width;
}

/* A stroke from a to b with round ends, half_width thick on each side. */
static float capsule(struct vec p, float ax, float ay, float bx, float by, float half_width)
{
	float px = p.x - ax, py = p.y - ay, ex = bx - ax, ey = by - ay;
	float h = clampf((px * ex + py * ey) / (ex * ex + ey * ey), 0.0f, 1.0f);

	return len(px - ex * h, py - ey * h) - half_width;
}

/* A rectangle centred on (cx, cy) with half sizes hx, hy and corner radius r. */
static float round_box(struct vec p, float cx, float cy, float hx, float hy, float r)
{
	float qx = fabsf(p.x - cx) - hx + r, qy = fabsf(p.y - cy) - hy + r;
	float outside = len(fmaxf(qx, 0.0f), fmaxf(qy, 0.0f));

	return outside + fminf(fmaxf(qx, qy), 0.0f) - r;
}

/* A closed polygon (any shape, n corners). */
static float polygon(struct vec p, const struct vec *v, int n)
{
	float d = (p.x - v[0].x) * (p.x - v[0].x) + (p.y - v[0].y) * (p.y - v[0].y);
	float s = 1.0f;
	int i, j;

	for (i = 0, j = n - 1; i < n; j = i, i++) {
		float ex = v[j].x - v[i].x, ey = v[j].y - v[i].y;
		float wx = p.x - v[i].x, wy = p.y - v[i].y;
		float h = clampf((wx * ex + wy * ey) / (ex * ex + ey * ey), 0.0f, 1.0f);
		float bx = wx - ex * h, by = wy - ey * h;
		int c1 = p.y >= v[i].y, c2 = p.y<v[j].y, c3 = ex * wy> ey * wx;

		d = fminf(d, bx * bx + by * by);
		if ((c1 && c2 && c3) || (!c1 && !c2 && !c3))
			s = -s;
	}
	return s * sqrtf(d);
}

/* An arc of a ring from angle a0 clockwise to a1 (radians, y down, a0 < a1). */
static float arc(struct vec p, float cx, float cy, float r, float half_width, float a0, float a1)
{
	float a = atan2f(p.y - cy, p.x - cx);
	float d0, d1;

	if (a < a0)
		a += 2.0f * PI;
	if (a >= a0 && a <= a1)
		return ring(p, cx, cy, r, half_width);
	d0 = circle(p, cx + r * cosf(a0), cy + r * sinf(a0), half_width);
	d1 = circle(p, cx + r * cosf(a1), cy + r * sinf(a1), half_width);
	return fminf(d0, d1);
}

/* ------------------------------------------------------------------------ */
/* Icons                                                                    */
/* ------------------------------------------------------------------------ */

static float icon_check(struct vec p)
{
	return fminf(capsule(p, -0.42f, 0.02f, -0.12f, 0.32f, 0.12f),
		     capsule(p, -0.12f, 0.32f, 0.46f, -0.28f, 0.12f));
}

static float icon_cross(struct vec p)
{
	return fminf(capsule(p, -0.34f, -0.34f, 0.34f, 0.34f, 0.12f),
		     capsule(p, 0.34f, -0.34f, -0.34f, 0.34f, 0.12f));
}

static float icon_exclaim(struct vec p)
{
	return fminf(capsule(p, 0.0f, -0.5f, 0.0f, 0.1f, 0.115f), circle(p, 0.0f, 0.43f, 0.13f));
}

static float icon_question(struct vec p)
{
	float d = arc(p, 0.0f, -0.2f, 0.28f, 0.105f, -PI, 0.5f * PI);

	d = fminf(d, capsule(p, 0.0f, 0.08f, 0.0f, 0.16f, 0.105f));
	return fminf(d, circle(p, 0.0f, 0.46f, 0.125f));
}

static float icon_hourglass(struct vec p)
{
	static const struct vec top_sand[] = {{-0.2f, -0.46f}, {0.2f, -0.46f}, {0.0f, -0.16f}};
	static const struct vec low_sand[] = {{0.0f, 0.28f}, {0.27f, 0.6f}, {-0.27f, 0.6f}};
	float d = capsule(p, -0.46f, -0.76f, 0.46f, -0.76f, 0.075f);

	d = fminf(d, capsule(p, -0.46f, 0.76f, 0.46f, 0.76f, 0.075f));
	d = fminf(d, capsule(p, -0.36f, -0.7f, -0.06f, 0.0f, 0.06f));
	d = fminf(d, capsule(p, -0.06f, 0.0f, -0.36f, 0.7f, 0.06f));
	d = fminf(d, capsule(p, 0.36f, -0.7f, 0.06f, 0.0f, 0.06f));
	d = fminf(d, capsule(p, 0.06f, 0.0f, 0.36f, 0.7f, 0.06f));
	d = fminf(d, polygon(p, top_sand, 3));
	return fminf(d, polygon(p, low_sand, 3));
}

/* A QR finder pattern: a square ring with a square dot, centred on (cx, cy). */
static float finder(struct vec p, float cx, float cy, float half)
{
	float outer =
	    fabsf(round_box(p, cx, cy, half * 0.8f, half * 0.8f, half * 0.15f)) - half * 0.2f;

	return fminf(outer, round_box(p, cx, cy, half * 0.35f, half * 0.35f, half * 0.08f));
}

static float icon_phone(struct vec p)
{
	float d = fabsf(round_box(p, 0.0f, 0.0f, 0.46f, 0.86f, 0.16f)) - 0.055f;

	d = fminf(d, capsule(p, -0.12f, 0.68f, 0.12f, 0.68f, 0.035f));
	d = fminf(d, finder(p, -0.17f, -0.36f, 0.13f));
	d = fminf(d, finder(p, 0.17f, -0.36f, 0.13f));
	d = fminf(d, finder(p, -0.17f, -0.02f, 0.13f));
	d = fminf(d, round_box(p, 0.12f, -0.06f, 0.045f, 0.045f, 0.01f));
	d = fminf(d, round_box(p, 0.23f, 0.04f, 0.045f, 0.045f, 0.01f));
	d = fminf(d, round_box(p, 0.1f, 0.1f, 0.045f, 0.045f, 0.01f));
	return fminf(d, round_box(p, 0.2f, -0.13f, 0.03f, 0.03f, 0.01f));
}

static float icon_sun(struct vec p)
{
	float d = circle(p, 0.0f, 0.0f, 0.3f);
	int i;

	for (i = 0; i < 8; i++) {
		float a = (float)i * PI / 4.0f, c = cosf(a), s = sinf(a);

		d = fminf(d, capsule(p, 0.5f * c, 0.5f * s, 0.78f * c, 0.78f * s, 0.075f));
	}
	return d;
}

static float icon_chevron(struct vec p)
{
	return fminf(capsule(p, -0.55f, 0.28f, 0.0f, -0.27f, 0.11f),
		     capsule(p, 0.0f, -0.27f, 0.55f, 0.28f, 0.11f));
}

static float icon_lens(struct vec p)
{
	return fminf(ring(p, 0.0f, 0.0f, 0.62f, 0.11f), circle(p, 0.0f, 0.0f, 0.24f));
}

/* Distance in unit coordinates for the square icons. */
static float icon_distance(enum shape shape, struct vec p)
{
	switch (shape) {
	case SHAPE_DISC:
		return circle(p, 0.0f, 0.0f, 0.97f);
	case SHAPE_RING:
	case SHAPE_SPINNER:
		return ring(p, 0.0f, 0.0f, 0.86f, 0.09f);
	case SHAPE_CHECK:
		return icon_check(p);
	case SHAPE_CROSS:
		return icon_cross(p);
	case SHAPE_EXCLAIM:
		return icon_exclaim(p);
	case SHAPE_QUESTION:
		return icon_question(p);
	case SHAPE_HOURGLASS:
		return icon_hourglass(p);
	case SHAPE_PHONE:
		return icon_phone(p);
	case SHAPE_SUN:
		return icon_sun(p);
	case SHAPE_CHEVRON:
		return icon_chevron(p);
	case SHAPE_LENS:
		return icon_lens(p);
	default:
		return 1.0f;
	}
}

/* ------------------------------------------------------------------------ */
/* Rasterising                                                              */
/* ------------------------------------------------------------------------ */

static uint8_t coverage(float d_px)
{
	return (uint8_t)lrintf(clampf(0.5f - d_px, 0.0f, 1.0f) * 255.0f);
}

void shape_raster(enum shape shape, int w, int h, int param, uint8_t *alpha)
{
	float scale = (float)(w < h ? w : h) / 2.0f; /* pixels per unit */
	int x, y;

	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++) {
			float fx = (float)x + 0.5f, fy = (float)y + 0.5f;
			struct vec p = {(fx - (float)w / 2.0f) / scale,
					(fy - (float)h / 2.0f) / scale};
			uint8_t *out = &alpha[(size_t)y * (size_t)w + (size_t)x];
			float d;

			switch (shape) {
			case SHAPE_ROUNDRECT:
				p.x = fx;
				p.y = fy;
				d = round_box(p, (float)w / 2.0f, (float)h / 2.0f, (float)w / 2.0f,
					      (float)h / 2.0f, (float)param);
				*out = coverage(d);
				break;
			case SHAPE_CORNER_MASK:
				*out = coverage(-(len((float)w - fx, (float)h - fy) - (float)w));
				break;
			case SHAPE_SPINNER: {
				/*
				 * The head just left of 12 o'clock, the tail fading
				 * anticlockwise behind it; turned clockwise to animate.
				 */
				float a = atan2f(p.x, -p.y) / (2.0f * PI);

				if (a < 0.0f)
					a += 1.0f;

				d = icon_distance(shape, p) * scale;
				*out = (uint8_t)lrintf((float)coverage(d) * a * a);
				break;
			}
			default:
				*out = coverage(icon_distance(shape, p) * scale);
				break;
			}
		}
	}
}
