/*
 * custscan-decode: decodes image files with exactly the daemon's pipeline and
 * prints what it read, as text or as one JSON line per file.
 *
 *   custscan-decode [--json] [--sequence] [--yuyv WxH] [options] FILE...
 *
 * Exit status: 0 if every file was loaded, 1 if any could not be, 2 for a
 * usage error.
 */
#include "decode_report.h"

#include "scanner/confirm.h"
#include "scanner/custid.h"
#include "scanner/decoder.h"
#include "scanner/error.h"
#include "scanner/image.h"
#include "scanner/text.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Frame period of the 30 fps camera that --sequence stands for. */
#define SEQUENCE_FRAME_US 33333

/* Most frames --hold decodes a file as. */
#define HOLD_MAX_FRAMES 30

/* The symbols of several frames of one file, each kept once (--hold). */
struct held {
	struct scanner_result merged;
	uint8_t payloads[SCANNER_MAX_SYMBOLS][SCANNER_MAX_PAYLOAD];
	double frame_ms[HOLD_MAX_FRAMES];
};

static void held_add(struct held *h, const struct scanner_result *r)
{
	struct scanner_result *m = &h->merged;

	for (size_t i = 0; i < r->count; i++) {
		const struct scanner_symbol *sym = &r->symbols[i];
		bool seen = false;
		for (size_t k = 0; k < m->count && !seen; k++)
			seen = m->symbols[k].type == sym->type && m->symbols[k].len == sym->len &&
			       !memcmp(m->symbols[k].data, sym->data, sym->len);
		if (seen || m->count == SCANNER_MAX_SYMBOLS)
			continue;
		memcpy(h->payloads[m->count], sym->data, sym->len);
		m->symbols[m->count] = *sym;
		m->symbols[m->count].data = h->payloads[m->count];
		m->count++;
	}
}

/* Decodes one image as hold frames of a stream that starts with it. */
static int decode_held(struct scanner *scanner, int hold, const struct scanner_image *img,
		       struct held *h)
{
	double total = 0;

	memset(&h->merged, 0, sizeof(h->merged));
	scanner_reset(scanner);
	for (int f = 0; f < hold; f++) {
		struct scanner_result r;
		struct scanner_frame frame =
		    scanner_image_frame(img, (int64_t)f * SEQUENCE_FRAME_US, (uint64_t)f);
		int rc = scanner_decode(scanner, &frame, &r);
		if (rc)
			return rc;
		held_add(h, &r);
		h->frame_ms[f] = r.elapsed_us / 1000.0;
		if (getenv("CUSTSCAN_DEBUG_PASSES")) {
			fprintf(stderr, "frame %d: %.2f ms:", f, h->frame_ms[f]);
			for (int i = 0; i < scanner_pass_count(); i++)
				if (r.pass_us[i])
					fprintf(stderr, " %s %.2f", scanner_pass_name(i),
						r.pass_us[i] / 1000.0);
			fputc('\n', stderr);
		}
		total += h->frame_ms[f];
	}
	h->merged.elapsed_us = (int64_t)(total * 1000.0);
	return 0;
}

struct options {
	bool json;
	bool sequence;
	int yuyv_w, yuyv_h; /* 0: files are PGM/PNG/JPEG */
	int hold;	    /* >0: each file is that many live frames of one still card */
	struct scanner_config scanner;
	struct custid_syntax syntax;
	struct confirm_config confirm;
	const char *rules_path;	 /* --rules FILE, or NULL for the CUST# syntax above */
	bool symbologies_given;	 /* --symbologies was given */
	struct cardrules *rules; /* what validates: the file's, or the one CUST# rule */
};

