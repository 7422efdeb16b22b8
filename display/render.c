/*
 * Drawing the customer display (see display/render.h).
 *
 * In order: the theme, the caches (fonts, text textures, icon textures),
 * text fitting and wrapping, drawing helpers, the preview panel, one
 * function per kind of screen, and the entry points that pick the screen
 * and turn the picture for rotated panels.
 *
 * Sizes are fractions of `unit`, the shorter side of the upright picture, so
 * a layout keeps its proportions from 800x480 to 1920x1080 and in portrait.
 * Every texture is cached and reused from frame to frame; caches are small
 * fixed tables, the least recently used entry making room.
 */
#include "display/render.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL_ttf.h>

#include "display/error.h"
#include "display/png.h"
#include "shapes.h"

/* ------------------------------------------------------------------------ */
/* Theme                                                                    */
/* ------------------------------------------------------------------------ */

/*
 * A dark theme with off-white text: bright enough to read from a step away
 * (contrast well above WCAG AAA's 7:1) but never a white field, which would
 * mirror on the phone's glass. Status colours are paired with an icon shape
 * and words everywhere, so no state depends on telling colours apart.
 */
static const struct display_color theme_bg = {13, 16, 21};
static const struct display_color theme_panel = {25, 30, 38};
static const struct display_color theme_text = {236, 238, 241};
static const struct display_color theme_dim = {150, 160, 172};
static const struct display_color theme_success = {52, 199, 120};
static const struct display_color theme_warning = {245, 176, 65};
static const struct display_color theme_error = {240, 96, 96};
static const struct display_color theme_calm = {140, 150, 165};
static const struct display_color theme_black = {0, 0, 0};

#define PI	    3.14159265358979
#define FONT_CACHE  12
#define TEXT_CACHE  64
#define SHAPE_CACHE 48
#define MAX_LINES   6
#define LINE_BUFSZ  256
#define PATH_BUFSZ  1024

/* ------------------------------------------------------------------------ */
/* The renderer                                                             */
/* ------------------------------------------------------------------------ */

struct font_entry {
	TTF_Font *font; /* NULL: free entry */
	bool bold;	/* face */
	int px;		/* size in pixels */
	uint64_t used;	/* frame last used, for eviction */
};

struct text_entry {
	char *text;	  /* NULL: free entry; owned copy */
	bool bold;	  /* face */
	int px;		  /* size */
	SDL_Texture *tex; /* white text on transparent, tinted when drawn */
	int w, h;	  /* texture size */
	uint64_t used;	  /* frame last used */
};

struct shape_entry {
	SDL_Texture *tex; /* NULL: free entry; white shape on transparent */
	enum shape shape; /* which */
	int w, h, param;  /* size and parameter */
	uint64_t used;	  /* frame last used */
};

struct display_render {
	SDL_Renderer *sdl;			/* not owned */
	struct display_render_config cfg;	/* strings below replace the caller's */
	char font_path[PATH_BUFSZ];		/* regular face */
	char bold_path[PATH_BUFSZ];		/* bold face */
	char brand_name[128];			/* "" for none */
	const struct display_lang *lang;	/* catalogue in use */
	SDL_Texture *logo;			/* NULL: no logo */
	int logo_w, logo_h;			/* its size */
	SDL_Texture *preview;			/* last camera frame, NULL: none */
	int preview_w, preview_h;		/* its size */
	SDL_Texture *canvas;			/* upright picture for rotated panels */
	int canvas_w, canvas_h;			/* its size */
	struct font_entry fonts[FONT_CACHE];	/* open fonts */
	struct text_entry texts[TEXT_CACHE];	/* rendered lines */
	struct shape_entry shapes[SHAPE_CACHE]; /* rasterised icons and panels */
	uint64_t frame;				/* frames drawn, for the caches */
	int unit;				/* shorter side of the picture */
	struct display_color bg;		/* background of the current frame */
	struct display_render_layout layout;	/* what the last frame drew */
	char text_store[DISPLAY_RENDER_MAX_TEXTS][LINE_BUFSZ]; /* layout.texts[].text */
};

void display_render_config_init_default(struct display_render_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->font_dir = DISPLAY_DEFAULT_FONT_DIR;
	cfg->lang = "en";
	cfg->idle_style = DISPLAY_IDLE_BRANDING;
	cfg->brand_name = "custscan";
	cfg->brand_bg = theme_bg;
	cfg->brand_fg = theme_text;
	cfg->accent = (struct display_color){88, 166, 255};
	cfg->camera_side = DISPLAY_SIDE_TOP;
	cfg->mirror_preview = true;
}

/* Copies src into dst (size bytes), cutting it if it is longer. */
static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= size)
		n = size - 1;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

static int load_logo(struct display_render *r, const char *path)
{
	SDL_Surface *surf;
	uint8_t *rgba;
	int w, h, err;

	err = display_png_load_rgba(path, &rgba, &w, &h);
	if (err)
		return err;
	surf = SDL_CreateRGBSurfaceWithFormatFrom(rgba, w, h, 32, w * 4, SDL_PIXELFORMAT_RGBA32);
	if (!surf) {
		err = DISPLAY_ERR_SDL;
		goto out_rgba;
	}
	r->logo = SDL_CreateTextureFromSurface(r->sdl, surf);
	if (!r->logo) {
		err = DISPLAY_ERR_SDL;
		goto out_surf;
	}
	SDL_SetTextureBlendMode(r->logo, SDL_BLENDMODE_BLEND);
	r->logo_w = w;
	r->logo_h = h;
out_surf:
	SDL_FreeSurface(surf);
out_rgba:
	free(rgba);
	return err;
}

/* Opens each face once to fail early on a missing font. */
static int check_font(const char *path)
{
	TTF_Font *f = TTF_OpenFont(path, 12);

	if (!f)
		return DISPLAY_ERR_FONT;
	TTF_CloseFont(f);
	return 0;
}

