/*
 * The guest side of the V4L2 VM test: runs inside a qemu guest whose kernel
 * has the vivid driver loaded, with a QR frame looped from vivid's output
 * into its capture input. It drives the project's own camera source
 * (scanner/camera.c) and decoder and prints what it checks, one "CHECK"
 * line each, then "RESULT: PASS" or "RESULT: FAIL <reason>". The host script
 * (run-vm-test.sh) reads the verdict from the serial console.
 *
 *   vm_capture --make-frame OUT.raw TEXT WIDTH HEIGHT    (host: the GREY frame)
 *   vm_capture DEVICE TEXT UNPLUG_SCRIPT REPLUG_SCRIPT   (guest: the test)
 *   vm_capture --bench SOURCE TEXT CYCLES                (bench/run-camera.sh)
 *
 * Checks, in order: the camera streams in the negotiated format (GREY at
 * vivid's 1280x720), the profile's controls that vivid has are written and
 * read back, the fed code is decoded, the device removed mid-stream (driver
 * unbound) becomes "unplugged" with every descriptor released, and after it
 * is bound again the source recovers on its own and decodes again.
 *
 * --bench times scan mode on: CYCLES start/stop cycles of one source, each
 * from scanner_source_start() to the first frame and to the first frame whose
 * decode (the daemon's decoder settings) yields TEXT, one "BENCH" line per
 * cycle. SOURCE is the camera (a character device, 1280x720 as above) or a
 * frame file played by a paced replay source, the host baseline.
 */
#include <dirent.h>
#include <poll.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/videodev2.h>
#include <qrencode.h>

#include "scanner/decoder.h"
#include "scanner/error.h"
#include "scanner/source.h"

#define WAIT_MS 500 /* timeout of each next() */

#define BENCH_MAX_MS  10000 /* a cycle without the id for this long fails */
#define BENCH_IDLE_MS 100   /* scan mode off between two cycles */

static int failures;

static void check(int ok, const char *what)
{
	printf("CHECK %s: %s\n", ok ? "ok" : "FAILED", what);
	fflush(stdout);
	if (!ok)
		failures++;
}

static void log_line(void *ctx, int level, const char *msg)
{
	(void)ctx;
	if (level > 6) /* debug: the controls vivid lacks */
		return;
	printf("LOG %d %s\n", level, msg);
	fflush(stdout);
}

static double uptime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* Writes a white GREY frame with TEXT as a QR code, 8 pixels a module. */
static int make_frame(const char *out, const char *text, int w, int h)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	unsigned char *img;
	int scale = 8, side, x0, y0, rc = 1;
	FILE *f;

	if (!qr)
		return 1;
	side = qr->width * scale;
	x0 = (w - side) / 2;
	y0 = (h - side) / 2;
	img = malloc((size_t)w * h);
	if (img && x0 >= 0 && y0 >= 0) {
		memset(img, 255, (size_t)w * h);
		for (int y = 0; y < side; y++)
			for (int x = 0; x < side; x++)
				if (qr->data[(y / scale) * qr->width + x / scale] & 1)
					img[(size_t)(y0 + y) * w + x0 + x] = 0;
		f = fopen(out, "wb");
		if (f) {
			rc = fwrite(img, 1, (size_t)w * h, f) == (size_t)w * h ? 0 : 1;
			fclose(f);
		}
	}
	free(img);
	QRcode_free(qr);
	return rc;
}

/* Decodes frames until TEXT is read; returns the frames it took, or -1. */
static int decode_until(struct scanner_source *src, struct scanner *dec, const char *text,
			int max_frames)
{
	struct scanner_result res;
	struct scanner_frame f;

	for (int n = 1; n <= max_frames; n++) {
		if (scanner_source_next(src, WAIT_MS, &f) != 0)
			continue;
		if (scanner_decode(dec, &f, &res) != 0)
			continue;
		for (size_t i = 0; i < res.count; i++)
			if (res.symbols[i].len == strlen(text) &&
			    !memcmp(res.symbols[i].data, text, res.symbols[i].len))
				return n;
	}
	return -1;
}

/* Calls next until the source is in state want; returns the calls, or -1. */
static int wait_state(struct scanner_source *src, enum scanner_source_state want, int max_calls)
{
	struct scanner_frame f;

	for (int n = 1; n <= max_calls; n++) {
		scanner_source_next(src, WAIT_MS, &f);
		if (scanner_source_state(src) == want)
			return n;
	}
	return -1;
}

