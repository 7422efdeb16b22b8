/*
 * The customer display's window (see display/window.h): SDL set-up and
 * tear-down, the one-slot preview hand-off, and the per-frame draw.
 *
 * The preview slot is two buffers: the capture thread copies into `pending`
 * under the mutex; the main thread swaps it with `front` under the mutex and
 * uploads `front` outside it, so neither waits on the other's copy.
 */
#include "display/window.h"

#include <stdlib.h>
#include <string.h>

#include "display/error.h"
#include "display/sound.h"

/* One luma frame owned by the screen. */
struct luma_buf {
	uint8_t *pixels; /* width * height, rows packed */
	size_t cap;	 /* bytes allocated */
	int width, height;
};

struct display_window {
	SDL_Window *window;	       /* the customer-facing window */
	SDL_Renderer *sdl;	       /* its renderer */
	struct display_render *render; /* draws the screens */
	struct display_sound *sound;   /* success and failure tones */
	int rotation;		       /* panel rotation */
	bool kiosk;		       /* Escape does not quit */
	uint32_t wake_event;	       /* from SDL_RegisterEvents */
	SDL_mutex *lock;	       /* guards pending, has_pending, dropped */
	struct luma_buf pending;       /* newest frame not yet drawn */
	bool has_pending;	       /* pending holds a frame */
	uint64_t dropped;	       /* frames replaced before being drawn */
	struct luma_buf front;	       /* frame being uploaded (main thread) */
	enum display_screen last;      /* screen of the last frame, for sounds */
	int64_t last_since;	       /* and when it was entered */
	bool drawn;		       /* a frame has been drawn */
};

void display_window_config_init_default(struct display_window_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->title = "custscan";
	cfg->width = 1280;
	cfg->height = 720;
	cfg->vsync = true;
	cfg->sounds = true;
	display_render_config_init_default(&cfg->render);
}

static int open_window(struct display_window *s, const struct display_window_config *cfg)
{
	Uint32 flags = SDL_WINDOW_SHOWN | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
	Uint32 rflags = cfg->software ? SDL_RENDERER_SOFTWARE : SDL_RENDERER_ACCELERATED;

	if (cfg->fullscreen)
		flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
	if (cfg->vsync)
		rflags |= SDL_RENDERER_PRESENTVSYNC;
	/* Software means no GPU at all: not even to show the window's pixels. */
	if (cfg->software)
		SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
	s->window = SDL_CreateWindow(cfg->title ? cfg->title : "custscan", SDL_WINDOWPOS_CENTERED,
				     SDL_WINDOWPOS_CENTERED, cfg->width, cfg->height, flags);
	if (!s->window)
		return DISPLAY_ERR_SDL;
	s->sdl = SDL_CreateRenderer(s->window, -1, rflags | SDL_RENDERER_TARGETTEXTURE);
	if (!s->sdl && !cfg->software)
		s->sdl = SDL_CreateRenderer(s->window, -1,
					    SDL_RENDERER_SOFTWARE | SDL_RENDERER_TARGETTEXTURE);
	return s->sdl ? 0 : DISPLAY_ERR_SDL;
}

struct display_window *display_window_create(const struct display_window_config *cfg, int *err)
{
	struct display_window *s;
	int e = 0;

	if (!cfg || (cfg->rotation != 0 && cfg->rotation != 90 && cfg->rotation != 180 &&
		     cfg->rotation != 270)) {
		e = DISPLAY_ERR_INVAL;
		goto out;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		e = DISPLAY_ERR_NOMEM;
		goto out;
	}
	s->rotation = cfg->rotation;
	s->kiosk = cfg->kiosk;
	if (cfg->kiosk)
		SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
	SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
	if (SDL_InitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
		e = DISPLAY_ERR_SDL;
		goto out_free;
	}
	s->lock = SDL_CreateMutex();
	if (!s->lock) {
		e = DISPLAY_ERR_SDL;
		goto out_sdl;
	}
	s->wake_event = SDL_RegisterEvents(1);
	if (s->wake_event == (uint32_t)-1) {
		e = DISPLAY_ERR_SDL;
		goto out_mutex;
	}
	e = open_window(s, cfg);
	if (e)
		goto out_window;
	if (cfg->kiosk) {
		SDL_ShowCursor(SDL_DISABLE);
		SDL_DisableScreenSaver();
	}
	s->render = display_render_create(s->sdl, &cfg->render, &e);
	if (!s->render)
		goto out_window;
	s->sound = display_sound_create(cfg->sounds);
	if (!s->sound) {
		e = DISPLAY_ERR_NOMEM;
		goto out_render;
	}
	goto out;

out_render:
	display_render_destroy(s->render);
out_window:
	if (s->sdl)
		SDL_DestroyRenderer(s->sdl);
	if (s->window)
		SDL_DestroyWindow(s->window);
out_mutex:
	SDL_DestroyMutex(s->lock);
out_sdl:
	SDL_QuitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS);
