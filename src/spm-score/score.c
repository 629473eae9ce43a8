/* Scoring the cards: the group each owner is ranked in (--group, through the roster),
 * attainments for goals without a target (--normalize), the weighted score of each card,
 * its tier, and its rank and percentile within its period and group. */
#include "spm-score.h"

#include "diag.h"
#include "progress.h"
#include "roster.h"
#include "stats.h"
#include "table.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

decimal limit_for(const struct limit *l, size_t n, const char *metric, decimal fallback)
{
	decimal general = fallback;
	bool named = false;
	decimal own = fallback;
	for (size_t i = 0; i < n; i++) {
		if (!l[i].metric)
			general = l[i].value;
		else if (metric && strcmp(l[i].metric, metric) == 0) {
			own = l[i].value;
			named = true;
		}
	}
	return named ? own : general;
}

struct named {
	const char *name;
	size_t len;
	uint32_t index;
};

static int compare_named(const void *pa, const void *pb)
{
	const struct named *a = pa, *b = pb;
	return bytes_cmp(a->name, a->len, b->name, b->len);
}

/* Each name's place in byte order, so that sorting compares integers, not strings. */
static uint32_t *byte_order(struct named *n, size_t count)
{
	uint32_t *order = xcalloc(count + 1, sizeof *order);
	qsort(n, count, sizeof *n, compare_named);
	for (size_t i = 0; i < count; i++)
		order[n[i].index] = (uint32_t)i;
	return order;
}

static void order_owners_and_periods(struct scoring *sc)
{
	const struct card_set *set = sc->set;
	size_t most = set->nowners > set->nperiods ? set->nowners : set->nperiods;
	struct named *n = xcalloc(most + 1, sizeof *n);
	for (size_t i = 0; i < set->nowners; i++)
		n[i] = (struct named){ set->owner[i].name, set->owner[i].len, (uint32_t)i };
	sc->owner_order = byte_order(n, set->nowners);
	for (size_t i = 0; i < set->nperiods; i++)
		n[i] = (struct named){ set->label[i], strlen(set->label[i]), (uint32_t)i };
	sc->period_order = byte_order(n, set->nperiods);
	free(n);
}

static noreturn void no_such_metric(const char *option, const char *metric)
{
	diag_fatal(SPM_EXIT_DATA, "%s: no row of the input has the metric '%s'", option, metric);
}

void score_init(struct scoring *sc, const struct score_options *o, struct card_set *set)
{
	memset(sc, 0, sizeof *sc);
	sc->opt = o;
	sc->set = set;
	sc->floor = xcalloc(set->nmetrics + 1, sizeof *sc->floor);
	sc->cap = xcalloc(set->nmetrics + 1, sizeof *sc->cap);
	for (size_t m = 0; m < set->nmetrics; m++) {
		sc->floor[m] = limit_for(o->floors, o->nfloors, set->metric[m], DEFAULT_FLOOR);
		sc->cap[m] = limit_for(o->caps, o->ncaps, set->metric[m], DEFAULT_CAP);
	}
	/* a metric named in an option but absent from the data is a typo, not a no-op */
	for (size_t i = 0; i < o->ncaps; i++)
		if (o->caps[i].metric && cards_metric(set, o->caps[i].metric) < 0)
			no_such_metric("--cap", o->caps[i].metric);
	for (size_t i = 0; i < o->nfloors; i++)
		if (o->floors[i].metric && cards_metric(set, o->floors[i].metric) < 0)
			no_such_metric("--floor", o->floors[i].metric);
	sc->by = -1;
	if (o->by && (sc->by = cards_metric(set, o->by)) < 0)
		no_such_metric("--by", o->by);
	if (o->outcome && cards_metric(set, o->outcome) < 0)
		no_such_metric("--outcome", o->outcome);
	sc->cs = xcalloc(set->ncards + 1, sizeof *sc->cs);
	sc->owner_group = xcalloc(set->nowners + 1, sizeof *sc->owner_group);
	sc->owner_level = xcalloc(set->nowners + 1, sizeof *sc->owner_level);
	order_owners_and_periods(sc);
	if (o->basis == BASIS_PACE && !stream_has(&set->columns, COL_PACE))
		diag_fatal(SPM_EXIT_DATA, "--basis pace: the input has no column '%s' (spm-track --goals writes it)",
			   column_name(COL_PACE));
}

