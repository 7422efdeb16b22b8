/*
 * Tests for scanner/camera.c against simulated cameras.
 *
 * The test is linked with -Wl,--wrap for the libv4l2 calls, poll and
 * clock_gettime, so every device call of the camera source lands in the
 * simulated camera below and time is a fake clock that only poll advances:
 * nothing here depends on the wall clock. The simulation opens a real file
 * descriptor (/dev/null) for each open camera and maps real memory for each
 * buffer, so leaks show up under valgrind --track-fds as well as in the
 * counters checked here.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <dirent.h>

#include <cmocka.h>
#include <linux/videodev2.h>

#include "scanner/error.h"
#include "scanner/source.h"

/* ------------------------------------------------------------------ the simulated camera */

#define SIM_MAX_FORMATS	 64
#define SIM_MAX_BUFFERS	 8
#define SIM_MAX_CONTROLS 16

struct sim_control {
	uint32_t id;	    /* V4L2 control id */
	int32_t min, max;   /* range */
	int32_t def;	    /* default */
	int32_t value;	    /* current */
	uint32_t menu_mask; /* menu items offered, bit per index */
	int writes;	    /* S_CTRL calls */
};

struct sim {
	/* what the camera is */
	uint32_t fourcc[SIM_MAX_FORMATS];	    /* formats offered */
	bool emulated[SIM_MAX_FORMATS];		    /* through libv4l2 conversion */
	size_t n_formats;			    /* */
	uint32_t max_w, max_h;			    /* largest size; S_FMT clamps to it */
	uint32_t slow_fourcc;			    /* above 640x480 this format only has ... */
	uint32_t slow_fps;			    /* ... this rate (USB 2 raw), 0: none */
	bool no_intervals;			    /* ENUM_FRAMEINTERVALS unsupported */
	uint32_t pad;				    /* extra bytes per line */
	struct sim_control ctrls[SIM_MAX_CONTROLS]; /* controls it has */
	size_t n_ctrls;				    /* */
	/* faults */
	int open_errno;		/* open fails with this, 0 = opens */
	unsigned long fail_req; /* this ioctl fails ... */
	int fail_errno;		/* ... with this errno ... */
	int fail_times;		/* ... this many more times (-1: always) */
	int mmap_fail_at;	/* buffer index whose mmap fails, -1 none */
	bool unplugged;		/* every call fails with ENODEV, poll says POLLERR */
	bool stalled;		/* streaming, but no frame ever arrives */
	int frames_per_poll;	/* frames that become ready at each poll */
	/* state */
	int fd;			      /* the /dev/null descriptor, -1 when closed */
	char path[64];		      /* last path opened */
	int opens;		      /* successful opens */
	int open_attempts;	      /* calls of v4l2_open */
	int n_open;		      /* open now */
	int n_mapped;		      /* mappings now */
	uint32_t w, h, cur_fourcc;    /* current format */
	uint32_t bpl, sizeimage;      /* */
	uint32_t fps;		      /* S_PARM */
	uint32_t n_bufs;	      /* REQBUFS */
	void *map[SIM_MAX_BUFFERS];   /* mapped by v4l2_mmap */
	bool queued[SIM_MAX_BUFFERS]; /* owned by the driver, waiting to be filled */
	int ready[SIM_MAX_BUFFERS];   /* filled, in order, waiting for DQBUF */
	int n_ready;		      /* */
	bool streaming;		      /* STREAMON */
	uint32_t seq;		      /* frames captured */
	int64_t now_us;		      /* the fake clock */
	int64_t capture_us;	      /* when frames were last captured */
	int dqbuf_eagain;	      /* DQBUF calls with nothing ready */
};

static struct sim sim;

static void sim_reset(void)
{
	memset(&sim, 0, sizeof(sim));
	sim.max_w = 1920;
	sim.max_h = 1080;
	sim.fd = -1;
	sim.mmap_fail_at = -1;
	sim.frames_per_poll = 1;
	sim.now_us = 1000000000;
}

static void sim_format(uint32_t fourcc, bool emulated)
{
	sim.fourcc[sim.n_formats] = fourcc;
	sim.emulated[sim.n_formats++] = emulated;
}

static void sim_control(uint32_t id, int32_t min, int32_t max, int32_t def, uint32_t menu_mask)
{
	struct sim_control *c = &sim.ctrls[sim.n_ctrls++];

	memset(c, 0, sizeof(*c));
	c->id = id;
	c->min = min;
	c->max = max;
	c->def = def;
	c->value = def;
	c->menu_mask = menu_mask;
}

static struct sim_control *sim_find(uint32_t id)
{
	for (size_t i = 0; i < sim.n_ctrls; i++)
		if (sim.ctrls[i].id == id)
			return &sim.ctrls[i];
	return NULL;
}

/* A typical UVC webcam's controls. */
static void sim_uvc_controls(void)
{
	sim_control(V4L2_CID_EXPOSURE_AUTO, 0, 3, 3, (1u << 1) | (1u << 3));
	sim_control(V4L2_CID_EXPOSURE_ABSOLUTE, 3, 2047, 250, 0);
	sim_control(V4L2_CID_EXPOSURE_AUTO_PRIORITY, 0, 1, 1, 0);
	sim_control(V4L2_CID_GAIN, 0, 255, 32, 0);
	sim_control(V4L2_CID_FOCUS_AUTO, 0, 1, 1, 0);
	sim_control(V4L2_CID_FOCUS_ABSOLUTE, 0, 250, 0, 0);
	sim_control(V4L2_CID_POWER_LINE_FREQUENCY, 0, 2, 2, 0x7);
	sim_control(V4L2_CID_BACKLIGHT_COMPENSATION, 0, 1, 1, 0);
	sim_control(V4L2_CID_SHARPNESS, 0, 255, 128, 0);
}

static bool sim_fail(unsigned long req)
{
	if (sim.fail_req != req || sim.fail_times == 0)
		return false;
	if (sim.fail_times > 0)
		sim.fail_times--;
	errno = sim.fail_errno;
	return true;
}

static void sim_fail_on(unsigned long req, int err, int times)
{
	sim.fail_req = req;
	sim.fail_errno = err;
	sim.fail_times = times;
}

static uint32_t bytes_per_pixel_line(uint32_t fourcc, uint32_t w)
{
	return fourcc == V4L2_PIX_FMT_YUYV ? 2 * w : w;
}

static uint32_t image_size(uint32_t fourcc, uint32_t bpl, uint32_t h)
{
	switch (fourcc) {
	case V4L2_PIX_FMT_GREY:
	case V4L2_PIX_FMT_YUYV:
		return bpl * h;
	default:
		return bpl * h * 3 / 2;
	}
}

