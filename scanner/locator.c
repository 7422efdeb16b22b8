/*
 * The QR locator: adaptive threshold, finder scan with cross-checks,
 * grouping into codes, perspective fit, rectification. See locator.h.
 *
 * The finder scan follows the classic approach (ZXing's FinderPatternFinder,
 * quirc's capstone test): along each row, five alternating runs in the ratio
 * 1:1:3:1:1 mark a candidate, which must hold the same ratio down its column
 * and again across its refined centre. Candidates confirmed on several rows
 * are finders; three finders at the corners of a plausible square form a code.
 */
#include "scanner/locator.h"
#include "scanner/error.h"
#include "scanner/image.h"

#include <math.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#include <stdlib.h>
#include <string.h>

/* Side of the threshold blocks, and the contrast below which a
 * neighbourhood counts as flat (no edge worth binarising). */
#define BLOCK	      8
#define FLAT_CONTRAST 20
/* Largest deviation of a run from its ideal length, in modules. */
#define RUN_TOLERANCE 0.6
/* Candidates seen on fewer scanlines than this are noise. */
#define MIN_HITS 2
/* Triples fitted as codes per frame: at most MAX_FITTED that fit. Textures
 * of rings or dots (fabrics, perforated metal) give dozens of finder-like
 * blobs whose triples all fail the timing test, at tens of microseconds a
 * fit, so only the triples of the TOP_FINDERS finders seen on the most
 * scanlines, and then MAX_FIT_ATTEMPTS more in order of their geometry, are
 * fitted. A code's own finders are usually among the most seen; under
 * strong perspective a tidier triangle of stray blobs often outranks them
 * on geometry alone. */
#define MAX_FITTED	 16
#define TOP_FINDERS	 6
#define MAX_FIT_ATTEMPTS 64
/* Triples kept for sorting, before the fitting. */
#define MAX_TRIPLES 512
/* Codes whose timing patterns match worse than this are not codes. */
#define MIN_TIMING 0.7
/* How much the alignment pattern may still raise the timing score of the
 * parallelogram fit: below MIN_TIMING - ALIGN_SLACK it is not looked for. */
#define ALIGN_SLACK 0.2

struct locator {
	uint8_t *dark;	     /* binary image: 1 = dark, w*h */
	uint8_t *threshold;  /* per block */
	uint32_t *block_sum; /* per block */
	uint8_t *block_min, *block_max;
	size_t pixel_cap, block_cap;
	struct locator_finder cand[LOCATOR_MAX_FINDERS * 4]; /* before MIN_HITS */
	size_t n_cand;
	uint8_t *small; /* the frame box-downscaled for the bar search */
	size_t small_cap;
	struct bar_cell *cells; /* structure tensor per cell of small */
	size_t cell_cap;
	uint32_t *profile; /* a bar region's cross-section and its running sum */
	size_t profile_cap;
};

int locator_create(struct locator **out)
{
	struct locator *loc = calloc(1, sizeof(*loc));
	if (!loc)
		return SCANNER_ERR_NOMEM;
	*out = loc;
	return 0;
}

void locator_destroy(struct locator *loc)
{
	if (!loc)
		return;
	free(loc->dark);
	free(loc->threshold);
	free(loc->block_sum);
	free(loc->block_min);
	free(loc->block_max);
	free(loc->small);
	free(loc->cells);
	free(loc->profile);
	free(loc);
}

static int grow(struct locator *loc, int w, int h)
{
	size_t pixels = (size_t)w * h;
	size_t blocks = (size_t)((w + BLOCK - 1) / BLOCK) * ((h + BLOCK - 1) / BLOCK);

	if (pixels > loc->pixel_cap) {
		uint8_t *p = realloc(loc->dark, pixels);
		if (!p)
			return SCANNER_ERR_NOMEM;
		loc->dark = p;
		loc->pixel_cap = pixels;
	}
	if (blocks > loc->block_cap) {
		uint8_t *t = realloc(loc->threshold, blocks);
		if (!t)
			return SCANNER_ERR_NOMEM;
		loc->threshold = t;
		uint32_t *s = realloc(loc->block_sum, blocks * sizeof(*s));
		if (!s)
			return SCANNER_ERR_NOMEM;
		loc->block_sum = s;
		uint8_t *mn = realloc(loc->block_min, blocks);
		if (!mn)
			return SCANNER_ERR_NOMEM;
		loc->block_min = mn;
		uint8_t *mx = realloc(loc->block_max, blocks);
		if (!mx)
			return SCANNER_ERR_NOMEM;
		loc->block_max = mx;
		loc->block_cap = blocks;
	}
	return 0;
}

/* ------------------------------------------------------------ linear algebra */

struct locator_point locator_map(const struct locator_perspective *p, double u, double v)
{
	const double *c = p->c;
	double den = c[6] * u + c[7] * v + 1.0;
	struct locator_point r = {(c[0] * u + c[1] * v + c[2]) / den,
				  (c[3] * u + c[4] * v + c[5]) / den};
	return r;
}

/*
 * Solves the n x n linear system whose rows are the first n columns of m's
 * rows, the right-hand side in column n, by Gauss-Jordan elimination with
 * partial pivoting, into x[0..n). m is used up. Returns -1 if singular.
 */
static int solve_linear(double m[][9], int n, double *x)
{
	for (int col = 0; col < n; col++) {
		int pivot = col;
		for (int r = col + 1; r < n; r++)
			if (fabs(m[r][col]) > fabs(m[pivot][col]))
				pivot = r;
		if (fabs(m[pivot][col]) < 1e-12)
			return -1;
		if (pivot != col) {
			double tmp[9];
			memcpy(tmp, m[col], sizeof(tmp));
			memcpy(m[col], m[pivot], sizeof(tmp));
			memcpy(m[pivot], tmp, sizeof(tmp));
		}
		for (int r = 0; r < n; r++) {
			if (r == col)
				continue;
			double f = m[r][col] / m[col][col];
			for (int k = col; k <= n; k++)
				m[r][k] -= f * m[col][k];
		}
	}
	for (int i = 0; i < n; i++)
		x[i] = m[i][n] / m[i][i];
	return 0;
}

/*
 * Fits the perspective that sends module coordinates src[i] to frame pixels
 * dst[i], i < 4: eight linear equations in the eight coefficients, solved by
 * solve_linear. Returns -1 if degenerate.
 */
static int perspective_fit(struct locator_perspective *p, const struct locator_point src[4],
			   const struct locator_point dst[4])
{
	double m[8][9];

	for (int i = 0; i < 4; i++) {
		double u = src[i].x, v = src[i].y, x = dst[i].x, y = dst[i].y;
		double r0[9] = {u, v, 1, 0, 0, 0, -u * x, -v * x, x};
		double r1[9] = {0, 0, 0, u, v, 1, -u * y, -v * y, y};
		memcpy(m[2 * i], r0, sizeof(r0));
		memcpy(m[2 * i + 1], r1, sizeof(r1));
	}
	return solve_linear(m, 8, p->c);
}

/* Bilinear sample of the frame at (x, y), pixel centres at +0.5; false
 * when the 2x2 neighbourhood leaves the frame. */
