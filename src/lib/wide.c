/* Wide integers: schoolbook multiplication, and division by a 64-bit limb (the common
 * divisor: a power of 10 up to 10^19) in one pass, by anything wider bit by bit over the
 * limbs in use. Slow next to 128-bit arithmetic, and only reached when that overflows. */
#include "wide.h"

#include <string.h>

__extension__ typedef unsigned __int128 u128;

static int used(const uint64_t *m)
{
	int n = WIDE_LIMBS;
	while (n > 0 && m[n - 1] == 0)
		n--;
	return n;
}

static int mag_cmp(const uint64_t *a, const uint64_t *b)
{
	for (int i = WIDE_LIMBS; i-- > 0;)
		if (a[i] != b[i])
			return a[i] > b[i] ? 1 : -1;
	return 0;
}

/* false on a carry out of the top limb */
static bool mag_add(const uint64_t *a, const uint64_t *b, uint64_t *out)
{
	u128 carry = 0;
	for (int i = 0; i < WIDE_LIMBS; i++) {
		carry += (u128)a[i] + b[i];
		out[i] = (uint64_t)carry;
		carry >>= 64;
	}
	return carry == 0;
}

/* a - b over the first n limbs (a >= b there, or the difference taken modulo 2^(64 n)) */
static void sub_limbs(const uint64_t *a, const uint64_t *b, uint64_t *out, int n)
{
	uint64_t borrow = 0;
	for (int i = 0; i < n; i++) {
		uint64_t x = a[i], y = b[i];
		uint64_t d = x - y - borrow;
		borrow = (x < y) || (x == y && borrow) ? 1 : 0;
		out[i] = d;
	}
}

/* a - b, a >= b */
static void mag_sub(const uint64_t *a, const uint64_t *b, uint64_t *out)
{
	sub_limbs(a, b, out, WIDE_LIMBS);
}

/* sign(a - b) over the first n limbs */
static int cmp_limbs(const uint64_t *a, const uint64_t *b, int n)
{
	for (int i = n; i-- > 0;)
		if (a[i] != b[i])
			return a[i] > b[i] ? 1 : -1;
	return 0;
}

static bool is_zero(const wide_int *a)
{
	return used(a->limb) == 0;
}

void wide_from_units(decimal_units v, wide_int *out)
{
	u128 m = v < 0 ? (u128)0 - (u128)v : (u128)v;
	memset(out, 0, sizeof *out);
	out->limb[0] = (uint64_t)m;
	out->limb[1] = (uint64_t)(m >> 64);
	out->negative = v < 0;
}

bool wide_to_units(const wide_int *a, decimal_units *out)
{
	if (used(a->limb) > 2 || a->limb[1] >> 63)
		return false;
	u128 m = (u128)a->limb[1] << 64 | a->limb[0];
	*out = a->negative ? -(decimal_units)m : (decimal_units)m;
	return true;
}

int wide_sign(const wide_int *a)
{
	return is_zero(a) ? 0 : a->negative ? -1 : 1;
}

int wide_cmp(const wide_int *a, const wide_int *b)
{
	int sa = wide_sign(a), sb = wide_sign(b);
	if (sa != sb)
		return sa > sb ? 1 : -1;
	int c = mag_cmp(a->limb, b->limb);
	return sa < 0 ? -c : c;
}

/* a + b with b's sign flipped when flip */
static bool add_signed(const wide_int *a, const wide_int *b, bool flip, wide_int *out)
{
	bool bneg = b->negative != flip, aneg = a->negative;
	wide_int r;
	if (aneg == bneg) {
		if (!mag_add(a->limb, b->limb, r.limb))
			return false;
		r.negative = aneg;
	} else if (mag_cmp(a->limb, b->limb) >= 0) {
		mag_sub(a->limb, b->limb, r.limb);
		r.negative = aneg;
	} else {
		mag_sub(b->limb, a->limb, r.limb);
		r.negative = bneg;
	}
	if (is_zero(&r))
		r.negative = false;
	*out = r;
	return true;
}

bool wide_add(const wide_int *a, const wide_int *b, wide_int *out)
{
	return add_signed(a, b, false, out);
}

bool wide_sub(const wide_int *a, const wide_int *b, wide_int *out)
{
	return add_signed(a, b, true, out);
}

bool wide_mul(const wide_int *a, const wide_int *b, wide_int *out)
{
	int na = used(a->limb), nb = used(b->limb);
	wide_int r;
	memset(&r, 0, sizeof r);
	if (na + nb > WIDE_LIMBS + 1)
		return false; /* the product has at least na + nb - 1 limbs */
	for (int i = 0; i < na; i++) {
		u128 carry = 0;
		for (int j = 0; j < nb; j++) {
			if (i + j >= WIDE_LIMBS) {
				if (a->limb[i] && b->limb[j])
					return false;
				continue;
			}
			carry += (u128)a->limb[i] * b->limb[j] + r.limb[i + j];
			r.limb[i + j] = (uint64_t)carry;
			carry >>= 64;
		}
		if (carry) {
			if (i + nb >= WIDE_LIMBS)
				return false;
			r.limb[i + nb] = (uint64_t)carry;
		}
	}
	r.negative = !is_zero(&r) && a->negative != b->negative;
	*out = r;
	return true;
}