/* The driver fills the oldest queued buffer with frame sim.seq. */
static void sim_capture(void)
{
	for (uint32_t i = 0; i < sim.n_bufs; i++) {
		uint8_t *p = sim.map[i];

		if (!sim.queued[i])
			continue;
		sim.queued[i] = false;
		if (p) {
			if (sim.cur_fourcc == V4L2_PIX_FMT_YUYV) {
				for (uint32_t k = 0; k < sim.sizeimage; k++)
					p[k] = k % 2 ? 0x80 : (uint8_t)sim.seq;
			} else {
				memset(p, (uint8_t)sim.seq, sim.sizeimage);
			}
		}
		sim.ready[sim.n_ready++] = (int)i;
		sim.seq++;
		return;
	}
	sim.seq++; /* no buffer: the driver drops the frame */
}

/* ------------------------------------------------------------------ wrappers */

int __wrap_v4l2_open(const char *file, int oflag, ...);
int __wrap_v4l2_close(int fd);
int __wrap_v4l2_ioctl(int fd, unsigned long int request, ...);
void *__wrap_v4l2_mmap(void *start, size_t length, int prot, int flags, int fd, int64_t offset);
int __wrap_v4l2_munmap(void *start, size_t length);
int __wrap_poll(struct pollfd *fds, nfds_t nfds, int timeout);
int __wrap_clock_gettime(clockid_t clk, struct timespec *ts);

int __wrap_v4l2_open(const char *file, int oflag, ...)
{
	sim.open_attempts++;
	assert_true(oflag & O_NONBLOCK);
	snprintf(sim.path, sizeof(sim.path), "%s", file);
	if (sim.open_errno) {
		errno = sim.open_errno;
		return -1;
	}
	assert_int_equal(sim.n_open, 0); /* one opening at a time */
	sim.fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	assert_true(sim.fd >= 0);
	sim.opens++;
	sim.n_open++;
	sim.streaming = false;
	sim.n_ready = 0;
	memset(sim.queued, 0, sizeof(sim.queued));
	return sim.fd;
}

int __wrap_v4l2_close(int fd)
{
	assert_int_equal(fd, sim.fd);
	close(fd);
	sim.fd = -1;
	sim.n_open--;
	sim.streaming = false;
	return 0;
}

static int sim_ioctl(unsigned long req, void *arg)
{
	if (sim.unplugged) {
		errno = ENODEV;
		return -1;
	}
	if (sim_fail(req))
		return -1;
	switch (req) {
	case VIDIOC_QUERYCAP: {
		struct v4l2_capability *cap = arg;

		snprintf((char *)cap->driver, sizeof(cap->driver), "simcam");
		snprintf((char *)cap->card, sizeof(cap->card), "Simulated Camera");
		cap->device_caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING;
		cap->capabilities = cap->device_caps | V4L2_CAP_DEVICE_CAPS;
		return 0;
	}
	case VIDIOC_ENUM_FMT: {
		struct v4l2_fmtdesc *f = arg;

		if (f->index >= sim.n_formats) {
			errno = EINVAL;
			return -1;
		}
		f->pixelformat = sim.fourcc[f->index];
		f->flags = sim.emulated[f->index] ? V4L2_FMT_FLAG_EMULATED : 0;
		snprintf((char *)f->description, sizeof(f->description), "format %u", f->index);
		return 0;
	}
	case VIDIOC_S_FMT: {
		struct v4l2_format *f = arg;
		bool known = false;

		assert_false(sim.streaming);
		for (size_t i = 0; i < sim.n_formats; i++)
			known |= sim.fourcc[i] == f->fmt.pix.pixelformat;
		if (!known) /* drivers substitute their own format */
			f->fmt.pix.pixelformat = sim.fourcc[0];
		if (f->fmt.pix.width > sim.max_w)
			f->fmt.pix.width = sim.max_w;
		if (f->fmt.pix.height > sim.max_h)
			f->fmt.pix.height = sim.max_h;
		f->fmt.pix.bytesperline =
		    bytes_per_pixel_line(f->fmt.pix.pixelformat, f->fmt.pix.width) + sim.pad;
		f->fmt.pix.sizeimage =
		    image_size(f->fmt.pix.pixelformat, f->fmt.pix.bytesperline, f->fmt.pix.height);
		sim.w = f->fmt.pix.width;
		sim.h = f->fmt.pix.height;
		sim.cur_fourcc = f->fmt.pix.pixelformat;
		sim.bpl = f->fmt.pix.bytesperline;
		sim.sizeimage = f->fmt.pix.sizeimage;
		return 0;
	}
	case VIDIOC_G_PARM:
	case VIDIOC_S_PARM: {
		struct v4l2_streamparm *p = arg;

		if (req == VIDIOC_S_PARM)
			sim.fps = p->parm.capture.timeperframe.denominator;
		p->parm.capture.capability = V4L2_CAP_TIMEPERFRAME;
		p->parm.capture.timeperframe.numerator = 1;
		p->parm.capture.timeperframe.denominator = sim.fps ? sim.fps : 30;
		return 0;
	}
	case VIDIOC_REQBUFS: {
		struct v4l2_requestbuffers *rb = arg;

		assert_int_equal(rb->memory, V4L2_MEMORY_MMAP);
		if (rb->count)
			assert_int_equal(sim.n_mapped, 0);
		sim.n_bufs = rb->count > SIM_MAX_BUFFERS ? SIM_MAX_BUFFERS : rb->count;
		rb->count = sim.n_bufs;
		memset(sim.queued, 0, sizeof(sim.queued));
		sim.n_ready = 0;
		return 0;
	}
	case VIDIOC_QUERYBUF: {
		struct v4l2_buffer *b = arg;

		assert_true(b->index < sim.n_bufs);
		b->length = sim.sizeimage;
		b->m.offset = b->index * 0x100000u;
		return 0;
	}
	case VIDIOC_QBUF: {
		struct v4l2_buffer *b = arg;

		assert_true(b->index < sim.n_bufs);
		assert_false(sim.queued[b->index]);
		for (int i = 0; i < sim.n_ready; i++)
			assert_int_not_equal(sim.ready[i], (int)b->index);
		sim.queued[b->index] = true;
		return 0;
	}
	case VIDIOC_DQBUF: {
		struct v4l2_buffer *b = arg;

		if (!sim.n_ready) {
			sim.dqbuf_eagain++; /* libv4l2 would print this on stderr */
			errno = EAGAIN;
			return -1;
		}
		b->index = (uint32_t)sim.ready[0];
		memmove(sim.ready, sim.ready + 1, sizeof(int) * (size_t)--sim.n_ready);
		b->bytesused = sim.sizeimage;
		b->flags = V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC;
		b->timestamp.tv_sec = sim.now_us / 1000000;
		b->timestamp.tv_usec = sim.now_us % 1000000;
		return 0;
	}
	case VIDIOC_STREAMON:
		sim.streaming = true;
		return 0;
	case VIDIOC_STREAMOFF:
		sim.streaming = false;
		sim.n_ready = 0;
		memset(sim.queued, 0, sizeof(sim.queued));
		return 0;
	case VIDIOC_QUERYCTRL: {
		struct v4l2_queryctrl *q = arg;
		struct sim_control *c = NULL;

		if (q->id & V4L2_CTRL_FLAG_NEXT_CTRL) {
			uint32_t after = q->id & ~V4L2_CTRL_FLAG_NEXT_CTRL;

			for (size_t i = 0; i < sim.n_ctrls; i++)
				if (sim.ctrls[i].id > after && (!c || sim.ctrls[i].id < c->id))
					c = &sim.ctrls[i];
		} else {
			c = sim_find(q->id);
		}
		if (!c) {
			errno = EINVAL;
			return -1;
		}
		q->id = c->id;
		q->type = c->menu_mask ? V4L2_CTRL_TYPE_MENU : V4L2_CTRL_TYPE_INTEGER;
		q->minimum = c->min;
		q->maximum = c->max;
		q->step = 1;
		q->default_value = c->def;
		snprintf((char *)q->name, sizeof(q->name), "ctrl %x", c->id);
		return 0;
	}
	case VIDIOC_QUERYMENU: {
		struct v4l2_querymenu *m = arg;
		struct sim_control *c = sim_find(m->id);

		if (!c || m->index >= 32 || !(c->menu_mask & (1u << m->index))) {
			errno = EINVAL;
			return -1;
		}
		return 0;
	}
	case VIDIOC_S_CTRL:
	case VIDIOC_G_CTRL: {
		struct v4l2_control *v = arg;
		struct sim_control *c = sim_find(v->id);

		if (!c) {
			errno = EINVAL;
			return -1;
		}
		if (req == VIDIOC_G_CTRL) {
			v->value = c->value;
			return 0;
		}
		if (v->value < c->min || v->value > c->max ||
		    (c->menu_mask && !(c->menu_mask & (1u << v->value)))) {
			errno = ERANGE;
			return -1;
		}
		c->value = v->value;
		c->writes++;
		return 0;
	}
	case VIDIOC_ENUM_FRAMESIZES: {
		struct v4l2_frmsizeenum *fs = arg;

		if (fs->index >= 2) {
			errno = EINVAL;
			return -1;
		}
		fs->type = V4L2_FRMSIZE_TYPE_DISCRETE;
		fs->discrete.width = fs->index ? 1280 : 640;
		fs->discrete.height = fs->index ? 720 : 480;
		return 0;
	}
	case VIDIOC_ENUM_FRAMEINTERVALS: {
		struct v4l2_frmivalenum *fi = arg;
		bool slow = sim.slow_fps && fi->pixel_format == sim.slow_fourcc &&
			    fi->width * fi->height > 640 * 480;

		if (sim.no_intervals) {
			errno = ENOTTY;
			return -1;
		}
		if (slow && fi->index == 0) {
			fi->type = V4L2_FRMIVAL_TYPE_DISCRETE;
			fi->discrete.numerator = 1;
			fi->discrete.denominator = sim.slow_fps;
			return 0;
		}
		if (slow || fi->index >= 2) {
			errno = EINVAL;
			return -1;
		}
		fi->type = V4L2_FRMIVAL_TYPE_DISCRETE;
		fi->discrete.numerator = 1;
		fi->discrete.denominator = fi->index ? 15 : 30;
		return 0;
	}
	default:
		errno = ENOTTY;
		return -1;
	}
}

