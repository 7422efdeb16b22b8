/*
 * Cards of a shop's own card rules (issue 10): which rule and symbology, a
 * card number checked by the rule exactly as the scanner will check it, and
 * fresh numbers for rules that have a check digit.
 *
 * The rule itself is never read here: everything goes through the
 * cardrules API (match one rule, ask which digit strings it takes), so a
 * card custcard accepts is a card custscan accepts, with the same rule and
 * the same reasons.
 *
 * Sections: picking, checking, issuing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "card_impl.h"

/* ---------------------------------------------------------------- picking */

/* The names of rules, "a, b, c", into buf. */
static void rule_names(const struct cardrules *rules, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < cardrules_count(rules) && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "",
				      cardrules_name(rules, i));
}

int card_rule_pick(const struct cardrules *rules, const char *name, enum scanner_symbology sym,
		   struct card_rule *out, struct card_error *err)
{
	enum scanner_symbology first;
	unsigned syms;
	int i;
	char names[256];

	memset(out, 0, sizeof(*out));
	if (!rules || !name)
		return card_fail(err, CARD_ERR_INVAL, 0, "no rules or no rule name");
	i = cardrules_find(rules, name);
	if (i < 0) {
		rule_names(rules, names, sizeof(names));
		return card_fail(err, CARD_ERR_BAD_RULE, 0, "no rule \"%.40s\" (the rules: %s)",
				 name, names);
	}
	if (!cardrules_enabled(rules, (size_t)i))
		return card_fail(err, CARD_ERR_BAD_RULE, 0,
				 "rule %s is disabled (enabled = no): the scanner reads none of "
				 "its cards",
				 name);
	syms = cardrules_rule_symbologies(rules, (size_t)i, &first);
	if (sym && !(syms & sym))
		return card_fail(err, CARD_ERR_BAD_RULE, 0, "rule %s does not read %s", name,
				 scanner_symbology_name(sym));
	out->rules = rules;
	out->index = (size_t)i;
	out->name = cardrules_name(rules, (size_t)i);
	out->symbology = sym ? sym : first;
	return 0;
}

/* ---------------------------------------------------------------- checking */

/*
 * Whether the symbology carries number exactly as written, so that the
 * scanner reads back what the rule was asked about: EAN/UPC have their
 * length and their own check digit (also under a rule that checks
 * nothing), Interleaved 2 of 5 pairs
 * of digits (zint would add a leading 0), Code 39 no lower case.
 */
