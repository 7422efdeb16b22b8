/* Messages for the display library's error codes. */
#include "display/error.h"

const char *display_strerror(int err)
{
	switch (err) {
	case DISPLAY_OK:
		return "success";
#define DISPLAY_ERR_CASE(name, msg)                                                                \
	case DISPLAY_ERR_##name:                                                                   \
		return msg;
		DISPLAY_ERR_MAP(DISPLAY_ERR_CASE)
#undef DISPLAY_ERR_CASE
	default:
		return "unknown error";
	}
}