int __wrap_v4l2_ioctl(int fd, unsigned long int request, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	assert_int_equal(fd, sim.fd);
	return sim_ioctl(request, arg);
}

void *__wrap_v4l2_mmap(void *start, size_t length, int prot, int flags, int fd, int64_t offset)
{
	uint32_t index = (uint32_t)(offset / 0x100000);
	void *p;

	(void)start;
	(void)prot;
	(void)flags;
	assert_int_equal(fd, sim.fd);
	assert_true(index < sim.n_bufs);
	if (sim.unplugged || (int)index == sim.mmap_fail_at) {
		errno = sim.unplugged ? ENODEV : ENOMEM;
		return MAP_FAILED;
	}
	p = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	sim.map[index] = p;
	sim.n_mapped++;
	return p;
}

int __wrap_v4l2_munmap(void *start, size_t length)
{
	for (uint32_t i = 0; i < SIM_MAX_BUFFERS; i++)
		if (sim.map[i] == start)
			sim.map[i] = NULL;
	sim.n_mapped--;
	return munmap(start, length);
}

int __wrap_poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	if (nfds == 0) {
		sim.now_us += (int64_t)timeout * 1000;
		return 0;
	}
	assert_int_equal(nfds, 1);
	assert_int_equal(fds[0].fd, sim.fd);
	fds[0].revents = 0;
	if (sim.unplugged) {
		fds[0].revents = POLLERR | POLLHUP;
		return 1;
	}
	/* Frames arrive while time passes: not during a poll that does not
	 * wait right after the last capture. */
	if (sim.streaming && !sim.stalled && (timeout != 0 || sim.now_us != sim.capture_us))
		for (int i = 0; i < sim.frames_per_poll; i++)
			sim_capture();
	if (sim.n_ready) {
		if (timeout != 0 || sim.now_us != sim.capture_us)
			sim.now_us += 1000;
		sim.capture_us = sim.now_us;
		fds[0].revents = POLLIN;
		return 1;
	}
	sim.now_us += (int64_t)timeout * 1000;
	return 0;
}

int __wrap_clock_gettime(clockid_t clk, struct timespec *ts)
{
	(void)clk;
	ts->tv_sec = (time_t)(sim.now_us / 1000000);
	ts->tv_nsec = (long)(sim.now_us % 1000000) * 1000;
	return 0;
}

/* ------------------------------------------------------------------ helpers */

/* Calls next and checks that it kept within its timeout on the fake clock. */
static int next_within(struct scanner_source *src, int timeout_ms, struct scanner_frame *f)
{
	int64_t t0 = sim.now_us;
	int rc = scanner_source_next(src, timeout_ms, f);

	assert_true(sim.now_us - t0 <= (int64_t)timeout_ms * 1000 + 1000);
	return rc;
}

static struct scanner_source *open_cam(void)
{
	struct scanner_camera_config cfg;
	struct scanner_source *src = NULL;

	scanner_camera_config_init_default(&cfg);
	cfg.device = "/dev/v4l/by-id/usb-Sim_Camera-video-index0";
	assert_int_equal(scanner_source_open_camera(&cfg, &src), 0);
	return src;
}