static const char *carrier_refuses(enum scanner_symbology sym, const char *number)
{
	size_t len = strlen(number), digits = strspn(number, "0123456789");
	bool ean_check = custid_check_valid(CUSTID_CHECK_EAN, number, len);

	switch (sym) {
	case SCANNER_SYM_EAN13:
		return len != 13 || digits != len ? "EAN-13 carries 13 digits"
		       : ean_check		  ? NULL
						  : "its last digit is not the EAN-13 check digit";
	case SCANNER_SYM_EAN8:
		return len != 8 || digits != len ? "EAN-8 carries 8 digits"
		       : ean_check		 ? NULL
						 : "its last digit is not the EAN-8 check digit";
	case SCANNER_SYM_UPCA:
		return len != 12 || digits != len ? "UPC-A carries 12 digits"
		       : ean_check		  ? NULL
						  : "its last digit is not the UPC-A check digit";
	case SCANNER_SYM_I25:
		return len % 2 == 0 && len > 0 && digits == len
			   ? NULL
			   : "Interleaved 2 of 5 carries an even number of digits";
	case SCANNER_SYM_CODE39:
		return strspn(number, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ -.$/+%") == len
			   ? NULL
			   : "Code 39 carries upper case letters, digits and \" -.$/+%\"";
	default:
		return NULL;
	}
}

/* What a reason means, for the message. */
static const char *reason_hint(enum custid_reason r)
{
	switch (r) {
	case CUSTID_BAD_CHECK:
		return ": its check digit is wrong";
	case CUSTID_BAD_LENGTH:
		return ": not one of the rule's lengths";
	case CUSTID_BAD_PREFIX:
		return ": not the rule's prefix";
	case CUSTID_NOT_CUSTOMER_CARD:
		return ": not a card of the rule (its prefix, pattern, characters or lengths)";
	case CUSTID_BAD_CHARSET:
		return ": a character the rule does not allow";
	default:
		return "";
	}
}

int card_rule_check(const struct card_rule *rule, const char *number, struct cardrules_match *m,
		    struct card_error *err)
{
	struct cardrules_match mine, first;
	enum custid_reason why;
	const char *refused;
	char shown[CARDRULES_CARD_BUFSZ + 8];
	size_t len;

	if (!rule || !rule->rules || !number)
		return card_fail(err, CARD_ERR_INVAL, 0, "no rule or no card number");
	len = strlen(number);
	snprintf(shown, sizeof(shown), "%.*s%s", CARDRULES_CARD_MAX, number,
		 len > CARDRULES_CARD_MAX ? "..." : "");
	for (size_t i = 0; i < len && i < CARDRULES_CARD_MAX; i++)
		if ((unsigned char)shown[i] < 0x20 || (unsigned char)shown[i] >= 0x7f)
			shown[i] = '?';
	why = cardrules_match_rule(rule->rules, rule->index, rule->symbology,
				   (const uint8_t *)number, len, &mine);
	if (why != CUSTID_OK)
		return card_fail(err, CARD_ERR_BAD_ID, 0, "%s: refused by rule %s (%s)%s", shown,
				 rule->name, custid_reason_name(why), reason_hint(why));
	refused = carrier_refuses(rule->symbology, number);
	if (refused)
		return card_fail(err, CARD_ERR_BAD_ID, 0, "%s: refused: %s", shown, refused);
	/* The scanner tries the rules in order: an earlier one would take it. */
	if (cardrules_match(rule->rules, rule->symbology, (const uint8_t *)number, len, &first) !=
		CUSTID_OK ||
	    strcmp(first.rule, mine.rule))
		return card_fail(err, CARD_ERR_BAD_ID, 0,
				 "%s: refused: the scanner would read it as a card of rule %s, "
				 "which comes first",
				 shown, first.rule[0] ? first.rule : "(none)");
	if (m)
		*m = mine;
	return 0;
}

/* ---------------------------------------------------------------- issuing */

/* Draws fresh numbers this often before giving up on a rule whose check
 * digit cannot follow the others (MOD 11-2's "X", MOD 97-10's two digits). */
#define ISSUE_TRIES 64

/* A random index below n (n <= 10), uniform: bytes at or above the largest
 * multiple of n are thrown away. Returns 0 or -1. */
static int random_below(unsigned n, unsigned *out)
{
	unsigned char b;

	for (;;) {
		ssize_t got = getrandom(&b, 1, 0);

		if (got < 0 && errno != EINTR)
			return -1;
		if (got == 1 && b < 256 - 256 % n)
			break;
	}
	*out = b % n;
	return 0;
}

/* The one length in 1..CARDRULES_CARD_MAX of all-digit cards rule takes, or 0. */
static size_t the_length(const struct card_rule *rule, size_t *count)
{
	size_t len = 0;

	*count = 0;
	for (size_t n = 1; n <= CARDRULES_CARD_MAX; n++)
		if (cardrules_takes_digits(rule->rules, rule->index, "", 0, n)) {
			len = n;
			++*count;
		}
	return *count == 1 ? len : 0;
}

/*
 * The digits at pos that rule lets follow number[0..pos) in a card of len
 * (checks aside; the last position: those that complete a card the rule
 * takes, check included), into allowed; returns how many.
 */
static unsigned allowed_digits(const struct card_rule *rule, char *number, size_t pos, size_t len,
			       char *allowed)
{
	unsigned n = 0;

	for (char d = '0'; d <= '9'; d++) {
		bool ok;

		number[pos] = d;
		ok = pos + 1 < len
			 ? cardrules_takes_digits(rule->rules, rule->index, number, pos + 1, len)
			 : cardrules_match_rule(rule->rules, rule->index, rule->symbology,
						(const uint8_t *)number, len, NULL) == CUSTID_OK;
		if (ok)
			allowed[n++] = d;
	}
	return n;
}

/*
 * One number of len digits: each open digit at random, fixed ones as they
 * are. Returns 0 with *open the random digits, 1 when the last digit
 * cannot complete it (draw again), 2 when the rule has no check digit,
 * -1 when the system gives no random numbers.
 */
static int draw_number(const struct card_rule *rule, size_t len, char *number, size_t *open)
{
	char allowed[10];

	*open = 0;
	for (size_t pos = 0; pos < len; pos++) {
		unsigned n = allowed_digits(rule, number, pos, len, allowed), pick;

		if (n == 0)
			return 1;
		if (pos + 1 == len && n > 1)
			return 2;
		if (random_below(n, &pick))
			return -1;
		number[pos] = allowed[pick];
		*open += n > 1;
	}
	number[len] = '\0';
	return 0;
}

int card_rule_issue(const struct card_rule *rule, size_t len, char *number, struct card_error *err)
{
	size_t count, open = 0;
	int rc = 1;

	if (!rule || !rule->rules || !number)
		return card_fail(err, CARD_ERR_INVAL, 0, "no rule");
	if (!len)
		len = the_length(rule, &count);
	else if (len > CARDRULES_CARD_MAX ||
		 !cardrules_takes_digits(rule->rules, rule->index, "", 0, len))
		return card_fail(err, CARD_ERR_BAD_RULE, 0,
				 "rule %s takes no card numbers of %zu digits", rule->name, len);
	else
		count = 1;
	if (!len)
		return card_fail(err, CARD_ERR_BAD_RULE, 0,
				 count ? "rule %s takes card numbers of several lengths: give "
					 "--length"
				       : "rule %s takes no all-digit card numbers: custcard issues "
					 "only numbers",
				 rule->name);
	for (int t = 0; t < ISSUE_TRIES && rc == 1; t++)
		rc = draw_number(rule, len, number, &open);
	if (rc < 0)
		return card_fail(err, CARD_ERR_RANDOM, 0, "no random numbers from the system");
	if (rc == 2)
		return card_fail(err, CARD_ERR_BAD_RULE, 0,
				 "rule %s has no check digit: custcard issues numbers only for "
				 "rules with one (a mistyped number is then refused)",
				 rule->name);
	if (rc == 1)
		return card_fail(err, CARD_ERR_BAD_RULE, 0,
				 "rule %s: no number of %zu digits passes its check", rule->name,
				 len);
	if (open < CARD_RULE_MIN_RANDOM)
		return card_fail(err, CARD_ERR_BAD_RULE, 0,
				 "rule %s leaves %zu digits open, fewer than %d: too few numbers "
				 "to issue at random",
				 rule->name, open, CARD_RULE_MIN_RANDOM);
	return card_rule_check(rule, number, NULL, err);
}
