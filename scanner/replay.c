/*
 * The replay source: image files, raw YUYV frames and Y4M streams played as
 * if a camera delivered them, at a chosen frame rate with timestamps from
 * that rate. The daemon's built-in demo and the tests use it.
 *
 * Frames are read as they are played, one at a time, into buffers the
 * replay owns. In realtime mode a frame is handed out when its time on the
 * frame clock has come, and frames whose time passed while the caller was
 * busy are skipped and counted as dropped, the way a camera behaves.
 */
#include "scanner/error.h"
#include "scanner/image.h"
#include "scanner/source.h"
#include "source_impl.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

/* Longest Y4M header or frame header line accepted. */
#define Y4M_MAX_LINE 256

enum replay_kind {
	REPLAY_IMAGE, /* one frame from scanner_image_load */
	REPLAY_Y4M,   /* YUV4MPEG2 stream */
	REPLAY_YUYV,  /* raw packed YUYV frames of the configured size */
};

struct replay_item {
	char *path;	       /* owned */
	enum replay_kind kind; /* how to read it */
};

struct replay {
	struct scanner_source base;	  /* shared part; first */
	struct scanner_replay_config cfg; /* copy; paths not kept */
	struct replay_item *items;	  /* files in play order */
	size_t n_items;			  /* items[0..n_items) */
	size_t cur;			  /* item being played */
	FILE *stream;			  /* open Y4M or YUYV file of items[cur], or NULL */
	int stream_w;			  /* frame size of the open stream */
	int stream_h;			  /* */
	size_t stream_skip;		  /* bytes after the luma plane of each frame */
	uint8_t *scratch;		  /* one raw YUYV frame */
	size_t scratch_size;		  /* bytes at scratch */
	struct scanner_image img;	  /* the frame handed out last */
	uint64_t pos;			  /* frame-clock index of the next frame */
	uint64_t good_in_pass;		  /* frames read since the list started over */
	int64_t start_us;		  /* when start() was called */
};

static struct replay *to_replay(struct scanner_source *src)
{
	return (struct replay *)src;
}

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static enum replay_kind kind_of(const char *path)
{
	if (has_suffix(path, ".y4m"))
		return REPLAY_Y4M;
	if (has_suffix(path, ".yuyv") || has_suffix(path, ".yuv"))
		return REPLAY_YUYV;
	return REPLAY_IMAGE;
}

static bool playable_name(const char *name)
{
	static const char *const suffixes[] = {".pgm", ".png", ".jpg", ".jpeg",
					       ".y4m", ".yuv", ".yuyv"};

	if (name[0] == '.')
		return false;
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if (has_suffix(name, suffixes[i]))
			return true;
	return false;
}

/* ------------------------------------------------------------------ the list */