struct display_render *display_render_create(SDL_Renderer *sdl,
					     const struct display_render_config *cfg, int *err)
{
	struct display_render *r;
	const char *dir;
	int e = 0;

	if (!sdl || !cfg) {
		e = DISPLAY_ERR_INVAL;
		goto out;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		e = DISPLAY_ERR_NOMEM;
		goto out;
	}
	r->sdl = sdl;
	r->cfg = *cfg;
	r->lang = display_lang_find(cfg->lang ? cfg->lang : "en");
	if (!r->lang) {
		e = DISPLAY_ERR_LANG;
		goto out_free;
	}
	dir = cfg->font_dir ? cfg->font_dir : DISPLAY_DEFAULT_FONT_DIR;
	if (cfg->font_path)
		copy_str(r->font_path, sizeof(r->font_path), cfg->font_path);
	else
		snprintf(r->font_path, sizeof(r->font_path), "%s/DejaVuSans.ttf", dir);
	if (cfg->bold_font_path)
		copy_str(r->bold_path, sizeof(r->bold_path), cfg->bold_font_path);
	else
		snprintf(r->bold_path, sizeof(r->bold_path), "%s/DejaVuSans-Bold.ttf", dir);
	copy_str(r->brand_name, sizeof(r->brand_name), cfg->brand_name);
	r->cfg.font_dir = NULL;
	r->cfg.font_path = r->font_path;
	r->cfg.bold_font_path = r->bold_path;
	r->cfg.brand_name = r->brand_name;
	r->cfg.lang = display_lang_code(r->lang);
	r->cfg.logo_path = NULL;

	if (TTF_Init() != 0) {
		e = DISPLAY_ERR_SDL;
		goto out_free;
	}
	e = check_font(r->font_path);
	if (!e)
		e = check_font(r->bold_path);
	if (!e && cfg->logo_path)
		e = load_logo(r, cfg->logo_path);
	if (e)
		goto out_ttf;
	goto out;

out_ttf:
	TTF_Quit();
out_free:
	free(r);
	r = NULL;
out:
	if (err)
		*err = e;
	return e ? NULL : r;
}

void display_render_destroy(struct display_render *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < SHAPE_CACHE; i++)
		if (r->shapes[i].tex)
			SDL_DestroyTexture(r->shapes[i].tex);
	for (i = 0; i < TEXT_CACHE; i++) {
		if (r->texts[i].tex)
			SDL_DestroyTexture(r->texts[i].tex);
		free(r->texts[i].text);
	}
	for (i = 0; i < FONT_CACHE; i++)
		if (r->fonts[i].font)
			TTF_CloseFont(r->fonts[i].font);
	if (r->canvas)
		SDL_DestroyTexture(r->canvas);
	if (r->preview)
		SDL_DestroyTexture(r->preview);
	if (r->logo)
		SDL_DestroyTexture(r->logo);
	TTF_Quit();
	free(r);
}

const struct display_render_layout *display_render_layout(const struct display_render *r)
{
	return &r->layout;
}

/* ------------------------------------------------------------------------ */
/* Caches                                                                   */
/* ------------------------------------------------------------------------ */

static TTF_Font *get_font(struct display_render *r, bool bold, int px)
{
	struct font_entry *e, *victim = &r->fonts[0];
	size_t i;

	for (i = 0; i < FONT_CACHE; i++) {
		e = &r->fonts[i];
		if (e->font && e->bold == bold && e->px == px) {
			e->used = r->frame;
			return e->font;
		}
		if (!e->font || (victim->font && e->used < victim->used))
			victim = e;
	}
	if (victim->font)
		TTF_CloseFont(victim->font);
	victim->font = TTF_OpenFont(bold ? r->bold_path : r->font_path, px);
	victim->bold = bold;
	victim->px = px;
	victim->used = r->frame;
	return victim->font;
}

static struct text_entry *get_text(struct display_render *r, const char *text, bool bold, int px)
{
	struct text_entry *e, *victim = &r->texts[0];
	SDL_Color white = {255, 255, 255, 255};
	SDL_Surface *surf;
	TTF_Font *font;
	size_t i;

	for (i = 0; i < TEXT_CACHE; i++) {
		e = &r->texts[i];
		if (e->text && e->bold == bold && e->px == px && strcmp(e->text, text) == 0) {
			e->used = r->frame;
			return e;
		}
		if (!e->text || (victim->text && e->used < victim->used))
			victim = e;
	}
	font = get_font(r, bold, px);
	if (!font)
		return NULL;
	surf = TTF_RenderUTF8_Blended(font, text, white);
	if (!surf)
		return NULL;
	if (victim->tex)
		SDL_DestroyTexture(victim->tex);
	free(victim->text);
	memset(victim, 0, sizeof(*victim));
	victim->tex = SDL_CreateTextureFromSurface(r->sdl, surf);
	victim->w = surf->w;
	victim->h = surf->h;
	SDL_FreeSurface(surf);
	victim->text = strdup(text);
	if (!victim->tex || !victim->text) {
		if (victim->tex)
			SDL_DestroyTexture(victim->tex);
		free(victim->text);
		memset(victim, 0, sizeof(*victim));
		return NULL;
	}
	SDL_SetTextureBlendMode(victim->tex, SDL_BLENDMODE_BLEND);
	victim->bold = bold;
	victim->px = px;
	victim->used = r->frame;
	return victim;
}

static SDL_Texture *get_shape(struct display_render *r, enum shape shape, int w, int h, int param)
{
	struct shape_entry *e, *victim = &r->shapes[0];
	SDL_Texture *tex = NULL;
	uint8_t *alpha;
	uint32_t *rgba;
	size_t i, n = (size_t)w * (size_t)h;

	for (i = 0; i < SHAPE_CACHE; i++) {
		e = &r->shapes[i];
		if (e->tex && e->shape == shape && e->w == w && e->h == h && e->param == param) {
			e->used = r->frame;
			return e->tex;
		}
		if (!e->tex || (victim->tex && e->used < victim->used))
			victim = e;
	}
	alpha = malloc(n);
	rgba = malloc(n * sizeof(*rgba));
	if (!alpha || !rgba)
		goto out;
	shape_raster(shape, w, h, param, alpha);
	for (i = 0; i < n; i++)
		rgba[i] = 0x00ffffffu | ((uint32_t)alpha[i] << 24);
	tex = SDL_CreateTexture(r->sdl, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC, w, h);
	if (!tex)
		goto out;
	SDL_UpdateTexture(tex, NULL, rgba, w * 4);
	SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
	if (victim->tex)
		SDL_DestroyTexture(victim->tex);
	victim->tex = tex;
	victim->shape = shape;
	victim->w = w;
	victim->h = h;
	victim->param = param;
	victim->used = r->frame;
out:
	free(rgba);
	free(alpha);
	return tex;
}

