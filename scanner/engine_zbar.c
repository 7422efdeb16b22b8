/*
 * The ZBar engine: one zbar_image_scanner configured for customer cards, and
 * a bare zbar_decoder for Code128 bar widths measured by the pipeline.
 *
 * Only the requested symbologies are enabled (ZBar enables nearly all by
 * default). QR payloads are taken raw (ZBAR_CFG_BINARY): ZBar's character-set
 * guess garbles non-ASCII text, and the validator wants the exact bytes.
 * ZBar's inverted-image retry is left off: the cascade inverts a small copy
 * itself, which costs less than a full-size second pass on every empty frame.
 *
 * UPC-A: ZBar decodes it inside its EAN-13 decoder, so reading UPC-A alone
 * needs EAN-13 switched on in ZBar as well; what is not asked for is then
 * dropped here, so an EAN-13 product never comes out of a UPC-A-only engine.
 * With UPC-A on, ZBar reports a UPC-A as UPC-A (12 digits); with only EAN-13
 * on, as an EAN-13 with a leading 0 (card rules handle both forms).
 */
#include "engine.h"
#include "scanner/error.h"

#include <stdlib.h>
#include <zbar.h>

struct engine_zbar {
	zbar_image_scanner_t *scanner;
	zbar_image_t *image;
	zbar_decoder_t *widths; /* Code128 only: reads decode_widths' rows */
	unsigned symbologies;	/* the set asked for: nothing else is reported */
};

static const struct {
	enum scanner_symbology ours;
	zbar_symbol_type_t zbar;
} symbology_map[] = {
    {SCANNER_SYM_QR, ZBAR_QRCODE},   {SCANNER_SYM_CODE128, ZBAR_CODE128},
    {SCANNER_SYM_EAN13, ZBAR_EAN13}, {SCANNER_SYM_EAN8, ZBAR_EAN8},
    {SCANNER_SYM_UPCA, ZBAR_UPCA},   {SCANNER_SYM_CODE39, ZBAR_CODE39},
    {SCANNER_SYM_I25, ZBAR_I25},
};

static void zbar_engine_destroy(void *engine)
{
	struct engine_zbar *e = engine;

	if (!e)
		return;
	if (e->widths)
		zbar_decoder_destroy(e->widths);
	if (e->image)
		zbar_image_destroy(e->image);
	if (e->scanner)
		zbar_image_scanner_destroy(e->scanner);
	free(e);
}