void score_free(struct scoring *sc)
{
	for (size_t i = 0; i < sc->ngroups; i++)
		free(sc->group[i]);
	free(sc->group);
	free(sc->group_level);
	free(sc->owner_group);
	free(sc->owner_level);
	free(sc->owner_order);
	free(sc->period_order);
	free(sc->order);
	free(sc->cs);
	free(sc->floor);
	free(sc->cap);
}

/* ---- groups ---- */

__attribute__((format(printf, 3, 4))) static noreturn void owner_problem(const struct card_set *set,
									   const struct card_owner *o, const char *fmt, ...)
{
	struct sbuf message = { 0 }; /* names the owner's reps and groups: any length */
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&message, fmt, ap);
	va_end(ap);
	diag_at(set->file[o->file], o->line, column_name(COL_OWNER), o->name, o->len, sb_text(&message));
	sb_free(&message);
	diag_exit(SPM_EXIT_DATA);
}

/* The group value of an owner that is not a rep but a team, manager or region of the
 * roster: the one its reps share; NULL when the roster lists none of its reps. */
static const char *group_of_group(const struct scoring *sc, const struct roster *r, long col,
				  const struct card_owner *o)
{
	const char *found = NULL;
	for (size_t i = 0; i < r->nreps; i++) {
		const struct roster_rep *rep = &r->rep[i];
		bool member = false;
		for (int l = LEVEL_TEAM; l < LEVEL_COUNT; l++)
			member |= r->has_level[l] && roster_rep_in(rep, (enum level)l, o->name, o->len);
		if (!member)
			continue;
		if (!rep->field[col][0]) {
			owner_problem(sc->set, o, "its rep '%s' has no %s in the roster, so it has no %s to be ranked in",
				      rep->name[LEVEL_REP], sc->opt->group, sc->opt->group);
		}
		if (found && strcmp(found, rep->field[col]) != 0) {
			owner_problem(sc->set, o,
				      "its reps are in more than one %s ('%s', '%s'), so it has no single %s to be ranked in",
				      sc->opt->group, found, rep->field[col], sc->opt->group);
		}
		found = rep->field[col];
	}
	return found;
}

/* Each owner's level from the input's column level: the same in every row of the owner. */
static void levels_from_input(struct scoring *sc)
{
	const struct card_set *set = sc->set;
	memset(sc->owner_level, -1, set->nowners + 1);
	if (!stream_has(&set->columns, COL_LEVEL))
		return;
	const struct goal_row **first = xcalloc(set->nowners + 1, sizeof *first);
	for (size_t c = 0; c < set->ncards; c++) {
		const struct card *card = &set->card[c];
		for (uint32_t k = 0; k < card->count; k++) {
			const struct goal_row *g = card->goal[k], *f = first[card->owner];
			if (g->level < 0)
				continue;
			if (f && f->level != g->level) {
				const struct goal_row *later =
					g->file > f->file || (g->file == f->file && g->line > f->line) ? g : f;
				const struct goal_row *earlier = later == g ? f : g;
				diag_atf(set->file[later->file], later->line, column_name(COL_LEVEL), NULL, 0,
					 "the owner is a %s here and a %s at %s:%llu", level_names[later->level],
					 level_names[earlier->level], set->file[earlier->file], (unsigned long long)earlier->line);
				diag_exit(SPM_EXIT_DATA);
			}
			if (!f)
				first[card->owner] = g;
		}
	}
	for (size_t i = 0; i < set->nowners; i++)
		if (first[i])
			sc->owner_level[i] = first[i]->level;
	free((void *)first);
}

/* The level of an owner of the input: the level column's word, else a rep of the roster,
 * else the lowest level of the roster whose column holds the name; -1 if none. */
static int owner_level_in(const struct roster *r, const struct card_owner *o, int given)
{
	if (given >= 0)
		return given;
	if (roster_find_rep(r, o->name, o->len))
		return LEVEL_REP;
	bool allowed[LEVEL_COUNT] = { false, true, true, true };
	enum level found = LEVEL_REP, other;
	return roster_level_of(r, o->name, o->len, allowed, &found, &other) == NAME_UNKNOWN ? -1 : (int)found;
}

