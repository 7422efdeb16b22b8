/*
 * custscan-bench-locate: runs the locator alone on image files and prints
 * one JSON line per file with every located QR code (outer corners, size,
 * dark mode, confidence), every bar region and the locator's time, for
 * bench/locator_accuracy.py.
 *
 *   custscan-bench-locate [--max-side N[,N...]] FILE...
 *
 * With --max-side the locator runs on the image box-downscaled to each of
 * those longest sides in turn (0 or a larger side: full resolution), as the
 * decoder's located passes do, and the codes of all runs are reported once
 * each in full-resolution pixels; the time is that of all runs.
 */
#include "scanner/error.h"
#include "scanner/image.h"
#include "scanner/locator.h"

#include "preprocess.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

#define MAX_SIDES 4

/* Whether p lies inside the (convex) quad of a code. */
static bool inside(const struct locator_code *c, struct locator_point p)
{
	int sign = 0;
	for (int k = 0; k < 4; k++) {
		struct locator_point a = c->corners[k], b = c->corners[(k + 1) % 4];
		double cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
		if (cross != 0) {
			if (!sign)
				sign = cross > 0 ? 1 : -1;
			else if ((cross > 0) != (sign > 0))
				return false;
		}
	}
	return true;
}

static struct locator_point centre(const struct locator_code *c)
{
	struct locator_point p = {0, 0};
	for (int k = 0; k < 4; k++) {
		p.x += c->corners[k].x / 4;
		p.y += c->corners[k].y / 4;
	}
	return p;
}

/* Runs the locator at each side, codes scaled back and merged into *all. */
static int locate_sides(struct locator *loc, const struct scanner_image *img, const int *sides,
			int n_sides, uint8_t *small, struct locator_result *all)
{
	static struct locator_result res;

	memset(all, 0, sizeof(*all));
	for (int i = 0; i < n_sides; i++) {
		int long_side = img->width > img->height ? img->width : img->height;
		int factor = sides[i] > 0 ? (long_side + sides[i] - 1) / sides[i] : 1;
		struct scanner_frame frame = scanner_image_frame(img, 0, 0);
		if (factor > 1) {
			struct pp_view src = {img->luma, img->width, img->height, img->width};
			pp_downscale(src, factor, small);
			frame.luma = small;
			frame.width = img->width / factor;
			frame.height = img->height / factor;
			frame.stride = frame.width;
		}
		int rc = locator_find(loc, &frame, &res);
		if (rc)
			return rc;
		for (size_t c = 0; c < res.n_codes && all->n_codes < LOCATOR_MAX_CODES; c++) {
			struct locator_code code = res.codes[c];
			for (int k = 0; k < 4; k++) {
				code.corners[k].x *= factor;
				code.corners[k].y *= factor;
			}
			code.module *= factor;
			bool seen = false;
			for (size_t k = 0; k < all->n_codes && !seen; k++)
				seen = inside(&all->codes[k], centre(&code));
			if (!seen)
				all->codes[all->n_codes++] = code;
		}
		all->n_bars += res.n_bars;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct locator_result res;
	struct locator *loc;
	int status = 0, sides[MAX_SIDES] = {0}, n_sides = 1, first = 1;

	if (argc > 2 && !strcmp(argv[1], "--max-side")) {
		char *p = argv[2], *end;
		for (n_sides = 0; *p && n_sides < MAX_SIDES; n_sides++) {
			long v = strtol(p, &end, 10);
			if (end == p || v < 0 || v > 100000)
				break;
			sides[n_sides] = (int)v;
			p = *end == ',' ? end + 1 : end;
		}
		if (*p || !n_sides) {
			fputs("custscan-bench-locate: --max-side wants N[,N...] (at most 4)\n",
			      stderr);
			return 2;
		}
		first = 3;
	}
	if (argc <= first) {
		fputs("usage: custscan-bench-locate [--max-side N[,N...]] FILE...\n", stderr);
		return 2;
	}
	if (locator_create(&loc)) {
		fputs("custscan-bench-locate: out of memory\n", stderr);
		return 1;
	}
	for (int i = first; i < argc; i++) {
		struct scanner_image img;
		json_object *line = json_object_new_object();
		json_object_object_add(line, "file", json_object_new_string(argv[i]));
		int rc = scanner_image_load(argv[i], &img);
		if (rc) {
			json_object_object_add(line, "error",
					       json_object_new_string(scanner_strerror(rc)));
			status = 1;
		} else {
			uint8_t *small = malloc((size_t)img.width * img.height);
			double t0 = now_ms();
			if (!small || locate_sides(loc, &img, sides, n_sides, small, &res))
				memset(&res, 0, sizeof(res));
			double ms = now_ms() - t0;
			free(small);
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
