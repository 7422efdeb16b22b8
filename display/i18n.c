/*
 * The string catalogue (see display/i18n.h): one table per language,
 * indexed by key with designated initialisers, so a missing string is a
 * NULL the completeness test finds rather than a shifted table.
 */
#include "display/i18n.h"

#include <string.h>

struct display_lang {
	const char *code;	  /* two-letter ISO 639-1 code */
	const char *const *texts; /* DISPLAY_TEXT_COUNT strings */
};

static const char *const texts_en[DISPLAY_TEXT_COUNT] = {
    [DISPLAY_TEXT_IDLE_TAGLINE] = "Have your customer card ready",
    [DISPLAY_TEXT_CAMERA_LABEL] = "Camera",
    [DISPLAY_TEXT_READY_TITLE] = "Hold your customer card up to the camera",
    [DISPLAY_TEXT_READY_HINT] = "Turn your phone's brightness up",
    [DISPLAY_TEXT_READING_TITLE] = "Hold still\u2026",
    [DISPLAY_TEXT_READING_HINT] = "Reading your card",
    [DISPLAY_TEXT_CHECKING_TITLE] = "One moment\u2026",
    [DISPLAY_TEXT_CHECKING_HINT] = "Checking your card",
    [DISPLAY_TEXT_WELCOME] = "Welcome,",
    [DISPLAY_TEXT_ACCEPTED] = "Customer card accepted",
    [DISPLAY_TEXT_CONFIRMED_HINT] = "You can put your phone away",
    [DISPLAY_TEXT_NOT_A_CARD_TITLE] = "This is not a customer card",
    [DISPLAY_TEXT_NOT_A_CARD_HINT] = "Open the customer card in your wallet or app "
				     "and show it again",
    [DISPLAY_TEXT_BAD_CODE_TITLE] = "This card could not be read",
    [DISPLAY_TEXT_BAD_CODE_HINT] = "Please show it again, or ask the cashier",
    [DISPLAY_TEXT_UNKNOWN_CARD_TITLE] = "We don't recognise this card",
    [DISPLAY_TEXT_UNKNOWN_CARD_HINT] = "Please ask the cashier",
    [DISPLAY_TEXT_CARD_REFUSED_TITLE] = "This card can't be used here",
    [DISPLAY_TEXT_CARD_REFUSED_HINT] = "Please ask the cashier",
    [DISPLAY_TEXT_NOT_CHECKED_TITLE] = "Your card could not be checked",
    [DISPLAY_TEXT_NOT_CHECKED_HINT] = "Please try again, or ask the cashier",
    [DISPLAY_TEXT_WAIT_CASHIER_TITLE] = "Please wait for the cashier",
    [DISPLAY_TEXT_WAIT_CASHIER_HINT] = "This purchase already has a customer card",
    [DISPLAY_TEXT_SCANNER_DOWN_TITLE] = "Card scanning is not available right now",
    [DISPLAY_TEXT_SCANNER_DOWN_HINT] = "Please show your card to the cashier",
    [DISPLAY_TEXT_REGISTER_DOWN_TITLE] = "Card scanning is paused",
    [DISPLAY_TEXT_REGISTER_DOWN_HINT] = "Please ask the cashier",
};