static int zbar_engine_create(unsigned symbologies, void **engine)
{
	struct engine_zbar *e = calloc(1, sizeof(*e));

	if (!e)
		return SCANNER_ERR_NOMEM;
	e->scanner = zbar_image_scanner_create();
	e->image = zbar_image_create();
	e->widths = zbar_decoder_create();
	if (!e->scanner || !e->image || !e->widths) {
		zbar_engine_destroy(e);
		return SCANNER_ERR_ENGINE;
	}
	/* Symbology 0 addresses all of them: switch everything off first. */
	zbar_image_scanner_set_config(e->scanner, 0, ZBAR_CFG_ENABLE, 0);
	e->symbologies = symbologies;
	if (symbologies & SCANNER_SYM_UPCA)
		symbologies |= SCANNER_SYM_EAN13; /* ZBar's UPC-A lives in its EAN-13 */
	for (size_t i = 0; i < sizeof(symbology_map) / sizeof(symbology_map[0]); i++) {
		if (symbologies & symbology_map[i].ours)
			zbar_image_scanner_set_config(e->scanner, symbology_map[i].zbar,
						      ZBAR_CFG_ENABLE, 1);
	}
	zbar_image_scanner_set_config(e->scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
	zbar_image_scanner_set_config(e->scanner, 0, ZBAR_CFG_POSITION, 1);
	zbar_image_scanner_set_config(e->scanner, 0, ZBAR_CFG_X_DENSITY, 1);
	zbar_image_scanner_set_config(e->scanner, 0, ZBAR_CFG_Y_DENSITY, 1);
	zbar_decoder_set_config(e->widths, 0, ZBAR_CFG_ENABLE, 0);
	zbar_decoder_set_config(e->widths, ZBAR_CODE128, ZBAR_CFG_ENABLE,
				(symbologies & SCANNER_SYM_CODE128) != 0);
	zbar_image_set_format(e->image, zbar_fourcc('Y', '8', '0', '0'));
	*engine = e;
	return 0;
}

static enum scanner_symbology from_zbar(zbar_symbol_type_t t)
{
	for (size_t i = 0; i < sizeof(symbology_map) / sizeof(symbology_map[0]); i++)
		if (symbology_map[i].zbar == t)
			return symbology_map[i].ours;
	return 0;
}

static int zbar_engine_decode(void *engine, const uint8_t *luma, int width, int height,
			      engine_sink sink, void *ctx)
{
	struct engine_zbar *e = engine;
	int reported = 0;

	zbar_image_set_size(e->image, (unsigned)width, (unsigned)height);
	/* ZBar takes a non-const pointer but only reads the pixels. */
	zbar_image_set_data(e->image, (void *)luma, (unsigned long)width * height, NULL);
	int n = zbar_scan_image(e->scanner, e->image);
	if (n < 0)
		return SCANNER_ERR_ENGINE;
	for (const zbar_symbol_t *s = zbar_image_first_symbol(e->image); s;
	     s = zbar_symbol_next(s)) {
		struct engine_symbol sym = {
		    .type = from_zbar(zbar_symbol_get_type(s)),
		    .data = (const uint8_t *)zbar_symbol_get_data(s),
		    .len = zbar_symbol_get_data_length(s),
		    .x0 = width,
		    .y0 = height,
		    .x1 = 0,
		    .y1 = 0,
		};
		if (!(sym.type & e->symbologies))
			continue;
		unsigned points = zbar_symbol_get_loc_size(s);
		for (unsigned i = 0; i < points; i++) {
			int x = zbar_symbol_get_loc_x(s, i), y = zbar_symbol_get_loc_y(s, i);
			if (x < sym.x0)
				sym.x0 = x;
			if (y < sym.y0)
				sym.y0 = y;
			if (x + 1 > sym.x1)
				sym.x1 = x + 1;
			if (y + 1 > sym.y1)
				sym.y1 = y + 1;
		}
		if (!points) {
			sym.x0 = sym.y0 = 0;
			sym.x1 = width;
			sym.y1 = height;
		}
		reported++;
		if (sink(ctx, &sym))
			break;
	}
	/* Drop the pointer to the caller's pixels before returning. */
	zbar_image_set_data(e->image, NULL, 0, NULL);
	return reported;
}

static int zbar_engine_decode_widths(void *engine, const unsigned *widths, size_t n,
				     engine_sink sink, void *ctx)
{
	struct engine_zbar *e = engine;
	int reported = 0;

	if (!(e->symbologies & SCANNER_SYM_CODE128))
		return 0;
	/* a new scan starts with a space: the first width is light */
	zbar_decoder_new_scan(e->widths);
	for (size_t i = 0; i < n; i++) {
		if (zbar_decode_width(e->widths, widths[i]) != ZBAR_CODE128)
			continue;
		struct engine_symbol sym = {
		    .type = SCANNER_SYM_CODE128,
		    .data = (const uint8_t *)zbar_decoder_get_data(e->widths),
		    .len = zbar_decoder_get_data_length(e->widths),
		};
		reported++;
		if (sink(ctx, &sym))
			break;
	}
	return reported;
}

const struct engine_ops engine_zbar = {
    .name = "zbar",
    .create = zbar_engine_create,
    .destroy = zbar_engine_destroy,
    .decode = zbar_engine_decode,
    .decode_widths = zbar_engine_decode_widths,
};