/* Keeps calling next (100 ms each) until a frame comes, at most n times. */
static int frame_within(struct scanner_source *src, int n, struct scanner_frame *f)
{
	for (int i = 0; i < n; i++)
		if (next_within(src, 100, f) == 0)
			return 0;
	return -1;
}

static void assert_released(void)
{
	assert_int_equal(sim.n_open, 0);
	assert_int_equal(sim.n_mapped, 0);
	assert_false(sim.streaming);
}

static int setup(void **state)
{
	sim_reset();
	*state = NULL;
	return 0;
}

static int teardown(void **state)
{
	scanner_source_destroy(*state);
	assert_released();
	assert_int_equal(sim.dqbuf_eagain, 0);
	return 0;
}

/* ------------------------------------------------------------------ negotiation */

static void test_prefers_grey(void **state)
{
	struct scanner_source_format fmt;
	struct scanner_frame f;
	struct scanner_source *src;

	sim_format(V4L2_PIX_FMT_MJPEG, false);
	sim_format(V4L2_PIX_FMT_YUYV, false);
	sim_format(V4L2_PIX_FMT_GREY, false);
	*state = src = open_cam();
	assert_int_equal(sim.n_open, 0); /* nothing opened before start */
	assert_int_equal(scanner_source_start(src), 0);
	assert_int_equal(scanner_source_state(src), SCANNER_SOURCE_STREAMING);
	assert_string_equal(sim.path, "/dev/v4l/by-id/usb-Sim_Camera-video-index0");
	assert_int_equal(scanner_source_format(src, &fmt), 0);
	assert_int_equal(fmt.fourcc, V4L2_PIX_FMT_GREY);
	assert_false(fmt.converted);
	assert_int_equal(fmt.width, 640);
	assert_int_equal(fmt.height, 480);
	assert_int_equal(fmt.fps_num, 30);
	assert_true(fmt.buffers >= 3);
	assert_int_equal(sim.fps, 30);
	assert_int_equal(next_within(src, 100, &f), 0);
	assert_int_equal(f.width, 640);
	assert_int_equal(f.stride, 640);
	assert_int_equal(f.luma[0], 0);
	assert_int_equal(f.luma[640 * 480 - 1], 0);
}

static void test_yuyv_luma_plane(void **state)
{
	struct scanner_source_format fmt;
	struct scanner_frame f;
	struct scanner_source *src;

	sim_format(V4L2_PIX_FMT_MJPEG, false);
	sim_format(V4L2_PIX_FMT_YUYV, false);
	*state = src = open_cam();
	assert_int_equal(scanner_source_start(src), 0);
	assert_int_equal(scanner_source_format(src, &fmt), 0);
	assert_int_equal(fmt.fourcc, V4L2_PIX_FMT_YUYV);
	sim.seq = 7;
	assert_int_equal(next_within(src, 100, &f), 0);
	assert_int_equal(f.stride, 640);
	for (int i = 0; i < 640 * 480; i += 997)
		assert_int_equal(f.luma[i], 7); /* Y bytes only, no 0x80 chroma */
}

static void test_mjpeg_only_converts(void **state)
{
	struct scanner_source_format fmt;
	struct scanner_frame f;
	struct scanner_source *src;

	sim_format(V4L2_PIX_FMT_MJPEG, false);
	sim_format(V4L2_PIX_FMT_RGB24, true);
	sim_format(V4L2_PIX_FMT_YUV420, true);
	*state = src = open_cam();
	assert_int_equal(scanner_source_start(src), 0);
	assert_int_equal(scanner_source_format(src, &fmt), 0);
	assert_int_equal(fmt.fourcc, V4L2_PIX_FMT_YUV420);
	assert_true(fmt.converted);
	assert_int_equal(fmt.native, V4L2_PIX_FMT_MJPEG);
	assert_int_equal(next_within(src, 100, &f), 0);
}

static void test_long_format_list(void **state)
{
	struct scanner_source_format fmt;
	struct scanner_source *src;

	for (uint32_t i = 0; i < 40; i++) /* vivid lists about sixty formats */
		sim_format(v4l2_fourcc('X', 'X', '0' + i / 10, '0' + i % 10), false);
	sim_format(V4L2_PIX_FMT_YUYV, false);
	sim_format(V4L2_PIX_FMT_GREY, false);
	*state = src = open_cam();
	assert_int_equal(scanner_source_start(src), 0);
	assert_int_equal(scanner_source_format(src, &fmt), 0);
	assert_int_equal(fmt.fourcc, V4L2_PIX_FMT_GREY);
}

/* Opens /dev/video0 at w x h and fps (kept in *state for teardown), starts it, reads its format. */
static struct scanner_source *start_sized(void **state, int w, int h, int fps,
					  struct scanner_source_format *fmt)
{
	struct scanner_camera_config cfg;
	struct scanner_source *src = NULL;

	scanner_camera_config_init_default(&cfg);
	cfg.device = "/dev/video0";
	cfg.width = w;
	cfg.height = h;
	cfg.fps = fps;
	assert_int_equal(scanner_source_open_camera(&cfg, &src), 0);
	*state = src;
	assert_int_equal(scanner_source_start(src), 0);
	assert_int_equal(scanner_source_format(src, fmt), 0);
	return src;
}

/* 1280x720 at 30 fps: a USB 2 webcam has it raw at 10 fps only; the converted one is taken. */
static void test_rate_decides_at_720p(void **state)
{
	struct scanner_source_format fmt;

	sim_format(V4L2_PIX_FMT_YUYV, false);
	sim_format(V4L2_PIX_FMT_YUV420, true); /* libv4l2, from the camera's MJPEG */
	sim.slow_fourcc = V4L2_PIX_FMT_YUYV;
	sim.slow_fps = 10;
	scanner_source_destroy(start_sized(state, 1280, 720, 30, &fmt));
	*state = NULL;
	assert_int_equal(fmt.fourcc, V4L2_PIX_FMT_YUV420);
	assert_true(fmt.converted);
	assert_int_equal(fmt.width, 1280);
	assert_int_equal(sim.fps, 30);
	/* At 640x480 the raw format is fast enough and stays first. */
	start_sized(state, 640, 480, 30, &fmt);
	assert_int_equal(fmt.fourcc, V4L2_PIX_FMT_YUYV);
	assert_false(fmt.converted);
}

