/*
 * The decoding pipeline: a cascade of preprocessing passes in front of the
 * engine, cheapest first, stopping at the first pass that reads anything or
 * when the per-frame budget would be overrun. See decoder.h.
 */
#include "scanner/decoder.h"
#include "scanner/error.h"
#include "scanner/image.h"
#include "scanner/locator.h"

#include "engine.h"
#include "preprocess.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ------------------------------------------------------------ the cascade */

enum pass_filter {
	FILTER_STRETCH,	       /* 1-99 % contrast stretch */
	FILTER_STRETCH_INVERT, /* the same, inverted: dark-mode cards */
	FILTER_BLUR,	       /* 3x3 box blur: glare edges, noise */
	FILTER_LOCAL_NORM,     /* local mean/deviation: shading, small codes */
	FILTER_ERODE,	       /* stretch, then 3x3 minimum: blooming light modules */
	FILTER_ERODE_INVERT,   /* the same, inverted: blooming on dark-mode cards */
	FILTER_NONE,	       /* the frame as it is */
	FILTER_LOCATED,	       /* each located QR code, rectified (locator.h) */
	FILTER_MOVED,	       /* located codes not read, fourth corner moved */
};

struct pass_def {
	const char *name;
	int max_side; /* longest side the pass works at; 0 = full resolution */
	enum pass_filter filter;
	bool region; /* only the busiest region of the frame, not all of it */
	bool sweep;  /* whole-frame and costly: in live use only on sweep frames */
};

/*
 * Order and sizes follow the measurements in docs/BENCHMARKS.md: the small
 * passes read most phone screens (their downscale removes moiré) for a few
 * milliseconds, so they come first and an empty frame usually costs little
 * more than them in live use. The region passes then look at full
 * resolution, but only where the small image has code-like edges, which
 * reads small and far codes for a fraction of a full-frame pass.
 */
static const struct pass_def passes[] = {
    {"located", 1280, FILTER_LOCATED, false, false},
    {"small-stretch", 400, FILTER_STRETCH, false, false},
    {"small-inverted", 400, FILTER_STRETCH_INVERT, false, false},
    {"located-small", 400, FILTER_LOCATED, false, false},
    {"region-stretch", 0, FILTER_STRETCH, true, false},
    {"region-inverted", 0, FILTER_STRETCH_INVERT, true, false},
    {"located-moved", 1280, FILTER_MOVED, false, false},
    {"mid-blur", 640, FILTER_BLUR, false, true},
    {"full-erode", 0, FILTER_ERODE, false, true},
    {"full-erode-inverted", 0, FILTER_ERODE_INVERT, false, true},
    {"full-local-norm", 0, FILTER_LOCAL_NORM, false, true},
    {"full", 0, FILTER_NONE, false, true},
};
#define PASS_COUNT ((int)(sizeof(passes) / sizeof(passes[0])))
_Static_assert(PASS_COUNT <= SCANNER_MAX_PASSES, "pass table larger than results can report");

/* Cost assumed for a pass before it has been timed: about what a
 * full-resolution ZBar pass costs on a noisy webcam frame here. */
#define PRIOR_NS_PER_PIXEL 40.0

/* A region larger than this share of the frame is left to the full passes. */
#define REGION_MAX_SHARE 0.5

/* Passes whose input would be smaller than this are skipped. */
#define PASS_MIN_SIDE 24

int scanner_pass_count(void)
{
	return PASS_COUNT;
}

const char *scanner_pass_name(int pass)
{
	return pass >= 0 && pass < PASS_COUNT ? passes[pass].name : "?";
}

int scanner_pass_find(const char *name)
{
	for (int i = 0; i < PASS_COUNT; i++)
		if (!strcmp(passes[i].name, name))
			return i;
	return -1;
}

/* ------------------------------------------------------------ symbologies */

static const struct {
	enum scanner_symbology sym;
	const char *zbar_name; /* ZBar's spelling, used in JSON output */
	const char *short_name;
} symbology_names[] = {
    {SCANNER_SYM_QR, "QR-Code", "qr"},	    {SCANNER_SYM_CODE128, "CODE-128", "code128"},
    {SCANNER_SYM_EAN13, "EAN-13", "ean13"}, {SCANNER_SYM_EAN8, "EAN-8", "ean8"},
    {SCANNER_SYM_UPCA, "UPC-A", "upca"},    {SCANNER_SYM_CODE39, "CODE-39", "code39"},
    {SCANNER_SYM_I25, "I2/5", "i25"},
};
#define SYMBOLOGY_COUNT (sizeof(symbology_names) / sizeof(symbology_names[0]))

const char *scanner_symbology_name(enum scanner_symbology sym)
{
	for (size_t i = 0; i < SYMBOLOGY_COUNT; i++)
		if (symbology_names[i].sym == sym)
			return symbology_names[i].zbar_name;
	return "UNKNOWN";
}

int scanner_symbology_parse(const char *list, unsigned *set)
{
	unsigned result = 0;
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ",");
		bool known = false;
		if (n == 7 && !strncasecmp(p, "default", n)) {
			result |= SCANNER_SYM_DEFAULT;
			known = true;
		}
		for (size_t i = 0; i < SYMBOLOGY_COUNT && !known; i++) {
			const char *a = symbology_names[i].short_name,
				   *b = symbology_names[i].zbar_name;
			if ((strlen(a) == n && !strncasecmp(p, a, n)) ||
			    (strlen(b) == n && !strncasecmp(p, b, n))) {
				result |= symbology_names[i].sym;
				known = true;
			}
		}
		if (!known)
			return -1;
		p += n;
		if (*p == ',')
			p++;
	}
	if (!result)
		return -1;
	*set = result;
	return 0;
}

/* ------------------------------------------------------------ the decoder */

struct scanner {
	struct scanner_config cfg;
	const struct engine_ops *engine_ops;
	void *engine;

