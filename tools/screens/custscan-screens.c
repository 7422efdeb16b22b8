/*
 * custscan-screens: draws the customer display's screens into PNG files,
 * without a window (SDL's software renderer on a memory surface).
 *
 *   custscan-screens --out DIR [--size WxH]... [--rotation DEG] [--lang L]...
 *                    [--screen NAME]... [--preview FILE] [--name NAME]
 *                    [--at MS] [--camera SIDE] [--idle STYLE] [--font-dir DIR]
 *                    [--logo FILE] [--brand NAME]
 *
 * Each file is DIR/<screen>-<lang>-<W>x<H>[-r<DEG>].png, saved upright (as
 * the customer sees it) even when the panel is turned. "welcome" is the
 * confirmed screen with a display name; "no_link", "no_register" and
 * "no_camera_access" are screens with the service note custscan shows when
 * its sockets cannot be opened, no register talks to it, or the camera may
 * not be opened (the notes as custscan words them). The preview is any image file (the
 * sample captures in assets/samples/ look like a live camera).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>

#include "display/error.h"
#include "display/png.h"
#include "display/render.h"
#include "display/state.h"
#include "scanner/image.h"

#define MAX_LIST 16

struct options {
	const char *out;	/* output directory */
	int sizes[MAX_LIST][2]; /* panel sizes */
	int n_sizes;
	const char *langs[MAX_LIST]; /* language codes */
	int n_langs;
	const char *screens[MAX_LIST + 1]; /* screen names, "welcome" included */
	int n_screens;
	int rotation;			     /* degrees clockwise */
	const char *preview;		     /* image file for the preview, or NULL */
	const char *name;		     /* display name for "welcome" */
	int at_ms;			     /* time since the screen was entered */
	struct display_render_config render; /* look */
};

static void usage(FILE *f)
{
	fputs("usage: custscan-screens --out DIR [--size WxH]... [--rotation 0|90|180|270]\n"
	      "         [--lang en|de]... [--screen NAME]... [--preview IMAGE] [--name NAME]\n"
	      "         [--at MS] [--camera top|bottom|left|right]\n"
	      "         [--idle branding|dimmed|blank] [--font-dir DIR] [--logo PNG]\n"
	      "         [--brand NAME]\n"
	      "screens: idle ready reading checking confirmed welcome not_a_card\n"
	      "         unknown_card card_refused not_checked wait_cashier scanner_down\n"
	      "         register_down no_link no_register no_camera_access (default: all)\n",
	      f);
}

static int parse_side(const char *s, enum display_side *side)
{
	static const char *const names[] = {"top", "bottom", "left", "right"};
	int i;

	for (i = 0; i < 4; i++) {
		if (strcmp(s, names[i]) == 0) {
			*side = (enum display_side)i;
			return 0;
		}
	}
	return -1;
}

