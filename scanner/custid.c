/*
 * Customer id validation: prefix, length, character set and check character
 * of a decoded payload, in that order, with one reason per rejection.
 *
 * Sections: character classes, check-character schemes, syntax setup,
 * validation.
 *
 * The payload is a byte array with a length, never a C string: a binary QR
 * code may carry NUL bytes, and "CUST#12345\0" must not pass as "12345".
 * Nothing here calls strlen() on a payload.
 */
#include "scanner/custid.h"

#include <string.h>

/************************************************************************
 * Character classes
 */

/*
 * Characters no syntax may allow in an id, whatever its configured set:
 * quotes, backslash, whitespace, '#' (our own separator), JSON structure
 * ({}[]:,) and shell metacharacters (;&|$<>()*?!~^%). Control characters,
 * DEL and every byte >= 0x80 are excluded separately by is_printable(), which
 * also keeps out UTF-8 look-alikes such as Cyrillic "С" or fullwidth "＃".
 */
static const char never_allowed[] = " \"'`\\#{}[]:,;&|$<>()*?!~^%";

static bool is_printable(unsigned char c)
{
	return c > 0x20 && c < 0x7f;
}

static bool is_never_allowed(unsigned char c)
{
	return !is_printable(c) || memchr(never_allowed, c, sizeof(never_allowed) - 1) != NULL;
}

static bool is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static unsigned char to_upper(unsigned char c)
{
	return (c >= 'a' && c <= 'z') ? (unsigned char)(c - 'a' + 'A') : c;
}

/************************************************************************
 * Check-character schemes
 */

static const char mod37_36_alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/* Value of c in the MOD 37-36 alphabet [0-9A-Z], or -1. Lowercase is not taken. */
static int mod37_36_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return -1;
}

/*
 * ISO/IEC 7064 hybrid system with M = 36, M + 1 = 37. Starting from P = M,
 * each character a gives S = (P mod (M+1)) + a, then P = ((S mod M) or M) * 2.
 * This returns the last S mod M (the "checksum" of python-stdnum's mod_37_36,
 * which starts from M/2 and doubles first: the same recurrence). A string
 * with its check character appended is valid when this is 1.
 * Returns -1 if a character is outside [0-9A-Z].
 */
static int mod37_36_checksum(const unsigned char *s, size_t len)
{
	const int m = 36;
	int p = m;
	int r = 0;

	for (size_t i = 0; i < len; i++) {
		int a = mod37_36_value(s[i]);

		if (a < 0)
			return -1;
		r = (p % (m + 1) + a) % m;
		p = (r ? r : m) * 2;
	}
	/* An empty string leaves the recurrence at its start: S mod M = M/2. */
	return len ? r : m / 2;
}

static char mod37_36_check_char(const unsigned char *body, size_t len)
{
	const int m = 36;
	int r = mod37_36_checksum(body, len);
	int p;

	if (r < 0)
		return 0;
	/* Pick the check value a with (P mod 37 + a) mod 36 == 1. */
	p = (r ? r : m) * 2;
	return mod37_36_alphabet[((1 - p % (m + 1)) % m + m) % m];
}

/*
 * Luhn sum of digits s[0..len), doubling every second digit counted from the
 * right, starting with the rightmost one when double_last. Returns -1 if a
 * character is not a digit.
 */
static int luhn_sum(const unsigned char *s, size_t len, bool double_last)
{
	int sum = 0;
	bool dbl = double_last;

	for (size_t i = len; i-- > 0;) {
		int d;

		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = s[i] - '0';
		if (dbl) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
		dbl = !dbl;
	}
	return sum;
}

static char luhn_check_char(const unsigned char *body, size_t len)
{
	int sum = luhn_sum(body, len, true);

	if (sum < 0)
		return 0;
	return (char)('0' + (10 - sum % 10) % 10);
}

/*
 * GS1 mod 10 (EAN-8, EAN-13, UPC-A, ITF-14): weights 3 and 1 alternate from
 * the right, 3 on the digit next to the check digit. It is Luhn's layout
 * with weight 3 instead of doubling. Returns the weighted sum of s[0..len)
 * with the rightmost digit weighted 3 when triple_last, or -1 if a character
 * is not a digit.
 */
static int gs1_sum(const unsigned char *s, size_t len, bool triple_last)
{
	int sum = 0;
	bool triple = triple_last;

	for (size_t i = len; i-- > 0;) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		sum += (s[i] - '0') * (triple ? 3 : 1);
		triple = !triple;
	}
	return sum;
}

/*
 * ISO/IEC 7064 MOD 11-2 (pure system, radix 2): P = (2P + a) mod 11 over the
 * string; with the check character ('X' = 10) included a valid string gives
 * 1 (python-stdnum's mod_11_2). Returns -1 on a character outside [0-9],
 * or, when x_last, outside [0-9X] for the last one.
 */
