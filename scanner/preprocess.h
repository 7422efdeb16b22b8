/*
 * Image filters run in front of the decoding engine. Internal to the scanner
 * library.
 *
 * Every filter reads a view (pointer, width, height, stride) and writes into a
 * packed destination buffer the caller owns (stride == width); none allocates,
 * except pp_local_normalize, which uses the scratch it is handed.
 */
#ifndef SCANNER_PREPROCESS_H
#define SCANNER_PREPROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A read-only view of a luma plane. */
struct pp_view {
	const uint8_t *p;
	int w, h, stride;
};

/*
 * Box-averages src down by an integer factor (>= 1) into dst, which holds
 * (src.w / factor) * (src.h / factor) bytes. Averaging over whole screen
 * pixels is also a low-pass filter: it removes the moiré of a resolved pixel
 * grid before the engine binarises.
 */
void pp_downscale(struct pp_view src, int factor, uint8_t *dst);

/*
 * Stretches contrast in place so that the lo_permille darkest and
 * hi_permille brightest pixels saturate: lifts a dim screen in a bright shop
 * and a washed-out one. Does nothing on a flat image.
 */
void pp_stretch(uint8_t *img, size_t n, int lo_permille, int hi_permille);

/* Sets every pixel below 128 to 0 and the rest to 255, in place: for an
 * image already stretched to the full range. */
void pp_binarize(uint8_t *img, size_t n);

/* Inverts in place: dark-mode cards show light modules on a dark screen. */
void pp_invert(uint8_t *img, size_t n);

/* 3x3 minimum of src into dst (w*h bytes): dark grows by a pixel, undoing
 * the blooming of bright screen pixels into dark modules. */
void pp_erode3(struct pp_view src, uint8_t *dst);

/* 3x3 box blur of src into dst (w*h bytes): softens glare edges and noise. */
void pp_blur3(struct pp_view src, uint8_t *dst);

/*
 * Local mean/deviation normalisation of src into dst: each pixel becomes its
 * distance from the mean of a (2r+1)^2 window in units of that window's
 * deviation. Evens out glare gradients and shading across a code. The
 * scratch must hold (w+1)*(h+1) uint32_t and (w+1)*(h+1) uint64_t.
 */
void pp_local_normalize(struct pp_view src, int radius, uint32_t *sum, uint64_t *sqsum,
			uint8_t *dst);

/* ------------------------------------------------------------ bar profiles */

/*
 * A bar region's upright strip (bars vertical, see locator_rectify_bars) read
 * as a 1-D profile across the bars, for codes blurred too much for the
 * engine's own edge detector: the engine's decoder then reads the bar and
 * space widths found here (engine.h, decode_widths).
 */

/*
 * Writes into profile (w values, 0..255) the mean of rows [row0, row0 + rows)
 * of a packed strip w pixels wide, inverted (255 - v) if invert, so bars are
 * low either way. A few rows average out noise; more than a few smear bars
 * that the strip does not hold exactly upright.
 */
void pp_bar_profile(const uint8_t *strip, int w, int row0, int rows, bool invert, float *profile);

/* Whether a strip w x h shows dark-mode bars (light on dark): its ends, the
 * quiet zones, are darker than its mean. */
bool pp_bars_dark(const uint8_t *strip, int w, int h);

/*
 * Sharpens a profile blurred by about a Gaussian of sigma pixels with
 * iterations of Richardson-Lucy deconvolution, into out (n values); tmp
 * holds 2 * n values. sigma at most PP_DEBLUR_MAX_SIGMA.
 */
#define PP_DEBLUR_MAX_SIGMA 4.0f
void pp_deblur_profile(const float *in, float *out, int n, float sigma, int iterations, float *tmp);

/*
 * Finds the bars of a profile (bars low) by area, which blur does not
 * change: the profile's extrema are taken with a hysteresis of delta times
 * its contrast, and each bar, between the maxima either side of its
 * minimum, gets the width its darkness integrates to (relative to the
 * profile's light and dark levels) centred on its centroid. Narrow bars and
 * spaces that blur leaves grey keep their width, where a threshold would
 * make them narrower, wider or lose them. Writes two edges per bar (left,
 * right, in pixels from the profile's start, increasing) into edges, using
 * ext (n ints) as scratch; returns the number of edges (at most cap).
 */
int pp_bar_edges(const float *profile, int n, float delta, float *edges, int cap, int *ext);

#endif

/* An axis-aligned rectangle, x0/y0 inclusive, x1/y1 exclusive. */
struct pp_rect {
	int x0, y0, x1, y1;
};

/* Cell size and capacity of the busy-region map. */
#define PP_CELL	     8
#define PP_MAX_CELLS 4096

/*
 * Finds the region of src most likely to hold a code: cells of PP_CELL
 * pixels whose strong edges (in both directions for QR, one for bars) are
 * densest, grown from the densest cell over its dense neighbours, padded by
 * one cell. A cheap stand-in for a locator that lets the expensive
 * full-resolution pass look at a small crop instead of the whole frame.
 * Returns 1 and sets *out, or 0 when no cell is dense enough (nothing like a
 * code in view) or src has more than PP_MAX_CELLS cells.
 */
int pp_busiest_region(struct pp_view src, struct pp_rect *out);
