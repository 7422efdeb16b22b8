/*
 * custcard: issues customer ids and makes the cards custscan reads.
 *
 *   custcard --new                                  prints a fresh id
 *   custcard --id CUST#<id> --out PREFIX [--name NAME]
 *                                                   writes one card's files
 *   custcard --bulk customers.csv --out-dir DIR     a card per customer
 *   custcard --rules FILE --rule NAME --card NUMBER --out PREFIX
 *                                                   a card of a shop's card rule
 *   custcard --rules FILE --rule NAME --new         prints a fresh card number
 *
 * Exit status: 0 done, 1 refused or failed (the reason on standard error),
 * 2 usage error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card.h"

struct options {
	enum { MODE_NONE, MODE_NEW, MODE_ID, MODE_BULK, MODE_CARD } mode;
	const char *id;			     /* --id */
	const char *card;		     /* --card NUMBER */
	const char *rules;		     /* --rules FILE */
	const char *rule;		     /* --rule NAME */
	enum scanner_symbology symbology;    /* --symbology, 0: the rule's first */
	const char *out;		     /* --out PREFIX */
	const char *name;		     /* --name */
	const char *title;		     /* --title */
	const char *bulk;		     /* --bulk FILE */
	const char *out_dir;		     /* --out-dir */
	const char *map;		     /* --map */
	const struct card_label_size *label; /* --label */
	int dpi;			     /* --dpi */
	enum custid_check check;	     /* --check */
	size_t length;			     /* --length, 0: the scheme's default */
	int count;			     /* --count with --new */
	bool force;			     /* --force: replace existing files */
};

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "usage:\n"
	    "  custcard --new [--count N] [--check SCHEME] [--length N]\n"
	    "  custcard --id CUST#<id> --out PREFIX [--name NAME] [options]\n"
	    "  custcard --bulk customers.csv --out-dir DIR [--map FILE] [options]\n"
	    "  custcard --rules FILE --rule NAME --card NUMBER --out PREFIX [--name NAME]\n"
	    "           [--symbology SYM] [options]\n"
	    "  custcard --rules FILE --rule NAME --new [--count N] [--length N]\n"
	    "  custcard --bulk customers.csv --out-dir DIR --rules FILE [options]\n"
	    "\n"
	    "  --new             print a fresh random id (CUST#...) with its check character\n"
	    "  --count N         with --new: N ids, one a line\n"
	    "  --id TEXT         the card's text, CUST#<id>; refused with the reason if the\n"
	    "                    scanner would refuse it\n"
	    "  --out PREFIX      write PREFIX-label.png, -label.pdf, -phone.png,\n"
	    "                    -phone-dark.png, -phone.pdf and -sheet.pdf\n"
	    "  --name NAME       the customer's name on the card\n"
	    "  --title TEXT      heading of phone card and sheet (default \"Customer card\")\n"
	    "  --bulk FILE       back-office CSV id,first_name,last_name,email,phone; an empty\n"
	    "                    id gets a new one\n"
	    "  --out-dir DIR     bulk: the cards go to DIR/<id>-label.png, ...\n"
	    "  --map FILE        bulk: the CSV with every id filled in (default\n"
	    "                    DIR/customer-ids.csv); never overwritten\n"
	    "  --rules FILE      a card rules file (as custscan's rules = FILE); with --bulk,\n"
	    "                    the numbers of the cards column get their cards too\n"
	    "  --rule NAME       the rule whose cards to make or number to issue\n"
	    "  --card NUMBER     the card number; refused with the reason unless the rule\n"
	    "                    takes it (check digit included) as the scanner will\n"
	    "  --symbology SYM   one the rule reads: qr, code128, ean13, ean8, upca,\n"
	    "                    code39, i25 (default: the first the rule lists)\n"
	    "  --label SIZE      label size (default %s):\n",
	    card_label_sizes[0].name);
	for (const struct card_label_size *s = card_label_sizes; s->name; s++)
		fprintf(out, "                      %-6s %s\n", s->name, s->about);
	fprintf(out,
		"  --dpi N           label printer resolution, %d..%d (default %d)\n"
		"  --check SCHEME    check character: mod37-36 (default), luhn (digits) or none;\n"
		"                    set the scanner's id_check the same\n"
		"  --length N        length of issued ids, check character included (default 10,\n"
		"                    16 for luhn); with --rule, of card numbers\n"
		"  --force           replace existing card files (never the bulk mapping)\n"
		"  --help            this text\n",
		CARD_DPI_MIN, CARD_DPI_MAX, CARD_DPI_DEFAULT);
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
	    {"new", no_argument, NULL, 'n'},
	    {"id", required_argument, NULL, 'i'},
	    {"out", required_argument, NULL, 'o'},
	    {"name", required_argument, NULL, 'N'},
	    {"title", required_argument, NULL, 'T'},
	    {"bulk", required_argument, NULL, 'b'},
	    {"out-dir", required_argument, NULL, 'D'},
	    {"map", required_argument, NULL, 'm'},
	    {"label", required_argument, NULL, 'l'},
	    {"dpi", required_argument, NULL, 'd'},
	    {"check", required_argument, NULL, 'c'},
	    {"length", required_argument, NULL, 'L'},
	    {"count", required_argument, NULL, 'C'},
	    {"force", no_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},
	    {"card", required_argument, NULL, 'k'},
	    {"rules", required_argument, NULL, 'r'},
	    {"rule", required_argument, NULL, 'R'},
	    {"symbology", required_argument, NULL, 's'},
	    {NULL, 0, NULL, 0},
	};
	int c, modes = 0;
	long v;

	memset(o, 0, sizeof(*o));
	o->label = &card_label_sizes[0];
	o->dpi = CARD_DPI_DEFAULT;
	o->check = CUSTID_CHECK_MOD37_36;
	o->count = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o->mode = MODE_NEW;
			modes++;
			break;
		case 'i':
			o->mode = MODE_ID;
			o->id = optarg;
			modes++;
			break;
		case 'b':
			o->mode = MODE_BULK;
			o->bulk = optarg;
			modes++;
			break;
		case 'k':
			o->mode = MODE_CARD;
			o->card = optarg;
			modes++;
			break;
		case 'r':
			o->rules = optarg;
			break;
		case 'R':
			o->rule = optarg;
			break;
		case 's': {
			unsigned set = 0;

			if (scanner_symbology_parse(optarg, &set) || !set || (set & (set - 1))) {
				fprintf(
				    stderr,
				    "custcard: --symbology %s: one of qr, code128, ean13, ean8, "
				    "upca, code39, i25\n",
				    optarg);
				return -1;
			}
			o->symbology = (enum scanner_symbology)set;
			break;
		}
		case 'o':
			o->out = optarg;
			break;
		case 'N':
			o->name = optarg;
			break;
		case 'T':
			o->title = optarg;
			break;
		case 'D':
			o->out_dir = optarg;
			break;
		case 'm':
			o->map = optarg;
			break;
		case 'l':
			o->label = card_label_size_find(optarg);
			if (!o->label) {
				fprintf(stderr, "custcard: --label %s: unknown size\n", optarg);
				return -1;
			}
			break;
		case 'd':
			if (parse_int(optarg, CARD_DPI_MIN, CARD_DPI_MAX, &v)) {
				fprintf(stderr,
					"custcard: --dpi %s: a whole number from %d to %d\n",
					optarg, CARD_DPI_MIN, CARD_DPI_MAX);
				return -1;
			}
			o->dpi = (int)v;
			break;
		case 'c':
			if (custid_check_parse(optarg, &o->check)) {
				fprintf(stderr, "custcard: --check %s: mod37-36, luhn or none\n",
					optarg);
				return -1;
			}
			break;
		case 'L':
			if (parse_int(optarg, 2, CUSTID_MAX_ID_LEN, &v)) {
				fprintf(stderr, "custcard: --length %s: 2 to %d\n", optarg,
					CUSTID_MAX_ID_LEN);
				return -1;
			}
			o->length = (size_t)v;
			break;
		case 'C':
			if (parse_int(optarg, 1, 1000000, &v)) {
				fprintf(stderr, "custcard: --count %s: 1 to 1000000\n", optarg);
				return -1;
			}
			o->count = (int)v;
			break;
		case 'f':
			o->force = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	if (optind != argc || modes != 1) {
		fprintf(stderr, "custcard: give one of --new, --id, --card or --bulk\n");
		return -1;
	}
	if ((o->mode == MODE_ID || o->mode == MODE_CARD) && !o->out) {
		fprintf(stderr, "custcard: --%s needs --out PREFIX\n",
			o->mode == MODE_ID ? "id" : "card");
		return -1;
	}
	if ((o->mode == MODE_CARD || o->rule || o->symbology) &&
	    (!o->rules || !o->rule || (o->mode != MODE_CARD && o->mode != MODE_NEW))) {
		fprintf(stderr, "custcard: a rule's card needs --rules FILE and --rule NAME, "
				"with --card or --new\n");
		return -1;
	}
	if (o->rules && !o->rule && o->mode != MODE_BULK) {
		fprintf(stderr, "custcard: --rules needs --rule NAME (or --bulk)\n");
		return -1;
	}
	if (o->mode == MODE_BULK && !o->out_dir) {
		fprintf(stderr, "custcard: --bulk needs --out-dir DIR\n");
		return -1;
	}
	return 0;
}

