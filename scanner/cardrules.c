/*
 * Card rules: the built-in rule, the rules file parser, the product-code
 * guard and matching.
 *
 * Sections: rules (the struct and the built-in one), the product-code guard,
 * parsing, matching.
 *
 * A prefix rule reuses custid_validate() for the prefix, the id's length
 * and characters, so the built-in rule is the custid.h syntax to the letter;
 * card lengths and a check over the whole card come after it here. A
 * pattern rule hands the payload to cardpattern.c and then holds the
 * capture to the same id syntax, so an id that leaves this module is always
 * 1..64 of [A-Za-z0-9_-] whatever a rules file says.
 */
#include "scanner/cardrules.h"

#include "scanner/cardpattern.h"
#include "scanner/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest line of a rules file. */
#define RULES_LINE_MAX 1024
/* The symbologies retail product codes are printed in. */
#define PRODUCT_SYMBOLOGIES                                                                        \
	(SCANNER_SYM_EAN13 | SCANNER_SYM_EAN8 | SCANNER_SYM_UPCA | SCANNER_SYM_I25)
/* The characters an id may have on the register link (docs/PROTOCOL.md). */
#define ID_CHARSET "A-Za-z0-9_-"

/************************************************************************
 * Rules
 */

struct rule {
	char name[CARDRULES_NAME_BUFSZ];      /* what the register sees */
	int line;			      /* of its [rule] header; 0 for the built-in */
	bool enabled;			      /* a disabled rule matches nothing */
	bool builtin;			      /* the "cust" rule: no card number is reported */
	unsigned symbologies;		      /* set of enum scanner_symbology */
	enum scanner_symbology first_sym;     /* the one the rules file names first */
	struct custid_syntax syntax;	      /* prefix, id characters and length; check NONE */
	struct cardpattern *pattern;	      /* owned; instead of prefix and charset, or NULL */
	bool has_lengths;		      /* lengths[] restricts the card's length */
	bool lengths[CARDRULES_CARD_MAX + 1]; /* card lengths taken */
	enum custid_check check;	      /* over the card or the id */
	bool check_card;		      /* the check covers the whole card */
	char owned[16];			      /* a GS1 company prefix the shop owns, or "" */
	/* Which keys were given (for "given twice" and combinations). */
	unsigned given;
};

struct cardrules {
	struct rule rules[CARDRULES_MAX_RULES];
	size_t n;
};

static void rule_release(struct rule *r)
{
	cardpattern_destroy(r->pattern);
	r->pattern = NULL;
}

void cardrules_destroy(struct cardrules *rules)
{
	if (!rules)
		return;
	for (size_t i = 0; i < rules->n; i++)
		rule_release(&rules->rules[i]);
	free(rules);
}

int cardrules_create_default(const struct custid_syntax *syntax, unsigned symbologies,
			     struct cardrules **out)
{
	struct cardrules *rs;
	struct rule *r;

	if (!out)
		return SCANNER_ERR_INVAL;
	*out = NULL;
	if (!syntax || !syntax->prefix[0] || !symbologies || (symbologies & ~SCANNER_SYM_ALL))
		return SCANNER_ERR_INVAL;
	rs = calloc(1, sizeof(*rs));
	if (!rs)
		return SCANNER_ERR_NOMEM;
	r = &rs->rules[0];
	snprintf(r->name, sizeof(r->name), "%s", CARDRULES_DEFAULT_NAME);
	r->enabled = true;
	r->builtin = true;
	r->symbologies = symbologies;
	r->first_sym = (symbologies & SCANNER_SYM_QR)
			   ? SCANNER_SYM_QR
			   : (enum scanner_symbology)(symbologies & -symbologies);
	r->syntax = *syntax;
	r->syntax.check = CUSTID_CHECK_NONE;
	r->check = syntax->check;
	rs->n = 1;
	*out = rs;
	return 0;
}

unsigned cardrules_symbologies(const struct cardrules *rules)
{
	unsigned set = 0;

	for (size_t i = 0; rules && i < rules->n; i++)
		if (rules->rules[i].enabled)
			set |= rules->rules[i].symbologies;
	return set;
}

size_t cardrules_count(const struct cardrules *rules)
{
	return rules ? rules->n : 0;
}

const char *cardrules_name(const struct cardrules *rules, size_t i)
{
	return rules && i < rules->n ? rules->rules[i].name : NULL;
}

