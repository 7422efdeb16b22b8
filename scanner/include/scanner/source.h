/*
 * Frame sources: where luma frames come from.
 *
 * A source is either a V4L2 camera (camera.c) or a replay of files
 * (replay.c); both sit behind one small table of operations, the way ZBar's
 * video backends do, so the capture loop, the daemon's demo and the tests do
 * not care which one they hold.
 *
 * The life of a source: open (nothing is touched yet), start (the camera is
 * opened and streams, its LED on), next ... next, stop (the camera is closed,
 * its LED off), start again, destroy. A camera streams only between start and
 * stop, so the daemon starts it when scan mode goes on.
 *
 * scanner_source_next() always hands out the newest frame: frames that were
 * captured while the caller was busy are dropped and counted, never queued.
 *
 * A camera survives faults on its own: absent, busy, no permission, no usable
 * format, unplugged, stalled. Each is a state with a message for the
 * installer (scanner_source_state, scanner_source_message), and next() keeps
 * retrying with back-off while the caller's loop goes on calling it. next()
 * never blocks longer than the timeout it is given.
 *
 * A source is not thread-safe: one capture thread owns it. The state, message
 * and stats may be read by the owning thread only; copy them out to share.
 */
#ifndef SCANNER_SOURCE_H
#define SCANNER_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/frame.h"

struct scanner_source;

/* What a source is doing. The display shows it, the register can query it. */
enum scanner_source_state {
	SCANNER_SOURCE_STOPPED,		   /* not started, or stopped: camera closed */
	SCANNER_SOURCE_STREAMING,	   /* frames are arriving */
	SCANNER_SOURCE_ABSENT,		   /* no device at the path; retrying */
	SCANNER_SOURCE_BUSY,		   /* another program holds the camera; retrying */
	SCANNER_SOURCE_NO_PERMISSION,	   /* the device may not be opened; retrying */
	SCANNER_SOURCE_UNSUPPORTED_FORMAT, /* no format or streaming mode we can use */
	SCANNER_SOURCE_UNPLUGGED,	   /* the camera went away while streaming */
	SCANNER_SOURCE_STALLED,		   /* streaming, but no frame for too long */
	SCANNER_SOURCE_FAILED,		   /* any other device error; retrying */
	SCANNER_SOURCE_ENDED,		   /* a replay without looping ran out of frames */
};

/* Short stable name of a state ("streaming", "no_permission", ...). */
const char *scanner_source_state_name(enum scanner_source_state state);

/* Counters since the source was opened. */
struct scanner_source_stats {
	uint64_t frames;	    /* frames handed out by next() */
	uint64_t dropped;	    /* frames captured but skipped for a newer one */
	uint64_t faults;	    /* transitions into a fault state */
	uint64_t recoveries;	    /* times streaming resumed after a fault */
	uint64_t starts;	    /* successful device openings (camera) or starts */
	int64_t first_frame_us;	    /* start() to the first frame of the last start, -1 if none */
	uint64_t exposure_adjusted; /* exposure changes made from hints */
};

/* The format a source delivers, as negotiated. */
struct scanner_source_format {
	uint32_t fourcc; /* V4L2 fourcc of the buffers (GREY, YUYV, NV12, YU12), 0 for replay */
	bool converted;	 /* libv4l2 converts from the camera's own format */
	uint32_t native; /* the camera's own fourcc when converted, else == fourcc */
	int width;	 /* pixels */
	int height;	 /* rows */
	int fps_num;	 /* frame rate as a fraction; 0/0 when unknown */
	int fps_den;	 /* */
	int buffers;	 /* number of mmap buffers streaming */
};

/* ------------------------------------------------------------------ camera */

/* Marks a control value "do not touch"; SCANNER_CTRL_DEFAULT means the
 * camera's own default (from VIDIOC_QUERYCTRL). */
#define SCANNER_CTRL_KEEP    INT32_MIN
#define SCANNER_CTRL_DEFAULT (INT32_MIN + 1)

enum scanner_exposure_mode {
	SCANNER_EXPOSURE_KEEP,	       /* leave the camera's exposure mode alone */
	SCANNER_EXPOSURE_MANUAL,       /* manual, exposure_time; hints adjust it */
	SCANNER_EXPOSURE_AUTO,	       /* automatic, darkened by exposure_bias where possible */
	SCANNER_EXPOSURE_AUTO_LIMITED, /* automatic (and exposure_bias) until a hint says a
					  code is blown out: then manual at no more than
					  exposure_limit, and hints adjust it (see
					  scanner_source_set_exposure_hint) */
};

enum scanner_focus_mode {
	SCANNER_FOCUS_KEEP,	  /* leave focus alone */
	SCANNER_FOCUS_NEAR,	  /* autofocus off, focus_near in the camera's range */
	SCANNER_FOCUS_CONTINUOUS, /* continuous autofocus */
};

/*
 * The "phone screen" control profile, applied each time streaming starts.
 * Each control is applied only if the camera has it; what was applied and
 * read back is listed by scanner_source_controls().
 */
