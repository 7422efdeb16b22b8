/*
 * The V4L2 camera source: negotiation, mmap streaming through libv4l2, the
 * phone-screen control profile, newest-frame delivery, and recovery from
 * every fault the camera can throw at it.
 *
 * The shape follows the kernel's reference capture program: open, init
 * (format, buffers), start, loop, stop, uninit, close, with teardown the
 * mirror of setup (STREAMOFF, munmap, REQBUFS 0, close). Every device call
 * goes through libv4l2, so a camera that only speaks MJPEG is converted, and
 * so the tests can wrap those calls with a simulated camera.
 *
 * Faults never leave the caller stuck: a failed bring-up or a dead stream
 * releases everything, sets a state with an installer-facing message, and
 * schedules a new attempt after a back-off that doubles up to a limit. The
 * attempts run inside next(), which never waits longer than its timeout.
 */
#include "scanner/error.h"
#include "scanner/image.h"
#include "scanner/source.h"
#include "source_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>

#include <libv4l2.h>
#include <linux/videodev2.h>

/* Most mmap buffers asked for; the driver may give fewer or more. */
#define CAMERA_MAX_BUFFERS 8
/* Exposure hints: the target mean luma of a code's region and the band
 * around it in which nothing is changed. */
#define EXPOSURE_TARGET	   128
#define EXPOSURE_BAND_LOW  80
#define EXPOSURE_BAND_HIGH 176

struct camera_buffer {
	void *start;   /* v4l2_mmap'ed, or MAP_FAILED when not mapped */
	size_t length; /* bytes mapped */
};

struct camera {
	struct scanner_source base;		       /* shared part; first */
	struct scanner_camera_config cfg;	       /* copy of the caller's */
	char *device;				       /* copy of cfg.device */
	int fd;					       /* v4l2_open'ed, or -1 */
	bool streaming;				       /* STREAMON done */
	bool reqbufs;				       /* REQBUFS done, so REQBUFS 0 is owed */
	struct camera_buffer bufs[CAMERA_MAX_BUFFERS]; /* mapped buffers */
	unsigned n_bufs;			       /* bufs[0..n_bufs) */
	int held;		/* buffer index viewed by the caller's frame, or -1 */
	uint32_t bytesperline;	/* of the negotiated format */
	uint8_t *luma;		/* owned luma plane for YUYV, width * height */
	size_t luma_size;	/* bytes allocated at luma */
	int64_t retry_at_us;	/* when a faulted source tries again */
	int backoff_ms;		/* the next back-off */
	int64_t start_us;	/* when start() was called (scan mode on) */
	int64_t wait_from_us;	/* since when next() has waited without a frame */
	bool delivered;		/* the last next() handed out a frame */
	uint64_t sequence;	/* frames handed out, for scanner_frame.sequence */
	char where[64];		/* the call that failed ("VIDIOC_S_FMT") */
	int where_errno;	/* its errno */
	bool exposure_ok;	/* manual exposure is on and can be adjusted */
	bool auto_limited;	/* AUTO_LIMITED: auto exposure on, not yet limited */
	int32_t exposure;	/* current EXPOSURE_ABSOLUTE */
	int32_t exposure_min;	/* its range */
	int32_t exposure_max;	/* */
	uint64_t hint_from_seq; /* hints before this frame see an old exposure */
};

static struct camera *to_camera(struct scanner_source *src)
{
	return (struct camera *)src;
}

