/*
 * The register's side of the register link: the one header a POS includes.
 *
 *     #include <ipc/register.h>      link with -lcustscan_ipc -lnanomsg -ljson-c
 *
 * The register connects two nanomsg sockets to the display (which binds
 * them; docs/PROTOCOL.md):
 *  - scan_addr, a REP socket: scans arrive as IPC_REGISTER_EV_SCAN events and
 *    the register answers each at once with ipc_register_answer(): attached,
 *    unknown, confirm (the cashier must decide; send ipc_register_outcome()
 *    when they have), rejected or error;
 *  - control_addr, a REQ socket: ipc_register_enable(), _disable(), _show(),
 *    _status(), _ping() and _outcome() queue requests to the display; each
 *    ends in IPC_REGISTER_EV_CONTROL_DONE with the display's reply, or in
 *    IPC_REGISTER_EV_CONTROL_FAILED when it did not answer in time.
 *
 * What the library does for the register, so that it cannot go wrong:
 *  - a scan id seen before (nanomsg resends a request after a reconnect or
 *    a timeout) is answered again with the same answer and never surfaced
 *    twice: a card is attached at most once;
 *  - a scan read longer than max_age_ms ago (by the clocks of both hosts) is
 *    answered "rejected" with reason "stale" and not surfaced;
 *  - a scan the display gave up on ("cancel") is never surfaced afterwards;
 *  - a malformed, oversized or unexpected message is answered with an
 *    "error" and reported as IPC_REGISTER_EV_REFUSED for the log;
 *  - every heartbeat_ms it asks the display's status; when the display
 *    restarted or timed out and its scan mode differs from what the register
 *    last asked for, it asks again (IPC_REGISTER_EV_RESYNC). The link's state
 *    shows as IPC_REGISTER_EV_LINK_UP / _LINK_DOWN.
 *
 * Single-threaded: one thread owns a struct ipc_register. Poll the
 * descriptors of ipc_register_pollfds() with the timeout of
 * ipc_register_timeout_ms(), then call ipc_register_next() with timeout 0
 * until it returns 0. No call blocks longer than the timeout it is given.
 */
#ifndef IPC_REGISTER_H
#define IPC_REGISTER_H

#include <poll.h>
#include <stdbool.h>

#include "ipc/message.h"

/* How many descriptors ipc_register_pollfds() fills. */
#define IPC_REGISTER_POLLFDS 2
/* Control requests that may wait behind the one in flight. */
#define IPC_REGISTER_QUEUE 16
/* Scan ids remembered with their answers, for resends. */
#define IPC_REGISTER_SEEN 256

struct ipc_register_config {
	char scan_addr[IPC_ADDR_BUFSZ];	   /* the display's scan socket (we connect a REP) */
	char control_addr[IPC_ADDR_BUFSZ]; /* the display's control socket (we connect a REQ) */
	int control_timeout_ms;		   /* a control request unanswered this long fails
					      (default 2000) */
	int resend_ivl_ms;		   /* NN_REQ_RESEND_IVL of the control socket (500) */
	int max_age_ms;			   /* older scans are rejected "stale" (default 5000) */
	int heartbeat_ms;		   /* status query when idle; 0: never (default 1000) */
};

enum ipc_register_event_type {
	IPC_REGISTER_EV_NONE = 0,
	IPC_REGISTER_EV_SCAN,		/* a new scan in msg: answer it before the next call */
	IPC_REGISTER_EV_CANCEL,		/* the display gave up on msg.scan_id; msg.result is
					   what it had been answered (a confirm left open should
					   be dropped) */
	IPC_REGISTER_EV_CONTROL_DONE,	/* the display answered request: msg is "ok", "status",
					   "pong" or "error" */
	IPC_REGISTER_EV_CONTROL_FAILED, /* request got no answer in time */
	IPC_REGISTER_EV_REFUSED,	/* a scan answered by the library (duplicate, stale,
					   malformed): error says what, for the log */
	IPC_REGISTER_EV_RESYNC,		/* the display's scan mode was not what was asked:
					   asked again */
	IPC_REGISTER_EV_LINK_UP,	/* the display answers again */
	IPC_REGISTER_EV_LINK_DOWN,	/* the display stopped answering */
};

