/*
 * The decoding pipeline: a luma frame in, the barcodes on it out.
 *
 * ZBar is the engine (behind the small interface in engine.h, so a second
 * engine could be added without touching this). In front of it runs a
 * cascade of passes tuned for photographs of phone screens: a small
 * contrast-stretched copy first (cheap, and the downscale averages away the
 * moiré of a resolved pixel grid), its inverse for dark-mode cards, then
 * costlier passes at higher resolution for small codes and glare. The cascade
 * stops at the first pass that reads anything, and in live use a per-frame
 * time budget stops it before a pass that would overrun. The budget counts
 * the decoding thread's CPU time, not wall time: what the cascade does with a
 * frame then depends on the frame, not on what else the machine is doing (a
 * busy machine drops frames instead, and the newest one is decoded next).
 *
 * Only the symbologies asked for are enabled in the engine: QR and Code128
 * by default, product codes (EAN/UPC) never unless configured, so a product
 * barcode cannot be taken for a customer card and untrusted frames reach as
 * little decoder code as possible.
 *
 * A decoder is not thread-safe; use one per capture thread. It owns all its
 * buffers and reuses them, so decoding allocates nothing once the largest
 * frame size has been seen.
 */
#ifndef SCANNER_DECODER_H
#define SCANNER_DECODER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/frame.h"

/* Symbologies, as bits of a set. */
enum scanner_symbology {
	SCANNER_SYM_QR = 1u << 0,
	SCANNER_SYM_CODE128 = 1u << 1,
	SCANNER_SYM_EAN13 = 1u << 2,
	SCANNER_SYM_EAN8 = 1u << 3,
	SCANNER_SYM_UPCA = 1u << 4,
	SCANNER_SYM_CODE39 = 1u << 5,
	SCANNER_SYM_I25 = 1u << 6,
};
#define SCANNER_SYM_DEFAULT (SCANNER_SYM_QR | SCANNER_SYM_CODE128)
#define SCANNER_SYM_ALL	    0x7fu

/* The symbology's name as ZBar spells it ("QR-Code", "CODE-128", ...). */
const char *scanner_symbology_name(enum scanner_symbology sym);

/*
 * Parses a comma-separated list of names ("qr,code128,ean13"; also "QR-Code",
 * "CODE-128" and "default") into a set. Returns 0, or -1 on an unknown name.
 */
int scanner_symbology_parse(const char *list, unsigned *set);

/* Most symbols reported for one frame, and the largest payload kept. */
#define SCANNER_MAX_PASSES  16
#define SCANNER_MAX_SYMBOLS 8
#define SCANNER_MAX_PAYLOAD 4096

struct scanner_symbol {
	enum scanner_symbology type;
	const uint8_t *data; /* raw bytes, owned by the decoder, valid until next decode */
	size_t len;	     /* number of bytes in data; data may contain NUL */
	int x0, y0, x1, y1;  /* bounding box in frame pixels, inclusive-exclusive */
	int pass;	     /* index of the pass that read it */
};

struct scanner_result {
	size_t count; /* symbols[0..count) */
	struct scanner_symbol symbols[SCANNER_MAX_SYMBOLS];
	int passes_run;			     /* passes actually tried */
	int passes_skipped;		     /* passes left out for the budget */
	int64_t elapsed_us;		     /* wall time spent in scanner_decode */
	int64_t pass_us[SCANNER_MAX_PASSES]; /* CPU time of each pass run, 0 if not run */

	/* What the locator saw, read or not (for "seen but not read", see
	 * presence.h): candidates found, and for the first of them its module
	 * size in pixels and the share of clipped-white pixels over it. */
	int located;
	double located_module;
	double located_glare;
};

struct scanner_config {
	unsigned symbologies; /* set of enum scanner_symbology */
	int budget_us;	      /* per-frame CPU time budget; 0 runs every pass until a read */
	bool all_passes;      /* run every pass and report the union (files, not live) */
	unsigned pass_mask;   /* bit i set: pass i may run (benchmark ablation); 0 = all */
	int sweep_every;      /* live: the costly passes run on the whole frame on every
				 n-th frame only, on the other frames on located codes
				 not yet read */
};

/* Fills *cfg with the daemon's defaults (QR + Code128, the live budget). */
void scanner_config_init_default(struct scanner_config *cfg);

struct scanner;

/*
 * Creates a decoder. Returns 0 and sets *out, or a negative scanner_err
 * (INVAL for an empty or unknown symbology set, NOMEM, ENGINE).
 */
int scanner_create(const struct scanner_config *cfg, struct scanner **out);

/* Destroys a decoder; accepts NULL. */
void scanner_destroy(struct scanner *s);

/*
 * Decodes one frame into *result (always filled, count 0 when nothing was
 * read). Returns 0 or a negative scanner_err (INVAL for a bad frame view,
 * TOO_BIG, NOMEM, ENGINE). The symbols' data stays valid until the next call
 * on this decoder.
 */
int scanner_decode(struct scanner *s, const struct scanner_frame *frame,
		   struct scanner_result *result);

/*
 * Forgets what the decoder learned from earlier frames of a stream (the
 * tracked pass, the sweep phase), keeping its buffers and its measured pass
 * costs. Call it when a new stream starts (scan mode on, another replay), so
 * nothing of the last one shapes the first frames of the next.
 */
void scanner_reset(struct scanner *s);

/*
 * scanner_reset(), and gives back the buffers grown for frames (the pass
 * and filter images, integral images, the rectified code, the locator's
 * maps: about 14 bytes a pixel, 13 MB at 1280x720), which the next frame
 * grows again. For a scanner that will idle for a while (scan mode off).
 * The pass costs it has measured are kept.
 */
void scanner_trim(struct scanner *s);

/* Number of passes in the cascade, and the name of pass i (for reports). */
int scanner_pass_count(void);
const char *scanner_pass_name(int pass);

/* The index of the pass with this name, or -1. */
int scanner_pass_find(const char *name);

#endif
