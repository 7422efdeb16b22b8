/* Tests for custscan-decode's JSON lines (tools/decode_report.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "decode_report.h"

static struct scanner_result result_of(const char *const *payloads, const size_t *lens, size_t n)
{
	struct scanner_result r;
	memset(&r, 0, sizeof(r));
	for (size_t i = 0; i < n; i++) {
		r.symbols[i].type = SCANNER_SYM_QR;
		r.symbols[i].data = (const uint8_t *)payloads[i];
		r.symbols[i].len = lens[i];
	}
	r.count = n;
	return r;
}

static json_object *report_json(const struct scanner_result *r, const char *file)
{
	struct custid_syntax syntax;
	custid_syntax_init_default(&syntax);
	struct decode_report rep = {.file = file, .result = r, .syntax = &syntax, .ms = 2.0};
	char *line = decode_report_json(&rep);
	assert_non_null(line);
	assert_null(strchr(line, '\n'));
	json_object *o = json_tokener_parse(line);
	free(line);
	assert_non_null(o);
	return o;
}

static const char *member_string(json_object *o, const char *key, size_t idx, const char *field)
{
	json_object *arr, *item, *val;
	assert_true(json_object_object_get_ex(o, key, &arr));
	item = json_object_array_get_idx(arr, idx);
	assert_non_null(item);
	if (!field)
		return json_object_get_string(item);
	assert_true(json_object_object_get_ex(item, field, &val));
	return json_object_get_string(val);
}

static void test_ids_and_rejections(void **state)
{
	(void)state;
	const char *p[] = {"CUST#abc-42", "https://example.com", "cust#abc"};
	size_t l[] = {11, 19, 8};
	struct scanner_result r = result_of(p, l, 3);
	json_object *o = report_json(&r, "a.png");

	assert_string_equal(member_string(o, "symbols", 0, "type"), "QR-Code");
	assert_string_equal(member_string(o, "symbols", 0, "text"), "CUST#abc-42");
	assert_string_equal(member_string(o, "ids", 0, NULL), "abc-42");
	assert_string_equal(member_string(o, "rejected", 0, "reason"), "not_customer_card");
	assert_string_equal(member_string(o, "rejected", 1, "reason"), "bad_prefix");
	json_object *ids;
	assert_true(json_object_object_get_ex(o, "ids", &ids));
	assert_int_equal(json_object_array_length(ids), 1);
	json_object_put(o);
}

static void test_binary_payload_is_valid_json(void **state)
{
	(void)state;
	/* A NUL after the id must not yield the id (C-string truncation), and
	 * quotes, backslashes and control bytes must come out escaped. */
	const char *p[] = {"CUST#12345\0", "\"}\\\x01\x7f\xff"};
	size_t l[] = {11, 7};
	struct scanner_result r = result_of(p, l, 2);
	json_object *o = report_json(&r, "b\".png");
	json_object *ids, *text, *sym;

	assert_true(json_object_object_get_ex(o, "ids", &ids));
	assert_int_equal(json_object_array_length(ids), 0);
	assert_string_equal(member_string(o, "rejected", 0, "reason"), "bad_charset");
	assert_true(json_object_object_get_ex(o, "symbols", &text));
	sym = json_object_array_get_idx(text, 0);
	assert_true(json_object_object_get_ex(sym, "text", &text));
	assert_int_equal(json_object_get_string_len(text), 11);
	assert_memory_equal(json_object_get_string(text), "CUST#12345\0", 11);
	/* 0xff alone is Latin-1 ÿ */
	assert_string_equal(member_string(o, "symbols", 1, "text"), "\"}\\\x01\x7f\xc3\xbf");
	json_object *file;
	assert_true(json_object_object_get_ex(o, "file", &file));
	assert_string_equal(json_object_get_string(file), "b\".png");
	json_object_put(o);
}

static void test_error_line(void **state)
{
	(void)state;
	struct custid_syntax syntax;
	custid_syntax_init_default(&syntax);
	struct decode_report rep = {
	    .file = "missing.png", .error = "file not found", .syntax = &syntax};
	char *line = decode_report_json(&rep);
	json_object *o = json_tokener_parse(line), *err, *symbols;
	assert_true(json_object_object_get_ex(o, "error", &err));
	assert_string_equal(json_object_get_string(err), "file not found");
	assert_true(json_object_object_get_ex(o, "symbols", &symbols));
	assert_int_equal(json_object_array_length(symbols), 0);
	json_object_put(o);
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ids_and_rejections),
	    cmocka_unit_test(test_binary_payload_is_valid_json),
	    cmocka_unit_test(test_error_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
