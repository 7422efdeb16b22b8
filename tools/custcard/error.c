/* Messages for custscan_card's error codes and the detail helper. */
#include <stdarg.h>
#include <stdio.h>

#include "card_impl.h"

const char *card_strerror(int err)
{
	switch (err) {
	case CARD_OK:
		return "success";
#define CARD_ERR_CASE(name, msg)                                                                   \
	case CARD_ERR_##name:                                                                      \
		return msg;
		CARD_ERR_MAP(CARD_ERR_CASE)
#undef CARD_ERR_CASE
	default:
		return "unknown error";
	}
}

int card_fail(struct card_error *err, int code, int line, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
	return code;
}

int card_fail_at(struct card_error *err, int code, const char *name, int line)
{
	char detail[sizeof(err->detail)];

	if (!err)
		return code;
	snprintf(detail, sizeof(detail), "%s", err->detail);
	return card_fail(err, code, line, "%s:%d: %s", name, line, detail);
}
