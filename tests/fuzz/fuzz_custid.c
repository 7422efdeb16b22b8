/*
 * libFuzzer target for scanner/custid.c: arbitrary payload bytes through
 * custid_validate() under the default syntax and under a MOD 37-36 syntax,
 * plus the same bytes as a character set spec and as a check-character body.
 * Every verdict must keep the module's promises: an OK id is exactly the
 * bytes after the prefix, 1..64 allowed characters, and no payload holding a
 * NUL is ever OK.
 */
#include "scanner/custid.h"

#include "fuzz_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Characters no id may ever contain (custid.h), besides non-printable bytes. */
static const char never_allowed[] = " \"'`\\#{}[]:,;&|$<>()*?!~^%";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Validates data under syntax, checks the invariants and returns the verdict. */
static enum custid_reason validate_checked(const struct custid_syntax *syntax, const uint8_t *data,
					   size_t size)
{
	char id[CUSTID_ID_BUFSZ];
	size_t prefix_len = strlen(syntax->prefix);
	enum custid_reason r;
	size_t id_len;

	memset(id, 0x5a, sizeof(id));
	r = custid_validate(syntax, data, size, id);
	CHECK(r >= CUSTID_OK && r < CUSTID_REASON_COUNT);
	CHECK(custid_reason_name(r) != NULL);
	CHECK(custid_validate(syntax, data, size, NULL) == r);
	if (r != CUSTID_OK) {
		CHECK(id[0] == '\0');
		return r;
	}

	id_len = strnlen(id, sizeof(id));
	CHECK(id_len < sizeof(id));
	CHECK(size >= prefix_len && memcmp(data, syntax->prefix, prefix_len) == 0);
	CHECK(id_len >= 1 && id_len <= CUSTID_MAX_ID_LEN && id_len <= syntax->max_len);
	CHECK(size == prefix_len + id_len);
	CHECK(memcmp(data + prefix_len, id, size - prefix_len) == 0);
	CHECK(memchr(data, '\0', size) == NULL);
	for (size_t i = 0; i < id_len; i++) {
		unsigned char c = (unsigned char)id[i];

		CHECK(syntax->allowed[c]);
		CHECK(c > 0x20 && c < 0x7f);
		CHECK(strchr(never_allowed, c) == NULL);
	}
	if (syntax->check != CUSTID_CHECK_NONE)
		CHECK(custid_check_char(syntax->check, id, id_len - 1) == id[id_len - 1]);
	return r;
}

/* The bytes as a set spec: whatever is accepted must allow no forbidden byte. */
static void fuzz_charset(const uint8_t *data, size_t size)
{
	struct custid_syntax syntax;
	struct custid_syntax before;
	char spec[128];
	size_t n = size < sizeof(spec) - 1 ? size : sizeof(spec) - 1;

	memcpy(spec, data, n);
	spec[n] = '\0';
	custid_syntax_init_default(&syntax);
	before = syntax;
	if (custid_syntax_set_charset(&syntax, spec) != 0) {
		CHECK(memcmp(&syntax, &before, sizeof(syntax)) == 0);
		return;
	}
	for (unsigned c = 0; c < 256; c++) {
		if (!syntax.allowed[c])
			continue;
		CHECK(c > 0x20 && c < 0x7f);
		CHECK(strchr(never_allowed, (int)c) == NULL);
	}
}

/* The bytes as an id body: a computed check character must validate. */
static void fuzz_check_char(const struct custid_syntax *syntax, const uint8_t *data, size_t size)
{
	uint8_t payload[CUSTID_MAX_PREFIX_LEN + CUSTID_MAX_ID_LEN];
	size_t prefix_len = strlen(syntax->prefix);
	char c;

	if (size == 0 || size >= CUSTID_MAX_ID_LEN)
		return;
	c = custid_check_char(syntax->check, (const char *)data, size);
	if (c == 0)
		return;
	memcpy(payload, syntax->prefix, prefix_len);
	memcpy(payload + prefix_len, data, size);
	payload[prefix_len + size] = (uint8_t)c;
	/* Both schemes' alphabets lie inside the default character set. */
	CHECK(validate_checked(syntax, payload, prefix_len + size + 1) == CUSTID_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct custid_syntax plain;
	struct custid_syntax mod37;
	struct custid_syntax luhn;
	enum custid_reason r_plain;
	enum custid_reason r_mod37;

	custid_syntax_init_default(&plain);
	custid_syntax_init_default(&mod37);
	mod37.check = CUSTID_CHECK_MOD37_36;
	custid_syntax_init_default(&luhn);
	luhn.check = CUSTID_CHECK_LUHN;

	r_plain = validate_checked(&plain, data, size);
	r_mod37 = validate_checked(&mod37, data, size);
	/* The check is the last test: it can only turn an OK into bad_check. */
	if (r_plain == CUSTID_OK)
		CHECK(r_mod37 == CUSTID_OK || r_mod37 == CUSTID_BAD_CHECK);
	else
		CHECK(r_mod37 == r_plain);
	validate_checked(&luhn, data, size);

	fuzz_charset(data, size);
	fuzz_check_char(&mod37, data, size);
	fuzz_check_char(&luhn, data, size);
	return 0;
}
