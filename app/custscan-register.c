/*
 * custscan-register: a reference register for the terminal.
 *
 *   custscan-register --customers FILE.csv [--scan ADDR] [--control ADDR] [options]
 *
 * It keeps one order, loads customers from a back-office CSV export (id,
 * first name, last name, email, phone and, optionally, the numbers of the
 * loyalty cards they hold), attaches the customer of each scan
 * the display sends, asks the cashier before replacing a different customer
 * already on the order, and turns the display's scan mode on and off. Its
 * product search line also takes a CUST# id typed or scanned by a handheld
 * keyboard-wedge scanner. Everything it does goes through <ipc/register.h>,
 * the way a POS integrates it.
 *
 * Commands on standard input, one a line:
 *   y, n          answer the cashier question
 *   new           close the order and open the next (scan mode on)
 *   close         close the order (scan mode off)
 *   scan on|off   scan mode for the open order
 *   show TEXT     show TEXT on the display
 *   status        ask the display how it is
 *   metrics       ask the display for its metrics too (counters, latencies)
 *   quit          leave
 *   anything else is the product search line; CUST#<id> attaches that customer,
 *                 and so does the number of a card in the customer file
 *
 * What happens is printed on standard output, one line each; logs go to
 * standard error. Exit status: 0 after quit, end of input with --exit-on-eof,
 * SIGINT or SIGTERM; 1 if the link or the customer file fails; 2 for a usage
 * error.
 */
#include "ipc/register.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Longest line of the customer file or of standard input. */
#define LINE_MAX_LEN 1024
/* The product search line's prefix for a customer card. */
#define CARD_PREFIX "CUST#"

/* Room for the card numbers of one customer (the CSV's sixth column). */
#define CARDS_BUFSZ 256

/* One row of the customer file. */
struct customer {
	char id[IPC_ID_BUFSZ];
	char first[IPC_NAME_BUFSZ]; /* shown on the display */
	char last[IPC_NAME_BUFSZ];
	char cards[CARDS_BUFSZ]; /* card numbers separated by ';' or blanks, "" none */
};

/* How the cashier question is answered. */
enum confirm_mode {
	CONFIRM_ASK, /* the cashier types y or n */
	CONFIRM_YES, /* replace at once (unattended demos, tests) */
	CONFIRM_NO,  /* keep the customer already on the order */
};

/* A replacement waiting for the cashier. */
struct question {
	bool open;
	char scan_id[IPC_ID_BUFSZ]; /* "" when it came from the search line */
	const struct customer *who;
};

struct options {
	struct ipc_register_config link;
	const char *customers;
	enum confirm_mode confirm;
	int scan_timeout_ms; /* scan mode turns itself off after this; 0 never */
	bool scan_on;	     /* start with scan mode on */
	bool exit_on_eof;    /* leave when standard input ends */
};

struct reg {
	struct options opt;
	struct ipc_register *link;
	struct customer *customers;
	size_t n_customers;

