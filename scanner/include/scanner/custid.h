/*
 * Customer id validation: the only gate between raw decoded bytes and a
 * customer id.
 *
 * A payload becomes an id only if it is exactly the configured prefix
 * ("CUST#" by default) followed by 1..max_len characters from the configured
 * character set ([A-Za-z0-9_-] by default) and, when a check scheme is
 * configured, its last character is the right check character. Everything
 * else is rejected with a reason. The id handed out is the part after the
 * prefix, copied into the caller's buffer and NUL-terminated; raw bytes never
 * travel further than this module.
 *
 * Pure functions, no allocation, safe from any thread.
 */
#ifndef SCANNER_CUSTID_H
#define SCANNER_CUSTID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest id any syntax may allow; an id buffer of CUSTID_ID_BUFSZ always fits. */
#define CUSTID_MAX_ID_LEN 64
#define CUSTID_ID_BUFSZ	  (CUSTID_MAX_ID_LEN + 1)
/* Longest prefix a syntax may have. */
#define CUSTID_MAX_PREFIX_LEN 15

#define CUSTID_REASON_MAP(X)                                                                       \
	X(OK, "ok")                                                                                \
	X(NOT_CUSTOMER_CARD, "not_customer_card")                                                  \
	X(BAD_PREFIX, "bad_prefix")                                                                \
	X(BAD_CHARSET, "bad_charset")                                                              \
	X(TOO_LONG, "too_long")                                                                    \
	X(EMPTY_ID, "empty_id")                                                                    \
	X(BAD_CHECK, "bad_check")                                                                  \
	X(BAD_LENGTH, "bad_length") /* card rules: a card length the rule does not list */

enum custid_reason {
#define CUSTID_REASON_ENUM(name, text) CUSTID_##name,
	CUSTID_REASON_MAP(CUSTID_REASON_ENUM)
#undef CUSTID_REASON_ENUM
	    CUSTID_REASON_COUNT
};

/* Check-character schemes for the last character of the id. */
enum custid_check {
	CUSTID_CHECK_NONE = 0, /* registers bring their own ids: the default */
	CUSTID_CHECK_MOD37_36, /* ISO/IEC 7064 MOD 37-36 over [0-9A-Z] */
	CUSTID_CHECK_LUHN,     /* Luhn mod 10 over digits only */
	CUSTID_CHECK_EAN,      /* GS1 mod 10 (EAN/UPC, weights 3,1 from the right), digits */
	CUSTID_CHECK_MOD11_2,  /* ISO/IEC 7064 MOD 11-2 over digits, check 0-9 or X */
	CUSTID_CHECK_MOD97_10, /* ISO/IEC 7064 MOD 97-10 over digits, two check digits */
};

struct custid_syntax {
	char prefix[CUSTID_MAX_PREFIX_LEN + 1]; /* exact, case-sensitive */
	size_t max_len;				/* 1..CUSTID_MAX_ID_LEN, check char included */
	bool allowed[256];			/* bytes allowed in the id */
	enum custid_check check;		/* scheme for the id's last character */
};

/* Fills *syntax with the default: "CUST#", 1..64 of [A-Za-z0-9_-], no check. */
void custid_syntax_init_default(struct custid_syntax *syntax);

/*
 * Sets the allowed characters from a set spec such as "A-Za-z0-9_-" (ranges
 * and single ASCII printable characters; '-' last is literal). Returns 0, or
 * -1 if the spec is malformed or allows a byte outside printable ASCII or one
 * of the characters that are never allowed in an id (quotes, backslash,
 * whitespace, '#' and JSON/shell metacharacters).
 */
int custid_syntax_set_charset(struct custid_syntax *syntax, const char *spec);

/*
 * Parses "none", "mod37-36", "luhn", "ean", "mod11-2" or "mod97-10".
 * Returns 0 or -1.
 */
int custid_check_parse(const char *name, enum custid_check *out);

/*
 * Validates payload[0..len) (any bytes, NUL included). On CUSTID_OK the id
 * (without prefix) is written NUL-terminated to id_out, which must hold
 * CUSTID_ID_BUFSZ bytes; on any other result id_out is set to "".
 * id_out may be NULL when only the verdict is wanted.
 */
enum custid_reason custid_validate(const struct custid_syntax *syntax, const uint8_t *payload,
				   size_t len, char *id_out);

/* The reason's stable machine name ("not_customer_card", ...). Never NULL. */
const char *custid_reason_name(enum custid_reason reason);

/*
 * Computes the check character for id body[0..len) under scheme; returns the
 * character, or 0 if the body contains characters the scheme cannot take or
 * the scheme is NONE or MOD97_10 (whose check is two digits). Used by card
 * issuing (custcard) and tests.
 */
char custid_check_char(enum custid_check scheme, const char *body, size_t len);

/*
 * Whether s[0..len), check characters included, is valid under scheme
 * (always true for NONE). A scheme needs at least one character besides its
 * check characters. Used by card rules, which may check the whole card
 * number rather than the id (an EAN's check digit covers the whole code).
 */
bool custid_check_valid(enum custid_check scheme, const char *s, size_t len);

#endif
