/*
 * Loading and saving luma images: PGM (P5), PNG through libpng, JPEG through
 * libjpeg-turbo, raw YUYV. Every reader checks sizes before allocating, since
 * image files handed to custscan-decode are untrusted.
 */
#include "scanner/image.h"
#include "scanner/error.h"

#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

int scanner_image_init(struct scanner_image *img, int width, int height)
{
	img->luma = NULL;
	img->width = 0;
	img->height = 0;
	if (width <= 0 || height <= 0 || width > SCANNER_IMAGE_MAX_SIDE ||
	    height > SCANNER_IMAGE_MAX_SIDE)
		return SCANNER_ERR_TOO_BIG;
	img->luma = calloc((size_t)width * (size_t)height, 1);
	if (!img->luma)
		return SCANNER_ERR_NOMEM;
	img->width = width;
	img->height = height;
	return 0;
}

void scanner_image_release(struct scanner_image *img)
{
	if (!img)
		return;
	free(img->luma);
	img->luma = NULL;
	img->width = 0;
	img->height = 0;
}

struct scanner_frame scanner_image_frame(const struct scanner_image *img, int64_t timestamp_us,
					 uint64_t sequence)
{
	struct scanner_frame f = {
	    .luma = img->luma,
	    .width = img->width,
	    .height = img->height,
	    .stride = img->width,
	    .timestamp_us = timestamp_us,
	    .sequence = sequence,
	};
	return f;
}

int scanner_frame_mean_luma(const struct scanner_frame *f, int x0, int y0, int x1, int y1)
{
	uint64_t sum = 0, n = 0;

	if (x0 < 0)
		x0 = 0;
	if (y0 < 0)
		y0 = 0;
	if (x1 > f->width)
		x1 = f->width;
	if (y1 > f->height)
		y1 = f->height;
	for (int y = y0; y < y1; y++) {
		const uint8_t *row = f->luma + (size_t)y * (size_t)f->stride;

		for (int x = x0; x < x1; x++)
			sum += row[x];
		n += x1 > x0 ? (uint64_t)(x1 - x0) : 0;
	}
	return n ? (int)(sum / n) : -1;
}

/* ---------------------------------------------------------------- PGM */

static int pgm_read_number(FILE *f, int *out)
{
	int c;
	long v = 0;
	int digits = 0;

	/* Skip whitespace and comments between header fields. */
	for (;;) {
		c = fgetc(f);
		if (c == '#') {
			while (c != '\n' && c != EOF)
				c = fgetc(f);
		} else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
			break;
		}
	}
	while (c >= '0' && c <= '9') {
		v = v * 10 + (c - '0');
		if (v > 1000000)
			return SCANNER_ERR_FORMAT;
		digits++;
		c = fgetc(f);
	}
	if (!digits)
		return SCANNER_ERR_FORMAT;
	/* c is the single whitespace that ends the field; it is consumed. */
	*out = (int)v;
	return 0;
}

