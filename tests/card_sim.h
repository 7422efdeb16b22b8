/*
 * Glue between custcard and the phone simulator for the card tests: a card
 * picture custcard drew, as phonesim_render_card takes it.
 */
#ifndef CARD_SIM_H
#define CARD_SIM_H

#include "card.h"
#include "phonesim.h"

/* The picture pic of a card written with layout l (card_write's). */
static inline struct phonesim_card card_sim_card(const struct scanner_image *pic,
						 const struct card_layout *l)
{
	struct phonesim_card card = {.image = pic,
				     .code_x = l->code_x,
				     .code_y = l->code_y,
				     .module = l->module_px,
				     .modules = l->modules,
				     .quiet = l->quiet,
				     .bar_modules = l->code_h / l->module_px};

	return card;
}

#endif