static int parse_idle(const char *s, enum display_idle_style *style)
{
	static const char *const names[] = {"branding", "dimmed", "blank"};
	int i;

	for (i = 0; i < 3; i++) {
		if (strcmp(s, names[i]) == 0) {
			*style = (enum display_idle_style)i;
			return 0;
		}
	}
	return -1;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	display_render_config_init_default(&o->render);
	o->name = "Alex Morgan";
	o->at_ms = 3000;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--help") == 0) {
			usage(stdout);
			exit(0);
		}
		if (!v)
			return -1;
		i++;
		if (strcmp(a, "--out") == 0) {
			o->out = v;
		} else if (strcmp(a, "--size") == 0 && o->n_sizes < MAX_LIST) {
			if (sscanf(v, "%dx%d", &o->sizes[o->n_sizes][0],
				   &o->sizes[o->n_sizes][1]) != 2 ||
			    o->sizes[o->n_sizes][0] <= 0 || o->sizes[o->n_sizes][1] <= 0)
				return -1;
			o->n_sizes++;
		} else if (strcmp(a, "--lang") == 0 && o->n_langs < MAX_LIST) {
			o->langs[o->n_langs++] = v;
		} else if (strcmp(a, "--screen") == 0 && o->n_screens < MAX_LIST) {
			o->screens[o->n_screens++] = v;
		} else if (strcmp(a, "--rotation") == 0) {
			o->rotation = atoi(v);
		} else if (strcmp(a, "--preview") == 0) {
			o->preview = v;
		} else if (strcmp(a, "--name") == 0) {
			o->name = v;
		} else if (strcmp(a, "--at") == 0) {
			o->at_ms = atoi(v);
		} else if (strcmp(a, "--camera") == 0) {
			if (parse_side(v, &o->render.camera_side))
				return -1;
		} else if (strcmp(a, "--idle") == 0) {
			if (parse_idle(v, &o->render.idle_style))
				return -1;
		} else if (strcmp(a, "--font-dir") == 0) {
			o->render.font_dir = v;
		} else if (strcmp(a, "--logo") == 0) {
			o->render.logo_path = v;
		} else if (strcmp(a, "--brand") == 0) {
			o->render.brand_name = v;
		} else {
			return -1;
		}
	}
	if (!o->out)
		return -1;
	if (o->n_sizes == 0) {
		static const int def[][2] = {{800, 480}, {1280, 720}, {1920, 1080}};

		for (i = 0; i < 3; i++) {
			o->sizes[i][0] = def[i][0];
			o->sizes[i][1] = def[i][1];
		}
		o->n_sizes = 3;
	}
	if (o->n_langs == 0) {
		o->langs[0] = "en";
		o->langs[1] = "de";
		o->n_langs = 2;
	}
	return 0;
}

/* Screens with a service note, as custscan words it (app/custscan.c). */
static const struct {
	const char *name;
	enum display_screen screen;
	const char *note;
} noted[] = {
    {"no_link", DISPLAY_SCREEN_IDLE,
     "register link: cannot secure the socket directory: /run/custscan is not a directory of "
     "this user closed to others; the folder must belong to the user running custscan "
     "(systemd: RuntimeDirectory=custscan); retrying every 5 s"},
    {"no_register", DISPLAY_SCREEN_IDLE,
     "no register has talked to this display for 10 s: start the register and point it at "
     "ipc:///run/custscan/control.sock"},
    {"no_camera_access", DISPLAY_SCREEN_SCANNER_DOWN,
     "no permission to open camera /dev/v4l/by-id/usb-046d_HD_Pro_Webcam_C920-video-index0: add "
     "the user running custscan to the group 'video' (usermod -aG video USER) and log in again"},
};

/* The snapshot for a screen name; "welcome" is CONFIRMED with a name. */
static int snapshot_for(const char *name, const char *display_name, struct display_snapshot *snap)
{
	int i;

	memset(snap, 0, sizeof(*snap));
	snap->camera_ok = true;
	snap->register_up = true;
	snap->since_ms = 1000000;
	for (i = 0; i < (int)(sizeof(noted) / sizeof(noted[0])); i++) {
		if (strcmp(name, noted[i].name) == 0) {
			snap->screen = noted[i].screen;
			snprintf(snap->note, sizeof(snap->note), "%s", noted[i].note);
			return 0;
		}
	}
	if (strcmp(name, "welcome") == 0) {
		snap->screen = DISPLAY_SCREEN_CONFIRMED;
		snprintf(snap->name, sizeof(snap->name), "%s", display_name);
		return 0;
	}
	for (i = 0; i < DISPLAY_SCREEN_COUNT; i++) {
		if (strcmp(name, display_screen_name((enum display_screen)i)) == 0) {
			snap->screen = (enum display_screen)i;
			return 0;
		}
	}
	return -1;
}

/* Copies the panel's pixels back upright (undoing a clockwise rotation). */
static void unrotate(const uint8_t *phys, int pw, int ph, int pitch, int rotation, uint8_t *up,
		     int uw, int uh)
{
	int x, y;

	for (y = 0; y < uh; y++) {
		for (x = 0; x < uw; x++) {
			int px = x, py = y;

			switch (rotation) {
			case 90:
				px = uh - 1 - y;
				py = x;
				break;
			case 180:
				px = pw - 1 - x;
				py = ph - 1 - y;
				break;
			case 270:
				px = y;
				py = uw - 1 - x;
				break;
			default:
				break;
			}
			memcpy(up + ((size_t)y * (size_t)uw + (size_t)x) * 4,
			       phys + (size_t)py * (size_t)pitch + (size_t)px * 4, 4);
		}
	}
}

