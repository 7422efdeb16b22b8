/*
 * Card text to a module matrix through the encoders Debian keeps:
 * libqrencode for QR and libzint for Code128. No barcode logic lives here,
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

int card_code_128(struct card_code *code, const char *text, struct card_error *err)
{
	struct zint_symbol *z;
	int ret = CARD_ERR_ENCODE;

	memset(code, 0, sizeof(*code));
	z = ZBarcode_Create();
	if (!z)
		return CARD_ERR_NOMEM;
	z->symbology = BARCODE_CODE128;
	z->input_mode = DATA_MODE;
	if (ZBarcode_Encode(z, (const unsigned char *)text, (int)strlen(text)) >= ZINT_ERROR) {
		/* zint says why, e.g. "Input too long (60 symbol character maximum)". */
		card_fail(err, ret, 0, "Code128 cannot encode %s: %s", text, z->errtxt);
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
	code->quiet = 10; /* ISO/IEC 15417: ten modules */
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