	/* Buffers reused for every frame, grown to the largest frame seen. */
	uint8_t *pass_buf;   /* the scaled (or copied) pass input */
	uint8_t *filter_buf; /* the filtered pass input */
	uint32_t *int_sum;   /* integral images for local normalisation */
	uint64_t *int_sqsum;
	size_t pixel_cap;    /* bytes in pass_buf and filter_buf */
	size_t integral_cap; /* entries in int_sum and int_sqsum */

	/* Predicted cost of each pass, in ns per input pixel (moving average),
	 * so the budget can stop the cascade before a pass that would overrun. */
	double ns_per_pixel[PASS_COUNT];

	/* The busiest region of the current frame, in frame pixels. */
	struct pp_rect region;
	bool have_region;

	/* Symbols of the current frame; result->symbols point into payloads. */
	struct scanner_result *result;
	int current_pass;
	int current_factor;
	int current_x0, current_y0;	   /* where the pass input starts in the frame */
	const struct pp_rect *current_box; /* non-NULL: every symbol gets this box */
	unsigned frames_seen;		   /* live frames, for choosing the sweep frames */
	int tracked_pass;		   /* the pass that read the previous frame, or -1 */
	int last_move;			   /* the fourth-corner move that last read, or -1 */

	/* The locator and the rectified image of one located code. */
	struct locator *locator;
	struct locator_result located;
	/* Every candidate the located passes found in this frame, in frame
	 * pixels: the cascade goes on past the first read while one of them
	 * is still unread, so every code in a frame is reported. */
	struct pp_rect candidates[2 * (LOCATOR_MAX_CODES + LOCATOR_MAX_BARS)];
	int n_candidates;
	/* Located QR codes no rectification read, for the moved pass: each
	 * in the coordinates of the frame downscaled by its factor. */
	struct {
		struct locator_code code;
		int factor;
		struct pp_rect box; /* in frame pixels */
	} unread[2 * LOCATOR_MAX_CODES];
	int n_unread;
	uint8_t *rectified;
	size_t rectified_cap;
	/* A blurred bar region read from its profiles (decode_bar_widths):
	 * profile, deblurred copy, deblur scratch (2), edges, each bar_cap
	 * floats; extrema and widths, bar_cap + 1 each. */
	float *bar_buf; /* owns the block bar_ext and bar_widths point into */
	int *bar_ext;
	unsigned *bar_widths;
	size_t bar_cap;
	/* The first payload a profile read, kept until another profile
	 * confirms it. */
	uint8_t bar_read[SCANNER_MAX_PAYLOAD];
	size_t bar_read_len;
	bool bar_confirmed;
	uint8_t payloads[SCANNER_MAX_SYMBOLS][SCANNER_MAX_PAYLOAD];
};

void scanner_config_init_default(struct scanner_config *cfg)
{
	cfg->symbologies = SCANNER_SYM_DEFAULT;
	/* Leaves room in a 33 ms frame period at 30 fps for capture and UI,
	 * and keeps the slowest frames (p95) at or below ZXing-C++'s on the
	 * same frames; 25 ms reads a little more (docs/BENCHMARKS.md). */
	cfg->budget_us = 16000;
	cfg->all_passes = false;
	cfg->pass_mask = 0;
	cfg->sweep_every = 3;
}

int scanner_create(const struct scanner_config *cfg, struct scanner **out)
{
	struct scanner *s;
	int rc;

	if (!cfg || !out || !cfg->symbologies || (cfg->symbologies & ~SCANNER_SYM_ALL) ||
	    cfg->budget_us < 0)
		return SCANNER_ERR_INVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return SCANNER_ERR_NOMEM;
	s->cfg = *cfg;
	s->engine_ops = &engine_zbar;
	rc = s->engine_ops->create(cfg->symbologies, &s->engine);
	if (rc) {
		free(s);
		return rc;
	}
	s->tracked_pass = -1;
	s->last_move = -1;
	rc = locator_create(&s->locator);
	if (rc) {
		scanner_destroy(s);
		return rc;
	}
	*out = s;
	return 0;
}

void scanner_destroy(struct scanner *s)
{
	if (!s)
		return;
	s->engine_ops->destroy(s->engine);
	locator_destroy(s->locator);
	free(s->rectified);
	free(s->bar_buf);
	free(s->int_sqsum);
	free(s->int_sum);
	free(s->filter_buf);
	free(s->pass_buf);
	free(s);
}

void scanner_reset(struct scanner *s)
{
	if (!s)
		return;
	s->tracked_pass = -1;
	s->last_move = -1;
	s->frames_seen = 0;
}

void scanner_trim(struct scanner *s)
{
	struct locator *fresh = NULL;

	if (!s)
		return;
	scanner_reset(s);
	free(s->pass_buf);
	free(s->filter_buf);
	free(s->int_sum);
	free(s->int_sqsum);
	free(s->rectified);
	free(s->bar_buf);
	s->bar_buf = NULL;
	s->bar_ext = NULL;
	s->bar_widths = NULL;
	s->bar_cap = 0;
	s->pass_buf = s->filter_buf = s->rectified = NULL;
	s->int_sum = NULL;
	s->int_sqsum = NULL;
	s->pixel_cap = s->integral_cap = s->rectified_cap = 0;
	/* The locator's maps go with it; a fresh one grows them with the next frame. */
	if (locator_create(&fresh) == 0) {
		locator_destroy(s->locator);
		s->locator = fresh;
	}
}

static int grow_buffers(struct scanner *s, int width, int height)
{
	size_t pixels = (size_t)width * height;
	size_t integral = ((size_t)width + 1) * ((size_t)height + 1);

	if (pixels > s->pixel_cap) {
		uint8_t *a = realloc(s->pass_buf, pixels);
		if (!a)
			return SCANNER_ERR_NOMEM;
		s->pass_buf = a;
		uint8_t *b = realloc(s->filter_buf, pixels);
		if (!b)
			return SCANNER_ERR_NOMEM;
		s->filter_buf = b;
		s->pixel_cap = pixels;
	}
	if (integral > s->integral_cap) {
		uint32_t *a = realloc(s->int_sum, integral * sizeof(*a));
		if (!a)
			return SCANNER_ERR_NOMEM;
		s->int_sum = a;
		uint64_t *b = realloc(s->int_sqsum, integral * sizeof(*b));
		if (!b)
			return SCANNER_ERR_NOMEM;
		s->int_sqsum = b;
		s->integral_cap = integral;
	}
	return 0;
}