static int mod11_2_checksum(const unsigned char *s, size_t len, bool x_last)
{
	int p = 0;

	for (size_t i = 0; i < len; i++) {
		int a;

		if (s[i] >= '0' && s[i] <= '9')
			a = s[i] - '0';
		else if (x_last && i == len - 1 && s[i] == 'X')
			a = 10;
		else
			return -1;
		p = (2 * p + a) % 11;
	}
	return p;
}

/* ISO/IEC 7064 MOD 97-10 over digits: the number mod 97 (1 when valid), or -1. */
static int mod97_10_checksum(const unsigned char *s, size_t len)
{
	int r = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		r = (r * 10 + (s[i] - '0')) % 97;
	}
	return r;
}

char custid_check_char(enum custid_check scheme, const char *body, size_t len)
{
	if (!body && len)
		return 0;
	switch (scheme) {
	case CUSTID_CHECK_MOD37_36:
		return mod37_36_check_char((const unsigned char *)body, len);
	case CUSTID_CHECK_LUHN:
		return luhn_check_char((const unsigned char *)body, len);
	case CUSTID_CHECK_EAN: {
		int sum = gs1_sum((const unsigned char *)body, len, true);

		return sum < 0 ? 0 : (char)('0' + (10 - sum % 10) % 10);
	}
	case CUSTID_CHECK_MOD11_2: {
		int p = mod11_2_checksum((const unsigned char *)body, len, false);
		int c = p < 0 ? -1 : ((1 - 2 * p) % 11 + 11) % 11;

		return c < 0 ? 0 : c == 10 ? 'X' : (char)('0' + c);
	}
	case CUSTID_CHECK_NONE:
	case CUSTID_CHECK_MOD97_10:
	default:
		return 0;
	}
}

/*
 * Whether id[0..len) ends in the right check character. A check scheme needs
 * at least one body character before the check character: a lone check
 * character identifies nobody.
 */
static bool check_ok(enum custid_check scheme, const unsigned char *id, size_t len)
{
	switch (scheme) {
	case CUSTID_CHECK_NONE:
		return true;
	case CUSTID_CHECK_MOD37_36:
		return len >= 2 && mod37_36_checksum(id, len) == 1;
	case CUSTID_CHECK_LUHN: {
		int sum = len >= 2 ? luhn_sum(id, len, false) : -1;

		return sum >= 0 && sum % 10 == 0;
	}
	case CUSTID_CHECK_EAN: {
		int sum = len >= 2 ? gs1_sum(id, len, false) : -1;

		return sum >= 0 && sum % 10 == 0;
	}
	case CUSTID_CHECK_MOD11_2:
		return len >= 2 && mod11_2_checksum(id, len, true) == 1;
	case CUSTID_CHECK_MOD97_10:
		return len >= 3 && mod97_10_checksum(id, len) == 1;
	default:
		return false;
	}
}

bool custid_check_valid(enum custid_check scheme, const char *s, size_t len)
{
	if (!s && len)
		return false;
	return check_ok(scheme, (const unsigned char *)s, len);
}

int custid_check_parse(const char *name, enum custid_check *out)
{
	static const struct {
		const char *name;
		enum custid_check check;
	} names[] = {
	    {"none", CUSTID_CHECK_NONE},       {"mod37-36", CUSTID_CHECK_MOD37_36},
	    {"luhn", CUSTID_CHECK_LUHN},       {"ean", CUSTID_CHECK_EAN},
	    {"mod11-2", CUSTID_CHECK_MOD11_2}, {"mod97-10", CUSTID_CHECK_MOD97_10},
	};

	if (!name || !out)
		return -1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i].name) == 0) {
			*out = names[i].check;
			return 0;
		}
	}
	return -1;
}

/************************************************************************
 * Syntax setup
 */

/*
 * Set spec grammar: a sequence of items, each either "x-y" (an inclusive
 * range, x <= y) or a single character. A '-' that cannot start or close a
 * range (first, last, or right after a range) is the character itself. Every
 * character of the spec, and every byte a range covers, must be printable
 * ASCII and outside never_allowed[]. The syntax is untouched on error.
 */
int custid_syntax_set_charset(struct custid_syntax *syntax, const char *spec)
{
	bool allowed[256] = {false};
	const unsigned char *s = (const unsigned char *)spec;
	size_t i = 0;

	if (!syntax || !spec || !spec[0])
		return -1;
	while (s[i]) {
		unsigned char lo = s[i];
		unsigned char hi = lo;

		if (s[i + 1] == '-' && s[i + 2] != '\0') {
			hi = s[i + 2];
			i += 3;
		} else {
			i += 1;
		}
		if (lo > hi || !is_printable(lo) || !is_printable(hi))
			return -1;
		for (unsigned c = lo; c <= hi; c++) {
			if (is_never_allowed((unsigned char)c))
				return -1;
			allowed[c] = true;
		}
	}
	memcpy(syntax->allowed, allowed, sizeof(allowed));
	return 0;
}