static void usage(FILE *out)
{
	fputs("usage: custscan-decode [options] FILE...\n"
	      "Decodes PGM, PNG and JPEG files (or raw YUYV) with custscan's pipeline.\n"
	      "\n"
	      "  --json              one JSON object per file and line\n"
	      "  --sequence          files are consecutive 30 fps frames: confirm across\n"
	      "                      frames and report the ids emitted at each\n"
	      "  --yuyv WxH          files are raw packed YUYV frames of that size\n"
	      "  --symbologies LIST  e.g. qr,code128 (default), ean13, ean8, upca, code39, i25\n"
	      "  --budget-ms MS      per-frame CPU time budget (default: the daemon's, 16); 0: no\n"
	      "                      budget, every pass until one reads, on every frame\n"
	      "  --exhaustive        no budget: run every pass, report all they read\n"
	      "  --hold N            each file is a card held still for N live frames: the\n"
	      "                      decoder starts afresh per file, decodes it N times as\n"
	      "                      the daemon would, and reports all read and each time\n"
	      "  --passes LIST       run only these passes (comma-separated names, for\n"
	      "                      benchmarks; CUSTSCAN_DEBUG_PASSES=1 lists them)\n"
	      "  --prefix P          customer id prefix (default CUST#)\n"
	      "  --max-len N         longest id (default and at most 64)\n"
	      "  --charset SPEC      allowed id characters (default A-Za-z0-9_-)\n"
	      "  --check SCHEME      none (default), mod37-36, luhn, ean, mod11-2, mod97-10\n"
	      "  --rules FILE        card rules (docs/rules/*.rules) instead of the CUST#\n"
	      "                      options above; they also choose the symbologies\n"
	      "  --confirm K/N       emit an id read in K of the last N frames (default 2/3)\n"
	      "  --cooldown-ms MS    same card not emitted again within MS of last sight\n"
	      "  -h, --help          this text\n",
	      out);
}

static int parse_size(const char *s, int *w, int *h)
{
	char extra;
	return sscanf(s, "%dx%d%c", w, h, &extra) == 2 && *w > 0 && *h > 0 &&
		       *w <= SCANNER_IMAGE_MAX_SIDE && *h <= SCANNER_IMAGE_MAX_SIDE
		   ? 0
		   : -1;
}

/* Parses a comma-separated list of pass names into a pass mask. */
static int parse_passes(const char *list, unsigned *mask)
{
	char name[64];
	unsigned m = 0;

	while (*list) {
		size_t n = strcspn(list, ",");
		if (n == 0 || n >= sizeof(name))
			return -1;
		memcpy(name, list, n);
		name[n] = '\0';
		int i = scanner_pass_find(name);
		if (i < 0)
			return -1;
		m |= 1u << i;
		list += n;
		if (*list == ',')
			list++;
	}
	if (!m)
		return -1;
	*mask = m;
	return 0;
}

/*
 * The rules that validate: --rules FILE, whose symbologies the decoder then
 * reads, or the one CUST# rule of --prefix and friends. Returns 0 or -1.
 */
