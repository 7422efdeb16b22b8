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
