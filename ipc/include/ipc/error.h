/*
 * Error codes of the ipc library (the register link).
 *
 * Library functions return 0 (or a count) on success and a negative ipc_err
 * code on failure; they never print and never exit. One X-macro list gives
 * the enum, the human message and the machine name that travels on the wire
 * in an "error" message's "code" (libuv's UV_ERRNO_MAP).
 */
#ifndef IPC_ERROR_H
#define IPC_ERROR_H

#define IPC_ERR_MAP(X)                                                                             \
	X(NOMEM, "no_memory", "out of memory")                                                     \
	X(INVAL, "invalid", "invalid argument")                                                    \
	X(TOO_BIG, "too_big", "message too big")                                                   \
	X(BAD_JSON, "bad_json", "malformed JSON")                                                  \
	X(BAD_VERSION, "bad_version", "unsupported protocol version")                              \
	X(UNKNOWN_TYPE, "unknown_type", "unknown message type")                                    \
	X(BAD_MESSAGE, "bad_message", "invalid message")                                           \
	X(UNEXPECTED, "unexpected", "message not expected on this channel")                        \
	X(UNKNOWN_SCAN, "unknown_scan", "no such scan is waiting for an outcome")                  \
	X(SCAN_OFF, "scan_off", "scan mode is off")                                                \
	X(FULL, "full", "queue full")                                                              \
	X(ADDRESS, "address", "address refused")                                                   \
	X(PERM, "permissions", "cannot secure the socket directory")                               \
	X(SOCKET, "socket", "socket error")

enum ipc_err {
	IPC_OK = 0,
	IPC_ERR_FIRST_ = -300,
#define IPC_ERR_ENUM(name, code, msg) IPC_ERR_##name,
	IPC_ERR_MAP(IPC_ERR_ENUM)
#undef IPC_ERR_ENUM
};

/* Longest detail an ipc_error carries, terminating NUL included. */
#define IPC_DETAIL_BUFSZ 160

/*
 * Where and why a call failed, for the program to log: the code, the
 * function that failed and a detail such as "field \"scan_id\": bad
 * character" or "nn_bind tcp://0.0.0.0:5560: Address in use".
 */
struct ipc_error {
	int code;		       /* the ipc_err returned */
	const char *func;	       /* __func__ of the failing step, static */
	char detail[IPC_DETAIL_BUFSZ]; /* NUL-terminated, never holds an unmasked customer id */
};

/* A static message for an ipc_err code (or "unknown error"). Never NULL. */
const char *ipc_strerror(int err);

/* The code's wire name ("bad_json", ...) or "internal". Never NULL. */
const char *ipc_error_code_name(int err);

#endif
