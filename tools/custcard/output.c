/*
 * A planned card to a file: PNG (8-bit greyscale, one dot a pixel, the
 * resolution in its pHYs chunk so a print dialog prints it at its real size)
 * or PDF (one page of the card's exact size in points, vector).
 *
 * Files are opened with "x" when they must not be replaced, so a file that
 * appears between a check and the write is still not overwritten; a file
 * left half-written by a failure is removed.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <png.h>

#include "card_impl.h"

#define PATH_BUF 4096

const struct card_output card_outputs[CARD_OUTPUTS] = {
    {CARD_LABEL, CARD_PNG},	 {CARD_LABEL, CARD_PDF}, {CARD_PHONE, CARD_PNG},
    {CARD_PHONE_DARK, CARD_PNG}, {CARD_PHONE, CARD_PDF}, {CARD_SHEET, CARD_PDF},
};

const char *card_suffix(enum card_kind kind, enum card_format format)
{
	static const char *const names[][2] = {
	    [CARD_LABEL] = {"-label.png", "-label.pdf"},
	    [CARD_PHONE] = {"-phone.png", "-phone.pdf"},
	    [CARD_PHONE_DARK] = {"-phone-dark.png", "-phone-dark.pdf"},
	    [CARD_SHEET] = {"-sheet.png", "-sheet.pdf"},
	};

	if ((unsigned)kind > CARD_SHEET || (unsigned)format > CARD_PDF)
		return "";
	return names[kind][format];
}

/* ---------------------------------------------------------------- PNG */

/* Writes luma as greyscale PNG to f with dpi in pHYs. Returns 0 or IO. */
static int png_write(FILE *f, const uint8_t *luma, int w, int h, double dpi)
{
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = NULL;
	png_uint_32 ppm = (png_uint_32)lround(dpi / 0.0254);
	volatile int ret = CARD_ERR_IO;

	if (!png)
		return CARD_ERR_NOMEM;
	info = png_create_info_struct(png);
	if (!info)
		goto out_destroy;
	/* libpng reports failures by longjmp back to here. */
	if (setjmp(png_jmpbuf(png)))
		goto out_destroy;
	png_init_io(png, f);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_GRAY,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
	png_write_info(png, info);
	for (int y = 0; y < h; y++)
		png_write_row(png, luma + (size_t)y * (size_t)w);
	png_write_end(png, NULL);
	ret = 0;
out_destroy:
	png_destroy_write_struct(&png, &info);
	return ret;
}

/* Draws plan on an image surface, one dot a pixel, and writes it as PNG. */
static int render_png(const struct card_plan *plan, FILE *f)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, plan->w, plan->h);
	uint8_t *luma = NULL;
	cairo_t *cr;
	int ret = CARD_ERR_RENDER;

	if (cairo_surface_status(s))
		goto out_surface;
	cr = cairo_create(s);
	card_plan_draw(plan, cr, false);
	if (cairo_status(cr)) {
		cairo_destroy(cr);
		goto out_surface;
	}
	cairo_destroy(cr);
	cairo_surface_flush(s);
	luma = malloc((size_t)plan->w * (size_t)plan->h);
	if (!luma) {
		ret = CARD_ERR_NOMEM;
		goto out_surface;
	}
	{
		const unsigned char *data = cairo_image_surface_get_data(s);
		int stride = cairo_image_surface_get_stride(s);

		for (int y = 0; y < plan->h; y++) {
			const uint32_t *row =
			    (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
			for (int x = 0; x < plan->w; x++) {
				uint32_t p = row[x];
				unsigned r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
				/* ITU-R BT.601 luma, as scanner_image_load reads colour. */
				luma[(size_t)y * (size_t)plan->w + (size_t)x] =
				    (uint8_t)((77 * r + 150 * g + 29 * b + 128) >> 8);
			}
		}
	}
	ret = png_write(f, luma, plan->w, plan->h, plan->dpi);
	free(luma);
out_surface:
	cairo_surface_destroy(s);
	return ret;
}

/* ---------------------------------------------------------------- PDF */

