/*
 * PNG files for the display: saving screenshots and loading a logo.
 *
 * Pixels are bytes in the order R, G, B, A (SDL_PIXELFORMAT_RGBA32), rows
 * `stride` bytes apart. Any thread may call these; they share no state.
 */
#ifndef DISPLAY_PNG_H
#define DISPLAY_PNG_H

#include <stdint.h>

/* Largest accepted side, so a hostile file cannot ask for gigabytes. */
#define DISPLAY_PNG_MAX_SIDE 8192

/*
 * Writes the pixels as an 8-bit RGB PNG (alpha dropped). Returns 0 or a
 * negative display_err (INVAL, IO, NOMEM).
 */
int display_png_save_rgb(const char *path, const uint8_t *rgba, int width, int height, int stride);

/*
 * Reads a PNG of any colour type as RGBA into *rgba (width * 4 bytes a row,
 * rows packed); the caller owns it and frees it with free(). Returns 0 or a
 * negative display_err (IO, FORMAT, NOMEM); *rgba is NULL on failure.
 */
int display_png_load_rgba(const char *path, uint8_t **rgba, int *width, int *height);

#endif
