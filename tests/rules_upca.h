/*
 * The UPC-A card rule the card-rule tests share: no file in docs/rules/ has
 * one (number system 4, in-store numbers, checked as EAN).
 */
#ifndef TESTS_RULES_UPCA_H
#define TESTS_RULES_UPCA_H

#define UPCA_TEST_RULES                                                                            \
	"[rule upc]\n"                                                                             \
	"symbologies = upca\n"                                                                     \
	"prefix = 4\n"                                                                             \
	"length = 12\n"                                                                            \
	"charset = 0-9\n"                                                                          \
	"check = ean\n"

#endif
