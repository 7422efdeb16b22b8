/*
 * custscan: the customer-card scanner daemon.
 *
 *   custscan [--config FILE] [--set KEY=VALUE]... [options]
 *
 * Composes the libraries: a capture worker (worker.c: frame source ->
 * decoder -> id validation -> confirmation -> presence) on its own thread,
 * the customer display (display/) drawn on the main thread, and the
 * register link (ipc/display.h) serviced from the main loop. The worker's
 * results cross to the UI as SDL events of a type registered for them. The
 * main loop sleeps in poll() on a wake-up pipe and the link's descriptors
 * until something happens or a deadline (a timer of the display or the link,
 * an animation, the watchdog) is due, then drains SDL's queue with
 * SDL_PollEvent and handles the link with timeout 0, so neither the link nor
 * decoding ever blocks drawing, and an idle display (scan mode off) wakes
 * only for the register. Not SDL_WaitEventTimeout: SDL 2.26 makes it poll
 * every millisecond with the offscreen and KMS/DRM video drivers (about 1000
 * wake-ups a second, 2-3 % of a core idle); whoever pushes an SDL event
 * writes to the pipe. The register turns scan mode on and off, which starts and
 * stops the frame source (the camera is open only while scanning).
 *
 * SIGTERM and SIGINT only set a flag; the loop then answers what the link
 * has received, stops the worker (the camera is released), closes the
 * sockets and the window, and exits 0.
 *
 * Exit status: 0 after a signal or the window closed, 1 when it cannot
 * start (the message says why), 2 for a bad setting or usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <SDL.h>

#include "display/error.h"
#include "display/png.h"
#include "display/state.h"
#include "display/window.h"
#include "ipc/display.h"
#include "ipc/error.h"
#include "scanner/cardrules.h"
#include "scanner/error.h"
#include "scanner/source.h"

#include "config.h"
#include "log.h"
#include "metrics.h"
#include "notify.h"
#include "worker.h"

/* Longest the loop sleeps when nothing is due (a safety net: all is woken). */
#define IDLE_WAIT_MS 10000
/* Longest it sleeps where the window system has input SDL must pump. */
#define INPUT_POLL_MS 100
/* Sockets that cannot be opened are tried again this often. */
#define LINK_RETRY_MS 5000
/*
 * No message from a register for this long means none is talking to the
 * display: a register asks for status every second while idle
 * (docs/PROTOCOL.md), so this is ten missed heartbeats.
 */
#define REGISTER_SILENCE_MS 10000
/* A service note as written; the display cuts it to DISPLAY_NOTE_BUFSZ. */
#define NOTE_BUFSZ (2 * DISPLAY_NOTE_BUFSZ)
/* Scanning screens are redrawn at least this often (animations). */
#define ANIMATE_MS 100
/* Most command-line overrides. */
#define MAX_OVERRIDES 64
/* Scans whose answer is awaited, for the emit-to-answer latency. */
#define MAX_INFLIGHT 16

/* One scan handed to the link and not yet answered. */
struct inflight {
	char scan_id[IPC_ID_BUFSZ]; /* "" for a free slot */
	int64_t emitted_us;	    /* monotonic time the worker confirmed it */
};

struct app {
	struct custscan_config cfg;
	struct display_window *win;
	struct display_state *state;
	struct ipc_display *link;
	struct worker *worker;
	struct cardrules *rules; /* what is a customer card; the worker reads it */
	struct metrics metrics;
	uint32_t worker_event;		  /* SDL event type carrying a struct worker_event */
	bool scan_mode;			  /* as last told to the worker */
	bool dirty;			  /* something changed: draw */
	int64_t last_draw_ms;		  /* when the screen was last drawn */
	enum display_screen shown;	  /* screen of the last snapshot drawn */
	int64_t shown_since;		  /* its since_ms */
	unsigned shots;			  /* screenshots saved */
	int64_t next_watchdog_ms;	  /* when to ping systemd's watchdog, 0: never */
	int64_t watchdog_every_ms;	  /* interval */
	int64_t next_metrics_ms;	  /* when to rewrite the metrics file */
	bool pump_input;		  /* a desktop window: input to pump every INPUT_POLL_MS */
	int64_t link_retry_ms;		  /* no link yet: when to try to open it again */
	int64_t link_opened_ms;		  /* when the link was opened */
	bool register_silent;		  /* no register has talked for REGISTER_SILENCE_MS */
	char camera_word[IPC_WORD_BUFSZ]; /* camera state for the link's "status" */
	/* Service notes, shown on screen in this order of importance; "" none. */
	char note_link[NOTE_BUFSZ];	     /* the sockets cannot be opened */
	char note_register[NOTE_BUFSZ];	     /* no register talks to the display */
	char note_camera[NOTE_BUFSZ];	     /* the camera is missing or failed */
	char shown_note[DISPLAY_NOTE_BUFSZ]; /* the note of the last screen drawn */
	struct inflight inflight[MAX_INFLIGHT];
};

static volatile sig_atomic_t stop_signal;
/* The wake-up pipe: [0] polled by the main loop, [1] written by anyone. */
static int wake_pipe[2] = {-1, -1};