struct level_group {
	int8_t level;
	const char *name;
	size_t len;
	uint32_t index;
};

static int compare_level_groups(const void *pa, const void *pb)
{
	const struct level_group *a = pa, *b = pb;
	if (a->level != b->level)
		return a->level < b->level ? -1 : 1;
	return bytes_cmp(a->name, a->len, b->name, b->len);
}

/* The (level, group) of each owner, numbered in the order rows are sorted in. */
static uint32_t add_group(struct scoring *sc, struct table *index, int level, const char *group)
{
	size_t len = strlen(group);
	char *key = xcalloc(len + 2, 1);
	key[0] = (char)(level + 2);
	memcpy(key + 1, group, len);
	bool created;
	uint32_t *g = table_upsert(index, key, len + 1, &created);
	free(key);
	if (created) {
		*g = (uint32_t)sc->ngroups;
		sc->group = xreallocarray(sc->group, sc->ngroups + 1, sizeof *sc->group);
		sc->group_level = xreallocarray(sc->group_level, sc->ngroups + 1, sizeof *sc->group_level);
		sc->group[sc->ngroups] = xstrdup(group);
		sc->group_level[sc->ngroups++] = (int8_t)level;
	}
	return *g;
}

void score_groups(struct scoring *sc)
{
	const struct score_options *o = sc->opt;
	struct card_set *set = sc->set;
	struct roster r;
	struct table *index = table_new(sizeof(uint32_t));
	levels_from_input(sc);
	sc->levels = o->group || stream_has(&set->columns, COL_LEVEL);
	long col = -1;
	int group_level = -1; /* the level --group names, if it names one */
	if (o->group) {
		roster_load(&r, o->roster, LEVEL_COUNT);
		col = roster_column(&r, o->group);
		if (col < 0) {
			/* the columns it has (as mapped), so that a misspelt or unmapped one is seen */
			struct sbuf message = { 0 };
			sb_printf(&message, "the roster has no column '%s' for --group (found:", o->group);
			sb_names(&message, r.column, r.ncolumns); /* escaped by diag_at */
			sb_str(&message, ")");
			diag_at(o->roster, 1, NULL, NULL, 0, sb_text(&message));
			diag_exit(SPM_EXIT_DATA);
		}
		for (int l = LEVEL_TEAM; l < LEVEL_COUNT; l++)
			if (strcmp(o->group, level_names[l]) == 0)
				group_level = l;
	}
	for (size_t i = 0; i < set->nowners; i++) {
		const struct card_owner *owner = &set->owner[i];
		const char *group = "";
		if (!o->group) {
			sc->owner_group[i] = add_group(sc, index, sc->owner_level[i], "");
			continue;
		}
		int level = owner_level_in(&r, owner, sc->owner_level[i]);
		sc->owner_level[i] = (int8_t)level;
		const struct roster_rep *rep = level == LEVEL_REP ? roster_find_rep(&r, owner->name, owner->len) : NULL;
		if (rep) {
			group = rep->field[col];
			if (!group[0]) {
				diag_atf(o->roster, rep->line, o->group, NULL, 0, "empty, so the rep '%s' has no %s to be ranked in",
					 owner->name, o->group);
				diag_exit(SPM_EXIT_DATA);
			}
		} else if (level <= LEVEL_REP) {
			owner_problem(set, owner, "not in the roster, so it has no %s to be ranked in", o->group);
		} else if (group_level < 0 || level < group_level) {
			/* a group below the level asked for: ranked within the group its reps share */
			const char *shared = group_of_group(sc, &r, col, owner);
			group = shared ? shared : "";
		} /* else a group at or above the level asked for: among all the groups of its level */
		sc->owner_group[i] = add_group(sc, index, level, group);
	}
	/* ranking groups numbered by level, then in byte order of names: the scores stream
	 * sorts by them */
	struct level_group *n = xcalloc(sc->ngroups + 1, sizeof *n);
	for (size_t i = 0; i < sc->ngroups; i++)
		n[i] = (struct level_group){ sc->group_level[i], sc->group[i], strlen(sc->group[i]), (uint32_t)i };
	qsort(n, sc->ngroups, sizeof *n, compare_level_groups);
	uint32_t *order = xcalloc(sc->ngroups + 1, sizeof *order);
	for (size_t i = 0; i < sc->ngroups; i++) {
		order[n[i].index] = (uint32_t)i;
		sc->group[i] = (char *)n[i].name;
		sc->group_level[i] = n[i].level;
	}
	for (size_t i = 0; i < set->nowners; i++)
		sc->owner_group[i] = order[sc->owner_group[i]];
	free(order);
	free(n);
	table_free(index);
	if (o->group)
		roster_free(&r);
}

