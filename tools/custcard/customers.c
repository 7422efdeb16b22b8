/*
 * The back-office customer CSV: read (RFC 4180, strictly, with the line of
 * every fault) and written back with the ids filled in.
 *
 * The file comes from elsewhere (an export, a spreadsheet, a hand edit), so
 * nothing in it is trusted: every record must have the five fields of the
 * header, every field is valid UTF-8 without control characters and within
 * CARD_CSV_MAX_FIELD bytes, every id is in the scanner's syntax and used
 * once. The first fault stops the read with its line and what is wrong.
 *
 * Sections: the list, the parser, reading a file, writing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card_impl.h"

/* The register's columns; the sixth, cards, is optional (issue 10). */
#define FIELDS	   5
#define FIELDS_MAX 6
#define HEADER	   "id,first_name,last_name,email,phone[,cards]"

static const char *const field_names[FIELDS_MAX] = {"id",    "first_name", "last_name",
						    "email", "phone",	   "cards"};

/* ---------------------------------------------------------------- the list */

struct card_customers {
	struct card_customer *items; /* items[0..count) in file order */
	size_t count;		     /* records */
	size_t cap;		     /* allocated items */
	int columns;		     /* FIELDS or FIELDS_MAX, as the header has */
};

void card_customers_destroy(struct card_customers *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++) {
		free(list->items[i].first_name);
		free(list->items[i].last_name);
		free(list->items[i].email);
		free(list->items[i].phone);
		free(list->items[i].cards);
	}
	free(list->items);
	free(list);
}

size_t card_customers_count(const struct card_customers *list)
{
	return list ? list->count : 0;
}

struct card_customer *card_customers_get(struct card_customers *list, size_t i)
{
	return list && i < list->count ? &list->items[i] : NULL;
}

bool card_customers_has_id(const struct card_customers *list, const char *id)
{
	for (size_t i = 0; list && id && i < list->count; i++)
		if (!strcmp(list->items[i].id, id))
			return true;
	return false;
}

/* ---------------------------------------------------------------- the parser */

/* The parser's position and the record being read. */
struct parser {
	const char *p, *end;				/* what is left of the input */
	const char *name;				/* file name for messages */
	int line;					/* current line, from 1 */
	char field[FIELDS_MAX][CARD_CSV_MAX_FIELD + 1]; /* the record's fields */
	int n;						/* fields read */
};

/* Appends c to the field being read, or fails when it gets too long. */
static int put(struct parser *ps, size_t *len, char c, struct card_error *err)
{
	if (*len >= CARD_CSV_MAX_FIELD) {
		card_fail(err, CARD_ERR_CSV, ps->line, "%s field longer than %d bytes",
			  field_names[ps->n], CARD_CSV_MAX_FIELD);
		return card_fail_at(err, CARD_ERR_CSV, ps->name, ps->line);
	}
	ps->field[ps->n][(*len)++] = c;
	return 0;
}

/* Consumes a line break (LF or CRLF) at ps->p if there is one. */
static bool line_break(struct parser *ps)
{
	if (ps->p < ps->end && *ps->p == '\n') {
		ps->p++;
		ps->line++;
		return true;
	}
	if (ps->end - ps->p >= 2 && ps->p[0] == '\r' && ps->p[1] == '\n') {
		ps->p += 2;
		ps->line++;
		return true;
	}
	return false;
}

/*
 * Reads one field into ps->field[ps->n]. Stops before the ',' or line break
 * that ends it. A quoted field runs to its closing quote, over commas and
 * line breaks, with "" for a quote.
 */
static int read_field(struct parser *ps, struct card_error *err)
{
	size_t len = 0;
	int start = ps->line, rc;

	if (ps->n >= FIELDS_MAX) {
		card_fail(err, CARD_ERR_CSV, start, "more than %d fields (%s)", FIELDS_MAX, HEADER);
		return card_fail_at(err, CARD_ERR_CSV, ps->name, start);
	}
	if (ps->p < ps->end && *ps->p == '"') {
		ps->p++;
		for (;;) {
			if (ps->p >= ps->end) {
				card_fail(err, CARD_ERR_CSV, start,
					  "quoted field opened here is never closed");
				return card_fail_at(err, CARD_ERR_CSV, ps->name, start);
			}
			if (*ps->p == '"') {
				if (ps->end - ps->p >= 2 && ps->p[1] == '"') {
					rc = put(ps, &len, '"', err);
					ps->p += 2;
				} else {
					ps->p++;
					break;
				}
			} else {
				if (*ps->p == '\n')
					ps->line++;
				rc = put(ps, &len, *ps->p++, err);
			}
			if (rc)
				return rc;
		}
		if (ps->p < ps->end && *ps->p != ',' && *ps->p != '\n' && *ps->p != '\r') {
			card_fail(err, CARD_ERR_CSV, ps->line, "text after a closing quote");
			return card_fail_at(err, CARD_ERR_CSV, ps->name, ps->line);
		}
	} else {
		while (ps->p < ps->end && *ps->p != ',' && *ps->p != '\n' && *ps->p != '\r') {
			if (*ps->p == '"') {
				card_fail(err, CARD_ERR_CSV, ps->line,
					  "quote inside an unquoted field (quote the whole "
					  "field and double the quote)");
				return card_fail_at(err, CARD_ERR_CSV, ps->name, ps->line);
			}
			rc = put(ps, &len, *ps->p++, err);
			if (rc)
				return rc;
		}
	}
	ps->field[ps->n++][len] = '\0';
	return 0;
}

