/*
 * The messages of the register link: a strict JSON parser into fixed-size
 * structs, and the formatter that is its inverse.
 *
 * One table describes every field a message can carry (its key, kind and
 * place in struct ipc_msg); one table per type says which fields are required
 * and which optional. Parsing walks the object's keys through those tables,
 * so an unknown key, a key of another type or a missing key are all refused
 * the same way, and formatting emits exactly what parsing accepts.
 */
#include "ipc/message.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* json-c depth that admits three levels: the object, "metrics", its "rejected" and arrays. */
#define JSON_MAX_DEPTH 4
/* Largest integer a JSON number keeps exactly in every language (2^53). */
#define JSON_MAX_EXACT_INT 9007199254740992LL

/* ---------------------------------------------------------------- */
/* Field and type tables                                            */
/* ---------------------------------------------------------------- */

enum field_kind {
	K_ID,	     /* 1..64 of [A-Za-z0-9_-] */
	K_ORDER,     /* 1..64 printable ASCII */
	K_WORD,	     /* 1..32 of [a-z0-9_] */
	K_VERSION,   /* 1..32 of [A-Za-z0-9._+-] */
	K_NAME,	     /* UTF-8, 1..IPC_NAME_MAX bytes, no control characters */
	K_TEXT,	     /* UTF-8, 1..IPC_TEXT_MAX bytes, no control characters */
	K_TIME,	     /* integer 1..2^53 */
	K_DURATION,  /* integer 0..IPC_DURATION_MAX_MS */
	K_BOOL,	     /* true or false */
	K_RESULT,    /* one of IPC_RESULT_MAP */
	K_SYMBOLOGY, /* one of IPC_SYMBOLOGY_MAP */
	K_COUNTERS,  /* object of the five counters, integers 0..2^53 */
	K_METRICS,   /* object of the display's metrics (members below) */
};

enum field_id {
	F_SCAN_ID,
	F_CUSTOMER_ID,
	F_SYMBOLOGY,
	F_TIME,
	F_ORDER,
	F_RESULT,
	F_REASON,
	F_NAME,
	F_TEXT,
	F_TIMEOUT,
	F_DURATION,
	F_SCAN_MODE,
	F_CAMERA,
	F_VERSION,
	F_COUNTERS,
	F_CODE,
	F_MESSAGE,
	F_WANT_METRICS,
	F_METRICS,
	F_RULE,
	F_CARD,
	F_COUNT
};

struct field {
	const char *key;      /* JSON key */
	enum field_kind kind; /* how its value is checked */
	size_t offset;	      /* member of struct ipc_msg */
	size_t size;	      /* size of that member (string buffers) */
};

#define MEMBER(m) offsetof(struct ipc_msg, m), sizeof(((struct ipc_msg *)0)->m)

static const struct field fields[F_COUNT] = {
    [F_SCAN_ID] = {"scan_id", K_ID, MEMBER(scan_id)},
    [F_CUSTOMER_ID] = {"customer_id", K_ID, MEMBER(customer_id)},
    [F_SYMBOLOGY] = {"symbology", K_SYMBOLOGY, MEMBER(symbology)},
    [F_TIME] = {"time_ms", K_TIME, MEMBER(time_ms)},
    [F_ORDER] = {"order", K_ORDER, MEMBER(order)},
    [F_RESULT] = {"result", K_RESULT, MEMBER(result)},
    [F_REASON] = {"reason", K_WORD, MEMBER(reason)},
    [F_NAME] = {"name", K_NAME, MEMBER(name)},
    [F_TEXT] = {"text", K_TEXT, MEMBER(text)},
    [F_TIMEOUT] = {"timeout_ms", K_DURATION, MEMBER(timeout_ms)},
    [F_DURATION] = {"duration_ms", K_DURATION, MEMBER(timeout_ms)},
    [F_SCAN_MODE] = {"scan_mode", K_BOOL, MEMBER(scan_mode)},
    [F_CAMERA] = {"camera", K_WORD, MEMBER(camera)},
    [F_VERSION] = {"version", K_VERSION, MEMBER(version)},
    [F_COUNTERS] = {"counters", K_COUNTERS, MEMBER(counters)},
    [F_CODE] = {"code", K_WORD, MEMBER(reason)},
    [F_MESSAGE] = {"message", K_TEXT, MEMBER(text)},
    [F_WANT_METRICS] = {"metrics", K_BOOL, MEMBER(want_metrics)},
    [F_METRICS] = {"metrics", K_METRICS, MEMBER(metrics)},
    [F_RULE] = {"rule", K_WORD, MEMBER(rule)},
    [F_CARD] = {"card", K_ORDER, MEMBER(card)},
};

