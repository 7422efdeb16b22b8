/*
 * custscan_card: customer cards for custscan (issue 7).
 *
 * The pieces, in the order a card is made:
 *   issue.c      a fresh random id in the scanner's syntax, with its check
 *                character (getrandom(), never anything about the customer)
 *   code.c       card text -> module matrix, through libqrencode (QR) and
 *                libzint (Code128); no barcode logic of our own
 *   draw.c       the layouts (label, phone card light and dark, the
 *                credit-card-sized sheet), drawn in millimetres with cairo
 *   output.c     a layout to a PNG (greyscale, with its resolution recorded)
 *                or a PDF of the page's exact size
 *   customers.c  the back-office customer CSV, read and written
 *   bulk.c       one card per customer and the CSV mapping customer to id
 *   rule.c       cards of a shop's own card rules (issue 10): a rule and its
 *                symbology picked, a card number checked by the rule exactly
 *                as the scanner will, a fresh number issued for a rule
 *
 * Functions return 0 or a negative card_err and never print; where there is
 * more to say than the code (which file, which line, why an id was refused)
 * they fill a struct card_error the caller passes in (NULL if not wanted).
 * Nothing here keeps global state; every function may be called from any
 * thread on its own objects.
 */
#ifndef CARD_H
#define CARD_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/cardrules.h"
#include "scanner/custid.h"

/* ---------------------------------------------------------------- errors */

#define CARD_ERR_MAP(X)                                                                            \
	X(NOMEM, "out of memory")                                                                  \
	X(INVAL, "invalid argument")                                                               \
	X(IO, "input/output error")                                                                \
	X(EXISTS, "file exists")                                                                   \
	X(RANDOM, "no random numbers from the system")                                             \
	X(BAD_ID, "id refused")                                                                    \
	X(BAD_NAME, "name refused")                                                                \
	X(ENCODE, "the barcode encoder refused the text")                                          \
	X(FIT, "the code does not fit the card")                                                   \
	X(RENDER, "drawing failed")                                                                \
	X(CSV, "malformed customer file")                                                          \
	X(DUPLICATE, "id used twice")                                                              \
	X(BAD_RULE, "card rule refused")

enum card_err {
	CARD_OK = 0,
#define CARD_ERR_ENUM(name, msg) CARD_ERR_##name,
	CARD_ERR_FIRST_ = -200,
	CARD_ERR_MAP(CARD_ERR_ENUM)
#undef CARD_ERR_ENUM
};

/* A static message for a card_err code (or "unknown error"). Never NULL. */
const char *card_strerror(int err);

/* What went wrong, for the user: the code, and where and why. */
struct card_error {
	int code;	  /* the card_err returned */
	int line;	  /* line of the customer file, 0 if none */
	char detail[512]; /* "customers.csv:12: unterminated quoted field", ... */
};

/*
 * Frees the font caches cairo and fontconfig keep for the whole process
 * (cairo_debug_reset_static_data, FcFini). Call it once at exit, when no
 * thread draws any more, so that a leak checker sees a clean exit; nothing
 * else needs it.
 */
void card_cleanup(void);

/* ---------------------------------------------------------------- ids */

/* Shortest id card_id_issue makes: at least 40 random bits before the check. */
#define CARD_ID_MIN_BITS 40

/*
 * The default id length for a check scheme, check character included: 10 for
 * MOD 37-36 and none (9 or 10 random characters of [0-9A-Z], 46 bits or more,
 * and short enough for a Code128 label: README "Where it stops"), 16 digits
 * for Luhn (15 random digits, 49 bits, like a payment card number).
 */
size_t card_id_default_len(enum custid_check scheme);

/*
 * Issues a fresh id of len characters (check character included) into id,
 * which holds CUSTID_ID_BUFSZ bytes: random characters of [0-9A-Z] (digits for
 * Luhn) from getrandom(), drawn uniformly, then the scheme's check character.
 * The id carries nothing about the customer. Returns 0, INVAL when len is
 * above CUSTID_MAX_ID_LEN or gives fewer than CARD_ID_MIN_BITS random bits,
 * or RANDOM when the system gives no random numbers.
 */
int card_id_issue(enum custid_check scheme, size_t len, char *id);