/* The scanner's default syntax with the chosen check scheme. */
static void syntax_for(const struct options *o, struct custid_syntax *syntax)
{
	custid_syntax_init_default(syntax);
	syntax->check = o->check;
}

static int run_new(const struct options *o, const struct custid_syntax *syntax)
{
	size_t len = o->length ? o->length : card_id_default_len(o->check);
	char id[CUSTID_ID_BUFSZ];

	for (int i = 0; i < o->count; i++) {
		int rc = card_id_issue(o->check, len, id);

		if (rc == CARD_ERR_INVAL) {
			fprintf(stderr,
				"custcard: ids of %zu characters carry fewer than %d random bits: "
				"take a longer --length\n",
				len, CARD_ID_MIN_BITS);
			return 1;
		}
		if (rc) {
			fprintf(stderr, "custcard: %s\n", card_strerror(rc));
			return 1;
		}
		printf("%s%s\n", syntax->prefix, id);
	}
	return fflush(stdout) ? 1 : 0;
}

static int run_id(const struct options *o, const struct custid_syntax *syntax)
{
	struct card_error err = {0};
	struct card_spec spec = {
	    .text = o->id, .name = o->name, .title = o->title, .label = o->label, .dpi = o->dpi};

	if (card_id_check(syntax, o->id, NULL, &err) ||
	    (o->name && card_name_check(o->name, &err)) ||
	    (o->title && card_name_check(o->title, &err)) ||
	    card_write_all(&spec, o->out, !o->force, &err)) {
		fprintf(stderr, "custcard: %s%s\n", err.detail,
			err.code == CARD_ERR_EXISTS ? " (--force replaces it)" : "");
		if (err.code == CARD_ERR_BAD_ID && o->check != CUSTID_CHECK_NONE &&
		    strstr(err.detail, "bad_check"))
			fprintf(stderr, "custcard: for a register's own ids without a check "
					"character, --check none\n");
		return 1;
	}
	printf("%s: wrote %s-label.png, %s-label.pdf, %s-phone.png, %s-phone-dark.png, "
	       "%s-phone.pdf, %s-sheet.pdf\n",
	       o->id, o->out, o->out, o->out, o->out, o->out, o->out);
	return 0;
}

