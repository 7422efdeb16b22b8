/*
 * Helpers shared by the custcard tests: a scratch folder and decoding a card
 * back with custscan's own pipeline (scanner/decoder.h), as the daemon would.
 */
#ifndef CARD_TESTUTIL_H
#define CARD_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/decoder.h"
#include "scanner/image.h"

#define CARD_TEST_MAX_READS 8

/* What one decode read: each symbol's type and text. */
struct card_reads {
	int count;
	unsigned type[CARD_TEST_MAX_READS];  /* enum scanner_symbology */
	char text[CARD_TEST_MAX_READS][256]; /* payload, NUL-terminated */
};

/*
 * Decodes img with no time budget (every pass may run, so the verdict does
 * not depend on the machine's speed); with all_passes the union of every
 * pass (a page holding two codes). Fails the test if the decoder fails.
 */
void card_test_decode(const struct scanner_image *img, bool all_passes, struct card_reads *out);

/* The same reading only symbologies (a set of enum scanner_symbology), as a
 * scanner configured with card rules does. */
void card_test_decode_as(const struct scanner_image *img, unsigned symbologies, bool all_passes,
			 struct card_reads *out);

/* Loads the image file at path (fails the test if it cannot) and decodes it. */
void card_test_decode_file(const char *path, bool all_passes, struct card_reads *out);

/*
 * Asserts that reads holds text, read as type, and nothing else (a symbol
 * read twice by two passes counts once).
 */
void card_test_expect(const struct card_reads *reads, unsigned type, const char *text,
		      const char *what);

/* A fresh folder under TMPDIR (or /tmp) into dir (64 bytes); removed with rm -rf. */
void card_test_mkdtemp(char *dir);
void card_test_rmtree(const char *dir);

/* Group setup and teardown: *state is a fresh folder (a char[64] on the heap). */
int card_test_setup_dir(void **state);
int card_test_teardown_dir(void **state);

/* Writes text to dir/name (fails the test if it cannot). */
void card_test_write_file(const char *dir, const char *name, const char *text);

/*
 * Runs tests[0..n) as one group, only those matching CUSTCARD_TEST when it
 * is set (CUSTCARD_TEST=test_issue). Returns the number that failed.
 */
struct CMUnitTest;
int card_test_run(const char *group, const struct CMUnitTest *tests, size_t n,
		  int (*setup)(void **), int (*teardown)(void **));

/* Reads the whole file at path into a NUL-terminated buffer the caller frees. */
char *card_test_slurp(const char *path, size_t *len);

#endif