/*
 * Checks a card text the way the scanner will: syntax is the scanner's
 * (custid.h). On success writes the id (without prefix) to id (may be NULL)
 * and returns 0; otherwise returns BAD_ID with the validator's reason in err,
 * e.g. "CUST#a b: refused (bad_charset)".
 */
int card_id_check(const struct custid_syntax *syntax, const char *text, char *id,
		  struct card_error *err);

/*
 * Checks a name for printing: valid UTF-8, no control characters, at most
 * CARD_NAME_MAX bytes. Returns 0 or BAD_NAME with the reason in err.
 */
#define CARD_NAME_MAX 96
int card_name_check(const char *name, struct card_error *err);

/* ---------------------------------------------------------------- cards */

/*
 * What each kind holds for a CUST# card; a card of a rule (card_spec's
 * symbology set) has its one symbology on every kind instead, a QR rule
 * card has no label, and a linear rule card no dark variant
 * (card_kind_applies).
 */
enum card_kind {
	CARD_LABEL,	 /* Code128, the text and the name, on a label printer's label */
	CARD_PHONE,	 /* QR for a phone screen, dark modules on white */
	CARD_PHONE_DARK, /* the same for dark mode: light modules on near-black */
	CARD_SHEET,	 /* A4 with a credit-card-sized card to cut out (QR and Code128) */
};

enum card_format {
	CARD_PNG, /* 8-bit greyscale, its resolution in the pHYs chunk */
	CARD_PDF, /* one page of the card's exact size, vector */
};

/* A label size label printers in shops take. */
struct card_label_size {
	const char *name;  /* what --label takes: "62", "57x32", ... */
	double width_mm;   /* across the printer's feed */
	double height_mm;  /* along it (cut length for continuous tape) */
	const char *about; /* which labels these are, for --help */
};

/* The sizes, ending with a NULL name; the first is the default. */
extern const struct card_label_size card_label_sizes[];

/* The size called name, or NULL. */
const struct card_label_size *card_label_size_find(const char *name);

/* Resolutions a PNG may be drawn at (dots per inch). */
#define CARD_DPI_MIN	 150
#define CARD_DPI_MAX	 1200
#define CARD_DPI_DEFAULT 300

/* What to draw. */
struct card_spec {
	const char *text;		     /* "CUST#<id>", checked with card_id_check */
	const char *name;		     /* the customer's name (UTF-8) or NULL */
	const char *title;		     /* heading of phone card and sheet, NULL: default */
	const struct card_label_size *label; /* CARD_LABEL only */
	int dpi;			     /* PNG resolution of label and sheet; codes are
						snapped to whole dots at it (in PDFs too) */
	enum scanner_symbology symbology;    /* 0: a CUST# card (QR and Code128, as
						enum card_kind says); else a rule's card
						number, drawn in this one symbology on
						every kind (checked with card_rule_check) */
};

/*
 * Whether a card of spec has kind: every kind but the label of a QR rule
 * card (the label layout is for linear codes; such a card is for phones
 * and the sheet) and the dark phone card of a linear rule card (EAN, UPC,
 * Code 39 and ITF are specified as dark bars on light, most handheld
 * scanners read no other, and custscan misses inverted EAN-13 on tilted
 * phones in the simulator).
 */
bool card_kind_applies(const struct card_spec *spec, enum card_kind kind);

/* Smallest Code128 module a label is printed with (thermal printers lose
 * thinner bars); below it the label is refused with FIT. */
#define CARD_MIN_MODULE_MM 0.16

/* Where the main code landed on the drawn card, so tests can check it. */
struct card_layout {
	double page_w_mm, page_h_mm; /* page size */
	int px_w, px_h;		     /* PNG size in pixels */
	double code_x, code_y;	     /* the code's centre, PNG pixels */
	double module_px;	     /* PNG pixels per module (whole number) */
	int modules;		     /* code width in modules, quiet zone excluded */
	int quiet;		     /* quiet zone in modules */
	int code_h;		     /* code height, PNG pixels (a linear code's bars) */
};

/*
 * Draws the card kind of spec to path as format. With exclusive an existing
 * file is never replaced (EXISTS). Fills *layout if not NULL. Returns 0 or a
 * negative card_err with detail in err: ENCODE when the text cannot be
 * encoded, FIT when the code would be below CARD_MIN_MODULE_MM at this label
 * size and resolution, IO or EXISTS for the file.
 */