/*
 * Loads --rules and picks --rule in it (if given); says why not on standard
 * error.
 */
static int pick_rule(const struct options *o, struct cardrules **rules, struct card_rule *rule)
{
	struct cardrules_error rerr;
	struct card_error err = {0};

	if (cardrules_load_file(o->rules, rules, &rerr)) {
		if (rerr.line)
			fprintf(stderr, "custcard: %s:%d: %s\n", o->rules, rerr.line, rerr.message);
		else
			fprintf(stderr, "custcard: %s: %s\n", o->rules, rerr.message);
		return -1;
	}
	if (o->rule && card_rule_pick(*rules, o->rule, o->symbology, rule, &err)) {
		fprintf(stderr, "custcard: %s: %s\n", o->rules, err.detail);
		return -1;
	}
	return 0;
}

static int run_rule_new(const struct options *o, const struct card_rule *rule)
{
	char number[CARDRULES_CARD_BUFSZ];
	struct card_error err = {0};

	for (int i = 0; i < o->count; i++) {
		if (card_rule_issue(rule, o->length, number, &err)) {
			fprintf(stderr, "custcard: %s\n", err.detail);
			return 1;
		}
		printf("%s\n", number);
	}
	return fflush(stdout) ? 1 : 0;
}

static int run_card(const struct options *o, const struct card_rule *rule)
{
	struct card_error err = {0};
	struct cardrules_match m;
	struct card_spec spec = {.text = o->card,
				 .name = o->name,
				 .title = o->title,
				 .label = o->label,
				 .dpi = o->dpi,
				 .symbology = rule->symbology};
	const char *sep = "";

	if (card_rule_check(rule, o->card, &m, &err) ||
	    (o->name && card_name_check(o->name, &err)) ||
	    (o->title && card_name_check(o->title, &err)) ||
	    card_write_all(&spec, o->out, !o->force, &err)) {
		fprintf(stderr, "custcard: %s%s\n", err.detail,
			err.code == CARD_ERR_EXISTS ? " (--force replaces it)" : "");
		return 1;
	}
	printf("%s: rule %s, id %s, %s: wrote ", o->card, m.rule, m.id,
	       scanner_symbology_name(rule->symbology));
	for (int i = 0; i < CARD_OUTPUTS; i++)
		if (card_kind_applies(&spec, card_outputs[i].kind)) {
			printf("%s%s%s", sep, o->out,
			       card_suffix(card_outputs[i].kind, card_outputs[i].format));
			sep = ", ";
		}
	printf("\n");
	return 0;
}

