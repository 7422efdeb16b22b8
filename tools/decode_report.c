/* JSON lines for custscan-decode, built with json-c. See decode_report.h. */
#include "decode_report.h"

#include "scanner/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

enum custid_reason decode_report_verdict(const struct decode_report *r,
					 const struct scanner_symbol *sym,
					 struct cardrules_match *m)
{
	if (r->rules)
		return cardrules_match(r->rules, sym->type, sym->data, sym->len, m);
	memset(m, 0, sizeof(*m));
	m->symbology = sym->type;
	return custid_validate(r->syntax, sym->data, sym->len, m->id);
}

size_t decode_report_ids(const struct decode_report *r, char (*ids)[CUSTID_ID_BUFSZ],
			 size_t max_ids)
{
	struct cardrules_match m;
	size_t n = 0;

	for (size_t i = 0; r->result && i < r->result->count && n < max_ids; i++) {
		if (decode_report_verdict(r, &r->result->symbols[i], &m) == CUSTID_OK)
			memcpy(ids[n++], m.id, sizeof(ids[0]));
	}
	return n;
}

/* A json string of arbitrary bytes, made valid UTF-8 first. */
static json_object *text_string(const uint8_t *data, size_t len)
{
	char *utf8 = malloc(SCANNER_TEXT_BUFSZ(len));
	json_object *o;

	if (!utf8)
		return NULL;
	size_t n = scanner_text_to_utf8(data, len, utf8);
	o = json_object_new_string_len(utf8, (int)n);
	free(utf8);
	return o;
}

char *decode_report_json(const struct decode_report *r)
{
	json_object *root = json_object_new_object();
	json_object *symbols = json_object_new_array();
	json_object *ids = json_object_new_array();
	json_object *rejected = json_object_new_array();
	json_object *cards = json_object_new_array();
	char *line = NULL;

	if (!root || !symbols || !ids || !rejected || !cards)
		goto out;
	json_object_object_add(root, "file",
			       text_string((const uint8_t *)r->file, strlen(r->file)));
	if (r->error)
		json_object_object_add(root, "error", json_object_new_string(r->error));
	for (size_t i = 0; r->result && i < r->result->count; i++) {
		const struct scanner_symbol *sym = &r->result->symbols[i];
		json_object *o = json_object_new_object();
		json_object_object_add(o, "type",
				       json_object_new_string(scanner_symbology_name(sym->type)));
		json_object_object_add(o, "text", text_string(sym->data, sym->len));
		json_object_array_add(symbols, o);

		struct cardrules_match m;
		enum custid_reason why = decode_report_verdict(r, sym, &m);
		if (why == CUSTID_OK) {
			json_object *card = json_object_new_object();
			json_object_array_add(ids, json_object_new_string(m.id));
			json_object_object_add(card, "rule", json_object_new_string(m.rule));
			json_object_object_add(card, "id", json_object_new_string(m.id));
			json_object_object_add(card, "card", json_object_new_string(m.card));
			json_object_array_add(cards, card);
		} else {
			json_object *rej = json_object_new_object();
			json_object_object_add(rej, "text", text_string(sym->data, sym->len));
			json_object_object_add(rej, "reason",
					       json_object_new_string(custid_reason_name(why)));
			json_object_array_add(rejected, rej);
		}
	}
	json_object_object_add(root, "symbols", symbols);
	json_object_object_add(root, "ids", ids);
	json_object_object_add(root, "rejected", rejected);
	if (r->cards) {
		json_object_object_add(root, "cards", cards);
		cards = NULL;
	}
	symbols = ids = rejected = NULL; /* owned by root now */
	if (r->sequence) {
		json_object *emitted = json_object_new_array();
		for (size_t i = 0; i < r->n_emitted; i++)
			json_object_array_add(emitted, json_object_new_string(r->emitted[i]));
		json_object_object_add(root, "emitted", emitted);
	}
	char ms[32];
	snprintf(ms, sizeof(ms), "%.3f", r->ms);
	json_object_object_add(root, "ms", json_object_new_double_s(r->ms, ms));
	if (r->frame_ms) {
		json_object *frames = json_object_new_array();
		for (size_t i = 0; i < r->n_frames; i++) {
			snprintf(ms, sizeof(ms), "%.3f", r->frame_ms[i]);
			json_object_array_add(frames, json_object_new_double_s(r->frame_ms[i], ms));
		}
		json_object_object_add(root, "frame_ms", frames);
	}
	const char *s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_SPACED |
								 JSON_C_TO_STRING_NOSLASHESCAPE);
	if (s)
		line = strdup(s);
out:
	json_object_put(cards);
	json_object_put(rejected);
	json_object_put(ids);
	json_object_put(symbols);
	json_object_put(root);
	return line;
}