int card_write(enum card_kind kind, enum card_format format, const struct card_spec *spec,
	       const char *path, bool exclusive, struct card_layout *layout,
	       struct card_error *err);

/* The file name suffix of a kind and format: "-label.png", "-phone-dark.png". */
const char *card_suffix(enum card_kind kind, enum card_format format);

/*
 * The files `custcard --id` writes for one card, in order: label PNG and PDF,
 * phone PNG, phone dark PNG, phone PDF, sheet PDF.
 */
struct card_output {
	enum card_kind kind;
	enum card_format format;
};
#define CARD_OUTPUTS 6
extern const struct card_output card_outputs[CARD_OUTPUTS];

/*
 * Writes all CARD_OUTPUTS files for spec as prefix + suffix (those whose
 * kind applies: card_kind_applies). It first plans
 * every one and, with exclusive, looks for existing files: if a layout does
 * not fit (FIT) or a file exists (EXISTS), nothing is written. Returns 0 or
 * the first error (after a write error, the files written before it stay).
 */
int card_write_all(const struct card_spec *spec, const char *prefix, bool exclusive,
		   struct card_error *err);

/* ---------------------------------------------------------------- rule cards */

/*
 * A card rule of a rules file (scanner/cardrules.h) and the symbology its
 * cards are drawn in. Borrows rules, which must outlive it.
 */
struct card_rule {
	const struct cardrules *rules;	  /* the whole rule set, in the scanner's order */
	size_t index;			  /* the rule's place in it */
	const char *name;		  /* its name (owned by rules) */
	enum scanner_symbology symbology; /* one symbology the rule reads */
};

/*
 * Picks the rule called name from rules, and the symbology: sym if not 0
 * (which the rule must read), else the first its rules file lists. Returns
 * 0 with *out filled, or BAD_RULE with why in err: no such rule (the names
 * listed), the rule is disabled, or it does not read sym.
 */
int card_rule_pick(const struct cardrules *rules, const char *name, enum scanner_symbology sym,
		   struct card_rule *out, struct card_error *err);

/*
 * Checks a card number for rule as the scanner will read it: it must be
 * what the symbology carries (EAN-13: 13 digits, EAN-8: 8, UPC-A: 12,
 * Interleaved 2 of 5: an even number of digits, Code 39: upper case,
 * digits and " -.$/+%"), the rule must take it, check included, and no
 * earlier rule of the set may take it first. On success fills *m (may be
 * NULL) with what the register will get (rule, id, card) and returns 0;
 * otherwise returns BAD_ID with the reason in err, the rule's own where it
 * has one: "2400012345670: refused by rule member_ean13 (bad_check): ...".
 */
int card_rule_check(const struct card_rule *rule, const char *number, struct cardrules_match *m,
		    struct card_error *err);

/* Fewest random digits card_rule_issue puts in a number (a million numbers). */
#define CARD_RULE_MIN_RANDOM 6

/*
 * Issues a fresh card number for rule into number (CARDRULES_CARD_BUFSZ
 * bytes): every digit the rule leaves open drawn from getrandom(), those
 * it fixes (a prefix, also one inside a pattern) as it fixes them, and the
 * last digit the one that makes the rule's check hold; then checked with
 * card_rule_check. Only for rules of all-digit cards of one length (len:
 * 0 picks the one length, else one of the rule's lengths) with a check
 * digit and at least CARD_RULE_MIN_RANDOM open digits: anything else is
 * BAD_RULE with why. Numbers are random, not tracked: whether a number was
 * issued before is for the shop's records (bulk checks its own file).
 * Returns 0, BAD_RULE or RANDOM.
 */
int card_rule_issue(const struct card_rule *rule, size_t len, char *number, struct card_error *err);

/* ---------------------------------------------------------------- customers */

/*
 * The back-office customer CSV that custscan-register reads (README, "The
 * register link"): a header line `id,first_name,last_name,email,phone`,
 * optionally with a sixth column `cards` (other card numbers the customer
 * holds, issue 10), then one customer a record with the header's fields,
 * RFC 4180 quoting (quoted fields may hold commas, doubled quotes and line
 * breaks), LF or CRLF, an optional UTF-8 BOM. An empty id means "no card yet".
 */
