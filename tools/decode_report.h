/*
 * One decoded file as a line of JSON, the output format of
 * `custscan-decode --json`:
 *
 *   {"file": ..., "symbols": [{"type": "QR-Code", "text": ...}],
 *    "ids": [...], "rejected": [{"text": ..., "reason": ...}], "ms": ...}
 *
 * plus, with card rules (--rules), "cards": [{"rule": ..., "id": ...,
 * "card": ...}] for the accepted ids, *
 * plus "emitted": [...] in sequence mode, "frame_ms": [...] when a file was
 * decoded as several frames, and "error": ... for a file that
 * could not be read. Texts are the payloads made valid UTF-8 (scanner/text.h)
 * and escaped by json-c, so binary payloads, NUL bytes and control
 * characters come out as valid JSON.
 */
#ifndef DECODE_REPORT_H
#define DECODE_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/cardrules.h"
#include "scanner/confirm.h"
#include "scanner/custid.h"
#include "scanner/decoder.h"

struct decode_report {
	const char *file;			/* path as given */
	const char *error;			/* NULL, or why the file was not decoded */
	const struct scanner_result *result;	/* may be NULL with an error */
	const struct custid_syntax *syntax;	/* validates each symbol (without rules) */
	const struct cardrules *rules;		/* if not NULL, validates instead of syntax */
	bool cards;				/* add "cards": rule, id, card of each */
	bool sequence;				/* add "emitted" */
	const char (*emitted)[CUSTID_ID_BUFSZ]; /* ids emitted at this frame */
	size_t n_emitted;
	double ms;		/* decode time (per frame, the mean, with frame_ms) */
	const double *frame_ms; /* NULL, or each frame's decode time (--hold) */
	size_t n_frames;
};

/*
 * The verdict on one symbol under the report's rules, or its syntax when it
 * has none (then m->rule and m->card are ""). m is always filled.
 */
enum custid_reason decode_report_verdict(const struct decode_report *report,
					 const struct scanner_symbol *sym,
					 struct cardrules_match *m);

/*
 * Validates the result's symbols as decode_report_verdict() does, writing up
 * to max_ids accepted ids into ids[] and returning how many. Symbols that
 * fail are not written.
 */
size_t decode_report_ids(const struct decode_report *report, char (*ids)[CUSTID_ID_BUFSZ],
			 size_t max_ids);

/* Returns the JSON line (no newline) in a malloc'd string the caller frees,
 * or NULL when memory is short. */
char *decode_report_json(const struct decode_report *report);

#endif
