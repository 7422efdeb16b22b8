/*
 * custcard's cards of card rules (issue 10), read back as the scanner reads
 * them: a decoder enabling exactly the symbologies the rules need, then
 * cardrules_match(), as custscan-decode --rules and the daemon do.
 *  - every example rules file in docs/rules/: a card of each of its rules
 *    (label, phone light and dark, sheet) gives exactly the rule and id;
 *  - numbers issued for each rule with a check digit, read back the same;
 *  - a linear (EAN-13) and a QR phone card on the simulated phone in front
 *    of the simulated webcam;
 *  - refusals with the rule's reason: a number the rule does not take, a
 *    wrong check digit, a disabled or unknown rule, a symbology the rule
 *    does not read, a number an earlier rule takes first, rules custcard
 *    cannot issue numbers for;
 *  - bulk: the numbers of the customer file's cards column get their
 *    cards; one no rule takes or one given twice stops it before writing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "card.h"
#include "card_sim.h"
#include "card_testutil.h"
#include "rules_upca.h"

#define RULES_DIR CUSTSCAN_SOURCE_DIR "/docs/rules/"

/* One card of a rule and what the register must get from it. */
struct rule_case {
	const char *file;	      /* in docs/rules/ */
	const char *rule;	      /* the rule asked for */
	enum scanner_symbology sym;   /* 0: the rule's first symbology */
	const char *number;	      /* the card number */
	enum scanner_symbology drawn; /* the symbology the card must be in */
	const char *id;		      /* the normalised id the rule gives */
};

/* UPC-A: no example file reads it (number system 4 is in-store). */
static const char upca_rules[] = UPCA_TEST_RULES;

static const struct rule_case cases[] = {
    {"ean13-instore.rules", "member_ean13", 0, "2400012345676", SCANNER_SYM_EAN13, "0001234567"},
    {"ean13-instore.rules", "cust", 0, "CUST#DEMO-0001", SCANNER_SYM_QR, "DEMO-0001"},
    {"ean13-instore.rules", "cust", SCANNER_SYM_CODE128, "CUST#DEMO-0001", SCANNER_SYM_CODE128,
     "DEMO-0001"},
    {"linked-cards.rules", "linked_short", 0, "12345", SCANNER_SYM_CODE128, "12345"},
    {"linked-cards.rules", "linked_short", SCANNER_SYM_CODE39, "42", SCANNER_SYM_CODE39, "42"},
    {"linked-cards.rules", "linked_ean8", 0, "20001230", SCANNER_SYM_EAN8, "0001230"},
    {"linked-cards.rules", "linked_ean13", 0, "2900000012349", SCANNER_SYM_EAN13, "00000012349"},
    {"linked-cards.rules", "linked_itf14", 0, "02900000123458", SCANNER_SYM_I25, "00000123458"},
    {"odoo-client.rules", "client", 0, "0420000123453", SCANNER_SYM_EAN13, "0000123453"},
    {"odoo-client.rules", "client", SCANNER_SYM_QR, "0420000123453", SCANNER_SYM_QR, "0000123453"},
    {"prefix-code39.rules", "member", 0, "MBR-00422", SCANNER_SYM_CODE39, "00422"},
    {"prefix-code39.rules", "member", SCANNER_SYM_QR, "MBR-00422", SCANNER_SYM_QR, "00422"},
    {upca_rules, "upc", 0, "412345678903", SCANNER_SYM_UPCA, "12345678903"},
};

/* The example files, each of which must have a case above. */
static const char *const rules_files[] = {"ean13-instore.rules", "linked-cards.rules",
					  "odoo-client.rules", "prefix-code39.rules"};

/* The rules of a file in docs/rules/, or of the text itself if it starts with '['. */
static struct cardrules *load(const char *file)
{
	char path[512];
	struct cardrules *rules = NULL;
	struct cardrules_error err;
	int rc;

	snprintf(path, sizeof(path), RULES_DIR "%s", file);
	rc = file[0] == '[' ? cardrules_parse(file, strlen(file), &rules, &err)
			    : cardrules_load_file(path, &rules, &err);
	if (rc)
		fail_msg("%s:%d: %s", file[0] == '[' ? "rules text" : path, err.line, err.message);
	return rules;
}

