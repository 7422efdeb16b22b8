/*
 * custscan-phonesim: a deterministic simulator of webcam frames showing a
 * customer card (QR or Code128) on a smartphone screen.
 *
 * The pieces, in pipeline order:
 *   symbol.c    text -> module matrix (libqrencode, libzint)
 *   scenario.c  category + seed -> a full set of scene parameters
 *   render.c    scene parameters -> 8-bit luma frame (inverse mapping through
 *               a homography, supersampled, then optics, sensor, MJPEG)
 *   main.c      command line: single frame, sets with a manifest, sequences
 *
 * Everything random is drawn from one seeded phonesim_rng, so the same seed and
 * parameters give byte-identical frames on any machine with the same libraries.
 */
#ifndef PHONESIM_H
#define PHONESIM_H

#include <stdbool.h>
#include <stdint.h>

#include "scanner/image.h"

/* pi (M_PI is not in strict C11 with POSIX 2008 alone). */
#define PHONESIM_PI 3.14159265358979323846

/* Longest card text: "CUST#" plus a 64-character id, plus NUL. */
#define PHONESIM_TEXT_MAX 80

/* ---------------------------------------------------------------- PRNG */

/* xoshiro256** seeded through splitmix64; fast and identical everywhere. */
struct phonesim_rng {
	uint64_t s[4]; /* generator state, never all zero */
};

void phonesim_rng_seed(struct phonesim_rng *rng, uint64_t seed);
uint64_t phonesim_rng_next(struct phonesim_rng *rng);
/* Uniform in [0, 1). */
double phonesim_rng_unit(struct phonesim_rng *rng);
/* Uniform in [lo, hi). */
double phonesim_rng_range(struct phonesim_rng *rng, double lo, double hi);
/* Uniform integer in [lo, hi] (inclusive). */
int phonesim_rng_int(struct phonesim_rng *rng, int lo, int hi);
/* Standard normal (Box-Muller, one value per call). */
double phonesim_rng_normal(struct phonesim_rng *rng);

/* ---------------------------------------------------------------- symbols */

enum phonesim_symbology {
	PHONESIM_QR,
	PHONESIM_CODE128,
	PHONESIM_NONE, /* negative frame: the phone shows no code */
	/* Card rules (issue 10): existing loyalty cards. Rendered like Code128
	 * (one row of bars); the text is the digits or Code 39 characters. */
	PHONESIM_EAN13, /* 12 digits (zint adds the check digit) or 13 */
	PHONESIM_EAN8,	/* 7 or 8 digits */
	PHONESIM_UPCA,	/* 11 or 12 digits */
	PHONESIM_CODE39,
	PHONESIM_I25, /* Interleaved 2 of 5, an even number of digits */
};

/*
 * A code as a module matrix, quiet zone not included. For the linear codes
 * the matrix is one row high; the renderer stretches it to the bar height.
 */
struct phonesim_symbol {
	enum phonesim_symbology symbology; /* what was encoded */
	int width;			   /* modules across */
	int height;			   /* modules down (1 for Code128) */
	int quiet;			   /* quiet zone in modules, each side */
	uint8_t *dark;			   /* width * height, 1 = dark module */
};

/*
 * Encodes text as symbology into *sym. Returns 0, or -1 when the encoder
 * refuses the text. The caller frees sym->dark with phonesim_symbol_release.
 */
int phonesim_symbol_init(struct phonesim_symbol *sym, enum phonesim_symbology symbology,
			 const char *text);
void phonesim_symbol_release(struct phonesim_symbol *sym);

/* ---------------------------------------------------------------- scenes */

/* What the phone screen shows in a negative frame. */
enum phonesim_content {
	PHONESIM_CONTENT_CODE,	/* the card app with its code */
	PHONESIM_CONTENT_PHOTO, /* a photo (smooth shapes, gradients) */
	PHONESIM_CONTENT_TEXT,	/* a page of text */
	PHONESIM_CONTENT_OFF,	/* screen off or no phone at all */
};

/* A bright additive spot reflected in the phone's glass. */
struct phonesim_glare {
	double x, y;	 /* centre in camera pixels */
	double rx, ry;	 /* radii in camera pixels */
	double angle;	 /* orientation of rx, radians */
	double strength; /* peak added radiance, 1.0 = screen white */
};

#define PHONESIM_MAX_GLARE 3

/*
 * Everything that determines one frame. Radiance is linear, with the screen's
 * full white at screen_white; the camera maps radiance * exposure = 1.0 to
 * the sensor's clipping point.
 */
struct phonesim_scene {
	int width, height; /* frame size in pixels */

	/* card */
	enum phonesim_symbology symbology; /* QR, CODE128 or NONE */
	bool dark_mode;			   /* light modules on a dark screen */
	char text[PHONESIM_TEXT_MAX];	   /* card text, "CUST#<id>" */
	enum phonesim_content content;	   /* what the screen shows */
	uint64_t content_seed;		   /* seed for UI text, photo, clutter */

	/* phone and screen */
	bool phone;	       /* a phone in view at all (false: counter only) */
	double screen_white;   /* radiance of a full-white screen pixel */
	double dark_level;     /* dark-mode background level, 0..0.15 of white */
	double pixel_gap;      /* dark fraction of the pixel pitch between pixels */
	double grid_contrast;  /* 0..1: how much of the subpixel pattern survives
				  the lens and the Bayer demosaic */
	int screen_w_px;       /* screen width in screen pixels (portrait) */
	int screen_h_px;       /* screen height in screen pixels */
	double screen_pitch;   /* screen pixel pitch in mm */
	bool landscape;	       /* code drawn along the screen's long axis */
	int screen_px_per_mod; /* screen pixels per module (card app's choice) */

