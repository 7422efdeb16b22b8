/*
 * The locator: finds QR codes in a luma frame cheaply, before any decoding,
 * and reports each with its corners and a confidence.
 *
 * ZBar looks for QR finder patterns along horizontal and vertical scanlines
 * only, so strong perspective, rotation and close-ups with the quiet zone
 * cut off defeat it whatever filter runs first. The locator finds the finder
 * patterns itself (dark-light-dark runs in the ratio 1:1:3:1:1, checked
 * across), groups three of them into a code, and models the code's geometry
 * as a perspective map from module coordinates to frame pixels, so that a
 * frontal image of just the code can be handed to the engine (rectify).
 * Dark-mode codes are found with the same scan: their finders are the same
 * runs with light and dark swapped.
 *
 * Stages, in the order the code runs them (locator.c keeps that order):
 * adaptive threshold, finder scan with cross-checks, grouping into codes,
 * perspective fit, rectification.
 *
 * A locator owns its buffers and reuses them; it is not thread-safe.
 */
#ifndef SCANNER_LOCATOR_H
#define SCANNER_LOCATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/frame.h"

/* Fixed capacities: finder candidates kept per frame, codes reported. */
#define LOCATOR_MAX_FINDERS 48
#define LOCATOR_MAX_CODES   8

struct locator_point {
	double x, y;
};

/*
 * A perspective map from module coordinates (u, v) to frame pixels:
 * x = (a*u + b*v + c) / (g*u + h*v + 1), y = (d*u + e*v + f) / (g*u + h*v + 1).
 */
struct locator_perspective {
	double c[8]; /* a b c d e f g h */
};

/* One finder pattern: the centre of its 3x3 core. */
struct locator_finder {
	struct locator_point center;
	double module; /* module size in pixels, from the runs across it */
	int hits;      /* scanlines that confirmed it */
	bool inverted; /* light core on dark: a dark-mode code */
};

struct locator_code {
	struct locator_point corners[4]; /* outer corners: top-left, top-right,
					    bottom-right, bottom-left in the
					    code's own orientation */
	struct locator_point finders[3]; /* top-left, top-right, bottom-left */
	double finder_module[3];	 /* their module sizes in pixels, from runs */
	struct locator_perspective map;	 /* module coordinates -> frame */
	int size;			 /* modules per side (21, 25, ... 177) */
	double module;			 /* mean module size in pixels */
	bool inverted;			 /* dark-mode code */
	double confidence;		 /* 0..1: how square and consistent */
};

/*
 * A region of parallel bars (a Code128 candidate): a rotated rectangle whose
 * u axis runs across the bars and v axis along them.
 */
struct locator_bars {
	struct locator_point origin; /* corner at u = 0, v = 0, frame pixels */
	double angle;		     /* direction of u, radians */
	double length;		     /* extent along u (across the bars), pixels */
	double height;		     /* extent along v (along the bars), pixels */
	double confidence;	     /* 0..1: how parallel the edges are */
};

#define LOCATOR_MAX_BARS 4

struct locator_result {
	size_t n_finders;
	struct locator_finder finders[LOCATOR_MAX_FINDERS];
	size_t n_codes;
	struct locator_code codes[LOCATOR_MAX_CODES];
	size_t n_bars;
	struct locator_bars bars[LOCATOR_MAX_BARS];
};

struct locator;

/* Creates a locator. Returns 0 and sets *out, or SCANNER_ERR_NOMEM. */
int locator_create(struct locator **out);

/* Destroys a locator; accepts NULL. */
void locator_destroy(struct locator *loc);

/*
 * Finds the QR codes of frame into *result (always filled). Returns 0 or a
 * negative scanner_err (INVAL, NOMEM).
 */
int locator_find(struct locator *loc, const struct scanner_frame *frame,
		 struct locator_result *result);

/* Maps module coordinates through a perspective. */
struct locator_point locator_map(const struct locator_perspective *p, double u, double v);

/*
 * Writes into *out the code with the point its map sends the bottom-right
 * module (n - 3.5, n - 3.5) to moved by du, dv modules along the code's own
 * axes there, the three finders staying put. Without an alignment pattern
 * (version 1, or none found) the locator can only guess that point from the
 * parallelogram of the finders, which strong perspective puts modules off;
 * the decoder tries a few moves when a located code does not read. Returns
 * 0, or -1 if the moved map is degenerate.
 */
int locator_move_fourth(const struct locator_code *code, double du, double dv,
			struct locator_code *out);

/*
 * Writes into *out the code with a map that also fits the module sizes
 * measured at its three finders: under perspective the near side of a code
 * is larger, and how much larger gives the map's projective part, which
 * places the fourth corner better than the parallelogram does when there is
 * no alignment pattern. The finders stay put. Returns 0, or -1 when the
 * sizes give no sane map.
 */
int locator_fit_scales(const struct locator_code *code, struct locator_code *out);

/*
 * Writes a frontal, upright image of code into out: px_per_module pixels per
 * module, a light quiet zone of quiet modules around it (whatever the frame
 * shows there), contrast stretched, dark modules dark even for a dark-mode
 * code. out must hold locator_rectified_side(code, ...)^2 bytes. Returns the
 * side length in pixels.
 */
int locator_rectified_side(const struct locator_code *code, int px_per_module, int quiet);
int locator_rectify(const struct scanner_frame *frame, const struct locator_code *code,
		    int px_per_module, int quiet, uint8_t *out);

/*
 * The same image drawn from one sample per module, at its centre: each
 * module a flat square. Where the map is right, what spreads across module
 * edges (the blooming of an over-exposed screen, blur, moire) no longer
 * shifts the edges ZBar measures, since there are none left but the
 * modules' own.
 */
int locator_rectify_modules(const struct scanner_frame *frame, const struct locator_code *code,
			    int px_per_module, int quiet, uint8_t *out);

/*
 * Writes an upright strip of a bar region into out (width x height bytes):
 * bars vertical, read across at the frame's own resolution (width is
 * locator_bars_width(bars)), height rows sampled along the bars. invert
 * makes light bars on dark (dark mode) dark on light.
 */
int locator_bars_width(const struct locator_bars *bars);
void locator_rectify_bars(const struct scanner_frame *frame, const struct locator_bars *bars,
			  bool invert, int height, uint8_t *out);

#endif
