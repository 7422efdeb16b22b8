/*
 * Card rules: which decoded payloads are customer cards, and whose.
 *
 * Shops already hand out loyalty cards (2- to 14-digit numbers, EAN-13 with
 * an in-store prefix, a fixed prefix in Code 39 or QR) and point-of-sale
 * systems read them with ordered barcode rules ("nomenclatures"). A
 * struct cardrules is such an ordered list; the first rule that matches a
 * payload wins. Each rule has
 *   - a name the register sees ([a-z0-9_], 1..32),
 *   - the symbologies its cards are printed in,
 *   - a pattern: a literal prefix, card lengths and a character set, or a
 *     restricted regular expression whose one capture is the id
 *     (cardpattern.h: linear time, no backtracking),
 *   - a check: EAN/UPC, Luhn (mod 10), ISO/IEC 7064 MOD 37-36, 11-2, 97-10,
 *     or none.
 * The built-in default is exactly the one rule of custid.h: "CUST#" and
 * 1..64 of [A-Za-z0-9_-], named "cust". Everything custid_validate() says
 * about that rule holds here too, reasons included.
 *
 * Rules never take a retail product code for a card: a rule that reads a
 * product symbology and would accept a number of its GTIN length (EAN-13:
 * 13 digits, EAN-8: 8, UPC-A: 12, Interleaved 2 of 5: 14, as ITF-14) that
 * does not start with an in-store prefix (20-29 or 02/04 for EAN-13, 0 or 2
 * for EAN-8, 2 or 4 for UPC-A, 02 for GTIN-14) or the retailer's own GS1
 * company prefix (owned_prefix) is refused when the rules are loaded, with
 * an explanation. QR, Code128 and Code 39 carry no retail products, so a
 * rule that reads only those may take bare numbers.
 *
 * The rules file (docs/rules/NAME.rules hold examples, docs/custscan.8 the
 * reference): '#' comments, blank lines, and one section per rule in the
 * order they are tried:
 *
 *   [rule loyalty]            the name the register sees
 *   symbologies = ean13       required: qr, code128, ean13, ean8, upca,
 *                             code39, i25
 *   prefix = 24               literal, before the id (default: none)
 *   length = 13               card lengths: "13", "2,5,8", "6-12"
 *   charset = 0-9             characters after the prefix (A-Za-z0-9_-)
 *   pattern = 24(\d{10})\d    instead of prefix and charset: the capture
 *                             is the id
 *   check = ean               none, ean, luhn, mod37-36, mod11-2, mod97-10
 *   check_covers = card       what the check covers: the whole card
 *                             number (default for ean) or the id
 *   owned_prefix = 4012345    a GS1 company prefix the retailer owns
 *   enabled = yes             no: kept, but matches nothing
 *
 * Any error (an unknown key, a bad value, a duplicate name, a pattern the
 * matcher refuses, a rule that would take product codes) fails the whole
 * file with its line and what is wrong: nothing is half loaded.
 *
 * A rules object is immutable once created: matching allocates nothing and
 * may run on any number of threads at once.
 */
#ifndef SCANNER_CARDRULES_H
#define SCANNER_CARDRULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/custid.h"
#include "scanner/decoder.h"

/* Most rules in one set. */
#define CARDRULES_MAX_RULES 32
/* Rule names: 1..32 of [a-z0-9_] (a protocol "word"). */
#define CARDRULES_NAME_MAX   32
#define CARDRULES_NAME_BUFSZ (CARDRULES_NAME_MAX + 1)
/* The longest card (whole payload) any rule takes, and a buffer for it. */
#define CARDRULES_CARD_MAX   64
#define CARDRULES_CARD_BUFSZ (CARDRULES_CARD_MAX + 1)
/* Room for an error message. */
#define CARDRULES_ERR_BUFSZ 400
/* The built-in rule's name. */
#define CARDRULES_DEFAULT_NAME "cust"
/* Longest rules file read. */
#define CARDRULES_MAX_FILE (256 * 1024)

struct cardrules;

/* Where and why rules failed to load. */
struct cardrules_error {
	int line;			   /* 1-based line of the rules text, 0 if none */
	char message[CARDRULES_ERR_BUFSZ]; /* what is wrong, lowercase, no line */
};

