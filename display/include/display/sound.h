/*
 * The display's sounds: a short rising chime for success and a lower,
 * falling two-tone for anything the customer must act on.
 *
 * The tones are generated at start-up (no audio files to ship or license)
 * and played through SDL's audio queue, so playing never blocks drawing.
 * Sounds can be turned off; where there is no audio device (a kiosk without
 * speakers, SDL's dummy driver) the object still works and stays silent.
 * Main thread only, like the rest of the screen.
 */
#ifndef DISPLAY_SOUND_H
#define DISPLAY_SOUND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "display/state.h"

struct display_sound;

/*
 * Initialises SDL's audio subsystem, prepares the tones and, if enabled,
 * opens the default audio device (disabled, it opens when first enabled, so
 * a display with sounds off runs no audio thread). Returns NULL only when
 * memory is short; without an audio device it returns a silent object
 * (display_sound_available false).
 */
struct display_sound *display_sound_create(bool enabled);

/* Closes the device and frees the tones; accepts NULL. */
void display_sound_destroy(struct display_sound *s);

/* True when an audio device is open. */
bool display_sound_available(const struct display_sound *s);

/* Turns all sounds on or off; on opens the device if it is not open yet. */
void display_sound_set_enabled(struct display_sound *s, bool enabled);

/*
 * Plays the cue's tone, cutting off one still playing. Returns 0 (also when
 * silent: sounds off, no device, DISPLAY_CUE_NONE) or DISPLAY_ERR_SDL.
 */
int display_sound_play(struct display_sound *s, enum display_cue cue);

/*
 * Writes the cue's tone as mono signed 16-bit samples at rate Hz into out
 * (at most max samples) and returns how many there are; the tone is cut at
 * max. With out NULL, returns the length only.
 */
size_t display_sound_synth(enum display_cue cue, int rate, int16_t *out, size_t max);

#endif