static int render_one(const struct options *o, const struct scanner_image *preview,
		      const char *lang, const char *screen, int pw, int ph)
{
	struct display_render_config cfg = o->render;
	struct display_snapshot snap;
	struct display_render *r = NULL;
	SDL_Renderer *sdl = NULL;
	SDL_Surface *surf;
	uint8_t *up = NULL;
	char path[4096], rot[16] = "";
	int uw = pw, uh = ph, err = 0;

	if (snapshot_for(screen, o->name, &snap)) {
		fprintf(stderr, "custscan-screens: unknown screen %s\n", screen);
		return -1;
	}
	if (o->rotation == 90 || o->rotation == 270) {
		uw = ph;
		uh = pw;
	}
	cfg.lang = lang;
	surf = SDL_CreateRGBSurfaceWithFormat(0, pw, ph, 32, SDL_PIXELFORMAT_RGBA32);
	if (!surf)
		goto fail_sdl;
	sdl = SDL_CreateSoftwareRenderer(surf);
	if (!sdl)
		goto fail_sdl;
	r = display_render_create(sdl, &cfg, &err);
	if (!r) {
		fprintf(stderr, "custscan-screens: %s\n", display_strerror(err));
		goto out;
	}
	if (preview) {
		struct display_luma_view v = {preview->luma, preview->width, preview->height,
					      preview->width};

		display_render_set_preview(r, &v);
	}
	err = display_render_draw(r, &snap, snap.since_ms + o->at_ms, pw, ph, o->rotation);
	if (err) {
		fprintf(stderr, "custscan-screens: draw: %s\n", display_strerror(err));
		goto out;
	}
	SDL_RenderPresent(sdl);
	up = malloc((size_t)uw * (size_t)uh * 4);
	if (!up) {
		err = DISPLAY_ERR_NOMEM;
		goto out;
	}
	unrotate(surf->pixels, pw, ph, surf->pitch, o->rotation, up, uw, uh);
	if (o->rotation)
		snprintf(rot, sizeof(rot), "-r%d", o->rotation);
	snprintf(path, sizeof(path), "%s/%s-%s-%dx%d%s.png", o->out, screen, lang, uw, uh, rot);
	err = display_png_save_rgb(path, up, uw, uh, uw * 4);
	if (err)
		fprintf(stderr, "custscan-screens: %s: %s\n", path, display_strerror(err));
	else
		printf("%s\n", path);
	goto out;

fail_sdl:
	fprintf(stderr, "custscan-screens: %s\n", SDL_GetError());
	err = -1;
out:
	free(up);
	display_render_destroy(r);
	if (sdl)
		SDL_DestroyRenderer(sdl);
	SDL_FreeSurface(surf);
	return err ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const char *const all[] = {
	    "idle",	     "ready",	    "reading",	    "checking",
	    "confirmed",     "welcome",	    "not_a_card",   "unknown_card",
	    "card_refused",  "not_checked", "wait_cashier", "scanner_down",
	    "register_down", "no_link",	    "no_register",  "no_camera_access"};
	struct scanner_image preview = {0};
	struct options o;
	int l, s, z, n_screens, failed = 0;

	if (parse_args(argc, argv, &o)) {
		usage(stderr);
		return 2;
	}
	if (o.preview && scanner_image_load(o.preview, &preview) != 0) {
		fprintf(stderr, "custscan-screens: cannot read %s\n", o.preview);
		return 1;
	}
	n_screens = o.n_screens ? o.n_screens : (int)(sizeof(all) / sizeof(all[0]));
	for (z = 0; z < o.n_sizes; z++)
		for (l = 0; l < o.n_langs; l++)
			for (s = 0; s < n_screens; s++)
				if (render_one(&o, o.preview ? &preview : NULL, o.langs[l],
					       o.n_screens ? o.screens[s] : all[s], o.sizes[z][0],
					       o.sizes[z][1]))
					failed = 1;
	scanner_image_release(&preview);
	return failed;
}