bool cardrules_enabled(const struct cardrules *rules, size_t i)
{
	return rules && i < rules->n && rules->rules[i].enabled;
}

int cardrules_find(const struct cardrules *rules, const char *name)
{
	for (size_t i = 0; rules && name && i < rules->n; i++)
		if (strcmp(rules->rules[i].name, name) == 0)
			return (int)i;
	return -1;
}

unsigned cardrules_rule_symbologies(const struct cardrules *rules, size_t i,
				    enum scanner_symbology *first)
{
	const struct rule *r = rules && i < rules->n ? &rules->rules[i] : NULL;

	if (first)
		*first = r ? r->first_sym : (enum scanner_symbology)0;
	return r ? r->symbologies : 0;
}

/************************************************************************
 * The product-code guard
 *
 * Retail products carry GTINs: 8, 12, 13 or 14 digits in EAN-8, UPC-A,
 * EAN-13 or ITF-14 (Interleaved 2 of 5). GS1 keeps some prefixes out of
 * retail for use inside a shop ("restricted circulation"): 20-29 for
 * EAN-13, 0 and 2 for EAN-8, number systems 2 and 4 for UPC-A (02 and 04
 * as EAN-13). A rule that reads those symbologies may only take GTIN-length
 * numbers that start with such a prefix or with the shop's own company
 * prefix. The question "does it take one that does not?" is answered by
 * walking the starts of numbers digit by digit, only as deep as some
 * allowed prefix goes: at most a few hundred questions to the rule.
 */

struct gtin_kind {
	size_t len;		    /* digits */
	unsigned syms;		    /* the symbologies that carry it */
	const char *what;	    /* for the message */
	const char *instore_text;   /* for the message */
	const char *const *instore; /* allowed starts, NULL-terminated */
	bool owned_after_indicator; /* GTIN-14: the company prefix follows one digit */
};

static const char *const instore8[] = {"0", "2", NULL};
static const char *const instore12[] = {"2", "4", NULL};
static const char *const instore13[] = {"20", "21", "22", "23", "24", "25", "26",
					"27", "28", "29", "02", "04", NULL};
static const char *const instore14[] = {"02", NULL};

static const struct gtin_kind gtin_kinds[] = {
    {8, SCANNER_SYM_EAN8, "EAN-8 product codes", "0 or 2", instore8, false},
    {12, SCANNER_SYM_UPCA, "UPC-A product codes", "2 or 4", instore12, false},
    {13, SCANNER_SYM_EAN13, "EAN-13 product codes", "20-29", instore13, false},
    {14, SCANNER_SYM_I25, "GTIN-14 (ITF-14) carton codes", "02", instore14, true},
};

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Whether rule r takes some card of exactly len characters, all digits,
 * that begins with start[0..k). Checks are left out: some number of every
 * start passes any of them.
 */
static bool takes_number(const struct rule *r, const char *start, size_t k, size_t len)
{
	size_t plen = strlen(r->syntax.prefix);
	bool digit_ok = false;

	if (len > CARDRULES_CARD_MAX || (r->has_lengths && !r->lengths[len]))
		return false;
	if (r->pattern)
		return cardpattern_accepts_numeric(r->pattern, start, k, len);
	if (len <= plen || len - plen > r->syntax.max_len)
		return false;
	for (size_t i = 0; i < plen; i++)
		if (!is_digit((unsigned char)r->syntax.prefix[i]) ||
		    (i < k && start[i] != r->syntax.prefix[i]))
			return false;
	for (size_t i = plen; i < k; i++)
		if (!r->syntax.allowed[(unsigned char)start[i]])
			return false;
	for (unsigned char d = '0'; d <= '9'; d++)
		digit_ok |= r->syntax.allowed[d];
	return digit_ok || len <= (k > plen ? k : plen);
}

static bool has_prefix(const char *s, size_t k, const char *a)
{
	size_t n = strlen(a);

	return k >= n && memcmp(s, a, n) == 0;
}

static bool is_start_of(const char *s, size_t k, const char *a)
{
	return k < strlen(a) && memcmp(s, a, k) == 0;
}

/*
 * Searches the starts below s[0..k) for one of a number r takes that no
 * allowed prefix covers; leaves it in s (NUL-terminated) and returns true.
 */
