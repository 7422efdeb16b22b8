/*
 * The string catalogue: every text the customer sees, in every language.
 *
 * Keys are one X-macro list; each language is a table indexed by key, and a
 * test checks that every language has every key. Languages are chosen by
 * code from the configuration ("en", "de"; "de_DE.UTF-8" and "de-AT" pick
 * "de"). Strings are UTF-8 and hold no format directives: the display name
 * goes on a line of its own below DISPLAY_TEXT_WELCOME, never into a string.
 * All data is static and read-only, so any thread may call these.
 */
#ifndef DISPLAY_I18N_H
#define DISPLAY_I18N_H

#include <stddef.h>

#define DISPLAY_TEXT_MAP(X)                                                                        \
	X(IDLE_TAGLINE)                                                                            \
	X(CAMERA_LABEL)                                                                            \
	X(READY_TITLE)                                                                             \
	X(READY_HINT)                                                                              \
	X(READING_TITLE)                                                                           \
	X(READING_HINT)                                                                            \
	X(CHECKING_TITLE)                                                                          \
	X(CHECKING_HINT)                                                                           \
	X(WELCOME)                                                                                 \
	X(ACCEPTED)                                                                                \
	X(CONFIRMED_HINT)                                                                          \
	X(NOT_A_CARD_TITLE)                                                                        \
	X(NOT_A_CARD_HINT)                                                                         \
	X(BAD_CODE_TITLE)                                                                          \
	X(BAD_CODE_HINT)                                                                           \
	X(UNKNOWN_CARD_TITLE)                                                                      \
	X(UNKNOWN_CARD_HINT)                                                                       \
	X(CARD_REFUSED_TITLE)                                                                      \
	X(CARD_REFUSED_HINT)                                                                       \
	X(NOT_CHECKED_TITLE)                                                                       \
	X(NOT_CHECKED_HINT)                                                                        \
	X(WAIT_CASHIER_TITLE)                                                                      \
	X(WAIT_CASHIER_HINT)                                                                       \
	X(SCANNER_DOWN_TITLE)                                                                      \
	X(SCANNER_DOWN_HINT)                                                                       \
	X(REGISTER_DOWN_TITLE)                                                                     \
	X(REGISTER_DOWN_HINT)

enum display_text {
#define DISPLAY_TEXT_ENUM(name) DISPLAY_TEXT_##name,
	DISPLAY_TEXT_MAP(DISPLAY_TEXT_ENUM)
#undef DISPLAY_TEXT_ENUM
	    DISPLAY_TEXT_COUNT
};

/* One language's catalogue. */
struct display_lang;

/* The language for a code, or NULL if there is none for it. */
const struct display_lang *display_lang_find(const char *code);

/* The languages there are, for listing and tests: index 0 .. count-1. */
size_t display_lang_count(void);
const struct display_lang *display_lang_at(size_t index);

/* The language's two-letter code ("en"). */
const char *display_lang_code(const struct display_lang *lang);

/*
 * The text for key in lang; never NULL: a key missing from lang falls back
 * to English, NULL lang means English, an out-of-range key gives "".
 */
const char *display_text(const struct display_lang *lang, enum display_text key);

/* The text as lang has it, NULL when missing (for the completeness test). */
const char *display_text_raw(const struct display_lang *lang, enum display_text key);

/* The key's name ("READY_TITLE"), "?" when out of range. */
const char *display_text_key_name(enum display_text key);

#endif
