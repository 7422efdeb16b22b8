/*
 * Internals of custscan_card shared between its files: the error helper,
 * codes as module matrices and the layout plan that draw.c makes and
 * output.c renders. Not installed and not for programs: they use card.h.
 */
#ifndef CARD_IMPL_H
#define CARD_IMPL_H

#include <stdint.h>

#include <cairo.h>

#include "card.h"

/*
 * Sets err (if not NULL) to code, line and a printf-formatted detail, and
 * returns code, so a failure is one statement: return card_fail(err, ...).
 */
int card_fail(struct card_error *err, int code, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Puts "name:line: " in front of the detail err already holds and sets its
 * code and line; returns code. For errors found below the caller that knows
 * the file.
 */
int card_fail_at(struct card_error *err, int code, const char *name, int line);

/*
 * Checks text (named what in messages, line for err) for a card or the
 * customer file: valid UTF-8, no control characters or line breaks, at most
 * max bytes. Returns 0 or BAD_NAME.
 */
int card_text_check(const char *text, size_t max, const char *what, int line,
		    struct card_error *err);

/*
 * Fails with DUPLICATE ("name:line: id X is already on line M") if two
 * customers of list share a non-empty id; their indexes go to dup (may be
 * NULL), the earlier line first.
 */
int card_customers_check_unique(const struct card_customers *list, const char *name, size_t dup[2],
				struct card_error *err);

/*
 * What card_write_all checks before it writes anything: every output's name
 * fits, none exists (when exclusive) and every layout fits (FIT, ENCODE).
 * Writes nothing. Returns 0 or the first error with detail in err.
 */
int card_check_all(const struct card_spec *spec, const char *prefix, bool exclusive,
		   struct card_error *err);

/* ---------------------------------------------------------------- codes */

/* A code as a module matrix, quiet zone not included. */
struct card_code {
	int width;     /* modules across */
	int height;    /* modules down; 1 for Code128, whose bars are drawn tall */
	int quiet;     /* quiet zone the standard asks for, modules each side */
	uint8_t *dark; /* width * height, 1 = dark module; owned */
};

/*
 * QR at error-correction level Q (25 %: glare and fingers on a phone screen
 * cost modules; README "What to issue") in byte mode, or a linear code of
 * symbology sym: Code128 (zint picks the code sets; at most 60 symbol
 * characters, so ids of about 53 characters and more have no Code128),
 * EAN-13, EAN-8, UPC-A (text with its check digit, which must be right),
 * Code 39 (no check character added) or Interleaved 2 of 5 (an even number
 * of digits). Return 0, ENCODE (with the encoder's reason in err) or INVAL
 * (QR or no symbology given to card_code_linear); the caller releases the
 * code.
 */
int card_code_qr(struct card_code *code, const char *text, struct card_error *err);
int card_code_linear(struct card_code *code, enum scanner_symbology sym, const char *text,
		     struct card_error *err);
void card_code_release(struct card_code *code);

/* ---------------------------------------------------------------- layout */

/* A code placed on the page, in dots (the drawing's unit). */
struct card_placed {
	struct card_code code; /* the modules */
	int x, y;	       /* top-left of the first module (quiet zone excluded) */
	int module;	       /* dots per module */
	int bar_h;	       /* bar height in dots (Code128; QR: module * height) */
};

#define CARD_PLAN_TEXTS 5

/* One line of text, centred on x (or starting at x when left). */
struct card_text {
	const char *text;   /* NULL: no line */
	bool mono;	    /* DejaVu Sans Mono (ids) or DejaVu Sans */
	bool bold;	    /* bold weight */
	bool left;	    /* left-aligned at x instead of centred */
	double size;	    /* em size in dots; shrunk to fit max_w */
	double x, baseline; /* position in dots */
	double max_w;	    /* widest the line may be, dots */
};

/* Everything about one card before it is drawn; units are dots at dpi. */
struct card_plan {
	enum card_kind kind;
	double dpi;				/* dots per inch */
	int w, h;				/* page in dots */
	bool dark;				/* light ink on a dark page */
	bool crisp;				/* no antialiasing (thermal label printers) */
	struct card_placed main;		/* the card's code */
	struct card_placed extra;		/* the sheet's Code128 (code.dark NULL if none) */
	struct card_text text[CARD_PLAN_TEXTS]; /* the lines of text */
	bool outline;				/* the sheet's card outline and cut marks */
	double card_x, card_y, card_w, card_h;	/* the sheet's card, dots */
};

/* Plans kind for spec. Returns 0 or INVAL, ENCODE, FIT, NOMEM (with err). */
int card_plan_make(enum card_kind kind, const struct card_spec *spec, struct card_plan *plan,
		   struct card_error *err);
void card_plan_release(struct card_plan *plan);

/*
 * Draws plan on cr, whose user unit must be one dot; vector for a PDF (bars
 * narrowed for RIPs, see draw.c), not for pixels.
 */
void card_plan_draw(const struct card_plan *plan, cairo_t *cr, bool vector);

#endif