#define BIT(f) (1u << (f))

struct type_schema {
	const char *name;  /* "type" string */
	unsigned required; /* BIT(field) of the fields that must be present */
	unsigned optional; /* BIT(field) of the fields that may be present */
};

static const struct type_schema schemas[IPC_MSG_TYPE_COUNT] = {
    [IPC_MSG_SCAN] = {"scan",
		      BIT(F_SCAN_ID) | BIT(F_CUSTOMER_ID) | BIT(F_SYMBOLOGY) | BIT(F_TIME) |
			  BIT(F_ORDER),
		      BIT(F_RULE) | BIT(F_CARD)},
    [IPC_MSG_CANCEL] = {"cancel", BIT(F_SCAN_ID), 0},
    [IPC_MSG_RESULT] = {"result", BIT(F_SCAN_ID) | BIT(F_RESULT), BIT(F_REASON) | BIT(F_NAME)},
    [IPC_MSG_ENABLE] = {"enable", BIT(F_ORDER), BIT(F_TIMEOUT)},
    [IPC_MSG_DISABLE] = {"disable", 0, 0},
    [IPC_MSG_SHOW] = {"show", BIT(F_TEXT), BIT(F_DURATION)},
    [IPC_MSG_STATUS_QUERY] = {"status_query", 0, BIT(F_WANT_METRICS)},
    [IPC_MSG_PING] = {"ping", 0, 0},
    [IPC_MSG_OUTCOME] = {"outcome", BIT(F_SCAN_ID) | BIT(F_RESULT), BIT(F_REASON) | BIT(F_NAME)},
    [IPC_MSG_OK] = {"ok", 0, 0},
    [IPC_MSG_STATUS] = {"status",
			BIT(F_SCAN_MODE) | BIT(F_CAMERA) | BIT(F_VERSION) | BIT(F_COUNTERS),
			BIT(F_ORDER) | BIT(F_METRICS)},
    [IPC_MSG_PONG] = {"pong", 0, 0},
    [IPC_MSG_ERROR] = {"error", BIT(F_CODE), BIT(F_MESSAGE)},
};

static const char *const result_names[IPC_RESULT_COUNT] = {
#define IPC_RESULT_NAME(name, str) str,
    IPC_RESULT_MAP(IPC_RESULT_NAME)
#undef IPC_RESULT_NAME
};

static const char *const symbology_names[IPC_SYMBOLOGY_COUNT] = {
#define IPC_SYMBOLOGY_NAME(name, str) str,
    IPC_SYMBOLOGY_MAP(IPC_SYMBOLOGY_NAME)
#undef IPC_SYMBOLOGY_NAME
};

/*
 * The members of the nested objects "counters" and "metrics", all required,
 * in the order they are written. Integers are 0..2^53.
 */
enum member_kind {
	M_INT,	   /* an integer */
	M_REASONS, /* metrics only: object of reason -> integer, at most
		      IPC_METRICS_MAX_REASONS */
	M_BOUNDS,  /* metrics only: le_ms, 1..IPC_METRICS_MAX_BUCKETS ascending integers >= 1 */
	M_HIST,	   /* metrics only: a histogram's counts, one more than the bounds */
};

struct member {
	const char *key;
	enum member_kind kind;
	size_t offset; /* in struct ipc_counters or struct ipc_metrics */
};

#define COUNTER(key, m)                                                                            \
	{                                                                                          \
		key, M_INT, offsetof(struct ipc_counters, m)                                       \
	}
#define METRIC(key, kind, m)                                                                       \
	{                                                                                          \
		key, kind, offsetof(struct ipc_metrics, m)                                         \
	}

static const struct member counter_members[] = {
    COUNTER("scans", scans), COUNTER("answered", answered),	    COUNTER("no_answer", no_answer),
    COUNTER("stale", stale), COUNTER("bad_messages", bad_messages),
};