static bool sample(const struct scanner_frame *f, double x, double y, uint8_t *out)
{
	x -= 0.5;
	y -= 0.5;
	int x0 = (int)floor(x), y0 = (int)floor(y);
	if (x0 < 0 || y0 < 0 || x0 + 1 >= f->width || y0 + 1 >= f->height)
		return false;
	double fx = x - x0, fy = y - y0;
	const uint8_t *r0 = f->luma + (size_t)y0 * f->stride + x0;
	const uint8_t *r1 = r0 + f->stride;
	double val =
	    (r0[0] * (1 - fx) + r0[1] * fx) * (1 - fy) + (r1[0] * (1 - fx) + r1[1] * fx) * fy;
	*out = (uint8_t)(val + 0.5);
	return true;
}

static double dist(struct locator_point a, struct locator_point b)
{
	return hypot(a.x - b.x, a.y - b.y);
}

/* ------------------------------------------------------------ adaptive threshold */

/*
 * Mean, minimum and maximum of each BLOCK x BLOCK block of the frame, row
 * by row with a fixed-length inner loop the compiler can vectorise: this and
 * the binarisation touch every pixel, the rest of the locator only some.
 */
static void block_stats(struct locator *loc, const struct scanner_frame *f, int bw, int bh)
{
	int full = f->width / BLOCK;

	for (int by = 0; by < bh; by++) {
		uint32_t *sum = loc->block_sum + (size_t)by * bw;
		uint8_t *mn = loc->block_min + (size_t)by * bw,
			*mx = loc->block_max + (size_t)by * bw;
		int y0 = by * BLOCK, y1 = y0 + BLOCK < f->height ? y0 + BLOCK : f->height;
		for (int bx = 0; bx < bw; bx++) {
			sum[bx] = 0;
			mn[bx] = 255;
			mx[bx] = 0;
		}
		for (int y = y0; y < y1; y++) {
			const uint8_t *row = f->luma + (size_t)y * f->stride;
			for (int bx = 0; bx < full; bx++) {
				const uint8_t *p = row + bx * BLOCK;
				uint32_t s = 0;
				uint8_t lo = mn[bx], hi = mx[bx];
				for (int k = 0; k < BLOCK; k++) {
					s += p[k];
					lo = p[k] < lo ? p[k] : lo;
					hi = p[k] > hi ? p[k] : hi;
				}
				sum[bx] += s;
				mn[bx] = lo;
				mx[bx] = hi;
			}
			for (int x = full * BLOCK; x < f->width; x++) {
				sum[full] += row[x];
				mn[full] = row[x] < mn[full] ? row[x] : mn[full];
				mx[full] = row[x] > mx[full] ? row[x] : mx[full];
			}
		}
		for (int bx = 0; bx < bw; bx++) {
			int cols = bx < full ? BLOCK : f->width - full * BLOCK;
			sum[bx] /= (uint32_t)(cols * (y1 - y0));
		}
	}
}

/*
 * Binarises the frame against the mean of a 5x5 neighbourhood of 8x8 blocks:
 * fast, and it follows glare gradients and vignetting. Flat neighbourhoods
 * (a blank screen, a wall) come out light, so sensor noise makes no runs.
 */
static void threshold_frame(struct locator *loc, const struct scanner_frame *f)
{
	int bw = (f->width + BLOCK - 1) / BLOCK, bh = (f->height + BLOCK - 1) / BLOCK;

	block_stats(loc, f, bw, bh);
	for (int by = 0; by < bh; by++) {
		for (int bx = 0; bx < bw; bx++) {
			uint32_t sum = 0, n = 0;
			uint8_t mn = 255, mx = 0;
			for (int y = by - 2; y <= by + 2; y++) {
				if (y < 0 || y >= bh)
					continue;
				for (int x = bx - 2; x <= bx + 2; x++) {
					if (x < 0 || x >= bw)
						continue;
					size_t i = (size_t)y * bw + x;
					sum += loc->block_sum[i];
					n++;
					if (loc->block_min[i] < mn)
						mn = loc->block_min[i];
					if (loc->block_max[i] > mx)
						mx = loc->block_max[i];
				}
			}
			/* 0 marks a flat neighbourhood: every pixel light. */
			loc->threshold[by * bw + bx] =
			    mx - mn < FLAT_CONTRAST ? 0 : (uint8_t)((sum / n + (mn + mx) / 2) / 2);
		}
	}
	int full = f->width / BLOCK;
	for (int y = 0; y < f->height; y++) {
		const uint8_t *row = f->luma + (size_t)y * f->stride;
		uint8_t *out = loc->dark + (size_t)y * f->width;
		const uint8_t *t = loc->threshold + (size_t)(y / BLOCK) * bw;
		for (int bx = 0; bx < full; bx++) {
			const uint8_t *p = row + bx * BLOCK;
			uint8_t *o = out + bx * BLOCK, th = t[bx];
			for (int k = 0; k < BLOCK; k++)
				o[k] = p[k] < th;
		}
		for (int x = full * BLOCK; x < f->width; x++)
			out[x] = row[x] < t[full];
	}
}

/* ------------------------------------------------------------ finder scan */

/* Do five run lengths fit 1:1:3:1:1? Sets *module to the module size. */
static bool finder_ratio(const int r[5], double *module)
{
	int total = r[0] + r[1] + r[2] + r[3] + r[4];
	if (total < 7)
		return false;
	double u = total / 7.0, tol = u * RUN_TOLERANCE;
	if (fabs(r[0] - u) > tol || fabs(r[1] - u) > tol || fabs(r[3] - u) > tol ||
	    fabs(r[4] - u) > tol || fabs(r[2] - 3 * u) > 3 * tol)
		return false;
	*module = u;
	return true;
}

/*
 * Counts the five runs through (x, y) along direction (dx, dy), the centre
 * run being of colour core. Returns the centre's position along the line
 * (relative to the start) through *center, or false when the runs do not
 * fit the finder ratio. max_run bounds every walk.
 */
static bool cross_check(const struct locator *loc, int w, int h, int x, int y, int dx, int dy,
			uint8_t core, int max_run, double *center, double *module)
{
	int r[5] = {0};
	const uint8_t *d = loc->dark;
#define PIX(px, py)    d[(size_t)(py)*w + (px)]
#define INSIDE(px, py) ((px) >= 0 && (py) >= 0 && (px) < w && (py) < h)
	int cx = x, cy = y;
	/* backwards: core, ring, outer */
	while (INSIDE(cx, cy) && PIX(cx, cy) == core && r[2] <= max_run) {
		r[2]++;
		cx -= dx;
		cy -= dy;
	}
	while (INSIDE(cx, cy) && PIX(cx, cy) != core && r[1] <= max_run) {
		r[1]++;
		cx -= dx;
		cy -= dy;
	}
	while (INSIDE(cx, cy) && PIX(cx, cy) == core && r[0] <= max_run) {
		r[0]++;
		cx -= dx;
		cy -= dy;
	}
	int back = r[2];
	cx = x + dx;
	cy = y + dy;
	while (INSIDE(cx, cy) && PIX(cx, cy) == core && r[2] <= 2 * max_run) {
		r[2]++;
		cx += dx;
		cy += dy;
	}
	while (INSIDE(cx, cy) && PIX(cx, cy) != core && r[3] <= max_run) {
		r[3]++;
		cx += dx;
		cy += dy;
	}
	while (INSIDE(cx, cy) && PIX(cx, cy) == core && r[4] <= max_run) {
		r[4]++;
		cx += dx;
		cy += dy;
	}
#undef PIX
#undef INSIDE
	if (!r[0] || !r[1] || !r[3] || !r[4])
		return false;
	if (!finder_ratio(r, module))
		return false;
	/* centre of the core run, relative to (x, y) */
	*center = -back + r[2] / 2.0 + 0.5;
	return true;
}