struct scanner_camera_profile {
	enum scanner_exposure_mode exposure_mode;
	int32_t exposure_time;	/* 100 µs units (V4L2_CID_EXPOSURE_ABSOLUTE), manual mode */
	int32_t exposure_bias;	/* V4L2_CID_AUTO_EXPOSURE_BIAS, auto mode; negative darkens */
	int32_t exposure_limit; /* AUTO_LIMITED: the longest exposure once a code was blown
				   out, 100 µs units */
	bool exposure_priority; /* allow the camera to lower the frame rate in the dark */
	int32_t gain;		/* V4L2_CID_GAIN; autogain is turned off when set */
	enum scanner_focus_mode focus_mode;
	int focus_near_permille;  /* NEAR: position in FOCUS_ABSOLUTE's range, 0..1000 */
	int power_line_hz;	  /* 50, 60, or 0 to leave anti-flicker alone */
	int32_t backlight;	  /* V4L2_CID_BACKLIGHT_COMPENSATION; 0 = off */
	int32_t sharpness;	  /* V4L2_CID_SHARPNESS */
	bool exposure_from_hints; /* adjust exposure from scanner_source_set_exposure_hint */
};

/* Most controls reported by scanner_source_controls(). */
#define SCANNER_MAX_CONTROLS 16

/* One control of the profile, as the last start left it. */
struct scanner_control_report {
	uint32_t id;	   /* V4L2 control id */
	const char *name;  /* our name for it ("exposure_time", "gain", ...) */
	int32_t requested; /* value written */
	int32_t readback;  /* value read back after writing */
	int err;	   /* 0, or the errno of a failed write or read back */
};

/* Called for state changes and applied controls; level is a syslog level. */
typedef void scanner_source_log_fn(void *ctx, int level, const char *msg);

struct scanner_camera_config {
	const char *device; /* "/dev/video0" or "/dev/v4l/by-id/...", copied */
	int width;	    /* wanted size; the nearest the camera offers is taken */
	int height;	    /* */
	int fps;	    /* wanted frame rate */
	int buffers;	    /* mmap buffers, at least 3 */
	uint32_t fourcc;    /* force a fourcc, or 0 to negotiate */
	int stall_ms;	    /* no frame for this long while streaming = stalled */
	int retry_min_ms;   /* first back-off after a fault */
	int retry_max_ms;   /* back-off doubles up to this */
	struct scanner_camera_profile profile;
	scanner_source_log_fn *log; /* may be NULL */
	void *log_ctx;		    /* passed to log */
};

/*
 * Fills *cfg with the defaults: 640x480 at 30 fps (the largest common size
 * a USB 2 webcam sends raw at 30 fps; see README "Cameras" for the
 * measurements behind it), 4 buffers, stalled after 2 s, back-off
 * 250 ms to 4 s, and the phone-screen profile: manual exposure of 10 ms, auto
 * priority off, camera-default gain and sharpness, near focus, 50 Hz
 * anti-flicker, backlight compensation off, exposure adjusted from hints
 * (exposure_limit, for AUTO_LIMITED only, 10 ms).
 * device is NULL: the caller must set it.
 */
void scanner_camera_config_init_default(struct scanner_camera_config *cfg);

/*
 * Creates a camera source. Opens nothing: the device is opened by start(),
 * so a camera that is absent now is no error. Returns 0 and sets *out, or
 * INVAL (no device, buffers < 3, bad size) or NOMEM.
 */
int scanner_source_open_camera(const struct scanner_camera_config *cfg,
			       struct scanner_source **out);

/* ------------------------------------------------------------------ replay */

/*
 * A replay plays files as if they came from a camera. Each path is a file or
 * a folder (its files in name order, hidden files skipped). A file is read by
 * its content and name:
 * - PGM, PNG, JPEG (through scanner_image_load): one frame;
 * - *.y4m: every frame of a YUV4MPEG2 stream (C420*, C422, C444, Cmono);
 * - *.yuyv or *.yuv with yuyv_width/height set: raw packed YUYV frames.
 */
struct scanner_replay_config {
	const char *const *paths; /* files or folders, in play order; copied */
	size_t n_paths;		  /* number of paths */
	int yuyv_width;		  /* size of raw YUYV frames, 0 if none are given */
	int yuyv_height;	  /* */
	int fps;		  /* frame rate for timestamps and pacing */
	bool loop;		  /* start over at the end instead of ENDED */
	bool realtime;		  /* deliver on the frame clock, dropping late frames */
};

/* Fills *cfg: no paths, 30 fps, no looping, not paced. */
void scanner_replay_config_init_default(struct scanner_replay_config *cfg);

/*
 * Creates a replay source. Folders are listed now, files are read as they
 * are played. Returns 0 and sets *out, or INVAL (no path, fps <= 0), NOENT
 * (a path that does not exist, or an empty folder) or NOMEM.
 */
int scanner_source_open_replay(const struct scanner_replay_config *cfg,
			       struct scanner_source **out);

/* ------------------------------------------------------------------ common */

/* Stops the source if needed and frees it; accepts NULL. */
void scanner_source_destroy(struct scanner_source *src);

