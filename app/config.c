/*
 * The settings table, the file parser and the command-line overrides.
 *
 * Each key is one row: its type, where it lives in struct custscan_config,
 * its range or its allowed words, and a line of documentation. Parsing,
 * --help and config_dump all walk the same table, so a key cannot be
 * parsed but undocumented or the other way round.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/cardrules.h"
#include "scanner/custid.h"
#include "scanner/decoder.h"
#include "log.h"

/* Longest line of a settings file. */
#define CONFIG_LINE_MAX 1024
/* Most keys a file may set (for the "given twice" check). */
#define CONFIG_MAX_KEYS 96

enum key_type {
	KEY_STR,     /* text copied into a char array */
	KEY_INT,     /* decimal integer within min..max */
	KEY_OCTAL,   /* octal integer within min..max (file modes) */
	KEY_BOOL,    /* yes/no, true/false, on/off, 1/0 */
	KEY_WORD,    /* one of words[]; stored as its index */
	KEY_SIZE,    /* WxH; stored in two ints, the second at offset2 */
	KEY_SYMS,    /* a symbology list scanner_symbology_parse takes */
	KEY_CHARSET, /* a character set custid_syntax_set_charset takes */
	KEY_LEVEL,   /* a log level name; stored as the syslog level */
};

struct key {
	const char *name;
	enum key_type type;
	size_t offset;		  /* of the value in struct custscan_config */
	size_t offset2;		  /* KEY_SIZE: of the height */
	size_t size;		  /* KEY_STR: the array's size */
	long min, max;		  /* KEY_INT, KEY_OCTAL, KEY_SIZE (each side) */
	const char *const *words; /* KEY_WORD: the allowed words, NULL-terminated */
	const char *doc;	  /* one line for --help */
};

#define OFF(field) offsetof(struct custscan_config, field)
#define STR(field) OFF(field), 0, sizeof(((struct custscan_config *)0)->field)

static const char *const source_words[] = {"camera", "replay", NULL};
static const char *const check_words[] = {"none", "mod37-36", "luhn", NULL};
static const char *const idle_words[] = {"branding", "dimmed", "blank", NULL};
static const char *const exposure_words[] = {"manual", "auto", "auto_limited", NULL};
static const char *const side_words[] = {"top", "bottom", "left", "right", NULL};

