/*
 * Card rules end to end on simulated camera frames: cards of each
 * symbology a rule may ask for (EAN-13, EAN-8, UPC-A, Code 39, Interleaved
 * 2 of 5, QR, Code128) rendered by the phone simulator, decoded with exactly
 * the symbologies the rules need, then matched; and product codes that must
 * be read (or not even read) but never taken for a card.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "phonesim.h"
#include "scanner/cardrules.h"
#include "scanner/decoder.h"
#include "scanner/image.h"
#include "rules_upca.h"

#define RULES(f) CUSTSCAN_SOURCE_DIR "/docs/rules/" f
/* Frames per case, and how many must give the card (a frame may be unlucky). */
#define SEEDS	  3
#define MIN_READS 2

static const char upca_rules[] = UPCA_TEST_RULES;

struct decode_case {
	const char *rules;		/* a file in docs/rules/, or NULL: upca_rules */
	enum phonesim_symbology sym;	/* what the phone shows */
	const char *text;		/* what is encoded (zint adds EAN/UPC check digits) */
	enum scanner_symbology read_as; /* what the decoder reports */
	const char *rule;		/* the rule that takes it, or NULL: no card */
	const char *id;
	const char *card;
};

static const struct decode_case cases[] = {
    {"linked-cards.rules", PHONESIM_EAN8, "2000123", SCANNER_SYM_EAN8, "linked_ean8", "0001230",
     "20001230"},
    {"linked-cards.rules", PHONESIM_EAN13, "290000001234", SCANNER_SYM_EAN13, "linked_ean13",
     "00000012349", "2900000012349"},
    {"linked-cards.rules", PHONESIM_I25, "02900000123458", SCANNER_SYM_I25, "linked_itf14",
     "00000123458", "02900000123458"},
    {"linked-cards.rules", PHONESIM_CODE128, "12345", SCANNER_SYM_CODE128, "linked_short", "12345",
     "12345"},
    {"ean13-instore.rules", PHONESIM_EAN13, "240001234567", SCANNER_SYM_EAN13, "member_ean13",
     "0001234567", "2400012345676"},
    {"ean13-instore.rules", PHONESIM_QR, "CUST#DEMO-0001", SCANNER_SYM_QR, "cust", "DEMO-0001",
     "CUST#DEMO-0001"},
    {"prefix-code39.rules", PHONESIM_CODE39, "MBR-00422", SCANNER_SYM_CODE39, "member", "00422",
     "MBR-00422"},
    {"prefix-code39.rules", PHONESIM_QR, "MBR-00422", SCANNER_SYM_QR, "member", "00422",
     "MBR-00422"},
    {"odoo-client.rules", PHONESIM_EAN13, "042000012345", SCANNER_SYM_EAN13, "client", "0000123453",
     "0420000123453"},
    {NULL, PHONESIM_UPCA, "41234567890", SCANNER_SYM_UPCA, "upc", "12345678903", "412345678903"},
    /* Products: read, never a card. */
    {"ean13-instore.rules", PHONESIM_EAN13, "400638133393", SCANNER_SYM_EAN13, NULL, NULL, NULL},
    {"ean13-instore.rules", PHONESIM_EAN13, "230001234567", SCANNER_SYM_EAN13, NULL, NULL, NULL},
    {"linked-cards.rules", PHONESIM_EAN8, "9638507", SCANNER_SYM_EAN8, NULL, NULL, NULL},
    {NULL, PHONESIM_UPCA, "03600029145", SCANNER_SYM_UPCA, NULL, NULL, NULL},
};

/* The rules of a file in docs/rules/, or upca_rules for NULL. */
static struct cardrules *rules_of(const char *file)
{
	char path[512];
	struct cardrules *rules = NULL;
	struct cardrules_error err;
	int rc;

	snprintf(path, sizeof(path), "%s%s", RULES(""), file ? file : "");
	rc = file ? cardrules_load_file(path, &rules, &err)
		  : cardrules_parse(upca_rules, sizeof(upca_rules) - 1, &rules, &err);
	if (rc)
		fail_msg("%s:%d: %s", file ? path : "upca", err.line, err.message);
	return rules;
}

/* Renders tc's card for seed, decodes it under rules; returns the symbols read. */
static size_t render_and_decode(const struct decode_case *tc, struct scanner *dec, uint64_t seed,
				struct scanner_result *res)
{
	struct phonesim_scene scene;
	struct phonesim_rng rng;
	struct scanner_image img;
	struct scanner_frame frame;