/* None reaches the rate: the fastest; a camera that lists no rates: the first. */
static void test_rate_fallbacks(void **state)
{
	struct scanner_source_format fmt;
	struct scanner_source *src;

	sim_format(V4L2_PIX_FMT_GREY, false);
	sim_format(V4L2_PIX_FMT_YUYV, false); /* 30 and 15 fps listed */
	sim.slow_fourcc = V4L2_PIX_FMT_GREY;
	sim.slow_fps = 5;
	src = start_sized(state, 1280, 720, 60, &fmt);
	assert_int_equal(fmt.fourcc, V4L2_PIX_FMT_YUYV); /* 30 beats 5 */
	assert_int_equal(sim.cur_fourcc, V4L2_PIX_FMT_YUYV);
	assert_int_equal(scanner_source_stop(src), 0);
	sim.no_intervals = true;
	assert_int_equal(scanner_source_start(src), 0);
	assert_int_equal(scanner_source_format(src, &fmt), 0);
	assert_int_equal(fmt.fourcc, V4L2_PIX_FMT_GREY);
}

static void test_native_beats_emulated(void **state)
{
	struct scanner_source_format fmt;
	struct scanner_source *src;

	sim_format(V4L2_PIX_FMT_YUV420, true);
	sim_format(V4L2_PIX_FMT_NV12, false);
	*state = src = open_cam();
	assert_int_equal(scanner_source_start(src), 0);
	assert_int_equal(scanner_source_format(src, &fmt), 0);
	assert_int_equal(fmt.fourcc, V4L2_PIX_FMT_NV12);
	assert_false(fmt.converted);
}

static void test_nv12_padded_stride(void **state)
{
	struct scanner_frame f;
	struct scanner_source *src;

	sim_format(V4L2_PIX_FMT_NV12, false);
	sim.pad = 64;
	*state = src = open_cam();
	assert_int_equal(scanner_source_start(src), 0);
	assert_int_equal(next_within(src, 100, &f), 0);
	assert_int_equal(f.width, 640);
	assert_int_equal(f.stride, 704);
}

static void test_size_clamped_by_camera(void **state)
{
	struct scanner_camera_config cfg;
	struct scanner_source_format fmt;
	struct scanner_source *src = NULL;

	sim_format(V4L2_PIX_FMT_GREY, false);
	sim.max_w = 320;
	sim.max_h = 240;
	scanner_camera_config_init_default(&cfg);
	cfg.device = "/dev/video0";
	cfg.fps = 15;
	assert_int_equal(scanner_source_open_camera(&cfg, &src), 0);
	*state = src;
	assert_int_equal(scanner_source_start(src), 0);
	assert_int_equal(scanner_source_format(src, &fmt), 0);
	assert_int_equal(fmt.width, 320);
	assert_int_equal(fmt.height, 240);
	assert_int_equal(sim.fps, 15);
}

static void test_no_usable_format(void **state)
{
	struct scanner_frame f;
	struct scanner_source *src;

	sim_format(V4L2_PIX_FMT_MJPEG, false);
	sim_format(V4L2_PIX_FMT_RGB24, true);
	*state = src = open_cam();
	assert_int_equal(scanner_source_start(src), SCANNER_ERR_CAMERA);
	assert_int_equal(scanner_source_state(src), SCANNER_SOURCE_UNSUPPORTED_FORMAT);
	assert_non_null(strstr(scanner_source_message(src), "custscan-probe"));
	assert_released();
	assert_int_equal(next_within(src, 100, &f), SCANNER_ERR_AGAIN);
	assert_released();
}

static void test_config_checked(void **state)
{
	struct scanner_camera_config cfg;
	struct scanner_source *src = NULL;

	(void)state;
	scanner_camera_config_init_default(&cfg);
	assert_int_equal(scanner_source_open_camera(&cfg, &src), SCANNER_ERR_INVAL);
	cfg.device = "/dev/video0";
	cfg.buffers = 2;
	assert_int_equal(scanner_source_open_camera(&cfg, &src), SCANNER_ERR_INVAL);
	assert_null(src);
}

/* ------------------------------------------------------------------ faults at each stage */

/* Starts into a fault, checks state and message, then lets the camera come
 * back and checks that next() recovers without a new start. */
static void fault_then_recover(void **state, enum scanner_source_state want, const char *words)
{
	struct scanner_source_stats st;
	struct scanner_frame f;
	struct scanner_source *src;

	sim_format(V4L2_PIX_FMT_GREY, false);
	*state = src = open_cam();
	assert_int_equal(scanner_source_start(src), SCANNER_ERR_CAMERA);
	assert_int_equal(scanner_source_state(src), want);
	assert_non_null(strstr(scanner_source_message(src), words));
	assert_non_null(strstr(scanner_source_message(src), "usb-Sim_Camera"));
	assert_released();
	/* Still failing: next() keeps returning AGAIN and stays in the state. */
	for (int i = 0; i < 5; i++) {
		assert_int_equal(next_within(src, 100, &f), SCANNER_ERR_AGAIN);
		assert_int_equal(scanner_source_state(src), want);
		assert_int_equal(sim.n_mapped, 0);
	}
	/* The camera comes back. */
	sim.open_errno = 0;
	sim.fail_times = 0;
	sim.mmap_fail_at = -1;
	assert_int_equal(frame_within(src, 100, &f), 0);
	assert_int_equal(scanner_source_state(src), SCANNER_SOURCE_STREAMING);
	scanner_source_stats(src, &st);
	assert_int_equal(st.recoveries, 1);
	assert_int_equal(st.faults, 1);
	assert_int_equal(st.frames, 1);
	assert_int_equal(sim.n_open, 1);
}

static void test_open_absent(void **state)
{
	sim.open_errno = ENOENT;
	fault_then_recover(state, SCANNER_SOURCE_ABSENT, "no camera at");
}

static void test_open_busy(void **state)
{
	sim.open_errno = EBUSY;
	fault_then_recover(state, SCANNER_SOURCE_BUSY, "in use by another program");
}

static void test_open_no_permission(void **state)
{
	sim.open_errno = EACCES;
	fault_then_recover(state, SCANNER_SOURCE_NO_PERMISSION,
			   "group 'video' (usermod -aG video USER)");
}

static void test_querycap_fails(void **state)
{
	sim_fail_on(VIDIOC_QUERYCAP, EIO, -1);
	fault_then_recover(state, SCANNER_SOURCE_FAILED, "VIDIOC_QUERYCAP");
}

static void test_s_fmt_busy(void **state)
{
	sim_fail_on(VIDIOC_S_FMT, EBUSY, -1);
	fault_then_recover(state, SCANNER_SOURCE_BUSY, "in use by another program");
}

static void test_s_fmt_rejected(void **state)
{
	sim_fail_on(VIDIOC_S_FMT, EINVAL, -1);
	fault_then_recover(state, SCANNER_SOURCE_UNSUPPORTED_FORMAT, "no usable format");
}

static void test_reqbufs_fails(void **state)
{
	sim_fail_on(VIDIOC_REQBUFS, ENOMEM, -1);
	fault_then_recover(state, SCANNER_SOURCE_FAILED, "VIDIOC_REQBUFS");
}

