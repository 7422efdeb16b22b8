/*
 * Bulk mode: one card per customer of a back-office CSV and the CSV mapping
 * customer to id; with card rules, a card for each number of the cards
 * column too.
 *
 * The order is chosen so that an id is never lost or changed: everything
 * that can be checked is checked before the first file is written (the
 * customer file, every card's layout, that no output exists), then the
 * mapping is written, then the cards. A failure among the cards leaves the
 * mapping, which can be given back as the customer file: its ids are kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "card_impl.h"

#define PATH_BUF 4096

/* Retries if a freshly issued id equals another in the file (about 1 in
 * 2^40 per pair: this is a safeguard, not a path that runs). */
#define ISSUE_ROUNDS 8

/* The card text and printed name of customer c. */
static void customer_spec(const struct card_bulk *b, const struct card_customer *c, char *text,
			  size_t text_size, char *name, size_t name_size, struct card_spec *spec)
{
	snprintf(text, text_size, "%s%s", b->syntax->prefix, c->id);
	snprintf(name, name_size, "%s%s%s", c->first_name,
		 c->first_name[0] && c->last_name[0] ? " " : "", c->last_name);
	memset(spec, 0, sizeof(*spec));
	spec->text = text;
	spec->name = name[0] ? name : NULL;
	spec->title = b->title;
	spec->label = b->label;
	spec->dpi = b->dpi;
}

/* Gives every customer without an id a fresh one no other customer has. */
static int issue_ids(const struct card_bulk *b, struct card_customers *list, size_t len,
		     bool *issued, struct card_error *err)
{
	size_t n = card_customers_count(list), dup[2];
	int rc;

	for (size_t i = 0; i < n; i++) {
		struct card_customer *c = card_customers_get(list, i);

		if (c->id[0])
			continue;
		rc = card_id_issue(b->syntax->check, len, c->id);
		if (rc == CARD_ERR_INVAL)
			return card_fail(err, rc, c->line,
					 "ids of %zu characters carry fewer than %d random bits",
					 len, CARD_ID_MIN_BITS);
		if (rc)
			return card_fail(err, rc, c->line, "cannot issue an id: %s",
					 card_strerror(rc));
		issued[i] = true;
	}
	for (int round = 0; round < ISSUE_ROUNDS; round++) {
		size_t again;

		rc = card_customers_check_unique(list, b->customers, dup, err);
		if (rc != CARD_ERR_DUPLICATE)
			return rc;
		again = issued[dup[1]] ? dup[1] : dup[0];
		if (!issued[again])
			return rc; /* two ids of the file itself: reported as it is */
		rc = card_id_issue(b->syntax->check, len, card_customers_get(list, again)->id);
		if (rc)
			return card_fail(err, rc, 0, "cannot issue an id: %s", card_strerror(rc));
	}
	return card_fail(err, CARD_ERR_RANDOM, 0,
			 "issued ids keep repeating: broken random source");
}

/* A number of a customer's cards column and the rule its card is drawn for. */
struct rule_card {
	char number[CARDRULES_CARD_BUFSZ];    /* the card number, also the file stem */
	struct card_rule rule;		      /* the first rule that takes it */
	const struct card_customer *customer; /* whose it is */
};

/* The first enabled rule that takes number in the first symbology it lists. */
static int find_rule(const struct cardrules *rules, const char *number, struct card_rule *rule,
		     struct card_error *err)
{
	for (size_t i = 0; i < cardrules_count(rules); i++)
		if (cardrules_enabled(rules, i) &&
		    card_rule_pick(rules, cardrules_name(rules, i), 0, rule, NULL) == 0 &&
		    card_rule_check(rule, number, NULL, NULL) == 0)
			return 0;
	return card_fail(err, CARD_ERR_BAD_ID, 0,
			 "card %s: no rule of the rules file takes it (in the first symbology "
			 "the rule lists)",
			 number);
}

/* The separators of the cards column, as custscan-register splits it. */
#define CARD_SEPARATORS "; \t"