static const struct key keys[] = {
    {"source", KEY_WORD, OFF(source), 0, 0, 0, 0, source_words,
     "where frames come from: camera, or replay of files"},
    {"camera_device", KEY_STR, STR(camera_device), 0, 0, NULL,
     "the camera, best by its stable name (/dev/v4l/by-id/...-video-index0)"},
    {"camera_size", KEY_SIZE, OFF(camera_width), OFF(camera_height), 0, 16, 4096, NULL,
     "capture size WxH; the nearest the camera offers is taken"},
    {"camera_fps", KEY_INT, OFF(camera_fps), 0, 0, 1, 120, NULL, "capture frame rate"},
    {"power_line_hz", KEY_INT, OFF(power_line_hz), 0, 0, 0, 60, NULL,
     "anti-flicker: 50 (Europe), 60 (Americas), 0 leaves the camera's"},
    {"camera_exposure", KEY_WORD, OFF(camera_exposure), 0, 0, 0, 0, exposure_words,
     "manual (camera_exposure_ms, then following the code), auto, or auto_limited "
     "(auto until a code is blown out, then manual at most camera_exposure_ms)"},
    {"camera_exposure_ms", KEY_INT, OFF(camera_exposure_ms), 0, 0, 1, 1000, NULL,
     "manual exposure time, and auto_limited's limit, in ms"},
    {"replay_path", KEY_STR, STR(replay_path), 0, 0, NULL,
     "replay: an image folder, a .y4m or raw .yuyv file; empty: the bundled demo"},
    {"replay_fps", KEY_INT, OFF(replay_fps), 0, 0, 1, 240, NULL, "replay frame rate"},
    {"replay_loop", KEY_BOOL, OFF(replay_loop), 0, 0, 0, 1, NULL,
     "replay starts over at the end (no: the scanner shows unavailable at the end)"},
    {"replay_yuyv_size", KEY_SIZE, OFF(replay_yuyv_width), OFF(replay_yuyv_height), 0, 0, 16384,
     NULL, "size WxH of raw .yuyv frames (0x0: none)"},
    {"symbologies", KEY_SYMS, STR(symbologies), 0, 0, NULL,
     "codes read: qr,code128 (default); also ean13,ean8,upca,code39,i25"},
    {"decode_budget_ms", KEY_INT, OFF(decode_budget_ms), 0, 0, 0, 1000, NULL,
     "decoding CPU time per frame (0: no limit)"},
    {"id_prefix", KEY_STR, STR(id_prefix), 0, 0, NULL, "card text before the id"},
    {"id_charset", KEY_CHARSET, STR(id_charset), 0, 0, NULL,
     "characters allowed in an id, ranges like A-Za-z0-9_-"},
    {"id_max_len", KEY_INT, OFF(id_max_len), 0, 0, 1, CUSTID_MAX_ID_LEN, NULL,
     "longest id, check character included"},
    {"id_check", KEY_WORD, OFF(id_check), 0, 0, 0, 0, check_words,
     "check character scheme of the id's last character"},
    {"rules", KEY_STR, STR(rules), 0, 0, NULL,
     "card rules file (docs/rules/*.rules); empty: the one CUST# rule of the id_ keys"},
    {"confirm_k", KEY_INT, OFF(confirm_k), 0, 0, 1, 16, NULL,
     "an id is emitted when read in k of the last n frames"},
    {"confirm_n", KEY_INT, OFF(confirm_n), 0, 0, 1, 16, NULL, "the window n, frames"},
    {"confirm_cooldown_ms", KEY_INT, OFF(confirm_cooldown_ms), 0, 0, 0, 600000, NULL,
     "the same card shown again within this is not emitted again"},
    {"scan_addr", KEY_STR, STR(scan_addr), 0, 0, NULL,
     "register link: scan socket (ipc:///run/custscan/scan.sock or tcp://127.0.0.1:5560)"},
    {"control_addr", KEY_STR, STR(control_addr), 0, 0, NULL, "register link: control socket"},
    {"answer_timeout_ms", KEY_INT, OFF(answer_timeout_ms), 0, 0, 100, 60000, NULL,
     "a scan the register does not answer this long after the read is given up"},
    {"ipc_group", KEY_STR, STR(ipc_group), 0, 0, NULL,
     "group owning the ipc:// sockets (the register's users); empty: the daemon's"},
    {"ipc_mode", KEY_OCTAL, OFF(ipc_mode), 0, 0, 0600, 0770, NULL,
     "mode of the ipc:// socket files, octal (never any bits for others)"},
    {"allow_remote", KEY_BOOL, OFF(allow_remote), 0, 0, 0, 1, NULL,
     "let tcp:// bind other than loopback (the link has no encryption)"},
    {"display_size", KEY_SIZE, OFF(display_width), OFF(display_height), 0, 64, 8192, NULL,
     "window size WxH when not fullscreen"},
    {"fullscreen", KEY_BOOL, OFF(fullscreen), 0, 0, 0, 1, NULL, "fullscreen at the desktop's mode"},
    {"kiosk", KEY_BOOL, OFF(kiosk), 0, 0, 0, 1, NULL,
     "no cursor, no screen saver, Escape does not quit"},
    {"rotation", KEY_INT, OFF(rotation), 0, 0, 0, 270, NULL,
     "panel mounted turned: 0, 90, 180 or 270 degrees clockwise"},
    {"vsync", KEY_BOOL, OFF(vsync), 0, 0, 0, 1, NULL, "present at the display's refresh rate"},
    {"software_render", KEY_BOOL, OFF(software_render), 0, 0, 0, 1, NULL, "draw without a GPU"},
    {"sounds", KEY_BOOL, OFF(sounds), 0, 0, 0, 1, NULL, "success and failure tones"},
    {"lang", KEY_STR, STR(lang), 0, 0, NULL, "language of the screen: en, de"},
    {"idle_style", KEY_WORD, OFF(idle_style), 0, 0, 0, 0, idle_words,
     "the screen while scan mode is off"},
    {"brand_name", KEY_STR, STR(brand_name), 0, 0, NULL, "store name on the idle screen"},
    {"logo", KEY_STR, STR(logo), 0, 0, NULL, "PNG logo on the idle screen (empty: none)"},
    {"font_dir", KEY_STR, STR(font_dir), 0, 0, NULL,
     "folder with DejaVuSans.ttf and DejaVuSans-Bold.ttf"},
    {"camera_side", KEY_WORD, OFF(camera_side), 0, 0, 0, 0, side_words,
     "where the camera sits, seen by the customer"},
    {"preview", KEY_BOOL, OFF(preview), 0, 0, 0, 1, NULL, "show the camera image while scanning"},
    {"preview_fps", KEY_INT, OFF(preview_fps), 0, 0, 1, 60, NULL, "preview frames a second"},
    {"screenshot_dir", KEY_STR, STR(screenshot_dir), 0, 0, NULL,
     "save a PNG of the screen at each change into this folder (empty: none)"},
    {"log_level", KEY_LEVEL, OFF(log_level), 0, 0, 0, 0, NULL,
     "err, warning, notice, info or debug (debug shows customer ids)"},
    {"metrics_file", KEY_STR, STR(metrics_file), 0, 0, NULL,
     "write counters in Prometheus text format to this file (empty: none)"},
    {"metrics_interval_ms", KEY_INT, OFF(metrics_interval_ms), 0, 0, 1000, 3600000, NULL,
     "how often the metrics file is rewritten"},
};