/* ------------------------------------------------------------------ helpers */

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void camera_log(struct camera *c, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void camera_log(struct camera *c, int level, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!c->cfg.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->cfg.log(c->cfg.log_ctx, level, msg);
}

/* v4l2_ioctl, retried on EINTR. Returns 0 or -1 with errno set. */
static int xioctl(int fd, unsigned long request, void *arg)
{
	int r;

	do {
		r = v4l2_ioctl(fd, request, arg);
	} while (r == -1 && errno == EINTR);
	return r;
}

/* Remembers which call failed and why, for the message. Returns -1. */
static int failed(struct camera *c, const char *where, int err)
{
	snprintf(c->where, sizeof(c->where), "%s", where);
	c->where_errno = err;
	return -1;
}

/* The group that owns the device node, for the "join this group" advice. */
static void device_group(const char *path, char *buf, size_t size)
{
	struct stat st;
	struct group grp, *res = NULL;
	char tmp[1024];

	snprintf(buf, size, "video");
	if (stat(path, &st) != 0)
		return;
	if (getgrgid_r(st.st_gid, &grp, tmp, sizeof(tmp), &res) == 0 && res && st.st_gid != 0)
		snprintf(buf, size, "%s", res->gr_name);
}

/* ------------------------------------------------------------------ states */

/*
 * The state a failed call leads to. Which errno means what depends on the
 * stage: ENODEV when opening is a missing device, while streaming it is an
 * unplugged one.
 */
static enum scanner_source_state state_for(int err, bool opening, bool streaming)
{
	switch (err) {
	case ENOENT:
	case ENXIO:
		return SCANNER_SOURCE_ABSENT;
	case ENODEV:
		return opening ? SCANNER_SOURCE_ABSENT : SCANNER_SOURCE_UNPLUGGED;
	case EBUSY:
		return SCANNER_SOURCE_BUSY;
	case EACCES:
	case EPERM:
		return SCANNER_SOURCE_NO_PERMISSION;
	case EIO:
	case EPIPE:
		return streaming ? SCANNER_SOURCE_UNPLUGGED : SCANNER_SOURCE_FAILED;
	case ETIMEDOUT:
		return SCANNER_SOURCE_STALLED;
	default:
		return SCANNER_SOURCE_FAILED;
	}
}

static void set_state(struct camera *c, enum scanner_source_state state)
{
	struct scanner_source *s = &c->base;
	const char *dev = c->device;
	const char *why = c->where_errno ? strerror(c->where_errno) : "no detail";
	char fcc[5], group[64];
	bool was_fault = scanner_source_state_is_fault(s->state);

	switch (state) {
	case SCANNER_SOURCE_STOPPED:
		snprintf(s->message, sizeof(s->message), "camera %s is off (scan mode off)", dev);
		break;
	case SCANNER_SOURCE_STREAMING:
		snprintf(s->message, sizeof(s->message), "camera %s streaming %s %dx%d at %.3g fps",
			 dev, scanner_fourcc_str(s->format.fourcc, fcc), s->format.width,
			 s->format.height,
			 s->format.fps_den ? (double)s->format.fps_num / s->format.fps_den : 0.0);
		break;
	case SCANNER_SOURCE_ABSENT:
		snprintf(s->message, sizeof(s->message),
			 "no camera at %s: plug it in or check the cable and the configured device "
			 "(ls /dev/v4l/by-id); custscan keeps trying",
			 dev);
		break;
	case SCANNER_SOURCE_BUSY:
		snprintf(s->message, sizeof(s->message),
			 "camera %s is in use by another program: close it (fuser -v %s shows "
			 "which); custscan keeps trying",
			 dev, dev);
		break;
	case SCANNER_SOURCE_NO_PERMISSION:
		device_group(dev, group, sizeof(group));
		snprintf(s->message, sizeof(s->message),
			 "no permission to open camera %s: add the user running custscan to the "
			 "group '%s' (usermod -aG %s USER) and log in again",
			 dev, group, group);
		break;
	case SCANNER_SOURCE_UNSUPPORTED_FORMAT:
		snprintf(s->message, sizeof(s->message),
			 "camera %s offers no usable format (%s: %s): use a UVC camera with "
			 "YUYV, GREY, NV12 or MJPEG, and check it with custscan-probe",
			 dev, c->where, why);
		break;
	case SCANNER_SOURCE_UNPLUGGED:
		snprintf(s->message, sizeof(s->message),
			 "camera %s was unplugged (%s: %s): plug it back in; custscan resumes on "
			 "its own",
			 dev, c->where, why);
		break;
	case SCANNER_SOURCE_STALLED:
		snprintf(s->message, sizeof(s->message),
			 "camera %s stopped sending frames: check the cable and USB power; "
			 "custscan restarts the camera",
			 dev);
		break;
	case SCANNER_SOURCE_FAILED:
	default:
		snprintf(s->message, sizeof(s->message),
			 "camera %s failed (%s: %s): custscan keeps trying; if this persists, "
			 "replug the camera",
			 dev, c->where, why);
		break;
	}
	if (scanner_source_state_is_fault(state) && state != s->state)
		s->stats.faults++;
	if (state == SCANNER_SOURCE_STREAMING && was_fault)
		s->stats.recoveries++;
	if (state != s->state)
		camera_log(c, scanner_source_state_is_fault(state) ? LOG_WARNING : LOG_INFO,
			   "camera: %s: %s", scanner_source_state_name(state), s->message);
	s->state = state;
}

/* ------------------------------------------------------------------ teardown */

/* Releases the device in the reverse order of setup; always leaves fd -1.
 * Errors are ignored: after an unplug every call fails with ENODEV. */
static void camera_release(struct camera *c)
{
	if (c->fd >= 0 && c->streaming) {
		enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;

		xioctl(c->fd, VIDIOC_STREAMOFF, &type);
	}
	c->streaming = false;
	for (unsigned i = 0; i < c->n_bufs; i++) {
		if (c->bufs[i].start != MAP_FAILED)
			v4l2_munmap(c->bufs[i].start, c->bufs[i].length);
		c->bufs[i].start = MAP_FAILED;
	}
	c->n_bufs = 0;
	if (c->fd >= 0 && c->reqbufs) {
		struct v4l2_requestbuffers rb;

		memset(&rb, 0, sizeof(rb));
		rb.count = 0;
		rb.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		rb.memory = V4L2_MEMORY_MMAP;
		xioctl(c->fd, VIDIOC_REQBUFS, &rb);
	}
	c->reqbufs = false;
	if (c->fd >= 0)
		v4l2_close(c->fd);
	c->fd = -1;
	c->held = -1;
	c->exposure_ok = false;
}

/* Releases everything, enters a fault state and schedules the next try. */
static void camera_fault(struct camera *c, enum scanner_source_state state)
{
	int64_t now = now_us();

	camera_release(c);
	/* A camera that was unplugged is still "unplugged" while its node is gone. */
	if (state == SCANNER_SOURCE_ABSENT && c->base.state == SCANNER_SOURCE_UNPLUGGED)
		state = SCANNER_SOURCE_UNPLUGGED;
	set_state(c, state);
	c->retry_at_us = now + (int64_t)c->backoff_ms * 1000;
	c->backoff_ms =
	    c->backoff_ms * 2 > c->cfg.retry_max_ms ? c->cfg.retry_max_ms : c->backoff_ms * 2;
}

/* ------------------------------------------------------------------ negotiation */

/* Formats whose luma plane is used without conversion, best first. */
static const uint32_t luma_formats[] = {
    V4L2_PIX_FMT_GREY, V4L2_PIX_FMT_YUYV,   V4L2_PIX_FMT_NV12,
    V4L2_PIX_FMT_NV21, V4L2_PIX_FMT_YUV420, V4L2_PIX_FMT_YVU420,
};
#define N_LUMA_FORMATS (sizeof(luma_formats) / sizeof(luma_formats[0]))

/* Most formats enumerated; vivid alone lists about sixty. */
#define CAMERA_MAX_ENUM_FORMATS 128

struct format_list {
	size_t n;				  /* entries */
	uint32_t fourcc[CAMERA_MAX_ENUM_FORMATS]; /* as enumerated */
	bool emulated[CAMERA_MAX_ENUM_FORMATS];	  /* from libv4l2's conversion */
	char desc[CAMERA_MAX_ENUM_FORMATS][32];	  /* description */
};

static int enum_formats(int fd, struct format_list *fl)
{
	fl->n = 0;
	for (uint32_t i = 0; fl->n < CAMERA_MAX_ENUM_FORMATS; i++) {
		struct v4l2_fmtdesc fd_;

		memset(&fd_, 0, sizeof(fd_));
		fd_.index = i;
		fd_.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		if (xioctl(fd, VIDIOC_ENUM_FMT, &fd_) != 0)
			return errno == EINVAL ? 0 : -1;
		fl->fourcc[fl->n] = fd_.pixelformat;
		fl->emulated[fl->n] = (fd_.flags & V4L2_FMT_FLAG_EMULATED) != 0;
		snprintf(fl->desc[fl->n], sizeof(fl->desc[0]), "%s", (const char *)fd_.description);
		fl->n++;
	}
	return 0;
}

/*
 * The highest frame rate the camera lists for fourcc at w x h, or 0 if it
 * lists none (ENUM_FRAMEINTERVALS unsupported: the rate is then unknown).
 * For a format libv4l2 converts, libv4l2 lists the rates of the format it
 * converts from (a webcam's MJPEG at 1280x720).
 */
static double max_fps(struct camera *c, uint32_t fourcc, uint32_t w, uint32_t h)
{
	double best = 0.0;

	for (uint32_t i = 0; i < 64; i++) {
		struct v4l2_frmivalenum fi;
		const struct v4l2_fract *t;

		memset(&fi, 0, sizeof(fi));
		fi.index = i;
		fi.pixel_format = fourcc;
		fi.width = w;
		fi.height = h;
		if (xioctl(c->fd, VIDIOC_ENUM_FRAMEINTERVALS, &fi) != 0)
			break;
		t = fi.type == V4L2_FRMIVAL_TYPE_DISCRETE ? &fi.discrete : &fi.stepwise.min;
		if (t->numerator && (double)t->denominator / t->numerator > best)
			best = (double)t->denominator / t->numerator;
		if (fi.type != V4L2_FRMIVAL_TYPE_DISCRETE)
			break;
	}
	return best;
}

/* S_FMT of fourcc at the wanted size. Returns 0 with *fmt set, 1 to skip it, <0 error. */
static int try_format(struct camera *c, uint32_t fourcc, struct v4l2_format *fmt)
{
	memset(fmt, 0, sizeof(*fmt));
	fmt->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	fmt->fmt.pix.width = (uint32_t)c->cfg.width;
	fmt->fmt.pix.height = (uint32_t)c->cfg.height;
	fmt->fmt.pix.pixelformat = fourcc;
	fmt->fmt.pix.field = V4L2_FIELD_NONE;
	if (xioctl(c->fd, VIDIOC_S_FMT, fmt) != 0)
		return errno == EINVAL ? 1 : failed(c, "VIDIOC_S_FMT", errno);
	if (fmt->fmt.pix.pixelformat != fourcc || fmt->fmt.pix.width == 0 ||
	    fmt->fmt.pix.height == 0 || fmt->fmt.pix.width > SCANNER_IMAGE_MAX_SIDE ||
	    fmt->fmt.pix.height > SCANNER_IMAGE_MAX_SIDE)
		return 1;
	return 0;
}

/*
 * Picks the format: a forced fourcc, else the first of luma_formats the
 * camera has itself, else the first libv4l2 can convert to. Each candidate
 * is tried with S_FMT at the wanted size; the driver picks the nearest size.
 * A candidate that cannot reach the wanted frame rate at that size gives way
 * to a later one that can: a USB 2 webcam sends 1280x720 raw at about 10 fps
 * and 30 fps only as MJPEG, which libv4l2 converts. If none can, the fastest
 * is taken.
 */
static int negotiate(struct camera *c)
{
	struct format_list fl;
	uint32_t cand[2 * N_LUMA_FORMATS];
	bool cand_emulated[2 * N_LUMA_FORMATS];
	size_t n_cand = 0, k, fastest;
	uint32_t native = 0;
	struct v4l2_format fmt;
	double fastest_fps = 0.0;
	int rc;

	if (enum_formats(c->fd, &fl) != 0)
		return failed(c, "VIDIOC_ENUM_FMT", errno);
	for (size_t i = 0; i < fl.n; i++)
		if (!fl.emulated[i] && !native)
			native = fl.fourcc[i];
	for (int pass = 0; pass < 2; pass++)
		for (size_t j = 0; j < N_LUMA_FORMATS; j++)
			for (size_t i = 0; i < fl.n; i++) {
				if (fl.fourcc[i] != luma_formats[j] ||
				    fl.emulated[i] != (pass == 1))
					continue;
				if ((c->cfg.fourcc && fl.fourcc[i] != c->cfg.fourcc) ||
				    n_cand == sizeof(cand) / sizeof(cand[0]))
					continue;
				cand[n_cand] = fl.fourcc[i];
				cand_emulated[n_cand++] = fl.emulated[i];
			}
	if (n_cand == 0)
		return failed(c, "no GREY, YUYV, NV12 or YUV420 format", EINVAL);
	fastest = n_cand;

	for (k = 0; k < n_cand; k++) {
		double fps;

		rc = try_format(c, cand[k], &fmt);
		if (rc < 0)
			return rc;
		if (rc > 0)
			continue;
		fps = max_fps(c, cand[k], fmt.fmt.pix.width, fmt.fmt.pix.height);
		if (fps <= 0.0 || fps >= c->cfg.fps - 0.5)
			break; /* fast enough, or the camera does not say */
		if (fps > fastest_fps) {
			fastest = k;
			fastest_fps = fps;
		}
	}
	if (k == n_cand) {
		/* None reaches the rate: the fastest, set again. */
		if (fastest == n_cand)
			return failed(c, "VIDIOC_S_FMT", EINVAL);
		k = fastest;
		rc = try_format(c, cand[k], &fmt);
		if (rc != 0)
			return rc < 0 ? rc : failed(c, "VIDIOC_S_FMT", EINVAL);
	}
	c->base.format.fourcc = cand[k];
	c->base.format.converted = cand_emulated[k];
	c->base.format.native = cand_emulated[k] ? native : cand[k];
	c->base.format.width = (int)fmt.fmt.pix.width;
	c->base.format.height = (int)fmt.fmt.pix.height;
	c->bytesperline = fmt.fmt.pix.bytesperline;
	if (c->bytesperline == 0)
		c->bytesperline = fmt.fmt.pix.width * (cand[k] == V4L2_PIX_FMT_YUYV ? 2 : 1);
	return 0;
}

/* Asks for the frame rate; a camera without it keeps its own. */
static void set_frame_rate(struct camera *c)
{
	struct v4l2_streamparm parm;

	memset(&parm, 0, sizeof(parm));
	parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	c->base.format.fps_num = 0;
	c->base.format.fps_den = 0;
	if (xioctl(c->fd, VIDIOC_G_PARM, &parm) != 0)
		return;
	if (parm.parm.capture.capability & V4L2_CAP_TIMEPERFRAME) {
		parm.parm.capture.timeperframe.numerator = 1;
		parm.parm.capture.timeperframe.denominator = (uint32_t)c->cfg.fps;
		if (xioctl(c->fd, VIDIOC_S_PARM, &parm) != 0)
			return;
	}
	/* timeperframe is seconds per frame: fps is its inverse, reduced
	 * (vivid's 720p60 says 12375/742500). */
	if (parm.parm.capture.timeperframe.numerator) {
		uint32_t a = parm.parm.capture.timeperframe.denominator;
		uint32_t b = parm.parm.capture.timeperframe.numerator;
		uint32_t x = a, y = b;

		while (y) {
			uint32_t t = x % y;

			x = y;
			y = t;
		}
		c->base.format.fps_num = (int)(a / x);
		c->base.format.fps_den = (int)(b / x);
	}
}

/* REQBUFS, QUERYBUF and mmap each buffer, QBUF each. */
static int map_buffers(struct camera *c)
{
	struct v4l2_requestbuffers rb;

	memset(&rb, 0, sizeof(rb));
	rb.count = (uint32_t)c->cfg.buffers;
	rb.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	rb.memory = V4L2_MEMORY_MMAP;
	if (xioctl(c->fd, VIDIOC_REQBUFS, &rb) != 0)
		return failed(c, "VIDIOC_REQBUFS", errno);
	c->reqbufs = true;
	if (rb.count < 2)
		return failed(c, "VIDIOC_REQBUFS (too few buffers)", ENOMEM);
	if (rb.count > CAMERA_MAX_BUFFERS)
		rb.count = CAMERA_MAX_BUFFERS;

	for (uint32_t i = 0; i < rb.count; i++) {
		struct v4l2_buffer b;

		memset(&b, 0, sizeof(b));
		b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b.memory = V4L2_MEMORY_MMAP;
		b.index = i;
		if (xioctl(c->fd, VIDIOC_QUERYBUF, &b) != 0)
			return failed(c, "VIDIOC_QUERYBUF", errno);
		c->bufs[i].length = b.length;
		c->bufs[i].start = v4l2_mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED,
					     c->fd, b.m.offset);
		c->n_bufs = i + 1;
		if (c->bufs[i].start == MAP_FAILED)
			return failed(c, "mmap", errno);
	}
	for (uint32_t i = 0; i < c->n_bufs; i++) {
		struct v4l2_buffer b;

		memset(&b, 0, sizeof(b));
		b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b.memory = V4L2_MEMORY_MMAP;
		b.index = i;
		if (xioctl(c->fd, VIDIOC_QBUF, &b) != 0)
			return failed(c, "VIDIOC_QBUF", errno);
	}
	c->base.format.buffers = (int)c->n_bufs;
	return 0;
}