/*
 * The rule cards of every customer's cards column into *out (*n of them;
 * the caller frees *out). Returns 0 or BAD_ID, NOMEM with the line.
 */
static int plan_rule_cards(const struct card_bulk *b, struct card_customers *list,
			   struct rule_card **out, size_t *n, struct card_error *err)
{
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < card_customers_count(list); i++) {
		const char *p = card_customers_get(list, i)->cards;

		for (p += strspn(p, CARD_SEPARATORS); *p; p += strspn(p, CARD_SEPARATORS)) {
			p += strcspn(p, CARD_SEPARATORS);
			cap++;
		}
	}
	if (!cap)
		return 0;
	*out = calloc(cap, sizeof(**out));
	if (!*out)
		return card_fail(err, CARD_ERR_NOMEM, 0, "out of memory");
	for (size_t i = 0; i < card_customers_count(list); i++) {
		const struct card_customer *c = card_customers_get(list, i);
		const char *p = c->cards;

		for (p += strspn(p, CARD_SEPARATORS); *p; p += strspn(p, CARD_SEPARATORS)) {
			struct rule_card *rc = &(*out)[(*n)++];
			size_t len = strcspn(p, CARD_SEPARATORS);

			if (len > CARDRULES_CARD_MAX)
				return card_fail(err, CARD_ERR_BAD_ID, c->line,
						 "%s:%d: card %.20s...: longer than %d characters",
						 b->customers, c->line, p, CARDRULES_CARD_MAX);
			memcpy(rc->number, p, len);
			rc->customer = c;
			p += len;
			if (strchr(rc->number, '/') || rc->number[0] == '.')
				return card_fail(err, CARD_ERR_BAD_ID, c->line,
						 "%s:%d: card %s cannot name a file", b->customers,
						 c->line, rc->number);
			if (find_rule(b->rules, rc->number, &rc->rule, err))
				return card_fail_at(err, CARD_ERR_BAD_ID, b->customers, c->line);
		}
	}
	return 0;
}

/* A file stem of the run (an id or a card number) and its line. */
struct stem {
	const char *name;
	int line;
};

