/*
 * The register's side of the register link: a REP socket that surfaces each
 * scan once and answers resends from memory, a REQ socket that carries
 * control requests one at a time, and the heartbeat that notices a display
 * restart and puts its scan mode back.
 */
#include "ipc/register.h"

#include "link.h"

#include <nanomsg/nn.h>
#include <nanomsg/reqrep.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Events one step can produce before the caller takes them. */
#define EVENT_QUEUE 8
/* Scan mode that has less than this left is not put back on a display. */
#define RESYNC_MIN_LEFT_MS 1000

/* A scan id and the answer it got, for resends. */
struct seen {
	char scan_id[IPC_ID_BUFSZ]; /* "" for a free slot */
	struct ipc_msg answer;	    /* the "result" sent */
};

/* A control request, and whether the library sent it for itself. */
struct control {
	struct ipc_msg msg;
	bool internal; /* heartbeat or resync: not surfaced */
};

struct ipc_register {
	struct ipc_register_config cfg;
	int scan_sock;	  /* REP, connected to cfg.scan_addr */
	int control_sock; /* REQ, connected to cfg.control_addr */
	int fds[IPC_REGISTER_POLLFDS];

	bool scan_open;			     /* a surfaced scan waits for its answer */
	struct ipc_msg scan;		     /* that scan */
	struct seen seen[IPC_REGISTER_SEEN]; /* ring of answered scans */
	int seen_next;			     /* next slot to overwrite */

	struct control queue[IPC_REGISTER_QUEUE]; /* control requests waiting */
	int q_head;				  /* oldest */
	int q_len;				  /* how many */
	bool ctl_busy;				  /* a request is in flight */
	struct control inflight;		  /* that request */
	int64_t ctl_deadline;			  /* monotonic ms it fails at */
	int64_t next_heartbeat;			  /* monotonic ms of the next status query */
	bool link_up;				  /* the last request was answered */
	bool link_known;			  /* any request has ended yet */

	bool want_on;			  /* scan mode the register asked for */
	char want_order[IPC_ORDER_BUFSZ]; /* for this order */
	int64_t want_deadline;		  /* monotonic ms it ends by itself; 0: never */

	struct ipc_register_event events[EVENT_QUEUE]; /* ready for the caller */
	int ev_head;				       /* oldest */
	int ev_len;				       /* how many */
};

void ipc_register_config_init(struct ipc_register_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->scan_addr, sizeof(cfg->scan_addr), "%s", IPC_DEFAULT_SCAN_ADDR);
	snprintf(cfg->control_addr, sizeof(cfg->control_addr), "%s", IPC_DEFAULT_CONTROL_ADDR);
	cfg->control_timeout_ms = 2000;
	cfg->resend_ivl_ms = 500;
	cfg->max_age_ms = 5000;
	cfg->heartbeat_ms = 1000;
}

struct ipc_register *ipc_register_create(const struct ipc_register_config *cfg,
					 struct ipc_error *err)
{
	struct ipc_register *r;

	if (cfg->control_timeout_ms <= 0 || cfg->resend_ivl_ms <= 0 || cfg->max_age_ms <= 0 ||
	    cfg->heartbeat_ms < 0) {
		link_set_error(err, IPC_ERR_INVAL, __func__, "bad timeout");
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		link_set_error(err, IPC_ERR_NOMEM, __func__, "calloc");
		return NULL;
	}
	r->cfg = *cfg;
	r->control_sock = -1;
	r->scan_sock = link_socket(NN_REP, 0, err);
	if (r->scan_sock < 0)
		goto fail;
	r->control_sock = link_socket(NN_REQ, cfg->resend_ivl_ms, err);
	if (r->control_sock < 0)
		goto fail;
	if (link_connect(r->scan_sock, cfg->scan_addr, err) < 0 ||
	    link_connect(r->control_sock, cfg->control_addr, err) < 0)
		goto fail;
	r->fds[0] = link_rcvfd(r->scan_sock);
	r->fds[1] = link_rcvfd(r->control_sock);
	r->next_heartbeat = link_mono_ms();
	return r;
fail:
	ipc_register_destroy(r);
	return NULL;
}

