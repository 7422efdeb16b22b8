/*
 * The display's side of the register link: a REQ socket that carries scans
 * out and results back, a REP socket that answers the register's control
 * requests, and the deadlines that keep a scan from waiting forever or
 * arriving late.
 */
#include "ipc/display.h"

#include "link.h"

#include <nanomsg/nn.h>
#include <nanomsg/reqrep.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A scan on its way: queued, in flight, or answered "confirm". */
struct scan {
	char scan_id[IPC_ID_BUFSZ];
	char customer_id[IPC_ID_BUFSZ];
	char rule[IPC_WORD_BUFSZ];  /* the card rule, "" for the built-in CUST# */
	char card[IPC_ORDER_BUFSZ]; /* the card number, "" for none */
	enum ipc_symbology sym;
	char order[IPC_ORDER_BUFSZ]; /* the order scan mode was enabled for */
	int64_t time_ms;	     /* Unix time of the read, sent to the register */
	int64_t deadline;	     /* monotonic ms: given up (or dropped) at this time */
};

/* What the REQ socket is waiting for. */
enum req_state {
	REQ_IDLE,   /* nothing outstanding */
	REQ_SCAN,   /* the result of inflight */
	REQ_CANCEL, /* the answer to a cancel of cancel_id; a new scan may replace it */
};

struct ipc_display {
	struct ipc_display_config cfg;
	int scan_sock;	  /* REQ, bound to cfg.scan_addr */
	int control_sock; /* REP, bound to cfg.control_addr */
	int fds[IPC_DISPLAY_POLLFDS];

	bool scan_mode;		     /* scan mode is on */
	char order[IPC_ORDER_BUFSZ]; /* the order it is on for */
	int64_t scan_mode_deadline;  /* monotonic ms it turns itself off; 0: never */
	char camera[IPC_WORD_BUFSZ]; /* reported in status */

	enum req_state req;				 /* what the scan socket waits for */
	struct scan inflight;				 /* REQ_SCAN: the scan sent */
	bool inflight_decided;				 /* its outcome came before its "confirm" */
	char cancel_id[IPC_ID_BUFSZ];			 /* REQ_CANCEL: the scan cancelled */
	struct scan queue[IPC_DISPLAY_QUEUE];		 /* ring of scans waiting to be sent */
	int q_head;					 /* index of the oldest */
	int q_len;					 /* how many */
	struct scan pending[IPC_DISPLAY_PENDING];	 /* answered "confirm"; scan_id "" free */
	char decided[IPC_DISPLAY_PENDING][IPC_ID_BUFSZ]; /* recent outcomes, for resends */
	int decided_next;				 /* ring position */

	char prefix[24];	      /* scan ids are prefix-seq */
	unsigned long long seq;	      /* last sequence number used */
	struct ipc_counters counters; /* reported in status */
	int64_t last_heard_ms;	      /* monotonic ms of the last message received, 0: none */
};

void ipc_display_config_init(struct ipc_display_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->scan_addr, sizeof(cfg->scan_addr), "%s", IPC_DEFAULT_SCAN_ADDR);
	snprintf(cfg->control_addr, sizeof(cfg->control_addr), "%s", IPC_DEFAULT_CONTROL_ADDR);
	cfg->answer_timeout_ms = 2000;
	cfg->confirm_timeout_ms = 60000;
	cfg->resend_ivl_ms = 500;
	cfg->ipc_mode = 0660;
	snprintf(cfg->version, sizeof(cfg->version), "0.1.0");
}

/* A prefix no earlier start used: 8 random hex digits. */
static void random_prefix(char *out, size_t outsz)
{
	unsigned char r[4] = {0};
	FILE *f = fopen("/dev/urandom", "rb");
	unsigned v;

	if (!f || fread(r, 1, sizeof(r), f) != sizeof(r)) {
		v = (unsigned)link_wall_ms() ^ ((unsigned)getpid() << 16);
	} else {
		v = (unsigned)r[0] << 24 | (unsigned)r[1] << 16 | (unsigned)r[2] << 8 | r[3];
	}
	if (f)
		fclose(f);
	snprintf(out, outsz, "%08x", v);
}

