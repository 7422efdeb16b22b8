/*
 * The daemon's settings: one file of "key = value" lines, then command-line
 * overrides, every key with a safe default.
 *
 * The file format (custscan.conf(5), docs/custscan.conf.example): one
 * setting a line, "key = value"; blank lines and lines starting with '#'
 * are ignored; the value runs to the end of the line with surrounding
 * blanks removed and may be quoted with "..." to keep them. An unknown key,
 * a key given twice in one file, or a value out of range is an error that
 * names the file, the line and what is allowed; nothing is half applied,
 * because the caller stops on the first error.
 *
 * Each key is one row of a table (config.c), which also drives --help's
 * list of settings and a test that every key is documented.
 */
#ifndef CUSTSCAN_CONFIG_H
#define CUSTSCAN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Where the daemon reads its settings when --config is not given. */
#define CONFIG_DEFAULT_PATH "/etc/custscan/custscan.conf"

/* Room for a path or an address in a setting. */
#define CONFIG_STR_BUFSZ 512
/* Room for a register link address (IPC_ADDR_BUFSZ). */
#define CONFIG_ADDR_BUFSZ 128
/* Room for an error message from the parser. */
#define CONFIG_ERR_BUFSZ 640

enum config_source {
	CONFIG_SOURCE_CAMERA, /* a V4L2 camera at camera_device */
	CONFIG_SOURCE_REPLAY, /* image files, raw YUYV or Y4M at replay_path */
};

/* The camera's exposure (scanner_exposure_mode): the words of camera_exposure. */
enum config_exposure {
	CONFIG_EXPOSURE_MANUAL,	      /* camera_exposure_ms, following the code's brightness */
	CONFIG_EXPOSURE_AUTO,	      /* the camera's own automatic exposure */
	CONFIG_EXPOSURE_AUTO_LIMITED, /* automatic until a code is blown out, then manual
					 at no more than camera_exposure_ms */
};

struct custscan_config {
	/* frames */
	int source;			      /* enum config_source */
	char camera_device[CONFIG_STR_BUFSZ]; /* /dev/video0 or a stable name */
	int camera_width, camera_height;      /* wanted capture size */
	int camera_fps;			      /* wanted frame rate */
	int power_line_hz;		      /* anti-flicker: 0 (leave), 50 or 60 */
	int camera_exposure;		      /* enum config_exposure */
	int camera_exposure_ms;		      /* manual exposure, or auto_limited's limit */
	char replay_path[CONFIG_STR_BUFSZ];   /* file or folder; "" = bundled replay */
	int replay_fps;			      /* replay frame rate */
	bool replay_loop;		      /* start over at the end */
	int replay_yuyv_width;		      /* raw YUYV frame size, 0 if none */
	int replay_yuyv_height;		      /* */
	/* decoding and ids */
	char symbologies[CONFIG_STR_BUFSZ]; /* "qr,code128", see scanner_symbology_parse */
	int decode_budget_ms;		    /* per-frame decode budget */
	char id_prefix[16];		    /* "CUST#" */
	char id_charset[CONFIG_STR_BUFSZ];  /* "A-Za-z0-9_-" */
	int id_max_len;			    /* 1..64 */
	char id_check[16];		    /* none, mod37-36, luhn */
	char rules[CONFIG_STR_BUFSZ];	    /* card rules file; "" = the one rule above */
	int confirm_k, confirm_n;	    /* k of n frames */
	int confirm_cooldown_ms;	    /* same card again within: not re-emitted */
	/* register link */
	char scan_addr[CONFIG_ADDR_BUFSZ];    /* bound REQ socket */
	char control_addr[CONFIG_ADDR_BUFSZ]; /* bound REP socket */
	int answer_timeout_ms;		      /* a scan unanswered this long is given up */
	char ipc_group[64];		      /* group of the ipc:// sockets */
	int ipc_mode;			      /* mode of the ipc:// sockets (octal in the file) */
	bool allow_remote;		      /* tcp:// on other than loopback */
	/* screen */
	int display_width, display_height;     /* window size when not fullscreen */
	bool fullscreen;		       /* fullscreen at the desktop's mode */
	bool kiosk;			       /* no cursor, no screen saver, Escape ignored */
	int rotation;			       /* 0, 90, 180, 270 */
	bool vsync;			       /* present at the refresh rate */
	bool software_render;		       /* no GPU */
	bool sounds;			       /* success and failure tones */
	char lang[16];			       /* en, de */
	int idle_style;			       /* enum display_idle_style */
	char brand_name[64];		       /* store name on the idle screen */
	char logo[CONFIG_STR_BUFSZ];	       /* PNG logo, "" none */
	char font_dir[CONFIG_STR_BUFSZ];       /* DejaVuSans.ttf and -Bold */
	int camera_side;		       /* enum display_side */
	bool preview;			       /* show the camera image while scanning */
	int preview_fps;		       /* preview frames a second, at most */
	char screenshot_dir[CONFIG_STR_BUFSZ]; /* a PNG per screen change, "" none */
	/* operation */
	int log_level;			     /* syslog level */
	char metrics_file[CONFIG_STR_BUFSZ]; /* Prometheus text file, "" none */
	int metrics_interval_ms;	     /* how often it is rewritten */
};

/* Fills *cfg with every default. */
void config_init_default(struct custscan_config *cfg);

/*
 * Sets one key from its text value. origin and line name where it came from
 * for the error ("custscan.conf", 12; "--set", 0). Returns 0, or -1 with a
 * message in err (CONFIG_ERR_BUFSZ bytes) naming the key and what is allowed.
 */
int config_set(struct custscan_config *cfg, const char *key, const char *value, const char *origin,
	       int line, char *err);

/* Sets from "key=value" (a --set argument). Returns 0 or -1 with err. */
int config_set_pair(struct custscan_config *cfg, const char *pair, char *err);

/*
 * Reads a settings file into *cfg. Returns 0, -1 with err on a bad line or
 * an unreadable file, or -2 (err set) when the file does not exist, so the
 * caller can accept a missing default file.
 */
int config_load_file(struct custscan_config *cfg, const char *path, char *err);

struct cardrules;

/*
 * The card rules the settings ask for: the rules file named by "rules", or
 * without one the built-in CUST# rule made of id_prefix, id_charset,
 * id_max_len, id_check and symbologies. Returns 0 and sets *out (the caller
 * destroys it), or -1 with a message in err naming the rules file, its line
 * and what is wrong.
 */
int config_build_rules(const struct custscan_config *cfg, struct cardrules **out, char *err);

/* Writes every key, its default and what it allows, one per line, to out. */
void config_print_keys(FILE *out);

/* Writes the settings in effect as a file the parser reads back. */
void config_dump(const struct custscan_config *cfg, FILE *out);

/* The names of enumerated values (for the display module and logs). */
const char *config_source_name(int source);

#endif
