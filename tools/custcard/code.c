/*
 * Card text to a module matrix through the encoders Debian keeps:
 * libqrencode for QR and libzint for Code128 and, for card rules (issue 10),
 * EAN-13, EAN-8, UPC-A, Code 39 and Interleaved 2 of 5. No barcode logic lives here,
 * only the copy of their output into one matrix shape.
 */
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>
#include <zint.h>

#include "card_impl.h"

int card_code_qr(struct card_code *code, const char *text, struct card_error *err)
{
	QRcode *qr;
	size_t n;

	memset(code, 0, sizeof(*code));
	/* Byte mode, version chosen by the encoder, case kept as it is. */
	qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_Q);
	if (!qr)
		return card_fail(err, CARD_ERR_ENCODE, 0, "QR cannot encode %s", text);
	n = (size_t)qr->width * (size_t)qr->width;
	code->dark = malloc(n);
	if (!code->dark) {
		QRcode_free(qr);
		return CARD_ERR_NOMEM;
	}
	/* Bit 0 of each libqrencode byte is the module colour (1 = dark). */
	for (size_t i = 0; i < n; i++)
		code->dark[i] = qr->data[i] & 1;
	code->width = qr->width;
	code->height = qr->width;
	code->quiet = 4; /* ISO/IEC 18004: four modules */
	QRcode_free(qr);
	return 0;
}

/*
 * zint's symbology and the standard's quiet zone (modules each side) for a
 * linear symbology: ISO/IEC 15417 (Code128), 16388 (Code 39) and 16390
 * (Interleaved 2 of 5) ask for ten modules; EAN/UPC (ISO/IEC 15420) for 11
 * on the left of EAN-13 (9 for UPC-A, 7 for EAN-8) and fewer on the right:
 * the largest is kept on both sides, as the phone simulator does.
 */
static int zint_symbology(enum scanner_symbology sym, int *quiet)
{
	switch (sym) {
	case SCANNER_SYM_CODE128:
		*quiet = 10;
		return BARCODE_CODE128;
	case SCANNER_SYM_EAN13:
	case SCANNER_SYM_EAN8:
		/* zint tells EAN-8 from EAN-13 by the number of digits. */
		*quiet = 11;
		return BARCODE_EANX;
	case SCANNER_SYM_UPCA:
		*quiet = 9;
		return BARCODE_UPCA;
	case SCANNER_SYM_CODE39:
		*quiet = 10;
		return BARCODE_CODE39;
	case SCANNER_SYM_I25:
		*quiet = 10;
		return BARCODE_C25INTER;
	default:
		return 0;
	}
}

int card_code_linear(struct card_code *code, enum scanner_symbology sym, const char *text,
		     struct card_error *err)
{
	struct zint_symbol *z;
	int ret = CARD_ERR_ENCODE, quiet = 0, zsym = zint_symbology(sym, &quiet);
	size_t len = strlen(text);

	memset(code, 0, sizeof(*code));
	if (!zsym)
		return card_fail(err, CARD_ERR_INVAL, 0, "%s is no linear symbology",
				 scanner_symbology_name(sym));
	/*
	 * EAN/UPC: zint is given the digits without their check digit and adds
	 * it (given eight digits, zint 2.12 makes a zero-padded EAN-13, not an
	 * EAN-8), so the one given must be the one it adds.
	 */
	if (zsym != BARCODE_CODE128 && zsym != BARCODE_CODE39 && zsym != BARCODE_C25INTER) {
		if (!custid_check_valid(CUSTID_CHECK_EAN, text, len))
			return card_fail(err, CARD_ERR_ENCODE, 0,
					 "%s cannot encode %s: its last digit is not the EAN check "
					 "digit",
					 scanner_symbology_name(sym), text);
		len--;
	}
	z = ZBarcode_Create();
	if (!z)
		return CARD_ERR_NOMEM;
	z->symbology = zsym;
	z->input_mode = DATA_MODE;
	if (ZBarcode_Encode(z, (const unsigned char *)text, (int)len) >= ZINT_ERROR) {
		/* zint says why, e.g. "Input too long (60 symbol character maximum)". */
		card_fail(err, ret, 0, "%s cannot encode %s: %s",
			  sym == SCANNER_SYM_CODE128 ? "Code128" : scanner_symbology_name(sym),
			  text, z->errtxt);
		goto out_delete;
	}
	code->dark = malloc((size_t)z->width);
	if (!code->dark) {
		ret = CARD_ERR_NOMEM;
		goto out_delete;
	}
	/* Row 0 of encoded_data is a bit field, least significant bit first. */
	for (int x = 0; x < z->width; x++)
		code->dark[x] = (z->encoded_data[0][x >> 3] >> (x & 7)) & 1;
	code->width = z->width;
	code->height = 1;
	code->quiet = quiet;
	ret = 0;
out_delete:
	ZBarcode_Delete(z);
	return ret;
}

void card_code_release(struct card_code *code)
{
	if (!code)
		return;
	free(code->dark);
	memset(code, 0, sizeof(*code));
}
