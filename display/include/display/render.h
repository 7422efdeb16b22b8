/*
 * Drawing the customer display: one state snapshot into an SDL_Renderer.
 *
 * The renderer lays every screen out from the output's size, so one design
 * works from 800x480 to 1920x1080 and in portrait: type is sized from the
 * shorter side, long words shrink the type until they fit, and each text box
 * is measured and reported (display_render_layout) so tests can check that
 * nothing overflows. Displays mounted upright are handled by rotation: the
 * screen is drawn upright into a texture and turned onto the panel.
 *
 * While scanning, the theme is dark and the brightest elements sit away from
 * the camera: a bright screen a hand's width from the customer's phone
 * reflects on its glass and hides the code. Only after a read does the
 * confirmation flash. Every state is shown by an icon and words, never by
 * colour alone. Icons are drawn by code (no image files), text with
 * SDL2_ttf from Debian's DejaVu fonts (fonts-dejavu-core) or configured ones.
 *
 * A renderer belongs to one SDL_Renderer and, like SDL rendering, to the
 * main thread. It caches fonts, text and icon textures between frames, so a
 * steady screen costs only copies.
 */
#ifndef DISPLAY_RENDER_H
#define DISPLAY_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <SDL.h>

#include "display/i18n.h"
#include "display/state.h"

/* Where Debian's fonts-dejavu-core puts DejaVuSans.ttf and its bold face. */
#define DISPLAY_DEFAULT_FONT_DIR "/usr/share/fonts/truetype/dejavu"

struct display_color {
	uint8_t r, g, b;
};

/* What the idle screen (scan mode off) shows. */
enum display_idle_style {
	DISPLAY_IDLE_BRANDING, /* logo, store name and a tagline */
	DISPLAY_IDLE_DIMMED,   /* a dark screen with the tagline, dimmed */
	DISPLAY_IDLE_BLANK,    /* black */
};

/* A side of the upright picture, as the customer sees it. */
enum display_side {
	DISPLAY_SIDE_TOP,
	DISPLAY_SIDE_BOTTOM,
	DISPLAY_SIDE_LEFT,
	DISPLAY_SIDE_RIGHT,
};

struct display_render_config {
	const char *font_dir;		    /* holds DejaVuSans.ttf and DejaVuSans-Bold.ttf */
	const char *font_path;		    /* regular face; NULL: DejaVuSans.ttf in font_dir */
	const char *bold_font_path;	    /* bold face; NULL: DejaVuSans-Bold.ttf in font_dir */
	const char *lang;		    /* language code ("en", "de"); NULL: "en" */
	enum display_idle_style idle_style; /* see above */
	const char *brand_name;		    /* store name on the idle screen; NULL/"": none */
	const char *logo_path;		    /* PNG logo on the idle screen; NULL: none */
	struct display_color brand_bg;	    /* idle screen background */
	struct display_color brand_fg;	    /* idle screen text */
	struct display_color accent;	    /* aiming frame and highlights */
	enum display_side camera_side;	    /* where the camera is, seen upright */
	bool mirror_preview;		    /* show the preview as a mirror (customers expect it) */
};

/* Defaults: DejaVu, English, branding idle, dark theme, camera on top, mirrored. */
void display_render_config_init_default(struct display_render_config *cfg);

/* A plain view of 8-bit luma pixels (the camera preview); not owned. */
struct display_luma_view {
	const uint8_t *luma; /* first row */
	int width;	     /* pixels */
	int height;	     /* rows */
	int stride;	     /* bytes from one row to the next, >= width */
};

/* Most text boxes one screen reports. */
#define DISPLAY_RENDER_MAX_TEXTS 8

/* A text as laid out on the last frame, in upright picture coordinates. */
struct display_text_box {
	const char *text; /* the string drawn (valid until the next draw) */
	SDL_Rect box;	  /* the space the layout gave it */
	SDL_Rect ink;	  /* what the text covers after wrapping */
	int px;		  /* font size used, in pixels */
	int lines;	  /* lines after wrapping */
	bool fits;	  /* ink within box at a size no smaller than the minimum */
};

/* Where the last frame put things, in upright picture coordinates. */
struct display_render_layout {
	int width, height;    /* the upright picture */
	SDL_Rect icon;	      /* the main icon, w == 0 when none */
	SDL_Rect preview;     /* the preview panel, w == 0 when none */
	SDL_Rect camera_band; /* the strip kept dark on the camera's side, w == 0: none */
	struct display_text_box texts[DISPLAY_RENDER_MAX_TEXTS]; /* in drawing order */
	size_t n_texts;						 /* how many */
};

struct display_render;

/*
 * Returns a renderer drawing into sdl (not owned; it must outlive the
 * renderer), or NULL with *err set: DISPLAY_ERR_LANG for an unknown
 * language, DISPLAY_ERR_FONT when a font cannot be opened, DISPLAY_ERR_IO or
 * DISPLAY_ERR_FORMAT for an unreadable logo, DISPLAY_ERR_SDL, NOMEM. Calls
 * TTF_Init (balanced by destroy). The config's strings are copied.
 */
struct display_render *display_render_create(SDL_Renderer *sdl,
					     const struct display_render_config *cfg, int *err);

/* Frees the renderer and its textures; accepts NULL. */
void display_render_destroy(struct display_render *r);

/*
 * Uploads a camera frame for the preview (copied; the view may be reused
 * once this returns), or with NULL removes the preview. Main thread only.
 * Returns 0 or a negative display_err.
 */
int display_render_set_preview(struct display_render *r, const struct display_luma_view *view);

/*
 * Draws the snapshot at time now_ms (animations run from snap->since_ms)
 * onto the renderer's current target, which is out_w x out_h pixels,
 * turned by rotation degrees clockwise (0, 90, 180 or 270; 90 and 270 draw
 * an out_h x out_w picture onto the panel). Does not present. Returns 0 or
 * a negative display_err.
 */
int display_render_draw(struct display_render *r, const struct display_snapshot *snap,
			int64_t now_ms, int out_w, int out_h, int rotation);

/* The layout of the last frame drawn; valid until the next draw. */
const struct display_render_layout *display_render_layout(const struct display_render *r);

#endif