static void pick(const struct cardrules *rules, const char *name, enum scanner_symbology sym,
		 struct card_rule *rule)
{
	struct card_error err = {0};

	if (card_rule_pick(rules, name, sym, rule, &err))
		fail_msg("rule %s: %s", name, err.detail);
}

/*
 * Decodes img as a scanner with these rules would and asserts that every
 * symbol read is the card number in sym, taken by rule with id and card.
 */
static void expect_card(const struct cardrules *rules, const struct scanner_image *img,
			bool all_passes, enum scanner_symbology sym, const char *rule,
			const char *id, const char *number, const char *what)
{
	struct card_reads reads;

	card_test_decode_as(img, cardrules_symbologies(rules), all_passes, &reads);
	card_test_expect(&reads, sym, number, what);
	for (int i = 0; i < reads.count; i++) {
		struct cardrules_match m;
		enum custid_reason why =
		    cardrules_match(rules, reads.type[i], (const uint8_t *)reads.text[i],
				    strlen(reads.text[i]), &m);

		if (why != CUSTID_OK)
			fail_msg("%s: %s read but refused (%s)", what, reads.text[i],
				 custid_reason_name(why));
		if (strcmp(m.rule, rule) || strcmp(m.id, id) || strcmp(m.card, number))
			fail_msg("%s: rule %s id %s card %s, want %s %s %s", what, m.rule, m.id,
				 m.card, rule, id, number);
	}
}

static void expect_card_file(const struct cardrules *rules, const char *path, bool all_passes,
			     enum scanner_symbology sym, const char *rule, const char *id,
			     const char *number)
{
	struct scanner_image img;

	assert_int_equal(scanner_image_load(path, &img), 0);
	expect_card(rules, &img, all_passes, sym, rule, id, number, path);
	scanner_image_release(&img);
}

/* Writes every kind of card of spec as PNG under dir and reads each back. */
static void write_and_read(const char *dir, const struct cardrules *rules,
			   const struct card_spec *spec, const char *rule, const char *id)
{
	static const enum card_kind kinds[] = {CARD_LABEL, CARD_PHONE, CARD_PHONE_DARK, CARD_SHEET};
	char path[160];

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct card_spec s = *spec;
		struct card_error err = {0};

		if (!card_kind_applies(&s, kinds[k]))
			continue;
		/* The sheet is A4: 150 dpi keeps its decode short. */
		if (kinds[k] == CARD_SHEET)
			s.dpi = 150;
		snprintf(path, sizeof(path), "%s/%s-%u%s", dir, rule, (unsigned)s.symbology,
			 card_suffix(kinds[k], CARD_PNG));
		unlink(path);
		if (card_write(kinds[k], CARD_PNG, &s, path, true, NULL, &err))
			fail_msg("%s: %s", path, err.detail);
		expect_card_file(rules, path, kinds[k] == CARD_SHEET, s.symbology, rule, id,
				 spec->text);
	}
}

/* ---------------------------------------------------------------- every rules file */

static void test_every_rules_file(void **state)
{
	const char *dir = *state;
	bool covered[sizeof(rules_files) / sizeof(rules_files[0])] = {false};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rule_case *c = &cases[i];
		struct cardrules *rules = load(c->file);
		struct card_rule rule;
		struct cardrules_match m;
		struct card_error err = {0};

		pick(rules, c->rule, c->sym, &rule);
		assert_int_equal(rule.symbology, c->drawn);
		if (card_rule_check(&rule, c->number, &m, &err))
			fail_msg("%s %s: %s", c->rule, c->number, err.detail);
		assert_string_equal(m.rule, c->rule);
		assert_string_equal(m.id, c->id);
		{
			struct card_spec spec = {.text = c->number,
						 .name = "Ada Lovelace",
						 .dpi = 300,
						 .symbology = rule.symbology};

			write_and_read(dir, rules, &spec, c->rule, c->id);
		}
		for (size_t f = 0; f < sizeof(rules_files) / sizeof(rules_files[0]); f++)
			covered[f] |= !strcmp(rules_files[f], c->file);
		cardrules_destroy(rules);
	}
	for (size_t f = 0; f < sizeof(rules_files) / sizeof(rules_files[0]); f++)
		if (!covered[f])
			fail_msg("no card of %s", rules_files[f]);
}