void custid_syntax_init_default(struct custid_syntax *syntax)
{
	int rc;

	memset(syntax, 0, sizeof(*syntax));
	memcpy(syntax->prefix, "CUST#", sizeof("CUST#"));
	syntax->max_len = CUSTID_MAX_ID_LEN;
	syntax->check = CUSTID_CHECK_NONE;
	rc = custid_syntax_set_charset(syntax, "A-Za-z0-9_-");
	(void)rc; /* a constant spec: cannot fail */
}

/************************************************************************
 * Validation
 */

/*
 * bad_prefix versus not_customer_card. The prefix's stem is the prefix
 * without its trailing non-alphanumeric characters ("CUST" for "CUST#"). A
 * payload that is not exactly prefixed but begins with the stem, compared
 * case-insensitively, looks like a customer card printed or typed wrongly:
 * "cust#1", "Cust#1", "CUST1", "CUST-1", "CUST #1", "CUST＃1" (fullwidth) are
 * bad_prefix. Everything else (product barcodes, URLs, Cyrillic look-alikes
 * such as "СUST#1", an empty payload) is not_customer_card. A prefix with no
 * alphanumeric stem only ever gives not_customer_card.
 */
static bool looks_like_prefix(const char *prefix, size_t prefix_len, const uint8_t *payload,
			      size_t len)
{
	size_t stem = prefix_len;

	while (stem > 0 && !is_alnum((unsigned char)prefix[stem - 1]))
		stem--;
	if (stem == 0 || len < stem)
		return false;
	for (size_t i = 0; i < stem; i++) {
		if (to_upper(payload[i]) != to_upper((unsigned char)prefix[i]))
			return false;
	}
	return true;
}

/*
 * The id may only use bytes the syntax allows, and never one of the always
 * forbidden ones even if a hand-filled syntax allows it: whatever passes here
 * is safe to log, print and put into JSON.
 */
static bool charset_ok(const struct custid_syntax *syntax, const uint8_t *id, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (!syntax->allowed[id[i]] || is_never_allowed(id[i]))
			return false;
	}
	return true;
}

/* The syntax's max_len, held to 1..CUSTID_MAX_ID_LEN so id_out never overflows. */
static size_t effective_max_len(const struct custid_syntax *syntax)
{
	if (syntax->max_len == 0 || syntax->max_len > CUSTID_MAX_ID_LEN)
		return CUSTID_MAX_ID_LEN;
	return syntax->max_len;
}

enum custid_reason custid_validate(const struct custid_syntax *syntax, const uint8_t *payload,
				   size_t len, char *id_out)
{
	enum custid_reason reason;
	size_t prefix_len;
	const uint8_t *id;
	size_t id_len;

	if (id_out)
		id_out[0] = '\0';
	if (!syntax || !payload || len == 0)
		return CUSTID_NOT_CUSTOMER_CARD;

	prefix_len = strnlen(syntax->prefix, CUSTID_MAX_PREFIX_LEN);
	if (len < prefix_len || memcmp(payload, syntax->prefix, prefix_len) != 0) {
		reason = looks_like_prefix(syntax->prefix, prefix_len, payload, len)
			     ? CUSTID_BAD_PREFIX
			     : CUSTID_NOT_CUSTOMER_CARD;
		goto out;
	}
	id = payload + prefix_len;
	id_len = len - prefix_len;

	if (id_len == 0)
		reason = CUSTID_EMPTY_ID;
	else if (id_len > effective_max_len(syntax))
		reason = CUSTID_TOO_LONG;
	else if (!charset_ok(syntax, id, id_len))
		reason = CUSTID_BAD_CHARSET;
	else if (!check_ok(syntax->check, id, id_len))
		reason = CUSTID_BAD_CHECK;
	else
		reason = CUSTID_OK;

	if (reason == CUSTID_OK && id_out) {
		memcpy(id_out, id, id_len);
		id_out[id_len] = '\0';
	}
out:
	return reason;
}

const char *custid_reason_name(enum custid_reason reason)
{
	switch (reason) {
#define CUSTID_REASON_CASE(name, text)                                                             \
	case CUSTID_##name:                                                                        \
		return text;
		CUSTID_REASON_MAP(CUSTID_REASON_CASE)
#undef CUSTID_REASON_CASE
	default:
		return "unknown";
	}
}