/* Reads one record (fields up to a line break or the end). */
static int read_record(struct parser *ps, struct card_error *err)
{
	int rc;

	ps->n = 0;
	for (;;) {
		rc = read_field(ps, err);
		if (rc)
			return rc;
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && !line_break(ps)) {
			/* A lone CR: old Mac line ends or a stray byte. */
			card_fail(err, CARD_ERR_CSV, ps->line, "carriage return without line feed");
			return card_fail_at(err, CARD_ERR_CSV, ps->name, ps->line);
		}
		return 0;
	}
}

static int check_header(struct parser *ps, int line, struct card_customers *list,
			struct card_error *err)
{
	bool ok = ps->n == FIELDS || ps->n == FIELDS_MAX;

	for (int i = 0; ok && i < ps->n; i++)
		ok = !strcmp(ps->field[i], field_names[i]);
	list->columns = ps->n;
	if (!ok) {
		card_fail(err, CARD_ERR_CSV, line, "the first line must be the header " HEADER);
		return card_fail_at(err, CARD_ERR_CSV, ps->name, line);
	}
	return 0;
}

static char *dup_field(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}

/* Checks the record just read and appends it to list. */
static int add_record(struct parser *ps, int line, const struct custid_syntax *syntax,
		      struct card_customers *list, struct card_error *err)
{
	struct card_customer *c;
	char text[CUSTID_MAX_PREFIX_LEN + CARD_CSV_MAX_FIELD + 1], id[CUSTID_ID_BUFSZ] = "";
	int rc;

	if (ps->n != list->columns) {
		card_fail(err, CARD_ERR_CSV, line, "%d field%s, expected %d as in the header",
			  ps->n, ps->n == 1 ? "" : "s", list->columns);
		return card_fail_at(err, CARD_ERR_CSV, ps->name, line);
	}
	for (int i = 0; i < list->columns; i++) {
		rc = card_text_check(ps->field[i], CARD_CSV_MAX_FIELD, field_names[i], line, err);
		if (rc)
			return card_fail_at(err, CARD_ERR_CSV, ps->name, line);
	}
	if (ps->field[0][0]) {
		snprintf(text, sizeof(text), "%s%s", syntax->prefix, ps->field[0]);
		rc = card_id_check(syntax, text, id, err);
		if (rc)
			return card_fail_at(err, rc, ps->name, line);
	}
	if (list->count == list->cap) {
		size_t ncap = list->cap ? list->cap * 2 : 64;
		struct card_customer *items = realloc(list->items, ncap * sizeof(*items));

		if (!items)
			return card_fail(err, CARD_ERR_NOMEM, line, "out of memory");
		list->items = items;
		list->cap = ncap;
	}
	c = &list->items[list->count];
	memset(c, 0, sizeof(*c));
	memcpy(c->id, id, sizeof(c->id));
	c->line = line;
	c->first_name = dup_field(ps->field[1]);
	c->last_name = dup_field(ps->field[2]);
	c->email = dup_field(ps->field[3]);
	c->phone = dup_field(ps->field[4]);
	c->cards = dup_field(list->columns > FIELDS ? ps->field[5] : "");
	list->count++;
	if (!c->first_name || !c->last_name || !c->email || !c->phone || !c->cards)
		return card_fail(err, CARD_ERR_NOMEM, line, "out of memory");
	return 0;
}