static void test_reqbufs_no_mmap(void **state)
{
	sim_fail_on(VIDIOC_REQBUFS, EINVAL, -1);
	fault_then_recover(state, SCANNER_SOURCE_UNSUPPORTED_FORMAT, "VIDIOC_REQBUFS");
}

static void test_mmap_fails(void **state)
{
	sim.mmap_fail_at = 2; /* the first two mappings must be undone */
	fault_then_recover(state, SCANNER_SOURCE_FAILED, "mmap");
}

static void test_streamon_fails(void **state)
{
	sim_fail_on(VIDIOC_STREAMON, ENOSPC, -1); /* USB bandwidth */
	fault_then_recover(state, SCANNER_SOURCE_FAILED, "VIDIOC_STREAMON");
}

static void test_streamon_busy(void **state)
{
	sim_fail_on(VIDIOC_STREAMON, EBUSY, -1);
	fault_then_recover(state, SCANNER_SOURCE_BUSY, "in use");
}

/* ------------------------------------------------------------------ mid-stream */

static struct scanner_source *streaming_cam(void **state)
{
	struct scanner_frame f;
	struct scanner_source *src;

	sim_format(V4L2_PIX_FMT_GREY, false);
	*state = src = open_cam();
	assert_int_equal(scanner_source_start(src), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(next_within(src, 100, &f), 0);
	return src;
}

static void unplug_and_replug(void **state, bool dqbuf_eio)
{
	struct scanner_source_stats st;
	struct scanner_frame f;
	struct scanner_source *src = streaming_cam(state);
	int opens;

	if (dqbuf_eio)
		sim_fail_on(VIDIOC_DQBUF, EIO, -1);
	else
		sim.unplugged = true;
	assert_int_equal(next_within(src, 100, &f), SCANNER_ERR_AGAIN);
	assert_int_equal(scanner_source_state(src), SCANNER_SOURCE_UNPLUGGED);
	assert_non_null(strstr(scanner_source_message(src), "unplugged"));
	assert_released();
	/* The node is gone for a while: retried with back-off, still unplugged. */
	sim.unplugged = false;
	sim.fail_times = 0;
	sim.open_errno = ENOENT;
	opens = sim.open_attempts;
	for (int i = 0; i < 100; i++) /* 10 s of fake time */
		assert_int_equal(next_within(src, 100, &f), SCANNER_ERR_AGAIN);
	assert_int_equal(scanner_source_state(src), SCANNER_SOURCE_UNPLUGGED);
	/* back-off 250, 500, 1000, 2000, 4000 ms: at most 6 tries in 10 s */
	assert_true(sim.open_attempts - opens >= 4);
	assert_true(sim.open_attempts - opens <= 6);
	/* Plugged back in. */
	sim.open_errno = 0;
	assert_int_equal(frame_within(src, 100, &f), 0);
	assert_int_equal(scanner_source_state(src), SCANNER_SOURCE_STREAMING);
	scanner_source_stats(src, &st);
	assert_int_equal(st.recoveries, 1);
	assert_int_equal(st.frames, 4);
	assert_int_equal(st.starts, 2);
	assert_int_equal(f.sequence, 3); /* sequence keeps increasing */
}

static void test_unplug_enodev_then_replug(void **state)
{
	unplug_and_replug(state, false);
}

static void test_unplug_eio_then_replug(void **state)
{
	unplug_and_replug(state, true);
}

static void test_stall_then_recover(void **state)
{
	struct scanner_frame f;
	struct scanner_source *src = streaming_cam(state);
	int i;

	sim.stalled = true;
	for (i = 0; i < 30 && scanner_source_state(src) == SCANNER_SOURCE_STREAMING; i++)
		assert_int_equal(next_within(src, 100, &f), SCANNER_ERR_AGAIN);
	/* 2 s of stall_ms at 100 ms per call */
	assert_int_equal(i, 20);
	assert_int_equal(scanner_source_state(src), SCANNER_SOURCE_STALLED);
	assert_non_null(strstr(scanner_source_message(src), "stopped sending frames"));
	assert_released();
	/* Reopened after the back-off, still no frames: stays stalled. */
	for (i = 0; i < 30; i++)
		assert_int_equal(next_within(src, 100, &f), SCANNER_ERR_AGAIN);
	assert_int_equal(scanner_source_state(src), SCANNER_SOURCE_STALLED);
	sim.stalled = false;
	assert_int_equal(frame_within(src, 100, &f), 0);
	assert_int_equal(scanner_source_state(src), SCANNER_SOURCE_STREAMING);
}

static void test_slow_caller_is_no_stall(void **state)
{
	struct scanner_frame f;
	struct scanner_source *src = streaming_cam(state);

	sim.now_us += 5000000; /* the caller decoded for 5 s */
	assert_int_equal(next_within(src, 100, &f), 0);
	assert_int_equal(scanner_source_state(src), SCANNER_SOURCE_STREAMING);
	sim.now_us += 5000000;
	assert_int_equal(next_within(src, 0, &f), 0);
	assert_int_equal(scanner_source_state(src), SCANNER_SOURCE_STREAMING);
}

static void test_zero_timeout_never_waits(void **state)
{
	struct scanner_frame f;
	struct scanner_source *src;

	sim.open_errno = ENOENT;
	sim_format(V4L2_PIX_FMT_GREY, false);
	*state = src = open_cam();
	assert_int_equal(scanner_source_start(src), SCANNER_ERR_CAMERA);
	for (int i = 0; i < 10; i++)
		assert_int_equal(next_within(src, 0, &f), SCANNER_ERR_AGAIN);
	assert_int_equal(sim.open_attempts, 1); /* no fake time passed: no retry */
}

/* ------------------------------------------------------------------ newest frame */

static void test_newest_frame_drops_stale(void **state)
{
	struct scanner_source_stats st;
	struct scanner_frame f;
	struct scanner_source *src;

	sim_format(V4L2_PIX_FMT_GREY, false);
	*state = src = open_cam();
	assert_int_equal(scanner_source_start(src), 0);
	sim.frames_per_poll = 3; /* the caller was slow: three frames wait */
	assert_int_equal(next_within(src, 100, &f), 0);
	assert_int_equal(f.luma[0], 2); /* frames 0, 1, 2: the newest is 2 */
	scanner_source_stats(src, &st);
	assert_int_equal(st.dropped, 2);
	assert_int_equal(st.frames, 1);
	/* The frame's buffer stays out of the driver's hands until the next call. */
	for (uint32_t i = 0; i < sim.n_bufs; i++)
		if (sim.map[i] == f.luma)
			assert_false(sim.queued[i]);
	sim.frames_per_poll = 1;
	assert_int_equal(next_within(src, 100, &f), 0);
	assert_int_equal(f.luma[0], 3);
	scanner_source_stats(src, &st);
	assert_int_equal(st.dropped, 2);
}

static void test_stop_start_releases(void **state)
{
	struct scanner_frame f;
	struct scanner_source *src = streaming_cam(state);

	assert_int_equal(scanner_source_stop(src), 0);
	assert_released();
	assert_int_equal(scanner_source_state(src), SCANNER_SOURCE_STOPPED);
	assert_int_equal(scanner_source_next(src, 100, &f), SCANNER_ERR_INVAL);
	assert_int_equal(scanner_source_stop(src), 0);
	assert_int_equal(scanner_source_start(src), 0);
	assert_int_equal(sim.n_open, 1);
	assert_int_equal(next_within(src, 100, &f), 0);
	assert_int_equal(scanner_source_stop(src), 0);
	assert_released();
}

static void test_stop_while_faulted(void **state)
{
	struct scanner_frame f;
	struct scanner_source *src = streaming_cam(state);

	sim.unplugged = true;
	assert_int_equal(next_within(src, 100, &f), SCANNER_ERR_AGAIN);
	assert_int_equal(scanner_source_stop(src), 0);
	assert_int_equal(scanner_source_state(src), SCANNER_SOURCE_STOPPED);
	sim.unplugged = false;
	assert_int_equal(scanner_source_start(src), 0);
	assert_int_equal(next_within(src, 100, &f), 0);
}

/* ------------------------------------------------------------------ controls */

static int32_t value_of(uint32_t id)
{
	return sim_find(id)->value;
}

static void test_profile_applied(void **state)
{
	const struct scanner_control_report *rep;
	struct scanner_source *src;
	size_t n;

	sim_format(V4L2_PIX_FMT_YUYV, false);
	sim_uvc_controls();
	*state = src = open_cam();
	assert_int_equal(scanner_source_start(src), 0);
	assert_int_equal(value_of(V4L2_CID_EXPOSURE_AUTO), V4L2_EXPOSURE_MANUAL);
	assert_int_equal(value_of(V4L2_CID_EXPOSURE_ABSOLUTE), 100);
	assert_int_equal(value_of(V4L2_CID_EXPOSURE_AUTO_PRIORITY), 0);
	assert_int_equal(value_of(V4L2_CID_GAIN), 32); /* the camera's default */
	assert_int_equal(value_of(V4L2_CID_FOCUS_AUTO), 0);
	assert_int_equal(value_of(V4L2_CID_FOCUS_ABSOLUTE), 175); /* 700 permille of 0..250 */
	assert_int_equal(value_of(V4L2_CID_POWER_LINE_FREQUENCY),
			 V4L2_CID_POWER_LINE_FREQUENCY_50HZ);
	assert_int_equal(value_of(V4L2_CID_BACKLIGHT_COMPENSATION), 0);
	assert_int_equal(value_of(V4L2_CID_SHARPNESS), 128);
	n = scanner_source_controls(src, &rep);
	assert_true(n >= 9);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(rep[i].err, 0);
		assert_int_equal(rep[i].readback, value_of(rep[i].id));
	}
}

