/*
 * A frame: a view of one 8-bit luma plane from a camera or a file.
 *
 * The frame never owns its pixels. Whoever produced it (a camera buffer, a
 * loaded image) keeps them alive until the consumer returns.
 */
#ifndef SCANNER_FRAME_H
#define SCANNER_FRAME_H

#include <stdint.h>

struct scanner_frame {
	const uint8_t *luma;  /* first byte of the top row */
	int width;	      /* pixels per row */
	int height;	      /* rows */
	int stride;	      /* bytes from one row start to the next, >= width */
	int64_t timestamp_us; /* capture time, monotonic microseconds */
	uint64_t sequence;    /* frame number from the source, increasing */
};

#endif