	phonesim_rng_seed(&rng, seed);
	assert_int_equal(phonesim_scene_random(&scene, "nominal", tc->sym, seed % 2 == 0, tc->text,
					       640, 480, 0.5, &rng),
			 0);
	assert_int_equal(scanner_image_init(&img, 640, 480), 0);
	if (phonesim_render(&scene, seed, &img))
		fail_msg("%s: the simulator cannot encode it", tc->text);
	frame = scanner_image_frame(&img, 0, 0);
	assert_int_equal(scanner_decode(dec, &frame, res), 0);
	scanner_image_release(&img);
	return res->count;
}

static void run_case(const struct decode_case *tc)
{
	struct cardrules *rules = rules_of(tc->rules);
	struct scanner_config cfg;
	struct scanner *dec = NULL;
	int cards = 0, reads = 0;

	scanner_config_init_default(&cfg);
	cfg.symbologies = cardrules_symbologies(rules);
	cfg.budget_us = 0;
	assert_int_equal(scanner_create(&cfg, &dec), 0);
	for (uint64_t seed = 1; seed <= SEEDS; seed++) {
		struct scanner_result res;

		render_and_decode(tc, dec, seed, &res);
		for (size_t i = 0; i < res.count; i++) {
			struct cardrules_match m;
			enum custid_reason why =
			    cardrules_match(rules, res.symbols[i].type, res.symbols[i].data,
					    res.symbols[i].len, &m);

			reads += res.symbols[i].type == tc->read_as;
			if (why != CUSTID_OK)
				continue;
			if (!tc->rule)
				fail_msg("%s: product taken for a card of rule %s", tc->text,
					 m.rule);
			if (strcmp(m.rule, tc->rule) || strcmp(m.id, tc->id) ||
			    strcmp(m.card, tc->card) || m.symbology != tc->read_as)
				fail_msg("%s: rule %s id %s card %s, want %s %s %s", tc->text,
					 m.rule, m.id, m.card, tc->rule, tc->id, tc->card);
			cards++;
		}
	}
	/* A product must be read (so the test shows the decoder saw it), a card taken. */
	if ((tc->rule ? cards : reads) < MIN_READS)
		fail_msg("%s as %s: %d of %d frames", tc->text, scanner_symbology_name(tc->read_as),
			 tc->rule ? cards : reads, SEEDS);
	scanner_destroy(dec);
	cardrules_destroy(rules);
}

static void test_cards_of_each_symbology(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
}

/* The default configuration reads no product code at all: EAN/UPC are off. */
static void test_default_reads_no_products(void **state)
{
	static const struct decode_case products[] = {
	    {NULL, PHONESIM_EAN13, "400638133393", SCANNER_SYM_EAN13, NULL, NULL, NULL},
	    {NULL, PHONESIM_EAN13, "240001234567", SCANNER_SYM_EAN13, NULL, NULL, NULL},
	    {NULL, PHONESIM_UPCA, "03600029145", SCANNER_SYM_UPCA, NULL, NULL, NULL},
	    {NULL, PHONESIM_I25, "10012345678902", SCANNER_SYM_I25, NULL, NULL, NULL},
	};
	struct custid_syntax syntax;
	struct cardrules *rules;
	struct scanner_config cfg;
	struct scanner *dec = NULL;

	(void)state;
	custid_syntax_init_default(&syntax);
	assert_int_equal(cardrules_create_default(&syntax, SCANNER_SYM_DEFAULT, &rules), 0);
	scanner_config_init_default(&cfg);
	cfg.symbologies = cardrules_symbologies(rules);
	cfg.budget_us = 0;
	assert_int_equal(scanner_create(&cfg, &dec), 0);
	for (size_t i = 0; i < sizeof(products) / sizeof(products[0]); i++) {
		for (uint64_t seed = 1; seed <= 2; seed++) {
			struct scanner_result res;

			if (render_and_decode(&products[i], dec, seed, &res))
				fail_msg("%s: read as %s with EAN/UPC off", products[i].text,
					 scanner_symbology_name(res.symbols[0].type));
		}
	}
	scanner_destroy(dec);
	cardrules_destroy(rules);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cards_of_each_symbology),
	    cmocka_unit_test(test_default_reads_no_products),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
