/*
 * Messages of the register link, protocol version 1 (docs/PROTOCOL.md).
 *
 * Every nanomsg message is one JSON object with "v" (the protocol version)
 * and "type". ipc_msg_parse() checks a message strictly: a size limit, JSON
 * that is valid UTF-8 with nothing after the object, version 1, a known type,
 * exactly the fields that type allows (each of the right JSON type, within
 * its length and character set) and every required field present. Whatever
 * passes is copied into a fixed-size struct ipc_msg: no allocation survives
 * the call, and a customer id that comes out is exactly the 1..64 characters
 * of [A-Za-z0-9_-] that were sent.
 *
 * ipc_msg_format() is the inverse and refuses a struct that would not parse.
 * Pure functions, safe from any thread.
 */
#ifndef IPC_MESSAGE_H
#define IPC_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc/error.h"

/* The protocol version this library speaks. */
#define IPC_PROTOCOL_VERSION 1
/* Largest message either side accepts, in bytes (also NN_RCVMAXSIZE). */
#define IPC_MSG_MAX 4096

/* Longest endpoint address, terminating NUL included (NN_SOCKADDR_MAX). */
#define IPC_ADDR_BUFSZ 128
/* Default addresses: sockets in a directory the daemon owns. */
#define IPC_DEFAULT_SCAN_ADDR	 "ipc:///run/custscan/scan.sock"
#define IPC_DEFAULT_CONTROL_ADDR "ipc:///run/custscan/control.sock"
/* Customer ids and scan ids: 1..64 characters of [A-Za-z0-9_-]. */
#define IPC_ID_MAX   64
#define IPC_ID_BUFSZ (IPC_ID_MAX + 1)
/* Order references: 1..64 printable ASCII characters. */
#define IPC_ORDER_MAX	64
#define IPC_ORDER_BUFSZ (IPC_ORDER_MAX + 1)
/* Machine words (reasons, error codes, camera state): [a-z0-9_], 1..32. */
#define IPC_WORD_MAX   32
#define IPC_WORD_BUFSZ (IPC_WORD_MAX + 1)
/* Short display names ("Ada"): UTF-8, 1..48 bytes, no control characters. */
#define IPC_NAME_MAX   48
#define IPC_NAME_BUFSZ (IPC_NAME_MAX + 1)
/* Texts to show and error messages: UTF-8, 1..200 bytes, no control characters. */
#define IPC_TEXT_MAX   200
#define IPC_TEXT_BUFSZ (IPC_TEXT_MAX + 1)
/* Longest timeout or duration a message may carry: one day, in ms. */
#define IPC_DURATION_MAX_MS 86400000

/* Message types and their "type" strings. */
#define IPC_MSG_TYPE_MAP(X)                                                                        \
	X(SCAN, "scan")			/* display -> register: a confirmed card */                \
	X(CANCEL, "cancel")		/* display -> register: gave up waiting on a scan */       \
	X(RESULT, "result")		/* register -> display: answer to scan or cancel */        \
	X(ENABLE, "enable")		/* register -> display: scan mode on */                    \
	X(DISABLE, "disable")		/* register -> display: scan mode off */                   \
	X(SHOW, "show")			/* register -> display: show a message */                  \
	X(STATUS_QUERY, "status_query") /* register -> display: how are you */                     \
	X(PING, "ping")			/* register -> display: are you there */                   \
	X(OUTCOME, "outcome")		/* register -> display: the cashier decided */             \
	X(OK, "ok")			/* display -> register: control request done */            \
	X(STATUS, "status")		/* display -> register: answer to status_query */          \
	X(PONG, "pong")			/* display -> register: answer to ping */                  \
	X(ERROR, "error")		/* either way: the request was refused */

enum ipc_msg_type {
#define IPC_MSG_TYPE_ENUM(name, str) IPC_MSG_##name,
	IPC_MSG_TYPE_MAP(IPC_MSG_TYPE_ENUM)
#undef IPC_MSG_TYPE_ENUM
	    IPC_MSG_TYPE_COUNT
};

