/*
 * The nanomsg sockets under both sides of the register link: options,
 * address rules, ipc:// permissions, and one message in or out at a time.
 */
#include "link.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <nanomsg/nn.h>
#include <nanomsg/reqrep.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Reconnect quickly after a restart, backing off to at most a second. */
#define RECONNECT_IVL_MS     100
#define RECONNECT_IVL_MAX_MS 1000
/* Longest socket path a sockaddr_un takes. */
#define IPC_PATH_MAX 107

void link_set_error(struct ipc_error *err, int code, const char *func, const char *fmt, ...)
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

int64_t link_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t link_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void link_wait(const int *fds, int n, int timeout_ms)
{
	struct pollfd pfd[4];
	int k = 0;

	for (int i = 0; i < n && k < 4; i++)
		if (fds[i] >= 0)
			pfd[k++] = (struct pollfd){.fd = fds[i], .events = POLLIN};
	while (poll(pfd, (nfds_t)k, timeout_ms) < 0 && errno == EINTR)
		;
}

int link_socket(int protocol, int resend_ivl_ms, struct ipc_error *err)
{
	int maxsize = LINK_WIRE_MAX;
	int ivl = RECONNECT_IVL_MS;
	int ivl_max = RECONNECT_IVL_MAX_MS;
	int s = nn_socket(AF_SP, protocol);

	if (s < 0) {
		link_set_error(err, IPC_ERR_SOCKET, __func__, "nn_socket: %s", nn_strerror(errno));
		return IPC_ERR_SOCKET;
	}
	if (nn_setsockopt(s, NN_SOL_SOCKET, NN_RCVMAXSIZE, &maxsize, sizeof(maxsize)) < 0 ||
	    nn_setsockopt(s, NN_SOL_SOCKET, NN_RECONNECT_IVL, &ivl, sizeof(ivl)) < 0 ||
	    nn_setsockopt(s, NN_SOL_SOCKET, NN_RECONNECT_IVL_MAX, &ivl_max, sizeof(ivl_max)) < 0 ||
	    (protocol == NN_REQ && nn_setsockopt(s, NN_REQ, NN_REQ_RESEND_IVL, &resend_ivl_ms,
						 sizeof(resend_ivl_ms)) < 0)) {
		link_set_error(err, IPC_ERR_SOCKET, __func__, "nn_setsockopt: %s",
			       nn_strerror(errno));
		nn_close(s);
		return IPC_ERR_SOCKET;
	}
	return s;
}

/* True if the host part of a tcp:// address is a loopback address. */
static bool tcp_loopback(const char *hostport)
{
	const char *colon = strrchr(hostport, ':');
	size_t n = colon ? (size_t)(colon - hostport) : 0;

	if (n == strlen("localhost") && memcmp(hostport, "localhost", n) == 0)
		return true;
	if (n < 4 || memcmp(hostport, "127.", 4) != 0)
		return false;
	for (size_t i = 4; i < n; i++)
		if (!(hostport[i] == '.' || (hostport[i] >= '0' && hostport[i] <= '9')))
			return false;
	return true;
}

int link_check_address(const char *addr, bool bind, bool allow_remote, struct ipc_error *err)
{
	if (!addr || strlen(addr) >= NN_SOCKADDR_MAX) {
		link_set_error(err, IPC_ERR_ADDRESS, __func__, "missing or too long address");
		return IPC_ERR_ADDRESS;
	}
	if (strncmp(addr, "ipc://", 6) == 0) {
		if (addr[6] == '\0' || strlen(addr + 6) > IPC_PATH_MAX) {
			link_set_error(err, IPC_ERR_ADDRESS, __func__, "bad ipc path in %s", addr);
			return IPC_ERR_ADDRESS;
		}
		return 0;
	}
	if (strncmp(addr, "inproc://", 9) == 0)
		return 0;
	if (strncmp(addr, "tcp://", 6) == 0) {
		if (bind && !allow_remote && !tcp_loopback(addr + 6)) {
			link_set_error(err, IPC_ERR_ADDRESS, __func__,
				       "%s is not loopback and remote binding is off", addr);
			return IPC_ERR_ADDRESS;
		}
		return 0;
	}
	link_set_error(err, IPC_ERR_ADDRESS, __func__, "%s: only ipc://, tcp:// and inproc://",
		       addr);
	return IPC_ERR_ADDRESS;
}

static int lookup_group(const char *name, gid_t *gid, struct ipc_error *err)
{
	char buf[4096];
	struct group gr;
	struct group *found = NULL;
	char *end;
	unsigned long n = strtoul(name, &end, 10);

	if (*name && *end == '\0' && n <= UINT_MAX) {
		*gid = (gid_t)n;
		return 0;
	}
	if (getgrnam_r(name, &gr, buf, sizeof(buf), &found) != 0 || !found) {
		link_set_error(err, IPC_ERR_PERM, __func__, "no group %s", name);
		return IPC_ERR_PERM;
	}
	*gid = found->gr_gid;
	return 0;
}

/*
 * Makes sure the socket's directory is one only this user (and the group)
 * can write: creates it if missing, refuses one owned by someone else or
 * writable by others.
 */
