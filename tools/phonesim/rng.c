/*
 * The simulator's own PRNG: xoshiro256** (Blackman and Vigna), seeded by
 * splitmix64. Owning it keeps frames identical across C libraries.
 */
#include "phonesim.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void phonesim_rng_seed(struct phonesim_rng *rng, uint64_t seed)
{
	uint64_t x = seed;

	for (int i = 0; i < 4; i++)
		rng->s[i] = splitmix64(&x);
}

uint64_t phonesim_rng_next(struct phonesim_rng *rng)
{
	uint64_t *s = rng->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double phonesim_rng_unit(struct phonesim_rng *rng)
{
	/* The top 53 bits give every double in [0, 1) on a 2^-53 grid. */
	return (double)(phonesim_rng_next(rng) >> 11) * 0x1.0p-53;
}

double phonesim_rng_range(struct phonesim_rng *rng, double lo, double hi)
{
	return lo + (hi - lo) * phonesim_rng_unit(rng);
}

int phonesim_rng_int(struct phonesim_rng *rng, int lo, int hi)
{
	uint64_t span = (uint64_t)(hi - lo) + 1;

	return lo + (int)(phonesim_rng_next(rng) % span);
}

double phonesim_rng_normal(struct phonesim_rng *rng)
{
	double u1 = phonesim_rng_unit(rng);
	double u2 = phonesim_rng_unit(rng);

	if (u1 < 1e-300)
		u1 = 1e-300;
	return sqrt(-2.0 * log(u1)) * cos(2.0 * PHONESIM_PI * u2);
}
