/*
 * Internal: the nanomsg sockets under both sides of the register link.
 *
 * Opening a socket with the link's options, binding with the address and
 * permission rules of docs/PROTOCOL.md, and sending or receiving one message
 * without blocking. Not part of the public API.
 */
#ifndef IPC_LINK_H
#define IPC_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "ipc/message.h"

/*
 * Largest message nanomsg hands up (NN_RCVMAXSIZE). Messages between
 * IPC_MSG_MAX and this get an explicit "too_big" error reply; larger ones
 * make nanomsg drop the connection, and the peer reconnects.
 */
#define LINK_WIRE_MAX 65536

/* Rules for a bound endpoint. */
struct link_bind_rules {
	unsigned ipc_mode;     /* permission bits of an ipc:// socket file (others never) */
	const char *ipc_group; /* group of the socket and its directory; NULL or "" none */
	bool allow_remote;     /* tcp:// may bind other than loopback */
};

/*
 * Opens a nanomsg socket of protocol (NN_REQ or NN_REP) with the link's
 * options: small NN_RCVMAXSIZE, quick reconnects, and for NN_REQ
 * resend_ivl_ms. Returns the socket or a negative ipc_err.
 */
int link_socket(int protocol, int resend_ivl_ms, struct ipc_error *err);

/* Binds s to addr under rules. Returns 0 or IPC_ERR_ADDRESS, IPC_ERR_PERM, IPC_ERR_SOCKET. */
int link_bind(int s, const char *addr, const struct link_bind_rules *rules, struct ipc_error *err);

/* Connects s to addr; nanomsg retries until the peer is there. Returns 0 or an ipc_err. */
int link_connect(int s, const char *addr, struct ipc_error *err);

/* Checks an address's scheme and, for tcp://, loopback unless allow_remote. */
int link_check_address(const char *addr, bool bind, bool allow_remote, struct ipc_error *err);

/* Formats and sends msg without blocking. Returns 0 or a negative ipc_err. */
int link_send(int s, const struct ipc_msg *msg, struct ipc_error *err);

/*
 * Receives one message without blocking. Returns 1 with *msg filled, 0 if
 * none is waiting, or a negative ipc_err: a parse error (the message was
 * consumed and err says why) or IPC_ERR_SOCKET.
 */
int link_recv(int s, struct ipc_msg *msg, struct ipc_error *err);

/* The descriptor to poll() for POLLIN that says s has a message, or -1. */
int link_rcvfd(int s);

/* Milliseconds on the monotonic clock, and Unix time in milliseconds. */
int64_t link_mono_ms(void);
int64_t link_wall_ms(void);

/* Waits up to timeout_ms (-1: forever) for any of fds[0..n) to be readable. */
void link_wait(const int *fds, int n, int timeout_ms);

void link_set_error(struct ipc_error *err, int code, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
