/*
 * custscan-phonesim: the command line. One frame, a labelled set with a
 * MANIFEST.tsv in the corpus layout, a short video-like sequence with its
 * TRUTH.tsv, or the committed test fixtures.
 */
#include "phonesim.h"
#include "scanner/error.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define EXIT_USAGE 2

/* Severity of the committed fixtures: plainly readable, yet not easy. */
#define FIXTURE_SEVERITY 0.5
/* Fixtures keep a third of the sensor noise, so the PNGs stay small. */
#define FIXTURE_NOISE 0.35
/* Frames in the fixture sequence (about 3 MB of PNG). */
#define FIXTURE_SEQUENCE_FRAMES 24

static const char manifest_header[] =
    "relpath\tcategory\tsource_repo\tsource_commit\tsource_path\tsymbology\texpected_text\t"
    "n_codes\ttruth_source\ttransform\tsha256\tscene_group\n";

/* What one generated frame is: the inputs that reproduce it exactly. */
struct frame_spec {
	const char *category;		   /* one of phonesim_categories */
	enum phonesim_symbology symbology; /* QR or CODE128 (NONE for negatives) */
	bool dark;			   /* dark mode */
	char text[PHONESIM_TEXT_MAX];	   /* card text */
	int width, height;		   /* frame size */
	uint64_t seed;			   /* scene and noise seed */
	double severity;		   /* 0..1 */
	double noise_scale;		   /* sensor noise factor (0 means unchanged) */
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage:\n"
		"  custscan-phonesim --out FILE.png [--seed N] [--category CAT] [--symbology "
		"qr|code128]\n"
		"                    [--mode light|dark] [--text TEXT] [--size 640x480|1280x720]\n"
		"                    [--severity S]\n"
		"  custscan-phonesim --set DIR --per-category N [--seed N] [--size WxH] "
		"[--severity S]\n"
		"  custscan-phonesim --sequence DIR [--seed N] [--text TEXT] [--symbology ...]\n"
		"                    [--mode ...] [--category CAT] [--frames N] [--size WxH]\n"
		"  custscan-phonesim --fixtures DIR [--seed N]\n"
		"\n"
		"Simulates a webcam looking at a phone that shows a customer card (QR or\n"
		"Code128 of CUST#<id>). Output is deterministic: the same arguments give\n"
		"byte-identical PNG or PGM files (chosen by the suffix).\n"
		"\n"
		"  --out FILE        write one frame\n"
		"  --set DIR         write DIR/<category>/<nnn>.png and DIR/MANIFEST.tsv\n"
		"  --sequence DIR    write DIR/frame-NNN.png and DIR/TRUTH.tsv: a phone\n"
		"                    entering, held, leaving (30 fps)\n"
		"  --fixtures DIR    write the committed regression fixture set\n"
		"  --seed N          seed (default 1)\n"
		"  --category CAT    default nominal; one of:\n"
		"                    ");
	for (int i = 0; phonesim_categories[i]; i++)
		fprintf(out, "%s%s", phonesim_categories[i],
			phonesim_categories[i + 1] ? " " : "\n");
	fprintf(out, "  --symbology S     qr (default) or code128; for card rules also ean13,\n"
		     "                    ean8, upca, code39, i25 (--text: the digits)\n"
		     "  --mode M          light (default) or dark\n"
		     "  --text TEXT       card text (default: CUST# and a random id)\n"
		     "  --size WxH        640x480 or 1280x720 (sets alternate when not given)\n"
		     "  --severity S      0..1, how hard the category's problem is (default 1)\n"
		     "  --per-category N  frames per category in a set\n"
		     "  --frames N        frames in a sequence (default 45)\n"
		     "  --help            this text\n");
}