/* Wakes the main loop. Any thread, and signal handlers (write() is safe there). */
static void wake_ui(void)
{
	char c = 1;

	if (wake_pipe[1] >= 0 && write(wake_pipe[1], &c, 1) < 0) {
		/* full: the loop is being woken anyway */
	}
}

static void on_signal(int sig)
{
	stop_signal = sig;
	wake_ui();
}

/* Creates the wake-up pipe, both ends non-blocking. Returns 0 or -1 (errno). */
static int wake_open(void)
{
	if (pipe(wake_pipe) != 0)
		return -1;
	for (int i = 0; i < 2; i++)
		if (fcntl(wake_pipe[i], F_SETFL, O_NONBLOCK) != 0 ||
		    fcntl(wake_pipe[i], F_SETFD, FD_CLOEXEC) != 0)
			return -1;
	return 0;
}

static void wake_close(void)
{
	for (int i = 0; i < 2; i++) {
		if (wake_pipe[i] >= 0)
			close(wake_pipe[i]);
		wake_pipe[i] = -1;
	}
}

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t mono_ms(void)
{
	return mono_us() / 1000;
}

/* ---------------------------------------------------------------- */
/* Worker to UI                                                     */
/* ---------------------------------------------------------------- */

/* Worker thread: hands the event to the UI; SDL_PushEvent copies and is thread-safe. */
static void post_to_ui(void *ctx, struct worker_event *ev)
{
	struct app *a = ctx;
	SDL_Event e;

	SDL_zero(e);
	e.type = a->worker_event;
	e.user.data1 = ev;
	if (SDL_PushEvent(&e) != 1)
		free(ev);
	else
		wake_ui(); /* after the push: the loop then finds the event queued */
}

/* Worker thread: the newest frame into the display's one-frame slot. */
static void preview_to_ui(void *ctx, const struct scanner_frame *f)
{
	struct app *a = ctx;
	struct display_luma_view v = {f->luma, f->width, f->height, f->stride};

	display_window_post_preview(a->win, &v);
	wake_ui();
}

/* Logs the screen when it changed from before. */
static void log_screen(const struct app *a, enum display_screen before)
{
	enum display_screen now = display_state_screen(a->state);

	if (now != before)
		log_info("screen", "%s", display_screen_name(now));
}

static void display_post(struct app *a, struct display_event *ev)
{
	enum display_screen before = display_state_screen(a->state);
	int rc;

	ev->now_ms = mono_ms();
	rc = display_state_handle(a->state, ev);
	log_screen(a, before);
	if (rc == DISPLAY_ERR_BAD_EVENT)
		log_debug("display", "%s ignored on %s screen", display_event_name(ev->type),
			  display_screen_name(display_state_screen(a->state)));
	a->dirty = true;
}

static void display_simple(struct app *a, enum display_event_type type)
{
	struct display_event ev = {.type = type};

	display_post(a, &ev);
}

static enum ipc_symbology to_ipc_symbology(enum scanner_symbology s)
{
	switch (s) {
	case SCANNER_SYM_CODE128:
		return IPC_SYM_CODE128;
	case SCANNER_SYM_EAN13:
		return IPC_SYM_EAN13;
	case SCANNER_SYM_EAN8:
		return IPC_SYM_EAN8;
	case SCANNER_SYM_UPCA:
		return IPC_SYM_UPCA;
	case SCANNER_SYM_CODE39:
		return IPC_SYM_CODE39;
	case SCANNER_SYM_I25:
		return IPC_SYM_I25;
	default:
		return IPC_SYM_QR;
	}
}

static void on_id(struct app *a, const struct worker_event *wev)
{
	char masked[LOG_ID_BUFSZ], scan_id[IPC_ID_BUFSZ];
	struct display_event ev = {.type = DISPLAY_EV_ID_CONFIRMED};
	int rc;

	if (!a->scan_mode || !a->link)
		return; /* read just before scan mode ended */
	/* A CUST# card (no card number) goes out exactly as before card rules. */
	rc = ipc_display_scan_card(a->link, wev->id, to_ipc_symbology(wev->symbology),
				   wev->card[0] ? wev->rule : NULL, wev->card, scan_id);
	if (rc < 0) {
		log_warn("link", "customer %s not sent: %s", log_id(wev->id, masked),
			 ipc_strerror(rc));
		return;
	}
	metrics_add(&a->metrics.scans_sent, 1);
	log_info("scan", "customer %s read (%s, rule %s), scan %s, %lld ms after its first read",
		 log_id(wev->id, masked), scanner_symbology_name(wev->symbology), wev->rule,
		 scan_id, (long long)(wev->emitted_us - wev->first_read_us) / 1000);
	for (size_t i = 0; i < MAX_INFLIGHT; i++) {
		if (!a->inflight[i].scan_id[0]) {
			snprintf(a->inflight[i].scan_id, sizeof(a->inflight[i].scan_id), "%s",
				 scan_id);
			a->inflight[i].emitted_us = wev->emitted_us;
			break;
		}
	}
	display_post(a, &ev);
}