#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

void config_init_default(struct custscan_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->source = CONFIG_SOURCE_REPLAY;
	snprintf(cfg->camera_device, sizeof(cfg->camera_device), "/dev/video0");
	cfg->camera_width = 640;
	cfg->camera_height = 480;
	cfg->camera_fps = 30;
	cfg->power_line_hz = 50;
	cfg->camera_exposure = CONFIG_EXPOSURE_MANUAL;
	cfg->camera_exposure_ms = 10;
	cfg->replay_fps = 30;
	cfg->replay_loop = true;
	snprintf(cfg->symbologies, sizeof(cfg->symbologies), "qr,code128");
	cfg->decode_budget_ms = 16;
	snprintf(cfg->id_prefix, sizeof(cfg->id_prefix), "CUST#");
	snprintf(cfg->id_charset, sizeof(cfg->id_charset), "A-Za-z0-9_-");
	cfg->id_max_len = CUSTID_MAX_ID_LEN;
	snprintf(cfg->id_check, sizeof(cfg->id_check), "none");
	cfg->confirm_k = 2;
	cfg->confirm_n = 3;
	cfg->confirm_cooldown_ms = 3000;
	snprintf(cfg->scan_addr, sizeof(cfg->scan_addr), "ipc:///run/custscan/scan.sock");
	snprintf(cfg->control_addr, sizeof(cfg->control_addr), "ipc:///run/custscan/control.sock");
	cfg->answer_timeout_ms = 2000;
	cfg->ipc_mode = 0660;
	cfg->display_width = 1280;
	cfg->display_height = 720;
	cfg->vsync = true;
	cfg->sounds = true;
	snprintf(cfg->lang, sizeof(cfg->lang), "en");
	snprintf(cfg->font_dir, sizeof(cfg->font_dir), "/usr/share/fonts/truetype/dejavu");
	cfg->preview = true;
	cfg->preview_fps = 15;
	cfg->log_level = LOG_INFO;
	cfg->metrics_interval_ms = 15000;
}