struct card_customer {
	char id[CUSTID_ID_BUFSZ]; /* the id without prefix, "" if none yet */
	char *first_name;	  /* owned by the list; never NULL */
	char *last_name;
	char *email;
	char *phone;
	char *cards; /* "" when empty or the file has no cards column */
	int line;    /* line of the file the record starts on */
};

struct card_customers;

/* Largest customer file read (bytes) and field (bytes). */
#define CARD_CSV_MAX_SIZE  (64 * 1024 * 1024)
#define CARD_CSV_MAX_FIELD 256

/*
 * Parses data[0..len) (named name in messages). Returns 0 and a list in *out,
 * or CSV (with the line and what is wrong: an unterminated quote, a stray
 * quote, a wrong number of fields, a NUL byte, invalid UTF-8, a control
 * character, a field that is too long, a wrong header), BAD_ID (an id outside
 * the syntax; with the validator's reason) or DUPLICATE (both lines named).
 * Ids already present are checked against syntax, which carries the check
 * scheme. The caller destroys the list.
 */
int card_customers_parse(const char *data, size_t len, const char *name,
			 const struct custid_syntax *syntax, struct card_customers **out,
			 struct card_error *err);

/* Reads and parses the file at path (IO, NOENT-like errors as IO). */
int card_customers_read(const char *path, const struct custid_syntax *syntax,
			struct card_customers **out, struct card_error *err);

void card_customers_destroy(struct card_customers *list);
size_t card_customers_count(const struct card_customers *list);
/* The i-th customer in file order; i < count. Owned by the list. */
struct card_customer *card_customers_get(struct card_customers *list, size_t i);

/* Whether some customer of the list has this id. */
bool card_customers_has_id(const struct card_customers *list, const char *id);

/*
 * Writes the list in the layout it was read in (five or six columns),
 * quoting only where needed. With
 * exclusive an existing file is not replaced (EXISTS). Returns 0 or IO/EXISTS.
 */
int card_customers_write(const struct card_customers *list, const char *path, bool exclusive,
			 struct card_error *err);

/* ---------------------------------------------------------------- bulk */

struct card_bulk {
	const char *customers;		     /* the back-office CSV */
	const char *out_dir;		     /* existing directory for the cards */
	const char *map_path;		     /* the CSV written, NULL: out_dir/customer-ids.csv */
	const struct custid_syntax *syntax;  /* ids kept and issued, with the check scheme */
	size_t id_len;			     /* length of issued ids, 0: the scheme's default */
	const struct card_label_size *label; /* label size */
	int dpi;			     /* resolution */
	const char *title;		     /* heading of phone card and sheet, or NULL */
	const struct cardrules *rules;	     /* NULL, or the card rules whose cards the
						numbers of the cards column get too */
};

struct card_bulk_report {
	size_t customers; /* records read */
	size_t kept;	  /* customers who had an id, kept as it was */
	size_t issued;	  /* customers given a new id */
	size_t cards;	  /* cards drawn for numbers of the cards column */
	char map_path[4096];
};

/*
 * Issues an id to every customer without one and writes the mapping CSV
 * (the input with every id filled in, loadable by custscan-register) and,
 * per customer, the CARD_OUTPUTS files out_dir/<id>-label.png, .... Existing
 * ids are never changed, an issued id never equals another in the file, and
 * nothing is overwritten: if the mapping file or any card file exists it
 * stops with EXISTS before writing anything. The mapping is written before
 * the cards, so an id issued is never lost.
 *
 * With rules, every number of a customer's cards column (separated by ';'
 * or blanks, as custscan-register reads it) gets its card too, as
 * out_dir/<number>-label.png, ...: the first enabled rule that takes it in
 * the first symbology the rule lists (card_rule_check). A number no rule
 * takes (BAD_ID), one that cannot be a file name (BAD_ID), or one given
 * twice or equal to an id (DUPLICATE) stops the run before anything is
 * written, with its line. Returns 0 or a negative card_err with detail in
 * err.
 */
int card_bulk_run(const struct card_bulk *bulk, struct card_bulk_report *report,
		  struct card_error *err);

#endif
