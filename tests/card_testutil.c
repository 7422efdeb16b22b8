/* Helpers shared by the custcard tests (card_testutil.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "card_testutil.h"
#include "scanner/error.h"

void card_test_decode(const struct scanner_image *img, bool all_passes, struct card_reads *out)
{
	card_test_decode_as(img, SCANNER_SYM_DEFAULT, all_passes, out);
}

void card_test_decode_as(const struct scanner_image *img, unsigned symbologies, bool all_passes,
			 struct card_reads *out)
{
	struct scanner_config cfg;
	struct scanner *s;
	struct scanner_result r;
	struct scanner_frame frame = scanner_image_frame(img, 0, 0);

	memset(out, 0, sizeof(*out));
	scanner_config_init_default(&cfg);
	cfg.symbologies = symbologies;
	cfg.budget_us = 0;
	cfg.all_passes = all_passes;
	assert_int_equal(scanner_create(&cfg, &s), 0);
	assert_int_equal(scanner_decode(s, &frame, &r), 0);
	for (size_t i = 0; i < r.count && out->count < CARD_TEST_MAX_READS; i++) {
		size_t n = r.symbols[i].len < 255 ? r.symbols[i].len : 255;

		out->type[out->count] = r.symbols[i].type;
		memcpy(out->text[out->count], r.symbols[i].data, n);
		out->text[out->count][n] = '\0';
		out->count++;
	}
	scanner_destroy(s);
}

void card_test_decode_file(const char *path, bool all_passes, struct card_reads *out)
{
	struct scanner_image img;
	int rc = scanner_image_load(path, &img);

	if (rc)
		fail_msg("%s: %s", path, scanner_strerror(rc));
	card_test_decode(&img, all_passes, out);
	scanner_image_release(&img);
}

void card_test_expect(const struct card_reads *reads, unsigned type, const char *text,
		      const char *what)
{
	bool found = false;

	for (int i = 0; i < reads->count; i++) {
		if (strcmp(reads->text[i], text) != 0)
			fail_msg("%s: read \"%s\", not %s", what, reads->text[i], text);
		if (reads->type[i] == type)
			found = true;
	}
	if (!found)
		fail_msg("%s: %s not read as %s (%d other reads)", what, text,
			 scanner_symbology_name(type), reads->count);
}

void card_test_mkdtemp(char *dir)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, 64, "%s/custcard-XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
}

void card_test_rmtree(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

char *card_test_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		fail_msg("%s: cannot open", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

int card_test_setup_dir(void **state)
{
	char *dir = malloc(64);

	if (!dir)
		return -1;
	card_test_mkdtemp(dir);
	*state = dir;
	return 0;
}

int card_test_teardown_dir(void **state)
{
	card_test_rmtree(*state);
	free(*state);
	return 0;
}

void card_test_write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

int card_test_run(const char *group, const struct CMUnitTest *tests, size_t n,
		  int (*setup)(void **), int (*teardown)(void **))
{
	if (getenv("CUSTCARD_TEST"))
		cmocka_set_test_filter(getenv("CUSTCARD_TEST"));
	return _cmocka_run_group_tests(group, tests, n, setup, teardown);
}