int config_build_rules(const struct custscan_config *cfg, struct cardrules **out, char *err)
{
	struct custid_syntax syntax;
	struct cardrules_error rerr;
	unsigned syms = 0;

	if (cfg->rules[0]) {
		if (cardrules_load_file(cfg->rules, out, &rerr) == 0)
			return 0;
		if (rerr.line > 0)
			snprintf(err, CONFIG_ERR_BUFSZ, "%.200s:%d: %.400s", cfg->rules, rerr.line,
				 rerr.message);
		else
			snprintf(err, CONFIG_ERR_BUFSZ, "%.200s: %.400s", cfg->rules, rerr.message);
		return -1;
	}
	custid_syntax_init_default(&syntax);
	snprintf(syntax.prefix, sizeof(syntax.prefix), "%s", cfg->id_prefix);
	custid_syntax_set_charset(&syntax, cfg->id_charset);
	syntax.max_len = (size_t)cfg->id_max_len;
	custid_check_parse(cfg->id_check, &syntax.check);
	scanner_symbology_parse(cfg->symbologies, &syms);
	if (cardrules_create_default(&syntax, syms, out) != 0) {
		snprintf(err, CONFIG_ERR_BUFSZ, "the built-in card rule: bad id settings");
		return -1;
	}
	return 0;
}

static const struct key *find_key(const char *name)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* "camera, replay" for messages. */
static void words_list(const char *const *words, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; words[i] && used < size; i++)
		used += (size_t)snprintf(out + used, size - used, "%s%s", i ? ", " : "", words[i]);
}

static int parse_long(const char *s, int base, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, base);
	return errno || end == s || *end != '\0' ? -1 : 0;
}