struct ipc_display *ipc_display_create(const struct ipc_display_config *cfg, struct ipc_error *err)
{
	struct link_bind_rules rules = {
	    .ipc_mode = cfg->ipc_mode,
	    .ipc_group = cfg->ipc_group,
	    .allow_remote = cfg->allow_remote,
	};
	struct ipc_display *d;

	if (cfg->answer_timeout_ms <= 0 || cfg->confirm_timeout_ms <= 0 ||
	    cfg->resend_ivl_ms <= 0 ||
	    !ipc_id_valid(cfg->scan_id_prefix[0] ? cfg->scan_id_prefix : "x")) {
		link_set_error(err, IPC_ERR_INVAL, __func__, "bad timeout or scan id prefix");
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		link_set_error(err, IPC_ERR_NOMEM, __func__, "calloc");
		return NULL;
	}
	d->cfg = *cfg;
	d->scan_sock = d->control_sock = -1;
	snprintf(d->camera, sizeof(d->camera), "unknown");
	if (cfg->scan_id_prefix[0])
		snprintf(d->prefix, sizeof(d->prefix), "%s", cfg->scan_id_prefix);
	else
		random_prefix(d->prefix, sizeof(d->prefix));

	d->scan_sock = link_socket(NN_REQ, cfg->resend_ivl_ms, err);
	if (d->scan_sock < 0)
		goto fail;
	d->control_sock = link_socket(NN_REP, 0, err);
	if (d->control_sock < 0)
		goto fail;
	if (link_bind(d->scan_sock, cfg->scan_addr, &rules, err) < 0 ||
	    link_bind(d->control_sock, cfg->control_addr, &rules, err) < 0)
		goto fail;
	d->fds[0] = link_rcvfd(d->scan_sock);
	d->fds[1] = link_rcvfd(d->control_sock);
	return d;
fail:
	ipc_display_destroy(d);
	return NULL;
}

void ipc_display_destroy(struct ipc_display *d)
{
	if (!d)
		return;
	if (d->control_sock >= 0)
		nn_close(d->control_sock);
	if (d->scan_sock >= 0)
		nn_close(d->scan_sock);
	free(d);
}

int ipc_display_pollfds(const struct ipc_display *d, struct pollfd *fds)
{
	for (int i = 0; i < IPC_DISPLAY_POLLFDS; i++)
		fds[i] = (struct pollfd){.fd = d->fds[i], .events = POLLIN};
	return IPC_DISPLAY_POLLFDS;
}

int64_t ipc_display_last_heard_ms(const struct ipc_display *d)
{
	return d->last_heard_ms;
}

bool ipc_display_scan_mode(const struct ipc_display *d)
{
	return d->scan_mode;
}

int ipc_display_set_camera(struct ipc_display *d, const char *state)
{
	struct ipc_msg probe;

	/* A camera state is a machine word: let the formatter judge it. */
	ipc_msg_init(&probe, IPC_MSG_ERROR);
	if (!state || strlen(state) >= sizeof(probe.reason))
		return IPC_ERR_INVAL;
	snprintf(probe.reason, sizeof(probe.reason), "%s", state);
	{
		char buf[IPC_MSG_MAX + 1];

		if (ipc_msg_format(&probe, buf, sizeof(buf), NULL) < 0)
			return IPC_ERR_INVAL;
	}
	snprintf(d->camera, sizeof(d->camera), "%s", state);
	return 0;
}

void ipc_display_counters(const struct ipc_display *d, struct ipc_counters *out)
{
	*out = d->counters;
}

/* ---------------------------------------------------------------- */
/* Scans out                                                        */
/* ---------------------------------------------------------------- */

static struct scan *queue_head(struct ipc_display *d)
{
	return d->q_len ? &d->queue[d->q_head] : NULL;
}

static void queue_pop(struct ipc_display *d)
{
	d->q_head = (d->q_head + 1) % IPC_DISPLAY_QUEUE;
	d->q_len--;
}

