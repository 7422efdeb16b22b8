/*
 * The display's sounds (see display/sound.h): tones synthesised once into
 * buffers and queued on an SDL audio device when a cue plays.
 *
 * Each tone is a sine with a little of its octave for warmth, a 6 ms attack
 * so it does not click, and an exponential decay like a struck chime.
 */
#include "display/sound.h"

#include <math.h>
#include <stdlib.h>

#include <SDL.h>

#include "display/error.h"

#define PI	    3.14159265358979
#define SOUND_RATE  48000
#define SOUND_LEVEL 0.3 /* peak, of full scale: audible, not startling */

struct display_sound {
	bool enabled;	       /* sounds wanted */
	bool audio_init;       /* SDL audio subsystem initialised by us */
	SDL_AudioDeviceID dev; /* 0: no device */
	int rate;	       /* the device's sample rate */
	int16_t *tone[3];      /* per enum display_cue; [NONE] is NULL */
	size_t len[3];	       /* samples in each */
};

/* A note: frequency, start and length in milliseconds. */
struct note {
	double hz;
	int start_ms;
	int len_ms;
};

static const struct note success_notes[] = {{880.0, 0, 110}, {1318.5, 90, 260}};
static const struct note failure_notes[] = {{440.0, 0, 200}, {330.0, 190, 320}};

size_t display_sound_synth(enum display_cue cue, int rate, int16_t *out, size_t max)
{
	const struct note *notes;
	size_t n_notes, total, i, k;

	switch (cue) {
	case DISPLAY_CUE_SUCCESS:
		notes = success_notes;
		n_notes = sizeof(success_notes) / sizeof(success_notes[0]);
		break;
	case DISPLAY_CUE_FAILURE:
		notes = failure_notes;
		n_notes = sizeof(failure_notes) / sizeof(failure_notes[0]);
		break;
	default:
		return 0;
	}
	if (rate <= 0)
		return 0;
	total =
	    (size_t)(notes[n_notes - 1].start_ms + notes[n_notes - 1].len_ms) * (size_t)rate / 1000;
	if (!out)
		return total;
	if (total > max)
		total = max;
	for (i = 0; i < total; i++) {
		double t = (double)i / rate, v = 0.0;

		for (k = 0; k < n_notes; k++) {
			double t0 = notes[k].start_ms / 1000.0, dur = notes[k].len_ms / 1000.0;
			double u = t - t0, env;

			if (u < 0.0 || u >= dur)
				continue;
			env = (u < 0.006 ? u / 0.006 : 1.0) * exp(-4.0 * u / dur) * (1.0 - u / dur);
			v += env * (sin(2.0 * PI * notes[k].hz * u) +
				    0.25 * sin(4.0 * PI * notes[k].hz * u));
		}
		v *= SOUND_LEVEL / 1.25;
		if (v > 1.0)
			v = 1.0;
		if (v < -1.0)
			v = -1.0;
		out[i] = (int16_t)lrint(v * 32767.0);
	}
	return total;
}

static int make_tone(struct display_sound *s, enum display_cue cue)
{
	size_t n = display_sound_synth(cue, s->rate, NULL, 0);

	s->tone[cue] = malloc(n * sizeof(int16_t));
	if (!s->tone[cue])
		return DISPLAY_ERR_NOMEM;
	s->len[cue] = display_sound_synth(cue, s->rate, s->tone[cue], n);
	return 0;
}

/*
 * Opens the device, once, when sounds are wanted: an open SDL device keeps
 * a thread waking for every buffer (about 50 a second), silent or not, so a
 * display with sounds off opens none. SDL converts from SOUND_RATE, so the
 * tones made at create stay right whenever it opens.
 */
static void open_device(struct display_sound *s)
{
	SDL_AudioSpec want;

	if (s->dev || !s->audio_init || !s->enabled)
		return;
	SDL_zero(want);
	want.freq = SOUND_RATE;
	want.format = AUDIO_S16SYS;
	want.channels = 1;
	want.samples = 1024;
	s->dev = SDL_OpenAudioDevice(NULL, 0, &want, NULL, 0);
}

struct display_sound *display_sound_create(bool enabled)
{
	struct display_sound *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->enabled = enabled;
	s->rate = SOUND_RATE;
	s->audio_init = SDL_InitSubSystem(SDL_INIT_AUDIO) == 0;
	open_device(s);
	if (make_tone(s, DISPLAY_CUE_SUCCESS) || make_tone(s, DISPLAY_CUE_FAILURE)) {
		display_sound_destroy(s);
		return NULL;
	}
	return s;
}

void display_sound_destroy(struct display_sound *s)
{
	if (!s)
		return;
	if (s->dev)
		SDL_CloseAudioDevice(s->dev);
	if (s->audio_init)
		SDL_QuitSubSystem(SDL_INIT_AUDIO);
	free(s->tone[DISPLAY_CUE_SUCCESS]);
	free(s->tone[DISPLAY_CUE_FAILURE]);
	free(s);
}

bool display_sound_available(const struct display_sound *s)
{
	return s && s->dev != 0;
}

void display_sound_set_enabled(struct display_sound *s, bool enabled)
{
	if (!s)
		return;
	s->enabled = enabled;
	open_device(s);
}

int display_sound_play(struct display_sound *s, enum display_cue cue)
{
	if (!s || !s->enabled || !s->dev)
		return 0;
	if (cue != DISPLAY_CUE_SUCCESS && cue != DISPLAY_CUE_FAILURE)
		return 0;
	SDL_ClearQueuedAudio(s->dev);
	if (SDL_QueueAudio(s->dev, s->tone[cue], (Uint32)(s->len[cue] * sizeof(int16_t))) != 0)
		return DISPLAY_ERR_SDL;
	SDL_PauseAudioDevice(s->dev, 0);
	return 0;
}
