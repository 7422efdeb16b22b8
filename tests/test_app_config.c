/*
 * The daemon's settings: defaults, the file parser's errors (file, line and
 * what is allowed), overrides, and that every key is documented in the man
 * page and the example file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "scanner/cardrules.h"

#define SOURCE_DIR CUSTSCAN_FIXTURES "/../.."

/* Writes text to a temporary file; the caller unlinks path. */
static void write_file(char *path, const char *text)
{
	int fd;

	snprintf(path, 64, "/tmp/custscan-conf-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int load(struct custscan_config *cfg, const char *text, char *err)
{
	char path[64];
	int rc;

	write_file(path, text);
	config_init_default(cfg);
	rc = config_load_file(cfg, path, err);
	unlink(path);
	return rc;
}

static void test_defaults_and_values(void **state)
{
	struct custscan_config cfg;
	char err[CONFIG_ERR_BUFSZ] = "";

	(void)state;
	assert_int_equal(load(&cfg,
			      "# a comment\n\n"
			      "source = camera\n"
			      "  camera_device = \"/dev/v4l/by-id/usb-x-video-index0\"  \n"
			      "camera_size = 1280x720\n"
			      "kiosk = yes\n"
			      "ipc_mode = 0640\n"
			      "log_level = debug\n",
			      err),
			 0);
	assert_int_equal(cfg.source, CONFIG_SOURCE_CAMERA);
	assert_string_equal(cfg.camera_device, "/dev/v4l/by-id/usb-x-video-index0");
	assert_int_equal(cfg.camera_width, 1280);
	assert_int_equal(cfg.camera_height, 720);
	assert_true(cfg.kiosk);
	assert_int_equal(cfg.ipc_mode, 0640);
	assert_int_equal(cfg.confirm_k, 2); /* untouched: default */
	assert_string_equal(cfg.scan_addr, "ipc:///run/custscan/scan.sock");
	assert_int_equal(config_set_pair(&cfg, "camera_fps=15", err), 0);
	assert_int_equal(cfg.camera_fps, 15);
}

static void test_errors_name_line_and_allowed(void **state)
{
	struct custscan_config cfg;
	char err[CONFIG_ERR_BUFSZ];

	(void)state;
	assert_int_equal(load(&cfg, "source = replay\n\ncamera_fps = 0\n", err), -1);
	assert_non_null(
	    strstr(err, ":3: camera_fps = \"0\": allowed: a whole number from 1 to 120"));
	assert_int_equal(load(&cfg, "source = webcam\n", err), -1);
	assert_non_null(strstr(err, ":1: source = \"webcam\": allowed: camera, replay"));
	assert_int_equal(load(&cfg, "colour = red\n", err), -1);
	assert_non_null(strstr(err, ":1: unknown setting \"colour\""));
	assert_int_equal(load(&cfg, "kiosk\n", err), -1);
	assert_non_null(strstr(err, ":1: expected \"key = value\""));
	assert_int_equal(load(&cfg, "kiosk = yes\nkiosk = no\n", err), -1);
	assert_non_null(strstr(err, ":2: kiosk is set twice"));
	assert_int_equal(load(&cfg, "rotation = 45\n", err), -1);
	assert_non_null(strstr(err, "allowed: 0, 90, 180, 270"));
	assert_int_equal(load(&cfg, "id_charset = A-Z\\\\\n", err), -1);
	assert_int_equal(load(&cfg, "symbologies = pdf417\n", err), -1);
	assert_int_equal(load(&cfg, "ipc_mode = 0666\n", err), -1);
	assert_int_equal(config_set_pair(&cfg, "novalue", err), -1);
	assert_non_null(strstr(err, "expected key=value"));
	config_init_default(&cfg);
	assert_int_equal(config_load_file(&cfg, "/nonexistent/custscan.conf", err), -2);
}

/* A failed line leaves the settings as they were before it. */
static void test_no_half_applied_value(void **state)
{
	struct custscan_config cfg;
	char err[CONFIG_ERR_BUFSZ];

	(void)state;
	config_init_default(&cfg);
	assert_int_equal(config_set(&cfg, "camera_size", "800x0", "x", 1, err), -1);
	assert_int_equal(cfg.camera_width, 640);
	assert_int_equal(cfg.camera_height, 480);
}

/* Every key in --help's list is in the man page and the example file. */
static void test_every_key_documented(void **state)
{
	static char man[1 << 16], example[1 << 16], keys[1 << 16];
	FILE *f;
	size_t n;
	char *line, *save = NULL;

	(void)state;
	f = fopen(SOURCE_DIR "/docs/custscan.8", "r");
	assert_non_null(f);
	n = fread(man, 1, sizeof(man) - 1, f);
	man[n] = '\0';
	fclose(f);
	f = fopen(SOURCE_DIR "/assets/custscan.conf", "r");
	assert_non_null(f);
	n = fread(example, 1, sizeof(example) - 1, f);
	example[n] = '\0';
	fclose(f);
	f = fmemopen(keys, sizeof(keys), "w");
	assert_non_null(f);
	config_print_keys(f);
	fclose(f);
	for (line = strtok_r(keys, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char key[64], man_entry[80], conf_entry[80];

		assert_int_equal(sscanf(line, " %63s", key), 1);
		snprintf(man_entry, sizeof(man_entry), ".B %s\n", key);
		snprintf(conf_entry, sizeof(conf_entry), "%s =", key);
		if (!strstr(man, man_entry))
			fail_msg("%s is not in docs/custscan.8", key);
		if (!strstr(example, conf_entry))
			fail_msg("%s is not in assets/custscan.conf", key);
	}
}

/* The card rules the settings ask for: built-in, a file, a broken file. */
static void test_rules(void **state)
{
	struct custscan_config cfg;
	struct cardrules *rules = NULL;
	char err[CONFIG_ERR_BUFSZ] = "", path[64], line[CONFIG_ERR_BUFSZ + 64];

	(void)state;
	/* No rules file: the one CUST# rule of the id_ keys, in the symbologies set. */
	assert_int_equal(load(&cfg, "id_prefix = M-\nsymbologies = qr\n", err), 0);
	assert_int_equal(config_build_rules(&cfg, &rules, err), 0);
	assert_int_equal(cardrules_symbologies(rules), SCANNER_SYM_QR);
	assert_int_equal(cardrules_match(rules, SCANNER_SYM_QR, (const uint8_t *)"M-1", 3, NULL),
			 CUSTID_OK);
	cardrules_destroy(rules);

	/* An example file: the rules' symbologies, whatever symbologies says. */
	config_init_default(&cfg);
	assert_int_equal(
	    config_set(&cfg, "rules", SOURCE_DIR "/docs/rules/ean13-instore.rules", "test", 1, err),
	    0);
	assert_int_equal(config_build_rules(&cfg, &rules, err), 0);
	assert_true(cardrules_symbologies(rules) & SCANNER_SYM_EAN13);
	cardrules_destroy(rules);

	/* A broken file: its name, the line and what is wrong; nothing loaded. */
	write_file(path, "[rule a]\nsymbologies = qr\npattern = ((?:a+)+)\n");
	snprintf(cfg.rules, sizeof(cfg.rules), "%s", path);
	rules = (struct cardrules *)1;
	assert_int_equal(config_build_rules(&cfg, &rules, err), -1);
	unlink(path);
	assert_null(rules);
	snprintf(line, sizeof(line), "%s:3: pattern: ", path);
	assert_memory_equal(err, line, strlen(line));
	assert_non_null(strstr(err, "nested repetition"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_and_values),
	    cmocka_unit_test(test_errors_name_line_and_allowed),
	    cmocka_unit_test(test_no_half_applied_value),
	    cmocka_unit_test(test_every_key_documented),
	    cmocka_unit_test(test_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
