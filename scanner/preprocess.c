/*
 * Image filters in front of the decoding engine: downscale, contrast stretch,
 * inversion, blur, local normalisation; and the 1-D bar profiles of blurred
 * Code128 strips. See preprocess.h for what each is for.
 */
#include "preprocess.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void pp_downscale(struct pp_view src, int factor, uint8_t *dst)
{
	int dw = src.w / factor, dh = src.h / factor;
	unsigned area = (unsigned)(factor * factor);

	if (factor == 1) {
		for (int y = 0; y < dh; y++)
			memcpy(dst + (size_t)y * dw, src.p + (size_t)y * src.stride, (size_t)dw);
		return;
	}
	for (int y = 0; y < dh; y++) {
		uint8_t *out = dst + (size_t)y * dw;
		const uint8_t *row0 = src.p + (size_t)y * factor * src.stride;
		for (int x = 0; x < dw; x++) {
			unsigned acc = 0;
			const uint8_t *r = row0 + (size_t)x * factor;
			for (int j = 0; j < factor; j++, r += src.stride)
				for (int i = 0; i < factor; i++)
					acc += r[i];
			out[x] = (uint8_t)((acc + area / 2) / area);
		}
	}
}

void pp_stretch(uint8_t *img, size_t n, int lo_permille, int hi_permille)
{
	size_t hist[256] = {0};
	uint8_t lut[256];
	int lo = 0, hi = 255;

	if (n == 0)
		return;
	for (size_t i = 0; i < n; i++)
		hist[img[i]]++;
	size_t lo_count = n * (size_t)lo_permille / 1000, hi_count = n * (size_t)hi_permille / 1000;
	size_t acc = 0;
	for (lo = 0; lo < 255; lo++) {
		acc += hist[lo];
		if (acc > lo_count)
			break;
	}
	acc = 0;
	for (hi = 255; hi > 0; hi--) {
		acc += hist[hi];
		if (acc > hi_count)
			break;
	}
	if (hi - lo < 8)
		return; /* flat: stretching would only amplify noise */
	for (int v = 0; v < 256; v++) {
		int s = (v - lo) * 255 / (hi - lo);
		lut[v] = (uint8_t)(s < 0 ? 0 : s > 255 ? 255 : s);
	}
	for (size_t i = 0; i < n; i++)
		img[i] = lut[img[i]];
}

void pp_binarize(uint8_t *img, size_t n)
{
	for (size_t i = 0; i < n; i++)
		img[i] = img[i] < 128 ? 0 : 255;
}

void pp_invert(uint8_t *img, size_t n)
{
	for (size_t i = 0; i < n; i++)
		img[i] = (uint8_t)(255 - img[i]);
}

void pp_erode3(struct pp_view src, uint8_t *dst)
{
	for (int y = 0; y < src.h; y++) {
		int y0 = y > 0 ? y - 1 : 0, y1 = y < src.h - 1 ? y + 1 : y;
		const uint8_t *rows[3] = {src.p + (size_t)y0 * src.stride,
					  src.p + (size_t)y * src.stride,
					  src.p + (size_t)y1 * src.stride};
		uint8_t *out = dst + (size_t)y * src.w;
		for (int x = 0; x < src.w; x++) {
			int x0 = x > 0 ? x - 1 : 0, x1 = x < src.w - 1 ? x + 1 : x;
			uint8_t m = 255;
			for (int k = 0; k < 3; k++) {
				const uint8_t *r = rows[k];
				if (r[x0] < m)
					m = r[x0];
				if (r[x] < m)
					m = r[x];
				if (r[x1] < m)
					m = r[x1];
			}
			out[x] = m;
		}
	}
}

