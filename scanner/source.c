/*
 * Frame sources, the part every backend shares: dispatch through the ops
 * table, state names, stats, and the accessors of source.h.
 */
#include "scanner/source.h"
#include "scanner/error.h"
#include "source_impl.h"

#include <stdio.h>
#include <string.h>

static const char *const state_names[] = {
    [SCANNER_SOURCE_STOPPED] = "stopped",
    [SCANNER_SOURCE_STREAMING] = "streaming",
    [SCANNER_SOURCE_ABSENT] = "absent",
    [SCANNER_SOURCE_BUSY] = "busy",
    [SCANNER_SOURCE_NO_PERMISSION] = "no_permission",
    [SCANNER_SOURCE_UNSUPPORTED_FORMAT] = "unsupported_format",
    [SCANNER_SOURCE_UNPLUGGED] = "unplugged",
    [SCANNER_SOURCE_STALLED] = "stalled",
    [SCANNER_SOURCE_FAILED] = "failed",
    [SCANNER_SOURCE_ENDED] = "ended",
};

const char *scanner_source_state_name(enum scanner_source_state state)
{
	if ((unsigned)state >= sizeof(state_names) / sizeof(state_names[0]))
		return "unknown";
	return state_names[state];
}

bool scanner_source_state_is_fault(enum scanner_source_state state)
{
	switch (state) {
	case SCANNER_SOURCE_ABSENT:
	case SCANNER_SOURCE_BUSY:
	case SCANNER_SOURCE_NO_PERMISSION:
	case SCANNER_SOURCE_UNSUPPORTED_FORMAT:
	case SCANNER_SOURCE_UNPLUGGED:
	case SCANNER_SOURCE_STALLED:
	case SCANNER_SOURCE_FAILED:
		return true;
	default:
		return false;
	}
}

const char *scanner_fourcc_str(uint32_t fourcc, char buf[5])
{
	for (int i = 0; i < 4; i++) {
		char ch = (char)((fourcc >> (8 * i)) & 0xff);
		buf[i] = ch >= 0x20 && ch < 0x7f ? ch : '?';
	}
	buf[4] = '\0';
	return buf;
}

void scanner_source_base_init(struct scanner_source *src, const struct scanner_source_ops *ops)
{
	memset(src, 0, sizeof(*src));
	src->ops = ops;
	src->state = SCANNER_SOURCE_STOPPED;
	src->stats.first_frame_us = -1;
	snprintf(src->message, sizeof(src->message), "%s stopped", ops->name);
}

void scanner_source_destroy(struct scanner_source *src)
{
	if (!src)
		return;
	scanner_source_stop(src);
	src->ops->destroy(src);
}

int scanner_source_start(struct scanner_source *src)
{
	if (!src)
		return SCANNER_ERR_INVAL;
	if (src->started)
		return 0;
	src->started = true;
	src->stats.first_frame_us = -1;
	return src->ops->start(src);
}

int scanner_source_stop(struct scanner_source *src)
{
	if (!src)
		return SCANNER_ERR_INVAL;
	if (!src->started)
		return 0;
	src->ops->stop(src);
	src->started = false;
	return 0;
}

int scanner_source_next(struct scanner_source *src, int timeout_ms, struct scanner_frame *out)
{
	if (!src || !out || timeout_ms < 0)
		return SCANNER_ERR_INVAL;
	if (!src->started)
		return SCANNER_ERR_INVAL;
	return src->ops->next(src, timeout_ms, out);
}

enum scanner_source_state scanner_source_state(const struct scanner_source *src)
{
	return src->state;
}

const char *scanner_source_message(const struct scanner_source *src)
{
	return src->message;
}

void scanner_source_stats(const struct scanner_source *src, struct scanner_source_stats *stats)
{
	*stats = src->stats;
}

int scanner_source_format(const struct scanner_source *src, struct scanner_source_format *fmt)
{
	if (!src->have_format)
		return SCANNER_ERR_AGAIN;
	*fmt = src->format;
	return 0;
}

size_t scanner_source_controls(const struct scanner_source *src,
			       const struct scanner_control_report **out)
{
	*out = src->controls;
	return src->n_controls;
}

int scanner_source_set_exposure_hint(struct scanner_source *src, int luma_mean)
{
	if (!src || luma_mean < 0 || luma_mean > 255)
		return SCANNER_ERR_INVAL;
	if (!src->started || !src->ops->exposure_hint)
		return 0;
	return src->ops->exposure_hint(src, luma_mean);
}
