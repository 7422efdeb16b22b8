/* Messages for the scanner library's error codes. */
#include "scanner/error.h"

const char *scanner_strerror(int err)
{
	switch (err) {
	case SCANNER_OK:
		return "success";
#define SCANNER_ERR_CASE(name, msg)                                                                \
	case SCANNER_ERR_##name:                                                                   \
		return msg;
		SCANNER_ERR_MAP(SCANNER_ERR_CASE)
#undef SCANNER_ERR_CASE
	default:
		return "unknown error";
	}
}