/* ------------------------------------------------------------------ controls */

/* Writes one control if the camera has it, reads it back and records both.
 * KEEP skips it, DEFAULT writes the camera's default. Returns the errno of
 * an unplug (ENODEV), else 0: a control that fails is no reason to stop. */
static int set_control(struct camera *c, uint32_t id, const char *name, int32_t value)
{
	struct v4l2_queryctrl qc;
	struct v4l2_control ctl;
	struct scanner_control_report *r;

	if (value == SCANNER_CTRL_KEEP)
		return 0;
	memset(&qc, 0, sizeof(qc));
	qc.id = id;
	if (xioctl(c->fd, VIDIOC_QUERYCTRL, &qc) != 0 || (qc.flags & V4L2_CTRL_FLAG_DISABLED)) {
		if (errno == ENODEV)
			return ENODEV;
		camera_log(c, LOG_DEBUG, "camera: %s: not offered, skipped", name);
		return 0;
	}
	if (value == SCANNER_CTRL_DEFAULT)
		value = qc.default_value;
	if (value < qc.minimum)
		value = qc.minimum;
	if (value > qc.maximum)
		value = qc.maximum;
	if (c->base.n_controls >= SCANNER_MAX_CONTROLS)
		return 0;
	r = &c->base.controls[c->base.n_controls++];
	r->id = id;
	r->name = name;
	r->requested = value;
	r->readback = value;
	r->err = 0;

	memset(&ctl, 0, sizeof(ctl));
	ctl.id = id;
	ctl.value = value;
	if (xioctl(c->fd, VIDIOC_S_CTRL, &ctl) != 0) {
		r->err = errno;
	} else {
		memset(&ctl, 0, sizeof(ctl));
		ctl.id = id;
		if (xioctl(c->fd, VIDIOC_G_CTRL, &ctl) != 0)
			r->err = errno;
		else
			r->readback = ctl.value;
	}
	if (r->err)
		camera_log(c, LOG_WARNING, "camera: %s: writing %d failed: %s", name, value,
			   strerror(r->err));
	else
		camera_log(c, LOG_INFO, "camera: %s: set %d, reads back %d", name, value,
			   r->readback);
	return r->err == ENODEV ? ENODEV : 0;
}