static bool find_product(const struct rule *r, const struct gtin_kind *g, const char *owned,
			 char *s, size_t k)
{
	bool deeper = false;
	const char *const *a;

	for (a = g->instore; *a; a++) {
		if (has_prefix(s, k, *a))
			return false;
		deeper |= is_start_of(s, k, *a);
	}
	if (owned[0]) {
		if (has_prefix(s, k, owned))
			return false;
		deeper |= is_start_of(s, k, owned);
	}
	if (!deeper) {
		s[k] = '\0';
		return takes_number(r, s, k, g->len);
	}
	if (k == g->len)
		return false;
	for (char d = '0'; d <= '9'; d++) {
		s[k] = d;
		if (find_product(r, g, owned, s, k + 1))
			return true;
	}
	return false;
}

/* 0 if r takes no product code, or -1 with why. */
static int guard_products(const struct rule *r, char *why, size_t why_size)
{
	if (!(r->symbologies & PRODUCT_SYMBOLOGIES))
		return 0;
	for (size_t i = 0; i < sizeof(gtin_kinds) / sizeof(gtin_kinds[0]); i++) {
		const struct gtin_kind *g = &gtin_kinds[i];
		char owned[20] = "", s[CARDRULES_CARD_MAX + 1];

		if (!(r->symbologies & g->syms))
			continue;
		if (r->owned[0])
			snprintf(owned, sizeof(owned), "%s%s", g->owned_after_indicator ? "0" : "",
				 r->owned);
		if (!find_product(r, g, owned, s, 0))
			continue;
		snprintf(why, why_size,
			 "rule \"%s\" would take retail product codes: it takes %zu-digit "
			 "numbers starting with \"%s\", which are %s; give it a prefix in the "
			 "in-store range %s, or set owned_prefix to a GS1 company prefix the "
			 "shop owns and use it",
			 r->name, g->len, s, g->what, g->instore_text);
		return -1;
	}
	return 0;
}

/************************************************************************
 * Parsing
 */

enum key_bit {
	K_SYMBOLOGIES = 1u << 0,
	K_PREFIX = 1u << 1,
	K_LENGTH = 1u << 2,
	K_CHARSET = 1u << 3,
	K_PATTERN = 1u << 4,
	K_CHECK = 1u << 5,
	K_CHECK_COVERS = 1u << 6,
	K_OWNED = 1u << 7,
	K_ENABLED = 1u << 8,
};

struct parse_state {
	struct cardrules *rs;
	struct rule *cur; /* the rule being read, or NULL before the first */
	struct cardrules_error *err;
	int line;
};

/* Records an error at line; returns -1. */
static int perr(struct parse_state *ps, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int perr(struct parse_state *ps, int line, const char *fmt, ...)
{
	va_list ap;

	if (ps->err) {
		ps->err->line = line;
		va_start(ap, fmt);
		vsnprintf(ps->err->message, sizeof(ps->err->message), fmt, ap);
		va_end(ap);
	}
	return -1;
}

static bool is_word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || is_digit(c) || c == '_';
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};

	for (size_t i = 0; i < 4; i++) {
		if (strcmp(v, yes[i]) == 0 || strcmp(v, no[i]) == 0) {
			*out = strcmp(v, yes[i]) == 0;
			return 0;
		}
	}
	return -1;
}

/* "13", "2,5,8", "6-12", "2,6-8": card lengths 1..CARDRULES_CARD_MAX. */
static int parse_lengths(const char *v, bool *lengths)
{
	const char *p = v;

	memset(lengths, 0, sizeof(bool) * (CARDRULES_CARD_MAX + 1));
	for (;;) {
		char *end;
		long lo, hi;

		while (*p == ' ')
			p++;
		if (!is_digit((unsigned char)*p))
			return -1;
		lo = hi = strtol(p, &end, 10);
		p = end;
		if (*p == '-') {
			p++;
			if (!is_digit((unsigned char)*p))
				return -1;
			hi = strtol(p, &end, 10);
			p = end;
		}
		if (lo < 1 || hi < lo || hi > CARDRULES_CARD_MAX)
			return -1;
		for (long n = lo; n <= hi; n++)
			lengths[n] = true;
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return 0;
		if (*p++ != ',')
			return -1;
	}
}