static int load_pgm(FILE *f, struct scanner_image *img)
{
	int width, height, maxval, rc;

	if (fgetc(f) != 'P' || fgetc(f) != '5')
		return SCANNER_ERR_FORMAT;
	if (pgm_read_number(f, &width) || pgm_read_number(f, &height) ||
	    pgm_read_number(f, &maxval))
		return SCANNER_ERR_FORMAT;
	if (maxval <= 0 || maxval > 255)
		return SCANNER_ERR_FORMAT; /* 16-bit PGM is not a camera frame */
	rc = scanner_image_init(img, width, height);
	if (rc)
		return rc;
	if (fread(img->luma, 1, (size_t)width * height, f) != (size_t)width * height) {
		scanner_image_release(img);
		return SCANNER_ERR_FORMAT;
	}
	if (maxval != 255) {
		for (size_t i = 0; i < (size_t)width * height; i++) {
			unsigned v = img->luma[i] > maxval ? (unsigned)maxval : img->luma[i];
			img->luma[i] = (uint8_t)((v * 255u + maxval / 2) / maxval);
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- PNG */

static int load_png(FILE *f, struct scanner_image *img)
{
	png_image png;
	int rc;

	memset(&png, 0, sizeof(png));
	png.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_stdio(&png, f))
		return SCANNER_ERR_FORMAT;
	/* libpng's simplified API converts any PNG to 8-bit grey, composing
	 * transparency over white as a screen would show it. */
	png.format = PNG_FORMAT_GRAY;
	rc = scanner_image_init(img, (int)png.width, (int)png.height);
	if (png.width > SCANNER_IMAGE_MAX_SIDE || png.height > SCANNER_IMAGE_MAX_SIDE)
		rc = SCANNER_ERR_TOO_BIG;
	if (rc) {
		png_image_free(&png);
		scanner_image_release(img);
		return rc;
	}
	png_color white = {255, 255, 255};
	if (!png_image_finish_read(&png, &white, img->luma, (png_int_32)img->width, NULL)) {
		png_image_free(&png);
		scanner_image_release(img);
		return SCANNER_ERR_FORMAT;
	}
	return 0;
}

/* ---------------------------------------------------------------- JPEG */

struct jpeg_error_trap {
	struct jpeg_error_mgr mgr;
	jmp_buf jump;
};

static void jpeg_error_exit_trap(j_common_ptr cinfo)
{
	struct jpeg_error_trap *trap = (struct jpeg_error_trap *)cinfo->err;
	longjmp(trap->jump, 1);
}

static void jpeg_output_message_silent(j_common_ptr cinfo)
{
	(void)cinfo; /* library code does not print */
}

static int load_jpeg(FILE *f, struct scanner_image *img)
{
	struct jpeg_decompress_struct cinfo;
	struct jpeg_error_trap trap;
	/* volatile: modified between setjmp and a possible longjmp */
	volatile int rc = 0;

	memset(&cinfo, 0, sizeof(cinfo));
	cinfo.err = jpeg_std_error(&trap.mgr);
	trap.mgr.error_exit = jpeg_error_exit_trap;
	trap.mgr.output_message = jpeg_output_message_silent;
	if (setjmp(trap.jump)) {
		jpeg_destroy_decompress(&cinfo);
		scanner_image_release(img);
		return rc ? rc : SCANNER_ERR_FORMAT;
	}
	jpeg_create_decompress(&cinfo);
	jpeg_stdio_src(&cinfo, f);
	jpeg_read_header(&cinfo, TRUE);
	cinfo.out_color_space = JCS_GRAYSCALE;
	if (cinfo.image_width > SCANNER_IMAGE_MAX_SIDE ||
	    cinfo.image_height > SCANNER_IMAGE_MAX_SIDE) {
		jpeg_destroy_decompress(&cinfo);
		return SCANNER_ERR_TOO_BIG;
	}
	jpeg_start_decompress(&cinfo);
	rc = scanner_image_init(img, (int)cinfo.output_width, (int)cinfo.output_height);
	if (rc) {
		jpeg_destroy_decompress(&cinfo);
		return rc;
	}
	while (cinfo.output_scanline < cinfo.output_height) {
		JSAMPROW row = img->luma + (size_t)cinfo.output_scanline * img->width;
		jpeg_read_scanlines(&cinfo, &row, 1);
	}
	jpeg_finish_decompress(&cinfo);
	jpeg_destroy_decompress(&cinfo);
	return 0;
}

/* ---------------------------------------------------------------- dispatch */

int scanner_image_load(const char *path, struct scanner_image *img)
{
	unsigned char magic[8] = {0};
	FILE *f;
	int rc;

	img->luma = NULL;
	img->width = img->height = 0;
	f = fopen(path, "rb");
	if (!f)
		return errno == ENOENT ? SCANNER_ERR_NOENT : SCANNER_ERR_IO;
	size_t n = fread(magic, 1, sizeof(magic), f);
	rewind(f);
	if (n >= 2 && magic[0] == 'P' && magic[1] == '5')
		rc = load_pgm(f, img);
	else if (n == 8 && !png_sig_cmp(magic, 0, 8))
		rc = load_png(f, img);
	else if (n >= 3 && magic[0] == 0xff && magic[1] == 0xd8 && magic[2] == 0xff)
		rc = load_jpeg(f, img);
	else
		rc = SCANNER_ERR_FORMAT;
	fclose(f);
	return rc;
}

int scanner_image_load_yuyv(const char *path, int width, int height, struct scanner_image *img)
{
	FILE *f;
	int rc;
	uint8_t *row = NULL;

	rc = scanner_image_init(img, width, height);
	if (rc)
		return rc;
	f = fopen(path, "rb");
	if (!f) {
		rc = errno == ENOENT ? SCANNER_ERR_NOENT : SCANNER_ERR_IO;
		goto out_release;
	}
	row = malloc((size_t)width * 2);
	if (!row) {
		rc = SCANNER_ERR_NOMEM;
		goto out_close;
	}
	for (int y = 0; y < height; y++) {
		if (fread(row, 1, (size_t)width * 2, f) != (size_t)width * 2) {
			rc = SCANNER_ERR_FORMAT;
			goto out_free;
		}
		for (int x = 0; x < width; x++)
			img->luma[(size_t)y * width + x] = row[2 * x];
	}
	if (fgetc(f) != EOF)
		rc = SCANNER_ERR_FORMAT; /* wrong size given: more data than WxH */
out_free:
	free(row);
out_close:
	fclose(f);
out_release:
	if (rc)
		scanner_image_release(img);
	return rc;
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

int scanner_image_save(const char *path, const struct scanner_image *img)
{
	if (!img->luma)
		return SCANNER_ERR_INVAL;
	if (has_suffix(path, ".pgm")) {
		FILE *f = fopen(path, "wb");
		int rc = 0;
		if (!f)
			return SCANNER_ERR_IO;
		fprintf(f, "P5\n%d %d\n255\n", img->width, img->height);
		if (fwrite(img->luma, 1, (size_t)img->width * img->height, f) !=
		    (size_t)img->width * img->height)
			rc = SCANNER_ERR_IO;
		if (fclose(f))
			rc = SCANNER_ERR_IO;
		return rc;
	}
	png_image png;
	memset(&png, 0, sizeof(png));
	png.version = PNG_IMAGE_VERSION;
	png.width = (png_uint_32)img->width;
	png.height = (png_uint_32)img->height;
	png.format = PNG_FORMAT_GRAY;
	if (!png_image_write_to_file(&png, path, 0, img->luma, img->width, NULL))
		return SCANNER_ERR_IO;
	return 0;
}
