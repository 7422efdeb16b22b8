/*
 * Confirmation across frames: a k-of-n vote per id over the last n frames,
 * and a presentation flag per id so each presentation is emitted once.
 *
 * Each tracked id keeps a bitmask of the frames that read it, bit 0 being the
 * current frame; every frame shifts all masks left by one, so the vote is the
 * number of set bits among the low n. The table has CONFIRM_MAX_TRACKED
 * entries and is never resized; when it is full, a new id takes the entry of
 * the id seen least recently.
 *
 * A presentation ends when its id has been unseen for cooldown_us: then its
 * entry is dropped, and the next read starts counting from scratch. This is
 * measured in time, not frames, so a caller that skips frames with no reads
 * still gets the same behaviour; a cool-down shorter than the frame interval
 * makes every frame a new presentation.
 */
#include "scanner/confirm.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct confirm_track {
	bool used;		  /* entry holds an id */
	bool emitted;		  /* this presentation was already emitted */
	char id[CUSTID_ID_BUFSZ]; /* the id, NUL-terminated */
	uint32_t history;	  /* bit i set: read i frames ago (bit 0 = this frame) */
	int64_t last_seen_us;	  /* time of the last frame that read it */
	uint64_t last_seen_frame; /* number of the last frame that read it */
};

struct confirm {
	struct confirm_config cfg;			  /* validated at create */
	uint32_t window_mask;				  /* low n bits set */
	uint64_t frame;					  /* frames pushed, 1-based */
	int64_t now_us;					  /* time of the latest frame */
	struct confirm_track tracks[CONFIRM_MAX_TRACKED]; /* fixed table, see above */
};

/*
 * k = 2 of n = 3 with a 3 s cool-down (the forget time Dynamsoft's SDK uses).
 * Provisional: k and n are placeholders until the bench has measured false
 * and missed reads on real phone screens (docs/BENCHMARKS.md).
 */
void confirm_config_init_default(struct confirm_config *cfg)
{
	cfg->k = 2;
	cfg->n = 3;
	cfg->cooldown_us = 3 * 1000 * 1000;
}

static bool config_valid(const struct confirm_config *cfg)
{
	return cfg && cfg->n >= 1 && cfg->n <= CONFIRM_MAX_WINDOW && cfg->k >= 1 &&
	       cfg->k <= cfg->n && cfg->cooldown_us >= 0;
}

struct confirm *confirm_create(const struct confirm_config *cfg)
{
	struct confirm *c;

	if (!config_valid(cfg))
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->cfg = *cfg;
	c->window_mask = (uint32_t)((1ull << cfg->n) - 1);
	return c;
}

void confirm_destroy(struct confirm *c)
{
	free(c);
}

void confirm_reset(struct confirm *c)
{
	if (!c)
		return;
	memset(c->tracks, 0, sizeof(c->tracks));
}

static int count_bits(uint32_t v)
{
	int n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

/* Whether id is a usable id string: 1..CUSTID_MAX_ID_LEN bytes then a NUL. */
static bool id_usable(const char *id)
{
	return id && id[0] && memchr(id, '\0', CUSTID_ID_BUFSZ) != NULL;
}

/*
 * Start of a frame: shift every history by one frame and drop entries whose
 * presentation is over (emitted ones after the cool-down, the others once no
 * read is left in the window).
 */
static void age_tracks(struct confirm *c)
{
	for (size_t i = 0; i < CONFIRM_MAX_TRACKED; i++) {
		struct confirm_track *t = &c->tracks[i];

		if (!t->used)
			continue;
		t->history = (t->history << 1) & c->window_mask;
		if (t->emitted) {
			/* now_us >= last_seen_us; unsigned so extreme stamps cannot overflow */
			uint64_t unseen_us = (uint64_t)c->now_us - (uint64_t)t->last_seen_us;

			if (unseen_us >= (uint64_t)c->cfg.cooldown_us)
				t->used = false;
		} else if (t->history == 0) {
			t->used = false;
		}
	}
}

static struct confirm_track *find_track(struct confirm *c, const char *id)
{
	for (size_t i = 0; i < CONFIRM_MAX_TRACKED; i++) {
		if (c->tracks[i].used && strcmp(c->tracks[i].id, id) == 0)
			return &c->tracks[i];
	}
	return NULL;
}

/* A free entry, or else the one seen least recently (never one read this frame). */
static struct confirm_track *claim_track(struct confirm *c, const char *id)
{
	struct confirm_track *victim = NULL;

	for (size_t i = 0; i < CONFIRM_MAX_TRACKED; i++) {
		struct confirm_track *t = &c->tracks[i];

		if (!t->used) {
			victim = t;
			break;
		}
		if (!victim || t->last_seen_frame < victim->last_seen_frame)
			victim = t;
	}
	memset(victim, 0, sizeof(*victim));
	victim->used = true;
	strcpy(victim->id, id); /* fits: checked by id_usable() */
	return victim;
}

size_t confirm_push(struct confirm *c, int64_t timestamp_us, const char *const *ids, size_t n_ids,
		    char (*emitted)[CUSTID_ID_BUFSZ], size_t max_emitted)
{
	size_t n_emitted = 0;

	if (!c)
		return 0;
	if (!ids)
		n_ids = 0;
	if (n_ids > CONFIRM_MAX_PER_FRAME)
		n_ids = CONFIRM_MAX_PER_FRAME;
	if (!emitted)
		max_emitted = 0;

	/* Time never runs backwards here: an earlier stamp is a new frame now. */
	c->frame++;
	if (c->frame == 1 || timestamp_us > c->now_us)
		c->now_us = timestamp_us;
	age_tracks(c);

	for (size_t i = 0; i < n_ids; i++) {
		struct confirm_track *t;

		if (!id_usable(ids[i]))
			continue;
		t = find_track(c, ids[i]);
		if (!t)
			t = claim_track(c, ids[i]);
		else if (t->last_seen_frame == c->frame)
			continue; /* a duplicate within this frame counts once */

		t->history |= 1;
		t->last_seen_us = c->now_us;
		t->last_seen_frame = c->frame;
		/*
		 * Left out for want of room in emitted[], an id stays pending and
		 * is emitted by a later frame that reads it while the vote holds.
		 */
		if (!t->emitted && count_bits(t->history) >= c->cfg.k && n_emitted < max_emitted) {
			memcpy(emitted[n_emitted++], t->id, CUSTID_ID_BUFSZ);
			t->emitted = true;
		}
	}
	return n_emitted;
}
