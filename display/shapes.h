/*
 * Anti-aliased shapes for the display's icons and panels, rasterised from
 * signed distance functions into 8-bit coverage (alpha) buffers.
 *
 * Icons are drawn by code rather than shipped as image files: they scale to
 * any screen without blur, need no licence note, and one white-on-alpha
 * raster serves every colour (the renderer tints it). Pure C, no SDL, so the
 * shapes can be checked without a screen. Internal to the display library.
 */
#ifndef DISPLAY_SHAPES_H
#define DISPLAY_SHAPES_H

#include <stdint.h>

enum shape {
	SHAPE_DISC,	   /* filled circle, the background of result icons */
	SHAPE_RING,	   /* circle outline */
	SHAPE_CHECK,	   /* check mark, drawn over a disc */
	SHAPE_CROSS,	   /* diagonal cross */
	SHAPE_EXCLAIM,	   /* exclamation mark */
	SHAPE_QUESTION,	   /* question mark */
	SHAPE_HOURGLASS,   /* hourglass: waiting */
	SHAPE_PHONE,	   /* phone outline showing a QR code */
	SHAPE_SUN,	   /* brightness symbol */
	SHAPE_SPINNER,	   /* ring fading along its length, rotated to animate */
	SHAPE_CHEVRON,	   /* arrow head pointing up */
	SHAPE_LENS,	   /* camera lens */
	SHAPE_ROUNDRECT,   /* filled rectangle, corner radius in param (pixels) */
	SHAPE_CORNER_MASK, /* outside of a quarter circle: rounds a top-left corner */
	SHAPE_COUNT
};

/*
 * Writes the coverage of shape into alpha (w * h bytes, rows packed): 255
 * inside, 0 outside, partial along the edge. Icons fill the largest centred
 * square; param is the corner radius in pixels for SHAPE_ROUNDRECT and
 * unused otherwise.
 */
void shape_raster(enum shape shape, int w, int h, int param, uint8_t *alpha);

#endif