/*
 * Starts streaming ("scan mode on"). A camera is opened, negotiated, given its
 * profile and started. Returns 0 when streaming, or SCANNER_ERR_CAMERA when
 * the camera is in a fault state (see state and message); the source then
 * keeps retrying inside next(), so the caller need not call start again.
 * Starting a started source does nothing.
 */
int scanner_source_start(struct scanner_source *src);

/* Stops streaming ("scan mode off"): the camera is released and closed, all
 * buffers unmapped, the state STOPPED. Returns 0; accepts a stopped source. */
int scanner_source_stop(struct scanner_source *src);

/*
 * Waits at most timeout_ms (0 = do not wait) for the newest frame and views it
 * in *out. The pixels stay valid until the next call of next, stop or
 * destroy on this source. Returns 0 with a frame, or:
 * - SCANNER_ERR_AGAIN: no frame this time (none yet, or the camera is in a
 *   fault state and is being retried; see scanner_source_state);
 * - SCANNER_ERR_END: a replay without looping has played every frame;
 * - SCANNER_ERR_INVAL: the source is not started;
 * - another scanner_err for a replay file that cannot be read (the replay
 *   moves on to the next file).
 */
int scanner_source_next(struct scanner_source *src, int timeout_ms, struct scanner_frame *out);

/* The current state. */
enum scanner_source_state scanner_source_state(const struct scanner_source *src);

/* A sentence for the installer about the current state, naming the device
 * and what to do. Owned by the source, valid until its next call. */
const char *scanner_source_message(const struct scanner_source *src);

/* Copies the counters into *stats. */
void scanner_source_stats(const struct scanner_source *src, struct scanner_source_stats *stats);

/* The negotiated format into *fmt. Returns 0, or SCANNER_ERR_AGAIN when the
 * source has not streamed yet. */
int scanner_source_format(const struct scanner_source *src, struct scanner_source_format *fmt);

/*
 * The profile's controls as applied by the last start: *out points into the
 * source (valid until its next call), and the count is returned. A control
 * the camera lacks is not listed. 0 for a replay.
 */
size_t scanner_source_controls(const struct scanner_source *src,
			       const struct scanner_control_report **out);

/*
 * Tells the source the mean luma (0..255) of the region where a code was last
 * found. A camera in manual exposure nudges its exposure toward a mid grey,
 * so a screen held close is neither black nor white; the first hint after an
 * adjustment that has not reached a new frame yet is ignored. Returns 0
 * (also when the camera has no exposure control or hints are off), or INVAL.
 */
int scanner_source_set_exposure_hint(struct scanner_source *src, int luma_mean);

/* ------------------------------------------------------------------ probing */

/* Fixed capacities of a camera description. */
#define SCANNER_CAMINFO_MAX_FORMATS  64
#define SCANNER_CAMINFO_MAX_SIZES    24
#define SCANNER_CAMINFO_MAX_CONTROLS 48

struct scanner_caminfo_size {
	int width;     /* pixels */
	int height;    /* rows */
	int fps_max;   /* highest discrete frame rate offered, 0 if unknown */
	int fps_min;   /* lowest, 0 if unknown */
	bool stepwise; /* the camera gave a range: width/height are its maximum */
};

struct scanner_caminfo_format {
	uint32_t fourcc;      /* V4L2 fourcc */
	char description[32]; /* the driver's (or libv4l2's) description */
	bool emulated;	      /* offered by libv4l2's conversion, not the camera */
	size_t n_sizes;	      /* sizes[0..n_sizes) */
	struct scanner_caminfo_size sizes[SCANNER_CAMINFO_MAX_SIZES];
};

struct scanner_caminfo_control {
	uint32_t id;	 /* V4L2 control id */
	char name[32];	 /* the driver's name */
	int type;	 /* enum v4l2_ctrl_type */
	int32_t minimum; /* range */
	int32_t maximum; /* */
	int32_t step;	 /* */
	int32_t def;	 /* default */
	int32_t value;	 /* current value */
	bool inactive;	 /* V4L2_CTRL_FLAG_INACTIVE (e.g. manual value under auto) */
};

struct scanner_caminfo {
	char driver[16];  /* VIDIOC_QUERYCAP driver */
	char card[32];	  /* card name */
	char bus[32];	  /* bus info */
	bool capture;	  /* can capture video */
	bool streaming;	  /* supports mmap streaming */
	size_t n_formats; /* formats[0..n_formats) */
	struct scanner_caminfo_format formats[SCANNER_CAMINFO_MAX_FORMATS];
	size_t n_controls; /* controls[0..n_controls) */
	struct scanner_caminfo_control controls[SCANNER_CAMINFO_MAX_CONTROLS];
};

/*
 * Describes the camera at device (formats, sizes, frame rates, controls)
 * without streaming. Returns 0, or SCANNER_ERR_CAMERA with *state set to the
 * reason (absent, busy, no permission, ...) when it cannot be opened.
 */
int scanner_camera_describe(const char *device, struct scanner_caminfo *info,
			    enum scanner_source_state *state);

/* Fourcc as four characters plus NUL into buf[5]; returns buf. */
const char *scanner_fourcc_str(uint32_t fourcc, char buf[5]);

#endif