static int load_rules(struct options *o)
{
	struct cardrules_error err;

	if (!o->rules_path) {
		if (cardrules_create_default(&o->syntax, o->scanner.symbologies, &o->rules) == 0)
			return 0;
		fprintf(stderr, "custscan-decode: out of memory\n");
		return -1;
	}
	if (o->symbologies_given) {
		fprintf(stderr, "custscan-decode: --symbologies and --rules exclude each other: "
				"the rules name their symbologies\n");
		return -1;
	}
	if (cardrules_load_file(o->rules_path, &o->rules, &err)) {
		if (err.line)
			fprintf(stderr, "custscan-decode: %s:%d: %s\n", o->rules_path, err.line,
				err.message);
		else
			fprintf(stderr, "custscan-decode: %s: %s\n", o->rules_path, err.message);
		return -1;
	}
	o->scanner.symbologies = cardrules_symbologies(o->rules);
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"sequence", no_argument, NULL, 's'},
	    {"yuyv", required_argument, NULL, 'y'},
	    {"symbologies", required_argument, NULL, 'S'},
	    {"budget-ms", required_argument, NULL, 'b'},
	    {"exhaustive", no_argument, NULL, 'e'},
	    {"hold", required_argument, NULL, 'H'},
	    {"passes", required_argument, NULL, 'P'},
	    {"prefix", required_argument, NULL, 'p'},
	    {"max-len", required_argument, NULL, 'm'},
	    {"charset", required_argument, NULL, 'c'},
	    {"check", required_argument, NULL, 'C'},
	    {"rules", required_argument, NULL, 'r'},
	    {"confirm", required_argument, NULL, 'k'},
	    {"cooldown-ms", required_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;
	char extra;

	memset(o, 0, sizeof(*o));
	scanner_config_init_default(&o->scanner);
	custid_syntax_init_default(&o->syntax);
	confirm_config_init_default(&o->confirm);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 's':
			o->sequence = true;
			break;
		case 'y':
			if (parse_size(optarg, &o->yuyv_w, &o->yuyv_h)) {
				fprintf(stderr, "custscan-decode: --yuyv wants WxH, got '%s'\n",
					optarg);
				return -1;
			}
			break;
		case 'S':
			if (scanner_symbology_parse(optarg, &o->scanner.symbologies)) {
				fprintf(stderr,
					"custscan-decode: unknown symbology in '%s' (known: qr, "
					"code128, ean13, ean8, upca, code39, i25)\n",
					optarg);
				return -1;
			}
			o->symbologies_given = true;
			break;
		case 'r':
			o->rules_path = optarg;
			break;
		case 'b': {
			double ms;
			if (sscanf(optarg, "%lf%c", &ms, &extra) != 1 || ms < 0 || ms > 10000) {
				fprintf(stderr,
					"custscan-decode: --budget-ms wants 0 <= MS <= 10000\n");
				return -1;
			}
			o->scanner.budget_us = (int)(ms * 1000);
			break;
		}
		case 'P':
			if (parse_passes(optarg, &o->scanner.pass_mask)) {
				fprintf(stderr, "custscan-decode: unknown pass in '%s'\n", optarg);
				return -1;
			}
			break;
		case 'e':
			o->scanner.budget_us = 0;
			o->scanner.all_passes = true;
			break;
		case 'p':
			if (strlen(optarg) == 0 || strlen(optarg) > CUSTID_MAX_PREFIX_LEN) {
				fprintf(stderr, "custscan-decode: --prefix wants 1 to %d bytes\n",
					CUSTID_MAX_PREFIX_LEN);
				return -1;
			}
			strcpy(o->syntax.prefix, optarg);
			break;
		case 'm': {
			int n;
			if (sscanf(optarg, "%d%c", &n, &extra) != 1 || n < 1 ||
			    n > CUSTID_MAX_ID_LEN) {
				fprintf(stderr, "custscan-decode: --max-len wants 1 to %d\n",
					CUSTID_MAX_ID_LEN);
				return -1;
			}
			o->syntax.max_len = (size_t)n;
			break;
		}
		case 'c':
			if (custid_syntax_set_charset(&o->syntax, optarg)) {
				fprintf(stderr,
					"custscan-decode: bad --charset '%s' (ranges of printable "
					"ASCII without quotes, backslash, space or '#')\n",
					optarg);
				return -1;
			}
			break;
		case 'C':
			if (custid_check_parse(optarg, &o->syntax.check)) {
				fprintf(stderr,
					"custscan-decode: --check wants none, mod37-36 or luhn\n");
				return -1;
			}
			break;
		case 'k':
			if (sscanf(optarg, "%d/%d%c", &o->confirm.k, &o->confirm.n, &extra) != 2 ||
			    o->confirm.k < 1 || o->confirm.n < o->confirm.k ||
			    o->confirm.n > CONFIRM_MAX_WINDOW) {
				fprintf(stderr,
					"custscan-decode: --confirm wants K/N with 1 <= K <= "
					"N <= %d\n",
					CONFIRM_MAX_WINDOW);
				return -1;
			}
			break;
		case 'd': {
			double ms;
			if (sscanf(optarg, "%lf%c", &ms, &extra) != 1 || ms < 0 || ms > 3600e3) {
				fprintf(stderr,
					"custscan-decode: --cooldown-ms wants 0..3600000\n");
				return -1;
			}
			o->confirm.cooldown_us = (int64_t)(ms * 1000);
			break;
		}
		case 'H':
			if (sscanf(optarg, "%d%c", &o->hold, &extra) != 1 || o->hold < 1 ||
			    o->hold > HOLD_MAX_FRAMES) {
				fprintf(stderr, "custscan-decode: --hold wants 1..%d frames\n",
					HOLD_MAX_FRAMES);
				return -1;
			}
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return -1;
	}
	return load_rules(o);
}