struct ipc_register_event {
	enum ipc_register_event_type type;
	struct ipc_msg msg;	   /* SCAN, CANCEL, CONTROL_DONE: the message */
	enum ipc_msg_type request; /* CONTROL_DONE, CONTROL_FAILED: what was asked */
	struct ipc_error error;	   /* REFUSED: why; never holds an unmasked id */
};

struct ipc_register;

/* Fills *cfg with the defaults (the display's default addresses). */
void ipc_register_config_init(struct ipc_register_config *cfg);

/*
 * Opens both sockets and connects them; the display need not be up yet.
 * Returns the new register side, or NULL with *err set. err may be NULL.
 */
struct ipc_register *ipc_register_create(const struct ipc_register_config *cfg,
					 struct ipc_error *err);

/* Closes both sockets and frees r; accepts NULL. */
void ipc_register_destroy(struct ipc_register *r);

/* Fills fds[0..IPC_REGISTER_POLLFDS) with descriptors to poll for POLLIN. */
int ipc_register_pollfds(const struct ipc_register *r, struct pollfd *fds);

/* Milliseconds until the next deadline ipc_register_next() must see, or -1. */
int ipc_register_timeout_ms(const struct ipc_register *r);

/*
 * Handles what arrived and what is due, waiting up to timeout_ms (0: not at
 * all). Returns 1 with *ev filled, 0 if nothing happened, or a negative
 * ipc_err if a socket failed. A SCAN left unanswered when this is called
 * again is answered "error" with reason "unanswered".
 */
int ipc_register_next(struct ipc_register *r, struct ipc_register_event *ev, int timeout_ms);

/*
 * Answers the scan last surfaced (scan_id must be its id). reason is a word
 * such as "scan_mode_off" or "order_closed" (NULL: none); name a short
 * display name for "attached" (NULL: none). Returns 0, IPC_ERR_INVAL (wrong
 * scan id, bad reason or name), IPC_ERR_UNEXPECTED if no scan waits.
 */
int ipc_register_answer(struct ipc_register *r, const char *scan_id, enum ipc_result result,
			const char *reason, const char *name);

/*
 * Control requests, queued and sent one at a time. Each returns 0, or
 * IPC_ERR_INVAL for a bad argument, IPC_ERR_FULL if IPC_REGISTER_QUEUE are
 * already waiting.
 *  - enable: scan mode on for order (1..64 printable ASCII); timeout_ms > 0
 *    turns it off by itself after that long;
 *  - disable: scan mode off;
 *  - show: text (UTF-8, 1..200 bytes) for duration_ms (0: until replaced);
 *  - status, ping: the answer comes in CONTROL_DONE;
 *  - metrics: a status query asking for the display's metrics too; the
 *    "status" in CONTROL_DONE has msg.metrics.present if the display keeps
 *    them (a display older than metrics answers "error" bad_message);
 *  - outcome: the cashier's decision on a scan answered "confirm": result is
 *    attached (name may say who), rejected (e.g. reason "declined"), unknown
 *    or error. It also becomes the answer to any resend of that scan.
 */
int ipc_register_enable(struct ipc_register *r, const char *order, int timeout_ms);
int ipc_register_disable(struct ipc_register *r);
int ipc_register_show(struct ipc_register *r, const char *text, int duration_ms);
int ipc_register_status(struct ipc_register *r);
int ipc_register_metrics(struct ipc_register *r);
int ipc_register_ping(struct ipc_register *r);
int ipc_register_outcome(struct ipc_register *r, const char *scan_id, enum ipc_result result,
			 const char *reason, const char *name);

/* True while the display answers control requests (the last one got an answer). */
bool ipc_register_link_up(const struct ipc_register *r);

#endif