/*
 * Drops the candidates that can no longer become finders: seen on fewer
 * than MIN_HITS scanlines and left behind by the scan (row, going down, is
 * more than their core's height below their centre). Texture at the top of
 * a frame (noise on a dark counter, small print) otherwise fills the list
 * before the scan reaches a code lower down.
 */
static void prune_candidates(struct locator *loc, int row)
{
	size_t kept = 0;

	for (size_t i = 0; i < loc->n_cand; i++) {
		const struct locator_finder *f = &loc->cand[i];
		if (f->hits < MIN_HITS && row - f->center.y > 3 * f->module + 2)
			continue;
		loc->cand[kept++] = *f;
	}
	loc->n_cand = kept;
}

static void add_candidate(struct locator *loc, double x, double y, double module, bool inverted,
			  int row)
{
	for (size_t i = 0; i < loc->n_cand; i++) {
		struct locator_finder *f = &loc->cand[i];
		double m = f->module > module ? f->module : module;
		if (f->inverted == inverted && fabs(f->center.x - x) < 2.5 * m &&
		    fabs(f->center.y - y) < 2.5 * m && f->module < 2 * module &&
		    module < 2 * f->module) {
			double n = f->hits;
			f->center.x = (f->center.x * n + x) / (n + 1);
			f->center.y = (f->center.y * n + y) / (n + 1);
			f->module = (f->module * n + module) / (n + 1);
			f->hits++;
			return;
		}
	}
	size_t cap = sizeof(loc->cand) / sizeof(loc->cand[0]);
	if (loc->n_cand == cap)
		prune_candidates(loc, row);
	if (loc->n_cand < cap) {
		loc->cand[loc->n_cand++] = (struct locator_finder){
		    .center = {x, y}, .module = module, .hits = 1, .inverted = inverted};
	}
}

/* Tests the candidate whose row runs end at x_end on row y. */
static void test_candidate(struct locator *loc, int w, int h, const int r[5], int x_end, int y,
			   uint8_t core)
{
	double module_h, module_v, module_h2, cy, cx;

	if (!finder_ratio(r, &module_h))
		return;
	int x = (int)(x_end - r[4] - r[3] - r[2] / 2.0);
	int max_run = (int)(module_h * 6) + 2;
	if (!cross_check(loc, w, h, x, y, 0, 1, core, max_run, &cy, &module_v))
		return;
	int y2 = (int)(y + cy);
	if (!cross_check(loc, w, h, x, y2, 1, 0, core, max_run, &cx, &module_h2))
		return;
	add_candidate(loc, x + cx, y2 + (cy - (int)cy), (module_h2 + module_v) / 2, core == 0, y);
}

static void scan_finders(struct locator *loc, int w, int h)
{
	/* A finder's core is three modules high and modules are at least two
	 * pixels in a frame this tall, so every other row still meets each
	 * core at least three times. */
	int step = h >= 600 ? 2 : 1;

	loc->n_cand = 0;
	for (int y = 0; y < h; y += step) {
		const uint8_t *row = loc->dark + (size_t)y * w;
		int r[5] = {0}, n = 0;
		uint8_t color = row[0];
		int len = 0;
		for (int x = 0; x <= w; x++) {
			if (x < w && row[x] == color) {
				len++;
				continue;
			}
			/* a run of colour `color` and length len ended at x */
			memmove(r, r + 1, 4 * sizeof(int));
			r[4] = len;
			if (n < 5)
				n++;
			/* the centre run has the colour of runs 0, 2 and 4,
			 * the colour that just ended */
			/* cheap test first: the core run is the longest */
			if (n == 5 && r[2] > r[0] && r[2] > r[1] && r[2] > r[3] && r[2] > r[4] &&
			    r[0] + r[1] + r[2] + r[3] + r[4] >= 7)
				test_candidate(loc, w, h, r, x, y, color);
			if (x < w) {
				color = row[x];
				len = 1;
			}
		}
	}
}

/* ------------------------------------------------------------ grouping */

struct triple {
	int a, b, c;  /* finder indices: corner, along u, along v */
	double shape; /* how code-like the outline is, lower is better */
	double order; /* shape plus any penalty: the order triples are fitted in */
};

static int compare_triples(const void *x, const void *y)
{
	const struct triple *p = x, *q = y;
	return (p->order > q->order) - (p->order < q->order);
}

/*
 * Searches for the alignment pattern near where the fourth corner predicts
 * it (module (size-6.5, size-6.5)): a core of the code's dark colour with a
 * light ring, about one module each. Returns true and sets *at when found.
 */
static bool find_alignment(const struct locator *loc, int w, int h, const struct locator_code *code,
			   struct locator_point *at)
{
	struct locator_point p = locator_map(&code->map, code->size - 6.5, code->size - 6.5);
	int radius = (int)(code->module * 4) + 2;
	uint8_t core = code->inverted ? 0 : 1;
	double best = 1e9;
	bool found = false;

	/* The core is about a module wide: probing every half module meets it
	 * and keeps the search cheap for large modules. */
	int step = code->module >= 4 ? (int)(code->module / 2) : 1;
	for (int y = (int)p.y - radius; y <= (int)p.y + radius; y += step) {
		if (y < 1 || y >= h - 1)
			continue;
		for (int x = (int)p.x - radius; x <= (int)p.x + radius; x += step) {
			if (x < 1 || x >= w - 1 || loc->dark[(size_t)y * w + x] != core)
				continue;
			/* the core's run across and down, bounded by the ring */
			int l = x, r = x, t = y, b = y;
			while (l > 0 && x - l < code->module * 2 &&
			       loc->dark[(size_t)y * w + l - 1] == core)
				l--;
			while (r < w - 1 && r - x < code->module * 2 &&
			       loc->dark[(size_t)y * w + r + 1] == core)
				r++;
			while (t > 0 && y - t < code->module * 2 &&
			       loc->dark[(size_t)(t - 1) * w + x] == core)
				t--;
			while (b < h - 1 && b - y < code->module * 2 &&
			       loc->dark[(size_t)(b + 1) * w + x] == core)
				b++;
			double sw = r - l + 1, sh = b - t + 1;
			if (sw < code->module * 0.4 || sw > code->module * 1.8 ||
			    sh < code->module * 0.4 || sh > code->module * 1.8)
				continue;
			/* the rings: light half a module out on all four sides, dark
			 * again one and a half modules out (a lone data module has
			 * the first, not the second) */
			int ring = (int)(code->module / 2 + 0.5) + 1;
			int outer = (int)(code->module * 1.5 + 0.5) + 1;
			if (l - outer < 0 || r + outer >= w || t - outer < 0 || b + outer >= h)
				continue;
			const uint8_t *row = loc->dark + (size_t)y * w;
			if (row[l - ring] == core || row[r + ring] == core ||
			    loc->dark[(size_t)(t - ring) * w + x] == core ||
			    loc->dark[(size_t)(b + ring) * w + x] == core)
				continue;
			if (row[l - outer] != core || row[r + outer] != core ||
			    loc->dark[(size_t)(t - outer) * w + x] != core ||
			    loc->dark[(size_t)(b + outer) * w + x] != core)
				continue;
			struct locator_point c = {(l + r) / 2.0 + 0.5, (t + b) / 2.0 + 0.5};
			double d = dist(c, p);
			if (d < best) {
				best = d;
				*at = c;
				found = true;
			}
		}
	}
	return found;
}