/* Whether every character spec allows is one an id may carry on the link. */
static bool charset_is_id_safe(const struct custid_syntax *syn)
{
	struct custid_syntax id;

	custid_syntax_init_default(&id);
	custid_syntax_set_charset(&id, ID_CHARSET);
	for (int c = 0; c < 256; c++)
		if (syn->allowed[c] && !id.allowed[c])
			return false;
	return true;
}

/* One "key = value" of the current rule. */
static int set_key(struct parse_state *ps, const char *key, const char *v)
{
	static const struct {
		const char *name;
		unsigned bit;
	} keys[] = {
	    {"symbologies", K_SYMBOLOGIES},   {"prefix", K_PREFIX},	 {"length", K_LENGTH},
	    {"charset", K_CHARSET},	      {"pattern", K_PATTERN},	 {"check", K_CHECK},
	    {"check_covers", K_CHECK_COVERS}, {"owned_prefix", K_OWNED}, {"enabled", K_ENABLED},
	};
	struct rule *r = ps->cur;
	unsigned bit = 0;
	char why[CARDPATTERN_WHY_BUFSZ];

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(key, keys[i].name) == 0)
			bit = keys[i].bit;
	if (!bit)
		return perr(ps, ps->line,
			    "unknown key \"%.40s\" (known: symbologies, prefix, length, charset, "
			    "pattern, check, check_covers, owned_prefix, enabled)",
			    key);
	if (r->given & bit)
		return perr(ps, ps->line, "%s given twice in rule \"%s\"", key, r->name);
	r->given |= bit;
	switch (bit) {
	case K_SYMBOLOGIES: {
		char list[RULES_LINE_MAX + 1];
		size_t n = 0;

		/* "qr, code128": blanks after the commas are fine here. */
		for (const char *c = v; *c; c++)
			if (*c != ' ' && *c != '\t')
				list[n++] = *c;
		list[n] = '\0';
		if (scanner_symbology_parse(list, &r->symbologies) || !r->symbologies)
			return perr(
			    ps, ps->line,
			    "symbologies = \"%.60s\": allowed: a list of qr, code128, ean13, "
			    "ean8, upca, code39, i25",
			    v);
		/* The first name alone: a card printer's default symbology. */
		list[strcspn(list, ",")] = '\0';
		{
			unsigned first = 0;

			scanner_symbology_parse(list, &first);
			r->first_sym = (enum scanner_symbology)(first & -first);
		}
		return 0;
	}
	case K_PREFIX:
		if (!v[0] || strlen(v) > CUSTID_MAX_PREFIX_LEN)
			return perr(ps, ps->line, "prefix: 1 to %d characters",
				    CUSTID_MAX_PREFIX_LEN);
		for (const char *c = v; *c; c++)
			if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
				return perr(ps, ps->line,
					    "prefix: printable ASCII only, no blanks");
		snprintf(r->syntax.prefix, sizeof(r->syntax.prefix), "%s", v);
		return 0;
	case K_LENGTH:
		if (parse_lengths(v, r->lengths))
			return perr(ps, ps->line,
				    "length = \"%.60s\": allowed: card lengths from 1 to %d, such "
				    "as 13, 2,5,8 or 6-12",
				    v, CARDRULES_CARD_MAX);
		r->has_lengths = true;
		return 0;
	case K_CHARSET:
		if (custid_syntax_set_charset(&r->syntax, v) || !charset_is_id_safe(&r->syntax))
			return perr(ps, ps->line,
				    "charset = \"%.60s\": allowed: ranges and characters of "
				    "A-Za-z0-9_- (what an id may carry to the register)",
				    v);
		return 0;
	case K_PATTERN:
		if (cardpattern_compile(v, &r->pattern, why))
			return perr(ps, ps->line, "pattern: %s", why);
		return 0;
	case K_CHECK:
		if (custid_check_parse(v, &r->check))
			return perr(ps, ps->line,
				    "check = \"%.40s\": allowed: none, ean, luhn, mod37-36, "
				    "mod11-2, mod97-10",
				    v);
		return 0;
	case K_CHECK_COVERS:
		if (strcmp(v, "card") && strcmp(v, "id"))
			return perr(ps, ps->line, "check_covers: allowed: card, id");
		r->check_card = strcmp(v, "card") == 0;
		return 0;
	case K_OWNED:
		if (strlen(v) < 6 || strlen(v) > 12 || strspn(v, "0123456789") != strlen(v))
			return perr(ps, ps->line,
				    "owned_prefix: a GS1 company prefix, 6 to 12 digits");
		snprintf(r->owned, sizeof(r->owned), "%s", v);
		return 0;
	case K_ENABLED:
		if (parse_bool(v, &r->enabled))
			return perr(ps, ps->line, "enabled: allowed: yes or no");
		return 0;
	default:
		return -1;
	}
}

