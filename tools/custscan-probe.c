/*
 * custscan-probe: helps an installer find, aim and check a camera.
 *
 *   custscan-probe                       list cameras: formats, sizes, rates, controls
 *   custscan-probe --device D [--save frame.png] [--frames N] [--size WxH] [--fps F]
 *                                        apply the phone-screen profile, grab frames,
 *                                        decode them, save the last one
 *
 * Exit status: 0 when the listing worked or a code was read, 1 when the
 * camera could not be used or nothing was read, 2 for a usage error.
 */
#include "scanner/custid.h"
#include "scanner/decoder.h"
#include "scanner/error.h"
#include "scanner/image.h"
#include "scanner/source.h"
#include "scanner/text.h"

#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/videodev2.h>

static void usage(FILE *out)
{
	fputs("usage: custscan-probe [--device D [--save FILE.png] [options]]\n"
	      "Without --device: lists /dev/video* and /dev/v4l/by-id/* with their formats,\n"
	      "sizes, frame rates and controls.\n"
	      "\n"
	      "  --device D       camera to check, e.g. /dev/v4l/by-id/usb-...-video-index0\n"
	      "  --save FILE      write the last frame grabbed as PNG (or PGM by suffix)\n"
	      "  --frames N       frames to grab and decode (default 30); stops at a read\n"
	      "  --size WxH       capture size (default 640x480)\n"
	      "  --fps F          frame rate (default 30)\n"
	      "  --power-line HZ  anti-flicker: 50 (default), 60 or 0 to leave alone\n"
	      "  --exposure N     manual exposure in 100 us units (default 100), or 'auto'\n"
	      "  -h, --help       this text\n",
	      out);
}

/* ------------------------------------------------------------------ listing */

static const char *ctrl_type_name(int type)
{
	switch (type) {
	case V4L2_CTRL_TYPE_INTEGER:
		return "int";
	case V4L2_CTRL_TYPE_BOOLEAN:
		return "bool";
	case V4L2_CTRL_TYPE_MENU:
	case V4L2_CTRL_TYPE_INTEGER_MENU:
		return "menu";
	case V4L2_CTRL_TYPE_BUTTON:
		return "button";
	default:
		return "other";
	}
}

static void print_camera(const char *path)
{
	static struct scanner_caminfo info;
	enum scanner_source_state state = SCANNER_SOURCE_STOPPED;
	char fcc[5];

	printf("%s\n", path);
	if (scanner_camera_describe(path, &info, &state) != 0) {
		printf("  cannot open: %s\n", scanner_source_state_name(state));
		return;
	}
	printf("  %s (%s) at %s\n", info.card, info.driver, info.bus);
	if (!info.capture || !info.streaming) {
		printf("  not a streaming capture device (metadata or output node)\n");
		return;
	}
	for (size_t i = 0; i < info.n_formats; i++) {
		const struct scanner_caminfo_format *f = &info.formats[i];

		printf("  format %s  %s%s\n", scanner_fourcc_str(f->fourcc, fcc), f->description,
		       f->emulated ? "  (converted by libv4l2)" : "");
		for (size_t k = 0; k < f->n_sizes; k++) {
			const struct scanner_caminfo_size *s = &f->sizes[k];

			printf("    %s%dx%d", s->stepwise ? "up to " : "", s->width, s->height);
			if (s->fps_max)
				printf("  %d-%d fps", s->fps_min, s->fps_max);
			printf("\n");
		}
	}
	for (size_t i = 0; i < info.n_controls; i++) {
		const struct scanner_caminfo_control *c = &info.controls[i];

		printf("  control 0x%08x %-32s %-6s min %d max %d step %d default %d value %d%s\n",
		       c->id, c->name, ctrl_type_name(c->type), c->minimum, c->maximum, c->step,
		       c->def, c->value, c->inactive ? " (inactive)" : "");
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Prints every entry of dir whose name starts with prefix, in name order. */
static int list_dir(const char *dir, const char *prefix, bool show_link)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *names[256];
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL && n < 256)
		if (!strncmp(e->d_name, prefix, strlen(prefix)) && e->d_name[0] != '.')
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX], target[PATH_MAX];
		ssize_t len;

		if (!names[i])
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (show_link) {
			len = readlink(path, target, sizeof(target) - 1);
			target[len > 0 ? len : 0] = '\0';
			printf("%s -> %s\n", path, target);
		} else {
			print_camera(path);
		}
		free(names[i]);
	}
	return (int)n;
}

static int list_cameras(void)
{
	int n;

	printf("stable names (use these in the configuration):\n");
	if (list_dir("/dev/v4l/by-id", "", true) == 0)
		printf("  none (no USB camera, or udev is not running)\n");
	printf("\n");
	n = list_dir("/dev", "video", false);
	if (n == 0)
		printf("no /dev/video* device: plug a camera in\n");
	return 0;
}

/* ------------------------------------------------------------------ checking */

static void print_controls(const struct scanner_source *src)
{
	const struct scanner_control_report *rep;
	size_t n = scanner_source_controls(src, &rep);

	if (n == 0)
		printf("controls: the camera has none of the profile's controls\n");
	for (size_t i = 0; i < n; i++) {
		if (rep[i].err)
			printf("control %-18s wrote %d: failed, %s\n", rep[i].name,
			       rep[i].requested, strerror(rep[i].err));
		else
			printf("control %-18s wrote %d, reads back %d\n", rep[i].name,
			       rep[i].requested, rep[i].readback);
	}
}