/*
 * Share of the timing patterns (row 6 and column 6 between the finders,
 * alternating dark and light from module 8) that the binary image shows
 * where the map puts them: near 1 for a real code, about 0.5 for three
 * finder-like blobs that happen to form a square.
 */
/* Timing agreement with the map shifted by (su, sv) modules, probing every
 * stride-th module. */
static double timing_at(const struct locator *loc, int w, int h, const struct locator_code *code,
			double su, double sv, int stride)
{
	int n = code->size, good = 0, total = 0;
	uint8_t dark = code->inverted ? 0 : 1;

	for (int i = 8; i <= n - 9; i += stride) {
		for (int axis = 0; axis < 2; axis++) {
			double u = (axis ? 6.5 : i + 0.5) + su, v = (axis ? i + 0.5 : 6.5) + sv;
			struct locator_point p = locator_map(&code->map, u, v);
			int x = (int)p.x, y = (int)p.y;
			if (x < 0 || y < 0 || x >= w || y >= h)
				continue;
			bool want_dark = (i % 2) == 0;
			good += (loc->dark[(size_t)y * w + x] == dark) == want_dark;
			total++;
		}
	}
	return total ? (double)good / total : 0;
}

static double timing_score(const struct locator *loc, int w, int h, const struct locator_code *code)
{
	/* The map is only as good as the finder centres and the fourth
	 * corner: allow it half a module of slack either way. The shifts are
	 * compared on every third module (odd, so both colours count), the
	 * best one is then scored on all. */
	double best = -1, best_su = 0, best_sv = 0;
	for (int shift = 0; shift < 9; shift++) {
		double su = (shift % 3 - 1) * 0.5, sv = (shift / 3 - 1) * 0.5;
		double t = timing_at(loc, w, h, code, su, sv, code->size > 40 ? 3 : 1);
		if (t > best) {
			best = t;
			best_su = su;
			best_sv = sv;
		}
	}
	return code->size > 40 ? timing_at(loc, w, h, code, best_su, best_sv, 1) : best;
}

/* Builds the code for finders a (corner), b (along u), c (along v). */
/*
 * A fitted map is sane when the outer corners lie near the finders they
 * belong to: a nearly singular fit through a wrong alignment point still
 * passes through the finders but flings the corners away.
 */
static bool map_sane(const struct locator_code *code, const struct locator_finder *fa,
		     const struct locator_finder *fb, const struct locator_finder *fc)
{
	int n = code->size;
	double reach = 8 * code->module;
	return dist(locator_map(&code->map, 0, 0), fa->center) < reach &&
	       dist(locator_map(&code->map, n, 0), fb->center) < reach &&
	       dist(locator_map(&code->map, 0, n), fc->center) < reach;
}

/*
 * Fits the code of the given version to finders a (corner), b (along u) and
 * c (along v): the parallelogram's fourth corner first, then the alignment
 * pattern where there is one. Returns its timing score (0 if degenerate).
 */
static double fit_version(const struct locator *loc, int w, int h, const struct locator_finder *fa,
			  const struct locator_finder *fb, const struct locator_finder *fc,
			  int version, struct locator_code *code)
{
	int n = 17 + 4 * version;

	code->size = n;
	struct locator_point d = {fb->center.x + fc->center.x - fa->center.x,
				  fb->center.y + fc->center.y - fa->center.y};
	struct locator_point src[4] = {
	    {3.5, 3.5}, {n - 3.5, 3.5}, {3.5, n - 3.5}, {n - 3.5, n - 3.5}};
	struct locator_point dst[4] = {fa->center, fb->center, fc->center, d};
	if (perspective_fit(&code->map, src, dst))
		return 0;
	/* Under perspective the parallelogram's fourth corner is off; the
	 * alignment pattern (version 2 and up) pins it down. A blob taken
	 * for it by mistake shows in the timing patterns, so the refined map
	 * is kept only if they fit it at least as well. */
	double timing = timing_score(loc, w, h, code);
	struct locator_point align;
	/* Timing patterns far off even before refinement: three finder-like
	 * blobs, not a code (the alignment search is the costly part). */
	if (timing < MIN_TIMING - ALIGN_SLACK)
		return timing;
	if (version >= 2 && find_alignment(loc, w, h, code, &align)) {
		src[3] = (struct locator_point){n - 6.5, n - 6.5};
		dst[3] = align;
		struct locator_code refined = *code;
		if (!perspective_fit(&refined.map, src, dst) && map_sane(&refined, fa, fb, fc)) {
			double t = timing_score(loc, w, h, &refined);
			if (t >= timing) {
				code->map = refined.map;
				timing = t;
			}
		}
	}
	return timing;
}

/* Builds the code for finders a (corner), b (along u), c (along v). */
static bool make_code(const struct locator *loc, int w, int h, const struct locator_finder *fa,
		      const struct locator_finder *fb, const struct locator_finder *fc,
		      double score, struct locator_code *code, double *timing_out)
{
	/* Runs along rows and columns cross a turned finder obliquely and
	 * come out longer by 1 / max(|cos|, |sin|) of the turn. */
	double turn = atan2(fb->center.y - fa->center.y, fb->center.x - fa->center.x);
	double module =
	    (fa->module + fb->module + fc->module) / 3 * fmax(fabs(cos(turn)), fabs(sin(turn)));
	double across = (dist(fa->center, fb->center) + dist(fa->center, fc->center)) / 2;
	int estimate = (int)lround((across / module + 7 - 17) / 4);
	if (estimate > 41)
		return false;

	code->module = module;
	code->inverted = fa->inverted;
	code->finders[0] = fa->center;
	code->finders[1] = fb->center;
	code->finders[2] = fc->center;
	code->finder_module[0] = fa->module;
	code->finder_module[1] = fb->module;
	code->finder_module[2] = fc->module;
	/* Perspective and blur skew the module estimate: of the versions
	 * next to the estimate, the one whose timing patterns fit wins. */
	double timing = 0;
	struct locator_code trial = *code;
	for (int version = estimate - 1; version <= estimate + 1; version++) {
		if (version < 1 || version > 40)
			continue;
		double t = fit_version(loc, w, h, fa, fb, fc, version, &trial);
		if (t > timing) {
			timing = t;
			*code = trial;
		}
	}
	if (timing < MIN_TIMING)
		return false;
	int n = code->size;
	code->corners[0] = locator_map(&code->map, 0, 0);
	code->corners[1] = locator_map(&code->map, n, 0);
	code->corners[2] = locator_map(&code->map, n, n);
	code->corners[3] = locator_map(&code->map, 0, n);
	code->confidence = timing * (score < 1 ? 1 - score / 2 : 0.5);
	*timing_out = timing;
	return true;
}

