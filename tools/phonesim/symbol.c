/*
 * Card text to a module matrix, through the real encoders: libqrencode for QR
 * (byte mode, level M, as card apps usually issue them) and libzint for the
 * linear codes (Code128, and for card rules EAN-13, EAN-8, UPC-A, Code 39
 * and Interleaved 2 of 5). No barcode logic of our own lives here.
 */
#include "phonesim.h"

#include <stdlib.h>
#include <string.h>

#include <qrencode.h>
#include <zint.h>

static int symbol_qr(struct phonesim_symbol *sym, const char *text)
{
	QRcode *qr;
	int n;

	qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (!qr)
		return -1;
	n = qr->width;
	sym->dark = malloc((size_t)n * (size_t)n);
	if (!sym->dark) {
		QRcode_free(qr);
		return -1;
	}
	/* Bit 0 of each libqrencode byte is the module colour (1 = dark). */
	for (int i = 0; i < n * n; i++)
		sym->dark[i] = qr->data[i] & 1;
	sym->width = n;
	sym->height = n;
	sym->quiet = 4;
	QRcode_free(qr);
	return 0;
}

/*
 * A linear code through zint: one row of modules and its quiet zone. EAN and
 * UPC want 11 modules of quiet zone on the left (9 for UPC), Code128, Code
 * 39 and ITF 10; the EAN value covers all of them.
 */
static int symbol_linear(struct phonesim_symbol *sym, const char *text, int zint_symbology,
			 int quiet)
{
	struct zint_symbol *z;
	int ret = -1;

	z = ZBarcode_Create();
	if (!z)
		return -1;
	z->symbology = zint_symbology;
	z->input_mode = DATA_MODE;
	if (ZBarcode_Encode(z, (const unsigned char *)text, (int)strlen(text)) >= ZINT_ERROR)
		goto out_delete;
	sym->dark = malloc((size_t)z->width);
	if (!sym->dark)
		goto out_delete;
	/*
	 * encoded_data holds row 0 as a bit field, least significant bit first
	 * (zint.h: "rows of 1152 modules" in 144 bytes).
	 */
	for (int x = 0; x < z->width; x++)
		sym->dark[x] = (z->encoded_data[0][x >> 3] >> (x & 7)) & 1;
	sym->width = z->width;
	sym->height = 1;
	sym->quiet = quiet;
	ret = 0;
out_delete:
	ZBarcode_Delete(z);
	return ret;
}

int phonesim_symbol_init(struct phonesim_symbol *sym, enum phonesim_symbology symbology,
			 const char *text)
{
	memset(sym, 0, sizeof(*sym));
	sym->symbology = symbology;
	switch (symbology) {
	case PHONESIM_QR:
		return symbol_qr(sym, text);
	case PHONESIM_CODE128:
		return symbol_linear(sym, text, BARCODE_CODE128, 10);
	case PHONESIM_EAN13:
	case PHONESIM_EAN8:
		/* zint tells EAN-8 from EAN-13 by the number of digits. */
		return symbol_linear(sym, text, BARCODE_EANX, 11);
	case PHONESIM_UPCA:
		return symbol_linear(sym, text, BARCODE_UPCA, 11);
	case PHONESIM_CODE39:
		return symbol_linear(sym, text, BARCODE_CODE39, 10);
	case PHONESIM_I25:
		return symbol_linear(sym, text, BARCODE_C25INTER, 10);
	case PHONESIM_NONE:
		break;
	}
	return -1;
}

void phonesim_symbol_release(struct phonesim_symbol *sym)
{
	if (!sym)
		return;
	free(sym->dark);
	sym->dark = NULL;
	sym->width = 0;
	sym->height = 0;
}