static int run(const char *device, const char *text, const char *unplug, const char *replug)
{
	struct scanner_camera_config cfg;
	struct scanner_config dcfg;
	struct scanner_source_format fmt;
	struct scanner_source_stats st;
	const struct scanner_control_report *rep;
	struct scanner_source *src = NULL;
	struct scanner *dec = NULL;
	char fcc[5], line[160];
	int fds0 = count_fds(), n;
	size_t nc;
	double t0;

	scanner_camera_config_init_default(&cfg);
	cfg.device = device;
	cfg.width = 1280; /* vivid's HDMI input follows its 720p DV timings */
	cfg.height = 720;
	cfg.profile.gain = 77;
	cfg.log = log_line;
	scanner_config_init_default(&dcfg);
	dcfg.budget_us = 0;
	if (scanner_source_open_camera(&cfg, &src) || scanner_create(&dcfg, &dec)) {
		printf("RESULT: FAIL setup\n");
		return 1;
	}

	/* 1. streaming in the negotiated format */
	t0 = uptime_ms();
	n = scanner_source_start(src);
	printf("STATE %s: %s\n", scanner_source_state_name(scanner_source_state(src)),
	       scanner_source_message(src));
	check(n == 0 && scanner_source_state(src) == SCANNER_SOURCE_STREAMING, "camera streams");
	check(scanner_source_format(src, &fmt) == 0 && fmt.fourcc == V4L2_PIX_FMT_GREY &&
		  !fmt.converted && fmt.width == 1280 && fmt.height == 720 && fmt.buffers >= 3,
	      "negotiated GREY 1280x720 natively, >= 3 buffers");
	printf("FORMAT %s %dx%d %d buffers\n", scanner_fourcc_str(fmt.fourcc, fcc), fmt.width,
	       fmt.height, fmt.buffers);

	/* 2. controls written and read back */
	nc = scanner_source_controls(src, &rep);
	for (size_t i = 0; i < nc; i++)
		printf("CONTROL %s requested %d readback %d err %d\n", rep[i].name,
		       rep[i].requested, rep[i].readback, rep[i].err);
	n = 0;
	for (size_t i = 0; i < nc; i++)
		if (rep[i].id == V4L2_CID_GAIN && rep[i].err == 0 && rep[i].readback == 77)
			n = 1;
	check(n, "gain 77 applied and read back (vivid has no camera-class controls)");

	/* 3. the fed code is decoded */
	n = decode_until(src, dec, text, 60);
	scanner_source_stats(src, &st);
	printf("DECODE frames=%d first_frame_ms=%.1f start_to_decode_ms=%.1f dropped=%llu\n", n,
	       st.first_frame_us / 1e3, uptime_ms() - t0, (unsigned long long)st.dropped);
	check(n > 0, "fed QR code decoded through scanner_decode");

	/* 4. the device is removed mid-stream */
	snprintf(line, sizeof(line), "sh %s", unplug);
	check(system(line) == 0, "driver unbound mid-stream");
	n = wait_state(src, SCANNER_SOURCE_UNPLUGGED, 20);
	printf("STATE %s: %s\n", scanner_source_state_name(scanner_source_state(src)),
	       scanner_source_message(src));
	check(n > 0, "removal seen as unplugged");
	check(count_fds() == fds0, "no descriptor held while unplugged");
	for (int i = 0; i < 3; i++)
		wait_state(src, SCANNER_SOURCE_STREAMING, 1);
	check(scanner_source_state(src) == SCANNER_SOURCE_UNPLUGGED, "stays unplugged while gone");

	/* 5. it comes back and the source recovers without a restart */
	snprintf(line, sizeof(line), "sh %s", replug);
	check(system(line) == 0, "driver bound again");
	n = wait_state(src, SCANNER_SOURCE_STREAMING, 40);
	printf("STATE %s: %s\n", scanner_source_state_name(scanner_source_state(src)),
	       scanner_source_message(src));
	check(n > 0, "recovered to streaming on its own");
	n = decode_until(src, dec, text, 60);
	check(n > 0, "decoded again after recovery");
	scanner_source_stats(src, &st);
	printf("STATS frames=%llu dropped=%llu faults=%llu recoveries=%llu starts=%llu\n",
	       (unsigned long long)st.frames, (unsigned long long)st.dropped,
	       (unsigned long long)st.faults, (unsigned long long)st.recoveries,
	       (unsigned long long)st.starts);
	check(st.recoveries == 1 && st.faults == 1, "one fault, one recovery");

	/* 6. stopping releases everything */
	scanner_source_stop(src);
	check(count_fds() == fds0, "no descriptor left after stop");
	scanner_source_destroy(src);
	scanner_destroy(dec);
	if (failures)
		printf("RESULT: FAIL %d checks\n", failures);
	else
		printf("RESULT: PASS\n");
	return failures ? 1 : 0;
}