/* ------------------------------------------------------------------------ */
/* Drawing helpers                                                          */
/* ------------------------------------------------------------------------ */

static SDL_Rect rect(int x, int y, int w, int h)
{
	SDL_Rect q = {x, y, w, h};

	return q;
}

/* A square of side `size` centred on (cx, cy). */
static SDL_Rect square(int cx, int cy, int size)
{
	return rect(cx - size / 2, cy - size / 2, size, size);
}

static int frac(int v, double f)
{
	return (int)lround((double)v * f);
}

static struct display_color mix(struct display_color a, struct display_color b, double t)
{
	struct display_color c;

	t = t < 0.0 ? 0.0 : t > 1.0 ? 1.0 : t;
	c.r = (uint8_t)lround(a.r + (b.r - a.r) * t);
	c.g = (uint8_t)lround(a.g + (b.g - a.g) * t);
	c.b = (uint8_t)lround(a.b + (b.b - a.b) * t);
	return c;
}

/* 0 at start, 1 after ms milliseconds. */
static double progress(int64_t now, int64_t since, int ms)
{
	double t = (double)(now - since) / (double)ms;

	return t < 0.0 ? 0.0 : t > 1.0 ? 1.0 : t;
}

static void fill(struct display_render *r, SDL_Rect q, struct display_color c, uint8_t a)
{
	SDL_SetRenderDrawBlendMode(r->sdl, a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
	SDL_SetRenderDrawColor(r->sdl, c.r, c.g, c.b, a);
	SDL_RenderFillRect(r->sdl, &q);
}

static void draw_shape(struct display_render *r, enum shape shape, SDL_Rect dst, int param,
		       struct display_color c, uint8_t a, double angle)
{
	SDL_Texture *tex;

	if (dst.w <= 0 || dst.h <= 0)
		return;
	tex = get_shape(r, shape, dst.w, dst.h, param);
	if (!tex)
		return;
	SDL_SetTextureColorMod(tex, c.r, c.g, c.b);
	SDL_SetTextureAlphaMod(tex, a);
	SDL_RenderCopyEx(r->sdl, tex, NULL, &dst, angle, NULL, SDL_FLIP_NONE);
}

/* A filled disc with a symbol on it: the result icons. */
static void draw_badge(struct display_render *r, SDL_Rect q, enum shape symbol,
		       struct display_color disc, double scale)
{
	int size = frac(q.w, scale);
	SDL_Rect s = square(q.x + q.w / 2, q.y + q.h / 2, size);

	draw_shape(r, SHAPE_DISC, s, 0, disc, 255, 0.0);
	draw_shape(r, symbol, square(s.x + s.w / 2, s.y + s.h / 2, frac(size, 0.78)), 0, r->bg, 255,
		   0.0);
	r->layout.icon = q;
}

/* ------------------------------------------------------------------------ */
/* Text                                                                     */
/* ------------------------------------------------------------------------ */

enum align {
	ALIGN_START,
	ALIGN_CENTER,
};

/* Lines of text after wrapping. */
struct wrapped {
	char line[MAX_LINES][LINE_BUFSZ]; /* each line */
	int width[MAX_LINES];		  /* its width in pixels */
	int n;				  /* lines used */
	int max_width;			  /* widest line */
	bool truncated;			  /* more lines were needed than MAX_LINES */
};

static int text_width(TTF_Font *font, const char *s)
{
	int w = 0, h = 0;

	if (TTF_SizeUTF8(font, s, &w, &h) != 0)
		return 0;
	return w;
}

/* Greedy word wrap: as many words on each line as fit in width. */
static void wrap(TTF_Font *font, const char *text, int width, struct wrapped *out)
{
	char word[LINE_BUFSZ], candidate[2 * LINE_BUFSZ];
	const char *p = text;

	memset(out, 0, sizeof(*out));
	while (*p) {
		size_t n = 0;
		char *line;
		int w;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		while (p[n] && p[n] != ' ' && n + 1 < sizeof(word))
			n++;
		memcpy(word, p, n);
		word[n] = '\0';
		p += n;
		if (out->n == 0)
			out->n = 1;
		line = out->line[out->n - 1];
		snprintf(candidate, sizeof(candidate), "%s%s%s", line, *line ? " " : "", word);
		w = text_width(font, candidate);
		if (*line && w > width) {
			if (out->n == MAX_LINES) {
				out->truncated = true;
				break;
			}
			out->n++;
			line = out->line[out->n - 1];
			snprintf(candidate, sizeof(candidate), "%s", word);
			w = text_width(font, candidate);
		}
		copy_str(line, LINE_BUFSZ, candidate);
		out->width[out->n - 1] = w;
		if (w > out->max_width)
			out->max_width = w;
	}
}

/*
 * Evens out the lines of a wrapped text: the narrowest width that still
 * needs no more lines, so a last line is not left with a single word.
 */
static void balance(TTF_Font *font, const char *text, struct wrapped *wr)
{
	static struct wrapped trial; /* large; the renderer runs on one thread */
	int lo = wr->max_width / 2, hi = wr->max_width, n = wr->n;

	while (hi - lo > 2) {
		int mid = (lo + hi) / 2;

		wrap(font, text, mid, &trial);
		if (!trial.truncated && trial.n <= n && trial.max_width <= mid)
			hi = mid;
		else
			lo = mid;
	}
	wrap(font, text, hi, &trial);
	if (!trial.truncated && trial.n <= n && trial.max_width <= wr->max_width)
		*wr = trial;
}

struct text_style {
	bool bold;		/* face */
	int px;			/* preferred size */
	int min_px;		/* smallest size before the text counts as not fitting */
	enum align halign;	/* within the box */
	struct display_color c; /* colour */
	uint8_t a;		/* opacity */
};

/*
 * Fits text into box: wraps it, shrinking the type in steps until every line
 * fits the width and all lines the height, then draws it centred vertically.
 * Records the box in the layout; returns the rectangle the text covers.
 */
static SDL_Rect draw_text(struct display_render *r, const char *text, SDL_Rect box,
			  const struct text_style *st)
{
	static struct wrapped wr; /* large; the renderer runs on one thread */
	struct display_text_box *tb = NULL;
	SDL_Rect ink = {box.x + box.w / 2, box.y + box.h / 2, 0, 0};
	TTF_Font *font = NULL;
	int px = st->px, skip = 0, height = 0, i, y;
	bool fits = false;

	if (px < 4)
		px = 4;
	for (;;) {
		font = get_font(r, st->bold, px);
		if (!font)
			return ink;
		wrap(font, text, box.w, &wr);
		skip = TTF_FontLineSkip(font);
		height = (wr.n - 1) * skip + TTF_FontHeight(font);
		fits = !wr.truncated && wr.max_width <= box.w && height <= box.h;
		if (fits || px <= st->min_px)
			break;
		px = px * 92 / 100;
		if (px < st->min_px)
			px = st->min_px;
	}
	if (fits && wr.n > 1)
		balance(font, text, &wr);
	y = box.y + (box.h - height) / 2;
	ink = rect(box.x + box.w, y, 0, height);
	for (i = 0; i < wr.n; i++) {
		struct text_entry *e = get_text(r, wr.line[i], st->bold, px);
		SDL_Rect dst;

		if (!e)
			continue;
		dst.w = e->w;
		dst.h = e->h;
		dst.x = st->halign == ALIGN_CENTER ? box.x + (box.w - e->w) / 2 : box.x;
		dst.y = y + i * skip;
		SDL_SetTextureColorMod(e->tex, st->c.r, st->c.g, st->c.b);
		SDL_SetTextureAlphaMod(e->tex, st->a);
		SDL_RenderCopy(r->sdl, e->tex, NULL, &dst);
		if (dst.x < ink.x) {
			ink.w += ink.x - dst.x;
			ink.x = dst.x;
		}
		if (dst.x + dst.w > ink.x + ink.w)
			ink.w = dst.x + dst.w - ink.x;
	}
	if (r->layout.n_texts < DISPLAY_RENDER_MAX_TEXTS) {
		size_t k = r->layout.n_texts++;

		tb = &r->layout.texts[k];
		copy_str(r->text_store[k], LINE_BUFSZ, text);
		tb->text = r->text_store[k];
		tb->box = box;
		tb->ink = ink;
		tb->px = px;
		tb->lines = wr.n;
		tb->fits = fits;
	}
	return ink;
}

static struct text_style title_style(const struct display_render *r)
{
	struct text_style st = {true,	      frac(r->unit, 0.085), frac(r->unit, 0.045),
				ALIGN_CENTER, theme_text,	    255};

	return st;
}

static struct text_style hint_style(const struct display_render *r)
{
	struct text_style st = {
	    false, frac(r->unit, 0.046), frac(r->unit, 0.03), ALIGN_CENTER, theme_dim, 255};

	return st;
}

/* ------------------------------------------------------------------------ */
/* The preview panel                                                        */
/* ------------------------------------------------------------------------ */

int display_render_set_preview(struct display_render *r, const struct display_luma_view *view)
{
	uint8_t *pixels;
	int pitch, x, y;

	if (!r)
		return DISPLAY_ERR_INVAL;
	if (!view) {
		if (r->preview)
			SDL_DestroyTexture(r->preview);
		r->preview = NULL;
		return 0;
	}
	if (!view->luma || view->width <= 0 || view->height <= 0 || view->stride < view->width)
		return DISPLAY_ERR_INVAL;
	if (r->preview && (r->preview_w != view->width || r->preview_h != view->height)) {
		SDL_DestroyTexture(r->preview);
		r->preview = NULL;
	}
	if (!r->preview) {
		r->preview =
		    SDL_CreateTexture(r->sdl, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING,
				      view->width, view->height);
		if (!r->preview)
			return DISPLAY_ERR_SDL;
		r->preview_w = view->width;
		r->preview_h = view->height;
	}
	if (SDL_LockTexture(r->preview, NULL, (void **)&pixels, &pitch) != 0)
		return DISPLAY_ERR_SDL;
	for (y = 0; y < view->height; y++) {
		const uint8_t *src = view->luma + (size_t)y * (size_t)view->stride;
		uint32_t *dst = (uint32_t *)(void *)(pixels + (size_t)y * (size_t)pitch);

		for (x = 0; x < view->width; x++)
			dst[x] = 0xff000000u | (uint32_t)src[x] * 0x010101u;
	}
	SDL_UnlockTexture(r->preview);
	return 0;
}

/* The largest part of the frame with the panel's aspect, centred: "cover". */
static SDL_Rect cover_crop(int src_w, int src_h, SDL_Rect panel)
{
	SDL_Rect c = {0, 0, src_w, src_h};

	if ((int64_t)src_w * panel.h > (int64_t)src_h * panel.w) {
		c.w = (int)((int64_t)src_h * panel.w / panel.h);
		c.x = (src_w - c.w) / 2;
	} else {
		c.h = (int)((int64_t)src_w * panel.h / panel.w);
		c.y = (src_h - c.h) / 2;
	}
	return c;
}

/* Rounds the panel's corners by painting the background over them. */
static void round_corners(struct display_render *r, SDL_Rect q, int radius)
{
	SDL_Texture *tex = get_shape(r, SHAPE_CORNER_MASK, radius, radius, 0);
	SDL_Rect c = {q.x, q.y, radius, radius};

	if (!tex)
		return;
	SDL_SetTextureColorMod(tex, r->bg.r, r->bg.g, r->bg.b);
	SDL_SetTextureAlphaMod(tex, 255);
	SDL_RenderCopyEx(r->sdl, tex, NULL, &c, 0.0, NULL, SDL_FLIP_NONE);
	c.x = q.x + q.w - radius;
	SDL_RenderCopyEx(r->sdl, tex, NULL, &c, 0.0, NULL, SDL_FLIP_HORIZONTAL);
	c.y = q.y + q.h - radius;
	SDL_RenderCopyEx(r->sdl, tex, NULL, &c, 180.0, NULL, SDL_FLIP_NONE);
	c.x = q.x;
	SDL_RenderCopyEx(r->sdl, tex, NULL, &c, 0.0, NULL, SDL_FLIP_VERTICAL);
}

/* Four corner brackets around the place to hold the code. */
static void draw_aiming_frame(struct display_render *r, SDL_Rect panel, struct display_color c,
			      uint8_t a)
{
	int side = frac(panel.w < panel.h ? panel.w : panel.h, 0.66);
	int len = frac(side, 0.2), t = frac(r->unit, 0.012);
	SDL_Rect f = square(panel.x + panel.w / 2, panel.y + panel.h / 2, side);
	int right = f.x + f.w, bottom = f.y + f.h;

	if (t < 3)
		t = 3;
	fill(r, rect(f.x, f.y, len, t), c, a);
	fill(r, rect(f.x, f.y + t, t, len - t), c, a);
	fill(r, rect(right - len, f.y, len, t), c, a);
	fill(r, rect(right - t, f.y + t, t, len - t), c, a);
	fill(r, rect(f.x, bottom - t, len, t), c, a);
	fill(r, rect(f.x, bottom - len, t, len - t), c, a);
	fill(r, rect(right - len, bottom - t, len, t), c, a);
	fill(r, rect(right - t, bottom - len, t, len - t), c, a);
}

static void draw_preview_panel(struct display_render *r, SDL_Rect panel,
			       const struct display_snapshot *snap, int64_t now)
{
	int radius = frac(r->unit, 0.03);
	double breath;
	uint8_t a;

	draw_shape(r, SHAPE_ROUNDRECT, panel, radius, theme_panel, 255, 0.0);
	if (r->preview) {
		SDL_Rect src = cover_crop(r->preview_w, r->preview_h, panel);
		/* Dimmed: the preview must not light the phone's glass. */
		uint8_t level = snap->screen == DISPLAY_SCREEN_CHECKING ? 90 : 150;

		SDL_SetTextureColorMod(r->preview, level, level, level);
		SDL_RenderCopyEx(r->sdl, r->preview, &src, &panel, 0.0, NULL,
				 r->cfg.mirror_preview ? SDL_FLIP_HORIZONTAL : SDL_FLIP_NONE);
		round_corners(r, panel, radius);
	} else {
		draw_shape(r, SHAPE_PHONE,
			   square(panel.x + panel.w / 2, panel.y + panel.h / 2, frac(panel.h, 0.4)),
			   0, theme_dim, 60, 0.0);
	}
	switch (snap->screen) {
	case DISPLAY_SCREEN_READY:
		/* A slow breath (2.4 s) invites without flashing. */
		breath = 0.5 + 0.5 * cos((double)(now - snap->since_ms) * 2.0 * PI / 2400.0);
		a = (uint8_t)lround(150.0 + 105.0 * breath);
		draw_aiming_frame(r, panel, r->cfg.accent, a);
		break;
	case DISPLAY_SCREEN_READING:
		draw_aiming_frame(r, panel, r->cfg.accent, 255);
		break;
	default:
		draw_aiming_frame(r, panel, theme_dim, 120);
		break;
	}
	r->layout.preview = panel;
}

/* ------------------------------------------------------------------------ */
/* Screens                                                                  */
/* ------------------------------------------------------------------------ */

/* The picture minus the margins (and the camera band, if any). */
static SDL_Rect content_rect(const struct display_render *r, int w, int h, SDL_Rect band)
{
	int m = frac(r->unit, 0.05);
	SDL_Rect c = {m, m, w - 2 * m, h - 2 * m};

	if (band.w > 0) {
		switch (r->cfg.camera_side) {
		case DISPLAY_SIDE_TOP:
			c.y = band.y + band.h;
			c.h = h - m - c.y;
			break;
		case DISPLAY_SIDE_BOTTOM:
			c.h = band.y - m;
			break;
		case DISPLAY_SIDE_LEFT:
			c.x = band.x + band.w;
			c.w = w - m - c.x;
			break;
		case DISPLAY_SIDE_RIGHT:
			c.w = band.x - m;
			break;
		}
	}
	return c;
}

/*
 * The strip along the camera's side, kept dark: only a dim arrow and the
 * word "Camera" point the customer's eyes (and phone) at the lens.
 */
static SDL_Rect draw_camera_band(struct display_render *r, int w, int h)
{
	int t = frac(r->unit, 0.12), arrow = frac(t, 0.42);
	SDL_Rect band;
	double angle = 0.0;
	struct text_style st = {
	    false, frac(r->unit, 0.036), frac(r->unit, 0.026), ALIGN_START, theme_dim, 170};
	const char *label = display_text(r->lang, DISPLAY_TEXT_CAMERA_LABEL);

	switch (r->cfg.camera_side) {
	case DISPLAY_SIDE_BOTTOM:
		band = rect(0, h - t, w, t);
		angle = 180.0;
		break;
	case DISPLAY_SIDE_LEFT:
		band = rect(0, 0, t, h);
		angle = 270.0;
		break;
	case DISPLAY_SIDE_RIGHT:
		band = rect(w - t, 0, t, h);
		angle = 90.0;
		break;
	default:
		band = rect(0, 0, w, t);
		break;
	}
	if (band.w > band.h) {
		TTF_Font *font = get_font(r, false, st.px);
		int tw = font ? text_width(font, label) : 0, gap = arrow / 3;
		int x0 = band.x + (band.w - arrow - gap - tw) / 2, cy = band.y + band.h / 2;

		draw_shape(r, SHAPE_CHEVRON, square(x0 + arrow / 2, cy, arrow), 0, theme_dim, 170,
			   angle);
		draw_text(r, label, rect(x0 + arrow + gap, band.y, tw + 1, band.h), &st);
	} else {
		int cx = band.x + band.w / 2, cy = band.y + band.h / 2;

		draw_shape(r, SHAPE_CHEVRON, square(cx, cy - arrow, arrow), 0, theme_dim, 170,
			   angle);
		draw_shape(r, SHAPE_LENS, square(cx, cy + arrow / 2, arrow), 0, theme_dim, 170,
			   0.0);
	}
	r->layout.camera_band = band;
	return band;
}

/* READY, READING, CHECKING: preview with aiming frame, and what to do. */
static void draw_scanning(struct display_render *r, const struct display_snapshot *snap,
			  int64_t now, int w, int h)
{
	SDL_Rect band = draw_camera_band(r, w, h);
	SDL_Rect c = content_rect(r, w, h, band), panel, col, icon, title, hint;
	int gap = frac(r->unit, 0.05), icon_size = frac(r->unit, 0.15);
	struct text_style ts = title_style(r), hs = hint_style(r);
	enum display_text t_title, t_hint;
	double spin = (double)(now - snap->since_ms) * 360.0 / 1100.0;
	bool landscape = c.w * 10 >= c.h * 12;
	bool far_first = r->cfg.camera_side == DISPLAY_SIDE_BOTTOM;

	if (landscape) {
		panel.h = c.h;
		panel.w = panel.h * 4 / 3;
		if (panel.w > frac(c.w, 0.52))
			panel.w = frac(c.w, 0.52);
		panel.x = c.x;
		panel.y = c.y;
		col = rect(panel.x + panel.w + gap, c.y, c.w - panel.w - gap, c.h);
	} else {
		panel.w = c.w;
		panel.h = panel.w * 3 / 4;
		if (panel.h > frac(c.h, 0.48))
			panel.h = frac(c.h, 0.48);
		panel.x = c.x;
		panel.y = far_first ? c.y + c.h - panel.h : c.y;
		col =
		    rect(c.x, far_first ? c.y : panel.y + panel.h + gap, c.w, c.h - panel.h - gap);
		/* A camera at the side: the text leans away from it. */
		if (r->cfg.camera_side == DISPLAY_SIDE_LEFT)
			col.x += col.w / 5;
		if (r->cfg.camera_side == DISPLAY_SIDE_LEFT ||
		    r->cfg.camera_side == DISPLAY_SIDE_RIGHT)
			col.w -= col.w / 5;
	}
	draw_preview_panel(r, panel, snap, now);

	/* The column: icon, title, hint with the brightness symbol. */
	icon = square(col.x + col.w / 2, col.y + frac(col.h, 0.16), icon_size);
	title = rect(col.x, col.y + frac(col.h, 0.3), col.w, frac(col.h, 0.42));
	hint = rect(col.x, col.y + frac(col.h, 0.74), col.w, frac(col.h, 0.26));

	switch (snap->screen) {
	case DISPLAY_SCREEN_READY:
		t_title = DISPLAY_TEXT_READY_TITLE;
		t_hint = DISPLAY_TEXT_READY_HINT;
		draw_shape(r, SHAPE_PHONE, icon, 0, r->cfg.accent, 255, 0.0);
		break;
	case DISPLAY_SCREEN_READING:
		t_title = DISPLAY_TEXT_READING_TITLE;
		t_hint = DISPLAY_TEXT_READING_HINT;
		draw_shape(r, SHAPE_RING, icon, 0, theme_panel, 255, 0.0);
		draw_shape(r, SHAPE_SPINNER, icon, 0, r->cfg.accent, 255, spin);
		draw_shape(r, SHAPE_PHONE,
			   square(icon.x + icon.w / 2, icon.y + icon.h / 2, frac(icon.w, 0.5)), 0,
			   theme_dim, 255, 0.0);
		break;
	default:
		t_title = DISPLAY_TEXT_CHECKING_TITLE;
		t_hint = DISPLAY_TEXT_CHECKING_HINT;
		draw_shape(r, SHAPE_RING, icon, 0, theme_panel, 255, 0.0);
		draw_shape(r, SHAPE_SPINNER, icon, 0, r->cfg.accent, 255, spin);
		draw_shape(r, SHAPE_HOURGLASS,
			   square(icon.x + icon.w / 2, icon.y + icon.h / 2, frac(icon.w, 0.45)), 0,
			   theme_dim, 255, 0.0);
		break;
	}
	r->layout.icon = icon;
	draw_text(r, display_text(r->lang, t_title), title, &ts);
	if (snap->screen == DISPLAY_SCREEN_READY) {
		/* The sun sits on its own line above the hint, so long words keep the width. */
		int sun = frac(r->unit, 0.06);

		draw_shape(r, SHAPE_SUN, square(hint.x + hint.w / 2, hint.y + sun / 2, sun), 0,
			   theme_warning, 220, 0.0);
		hint.y += sun + frac(r->unit, 0.01);
		hint.h -= sun + frac(r->unit, 0.01);
	}
	draw_text(r, display_text(r->lang, t_hint), hint, &hs);
}

/* The icon and text of a result or fault screen. */
struct result_look {
	enum shape symbol;	 /* on the disc */
	struct display_color c;	 /* disc colour */
	enum display_text title; /* headline */
	enum display_text hint;	 /* what to do */
};

static struct result_look result_look(const struct display_snapshot *snap)
{
	struct result_look l = {SHAPE_EXCLAIM, theme_calm, DISPLAY_TEXT_REGISTER_DOWN_TITLE,
				DISPLAY_TEXT_REGISTER_DOWN_HINT};

	switch (snap->screen) {
	case DISPLAY_SCREEN_CONFIRMED:
		l = (struct result_look){SHAPE_CHECK, theme_success, DISPLAY_TEXT_ACCEPTED,
					 DISPLAY_TEXT_CONFIRMED_HINT};
		break;
	case DISPLAY_SCREEN_NOT_A_CARD:
		if (snap->reason == DISPLAY_REJECT_BAD_CODE)
			l = (struct result_look){SHAPE_CROSS, theme_error,
						 DISPLAY_TEXT_BAD_CODE_TITLE,
						 DISPLAY_TEXT_BAD_CODE_HINT};
		else
			l = (struct result_look){SHAPE_CROSS, theme_error,
						 DISPLAY_TEXT_NOT_A_CARD_TITLE,
						 DISPLAY_TEXT_NOT_A_CARD_HINT};
		break;
	case DISPLAY_SCREEN_UNKNOWN_CARD:
		l = (struct result_look){SHAPE_QUESTION, theme_warning,
					 DISPLAY_TEXT_UNKNOWN_CARD_TITLE,
					 DISPLAY_TEXT_UNKNOWN_CARD_HINT};
		break;
	case DISPLAY_SCREEN_CARD_REFUSED:
		l = (struct result_look){SHAPE_CROSS, theme_error, DISPLAY_TEXT_CARD_REFUSED_TITLE,
					 DISPLAY_TEXT_CARD_REFUSED_HINT};
		break;
	case DISPLAY_SCREEN_NOT_CHECKED:
		l = (struct result_look){SHAPE_EXCLAIM, theme_warning,
					 DISPLAY_TEXT_NOT_CHECKED_TITLE,
					 DISPLAY_TEXT_NOT_CHECKED_HINT};
		break;
	case DISPLAY_SCREEN_WAIT_CASHIER:
		l = (struct result_look){SHAPE_HOURGLASS, theme_warning,
					 DISPLAY_TEXT_WAIT_CASHIER_TITLE,
					 DISPLAY_TEXT_WAIT_CASHIER_HINT};
		break;
	case DISPLAY_SCREEN_SCANNER_DOWN:
		l = (struct result_look){SHAPE_EXCLAIM, theme_calm, DISPLAY_TEXT_SCANNER_DOWN_TITLE,
					 DISPLAY_TEXT_SCANNER_DOWN_HINT};
		break;
	default:
		break;
	}
	return l;
}

/* An overshooting ease (0 to 1), for the check mark popping in. */
static double ease_out_back(double t)
{
	double s = 1.7, u = t - 1.0;

	return 1.0 + (s + 1.0) * u * u * u + s * u * u;
}

/* Results and faults: a large badge, a headline, and what to do next. */
static void draw_result(struct display_render *r, const struct display_snapshot *snap, int64_t now,
			int w, int h)
{
	struct result_look l = result_look(snap);
	SDL_Rect c = content_rect(r, w, h, rect(0, 0, 0, 0));
	int icon_size = frac(r->unit, 0.26), y;
	struct text_style ts = title_style(r), hs = hint_style(r);
	double scale = 1.0;
	SDL_Rect icon, box;

	int gap = frac(r->unit, 0.05), title_h = frac(r->unit, 0.26), hint_h = frac(r->unit, 0.2);
	bool welcome = snap->screen == DISPLAY_SCREEN_CONFIRMED && snap->name[0];
	int total, top;

	/* The stack (badge, headline, hint) is centred in the picture. */
	if (welcome)
		title_h = frac(r->unit, 0.11) + frac(r->unit, 0.16);
	total = icon_size + gap + title_h + frac(r->unit, 0.03) + hint_h;
	top = c.y + (c.h > total ? (c.h - total) / 2 : 0);
	ts.px = frac(r->unit, 0.095);
	icon = rect(c.x + (c.w - icon_size) / 2, top, icon_size, icon_size);
	if (snap->screen == DISPLAY_SCREEN_CONFIRMED)
		scale = 0.55 + 0.45 * ease_out_back(progress(now, snap->since_ms, 320));
	draw_badge(r, icon, l.symbol, l.c, scale);
	y = icon.y + icon.h + gap;

	if (welcome) {
		struct text_style ns = ts;

		ts.px = frac(r->unit, 0.075);
		ts.bold = false;
		box = rect(c.x, y, c.w, frac(r->unit, 0.11));
		draw_text(r, display_text(r->lang, DISPLAY_TEXT_WELCOME), box, &ts);
		ns.px = frac(r->unit, 0.12);
		box = rect(c.x, y + box.h, c.w, frac(r->unit, 0.16));
		draw_text(r, snap->name, box, &ns);
	} else {
		box = rect(c.x, y, c.w, title_h);
		draw_text(r, display_text(r->lang, l.title), box, &ts);
	}
	y += title_h + frac(r->unit, 0.03);
	box = rect(c.x + frac(c.w, 0.05), y, frac(c.w, 0.9), hint_h);
	draw_text(r, display_text(r->lang, l.hint), box, &hs);
}

/* Scan mode off: the brand, or a quiet screen. */
static void draw_idle(struct display_render *r, int w, int h)
{
	SDL_Rect c = content_rect(r, w, h, rect(0, 0, 0, 0)), box, mark;
	struct text_style ts = title_style(r), hs = hint_style(r);
	int mark_size = frac(r->unit, 0.24), y;

	if (r->cfg.idle_style == DISPLAY_IDLE_BLANK)
		return;
	if (r->cfg.idle_style == DISPLAY_IDLE_DIMMED) {
		hs.a = 110;
		draw_text(r, display_text(r->lang, DISPLAY_TEXT_IDLE_TAGLINE),
			  rect(c.x, c.y + c.h / 2 - frac(r->unit, 0.1), c.w, frac(r->unit, 0.2)),
			  &hs);
		return;
	}
	/* Mark, name and tagline, centred as one stack. */
	y = mark_size + frac(r->unit, 0.05) + frac(r->unit, 0.16) * 2;
	if (r->brand_name[0])
		y += frac(r->unit, 0.02);
	else
		y -= frac(r->unit, 0.16);
	mark = rect(c.x + (c.w - mark_size) / 2, c.y + (c.h > y ? (c.h - y) / 2 : 0), mark_size,
		    mark_size);
	if (r->logo) {
		SDL_Rect dst = mark;

		/* Fit the logo into a box twice as wide as high, keeping its aspect. */
		dst.w = mark_size * 2;
		dst.h = (int)((int64_t)r->logo_h * dst.w / r->logo_w);
		if (dst.h > mark_size) {
			dst.h = mark_size;
			dst.w = (int)((int64_t)r->logo_w * dst.h / r->logo_h);
		}
		dst.x = c.x + (c.w - dst.w) / 2;
		dst.y = mark.y + (mark.h - dst.h) / 2;
		SDL_RenderCopy(r->sdl, r->logo, NULL, &dst);
		r->layout.icon = dst;
	} else {
		/* The brand's accent as a mark: a ring holding the phone symbol. */
		draw_shape(r, SHAPE_RING, mark, 0, r->cfg.accent, 255, 0.0);
		draw_shape(r, SHAPE_PHONE,
			   square(mark.x + mark.w / 2, mark.y + mark.h / 2, frac(mark_size, 0.5)),
			   0, r->cfg.brand_fg, 255, 0.0);
		r->layout.icon = mark;
	}
	y = mark.y + mark.h + frac(r->unit, 0.05);
	ts.c = r->cfg.brand_fg;
	ts.px = frac(r->unit, 0.11);
	if (r->brand_name[0]) {
		box = rect(c.x, y, c.w, frac(r->unit, 0.16));
		draw_text(r, r->brand_name, box, &ts);
		y += box.h + frac(r->unit, 0.02);
	}
	hs.c = mix(r->cfg.brand_fg, r->cfg.brand_bg, 0.35);
	box = rect(c.x, y, c.w, frac(r->unit, 0.16));
	draw_text(r, display_text(r->lang, DISPLAY_TEXT_IDLE_TAGLINE), box, &hs);
}

/* ------------------------------------------------------------------------ */
/* Entry points                                                             */
/* ------------------------------------------------------------------------ */

static struct display_color background(const struct display_render *r,
				       const struct display_snapshot *snap, int64_t now)
{
	switch (snap->screen) {
	case DISPLAY_SCREEN_IDLE:
		if (r->cfg.idle_style == DISPLAY_IDLE_BRANDING)
			return r->cfg.brand_bg;
		return theme_black;
	case DISPLAY_SCREEN_CONFIRMED:
		/* The flash: after the read only, fading to the theme in 0.8 s. */
		return mix(mix(theme_bg, theme_success, 0.45), theme_bg,
			   progress(now, snap->since_ms, 800));
	default:
		return theme_bg;
	}
}

/*
 * The service note: a band across the foot of any screen, amber on dark, so
 * whoever sets the kiosk up sees what is missing and what to do, and a
 * customer sees a service message, not a broken screen.
 */
/* The band's height: more lines on a portrait panel, which is narrow and tall. */
static int note_height(const struct display_render *r, int w, int h)
{
	return frac(r->unit, w < h ? 0.2 : 0.12);
}

static void draw_note(struct display_render *r, const char *note, int w, int h)
{
	static const struct display_color band = {44, 34, 12};
	int bh = note_height(r, w, h), pad = frac(r->unit, 0.03);
	struct text_style st = {false,	      frac(r->unit, 0.034), frac(r->unit, 0.026),
				ALIGN_CENTER, theme_warning,	    255};

	fill(r, rect(0, h - bh, w, bh), band, 255);
	fill(r, rect(0, h - bh, w, frac(r->unit, 0.005) + 1), theme_warning, 255);
	draw_text(r, note, rect(pad, h - bh + pad / 3, w - 2 * pad, bh - 2 * pad / 3), &st);
}

/* Draws the upright picture (w x h) onto the current target. */
static void draw_upright(struct display_render *r, const struct display_snapshot *snap, int64_t now,
			 int w, int h)
{
	int ch;

	r->unit = w < h ? w : h;
	r->bg = background(r, snap, now);
	SDL_SetRenderDrawBlendMode(r->sdl, SDL_BLENDMODE_NONE);
	SDL_SetRenderDrawColor(r->sdl, r->bg.r, r->bg.g, r->bg.b, 255);
	SDL_RenderClear(r->sdl);

	/* A service note takes the foot; the screen is laid out above it. */
	ch = snap->note[0] ? h - note_height(r, w, h) : h;
	switch (snap->screen) {
	case DISPLAY_SCREEN_IDLE:
		draw_idle(r, w, ch);
		break;
	case DISPLAY_SCREEN_READY:
	case DISPLAY_SCREEN_READING:
	case DISPLAY_SCREEN_CHECKING:
		draw_scanning(r, snap, now, w, ch);
		break;
	default:
		draw_result(r, snap, now, w, ch);
		break;
	}
	if (snap->note[0])
		draw_note(r, snap->note, w, h);
}

int display_render_draw(struct display_render *r, const struct display_snapshot *snap,
			int64_t now_ms, int out_w, int out_h, int rotation)
{
	SDL_Texture *target;
	SDL_Rect dst;
	int w = out_w, h = out_h;

	if (!r || !snap || out_w <= 0 || out_h <= 0 ||
	    (unsigned)snap->screen >= DISPLAY_SCREEN_COUNT)
		return DISPLAY_ERR_INVAL;
	if (rotation != 0 && rotation != 90 && rotation != 180 && rotation != 270)
		return DISPLAY_ERR_INVAL;
	if (rotation == 90 || rotation == 270) {
		w = out_h;
		h = out_w;
	}
	r->frame++;
	memset(&r->layout, 0, sizeof(r->layout));
	r->layout.width = w;
	r->layout.height = h;
	if (rotation == 0) {
		draw_upright(r, snap, now_ms, w, h);
		return 0;
	}

	if (r->canvas && (r->canvas_w != w || r->canvas_h != h)) {
		SDL_DestroyTexture(r->canvas);
		r->canvas = NULL;
	}
	if (!r->canvas) {
		r->canvas = SDL_CreateTexture(r->sdl, SDL_PIXELFORMAT_ARGB8888,
					      SDL_TEXTUREACCESS_TARGET, w, h);
		if (!r->canvas)
			return DISPLAY_ERR_SDL;
		r->canvas_w = w;
		r->canvas_h = h;
	}
	target = SDL_GetRenderTarget(r->sdl);
	if (SDL_SetRenderTarget(r->sdl, r->canvas) != 0)
		return DISPLAY_ERR_SDL;
	draw_upright(r, snap, now_ms, w, h);
	if (SDL_SetRenderTarget(r->sdl, target) != 0)
		return DISPLAY_ERR_SDL;
	/* Turn the picture about the panel's centre. */
	dst = rect((out_w - w) / 2, (out_h - h) / 2, w, h);
	SDL_SetRenderDrawColor(r->sdl, 0, 0, 0, 255);
	SDL_RenderClear(r->sdl);
	SDL_SetTextureBlendMode(r->canvas, SDL_BLENDMODE_NONE);
	if (SDL_RenderCopyEx(r->sdl, r->canvas, NULL, &dst, (double)rotation, NULL,
			     SDL_FLIP_NONE) != 0)
		return DISPLAY_ERR_SDL;
	return 0;
}