static bool has_control(struct camera *c, uint32_t id, struct v4l2_queryctrl *qc)
{
	memset(qc, 0, sizeof(*qc));
	qc->id = id;
	return xioctl(c->fd, VIDIOC_QUERYCTRL, qc) == 0 && !(qc->flags & V4L2_CTRL_FLAG_DISABLED);
}

static bool has_menu_item(struct camera *c, uint32_t id, uint32_t index)
{
	struct v4l2_querymenu qm;

	memset(&qm, 0, sizeof(qm));
	qm.id = id;
	qm.index = index;
	return xioctl(c->fd, VIDIOC_QUERYMENU, &qm) == 0;
}

/*
 * Applies the phone-screen profile. Order matters: auto modes are switched
 * off before the manual values they would otherwise ignore (libv4l applies
 * exposure only once auto exposure is off).
 */
static int apply_profile(struct camera *c)
{
	const struct scanner_camera_profile *p = &c->cfg.profile;
	struct v4l2_queryctrl qc;
	int err = 0;

	c->base.n_controls = 0;
	c->exposure_ok = false;
	c->auto_limited = false;

	err = err ? err
		  : set_control(c, V4L2_CID_EXPOSURE_AUTO_PRIORITY, "exposure_priority",
				p->exposure_priority ? 1 : 0);
	if (p->exposure_mode == SCANNER_EXPOSURE_MANUAL) {
		err = err ? err
			  : set_control(c, V4L2_CID_EXPOSURE_AUTO, "exposure_mode",
					V4L2_EXPOSURE_MANUAL);
		err = err ? err
			  : set_control(c, V4L2_CID_EXPOSURE_ABSOLUTE, "exposure_time",
					p->exposure_time);
		if (!err && has_control(c, V4L2_CID_EXPOSURE_ABSOLUTE, &qc)) {
			struct v4l2_control ctl = {.id = V4L2_CID_EXPOSURE_ABSOLUTE};

			if (xioctl(c->fd, VIDIOC_G_CTRL, &ctl) == 0) {
				c->exposure_ok = p->exposure_from_hints;
				c->exposure = ctl.value;
				c->exposure_min = qc.minimum;
				c->exposure_max = qc.maximum;
			}
		}
	} else if (p->exposure_mode == SCANNER_EXPOSURE_AUTO ||
		   p->exposure_mode == SCANNER_EXPOSURE_AUTO_LIMITED) {
		/* UVC cameras usually offer aperture priority, not full auto. */
		int32_t mode = has_menu_item(c, V4L2_CID_EXPOSURE_AUTO, V4L2_EXPOSURE_AUTO)
				   ? V4L2_EXPOSURE_AUTO
				   : V4L2_EXPOSURE_APERTURE_PRIORITY;

		err = err ? err : set_control(c, V4L2_CID_EXPOSURE_AUTO, "exposure_mode", mode);
		err = err ? err
			  : set_control(c, V4L2_CID_AUTO_EXPOSURE_BIAS, "exposure_bias",
					p->exposure_bias);
		c->auto_limited = !err && p->exposure_mode == SCANNER_EXPOSURE_AUTO_LIMITED &&
				  p->exposure_from_hints &&
				  has_control(c, V4L2_CID_EXPOSURE_ABSOLUTE, &qc) &&
				  has_menu_item(c, V4L2_CID_EXPOSURE_AUTO, V4L2_EXPOSURE_MANUAL);
		if (c->auto_limited) {
			c->exposure_min = qc.minimum;
			c->exposure_max = qc.maximum;
		}
	}
	if (p->gain != SCANNER_CTRL_KEEP) {
		err = err ? err : set_control(c, V4L2_CID_AUTOGAIN, "autogain", 0);
		err = err ? err : set_control(c, V4L2_CID_GAIN, "gain", p->gain);
	}
	if (p->focus_mode == SCANNER_FOCUS_NEAR && has_control(c, V4L2_CID_FOCUS_ABSOLUTE, &qc)) {
		int64_t span = (int64_t)qc.maximum - qc.minimum;
		int32_t near = (int32_t)(qc.minimum + span * p->focus_near_permille / 1000);

		err = err ? err : set_control(c, V4L2_CID_FOCUS_AUTO, "focus_auto", 0);
		err = err ? err : set_control(c, V4L2_CID_FOCUS_ABSOLUTE, "focus", near);
	} else if (p->focus_mode != SCANNER_FOCUS_KEEP) {
		/* Continuous autofocus, also where near focus has no control. */
		err = err ? err : set_control(c, V4L2_CID_FOCUS_AUTO, "focus_auto", 1);
	}
	if (p->power_line_hz == 50 || p->power_line_hz == 60)
		err =
		    err ? err
			: set_control(c, V4L2_CID_POWER_LINE_FREQUENCY, "power_line",
				      p->power_line_hz == 50 ? V4L2_CID_POWER_LINE_FREQUENCY_50HZ
							     : V4L2_CID_POWER_LINE_FREQUENCY_60HZ);
	err =
	    err ? err : set_control(c, V4L2_CID_BACKLIGHT_COMPENSATION, "backlight", p->backlight);
	err = err ? err : set_control(c, V4L2_CID_SHARPNESS, "sharpness", p->sharpness);
	if (err)
		return failed(c, "VIDIOC_S_CTRL", err);
	return 0;
}