static int run_bulk(const struct options *o, const struct custid_syntax *syntax,
		    const struct cardrules *rules)
{
	struct card_error err = {0};
	struct card_bulk_report rep;
	struct card_bulk b = {
	    .customers = o->bulk,
	    .out_dir = o->out_dir,
	    .map_path = o->map,
	    .syntax = syntax,
	    .id_len = o->length,
	    .label = o->label,
	    .dpi = o->dpi,
	    .title = o->title,
	    .rules = rules,
	};

	if (o->title && card_name_check(o->title, &err)) {
		fprintf(stderr, "custcard: --title: %s\n", err.detail);
		return 1;
	}
	if (card_bulk_run(&b, &rep, &err)) {
		fprintf(stderr, "custcard: %s\n", err.detail);
		return 1;
	}
	printf("%zu customer%s: %zu ids kept, %zu issued", rep.customers,
	       rep.customers == 1 ? "" : "s", rep.kept, rep.issued);
	if (rules)
		printf(", %zu card%s of the cards column", rep.cards, rep.cards == 1 ? "" : "s");
	printf("; ids in %s, cards in %s\n", rep.map_path, o->out_dir);
	return 0;
}

int main(int argc, char **argv)
{
	struct options o;
	struct custid_syntax syntax;
	struct cardrules *rules = NULL;
	struct card_rule rule;
	int status = 2;

	if (parse_options(argc, argv, &o)) {
		usage(stderr);
		return 2;
	}
	syntax_for(&o, &syntax);
	if (o.rules && pick_rule(&o, &rules, &rule)) {
		status = 1;
		goto out;
	}
	switch (o.mode) {
	case MODE_NEW:
		status = rules ? run_rule_new(&o, &rule) : run_new(&o, &syntax);
		break;
	case MODE_CARD:
		status = run_card(&o, &rule);
		break;
	case MODE_ID:
		status = run_id(&o, &syntax);
		break;
	case MODE_BULK:
		status = run_bulk(&o, &syntax, rules);
		break;
	case MODE_NONE:
		break;
	}
out:
	cardrules_destroy(rules);
	card_cleanup();
	return status;
}