	char order[IPC_ORDER_BUFSZ];	 /* reference of the open order, "" none */
	unsigned order_seq;		 /* orders opened so far */
	unsigned run;			 /* makes order references unique per start */
	bool scan_mode;			 /* asked of the display for this order */
	const struct customer *customer; /* on the order, or NULL */
	struct question question;
	bool input_open; /* standard input has not ended */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line of what happens, for the cashier. */
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* ---------------------------------------------------------------- */
/* Customers                                                        */
/* ---------------------------------------------------------------- */

/* Splits one CSV line (RFC 4180 quoting) into at most max fields, in place. */
static int csv_split(char *line, char **fields, int max)
{
	int n = 0;
	char *r = line, *w = line;

	while (n < max) {
		bool quoted = *r == '"';

		fields[n++] = w;
		if (quoted)
			r++;
		for (;;) {
			if (*r == '\0' || *r == '\n' || *r == '\r') {
				*w = '\0';
				return n;
			}
			if (quoted && *r == '"') {
				if (r[1] == '"') {
					*w++ = '"';
					r += 2;
					continue;
				}
				quoted = false;
				r++;
				continue;
			}
			if (!quoted && *r == ',') {
				*w++ = '\0';
				r++;
				break;
			}
			*w++ = *r++;
		}
	}
	return n;
}

/* Copies a name, cutting at a character boundary to fit a display name. */
static void copy_name(char *dst, const char *src)
{
	size_t n = strlen(src);

	if (n > IPC_NAME_MAX) {
		n = IPC_NAME_MAX;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	for (size_t i = 0; i < n; i++)
		dst[i] = (unsigned char)src[i] < 0x20 ? ' ' : src[i];
	dst[n] = '\0';
}

static int load_customers(struct reg *g, const char *path)
{
	char line[LINE_MAX_LEN];
	FILE *f = fopen(path, "r");
	size_t cap = 0;
	int lineno = 0;

	if (!f) {
		fprintf(stderr, "custscan-register: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *fields[6] = {0};
		int n;

		if (++lineno == 1 && strncmp(line, "id,", 3) == 0)
			continue; /* the header */
		n = csv_split(line, fields, 6);
		if (n < 2 || !ipc_id_valid(fields[0])) {
			if (line[0] != '\n' && line[0] != '\0')
				fprintf(stderr, "custscan-register: %s:%d: skipped: bad id\n", path,
					lineno);
			continue;
		}
		if (g->n_customers == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct customer *c = realloc(g->customers, ncap * sizeof(*c));

			if (!c) {
				fclose(f);
				return -1;
			}
			g->customers = c;
			cap = ncap;
		}
		struct customer *c = &g->customers[g->n_customers++];

		memset(c, 0, sizeof(*c));
		snprintf(c->id, sizeof(c->id), "%s", fields[0]);
		copy_name(c->first, fields[1]);
		copy_name(c->last, n > 2 ? fields[2] : "");
		if (n > 5 && strlen(fields[5]) >= sizeof(c->cards))
			fprintf(stderr, "custscan-register: %s:%d: card numbers cut short\n", path,
				lineno);
		snprintf(c->cards, sizeof(c->cards), "%s", n > 5 ? fields[5] : "");
	}
	fclose(f);
	return 0;
}

static const struct customer *find_customer(const struct reg *g, const char *id)
{
	for (size_t i = 0; i < g->n_customers; i++)
		if (strcmp(g->customers[i].id, id) == 0)
			return &g->customers[i];
	return NULL;
}

/* Whether card is one of the numbers in list ("2900000012349;MBR-12345674"). */
static bool holds_card(const char *list, const char *card)
{
	size_t n = strlen(card);

	for (const char *p = list; *p;) {
		size_t len = strcspn(p, "; \t");

		if (len == n && memcmp(p, card, n) == 0)
			return true;
		p += len;
		p += strspn(p, "; \t");
	}
	return false;
}

/*
 * The customer a scan is for: a scan of a card rule carries the card number,
 * looked up in the customers' cards first; the id is the fallback (and all
 * there is for a CUST# card).
 */
static const struct customer *find_by_card(const struct reg *g, const char *card)
{
	for (size_t i = 0; card[0] && i < g->n_customers; i++)
		if (holds_card(g->customers[i].cards, card))
			return &g->customers[i];
	return NULL;
}

/* ---------------------------------------------------------------- */
/* The order                                                        */
/* ---------------------------------------------------------------- */

static void set_scan_mode(struct reg *g, bool on)
{
	int rc = on ? ipc_register_enable(g->link, g->order, g->opt.scan_timeout_ms)
		    : ipc_register_disable(g->link);

	if (rc < 0)
		fprintf(stderr, "custscan-register: scan mode: %s\n", ipc_strerror(rc));
	g->scan_mode = on;
	say("scan mode %s", on ? "on" : "off");
}

/* Drops an open question; a display waiting on it is told no. */
static void drop_question(struct reg *g, const char *reason)
{
	if (!g->question.open)
		return;
	if (g->question.scan_id[0])
		ipc_register_outcome(g->link, g->question.scan_id, IPC_RESULT_REJECTED, reason,
				     NULL);
	g->question.open = false;
	say("question dropped: %s", reason);
}

static void open_order(struct reg *g)
{
	drop_question(g, "order_closed");
	snprintf(g->order, sizeof(g->order), "%x-%u", g->run, ++g->order_seq);
	g->customer = NULL;
	say("order %s open", g->order);
	if (g->opt.scan_on)
		set_scan_mode(g, true);
}

static void close_order(struct reg *g)
{
	drop_question(g, "order_closed");
	if (g->order[0])
		say("order %s closed", g->order);
	g->order[0] = '\0';
	g->customer = NULL;
	set_scan_mode(g, false);
}

static void attach(struct reg *g, const struct customer *c, const char *via)
{
	g->customer = c;
	say("attached %s %s %s to order %s (%s)", c->id, c->first, c->last, g->order, via);
}

/* Settles the open question: yes replaces the customer on the order. */
static void decide(struct reg *g, bool yes)
{
	struct question q = g->question;

	if (!q.open) {
		say("no question is open");
		return;
	}
	g->question.open = false;
	if (yes)
		attach(g, q.who, q.scan_id[0] ? q.scan_id : "search line");
	else
		say("kept %s on order %s", g->customer ? g->customer->id : "nobody", g->order);
	if (q.scan_id[0])
		ipc_register_outcome(g->link, q.scan_id,
				     yes ? IPC_RESULT_ATTACHED : IPC_RESULT_REJECTED,
				     yes ? NULL : "declined", yes ? q.who->first : NULL);
}

/* A customer for the order. Returns true if attached now, false if asked. */
static bool offer(struct reg *g, const struct customer *c, const char *scan_id)
{
	if (!g->customer || g->customer == c) {
		attach(g, c, scan_id[0] ? scan_id : "search line");
		return true;
	}
	drop_question(g, "superseded");
	g->question.open = true;
	snprintf(g->question.scan_id, sizeof(g->question.scan_id), "%s", scan_id);
	g->question.who = c;
	say("order %s has %s %s (%s): replace with %s %s (%s)? [y/n]", g->order, g->customer->first,
	    g->customer->last, g->customer->id, c->first, c->last, c->id);
	return false;
}

/* ---------------------------------------------------------------- */
/* Scans from the display                                           */
/* ---------------------------------------------------------------- */

static void on_scan(struct reg *g, const struct ipc_msg *scan)
{
	const struct customer *c;
	const char *reason = NULL;

	if (!g->order[0] || strcmp(scan->order, g->order) != 0)
		reason = "order_closed";
	else if (!g->scan_mode)
		reason = "scan_mode_off";
	if (reason) {
		ipc_register_answer(g->link, scan->scan_id, IPC_RESULT_REJECTED, reason, NULL);
		say("scan %s rejected: %s", scan->scan_id, reason);
		return;
	}
	c = find_by_card(g, scan->card);
	if (c)
		say("scan %s: card %s (rule %s) is %s's", scan->scan_id, scan->card,
		    scan->rule[0] ? scan->rule : "-", c->id);
	else
		c = find_customer(g, scan->customer_id);
	if (!c) {
		ipc_register_answer(g->link, scan->scan_id, IPC_RESULT_UNKNOWN, NULL, NULL);
		say("scan %s: unknown card %s", scan->scan_id,
		    scan->card[0] ? scan->card : scan->customer_id);
		return;
	}
	if (offer(g, c, scan->scan_id)) {
		ipc_register_answer(g->link, scan->scan_id, IPC_RESULT_ATTACHED, NULL, c->first);
		return;
	}
	ipc_register_answer(g->link, scan->scan_id, IPC_RESULT_CONFIRM, NULL, NULL);
	if (g->opt.confirm != CONFIRM_ASK)
		decide(g, g->opt.confirm == CONFIRM_YES);
}

/* The bucket bound at or below which a fraction q of a histogram lies, "" if empty. */
static void quantile(const struct ipc_metrics *m, const struct ipc_histogram *h, double q,
		     char *out, size_t outsz)
{
	uint64_t total = 0, cum = 0;
	int i;

	for (i = 0; i <= m->n_buckets; i++)
		total += h->counts[i];
	for (i = 0; i <= m->n_buckets && total; i++) {
		cum += h->counts[i];
		if ((double)cum >= q * (double)total)
			break;
	}
	if (!total)
		snprintf(out, outsz, "-");
	else if (i < m->n_buckets)
		snprintf(out, outsz, "<= %llu ms", (unsigned long long)m->le_ms[i]);
	else
		snprintf(out, outsz, "> %llu ms", (unsigned long long)m->le_ms[m->n_buckets - 1]);
}

static void say_histogram(const struct ipc_metrics *m, const char *name,
			  const struct ipc_histogram *h)
{
	char p50[32], p95[32];
	uint64_t n = 0;

	for (int i = 0; i <= m->n_buckets; i++)
		n += h->counts[i];
	quantile(m, h, 0.5, p50, sizeof(p50));
	quantile(m, h, 0.95, p95, sizeof(p95));
	say("display metrics: %s n %llu, mean %.1f ms, median %s, p95 %s", name,
	    (unsigned long long)n, n ? (double)h->sum_us / 1000.0 / (double)n : 0.0, p50, p95);
}

/* The metrics of a "status" that carries them, a few lines. */
static void say_metrics(const struct ipc_metrics *m)
{
	char rejected[512] = "";
	size_t used = 0;

	say("display metrics: frames %llu, dropped %llu, decodes %llu, codes %llu, ids %llu, "
	    "camera faults %llu, scans sent %llu, answers %llu, register timeouts %llu",
	    (unsigned long long)m->frames, (unsigned long long)m->frames_dropped,
	    (unsigned long long)m->decodes, (unsigned long long)m->symbols,
	    (unsigned long long)m->ids_emitted, (unsigned long long)m->source_faults,
	    (unsigned long long)m->scans_sent, (unsigned long long)m->register_answers,
	    (unsigned long long)m->register_timeouts);
	for (int i = 0; i < m->n_rejected && used < sizeof(rejected); i++)
		used += (size_t)snprintf(rejected + used, sizeof(rejected) - used, "%s%s %llu",
					 i ? ", " : "", m->rejected[i].reason,
					 (unsigned long long)m->rejected[i].count);
	say("display metrics: rejected %s", m->n_rejected ? rejected : "-");
	say_histogram(m, "decode", &m->decode);
	say_histogram(m, "read to confirmed", &m->read_to_emit);
	say_histogram(m, "confirmed to answer", &m->emit_to_answer);
}

static void on_link_event(struct reg *g, const struct ipc_register_event *ev)
{
	switch (ev->type) {
	case IPC_REGISTER_EV_SCAN:
		on_scan(g, &ev->msg);
		break;
	case IPC_REGISTER_EV_CANCEL:
		say("display gave up on scan %s", ev->msg.scan_id);
		if (g->question.open && strcmp(g->question.scan_id, ev->msg.scan_id) == 0) {
			g->question.scan_id[0] = '\0';
			drop_question(g, "cancelled");
		}
		break;
	case IPC_REGISTER_EV_CONTROL_DONE:
		if (ev->msg.type == IPC_MSG_STATUS)
			say("display: camera %s, scan mode %s, version %s, scans %llu, answered "
			    "%llu, no answer %llu",
			    ev->msg.camera, ev->msg.scan_mode ? "on" : "off", ev->msg.version,
			    (unsigned long long)ev->msg.counters.scans,
			    (unsigned long long)ev->msg.counters.answered,
			    (unsigned long long)ev->msg.counters.no_answer);
		if (ev->msg.type == IPC_MSG_STATUS && ev->msg.metrics.present)
			say_metrics(&ev->msg.metrics);
		else if (ev->msg.type == IPC_MSG_ERROR)
			fprintf(stderr, "custscan-register: display refused %s: %s %s\n",
				ipc_msg_type_name(ev->request), ev->msg.reason, ev->msg.text);
		break;
	case IPC_REGISTER_EV_CONTROL_FAILED:
		fprintf(stderr, "custscan-register: display did not answer %s\n",
			ipc_msg_type_name(ev->request));
		break;
	case IPC_REGISTER_EV_REFUSED:
		fprintf(stderr, "custscan-register: %s\n", ev->error.detail);
		break;
	case IPC_REGISTER_EV_RESYNC:
		fprintf(stderr, "custscan-register: display scan mode was off, asked again\n");
		break;
	case IPC_REGISTER_EV_LINK_UP:
		say("display link up");
		break;
	case IPC_REGISTER_EV_LINK_DOWN:
		say("display link down");
		break;
	case IPC_REGISTER_EV_NONE:
		break;
	}
}

/* ---------------------------------------------------------------- */
/* The cashier's keyboard                                           */
/* ---------------------------------------------------------------- */

static void search_line(struct reg *g, const char *text)
{
	const struct customer *c;
	const char *id = text + strlen(CARD_PREFIX);

	if (strncmp(text, CARD_PREFIX, strlen(CARD_PREFIX)) != 0) {
		c = g->order[0] ? find_by_card(g, text) : NULL;
		if (!c) {
			say("no product matches \"%s\" (this register sells nothing)", text);
			return;
		}
		if (!offer(g, c, "") && g->opt.confirm != CONFIRM_ASK)
			decide(g, g->opt.confirm == CONFIRM_YES);
		return;
	}
	if (!g->order[0]) {
		say("no open order");
		return;
	}
	if (!ipc_id_valid(id)) {
		say("not a customer card");
		return;
	}
	c = find_customer(g, id);
	if (!c)
		say("unknown card %s", id);
	else if (!offer(g, c, "") && g->opt.confirm != CONFIRM_ASK)
		decide(g, g->opt.confirm == CONFIRM_YES);
}

/* Handles one line of standard input. Returns false on quit. */
static bool command(struct reg *g, char *line)
{
	line[strcspn(line, "\r\n")] = '\0';
	if (strcmp(line, "quit") == 0)
		return false;
	if (strcmp(line, "y") == 0 || strcmp(line, "n") == 0)
		decide(g, line[0] == 'y');
	else if (strcmp(line, "new") == 0)
		close_order(g), open_order(g);
	else if (strcmp(line, "close") == 0)
		close_order(g);
	else if (strcmp(line, "scan on") == 0 && g->order[0])
		set_scan_mode(g, true);
	else if (strcmp(line, "scan on") == 0)
		say("no open order");
	else if (strcmp(line, "scan off") == 0)
		set_scan_mode(g, false);
	else if (strncmp(line, "show ", 5) == 0 && ipc_register_show(g->link, line + 5, 5000) < 0)
		say("cannot show that");
	else if (strncmp(line, "show ", 5) == 0)
		say("shown");
	else if (strcmp(line, "status") == 0)
		ipc_register_status(g->link);
	else if (strcmp(line, "metrics") == 0)
		ipc_register_metrics(g->link);
	else if (line[0])
		search_line(g, line);
	return true;
}

/* Reads what standard input has; returns false on quit or end of input. */
static bool read_input(struct reg *g)
{
	static char buf[LINE_MAX_LEN];
	static size_t used;
	ssize_t n = read(STDIN_FILENO, buf + used, sizeof(buf) - 1 - used);
	char *nl;

	if (n <= 0) {
		if (n < 0 && errno == EINTR)
			return true;
		g->input_open = false;
		return !g->opt.exit_on_eof;
	}
	used += (size_t)n;
	buf[used] = '\0';
	while ((nl = strchr(buf, '\n'))) {
		*nl = '\0';
		if (!command(g, buf))
			return false;
		used -= (size_t)(nl + 1 - buf);
		memmove(buf, nl + 1, used + 1);
	}
	if (used == sizeof(buf) - 1)
		used = 0; /* an over-long line is dropped */
	return true;
}

/* ---------------------------------------------------------------- */
/* main                                                             */
/* ---------------------------------------------------------------- */

static void usage(FILE *out)
{
	fputs("usage: custscan-register --customers FILE.csv [options]\n"
	      "A reference register: attaches the customer of each card the display scans.\n"
	      "\n"
	      "  --customers FILE    back-office CSV: id,first_name,last_name,email,phone\n"
	      "                      and optionally cards (card numbers, ';'-separated)\n"
	      "  --scan ADDR         the display's scan socket (default " IPC_DEFAULT_SCAN_ADDR
	      ")\n"
	      "  --control ADDR      the display's control socket\n"
	      "                      (default " IPC_DEFAULT_CONTROL_ADDR ")\n"
	      "  --confirm MODE      replacing a customer: ask (default), yes, no\n"
	      "  --scan-timeout-ms N scan mode turns itself off after N ms (default never)\n"
	      "  --max-age-ms N      refuse scans read longer ago (default 5000)\n"
	      "  --no-scan           start with scan mode off\n"
	      "  --exit-on-eof       leave when standard input ends\n"
	      "  -h, --help          this text\n",
	      out);
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
	    {"customers", required_argument, NULL, 'c'},
	    {"scan", required_argument, NULL, 's'},
	    {"control", required_argument, NULL, 'C'},
	    {"confirm", required_argument, NULL, 'y'},
	    {"scan-timeout-ms", required_argument, NULL, 't'},
	    {"max-age-ms", required_argument, NULL, 'a'},
	    {"no-scan", no_argument, NULL, 'n'},
	    {"exit-on-eof", no_argument, NULL, 'e'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	ipc_register_config_init(&o->link);
	o->scan_on = true;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->customers = optarg;
			break;
		case 's':
			snprintf(o->link.scan_addr, sizeof(o->link.scan_addr), "%s", optarg);
			break;
		case 'C':
			snprintf(o->link.control_addr, sizeof(o->link.control_addr), "%s", optarg);
			break;
		case 'y':
			if (strcmp(optarg, "ask") == 0)
				o->confirm = CONFIRM_ASK;
			else if (strcmp(optarg, "yes") == 0)
				o->confirm = CONFIRM_YES;
			else if (strcmp(optarg, "no") == 0)
				o->confirm = CONFIRM_NO;
			else
				return -1;
			break;
		case 't':
			o->scan_timeout_ms = atoi(optarg);
			if (o->scan_timeout_ms < 0)
				return -1;
			break;
		case 'a':
			o->link.max_age_ms = atoi(optarg);
			if (o->link.max_age_ms <= 0)
				return -1;
			break;
		case 'n':
			o->scan_on = false;
			break;
		case 'e':
			o->exit_on_eof = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	return o->customers && optind == argc ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct reg g;
	struct ipc_error err = {0};
	struct sigaction sa;
	int status = 0;

	memset(&g, 0, sizeof(g));
	if (parse_options(argc, argv, &g.opt) < 0) {
		usage(stderr);
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (load_customers(&g, g.opt.customers) < 0)
		return 1;
	g.link = ipc_register_create(&g.opt.link, &err);
	if (!g.link) {
		fprintf(stderr, "custscan-register: %s: %s\n", ipc_strerror(err.code), err.detail);
		free(g.customers);
		return 1;
	}
	g.run = (unsigned)time(NULL) ^ ((unsigned)getpid() << 8);
	g.input_open = true;
	say("%zu customers loaded", g.n_customers);
	open_order(&g);

	while (!stop) {
		struct pollfd fds[IPC_REGISTER_POLLFDS + 1];
		struct ipc_register_event ev;
		int n = ipc_register_pollfds(g.link, fds);
		int rc;

		if (g.input_open)
			fds[n++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
		if (poll(fds, (nfds_t)n, ipc_register_timeout_ms(g.link)) < 0 && errno != EINTR)
			break;
		if (g.input_open && fds[n - 1].revents && !read_input(&g))
			break;
		while ((rc = ipc_register_next(g.link, &ev, 0)) == 1)
			on_link_event(&g, &ev);
		if (rc < 0) {
			fprintf(stderr, "custscan-register: link: %s\n", ipc_strerror(rc));
			status = 1;
			break;
		}
	}
	ipc_register_destroy(g.link);
	free(g.customers);
	return status;
}