/* ------------------------------------------------------------------ bring-up */

/*
 * Opens and starts the camera. Returns 0 when streaming; otherwise everything
 * is released and the fault state is returned through *state.
 */
static int camera_bringup(struct camera *c, enum scanner_source_state *state)
{
	struct v4l2_capability cap;
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	bool opening = true;

	c->where[0] = '\0';
	c->where_errno = 0;
	c->fd = v4l2_open(c->device, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (c->fd < 0) {
		failed(c, "open", errno);
		goto fail;
	}
	opening = false;
	memset(&cap, 0, sizeof(cap));
	if (xioctl(c->fd, VIDIOC_QUERYCAP, &cap) != 0) {
		failed(c, "VIDIOC_QUERYCAP", errno);
		goto fail;
	}
	{
		uint32_t caps =
		    cap.capabilities & V4L2_CAP_DEVICE_CAPS ? cap.device_caps : cap.capabilities;

		if (!(caps & V4L2_CAP_VIDEO_CAPTURE) || !(caps & V4L2_CAP_STREAMING)) {
			failed(c, "not a streaming capture device", EINVAL);
			*state = SCANNER_SOURCE_UNSUPPORTED_FORMAT;
			goto release;
		}
	}
	if (negotiate(c) != 0) {
		if (c->where_errno == EINVAL) {
			*state = SCANNER_SOURCE_UNSUPPORTED_FORMAT;
			goto release;
		}
		goto fail;
	}
	set_frame_rate(c);
	if (map_buffers(c) != 0) {
		if (c->where_errno == EINVAL && !strcmp(c->where, "VIDIOC_REQBUFS")) {
			*state = SCANNER_SOURCE_UNSUPPORTED_FORMAT;
			goto release;
		}
		goto fail;
	}
	if (c->base.format.fourcc == V4L2_PIX_FMT_YUYV) {
		size_t need = (size_t)c->base.format.width * (size_t)c->base.format.height;

		if (need > c->luma_size) {
			uint8_t *p = realloc(c->luma, need);

			if (!p) {
				failed(c, "allocating the luma plane", ENOMEM);
				goto fail;
			}
			c->luma = p;
			c->luma_size = need;
		}
	}
	if (xioctl(c->fd, VIDIOC_STREAMON, &type) != 0) {
		failed(c, "VIDIOC_STREAMON", errno);
		goto fail;
	}
	c->streaming = true;
	if (apply_profile(c) != 0)
		goto fail;
	c->base.have_format = true;
	c->base.stats.starts++;
	c->wait_from_us = now_us();
	c->delivered = false;
	return 0;

fail:
	*state = state_for(c->where_errno, opening, c->streaming);
release:
	camera_release(c);
	return -1;
}

/* ------------------------------------------------------------------ frames */

static void requeue(struct camera *c, int index)
{
	struct v4l2_buffer b;

	memset(&b, 0, sizeof(b));
	b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	b.memory = V4L2_MEMORY_MMAP;
	b.index = (uint32_t)index;
	if (xioctl(c->fd, VIDIOC_QBUF, &b) != 0)
		failed(c, "VIDIOC_QBUF", errno);
}

/* Bytes a buffer must hold for the luma plane of the negotiated format. */
static size_t luma_bytes_needed(const struct camera *c)
{
	size_t rows = (size_t)c->base.format.height;

	return rows * c->bytesperline;
}

/* True when another buffer is ready now (a poll that does not wait). */
static bool buffer_ready(struct camera *c)
{
	struct pollfd pfd;

	memset(&pfd, 0, sizeof(pfd));
	pfd.fd = c->fd;
	pfd.events = POLLIN;
	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);
}

/*
 * Dequeues every ready buffer and keeps the newest; the older ones go back
 * to the driver at once and count as dropped. Returns the index kept, -1 when
 * none was ready, or -2 on a device error (where/where_errno set).
 *
 * Readiness is asked with poll rather than by a DQBUF that fails with
 * EAGAIN, since libv4l2 prints every failed DQBUF on stderr.
 */