void ipc_register_destroy(struct ipc_register *r)
{
	if (!r)
		return;
	if (r->control_sock >= 0)
		nn_close(r->control_sock);
	if (r->scan_sock >= 0)
		nn_close(r->scan_sock);
	free(r);
}

int ipc_register_pollfds(const struct ipc_register *r, struct pollfd *fds)
{
	for (int i = 0; i < IPC_REGISTER_POLLFDS; i++)
		fds[i] = (struct pollfd){.fd = r->fds[i], .events = POLLIN};
	return IPC_REGISTER_POLLFDS;
}

bool ipc_register_link_up(const struct ipc_register *r)
{
	return r->link_up;
}

static struct ipc_register_event *push_event(struct ipc_register *r,
					     enum ipc_register_event_type type)
{
	struct ipc_register_event *ev;

	if (r->ev_len == EVENT_QUEUE) /* the caller is far behind: drop the oldest */
		r->ev_head = (r->ev_head + 1) % EVENT_QUEUE, r->ev_len--;
	ev = &r->events[(r->ev_head + r->ev_len++) % EVENT_QUEUE];
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	return ev;
}

static void refused(struct ipc_register *r, int code, const char *detail)
{
	struct ipc_register_event *ev = push_event(r, IPC_REGISTER_EV_REFUSED);

	link_set_error(&ev->error, code, __func__, "%s", detail);
}

/* ---------------------------------------------------------------- */
/* Scans in                                                         */
/* ---------------------------------------------------------------- */

static struct seen *seen_find(struct ipc_register *r, const char *scan_id)
{
	for (int i = 0; i < IPC_REGISTER_SEEN; i++)
		if (r->seen[i].scan_id[0] && strcmp(r->seen[i].scan_id, scan_id) == 0)
			return &r->seen[i];
	return NULL;
}

static void seen_add(struct ipc_register *r, const struct ipc_msg *answer)
{
	struct seen *s = &r->seen[r->seen_next];

	r->seen_next = (r->seen_next + 1) % IPC_REGISTER_SEEN;
	memcpy(s->scan_id, answer->scan_id, sizeof(s->scan_id));
	s->answer = *answer;
}

static void result_msg(struct ipc_msg *msg, const char *scan_id, enum ipc_result result,
		       const char *reason, const char *name)
{
	ipc_msg_init(msg, IPC_MSG_RESULT);
	snprintf(msg->scan_id, sizeof(msg->scan_id), "%s", scan_id);
	msg->result = result;
	snprintf(msg->reason, sizeof(msg->reason), "%s", reason ? reason : "");
	snprintf(msg->name, sizeof(msg->name), "%s", name ? name : "");
}

/* Answers from the library itself, remembering the answer for resends. */
static void answer_self(struct ipc_register *r, const char *scan_id, enum ipc_result result,
			const char *reason)
{
	struct ipc_msg answer;

	result_msg(&answer, scan_id, result, reason, NULL);
	seen_add(r, &answer);
	link_send(r->scan_sock, &answer, NULL);
}