/* Shows the most important service note, or none. */
static void update_note(struct app *a)
{
	const char *note = a->note_link[0]	 ? a->note_link
			   : a->note_register[0] ? a->note_register
						 : a->note_camera;

	if (display_state_set_note(a->state, note)) {
		a->dirty = true;
		if (note[0])
			log_info("screen", "service note: %s", note);
		else
			log_info("screen", "service note cleared");
	}
}

static void on_source(struct app *a, const struct worker_event *wev)
{
	const char *word = wev->state == SCANNER_SOURCE_STREAMING ? "ok"
			   : wev->state == SCANNER_SOURCE_STOPPED
			       ? "off"
			       : scanner_source_state_name(wev->state);

	snprintf(a->camera_word, sizeof(a->camera_word), "%s", word);
	if (a->link)
		ipc_display_set_camera(a->link, word);
	snprintf(a->note_camera, sizeof(a->note_camera), "%s", wev->failed ? wev->message : "");
	update_note(a);
	if (wev->failed) {
		log_warn("camera", "%s: %s", scanner_source_state_name(wev->state), wev->message);
		display_simple(a, DISPLAY_EV_CAMERA_FAILED);
	} else {
		log_info("camera", "%s", scanner_source_state_name(wev->state));
		if (wev->state == SCANNER_SOURCE_STREAMING)
			display_simple(a, DISPLAY_EV_CAMERA_OK);
	}
}

static void on_worker_event(struct app *a, struct worker_event *wev)
{
	struct display_event ev = {0};

	switch (wev->type) {
	case WORKER_EV_SOURCE:
		on_source(a, wev);
		break;
	case WORKER_EV_SEEN:
		if (a->scan_mode)
			display_simple(a, DISPLAY_EV_CODE_SEEN);
		break;
	case WORKER_EV_ID:
		on_id(a, wev);
		break;
	case WORKER_EV_REJECTED:
		if (!a->scan_mode)
			break;
		log_info("scan", "code refused: %s", custid_reason_name(wev->reason));
		ev.type = DISPLAY_EV_REJECTED;
		ev.reason = wev->reason == CUSTID_NOT_CUSTOMER_CARD
				? DISPLAY_REJECT_NOT_CUSTOMER_CARD
				: DISPLAY_REJECT_BAD_CODE;
		display_post(a, &ev);
		break;
	}
	free(wev);
}

/* ---------------------------------------------------------------- */
/* The register link                                                */
/* ---------------------------------------------------------------- */

static void set_scan_mode(struct app *a, bool on)
{
	metrics_add(&a->metrics.scan_mode_changes, 1);
	a->scan_mode = on;
	worker_set_scan(a->worker, on);
	if (!on)
		display_window_clear_preview(a->win);
	display_simple(a, on ? DISPLAY_EV_SCAN_MODE_ON : DISPLAY_EV_SCAN_MODE_OFF);
}

static void answered(struct app *a, const char *scan_id)
{
	for (size_t i = 0; i < MAX_INFLIGHT; i++) {
		if (a->inflight[i].scan_id[0] && strcmp(a->inflight[i].scan_id, scan_id) == 0) {
			metrics_observe(&a->metrics.emit_to_answer,
					mono_us() - a->inflight[i].emitted_us);
			a->inflight[i].scan_id[0] = '\0';
		}
	}
}

static void on_result(struct app *a, const struct ipc_display_event *iev)
{
	static const enum display_answer answers[IPC_RESULT_COUNT] = {
	    [IPC_RESULT_ATTACHED] = DISPLAY_ANSWER_ATTACHED,
	    [IPC_RESULT_UNKNOWN] = DISPLAY_ANSWER_UNKNOWN,
	    [IPC_RESULT_CONFIRM] = DISPLAY_ANSWER_NEEDS_CASHIER,
	    [IPC_RESULT_REJECTED] = DISPLAY_ANSWER_REJECTED,
	    [IPC_RESULT_ERROR] = DISPLAY_ANSWER_ERROR,
	};
	struct display_event ev = {.type = DISPLAY_EV_REGISTER_ANSWER};
	char masked[LOG_ID_BUFSZ];

	metrics_add(&a->metrics.register_answers, 1);
	answered(a, iev->msg.scan_id);
	log_info("link", "scan %s (customer %s): %s%s%s", iev->msg.scan_id,
		 log_id(iev->customer_id, masked), ipc_result_name(iev->msg.result),
		 iev->msg.reason[0] ? " " : "", iev->msg.reason);
	ev.answer = (unsigned)iev->msg.result < IPC_RESULT_COUNT ? answers[iev->msg.result]
								 : DISPLAY_ANSWER_ERROR;
	ev.name = iev->msg.name[0] ? iev->msg.name : NULL;
	display_post(a, &ev);
}