/* Checks the rule just read as a whole. */
static int finish_rule(struct parse_state *ps)
{
	struct rule *r = ps->cur;
	size_t plen;
	char why[CARDRULES_ERR_BUFSZ];

	if (!r)
		return 0;
	plen = strlen(r->syntax.prefix);
	if (!(r->given & K_SYMBOLOGIES))
		return perr(ps, r->line, "rule \"%s\" names no symbologies", r->name);
	if (r->pattern && (r->given & (K_PREFIX | K_CHARSET)))
		return perr(ps, r->line,
			    "rule \"%s\": pattern replaces prefix and charset; give one or the "
			    "other",
			    r->name);
	if (!(r->given & K_CHECK_COVERS))
		r->check_card = r->check == CUSTID_CHECK_EAN;
	r->syntax.max_len = CARDRULES_CARD_MAX - plen;
	for (size_t n = 1; r->has_lengths && n <= plen; n++)
		if (r->lengths[n])
			return perr(ps, r->line,
				    "rule \"%s\": length %zu leaves no room for an id after the "
				    "prefix \"%s\"",
				    r->name, n, r->syntax.prefix);
	if (guard_products(r, why, sizeof(why)))
		return perr(ps, r->line, "%s", why);
	return 0;
}

/* "[rule NAME]": starts a rule. */
static int start_rule(struct parse_state *ps, const char *s)
{
	const char *name;
	size_t n;
	struct rule *r;

	if (finish_rule(ps))
		return -1;
	if (strncmp(s, "[rule ", 6) != 0 || s[strlen(s) - 1] != ']')
		return perr(ps, ps->line, "expected a section header [rule NAME]");
	name = s + 6;
	while (*name == ' ')
		name++;
	n = strlen(name) - 1;
	while (n > 0 && name[n - 1] == ' ')
		n--;
	if (n == 0 || n > CARDRULES_NAME_MAX)
		return perr(ps, ps->line, "a rule name is 1 to %d characters of a-z, 0-9 and _",
			    CARDRULES_NAME_MAX);
	for (size_t i = 0; i < n; i++)
		if (!is_word_char((unsigned char)name[i]))
			return perr(ps, ps->line,
				    "a rule name is 1 to %d characters of a-z, 0-9 and _",
				    CARDRULES_NAME_MAX);
	for (size_t i = 0; i < ps->rs->n; i++)
		if (strlen(ps->rs->rules[i].name) == n &&
		    memcmp(ps->rs->rules[i].name, name, n) == 0)
			return perr(ps, ps->line, "rule \"%.*s\" defined twice (first at line %d)",
				    (int)n, name, ps->rs->rules[i].line);
	if (ps->rs->n == CARDRULES_MAX_RULES)
		return perr(ps, ps->line, "more than %d rules", CARDRULES_MAX_RULES);
	r = &ps->rs->rules[ps->rs->n++];
	memset(r, 0, sizeof(*r));
	memcpy(r->name, name, n);
	r->line = ps->line;
	r->enabled = true;
	custid_syntax_init_default(&r->syntax);
	r->syntax.prefix[0] = '\0';
	ps->cur = r;
	return 0;
}

/* Strips blanks at both ends of s, in place; returns the new start. */
static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* One line (NUL-terminated, no newline). */
static int parse_line(struct parse_state *ps, char *line)
{
	char *s = trim(line), *eq, *key, *value;
	size_t vlen;

	if (*s == '\0' || *s == '#')
		return 0;
	if (*s == '[')
		return start_rule(ps, s);
	if (!ps->cur)
		return perr(ps, ps->line, "a setting before the first [rule NAME]");
	eq = strchr(s, '=');
	if (!eq)
		return perr(ps, ps->line, "expected key = value");
	*eq = '\0';
	key = trim(s);
	value = trim(eq + 1);
	vlen = strlen(value);
	if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
		value[vlen - 1] = '\0';
		value++;
	}
	return set_key(ps, key, value);
}