static int dequeue_newest(struct camera *c, struct v4l2_buffer *newest)
{
	int kept = -1;

	for (unsigned i = 0; i < c->n_bufs; i++) {
		struct v4l2_buffer b;

		if (i > 0 && !buffer_ready(c))
			return kept;
		memset(&b, 0, sizeof(b));
		b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b.memory = V4L2_MEMORY_MMAP;
		if (xioctl(c->fd, VIDIOC_DQBUF, &b) != 0) {
			if (errno == EAGAIN)
				return kept;
			failed(c, "VIDIOC_DQBUF", errno);
			return -2;
		}
		if (b.index >= c->n_bufs) {
			failed(c, "VIDIOC_DQBUF (bad index)", EIO);
			return -2;
		}
		if ((b.flags & V4L2_BUF_FLAG_ERROR) ||
		    (b.bytesused && b.bytesused < luma_bytes_needed(c)) ||
		    c->bufs[b.index].length < luma_bytes_needed(c)) {
			/* A corrupt or short frame is skipped, never shown. */
			requeue(c, (int)b.index);
			c->base.stats.dropped++;
			continue;
		}
		if (kept >= 0) {
			requeue(c, kept);
			c->base.stats.dropped++;
		}
		kept = (int)b.index;
		*newest = b;
	}
	return kept;
}

static void deliver(struct camera *c, const struct v4l2_buffer *b, int64_t now,
		    struct scanner_frame *out)
{
	const uint8_t *p = c->bufs[b->index].start;
	int w = c->base.format.width, h = c->base.format.height;

	memset(out, 0, sizeof(*out));
	out->width = w;
	out->height = h;
	if (c->base.format.fourcc == V4L2_PIX_FMT_YUYV) {
		/* Luma is every other byte; copy it out and give the buffer back. */
		for (int y = 0; y < h; y++) {
			const uint8_t *row = p + (size_t)y * c->bytesperline;
			uint8_t *dst = c->luma + (size_t)y * (size_t)w;

			for (int x = 0; x < w; x++)
				dst[x] = row[2 * x];
		}
		out->luma = c->luma;
		out->stride = w;
		requeue(c, (int)b->index);
		c->held = -1;
	} else {
		out->luma = p;
		out->stride = (int)c->bytesperline;
		c->held = (int)b->index;
	}
	if ((b->flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) == V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC &&
	    (b->timestamp.tv_sec || b->timestamp.tv_usec))
		out->timestamp_us = (int64_t)b->timestamp.tv_sec * 1000000 + b->timestamp.tv_usec;
	else
		out->timestamp_us = now;
	out->sequence = c->sequence++;
	c->base.stats.frames++;
	if (c->base.stats.first_frame_us < 0)
		c->base.stats.first_frame_us = now - c->start_us;
	c->delivered = true;
	c->backoff_ms = c->cfg.retry_min_ms;
	if (c->base.state != SCANNER_SOURCE_STREAMING)
		set_state(c, SCANNER_SOURCE_STREAMING);
}

/* ------------------------------------------------------------------ ops */

static int camera_start(struct scanner_source *src)
{
	struct camera *c = to_camera(src);
	enum scanner_source_state fault = SCANNER_SOURCE_FAILED;

	c->start_us = now_us();
	c->backoff_ms = c->cfg.retry_min_ms;
	if (camera_bringup(c, &fault) == 0) {
		set_state(c, SCANNER_SOURCE_STREAMING);
		return 0;
	}
	camera_fault(c, fault);
	return SCANNER_ERR_CAMERA;
}

static void camera_stop(struct scanner_source *src)
{
	struct camera *c = to_camera(src);

	camera_release(c);
	c->where_errno = 0;
	set_state(c, SCANNER_SOURCE_STOPPED);
}

/* Sleeps up to ms without a descriptor (poll, so it is one call to fake). */
static void nap(int64_t us)
{
	if (us > 0)
		poll(NULL, 0, (int)((us + 999) / 1000));
}

static int camera_next(struct scanner_source *src, int timeout_ms, struct scanner_frame *out)
{
	struct camera *c = to_camera(src);
	int64_t deadline = now_us() + (int64_t)timeout_ms * 1000;
	bool polled = false; /* poll at least once, even with a zero timeout */

	/* The caller's time between calls is no stall: frames wait in the
	 * driver meanwhile. Only time spent here without a frame counts. */
	if (c->delivered) {
		c->wait_from_us = deadline - (int64_t)timeout_ms * 1000;
		c->delivered = false;
	}

	if (c->fd >= 0 && c->held >= 0) {
		requeue(c, c->held);
		c->held = -1;
		if (c->where_errno) {
			camera_fault(c, state_for(c->where_errno, false, true));
			return SCANNER_ERR_AGAIN;
		}
	}
	for (;;) {
		int64_t now = now_us();
		int64_t wait_until;
		struct pollfd pfd;
		struct v4l2_buffer b;
		int r, kept;

		if (c->fd < 0) {
			/* Faulted: retry when the back-off has passed. */
			if (now >= c->retry_at_us) {
				enum scanner_source_state fault = SCANNER_SOURCE_FAILED;

				if (camera_bringup(c, &fault) != 0) {
					camera_fault(c, fault);
					continue;
				}
				camera_log(c, LOG_INFO, "camera: %s reopened", c->device);
				continue;
			}
			if (now >= deadline)
				return SCANNER_ERR_AGAIN;
			nap((c->retry_at_us < deadline ? c->retry_at_us : deadline) - now);
			continue;
		}

		wait_until = c->wait_from_us + (int64_t)c->cfg.stall_ms * 1000;
		if (now >= wait_until) {
			c->where_errno = 0;
			camera_fault(c, SCANNER_SOURCE_STALLED);
			continue;
		}
		if (polled && now >= deadline)
			return SCANNER_ERR_AGAIN;
		if (wait_until > deadline)
			wait_until = deadline;
		memset(&pfd, 0, sizeof(pfd));
		pfd.fd = c->fd;
		pfd.events = POLLIN;
		r = poll(&pfd, 1, (int)((wait_until - now + 999) / 1000));
		polled = true;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			failed(c, "poll", errno);
			camera_fault(c, state_for(c->where_errno, false, true));
			continue;
		}
		if (r == 0)
			continue; /* the stall and the deadline are checked above */
		/* POLLERR or POLLHUP: DQBUF says what happened. */
		memset(&b, 0, sizeof(b));
		kept = dequeue_newest(c, &b);
		if (kept == -2) {
			camera_fault(c, state_for(c->where_errno, false, true));
			continue;
		}
		if (c->where_errno) {
			/* A QBUF of an older buffer failed. */
			camera_fault(c, state_for(c->where_errno, false, true));
			continue;
		}
		if (kept < 0) {
			if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) {
				failed(c, "poll", EIO);
				camera_fault(c, SCANNER_SOURCE_UNPLUGGED);
				continue;
			}
			continue;
		}
		deliver(c, &b, now_us(), out);
		if (c->where_errno) {
			camera_fault(c, state_for(c->where_errno, false, true));
			return SCANNER_ERR_AGAIN;
		}
		return 0;
	}
}

