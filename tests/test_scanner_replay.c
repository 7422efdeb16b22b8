/*
 * Tests for scanner/replay.c: folders and file lists, PGM/PNG, Y4M and raw
 * YUYV frames, looping, timestamps from the frame rate, realtime pacing with
 * dropped frames, and bad files.
 *
 * poll and clock_gettime are wrapped at link time: the replay's frame clock
 * runs on a fake clock that the test advances, never on the wall clock.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "scanner/error.h"
#include "scanner/image.h"
#include "scanner/source.h"

/* ------------------------------------------------------------------ fake clock */

static int64_t fake_now_us = 5000000;

int __wrap_poll(struct pollfd *fds, nfds_t nfds, int timeout);
int __wrap_clock_gettime(clockid_t clk, struct timespec *ts);

int __wrap_poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	(void)fds;
	assert_int_equal(nfds, 0);
	fake_now_us += (int64_t)timeout * 1000;
	return 0;
}

int __wrap_clock_gettime(clockid_t clk, struct timespec *ts)
{
	(void)clk;
	ts->tv_sec = (time_t)(fake_now_us / 1000000);
	ts->tv_nsec = (long)(fake_now_us % 1000000) * 1000;
	return 0;
}

/* ------------------------------------------------------------------ files */

/* A temporary folder with the test's files. */
struct fixture {
	char dir[64];		    /* mkdtemp'ed */
	struct scanner_source *src; /* the source under test, destroyed in teardown */
	char paths[8][128];	    /* file paths, for lists */
};

static void path_in(struct fixture *fx, char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", fx->dir, name);
}

/* Writes a w x h image of one grey value. */
static void write_image(struct fixture *fx, const char *name, int w, int h, uint8_t value)
{
	struct scanner_image img;
	char path[128];

	path_in(fx, path, sizeof(path), name);
	assert_int_equal(scanner_image_init(&img, w, h), 0);
	memset(img.luma, value, (size_t)w * h);
	assert_int_equal(scanner_image_save(path, &img), 0);
	scanner_image_release(&img);
}