int cardrules_parse(const char *text, size_t len, struct cardrules **out,
		    struct cardrules_error *err)
{
	struct parse_state ps = {.err = err};
	char line[RULES_LINE_MAX + 1];
	size_t pos = 0;
	int rc = -1;

	if (err) {
		err->line = 0;
		err->message[0] = '\0';
	}
	if (!out)
		return perr(&ps, 0, "no place for the rules");
	*out = NULL;
	if (!text && len)
		return perr(&ps, 0, "no rules text");
	ps.rs = calloc(1, sizeof(*ps.rs));
	if (!ps.rs)
		return perr(&ps, 0, "out of memory");
	while (pos < len) {
		size_t n = 0;

		ps.line++;
		while (pos < len && text[pos] != '\n') {
			unsigned char c = (unsigned char)text[pos];

			if (n == RULES_LINE_MAX) {
				perr(&ps, ps.line, "line longer than %d characters",
				     RULES_LINE_MAX);
				goto out;
			}
			if ((c < 0x20 && c != '\t' && c != '\r') || c >= 0x7f) {
				perr(&ps, ps.line, "byte 0x%02x: a rules file is printable ASCII",
				     c);
				goto out;
			}
			line[n++] = text[pos++];
		}
		pos++; /* the newline */
		line[n] = '\0';
		if (parse_line(&ps, line))
			goto out;
	}
	if (finish_rule(&ps))
		goto out;
	if (ps.rs->n == 0) {
		perr(&ps, 0, "no rules: a rules file needs at least one [rule NAME]");
		goto out;
	}
	if (!cardrules_symbologies(ps.rs)) {
		perr(&ps, 0, "every rule is disabled: no card would ever be read");
		goto out;
	}
	*out = ps.rs;
	ps.rs = NULL;
	rc = 0;
out:
	cardrules_destroy(ps.rs);
	return rc;
}

int cardrules_load_file(const char *path, struct cardrules **out, struct cardrules_error *err)
{
	struct parse_state ps = {.err = err};
	FILE *f = NULL;
	char *buf = NULL;
	size_t n;
	int rc = -1;

	if (out)
		*out = NULL;
	if (!path || !out)
		return perr(&ps, 0, "no rules file");
	f = fopen(path, "rb");
	if (!f)
		return perr(&ps, 0, "cannot open: %s", strerror(errno));
	buf = malloc(CARDRULES_MAX_FILE + 1);
	if (!buf) {
		perr(&ps, 0, "out of memory");
		goto close_file;
	}
	n = fread(buf, 1, CARDRULES_MAX_FILE + 1, f);
	if (ferror(f)) {
		perr(&ps, 0, "cannot read: %s", strerror(errno));
		goto free_buf;
	}
	if (n > CARDRULES_MAX_FILE) {
		perr(&ps, 0, "larger than %d bytes", CARDRULES_MAX_FILE);
		goto free_buf;
	}
	rc = cardrules_parse(buf, n, out, err);
free_buf:
	free(buf);
close_file:
	fclose(f);
	return rc;
}

/************************************************************************
 * Matching
 */

/*
 * How far a payload got in a rule: a reason from a rule whose prefix it
 * carries says more than bad_prefix, which says more than
 * not_customer_card.
 */
static int reason_rank(enum custid_reason r)
{
	return r == CUSTID_NOT_CUSTOMER_CARD ? 0 : r == CUSTID_BAD_PREFIX ? 1 : 2;
}

/*
 * The symbology and payload as rule r sees them. ZBar reports a UPC-A as an
 * EAN-13 with a leading 0 unless UPC-A is enabled; a UPC-A rule takes both
 * forms, always as 12 digits. Returns false if r does not read sym.
 */
static bool normalise(const struct rule *r, enum scanner_symbology *sym, const uint8_t **p,
		      size_t *len)
{
	if ((*sym == SCANNER_SYM_EAN13 || *sym == SCANNER_SYM_UPCA) &&
	    (r->symbologies & SCANNER_SYM_UPCA) && *len == 13 && (*p)[0] == '0' &&
	    !(*sym == SCANNER_SYM_EAN13 && (r->symbologies & SCANNER_SYM_EAN13))) {
		*sym = SCANNER_SYM_UPCA;
		(*p)++;
		(*len)--;
	}
	return (r->symbologies & *sym) != 0;
}