static void test_missing_controls_skipped(void **state)
{
	const struct scanner_control_report *rep;
	struct scanner_source *src;

	sim_format(V4L2_PIX_FMT_GREY, false);
	sim_control(V4L2_CID_GAIN, 0, 100, 10, 0);
	sim_control(V4L2_CID_FOCUS_AUTO, 0, 1, 0, 0); /* autofocus, no manual focus */
	*state = src = open_cam();
	assert_int_equal(scanner_source_start(src), 0);
	assert_int_equal(scanner_source_controls(src, &rep), 2);
	assert_string_equal(rep[0].name, "gain");
	assert_string_equal(rep[1].name, "focus_auto");
	assert_int_equal(rep[1].readback, 1); /* near focus falls back to continuous AF */
	assert_int_equal(scanner_source_state(src), SCANNER_SOURCE_STREAMING);
}

static void test_control_write_error_is_reported(void **state)
{
	const struct scanner_control_report *rep;
	struct scanner_source *src;

	sim_format(V4L2_PIX_FMT_GREY, false);
	sim_control(V4L2_CID_POWER_LINE_FREQUENCY, 0, 2, 0, 0x1); /* only "disabled" */
	*state = src = open_cam();
	assert_int_equal(scanner_source_start(src), 0);
	assert_int_equal(scanner_source_controls(src, &rep), 1);
	assert_int_equal(rep[0].err, ERANGE);
	assert_int_equal(scanner_source_state(src), SCANNER_SOURCE_STREAMING);
}

static void test_auto_exposure_profile(void **state)
{
	struct scanner_camera_config cfg;
	struct scanner_source *src = NULL;

	sim_format(V4L2_PIX_FMT_GREY, false);
	sim_uvc_controls();
	sim_control(V4L2_CID_AUTO_EXPOSURE_BIAS, -4, 4, 0, 0);
	scanner_camera_config_init_default(&cfg);
	cfg.device = "/dev/video0";
	cfg.profile.exposure_mode = SCANNER_EXPOSURE_AUTO;
	cfg.profile.exposure_bias = -2;
	cfg.profile.power_line_hz = 60;
	cfg.profile.focus_mode = SCANNER_FOCUS_CONTINUOUS;
	assert_int_equal(scanner_source_open_camera(&cfg, &src), 0);
	*state = src;
	assert_int_equal(scanner_source_start(src), 0);
	/* UVC: no full auto, so aperture priority */
	assert_int_equal(value_of(V4L2_CID_EXPOSURE_AUTO), V4L2_EXPOSURE_APERTURE_PRIORITY);
	assert_int_equal(value_of(V4L2_CID_AUTO_EXPOSURE_BIAS), -2);
	assert_int_equal(sim_find(V4L2_CID_EXPOSURE_ABSOLUTE)->writes, 0);
	assert_int_equal(value_of(V4L2_CID_POWER_LINE_FREQUENCY),
			 V4L2_CID_POWER_LINE_FREQUENCY_60HZ);
	assert_int_equal(value_of(V4L2_CID_FOCUS_AUTO), 1);
}

