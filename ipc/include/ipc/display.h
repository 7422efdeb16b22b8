/*
 * The display's side of the register link (the custscan daemon uses it).
 *
 * The display binds two nanomsg sockets (docs/PROTOCOL.md):
 *  - scan_addr, a REQ socket: each confirmed card goes to the register as a
 *    "scan" and the register answers with a "result";
 *  - control_addr, a REP socket: the register turns scan mode on and off,
 *    asks for status, shows messages and sends the cashier's "outcome" of a
 *    scan it answered with "confirm". The library answers every control
 *    request at once, itself, and reports what the application must act on
 *    as an event.
 *
 * One scan is in flight at a time, the rest wait in a short queue. A scan not
 * answered within answer_timeout_ms of being read is given up
 * (IPC_DISPLAY_EV_NO_ANSWER: show "please ask the cashier") and cancelled on
 * the wire, so it is never delivered late; a queued scan that grows that old
 * before it could be sent is dropped (IPC_DISPLAY_EV_STALE).
 *
 * Single-threaded: one thread owns a struct ipc_display. It fits a poll()
 * loop: poll the descriptors of ipc_display_pollfds() with the timeout of
 * ipc_display_timeout_ms(), then call ipc_display_next() with timeout 0 until
 * it returns 0. No call blocks longer than the timeout it is given.
 */
#ifndef IPC_DISPLAY_H
#define IPC_DISPLAY_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "ipc/message.h"

/* How many descriptors ipc_display_pollfds() fills. */
#define IPC_DISPLAY_POLLFDS 2
/* Scans waiting behind the one in flight. */
#define IPC_DISPLAY_QUEUE 8
/* Scans answered "confirm" whose outcome the display still waits for. */
#define IPC_DISPLAY_PENDING 8

/*
 * Fills *out (zeroed, present already set) with the display's metrics when a
 * register asks for them. Called inside ipc_display_next(), on the thread
 * that owns the display; must not block. Metrics that would not format
 * (e.g. no bucket bounds) are left out of the reply.
 */
typedef void ipc_display_metrics_fn(void *ctx, struct ipc_metrics *out);

struct ipc_display_config {
	char scan_addr[IPC_ADDR_BUFSZ];	   /* bound REQ socket: scans out, results in */
	char control_addr[IPC_ADDR_BUFSZ]; /* bound REP socket: the register's requests */
	int answer_timeout_ms;		   /* a scan unanswered this long after its read is
					      given up (default 2000) */
	int confirm_timeout_ms;		   /* a "confirm" without an outcome this long is
					      given up too (default 60000) */
	int resend_ivl_ms;		   /* NN_REQ_RESEND_IVL (default 500) */
	unsigned ipc_mode;		   /* ipc:// socket file mode; bits for others are
					      always cleared (default 0660) */
	char ipc_group[64];		   /* group owning ipc:// sockets and their directory,
					      name or number; "" keeps the process's */
	bool allow_remote;		   /* let tcp:// bind other than loopback (default off) */
	char version[IPC_WORD_BUFSZ];	   /* reported in "status" */
	char scan_id_prefix[24];	   /* scan ids are PREFIX-N; "" picks a random one
					      per start, so ids never repeat across restarts */
	ipc_display_metrics_fn *metrics;   /* fills the metrics a "status_query" asks
					      for; NULL: the status carries none */
	void *metrics_ctx;		   /* passed to metrics */
};

enum ipc_display_event_type {
	IPC_DISPLAY_EV_NONE = 0,
	IPC_DISPLAY_EV_ENABLE,	    /* scan mode on: msg.order, msg.timeout_ms (0: none) */
	IPC_DISPLAY_EV_DISABLE,	    /* scan mode off: by the register, or timed_out */
	IPC_DISPLAY_EV_SHOW,	    /* show msg.text for msg.timeout_ms (0: until replaced) */
	IPC_DISPLAY_EV_RESULT,	    /* the register's answer to a scan: msg.result, .reason,
				       .name; final is false only for "confirm" */
	IPC_DISPLAY_EV_NO_ANSWER,   /* a scan was given up: show "please ask the cashier" */
	IPC_DISPLAY_EV_STALE,	    /* a queued scan grew too old and was never sent */
	IPC_DISPLAY_EV_BAD_MESSAGE, /* a message was refused (and answered with an error) */
};

