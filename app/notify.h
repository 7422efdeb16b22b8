/*
 * Readiness and watchdog notifications to systemd (sd_notify(3) protocol).
 *
 * Speaks the protocol itself (one datagram to $NOTIFY_SOCKET), so the
 * daemon needs no libsystemd; outside systemd every call does nothing.
 */
#ifndef CUSTSCAN_NOTIFY_H
#define CUSTSCAN_NOTIFY_H

#include <stdint.h>

/* Sends state ("READY=1", "STOPPING=1", "WATCHDOG=1", "STATUS=..."). Returns
 * 1 when sent, 0 when not under systemd, -1 on error (errno). */
int notify_send(const char *state);

/* Microseconds between the watchdog pings systemd expects, 0 if none. */
int64_t notify_watchdog_usec(void);

#endif