static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};

	for (size_t i = 0; i < 4; i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

/* Checks a value against its key and stores it. Returns 0 or -1 with why. */
static int store(struct custscan_config *cfg, const struct key *k, const char *v, char *why,
		 size_t why_size)
{
	char *base = (char *)cfg;
	char words[256];
	long n, h;
	int w, hh;
	bool b;

	switch (k->type) {
	case KEY_STR:
		if (strlen(v) >= k->size) {
			snprintf(why, why_size, "longer than %zu characters", k->size - 1);
			return -1;
		}
		memcpy(base + k->offset, v, strlen(v) + 1);
		return 0;
	case KEY_INT:
	case KEY_OCTAL:
		if (parse_long(v, k->type == KEY_OCTAL ? 8 : 10, &n) || n < k->min || n > k->max) {
			snprintf(why, why_size,
				 k->type == KEY_OCTAL ? "allowed: an octal mode from %lo to %lo"
						      : "allowed: a whole number from %ld to %ld",
				 k->min, k->max);
			return -1;
		}
		*(int *)(void *)(base + k->offset) = (int)n;
		return 0;
	case KEY_BOOL:
		if (parse_bool(v, &b)) {
			snprintf(why, why_size, "allowed: yes or no");
			return -1;
		}
		*(bool *)(void *)(base + k->offset) = b;
		return 0;
	case KEY_WORD:
		for (int i = 0; k->words[i]; i++) {
			if (strcmp(v, k->words[i]) == 0) {
				if (k->offset == OFF(id_check))
					snprintf(cfg->id_check, sizeof(cfg->id_check), "%s", v);
				else
					*(int *)(void *)(base + k->offset) = i;
				return 0;
			}
		}
		words_list(k->words, words, sizeof(words));
		snprintf(why, why_size, "allowed: %s", words);
		return -1;
	case KEY_SIZE:
		if (sscanf(v, "%dx%d", &w, &hh) != 2 || w < k->min || w > k->max || hh < k->min ||
		    hh > k->max) {
			snprintf(why, why_size, "allowed: WxH, each side from %ld to %ld", k->min,
				 k->max);
			return -1;
		}
		n = w;
		h = hh;
		*(int *)(void *)(base + k->offset) = (int)n;
		*(int *)(void *)(base + k->offset2) = (int)h;
		return 0;
	case KEY_SYMS: {
		unsigned set;

		if (scanner_symbology_parse(v, &set) || set == 0 || strlen(v) >= k->size) {
			snprintf(why, why_size,
				 "allowed: a list of qr, code128, ean13, ean8, upca, code39, i25");
			return -1;
		}
		memcpy(base + k->offset, v, strlen(v) + 1);
		return 0;
	}
	case KEY_CHARSET: {
		struct custid_syntax syn;

		custid_syntax_init_default(&syn);
		if (custid_syntax_set_charset(&syn, v) || strlen(v) >= k->size) {
			snprintf(why, why_size,
				 "allowed: ranges and printable characters such as A-Za-z0-9_- "
				 "(no quotes, backslash, blanks or #)");
			return -1;
		}
		memcpy(base + k->offset, v, strlen(v) + 1);
		return 0;
	}
	case KEY_LEVEL:
		w = log_level_parse(v);
		if (w < 0) {
			snprintf(why, why_size, "allowed: err, warning, notice, info, debug");
			return -1;
		}
		*(int *)(void *)(base + k->offset) = w;
		return 0;
	}
	return -1;
}

/* Checks that need more than one key. */
static int check_combined(const struct custscan_config *cfg, const char *key, char *why,
			  size_t why_size)
{
	if (strcmp(key, "rotation") == 0 && cfg->rotation % 90 != 0) {
		snprintf(why, why_size, "allowed: 0, 90, 180, 270");
		return -1;
	}
	if (strcmp(key, "power_line_hz") == 0 && cfg->power_line_hz != 0 &&
	    cfg->power_line_hz != 50 && cfg->power_line_hz != 60) {
		snprintf(why, why_size, "allowed: 0, 50, 60");
		return -1;
	}
	if (strcmp(key, "ipc_mode") == 0 && (cfg->ipc_mode & 07) != 0) {
		snprintf(why, why_size,
			 "allowed: an octal mode with no bits for others (0600..0770)");
		return -1;
	}
	if (strcmp(key, "id_prefix") == 0 && cfg->id_prefix[0] == '\0') {
		snprintf(why, why_size, "allowed: 1 to 15 characters");
		return -1;
	}
	return 0;
}

int config_set(struct custscan_config *cfg, const char *key, const char *value, const char *origin,
	       int line, char *err)
{
	const struct key *k = find_key(key);
	struct custscan_config tmp = *cfg;
	char where[200], why[320];

	if (line > 0)
		snprintf(where, sizeof(where), "%.180s:%d", origin, line);
	else
		snprintf(where, sizeof(where), "%.180s", origin);
	if (!k) {
		snprintf(err, CONFIG_ERR_BUFSZ,
			 "%.200s: unknown setting \"%.64s\" (custscan --help lists them)", where,
			 key);
		return -1;
	}
	if (store(&tmp, k, value, why, sizeof(why)) ||
	    check_combined(&tmp, key, why, sizeof(why))) {
		snprintf(err, CONFIG_ERR_BUFSZ, "%.200s: %.32s = \"%.64s\": %.300s", where, key,
			 value, why);
		return -1;
	}
	*cfg = tmp;
	return 0;
}

int config_set_pair(struct custscan_config *cfg, const char *pair, char *err)
{
	char key[64];
	const char *eq = strchr(pair, '=');
	size_t n;

	if (!eq || eq == pair || (size_t)(eq - pair) >= sizeof(key)) {
		snprintf(err, CONFIG_ERR_BUFSZ, "--set %.64s: expected key=value", pair);
		return -1;
	}
	n = (size_t)(eq - pair);
	memcpy(key, pair, n);
	key[n] = '\0';
	return config_set(cfg, key, eq + 1, "--set", 0, err);
}

/* Strips blanks at both ends, in place. */
static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

int config_load_file(struct custscan_config *cfg, const char *path, char *err)
{
	char line[CONFIG_LINE_MAX + 2];
	const struct key *seen[CONFIG_MAX_KEYS];
	size_t n_seen = 0;
	FILE *f = fopen(path, "r");
	int lineno = 0, rc = 0;

	if (!f) {
		snprintf(err, CONFIG_ERR_BUFSZ, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? -2 : -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s, *eq, *key, *value;
		size_t len;

		lineno++;
		len = strlen(line);
		if (len > CONFIG_LINE_MAX && line[len - 1] != '\n') {
			snprintf(err, CONFIG_ERR_BUFSZ, "%s:%d: line longer than %d characters",
				 path, lineno, CONFIG_LINE_MAX);
			rc = -1;
			break;
		}
		s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, CONFIG_ERR_BUFSZ, "%s:%d: expected \"key = value\"", path,
				 lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		key = trim(s);
		value = trim(eq + 1);
		len = strlen(value);
		if (len >= 2 && value[0] == '"' && value[len - 1] == '"') {
			value[len - 1] = '\0';
			value++;
		}
		for (size_t i = 0; i < n_seen; i++) {
			if (strcmp(seen[i]->name, key) == 0) {
				snprintf(err, CONFIG_ERR_BUFSZ, "%s:%d: %s is set twice", path,
					 lineno, key);
				rc = -1;
				goto out;
			}
		}
		rc = config_set(cfg, key, value, path, lineno, err);
		if (rc)
			break;
		if (n_seen < CONFIG_MAX_KEYS)
			seen[n_seen++] = find_key(key);
	}
out:
	fclose(f);
	return rc;
}

/* The value of k in cfg as the parser reads it. */
static void format_value(const struct custscan_config *cfg, const struct key *k, char *out,
			 size_t size)
{
	const char *base = (const char *)cfg;
	int v = k->type == KEY_STR || k->type == KEY_SYMS || k->type == KEY_CHARSET ||
			k->type == KEY_BOOL
		    ? 0
		    : *(const int *)(const void *)(base + k->offset);

	switch (k->type) {
	case KEY_STR:
	case KEY_SYMS:
	case KEY_CHARSET:
		snprintf(out, size, "%s", base + k->offset);
		break;
	case KEY_INT:
		snprintf(out, size, "%d", v);
		break;
	case KEY_OCTAL:
		snprintf(out, size, "0%o", (unsigned)v);
		break;
	case KEY_BOOL:
		snprintf(out, size, "%s",
			 *(const bool *)(const void *)(base + k->offset) ? "yes" : "no");
		break;
	case KEY_WORD:
		if (k->offset == OFF(id_check))
			snprintf(out, size, "%s", cfg->id_check);
		else
			snprintf(out, size, "%s", k->words[v]);
		break;
	case KEY_SIZE:
		snprintf(out, size, "%dx%d", v, *(const int *)(const void *)(base + k->offset2));
		break;
	case KEY_LEVEL: {
		static const char *const names[] = {"err",     "err",	 "err",	 "err",
						    "warning", "notice", "info", "debug"};

		snprintf(out, size, "%s", v >= 0 && v <= 7 ? names[v] : "info");
		break;
	}
	}
}

void config_print_keys(FILE *out)
{
	struct custscan_config def;
	char value[CONFIG_STR_BUFSZ];

	config_init_default(&def);
	for (size_t i = 0; i < N_KEYS; i++) {
		format_value(&def, &keys[i], value, sizeof(value));
		fprintf(out, "  %-20s %s (default: %s)\n", keys[i].name, keys[i].doc,
			value[0] ? value : "empty");
	}
}

void config_dump(const struct custscan_config *cfg, FILE *out)
{
	char value[CONFIG_STR_BUFSZ];

	for (size_t i = 0; i < N_KEYS; i++) {
		format_value(cfg, &keys[i], value, sizeof(value));
		fprintf(out, "%s = \"%s\"\n", keys[i].name, value);
	}
}

const char *config_source_name(int source)
{
	return source == CONFIG_SOURCE_CAMERA ? "camera" : "replay";
}