	/* geometry: where the code's centre lands and how it is turned */
	double module_px; /* camera pixels per module, frontal, at the centre */
	double cx, cy;	  /* camera position of the code's centre */
	double roll;	  /* in-plane rotation, radians */
	double tilt_x;	  /* rotation about the horizontal axis, radians */
	double tilt_y;	  /* rotation about the vertical axis, radians */
	double focal;	  /* camera focal length in pixels */
	double shift_u;	  /* code centre offset from screen centre, screen px */
	double shift_v;

	/* light */
	double ambient;	      /* radiance of a white counter (shop lighting) */
	double exposure;      /* camera gain: radiance * exposure = 1 clips */
	double bloom;	      /* fraction of clipped excess spread around */
	double glass_reflect; /* uniform reflection off the glass */
	int n_glare;
	struct phonesim_glare glare[PHONESIM_MAX_GLARE];
	double stripe_strength; /* reflection band: added radiance, 0 = none */
	double stripe_angle;	/* band direction, radians */
	double stripe_offset;	/* signed distance of band from code centre, px */
	double stripe_width;	/* band width in camera pixels */

	/* screen PWM seen through a rolling shutter */
	double pwm_depth;  /* 0 = none, 1 = fully dark in the off phase */
	double pwm_period; /* rows per PWM period */
	double pwm_duty;   /* on fraction */
	double pwm_phase;  /* row offset */

	/* optics and motion */
	double blur_sigma;  /* Gaussian blur (base optics + defocus), px */
	double disc_radius; /* defocus disc radius in px, 0 = none */
	double motion_len;  /* linear motion blur length, px */
	double motion_angle;
	double vignette; /* brightness loss at the corners, 0..0.5 */

	/* sensor and transport */
	double read_noise; /* Gaussian noise sigma, in 8-bit DN */
	double shot_noise; /* shot noise scale, DN at full scale */
	double sharpen;	   /* webcam unsharp-mask amount */
	int jpeg_quality;  /* MJPEG quality 1..100, 0 = none */

	/* surroundings */
	int clutter;	     /* number of objects on the counter */
	bool finger;	     /* finger over the code's bottom-right corner */
	double finger_reach; /* how far the fingertip reaches in, modules */
	double finger_angle; /* finger direction, radians */
	bool hand;	     /* a hand holding the phone's bottom */
	int supersample;     /* samples per pixel side */
};

/*
 * Fills *scene for one category ("nominal", "glare", ..., "negative") with
 * random parameters drawn from rng. severity in (0, 1] scales the category's
 * dominant problem from mild to its full range. Returns 0, or -1 for an
 * unknown category.
 */
int phonesim_scene_random(struct phonesim_scene *scene, const char *category,
			  enum phonesim_symbology symbology, bool dark_mode, const char *text,
			  int width, int height, double severity, struct phonesim_rng *rng);

/* The category names in a fixed order, NULL-terminated. */
extern const char *const phonesim_categories[];

/* Writes a one-line parameter summary of scene into buf. */
void phonesim_scene_describe(const struct phonesim_scene *scene, char *buf, int size);

/*
 * Renders scene into img, which must already be scene->width x height.
 * noise_seed seeds sensor noise. Returns 0, or -1 when the symbol cannot be
 * encoded or memory runs out.
 */
int phonesim_render(const struct phonesim_scene *scene, uint64_t noise_seed,
		    struct scanner_image *img);

/*
 * A finished card picture for the phone to show instead of the simulated card
 * app: a PNG a shop sent by email, opened full screen. The picture is scaled
 * to the screen's width (as an image viewer fits it) and scrolled so that its
 * code's centre lands where the scene puts the code; the rest of the screen is
 * the viewer's black. The scene's symbology must be the picture's, its text
 * and dark_mode are not used for drawing.
 */
struct phonesim_card {
	const struct scanner_image *image; /* the picture, 8-bit sRGB-coded luma */
	double code_x, code_y;		   /* centre of the code in picture pixels */
	double module;			   /* picture pixels per module of the code */
	int modules;			   /* the code's width in modules, quiet zone excluded */
	int quiet;			   /* the code's quiet zone in modules */
	double bar_modules;		   /* a linear code's bar height in modules;
					      not used for QR (as tall as wide) */
};

/*
 * Renders scene into img (scene->width x height) with card on the screen.
 * The scene's module_px is then camera pixels per module of the card's code.
 * Returns 0, or -1 for a card that does not fit the scene or out of memory.
 */
int phonesim_render_card(const struct phonesim_scene *scene, const struct phonesim_card *card,
			 uint64_t noise_seed, struct scanner_image *img);

/*
 * Reports whether the code, with its quiet zone, lies wholly inside the frame
 * (the ground truth of a sequence's "fully visible" column).
 */
bool phonesim_code_visible(const struct phonesim_scene *scene);

/*
 * The code's outer corners (quiet zone not included) in camera pixels:
 * top-left, top-right, bottom-right, bottom-left in the code's own
 * orientation. Returns 0, or -1 for a negative scene or a corner behind the
 * camera. Ground truth for the locator's tests.
 */
int phonesim_code_corners(const struct phonesim_scene *scene, double corners[4][2]);

#endif