static const struct member metric_members[] = {
    METRIC("frames", M_INT, frames),
    METRIC("frames_dropped", M_INT, frames_dropped),
    METRIC("decodes", M_INT, decodes),
    METRIC("symbols", M_INT, symbols),
    METRIC("ids_emitted", M_INT, ids_emitted),
    METRIC("source_faults", M_INT, source_faults),
    METRIC("scans_sent", M_INT, scans_sent),
    METRIC("register_answers", M_INT, register_answers),
    METRIC("register_timeouts", M_INT, register_timeouts),
    METRIC("rejected", M_REASONS, rejected),
    METRIC("le_ms", M_BOUNDS, le_ms),
    METRIC("decode", M_HIST, decode.counts),
    METRIC("decode_sum_us", M_INT, decode.sum_us),
    METRIC("read_to_emit", M_HIST, read_to_emit.counts),
    METRIC("read_to_emit_sum_us", M_INT, read_to_emit.sum_us),
    METRIC("emit_to_answer", M_HIST, emit_to_answer.counts),
    METRIC("emit_to_answer_sum_us", M_INT, emit_to_answer.sum_us),
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------- */
/* Names and small helpers                                          */
/* ---------------------------------------------------------------- */

const char *ipc_msg_type_name(enum ipc_msg_type type)
{
	return (unsigned)type < IPC_MSG_TYPE_COUNT ? schemas[type].name : "?";
}

const char *ipc_result_name(enum ipc_result result)
{
	return (unsigned)result < IPC_RESULT_COUNT ? result_names[result] : "?";
}

const char *ipc_symbology_name(enum ipc_symbology sym)
{
	return (unsigned)sym < IPC_SYMBOLOGY_COUNT ? symbology_names[sym] : "?";
}

static int lookup(const char *const *names, int n, const char *name, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
			return i;
	return -1;
}

int ipc_result_parse(const char *name, enum ipc_result *out)
{
	int i = name ? lookup(result_names, IPC_RESULT_COUNT, name, strlen(name)) : -1;

	if (i < 0)
		return IPC_ERR_INVAL;
	*out = (enum ipc_result)i;
	return 0;
}

int ipc_symbology_parse(const char *name, enum ipc_symbology *out)
{
	int i = name ? lookup(symbology_names, IPC_SYMBOLOGY_COUNT, name, strlen(name)) : -1;

	if (i < 0)
		return IPC_ERR_INVAL;
	*out = (enum ipc_symbology)i;
	return 0;
}

static bool id_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

static bool word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static bool version_char(unsigned char c)
{
	return id_char(c) || c == '.' || c == '+';
}

static bool order_char(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

/* UTF-8 text: the encoding is checked apart; refuse control characters. */
static bool text_char(unsigned char c)
{
	return c >= 0x20 && c != 0x7f;
}

/* True if s[0..len) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
static bool utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i];
		size_t n;
		unsigned cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			return false;
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

bool ipc_id_valid(const char *s)
{
	size_t n = 0;

	if (!s)
		return false;
	for (; n <= IPC_ID_MAX && s[n]; n++)
		if (!id_char((unsigned char)s[n]))
			return false;
	return n >= 1 && n <= IPC_ID_MAX;
}

const char *ipc_id_mask(const char *id, char *out)
{
	size_t n = id ? strnlen(id, IPC_ID_MAX + 1) : 0;

	snprintf(out, IPC_ID_BUFSZ, "%.2s***(%zu)", n >= 4 ? id : "", n);
	return out;
}

static void set_error(struct ipc_error *err, int code, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set_error(struct ipc_error *err, int code, const char *func, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	err->code = code;
	err->func = func;
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
}

/*
 * Checks s[0..len) against a string kind: length within max and every byte
 * allowed. Returns NULL if fine, else a reason for the detail.
 */
static const char *check_string(enum field_kind kind, const char *s, size_t len)
{
	bool (*allowed)(unsigned char);
	size_t max;

	switch (kind) {
	case K_ID:
		allowed = id_char, max = IPC_ID_MAX;
		break;
	case K_ORDER:
		allowed = order_char, max = IPC_ORDER_MAX;
		break;
	case K_WORD:
		allowed = word_char, max = IPC_WORD_MAX;
		break;
	case K_VERSION:
		allowed = version_char, max = IPC_WORD_MAX;
		break;
	case K_NAME:
		allowed = text_char, max = IPC_NAME_MAX;
		break;
	case K_TEXT:
		allowed = text_char, max = IPC_TEXT_MAX;
		break;
	default:
		return "not a string field";
	}
	if (len == 0)
		return "empty";
	if (len > max)
		return "too long";
	for (size_t i = 0; i < len; i++)
		if (!allowed((unsigned char)s[i]))
			return "bad character";
	if ((kind == K_NAME || kind == K_TEXT) && !utf8_valid((const unsigned char *)s, len))
		return "not UTF-8";
	return NULL;
}

/* ---------------------------------------------------------------- */
/* Parsing                                                          */
/* ---------------------------------------------------------------- */

static bool get_int(json_object *v, int64_t lo, int64_t hi, int64_t *out)
{
	int64_t x;

	if (!json_object_is_type(v, json_type_int))
		return false;
	x = json_object_get_int64(v);
	/* json-c keeps values above INT64_MAX as uint64: never in range here. */
	if (x < lo || x > hi || (x == INT64_MAX && json_object_get_uint64(v) != (uint64_t)x))
		return false;
	*out = x;
	return true;
}

/* An integer 0..2^53 from v into *out; false if it is none. */
static bool get_count(json_object *v, uint64_t *out)
{
	int64_t x;

	if (!get_int(v, 0, JSON_MAX_EXACT_INT, &x))
		return false;
	*out = (uint64_t)x;
	return true;
}

/* The "rejected" object: reason words to counts. Returns NULL or why not. */
static const char *parse_reasons(json_object *obj, struct ipc_metrics *m)
{
	if (!json_object_is_type(obj, json_type_object))
		return "not an object";
	m->n_rejected = 0;
	json_object_object_foreach(obj, key, val)
	{
		struct ipc_reason_count *rc = &m->rejected[m->n_rejected];

		if (m->n_rejected == IPC_METRICS_MAX_REASONS)
			return "too many reasons";
		if (check_string(K_WORD, key, strlen(key)))
			return "bad reason";
		if (!get_count(val, &rc->count))
			return "not an integer in range";
		snprintf(rc->reason, sizeof(rc->reason), "%s", key);
		m->n_rejected++;
	}
	return NULL;
}

/* An array of integers into out[0..max); *n its length. Returns NULL or why not. */
static const char *parse_int_array(json_object *arr, uint64_t *out, int max, int *n)
{
	size_t len;

	if (!json_object_is_type(arr, json_type_array))
		return "not an array";
	len = json_object_array_length(arr);
	if (len == 0 || len > (size_t)max)
		return "wrong length";
	for (size_t i = 0; i < len; i++)
		if (!get_count(json_object_array_get_idx(arr, i), &out[i]))
			return "not an integer in range";
	*n = (int)len;
	return NULL;
}

/*
 * Parses an object whose members are exactly table[0..n), into base (a
 * struct ipc_counters or struct ipc_metrics). lens[i] gets the length of
 * array member i.
 */
static int parse_members(json_object *obj, const struct member *table, size_t n, void *base,
			 const char *what, int *lens, struct ipc_error *err)
{
	unsigned seen = 0;

	if (!json_object_is_type(obj, json_type_object)) {
		set_error(err, IPC_ERR_BAD_MESSAGE, __func__, "field \"%s\": not an object", what);
		return IPC_ERR_BAD_MESSAGE;
	}
	json_object_object_foreach(obj, key, val)
	{
		void *dst;
		const char *why = NULL;
		size_t i;

		for (i = 0; i < n; i++)
			if (strcmp(key, table[i].key) == 0)
				break;
		if (i == n) {
			set_error(err, IPC_ERR_BAD_MESSAGE, __func__, "%s: unknown field", what);
			return IPC_ERR_BAD_MESSAGE;
		}
		dst = (char *)base + table[i].offset;
		switch (table[i].kind) {
		case M_INT:
			if (!get_count(val, dst))
				why = "not an integer in range";
			break;
		case M_REASONS:
			why = parse_reasons(val, base);
			break;
		case M_BOUNDS:
			why = parse_int_array(val, dst, IPC_METRICS_MAX_BUCKETS,
					      &((struct ipc_metrics *)base)->n_buckets);
			for (int k = 1; !why && k < ((struct ipc_metrics *)base)->n_buckets; k++)
				if (((uint64_t *)dst)[k] <= ((uint64_t *)dst)[k - 1])
					why = "not ascending";
			if (!why && ((uint64_t *)dst)[0] == 0)
				why = "a bound of 0";
			break;
		case M_HIST:
			why = parse_int_array(val, dst, IPC_METRICS_MAX_BUCKETS + 1, &lens[i]);
			break;
		}
		if (why) {
			set_error(err, IPC_ERR_BAD_MESSAGE, __func__, "%s \"%s\": %s", what,
				  table[i].key, why);
			return IPC_ERR_BAD_MESSAGE;
		}
		seen |= 1u << i;
	}
	if (seen != (1u << n) - 1) {
		set_error(err, IPC_ERR_BAD_MESSAGE, __func__, "%s: missing field", what);
		return IPC_ERR_BAD_MESSAGE;
	}
	return 0;
}

static int parse_counters(json_object *obj, struct ipc_counters *c, struct ipc_error *err)
{
	int lens[N_OF(counter_members)];

	return parse_members(obj, counter_members, N_OF(counter_members), c, "counters", lens, err);
}

/* "metrics": every member, and every histogram one count longer than le_ms. */
static int parse_metrics(json_object *obj, struct ipc_metrics *m, struct ipc_error *err)
{
	int lens[N_OF(metric_members)] = {0};
	int rc;

	rc = parse_members(obj, metric_members, N_OF(metric_members), m, "metrics", lens, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < N_OF(metric_members); i++) {
		if (metric_members[i].kind == M_HIST && lens[i] != m->n_buckets + 1) {
			set_error(err, IPC_ERR_BAD_MESSAGE, __func__,
				  "metrics \"%s\": %d counts for %d bounds", metric_members[i].key,
				  lens[i], m->n_buckets);
			return IPC_ERR_BAD_MESSAGE;
		}
	}
	m->present = true;
	return 0;
}

/* Stores one field's value into msg after checking it. */
static int parse_field(enum field_id f, json_object *val, struct ipc_msg *msg,
		       struct ipc_error *err)
{
	const struct field *fd = &fields[f];
	void *dst = (char *)msg + fd->offset;
	const char *why = NULL;
	int64_t x;
	int i;

	switch (fd->kind) {
	case K_ID:
	case K_ORDER:
	case K_WORD:
	case K_VERSION:
	case K_NAME:
	case K_TEXT: {
		const char *s;
		size_t len;

		if (!json_object_is_type(val, json_type_string)) {
			why = "not a string";
			break;
		}
		s = json_object_get_string(val);
		len = (size_t)json_object_get_string_len(val);
		why = check_string(fd->kind, s, len);
		if (!why) {
			memcpy(dst, s, len);
			((char *)dst)[len] = '\0';
		}
		break;
	}
	case K_TIME:
		if (!get_int(val, 1, JSON_MAX_EXACT_INT, &x))
			why = "not an integer in range";
		else
			*(int64_t *)dst = x;
		break;
	case K_DURATION:
		if (!get_int(val, 0, IPC_DURATION_MAX_MS, &x))
			why = "not an integer in range";
		else
			*(int64_t *)dst = x;
		break;
	case K_BOOL:
		if (!json_object_is_type(val, json_type_boolean))
			why = "not a boolean";
		else
			*(bool *)dst = json_object_get_boolean(val);
		break;
	case K_RESULT:
	case K_SYMBOLOGY:
		if (!json_object_is_type(val, json_type_string)) {
			why = "not a string";
			break;
		}
		if (fd->kind == K_RESULT)
			i = lookup(result_names, IPC_RESULT_COUNT, json_object_get_string(val),
				   (size_t)json_object_get_string_len(val));
		else
			i = lookup(symbology_names, IPC_SYMBOLOGY_COUNT,
				   json_object_get_string(val),
				   (size_t)json_object_get_string_len(val));
		if (i < 0)
			why = "unknown value";
		else if (fd->kind == K_RESULT)
			*(enum ipc_result *)dst = (enum ipc_result)i;
		else
			*(enum ipc_symbology *)dst = (enum ipc_symbology)i;
		break;
	case K_COUNTERS:
		return parse_counters(val, dst, err);
	case K_METRICS:
		return parse_metrics(val, dst, err);
	}
	if (why) {
		set_error(err, IPC_ERR_BAD_MESSAGE, __func__, "field \"%s\": %s", fd->key, why);
		return IPC_ERR_BAD_MESSAGE;
	}
	return 0;
}

/* Checks "v" and "type"; sets msg->type. */
static int parse_header(json_object *root, struct ipc_msg *msg, struct ipc_error *err)
{
	json_object *v = NULL;
	json_object *type = NULL;
	int64_t version;
	int i;

	if (!json_object_object_get_ex(root, "v", &v) || !get_int(v, 0, INT32_MAX, &version)) {
		set_error(err, IPC_ERR_BAD_VERSION, __func__, "missing or malformed \"v\"");
		return IPC_ERR_BAD_VERSION;
	}
	if (version != IPC_PROTOCOL_VERSION) {
		set_error(err, IPC_ERR_BAD_VERSION, __func__, "version %lld, this side speaks %d",
			  (long long)version, IPC_PROTOCOL_VERSION);
		return IPC_ERR_BAD_VERSION;
	}
	if (!json_object_object_get_ex(root, "type", &type) ||
	    !json_object_is_type(type, json_type_string)) {
		set_error(err, IPC_ERR_BAD_MESSAGE, __func__, "missing or malformed \"type\"");
		return IPC_ERR_BAD_MESSAGE;
	}
	for (i = 0; i < IPC_MSG_TYPE_COUNT; i++)
		if (strlen(schemas[i].name) == (size_t)json_object_get_string_len(type) &&
		    strcmp(schemas[i].name, json_object_get_string(type)) == 0)
			break;
	if (i == IPC_MSG_TYPE_COUNT) {
		set_error(err, IPC_ERR_UNKNOWN_TYPE, __func__, "unknown type");
		return IPC_ERR_UNKNOWN_TYPE;
	}
	msg->type = (enum ipc_msg_type)i;
	return 0;
}

static int parse_object(json_object *root, struct ipc_msg *msg, struct ipc_error *err)
{
	const struct type_schema *schema;
	unsigned seen = 0;
	int rc;

	if (!json_object_is_type(root, json_type_object)) {
		set_error(err, IPC_ERR_BAD_MESSAGE, __func__, "not a JSON object");
		return IPC_ERR_BAD_MESSAGE;
	}
	rc = parse_header(root, msg, err);
	if (rc)
		return rc;
	schema = &schemas[msg->type];
	json_object_object_foreach(root, key, val)
	{
		int f;

		if (strcmp(key, "v") == 0 || strcmp(key, "type") == 0)
			continue;
		for (f = 0; f < F_COUNT; f++)
			if (((schema->required | schema->optional) & BIT(f)) &&
			    strcmp(key, fields[f].key) == 0)
				break;
		if (f == F_COUNT) {
			set_error(err, IPC_ERR_BAD_MESSAGE, __func__, "field not allowed in \"%s\"",
				  schema->name);
			return IPC_ERR_BAD_MESSAGE;
		}
		rc = parse_field((enum field_id)f, val, msg, err);
		if (rc)
			return rc;
		seen |= BIT(f);
	}
	if ((seen & schema->required) != schema->required) {
		for (int f = 0; f < F_COUNT; f++)
			if ((schema->required & ~seen) & BIT(f)) {
				set_error(err, IPC_ERR_BAD_MESSAGE, __func__,
					  "\"%s\" without \"%s\"", schema->name, fields[f].key);
				break;
			}
		return IPC_ERR_BAD_MESSAGE;
	}
	if (msg->type == IPC_MSG_OUTCOME && msg->result == IPC_RESULT_CONFIRM) {
		set_error(err, IPC_ERR_BAD_MESSAGE, __func__, "an outcome cannot be \"confirm\"");
		return IPC_ERR_BAD_MESSAGE;
	}
	return 0;
}

void ipc_msg_init(struct ipc_msg *msg, enum ipc_msg_type type)
{
	memset(msg, 0, sizeof(*msg));
	msg->type = type;
}

int ipc_msg_parse(const void *buf, size_t len, struct ipc_msg *msg, struct ipc_error *err)
{
	json_tokener *tok = NULL;
	json_object *root = NULL;
	const char *s = buf;
	size_t end;
	int rc;

	ipc_msg_init(msg, IPC_MSG_ERROR);
	if (len > IPC_MSG_MAX) {
		set_error(err, IPC_ERR_TOO_BIG, __func__, "%zu bytes, at most %d", len,
			  IPC_MSG_MAX);
		return IPC_ERR_TOO_BIG;
	}
	if (len == 0 || memchr(s, '\0', len)) {
		set_error(err, IPC_ERR_BAD_JSON, __func__, len ? "NUL byte" : "empty message");
		return IPC_ERR_BAD_JSON;
	}
	tok = json_tokener_new_ex(JSON_MAX_DEPTH);
	if (!tok) {
		set_error(err, IPC_ERR_NOMEM, __func__, "json_tokener_new_ex");
		return IPC_ERR_NOMEM;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, s, (int)len);
	if (!root) {
		enum json_tokener_error jerr = json_tokener_get_error(tok);

		set_error(err, IPC_ERR_BAD_JSON, __func__, "%s",
			  jerr == json_tokener_continue ? "truncated"
							: json_tokener_error_desc(jerr));
		rc = IPC_ERR_BAD_JSON;
		goto free_tok;
	}
	for (end = json_tokener_get_parse_end(tok); end < len; end++)
		if (!strchr(" \t\r\n", s[end]))
			break;
	if (end < len) {
		set_error(err, IPC_ERR_BAD_JSON, __func__, "bytes after the object");
		rc = IPC_ERR_BAD_JSON;
		goto free_root;
	}
	rc = parse_object(root, msg, err);
free_root:
	json_object_put(root);
free_tok:
	json_tokener_free(tok);
	if (rc) {
		enum ipc_msg_type type = msg->type;

		ipc_msg_init(msg, type);
	}
	return rc;
}

/* ---------------------------------------------------------------- */
/* Formatting                                                       */
/* ---------------------------------------------------------------- */

/* A count as a JSON integer, capped at 2^53. */
static json_object *new_count(uint64_t x)
{
	return json_object_new_int64(
	    (int64_t)(x > (uint64_t)JSON_MAX_EXACT_INT ? (uint64_t)JSON_MAX_EXACT_INT : x));
}

/* An array of counts; NULL if out of memory. */
static json_object *new_count_array(const uint64_t *v, int n)
{
	json_object *arr = json_object_new_array_ext(n);

	for (int i = 0; arr && i < n; i++)
		json_object_array_add(arr, new_count(v[i]));
	return arr;
}

/* Why metrics would not parse back, or NULL. */
static const char *metrics_invalid(const struct ipc_metrics *m)
{
	if (m->n_buckets < 1 || m->n_buckets > IPC_METRICS_MAX_BUCKETS || m->le_ms[0] == 0)
		return "bad bucket bounds";
	for (int k = 1; k < m->n_buckets; k++)
		if (m->le_ms[k] <= m->le_ms[k - 1])
			return "bad bucket bounds";
	if (m->n_rejected < 0 || m->n_rejected > IPC_METRICS_MAX_REASONS)
		return "bad reasons";
	for (int i = 0; i < m->n_rejected; i++) {
		size_t len = strnlen(m->rejected[i].reason, sizeof(m->rejected[i].reason));

		if (len == sizeof(m->rejected[i].reason) ||
		    check_string(K_WORD, m->rejected[i].reason, len))
			return "bad reason";
		for (int j = 0; j < i; j++)
			if (strcmp(m->rejected[i].reason, m->rejected[j].reason) == 0)
				return "reason twice";
	}
	return NULL;
}

/* The object of table[0..n) read from base; NULL if out of memory. */
static json_object *format_members(const struct member *table, size_t n, const void *base)
{
	const struct ipc_metrics *m = base;
	json_object *obj = json_object_new_object();

	for (size_t i = 0; obj && i < n; i++) {
		const void *src = (const char *)base + table[i].offset;
		json_object *val = NULL;

		switch (table[i].kind) {
		case M_INT:
			val = new_count(*(const uint64_t *)src);
			break;
		case M_REASONS:
			val = json_object_new_object();
			for (int k = 0; val && k < m->n_rejected; k++)
				json_object_object_add(val, m->rejected[k].reason,
						       new_count(m->rejected[k].count));
			break;
		case M_BOUNDS:
			val = new_count_array(src, m->n_buckets);
			break;
		case M_HIST:
			val = new_count_array(src, m->n_buckets + 1);
			break;
		}
		if (!val) {
			json_object_put(obj);
			return NULL;
		}
		json_object_object_add(obj, table[i].key, val);
	}
	return obj;
}

/* Adds field f of msg to obj. Returns 0, or IPC_ERR_BAD_MESSAGE if invalid. */
static int format_field(enum field_id f, const struct ipc_msg *msg, json_object *obj, bool required,
			struct ipc_error *err)
{
	const struct field *fd = &fields[f];
	const void *src = (const char *)msg + fd->offset;
	json_object *val = NULL;
	const char *why = NULL;

	switch (fd->kind) {
	case K_ID:
	case K_ORDER:
	case K_WORD:
	case K_VERSION:
	case K_NAME:
	case K_TEXT: {
		size_t len = strnlen(src, fd->size);

		if (len == 0 && !required)
			return 0;
		why = len == fd->size ? "not terminated" : check_string(fd->kind, src, len);
		if (!why)
			val = json_object_new_string_len(src, (int)len);
		break;
	}
	case K_TIME:
	case K_DURATION: {
		int64_t x = *(const int64_t *)src;

		if (x == 0 && !required)
			return 0;
		if (fd->kind == K_TIME ? x < 1 || x > JSON_MAX_EXACT_INT
				       : x < 0 || x > IPC_DURATION_MAX_MS)
			why = "out of range";
		else
			val = json_object_new_int64(x);
		break;
	}
	case K_BOOL:
		if (!*(const bool *)src && !required)
			return 0;
		val = json_object_new_boolean(*(const bool *)src);
		break;
	case K_RESULT:
		if ((unsigned)*(const enum ipc_result *)src >= IPC_RESULT_COUNT)
			why = "out of range";
		else
			val = json_object_new_string(result_names[*(const enum ipc_result *)src]);
		break;
	case K_SYMBOLOGY:
		if ((unsigned)*(const enum ipc_symbology *)src >= IPC_SYMBOLOGY_COUNT)
			why = "out of range";
		else
			val = json_object_new_string(
			    symbology_names[*(const enum ipc_symbology *)src]);
		break;
	case K_COUNTERS:
		val = format_members(counter_members, N_OF(counter_members), src);
		break;
	case K_METRICS:
		if (!((const struct ipc_metrics *)src)->present && !required)
			return 0;
		why = metrics_invalid(src);
		if (!why)
			val = format_members(metric_members, N_OF(metric_members), src);
		break;
	}
	if (why) {
		set_error(err, IPC_ERR_BAD_MESSAGE, __func__, "field \"%s\": %s", fd->key, why);
		return IPC_ERR_BAD_MESSAGE;
	}
	if (!val) {
		set_error(err, IPC_ERR_NOMEM, __func__, "json-c");
		return IPC_ERR_NOMEM;
	}
	json_object_object_add(obj, fd->key, val);
	return 0;
}

int ipc_msg_format(const struct ipc_msg *msg, char *buf, size_t bufsz, struct ipc_error *err)
{
	const struct type_schema *schema;
	json_object *obj = NULL;
	const char *s;
	size_t len;
	int rc = 0;

	if (!msg || !buf || (unsigned)msg->type >= IPC_MSG_TYPE_COUNT) {
		set_error(err, IPC_ERR_INVAL, __func__, "no message or unknown type");
		return IPC_ERR_INVAL;
	}
	if (msg->type == IPC_MSG_OUTCOME && msg->result == IPC_RESULT_CONFIRM) {
		set_error(err, IPC_ERR_BAD_MESSAGE, __func__, "an outcome cannot be \"confirm\"");
		return IPC_ERR_BAD_MESSAGE;
	}
	schema = &schemas[msg->type];
	obj = json_object_new_object();
	if (!obj) {
		set_error(err, IPC_ERR_NOMEM, __func__, "json-c");
		return IPC_ERR_NOMEM;
	}
	json_object_object_add(obj, "v", json_object_new_int(IPC_PROTOCOL_VERSION));
	json_object_object_add(obj, "type", json_object_new_string(schema->name));
	for (int f = 0; f < F_COUNT && rc == 0; f++)
		if ((schema->required | schema->optional) & BIT(f))
			rc = format_field((enum field_id)f, msg, obj,
					  (schema->required & BIT(f)) != 0, err);
	if (rc)
		goto free_obj;
	s = json_object_to_json_string_ext(obj,
					   JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	len = s ? strlen(s) : 0;
	if (!s) {
		set_error(err, IPC_ERR_NOMEM, __func__, "json-c");
		rc = IPC_ERR_NOMEM;
	} else if (len >= bufsz || len > IPC_MSG_MAX) {
		set_error(err, IPC_ERR_TOO_BIG, __func__, "%zu bytes", len);
		rc = IPC_ERR_TOO_BIG;
	} else {
		memcpy(buf, s, len + 1);
		rc = (int)len;
	}
free_obj:
	json_object_put(obj);
	return rc;
}

void ipc_msg_error(struct ipc_msg *msg, int err, const char *detail)
{
	size_t n = 0;

	ipc_msg_init(msg, IPC_MSG_ERROR);
	snprintf(msg->reason, sizeof(msg->reason), "%s", ipc_error_code_name(err));
	/* Keep printable ASCII only: a cut can then never split a character. */
	for (const char *p = detail ? detail : ""; *p && n < IPC_TEXT_MAX; p++)
		if (*p >= 0x20 && *p < 0x7f)
			msg->text[n++] = *p;
	msg->text[n] = '\0';
}