/* The id span of a payload under r (prefix rule or pattern), with its verdict so far. */
static enum custid_reason match_id(const struct rule *r, const uint8_t *p, size_t len,
				   size_t *id_off, size_t *id_len, char *id)
{
	struct custid_syntax id_syntax;
	size_t off, n;

	if (!r->pattern) {
		enum custid_reason why = custid_validate(&r->syntax, p, len, id);

		*id_off = strlen(r->syntax.prefix);
		*id_len = len - *id_off;
		return why;
	}
	if (!cardpattern_match(r->pattern, p, len, &off, &n))
		return CUSTID_NOT_CUSTOMER_CARD;
	custid_syntax_init_default(&id_syntax);
	id_syntax.prefix[0] = '\0';
	*id_off = off;
	*id_len = n;
	if (len > CARDRULES_CARD_MAX)
		return CUSTID_TOO_LONG;
	return custid_validate(&id_syntax, p + off, n, id);
}

static enum custid_reason match_rule(const struct rule *r, enum scanner_symbology sym,
				     const uint8_t *p, size_t len, struct cardrules_match *m)
{
	enum custid_reason why;
	size_t id_off = 0, id_len = 0;

	if (!r->enabled || !normalise(r, &sym, &p, &len))
		return CUSTID_NOT_CUSTOMER_CARD;
	why = match_id(r, p, len, &id_off, &id_len, m->id);
	if (why == CUSTID_OK && r->has_lengths && (len > CARDRULES_CARD_MAX || !r->lengths[len]))
		why = CUSTID_BAD_LENGTH;
	/* Without a prefix or pattern nothing marks a payload as this rule's
	 * card: a URL is no card at all, not a card with bad characters. */
	if (why != CUSTID_OK && !r->pattern && !r->syntax.prefix[0])
		why = CUSTID_NOT_CUSTOMER_CARD;
	if (why != CUSTID_OK)
		return why;
	if (r->check_card ? !custid_check_valid(r->check, (const char *)p, len)
			  : !custid_check_valid(r->check, (const char *)p + id_off, id_len))
		return CUSTID_BAD_CHECK;
	snprintf(m->rule, sizeof(m->rule), "%s", r->name);
	if (!r->builtin) {
		memcpy(m->card, p, len); /* len <= CARDRULES_CARD_MAX: prefix + id checked */
		m->card[len] = '\0';
	}
	m->symbology = sym;
	return CUSTID_OK;
}

enum custid_reason cardrules_match_rule(const struct cardrules *rules, size_t i,
					enum scanner_symbology sym, const uint8_t *payload,
					size_t len, struct cardrules_match *m)
{
	struct cardrules_match scratch;
	enum custid_reason why;

	if (!m)
		m = &scratch;
	memset(m, 0, sizeof(*m));
	if (!rules || i >= rules->n || (!payload && len))
		return CUSTID_NOT_CUSTOMER_CARD;
	why = match_rule(&rules->rules[i], sym, payload, len, m);
	if (why != CUSTID_OK)
		memset(m, 0, sizeof(*m));
	return why;
}

bool cardrules_takes_digits(const struct cardrules *rules, size_t i, const char *start, size_t k,
			    size_t len)
{
	if (!rules || i >= rules->n || k > len || (k && !start))
		return false;
	for (size_t j = 0; j < k; j++)
		if (!is_digit((unsigned char)start[j]))
			return false;
	return takes_number(&rules->rules[i], start, k, len);
}

enum custid_reason cardrules_match(const struct cardrules *rules, enum scanner_symbology sym,
				   const uint8_t *payload, size_t len, struct cardrules_match *m)
{
	struct cardrules_match scratch;
	enum custid_reason best = CUSTID_NOT_CUSTOMER_CARD;

	if (!m)
		m = &scratch;
	memset(m, 0, sizeof(*m));
	if (!rules || (!payload && len))
		return CUSTID_NOT_CUSTOMER_CARD;
	for (size_t i = 0; i < rules->n; i++) {
		enum custid_reason why = match_rule(&rules->rules[i], sym, payload, len, m);

		if (why == CUSTID_OK)
			return why;
		memset(m, 0, sizeof(*m));
		if (reason_rank(why) > reason_rank(best))
			best = why;
	}
	return best;
}
