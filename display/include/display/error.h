/*
 * Error codes of the display library.
 *
 * Library functions return 0 on success or a negative display_err code; they
 * never print and never exit. One X-macro list gives both the enum and the
 * message table (libuv's UV_ERRNO_MAP). Where SDL or SDL_ttf failed, the
 * caller may add SDL_GetError() to its own log line.
 */
#ifndef DISPLAY_ERROR_H
#define DISPLAY_ERROR_H

#define DISPLAY_ERR_MAP(X)                                                                         \
	X(NOMEM, "out of memory")                                                                  \
	X(INVAL, "invalid argument")                                                               \
	X(BAD_EVENT, "event not expected in this state")                                           \
	X(LANG, "unknown language")                                                                \
	X(FONT, "font cannot be loaded")                                                           \
	X(SDL, "SDL call failed")                                                                  \
	X(IO, "input/output error")                                                                \
	X(FORMAT, "unsupported or malformed image")

enum display_err {
	DISPLAY_OK = 0,
#define DISPLAY_ERR_ENUM(name, msg) DISPLAY_ERR_##name,
	DISPLAY_ERR_FIRST_ = -200,
	DISPLAY_ERR_MAP(DISPLAY_ERR_ENUM)
#undef DISPLAY_ERR_ENUM
};

/* A static message for a display_err code (or "unknown error"). Never NULL. */
const char *display_strerror(int err);

#endif
