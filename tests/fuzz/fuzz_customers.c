/*
 * libFuzzer target for custcard's customer CSV reader (tools/custcard,
 * card_customers_parse): arbitrary bytes as a customer file, with and
 * without a check scheme. A file is either refused with a code and a message
 * naming the file, or read into customers whose every field is valid UTF-8
 * without control characters and whose ids the scanner accepts, each id once.
 */
#include "card.h"

#include "fuzz_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool clean(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return strlen(s) <= CARD_CSV_MAX_FIELD;
}

static void parse_checked(const uint8_t *data, size_t size, enum custid_check check)
{
	struct custid_syntax syntax;
	struct card_customers *list = NULL;
	struct card_error err;
	int rc;

	custid_syntax_init_default(&syntax);
	syntax.check = check;
	memset(&err, 0, sizeof(err));
	rc = card_customers_parse((const char *)data, size, "fuzz.csv", &syntax, &list, &err);
	if (rc) {
		CHECK(rc < 0 && !list);
		CHECK(err.code == rc);
		CHECK(!strncmp(err.detail, "fuzz.csv:", 9));
		return;
	}
	CHECK(list);
	for (size_t i = 0; i < card_customers_count(list); i++) {
		struct card_customer *c = card_customers_get(list, i);
		char text[80];

		CHECK(clean(c->first_name) && clean(c->last_name) && clean(c->email) &&
		      clean(c->phone) && clean(c->cards));
		if (c->id[0]) {
			snprintf(text, sizeof(text), "CUST#%s", c->id);
			CHECK(custid_validate(&syntax, (const uint8_t *)text, strlen(text), NULL) ==
			      CUSTID_OK);
			for (size_t j = 0; j < i; j++)
				CHECK(strcmp(card_customers_get(list, j)->id, c->id));
		}
	}
	card_customers_destroy(list);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse_checked(data, size, CUSTID_CHECK_NONE);
	parse_checked(data, size, CUSTID_CHECK_MOD37_36);
	return 0;
}