static void on_scan_request(struct ipc_register *r, const struct ipc_msg *msg)
{
	struct seen *s = seen_find(r, msg->scan_id);
	struct ipc_register_event *ev;
	char masked[IPC_ID_BUFSZ];
	char detail[IPC_DETAIL_BUFSZ];

	switch (msg->type) {
	case IPC_MSG_SCAN:
		if (s) {
			link_send(r->scan_sock, &s->answer, NULL);
			snprintf(detail, sizeof(detail), "scan %s seen before: answered %s again",
				 msg->scan_id, ipc_result_name(s->answer.result));
			refused(r, 0, detail);
			return;
		}
		if (link_wall_ms() - msg->time_ms > r->cfg.max_age_ms) {
			answer_self(r, msg->scan_id, IPC_RESULT_REJECTED, "stale");
			snprintf(detail, sizeof(detail), "scan %s of %s read %lld ms ago: stale",
				 msg->scan_id, ipc_id_mask(msg->customer_id, masked),
				 (long long)(link_wall_ms() - msg->time_ms));
			refused(r, 0, detail);
			return;
		}
		r->scan = *msg;
		r->scan_open = true;
		push_event(r, IPC_REGISTER_EV_SCAN)->msg = *msg;
		return;
	case IPC_MSG_CANCEL:
		ev = push_event(r, IPC_REGISTER_EV_CANCEL);
		ev->msg = *msg;
		if (s) {
			link_send(r->scan_sock, &s->answer, NULL);
			ev->msg.result = s->answer.result;
			return;
		}
		answer_self(r, msg->scan_id, IPC_RESULT_REJECTED, "cancelled");
		ev->msg.result = IPC_RESULT_REJECTED;
		return;
	default: {
		struct ipc_msg err;

		snprintf(detail, sizeof(detail), "\"%s\" on the scan socket",
			 ipc_msg_type_name(msg->type));
		ipc_msg_error(&err, IPC_ERR_UNEXPECTED, detail);
		link_send(r->scan_sock, &err, NULL);
		refused(r, IPC_ERR_UNEXPECTED, detail);
		return;
	}
	}
}