static int add_item(struct replay *r, const char *path, size_t *cap)
{
	if (r->n_items == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct replay_item *p = realloc(r->items, ncap * sizeof(*p));

		if (!p)
			return SCANNER_ERR_NOMEM;
		r->items = p;
		*cap = ncap;
	}
	r->items[r->n_items].path = strdup(path);
	if (!r->items[r->n_items].path)
		return SCANNER_ERR_NOMEM;
	r->items[r->n_items].kind = kind_of(path);
	r->n_items++;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the playable files of a folder, in name order. */
static int add_folder(struct replay *r, const char *dir, size_t *cap)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, ncap = 0;
	int rc = 0;

	if (!d)
		return errno == ENOENT ? SCANNER_ERR_NOENT : SCANNER_ERR_IO;
	while ((e = readdir(d)) != NULL) {
		if (!playable_name(e->d_name))
			continue;
		if (n == ncap) {
			size_t c2 = ncap ? ncap * 2 : 32;
			char **p = realloc(names, c2 * sizeof(*p));

			if (!p) {
				rc = SCANNER_ERR_NOMEM;
				goto free_names;
			}
			names = p;
			ncap = c2;
		}
		names[n] = strdup(e->d_name);
		if (!names[n]) {
			rc = SCANNER_ERR_NOMEM;
			goto free_names;
		}
		n++;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n && !rc; i++) {
		size_t len = strlen(dir) + strlen(names[i]) + 2;
		char *path = malloc(len);

		if (!path) {
			rc = SCANNER_ERR_NOMEM;
			break;
		}
		snprintf(path, len, "%s/%s", dir, names[i]);
		rc = add_item(r, path, cap);
		free(path);
	}
free_names:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

/* ------------------------------------------------------------------ streams */

static void close_stream(struct replay *r)
{
	if (r->stream)
		fclose(r->stream);
	r->stream = NULL;
}

/* Reads one header line (without its newline) into buf. */
static int read_line(FILE *f, char *buf, size_t size)
{
	size_t n = 0;
	int ch;

	while ((ch = fgetc(f)) != EOF && ch != '\n') {
		if (n + 1 >= size)
			return SCANNER_ERR_FORMAT;
		buf[n++] = (char)ch;
	}
	buf[n] = '\0';
	if (ch == EOF)
		return n ? SCANNER_ERR_FORMAT : SCANNER_ERR_END;
	return 0;
}

/* Parses a YUV4MPEG2 stream header: size and colour space. */
static int open_y4m(struct replay *r, FILE *f)
{
	char line[Y4M_MAX_LINE];
	const char *cs = "420jpeg";
	size_t w = 0, h = 0, chroma;
	int rc = read_line(f, line, sizeof(line));

	if (rc)
		return SCANNER_ERR_FORMAT;
	if (strncmp(line, "YUV4MPEG2 ", 10) != 0)
		return SCANNER_ERR_FORMAT;
	for (char *tok = strtok(line + 10, " "); tok; tok = strtok(NULL, " ")) {
		if (tok[0] == 'W')
			w = strtoul(tok + 1, NULL, 10);
		else if (tok[0] == 'H')
			h = strtoul(tok + 1, NULL, 10);
		else if (tok[0] == 'C')
			cs = tok + 1;
	}
	if (w == 0 || h == 0 || w > SCANNER_IMAGE_MAX_SIDE || h > SCANNER_IMAGE_MAX_SIDE)
		return SCANNER_ERR_FORMAT;
	if (!strcmp(cs, "mono"))
		chroma = 0;
	else if (!strcmp(cs, "420jpeg") || !strcmp(cs, "420paldv") || !strcmp(cs, "420mpeg2") ||
		 !strcmp(cs, "420"))
		chroma = 2 * ((w + 1) / 2) * ((h + 1) / 2);
	else if (!strcmp(cs, "422"))
		chroma = 2 * ((w + 1) / 2) * h;
	else if (!strcmp(cs, "444"))
		chroma = 2 * w * h;
	else
		return SCANNER_ERR_FORMAT; /* high bit depths, alpha */
	r->stream_w = (int)w;
	r->stream_h = (int)h;
	r->stream_skip = chroma;
	return 0;
}

static int open_stream(struct replay *r)
{
	const struct replay_item *it = &r->items[r->cur];
	FILE *f = fopen(it->path, "rb");
	int rc = 0;

	if (!f)
		return errno == ENOENT ? SCANNER_ERR_NOENT : SCANNER_ERR_IO;
	if (it->kind == REPLAY_Y4M) {
		rc = open_y4m(r, f);
	} else {
		size_t frame = (size_t)r->cfg.yuyv_width * (size_t)r->cfg.yuyv_height * 2;

		if (!r->cfg.yuyv_width || !r->cfg.yuyv_height) {
			rc = SCANNER_ERR_INVAL;
		} else if (frame > r->scratch_size) {
			uint8_t *p = realloc(r->scratch, frame);

			if (!p)
				rc = SCANNER_ERR_NOMEM;
			else {
				r->scratch = p;
				r->scratch_size = frame;
			}
		}
		r->stream_w = r->cfg.yuyv_width;
		r->stream_h = r->cfg.yuyv_height;
		r->stream_skip = 0;
	}
	if (rc) {
		fclose(f);
		return rc;
	}
	r->stream = f;
	return 0;
}

/* Makes img hold a w x h image, reusing its pixels when the size matches. */
static int img_size(struct replay *r, int w, int h)
{
	if (r->img.luma && r->img.width == w && r->img.height == h)
		return 0;
	scanner_image_release(&r->img);
	return scanner_image_init(&r->img, w, h);
}

/* Reads (keep) or skips the next frame of the open stream. END at its end. */
static int stream_frame(struct replay *r, bool keep)
{
	const struct replay_item *it = &r->items[r->cur];
	int w = r->stream_w, h = r->stream_h;
	size_t luma = (size_t)w * (size_t)h;
	int rc;

	if (it->kind == REPLAY_Y4M) {
		char line[Y4M_MAX_LINE];

		rc = read_line(r->stream, line, sizeof(line));
		if (rc)
			return rc;
		if (strncmp(line, "FRAME", 5) != 0)
			return SCANNER_ERR_FORMAT;
		if (!keep)
			return fseek(r->stream, (long)(luma + r->stream_skip), SEEK_CUR)
				   ? SCANNER_ERR_IO
				   : 0;
		rc = img_size(r, w, h);
		if (rc)
			return rc;
		if (fread(r->img.luma, 1, luma, r->stream) != luma)
			return SCANNER_ERR_END;
		if (r->stream_skip && fseek(r->stream, (long)r->stream_skip, SEEK_CUR))
			return SCANNER_ERR_IO;
		return 0;
	}
	/* Raw YUYV: a partial frame at the end is ignored. */
	if (fread(r->scratch, 1, luma * 2, r->stream) != luma * 2)
		return SCANNER_ERR_END;
	if (!keep)
		return 0;
	rc = img_size(r, w, h);
	if (rc)
		return rc;
	for (size_t i = 0; i < luma; i++)
		r->img.luma[i] = r->scratch[2 * i];
	return 0;
}

/*
 * Reads (keep) or skips the next frame of the list, moving on through files
 * and, when looping, back to the start. Returns 0, END, or the error of a
 * file that cannot be read (that file is then left behind).
 */
static int next_frame(struct replay *r, bool keep)
{
	for (;;) {
		const struct replay_item *it;
		int rc;

		if (r->cur >= r->n_items) {
			if (!r->cfg.loop || r->good_in_pass == 0)
				return SCANNER_ERR_END;
			r->cur = 0;
			r->good_in_pass = 0;
		}
		it = &r->items[r->cur];
		if (it->kind == REPLAY_IMAGE) {
			struct scanner_image tmp;

			r->cur++;
			if (!keep) {
				r->good_in_pass++;
				return 0;
			}
			rc = scanner_image_load(it->path, &tmp);
			if (rc)
				return rc;
			scanner_image_release(&r->img);
			r->img = tmp;
			r->good_in_pass++;
			return 0;
		}
		if (!r->stream) {
			rc = open_stream(r);
			if (rc) {
				r->cur++;
				return rc;
			}
		}
		rc = stream_frame(r, keep);
		if (rc == 0) {
			r->good_in_pass++;
			return 0;
		}
		close_stream(r);
		r->cur++;
		if (rc != SCANNER_ERR_END)
			return rc;
	}
}

/* ------------------------------------------------------------------ ops */

static void set_state(struct replay *r, enum scanner_source_state state)
{
	struct scanner_source *s = &r->base;

	s->state = state;
	switch (state) {
	case SCANNER_SOURCE_STREAMING:
		snprintf(s->message, sizeof(s->message), "replaying %zu file%s at %d fps%s",
			 r->n_items, r->n_items == 1 ? "" : "s", r->cfg.fps,
			 r->cfg.loop ? ", looping" : "");
		break;
	case SCANNER_SOURCE_ENDED:
		snprintf(s->message, sizeof(s->message), "replay finished: every frame was played");
		break;
	default:
		snprintf(s->message, sizeof(s->message), "replay stopped");
		break;
	}
}

static int replay_start(struct scanner_source *src)
{
	struct replay *r = to_replay(src);

	close_stream(r);
	r->cur = 0;
	r->pos = 0;
	r->good_in_pass = 0;
	r->start_us = now_us();
	set_state(r, SCANNER_SOURCE_STREAMING);
	return 0;
}

static void replay_stop(struct scanner_source *src)
{
	struct replay *r = to_replay(src);

	close_stream(r);
	/* Idle, it holds no frame, as a stopped camera holds no buffer. */
	scanner_image_release(&r->img);
	free(r->scratch);
	r->scratch = NULL;
	r->scratch_size = 0;
	set_state(r, SCANNER_SOURCE_STOPPED);
}

static int replay_next(struct scanner_source *src, int timeout_ms, struct scanner_frame *out)
{
	struct replay *r = to_replay(src);
	int64_t period_us = 1000000 / r->cfg.fps;
	int rc;

	if (r->base.state == SCANNER_SOURCE_ENDED)
		return SCANNER_ERR_END;
	if (r->cfg.realtime) {
		int64_t now = now_us();
		int64_t due = r->start_us + (int64_t)r->pos * period_us;
		uint64_t late;

		if (now < due) {
			if (now + (int64_t)timeout_ms * 1000 < due) {
				if (timeout_ms > 0)
					poll(NULL, 0, timeout_ms);
				return SCANNER_ERR_AGAIN;
			}
			poll(NULL, 0, (int)((due - now + 999) / 1000));
			now = due;
		}
		/* Frames whose time has passed are skipped, as a camera would. */
		late = (uint64_t)((now - r->start_us) / period_us) - r->pos;
		for (; late > 0; late--) {
			rc = next_frame(r, false);
			if (rc == SCANNER_ERR_END)
				break;
			r->pos++;
			if (rc == 0)
				r->base.stats.dropped++;
		}
	}
	rc = next_frame(r, true);
	if (rc == SCANNER_ERR_END) {
		set_state(r, SCANNER_SOURCE_ENDED);
		return rc;
	}
	if (rc) {
		r->pos++;
		return rc;
	}
	*out = scanner_image_frame(&r->img, (int64_t)r->pos * 1000000 / r->cfg.fps, r->pos);
	if (r->base.stats.first_frame_us < 0)
		r->base.stats.first_frame_us = 0;
	r->base.stats.frames++;
	r->base.have_format = true;
	r->base.format.width = r->img.width;
	r->base.format.height = r->img.height;
	r->pos++;
	return 0;
}

static void replay_destroy(struct scanner_source *src)
{
	struct replay *r = to_replay(src);

	close_stream(r);
	for (size_t i = 0; i < r->n_items; i++)
		free(r->items[i].path);
	free(r->items);
	free(r->scratch);
	scanner_image_release(&r->img);
	free(r);
}

static const struct scanner_source_ops replay_ops = {
    .name = "replay",
    .start = replay_start,
    .stop = replay_stop,
    .next = replay_next,
    .exposure_hint = NULL,
    .destroy = replay_destroy,
};

/* ------------------------------------------------------------------ public */

void scanner_replay_config_init_default(struct scanner_replay_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->fps = 30;
}

int scanner_source_open_replay(const struct scanner_replay_config *cfg, struct scanner_source **out)
{
	struct replay *r;
	size_t cap = 0;
	int rc = 0;

	if (!cfg || !out || !cfg->paths || cfg->n_paths == 0 || cfg->fps <= 0 || cfg->fps > 1000 ||
	    cfg->yuyv_width < 0 || cfg->yuyv_height < 0 ||
	    cfg->yuyv_width > SCANNER_IMAGE_MAX_SIDE || cfg->yuyv_height > SCANNER_IMAGE_MAX_SIDE)
		return SCANNER_ERR_INVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return SCANNER_ERR_NOMEM;
	scanner_source_base_init(&r->base, &replay_ops);
	r->cfg = *cfg;
	r->cfg.paths = NULL;
	for (size_t i = 0; i < cfg->n_paths && !rc; i++) {
		struct stat st;

		if (!cfg->paths[i] || stat(cfg->paths[i], &st) != 0)
			rc = SCANNER_ERR_NOENT;
		else if (S_ISDIR(st.st_mode))
			rc = add_folder(r, cfg->paths[i], &cap);
		else if (kind_of(cfg->paths[i]) == REPLAY_YUYV &&
			 (!cfg->yuyv_width || !cfg->yuyv_height))
			rc = SCANNER_ERR_INVAL;
		else
			rc = add_item(r, cfg->paths[i], &cap);
	}
	if (!rc && r->n_items == 0)
		rc = SCANNER_ERR_NOENT;
	if (rc) {
		replay_destroy(&r->base);
		return rc;
	}
	set_state(r, SCANNER_SOURCE_STOPPED);
	*out = &r->base;
	return 0;
}
