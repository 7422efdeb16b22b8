/*
 * PNG reading and writing with libpng's simplified API (png_image), which
 * converts any colour type on load and keeps error handling out of setjmp.
 */
#include "display/png.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "display/error.h"

int display_png_save_rgb(const char *path, const uint8_t *rgba, int width, int height, int stride)
{
	png_image img;
	uint8_t *rgb;
	int x, y, err = 0;

	if (!path || !rgba || width <= 0 || height <= 0 || width > DISPLAY_PNG_MAX_SIDE ||
	    height > DISPLAY_PNG_MAX_SIDE || stride < width * 4)
		return DISPLAY_ERR_INVAL;
	rgb = malloc((size_t)width * (size_t)height * 3);
	if (!rgb)
		return DISPLAY_ERR_NOMEM;
	for (y = 0; y < height; y++) {
		const uint8_t *src = rgba + (size_t)y * (size_t)stride;
		uint8_t *dst = rgb + (size_t)y * (size_t)width * 3;

		for (x = 0; x < width; x++) {
			dst[3 * x] = src[4 * x];
			dst[3 * x + 1] = src[4 * x + 1];
			dst[3 * x + 2] = src[4 * x + 2];
		}
	}
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = (png_uint_32)width;
	img.height = (png_uint_32)height;
	img.format = PNG_FORMAT_RGB;
	if (!png_image_write_to_file(&img, path, 0, rgb, width * 3, NULL))
		err = DISPLAY_ERR_IO;
	png_image_free(&img);
	free(rgb);
	return err;
}

int display_png_load_rgba(const char *path, uint8_t **rgba, int *width, int *height)
{
	png_image img;
	uint8_t *buf = NULL;
	int err = 0;

	*rgba = NULL;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!path || !png_image_begin_read_from_file(&img, path)) {
		err = DISPLAY_ERR_IO;
		goto out_image;
	}
	if (img.width == 0 || img.height == 0 || img.width > DISPLAY_PNG_MAX_SIDE ||
	    img.height > DISPLAY_PNG_MAX_SIDE) {
		err = DISPLAY_ERR_FORMAT;
		goto out_image;
	}
	img.format = PNG_FORMAT_RGBA;
	buf = malloc(PNG_IMAGE_SIZE(img));
	if (!buf) {
		err = DISPLAY_ERR_NOMEM;
		goto out_image;
	}
	if (!png_image_finish_read(&img, NULL, buf, 0, NULL)) {
		err = DISPLAY_ERR_FORMAT;
		goto out_buf;
	}
	*rgba = buf;
	*width = (int)img.width;
	*height = (int)img.height;
	buf = NULL;
out_buf:
	free(buf);
out_image:
	png_image_free(&img);
	return err;
}