/* Sends the oldest queued scan if the socket is free and the scan still fresh. */
static void pump(struct ipc_display *d, int64_t now)
{
	struct scan *s = queue_head(d);
	struct ipc_msg msg;

	if (d->req == REQ_SCAN || !s || now >= s->deadline)
		return;
	ipc_msg_init(&msg, IPC_MSG_SCAN);
	memcpy(msg.scan_id, s->scan_id, sizeof(msg.scan_id));
	memcpy(msg.customer_id, s->customer_id, sizeof(msg.customer_id));
	memcpy(msg.rule, s->rule, sizeof(msg.rule));
	memcpy(msg.card, s->card, sizeof(msg.card));
	memcpy(msg.order, s->order, sizeof(msg.order));
	msg.symbology = s->sym;
	msg.time_ms = s->time_ms;
	d->inflight = *s;
	d->inflight_decided = false;
	queue_pop(d);
	d->req = REQ_SCAN;
	/* A send failure is a scan that goes unanswered: its deadline covers it. */
	link_send(d->scan_sock, &msg, NULL);
}

/* Whether a scan with these optional fields would go out: the formatter judges. */
static bool card_fields_valid(const char *rule, const char *card)
{
	struct ipc_msg probe;
	char buf[IPC_MSG_MAX + 1];

	if ((rule && strlen(rule) >= sizeof(probe.rule)) ||
	    (card && strlen(card) >= sizeof(probe.card)))
		return false;
	ipc_msg_init(&probe, IPC_MSG_SCAN);
	snprintf(probe.scan_id, sizeof(probe.scan_id), "x");
	snprintf(probe.customer_id, sizeof(probe.customer_id), "x");
	snprintf(probe.order, sizeof(probe.order), "x");
	snprintf(probe.rule, sizeof(probe.rule), "%s", rule ? rule : "");
	snprintf(probe.card, sizeof(probe.card), "%s", card ? card : "");
	probe.time_ms = 1;
	return ipc_msg_format(&probe, buf, sizeof(buf), NULL) >= 0;
}

int ipc_display_scan(struct ipc_display *d, const char *customer_id, enum ipc_symbology sym,
		     char *scan_id)
{
	return ipc_display_scan_card(d, customer_id, sym, NULL, NULL, scan_id);
}