/* A QR rule card has no label: card_write_all writes the other four files. */
static void test_qr_card_files(void **state)
{
	const char *dir = *state;
	struct cardrules *rules = load("prefix-code39.rules");
	struct card_rule rule;
	struct card_error err = {0};
	char prefix[128], path[160];

	pick(rules, "member", SCANNER_SYM_QR, &rule);
	{
		struct card_spec spec = {
		    .text = "MBR-00422", .dpi = 300, .symbology = rule.symbology};

		snprintf(prefix, sizeof(prefix), "%s/qrcard", dir);
		if (card_write_all(&spec, prefix, true, &err))
			fail_msg("%s", err.detail);
		for (int i = 0; i < CARD_OUTPUTS; i++) {
			snprintf(path, sizeof(path), "%s%s", prefix,
				 card_suffix(card_outputs[i].kind, card_outputs[i].format));
			assert_int_equal(access(path, F_OK) == 0,
					 card_outputs[i].kind != CARD_LABEL);
		}
		assert_int_equal(card_write(CARD_LABEL, CARD_PNG, &spec, path, false, NULL, &err),
				 CARD_ERR_INVAL);
		assert_non_null(strstr(err.detail, "a QR card has no label"));
	}
	cardrules_destroy(rules);
}

/* ---------------------------------------------------------------- issuing */

static void test_issue(void **state)
{
	const char *dir = *state;
	static const struct {
		const char *file, *rule, *start;
		size_t len;
	} rules_with_check[] = {
	    {"ean13-instore.rules", "member_ean13", "24", 13},
	    {"odoo-client.rules", "client", "042", 13},
	    {"linked-cards.rules", "linked_ean8", "2", 8},
	    {"linked-cards.rules", "linked_ean13", "29", 13},
	    {"linked-cards.rules", "linked_itf14", "029", 14},
	};

	for (size_t i = 0; i < sizeof(rules_with_check) / sizeof(rules_with_check[0]); i++) {
		struct cardrules *rules = load(rules_with_check[i].file);
		struct card_rule rule;
		char a[CARDRULES_CARD_BUFSZ], b[CARDRULES_CARD_BUFSZ];
		struct cardrules_match m;
		struct card_error err = {0};

		pick(rules, rules_with_check[i].rule, 0, &rule);
		if (card_rule_issue(&rule, 0, a, &err) || card_rule_issue(&rule, 0, b, &err))
			fail_msg("%s: %s", rules_with_check[i].rule, err.detail);
		assert_int_equal(strlen(a), rules_with_check[i].len);
		assert_int_equal(strspn(a, "0123456789"), strlen(a));
		assert_memory_equal(a, rules_with_check[i].start,
				    strlen(rules_with_check[i].start));
		/* Random: two numbers of at least six open digits differ. */
		assert_string_not_equal(a, b);
		assert_int_equal(card_rule_check(&rule, a, &m, &err), 0);
		assert_string_equal(m.rule, rules_with_check[i].rule);
		/* One wrong digit and the check refuses it. */
		a[strlen(a) - 1] = a[strlen(a) - 1] == '9' ? '0' : a[strlen(a) - 1] + 1;
		assert_int_equal(card_rule_check(&rule, a, NULL, &err), CARD_ERR_BAD_ID);
		assert_non_null(strstr(err.detail, "(bad_check)"));
		{
			struct card_spec spec = {
			    .text = b, .dpi = 300, .symbology = rule.symbology};
			char path[160];

			snprintf(path, sizeof(path), "%s/issued-%zu-label.png", dir, i);
			if (card_write(CARD_LABEL, CARD_PNG, &spec, path, true, NULL, &err))
				fail_msg("%s: %s", path, err.detail);
			card_rule_check(&rule, b, &m, &err);
			expect_card_file(rules, path, false, rule.symbology,
					 rules_with_check[i].rule, m.id, b);
		}
		cardrules_destroy(rules);
	}
}

/* ---------------------------------------------------------------- refusals */

/*
 * Picks rule name of file and asserts that the number (NULL: issuing one of
 * len digits) is refused with code and exactly detail.
 */