/*
 * AUTO_LIMITED, a code blown out under auto exposure: take the exposure the
 * camera chose, switch to manual at no more than the limit, and go on as in
 * manual mode. Returns true if it switched (the hint is then used up).
 */
static bool limit_auto_exposure(struct camera *c, int luma_mean)
{
	struct v4l2_control ctl = {.id = V4L2_CID_EXPOSURE_ABSOLUTE};
	int32_t cur, want;

	if (luma_mean <= EXPOSURE_BAND_HIGH || xioctl(c->fd, VIDIOC_G_CTRL, &ctl) != 0)
		return false;
	cur = ctl.value;
	want = (int32_t)((int64_t)cur * EXPOSURE_TARGET / luma_mean);
	if (want > c->cfg.profile.exposure_limit)
		want = c->cfg.profile.exposure_limit;
	if (want < c->exposure_min)
		want = c->exposure_min;
	if (want > c->exposure_max)
		want = c->exposure_max;
	memset(&ctl, 0, sizeof(ctl));
	ctl.id = V4L2_CID_EXPOSURE_AUTO;
	ctl.value = V4L2_EXPOSURE_MANUAL;
	if (xioctl(c->fd, VIDIOC_S_CTRL, &ctl) != 0)
		return false;
	memset(&ctl, 0, sizeof(ctl));
	ctl.id = V4L2_CID_EXPOSURE_ABSOLUTE;
	ctl.value = want;
	if (xioctl(c->fd, VIDIOC_S_CTRL, &ctl) != 0)
		return false;
	camera_log(c, LOG_INFO,
		   "camera: code blown out (region luma %d) under auto exposure %d: manual at %d "
		   "(limit %d)",
		   luma_mean, cur, want, c->cfg.profile.exposure_limit);
	c->auto_limited = false;
	c->exposure_ok = true;
	c->exposure = want;
	c->hint_from_seq = c->sequence + c->n_bufs;
	c->base.stats.exposure_adjusted++;
	return true;
}

static int camera_exposure_hint(struct scanner_source *src, int luma_mean)
{
	struct camera *c = to_camera(src);
	struct v4l2_control ctl;
	int64_t want;

	if (c->fd >= 0 && c->auto_limited && limit_auto_exposure(c, luma_mean))
		return 0;
	if (c->fd < 0 || !c->exposure_ok || c->sequence < c->hint_from_seq)
		return 0;
	if (luma_mean >= EXPOSURE_BAND_LOW && luma_mean <= EXPOSURE_BAND_HIGH)
		return 0;
	/* Luma is roughly proportional to exposure below saturation; move at
	 * most by a factor of two per step, since a white region says only
	 * "too much", not by how much. */
	want = (int64_t)c->exposure * EXPOSURE_TARGET / (luma_mean > 0 ? luma_mean : 1);
	if (want > 2 * (int64_t)c->exposure)
		want = 2 * (int64_t)c->exposure;
	if (want < c->exposure / 2)
		want = c->exposure / 2;
	if (want < c->exposure_min)
		want = c->exposure_min;
	if (want > c->exposure_max)
		want = c->exposure_max;
	if (want == c->exposure)
		return 0;
	memset(&ctl, 0, sizeof(ctl));
	ctl.id = V4L2_CID_EXPOSURE_ABSOLUTE;
	ctl.value = (int32_t)want;
	if (xioctl(c->fd, VIDIOC_S_CTRL, &ctl) != 0)
		return 0; /* a fault shows on the next frame, not here */
	camera_log(c, LOG_DEBUG, "camera: exposure %d -> %d for region luma %d", c->exposure,
		   (int)want, luma_mean);
	c->exposure = (int32_t)want;
	/* Buffers already queued were exposed the old way. */
	c->hint_from_seq = c->sequence + c->n_bufs;
	c->base.stats.exposure_adjusted++;
	return 0;
}

static void camera_destroy(struct scanner_source *src)
{
	struct camera *c = to_camera(src);

	camera_release(c);
	free(c->luma);
	free(c->device);
	free(c);
}

static const struct scanner_source_ops camera_ops = {
    .name = "camera",
    .start = camera_start,
    .stop = camera_stop,
    .next = camera_next,
    .exposure_hint = camera_exposure_hint,
    .destroy = camera_destroy,
};

/* ------------------------------------------------------------------ public */

void scanner_camera_config_init_default(struct scanner_camera_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->width = 640;
	cfg->height = 480;
	cfg->fps = 30;
	cfg->buffers = 4;
	cfg->stall_ms = 2000;
	cfg->retry_min_ms = 250;
	cfg->retry_max_ms = 4000;
	cfg->profile.exposure_mode = SCANNER_EXPOSURE_MANUAL;
	cfg->profile.exposure_time = 100; /* 10 ms: whole flicker periods at 50 Hz */
	cfg->profile.exposure_bias = SCANNER_CTRL_KEEP;
	cfg->profile.exposure_limit = 100; /* AUTO_LIMITED: 10 ms, as the manual default */
	cfg->profile.exposure_priority = false;
	cfg->profile.gain = SCANNER_CTRL_DEFAULT;
	cfg->profile.focus_mode = SCANNER_FOCUS_NEAR;
	cfg->profile.focus_near_permille = 700;
	cfg->profile.power_line_hz = 50;
	cfg->profile.backlight = 0;
	cfg->profile.sharpness = SCANNER_CTRL_DEFAULT;
	cfg->profile.exposure_from_hints = true;
}

int scanner_source_open_camera(const struct scanner_camera_config *cfg, struct scanner_source **out)
{
	struct camera *c;

	if (!cfg || !out || !cfg->device || !cfg->device[0] || cfg->buffers < 3 ||
	    cfg->width <= 0 || cfg->height <= 0 || cfg->width > SCANNER_IMAGE_MAX_SIDE ||
	    cfg->height > SCANNER_IMAGE_MAX_SIDE || cfg->fps <= 0 || cfg->stall_ms <= 0 ||
	    cfg->retry_min_ms <= 0 || cfg->retry_max_ms < cfg->retry_min_ms)
		return SCANNER_ERR_INVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return SCANNER_ERR_NOMEM;
	c->device = strdup(cfg->device);
	if (!c->device) {
		free(c);
		return SCANNER_ERR_NOMEM;
	}
	scanner_source_base_init(&c->base, &camera_ops);
	c->cfg = *cfg;
	c->cfg.device = c->device;
	if (c->cfg.buffers > CAMERA_MAX_BUFFERS)
		c->cfg.buffers = CAMERA_MAX_BUFFERS;
	c->fd = -1;
	c->held = -1;
	for (int i = 0; i < CAMERA_MAX_BUFFERS; i++)
		c->bufs[i].start = MAP_FAILED;
	c->where_errno = 0;
	set_state(c, SCANNER_SOURCE_STOPPED);
	*out = &c->base;
	return 0;
}