/* What the register made of a scan, and their "result" strings. */
#define IPC_RESULT_MAP(X)                                                                          \
	X(ATTACHED, "attached") /* the customer is on the order; "name" may say who */             \
	X(UNKNOWN, "unknown")	/* no such customer */                                             \
	X(CONFIRM, "confirm")	/* the cashier must decide; an "outcome" follows */                \
	X(REJECTED, "rejected") /* not now; "reason" says why */                                   \
	X(ERROR, "error")	/* the register failed; "reason" may say why */

enum ipc_result {
#define IPC_RESULT_ENUM(name, str) IPC_RESULT_##name,
	IPC_RESULT_MAP(IPC_RESULT_ENUM)
#undef IPC_RESULT_ENUM
	    IPC_RESULT_COUNT
};

/*
 * Symbologies a card can be read from, and their "symbology" strings. The
 * product symbologies only ever come with a "rule" (card rules, issue 10):
 * a display that sends them has been configured for a register that knows.
 */
#define IPC_SYMBOLOGY_MAP(X)                                                                       \
	X(QR, "qr")                                                                                \
	X(CODE128, "code128")                                                                      \
	X(EAN13, "ean13")                                                                          \
	X(EAN8, "ean8")                                                                            \
	X(UPCA, "upca")                                                                            \
	X(CODE39, "code39")                                                                        \
	X(I25, "i25")

enum ipc_symbology {
#define IPC_SYMBOLOGY_ENUM(name, str) IPC_SYM_##name,
	IPC_SYMBOLOGY_MAP(IPC_SYMBOLOGY_ENUM)
#undef IPC_SYMBOLOGY_ENUM
	    IPC_SYMBOLOGY_COUNT
};

/* The display's counters, carried by a "status" message. */
struct ipc_counters {
	uint64_t scans;	       /* scans handed to the link */
	uint64_t answered;     /* scans the register answered */
	uint64_t no_answer;    /* scans given up on: the register did not answer in time */
	uint64_t stale;	       /* scans dropped unsent because they grew too old */
	uint64_t bad_messages; /* messages received that failed to parse or were unexpected */
};

/* Most rejection reasons and latency buckets a "metrics" object carries. */
#define IPC_METRICS_MAX_REASONS 16
#define IPC_METRICS_MAX_BUCKETS 16

/* One latency histogram: per-bucket counts (not cumulative) and their sum. */
struct ipc_histogram {
	uint64_t counts[IPC_METRICS_MAX_BUCKETS + 1]; /* [i]: le_ms[i-1] < t <= le_ms[i];
							 [n_buckets]: beyond the last bound */
	uint64_t sum_us;			      /* sum of the observations, microseconds */
};

/* A count of rejected payloads for one reason. */
struct ipc_reason_count {
	char reason[IPC_WORD_BUFSZ]; /* e.g. "bad_prefix" */
	uint64_t count;
};

/*
 * The display's metrics, in a "status" that answers a "status_query" asking
 * for them (docs/PROTOCOL.md, "Metrics"). Counters count since the display
 * started.
 */
struct ipc_metrics {
	bool present;		    /* status: the message carries "metrics" */
	uint64_t frames;	    /* frames the camera or replay delivered */
	uint64_t frames_dropped;    /* frames skipped for a newer one */
	uint64_t decodes;	    /* frames decoded */
	uint64_t symbols;	    /* codes read, before validation */
	uint64_t ids_emitted;	    /* customer ids confirmed */
	uint64_t source_faults;	    /* times the camera or replay entered a fault */
	uint64_t scans_sent;	    /* ids handed to the link */
	uint64_t register_answers;  /* results the register sent */
	uint64_t register_timeouts; /* scans given up without an answer */
	struct ipc_reason_count rejected[IPC_METRICS_MAX_REASONS]; /* payloads refused */
	int n_rejected;						   /* entries used */
	uint64_t le_ms[IPC_METRICS_MAX_BUCKETS]; /* bucket bounds, ascending, ms */
	int n_buckets;				 /* bounds used, 1..IPC_METRICS_MAX_BUCKETS */
	struct ipc_histogram decode;		 /* decoding time per frame */
	struct ipc_histogram read_to_emit;	 /* first read of an id to its confirmation */
	struct ipc_histogram emit_to_answer;	 /* confirmation to the register's result */
};