static void on_link_event(struct app *a, const struct ipc_display_event *iev)
{
	struct display_event ev = {0};
	char masked[LOG_ID_BUFSZ];

	switch (iev->type) {
	case IPC_DISPLAY_EV_ENABLE:
		log_info("link", "scan mode on for order %s", iev->msg.order);
		set_scan_mode(a, true);
		break;
	case IPC_DISPLAY_EV_DISABLE:
		log_info("link", "scan mode off%s", iev->timed_out ? " (timed out)" : "");
		set_scan_mode(a, false);
		break;
	case IPC_DISPLAY_EV_SHOW:
		log_info("link", "register message: %s", iev->msg.text);
		break;
	case IPC_DISPLAY_EV_RESULT:
		on_result(a, iev);
		break;
	case IPC_DISPLAY_EV_NO_ANSWER:
		metrics_add(&a->metrics.register_timeouts, 1);
		answered(a, iev->msg.scan_id);
		log_warn("link", "register did not answer scan %s (customer %s)", iev->msg.scan_id,
			 log_id(iev->customer_id, masked));
		ev.type = DISPLAY_EV_REGISTER_ANSWER;
		ev.answer = DISPLAY_ANSWER_TIMEOUT;
		display_post(a, &ev);
		break;
	case IPC_DISPLAY_EV_STALE:
		metrics_add(&a->metrics.register_timeouts, 1);
		log_warn("link", "scan %s dropped unsent: too old", iev->msg.scan_id);
		break;
	case IPC_DISPLAY_EV_BAD_MESSAGE:
		log_warn("link", "message refused: %s: %s", ipc_error_code_name(iev->error.code),
			 iev->error.detail);
		break;
	case IPC_DISPLAY_EV_NONE:
		break;
	}
}

static void check_register(struct app *a, int64_t now);

/* Handles everything the link has now. Returns 0 or a negative ipc_err. */
static int service_link(struct app *a)
{
	struct ipc_display_event iev;
	int rc;

	if (!a->link)
		return 0;
	while ((rc = ipc_display_next(a->link, &iev, 0)) == 1) {
		/* A silent register talks again before what it says is acted on. */
		check_register(a, mono_ms());
		on_link_event(a, &iev);
	}
	return rc;
}

/* ---------------------------------------------------------------- */
/* Screen                                                           */
/* ---------------------------------------------------------------- */

/* Saves what the window shows as DIR/NNNN-<screen>.png. */
static void screenshot(struct app *a, enum display_screen screen)
{
	SDL_Renderer *r = display_window_renderer(a->win);
	char path[CONFIG_STR_BUFSZ + 64], tmp[CONFIG_STR_BUFSZ + 80];
	uint8_t *px;
	int w, h, rc;

	if (SDL_GetRendererOutputSize(r, &w, &h) != 0 || w <= 0 || h <= 0)
		return;
	px = malloc((size_t)w * (size_t)h * 4);
	if (!px)
		return;
	if (SDL_RenderReadPixels(r, NULL, SDL_PIXELFORMAT_RGBA32, px, w * 4) != 0) {
		log_warn("screen", "screenshot: %s", SDL_GetError());
		free(px);
		return;
	}
	snprintf(path, sizeof(path), "%s/%04u-%s.png", a->cfg.screenshot_dir, a->shots++,
		 display_screen_name(screen));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	/* Written aside and renamed, so a reader never sees half a file. */
	rc = display_png_save_rgb(tmp, px, w, h, w * 4);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = DISPLAY_ERR_IO;
	if (rc)
		log_warn("screen", "%s: %s", path, display_strerror(rc));
	else
		log_debug("screen", "saved %s", path);
	free(px);
}

static void draw(struct app *a, int64_t now)
{
	struct display_snapshot snap;
	bool changed;
	int rc;

	display_state_snapshot(a->state, &snap);
	changed = snap.screen != a->shown || snap.since_ms != a->shown_since ||
		  strcmp(snap.note, a->shown_note) != 0 || !a->last_draw_ms;
	if (!changed && !a->dirty &&
	    !(display_screen_is_scanning(snap.screen) && now - a->last_draw_ms >= ANIMATE_MS))
		return;
	rc = display_window_draw(a->win, &snap, now);
	if (rc)
		log_warn("screen", "draw: %s (%s)", display_strerror(rc), SDL_GetError());
	a->last_draw_ms = now;
	a->dirty = false;
	if (changed) {
		a->shown = snap.screen;
		a->shown_since = snap.since_ms;
		memcpy(a->shown_note, snap.note, sizeof(a->shown_note));
		if (a->cfg.screenshot_dir[0])
			screenshot(a, snap.screen);
	}
}

/* ---------------------------------------------------------------- */
/* Set-up                                                           */
/* ---------------------------------------------------------------- */

static void usage(FILE *out)
{
	fputs("usage: custscan [options]\n"
	      "The customer-card scanner: reads customer cards shown on phones with the\n"
	      "display's camera and sends them to the register (see custscan(8)).\n"
	      "\n"
	      "  -c, --config FILE      settings file (default " CONFIG_DEFAULT_PATH ",\n"
	      "                         which may be missing)\n"
	      "  -s, --set KEY=VALUE    override one setting (repeatable)\n"
	      "      --camera DEVICE    read the camera DEVICE (source = camera)\n"
	      "      --replay PATH      replay image files, .y4m or .yuyv (source = replay)\n"
	      "      --screenshot-dir DIR  save a PNG of every screen shown\n"
	      "      --headless         no display needed: SDL's offscreen driver, no sound\n"
	      "      --log-level LEVEL  err, warning, notice, info, debug\n"
	      "      --check-config     check the settings, print them and exit\n"
	      "  -h, --help             this text\n"
	      "  -V, --version          the version\n"
	      "\n"
	      "Settings (file: key = value; --set key=value):\n",
	      out);
	config_print_keys(out);
}

