/*
 * The decoding engine interface, internal to the scanner library.
 *
 * An engine decodes one packed 8-bit luma image and reports each symbol to a
 * sink, or, for linear codes whose edges the pipeline found itself, a row of
 * bar and space widths. ZBar fills the one table there is (engine_zbar.c);
 * the rest of the pipeline only sees this table, the way ZBar's own video
 * backends sit behind zbar/video.h.
 */
#ifndef SCANNER_ENGINE_H
#define SCANNER_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "scanner/decoder.h"

struct engine_symbol {
	enum scanner_symbology type;
	const uint8_t *data; /* owned by the engine, valid during the sink call */
	size_t len;
	int x0, y0, x1, y1; /* bounding box in the image handed to decode */
};

/* Called once per symbol; returns 0 to go on, nonzero to stop early. */
typedef int (*engine_sink)(void *ctx, const struct engine_symbol *sym);

struct engine_ops {
	const char *name;
	/* Creates an engine reading exactly the given symbologies. */
	int (*create)(unsigned symbologies, void **engine);
	void (*destroy)(void *engine);
	/* Decodes a packed (stride == width) image; returns the number of
	 * symbols reported, or a negative scanner_err. */
	int (*decode)(void *engine, const uint8_t *luma, int width, int height, engine_sink sink,
		      void *ctx);
	/* Decodes one row of element widths, light and dark alternating,
	 * starting with the light quiet zone, in any unit (the ratios count),
	 * as Code128 only: its mod-103 check catches a wrong width, where the
	 * other linear symbologies' checks would not. Reports each symbol
	 * read (bounding box 0, 0, 0, 0: the caller knows where the row came
	 * from); returns the number reported, 0 when the engine reads
	 * Code128 off, or a negative scanner_err. */
	int (*decode_widths)(void *engine, const unsigned *widths, size_t n, engine_sink sink,
			     void *ctx);
};

extern const struct engine_ops engine_zbar;

#endif