static int stem_cmp(const void *a, const void *b)
{
	const struct stem *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Fails with DUPLICATE if two cards of the run would have the same files. */
static int check_stems(const struct card_bulk *b, struct card_customers *list,
		       const struct rule_card *cards, size_t n_cards, struct card_error *err)
{
	size_t n_ids = card_customers_count(list), n = n_ids + n_cards;
	struct stem *s = n_cards ? calloc(n, sizeof(*s)) : NULL;
	int rc = 0;

	if (!n_cards)
		return 0;
	if (!s)
		return card_fail(err, CARD_ERR_NOMEM, 0, "out of memory");
	for (size_t i = 0; i < n_ids; i++)
		s[i] = (struct stem){card_customers_get(list, i)->id,
				     card_customers_get(list, i)->line};
	for (size_t i = 0; i < n_cards; i++)
		s[n_ids + i] = (struct stem){cards[i].number, cards[i].customer->line};
	qsort(s, n, sizeof(*s), stem_cmp);
	for (size_t i = 1; i < n && !rc; i++)
		if (!strcmp(s[i].name, s[i - 1].name))
			rc = card_fail(err, CARD_ERR_DUPLICATE, s[i].line,
				       "%s:%d: card %s is also on line %d (as a card or an id)",
				       b->customers, s[i].line, s[i].name, s[i - 1].line);
	free(s);
	return rc;
}

/* One card's files out_dir/<stem>-...: checked only, or written. */
static int one_card(const struct card_bulk *b, const struct card_spec *spec, const char *stem,
		    int line, bool write, struct card_error *err)
{
	char prefix[PATH_BUF];
	int rc;

	if (snprintf(prefix, sizeof(prefix), "%s/%s", b->out_dir, stem) >= (int)sizeof(prefix))
		return card_fail(err, CARD_ERR_INVAL, line, "%s: name too long", b->out_dir);
	rc = write ? card_write_all(spec, prefix, true, err)
		   : card_check_all(spec, prefix, true, err);
	return rc ? card_fail_at(err, rc, b->customers, line) : 0;
}

/*
 * Every customer's cards, and the rule cards: checked only (each layout
 * fits, no output exists) when write is false, written when it is true.
 */
static int each_card(const struct card_bulk *b, struct card_customers *list,
		     const struct rule_card *cards, size_t n_cards, bool write,
		     struct card_error *err)
{
	char text[CUSTID_MAX_PREFIX_LEN + CUSTID_ID_BUFSZ], name[2 * CARD_CSV_MAX_FIELD + 2];
	struct card_spec spec;
	int rc = 0;

	for (size_t i = 0; i < card_customers_count(list) && !rc; i++) {
		const struct card_customer *c = card_customers_get(list, i);

		customer_spec(b, c, text, sizeof(text), name, sizeof(name), &spec);
		rc = one_card(b, &spec, c->id, c->line, write, err);
	}
	for (size_t i = 0; i < n_cards && !rc; i++) {
		customer_spec(b, cards[i].customer, text, sizeof(text), name, sizeof(name), &spec);
		spec.text = cards[i].number;
		spec.symbology = cards[i].rule.symbology;
		rc = one_card(b, &spec, cards[i].number, cards[i].customer->line, write, err);
	}
	return rc;
}

int card_bulk_run(const struct card_bulk *b, struct card_bulk_report *report,
		  struct card_error *err)
{
	struct card_customers *list = NULL;
	struct rule_card *cards = NULL;
	bool *issued = NULL;
	size_t len, n_cards = 0;
	int rc;

	memset(report, 0, sizeof(*report));
	if (!b || !b->customers || !b->out_dir || !b->syntax)
		return card_fail(err, CARD_ERR_INVAL, 0, "customer file, folder and syntax needed");
	len = b->id_len ? b->id_len : card_id_default_len(b->syntax->check);
	if (len > b->syntax->max_len)
		return card_fail(err, CARD_ERR_INVAL, 0,
				 "ids of %zu characters exceed the syntax's %zu", len,
				 b->syntax->max_len);
	if (snprintf(report->map_path, sizeof(report->map_path), "%s",
		     b->map_path ? b->map_path : "") >= (int)sizeof(report->map_path) ||
	    (!b->map_path &&
	     snprintf(report->map_path, sizeof(report->map_path), "%s/customer-ids.csv",
		      b->out_dir) >= (int)sizeof(report->map_path)))
		return card_fail(err, CARD_ERR_INVAL, 0, "%s: name too long", b->out_dir);
	if (access(report->map_path, F_OK) == 0)
		return card_fail(err, CARD_ERR_EXISTS, 0,
				 "%s exists: it holds ids already issued and is never overwritten "
				 "(give it as the customer file to keep its ids)",
				 report->map_path);
	rc = card_customers_read(b->customers, b->syntax, &list, err);
	if (rc)
		return rc;
	report->customers = card_customers_count(list);
	issued = calloc(report->customers + 1, sizeof(*issued));
	if (!issued) {
		rc = card_fail(err, CARD_ERR_NOMEM, 0, "out of memory");
		goto out_list;
	}
	rc = issue_ids(b, list, len, issued, err);
	if (!rc && b->rules)
		rc = plan_rule_cards(b, list, &cards, &n_cards, err);
	if (!rc)
		rc = check_stems(b, list, cards, n_cards, err);
	if (!rc)
		rc = each_card(b, list, cards, n_cards, false, err);
	if (!rc)
		rc = card_customers_write(list, report->map_path, true, err);
	if (!rc)
		rc = each_card(b, list, cards, n_cards, true, err);
	for (size_t i = 0; i < report->customers; i++)
		*(issued[i] ? &report->issued : &report->kept) += 1;
	report->cards = rc ? 0 : n_cards;
	free(cards);
	free(issued);
out_list:
	card_customers_destroy(list);
	return rc;
}
