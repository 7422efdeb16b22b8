/* Messages and wire names for the ipc library's error codes. */
#include "ipc/error.h"

const char *ipc_strerror(int err)
{
	switch (err) {
	case IPC_OK:
		return "success";
#define IPC_ERR_CASE(name, code, msg)                                                              \
	case IPC_ERR_##name:                                                                       \
		return msg;
		IPC_ERR_MAP(IPC_ERR_CASE)
#undef IPC_ERR_CASE
	default:
		return "unknown error";
	}
}

const char *ipc_error_code_name(int err)
{
	switch (err) {
#define IPC_ERR_CASE(name, code, msg)                                                              \
	case IPC_ERR_##name:                                                                       \
		return code;
		IPC_ERR_MAP(IPC_ERR_CASE)
#undef IPC_ERR_CASE
	default:
		return "internal";
	}
}