static int secure_dir(const char *path, unsigned dir_mode, const gid_t *gid, struct ipc_error *err)
{
	char dir[IPC_PATH_MAX + 1];
	struct stat st;
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash) {
		snprintf(dir, sizeof(dir), ".");
	} else if (slash == dir) {
		link_set_error(err, IPC_ERR_PERM, __func__, "socket directly under /");
		return IPC_ERR_PERM;
	} else {
		*slash = '\0';
	}
	if (mkdir(dir, dir_mode) == 0) {
		if ((gid && chown(dir, (uid_t)-1, *gid) < 0) || chmod(dir, dir_mode) < 0) {
			link_set_error(err, IPC_ERR_PERM, __func__, "securing %s: %s", dir,
				       strerror(errno));
			return IPC_ERR_PERM;
		}
		return 0;
	}
	if (errno != EEXIST || lstat(dir, &st) < 0) {
		link_set_error(err, IPC_ERR_PERM, __func__, "mkdir %s: %s", dir, strerror(errno));
		return IPC_ERR_PERM;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & S_IWOTH)) {
		link_set_error(err, IPC_ERR_PERM, __func__,
			       "%s is not a directory of this user closed to others", dir);
		return IPC_ERR_PERM;
	}
	return 0;
}

static int bind_ipc(int s, const char *addr, const struct link_bind_rules *rules,
		    struct ipc_error *err)
{
	const char *path = addr + strlen("ipc://");
	unsigned mode = rules->ipc_mode & 0770;
	unsigned dir_mode = 0700 | ((mode & 0060) ? 0010 : 0);
	gid_t gid = 0;
	bool has_group = rules->ipc_group && rules->ipc_group[0];
	mode_t old;
	int rc;

	if (has_group && lookup_group(rules->ipc_group, &gid, err) < 0)
		return IPC_ERR_PERM;
	rc = secure_dir(path, dir_mode, has_group ? &gid : NULL, err);
	if (rc)
		return rc;
	/* nanomsg has no permission option: the umask covers the bind itself. */
	old = umask((mode_t)(~mode & 0777));
	rc = nn_bind(s, addr);
	umask(old);
	if (rc < 0) {
		link_set_error(err, IPC_ERR_SOCKET, __func__, "nn_bind %s: %s", addr,
			       nn_strerror(errno));
		return IPC_ERR_SOCKET;
	}
	if ((has_group && chown(path, (uid_t)-1, gid) < 0) || chmod(path, (mode_t)mode) < 0) {
		link_set_error(err, IPC_ERR_PERM, __func__, "securing %s: %s", path,
			       strerror(errno));
		return IPC_ERR_PERM;
	}
	return 0;
}

int link_bind(int s, const char *addr, const struct link_bind_rules *rules, struct ipc_error *err)
{
	int rc = link_check_address(addr, true, rules->allow_remote, err);

	if (rc)
		return rc;
	if (strncmp(addr, "ipc://", 6) == 0)
		return bind_ipc(s, addr, rules, err);
	if (nn_bind(s, addr) < 0) {
		link_set_error(err, IPC_ERR_SOCKET, __func__, "nn_bind %s: %s", addr,
			       nn_strerror(errno));
		return IPC_ERR_SOCKET;
	}
	return 0;
}

int link_connect(int s, const char *addr, struct ipc_error *err)
{
	int rc = link_check_address(addr, false, true, err);

	if (rc)
		return rc;
	if (nn_connect(s, addr) < 0) {
		link_set_error(err, IPC_ERR_SOCKET, __func__, "nn_connect %s: %s", addr,
			       nn_strerror(errno));
		return IPC_ERR_SOCKET;
	}
	return 0;
}

int link_send(int s, const struct ipc_msg *msg, struct ipc_error *err)
{
	char buf[IPC_MSG_MAX + 1];
	int len = ipc_msg_format(msg, buf, sizeof(buf), err);

	if (len < 0)
		return len;
	if (nn_send(s, buf, (size_t)len, NN_DONTWAIT) < 0) {
		int e = errno;

		link_set_error(err, IPC_ERR_SOCKET, __func__, "nn_send %s: %s",
			       ipc_msg_type_name(msg->type), nn_strerror(e));
		return IPC_ERR_SOCKET;
	}
	return 0;
}

int link_recv(int s, struct ipc_msg *msg, struct ipc_error *err)
{
	void *buf = NULL;
	int n = nn_recv(s, &buf, NN_MSG, NN_DONTWAIT);
	int rc;

	if (n < 0) {
		/* EFSM: a REQ socket with no request out has nothing to receive. */
		if (errno == EAGAIN || errno == EINTR || errno == ETIMEDOUT || errno == EFSM)
			return 0;
		link_set_error(err, IPC_ERR_SOCKET, __func__, "nn_recv: %s", nn_strerror(errno));
		return IPC_ERR_SOCKET;
	}
	rc = ipc_msg_parse(buf, (size_t)n, msg, err);
	nn_freemsg(buf);
	return rc < 0 ? rc : 1;
}

int link_rcvfd(int s)
{
	int fd = -1;
	size_t sz = sizeof(fd);

	if (nn_getsockopt(s, NN_SOL_SOCKET, NN_RCVFD, &fd, &sz) < 0)
		return -1;
	return fd;
}