/* ---- normalization: goals without a target ---- */

/* A goal scored from its actual against its peers: no attainment, an actual, no target
 * (or a target of 0, which gives no attainment). */
static bool needs_normalizing(const struct goal_row *g)
{
	return !g->has_attainment && g->has_actual && (!g->has_target || decimal_is_zero(g->target)) &&
	       g->status != STATUS_NOT_STARTED;
}

struct peer {
	uint32_t period, group, metric, owner; /* owner: its byte order */
	struct goal_row *goal;
};

static int compare_peers(const void *pa, const void *pb)
{
	const struct peer *a = pa, *b = pb;
	if (a->period != b->period)
		return a->period < b->period ? -1 : 1;
	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	if (a->metric != b->metric)
		return a->metric < b->metric ? -1 : 1;
	int c = decimal_cmp(a->goal->actual, b->goal->actual);
	return c ? c : (a->owner > b->owner) - (a->owner < b->owner);
}

double to_double(decimal d)
{
	return (double)d.units / (double)UNITS_PER_ONE;
}

decimal ratio_from_double(double v)
{
	double t = v * 10000;
	decimal d = { (decimal_units)(long long)(t < 0 ? t - 0.5 : t + 0.5) * (UNITS_PER_ONE / 10000) };
	return d;
}

/* 1 + z, z = (actual − mean) ÷ standard deviation of the peers (negated for lower): the
 * peers' mean counts as a target met. */
static void normalize_zscore(struct peer *p, size_t n)
{
	double *x = xcalloc(n, sizeof *x);
	for (size_t i = 0; i < n; i++) /* in order of actual, then owner: the same sums every run */
		x[i] = to_double(p[i].goal->actual);
	double mean = stats_mean(x, n), sd = stats_stddev(x, n);
	for (size_t i = 0; i < n; i++) {
		double z = sd > 0 ? (x[i] - mean) / sd : 0;
		p[i].goal->attainment = ratio_from_double(1 + (p[i].goal->lower ? -z : z));
	}
	free(x);
}

/* (2 × peers below + peers equal) ÷ (peers − 1): 2 for the best, 0 for the worst, 1 in the
 * middle and when all are equal; exact. */
static void normalize_percentile(struct peer *p, size_t n)
{
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && decimal_cmp(p[j].goal->actual, p[i].goal->actual) == 0; j++)
			;
		for (size_t k = i; k < j; k++) {
			struct goal_row *g = p[k].goal;
			size_t below = g->lower ? n - j : i, equal = j - i - 1;
			if (n == 1)
				g->attainment = decimal_from_int(1);
			else
				decimal_div(decimal_from_int((int64_t)(2 * below + equal)), decimal_from_int((int64_t)(n - 1)),
					    RATIO_PLACES, ROUND_HALF_AWAY, &g->attainment);
		}
	}
}

static void normalize_goals(struct scoring *sc)
{
	struct card_set *set = sc->set;
	struct peer *p = NULL;
	size_t n = 0, cap = 0;
	for (size_t c = 0; c < set->ncards; c++) {
		const struct card *card = &set->card[c];
		for (uint32_t k = 0; k < card->count; k++) {
			struct goal_row *g = card->goal[k];
			if (!needs_normalizing(g))
				continue;
			xgrow((void **)&p, &cap, n + 1, sizeof *p);
			p[n++] = (struct peer){ card->period, sc->owner_group[card->owner], g->metric,
						sc->owner_order[card->owner], g };
		}
	}
	if (n > 1)
		qsort(p, n, sizeof *p, compare_peers);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && p[j].period == p[i].period && p[j].group == p[i].group && p[j].metric == p[i].metric;
		     j++)
			;
		if (sc->opt->normalize == NORMALIZE_ZSCORE)
			normalize_zscore(p + i, j - i);
		else
			normalize_percentile(p + i, j - i);
	}
	for (size_t i = 0; i < n; i++) {
		p[i].goal->has_attainment = true;
		p[i].goal->normalized = true;
	}
	sc->normalized_goals = n;
	free(p);
}