struct cli {
	const char *config_path; /* --config, or NULL */
	const char *overrides[MAX_OVERRIDES][2];
	int n_overrides;
	bool headless;
	bool check_only;
};

static int add_override(struct cli *c, const char *key, const char *value)
{
	if (c->n_overrides == MAX_OVERRIDES)
		return -1;
	c->overrides[c->n_overrides][0] = key;
	c->overrides[c->n_overrides][1] = value;
	c->n_overrides++;
	return 0;
}

/* Parses the command line. Returns 0, 1 to exit 0 (help), -1 on misuse. */
static int parse_cli(int argc, char **argv, struct cli *c)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"set", required_argument, NULL, 's'},
	    {"camera", required_argument, NULL, 'C'},
	    {"replay", required_argument, NULL, 'R'},
	    {"screenshot-dir", required_argument, NULL, 'S'},
	    {"headless", no_argument, NULL, 'H'},
	    {"log-level", required_argument, NULL, 'L'},
	    {"check-config", no_argument, NULL, 'K'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	int opt, rc = 0;

	memset(c, 0, sizeof(*c));
	while ((opt = getopt_long(argc, argv, "c:s:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			c->config_path = optarg;
			break;
		case 's':
			rc |= add_override(c, NULL, optarg);
			break;
		case 'C':
			rc |= add_override(c, "source", "camera");
			rc |= add_override(c, "camera_device", optarg);
			break;
		case 'R':
			rc |= add_override(c, "source", "replay");
			rc |= add_override(c, "replay_path", optarg);
			break;
		case 'S':
			rc |= add_override(c, "screenshot_dir", optarg);
			break;
		case 'L':
			rc |= add_override(c, "log_level", optarg);
			break;
		case 'H':
			c->headless = true;
			break;
		case 'K':
			c->check_only = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case 'V':
			printf("custscan %s\n", CUSTSCAN_VERSION);
			return 1;
		default:
			return -1;
		}
	}
	return rc || optind != argc ? -1 : 0;
}

/* Defaults, then the file, then the command line. Returns 0 or -1 (printed). */
static int load_settings(struct app *a, const struct cli *c)
{
	char err[CONFIG_ERR_BUFSZ];
	const char *path = c->config_path ? c->config_path : CONFIG_DEFAULT_PATH;
	int rc;

	config_init_default(&a->cfg);
	rc = config_load_file(&a->cfg, path, err);
	if (rc == -2 && !c->config_path)
		rc = 0; /* no file: every default */
	for (int i = 0; rc == 0 && i < c->n_overrides; i++)
		rc = c->overrides[i][0] ? config_set(&a->cfg, c->overrides[i][0],
						     c->overrides[i][1], "command line", 0, err)
					: config_set_pair(&a->cfg, c->overrides[i][1], err);
	if (rc == 0)
		rc = config_build_rules(&a->cfg, &a->rules, err);
	if (rc == 0 && c->headless) {
		a->cfg.software_render = true;
		a->cfg.vsync = false;
		a->cfg.sounds = false;
	}
	if (rc)
		fprintf(stderr, "custscan: %s\n", err);
	return rc ? -1 : 0;
}

/* The bundled demo replay: installed, else in the source tree. */
static const char *bundled_replay(void)
{
	struct stat st;

	if (stat(CUSTSCAN_DATA_DIR "/replay", &st) == 0)
		return CUSTSCAN_DATA_DIR "/replay";
	return CUSTSCAN_SOURCE_DIR "/assets/replay";
}

static int open_source(const struct custscan_config *cfg, struct scanner_source **src)
{
	if (cfg->source == CONFIG_SOURCE_CAMERA) {
		struct scanner_camera_config cc;

		scanner_camera_config_init_default(&cc);
		cc.device = cfg->camera_device;
		cc.width = cfg->camera_width;
		cc.height = cfg->camera_height;
		cc.fps = cfg->camera_fps;
		cc.profile.power_line_hz = cfg->power_line_hz;
		cc.profile.exposure_mode = cfg->camera_exposure == CONFIG_EXPOSURE_AUTO
					       ? SCANNER_EXPOSURE_AUTO
					   : cfg->camera_exposure == CONFIG_EXPOSURE_AUTO_LIMITED
					       ? SCANNER_EXPOSURE_AUTO_LIMITED
					       : SCANNER_EXPOSURE_MANUAL;
		/* V4L2_CID_EXPOSURE_ABSOLUTE counts 100 µs. */
		cc.profile.exposure_time = cfg->camera_exposure_ms * 10;
		cc.profile.exposure_limit = cfg->camera_exposure_ms * 10;
		return scanner_source_open_camera(&cc, src);
	}
	struct scanner_replay_config rc;
	const char *path = cfg->replay_path[0] ? cfg->replay_path : bundled_replay();

	scanner_replay_config_init_default(&rc);
	rc.paths = &path;
	rc.n_paths = 1;
	rc.fps = cfg->replay_fps;
	rc.loop = cfg->replay_loop;
	rc.realtime = true;
	rc.yuyv_width = cfg->replay_yuyv_width;
	rc.yuyv_height = cfg->replay_yuyv_height;
	return scanner_source_open_replay(&rc, src);
}

static int start_worker(struct app *a)
{
	struct worker_config wc;
	struct scanner_source *src = NULL;
	const struct custscan_config *cfg = &a->cfg;
	int rc;

	memset(&wc, 0, sizeof(wc));
	scanner_config_init_default(&wc.scanner);
	/* Exactly the symbologies some card rule reads: no product codes otherwise. */
	wc.scanner.symbologies = cardrules_symbologies(a->rules);
	wc.scanner.budget_us = cfg->decode_budget_ms * 1000;
	wc.rules = a->rules;
	confirm_config_init_default(&wc.confirm);
	wc.confirm.k = cfg->confirm_k;
	wc.confirm.n = cfg->confirm_n;
	wc.confirm.cooldown_us = (int64_t)cfg->confirm_cooldown_ms * 1000;
	scanner_presence_config_init_default(&wc.presence);
	wc.preview_fps = cfg->preview ? cfg->preview_fps : 0;
	wc.reject_every_ms = 3000;
	wc.post = post_to_ui;
	wc.preview = cfg->preview ? preview_to_ui : NULL;
	wc.ctx = a;
	wc.metrics = &a->metrics;
	if (cfg->confirm_k > cfg->confirm_n) {
		log_err("config", "confirm_k (%d) must not exceed confirm_n (%d)", cfg->confirm_k,
			cfg->confirm_n);
		return -1;
	}
	rc = open_source(cfg, &src);
	if (rc) {
		log_err("camera", "%s %s: %s", config_source_name(cfg->source),
			cfg->source == CONFIG_SOURCE_CAMERA
			    ? cfg->camera_device
			    : (cfg->replay_path[0] ? cfg->replay_path : bundled_replay()),
			scanner_strerror(rc));
		return -1;
	}
	rc = worker_create(&wc, src, &a->worker);
	if (rc) {
		log_err("scanner", "cannot start: %s", scanner_strerror(rc));
		return -1;
	}
	return 0;
}

/* The link asks for the metrics a "status_query" wants (main thread). */
static void metrics_for_link(void *ctx, struct ipc_metrics *out)
{
	const struct app *a = ctx;

	metrics_to_ipc(&a->metrics, out);
}

/* What to do about sockets that cannot be opened, by the error. */
static const char *link_advice(int code)
{
	switch (code) {
	case IPC_ERR_PERM:
		return "the folder must belong to the user running custscan (systemd: "
		       "RuntimeDirectory=custscan)";
	case IPC_ERR_ADDRESS:
		return "fix scan_addr and control_addr in custscan.conf";
	default:
		return "is another custscan running, or the port taken";
	}
}

/*
 * Opens the register link. On failure the service note says why and what to
 * do, and the loop tries again every LINK_RETRY_MS: a kiosk whose socket
 * folder is not there yet comes up by itself once it is. Returns 0 or -1.
 */
static int open_link(struct app *a, int64_t now)
{
	struct ipc_display_config lc;
	struct ipc_error err = {0};
	char note[NOTE_BUFSZ];

	ipc_display_config_init(&lc);
	snprintf(lc.scan_addr, sizeof(lc.scan_addr), "%s", a->cfg.scan_addr);
	snprintf(lc.control_addr, sizeof(lc.control_addr), "%s", a->cfg.control_addr);
	lc.answer_timeout_ms = a->cfg.answer_timeout_ms;
	lc.ipc_mode = (unsigned)a->cfg.ipc_mode;
	snprintf(lc.ipc_group, sizeof(lc.ipc_group), "%s", a->cfg.ipc_group);
	lc.allow_remote = a->cfg.allow_remote;
	snprintf(lc.version, sizeof(lc.version), "%s", CUSTSCAN_VERSION);
	lc.metrics = metrics_for_link;
	lc.metrics_ctx = a;
	a->link = ipc_display_create(&lc, &err);
	if (!a->link) {
		snprintf(note, sizeof(note), "register link: %s: %s; %s; retrying every %d s",
			 ipc_strerror(err.code), err.detail, link_advice(err.code),
			 LINK_RETRY_MS / 1000);
		if (strcmp(note, a->note_link) != 0)
			log_err("link", "cannot open %s and %s: %s (%s)", lc.scan_addr,
				lc.control_addr, ipc_strerror(err.code), err.detail);
		memcpy(a->note_link, note, sizeof(note));
		a->link_retry_ms = now + LINK_RETRY_MS;
		update_note(a);
		return -1;
	}
	if (a->note_link[0])
		log_info("link", "opened %s and %s", lc.scan_addr, lc.control_addr);
	a->note_link[0] = '\0';
	a->link_opened_ms = now;
	ipc_display_set_camera(a->link, a->camera_word[0] ? a->camera_word : "off");
	update_note(a);
	return 0;
}

/*
 * Notices a register falling silent or talking again. Silent, the service
 * note says so and the screen shows "card scanning is paused" while scan
 * mode is on (no scan could be answered); the first message puts it back.
 */
static void check_register(struct app *a, int64_t now)
{
	int64_t heard;
	bool silent;

	if (!a->link)
		return;
	heard = ipc_display_last_heard_ms(a->link);
	if (heard < a->link_opened_ms)
		heard = a->link_opened_ms;
	silent = now - heard >= REGISTER_SILENCE_MS;
	if (silent == a->register_silent)
		return;
	a->register_silent = silent;
	if (silent) {
		snprintf(a->note_register, sizeof(a->note_register),
			 "no register has talked to this display for %d s: start the register and "
			 "point it at %s",
			 REGISTER_SILENCE_MS / 1000, a->cfg.control_addr);
		log_warn("link", "no register has talked for %d s", REGISTER_SILENCE_MS / 1000);
		display_simple(a, DISPLAY_EV_REGISTER_DOWN);
	} else {
		a->note_register[0] = '\0';
		log_info("link", "a register talks again");
		display_simple(a, DISPLAY_EV_REGISTER_UP);
	}
	update_note(a);
}

static int open_window(struct app *a)
{
	struct display_window_config wc;
	struct display_state_config sc;
	const char *driver;
	int err = 0;

	display_window_config_init_default(&wc);
	wc.title = "custscan";
	wc.width = a->cfg.display_width;
	wc.height = a->cfg.display_height;
	wc.fullscreen = a->cfg.fullscreen;
	wc.kiosk = a->cfg.kiosk;
	wc.rotation = a->cfg.rotation;
	wc.vsync = a->cfg.vsync;
	wc.software = a->cfg.software_render;
	wc.sounds = a->cfg.sounds;
	wc.render.font_dir = a->cfg.font_dir;
	wc.render.lang = a->cfg.lang;
	wc.render.idle_style = (enum display_idle_style)a->cfg.idle_style;
	wc.render.brand_name = a->cfg.brand_name;
	wc.render.logo_path = a->cfg.logo[0] ? a->cfg.logo : NULL;
	wc.render.camera_side = (enum display_side)a->cfg.camera_side;
	SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
	a->win = display_window_create(&wc, &err);
	if (!a->win) {
		log_err("screen", "cannot open the display: %s (%s)", display_strerror(err),
			SDL_GetError());
		return -1;
	}
	driver = SDL_GetCurrentVideoDriver();
	/* A kiosk takes no input (its events are pumped at every wake-up, at least
	 * at each heartbeat of the register); a desktop window does. */
	a->pump_input =
	    !a->cfg.kiosk &&
	    (!driver || (strcmp(driver, "offscreen") != 0 && strcmp(driver, "dummy") != 0));
	a->worker_event = SDL_RegisterEvents(1);
	if (a->worker_event == (uint32_t)-1) {
		log_err("screen", "no SDL event type left");
		return -1;
	}
	/* A silent register pauses scanning until it talks again, however long. */
	display_state_config_init_default(&sc);
	sc.register_down_ms = 0;
	a->state = display_state_create(&sc, mono_ms());
	if (!a->state) {
		log_err("screen", "out of memory");
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* The loop                                                         */
/* ---------------------------------------------------------------- */

/* Lowers *t to the time left until at (monotonic ms), if that is sooner. */
static void sooner(int64_t *t, int64_t at, int64_t now)
{
	if (at - now < *t)
		*t = at - now;
}

/*
 * How long the loop may sleep now, in ms: until the next thing due. With
 * scan mode off and no message on screen nothing is, and only the register
 * (the link's descriptors) or the worker (the pipe) wakes it.
 */
static int loop_timeout(const struct app *a, int64_t now)
{
	int64_t t = a->pump_input ? INPUT_POLL_MS : IDLE_WAIT_MS;
	int64_t deadline = display_state_deadline(a->state);
	int link = a->link ? ipc_display_timeout_ms(a->link) : -1;

	if (a->dirty || SDL_HasEvents(SDL_FIRSTEVENT, SDL_LASTEVENT))
		return 0; /* e.g. pushed by SDL itself while drawing */
	if (link >= 0)
		sooner(&t, now + link, now);
	if (deadline != INT64_MAX)
		sooner(&t, deadline, now);
	if (display_screen_is_scanning(display_state_screen(a->state)))
		sooner(&t, a->last_draw_ms + ANIMATE_MS, now);
	if (a->next_watchdog_ms)
		sooner(&t, a->next_watchdog_ms, now);
	if (!a->link)
		sooner(&t, a->link_retry_ms, now);
	else if (!a->register_silent)
		sooner(&t,
		       ipc_display_last_heard_ms(a->link) > a->link_opened_ms
			   ? ipc_display_last_heard_ms(a->link) + REGISTER_SILENCE_MS
			   : a->link_opened_ms + REGISTER_SILENCE_MS,
		       now);
	if (a->cfg.metrics_file[0])
		sooner(&t, a->next_metrics_ms, now);
	return t < 0 ? 0 : (int)t;
}

/* Sleeps until the pipe or the link has something, or timeout_ms passed. */
static void wait_for_work(const struct app *a, int timeout_ms)
{
	struct pollfd fds[1 + IPC_DISPLAY_POLLFDS];
	nfds_t n = 1;
	char buf[64];

	fds[0] = (struct pollfd){.fd = wake_pipe[0], .events = POLLIN};
	if (a->link)
		n += (nfds_t)ipc_display_pollfds(a->link, fds + 1);
	if (poll(fds, n, timeout_ms) > 0 && (fds[0].revents & POLLIN))
		while (read(wake_pipe[0], buf, sizeof(buf)) > 0)
			;
}

static bool handle_sdl(struct app *a, SDL_Event *e)
{
	if (e->type == a->worker_event) {
		on_worker_event(a, e->user.data1);
		return false;
	}
	if (e->type == display_window_wake_event(a->win) || e->type == SDL_WINDOWEVENT) {
		a->dirty = true;
		return false;
	}
	return display_window_handle_event(a->win, e);
}

static void housekeeping(struct app *a, int64_t now)
{
	if (!a->link && now >= a->link_retry_ms)
		open_link(a, now);
	if (a->next_watchdog_ms && now >= a->next_watchdog_ms) {
		notify_send("WATCHDOG=1");
		a->next_watchdog_ms = now + a->watchdog_every_ms;
	}
	if (a->cfg.metrics_file[0] && now >= a->next_metrics_ms) {
		if (metrics_write_file(&a->metrics, a->cfg.metrics_file) != 0)
			log_warn("metrics", "%s: %s", a->cfg.metrics_file, strerror(errno));
		a->next_metrics_ms = now + a->cfg.metrics_interval_ms;
	}
}

static int run(struct app *a)
{
	enum display_screen before;
	bool quit = false;
	int rc = 0;

	while (!stop_signal && !quit) {
		int64_t now;
		SDL_Event e;

		wait_for_work(a, loop_timeout(a, mono_ms()));
		while (!quit && SDL_PollEvent(&e))
			quit = handle_sdl(a, &e);
		rc = service_link(a);
		if (rc < 0) {
			log_err("link", "socket failed: %s", ipc_strerror(rc));
			break;
		}
		now = mono_ms();
		check_register(a, now);
		before = display_state_screen(a->state);
		display_state_tick(a->state, now);
		log_screen(a, before);
		draw(a, now);
		housekeeping(a, now);
	}
	if (stop_signal)
		log_info("main", "signal %d: stopping", (int)stop_signal);
	return rc < 0 ? 1 : 0;
}

/* Frees worker events still queued after the worker stopped. */
static void drain_events(struct app *a)
{
	SDL_Event e;

	while (SDL_PeepEvents(&e, 1, SDL_GETEVENT, a->worker_event, a->worker_event) == 1)
		free(e.user.data1);
}

int main(int argc, char **argv)
{
	static struct app a;
	struct sigaction sa;
	struct cli cli;
	int64_t wd;
	int rc, status = 1;

	rc = parse_cli(argc, argv, &cli);
	if (rc) {
		if (rc < 0)
			fputs("custscan: bad usage (custscan --help lists the options)\n", stderr);
		return rc > 0 ? 0 : 2;
	}
	if (load_settings(&a, &cli))
		return 2;
	if (cli.check_only) {
		config_dump(&a.cfg, stdout);
		cardrules_destroy(a.rules);
		return 0;
	}
	log_set_level(a.cfg.log_level);
	log_set_journal(getenv("JOURNAL_STREAM") != NULL);
	if (cli.headless) {
		setenv("SDL_VIDEODRIVER", "offscreen", 0);
		setenv("SDL_AUDIODRIVER", "dummy", 0);
	}
	metrics_init(&a.metrics);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	log_info("main", "custscan %s, %s source, link %s and %s", CUSTSCAN_VERSION,
		 config_source_name(a.cfg.source), a.cfg.scan_addr, a.cfg.control_addr);
	if (wake_open() != 0) {
		log_err("main", "wake-up pipe: %s", strerror(errno));
		goto out;
	}
	if (open_window(&a))
		goto out;
	open_link(&a, mono_ms()); /* on failure: on screen, and tried again */
	if (start_worker(&a))
		goto out;

	wd = notify_watchdog_usec();
	if (wd > 0) {
		a.watchdog_every_ms = wd / 2000 > 0 ? wd / 2000 : 1;
		a.next_watchdog_ms = mono_ms();
	}
	notify_send("READY=1");
	log_info("screen", "%s", display_screen_name(display_state_screen(a.state)));
	a.dirty = true;
	status = run(&a);
	notify_send("STOPPING=1");

out:
	worker_destroy(a.worker); /* the camera is released here */
	cardrules_destroy(a.rules);
	if (a.link) {
		service_link(&a); /* answer what has arrived: no request left unanswered */
		ipc_display_destroy(a.link);
	}
	if (a.win) {
		drain_events(&a);
		display_state_destroy(a.state);
		display_window_destroy(a.win);
	}
	SDL_Quit();
	wake_close();
	if (a.cfg.metrics_file[0] && status == 0)
		metrics_write_file(&a.metrics, a.cfg.metrics_file);
	log_info("main", "stopped");
	return status;
}