/* Whether a decode result holds TEXT. */
static int has_text(const struct scanner_result *res, const char *text)
{
	for (size_t i = 0; i < res->count; i++)
		if (res->symbols[i].len == strlen(text) &&
		    !memcmp(res->symbols[i].data, text, res->symbols[i].len))
			return 1;
	return 0;
}

/* One scan-mode-on cycle: start, frames until TEXT is decoded, stop. */
static int bench_cycle(struct scanner_source *src, struct scanner *dec, const char *text, int i)
{
	struct scanner_source_stats st;
	struct scanner_result res;
	struct scanner_frame f;
	double t0, start_ms, first_ms = -1, decoded_ms = -1;
	int frames = 0, rc;

	t0 = uptime_ms();
	rc = scanner_source_start(src);
	start_ms = uptime_ms() - t0;
	while (rc == 0 && decoded_ms < 0 && uptime_ms() - t0 < BENCH_MAX_MS) {
		if (scanner_source_next(src, WAIT_MS, &f) != 0)
			continue;
		if (first_ms < 0)
			first_ms = uptime_ms() - t0;
		frames++;
		if (scanner_decode(dec, &f, &res) == 0 && has_text(&res, text))
			decoded_ms = uptime_ms() - t0;
	}
	scanner_source_stats(src, &st);
	scanner_source_stop(src);
	printf("BENCH cycle=%d start_ms=%.1f first_frame_ms=%.1f decoded_ms=%.1f frames=%d "
	       "source_first_frame_ms=%.1f\n",
	       i, start_ms, first_ms, decoded_ms, frames, st.first_frame_us / 1e3);
	return decoded_ms >= 0 ? 0 : -1;
}

/* --bench: CYCLES start/stop cycles of the camera or a replayed frame. */
static int bench(const char *path, const char *text, int cycles)
{
	struct scanner_camera_config cfg;
	struct scanner_replay_config rcfg;
	struct scanner_config dcfg;
	struct scanner_source *src = NULL;
	struct scanner *dec = NULL;
	struct stat sb;
	int rc, failed = 0;

	if (stat(path, &sb) == 0 && S_ISCHR(sb.st_mode)) {
		scanner_camera_config_init_default(&cfg);
		cfg.device = path;
		cfg.width = 1280; /* vivid's HDMI input, as in run() */
		cfg.height = 720;
		rc = scanner_source_open_camera(&cfg, &src);
	} else {
		scanner_replay_config_init_default(&rcfg);
		rcfg.paths = &path;
		rcfg.n_paths = 1;
		rcfg.loop = true;
		rcfg.realtime = true; /* on a 30 fps clock, like a camera */
		rc = scanner_source_open_replay(&rcfg, &src);
	}
	scanner_config_init_default(&dcfg);
	if (rc || scanner_create(&dcfg, &dec)) {
		printf("RESULT: FAIL setup\n");
		scanner_source_destroy(src);
		return 1;
	}
	for (int i = 1; i <= cycles; i++) {
		failed += bench_cycle(src, dec, text, i) != 0;
		poll(NULL, 0, BENCH_IDLE_MS);
	}
	scanner_source_destroy(src);
	scanner_destroy(dec);
	if (failed)
		printf("RESULT: FAIL %d cycles without the id\n", failed);
	else
		printf("RESULT: PASS\n");
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "--make-frame"))
		return make_frame(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]));
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 5 && !strcmp(argv[1], "--bench"))
		return bench(argv[2], argv[3], atoi(argv[4]));
	if (argc != 5) {
		fprintf(stderr,
			"usage: %s DEVICE TEXT UNPLUG_SCRIPT REPLUG_SCRIPT\n"
			"       %s --make-frame OUT.raw TEXT WIDTH HEIGHT\n"
			"       %s --bench DEVICE|FRAME_FILE TEXT CYCLES\n",
			argv[0], argv[0], argv[0]);
		return 2;
	}
	return run(argv[1], argv[2], argv[3], argv[4]);
}