struct ipc_display_event {
	enum ipc_display_event_type type;
	struct ipc_msg msg;		/* what came in (ENABLE, SHOW, RESULT: type RESULT
					   or OUTCOME); msg.scan_id for the scan events */
	char customer_id[IPC_ID_BUFSZ]; /* RESULT, NO_ANSWER, STALE: that scan's customer */
	bool final;			/* RESULT: no outcome follows */
	bool timed_out;			/* DISABLE: scan mode's own timeout ran out */
	struct ipc_error error;		/* BAD_MESSAGE: what was wrong */
};

struct ipc_display;

/* Fills *cfg with the defaults above. */
void ipc_display_config_init(struct ipc_display_config *cfg);

/*
 * Opens and binds both sockets. Returns the new display side, or NULL with
 * *err set (IPC_ERR_ADDRESS for a refused address, IPC_ERR_PERM when an ipc
 * socket cannot be secured, IPC_ERR_SOCKET when binding fails, e.g. a tcp
 * port in use). err may be NULL.
 */
struct ipc_display *ipc_display_create(const struct ipc_display_config *cfg, struct ipc_error *err);

/* Closes both sockets and frees d; accepts NULL. Queued scans are dropped. */
void ipc_display_destroy(struct ipc_display *d);

/* Fills fds[0..IPC_DISPLAY_POLLFDS) with descriptors to poll for POLLIN. */
int ipc_display_pollfds(const struct ipc_display *d, struct pollfd *fds);

/* Milliseconds until the next deadline ipc_display_next() must see, or -1. */
int ipc_display_timeout_ms(const struct ipc_display *d);

/*
 * Handles what arrived and what is due, waiting up to timeout_ms (0: not at
 * all) when nothing is. Returns 1 with *ev filled, 0 if nothing happened, or
 * a negative ipc_err if a socket failed.
 */
int ipc_display_next(struct ipc_display *d, struct ipc_display_event *ev, int timeout_ms);

/*
 * Hands a confirmed customer id to the link. Returns 0 and writes its scan
 * id to scan_id (IPC_ID_BUFSZ bytes; may be NULL), or IPC_ERR_SCAN_OFF when
 * scan mode is off, IPC_ERR_INVAL when id is not 1..64 of [A-Za-z0-9_-],
 * IPC_ERR_FULL when the queue is full.
 */
int ipc_display_scan(struct ipc_display *d, const char *customer_id, enum ipc_symbology sym,
		     char *scan_id);

/*
 * As ipc_display_scan(), for a card read by a card rule: the scan also
 * carries the rule's name (1..32 of [a-z0-9_]) and the normalised card
 * number (1..64 printable ASCII). Either may be NULL or "" to leave it out;
 * with both left out the message is exactly ipc_display_scan()'s.
 * IPC_ERR_INVAL also when either is malformed.
 */
int ipc_display_scan_card(struct ipc_display *d, const char *customer_id, enum ipc_symbology sym,
			  const char *rule, const char *card, char *scan_id);

/* True while scan mode is on. */
bool ipc_display_scan_mode(const struct ipc_display *d);

/*
 * When a message last came in on either socket (a request, an answer, or
 * a malformed one): CLOCK_MONOTONIC in ms, 0 if none yet. A register asks
 * for status every second while idle (docs/PROTOCOL.md), so a long silence
 * means no register is talking to this display.
 */
int64_t ipc_display_last_heard_ms(const struct ipc_display *d);

/* Sets the camera state "status" reports: a word such as "ok", "absent", "error". */
int ipc_display_set_camera(struct ipc_display *d, const char *state);

/* Copies the counters "status" reports. */
void ipc_display_counters(const struct ipc_display *d, struct ipc_counters *out);

#endif