/* Added to the shape score of a triple whose corner finder does not face
 * its longest side, for the order triples are fitted in (not for the
 * confidence: of two corners for the same finders, the timing decides). */
#define OTHER_CORNER_PENALTY 0.3
/* Largest ratio of the module sizes of a code's finders: under strong
 * perspective (60 degrees, a close-up) the near finder's modules are over
 * twice the far one's. */
#define MAX_MODULE_RATIO 2.5
/* Taken off the order of the triples of the most seen finders: fitted first. */
#define TOP_FIRST 100.0

/*
 * Whether finders a (as the corner), *b and *c make a plausible code
 * outline: a corner angle not too far from square, sides of similar length,
 * a sensible number of modules across. Orders *b and *c so that b lies along
 * the code's u axis (right) and c along v (down), and sets *score (lower is
 * better).
 */
static bool triple_shape(const struct locator_finder *f, double side[][LOCATOR_MAX_FINDERS], int a,
			 int *b, int *c, double mn, double mx, double *score)
{
	struct locator_point pa = f[a].center, pb = f[*b].center, pc = f[*c].center;
	double ux = pb.x - pa.x, uy = pb.y - pa.y;
	double vx = pc.x - pa.x, vy = pc.y - pa.y;
	double d1 = side[a][*b], d2 = side[a][*c];
	double cosine = fabs(ux * vx + uy * vy) / (d1 * d2 + 1e-9);
	double ratio = d1 > d2 ? d1 / d2 : d2 / d1;
	double modules = (d1 + d2) / 2 / ((mn + mx) / 2);

	if (cosine > 0.7 || ratio > 2.2 || modules < 10 || modules > 190)
		return false;
	if (ux * vy - uy * vx < 0) {
		int t = *b;
		*b = *c;
		*c = t;
	}
	*score = cosine + 0.5 * log(ratio) + 0.5 * log(mx / mn);
	return true;
}

/*
 * Whether finders i and j can belong to one code: the same colour, module
 * sizes within MAX_MODULE_RATIO, and a distance that fits some code's side
 * or diagonal (triple_shape's bounds, with its side ratio and the diagonal's
 * square root of two). Sets side[i][j] and side[j][i] to the distance.
 */
static bool pair_plausible(const struct locator_finder *f, size_t i, size_t j,
			   double side[][LOCATOR_MAX_FINDERS])
{
	double dx = f[i].center.x - f[j].center.x, dy = f[i].center.y - f[j].center.y;
	double d = sqrt(dx * dx + dy * dy);
	double mn = fmin(f[i].module, f[j].module), mx = fmax(f[i].module, f[j].module);

	side[i][j] = side[j][i] = d;
	if (f[i].inverted != f[j].inverted || mx > MAX_MODULE_RATIO * mn)
		return false;
	/* triple_shape wants (d1 + d2) / 2 of 10..190 modules of a size
	 * between mn and mx over MAX_MODULE_RATIO of each other: each side
	 * then lies within a factor 2.2 of that mean, the diagonal within
	 * 1.42 x 2 of it */
	double modules_lo = d / (MAX_MODULE_RATIO * mx), modules_hi = d / (mn / MAX_MODULE_RATIO);
	return modules_hi >= 10 / 2.2 && modules_lo <= 190 * 2.2 * 1.42;
}

static void group_codes(const struct locator *loc, int w, int h, struct locator_result *res)
{
	struct triple triples[MAX_TRIPLES] = {{0}};
	size_t nt = 0, n_top = 0, n = res->n_finders;
	const struct locator_finder *f = res->finders;
	double side[LOCATOR_MAX_FINDERS][LOCATOR_MAX_FINDERS];
	bool pair[LOCATOR_MAX_FINDERS][LOCATOR_MAX_FINDERS];

	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			pair[i][j] = pair_plausible(f, i, j, side);
	/* the finder seen least, k, outermost: the triples of the most seen
	 * come first and are never crowded out of the array */
	for (size_t k = 2; k < n; k++) {
		for (size_t j = 1; j < k; j++) {
			if (!pair[j][k])
				continue;
			for (size_t i = 0; i < j; i++) {
				if (!pair[i][j] || !pair[i][k])
					continue;
				/* all three pairs within MAX_MODULE_RATIO: so is
				 * the triple, its extremes being one of them */
				double mn = fmin(f[i].module, fmin(f[j].module, f[k].module));
				double mx = fmax(f[i].module, fmax(f[j].module, f[k].module));
				/* The corner finder faces the longest side, the
				 * diagonal, as a rule; strong perspective can make
				 * another side longer, so the other two finders are
				 * tried as the corner too, at a penalty, and the
				 * timing patterns decide between them (make_code). */
				int idx[3] = {(int)i, (int)j, (int)k};
				double longest = -1;
				int diagonal = 0;
				for (int a = 0; a < 3; a++) {
					double d = side[idx[(a + 1) % 3]][idx[(a + 2) % 3]];
					if (d > longest) {
						longest = d;
						diagonal = a;
					}
				}
				for (int corner = 0; corner < 3; corner++) {
					int a = idx[corner], b = idx[(corner + 1) % 3],
					    c = idx[(corner + 2) % 3];
					double shape;
					if (!triple_shape(f, side, a, &b, &c, mn, mx, &shape))
						continue;
					double order =
					    shape + (corner != diagonal ? OTHER_CORNER_PENALTY : 0);
					if (k < TOP_FINDERS) {
						order -= TOP_FIRST;
						n_top++;
					}
					if (nt < sizeof(triples) / sizeof(triples[0]))
						triples[nt++] =
						    (struct triple){a, b, c, shape, order};
				}
			}
		}
	}
	/* The geometrically best triples are fitted; among those, the codes
	 * whose timing patterns fit best claim their finders first, since a
	 * stray finder-like blob can make a tidier triangle than the code's
	 * own three under perspective. */
	qsort(triples, nt, sizeof(triples[0]), compare_triples);
	struct fitted {
		struct locator_code code;
		const struct triple *triple;
		double timing;
		bool dropped;
	} fitted[MAX_FITTED];
	size_t nf = 0;
	for (size_t t = 0; t < nt && t < n_top + MAX_FIT_ATTEMPTS && nf < MAX_FITTED; t++) {
		const struct triple *tr = &triples[t];
		if (make_code(loc, w, h, &f[tr->a], &f[tr->b], &f[tr->c], tr->shape,
			      &fitted[nf].code, &fitted[nf].timing)) {
			fitted[nf].triple = tr;
			fitted[nf].dropped = false;
			nf++;
		}
	}
	/* The same three finders with another one as the corner: the timing
	 * patterns know which is right, whatever the outline's shape says. */
	for (size_t i = 0; i < nf; i++) {
		for (size_t j = i + 1; j < nf; j++) {
			const struct triple *p = fitted[i].triple, *q = fitted[j].triple;
			if (p->a + p->b + p->c != q->a + q->b + q->c ||
			    (p->a != q->a && p->a != q->b && p->a != q->c) ||
			    (p->b != q->a && p->b != q->b && p->b != q->c))
				continue;
			if (fitted[j].timing > fitted[i].timing)
				fitted[i].dropped = true;
			else
				fitted[j].dropped = true;
		}
	}
	bool used[LOCATOR_MAX_FINDERS] = {false};
	while (res->n_codes < LOCATOR_MAX_CODES) {
		int best = -1;
		for (size_t i = 0; i < nf; i++) {
			const struct triple *tr = fitted[i].triple;
			if (fitted[i].dropped || used[tr->a] || used[tr->b] || used[tr->c])
				continue;
			if (best < 0 || fitted[i].code.confidence > fitted[best].code.confidence)
				best = (int)i;
		}
		if (best < 0)
			break;
		const struct triple *tr = fitted[best].triple;
		res->codes[res->n_codes++] = fitted[best].code;
		used[tr->a] = used[tr->b] = used[tr->c] = true;
	}
}