static void expect_refused(const char *file, const char *name, enum scanner_symbology sym,
			   const char *number, size_t len, int code, const char *detail)
{
	struct cardrules *rules = load(file);
	struct card_rule rule;
	struct card_error err = {0};
	char issued[CARDRULES_CARD_BUFSZ];
	int rc = card_rule_pick(rules, name, sym, &rule, &err);

	if (!rc)
		rc = number ? card_rule_check(&rule, number, NULL, &err)
			    : card_rule_issue(&rule, len, issued, &err);
	assert_int_equal(rc, code);
	assert_string_equal(err.detail, detail);
	cardrules_destroy(rules);
}

static void test_issue_refused(void **state)
{
	static const char no_check[] = "[rule plain]\n"
				       "symbologies = code128\n"
				       "prefix = 77\n"
				       "length = 12\n"
				       "charset = 0-9\n";
	(void)state;
	expect_refused("linked-cards.rules", "linked_short", 0, NULL, 0, CARD_ERR_BAD_RULE,
		       "rule linked_short takes card numbers of several lengths: give "
		       "--length");
	expect_refused("linked-cards.rules", "linked_short", 0, NULL, 5, CARD_ERR_BAD_RULE,
		       "rule linked_short has no check digit: custcard issues numbers only "
		       "for rules with one (a mistyped number is then refused)");
	expect_refused("linked-cards.rules", "linked_ean13", 0, NULL, 12, CARD_ERR_BAD_RULE,
		       "rule linked_ean13 takes no card numbers of 12 digits");
	expect_refused("prefix-code39.rules", "member", 0, NULL, 0, CARD_ERR_BAD_RULE,
		       "rule member takes no all-digit card numbers: custcard issues only "
		       "numbers");
	expect_refused(no_check, "plain", 0, NULL, 0, CARD_ERR_BAD_RULE,
		       "rule plain has no check digit: custcard issues numbers only for rules "
		       "with one (a mistyped number is then refused)");
}

static void test_refusals(void **state)
{
	static const char earlier[] = "[rule wide]\n"
				      "symbologies = code128\n"
				      "prefix = 7\n"
				      "charset = 0-9\n"
				      "[rule narrow]\n"
				      "symbologies = code128\n"
				      "prefix = 77\n"
				      "charset = 0-9\n";
	static const char lower[] = "[rule lower]\n"
				    "symbologies = code39\n"
				    "prefix = M-\n"
				    "charset = a-z\n";

	(void)state;
	expect_refused("ean13-instore.rules", "member_ean13", 0, "2400012345670", 0,
		       CARD_ERR_BAD_ID,
		       "2400012345670: refused by rule member_ean13 (bad_check): its check digit "
		       "is wrong");
	expect_refused("ean13-instore.rules", "member_ean13", 0, "2300012345677", 0,
		       CARD_ERR_BAD_ID,
		       "2300012345677: refused by rule member_ean13 (not_customer_card): not a "
		       "card of the rule (its prefix, pattern, characters or lengths)");
	expect_refused("prefix-code39.rules", "member", 0, "MBR-00423", 0, CARD_ERR_BAD_ID,
		       "MBR-00423: refused by rule member (bad_check): its check digit is wrong");
	expect_refused("prefix-code39.rules", "member", 0, "MBR-12", 0, CARD_ERR_BAD_ID,
		       "MBR-12: refused by rule member (bad_length): not one of the rule's "
		       "lengths");
	expect_refused("prefix-code39.rules", "member_old", 0, "OLD-123", 0, CARD_ERR_BAD_RULE,
		       "rule member_old is disabled (enabled = no): the scanner reads none of its "
		       "cards");
	expect_refused("prefix-code39.rules", "membr", 0, "MBR-00422", 0, CARD_ERR_BAD_RULE,
		       "no rule \"membr\" (the rules: member, member_old)");
	expect_refused("prefix-code39.rules", "member", SCANNER_SYM_EAN13, "MBR-00422", 0,
		       CARD_ERR_BAD_RULE, "rule member does not read EAN-13");
	expect_refused("linked-cards.rules", "linked_short", SCANNER_SYM_QR, "1234", 0,
		       CARD_ERR_BAD_ID,
		       "1234: refused by rule linked_short (not_customer_card): not a card of the "
		       "rule (its prefix, pattern, characters or lengths)");
	/* Code 39 has no lower case: the scanner would never read it back. */
	expect_refused(lower, "lower", 0, "M-abc", 0, CARD_ERR_BAD_ID,
		       "M-abc: refused: Code 39 carries upper case letters, digits and \" "
		       "-.$/+%\"");
	/* The scanner tries rules in order: the first one takes this card. */
	expect_refused(earlier, "narrow", 0, "771234", 0, CARD_ERR_BAD_ID,
		       "771234: refused: the scanner would read it as a card of rule wide, "
		       "which comes first");
}

