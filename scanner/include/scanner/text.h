/*
 * Payload bytes as text, for people and JSON, never for ids.
 *
 * Barcodes carry bytes. ZBar is asked for the raw bytes of QR codes (its own
 * character-set guess turned Chinese UTF-8 into mojibake), and this module
 * turns them into UTF-8 the way ZXing does: valid UTF-8 stays as it is,
 * otherwise valid Shift-JIS is converted, otherwise every byte is Latin-1.
 * The result is always valid UTF-8 and may contain NUL and control
 * characters, so it is handled with its length.
 */
#ifndef SCANNER_TEXT_H
#define SCANNER_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Worst-case growth: one byte can become three bytes of UTF-8. */
#define SCANNER_TEXT_BUFSZ(len) (3 * (len) + 1)

/* True if data[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
bool scanner_text_is_utf8(const uint8_t *data, size_t len);

/*
 * Converts data[0..len) to UTF-8 into out, which must hold
 * SCANNER_TEXT_BUFSZ(len) bytes; NUL-terminates it and returns the length
 * written (excluding that terminator; embedded NULs are kept).
 */
size_t scanner_text_to_utf8(const uint8_t *data, size_t len, char *out);

#endif