/* ------------------------------------------------------------ bar regions */

/* Bar search: the frame is downscaled so its long side is at most this,
 * then cut into cells of BAR_CELL pixels. */
#define BAR_MAX_SIDE 480
#define BAR_CELL     6
/* A cell is part of a bar region when its mean squared gradient and the
 * coherence of its gradient directions (1 = all parallel) exceed these. */
#define BAR_MIN_ENERGY	  300.0
#define BAR_MIN_COHERENCE 0.8
/* The shortest card a bar region can hold, in frame pixels: "CUST#" and one
 * character are about 100 Code128 modules, at 1.2 px per module at least.
 * Lines of text make short bar-like regions; this keeps them out. */
#define BAR_MIN_LENGTH 120
/* Cells in a region, at least; and most cells a region grows to. */
#define BAR_MIN_CELLS  5
#define BAR_MAX_REGION 2048

struct bar_cell {
	float angle; /* gradient direction, radians, in (-pi/2, pi/2] */
	uint8_t bar; /* 1: energetic and coherent; 2: already in a region */
};

static int grow_bars(struct locator *loc, size_t small, size_t cells)
{
	if (small > loc->small_cap) {
		uint8_t *p = realloc(loc->small, small);
		if (!p)
			return SCANNER_ERR_NOMEM;
		loc->small = p;
		loc->small_cap = small;
	}
	if (cells > loc->cell_cap) {
		struct bar_cell *c = realloc(loc->cells, cells * sizeof(*c));
		if (!c)
			return SCANNER_ERR_NOMEM;
		loc->cells = c;
		loc->cell_cap = cells;
	}
	return 0;
}

static double angle_diff(double a, double b)
{
	double d = fmod(fabs(a - b), M_PI);
	return d > M_PI / 2 ? M_PI - d : d;
}

/*
 * Structure tensor per cell of the small image: the gradient's energy and
 * how parallel it is. Bars give strong, parallel gradients; text and
 * clutter give strong gradients in all directions.
 */
static void bar_cells(struct locator *loc, int sw, int sh, int cw, int ch)
{
	for (int cy = 0; cy < ch; cy++) {
		for (int cx = 0; cx < cw; cx++) {
			double jxx = 0, jyy = 0, jxy = 0;
			for (int y = cy * BAR_CELL; y < (cy + 1) * BAR_CELL; y++) {
				if (y < 1 || y >= sh - 1)
					continue;
				const uint8_t *r = loc->small + (size_t)y * sw;
				for (int x = cx * BAR_CELL; x < (cx + 1) * BAR_CELL; x++) {
					if (x < 1 || x >= sw - 1)
						continue;
					double gx = r[x + 1] - r[x - 1], gy = r[x + sw] - r[x - sw];
					jxx += gx * gx;
					jyy += gy * gy;
					jxy += gx * gy;
				}
			}
			double energy = jxx + jyy;
			double coherence =
			    energy > 0 ? sqrt((jxx - jyy) * (jxx - jyy) + 4 * jxy * jxy) / energy
				       : 0;
			struct bar_cell *c = &loc->cells[cy * cw + cx];
			c->angle = (float)(0.5 * atan2(2 * jxy, jxx - jyy));
			c->bar = energy / (BAR_CELL * BAR_CELL) > BAR_MIN_ENERGY &&
				 coherence > BAR_MIN_COHERENCE;
		}
	}
}

/* Grows a region of parallel bar cells from seed and describes it as a
 * rotated rectangle in frame pixels. */
static bool bar_region(struct locator *loc, int cw, int ch, int seed, int factor,
		       struct locator_bars *out)
{
	int queue[BAR_MAX_REGION];
	int head = 0, tail = 0;
	double angle = loc->cells[seed].angle;
	double sum_c = 0, sum_s = 0;

	queue[tail++] = seed;
	loc->cells[seed].bar = 2;
	while (head < tail) {
		int c = queue[head++], x = c % cw, y = c / cw;
		sum_c += cos(2 * loc->cells[c].angle);
		sum_s += sin(2 * loc->cells[c].angle);
		for (int dy = -1; dy <= 1; dy++) {
			for (int dx = -1; dx <= 1; dx++) {
				int nx = x + dx, ny = y + dy;
				if (nx < 0 || ny < 0 || nx >= cw || ny >= ch ||
				    tail >= BAR_MAX_REGION)
					continue;
				struct bar_cell *n = &loc->cells[ny * cw + nx];
				if (n->bar == 1 && angle_diff(n->angle, angle) < 0.26) {
					n->bar = 2;
					queue[tail++] = ny * cw + nx;
				}
			}
		}
	}
	if (tail < BAR_MIN_CELLS)
		return false;
	angle = 0.5 * atan2(sum_s, sum_c);
	double ux = cos(angle), uy = sin(angle);
	double umin = 1e9, umax = -1e9, vmin = 1e9, vmax = -1e9;
	for (int i = 0; i < tail; i++) {
		double px = (queue[i] % cw + 0.5) * BAR_CELL, py = (queue[i] / cw + 0.5) * BAR_CELL;
		double u = px * ux + py * uy, v = -px * uy + py * ux;
		umin = fmin(umin, u);
		umax = fmax(umax, u);
		vmin = fmin(vmin, v);
		vmax = fmax(vmax, v);
	}
	/* Cells are sampled at their centres: widen by a cell, then add a
	 * quiet zone of a tenth of the length on each end. */
	double len = umax - umin + BAR_CELL, hgt = vmax - vmin + BAR_CELL;
	if (len < 3 * BAR_CELL || len < hgt * 0.8 || len * factor < BAR_MIN_LENGTH)
		return false; /* too short across the bars to be a code */
	double margin = len * 0.12 + BAR_CELL;
	umin -= BAR_CELL / 2.0 + margin;
	umax += BAR_CELL / 2.0 + margin;
	vmin -= BAR_CELL / 2.0;
	vmax += BAR_CELL / 2.0;
	out->angle = angle;
	out->origin.x = (umin * ux - vmin * uy) * factor;
	out->origin.y = (umin * uy + vmin * ux) * factor;
	out->length = (umax - umin) * factor;
	out->height = (vmax - vmin) * factor;
	out->confidence = sqrt(sum_c * sum_c + sum_s * sum_s) / tail;
	return true;
}