static int die_usage(const char *msg, const char *arg)
{
	fprintf(stderr, "custscan-phonesim: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	fprintf(stderr, "try 'custscan-phonesim --help'\n");
	return EXIT_USAGE;
}

static uint64_t mix_seed(uint64_t seed, uint64_t a, uint64_t b)
{
	struct phonesim_rng rng;

	phonesim_rng_seed(&rng, seed ^ (a * 0x9e3779b97f4a7c15ULL) ^ (b * 0xc2b2ae3d27d4eb4fULL));
	return phonesim_rng_next(&rng) >> 1; /* fits a signed 64-bit parse */
}

/* A random card text: CUST# and 4 to max_len characters of [A-Za-z0-9_-]. */
static void random_text(uint64_t seed, int max_len, char *buf, size_t size)
{
	static const char set[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
	struct phonesim_rng rng;
	int n, i;

	phonesim_rng_seed(&rng, seed ^ 0x7e47);
	n = phonesim_rng_int(&rng, 4, max_len);
	snprintf(buf, size, "CUST#");
	for (i = 0; i < n && 5 + i + 1 < (int)size; i++)
		buf[5 + i] = set[phonesim_rng_int(&rng, 0, (int)sizeof(set) - 2)];
	buf[5 + i] = '\0';
}

static int make_dir(const char *path)
{
	if (mkdir(path, 0777) && errno != EEXIST) {
		fprintf(stderr, "custscan-phonesim: cannot create %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* --symbology words and manifest names (the first two as they always were). */
static const struct {
	enum phonesim_symbology sym;
	const char *word;
	const char *name;
} symbologies[] = {
    {PHONESIM_QR, "qr", "QR"},		{PHONESIM_CODE128, "code128", "CODE128"},
    {PHONESIM_EAN13, "ean13", "EAN13"}, {PHONESIM_EAN8, "ean8", "EAN8"},
    {PHONESIM_UPCA, "upca", "UPCA"},	{PHONESIM_CODE39, "code39", "CODE39"},
    {PHONESIM_I25, "i25", "I25"},
};

static const char *symbology_name(enum phonesim_symbology s)
{
	for (size_t i = 0; i < sizeof(symbologies) / sizeof(symbologies[0]); i++)
		if (symbologies[i].sym == s)
			return symbologies[i].name;
	return "NONE";
}

/* Draws the scene of spec; returns 0 or -1. */
static int spec_scene(const struct frame_spec *spec, struct phonesim_scene *sc)
{
	struct phonesim_rng rng;

	phonesim_rng_seed(&rng, spec->seed);
	if (phonesim_scene_random(sc, spec->category, spec->symbology, spec->dark, spec->text,
				  spec->width, spec->height, spec->severity, &rng))
		return -1;
	if (spec->noise_scale > 0 && strcmp(spec->category, "mjpeg_noise") != 0) {
		sc->read_noise *= spec->noise_scale;
		sc->shot_noise *= spec->noise_scale;
	}
	return 0;
}

static int render_save(const struct phonesim_scene *sc, uint64_t noise_seed, const char *path)
{
	struct scanner_image img;
	int err;

	err = scanner_image_init(&img, sc->width, sc->height);
	if (err) {
		fprintf(stderr, "custscan-phonesim: %s\n", scanner_strerror(err));
		return -1;
	}
	if (phonesim_render(sc, noise_seed, &img)) {
		fprintf(stderr, "custscan-phonesim: cannot render %s (text not encodable?)\n",
			path);
		scanner_image_release(&img);
		return -1;
	}
	err = scanner_image_save(path, &img);
	scanner_image_release(&img);
	if (err) {
		fprintf(stderr, "custscan-phonesim: cannot write %s: %s\n", path,
			scanner_strerror(err));
		return -1;
	}
	return 0;
}

/* Renders spec to dir/relpath and appends its manifest row. */
static int spec_write(const struct frame_spec *spec, const char *dir, const char *relpath,
		      FILE *manifest)
{
	struct phonesim_scene sc;
	char path[4096], desc[512];

	if (spec_scene(spec, &sc))
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, relpath);
	if (render_save(&sc, spec->seed ^ 0x5e45, path))
		return -1;
	phonesim_scene_describe(&sc, desc, sizeof(desc));
	fprintf(manifest,
		"%s\t%s\tcustscan-phonesim\t-\tseed=%llu severity=%.2f size=%dx%d\t%s\t%s\t%d\t"
		"simulator\t%s\t-\t%s\n",
		relpath, spec->category, (unsigned long long)spec->seed, spec->severity,
		spec->width, spec->height, symbology_name(sc.symbology),
		sc.symbology == PHONESIM_NONE ? "NONE" : sc.text,
		sc.symbology == PHONESIM_NONE ? 0 : 1, desc, relpath);
	return 0;
}

/*
 * The set's frame i of category c: symbology alternates, and light and dark
 * alternate in a pattern that gives every pairing within four frames.
 */
static void set_spec(struct frame_spec *spec, uint64_t seed, int c, int i, int w, int h,
		     double severity, double noise_scale)
{
	memset(spec, 0, sizeof(*spec));
	spec->category = phonesim_categories[c];
	spec->symbology = i % 2 ? PHONESIM_CODE128 : PHONESIM_QR;
	spec->dark = (i + i / 2 + c) % 2;
	spec->seed = mix_seed(seed, (uint64_t)c + 1, (uint64_t)i + 1);
	/*
	 * Fixtures keep Code128 ids to 12 characters: a 24-character Code128 is
	 * 374 modules, under 1.8 px each across a 640-pixel frame.
	 */
	random_text(spec->seed, noise_scale > 0 && spec->symbology == PHONESIM_CODE128 ? 12 : 24,
		    spec->text, sizeof(spec->text));
	spec->width = w;
	spec->height = h;
	spec->severity = severity;
	spec->noise_scale = noise_scale;
}

static int run_set(const char *dir, int per_cat, uint64_t seed, int w, int h, double severity,
		   double noise_scale, FILE **manifest_out)
{
	char path[4096], rel[256];
	struct frame_spec spec;
	FILE *manifest;
	int n = 0;

	if (make_dir(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/MANIFEST.tsv", dir);
	manifest = fopen(path, "w");
	if (!manifest) {
		fprintf(stderr, "custscan-phonesim: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	fputs(manifest_header, manifest);
	for (int c = 0; phonesim_categories[c]; c++) {
		snprintf(path, sizeof(path), "%s/%s", dir, phonesim_categories[c]);
		if (make_dir(path))
			goto fail;
		for (int i = 0; i < per_cat; i++, n++) {
			bool big = w == 0 && n % 2;
			set_spec(&spec, seed, c, i,
				 w     ? w
				 : big ? 1280
				       : 640,
				 h     ? h
				 : big ? 720
				       : 480,
				 severity, noise_scale);
			snprintf(rel, sizeof(rel), "%s/%03d.png", phonesim_categories[c], i);
			if (spec_write(&spec, dir, rel, manifest))
				goto fail;
		}
	}
	if (manifest_out) {
		*manifest_out = manifest;
		return 0;
	}
	if (fclose(manifest)) {
		fprintf(stderr, "custscan-phonesim: cannot write manifest\n");
		return -1;
	}
	return 0;
fail:
	fclose(manifest);
	return -1;
}

/* ---------------------------------------------------------------- sequence */

static double ease(double t)
{
	return t * t * (3 - 2 * t);
}

/*
 * A phone enters from one side, is held still with a little hand shake, then
 * leaves by another side: one third of the frames each way, 30 fps. Motion
 * blur follows the speed (a 1/75 s exposure is 0.4 of a frame interval).
 */
static int run_sequence(const char *dir, const struct frame_spec *spec, int frames)
{
	struct phonesim_scene base, sc;
	struct phonesim_rng rng;
	char path[4096];
	FILE *truth;
	/* entering and leaving each take 4/15 of the frames */
	int n_in = frames * 4 / 15, ret = -1;
	int n_out = n_in;
	double ang_in, ang_out, dist, px = 0, py = 0, shake_x = 0, shake_y = 0, shake_r = 0;

	if (spec_scene(spec, &base))
		return -1;
	if (make_dir(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/TRUTH.tsv", dir);
	truth = fopen(path, "w");
	if (!truth) {
		fprintf(stderr, "custscan-phonesim: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	fputs("index\tfully_visible\texpected_text\n", truth);
	phonesim_rng_seed(&rng, spec->seed ^ 0x5e9);
	ang_in = phonesim_rng_range(&rng, 0, 2 * PHONESIM_PI);
	ang_out = ang_in + PHONESIM_PI + phonesim_rng_range(&rng, -1.2, 1.2);
	dist = base.width * 1.1;
	for (int i = 0; i < frames; i++) {
		double ox, oy, scale = 1.0, t;

		if (i < n_in) {
			t = 1 - ease((double)i / n_in);
			ox = cos(ang_in) * dist * t;
			oy = sin(ang_in) * dist * t;
			scale = 1.0 - 0.15 * t;
		} else if (i >= frames - n_out) {
			t = ease((double)(i - (frames - n_out) + 1) / n_out);
			ox = cos(ang_out) * dist * t;
			oy = sin(ang_out) * dist * t;
			scale = 1.0 - 0.1 * t;
		} else {
			ox = oy = 0;
		}
		/* Hand shake: a damped random walk of a few pixels and a degree. */
		shake_x = 0.8 * shake_x + phonesim_rng_normal(&rng) * 1.2 * base.height / 480.0;
		shake_y = 0.8 * shake_y + phonesim_rng_normal(&rng) * 1.2 * base.height / 480.0;
		shake_r = 0.8 * shake_r + phonesim_rng_normal(&rng) * 0.004;
		sc = base;
		sc.cx = base.cx + ox + shake_x;
		sc.cy = base.cy + oy + shake_y;
		sc.roll = base.roll + shake_r;
		sc.module_px = base.module_px * scale;
		if (i > 0) {
			double vx = sc.cx - px, vy = sc.cy - py, v = hypot(vx, vy);
			double len = 0.4 * v;
			/* Add to the scene's own blur, in quadrature. */
			sc.motion_len = sqrt(base.motion_len * base.motion_len + len * len);
			if (len > base.motion_len)
				sc.motion_angle = atan2(vy, vx);
		}
		px = sc.cx;
		py = sc.cy;
		snprintf(path, sizeof(path), "%s/frame-%03d.png", dir, i);
		if (render_save(&sc, spec->seed * 1000003 + (uint64_t)i, path))
			goto out_close;
		fprintf(truth, "%d\t%d\t%s\n", i, phonesim_code_visible(&sc) ? 1 : 0, sc.text);
	}
	ret = 0;
out_close:
	if (fclose(truth))
		ret = -1;
	return ret;
}

/* ---------------------------------------------------------------- fixtures */

/*
 * The committed fixture set: two frames per category at 640x480, two frames
 * at 1280x720 and a short sequence, all at FIXTURE_SEVERITY.
 */
static int run_fixtures(const char *dir, uint64_t seed)
{
	static const struct {
		const char *category;
		enum phonesim_symbology symbology;
		bool dark;
	} large[] = {
	    {"nominal", PHONESIM_QR, false},
	    {"tilt", PHONESIM_CODE128, true},
	};
	struct frame_spec spec;
	char path[4096], rel[256];
	FILE *manifest;

	if (run_set(dir, 2, seed, 640, 480, FIXTURE_SEVERITY, FIXTURE_NOISE, &manifest))
		return -1;
	snprintf(path, sizeof(path), "%s/large", dir);
	if (make_dir(path))
		goto fail;
	for (int i = 0; i < 2; i++) {
		memset(&spec, 0, sizeof(spec));
		spec.category = large[i].category;
		spec.symbology = large[i].symbology;
		spec.dark = large[i].dark;
		spec.seed = mix_seed(seed, 1000, (uint64_t)i + 1);
		random_text(spec.seed, 12, spec.text, sizeof(spec.text));
		spec.width = 1280;
		spec.height = 720;
		spec.severity = FIXTURE_SEVERITY;
		spec.noise_scale = FIXTURE_NOISE;
		snprintf(rel, sizeof(rel), "large/%03d.png", i);
		if (spec_write(&spec, dir, rel, manifest))
			goto fail;
	}
	if (fclose(manifest))
		return -1;

	memset(&spec, 0, sizeof(spec));
	spec.category = "nominal";
	spec.symbology = PHONESIM_QR;
	spec.seed = mix_seed(seed, 2000, 1);
	random_text(spec.seed, 24, spec.text, sizeof(spec.text));
	spec.width = 640;
	spec.height = 480;
	spec.severity = FIXTURE_SEVERITY;
	spec.noise_scale = FIXTURE_NOISE / 2;
	snprintf(path, sizeof(path), "%s/sequence", dir);
	return run_sequence(path, &spec, FIXTURE_SEQUENCE_FRAMES);
fail:
	fclose(manifest);
	return -1;
}

/* ---------------------------------------------------------------- main */

static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static bool text_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= PHONESIM_TEXT_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

int main(int argc, char **argv)
{
	enum {
		OPT_OUT = 256,
		OPT_SET,
		OPT_SEQ,
		OPT_FIX,
		OPT_SEED,
		OPT_CAT,
		OPT_SYM,
		OPT_MODE,
		OPT_TEXT,
		OPT_SIZE,
		OPT_PER,
		OPT_SEV,
		OPT_FRAMES,
		OPT_HELP
	};
	static const struct option opts[] = {
	    {"out", required_argument, NULL, OPT_OUT},
	    {"set", required_argument, NULL, OPT_SET},
	    {"sequence", required_argument, NULL, OPT_SEQ},
	    {"fixtures", required_argument, NULL, OPT_FIX},
	    {"seed", required_argument, NULL, OPT_SEED},
	    {"category", required_argument, NULL, OPT_CAT},
	    {"symbology", required_argument, NULL, OPT_SYM},
	    {"mode", required_argument, NULL, OPT_MODE},
	    {"text", required_argument, NULL, OPT_TEXT},
	    {"size", required_argument, NULL, OPT_SIZE},
	    {"per-category", required_argument, NULL, OPT_PER},
	    {"severity", required_argument, NULL, OPT_SEV},
	    {"frames", required_argument, NULL, OPT_FRAMES},
	    {"help", no_argument, NULL, OPT_HELP},
	    {NULL, 0, NULL, 0},
	};
	const char *out = NULL, *set = NULL, *seq = NULL, *fix = NULL, *text = NULL;
	struct frame_spec spec;
	uint64_t seed = 1, per = 0, frames = 45;
	int w = 0, h = 0, modes, opt, known;
	char *end;

	memset(&spec, 0, sizeof(spec));
	spec.category = "nominal";
	spec.symbology = PHONESIM_QR;
	spec.severity = 1.0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_OUT:
			out = optarg;
			break;
		case OPT_SET:
			set = optarg;
			break;
		case OPT_SEQ:
			seq = optarg;
			break;
		case OPT_FIX:
			fix = optarg;
			break;
		case OPT_SEED:
			if (!parse_u64(optarg, &seed))
				return die_usage("bad --seed (want a non-negative integer)",
						 optarg);
			break;
		case OPT_CAT:
			known = 0;
			for (int i = 0; phonesim_categories[i]; i++)
				known |= strcmp(optarg, phonesim_categories[i]) == 0;
			if (!known)
				return die_usage("unknown --category", optarg);
			spec.category = optarg;
			break;
		case OPT_SYM:
			known = 0;
			for (size_t i = 0; i < sizeof(symbologies) / sizeof(symbologies[0]); i++) {
				if (strcmp(optarg, symbologies[i].word) == 0) {
					spec.symbology = symbologies[i].sym;
					known = 1;
				}
			}
			if (!known)
				return die_usage("bad --symbology (want qr, code128, ean13, ean8, "
						 "upca, code39 or i25)",
						 optarg);
			break;
		case OPT_MODE:
			if (strcmp(optarg, "light") && strcmp(optarg, "dark"))
				return die_usage("bad --mode (want light or dark)", optarg);
			spec.dark = strcmp(optarg, "dark") == 0;
			break;
		case OPT_TEXT:
			if (!text_ok(optarg))
				return die_usage("bad --text (1 to 79 printable ASCII characters)",
						 optarg);
			text = optarg;
			break;
		case OPT_SIZE:
			if (sscanf(optarg, "%dx%d", &w, &h) != 2 || w < 64 || h < 64 || w > 4096 ||
			    h > 4096)
				return die_usage("bad --size (want WxH, e.g. 640x480 or 1280x720)",
						 optarg);
			break;
		case OPT_PER:
			if (!parse_u64(optarg, &per) || per < 1 || per > 999)
				return die_usage("bad --per-category (want 1 to 999)", optarg);
			break;
		case OPT_SEV:
			spec.severity = strtod(optarg, &end);
			if (*end || !(spec.severity > 0 && spec.severity <= 1))
				return die_usage("bad --severity (want a number in (0, 1])",
						 optarg);
			break;
		case OPT_FRAMES:
			if (!parse_u64(optarg, &frames) || frames < 3 || frames > 999)
				return die_usage("bad --frames (want 3 to 999)", optarg);
			break;
		case OPT_HELP:
			usage(stdout);
			return 0;
		default:
			return die_usage("unknown or incomplete option", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return die_usage("unexpected argument", argv[optind]);
	modes = !!out + !!set + !!seq + !!fix;
	if (modes != 1)
		return die_usage("give exactly one of --out, --set, --sequence, --fixtures", NULL);
	if (set && per == 0)
		return die_usage("--set needs --per-category N", NULL);

	spec.seed = seed;
	spec.width = w ? w : 640;
	spec.height = h ? h : 480;
	if (text)
		snprintf(spec.text, sizeof(spec.text), "%s", text);
	else
		random_text(seed, 24, spec.text, sizeof(spec.text));

	if (out) {
		struct phonesim_scene sc;
		if (spec_scene(&spec, &sc))
			return EXIT_FAILURE;
		return render_save(&sc, spec.seed ^ 0x5e45, out) ? EXIT_FAILURE : EXIT_SUCCESS;
	}
	if (set)
		return run_set(set, (int)per, seed, w, h, spec.severity, 0, NULL) ? EXIT_FAILURE
										  : EXIT_SUCCESS;
	if (seq)
		return run_sequence(seq, &spec, (int)frames) ? EXIT_FAILURE : EXIT_SUCCESS;
	return run_fixtures(fix, seed) ? EXIT_FAILURE : EXIT_SUCCESS;
}
