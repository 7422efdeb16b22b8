/*
 * What may go on a card: fresh ids from the system's random numbers, the
 * scanner's own check of a given id, and names fit for printing.
 *
 * Sections: issuing, checking ids, checking names.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "card_impl.h"

/* ---------------------------------------------------------------- issuing */

static const char alnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

size_t card_id_default_len(enum custid_check scheme)
{
	return scheme == CUSTID_CHECK_LUHN ? 16 : 10;
}

/*
 * Fills buf with n bytes from getrandom() (the kernel's CSPRNG, blocking only
 * until it is seeded once after boot). Returns 0 or -1.
 */
static int random_bytes(unsigned char *buf, size_t n)
{
	while (n > 0) {
		ssize_t got = getrandom(buf, n, 0);

		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += got;
		n -= (size_t)got;
	}
	return 0;
}

/*
 * n characters drawn uniformly from alphabet[0..k): bytes at or above the
 * largest multiple of k are thrown away, so no character is likelier than
 * another (a plain byte % 36 would favour the first 4).
 */
static int random_chars(char *out, size_t n, const char *alphabet, unsigned k)
{
	unsigned limit = 256 - 256 % k;
	unsigned char buf[64];

	while (n > 0) {
		if (random_bytes(buf, sizeof(buf)))
			return -1;
		for (size_t i = 0; i < sizeof(buf) && n > 0; i++)
			if (buf[i] < limit) {
				*out++ = alphabet[buf[i] % k];
				n--;
			}
	}
	return 0;
}

int card_id_issue(enum custid_check scheme, size_t len, char *id)
{
	unsigned k = scheme == CUSTID_CHECK_LUHN ? 10 : 36;
	size_t body = scheme == CUSTID_CHECK_NONE ? len : len - 1;

	if (!id || len < 2 || len > CUSTID_MAX_ID_LEN)
		return CARD_ERR_INVAL;
	if ((double)body * log2((double)k) < CARD_ID_MIN_BITS)
		return CARD_ERR_INVAL;
	if (random_chars(id, body, alnum, k))
		return CARD_ERR_RANDOM;
	if (scheme != CUSTID_CHECK_NONE)
		id[body] = custid_check_char(scheme, id, body);
	id[len] = '\0';
	return 0;
}

/* ---------------------------------------------------------------- ids */

/* Copies s for a message: at most 80 bytes, anything unprintable as '?'. */
static void printable(char *out, size_t size, const char *s)
{
	size_t n = 0;

	for (; *s && n + 1 < size && n < 80; s++)
		out[n++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	out[n] = '\0';
}

int card_id_check(const struct custid_syntax *syntax, const char *text, char *id,
		  struct card_error *err)
{
	char buf[CUSTID_ID_BUFSZ], shown[96];
	enum custid_reason r;

	if (!syntax || !text)
		return card_fail(err, CARD_ERR_INVAL, 0, "no id given");
	r = custid_validate(syntax, (const uint8_t *)text, strlen(text), buf);
	if (r != CUSTID_OK) {
		printable(shown, sizeof(shown), text);
		return card_fail(
		    err, CARD_ERR_BAD_ID, 0, "%s: refused (%s)%s", shown, custid_reason_name(r),
		    r == CUSTID_BAD_CHECK ? ": its last character is not the check character" : "");
	}
	if (id)
		memcpy(id, buf, sizeof(buf));
	return 0;
}

/* ---------------------------------------------------------------- names */

/*
 * Length of the UTF-8 sequence at s whose code point goes to *cp, or 0 if it
 * is malformed (truncated, overlong, a surrogate or above U+10FFFF).
 */
static size_t utf8_next(const unsigned char *s, unsigned long *cp)
{
	static const unsigned long min[5] = {0, 0, 0x80, 0x800, 0x10000};
	size_t n;
	unsigned long c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, c = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, c = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

int card_text_check(const char *text, size_t max, const char *what, int line,
		    struct card_error *err)
{
	const unsigned char *s = (const unsigned char *)text;

	if (!text)
		return card_fail(err, CARD_ERR_INVAL, line, "no %s given", what);
	if (strlen(text) > max)
		return card_fail(err, CARD_ERR_BAD_NAME, line, "%s longer than %zu bytes", what,
				 max);
	while (*s) {
		unsigned long cp;
		size_t n = utf8_next(s, &cp), at = (size_t)(s - (const unsigned char *)text) + 1;

		if (!n)
			return card_fail(err, CARD_ERR_BAD_NAME, line,
					 "%s is not valid UTF-8 (byte %zu)", what, at);
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			return card_fail(err, CARD_ERR_BAD_NAME, line,
					 "%s has a control character or line break (byte %zu)",
					 what, at);
		s += n;
	}
	return 0;
}

int card_name_check(const char *name, struct card_error *err)
{
	return card_text_check(name, CARD_NAME_MAX, "name", 0, err);
}