static int compare_u32(const void *x, const void *y)
{
	uint32_t p = *(const uint32_t *)x, q = *(const uint32_t *)y;
	return (p > q) - (p < q);
}

/* Rows across the middle of a bar region averaged into its cross-section. */
#define BAR_PROFILE_ROWS 5
/* Fewest bars and spaces a Code128 symbol shows: start, one character,
 * check character and stop hold 13 bars. */
#define BAR_MIN_RUNS 24
/* Least ratio of the widest tenth of a region's runs to the narrowest. */
#define BAR_MIN_SPREAD 2.2

/*
 * Whether the bars of a region vary in width as a code's do. Code128 draws
 * bars and spaces of one to four modules, and its start and stop characters
 * hold elements of three and four, so across the region's middle the widest
 * tenth of the runs is several times the narrowest tenth; the gratings of
 * fabrics, blinds, meshes and woven papers are nearly even. Such a region
 * would otherwise set the whole cascade off on every frame it is in view.
 */
static int bars_vary(struct locator *loc, const struct scanner_frame *f,
		     const struct locator_bars *bars, bool *vary)
{
	int w = locator_bars_width(bars);
	size_t need = 2 * (size_t)w + 1;
	if (need > loc->profile_cap) {
		uint32_t *p = realloc(loc->profile, need * sizeof(*p));
		if (!p)
			return SCANNER_ERR_NOMEM;
		loc->profile = p;
		loc->profile_cap = need;
	}
	uint32_t *profile = loc->profile, *sum = loc->profile + w;
	double ux = cos(bars->angle), uy = sin(bars->angle);
	for (int x = 0; x < w; x++) {
		unsigned acc = 0;
		for (int r = 0; r < BAR_PROFILE_ROWS; r++) {
			double v = bars->height * (0.25 + 0.5 * (r + 0.5) / BAR_PROFILE_ROWS);
			uint8_t px = 255;
			sample(f, bars->origin.x + (x + 0.5) * ux - v * uy,
			       bars->origin.y + (x + 0.5) * uy + v * ux, &px);
			acc += px;
		}
		profile[x] = acc;
	}
	/* dark where below the mean of a window of about a sixteenth of the
	 * region: a few characters, wide enough to hold bars and spaces */
	int half = w / 32 > 4 ? w / 32 : 4;
	sum[0] = 0;
	for (int x = 0; x < w; x++)
		sum[x + 1] = sum[x] + profile[x];
	/* run lengths, written over the profile behind the scan */
	int n_runs = 0, len = 0;
	bool dark = false;
	for (int x = 0; x < w; x++) {
		int lo = x - half < 0 ? 0 : x - half, hi = x + half + 1 > w ? w : x + half + 1;
		bool d = (uint64_t)profile[x] * (unsigned)(hi - lo) < (uint64_t)(sum[hi] - sum[lo]);
		if (x > 0 && d != dark) {
			profile[n_runs++] = (uint32_t)len;
			len = 0;
		}
		dark = d;
		len++;
	}
	/* the first run and the one still open touch the region's ends */
	*vary = false;
	if (n_runs - 1 < BAR_MIN_RUNS)
		return 0;
	uint32_t *runs = profile + 1;
	n_runs--;
	qsort(runs, (size_t)n_runs, sizeof(*runs), compare_u32);
	uint32_t narrow = runs[n_runs / 10], wide = runs[n_runs - 1 - n_runs / 10];
	*vary = wide >= BAR_MIN_SPREAD * (narrow ? narrow : 1);
	return 0;
}

static int find_bars(struct locator *loc, const struct scanner_frame *f, struct locator_result *res)
{
	int long_side = f->width > f->height ? f->width : f->height;
	int factor = (long_side + BAR_MAX_SIDE - 1) / BAR_MAX_SIDE;
	int sw = f->width / factor, sh = f->height / factor;
	int cw = sw / BAR_CELL, ch = sh / BAR_CELL;

	if (cw < 3 || ch < 3)
		return 0;
	int rc = grow_bars(loc, (size_t)sw * sh, (size_t)cw * ch);
	if (rc)
		return rc;
	for (int y = 0; y < sh; y++) {
		uint8_t *out = loc->small + (size_t)y * sw;
		for (int x = 0; x < sw; x++) {
			unsigned acc = 0;
			for (int j = 0; j < factor; j++) {
				const uint8_t *r = f->luma + (size_t)(y * factor + j) * f->stride;
				for (int i = 0; i < factor; i++)
					acc += r[x * factor + i];
			}
			out[x] = (uint8_t)(acc / (unsigned)(factor * factor));
		}
	}
	bar_cells(loc, sw, sh, cw, ch);
	for (int c = 0; c < cw * ch && res->n_bars < LOCATOR_MAX_BARS; c++) {
		if (loc->cells[c].bar != 1)
			continue;
		bool vary = false;
		if (!bar_region(loc, cw, ch, c, factor, &res->bars[res->n_bars]))
			continue;
		rc = bars_vary(loc, f, &res->bars[res->n_bars], &vary);
		if (rc)
			return rc;
		if (vary)
			res->n_bars++;
	}
	return 0;
}

int locator_bars_width(const struct locator_bars *bars)
{
	int w = (int)(bars->length + 0.5);
	return w < 1 ? 1 : w > SCANNER_IMAGE_MAX_SIDE ? SCANNER_IMAGE_MAX_SIDE : w;
}

void locator_rectify_bars(const struct scanner_frame *f, const struct locator_bars *bars,
			  bool invert, int height, uint8_t *out)
{
	int w = locator_bars_width(bars);
	double ux = cos(bars->angle), uy = sin(bars->angle);
	uint8_t lo = 255, hi = 0;

	for (int oy = 0; oy < height; oy++) {
		double v = (oy + 0.5) * bars->height / height;
		for (int ox = 0; ox < w; ox++) {
			double x = bars->origin.x + (ox + 0.5) * ux - v * uy;
			double y = bars->origin.y + (ox + 0.5) * uy + v * ux;
			uint8_t *o = &out[(size_t)oy * w + ox];
			if (!sample(f, x, y, o)) {
				*o = invert ? 0 : 255; /* off the frame: quiet zone */
				continue;
			}
			lo = *o < lo ? *o : lo;
			hi = *o > hi ? *o : hi;
		}
	}
	int range = hi > lo ? hi - lo : 1;
	for (size_t i = 0; i < (size_t)w * height; i++) {
		int s = (out[i] - lo) * 255 / range;
		s = s < 0 ? 0 : s > 255 ? 255 : s;
		out[i] = (uint8_t)(invert ? 255 - s : s);
	}
}

static int compare_hits(const void *x, const void *y)
{
	const struct locator_finder *p = x, *q = y;
	return q->hits - p->hits;
}