static int by_id(const void *a, const void *b)
{
	const struct card_customer *x = *(const struct card_customer *const *)a;
	const struct card_customer *y = *(const struct card_customer *const *)b;
	int c = strcmp(x->id, y->id);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

int card_customers_check_unique(const struct card_customers *list, const char *name, size_t dup[2],
				struct card_error *err)
{
	const struct card_customer **sorted;
	int rc = 0;

	if (list->count < 2)
		return 0;
	sorted = malloc(list->count * sizeof(*sorted));
	if (!sorted)
		return card_fail(err, CARD_ERR_NOMEM, 0, "out of memory");
	for (size_t i = 0; i < list->count; i++)
		sorted[i] = &list->items[i];
	qsort(sorted, list->count, sizeof(*sorted), by_id);
	for (size_t i = 1; i < list->count && !rc; i++)
		if (sorted[i]->id[0] && !strcmp(sorted[i]->id, sorted[i - 1]->id)) {
			rc = card_fail(err, CARD_ERR_DUPLICATE, sorted[i]->line,
				       "%s:%d: id %s is already on line %d", name, sorted[i]->line,
				       sorted[i]->id, sorted[i - 1]->line);
			if (dup) {
				dup[0] = (size_t)(sorted[i - 1] - list->items);
				dup[1] = (size_t)(sorted[i] - list->items);
			}
		}
	free(sorted);
	return rc;
}

int card_customers_parse(const char *data, size_t len, const char *name,
			 const struct custid_syntax *syntax, struct card_customers **out,
			 struct card_error *err)
{
	struct parser *ps;
	struct card_customers *list;
	bool seen_header = false;
	int rc = 0;

	*out = NULL;
	if (!data || !syntax)
		return card_fail(err, CARD_ERR_INVAL, 0, "no customer data");
	ps = calloc(1, sizeof(*ps));
	list = calloc(1, sizeof(*list));
	if (!ps || !list) {
		rc = card_fail(err, CARD_ERR_NOMEM, 0, "out of memory");
		goto out_free;
	}
	ps->p = data;
	ps->end = data + len;
	ps->name = name ? name : "customers";
	ps->line = 1;
	{
		const char *nul = memchr(data, '\0', len);

		if (nul) {
			int line = 1;
			for (const char *q = data; q < nul; q++)
				line += *q == '\n';
			card_fail(err, CARD_ERR_CSV, line, "NUL byte (not a text file?)");
			rc = card_fail_at(err, CARD_ERR_CSV, ps->name, line);
			goto out_free;
		}
	}
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		ps->p += 3; /* the byte order mark spreadsheets write */
	while (ps->p < ps->end && !rc) {
		int line = ps->line;

		if (line_break(ps))
			continue; /* blank line */
		rc = read_record(ps, err);
		if (!rc && !seen_header)
			rc = check_header(ps, line, list, err);
		else if (!rc)
			rc = add_record(ps, line, syntax, list, err);
		seen_header = true;
	}
	if (!rc && !seen_header) {
		card_fail(err, CARD_ERR_CSV, ps->line, "empty: no header " HEADER);
		rc = card_fail_at(err, CARD_ERR_CSV, ps->name, ps->line);
	}
	if (!rc)
		rc = card_customers_check_unique(list, ps->name, NULL, err);
out_free:
	free(ps);
	if (rc)
		card_customers_destroy(list);
	else
		*out = list;
	return rc;
}

/* ---------------------------------------------------------------- reading */

int card_customers_read(const char *path, const struct custid_syntax *syntax,
			struct card_customers **out, struct card_error *err)
{
	FILE *f;
	char *data = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f)
		return card_fail(err, CARD_ERR_IO, 0, "%s: %s", path, strerror(errno));
	for (;;) {
		size_t got;

		if (len == cap) {
			char *d;

			if (cap >= CARD_CSV_MAX_SIZE) {
				rc = card_fail(err, CARD_ERR_CSV, 0, "%s: larger than %d MiB", path,
					       CARD_CSV_MAX_SIZE / (1024 * 1024));
				goto out_close;
			}
			cap = cap ? cap * 2 : 65536;
			d = realloc(data, cap);
			if (!d) {
				rc = card_fail(err, CARD_ERR_NOMEM, 0, "out of memory");
				goto out_close;
			}
			data = d;
		}
		got = fread(data + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		rc = card_fail(err, CARD_ERR_IO, 0, "%s: read error", path);
		goto out_close;
	}
	rc = card_customers_parse(data, len, path, syntax, out, err);
out_close:
	fclose(f);
	free(data);
	return rc;
}

/* ---------------------------------------------------------------- writing */

/* Writes one field, quoted when it holds a comma or a quote (RFC 4180). */
static void write_field(FILE *f, const char *s, bool last)
{
	if (strpbrk(s, ",\"")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputc(last ? '\n' : ',', f);
}

int card_customers_write(const struct card_customers *list, const char *path, bool exclusive,
			 struct card_error *err)
{
	FILE *f = fopen(path, exclusive ? "wx" : "w");
	int rc = 0;

	if (!f)
		return card_fail(err, errno == EEXIST ? CARD_ERR_EXISTS : CARD_ERR_IO, 0, "%s: %s",
				 path, strerror(errno));
	fputs(list->columns > FIELDS ? "id,first_name,last_name,email,phone,cards\n"
				     : "id,first_name,last_name,email,phone\n",
	      f);
	for (size_t i = 0; i < list->count; i++) {
		const struct card_customer *c = &list->items[i];

		write_field(f, c->id, false);
		write_field(f, c->first_name, false);
		write_field(f, c->last_name, false);
		write_field(f, c->email, false);
		write_field(f, c->phone, list->columns == FIELDS);
		if (list->columns > FIELDS)
			write_field(f, c->cards, true);
	}
	if (ferror(f))
		rc = CARD_ERR_IO;
	if (fclose(f))
		rc = CARD_ERR_IO;
	if (rc)
		return card_fail(err, rc, 0, "%s: write error", path);
	return 0;
}