static void write_bytes(struct fixture *fx, const char *name, const void *data, size_t n)
{
	char path[128];
	FILE *f;

	path_in(fx, path, sizeof(path), name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

/* A Y4M stream of n frames w x h whose luma is value + frame index and whose
 * chroma is 0x80 (so a wrong chroma skip shows up as luma 0x80). */
static void write_y4m(struct fixture *fx, const char *name, int w, int h, int n, const char *cs,
		      uint8_t value)
{
	char path[128];
	size_t luma = (size_t)w * h;
	size_t chroma = strcmp(cs, "mono") ? 2 * (size_t)((w + 1) / 2) * ((h + 1) / 2) : 0;
	FILE *f;

	path_in(fx, path, sizeof(path), name);
	f = fopen(path, "wb");
	assert_non_null(f);
	fprintf(f, "YUV4MPEG2 W%d H%d F30:1 Ip A1:1 C%s XYSCSS=%s\n", w, h, cs, cs);
	for (int i = 0; i < n; i++) {
		fprintf(f, "FRAME\n");
		for (size_t k = 0; k < luma; k++)
			fputc(value + i, f);
		for (size_t k = 0; k < chroma; k++)
			fputc(0x80, f);
	}
	fclose(f);
}

static int setup(void **state)
{
	static struct fixture fx;

	memset(&fx, 0, sizeof(fx));
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/custscan-replay-XXXXXX");
	if (!mkdtemp(fx.dir))
		return -1;
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];

	scanner_source_destroy(fx->src);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct scanner_source *open_paths(struct fixture *fx, const char *const *paths, size_t n,
					 bool loop)
{
	struct scanner_replay_config cfg;

	scanner_replay_config_init_default(&cfg);
	cfg.paths = paths;
	cfg.n_paths = n;
	cfg.loop = loop;
	assert_int_equal(scanner_source_open_replay(&cfg, &fx->src), 0);
	return fx->src;
}

static struct scanner_source *open_dir(struct fixture *fx, bool loop)
{
	const char *paths[] = {fx->dir};

	return open_paths(fx, paths, 1, loop);
}

/* ------------------------------------------------------------------ tests */

static void test_folder_in_name_order(void **state)
{
	struct fixture *fx = *state;
	struct scanner_source *src;
	struct scanner_frame f;
	struct scanner_source_stats st;

	write_image(fx, "b.png", 32, 24, 20);
	write_image(fx, "a.pgm", 32, 24, 10);
	write_image(fx, "c.png", 16, 8, 30);
	write_image(fx, ".hidden.png", 8, 8, 99);
	write_bytes(fx, "notes.txt", "hello", 5);
	src = open_dir(fx, false);
	assert_int_equal(scanner_source_state(src), SCANNER_SOURCE_STOPPED);
	assert_int_equal(scanner_source_next(src, 0, &f), SCANNER_ERR_INVAL);
	assert_int_equal(scanner_source_start(src), 0);
	assert_int_equal(scanner_source_state(src), SCANNER_SOURCE_STREAMING);
	assert_non_null(strstr(scanner_source_message(src), "3 files at 30 fps"));

	assert_int_equal(scanner_source_next(src, 0, &f), 0);
	assert_int_equal(f.luma[0], 10);
	assert_int_equal(f.sequence, 0);
	assert_int_equal(f.timestamp_us, 0);
	assert_int_equal(scanner_source_next(src, 0, &f), 0);
	assert_int_equal(f.luma[0], 20);
	assert_int_equal(f.timestamp_us, 33333);
	assert_int_equal(scanner_source_next(src, 0, &f), 0);
	assert_int_equal(f.luma[0], 30);
	assert_int_equal(f.width, 16);
	assert_int_equal(f.stride, 16);
	assert_int_equal(f.sequence, 2);
	assert_int_equal(f.timestamp_us, 66666);
	assert_int_equal(scanner_source_next(src, 0, &f), SCANNER_ERR_END);
	assert_int_equal(scanner_source_state(src), SCANNER_SOURCE_ENDED);
	assert_int_equal(scanner_source_next(src, 0, &f), SCANNER_ERR_END);
	scanner_source_stats(src, &st);
	assert_int_equal(st.frames, 3);
	assert_int_equal(st.dropped, 0);
}

static void test_loop_and_restart(void **state)
{
	struct fixture *fx = *state;
	struct scanner_source *src;
	struct scanner_frame f;

	write_image(fx, "1.pgm", 8, 8, 1);
	write_image(fx, "2.pgm", 8, 8, 2);
	src = open_dir(fx, true);
	assert_int_equal(scanner_source_start(src), 0);
	for (int i = 0; i < 7; i++) {
		assert_int_equal(scanner_source_next(src, 0, &f), 0);
		assert_int_equal(f.luma[0], 1 + i % 2);
		assert_int_equal(f.sequence, (uint64_t)i);
	}
	/* stop, start: from the first frame again */
	assert_int_equal(scanner_source_stop(src), 0);
	assert_int_equal(scanner_source_state(src), SCANNER_SOURCE_STOPPED);
	assert_int_equal(scanner_source_start(src), 0);
	assert_int_equal(scanner_source_next(src, 0, &f), 0);
	assert_int_equal(f.luma[0], 1);
	assert_int_equal(f.sequence, 0);
}

static void test_y4m_streams(void **state)
{
	struct fixture *fx = *state;
	struct scanner_source *src;
	struct scanner_frame f;

	write_y4m(fx, "a.y4m", 7, 5, 3, "420jpeg", 40); /* odd sizes: chroma rounds up */
	write_y4m(fx, "b.y4m", 6, 4, 2, "mono", 90);
	src = open_dir(fx, false);
	assert_int_equal(scanner_source_start(src), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(scanner_source_next(src, 0, &f), 0);
		assert_int_equal(f.width, 7);
		assert_int_equal(f.height, 5);
		assert_int_equal(f.luma[0], 40 + i);
		assert_int_equal(f.luma[34], 40 + i);
	}
	for (int i = 0; i < 2; i++) {
		assert_int_equal(scanner_source_next(src, 0, &f), 0);
		assert_int_equal(f.width, 6);
		assert_int_equal(f.luma[23], 90 + i);
	}
	assert_int_equal(scanner_source_next(src, 0, &f), SCANNER_ERR_END);
	assert_int_equal(scanner_source_stop(src), 0);
	assert_int_equal(scanner_source_start(src), 0);
	assert_int_equal(scanner_source_next(src, 0, &f), 0);
	assert_int_equal(f.width, 7);
	assert_int_equal(f.luma[34], 40);
}

static void test_y4m_high_depth_rejected(void **state)
{
	struct fixture *fx = *state;
	struct scanner_source *src;
	struct scanner_frame f;

	write_y4m(fx, "a.y4m", 4, 4, 1, "420p10", 40);
	write_image(fx, "b.pgm", 4, 4, 7);
	src = open_dir(fx, false);
	assert_int_equal(scanner_source_start(src), 0);
	assert_int_equal(scanner_source_next(src, 0, &f), SCANNER_ERR_FORMAT);
	assert_int_equal(scanner_source_next(src, 0, &f), 0);
	assert_int_equal(f.luma[0], 7);
}

static void test_raw_yuyv_frames(void **state)
{
	struct fixture *fx = *state;
	struct scanner_replay_config cfg;
	struct scanner_frame f;
	uint8_t raw[2 * 4 * 2 * 2 + 5]; /* two 4x2 frames and a partial one */
	const char *paths[1];
	char path[128];

	for (size_t i = 0; i < sizeof(raw); i++)
		raw[i] = i % 2 ? 0x80 : (uint8_t)(i < 16 ? 50 : 60);
	write_bytes(fx, "cam.yuyv", raw, sizeof(raw));
	path_in(fx, path, sizeof(path), "cam.yuyv");
	paths[0] = path;
	scanner_replay_config_init_default(&cfg);
	cfg.paths = paths;
	cfg.n_paths = 1;
	assert_int_equal(scanner_source_open_replay(&cfg, &fx->src), SCANNER_ERR_INVAL);
	cfg.yuyv_width = 4;
	cfg.yuyv_height = 2;
	cfg.fps = 10;
	assert_int_equal(scanner_source_open_replay(&cfg, &fx->src), 0);
	assert_int_equal(scanner_source_start(fx->src), 0);
	assert_int_equal(scanner_source_next(fx->src, 0, &f), 0);
	assert_int_equal(f.width, 4);
	assert_int_equal(f.luma[0], 50);
	assert_int_equal(f.luma[7], 50);
	assert_int_equal(scanner_source_next(fx->src, 0, &f), 0);
	assert_int_equal(f.luma[0], 60);
	assert_int_equal(f.timestamp_us, 100000);
	assert_int_equal(scanner_source_next(fx->src, 0, &f), SCANNER_ERR_END);
	/* stopped, the source holds no frame; started again, it reads them again */
	assert_int_equal(scanner_source_stop(fx->src), 0);
	assert_int_equal(scanner_source_start(fx->src), 0);
	assert_int_equal(scanner_source_next(fx->src, 0, &f), 0);
	assert_int_equal(f.luma[0], 50);
	assert_int_equal(f.luma[7], 50);
}

static void test_bad_file_is_skipped(void **state)
{
	struct fixture *fx = *state;
	struct scanner_source *src;
	struct scanner_frame f;

	write_image(fx, "1.png", 8, 8, 1);
	write_bytes(fx, "2.png", "not a png at all", 16);
	write_image(fx, "3.png", 8, 8, 3);
	src = open_dir(fx, false);
	assert_int_equal(scanner_source_start(src), 0);
	assert_int_equal(scanner_source_next(src, 0, &f), 0);
	assert_int_equal(scanner_source_next(src, 0, &f), SCANNER_ERR_FORMAT);
	assert_int_equal(scanner_source_next(src, 0, &f), 0);
	assert_int_equal(f.luma[0], 3);
	assert_int_equal(f.sequence, 2);
}

static void test_loop_of_only_bad_files_ends(void **state)
{
	struct fixture *fx = *state;
	struct scanner_source *src;
	struct scanner_frame f;
	int rc, n = 0;

	write_bytes(fx, "1.png", "junk", 4);
	src = open_dir(fx, true);
	assert_int_equal(scanner_source_start(src), 0);
	while ((rc = scanner_source_next(src, 0, &f)) != SCANNER_ERR_END && n < 10) {
		assert_int_equal(rc, SCANNER_ERR_FORMAT);
		n++;
	}
	assert_int_equal(rc, SCANNER_ERR_END);
}

static void test_open_errors(void **state)
{
	struct fixture *fx = *state;
	struct scanner_replay_config cfg;
	const char *missing[] = {"/nonexistent/custscan/frames"};
	const char *dir[] = {fx->dir};

	scanner_replay_config_init_default(&cfg);
	assert_int_equal(scanner_source_open_replay(&cfg, &fx->src), SCANNER_ERR_INVAL);
	cfg.paths = missing;
	cfg.n_paths = 1;
	assert_int_equal(scanner_source_open_replay(&cfg, &fx->src), SCANNER_ERR_NOENT);
	cfg.paths = dir; /* empty folder */
	assert_int_equal(scanner_source_open_replay(&cfg, &fx->src), SCANNER_ERR_NOENT);
	write_image(fx, "a.pgm", 4, 4, 1);
	cfg.fps = 0;
	assert_int_equal(scanner_source_open_replay(&cfg, &fx->src), SCANNER_ERR_INVAL);
	assert_null(fx->src);
}

static void test_file_list(void **state)
{
	struct fixture *fx = *state;
	const char *paths[2];
	struct scanner_frame f;
	struct scanner_source *src;

	write_image(fx, "x.png", 8, 8, 5);
	write_y4m(fx, "y.y4m", 4, 4, 1, "422", 70);
	path_in(fx, fx->paths[0], sizeof(fx->paths[0]), "y.y4m");
	path_in(fx, fx->paths[1], sizeof(fx->paths[1]), "x.png");
	paths[0] = fx->paths[0];
	paths[1] = fx->paths[1];
	src = open_paths(fx, paths, 2, false);
	assert_int_equal(scanner_source_start(src), 0);
	assert_int_equal(scanner_source_next(src, 0, &f), 0);
	assert_int_equal(f.luma[15], 70);
	assert_int_equal(scanner_source_next(src, 0, &f), 0);
	assert_int_equal(f.luma[0], 5);
}

static void test_realtime_drops_late_frames(void **state)
{
	struct fixture *fx = *state;
	struct scanner_replay_config cfg;
	struct scanner_source_stats st;
	struct scanner_frame f;
	const char *dir[] = {fx->dir};
	int64_t t0;

	write_y4m(fx, "a.y4m", 4, 4, 20, "mono", 0);
	scanner_replay_config_init_default(&cfg);
	cfg.paths = dir;
	cfg.n_paths = 1;
	cfg.fps = 10; /* a frame every 100 ms */
	cfg.realtime = true;
	assert_int_equal(scanner_source_open_replay(&cfg, &fx->src), 0);
	assert_int_equal(scanner_source_start(fx->src), 0);
	assert_int_equal(scanner_source_next(fx->src, 0, &f), 0);
	assert_int_equal(f.luma[0], 0);
	/* The next frame is due in 100 ms: not there without waiting. */
	assert_int_equal(scanner_source_next(fx->src, 0, &f), SCANNER_ERR_AGAIN);
	t0 = fake_now_us;
	assert_int_equal(scanner_source_next(fx->src, 40, &f), SCANNER_ERR_AGAIN);
	assert_int_equal(fake_now_us - t0, 40000); /* waited exactly its timeout */
	/* Waits for the due time, no longer. */
	assert_int_equal(scanner_source_next(fx->src, 500, &f), 0);
	assert_int_equal(f.luma[0], 1);
	assert_int_equal(fake_now_us - t0, 100000);
	/* The caller was busy for 350 ms: frames 2 and 3 are dropped. */
	fake_now_us += 350000;
	assert_int_equal(scanner_source_next(fx->src, 0, &f), 0);
	assert_int_equal(f.luma[0], 4);
	assert_int_equal(f.sequence, 4);
	assert_int_equal(f.timestamp_us, 400000);
	scanner_source_stats(fx->src, &st);
	assert_int_equal(st.dropped, 2);
	assert_int_equal(st.frames, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_folder_in_name_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_loop_and_restart, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_y4m_streams, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_y4m_high_depth_rejected, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_raw_yuyv_frames, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_file_is_skipped, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_loop_of_only_bad_files_ends, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_file_list, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_realtime_drops_late_frames, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
