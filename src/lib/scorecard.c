/* Scorecards: weighted scores of clamped attainments, standings, tiers and streaks. */
#include "scorecard.h"

#include "diag.h"
#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const decimal_units SCALE = 1000000000; /* 10^DECIMAL_PLACES */

decimal score_clamp(decimal attainment, decimal floor, decimal cap)
{
	if (decimal_cmp(attainment, floor) < 0)
		return floor;
	if (decimal_cmp(attainment, cap) > 0)
		return cap;
	return attainment;
}

enum score_status score_compute(const struct score_goal *goals, size_t n, enum missing_rule missing,
				decimal *score)
{
	/* Σ w·a in units² (10^18 per 1) and Σ w in units: no rounding until the division */
	decimal_units weighted = 0, weights = 0, product;
	bool any_weight = false;
	for (size_t i = 0; i < n; i++) {
		const struct score_goal *g = &goals[i];
		any_weight |= !decimal_is_zero(g->weight);
		if (!g->measured && missing == MISSING_SKIP)
			continue;
		decimal a = g->measured ? score_clamp(g->attainment, g->floor, g->cap) : g->floor;
		if (__builtin_mul_overflow(g->weight.units, a.units, &product) ||
		    __builtin_add_overflow(weighted, product, &weighted) ||
		    __builtin_add_overflow(weights, g->weight.units, &weights))
			return SCORE_OVERFLOW;
	}
	if (!any_weight)
		return SCORE_ZERO_WEIGHTS;
	if (weights == 0)
		return SCORE_UNMEASURED;
	decimal num = { weighted }, den;
	if (__builtin_mul_overflow(weights, SCALE, &den.units))
		return SCORE_OVERFLOW;
	return decimal_div(num, den, CARD_SCORE_PLACES, ROUND_HALF_AWAY, score) ? SCORE_OK : SCORE_OVERFLOW;
}

void score_standings(const decimal *best_first, size_t n, struct standing *out)
{
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && decimal_cmp(best_first[j], best_first[i]) == 0; j++)
			;
		/* i values above the tie, n − j below it, j − i − 1 others tied with each:
		 * 100 × (below + tied ÷ 2) ÷ (n − 1) in hundredths is
		 * 10000 × (2·below + tied) ÷ (2·(n − 1)), rounded half up (it is never negative) */
		decimal pct = decimal_from_int(100);
		if (n > 1) {
			uint64_t num = 10000 * (uint64_t)(2 * (n - j) + (j - i - 1)), den = 2 * (uint64_t)(n - 1);
			pct.units = (decimal_units)((2 * num + den) / (2 * den)) * (SCALE / 100);
		}
		for (size_t k = i; k < j; k++)
			out[k] = (struct standing){ i + 1, pct };
	}
}

struct ranked {
	decimal v;
	size_t i;
};

static int cmp_ranked(const void *pa, const void *pb)
{
	const struct ranked *a = pa, *b = pb;
	int c = decimal_cmp(b->v, a->v); /* best first */
	return c ? c : (a->i > b->i) - (a->i < b->i);
}

void rank_values(const decimal *v, size_t n, bool lower_is_better, size_t *rank)
{
	struct ranked *r = xcalloc(n + 1, sizeof *r);
	decimal *best_first = xcalloc(n + 1, sizeof *best_first);
	struct standing *st = xcalloc(n + 1, sizeof *st);
	for (size_t i = 0; i < n; i++) {
		r[i].v = v[i];
		if (lower_is_better)
			r[i].v.units = -r[i].v.units;
		r[i].i = i;
	}
	qsort(r, n, sizeof *r, cmp_ranked);
	for (size_t k = 0; k < n; k++)
		best_first[k] = r[k].v;
	score_standings(best_first, n, st);
	for (size_t k = 0; k < n; k++)
		rank[r[k].i] = st[k].rank;
	free(st);
	free(best_first);
	free(r);
}

void tiers_free(struct tier_list *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->tier[i].name);
	free(t->tier);
	t->tier = NULL;
	t->n = 0;
}

static bool tier_problem(struct tier_list *out, struct sbuf *error, const char *what, const char *item)
{
	sb_printf(error, "%s (\"%s\")", what, item);
	tiers_free(out);
	return false;
}

bool tiers_parse(const char *spec, struct tier_list *out, struct sbuf *error)
{
	size_t n;
	char **items = split_list(spec, ',', &n);
	memset(out, 0, sizeof *out);
	if (n == 0) {
		sb_printf(error, "no tier given (\"%s\")", spec);
		free_list(items, n);
		return false;
	}
	bool ok = true;
	out->tier = xcalloc(n + 1, sizeof *out->tier);
	for (size_t i = 0; ok && i < n; i++) {
		char *item = items[i], *colon = strrchr(item, ':');
		decimal min;
		while (*item == ' ') /* "exceeds:1.0, meets:0.9": spaces around a name are not part of it */
			item++;
		for (char *end = colon; end && end > item && end[-1] == ' ';)
			*--end = '\0';
		if (!colon || colon == item || !*item) {
			ok = tier_problem(out, error, "expected NAME:MINIMUM", item);
			break;
		}
		if (strpbrk(item, "\t\n\r")) {
			ok = tier_problem(out, error, "a tier name holds a tab or a line break", item);
			break;
		}
		if (decimal_parse(colon + 1, strlen(colon + 1), DECIMAL_POINT, &min) != DECIMAL_OK) {
			ok = tier_problem(out, error, "the minimum is not a number", item);
			break;
		}
		*colon = '\0';
		if (tier_find(out, item) >= 0) {
			ok = tier_problem(out, error, "a tier is named twice", item);
			break;
		}
		if (out->n && decimal_cmp(min, out->tier[out->n - 1].min) >= 0) {
			*colon = ':';
			ok = tier_problem(out, error, "minimums must be strictly decreasing", item);
			break;
		}
		out->tier[out->n++] = (struct tier){ xstrdup(item), min };
	}
	free_list(items, n);
	return ok;
}

long tier_of(const struct tier_list *t, decimal score)
{
	for (size_t i = 0; i < t->n; i++)
		if (decimal_cmp(score, t->tier[i].min) >= 0)
			return (long)i;
	return -1;
}

long tier_find(const struct tier_list *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->tier[i].name, name) == 0)
			return (long)i;
	return -1;
}

unsigned long streak_next(const unsigned long *prev, bool reached)
{
	if (!reached)
		return 0;
	return prev ? *prev + 1 : 1;
}
