/*
 * The daemon's log: syslog levels, one line per message on standard error.
 *
 * Each line carries the module it comes from ("camera: streaming 640x480").
 * Under systemd (JOURNAL_STREAM set, or --log-prefix) each line starts with
 * the "<N>" level prefix that journald reads (sd-daemon(3)), so `journalctl
 * -p warning` filters it; on a terminal the level is written as a word.
 * The level is checked before anything is formatted, so a debug message
 * costs nothing when debug is off. Customer ids are written through
 * log_id(), which masks them except at debug level.
 *
 * Any thread may log: each message is written with one write(2).
 */
#ifndef CUSTSCAN_LOG_H
#define CUSTSCAN_LOG_H

#include <stdbool.h>
#include <syslog.h>

/* Sets the highest level written (LOG_ERR .. LOG_DEBUG); default LOG_INFO. */
void log_set_level(int level);

/* The level set. */
int log_level(void);

/* Writes "<N>" prefixes (journald) instead of level words. */
void log_set_journal(bool on);

/* True when a message at level would be written. */
bool log_enabled(int level);

/*
 * Parses a level name: "err", "warning", "notice", "info", "debug" (also
 * "error", "warn"). Returns the syslog level, or -1.
 */
int log_level_parse(const char *name);

/* Writes one message at level, tagged with module. No newline needed. */
void log_msg(int level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * A customer id for a log line: the id itself at debug level, else masked
 * to its first two characters and its length ("DE***(9)"). out must hold
 * 80 bytes. Returns out.
 */
const char *log_id(const char *id, char *out);

/* Size of the buffer log_id() writes into. */
#define LOG_ID_BUFSZ 80

#define log_err(mod, ...)    log_msg(LOG_ERR, mod, __VA_ARGS__)
#define log_warn(mod, ...)   log_msg(LOG_WARNING, mod, __VA_ARGS__)
#define log_notice(mod, ...) log_msg(LOG_NOTICE, mod, __VA_ARGS__)
#define log_info(mod, ...)   log_msg(LOG_INFO, mod, __VA_ARGS__)
#define log_debug(mod, ...)                                                                        \
	do {                                                                                       \
		if (log_enabled(LOG_DEBUG))                                                        \
			log_msg(LOG_DEBUG, mod, __VA_ARGS__);                                      \
	} while (0)

#endif