/* ------------------------------------------------------------------ describe */

static void describe_sizes(int fd, struct scanner_caminfo_format *f)
{
	f->n_sizes = 0;
	for (uint32_t i = 0; f->n_sizes < SCANNER_CAMINFO_MAX_SIZES; i++) {
		struct v4l2_frmsizeenum fs;
		struct scanner_caminfo_size *s;

		memset(&fs, 0, sizeof(fs));
		fs.index = i;
		fs.pixel_format = f->fourcc;
		if (xioctl(fd, VIDIOC_ENUM_FRAMESIZES, &fs) != 0)
			return;
		s = &f->sizes[f->n_sizes++];
		memset(s, 0, sizeof(*s));
		if (fs.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
			s->width = (int)fs.discrete.width;
			s->height = (int)fs.discrete.height;
		} else {
			s->width = (int)fs.stepwise.max_width;
			s->height = (int)fs.stepwise.max_height;
			s->stepwise = true;
		}
		for (uint32_t k = 0; k < 32; k++) {
			struct v4l2_frmivalenum fi;
			int fps;

			memset(&fi, 0, sizeof(fi));
			fi.index = k;
			fi.pixel_format = f->fourcc;
			fi.width = (uint32_t)s->width;
			fi.height = (uint32_t)s->height;
			if (xioctl(fd, VIDIOC_ENUM_FRAMEINTERVALS, &fi) != 0)
				break;
			if (fi.type != V4L2_FRMIVAL_TYPE_DISCRETE) {
				/* A range: the shortest interval is the highest rate. */
				if (fi.stepwise.min.numerator)
					s->fps_max = (int)(fi.stepwise.min.denominator /
							   fi.stepwise.min.numerator);
				if (fi.stepwise.max.numerator)
					s->fps_min = (int)(fi.stepwise.max.denominator /
							   fi.stepwise.max.numerator);
				break;
			}
			if (!fi.discrete.numerator)
				continue;
			fps = (int)(fi.discrete.denominator / fi.discrete.numerator);
			if (fps > s->fps_max)
				s->fps_max = fps;
			if (!s->fps_min || fps < s->fps_min)
				s->fps_min = fps;
		}
		if (fs.type != V4L2_FRMSIZE_TYPE_DISCRETE)
			return;
	}
}

static void describe_controls(int fd, struct scanner_caminfo *info)
{
	struct v4l2_queryctrl qc;

	info->n_controls = 0;
	memset(&qc, 0, sizeof(qc));
	qc.id = V4L2_CTRL_FLAG_NEXT_CTRL;
	while (info->n_controls < SCANNER_CAMINFO_MAX_CONTROLS &&
	       xioctl(fd, VIDIOC_QUERYCTRL, &qc) == 0) {
		uint32_t id = qc.id;

		if (!(qc.flags & V4L2_CTRL_FLAG_DISABLED) && qc.type != V4L2_CTRL_TYPE_CTRL_CLASS) {
			struct scanner_caminfo_control *ci = &info->controls[info->n_controls++];
			struct v4l2_control ctl;

			memset(ci, 0, sizeof(*ci));
			ci->id = id;
			snprintf(ci->name, sizeof(ci->name), "%s", (const char *)qc.name);
			ci->type = (int)qc.type;
			ci->minimum = qc.minimum;
			ci->maximum = qc.maximum;
			ci->step = qc.step;
			ci->def = qc.default_value;
			ci->inactive = (qc.flags & V4L2_CTRL_FLAG_INACTIVE) != 0;
			memset(&ctl, 0, sizeof(ctl));
			ctl.id = id;
			if (qc.type != V4L2_CTRL_TYPE_BUTTON &&
			    !(qc.flags & V4L2_CTRL_FLAG_WRITE_ONLY) &&
			    xioctl(fd, VIDIOC_G_CTRL, &ctl) == 0)
				ci->value = ctl.value;
		}
		memset(&qc, 0, sizeof(qc));
		qc.id = id | V4L2_CTRL_FLAG_NEXT_CTRL;
	}
}

int scanner_camera_describe(const char *device, struct scanner_caminfo *info,
			    enum scanner_source_state *state)
{
	struct v4l2_capability cap;
	struct format_list fl;
	uint32_t caps;
	int fd;

	if (!device || !info)
		return SCANNER_ERR_INVAL;
	memset(info, 0, sizeof(*info));
	fd = v4l2_open(device, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (state)
			*state = state_for(errno, true, false);
		return SCANNER_ERR_CAMERA;
	}
	memset(&cap, 0, sizeof(cap));
	if (xioctl(fd, VIDIOC_QUERYCAP, &cap) != 0) {
		if (state)
			*state = state_for(errno, false, false);
		v4l2_close(fd);
		return SCANNER_ERR_CAMERA;
	}
	snprintf(info->driver, sizeof(info->driver), "%s", (const char *)cap.driver);
	snprintf(info->card, sizeof(info->card), "%s", (const char *)cap.card);
	snprintf(info->bus, sizeof(info->bus), "%s", (const char *)cap.bus_info);
	caps = cap.capabilities & V4L2_CAP_DEVICE_CAPS ? cap.device_caps : cap.capabilities;
	info->capture = (caps & V4L2_CAP_VIDEO_CAPTURE) != 0;
	info->streaming = (caps & V4L2_CAP_STREAMING) != 0;
	if (info->capture && enum_formats(fd, &fl) == 0) {
		for (size_t i = 0; i < fl.n && i < SCANNER_CAMINFO_MAX_FORMATS; i++) {
			struct scanner_caminfo_format *f = &info->formats[info->n_formats++];

			f->fourcc = fl.fourcc[i];
			f->emulated = fl.emulated[i];
			snprintf(f->description, sizeof(f->description), "%s", fl.desc[i]);
			describe_sizes(fd, f);
		}
	}
	describe_controls(fd, info);
	v4l2_close(fd);
	if (state)
		*state = info->capture && info->streaming ? SCANNER_SOURCE_STOPPED
							  : SCANNER_SOURCE_UNSUPPORTED_FORMAT;
	return 0;
}