/* The outcome of matching one payload. */
struct cardrules_match {
	char rule[CARDRULES_NAME_BUFSZ];  /* the rule that matched, "" if none */
	char id[CUSTID_ID_BUFSZ];	  /* the customer id ("" if none) */
	char card[CARDRULES_CARD_BUFSZ];  /* the normalised card number: the whole payload
					     (a UPC-A always as 12 digits); "" for the
					     built-in rule, which has no card number */
	enum scanner_symbology symbology; /* as read, UPC-A when normalised to it */
};

/*
 * Creates the built-in rule set: the one rule "cust" with syntax (prefix,
 * characters, longest id and check; custid_syntax_init_default() gives the
 * default) in the given symbologies (SCANNER_SYM_DEFAULT). Returns 0 and sets
 * *out, or a negative scanner_err (INVAL: NULL, an empty prefix or no
 * symbology; NOMEM).
 */
int cardrules_create_default(const struct custid_syntax *syntax, unsigned symbologies,
			     struct cardrules **out);

/*
 * Parses rules text[0..len) (any bytes). Returns 0 and sets *out, or -1 with
 * *out NULL and *err (if not NULL) saying which line is wrong and why.
 */
int cardrules_parse(const char *text, size_t len, struct cardrules **out,
		    struct cardrules_error *err);

/* Reads and parses a rules file (at most CARDRULES_MAX_FILE bytes); as parse. */
int cardrules_load_file(const char *path, struct cardrules **out, struct cardrules_error *err);

/* Destroys a rule set; accepts NULL. */
void cardrules_destroy(struct cardrules *rules);

/*
 * The symbologies the enabled rules need, as a set of enum
 * scanner_symbology: exactly what the decoder should read. 0 when no rule is
 * enabled.
 */
unsigned cardrules_symbologies(const struct cardrules *rules);

/* Number of rules, and rule i's name and whether it is enabled. */
size_t cardrules_count(const struct cardrules *rules);
const char *cardrules_name(const struct cardrules *rules, size_t i);
bool cardrules_enabled(const struct cardrules *rules, size_t i);

/* The index of the rule called name, or -1 if there is none. */
int cardrules_find(const struct cardrules *rules, const char *name);

/*
 * The symbologies rule i reads (a set of enum scanner_symbology, whether it
 * is enabled or not; 0 for no rule i). *first (may be NULL) gets the one its
 * rules file names first (the built-in rule: QR if it reads QR), the
 * symbology a card printer should pick when nothing else is asked.
 */
unsigned cardrules_rule_symbologies(const struct cardrules *rules, size_t i,
				    enum scanner_symbology *first);

/*
 * Matches payload[0..len), read in sym, against rule i alone, as
 * cardrules_match() would when it reaches that rule: CUSTID_OK with *m
 * filled, or that rule's own reason (a disabled rule and no rule i:
 * not_customer_card). For card printers, which must refuse a number with
 * the reason of the rule it was meant for. m may be NULL.
 */
enum custid_reason cardrules_match_rule(const struct cardrules *rules, size_t i,
					enum scanner_symbology sym, const uint8_t *payload,
					size_t len, struct cardrules_match *m);

/*
 * Whether rule i (enabled or not) takes some card of exactly len characters,
 * all of them digits, that begins with the digits start[0..k), leaving its
 * check aside. With it a card printer issues a random number digit by digit
 * without knowing the rule's prefix or pattern: the question the
 * product-code guard asks too.
 */
bool cardrules_takes_digits(const struct cardrules *rules, size_t i, const char *start, size_t k,
			    size_t len);

/*
 * Matches payload[0..len) (any bytes), read in symbology sym, against the
 * enabled rules in order. Returns CUSTID_OK with *m filled by the first rule
 * that takes it, or the reason it is no card: the reason of the first rule
 * whose prefix it carries (too_long, bad_charset, bad_length, bad_check,
 * ...), else bad_prefix if it looks like a mistyped prefix, else
 * not_customer_card. m may be NULL; on failure it is cleared.
 */
enum custid_reason cardrules_match(const struct cardrules *rules, enum scanner_symbology sym,
				   const uint8_t *payload, size_t len, struct cardrules_match *m);

#endif
