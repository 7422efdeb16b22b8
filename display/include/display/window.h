/*
 * The customer display's window: SDL set-up, kiosk mode, the preview hand-off
 * between threads, and one call per frame to draw a state snapshot.
 *
 * Works under X11 and Wayland and without a desktop on KMS/DRM
 * (SDL_VIDEODRIVER=kmsdrm): in kiosk mode the window is fullscreen, the
 * cursor hidden and the screen saver inhibited. SDL renders on the main
 * thread only, so every function here belongs to the main thread except
 * display_window_post_preview, which a capture thread calls. That keeps at
 * most one frame pending (a newer one replaces it) and wakes the event loop
 * with an event of type display_window_wake_event(), so decoding never
 * blocks drawing and a slow screen never builds a queue.
 *
 * A loop composing it (the app) looks like:
 *
 *   while (running) {
 *           if (SDL_WaitEventTimeout(&ev, ms_to_next_frame))
 *                   running = !display_window_handle_event(scr, &ev);
 *           ... feed events and a TICK to the display_state ...
 *           display_state_snapshot(state, &snap);
 *           display_window_draw(scr, &snap, now_ms);   (blocks for vsync)
 *   }
 */
#ifndef DISPLAY_WINDOW_H
#define DISPLAY_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

#include <SDL.h>

#include "display/render.h"
#include "display/state.h"

struct display_window_config {
	const char *title;		     /* window title */
	int width, height;		     /* window size when not fullscreen */
	bool fullscreen;		     /* fullscreen at the desktop's mode */
	bool kiosk;			     /* no cursor, no screen saver */
	int rotation;			     /* 0, 90, 180, 270: panel mounted turned */
	bool vsync;			     /* present at the display's refresh rate */
	bool software;			     /* software renderer (no GPU, tests) */
	bool sounds;			     /* play success and failure sounds */
	struct display_render_config render; /* look and language */
};

/* Defaults: 1280x720 window, kiosk off, rotation 0, vsync, sounds on. */
void display_window_config_init_default(struct display_window_config *cfg);

struct display_window;

/*
 * Initialises SDL's video (and audio, for sounds), opens the window and the
 * renderer. Returns NULL with *err set (DISPLAY_ERR_SDL when there is no
 * display: SDL_GetError() says why; the errors of display_render_create).
 * Main thread only.
 */
struct display_window *display_window_create(const struct display_window_config *cfg, int *err);

/* Closes the window and shuts SDL's subsystems down again; accepts NULL. */
void display_window_destroy(struct display_window *s);

/*
 * Hands a camera frame to the screen for the preview. Any thread. The
 * pixels are copied into the pending slot, replacing a frame not yet drawn
 * (which counts as dropped). Returns 0, DISPLAY_ERR_INVAL for a bad view or
 * DISPLAY_ERR_NOMEM.
 */
int display_window_post_preview(struct display_window *s, const struct display_luma_view *view);

/*
 * Removes the preview and frees its buffers and texture (scanning stopped:
 * nothing of a frame stays in memory). Main thread.
 */
void display_window_clear_preview(struct display_window *s);

/* The SDL event type that post_preview pushes to wake the loop. */
uint32_t display_window_wake_event(const struct display_window *s);

/* Preview frames replaced before they were drawn, since create. */
uint64_t display_window_dropped_previews(struct display_window *s);

/*
 * Handles one SDL event for the window. Returns true when the program
 * should quit (window closed; Escape outside kiosk mode).
 */
bool display_window_handle_event(struct display_window *s, const SDL_Event *ev);

/*
 * Draws the snapshot and presents it: takes the pending preview frame,
 * plays the screen's sound when a new screen appears, then waits for vsync
 * if enabled. Returns 0 or a negative display_err.
 */
int display_window_draw(struct display_window *s, const struct display_snapshot *snap,
			int64_t now_ms);

/* Turns the sounds on or off. */
void display_window_set_sounds(struct display_window *s, bool on);

/* The renderer and its last layout, for screenshots and tests. */
SDL_Renderer *display_window_renderer(struct display_window *s);
struct display_render *display_window_render(struct display_window *s);

#endif