static void test_exposure_hints(void **state)
{
	struct scanner_source_stats st;
	struct scanner_frame f;
	struct scanner_source *src;

	sim_format(V4L2_PIX_FMT_GREY, false);
	sim_uvc_controls();
	*state = src = open_cam();
	assert_int_equal(scanner_source_start(src), 0);
	assert_int_equal(next_within(src, 100, &f), 0);
	/* In the band: nothing changes. */
	assert_int_equal(scanner_source_set_exposure_hint(src, 130), 0);
	assert_int_equal(value_of(V4L2_CID_EXPOSURE_ABSOLUTE), 100);
	/* A blown-out screen: darker, by at most half. */
	assert_int_equal(scanner_source_set_exposure_hint(src, 250), 0);
	assert_int_equal(value_of(V4L2_CID_EXPOSURE_ABSOLUTE), 51);
	/* The frames in flight were exposed the old way: ignored. */
	assert_int_equal(scanner_source_set_exposure_hint(src, 250), 0);
	assert_int_equal(value_of(V4L2_CID_EXPOSURE_ABSOLUTE), 51);
	for (int i = 0; i < 5; i++)
		assert_int_equal(next_within(src, 100, &f), 0);
	/* Too dark now: brighter, by at most double. */
	assert_int_equal(scanner_source_set_exposure_hint(src, 10), 0);
	assert_int_equal(value_of(V4L2_CID_EXPOSURE_ABSOLUTE), 102);
	assert_int_equal(scanner_source_set_exposure_hint(src, 256), SCANNER_ERR_INVAL);
	scanner_source_stats(src, &st);
	assert_int_equal(st.exposure_adjusted, 2);
}

/* Auto exposure with a limit: auto until a code is blown out, then manual, capped. */
static void test_auto_exposure_with_a_limit(void **state)
{
	struct scanner_camera_config cfg;
	struct scanner_source_stats st;
	struct scanner_source *src = NULL;
	struct scanner_frame f;

	sim_format(V4L2_PIX_FMT_GREY, false);
	sim_uvc_controls(); /* the camera's auto exposure is at 250 (25 ms) */
	scanner_camera_config_init_default(&cfg);
	cfg.device = "/dev/video0";
	cfg.profile.exposure_mode = SCANNER_EXPOSURE_AUTO_LIMITED;
	cfg.profile.exposure_limit = 80;
	assert_int_equal(scanner_source_open_camera(&cfg, &src), 0);
	*state = src;
	assert_int_equal(scanner_source_start(src), 0);
	assert_int_equal(value_of(V4L2_CID_EXPOSURE_AUTO), V4L2_EXPOSURE_APERTURE_PRIORITY);
	assert_int_equal(sim_find(V4L2_CID_EXPOSURE_ABSOLUTE)->writes, 0);
	assert_int_equal(next_within(src, 100, &f), 0);
	/* In the band, or dark: auto exposure copes; nothing is written. */
	assert_int_equal(scanner_source_set_exposure_hint(src, 130), 0);
	assert_int_equal(scanner_source_set_exposure_hint(src, 20), 0);
	assert_int_equal(value_of(V4L2_CID_EXPOSURE_AUTO), V4L2_EXPOSURE_APERTURE_PRIORITY);
	assert_int_equal(sim_find(V4L2_CID_EXPOSURE_ABSOLUTE)->writes, 0);
	/* Blown out: manual at 250 * 128 / 250 = 128, capped at the limit. */
	assert_int_equal(scanner_source_set_exposure_hint(src, 250), 0);
	assert_int_equal(value_of(V4L2_CID_EXPOSURE_AUTO), V4L2_EXPOSURE_MANUAL);
	assert_int_equal(value_of(V4L2_CID_EXPOSURE_ABSOLUTE), 80);
	/* From there it follows the hints as in manual mode. */
	for (int i = 0; i < 5; i++)
		assert_int_equal(next_within(src, 100, &f), 0);
	assert_int_equal(scanner_source_set_exposure_hint(src, 250), 0);
	assert_int_equal(value_of(V4L2_CID_EXPOSURE_ABSOLUTE), 40);
	scanner_source_stats(src, &st);
	assert_int_equal(st.exposure_adjusted, 2);
	/* The next start is automatic again. */
	assert_int_equal(scanner_source_stop(src), 0);
	assert_int_equal(scanner_source_start(src), 0);
	assert_int_equal(value_of(V4L2_CID_EXPOSURE_AUTO), V4L2_EXPOSURE_APERTURE_PRIORITY);
}

static void test_exposure_hint_without_control(void **state)
{
	struct scanner_frame f;
	struct scanner_source *src;

	sim_format(V4L2_PIX_FMT_GREY, false);
	*state = src = open_cam();
	assert_int_equal(scanner_source_start(src), 0);
	assert_int_equal(next_within(src, 100, &f), 0);
	assert_int_equal(scanner_source_set_exposure_hint(src, 250), 0);
}

/* ------------------------------------------------------------------ describe */

static void test_describe(void **state)
{
	static struct scanner_caminfo info;
	enum scanner_source_state st;

	(void)state;
	sim_format(V4L2_PIX_FMT_MJPEG, false);
	sim_format(V4L2_PIX_FMT_YUV420, true);
	sim_uvc_controls();
	assert_int_equal(scanner_camera_describe("/dev/video0", &info, &st), 0);
	assert_int_equal(st, SCANNER_SOURCE_STOPPED);
	assert_string_equal(info.card, "Simulated Camera");
	assert_int_equal(info.n_formats, 2);
	assert_true(info.formats[1].emulated);
	assert_int_equal(info.formats[0].n_sizes, 2);
	assert_int_equal(info.formats[0].sizes[1].width, 1280);
	assert_int_equal(info.formats[0].sizes[0].fps_max, 30);
	assert_int_equal(info.formats[0].sizes[0].fps_min, 15);
	assert_int_equal(info.n_controls, 9);
	assert_released();
	sim.open_errno = EACCES;
	assert_int_equal(scanner_camera_describe("/dev/video0", &info, &st), SCANNER_ERR_CAMERA);
	assert_int_equal(st, SCANNER_SOURCE_NO_PERMISSION);
}

/* Open descriptors of this process, to catch leaks the fake cannot see. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_prefers_grey, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_yuyv_luma_plane, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_mjpeg_only_converts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_long_format_list, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_native_beats_emulated, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rate_decides_at_720p, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rate_fallbacks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nv12_padded_stride, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_size_clamped_by_camera, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_usable_format, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_config_checked, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_absent, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_busy, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_no_permission, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_querycap_fails, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_s_fmt_busy, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_s_fmt_rejected, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reqbufs_fails, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reqbufs_no_mmap, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_mmap_fails, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_streamon_fails, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_streamon_busy, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unplug_enodev_then_replug, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unplug_eio_then_replug, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stall_then_recover, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_slow_caller_is_no_stall, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_zero_timeout_never_waits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_newest_frame_drops_stale, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stop_start_releases, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stop_while_faulted, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_profile_applied, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_controls_skipped, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_control_write_error_is_reported, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_auto_exposure_profile, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_exposure_hints, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_auto_exposure_with_a_limit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_exposure_hint_without_control, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_describe, setup, teardown),
	};

	int fds = count_fds();
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	if (count_fds() != fds) {
		fprintf(stderr, "file descriptors leaked: %d before, %d after\n", fds, count_fds());
		return 1;
	}
	return rc;
}
