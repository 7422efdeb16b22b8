/* Payload bytes to UTF-8: the UTF-8 / Shift-JIS / Latin-1 rule of text.h. */
#include "scanner/text.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>

bool scanner_text_is_utf8(const uint8_t *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint8_t c = s[i];
		size_t n;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

/* Converts Shift-JIS with iconv; returns the length, or (size_t)-1 if the
 * bytes are not valid Shift-JIS. */
static size_t shift_jis_to_utf8(const uint8_t *data, size_t len, char *out)
{
	iconv_t cd = iconv_open("UTF-8", "SHIFT_JIS");
	size_t result = (size_t)-1;

	if (cd == (iconv_t)-1)
		return result;
	char *in = (char *)data;
	size_t in_left = len;
	char *o = out;
	size_t out_left = 3 * len;
	if (iconv(cd, &in, &in_left, &o, &out_left) != (size_t)-1 && in_left == 0) {
		/* flush any shift state */
		if (iconv(cd, NULL, NULL, &o, &out_left) != (size_t)-1)
			result = (size_t)(o - out);
	}
	iconv_close(cd);
	return result;
}

size_t scanner_text_to_utf8(const uint8_t *data, size_t len, char *out)
{
	size_t n;

	if (scanner_text_is_utf8(data, len)) {
		memcpy(out, data, len);
		out[len] = '\0';
		return len;
	}
	n = shift_jis_to_utf8(data, len, out);
	if (n != (size_t)-1 && scanner_text_is_utf8((const uint8_t *)out, n)) {
		out[n] = '\0';
		return n;
	}
	n = 0;
	for (size_t i = 0; i < len; i++) {
		if (data[i] < 0x80) {
			out[n++] = (char)data[i];
		} else {
			out[n++] = (char)(0xc0 | (data[i] >> 6));
			out[n++] = (char)(0x80 | (data[i] & 0x3f));
		}
	}
	out[n] = '\0';
	return n;
}