static const char *const texts_de[DISPLAY_TEXT_COUNT] = {
    [DISPLAY_TEXT_IDLE_TAGLINE] = "Halten Sie Ihre Kundenkarte bereit",
    [DISPLAY_TEXT_CAMERA_LABEL] = "Kamera",
    [DISPLAY_TEXT_READY_TITLE] = "Halten Sie Ihre Kundenkarte vor die Kamera",
    [DISPLAY_TEXT_READY_HINT] = "Bildschirmhelligkeit Ihres Smartphones erh\u00f6hen",
    [DISPLAY_TEXT_READING_TITLE] = "Bitte ruhig halten\u2026",
    [DISPLAY_TEXT_READING_HINT] = "Ihre Karte wird gelesen",
    [DISPLAY_TEXT_CHECKING_TITLE] = "Einen Moment\u2026",
    [DISPLAY_TEXT_CHECKING_HINT] = "Ihre Karte wird gepr\u00fcft",
    [DISPLAY_TEXT_WELCOME] = "Willkommen,",
    [DISPLAY_TEXT_ACCEPTED] = "Kundenkarte akzeptiert",
    [DISPLAY_TEXT_CONFIRMED_HINT] = "Sie k\u00f6nnen Ihr Smartphone wegstecken",
    [DISPLAY_TEXT_NOT_A_CARD_TITLE] = "Das ist keine Kundenkarte",
    [DISPLAY_TEXT_NOT_A_CARD_HINT] = "\u00d6ffnen Sie die Kundenkarte in Ihrer Wallet oder "
				     "App und zeigen Sie sie erneut",
    [DISPLAY_TEXT_BAD_CODE_TITLE] = "Die Karte konnte nicht gelesen werden",
    [DISPLAY_TEXT_BAD_CODE_HINT] = "Bitte zeigen Sie sie erneut oder fragen Sie an der Kasse",
    [DISPLAY_TEXT_UNKNOWN_CARD_TITLE] = "Diese Karte ist uns nicht bekannt",
    [DISPLAY_TEXT_UNKNOWN_CARD_HINT] = "Bitte wenden Sie sich an die Kasse",
    [DISPLAY_TEXT_CARD_REFUSED_TITLE] = "Diese Karte kann hier nicht verwendet werden",
    [DISPLAY_TEXT_CARD_REFUSED_HINT] = "Bitte wenden Sie sich an die Kasse",
    [DISPLAY_TEXT_NOT_CHECKED_TITLE] = "Ihre Karte konnte nicht gepr\u00fcft werden",
    [DISPLAY_TEXT_NOT_CHECKED_HINT] = "Bitte versuchen Sie es erneut oder fragen Sie an der "
				      "Kasse",
    [DISPLAY_TEXT_WAIT_CASHIER_TITLE] = "Bitte warten Sie auf das Kassenpersonal",
    [DISPLAY_TEXT_WAIT_CASHIER_HINT] = "F\u00fcr diesen Einkauf ist schon eine Kundenkarte "
				       "erfasst",
    [DISPLAY_TEXT_SCANNER_DOWN_TITLE] = "Kartenscan gerade nicht m\u00f6glich",
    [DISPLAY_TEXT_SCANNER_DOWN_HINT] = "Bitte zeigen Sie Ihre Karte an der Kasse vor",
    [DISPLAY_TEXT_REGISTER_DOWN_TITLE] = "Kartenscan kurz unterbrochen",
    [DISPLAY_TEXT_REGISTER_DOWN_HINT] = "Bitte wenden Sie sich an die Kasse",
};

static const struct display_lang langs[] = {
    {"en", texts_en},
    {"de", texts_de},
};

#define N_LANGS (sizeof(langs) / sizeof(langs[0]))

const struct display_lang *display_lang_find(const char *code)
{
	size_t i;

	if (!code)
		return NULL;
	for (i = 0; i < N_LANGS; i++) {
		/* "de", or "de" followed by a region or encoding: "de_DE.UTF-8", "de-AT" */
		if (strncmp(code, langs[i].code, 2) == 0 &&
		    (code[2] == '\0' || code[2] == '_' || code[2] == '-' || code[2] == '.'))
			return &langs[i];
	}
	return NULL;
}

size_t display_lang_count(void)
{
	return N_LANGS;
}

const struct display_lang *display_lang_at(size_t index)
{
	return index < N_LANGS ? &langs[index] : NULL;
}

const char *display_lang_code(const struct display_lang *lang)
{
	return lang ? lang->code : "";
}

const char *display_text_raw(const struct display_lang *lang, enum display_text key)
{
	if (!lang || (unsigned)key >= DISPLAY_TEXT_COUNT)
		return NULL;
	return lang->texts[key];
}

const char *display_text(const struct display_lang *lang, enum display_text key)
{
	const char *t = display_text_raw(lang, key);

	if (!t)
		t = display_text_raw(&langs[0], key);
	return t ? t : "";
}

const char *display_text_key_name(enum display_text key)
{
	switch (key) {
#define DISPLAY_TEXT_CASE(name)                                                                    \
	case DISPLAY_TEXT_##name:                                                                  \
		return #name;
		DISPLAY_TEXT_MAP(DISPLAY_TEXT_CASE)
#undef DISPLAY_TEXT_CASE
	default:
		return "?";
	}
}