static cairo_status_t pdf_out(void *closure, const unsigned char *data, unsigned int length)
{
	return fwrite(data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS
							  : CAIRO_STATUS_WRITE_ERROR;
}

/* Draws plan on a PDF page of its size in points (1/72 in). */
static int render_pdf(const struct card_plan *plan, FILE *f)
{
	double pt = 72.0 / plan->dpi;
	cairo_surface_t *s =
	    cairo_pdf_surface_create_for_stream(pdf_out, f, plan->w * pt, plan->h * pt);
	cairo_t *cr;
	int ret = CARD_ERR_RENDER;

	if (cairo_surface_status(s))
		goto out_surface;
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "custcard (custscan)");
	cr = cairo_create(s);
	cairo_scale(cr, pt, pt);
	card_plan_draw(plan, cr, true);
	if (!cairo_status(cr))
		ret = 0;
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (cairo_surface_status(s))
		ret = cairo_surface_status(s) == CAIRO_STATUS_WRITE_ERROR ? CARD_ERR_IO
									  : CARD_ERR_RENDER;
out_surface:
	cairo_surface_destroy(s);
	return ret;
}

/* ---------------------------------------------------------------- files */

void card_cleanup(void)
{
	cairo_debug_reset_static_data();
	FcFini();
}

static void fill_layout(const struct card_plan *p, struct card_layout *l)
{
	const struct card_placed *c = &p->main;

	l->page_w_mm = p->w * 25.4 / p->dpi;
	l->page_h_mm = p->h * 25.4 / p->dpi;
	l->px_w = p->w;
	l->px_h = p->h;
	l->code_x = c->x + c->code.width * c->module / 2.0;
	l->code_y = c->y + c->bar_h / 2.0;
	l->module_px = c->module;
	l->modules = c->code.width;
	l->quiet = c->code.quiet;
	l->code_h = c->bar_h;
}

int card_write(enum card_kind kind, enum card_format format, const struct card_spec *spec,
	       const char *path, bool exclusive, struct card_layout *layout, struct card_error *err)
{
	struct card_plan plan;
	FILE *f;
	int rc;

	if (!path)
		return card_fail(err, CARD_ERR_INVAL, 0, "no file name");
	rc = card_plan_make(kind, spec, &plan, err);
	if (rc)
		return rc;
	f = fopen(path, exclusive ? "wbx" : "wb");
	if (!f) {
		rc = errno == EEXIST ? CARD_ERR_EXISTS : CARD_ERR_IO;
		card_fail(err, rc, 0, "%s: %s", path, strerror(errno));
		goto out_plan;
	}
	rc = format == CARD_PDF ? render_pdf(&plan, f) : render_png(&plan, f);
	if (fclose(f) && !rc)
		rc = CARD_ERR_IO;
	if (rc) {
		card_fail(err, rc, 0, "%s: %s", path, card_strerror(rc));
		unlink(path);
		goto out_plan;
	}
	if (layout)
		fill_layout(&plan, layout);
out_plan:
	card_plan_release(&plan);
	return rc;
}

int card_check_all(const struct card_spec *spec, const char *prefix, bool exclusive,
		   struct card_error *err)
{
	char path[PATH_BUF];
	struct card_plan plan;
	int rc;

	for (int i = 0; i < CARD_OUTPUTS; i++) {
		const struct card_output *o = &card_outputs[i];

		if (!card_kind_applies(spec, o->kind))
			continue;
		if (snprintf(path, sizeof(path), "%s%s", prefix, card_suffix(o->kind, o->format)) >=
		    (int)sizeof(path))
			return card_fail(err, CARD_ERR_INVAL, 0, "%s: name too long", prefix);
		if (exclusive && access(path, F_OK) == 0)
			return card_fail(err, CARD_ERR_EXISTS, 0, "%s: exists", path);
		/* A PDF has the same plan as the PNG of its kind before it. */
		if (i > 0 && card_outputs[i - 1].kind == o->kind)
			continue;
		rc = card_plan_make(o->kind, spec, &plan, err);
		card_plan_release(&plan);
		if (rc)
			return rc;
	}
	return 0;
}

int card_write_all(const struct card_spec *spec, const char *prefix, bool exclusive,
		   struct card_error *err)
{
	char path[PATH_BUF];
	int rc = card_check_all(spec, prefix, exclusive, err);

	for (int i = 0; i < CARD_OUTPUTS && !rc; i++) {
		const struct card_output *o = &card_outputs[i];

		if (!card_kind_applies(spec, o->kind))
			continue;
		snprintf(path, sizeof(path), "%s%s", prefix, card_suffix(o->kind, o->format));
		rc = card_write(o->kind, o->format, spec, path, exclusive, NULL, err);
	}
	return rc;
}
