/*
 * custscan-bench-locate: runs the locator alone on image files and prints
 * one JSON line per file with every located QR code (outer corners, size,
 * dark mode, confidence), every bar region and the locator's time, for
 * bench/locator_accuracy.py.
 *
 *   custscan-bench-locate FILE...
 */
#include "scanner/error.h"
#include "scanner/image.h"
#include "scanner/locator.h"

#include <stdio.h>
#include <time.h>

#include <json-c/json.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	static struct locator_result res;
	struct locator *loc;
	int status = 0;

	if (argc < 2) {
		fputs("usage: custscan-bench-locate FILE...\n", stderr);
		return 2;
	}
	if (locator_create(&loc)) {
		fputs("custscan-bench-locate: out of memory\n", stderr);
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		struct scanner_image img;
		json_object *line = json_object_new_object();
		json_object_object_add(line, "file", json_object_new_string(argv[i]));
		int rc = scanner_image_load(argv[i], &img);
		if (rc) {
			json_object_object_add(line, "error",
					       json_object_new_string(scanner_strerror(rc)));
			status = 1;
		} else {
			struct scanner_frame frame = scanner_image_frame(&img, 0, 0);
			double t0 = now_ms();
			locator_find(loc, &frame, &res);
			double ms = now_ms() - t0;
			json_object *codes = json_object_new_array();
			for (size_t c = 0; c < res.n_codes; c++) {
				const struct locator_code *code = &res.codes[c];
				json_object *o = json_object_new_object();
				json_object *corners = json_object_new_array();
				for (int k = 0; k < 4; k++) {
					json_object_array_add(
					    corners, json_object_new_double(code->corners[k].x));
					json_object_array_add(
					    corners, json_object_new_double(code->corners[k].y));
				}
				json_object_object_add(o, "corners", corners);
				json_object_object_add(o, "size", json_object_new_int(code->size));
				json_object_object_add(o, "module",
						       json_object_new_double(code->module));
				json_object_object_add(o, "inverted",
						       json_object_new_boolean(code->inverted));
				json_object_object_add(o, "confidence",
						       json_object_new_double(code->confidence));
				json_object_array_add(codes, o);
			}
			json_object_object_add(line, "codes", codes);
			json_object_object_add(line, "bars", json_object_new_int((int)res.n_bars));
			json_object_object_add(line, "width", json_object_new_int(img.width));
			json_object_object_add(line, "height", json_object_new_int(img.height));
			json_object_object_add(line, "ms", json_object_new_double(ms));
			scanner_image_release(&img);
		}
		puts(json_object_to_json_string_ext(line, JSON_C_TO_STRING_PLAIN));
		json_object_put(line);
	}
	locator_destroy(loc);
	return status;
}
