/*
 * The daemon's log unit: level filter, journald or terminal prefixes, one
 * write(2) per line so lines of different threads never interleave, and the
 * masking of customer ids.
 */
#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Longest line written; longer messages are cut. */
#define LOG_LINE_MAX 1024

static atomic_int level = LOG_INFO;
static atomic_bool journal;

void log_set_level(int lvl)
{
	atomic_store(&level, lvl);
}

int log_level(void)
{
	return atomic_load(&level);
}

void log_set_journal(bool on)
{
	atomic_store(&journal, on);
}

bool log_enabled(int lvl)
{
	return lvl <= atomic_load(&level);
}

int log_level_parse(const char *name)
{
	static const struct {
		const char *name;
		int level;
	} names[] = {
	    {"err", LOG_ERR},	   {"error", LOG_ERR},	   {"warning", LOG_WARNING},
	    {"warn", LOG_WARNING}, {"notice", LOG_NOTICE}, {"info", LOG_INFO},
	    {"debug", LOG_DEBUG},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i].name) == 0)
			return names[i].level;
	return -1;
}

static const char *level_word(int lvl)
{
	switch (lvl) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
	case LOG_ERR:
		return "error";
	case LOG_WARNING:
		return "warning";
	case LOG_NOTICE:
		return "notice";
	case LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

void log_msg(int lvl, const char *module, const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	va_list ap;
	int n;

	if (!log_enabled(lvl))
		return;
	if (atomic_load(&journal))
		n = snprintf(line, sizeof(line), "<%d>%s: ", lvl, module);
	else
		n = snprintf(line, sizeof(line), "custscan: %s: %s: ", level_word(lvl), module);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	if ((size_t)n >= sizeof(line) - 1)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return; /* nowhere left to report it */
}

const char *log_id(const char *id, char *out)
{
	size_t len = strlen(id);

	if (log_enabled(LOG_DEBUG))
		snprintf(out, LOG_ID_BUFSZ, "%.64s", id);
	else
		snprintf(out, LOG_ID_BUFSZ, "%.2s***(%zu)", id, len);
	return out;
}