static int64_t clock_us(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Wall time, for the reported decode time. */
static int64_t now_us(void)
{
	return clock_us(CLOCK_MONOTONIC);
}

/* The calling thread's CPU time: the budget and the pass costs count it
 * (see decoder.h). */
static int64_t cpu_us(void)
{
	return clock_us(CLOCK_THREAD_CPUTIME_ID);
}

/* Whether the thread's CPU time is past deadline_us (0: no deadline). */
static bool past(int64_t deadline_us)
{
	return deadline_us && cpu_us() > deadline_us;
}

/* Filters that make bars wider or narrower than they are: the 3x3 minimum
 * against blooming grows every dark element by a pixel a side. */
static bool width_distorted(enum pass_filter f)
{
	return f == FILTER_ERODE || f == FILTER_ERODE_INVERT;
}

/* Symbologies whose check cannot catch a misread bar width: EAN/UPC have
 * one mod-10 digit (a wrong width gives a valid number one time in ten; a
 * dark-mode EAN-13 member card read through the inverted minimum gave
 * another member's number), Code 39 and I2/5 often none. Code128's mod-103
 * check and QR's Reed-Solomon code do. */
static bool weak_check(enum scanner_symbology type)
{
	return type == SCANNER_SYM_EAN13 || type == SCANNER_SYM_EAN8 || type == SCANNER_SYM_UPCA ||
	       type == SCANNER_SYM_CODE39 || type == SCANNER_SYM_I25;
}

/* Engine sink: keeps each new symbol, mapped back to frame coordinates;
 * a weakly checked code read through a width-distorting filter is not
 * trusted (see weak_check). */
static int collect_symbol(void *ctx, const struct engine_symbol *sym)
{
	struct scanner *s = ctx;
	struct scanner_result *r = s->result;

	if (sym->len > SCANNER_MAX_PAYLOAD)
		return 0; /* larger than any card: not ours, and not kept */
	if (width_distorted(passes[s->current_pass].filter) && weak_check(sym->type))
		return 0;
	for (size_t i = 0; i < r->count; i++) {
		if (r->symbols[i].type == sym->type && r->symbols[i].len == sym->len &&
		    !memcmp(r->symbols[i].data, sym->data, sym->len))
			return 0;
	}
	if (r->count == SCANNER_MAX_SYMBOLS)
		return 1;
	uint8_t *store = s->payloads[r->count];
	memcpy(store, sym->data, sym->len);
	int f = s->current_factor, ox = s->current_x0, oy = s->current_y0;
	struct scanner_symbol out = {
	    .type = sym->type,
	    .data = store,
	    .len = sym->len,
	    .x0 = ox + sym->x0 * f,
	    .y0 = oy + sym->y0 * f,
	    .x1 = ox + sym->x1 * f,
	    .y1 = oy + sym->y1 * f,
	    .pass = s->current_pass,
	};
	if (s->current_box) {
		/* read from a rectified image: the located code's box */
		out.x0 = s->current_box->x0;
		out.y0 = s->current_box->y0;
		out.x1 = s->current_box->x1;
		out.y1 = s->current_box->y1;
	}
	r->symbols[r->count] = out;
	r->count++;
	return 0;
}

/* Prepares the input of pass p from src (the frame or a region of it) in
 * s->pass_buf/filter_buf; returns the pointer the engine should read and its
 * size through *w, *h. */
static const uint8_t *prepare_pass(struct scanner *s, const struct pass_def *p, struct pp_view src,
				   int factor, int *w, int *h)
{
	int pw = src.w / factor, ph = src.h / factor;
	size_t n = (size_t)pw * ph;
	const uint8_t *input;

	if (factor == 1 && src.stride == src.w) {
		input = src.p; /* no copy: the engine reads the frame itself */
	} else {
		pp_downscale(src, factor, s->pass_buf);
		input = s->pass_buf;
	}
	struct pp_view in = {input, pw, ph, pw};
	*w = pw;
	*h = ph;
	/* the filters that work in place do so on a copy the pipeline owns */
	bool in_place = p->filter == FILTER_STRETCH || p->filter == FILTER_STRETCH_INVERT ||
			p->filter == FILTER_ERODE || p->filter == FILTER_ERODE_INVERT;
	if (in_place && input != s->pass_buf)
		memcpy(s->pass_buf, input, n);
	switch (p->filter) {
	case FILTER_STRETCH:
	case FILTER_STRETCH_INVERT:
		pp_stretch(s->pass_buf, n, 10, 10);
		if (p->filter == FILTER_STRETCH_INVERT)
			pp_invert(s->pass_buf, n);
		return s->pass_buf;
	case FILTER_BLUR:
		pp_blur3(in, s->filter_buf);
		return s->filter_buf;
	case FILTER_ERODE:
	case FILTER_ERODE_INVERT:
		pp_stretch(s->pass_buf, n, 10, 10);
		if (p->filter == FILTER_ERODE_INVERT)
			pp_invert(s->pass_buf, n);
		pp_erode3((struct pp_view){s->pass_buf, pw, ph, pw}, s->filter_buf);
		return s->filter_buf;
	case FILTER_LOCAL_NORM: {
		int radius = (pw > ph ? ph : pw) / 40;
		pp_local_normalize(in, radius < 8 ? 8 : radius, s->int_sum, s->int_sqsum,
				   s->filter_buf);
		return s->filter_buf;
	}
	case FILTER_NONE:
	case FILTER_LOCATED:
	case FILTER_MOVED:
		return input;
	}
	return input;
}

/* After the first small pass: remember where the frame looks most like a
 * code, in frame pixels, if that is small enough to be worth a crop. */
static void find_region(struct scanner *s, const uint8_t *small, int w, int h, int factor,
			const struct scanner_frame *frame)
{
	struct pp_view v = {small, w, h, w};
	struct pp_rect r;

	s->have_region = false;
	if (factor < 2 || !pp_busiest_region(v, &r))
		return;
	r.x0 *= factor;
	r.y0 *= factor;
	r.x1 = r.x1 * factor > frame->width ? frame->width : r.x1 * factor;
	r.y1 = r.y1 * factor > frame->height ? frame->height : r.y1 * factor;
	double share =
	    (double)(r.x1 - r.x0) * (r.y1 - r.y0) / ((double)frame->width * frame->height);
	if (share > REGION_MAX_SHARE)
		return;
	s->region = r;
	s->have_region = true;
}

/* Module sizes tried for each located code, in pixels per module. */
static const int rectify_scales[] = {4, 3, 6};
#define RECTIFY_QUIET 4
/* Rows of the upright strip a bar region is resampled to. */
#define BAR_STRIP_ROWS 24

/* The frame box (clamped) around a located code's four corners. */
static struct pp_rect code_box(const struct locator_code *code, const struct scanner_frame *f)
{
	double x0 = code->corners[0].x, y0 = code->corners[0].y, x1 = x0, y1 = y0;

	for (int k = 1; k < 4; k++) {
		x0 = fmin(x0, code->corners[k].x);
		y0 = fmin(y0, code->corners[k].y);
		x1 = fmax(x1, code->corners[k].x);
		y1 = fmax(y1, code->corners[k].y);
	}
	struct pp_rect box = {(int)fmax(0, x0), (int)fmax(0, y0), (int)fmin(f->width, x1 + 1),
			      (int)fmin(f->height, y1 + 1)};
	return box;
}

/* The frame box (clamped) around a bar region's rotated rectangle, with a
 * tenth of its length around it for the quiet zone and the bars' ends. */
static struct pp_rect bars_box(const struct locator_bars *bars, const struct scanner_frame *f)
{
	double ux = cos(bars->angle), uy = sin(bars->angle);
	double x0 = bars->origin.x, y0 = bars->origin.y, x1 = x0, y1 = y0;
	double margin = bars->length / 10;

	for (int k = 1; k < 4; k++) {
		double u = k == 1 || k == 2 ? bars->length : 0, v = k >= 2 ? bars->height : 0;
		double x = bars->origin.x + u * ux - v * uy, y = bars->origin.y + u * uy + v * ux;
		x0 = fmin(x0, x);
		y0 = fmin(y0, y);
		x1 = fmax(x1, x);
		y1 = fmax(y1, y);
	}
	struct pp_rect box = {(int)fmax(0, x0 - margin), (int)fmax(0, y0 - margin),
			      (int)fmin(f->width, x1 + margin + 1),
			      (int)fmin(f->height, y1 + margin + 1)};
	return box;
}

static struct pp_rect scale_box(struct pp_rect box, int factor)
{
	struct pp_rect r = {box.x0 * factor, box.y0 * factor, box.x1 * factor, box.y1 * factor};
	return r;
}

/* Makes s->rectified hold at least need bytes. */
static int reserve_rectified(struct scanner *s, size_t need)
{
	if (need > s->rectified_cap) {
		uint8_t *p = realloc(s->rectified, need);
		if (!p)
			return SCANNER_ERR_NOMEM;
		s->rectified = p;
		s->rectified_cap = need;
	}
	return 0;
}

/* Decodes a rectified image of a located code; every symbol read gets the
 * code's box in the frame. Returns the symbols added, or a negative
 * scanner_err. */
static int decode_rectified(struct scanner *s, const uint8_t *img, int w, int h,
			    const struct pp_rect *box)
{
	size_t before = s->result->count;

	s->current_box = box;
	int n = s->engine_ops->decode(s->engine, img, w, h, collect_symbol, s);
	s->current_box = NULL;
	return n < 0 ? n : (int)(s->result->count - before);
}

/*
 * Profiles tried on a bar region no image read: bands of rows averaged (a
 * few rows only, a strip held slightly askew smears over more), as they
 * are and deblurred by a Gaussian of sigma pixels; each with two extremum
 * hysteresis levels (a share of the contrast), the lower one keeping the
 * grey narrow elements of a blurred code, the higher one ignoring noise.
 */
static const struct {
	int rows;
	float sigma;
} bar_profiles[] = {{4, 0}, {2, 0}, {4, 1.5f}};
static const float bar_deltas[] = {0.03f, 0.08f};
#define BAR_DEBLUR_ITERATIONS 10

/* Makes the bar profile buffers hold a strip w pixels wide. */
static int reserve_bar_buffers(struct scanner *s, int w)
{
	size_t need = (size_t)w + 1;

	if (need > s->bar_cap) {
		/* one block: the floats, then the extrema, then the widths */
		size_t floats = 5 * need * sizeof(float), ints = need * sizeof(int);
		unsigned char *block = realloc(s->bar_buf, floats + ints + need * sizeof(unsigned));
		if (!block)
			return SCANNER_ERR_NOMEM;
		s->bar_buf = (float *)(void *)block;
		s->bar_ext = (int *)(void *)(block + floats);
		s->bar_widths = (unsigned *)(void *)(block + floats + ints);
		s->bar_cap = need;
	}
	return 0;
}

/* Engine sink for the profiles: the first payload is kept, and confirmed
 * when another profile reads the same. An empty one (a start and a stop
 * code) holds no card and is not kept: bar_read_len 0 means none yet. */
static int keep_bar_read(void *ctx, const struct engine_symbol *sym)
{
	struct scanner *s = ctx;

	if (!sym->len || sym->len > SCANNER_MAX_PAYLOAD)
		return 0;
	if (!s->bar_read_len) {
		memcpy(s->bar_read, sym->data, sym->len);
		s->bar_read_len = sym->len;
	} else if (sym->len == s->bar_read_len && !memcmp(s->bar_read, sym->data, sym->len)) {
		s->bar_confirmed = true;
	}
	return 1;
}

/*
 * The last attempt on a bar region: the strip (w x BAR_STRIP_ROWS) read as
 * 1-D profiles whose bar widths (pp_bar_edges) the engine decodes, for codes
 * blurred to about a module, whose soft narrow bars the engine's own edge
 * detector loses. A payload counts once two profiles read it. Returns the
 * symbols added (0 or 1) or a negative scanner_err.
 */
static int decode_bar_widths(struct scanner *s, const uint8_t *strip, int w,
			     const struct pp_rect *box)
{
	int rc = reserve_bar_buffers(s, w);
	if (rc)
		return rc;
	size_t cap = s->bar_cap;
	float *profile = s->bar_buf, *sharp = profile + cap, *tmp = sharp + cap,
	      *edges = tmp + 2 * cap;
	bool invert = pp_bars_dark(strip, w, BAR_STRIP_ROWS);

	s->bar_read_len = 0;
	s->bar_confirmed = false;
	for (size_t v = 0; v < sizeof(bar_profiles) / sizeof(bar_profiles[0]); v++) {
		int rows = bar_profiles[v].rows;
		for (int row0 = 0; row0 + rows <= BAR_STRIP_ROWS; row0 += rows) {
			pp_bar_profile(strip, w, row0, rows, invert, profile);
			const float *p = profile;
			if (bar_profiles[v].sigma > 0) {
				pp_deblur_profile(profile, sharp, w, bar_profiles[v].sigma,
						  BAR_DEBLUR_ITERATIONS, tmp);
				p = sharp;
			}
			for (size_t d = 0; d < sizeof(bar_deltas) / sizeof(bar_deltas[0]); d++) {
				int n = pp_bar_edges(p, w, bar_deltas[d], edges, (int)cap - 1,
						     s->bar_ext);
				if (n < 2)
					continue;
				/* widths in 1/32 pixel, from the strip's start
				 * (quiet zone) to its end */
				float prev = 0;
				for (int i = 0; i <= n; i++) {
					float e = i < n ? edges[i] : (float)w;
					float width = e - prev;
					s->bar_widths[i] =
					    width > 0 ? (unsigned)(width * 32 + 0.5f) : 0;
					prev = e;
				}
				size_t before = s->bar_read_len;
				rc = s->engine_ops->decode_widths(s->engine, s->bar_widths,
								  (size_t)n + 1, keep_bar_read, s);
				if (rc < 0)
					return rc;
				if (s->bar_confirmed) {
					struct engine_symbol sym = {
					    .type = SCANNER_SYM_CODE128,
					    .data = s->bar_read,
					    .len = s->bar_read_len,
					};
					size_t count = s->result->count;
					s->current_box = box;
					collect_symbol(s, &sym);
					s->current_box = NULL;
					return (int)(s->result->count - count);
				}
				if (rc > 0 && before)
					return 0; /* two profiles disagree: trust neither */
			}
		}
	}
	return 0;
}

/* Share of clipped-white pixels in a box of the frame, on a sparse grid. */
static double glare_share(const struct scanner_frame *f, struct pp_rect box)
{
	int hits = 0, total = 0;
	int sx = (box.x1 - box.x0) / 16 + 1, sy = (box.y1 - box.y0) / 16 + 1;

	for (int y = box.y0; y < box.y1 && y < f->height; y += sy)
		for (int x = box.x0; x < box.x1 && x < f->width; x += sx, total++)
			hits += f->luma[(size_t)y * f->stride + x] >= 250;
	return total ? (double)hits / total : 0;
}

/* Records what the locator saw, for the presence state (presence.h). */
static void note_located(struct scanner *s, const struct scanner_frame *frame, int factor)
{
	struct scanner_result *r = s->result;
	const struct locator_result *l = &s->located;

	r->located = (int)(l->n_codes + l->n_bars);
	if (l->n_codes) {
		const struct locator_code *c = &l->codes[0];
		r->located_module = c->module * factor;
		r->located_glare = glare_share(frame, code_box(c, frame));
	} else if (l->n_bars) {
		const struct locator_bars *b = &l->bars[0];
		struct pp_rect box = bars_box(b, frame);
		r->located_module = 0; /* unknown for bars */
		r->located_glare = glare_share(frame, box);
	}
}

/* Whether the centre of inner lies in outer: the same code, found again
 * (at another scale, or read by a pass). */
static bool holds_centre(const struct pp_rect *outer, const struct pp_rect *inner)
{
	int cx = (inner->x0 + inner->x1) / 2, cy = (inner->y0 + inner->y1) / 2;
	return cx >= outer->x0 && cx < outer->x1 && cy >= outer->y0 && cy < outer->y1;
}

/* Whether a symbol read so far covers the centre of box. */
static bool box_read(const struct scanner *s, const struct pp_rect *box)
{
	const struct scanner_result *r = s->result;

	for (size_t k = 0; k < r->count; k++) {
		const struct scanner_symbol *y = &r->symbols[k];
		struct pp_rect sym = {y->x0, y->y0, y->x1, y->y1};
		if (holds_centre(&sym, box))
			return true;
	}
	return false;
}

/* Keeps a located candidate's box, once. */
static void note_candidate(struct scanner *s, struct pp_rect box)
{
	int cap = (int)(sizeof(s->candidates) / sizeof(s->candidates[0]));

	for (int i = 0; i < s->n_candidates; i++)
		if (holds_centre(&s->candidates[i], &box))
			return;
	if (s->n_candidates < cap)
		s->candidates[s->n_candidates++] = box;
}

/* Whether a located candidate has no symbol read over its centre yet. */
static bool unread_candidate(const struct scanner *s)
{
	for (int i = 0; i < s->n_candidates; i++)
		if (!box_read(s, &s->candidates[i]))
			return true;
	return false;
}

/* In live use the moved pass tries this many moves per located code and
 * frame, the next ones on the next frame: a card is held for many frames, and
 * a frame with a false code in it (text, a pattern) should cost little. */
#define LIVE_MOVES_PER_FRAME 8

/* Moves of a located code's fourth corner, in modules along its axes, tried
 * when the code as located does not read: rings of one and two modules. */
static const double fourth_moves[][2] = {
    {1, 1}, {-1, -1}, {1, -1},	{-1, 1},  {1, 0},  {-1, 0}, {0, 1},  {0, -1},
    {2, 2}, {-2, -2}, {2, -2},	{-2, 2},  {2, 0},  {-2, 0}, {0, 2},  {0, -2},
    {2, 1}, {1, 2},   {-2, -1}, {-1, -2}, {2, -1}, {-1, 2}, {-2, 1}, {1, -2},
};

/* Rectifies one located code at px_per_module, sampled everywhere or once
 * per module (locator_rectify_modules), and decodes it. Returns the symbols
 * read or a negative scanner_err. */
static int decode_rectified_code(struct scanner *s, const struct scanner_frame *frame,
				 const struct locator_code *code, int px_per_module,
				 bool per_module, const struct pp_rect *box)
{
	int side = locator_rectified_side(code, px_per_module, RECTIFY_QUIET);
	int rc = reserve_rectified(s, (size_t)side * side);
	if (rc)
		return rc;
	if (per_module)
		locator_rectify_modules(frame, code, px_per_module, RECTIFY_QUIET, s->rectified);
	else
		locator_rectify(frame, code, px_per_module, RECTIFY_QUIET, s->rectified);
	return decode_rectified(s, s->rectified, side, side, box);
}

static int decode_located(struct scanner *s, const struct scanner_frame *frame,
			  const struct locator_code *code, int px_per_module,
			  const struct pp_rect *box)
{
	return decode_rectified_code(s, frame, code, px_per_module, false, box);
}

static int decode_located_modules(struct scanner *s, const struct scanner_frame *frame,
				  const struct locator_code *code, int px_per_module,
				  const struct pp_rect *box)
{
	return decode_rectified_code(s, frame, code, px_per_module, true, box);
}

/* Whether frames are decoded live, under a budget (not files, exhaustively). */
static bool live_budget(const struct scanner *s)
{
	return s->cfg.budget_us && !s->cfg.all_passes;
}

/*
 * The box around the located candidates no symbol covers yet, grown by a
 * quarter of its size on each side (a code's quiet zone, and corners the
 * locator placed short), in frame pixels. False if there is none.
 */
static bool unread_box(const struct scanner *s, const struct scanner_frame *f, struct pp_rect *out)
{
	bool any = false;
	struct pp_rect u = {0, 0, 0, 0};

	for (int i = 0; i < s->n_candidates; i++) {
		const struct pp_rect *c = &s->candidates[i];
		if (box_read(s, c))
			continue;
		if (!any) {
			u = *c;
			any = true;
		} else {
			u.x0 = u.x0 < c->x0 ? u.x0 : c->x0;
			u.y0 = u.y0 < c->y0 ? u.y0 : c->y0;
			u.x1 = u.x1 > c->x1 ? u.x1 : c->x1;
			u.y1 = u.y1 > c->y1 ? u.y1 : c->y1;
		}
	}
	if (!any)
		return false;
	int gx = (u.x1 - u.x0) / 4, gy = (u.y1 - u.y0) / 4;
	u.x0 = u.x0 - gx > 0 ? u.x0 - gx : 0;
	u.y0 = u.y0 - gy > 0 ? u.y0 - gy : 0;
	u.x1 = u.x1 + gx < f->width ? u.x1 + gx : f->width;
	u.y1 = u.y1 + gy < f->height ? u.y1 + gy : f->height;
	*out = u;
	return true;
}

/* Keeps a located code that did not read for the moved pass, once. */
static void keep_unread(struct scanner *s, const struct locator_code *code, int factor,
			struct pp_rect box)
{
	int cap = (int)(sizeof(s->unread) / sizeof(s->unread[0]));

	for (int i = 0; i < s->n_unread; i++)
		if (holds_centre(&s->unread[i].box, &box))
			return; /* the same code, located at another scale */
	if (s->n_unread < cap) {
		s->unread[s->n_unread].code = *code;
		s->unread[s->n_unread].factor = factor;
		s->unread[s->n_unread].box = box;
		s->n_unread++;
	}
}

/*
 * The moved pass: the located codes that did not read, each with its fourth
 * corner moved (the move that read last time first, then the others nearest
 * first) until one reads or the frame's deadline (0: none) passes. Returns
 * the symbols read or a negative scanner_err.
 */
static int run_moved_pass(struct scanner *s, const struct scanner_frame *frame, int64_t deadline_us)
{
	int n_moves = (int)(sizeof(fourth_moves) / sizeof(fourth_moves[0]));
	int read = 0, view_factor = 0;
	struct scanner_frame view = *frame;

	for (int c = 0; c < s->n_unread; c++) {
		const struct locator_code *code = &s->unread[c].code;
		int factor = s->unread[c].factor;
		if (box_read(s, &s->unread[c].box))
			continue; /* read by a pass since */
		if (factor != view_factor) {
			/* the frame as the locator saw it for this code */
			view = *frame;
			if (factor > 1) {
				struct pp_view src = {frame->luma, frame->width, frame->height,
						      frame->stride};
				pp_downscale(src, factor, s->pass_buf);
				view.luma = s->pass_buf;
				view.width = frame->width / factor;
				view.height = frame->height / factor;
				view.stride = view.width;
			}
			view_factor = factor;
		}
		/* live: a slice of the moves per frame, a different one each
		 * frame; files: all of them */
		int first = 0, count = n_moves;
		if (live_budget(s)) {
			first = (int)(s->frames_seen * LIVE_MOVES_PER_FRAME % (unsigned)n_moves);
			count = LIVE_MOVES_PER_FRAME;
		}
		/* the other module sizes first: a code the located pass left
		 * unread may read at 3 or 6 pixels a module */
		int n = 0;
		for (size_t k = 1; k < sizeof(rectify_scales) / sizeof(rectify_scales[0]) && !n;
		     k++) {
			if (past(deadline_us))
				return read;
			n = decode_located(s, &view, code, rectify_scales[k], &s->unread[c].box);
			if (n < 0)
				return n;
		}
		for (int k = -1; k < count && !n; k++) {
			int m = k < 0 ? s->last_move : (first + k) % n_moves;
			if (m < 0 || (k >= 0 && m == s->last_move))
				continue;
			if (past(deadline_us))
				return read;
			struct locator_code moved;
			if (locator_move_fourth(code, fourth_moves[m][0], fourth_moves[m][1],
						&moved))
				continue;
			n = decode_located(s, &view, &moved, rectify_scales[0], &s->unread[c].box);
			if (n < 0)
				return n;
			if (n > 0)
				s->last_move = m;
		}
		read += n;
	}
	return read;
}

/*
 * The located pass: finds QR codes geometrically and hands the engine a
 * frontal image of each, at a few module sizes until one reads. Returns the
 * number of symbols read or a negative scanner_err.
 */
static int run_located_pass(struct scanner *s, const struct scanner_frame *frame, int factor,
			    int64_t deadline_us)
{
	int rc = locator_find(s->locator, frame, &s->located);
	int read = 0;

	if (rc)
		return rc;
	if (!s->result->located)
		note_located(s, frame, factor);
	for (size_t c = 0; c < s->located.n_codes; c++) {
		const struct locator_code *code = &s->located.codes[c];
		struct pp_rect box = scale_box(code_box(code, frame), factor);
		note_candidate(s, box);
		/* over the budget (a rectified texture can cost ZBar tens of
		 * milliseconds): the rest wait for the next frame's passes;
		 * the first code is always tried, or a slow machine, whose
		 * locator alone fills the budget, would never read one */
		if (c > 0 && past(deadline_us)) {
			keep_unread(s, code, factor, box);
			continue;
		}
		int n = decode_located(s, frame, code, rectify_scales[0], &box);
		if (n < 0)
			return n;
		/* the map fitted to the finders' module sizes: cheap, and it
		 * reads most codes the parallelogram misses (no alignment
		 * pattern, strong perspective) */
		struct locator_code scaled;
		bool have_scaled = !n && !locator_fit_scales(code, &scaled);
		if (have_scaled) {
			n = decode_located(s, frame, &scaled, rectify_scales[0], &box);
			if (n < 0)
				return n;
		}
		/* one sample per module, each drawn as a square: blur, moire
		 * and an over-exposed screen's light spreading into the dark
		 * modules move the edges ZBar measures, not the centres */
		bool late = c > 0 && past(deadline_us);
		if (!n && !late)
			n = decode_located_modules(s, frame, code, rectify_scales[0], &box);
		if (!n && have_scaled && !late)
			n = decode_located_modules(s, frame, &scaled, rectify_scales[0], &box);
		if (n < 0)
			return n;
		if (!n)
			keep_unread(s, code, factor, box);
		read += n;
	}
	for (size_t b = 0; b < s->located.n_bars; b++) {
		const struct locator_bars *bars = &s->located.bars[b];
		int w = locator_bars_width(bars);
		size_t need = (size_t)w * BAR_STRIP_ROWS;
		/* the strip as sampled, then the copy each attempt reads */
		rc = reserve_rectified(s, 2 * need);
		if (rc)
			return rc;
		uint8_t *strip = s->rectified, *work = s->rectified + need;
		locator_rectify_bars(frame, bars, false, BAR_STRIP_ROWS, strip);
		struct pp_rect box = scale_box(bars_box(bars, frame), factor);
		note_candidate(s, box);
		/* Light and dark mode, each as sampled and then binarised: ZBar's
		 * Code128 edge detector misses soft bar edges that a plain
		 * threshold of the stretched strip makes sharp. */
		for (int attempt = 0; attempt < 4; attempt++) {
			memcpy(work, strip, need);
			if (attempt >= 2)
				pp_invert(work, need);
			if (attempt % 2)
				pp_binarize(work, need);
			int n = decode_rectified(s, work, w, BAR_STRIP_ROWS, &box);
			if (n < 0)
				return n;
			if (n > 0) {
				read += n;
				break;
			}
			if (attempt == 3) {
				n = decode_bar_widths(s, strip, w, &box);
				if (n < 0)
					return n;
				read += n;
			}
		}
	}
	return read;
}

/* Whether pass p finds the region the region passes work on: the first
 * small pass, on the whole frame. */
static bool finds_region(const struct pass_def *p)
{
	return p->filter == FILTER_STRETCH && p->max_side && !p->region;
}

/*
 * In live use most frames show no code at all, and a card stays in view for
 * many frames, so the work is spread over frames: every frame runs the
 * locator, and the cheap passes when the locator found a candidate (or on a
 * sweep frame); the costly passes run on the box around the located codes
 * that no pass has read, and only every sweep_every-th frame, the sweep
 * frame, on the whole frame, for what the locator misses (heavy blur,
 * blown-out screens). An empty frame thus usually costs the locator alone.
 * Files and the exhaustive mode run everything on every frame.
 */
static bool is_sweep_frame(struct scanner *s)
{
	if (s->cfg.all_passes || !s->cfg.budget_us || s->cfg.sweep_every <= 1)
		return true;
	return ++s->frames_seen % (unsigned)s->cfg.sweep_every == 0;
}

int scanner_decode(struct scanner *s, const struct scanner_frame *frame,
		   struct scanner_result *result)
{
	int64_t start = now_us(), start_cpu = cpu_us();
	int rc = 0;

	memset(result, 0, sizeof(*result));
	if (!s || !frame || !frame->luma || frame->width <= 0 || frame->height <= 0 ||
	    frame->stride < frame->width)
		return SCANNER_ERR_INVAL;
	if (frame->width > SCANNER_IMAGE_MAX_SIDE || frame->height > SCANNER_IMAGE_MAX_SIDE)
		return SCANNER_ERR_TOO_BIG;
	rc = grow_buffers(s, frame->width, frame->height);
	if (rc)
		return rc;
	/* the budget's end, for the passes that check it between codes */
	int64_t deadline_cpu = s->cfg.budget_us ? start_cpu + s->cfg.budget_us : 0;
	s->result = result;
	s->have_region = false;
	s->n_candidates = 0;
	s->n_unread = 0;
	bool sweep = is_sweep_frame(s);

	/* Tracking: in live use the pass that read the previous frame runs
	 * whatever the frame, so a card only a costly pass reads is read in
	 * consecutive frames, as k-of-n confirmation needs; it runs first, to
	 * be within the budget, unless it is a region pass, which needs the
	 * region the first small pass finds and so keeps its place. The
	 * others follow in cascade order. */
	int order[PASS_COUNT], n_order = 0;
	bool live = live_budget(s);
	int first =
	    live && s->tracked_pass >= 0 && !passes[s->tracked_pass].region ? s->tracked_pass : -1;
	if (first >= 0)
		order[n_order++] = first;
	for (int i = 0; i < PASS_COUNT; i++)
		if (i != first)
			order[n_order++] = i;

	/* Once the locator has run, a frame where it found nothing code-like
	 * stops there (but for a sweep frame or the tracked pass): the usual
	 * frame while nobody holds a phone up costs the locator alone. */
	bool located_ran = false, candidates = false, textured = false;
	bool region_tracked = live && s->tracked_pass >= 0 && passes[s->tracked_pass].region;
	for (int k = 0; k < n_order; k++) {
		if (result->count && !s->cfg.all_passes && !unread_candidate(s))
			break;
		int i = order[k];
		const struct pass_def *p = &passes[i];
		bool tracked = live && i == s->tracked_pass;
		if (located_ran && !candidates && !sweep && !tracked) {
			/* a tracked region pass still needs the region the
			 * first small pass finds */
			if (!region_tracked)
				break;
			if (!finds_region(p))
				continue;
		}
		/* A frame full of finder-like blobs (dotted or ringed fabric,
		 * perforated metal) fills the locator's list; on such texture
		 * ZBar's own finder search takes up to hundreds of
		 * milliseconds a pass, so live, the costly passes wait for a
		 * frame without it. */
		if (p->sweep && live && textured)
			continue;
		/* On other frames a costly pass runs on the located codes no
		 * pass has read, not on the whole frame. */
		struct pp_rect box;
		bool on_box = p->sweep && !sweep && !tracked;
		if (on_box && !(live && unread_box(s, frame, &box)))
			continue;
		if (s->cfg.pass_mask && !(s->cfg.pass_mask & (1u << i)))
			continue;
		if (p->filter == FILTER_MOVED && !s->n_unread)
			continue; /* every located code read, or none located */
		struct pp_view src = {frame->luma, frame->width, frame->height, frame->stride};
		int x0 = 0, y0 = 0;
		if (p->region && !s->have_region)
			continue;
		if (p->region || on_box) {
			const struct pp_rect *r = on_box ? &box : &s->region;
			x0 = r->x0;
			y0 = r->y0;
			src.p += (size_t)y0 * frame->stride + x0;
			src.w = r->x1 - x0;
			src.h = r->y1 - y0;
		}
		int long_side = src.w > src.h ? src.w : src.h;
		int factor = p->max_side ? (long_side + p->max_side - 1) / p->max_side : 1;
		if (src.w / factor < PASS_MIN_SIDE || src.h / factor < PASS_MIN_SIDE)
			continue;
		double pixels = (double)(src.w / factor) * (src.h / factor);
		int64_t pass_start = cpu_us();
		/* A pass not yet timed is predicted at a pessimistic prior, so
		 * the first frames of a new decoder keep the budget too. */
		double ns_per_pixel =
		    s->ns_per_pixel[i] > 0 ? s->ns_per_pixel[i] : PRIOR_NS_PER_PIXEL;
		if (s->cfg.budget_us && result->passes_run > 0 &&
		    (pass_start - start_cpu) + ns_per_pixel * pixels / 1000.0 > s->cfg.budget_us) {
			result->passes_skipped++;
			continue; /* a later, cheaper pass may still fit */
		}
		int w, h, n;
		s->current_pass = i;
		s->current_factor = factor;
		s->current_x0 = x0;
		s->current_y0 = y0;
		if (p->filter == FILTER_MOVED) {
			n = run_moved_pass(s, frame, deadline_cpu);
		} else if (p->filter == FILTER_LOCATED) {
			/* the locator works on the frame itself, or on a box-averaged
			 * copy when that is larger than the pass's size */
			struct scanner_frame view = *frame;
			if (factor > 1) {
				pp_downscale(src, factor, s->pass_buf);
				view.luma = s->pass_buf;
				view.width = src.w / factor;
				view.height = src.h / factor;
				view.stride = view.width;
			}
			n = run_located_pass(s, &view, factor, deadline_cpu);
			if (!located_ran) {
				located_ran = true;
				candidates = s->located.n_codes || s->located.n_bars;
				textured = s->located.n_finders == LOCATOR_MAX_FINDERS;
			}
		} else {
			const uint8_t *input = prepare_pass(s, p, src, factor, &w, &h);
			if (finds_region(p))
				find_region(s, input, w, h, factor, frame);
			n = s->engine_ops->decode(s->engine, input, w, h, collect_symbol, s);
		}
		result->passes_run++;
		if (n < 0) {
			rc = n;
			break;
		}
		result->pass_us[i] = cpu_us() - pass_start;
		double ns = (double)result->pass_us[i] * 1000.0 / pixels;
		s->ns_per_pixel[i] =
		    s->ns_per_pixel[i] > 0 ? 0.8 * s->ns_per_pixel[i] + 0.2 * ns : ns;
	}
	s->tracked_pass = result->count ? result->symbols[0].pass : -1;
	s->result = NULL;
	result->elapsed_us = now_us() - start;
	return rc;
}