int locator_find(struct locator *loc, const struct scanner_frame *frame, struct locator_result *res)
{
	memset(res, 0, sizeof(*res));
	if (!loc || !frame || !frame->luma || frame->width <= 0 || frame->height <= 0 ||
	    frame->stride < frame->width)
		return SCANNER_ERR_INVAL;
	if (frame->width > SCANNER_IMAGE_MAX_SIDE || frame->height > SCANNER_IMAGE_MAX_SIDE)
		return SCANNER_ERR_TOO_BIG;
	int rc = grow(loc, frame->width, frame->height);
	if (rc)
		return rc;
	threshold_frame(loc, frame);
	scan_finders(loc, frame->width, frame->height);
	qsort(loc->cand, loc->n_cand, sizeof(loc->cand[0]), compare_hits);
	for (size_t i = 0; i < loc->n_cand && res->n_finders < LOCATOR_MAX_FINDERS; i++)
		if (loc->cand[i].hits >= MIN_HITS)
			res->finders[res->n_finders++] = loc->cand[i];
	group_codes(loc, frame->width, frame->height, res);
	return find_bars(loc, frame, res);
}

/* ------------------------------------------------------------ rectification */

int locator_move_fourth(const struct locator_code *code, double du, double dv,
			struct locator_code *out)
{
	double n = code->size;
	struct locator_point src[4] = {
	    {3.5, 3.5}, {n - 3.5, 3.5}, {3.5, n - 3.5}, {n - 3.5, n - 3.5}};
	struct locator_point dst[4];

	for (int i = 0; i < 4; i++)
		dst[i] = locator_map(&code->map, src[i].x, src[i].y);
	/* the code's axes at the fourth point, one module long */
	struct locator_point eu = locator_map(&code->map, n - 2.5, n - 3.5);
	struct locator_point ev = locator_map(&code->map, n - 3.5, n - 2.5);
	dst[3].x += du * (eu.x - dst[3].x) + dv * (ev.x - dst[3].x);
	dst[3].y += du * (eu.y - dst[3].y) + dv * (ev.y - dst[3].y);
	*out = *code;
	if (perspective_fit(&out->map, src, dst))
		return -1;
	out->corners[0] = locator_map(&out->map, 0, 0);
	out->corners[1] = locator_map(&out->map, n, 0);
	out->corners[2] = locator_map(&out->map, n, n);
	out->corners[3] = locator_map(&out->map, 0, n);
	return 0;
}

int locator_fit_scales(const struct locator_code *code, struct locator_code *out)
{
	double n = code->size;
	const double u[3] = {3.5, n - 3.5, 3.5}, v[3] = {3.5, 3.5, n - 3.5};
	const double *m = code->finder_module;

	if (m[0] <= 0 || m[1] <= 0 || m[2] <= 0)
		return -1;
	/* A homography's local scale goes as w^-1.5 (w its denominator
	 * g u + h v + 1), so w_b / w_a = (m_a / m_b)^(2/3), likewise for c:
	 * two linear equations in g and h. */
	double rb = pow(m[0] / m[1], 2.0 / 3), rc = pow(m[0] / m[2], 2.0 / 3);
	double gh_sys[2][9] = {{u[1] - rb * u[0], v[1] - rb * v[0], rb - 1},
			       {u[2] - rc * u[0], v[2] - rc * v[0], rc - 1}};
	double gh[2];
	if (solve_linear(gh_sys, 2, gh))
		return -1;
	double g = gh[0], h = gh[1];
	/* then x w = a u + b v + c and y w = d u + e v + f at the finders */
	double x_sys[3][9], y_sys[3][9], abc[3], def[3];
	for (int i = 0; i < 3; i++) {
		double w = g * u[i] + h * v[i] + 1;
		if (w <= 0.05)
			return -1; /* the plane would fold behind the camera */
		double xr[9] = {u[i], v[i], 1, code->finders[i].x * w};
		double yr[9] = {u[i], v[i], 1, code->finders[i].y * w};
		memcpy(x_sys[i], xr, sizeof(xr));
		memcpy(y_sys[i], yr, sizeof(yr));
	}
	if (solve_linear(x_sys, 3, abc) || solve_linear(y_sys, 3, def))
		return -1;
	*out = *code;
	out->map =
	    (struct locator_perspective){{abc[0], abc[1], abc[2], def[0], def[1], def[2], g, h}};
	/* the corners must stay in the neighbourhood of the guess */
	for (int i = 0; i < 4; i++) {
		double cu = i == 1 || i == 2 ? n : 0, cv = i >= 2 ? n : 0;
		struct locator_point p = locator_map(&out->map, cu, cv);
		if (dist(p, code->corners[i]) > n * code->module)
			return -1;
		out->corners[i] = p;
	}
	return 0;
}

int locator_rectified_side(const struct locator_code *code, int px_per_module, int quiet)
{
	return (code->size + 2 * quiet) * px_per_module;
}

/* locator_rectify and locator_rectify_modules: module_centres samples each
 * module once, at its centre. */
static int rectify(const struct scanner_frame *f, const struct locator_code *code,
		   int px_per_module, int quiet, bool module_centres, uint8_t *out)
{
	int side = locator_rectified_side(code, px_per_module, quiet);
	int n = code->size;
	uint8_t lo = 255, hi = 0;

	for (int oy = 0; oy < side; oy++) {
		double v = (oy + 0.5) / px_per_module - quiet;
		for (int ox = 0; ox < side; ox++) {
			double u = (ox + 0.5) / px_per_module - quiet;
			uint8_t *o = &out[(size_t)oy * side + ox];
			if (u < 0 || v < 0 || u > n || v > n) {
				*o = 255;
				continue;
			}
			if (module_centres && (ox % px_per_module || oy % px_per_module)) {
				/* the module's first pixel holds its sample */
				*o = out[(size_t)(oy - oy % px_per_module) * side + ox -
					 ox % px_per_module];
				continue;
			}
			struct locator_point p =
			    module_centres ? locator_map(&code->map, floor(u) + 0.5, floor(v) + 0.5)
					   : locator_map(&code->map, u, v);
			if (!sample(f, p.x, p.y, o)) {
				/* outside the frame: the code continues off-screen */
				*o = code->inverted ? 0 : 255;
				continue;
			}
			if (*o < lo)
				lo = *o;
			if (*o > hi)
				hi = *o;
		}
	}
	/* stretch and, for dark mode, invert the code area; the added quiet
	 * zone stays white */
	int range = hi > lo ? hi - lo : 1;
	for (int oy = 0; oy < side; oy++) {
		double v = (oy + 0.5) / px_per_module - quiet;
		for (int ox = 0; ox < side; ox++) {
			double u = (ox + 0.5) / px_per_module - quiet;
			if (u < 0 || v < 0 || u > n || v > n)
				continue;
			uint8_t *o = &out[(size_t)oy * side + ox];
			int s = (*o - lo) * 255 / range;
			s = s < 0 ? 0 : s > 255 ? 255 : s;
			*o = (uint8_t)(code->inverted ? 255 - s : s);
		}
	}
	return side;
}

int locator_rectify(const struct scanner_frame *f, const struct locator_code *code,
		    int px_per_module, int quiet, uint8_t *out)
{
	return rectify(f, code, px_per_module, quiet, false, out);
}

int locator_rectify_modules(const struct scanner_frame *f, const struct locator_code *code,
			    int px_per_module, int quiet, uint8_t *out)
{
	return rectify(f, code, px_per_module, quiet, true, out);
}
