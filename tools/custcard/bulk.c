/*
 * Bulk mode: one card per customer of a back-office CSV and the CSV mapping
 * customer to id.
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

/*
 * Every customer's cards: checked only (each layout fits, no output exists)
 * when write is false, written when it is true.
 */
static int each_card(const struct card_bulk *b, struct card_customers *list, bool write,
		     struct card_error *err)
{
	char text[CUSTID_MAX_PREFIX_LEN + CUSTID_ID_BUFSZ], name[2 * CARD_CSV_MAX_FIELD + 2];
	char prefix[PATH_BUF];
	struct card_spec spec;
	int rc;

	for (size_t i = 0; i < card_customers_count(list); i++) {
		const struct card_customer *c = card_customers_get(list, i);

		customer_spec(b, c, text, sizeof(text), name, sizeof(name), &spec);
		if (snprintf(prefix, sizeof(prefix), "%s/%s", b->out_dir, c->id) >=
		    (int)sizeof(prefix))
			return card_fail(err, CARD_ERR_INVAL, c->line, "%s: name too long",
					 b->out_dir);
		rc = write ? card_write_all(&spec, prefix, true, err)
			   : card_check_all(&spec, prefix, true, err);
		if (rc)
			return card_fail_at(err, rc, b->customers, c->line);
	}
	return 0;
}

int card_bulk_run(const struct card_bulk *b, struct card_bulk_report *report,
		  struct card_error *err)
{
	struct card_customers *list = NULL;
	bool *issued = NULL;
	size_t len;
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
	if (!rc)
		rc = each_card(b, list, false, err);
	if (!rc)
		rc = card_customers_write(list, report->map_path, true, err);
	if (!rc)
		rc = each_card(b, list, true, err);
	for (size_t i = 0; i < report->customers; i++)
		*(issued[i] ? &report->issued : &report->kept) += 1;
	free(issued);
out_list:
	card_customers_destroy(list);
	return rc;
}
