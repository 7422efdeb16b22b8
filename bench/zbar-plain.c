/*
 * custscan-bench-zbar-plain: the benchmark's baseline, plain ZBar.
 *
 * Loads each image named on the command line with the project's loader, runs
 * a fresh zbar_image_scanner with its default configuration (every
 * symbology, density 1, no inverted pass) on it and prints one JSON line per
 * file in custscan-decode's shape:
 *
 *   {"file": "...", "symbols": [{"type": "QR-Code", "text": "..."}], "ms": 1.23}
 *
 * "ms" is the time of zbar_scan_image() alone, not of loading. A file that
 * cannot be loaded gives {"file": ..., "error": "..."}. Texts are ZBar's
 * bytes as they are, length from zbar_symbol_get_data_length() (a NUL inside a
 * payload survives); json-c does not repair invalid UTF-8.
 *
 * Usage: custscan-bench-zbar-plain FILE...
 * Exit status: 0, or 1 if any file could not be loaded or scanned.
 */
#include <stdio.h>
#include <time.h>

#include <json-c/json.h>
#include <zbar.h>

#include "scanner/error.h"
#include "scanner/image.h"

static double elapsed_ms(const struct timespec *start, const struct timespec *end)
{
	return (double)(end->tv_sec - start->tv_sec) * 1e3 +
	       (double)(end->tv_nsec - start->tv_nsec) / 1e6;
}

/* Appends every symbol of a scanned image to the JSON array symbols. */
static void add_symbols(const zbar_image_t *zimg, json_object *symbols)
{
	const zbar_symbol_t *sym;

	for (sym = zbar_image_first_symbol(zimg); sym; sym = zbar_symbol_next(sym)) {
		json_object *obj = json_object_new_object();
		const char *type = zbar_get_symbol_name(zbar_symbol_get_type(sym));

		json_object_object_add(obj, "type", json_object_new_string(type));
		json_object_object_add(
		    obj, "text",
		    json_object_new_string_len(zbar_symbol_get_data(sym),
					       (int)zbar_symbol_get_data_length(sym)));
		json_object_array_add(symbols, obj);
	}
}

/*
 * Scans one file and fills the JSON object line. Returns 0, or a negative
 * scanner_err (the error is also recorded in line).
 */
static int scan_file(const char *path, json_object *line)
{
	struct scanner_image img;
	zbar_image_scanner_t *scanner = NULL;
	zbar_image_t *zimg = NULL;
	json_object *symbols;
	struct timespec start, end;
	int err, n;

	err = scanner_image_load(path, &img);
	if (err < 0) {
		json_object_object_add(line, "error",
				       json_object_new_string(scanner_strerror(err)));
		return err;
	}

	scanner = zbar_image_scanner_create();
	zimg = zbar_image_create();
	if (!scanner || !zimg) {
		err = SCANNER_ERR_NOMEM;
		json_object_object_add(line, "error",
				       json_object_new_string(scanner_strerror(err)));
		goto out_zbar;
	}
	zbar_image_set_format(zimg, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(zimg, (unsigned)img.width, (unsigned)img.height);
	zbar_image_set_data(zimg, img.luma, (unsigned long)img.width * (unsigned long)img.height,
			    NULL);

	clock_gettime(CLOCK_MONOTONIC, &start);
	n = zbar_scan_image(scanner, zimg);
	clock_gettime(CLOCK_MONOTONIC, &end);

	if (n < 0) {
		err = SCANNER_ERR_ENGINE;
		json_object_object_add(line, "error",
				       json_object_new_string(scanner_strerror(err)));
		goto out_zbar;
	}
	symbols = json_object_new_array();
	add_symbols(zimg, symbols);
	json_object_object_add(line, "symbols", symbols);
	json_object_object_add(line, "ms", json_object_new_double(elapsed_ms(&start, &end)));

out_zbar:
	/* The zbar image has no cleanup handler: img still owns the pixels. */
	if (zimg)
		zbar_image_destroy(zimg);
	if (scanner)
		zbar_image_scanner_destroy(scanner);
	scanner_image_release(&img);
	return err;
}

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE...\n", argv[0]);
		return 2;
	}
	/* Microseconds are plenty; json-c's default prints 17 digits. */
	json_c_set_serialization_double_format("%.3f", JSON_C_OPTION_GLOBAL);
	for (int i = 1; i < argc; i++) {
		json_object *line = json_object_new_object();

		json_object_object_add(line, "file", json_object_new_string(argv[i]));
		if (scan_file(argv[i], line) < 0)
			status = 1;
		puts(json_object_to_json_string_ext(line, JSON_C_TO_STRING_PLAIN |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(line);
	}
	return status;
}
