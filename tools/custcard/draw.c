/*
 * The card layouts: where codes and text go on a label, a phone card and the
 * sheet, and drawing them with cairo.
 *
 * Everything is laid out in dots of the card's resolution, so a code's
 * modules are whole dots: a label printer prints every bar the same width,
 * and a phone shows every module the same number of screen pixels (a QR with
 * uneven modules is what moiré then eats). The PNG is drawn at one dot per
 * pixel; the PDF is the same drawing scaled to points, so both have exactly
 * the same geometry.
 *
 * Sections: sizes, planning each kind, drawing.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "card_impl.h"

/* ---------------------------------------------------------------- sizes */

const struct card_label_size card_label_sizes[] = {
    {"62", 62.0, 30.0, "62 mm continuous tape (Brother QL DK-22205), cut at 30 mm"},
    {"62x29", 62.0, 29.0, "62 x 29 mm die-cut (Brother QL DK-11209)"},
    {"57x32", 57.0, 32.0, "57 x 32 mm (2.25 x 1.25 in: Dymo, Zebra, gift-card labels)"},
    {"51x25", 50.8, 25.4, "51 x 25 mm (2 x 1 in: Zebra, price labels)"},
    {NULL, 0, 0, NULL},
};

const struct card_label_size *card_label_size_find(const char *name)
{
	for (const struct card_label_size *s = card_label_sizes; name && s->name; s++)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

/* The phone card: 1080 x 1440 pixels (a phone's width, shown full screen),
 * printed as 90 x 120 mm, so 12 dots per mm. */
#define PHONE_W	  1080
#define PHONE_H	  1440
#define PHONE_DPI (PHONE_W / (90.0 / 25.4))

/* ISO/IEC 7810 ID-1, the size of a payment card, on an A4 sheet. */
#define ID1_W_MM    85.60
#define ID1_H_MM    53.98
#define A4_W_MM	    210.0
#define A4_H_MM	    297.0
#define MM_PER_INCH 25.4
/* pi (M_PI is not in strict C11 with POSIX 2008 alone). */
#define CARD_PI 3.14159265358979323846

static double dots(double mm, double dpi)
{
	return mm * dpi / MM_PER_INCH;
}

static const char *default_title(const struct card_spec *spec)
{
	return spec->title ? spec->title : "Customer card";
}

/* ---------------------------------------------------------------- planning */

/* The linear symbology of spec's label: the rule's, or Code128 for CUST#. */
static enum scanner_symbology linear_of(const struct card_spec *spec)
{
	return spec->symbology ? spec->symbology : SCANNER_SYM_CODE128;
}

bool card_kind_applies(const struct card_spec *spec, enum card_kind kind)
{
	bool rule_qr = spec && spec->symbology == SCANNER_SYM_QR;
	bool rule_linear = spec && spec->symbology && !rule_qr;

	return !(kind == CARD_LABEL && rule_qr) && !(kind == CARD_PHONE_DARK && rule_linear);
}

/*
 * Places a linear code (sym) of text across [x0, x0 + width) dots, centred,
 * with its quiet zones inside that width and modules of whole dots no
 * thinner than CARD_MIN_MODULE_MM. Returns 0, ENCODE or FIT (with what would
 * fit).
 */
static int place_linear(struct card_placed *p, enum scanner_symbology sym, const char *text,
			double dpi, int x0, int width, int y, int bar_h, struct card_error *err)
{
	int rc = card_code_linear(&p->code, sym, text, err);
	int total;

	if (rc)
		return rc;
	total = p->code.width + 2 * p->code.quiet;
	p->module = width / total;
	if (p->module < 1 || p->module * MM_PER_INCH / dpi < CARD_MIN_MODULE_MM - 1e-9)
		return card_fail(
		    err, CARD_ERR_FIT, 0,
		    "%s is %d modules with its quiet zones: across %.1f mm at %.0f dpi "
		    "a module can be %d dot%s (%.3f mm), below %.2f mm; take a wider "
		    "label, a higher resolution or a shorter id",
		    text, total, width * MM_PER_INCH / dpi, dpi, p->module,
		    p->module == 1 ? "" : "s", p->module * MM_PER_INCH / dpi, CARD_MIN_MODULE_MM);
	p->x = x0 + (width - total * p->module) / 2 + p->code.quiet * p->module;
	p->y = y;
	p->bar_h = bar_h;
	return 0;
}

/* Places a QR of text with its quiet zone in a square of side dots at (x0, y0). */
static int place_qr(struct card_placed *p, const char *text, int x0, int y0, int side,
		    struct card_error *err)
{
	int rc = card_code_qr(&p->code, text, err);
	int total;

	if (rc)
		return rc;
	total = p->code.width + 2 * p->code.quiet;
	p->module = side / total;
	if (p->module < 1)
		return card_fail(err, CARD_ERR_FIT, 0, "QR of %s does not fit", text);
	p->x = x0 + (side - total * p->module) / 2 + p->code.quiet * p->module;
	p->y = y0 + (side - total * p->module) / 2 + p->code.quiet * p->module;
	p->bar_h = p->module * p->code.height;
	return 0;
}

static void text_line(struct card_text *t, const char *text, bool mono, bool bold, double size,
		      double x, double baseline, double max_w)
{
	t->text = text;
	t->mono = mono;
	t->bold = bold;
	t->left = false;
	t->size = size;
	t->x = x;
	t->baseline = baseline;
	t->max_w = max_w;
}

/*
 * A label: Code128 across the top, the text under it, the name under that.
 * 2 mm margins keep clear of the unprintable edge of QL and Zebra printers.
 */
static int plan_label(struct card_plan *p, const struct card_spec *spec, struct card_error *err)
{
	const struct card_label_size *ls = spec->label ? spec->label : &card_label_sizes[0];
	double m = dots(2.0, p->dpi), inner_h;
	int bar_h, rc;

	if (!card_kind_applies(spec, CARD_LABEL))
		return card_fail(err, CARD_ERR_INVAL, 0,
				 "%s: a QR card has no label (the label is for linear codes)",
				 spec->text);
	p->w = (int)lround(dots(ls->width_mm, p->dpi));
	p->h = (int)lround(dots(ls->height_mm, p->dpi));
	p->crisp = true;
	inner_h = p->h - 2 * m;
	bar_h = (int)(inner_h * (spec->name ? 0.52 : 0.66));
	rc = place_linear(&p->main, linear_of(spec), spec->text, p->dpi, (int)m,
			  (int)(p->w - 2 * m), (int)m, bar_h, err);
	if (rc)
		return rc;
	text_line(&p->text[0], spec->text, true, true, inner_h * 0.17, p->w / 2.0,
		  m + bar_h + inner_h * 0.2, p->w - 2 * m);
	if (spec->name)
		text_line(&p->text[1], spec->name, false, false, inner_h * 0.16, p->w / 2.0,
			  m + bar_h + inner_h * 0.42, p->w - 2 * m);
	return 0;
}

/*
 * A phone card: title, a large QR, the text and the name. A rule's linear
 * card has its code across 90 % of the width instead, bars 40 mm tall at
 * the card's 12 dots a millimetre (taller than printed EAN bars: a phone is
 * held at any angle and a tall code survives more tilt).
 */
static int plan_phone(struct card_plan *p, const struct card_spec *spec, struct card_error *err)
{
	int side = (int)(PHONE_W * 0.8), top = 230, bottom, rc;

	p->w = PHONE_W;
	p->h = PHONE_H;
	p->dpi = PHONE_DPI;
	if (spec->symbology && spec->symbology != SCANNER_SYM_QR) {
		int width = (int)(PHONE_W * 0.9), bar_h = 480;

		rc = place_linear(&p->main, spec->symbology, spec->text, p->dpi,
				  (PHONE_W - width) / 2, width, top + 60, bar_h, err);
		bottom = p->main.y + bar_h + 40;
	} else {
		rc = place_qr(&p->main, spec->text, (PHONE_W - side) / 2, top, side, err);
		bottom = p->main.y + p->main.bar_h + p->main.code.quiet * p->main.module;
	}
	if (rc)
		return rc;
	text_line(&p->text[0], default_title(spec), false, true, 70, PHONE_W / 2.0, 150,
		  PHONE_W * 0.9);
	text_line(&p->text[1], spec->text, true, true, 58, PHONE_W / 2.0, bottom + 60,
		  PHONE_W * 0.9);
	if (spec->name)
		text_line(&p->text[2], spec->name, false, false, 62, PHONE_W / 2.0, bottom + 150,
			  PHONE_W * 0.9);
	return 0;
}

/*
 * The sheet: an ID-1 card outlined on A4, QR on its left, title, name and text
 * on its right, a Code128 along its bottom for handheld scanners. A rule's
 * card has its one code: a QR as there, or a linear code along the bottom,
 * taller, with the text from the card's left edge.
 */
static int plan_sheet(struct card_plan *p, const struct card_spec *spec, struct card_error *err)
{
	double d = p->dpi;
	bool qr = spec->symbology == 0 || spec->symbology == SCANNER_SYM_QR;
	bool linear = spec->symbology != SCANNER_SYM_QR;
	int cx, cy, cw, ch, rc = 0;

	p->w = (int)lround(dots(A4_W_MM, d));
	p->h = (int)lround(dots(A4_H_MM, d));
	cw = (int)lround(dots(ID1_W_MM, d));
	ch = (int)lround(dots(ID1_H_MM, d));
	cx = (p->w - cw) / 2;
	cy = (int)lround(dots(25.0, d));
	p->outline = true;
	p->card_x = cx;
	p->card_y = cy;
	p->card_w = cw;
	p->card_h = ch;
	if (qr)
		rc = place_qr(&p->main, spec->text, cx + (int)dots(1.5, d), cy + (int)dots(1.5, d),
			      (int)dots(33.0, d), err);
	if (!rc && linear)
		rc = place_linear(qr ? &p->extra : &p->main, linear_of(spec), spec->text, d,
				  cx + (int)dots(2.0, d), cw - (int)dots(4.0, d),
				  cy + (int)dots(qr ? 38.5 : 33.0, d),
				  (int)dots(qr ? 11.0 : 16.0, d), err);
	if (rc)
		return rc;
	{
		double tx = cx + dots(qr ? 36.0 : 4.0, d), tw = cw - dots(qr ? 39.0 : 8.0, d);
		text_line(&p->text[0], default_title(spec), false, true, dots(4.2, d), tx,
			  cy + dots(9.0, d), tw);
		if (spec->name)
			text_line(&p->text[1], spec->name, false, false, dots(4.2, d), tx,
				  cy + dots(19.0, d), tw);
		text_line(&p->text[2], spec->text, true, true, dots(3.4, d), tx, cy + dots(29.0, d),
			  tw);
		for (int i = 0; i < 3; i++)
			p->text[i].left = true;
		text_line(&p->text[3], "Cut along the outline.", false, false, dots(3.5, d),
			  p->w / 2.0, cy + ch + dots(12.0, d), cw);
	}
	return 0;
}

int card_plan_make(enum card_kind kind, const struct card_spec *spec, struct card_plan *plan,
		   struct card_error *err)
{
	int rc;

	memset(plan, 0, sizeof(*plan));
	if (!spec || !spec->text)
		return card_fail(err, CARD_ERR_INVAL, 0, "no card text");
	if (spec->dpi < CARD_DPI_MIN || spec->dpi > CARD_DPI_MAX)
		return card_fail(err, CARD_ERR_INVAL, 0, "resolution %d dpi: allowed %d to %d",
				 spec->dpi, CARD_DPI_MIN, CARD_DPI_MAX);
	plan->kind = kind;
	plan->dpi = spec->dpi;
	switch (kind) {
	case CARD_LABEL:
		rc = plan_label(plan, spec, err);
		break;
	case CARD_PHONE_DARK:
		if (!card_kind_applies(spec, kind)) {
			rc = card_fail(err, CARD_ERR_INVAL, 0,
				       "%s: a linear card has no dark variant (EAN, UPC, Code 39 "
				       "and ITF are dark bars on light)",
				       spec->text);
			break;
		}
		plan->dark = true;
		/* fall through */
	case CARD_PHONE:
		rc = plan_phone(plan, spec, err);
		break;
	case CARD_SHEET:
		rc = plan_sheet(plan, spec, err);
		break;
	default:
		rc = card_fail(err, CARD_ERR_INVAL, 0, "unknown card kind %d", (int)kind);
	}
	if (rc)
		card_plan_release(plan);
	return rc;
}

void card_plan_release(struct card_plan *plan)
{
	if (!plan)
		return;
	card_code_release(&plan->main.code);
	card_code_release(&plan->extra.code);
}

/* ---------------------------------------------------------------- drawing */

/*
 * Dark modules as rectangles, runs of a row merged (fewer PDF operators).
 * Bars are narrowed by trim dots on each side: see card_plan_draw.
 */
static void draw_code(cairo_t *cr, const struct card_placed *p, double trim)
{
	const struct card_code *c = &p->code;
	int row_h = c->height == 1 ? p->bar_h : p->module;

	if (!c->dark)
		return;
	for (int r = 0; r < c->height; r++)
		for (int x = 0; x < c->width;) {
			int run = 0;

			while (x + run < c->width && c->dark[r * c->width + x + run])
				run++;
			if (run)
				cairo_rectangle(cr, p->x + x * p->module + trim, p->y + r * row_h,
						run * p->module - 2 * trim, row_h);
			x += run ? run : 1;
		}
	cairo_fill(cr);
}

/* One line of text, shrunk to its width if it is wider. */
static void draw_text(cairo_t *cr, const struct card_text *t)
{
	cairo_text_extents_t ext;
	double size = t->size;

	if (!t->text)
		return;
	cairo_select_font_face(cr, t->mono ? "DejaVu Sans Mono" : "DejaVu Sans",
			       CAIRO_FONT_SLANT_NORMAL,
			       t->bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
	cairo_text_extents(cr, t->text, &ext);
	if (ext.x_advance > t->max_w && ext.x_advance > 0) {
		size *= t->max_w / ext.x_advance;
		cairo_set_font_size(cr, size);
		cairo_text_extents(cr, t->text, &ext);
	}
	cairo_move_to(cr, t->left ? t->x : t->x - ext.x_advance / 2, t->baseline);
	cairo_show_text(cr, t->text);
}

/* The sheet's card: a thin rounded outline (ID-1 corners, 3.18 mm) and cut marks. */
static void draw_outline(cairo_t *cr, const struct card_plan *p)
{
	double r = dots(3.18, p->dpi), x = p->card_x, y = p->card_y, w = p->card_w, h = p->card_h,
	       gap = dots(2.0, p->dpi), len = dots(6.0, p->dpi);

	cairo_save(cr);
	cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
	cairo_set_line_width(cr, dots(0.2, p->dpi));
	cairo_new_sub_path(cr);
	cairo_arc(cr, x + w - r, y + r, r, -CARD_PI / 2, 0);
	cairo_arc(cr, x + w - r, y + h - r, r, 0, CARD_PI / 2);
	cairo_arc(cr, x + r, y + h - r, r, CARD_PI / 2, CARD_PI);
	cairo_arc(cr, x + r, y + r, r, CARD_PI, 3 * CARD_PI / 2);
	cairo_close_path(cr);
	cairo_stroke(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (int i = 0; i < 4; i++) {
		double cx = (i & 1) ? x + w : x, cy = (i & 2) ? y + h : y;
		double sx = (i & 1) ? 1 : -1, sy = (i & 2) ? 1 : -1;

		cairo_move_to(cr, cx + sx * gap, cy);
		cairo_line_to(cr, cx + sx * (gap + len), cy);
		cairo_move_to(cr, cx, cy + sy * gap);
		cairo_line_to(cr, cx, cy + sy * (gap + len));
	}
	cairo_stroke(cr);
	cairo_restore(cr);
}

void card_plan_draw(const struct card_plan *plan, cairo_t *cr, bool vector)
{
	/*
	 * In a PDF, Code128 bars lose a quarter dot on each side (the bar width
	 * reduction label software applies): a RIP that fills every pixel a shape
	 * touches, as ghostscript does, then prints each bar exactly its whole
	 * dots wide instead of a dot wider, which made 2-dot modules unreadable.
	 * QR modules are left whole: trimming them would leave hairlines between
	 * rows on a screen.
	 */
	double bar_trim = vector ? 0.25 : 0.0;
	/* Dark mode: #121212 (Material's dark surface) and light grey ink. */
	double bg = plan->dark ? 18 / 255.0 : 1.0, ink = plan->dark ? 0.92 : 0.0;
	cairo_font_options_t *fo = cairo_font_options_create();

	/* The same glyph advances in PNG and PDF, so text fits the same way. */
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	if (plan->crisp)
		cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_NONE);
	cairo_set_font_options(cr, fo);
	cairo_font_options_destroy(fo);
	if (plan->crisp)
		cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);

	cairo_set_source_rgb(cr, bg, bg, bg);
	cairo_paint(cr);
	if (plan->outline)
		draw_outline(cr, plan);
	cairo_set_source_rgb(cr, ink, ink, ink);
	draw_code(cr, &plan->main, plan->main.code.height == 1 ? bar_trim : 0.0);
	draw_code(cr, &plan->extra, plan->extra.code.height == 1 ? bar_trim : 0.0);
	for (int i = 0; i < CARD_PLAN_TEXTS; i++)
		draw_text(cr, &plan->text[i]);
}