out_free:
	free(s);
	s = NULL;
out:
	if (err)
		*err = e;
	return e ? NULL : s;
}

void display_window_destroy(struct display_window *s)
{
	if (!s)
		return;
	display_sound_destroy(s->sound);
	display_render_destroy(s->render);
	SDL_DestroyRenderer(s->sdl);
	SDL_DestroyWindow(s->window);
	SDL_DestroyMutex(s->lock);
	SDL_QuitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS);
	free(s->pending.pixels);
	free(s->front.pixels);
	free(s);
}

int display_window_post_preview(struct display_window *s, const struct display_luma_view *view)
{
	size_t need;
	bool wake;
	int y, err = 0;

	if (!s || !view || !view->luma || view->width <= 0 || view->height <= 0 ||
	    view->stride < view->width)
		return DISPLAY_ERR_INVAL;
	need = (size_t)view->width * (size_t)view->height;
	SDL_LockMutex(s->lock);
	if (s->pending.cap < need) {
		uint8_t *p = realloc(s->pending.pixels, need);

		if (!p) {
			err = DISPLAY_ERR_NOMEM;
			goto out_unlock;
		}
		s->pending.pixels = p;
		s->pending.cap = need;
	}
	for (y = 0; y < view->height; y++)
		memcpy(s->pending.pixels + (size_t)y * (size_t)view->width,
		       view->luma + (size_t)y * (size_t)view->stride, (size_t)view->width);
	s->pending.width = view->width;
	s->pending.height = view->height;
	if (s->has_pending)
		s->dropped++;
	wake = !s->has_pending;
	s->has_pending = true;
	if (wake) {
		SDL_Event ev;

		SDL_zero(ev);
		ev.type = s->wake_event;
		SDL_PushEvent(&ev);
	}
out_unlock:
	SDL_UnlockMutex(s->lock);
	return err;
}

void display_window_clear_preview(struct display_window *s)
{
	struct luma_buf none = {0};

	SDL_LockMutex(s->lock);
	s->has_pending = false;
	free(s->pending.pixels);
	s->pending = none;
	SDL_UnlockMutex(s->lock);
	free(s->front.pixels);
	s->front = none;
	display_render_set_preview(s->render, NULL);
}

uint32_t display_window_wake_event(const struct display_window *s)
{
	return s->wake_event;
}

uint64_t display_window_dropped_previews(struct display_window *s)
{
	uint64_t n;

	SDL_LockMutex(s->lock);
	n = s->dropped;
	SDL_UnlockMutex(s->lock);
	return n;
}

bool display_window_handle_event(struct display_window *s, const SDL_Event *ev)
{
	switch (ev->type) {
	case SDL_QUIT:
		return true;
	case SDL_KEYDOWN:
		return !s->kiosk && ev->key.keysym.sym == SDLK_ESCAPE;
	default:
		return false;
	}
}

/* Takes the pending frame, if any, and uploads it. */
static int take_preview(struct display_window *s)
{
	struct luma_buf tmp;
	struct display_luma_view view;
	bool got;

	SDL_LockMutex(s->lock);
	got = s->has_pending;
	if (got) {
		tmp = s->front;
		s->front = s->pending;
		s->pending = tmp;
		s->has_pending = false;
	}
	SDL_UnlockMutex(s->lock);
	if (!got)
		return 0;
	view.luma = s->front.pixels;
	view.width = s->front.width;
	view.height = s->front.height;
	view.stride = s->front.width;
	return display_render_set_preview(s->render, &view);
}

int display_window_draw(struct display_window *s, const struct display_snapshot *snap,
			int64_t now_ms)
{
	int w, h, err;

	if (!s || !snap)
		return DISPLAY_ERR_INVAL;
	err = take_preview(s);
	if (err)
		return err;
	if (!s->drawn || snap->screen != s->last || snap->since_ms != s->last_since) {
		if (s->drawn && snap->screen != s->last)
			display_sound_play(s->sound, display_screen_cue(snap->screen));
		s->last = snap->screen;
		s->last_since = snap->since_ms;
		s->drawn = true;
	}
	if (SDL_GetRendererOutputSize(s->sdl, &w, &h) != 0)
		return DISPLAY_ERR_SDL;
	err = display_render_draw(s->render, snap, now_ms, w, h, s->rotation);
	if (err)
		return err;
	SDL_RenderPresent(s->sdl);
	return 0;
}

void display_window_set_sounds(struct display_window *s, bool on)
{
	display_sound_set_enabled(s->sound, on);
}

SDL_Renderer *display_window_renderer(struct display_window *s)
{
	return s->sdl;
}

struct display_render *display_window_render(struct display_window *s)
{
	return s->render;
}