/* a × k for one limb k */
static bool mul_limb(const wide_int *a, uint64_t k, wide_int *out)
{
	u128 carry = 0;
	wide_int r = *a;
	for (int i = 0; i < WIDE_LIMBS; i++) {
		carry += (u128)a->limb[i] * k;
		r.limb[i] = (uint64_t)carry;
		carry >>= 64;
	}
	if (carry)
		return false;
	if (is_zero(&r))
		r.negative = false;
	*out = r;
	return true;
}

bool wide_mul_pow10(const wide_int *a, int n, wide_int *out)
{
	*out = *a;
	for (; n > 0; n -= 19) { /* 10^19 is the largest power of 10 in a limb */
		uint64_t p = 1;
		for (int i = 0; i < (n < 19 ? n : 19); i++)
			p *= 10;
		if (!mul_limb(out, p, out))
			return false;
	}
	return true;
}

/* q = n ÷ d for one limb d (d != 0); returns the remainder. */
static uint64_t div_limb(const uint64_t *n, uint64_t d, uint64_t *q)
{
	u128 r = 0;
	for (int i = WIDE_LIMBS; i-- > 0;) {
		r = r << 64 | n[i];
		q[i] = (uint64_t)(r / d);
		r %= d;
	}
	return (uint64_t)r;
}

/* Magnitudes: q = n ÷ d, r = n mod d (d != 0). */
static void mag_divide(const uint64_t *n, const uint64_t *d, uint64_t *q, uint64_t *r)
{
	uint64_t quot[WIDE_LIMBS] = { 0 }, rem[WIDE_LIMBS] = { 0 };
	int nd = used(d), nn = used(n);
	if (nd == 1) {
		rem[0] = div_limb(n, d[0], quot);
	} else if (mag_cmp(n, d) >= 0) {
		/* bit by bit from n's top bit; the remainder stays below d, so it needs at most
		 * nd + 1 limbs while it is shifted */
		int top = nd < WIDE_LIMBS ? nd + 1 : WIDE_LIMBS;
		for (int i = nn * 64; i-- > 0;) {
			uint64_t carry = (n[i / 64] >> (i % 64)) & 1;
			for (int k = 0; k < top; k++) {
				uint64_t next = rem[k] >> 63;
				rem[k] = rem[k] << 1 | carry;
				carry = next;
			}
			/* a carry out of the top limb (d of all WIDE_LIMBS limbs) means rem >= d,
			 * and the subtraction modulo 2^(64 WIDE_LIMBS) is still right */
			if (carry || cmp_limbs(rem, d, top) >= 0) { /* limbs past top are 0 in both */
				sub_limbs(rem, d, rem, top);
				quot[i / 64] |= (uint64_t)1 << (i % 64);
			}
		}
	} else {
		memcpy(rem, n, sizeof rem);
	}
	memcpy(q, quot, sizeof quot);
	if (r)
		memcpy(r, rem, sizeof rem);
}

void wide_divide(const wide_int *n, const wide_int *d, wide_int *q, wide_int *r)
{
	wide_int qq, rr;
	mag_divide(n->limb, d->limb, qq.limb, rr.limb);
	qq.negative = !is_zero(&qq) && n->negative != d->negative;
	rr.negative = !is_zero(&rr) && n->negative;
	*q = qq;
	if (r)
		*r = rr;
}

void wide_divide_rounded(const wide_int *n, const wide_int *d, enum decimal_rounding mode, wide_int *q)
{
	wide_int qq, r, twice;
	wide_divide(n, d, &qq, &r);
	if (!is_zero(&r)) {
		/* 2|r| against |d|: |r| < |d|, so 2|r| has at most one bit more than d */
		r.negative = false;
		int c = mag_add(r.limb, r.limb, twice.limb) ? mag_cmp(twice.limb, d->limb) : 1;
		if (c > 0 || (c == 0 && (mode == ROUND_HALF_AWAY || (qq.limb[0] & 1)))) {
			wide_int one;
			wide_from_units(n->negative != d->negative ? -1 : 1, &one);
			wide_add(&qq, &one, &qq); /* |q| < |n|: no overflow */
		}
	}
	*q = qq;
}

bool wide_div10_exact(wide_int *a)
{
	uint64_t q[WIDE_LIMBS];
	if (div_limb(a->limb, 10, q) != 0)
		return false;
	memcpy(a->limb, q, sizeof q);
	return true;
}

size_t wide_digits(const wide_int *a, char buf[WIDE_DIGITS])
{
	char rev[WIDE_DIGITS];
	uint64_t m[WIDE_LIMBS];
	size_t n = 0;
	memcpy(m, a->limb, sizeof m);
	do { /* 19 digits at a time: a division by 10^19 per 19 digits, least significant first */
		uint64_t chunk = div_limb(m, 10000000000000000000u, m);
		bool last = used(m) == 0;
		for (int i = 0; i < 19 && (!last || chunk); i++) {
			rev[n++] = (char)('0' + (int)(chunk % 10));
			chunk /= 10;
		}
	} while (used(m));
	if (n == 0)
		rev[n++] = '0';
	for (size_t i = 0; i < n; i++)
		buf[i] = rev[n - 1 - i];
	buf[n] = '\0';
	return n;
}