/* Mean luma inside a symbol's box, for the exposure hint. */
static int save_frame(const char *path, const struct scanner_frame *f)
{
	struct scanner_image img;
	int rc = scanner_image_init(&img, f->width, f->height);

	if (rc)
		return rc;
	for (int y = 0; y < f->height; y++)
		memcpy(img.luma + (size_t)y * f->width, f->luma + (size_t)y * f->stride,
		       (size_t)f->width);
	rc = scanner_image_save(path, &img);
	scanner_image_release(&img);
	return rc;
}

static int check_camera(const struct scanner_camera_config *cfg, const char *save, int frames)
{
	struct scanner_source *src = NULL;
	struct scanner *dec = NULL;
	struct scanner_config dcfg;
	struct scanner_source_format fmt;
	struct scanner_source_stats st;
	struct custid_syntax syntax;
	struct scanner_result res;
	struct scanner_frame f;
	bool have_frame = false, read = false;
	char fcc[5], fcc2[5];
	int rc, tries = 0;

	scanner_config_init_default(&dcfg);
	custid_syntax_init_default(&syntax);
	rc = scanner_source_open_camera(cfg, &src);
	if (!rc)
		rc = scanner_create(&dcfg, &dec);
	if (rc) {
		fprintf(stderr, "custscan-probe: %s\n", scanner_strerror(rc));
		goto out;
	}
	scanner_source_start(src);
	printf("%s\n", scanner_source_message(src));
	if (scanner_source_state(src) != SCANNER_SOURCE_STREAMING) {
		rc = 1;
		goto out;
	}
	if (scanner_source_format(src, &fmt) == 0)
		printf("format %s %dx%d, %d buffers%s%s\n", scanner_fourcc_str(fmt.fourcc, fcc),
		       fmt.width, fmt.height, fmt.buffers, fmt.converted ? ", converted from " : "",
		       fmt.converted ? scanner_fourcc_str(fmt.native, fcc2) : "");
	print_controls(src);

	for (int n = 0; n < frames && tries < frames * 4 && !read; tries++) {
		if (scanner_source_next(src, 1000, &f) != 0) {
			if (scanner_source_state(src) != SCANNER_SOURCE_STREAMING)
				printf("%s\n", scanner_source_message(src));
			continue;
		}
		n++;
		have_frame = true;
		if (scanner_decode(dec, &f, &res) != 0)
			continue;
		for (size_t i = 0; i < res.count; i++) {
			const struct scanner_symbol *s = &res.symbols[i];
			char text[SCANNER_TEXT_BUFSZ(SCANNER_MAX_PAYLOAD)];
			char id[CUSTID_ID_BUFSZ];
			enum custid_reason why = custid_validate(&syntax, s->data, s->len, id);
			int luma = scanner_frame_mean_luma(&f, s->x0, s->y0, s->x1, s->y1);

			scanner_text_to_utf8(s->data, s->len, text);
			printf("frame %d: %s \"%s\" at %d,%d-%d,%d, region luma %d: %s%s\n", n,
			       scanner_symbology_name(s->type), text, s->x0, s->y0, s->x1, s->y1,
			       luma, why == CUSTID_OK ? "customer id " : custid_reason_name(why),
			       why == CUSTID_OK ? id : "");
			if (luma >= 0)
				scanner_source_set_exposure_hint(src, luma);
			read = true;
		}
	}
	if (!have_frame) {
		printf("no frame: %s\n", scanner_source_message(src));
		rc = 1;
		goto out;
	}
	scanner_source_stats(src, &st);
	printf("frames %llu, dropped %llu, scan on to first frame %.1f ms\n",
	       (unsigned long long)st.frames, (unsigned long long)st.dropped,
	       st.first_frame_us / 1000.0);
	if (!read)
		printf("no code read: hold a card 10-20 cm from the camera and check the saved "
		       "frame\n");
	if (save) {
		rc = save_frame(save, &f);
		if (rc) {
			fprintf(stderr, "custscan-probe: %s: %s\n", save, scanner_strerror(rc));
			goto out;
		}
		printf("saved %s\n", save);
	}
	rc = read ? 0 : 1;
out:
	scanner_destroy(dec);
	scanner_source_destroy(src);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"device", required_argument, NULL, 'd'},
	    {"save", required_argument, NULL, 's'},
	    {"frames", required_argument, NULL, 'n'},
	    {"size", required_argument, NULL, 'z'},
	    {"fps", required_argument, NULL, 'f'},
	    {"power-line", required_argument, NULL, 'p'},
	    {"exposure", required_argument, NULL, 'e'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct scanner_camera_config cfg;
	const char *save = NULL;
	int frames = 30, opt;

	scanner_camera_config_init_default(&cfg);
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			cfg.device = optarg;
			break;
		case 's':
			save = optarg;
			break;
		case 'n':
			frames = atoi(optarg);
			break;
		case 'z':
			if (sscanf(optarg, "%dx%d", &cfg.width, &cfg.height) != 2) {
				usage(stderr);
				return 2;
			}
			break;
		case 'f':
			cfg.fps = atoi(optarg);
			break;
		case 'p':
			cfg.profile.power_line_hz = atoi(optarg);
			break;
		case 'e':
			if (!strcmp(optarg, "auto")) {
				cfg.profile.exposure_mode = SCANNER_EXPOSURE_AUTO;
			} else {
				cfg.profile.exposure_mode = SCANNER_EXPOSURE_MANUAL;
				cfg.profile.exposure_time = atoi(optarg);
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || frames <= 0 || (save && !cfg.device)) {
		usage(stderr);
		return 2;
	}
	if (!cfg.device)
		return list_cameras();
	return check_camera(&cfg, save, frames);
}
