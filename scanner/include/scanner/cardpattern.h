/*
 * Card patterns: a restricted regular expression with exactly one capture,
 * matched against a whole payload in time linear in its length.
 *
 * Card rules (cardrules.h) use a pattern where a prefix, lengths and a
 * character set cannot say what a card looks like ("a 13-digit code whose
 * digits 3 to 12 are the member number"). The payload is untrusted, so the
 * matcher never backtracks: a pattern is compiled to a Thompson NFA of at
 * most CARDPATTERN_MAX_PROG instructions and run as a Pike VM, which keeps
 * one thread per instruction and so costs at most O(payload x program)
 * whatever the pattern. Patterns that are ReDoS traps in backtracking
 * engines ("(a+)+", "(a*)*", "(\d{2})+"...) are refused anyway, so a rules
 * file stays safe when it is carried over to another system.
 *
 * Syntax (printable ASCII only):
 *   x             a literal; \x for any of \ ^ $ . [ ] ( ) | * + ? { } -
 *   .             any printable ASCII character (space included)
 *   \d \w         [0-9], [A-Za-z0-9_]
 *   [abc] [a-z]   a class, ranges allowed; [^...] its complement within
 *                 printable ASCII; \d, \w and escapes work inside
 *   (x)           THE capture: the id; exactly one, not inside a repetition
 *   (?:x)         a group that captures nothing
 *   x|y           alternation
 *   x? x* x+      greedy repetition
 *   x{n} x{n,} x{n,m}   counted repetition, n <= m <= CARDPATTERN_MAX_COUNT
 *   ^ $           allowed at the very start and end; matching is always of
 *                 the whole payload anyway
 * Refused with a reason: back-references, lookaround, lazy or possessive
 * quantifiers, a quantifier on a quantifier, a group repeated without bound
 * that itself repeats, or one that repeats without bound inside a repetition
 * ("nested repetition"), zero or several captures, and a pattern longer than
 * CARDPATTERN_MAX_LEN or compiling to more than CARDPATTERN_MAX_PROG
 * instructions.
 *
 * A compiled pattern is immutable: matching allocates nothing and is safe
 * from any number of threads at once.
 */
#ifndef SCANNER_CARDPATTERN_H
#define SCANNER_CARDPATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest pattern source, in bytes. */
#define CARDPATTERN_MAX_LEN 256
/* Most NFA instructions a pattern may compile to (bounds the matching cost). */
#define CARDPATTERN_MAX_PROG 512
/* Largest n or m in x{n,m}. */
#define CARDPATTERN_MAX_COUNT 64
/* Room for a reason why a pattern was refused. */
#define CARDPATTERN_WHY_BUFSZ 160

struct cardpattern;

/*
 * Compiles src (a NUL-terminated string). Returns 0 and sets *out (the
 * caller destroys it), or -1 with *out NULL and, if why is not NULL, the
 * reason and its offset in why (CARDPATTERN_WHY_BUFSZ bytes), e.g.
 * "at 3: nested repetition (could take exponential time in other engines)".
 */
int cardpattern_compile(const char *src, struct cardpattern **out, char *why);

/* Destroys a pattern; accepts NULL. */
void cardpattern_destroy(struct cardpattern *p);

/*
 * Whether s[0..len) (any bytes) matches the whole pattern. On a match
 * *cap_off and *cap_len (either may be NULL) give the capture's span in s,
 * leftmost-first (Perl's choice among several ways to match). Runs in
 * O(len x program size) with no allocation.
 */
bool cardpattern_match(const struct cardpattern *p, const uint8_t *s, size_t len, size_t *cap_off,
		       size_t *cap_len);

/*
 * Whether the pattern matches at least one string of exactly len bytes that
 * begins with start[0..k) (k <= len) and continues with digits only. Card
 * rules ask this to find out whether a rule would take a retail product code
 * (a GTIN: digits of a known length, without an in-store prefix).
 */
bool cardpattern_accepts_numeric(const struct cardpattern *p, const char *start, size_t k,
				 size_t len);

#endif