/* Prints one file's outcome as text: every symbol with its verdict. */
static void print_text(const struct decode_report *r)
{
	if (r->error) {
		printf("%s: error: %s\n", r->file, r->error);
		return;
	}
	if (!r->result->count)
		printf("%s: nothing read (%.1f ms)\n", r->file, r->ms);
	if (getenv("CUSTSCAN_DEBUG_PASSES")) {
		for (int i = 0; i < scanner_pass_count(); i++)
			printf("  pass %-16s %7.2f ms\n", scanner_pass_name(i),
			       r->result->pass_us[i] / 1000.0);
	}
	for (size_t i = 0; i < r->result->count; i++) {
		const struct scanner_symbol *sym = &r->result->symbols[i];
		struct cardrules_match m;
		enum custid_reason why = decode_report_verdict(r, sym, &m);
		char *text = malloc(SCANNER_TEXT_BUFSZ(sym->len));
		if (!text)
			return;
		scanner_text_to_utf8(sym->data, sym->len, text);
		/* Control characters would garble a terminal: show them as '?'. */
		for (char *p = text; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		if (why == CUSTID_OK && m.card[0])
			printf("%s: %s customer id %s, card %s, rule %s (%.1f ms)\n", r->file,
			       scanner_symbology_name(sym->type), m.id, m.card, m.rule, r->ms);
		else if (why == CUSTID_OK)
			printf("%s: %s customer id %s (%.1f ms)\n", r->file,
			       scanner_symbology_name(sym->type), m.id, r->ms);
		else
			printf("%s: %s \"%s\" rejected: %s (%.1f ms)\n", r->file,
			       scanner_symbology_name(sym->type), text, custid_reason_name(why),
			       r->ms);
		free(text);
	}
	for (size_t i = 0; i < r->n_emitted; i++)
		printf("%s: emitted %s\n", r->file, r->emitted[i]);
}

int main(int argc, char **argv)
{
	struct options o;
	struct scanner *scanner = NULL;
	struct confirm *confirm = NULL;
	struct held *held = NULL;
	int status = 0, rc;

	if (parse_options(argc, argv, &o))
		return 2;
	rc = scanner_create(&o.scanner, &scanner);
	if (rc) {
		fprintf(stderr, "custscan-decode: cannot create the decoder: %s\n",
			scanner_strerror(rc));
		cardrules_destroy(o.rules);
		return 1;
	}
	if (o.hold && o.sequence) {
		fprintf(stderr, "custscan-decode: --hold and --sequence exclude each other\n");
		scanner_destroy(scanner);
		cardrules_destroy(o.rules);
		return 2;
	}
	if (o.hold) {
		held = malloc(sizeof(*held));
		if (!held) {
			fprintf(stderr, "custscan-decode: out of memory\n");
			scanner_destroy(scanner);
			cardrules_destroy(o.rules);
			return 1;
		}
	}
	if (o.sequence) {
		confirm = confirm_create(&o.confirm);
		if (!confirm) {
			fprintf(stderr, "custscan-decode: cannot create the confirmation filter\n");
			scanner_destroy(scanner);
			cardrules_destroy(o.rules);
			return 1;
		}
	}
	for (int i = optind; i < argc; i++) {
		struct scanner_image img;
		struct scanner_result result;
		char emitted[CONFIRM_MAX_PER_FRAME][CUSTID_ID_BUFSZ];
		struct decode_report report = {
		    .file = argv[i],
		    .syntax = &o.syntax,
		    .rules = o.rules,
		    .cards = o.rules_path != NULL,
		    .sequence = o.sequence,
		    .emitted = emitted,
		};
		int64_t t = (int64_t)(i - optind) * SEQUENCE_FRAME_US;

		memset(&result, 0, sizeof(result));
		rc = o.yuyv_w ? scanner_image_load_yuyv(argv[i], o.yuyv_w, o.yuyv_h, &img)
			      : scanner_image_load(argv[i], &img);
		if (!rc && held) {
			rc = decode_held(scanner, o.hold, &img, held);
			report.ms = held->merged.elapsed_us / 1000.0 / o.hold;
			report.frame_ms = held->frame_ms;
			report.n_frames = (size_t)o.hold;
		} else if (!rc) {
			struct scanner_frame frame =
			    scanner_image_frame(&img, t, (uint64_t)(i - optind));
			rc = scanner_decode(scanner, &frame, &result);
			report.ms = result.elapsed_us / 1000.0;
		}
		if (rc) {
			report.error = scanner_strerror(rc);
			fprintf(stderr, "custscan-decode: %s: %s\n", argv[i], report.error);
			status = 1;
		} else {
			report.result = held ? &held->merged : &result;
		}
		if (confirm) {
			char ids[SCANNER_MAX_SYMBOLS][CUSTID_ID_BUFSZ];
			const char *id_ptrs[SCANNER_MAX_SYMBOLS];
			size_t n = decode_report_ids(&report, ids, SCANNER_MAX_SYMBOLS);
			for (size_t k = 0; k < n; k++)
				id_ptrs[k] = ids[k];
			report.n_emitted =
			    confirm_push(confirm, t, id_ptrs, n, emitted, CONFIRM_MAX_PER_FRAME);
		}
		if (o.json) {
			char *line = decode_report_json(&report);
			if (line)
				puts(line);
			free(line);
		} else {
			print_text(&report);
		}
		fflush(stdout);
		scanner_image_release(&img);
	}
	free(held);
	confirm_destroy(confirm);
	scanner_destroy(scanner);
	cardrules_destroy(o.rules);
	return status;
}