/* ---------------------------------------------------------------- bulk */

static const char bulk_rules[] = "[rule member_ean13]\n"
				 "symbologies = ean13\n"
				 "pattern = 24(\\d{10})\\d\n"
				 "check = ean\n"
				 "[rule member]\n"
				 "symbologies = code39, qr\n"
				 "prefix = MBR-\n"
				 "length = 8-16\n"
				 "charset = 0-9\n"
				 "check = luhn\n"
				 "check_covers = id\n";

/* Runs bulk on the customer file text into a fresh folder out-<n>. */
static int bulk(const char *dir, int n, const char *csv, const struct cardrules *rules,
		struct card_bulk_report *rep, struct card_error *err)
{
	struct custid_syntax syntax;
	char name[32], customers[128], out[128];
	struct card_bulk b = {.customers = customers,
			      .out_dir = out,
			      .syntax = &syntax,
			      .label = &card_label_sizes[0],
			      .dpi = 300,
			      .rules = rules};

	custid_syntax_init_default(&syntax);
	syntax.check = CUSTID_CHECK_MOD37_36;
	snprintf(name, sizeof(name), "customers-%d.csv", n);
	card_test_write_file(dir, name, csv);
	snprintf(customers, sizeof(customers), "%s/%s", dir, name);
	snprintf(out, sizeof(out), "%s/out-%d", dir, n);
	assert_int_equal(mkdir(out, 0700), 0);
	return card_bulk_run(&b, rep, err);
}

/* The numbers of the cards column get their cards, read back as the rule's. */
static void test_bulk_cards_column(void **state)
{
	const char *dir = *state;
	struct cardrules *rules = load(bulk_rules);
	struct card_bulk_report rep;
	struct card_error err = {0};
	char path[160];

	if (bulk(dir, 1,
		 "id,first_name,last_name,email,phone,cards\n"
		 ",Ada,Lovelace,a@x,1,2400012345676; MBR-00422\n"
		 ",Grace,Hopper,g@x,2,\n",
		 rules, &rep, &err))
		fail_msg("%s", err.detail);
	assert_int_equal(rep.customers, 2);
	assert_int_equal(rep.cards, 2);
	snprintf(path, sizeof(path), "%s/out-1/2400012345676-label.png", dir);
	expect_card_file(rules, path, false, SCANNER_SYM_EAN13, "member_ean13", "0001234567",
			 "2400012345676");
	snprintf(path, sizeof(path), "%s/out-1/MBR-00422-phone.png", dir);
	expect_card_file(rules, path, false, SCANNER_SYM_CODE39, "member", "00422", "MBR-00422");

	/* A number no rule takes, and one given twice: nothing written. */
	assert_int_equal(bulk(dir, 2,
			      "id,first_name,last_name,email,phone,cards\n"
			      ",Ada,Lovelace,a@x,1,2400012345670\n",
			      rules, &rep, &err),
			 CARD_ERR_BAD_ID);
	snprintf(path, sizeof(path),
		 "%s/customers-2.csv:2: card 2400012345670: no rule of the "
		 "rules file takes it (in the first symbology the rule lists)",
		 dir);
	assert_string_equal(err.detail, path);
	assert_int_equal(bulk(dir, 3,
			      "id,first_name,last_name,email,phone,cards\n"
			      ",Ada,Lovelace,a@x,1,MBR-00422\n"
			      ",Grace,Hopper,g@x,2,MBR-00422\n",
			      rules, &rep, &err),
			 CARD_ERR_DUPLICATE);
	snprintf(path, sizeof(path),
		 "%s/customers-3.csv:3: card MBR-00422 is also on line 2 (as a card or an id)",
		 dir);
	assert_string_equal(err.detail, path);
	for (int n = 2; n <= 3; n++) {
		snprintf(path, sizeof(path), "%s/out-%d/customer-ids.csv", dir, n);
		assert_int_equal(access(path, F_OK), -1);
	}
	cardrules_destroy(rules);
}