/* ---- scores ---- */

bool goal_counted(const struct scoring *sc, const struct goal_row *g, decimal *value)
{
	if (g->status == STATUS_NOT_STARTED)
		return false;
	if (g->has_attainment)
		*value = score_clamp(g->attainment, sc->floor[g->metric], sc->cap[g->metric]);
	else if (sc->opt->missing == MISSING_FLOOR)
		*value = sc->floor[g->metric];
	else
		return false;
	return true;
}

/* The row of a card read first: the one diagnostics about the card name. */
static const struct goal_row *first_read(const struct card *card)
{
	const struct goal_row *first = card->goal[0];
	for (uint32_t k = 1; k < card->count; k++) {
		const struct goal_row *g = card->goal[k];
		if (g->file < first->file || (g->file == first->file && g->line < first->line))
			first = g;
	}
	return first;
}

static noreturn void card_problem(const struct scoring *sc, const struct card *card, const char *what)
{
	const struct card_set *set = sc->set;
	const struct goal_row *g = first_read(card);
	diag_atf(set->file[g->file], g->line, column_name(COL_WEIGHT), NULL, 0, what, set->owner[card->owner].name,
		 set->label[card->period]);
	diag_exit(SPM_EXIT_DATA);
}

static void score_card(struct scoring *sc, size_t c, struct score_goal **buf, size_t *cap)
{
	const struct card *card = &sc->set->card[c];
	struct card_score *cs = &sc->cs[c];
	size_t n = 0;
	uint64_t unmeasured = 0;
	if (cs->state == CARD_EARLY) {
		cs->tier = -1;
		sc->early_cards++;
		return;
	}
	xgrow((void **)buf, cap, card->count + 1, sizeof **buf);
	for (uint32_t k = 0; k < card->count; k++) {
		const struct goal_row *g = card->goal[k];
		if (g->status == STATUS_NOT_STARTED)
			continue;
		(*buf)[n++] = (struct score_goal){ g->attainment, g->has_attainment, g->weight, sc->floor[g->metric],
						   sc->cap[g->metric] };
		unmeasured += !g->has_attainment;
	}
	cs->tier = -1;
	if (n == 0) { /* a period not started yet: nothing to score */
		cs->state = CARD_NOT_STARTED;
		sc->not_started_cards++;
		return;
	}
	sc->unmeasured_goals += unmeasured;
	switch (score_compute(*buf, n, sc->opt->missing, &cs->score)) {
	case SCORE_OK:
		cs->state = CARD_SCORED;
		cs->tier = (int16_t)tier_of(&sc->opt->tiers, cs->score);
		break;
	case SCORE_UNMEASURED:
		cs->state = CARD_UNMEASURED;
		sc->unmeasured_cards++;
		break;
	case SCORE_ZERO_WEIGHTS:
		card_problem(sc, card, "every goal of '%s' in %s has a weight of 0: there is nothing to score");
	case SCORE_OVERFLOW:
		card_problem(sc, card, "the weights of '%s' in %s are too large for exact arithmetic");
	}
}

/* ---- ranks ---- */

/* A card's key for ranking: its score, or with --by that metric's attainment. */
static bool rank_key(const struct scoring *sc, size_t c, decimal *key)
{
	const struct card *card = &sc->set->card[c];
	const struct card_score *cs = &sc->cs[c];
	if (!card_shown(cs) || cs->state == CARD_EARLY)
		return false;
	if (sc->by < 0) {
		*key = cs->score;
		return cs->state == CARD_SCORED;
	}
	for (uint32_t k = 0; k < card->count; k++) {
		const struct goal_row *g = card->goal[k];
		if (g->metric == (uint32_t)sc->by) {
			*key = g->attainment; /* as measured: the cap is the scorecard's, not the ranking's */
			return g->has_attainment && g->status != STATUS_NOT_STARTED;
		}
	}
	return false;
}

/* A card in the order of the scores stream: by period label, then group, then rank (the
 * unranked after the ranked), then owner, all as places in byte order. 32 bytes: the
 * period, the group and whether it is ranked make one number. */
