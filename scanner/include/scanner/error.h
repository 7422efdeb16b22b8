/*
 * Error codes of the scanner library.
 *
 * Library functions return 0 on success or a negative scanner_err code; they
 * never print and never exit. One X-macro list gives both the enum and the
 * message table, so the two cannot drift apart (libuv's UV_ERRNO_MAP).
 */
#ifndef SCANNER_ERROR_H
#define SCANNER_ERROR_H

#define SCANNER_ERR_MAP(X)                                                                         \
	X(NOMEM, "out of memory")                                                                  \
	X(INVAL, "invalid argument")                                                               \
	X(IO, "input/output error")                                                                \
	X(NOENT, "file not found")                                                                 \
	X(FORMAT, "unsupported or malformed image")                                                \
	X(TOO_BIG, "image dimensions out of range")                                                \
	X(ENGINE, "decoding engine failure")                                                       \
	X(AGAIN, "no frame yet")                                                                   \
	X(END, "no more frames")                                                                   \
	X(CAMERA, "camera unavailable")

enum scanner_err {
	SCANNER_OK = 0,
#define SCANNER_ERR_ENUM(name, msg) SCANNER_ERR_##name,
	SCANNER_ERR_FIRST_ = -100,
	SCANNER_ERR_MAP(SCANNER_ERR_ENUM)
#undef SCANNER_ERR_ENUM
};

/* A static message for a scanner_err code (or "unknown error"). Never NULL. */
const char *scanner_strerror(int err);

#endif