int ipc_display_scan_card(struct ipc_display *d, const char *customer_id, enum ipc_symbology sym,
			  const char *rule, const char *card, char *scan_id)
{
	int64_t now = link_mono_ms();
	struct scan *s;

	if (!ipc_id_valid(customer_id) || (unsigned)sym >= IPC_SYMBOLOGY_COUNT ||
	    !card_fields_valid(rule, card))
		return IPC_ERR_INVAL;
	if (!d->scan_mode)
		return IPC_ERR_SCAN_OFF;
	if (d->q_len == IPC_DISPLAY_QUEUE)
		return IPC_ERR_FULL;
	s = &d->queue[(d->q_head + d->q_len) % IPC_DISPLAY_QUEUE];
	memset(s, 0, sizeof(*s));
	snprintf(s->scan_id, sizeof(s->scan_id), "%s-%llu", d->prefix, ++d->seq);
	snprintf(s->customer_id, sizeof(s->customer_id), "%s", customer_id);
	snprintf(s->rule, sizeof(s->rule), "%s", rule ? rule : "");
	snprintf(s->card, sizeof(s->card), "%s", card ? card : "");
	snprintf(s->order, sizeof(s->order), "%s", d->order);
	s->sym = sym;
	s->time_ms = link_wall_ms();
	s->deadline = now + d->cfg.answer_timeout_ms;
	d->q_len++;
	d->counters.scans++;
	if (scan_id)
		snprintf(scan_id, IPC_ID_BUFSZ, "%s", s->scan_id);
	pump(d, now);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Results in                                                       */
/* ---------------------------------------------------------------- */

static struct scan *pending_find(struct ipc_display *d, const char *scan_id)
{
	for (int i = 0; i < IPC_DISPLAY_PENDING; i++)
		if (d->pending[i].scan_id[0] && strcmp(d->pending[i].scan_id, scan_id) == 0)
			return &d->pending[i];
	return NULL;
}

/* Keeps a scan answered "confirm" until its outcome; the oldest goes if full. */
static void pending_add(struct ipc_display *d, const struct scan *s, int64_t now)
{
	struct scan *slot = &d->pending[0];

	for (int i = 0; i < IPC_DISPLAY_PENDING; i++) {
		if (!d->pending[i].scan_id[0]) {
			slot = &d->pending[i];
			break;
		}
		if (d->pending[i].deadline < slot->deadline)
			slot = &d->pending[i];
	}
	*slot = *s;
	slot->deadline = now + d->cfg.confirm_timeout_ms;
}

static void bad_message(struct ipc_display *d, struct ipc_display_event *ev, int rc,
			const struct ipc_error *err)
{
	d->counters.bad_messages++;
	ev->type = IPC_DISPLAY_EV_BAD_MESSAGE;
	if (err)
		ev->error = *err;
	ev->error.code = rc;
}

/* Handles a reply on the scan socket. Returns 1 if it made an event. */
static int on_scan_reply(struct ipc_display *d, const struct ipc_msg *msg,
			 struct ipc_display_event *ev, int64_t now)
{
	const char *expected = d->req == REQ_SCAN     ? d->inflight.scan_id
			       : d->req == REQ_CANCEL ? d->cancel_id
						      : "";
	struct ipc_error err = {0};

	if (msg->type != IPC_MSG_RESULT || strcmp(msg->scan_id, expected) != 0) {
		link_set_error(&err, IPC_ERR_UNEXPECTED, __func__, "%s for another scan",
			       ipc_msg_type_name(msg->type));
		bad_message(d, ev, IPC_ERR_UNEXPECTED, &err);
		return 1;
	}
	ev->msg = *msg;
	if (d->req == REQ_CANCEL) {
		d->req = REQ_IDLE;
		/* Attached before the cancel got there: say so, late as it is. */
		if (msg->result != IPC_RESULT_ATTACHED)
			return 0;
		ev->type = IPC_DISPLAY_EV_RESULT;
		ev->final = true;
		return 1;
	}
	d->req = REQ_IDLE;
	d->counters.answered++;
	if (d->inflight_decided) {
		d->inflight_decided = false;
		return 0; /* its outcome was reported already */
	}
	ev->type = IPC_DISPLAY_EV_RESULT;
	snprintf(ev->customer_id, sizeof(ev->customer_id), "%s", d->inflight.customer_id);
	ev->final = msg->result != IPC_RESULT_CONFIRM;
	if (!ev->final)
		pending_add(d, &d->inflight, now);
	return 1;
}

/* ---------------------------------------------------------------- */
/* Control requests in                                              */
/* ---------------------------------------------------------------- */

static void reply(struct ipc_display *d, const struct ipc_msg *msg)
{
	/* A reply that cannot go out is resent for by the register's REQ. */
	link_send(d->control_sock, msg, NULL);
}

static void reply_error(struct ipc_display *d, int code, const char *detail)
{
	struct ipc_msg msg;

	ipc_msg_error(&msg, code, detail);
	reply(d, &msg);
}

static void status(struct ipc_display *d, struct ipc_msg *msg, bool with_metrics)
{
	char buf[IPC_MSG_MAX + 1];

	ipc_msg_init(msg, IPC_MSG_STATUS);
	msg->scan_mode = d->scan_mode;
	if (d->scan_mode)
		memcpy(msg->order, d->order, sizeof(msg->order));
	memcpy(msg->camera, d->camera, sizeof(msg->camera));
	snprintf(msg->version, sizeof(msg->version), "%s", d->cfg.version);
	msg->counters = d->counters;
	if (!with_metrics || !d->cfg.metrics)
		return;
	msg->metrics.present = true;
	d->cfg.metrics(d->cfg.metrics_ctx, &msg->metrics);
	msg->metrics.present = true;
	/* A status that would not go out is worse than one without metrics. */
	if (ipc_msg_format(msg, buf, sizeof(buf), NULL) < 0)
		memset(&msg->metrics, 0, sizeof(msg->metrics));
}

static int on_outcome(struct ipc_display *d, const struct ipc_msg *msg,
		      struct ipc_display_event *ev)
{
	struct scan *s = pending_find(d, msg->scan_id);
	struct ipc_msg ok;
	struct ipc_error err = {0};

	ipc_msg_init(&ok, IPC_MSG_OK);
	/* The two sockets race: an outcome can overtake the "confirm" it follows. */
	if (!s && d->req == REQ_SCAN && !d->inflight_decided &&
	    strcmp(d->inflight.scan_id, msg->scan_id) == 0) {
		s = &d->inflight;
		d->inflight_decided = true;
	}
	if (s) {
		ev->type = IPC_DISPLAY_EV_RESULT;
		ev->msg = *msg;
		ev->final = true;
		memcpy(ev->customer_id, s->customer_id, sizeof(ev->customer_id));
		memcpy(d->decided[d->decided_next], s->scan_id, IPC_ID_BUFSZ);
		d->decided_next = (d->decided_next + 1) % IPC_DISPLAY_PENDING;
		if (s != &d->inflight)
			s->scan_id[0] = '\0';
		reply(d, &ok);
		return 1;
	}
	for (int i = 0; i < IPC_DISPLAY_PENDING; i++)
		if (strcmp(d->decided[i], msg->scan_id) == 0) {
			reply(d, &ok); /* a resend of an outcome already taken */
			return 0;
		}
	link_set_error(&err, IPC_ERR_UNKNOWN_SCAN, __func__, "outcome for no pending scan");
	reply_error(d, IPC_ERR_UNKNOWN_SCAN, err.detail);
	bad_message(d, ev, IPC_ERR_UNKNOWN_SCAN, &err);
	return 1;
}

/* Answers one control request. Returns 1 if it made an event. */
static int on_control(struct ipc_display *d, const struct ipc_msg *msg,
		      struct ipc_display_event *ev, int64_t now)
{
	struct ipc_msg out;
	struct ipc_error err = {0};

	ipc_msg_init(&out, IPC_MSG_OK);
	switch (msg->type) {
	case IPC_MSG_ENABLE:
		d->scan_mode = true;
		memcpy(d->order, msg->order, sizeof(d->order));
		d->scan_mode_deadline = msg->timeout_ms ? now + msg->timeout_ms : 0;
		reply(d, &out);
		ev->type = IPC_DISPLAY_EV_ENABLE;
		ev->msg = *msg;
		return 1;
	case IPC_MSG_DISABLE:
		d->scan_mode = false;
		d->scan_mode_deadline = 0;
		reply(d, &out);
		ev->type = IPC_DISPLAY_EV_DISABLE;
		ev->msg = *msg;
		return 1;
	case IPC_MSG_SHOW:
		reply(d, &out);
		ev->type = IPC_DISPLAY_EV_SHOW;
		ev->msg = *msg;
		return 1;
	case IPC_MSG_STATUS_QUERY:
		status(d, &out, msg->want_metrics);
		reply(d, &out);
		return 0;
	case IPC_MSG_PING:
		ipc_msg_init(&out, IPC_MSG_PONG);
		reply(d, &out);
		return 0;
	case IPC_MSG_OUTCOME:
		return on_outcome(d, msg, ev);
	default:
		link_set_error(&err, IPC_ERR_UNEXPECTED, __func__, "\"%s\" is no control request",
			       ipc_msg_type_name(msg->type));
		reply_error(d, IPC_ERR_UNEXPECTED, err.detail);
		bad_message(d, ev, IPC_ERR_UNEXPECTED, &err);
		return 1;
	}
}

/* ---------------------------------------------------------------- */
/* Deadlines                                                        */
/* ---------------------------------------------------------------- */

/* Gives up the scan in flight: cancel it on the wire so it is never resent. */
static void give_up_inflight(struct ipc_display *d, struct ipc_display_event *ev)
{
	struct ipc_msg cancel;

	ev->type = IPC_DISPLAY_EV_NO_ANSWER;
	ipc_msg_init(&ev->msg, IPC_MSG_SCAN);
	memcpy(ev->msg.scan_id, d->inflight.scan_id, sizeof(ev->msg.scan_id));
	memcpy(ev->customer_id, d->inflight.customer_id, sizeof(ev->customer_id));
	d->counters.no_answer++;

	/* The cancel replaces the scan in the REQ socket: nanomsg stops resending it. */
	ipc_msg_init(&cancel, IPC_MSG_CANCEL);
	memcpy(cancel.scan_id, d->inflight.scan_id, sizeof(cancel.scan_id));
	memcpy(d->cancel_id, d->inflight.scan_id, sizeof(d->cancel_id));
	d->req = REQ_CANCEL;
	link_send(d->scan_sock, &cancel, NULL);
}

/* Handles the first deadline that has passed. Returns 1 if it made an event. */
static int check_deadlines(struct ipc_display *d, struct ipc_display_event *ev, int64_t now)
{
	struct scan *head = queue_head(d);

	if (d->scan_mode && d->scan_mode_deadline && now >= d->scan_mode_deadline) {
		d->scan_mode = false;
		d->scan_mode_deadline = 0;
		ev->type = IPC_DISPLAY_EV_DISABLE;
		ev->timed_out = true;
		return 1;
	}
	if (d->req == REQ_SCAN && now >= d->inflight.deadline) {
		if (d->inflight_decided) {
			d->inflight_decided = false;
			d->req = REQ_IDLE; /* decided already: nothing to give up */
			return 0;
		}
		give_up_inflight(d, ev);
		return 1;
	}
	if (head && now >= head->deadline) {
		ev->type = IPC_DISPLAY_EV_STALE;
		ipc_msg_init(&ev->msg, IPC_MSG_SCAN);
		memcpy(ev->msg.scan_id, head->scan_id, sizeof(ev->msg.scan_id));
		memcpy(ev->customer_id, head->customer_id, sizeof(ev->customer_id));
		d->counters.stale++;
		queue_pop(d);
		return 1;
	}
	for (int i = 0; i < IPC_DISPLAY_PENDING; i++) {
		struct scan *s = &d->pending[i];

		if (s->scan_id[0] && now >= s->deadline) {
			ev->type = IPC_DISPLAY_EV_NO_ANSWER;
			ipc_msg_init(&ev->msg, IPC_MSG_OUTCOME);
			memcpy(ev->msg.scan_id, s->scan_id, sizeof(ev->msg.scan_id));
			memcpy(ev->customer_id, s->customer_id, sizeof(ev->customer_id));
			d->counters.no_answer++;
			s->scan_id[0] = '\0';
			return 1;
		}
	}
	return 0;
}

int ipc_display_timeout_ms(const struct ipc_display *d)
{
	int64_t now = link_mono_ms();
	int64_t next = INT64_MAX;

	if (d->scan_mode && d->scan_mode_deadline)
		next = d->scan_mode_deadline;
	if (d->req == REQ_SCAN && d->inflight.deadline < next)
		next = d->inflight.deadline;
	if (d->q_len && d->queue[d->q_head].deadline < next)
		next = d->queue[d->q_head].deadline;
	for (int i = 0; i < IPC_DISPLAY_PENDING; i++)
		if (d->pending[i].scan_id[0] && d->pending[i].deadline < next)
			next = d->pending[i].deadline;
	if (next == INT64_MAX)
		return -1;
	return next <= now ? 0 : (int)(next - now > INT32_MAX ? INT32_MAX : next - now);
}

/* One pass over both sockets and the deadlines. Returns 1, 0 or an error. */
static int step(struct ipc_display *d, struct ipc_display_event *ev)
{
	int64_t now = link_mono_ms();
	struct ipc_msg msg;
	struct ipc_error err = {0};
	int rc;

	rc = link_recv(d->control_sock, &msg, &err);
	if (rc == IPC_ERR_SOCKET)
		return rc;
	if (rc != 0)
		d->last_heard_ms = now;
	if (rc < 0) {
		reply_error(d, rc, err.detail);
		bad_message(d, ev, rc, &err);
		return 1;
	}
	if (rc == 1 && on_control(d, &msg, ev, now))
		return 1;

	rc = link_recv(d->scan_sock, &msg, &err);
	if (rc == IPC_ERR_SOCKET)
		return rc;
	if (rc != 0)
		d->last_heard_ms = now;
	if (rc < 0) {
		bad_message(d, ev, rc, &err);
		return 1;
	}
	if (rc == 1) {
		rc = on_scan_reply(d, &msg, ev, now);
		pump(d, now);
		if (rc)
			return 1;
	}
	rc = check_deadlines(d, ev, now);
	pump(d, now);
	return rc;
}

int ipc_display_next(struct ipc_display *d, struct ipc_display_event *ev, int timeout_ms)
{
	int64_t end = link_mono_ms() + (timeout_ms > 0 ? timeout_ms : 0);

	for (;;) {
		int64_t now;
		int wait;
		int rc;

		memset(ev, 0, sizeof(*ev));
		rc = step(d, ev);
		if (rc != 0)
			return rc;
		now = link_mono_ms();
		if (now >= end)
			return 0;
		wait = (int)(end - now);
		rc = ipc_display_timeout_ms(d);
		if (rc >= 0 && rc < wait)
			wait = rc;
		link_wait(d->fds, IPC_DISPLAY_POLLFDS, wait);
	}
}