/*
 * One message. Which fields mean something depends on type (docs/PROTOCOL.md
 * lists them); an empty string or a zero duration is an absent optional
 * field.
 */
struct ipc_msg {
	enum ipc_msg_type type;
	char scan_id[IPC_ID_BUFSZ];	/* scan, cancel, result, outcome */
	char customer_id[IPC_ID_BUFSZ]; /* scan: the id after "CUST#" or the rule's id */
	char rule[IPC_WORD_BUFSZ];	/* scan (optional): the card rule that matched */
	char card[IPC_ORDER_BUFSZ];	/* scan (optional): the card number, normalised */
	enum ipc_symbology symbology;	/* scan */
	int64_t time_ms;		/* scan: when the card was read, Unix time in ms */
	char order[IPC_ORDER_BUFSZ];	/* scan, enable; status (optional) */
	enum ipc_result result;		/* result, outcome */
	char reason[IPC_WORD_BUFSZ];	/* result, outcome (optional); error: its "code" */
	char name[IPC_NAME_BUFSZ];	/* result, outcome: display name (optional) */
	char text[IPC_TEXT_BUFSZ];	/* show: text; error: its "message" (optional) */
	int64_t timeout_ms;		/* enable: "timeout_ms"; show: "duration_ms"; 0: none */
	bool scan_mode;			/* status */
	char camera[IPC_WORD_BUFSZ];	/* status: "ok", "absent", "error", ... */
	char version[IPC_WORD_BUFSZ];	/* status: the display's software version */
	struct ipc_counters counters;	/* status */
	bool want_metrics;		/* status_query: "metrics": true asks for them */
	struct ipc_metrics metrics;	/* status (optional: metrics.present) */
};

/* Clears *msg and sets its type. */
void ipc_msg_init(struct ipc_msg *msg, enum ipc_msg_type type);

/*
 * Parses buf[0..len) (any bytes) into *msg. Returns 0, or IPC_ERR_TOO_BIG,
 * IPC_ERR_BAD_JSON, IPC_ERR_BAD_VERSION, IPC_ERR_UNKNOWN_TYPE or
 * IPC_ERR_BAD_MESSAGE (IPC_ERR_NOMEM if json-c runs out of memory). On
 * failure *msg is cleared and, if err is not NULL, err says which field or
 * byte was wrong.
 */
int ipc_msg_parse(const void *buf, size_t len, struct ipc_msg *msg, struct ipc_error *err);

/*
 * Formats *msg as one JSON object into buf (bufsz bytes, NUL-terminated).
 * Returns the length without the NUL, or IPC_ERR_BAD_MESSAGE if a field of
 * *msg would not parse back, IPC_ERR_TOO_BIG if it does not fit in bufsz or
 * in IPC_MSG_MAX, IPC_ERR_NOMEM.
 */
int ipc_msg_format(const struct ipc_msg *msg, char *buf, size_t bufsz, struct ipc_error *err);

/* Fills an "error" message answering a failure with code err and detail. */
void ipc_msg_error(struct ipc_msg *msg, int err, const char *detail);

/* The wire names of types, results and symbologies; "?" if out of range. */
const char *ipc_msg_type_name(enum ipc_msg_type type);
const char *ipc_result_name(enum ipc_result result);
const char *ipc_symbology_name(enum ipc_symbology sym);

/* Parses a result or symbology name. Returns 0, or IPC_ERR_INVAL if unknown. */
int ipc_result_parse(const char *name, enum ipc_result *out);
int ipc_symbology_parse(const char *name, enum ipc_symbology *out);

/* True if s is a valid customer or scan id: 1..64 of [A-Za-z0-9_-]. */
bool ipc_id_valid(const char *s);

/*
 * Masks an id for logs above debug level: the first two characters and the
 * length, e.g. "10***(6)". out must hold IPC_ID_BUFSZ bytes. Returns out.
 */
const char *ipc_id_mask(const char *id, char *out);

#endif