/* ---------------------------------------------------------------- the simulator */

/*
 * A rule's phone card PNG on the simulated phone in front of the simulated
 * webcam at 640x480, light and (QR only: a linear card has none) dark, in
 * everyday, tilted and rolled scenes: every frame must give the card, as
 * the rule and id the register gets.
 */
static void through_simulator(const char *dir, const char *file, const char *name,
			      enum scanner_symbology sym, enum phonesim_symbology psym,
			      const char *number, const char *id)
{
	static const char *const categories[] = {"nominal", "tilt", "rotation"};
	struct cardrules *rules = load(file);
	struct card_rule rule;
	char path[160], what[256];
	int frames = 0, dark_too = sym == SCANNER_SYM_QR;

	pick(rules, name, sym, &rule);
	for (int dark = 0; dark <= dark_too; dark++) {
		struct card_spec spec = {
		    .text = number, .name = "Ada Lovelace", .dpi = 300, .symbology = sym};
		struct card_layout l;
		struct card_error err = {0};
		struct scanner_image pic;

		snprintf(path, sizeof(path), "%s/sim-%s-%d.png", dir, name, dark);
		unlink(path);
		if (card_write(dark ? CARD_PHONE_DARK : CARD_PHONE, CARD_PNG, &spec, path, true, &l,
			       &err))
			fail_msg("%s: %s", path, err.detail);
		assert_int_equal(scanner_image_load(path, &pic), 0);
		for (size_t c = 0; c < sizeof(categories) / sizeof(categories[0]); c++)
			for (uint64_t seed = 1; seed <= 2; seed++) {
				struct phonesim_card card = card_sim_card(&pic, &l);
				struct phonesim_scene scene;
				struct phonesim_rng rng;
				struct scanner_image frame;

				phonesim_rng_seed(&rng, seed * 104729 + c);
				assert_int_equal(phonesim_scene_random(&scene, categories[c], psym,
								       dark, number, 640, 480, 0.6,
								       &rng),
						 0);
				scene.supersample = 2;
				assert_int_equal(scanner_image_init(&frame, 640, 480), 0);
				assert_int_equal(phonesim_render_card(&scene, &card, seed, &frame),
						 0);
				snprintf(what, sizeof(what), "%s %s card, %s, seed %d", name,
					 dark ? "dark" : "light", categories[c], (int)seed);
				if (getenv("CUSTCARD_KEEP_FRAMES")) {
					snprintf(path, sizeof(path), "/tmp/rule-%s-%d-%zu-%d.png",
						 name, dark, c, (int)seed);
					scanner_image_save(path, &frame);
				}
				expect_card(rules, &frame, false, sym, name, id, number, what);
				scanner_image_release(&frame);
				frames++;
			}
		scanner_image_release(&pic);
	}
	assert_int_equal(frames, (1 + dark_too) * 3 * 2);
	cardrules_destroy(rules);
}

static void test_linear_through_simulator(void **state)
{
	through_simulator(*state, "ean13-instore.rules", "member_ean13", SCANNER_SYM_EAN13,
			  PHONESIM_EAN13, "2400012345676", "0001234567");
}

static void test_qr_through_simulator(void **state)
{
	through_simulator(*state, "prefix-code39.rules", "member", SCANNER_SYM_QR, PHONESIM_QR,
			  "MBR-00422", "00422");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_rules_file),
	    cmocka_unit_test(test_qr_card_files),
	    cmocka_unit_test(test_issue),
	    cmocka_unit_test(test_issue_refused),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_bulk_cards_column),
	    cmocka_unit_test(test_linear_through_simulator),
	    cmocka_unit_test(test_qr_through_simulator),
	};
	int failed = card_test_run("test_card_rules", tests, sizeof(tests) / sizeof(tests[0]),
				   card_test_setup_dir, card_test_teardown_dir);

	card_cleanup();
	return failed;
}
