/*
 * Owned 8-bit luma images: loading from and saving to files.
 *
 * Used by the programs that read image files (custscan-decode, the replay
 * source, the phone-screen simulator, the benchmark). The camera path does not
 * go through here: camera buffers are viewed as scanner_frame directly.
 */
#ifndef SCANNER_IMAGE_H
#define SCANNER_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "scanner/frame.h"

/* Largest accepted side, so a hostile file header cannot ask for gigabytes. */
#define SCANNER_IMAGE_MAX_SIDE 16384

struct scanner_image {
	uint8_t *luma; /* width * height bytes, rows packed (stride == width) */
	int width;
	int height;
};

/*
 * Allocates a zeroed width x height image into *img. Returns 0 or a negative
 * scanner_err. On failure *img is left empty (luma NULL).
 */
int scanner_image_init(struct scanner_image *img, int width, int height);

/* Frees the pixels; safe on an empty or already released image. */
void scanner_image_release(struct scanner_image *img);

/*
 * Loads a PGM (P5, 8 bit), PNG or JPEG file, recognised by its content, and
 * converts it to luma (ITU-R BT.601 weights for colour). Returns 0 or a
 * negative scanner_err (NOENT, IO, FORMAT, TOO_BIG, NOMEM); *img is empty on
 * failure. The caller owns img->luma and frees it with scanner_image_release.
 */
int scanner_image_load(const char *path, struct scanner_image *img);

/*
 * Loads a raw packed YUYV (YUY2) file of the given size and keeps its luma.
 * The file must hold exactly width * height * 2 bytes.
 */
int scanner_image_load_yuyv(const char *path, int width, int height, struct scanner_image *img);

/* Writes img as an 8-bit greyscale PNG or binary PGM (by the path's suffix). */
int scanner_image_save(const char *path, const struct scanner_image *img);

/* A frame view of the whole image, with the given timestamp and sequence. */
struct scanner_frame scanner_image_frame(const struct scanner_image *img, int64_t timestamp_us,
					 uint64_t sequence);

/*
 * The mean luma (0..255) of the box [x0, x1) x [y0, y1) of f, clipped to
 * the frame; -1 if nothing of it is inside. For exposure hints: the
 * brightness of the region where a code was found.
 */
int scanner_frame_mean_luma(const struct scanner_frame *f, int x0, int y0, int x1, int y1);

#endif
