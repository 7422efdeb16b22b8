/* Presence of a code in view, read or not, and why not. See presence.h. */
#include "scanner/presence.h"

void scanner_presence_config_init_default(struct scanner_presence_config *cfg)
{
	cfg->seen_after_us = 400000;
	cfg->forget_after_us = 500000;
	cfg->min_module_px = 2.0;
	cfg->max_glare = 0.08;
}

void scanner_presence_init(struct scanner_presence *p, const struct scanner_presence_config *cfg)
{
	p->cfg = *cfg;
	p->state = SCANNER_PRESENCE_NONE;
	p->reason = SCANNER_PRESENCE_REASON_NONE;
	p->first_located_us = -1;
	p->last_located_us = -1;
}

static enum scanner_presence_reason reason_of(const struct scanner_presence_config *cfg,
					      const struct scanner_result *r)
{
	if (r->located_module > 0 && r->located_module < cfg->min_module_px)
		return SCANNER_PRESENCE_REASON_TOO_SMALL;
	if (r->located_glare > cfg->max_glare)
		return SCANNER_PRESENCE_REASON_GLARE;
	return SCANNER_PRESENCE_REASON_HOLD_STILL;
}

enum scanner_presence_state scanner_presence_update(struct scanner_presence *p, int64_t now_us,
						    const struct scanner_result *r)
{
	if (r->count > 0) {
		p->state = SCANNER_PRESENCE_READ;
		p->reason = SCANNER_PRESENCE_REASON_NONE;
		p->first_located_us = -1;
		p->last_located_us = now_us;
	} else if (r->located > 0) {
		if (p->first_located_us < 0 || now_us < p->first_located_us)
			p->first_located_us = now_us;
		p->last_located_us = now_us;
		/* A read a moment ago still counts: the card is being moved
		 * away or the next frame just missed it. */
		if (now_us - p->first_located_us >= p->cfg.seen_after_us) {
			p->state = SCANNER_PRESENCE_SEEN;
			p->reason = reason_of(&p->cfg, r);
		}
	} else if (p->last_located_us < 0 ||
		   now_us - p->last_located_us >= p->cfg.forget_after_us ||
		   now_us < p->last_located_us) {
		p->state = SCANNER_PRESENCE_NONE;
		p->reason = SCANNER_PRESENCE_REASON_NONE;
		p->first_located_us = -1;
	}
	return p->state;
}

const char *scanner_presence_state_name(enum scanner_presence_state state)
{
	switch (state) {
	case SCANNER_PRESENCE_NONE:
		return "none";
	case SCANNER_PRESENCE_SEEN:
		return "seen";
	case SCANNER_PRESENCE_READ:
		return "read";
	}
	return "unknown";
}

const char *scanner_presence_reason_name(enum scanner_presence_reason reason)
{
	switch (reason) {
	case SCANNER_PRESENCE_REASON_NONE:
		return "none";
	case SCANNER_PRESENCE_REASON_TOO_SMALL:
		return "too_small";
	case SCANNER_PRESENCE_REASON_GLARE:
		return "glare";
	case SCANNER_PRESENCE_REASON_HOLD_STILL:
		return "hold_still";
	}
	return "unknown";
}