struct ranked {
	decimal key;
	uint64_t bucket; /* period << 33 | group << 1 | unranked */
	uint32_t card, owner;
};

/* Best first within a period and group; ties by owner, for the order only. */
static int compare_ranked(const void *pa, const void *pb)
{
	const struct ranked *a = pa, *b = pb;
	if (a->bucket != b->bucket)
		return a->bucket < b->bucket ? -1 : 1;
	if (!(a->bucket & 1) && a->key.units != b->key.units)
		return a->key.units > b->key.units ? -1 : 1;
	return (a->owner > b->owner) - (a->owner < b->owner);
}

/* Ranks and percentiles; the cards to write, in the order to write them (one sort for both). */
static void rank_cards(struct scoring *sc)
{
	const struct card_set *set = sc->set;
	struct ranked *r = xcalloc(set->ncards + 1, sizeof *r);
	size_t n = 0;
	for (size_t c = 0; c < set->ncards; c++) {
		const struct card *card = &set->card[c];
		if (!card_shown(&sc->cs[c]))
			continue;
		struct ranked *x = &r[n++];
		bool ranked = rank_key(sc, c, &x->key);
		x->bucket = (uint64_t)sc->period_order[card->period] << 33 | (uint64_t)sc->owner_group[card->owner] << 1 | !ranked;
		x->card = (uint32_t)c;
		x->owner = sc->owner_order[card->owner];
	}
	if (n > 1)
		qsort(r, n, sizeof *r, compare_ranked);
	decimal *keys = xcalloc(n + 1, sizeof *keys);
	struct standing *st = xcalloc(n + 1, sizeof *st);
	for (size_t i = 0; i < n; i++)
		keys[i] = r[i].key;
	for (size_t i = 0, j; i < n; i = j) { /* the ranked of one period and group */
		for (j = i + 1; j < n && r[j].bucket == r[i].bucket; j++)
			;
		if (!(r[i].bucket & 1))
			score_standings(keys + i, j - i, st + i);
	}
	sc->order = xcalloc(n + 1, sizeof *sc->order);
	sc->norder = n;
	for (size_t i = 0; i < n; i++) {
		struct card_score *cs = &sc->cs[r[i].card];
		sc->order[i] = r[i].card;
		if (r[i].bucket & 1)
			continue;
		cs->ranked = true;
		cs->rank = (uint32_t)st[i].rank;
		cs->percentile = (uint16_t)(st[i].percentile.units / (UNITS_PER_ONE / 100));
	}
	free(st);
	free(keys);
	free(r);
}

/* ---- basis ---- */

const char *const basis_names[4] = { "auto", "attainment", "pace", "early" }; /* bases, not columns */

/* The basis of each card; a card scored on pace takes each goal's pace for its value (a
 * goal scored by --normalize keeps the value it was given). */
static void choose_bases(struct scoring *sc)
{
	const struct card_set *set = sc->set;
	for (size_t c = 0; c < set->ncards; c++) {
		const struct card *card = &set->card[c];
		struct card_score *cs = &sc->cs[c];
		cs->running = card_running(card);
		if (sc->opt->basis == BASIS_AUTO && cs->running && card_early(card)) {
			cs->state = CARD_EARLY;
			cs->basis = BASIS_EARLY;
			continue;
		}
		if (sc->opt->basis == BASIS_AUTO)
			cs->basis = cs->running && stream_has(&set->columns, COL_PACE) ? BASIS_PACE : BASIS_ATTAINMENT;
		else
			cs->basis = (uint8_t)sc->opt->basis;
		if (cs->basis != BASIS_PACE)
			continue;
		for (uint32_t k = 0; k < card->count; k++) {
			struct goal_row *g = card->goal[k];
			if (g->normalized)
				continue;
			g->attainment = g->pace;
			g->has_attainment = g->has_pace;
		}
	}
}

void score_all(struct scoring *sc)
{
	struct score_goal *buf = NULL;
	size_t cap = 0;
	if (sc->opt->normalize != NORMALIZE_NONE)
		normalize_goals(sc);
	choose_bases(sc);
	for (size_t c = 0; c < sc->set->ncards; c++)
		score_card(sc, c, &buf, &cap);
	free(buf);
	rank_cards(sc);
}
