/*
 * libFuzzer target for custscan-decode's JSON output: arbitrary payload
 * bytes (split into up to three symbols at 0xff 0xfe markers) must always
 * give a line that json-c parses back, whose "text" fields are exactly the
 * payloads made UTF-8, and whose "ids" hold only validated ids.
 */
#include "decode_report.h"

#include "scanner/text.h"

#include <assert.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scanner_result result;
	struct custid_syntax syntax;
	size_t start = 0;

	memset(&result, 0, sizeof(result));
	custid_syntax_init_default(&syntax);
	for (size_t i = 0; i <= size && result.count < 3; i++) {
		bool end = i == size || (i + 1 < size && data[i] == 0xff && data[i + 1] == 0xfe);
		if (!end)
			continue;
		struct scanner_symbol *sym = &result.symbols[result.count++];
		sym->type = result.count % 2 ? SCANNER_SYM_QR : SCANNER_SYM_CODE128;
		sym->data = data + start;
		sym->len = i - start;
		start = i + 2;
		i++;
	}
	struct decode_report report = {
	    .file = "fuzz.png",
	    .result = &result,
	    .syntax = &syntax,
	    .ms = 1.5,
	};
	char *line = decode_report_json(&report);
	assert(line);
	assert(!strchr(line, '\n'));

	json_object *root = json_tokener_parse(line);
	assert(root);
	json_object *symbols, *ids;
	assert(json_object_object_get_ex(root, "symbols", &symbols));
	assert(json_object_object_get_ex(root, "ids", &ids));
	assert(json_object_array_length(symbols) == result.count);
	for (size_t i = 0; i < result.count; i++) {
		json_object *text;
		json_object *sym = json_object_array_get_idx(symbols, i);
		assert(json_object_object_get_ex(sym, "text", &text));
		char *want = malloc(SCANNER_TEXT_BUFSZ(result.symbols[i].len));
		assert(want);
		size_t n =
		    scanner_text_to_utf8(result.symbols[i].data, result.symbols[i].len, want);
		assert((size_t)json_object_get_string_len(text) == n);
		assert(memcmp(json_object_get_string(text), want, n) == 0);
		free(want);
	}
	for (size_t i = 0; i < json_object_array_length(ids); i++) {
		const char *id = json_object_get_string(json_object_array_get_idx(ids, i));
		char prefixed[CUSTID_ID_BUFSZ + 8];
		snprintf(prefixed, sizeof(prefixed), "CUST#%s", id);
		assert(custid_validate(&syntax, (const uint8_t *)prefixed, strlen(prefixed),
				       NULL) == CUSTID_OK);
	}
	json_object_put(root);
	free(line);
	return 0;
}