void pp_blur3(struct pp_view src, uint8_t *dst)
{
	for (int y = 0; y < src.h; y++) {
		int y0 = y > 0 ? y - 1 : 0, y1 = y < src.h - 1 ? y + 1 : y;
		const uint8_t *ra = src.p + (size_t)y0 * src.stride;
		const uint8_t *rb = src.p + (size_t)y * src.stride;
		const uint8_t *rc = src.p + (size_t)y1 * src.stride;
		uint8_t *out = dst + (size_t)y * src.w;
		for (int x = 0; x < src.w; x++) {
			int x0 = x > 0 ? x - 1 : 0, x1 = x < src.w - 1 ? x + 1 : x;
			unsigned s = (unsigned)ra[x0] + ra[x] + ra[x1] + rb[x0] + rb[x] + rb[x1] +
				     rc[x0] + rc[x] + rc[x1];
			out[x] = (uint8_t)((s + 4) / 9);
		}
	}
}

void pp_local_normalize(struct pp_view src, int radius, uint32_t *sum, uint64_t *sqsum,
			uint8_t *dst)
{
	const size_t iw = (size_t)src.w + 1;

	/* Integral images with a zero first row and column. The uint32_t sums
	 * may wrap on huge images; window sums stay exact in modular arithmetic. */
	memset(sum, 0, iw * sizeof(*sum));
	memset(sqsum, 0, iw * sizeof(*sqsum));
	for (int y = 0; y < src.h; y++) {
		const uint8_t *row = src.p + (size_t)y * src.stride;
		uint32_t rs = 0;
		uint64_t rq = 0;
		uint32_t *s = sum + (size_t)(y + 1) * iw;
		uint64_t *q = sqsum + (size_t)(y + 1) * iw;
		s[0] = 0;
		q[0] = 0;
		for (int x = 0; x < src.w; x++) {
			rs += row[x];
			rq += (uint64_t)row[x] * row[x];
			s[x + 1] = s[x + 1 - iw] + rs;
			q[x + 1] = q[x + 1 - iw] + rq;
		}
	}
	for (int y = 0; y < src.h; y++) {
		int ya = y - radius < 0 ? 0 : y - radius;
		int yb = y + radius + 1 > src.h ? src.h : y + radius + 1;
		const uint8_t *row = src.p + (size_t)y * src.stride;
		uint8_t *out = dst + (size_t)y * src.w;
		for (int x = 0; x < src.w; x++) {
			int xa = x - radius < 0 ? 0 : x - radius;
			int xb = x + radius + 1 > src.w ? src.w : x + radius + 1;
			double area = (double)(xb - xa) * (yb - ya);
			uint32_t s = sum[(size_t)yb * iw + xb] - sum[(size_t)ya * iw + xb] -
				     sum[(size_t)yb * iw + xa] + sum[(size_t)ya * iw + xa];
			uint64_t q = sqsum[(size_t)yb * iw + xb] - sqsum[(size_t)ya * iw + xb] -
				     sqsum[(size_t)yb * iw + xa] + sqsum[(size_t)ya * iw + xa];
			double mean = s / area;
			double var = q / area - mean * mean;
			/* A floor on the deviation keeps flat areas flat instead of
			 * blowing sensor noise up to full contrast. */
			double dev = sqrt(var > 0 ? var : 0) + 8.0;
			double v = 128.0 + (row[x] - mean) * 64.0 / dev;
			out[x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
		}
	}
}

/* A pixel step larger than this counts as an edge. */
#define EDGE_STEP 24

int pp_busiest_region(struct pp_view src, struct pp_rect *out)
{
	int cw = src.w / PP_CELL, ch = src.h / PP_CELL;
	uint16_t score[PP_MAX_CELLS];
	uint16_t queue[PP_MAX_CELLS];
	uint8_t taken[PP_MAX_CELLS];
	int best = -1, best_score = 0;

	if (cw < 1 || ch < 1 || cw * ch > PP_MAX_CELLS)
		return 0;
	for (int cy = 0; cy < ch; cy++) {
		for (int cx = 0; cx < cw; cx++) {
			int hx = 0, vy = 0;
			for (int y = cy * PP_CELL; y < (cy + 1) * PP_CELL && y + 1 < src.h; y++) {
				const uint8_t *r = src.p + (size_t)y * src.stride;
				for (int x = cx * PP_CELL; x < (cx + 1) * PP_CELL && x + 1 < src.w;
				     x++) {
					hx += abs(r[x + 1] - r[x]) > EDGE_STEP;
					vy += abs(r[x + src.stride] - r[x]) > EDGE_STEP;
				}
			}
			/* Bars have edges one way, QR modules both ways; noise
			 * and smooth gradients have few strong ones. */
			int s = hx > vy ? hx : vy;
			score[cy * cw + cx] = (uint16_t)s;
			if (s > best_score) {
				best_score = s;
				best = cy * cw + cx;
			}
		}
	}
	/* A code in a cell of 64 pixels gives at least a dozen strong steps. */
	if (best < 0 || best_score < PP_CELL * PP_CELL / 6)
		return 0;
	int threshold = best_score / 3;
	memset(taken, 0, (size_t)cw * ch);
	int head = 0, tail = 0;
	queue[tail++] = (uint16_t)best;
	taken[best] = 1;
	struct pp_rect r = {best % cw, best / cw, best % cw + 1, best / cw + 1};
	while (head < tail) {
		int c = queue[head++], cx = c % cw, cy = c / cw;
		if (cx < r.x0)
			r.x0 = cx;
		if (cy < r.y0)
			r.y0 = cy;
		if (cx + 1 > r.x1)
			r.x1 = cx + 1;
		if (cy + 1 > r.y1)
			r.y1 = cy + 1;
		static const int dx[4] = {1, -1, 0, 0}, dy[4] = {0, 0, 1, -1};
		for (int k = 0; k < 4; k++) {
			int nx = cx + dx[k], ny = cy + dy[k];
			if (nx < 0 || ny < 0 || nx >= cw || ny >= ch)
				continue;
			int n = ny * cw + nx;
			if (!taken[n] && score[n] >= threshold) {
				taken[n] = 1;
				queue[tail++] = (uint16_t)n;
			}
		}
	}
	/* Pad by one cell: the quiet zone and a cut-off edge of the code. */
	out->x0 = (r.x0 > 0 ? r.x0 - 1 : 0) * PP_CELL;
	out->y0 = (r.y0 > 0 ? r.y0 - 1 : 0) * PP_CELL;
	out->x1 = (r.x1 < cw ? r.x1 + 1 : cw) * PP_CELL;
	out->y1 = (r.y1 < ch ? r.y1 + 1 : ch) * PP_CELL;
	if (out->x1 > src.w)
		out->x1 = src.w;
	if (out->y1 > src.h)
		out->y1 = src.h;
	return 1;
}

/* ------------------------------------------------------------ bar profiles */

void pp_bar_profile(const uint8_t *strip, int w, int row0, int rows, bool invert, float *profile)
{
	for (int x = 0; x < w; x++) {
		unsigned sum = 0;
		for (int y = row0; y < row0 + rows; y++)
			sum += strip[(size_t)y * w + x];
		float v = (float)sum / (float)rows;
		profile[x] = invert ? 255.0f - v : v;
	}
}

bool pp_bars_dark(const uint8_t *strip, int w, int h)
{
	int end = w / 20 > 1 ? w / 20 : 1;
	uint64_t all = 0, ends = 0;

	for (int y = 0; y < h; y++) {
		const uint8_t *row = strip + (size_t)y * w;
		for (int x = 0; x < w; x++) {
			all += row[x];
			if (x < end || x >= w - end)
				ends += row[x];
		}
	}
	int n_ends = end * 2 < w ? end * 2 : w;
	return (double)ends / ((double)n_ends * h) < (double)all / ((double)w * h);
}

/* Convolves in with the normalised Gaussian kernel k (2r + 1 taps), the
 * ends repeated. */
static void convolve_profile(const float *in, float *out, int n, const float *k, int r)
{
	for (int x = 0; x < n; x++) {
		float acc = 0;
		for (int i = -r; i <= r; i++) {
			int xx = x + i < 0 ? 0 : x + i >= n ? n - 1 : x + i;
			acc += k[i + r] * in[xx];
		}
		out[x] = acc;
	}
}

void pp_deblur_profile(const float *in, float *out, int n, float sigma, int iterations, float *tmp)
{
	enum { max_r = 12 }; /* 3 * PP_DEBLUR_MAX_SIGMA */
	float k[2 * max_r + 1];
	int r = (int)ceilf(3 * sigma);
	float sum = 0;
	float *blurred = tmp, *ratio = tmp + n;

	r = r < 1 ? 1 : r > max_r ? max_r : r;
	for (int i = -r; i <= r; i++)
		sum += k[i + r] = expf(-(float)(i * i) / (2 * sigma * sigma));
	for (int i = 0; i <= 2 * r; i++)
		k[i] /= sum;
	/* Richardson-Lucy wants positive data: shift off zero */
	for (int x = 0; x < n; x++)
		out[x] = in[x] + 8.0f;
	for (int it = 0; it < iterations; it++) {
		convolve_profile(out, blurred, n, k, r);
		for (int x = 0; x < n; x++)
			blurred[x] = (in[x] + 8.0f) / (blurred[x] > 1e-3f ? blurred[x] : 1e-3f);
		convolve_profile(blurred, ratio, n, k, r);
		for (int x = 0; x < n; x++)
			out[x] *= ratio[x];
	}
	for (int x = 0; x < n; x++)
		out[x] -= 8.0f;
}

/* The profile's light and dark levels: its 95th and 5th percentiles. */
static void profile_levels(const float *p, int n, float *light, float *dark)
{
	unsigned hist[256] = {0};

	for (int x = 0; x < n; x++) {
		int v = (int)(p[x] + 0.5f);
		hist[v < 0 ? 0 : v > 255 ? 255 : v]++;
	}
	unsigned lo = (unsigned)n / 20, hi = (unsigned)n - (unsigned)n / 20, acc = 0;
	*dark = 0;
	*light = 255;
	bool have_dark = false;
	for (int v = 0; v < 256; v++) {
		acc += hist[v];
		if (!have_dark && acc > lo) {
			*dark = (float)v;
			have_dark = true;
		}
		if (acc >= hi) {
			*light = (float)v;
			break;
		}
	}
}

int pp_bar_edges(const float *p, int n, float delta, float *edges, int cap, int *ext)
{
	float light, dark;
	int n_ext = 0, cand = 0, n_edges = 0;
	bool want_max = true; /* a bar region starts in its light quiet zone */

	profile_levels(p, n, &light, &dark);
	float contrast = light - dark;
	if (n < 2 || contrast < 8)
		return 0;
	/* alternating maxima and minima, each at least delta * contrast
	 * from the last */
	for (int x = 1; x < n; x++) {
		if (want_max ? p[x] > p[cand] : p[x] < p[cand]) {
			cand = x;
		} else if ((want_max ? p[cand] - p[x] : p[x] - p[cand]) > delta * contrast) {
			ext[n_ext++] = cand;
			cand = x;
			want_max = !want_max;
		}
	}
	ext[n_ext++] = cand;
	/* each minimum between two maxima is a bar */
	for (int k = 1; k + 1 < n_ext && n_edges + 2 <= cap; k += 2) {
		int a = ext[k - 1], b = ext[k + 1];
		double area = 0, moment = 0;
		for (int x = a; x <= b; x++) {
			double d = (light - p[x]) / contrast;
			if (x == a || x == b)
				d *= 0.5; /* the maxima are shared with the neighbours */
			area += d;
			moment += d * x;
		}
		if (area <= 0)
			continue;
		double centre = moment / area + 0.5; /* pixel x spans [x, x + 1) */
		float left = (float)(centre - area / 2), right = (float)(centre + area / 2);
		if (n_edges && left < edges[n_edges - 1])
			left = edges[n_edges - 1]; /* overlapping: no space left */
		if (right < left)
			right = left;
		edges[n_edges++] = left;
		edges[n_edges++] = right;
	}
	return n_edges;
}