int ipc_register_answer(struct ipc_register *r, const char *scan_id, enum ipc_result result,
			const char *reason, const char *name)
{
	struct ipc_msg answer;
	char buf[IPC_MSG_MAX + 1];

	if (!r->scan_open)
		return IPC_ERR_UNEXPECTED;
	if (!scan_id || strcmp(scan_id, r->scan.scan_id) != 0 ||
	    (reason && strlen(reason) > IPC_WORD_MAX) || (name && strlen(name) > IPC_NAME_MAX))
		return IPC_ERR_INVAL;
	result_msg(&answer, scan_id, result, reason, name);
	if (ipc_msg_format(&answer, buf, sizeof(buf), NULL) < 0)
		return IPC_ERR_INVAL;
	seen_add(r, &answer);
	r->scan_open = false;
	/* If the display is gone, its REQ resends and gets this answer from memory. */
	link_send(r->scan_sock, &answer, NULL);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Control requests out                                             */
/* ---------------------------------------------------------------- */

static int queue_control(struct ipc_register *r, const struct ipc_msg *msg, bool internal)
{
	char buf[IPC_MSG_MAX + 1];
	struct control *c;

	if (ipc_msg_format(msg, buf, sizeof(buf), NULL) < 0)
		return IPC_ERR_INVAL;
	if (r->q_len == IPC_REGISTER_QUEUE)
		return IPC_ERR_FULL;
	c = &r->queue[(r->q_head + r->q_len++) % IPC_REGISTER_QUEUE];
	c->msg = *msg;
	c->internal = internal;
	return 0;
}

static void pump(struct ipc_register *r, int64_t now)
{
	if (r->ctl_busy)
		return;
	if (!r->q_len && r->cfg.heartbeat_ms && now >= r->next_heartbeat) {
		struct ipc_msg q;

		ipc_msg_init(&q, IPC_MSG_STATUS_QUERY);
		queue_control(r, &q, true);
	}
	if (!r->q_len)
		return;
	r->inflight = r->queue[r->q_head];
	r->q_head = (r->q_head + 1) % IPC_REGISTER_QUEUE;
	r->q_len--;
	r->ctl_busy = true;
	r->ctl_deadline = now + r->cfg.control_timeout_ms;
	/* A send failure is a request that goes unanswered: its deadline covers it. */
	link_send(r->control_sock, &r->inflight.msg, NULL);
}

int ipc_register_enable(struct ipc_register *r, const char *order, int timeout_ms)
{
	struct ipc_msg msg;
	int rc;

	if (!order || strlen(order) > IPC_ORDER_MAX || timeout_ms < 0)
		return IPC_ERR_INVAL;
	ipc_msg_init(&msg, IPC_MSG_ENABLE);
	snprintf(msg.order, sizeof(msg.order), "%s", order);
	msg.timeout_ms = timeout_ms;
	rc = queue_control(r, &msg, false);
	if (rc == 0) {
		r->want_on = true;
		memcpy(r->want_order, msg.order, sizeof(r->want_order));
		r->want_deadline = timeout_ms ? link_mono_ms() + timeout_ms : 0;
	}
	return rc;
}

int ipc_register_disable(struct ipc_register *r)
{
	struct ipc_msg msg;
	int rc;

	ipc_msg_init(&msg, IPC_MSG_DISABLE);
	rc = queue_control(r, &msg, false);
	if (rc == 0)
		r->want_on = false;
	return rc;
}

int ipc_register_show(struct ipc_register *r, const char *text, int duration_ms)
{
	struct ipc_msg msg;

	if (!text || strlen(text) > IPC_TEXT_MAX || duration_ms < 0)
		return IPC_ERR_INVAL;
	ipc_msg_init(&msg, IPC_MSG_SHOW);
	snprintf(msg.text, sizeof(msg.text), "%s", text);
	msg.timeout_ms = duration_ms;
	return queue_control(r, &msg, false);
}

int ipc_register_status(struct ipc_register *r)
{
	struct ipc_msg msg;

	ipc_msg_init(&msg, IPC_MSG_STATUS_QUERY);
	return queue_control(r, &msg, false);
}

int ipc_register_metrics(struct ipc_register *r)
{
	struct ipc_msg msg;

	ipc_msg_init(&msg, IPC_MSG_STATUS_QUERY);
	msg.want_metrics = true;
	return queue_control(r, &msg, false);
}

int ipc_register_ping(struct ipc_register *r)
{
	struct ipc_msg msg;

	ipc_msg_init(&msg, IPC_MSG_PING);
	return queue_control(r, &msg, false);
}

int ipc_register_outcome(struct ipc_register *r, const char *scan_id, enum ipc_result result,
			 const char *reason, const char *name)
{
	struct ipc_msg msg;
	struct seen *s;
	int rc;

	if (!scan_id || strlen(scan_id) > IPC_ID_MAX || (reason && strlen(reason) > IPC_WORD_MAX) ||
	    (name && strlen(name) > IPC_NAME_MAX) || result == IPC_RESULT_CONFIRM)
		return IPC_ERR_INVAL;
	result_msg(&msg, scan_id, result, reason, name);
	msg.type = IPC_MSG_OUTCOME;
	rc = queue_control(r, &msg, false);
	s = rc == 0 ? seen_find(r, scan_id) : NULL;
	if (s) {
		result_msg(&s->answer, scan_id, result, reason, name);
	}
	return rc;
}

static void set_link(struct ipc_register *r, bool up)
{
	if (r->link_known && r->link_up == up)
		return;
	r->link_known = true;
	r->link_up = up;
	push_event(r, up ? IPC_REGISTER_EV_LINK_UP : IPC_REGISTER_EV_LINK_DOWN);
}

/* Puts the display's scan mode back to what the register asked for. */
static void resync(struct ipc_register *r, const struct ipc_msg *status, int64_t now)
{
	bool want = r->want_on;
	struct ipc_msg msg;

	/* Near its own end scan mode is left alone, on or off. */
	if (want && r->want_deadline && r->want_deadline - now < RESYNC_MIN_LEFT_MS)
		return;
	if (status->scan_mode == want && (!want || strcmp(status->order, r->want_order) == 0))
		return;
	if (want) {
		ipc_msg_init(&msg, IPC_MSG_ENABLE);
		memcpy(msg.order, r->want_order, sizeof(msg.order));
		msg.timeout_ms = r->want_deadline ? r->want_deadline - now : 0;
	} else {
		ipc_msg_init(&msg, IPC_MSG_DISABLE);
	}
	if (queue_control(r, &msg, true) == 0)
		push_event(r, IPC_REGISTER_EV_RESYNC)->msg = msg;
}

static void on_control_reply(struct ipc_register *r, const struct ipc_msg *msg, int64_t now)
{
	struct ipc_register_event *ev;

	if (!r->ctl_busy)
		return; /* the answer to a request already given up */
	r->ctl_busy = false;
	r->next_heartbeat = now + r->cfg.heartbeat_ms;
	set_link(r, true);
	if (r->inflight.internal) {
		if (r->inflight.msg.type == IPC_MSG_STATUS_QUERY && msg->type == IPC_MSG_STATUS)
			resync(r, msg, now);
		return;
	}
	ev = push_event(r, IPC_REGISTER_EV_CONTROL_DONE);
	ev->msg = *msg;
	ev->request = r->inflight.msg.type;
}

/* ---------------------------------------------------------------- */
/* The loop                                                         */
/* ---------------------------------------------------------------- */

static int step(struct ipc_register *r)
{
	int64_t now = link_mono_ms();
	struct ipc_msg msg;
	struct ipc_error err = {0};
	int rc;

	if (r->scan_open) {
		ipc_register_answer(r, r->scan.scan_id, IPC_RESULT_ERROR, "unanswered", NULL);
		refused(r, 0, "a scan was left unanswered: answered error");
	}
	rc = link_recv(r->scan_sock, &msg, &err);
	if (rc == IPC_ERR_SOCKET)
		return rc;
	if (rc < 0) {
		struct ipc_msg reply;

		ipc_msg_error(&reply, rc, err.detail);
		link_send(r->scan_sock, &reply, NULL);
		refused(r, rc, err.detail);
	} else if (rc == 1) {
		on_scan_request(r, &msg);
	}

	rc = link_recv(r->control_sock, &msg, &err);
	if (rc == IPC_ERR_SOCKET)
		return rc;
	if (rc < 0) {
		refused(r, rc, err.detail);
		/* A garbled answer still ends the request: the display is up. */
		ipc_msg_error(&msg, rc, err.detail);
		on_control_reply(r, &msg, now);
	} else if (rc == 1) {
		on_control_reply(r, &msg, now);
	}

	if (r->ctl_busy && now >= r->ctl_deadline) {
		r->ctl_busy = false;
		r->next_heartbeat = now + r->cfg.heartbeat_ms;
		if (!r->inflight.internal) {
			struct ipc_register_event *ev =
			    push_event(r, IPC_REGISTER_EV_CONTROL_FAILED);

			ev->request = r->inflight.msg.type;
		}
		set_link(r, false);
	}
	pump(r, now);
	return 0;
}

int ipc_register_timeout_ms(const struct ipc_register *r)
{
	int64_t now = link_mono_ms();
	int64_t next;

	if (r->ev_len)
		return 0;
	if (r->ctl_busy)
		next = r->ctl_deadline;
	else if (r->q_len)
		next = now;
	else if (r->cfg.heartbeat_ms)
		next = r->next_heartbeat;
	else
		return -1;
	return next <= now ? 0 : (int)(next - now);
}

int ipc_register_next(struct ipc_register *r, struct ipc_register_event *ev, int timeout_ms)
{
	int64_t end = link_mono_ms() + (timeout_ms > 0 ? timeout_ms : 0);

	for (;;) {
		int64_t now;
		int wait;
		int rc;

		if (!r->ev_len) {
			rc = step(r);
			if (rc < 0)
				return rc;
		}
		if (r->ev_len) {
			*ev = r->events[r->ev_head];
			r->ev_head = (r->ev_head + 1) % EVENT_QUEUE;
			r->ev_len--;
			return 1;
		}
		memset(ev, 0, sizeof(*ev));
		now = link_mono_ms();
		if (now >= end)
			return 0;
		wait = (int)(end - now);
		rc = ipc_register_timeout_ms(r);
		if (rc >= 0 && rc < wait)
			wait = rc;
		link_wait(r->fds, IPC_REGISTER_POLLFDS, wait);
	}
}
