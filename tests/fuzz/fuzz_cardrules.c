/*
 * libFuzzer target for scanner/cardrules.c and scanner/cardpattern.c: the
 * bytes as a rules file, as a pattern, and as a payload matched against
 * the rules that loaded (or the example-like rules below). The promises
 * checked: a file either loads or fails with a line inside it and a
 * message; a pattern compiles or says why; an accepted payload gives a
 * named rule and an id of 1..64 of [A-Za-z0-9_-], and a card no longer than
 * the payload and made of its bytes.
 */
#define _GNU_SOURCE /* memmem */
#include "scanner/cardpattern.h"
#include "scanner/cardrules.h"

#include "fuzz_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Rules of every kind: prefix, lengths, a pattern, a check, a product guard passed. */
static const char fixed_rules[] = "[rule member]\n"
				  "symbologies = ean13\n"
				  "pattern = 24(\\d{10})\\d\n"
				  "check = ean\n"
				  "[rule short]\n"
				  "symbologies = qr, code128\n"
				  "length = 2,5\n"
				  "charset = 0-9\n"
				  "[rule mbr]\n"
				  "symbologies = code39, qr\n"
				  "prefix = MBR-\n"
				  "check = luhn\n"
				  "[rule cust]\n"
				  "symbologies = qr\n"
				  "prefix = CUST#\n";

static void check_match(const struct cardrules *rules, const uint8_t *data, size_t size)
{
	static const enum scanner_symbology syms[] = {SCANNER_SYM_QR, SCANNER_SYM_EAN13,
						      SCANNER_SYM_UPCA, SCANNER_SYM_CODE39};

	for (size_t s = 0; s < sizeof(syms) / sizeof(syms[0]); s++) {
		struct cardrules_match m;
		enum custid_reason r = cardrules_match(rules, syms[s], data, size, &m);
		size_t id_len = strnlen(m.id, sizeof(m.id)), card_len;

		CHECK(r >= CUSTID_OK && r < CUSTID_REASON_COUNT);
		if (r != CUSTID_OK) {
			CHECK(m.id[0] == '\0' && m.rule[0] == '\0' && m.card[0] == '\0');
			continue;
		}
		CHECK(m.rule[0] != '\0');
		CHECK(id_len >= 1 && id_len <= CUSTID_MAX_ID_LEN);
		for (size_t i = 0; i < id_len; i++)
			CHECK(
			    strchr(
				"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
				m.id[i]) != NULL);
		card_len = strnlen(m.card, sizeof(m.card));
		CHECK(card_len < sizeof(m.card) && card_len <= size);
		CHECK(card_len == 0 || memmem(data, size, m.card, card_len) != NULL);
		CHECK(memchr(data, '\0', size) == NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cardrules *fixed;
	struct cardrules *rules = NULL;
	struct cardrules_error err;
	struct cardpattern *p = NULL;
	char why[CARDPATTERN_WHY_BUFSZ], src[CARDPATTERN_MAX_LEN + 2];
	size_t n = size < sizeof(src) - 1 ? size : sizeof(src) - 1;
	int lines = 1;

	if (!fixed)
		CHECK(cardrules_parse(fixed_rules, sizeof(fixed_rules) - 1, &fixed, NULL) == 0);

	/* The bytes as a rules file. */
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (cardrules_parse((const char *)data, size, &rules, &err) == 0) {
		CHECK(rules && cardrules_count(rules) >= 1);
		CHECK(cardrules_symbologies(rules) != 0);
		check_match(rules, data, size);
		cardrules_destroy(rules);
	} else {
		CHECK(rules == NULL);
		CHECK(err.line >= 0 && err.line <= lines);
		CHECK(err.message[0] != '\0');
	}

	/* The bytes as a pattern, matched against themselves. */
	memcpy(src, data, n);
	src[n] = '\0';
	if (cardpattern_compile(src, &p, why) == 0) {
		size_t off, len;

		if (cardpattern_match(p, data, size, &off, &len))
			CHECK(off + len <= size);
		(void)cardpattern_accepts_numeric(p, src, n < 13 ? n : 13, 13);
		cardpattern_destroy(p);
	} else {
		CHECK(p == NULL && why[0] != '\0');
	}

	/* The bytes as a payload. */
	check_match(fixed, data, size);
	return 0;
}
