/* Trends: each card against the same owner's previous snapshot of the same basis, so that
 * a change compares like with like: for a period that is over, the card of the period just
 * before scored on the same basis (from the input, or from --prev: the scores an earlier
 * run wrote); for a period still running, the card of the same period in --prev (last
 * week's run), or in the input the card of the period just before when it was running too
 * (weekly snapshots). prev_score, prev_rank, and the streak of consecutive snapshots in the
 * streak tier; empty when there is nothing of the same basis to compare with. */
#include "spm-score.h"

#include "diag.h"
#include "input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The columns of a scores stream that --prev needs; rank, streak and basis are read when
 * there. */
static const enum column prev_needs[] = { COL_OWNER, COL_PERIOD, COL_SCORE };

/* One row of an earlier scores stream. */
struct prev_row {
	decimal score;
	unsigned long rank, streak;
	bool has_score, has_rank, has_streak;
	uint8_t basis; /* BASIS_ATTAINMENT (also when the stream has no column basis) or BASIS_PACE */
	uint64_t line;
};

struct prev_reader {
	struct table *rows; /* period key + owner → struct prev_row */
	const struct header *header;
	struct stream_binding b;
	int fiscal_start;
	char *key;
	size_t key_cap;
	char message[160]; /* a problem naming a line: a number */
	struct file_problem problem;
};

static size_t prev_key(char **buf, size_t *cap, struct period p, const char *owner, size_t len)
{
	xgrow((void **)buf, cap, PERIOD_KEY_SIZE + len + 1, 1);
	period_to_key(p, (unsigned char *)*buf);
	memcpy(*buf + PERIOD_KEY_SIZE, owner, len);
	return PERIOD_KEY_SIZE + len;
}

/* A whole number >= 0, or empty. */
static bool count_field(const char *s, size_t len, unsigned long *out, bool *has)
{
	*has = len > 0;
	*out = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' || *out > (UINT32_MAX - 9) / 10)
			return false;
		*out = *out * 10 + (unsigned long)(s[i] - '0');
	}
	return true;
}

static int prev_row(void *ctx, const struct row *row)
{
	struct prev_reader *pr = ctx;
	struct prev_row r;
	struct period p;
	memset(&r, 0, sizeof r);
	r.line = row->line;
	if (row->count != pr->header->count)
		return file_problem_at(&pr->problem, row, NULL, NULL,
				       row->count < pr->header->count ? "too few fields" : "too many fields");
	const struct stream_binding *sb = &pr->b;
	long at = stream_at(sb, COL_OWNER);
	const char *owner = row->field[at];
	size_t owner_len = row->len[at];
	if (owner_len == 0)
		return file_problem_at(&pr->problem, row, column_name(COL_OWNER), NULL, "empty owner");
	at = stream_at(sb, COL_PERIOD);
	const char *period = row->field[at];
	if (!period_parse(period, row->len[at], pr->fiscal_start, &p))
		return file_problem_at(&pr->problem, row, column_name(COL_PERIOD), period, "not a period label");
	at = stream_at(sb, COL_SCORE);
	const char *score = row->field[at];
	size_t len = row->len[at];
	if (len && decimal_parse(score, len, DECIMAL_POINT, &r.score) != DECIMAL_OK)
		return file_problem_at(&pr->problem, row, column_name(COL_SCORE), score, "not a number");
	r.has_score = len > 0;
	const enum column counts[2] = { COL_RANK, COL_STREAK };
	for (int k = 0; k < 2; k++) {
		long i = stream_at(sb, counts[k]);
		if (i < 0)
			continue;
		bool rank = counts[k] == COL_RANK;
		unsigned long *v = rank ? &r.rank : &r.streak;
		bool *has = rank ? &r.has_rank : &r.has_streak;
		if (!count_field(row->field[i], row->len[i], v, has) || (rank && *has && *v == 0))
			return file_problem_at(&pr->problem, row, column_name(counts[k]), row->field[i],
					       rank ? "not a rank (1, 2, ...)" : "not a whole number");
	}
	r.basis = BASIS_ATTAINMENT;
	if (stream_has(sb, COL_BASIS)) {
		const char *b = row->field[stream_at(sb, COL_BASIS)];
		if (strcmp(b, basis_names[BASIS_PACE]) == 0)
			r.basis = BASIS_PACE;
		else if (strcmp(b, basis_names[BASIS_EARLY]) == 0)
			r.basis = BASIS_EARLY;
		else if (strcmp(b, basis_names[BASIS_ATTAINMENT]) != 0)
			return file_problem_at(&pr->problem, row, column_name(COL_BASIS), b,
					       "not a basis (attainment, pace or early)");
	}
	if (r.basis == BASIS_EARLY) /* not scored then: nothing to compare with */
		return 0;
	size_t klen = prev_key(&pr->key, &pr->key_cap, p, owner, owner_len);
	bool created;
	struct prev_row *slot = table_upsert(pr->rows, pr->key, klen, &created);
	if (!created) {
		snprintf(pr->message, sizeof pr->message,
			 "duplicate row: this owner and period already have a row on line %llu",
			 (unsigned long long)slot->line);
		return file_problem_at(&pr->problem, row, column_name(COL_PERIOD), NULL, pr->message);
	}
	*slot = r;
	return 0;
}

/* Reads --prev: a scores stream (owner period score, and rank and streak when there). */
static struct table *read_prev(const char *path, int fiscal_start)
{
	struct source *src = source_open(path, FORMAT_AUTO);
	struct prev_reader pr = { .rows = table_new(sizeof(struct prev_row)), .header = source_header(src),
				  .fiscal_start = fiscal_start };
	stream_bind(STREAM_SCORES, pr.header, path, prev_needs, sizeof prev_needs / sizeof prev_needs[0], &pr.b);
	read_side_file(src, path, prev_row, &pr, &pr.problem);
	free(pr.key);
	return pr.rows;
}

/* Whether some grain has two periods or more among the cards written. */
static bool several_periods(const struct scoring *sc)
{
	const struct card_set *set = sc->set;
	bool *shown = xcalloc(set->nperiods + 1, sizeof *shown);
	for (size_t c = 0; c < set->ncards; c++)
		if (card_shown(&sc->cs[c]))
			shown[set->card[c].period] = true;
	bool several = false;
	for (size_t i = 0; i < set->nperiods && !several; i++)
		for (size_t j = i + 1; j < set->nperiods && !several; j++)
			several = shown[i] && shown[j] && set->period[i].grain == set->period[j].grain &&
				  set->period[i].fiscal_start == set->period[j].fiscal_start;
	free(shown);
	return several;
}

/* The index of the period just before each period, or -1 when the input has none. */
static long *previous_periods(const struct card_set *set)
{
	long *prev = xcalloc(set->nperiods + 1, sizeof *prev);
	for (size_t i = 0; i < set->nperiods; i++) {
		prev[i] = -1;
		if (set->period[i].start <= day_from_civil(1, 1, 1))
			continue; /* no period before the first day of the calendar */
		unsigned char key[PERIOD_KEY_SIZE];
		period_to_key(period_previous(set->period[i]), key);
		const uint32_t *pi = table_find(set->period_index, key, sizeof key);
		if (pi)
			prev[i] = *pi;
	}
	return prev;
}

/* The card's previous period from an earlier run's scores: its streak goes in *streak, and
 * the return value says whether there is one to go on from. */
static bool prev_from_file(struct scoring *sc, struct card_score *cs, const struct prev_row *r,
			   unsigned long *streak)
{
	const struct tier *t = &sc->opt->tiers.tier[sc->opt->streak_tier];
	if (r->has_score) {
		cs->has_prev_score = true;
		cs->prev_score = r->score;
	}
	if (r->has_rank) {
		cs->has_prev_rank = true;
		cs->prev_rank = (uint32_t)r->rank;
	}
	if (r->has_streak)
		*streak = r->streak;
	else /* a stream without streaks: that period alone */
		*streak = r->has_score && decimal_cmp(r->score, t->min) >= 0;
	return r->has_score || r->has_streak;
}

/* The row of --prev for owner o in period p, or NULL. */
static const struct prev_row *prev_find(const struct table *prev, struct period p, const struct card_owner *o,
					char **key, size_t *key_cap)
{
	size_t klen = prev_key(key, key_cap, p, o->name, o->len);
	return table_find(prev, *key, klen);
}

/* prev_score, prev_rank and streak of one card; bc is the owner's card of the period
 * just before, if the input has it, its trend done already. The snapshot compared with is
 * one of the same basis: for a period that is over, the period just before, over too (from
 * the input, else a row of --prev); for a running period, the same period in --prev (an
 * earlier run), else in the input the period just before when it was running too. */
static void trend_card(struct scoring *sc, size_t c, const struct card *bc, const struct table *prev, char **key,
		       size_t *key_cap)
{
	const struct card_set *set = sc->set;
	const struct tier *t = &sc->opt->tiers.tier[sc->opt->streak_tier];
	const struct card *card = &set->card[c];
	struct card_score *cs = &sc->cs[c];
	if (!card_shown(cs))
		return;
	if (cs->state == CARD_EARLY) { /* no score: no change, no streak */
		cs->no_streak = true;
		return;
	}
	const struct card_score *bs = bc ? &sc->cs[bc - set->card] : NULL;
	const unsigned long *prev_streak = NULL;
	unsigned long from_file = 0, from_input;
	bool other_basis = false; /* there was an earlier snapshot, of another basis */
	if (bs && (!card_shown(bs) || bs->state == CARD_EARLY))
		bs = NULL;
	const struct card_owner *o = &set->owner[card->owner];
	struct period p = set->period[card->period];
	bool has_before = p.start > day_from_civil(1, 1, 1);
	const struct prev_row *same = prev && cs->running ? prev_find(prev, p, o, key, key_cap) : NULL;
	const struct prev_row *before = prev && !cs->running && has_before ? prev_find(prev, period_previous(p), o, key, key_cap)
									   : NULL;
	if (bs && bs->basis == cs->basis && bs->running == cs->running && !(same && same->basis == cs->basis)) {
		cs->has_prev_score = bs->state == CARD_SCORED;
		cs->prev_score = bs->score;
		cs->has_prev_rank = bs->ranked;
		cs->prev_rank = bs->rank;
		from_input = bs->streak;
		prev_streak = bs->no_streak ? NULL : &from_input;
	} else if (same && same->basis == cs->basis) {
		if (prev_from_file(sc, cs, same, &from_file))
			prev_streak = &from_file;
	} else if (!bs && before && before->basis == cs->basis) {
		if (prev_from_file(sc, cs, before, &from_file))
			prev_streak = &from_file;
	} else {
		other_basis = bs || same || before;
	}
	sc->other_basis_cards += other_basis;
	cs->no_streak = other_basis;
	bool reached = cs->state == CARD_SCORED && decimal_cmp(cs->score, t->min) >= 0;
	cs->streak = (uint32_t)streak_next(prev_streak, reached);
}

/* Cards of one owner by grain (and fiscal start), then by first day: each period follows
 * the one before it of its grain, when the input has that one. */
struct dated_card {
	struct period period;
	size_t card;
};

static int compare_dated(const void *pa, const void *pb)
{
	return period_cmp(((const struct dated_card *)pa)->period, ((const struct dated_card *)pb)->period);
}

static void sort_owner_cards(const struct card_set *set, size_t *cards, size_t n)
{
	if (n > 16) { /* an owner with many periods (days, weeks) */
		struct dated_card *d = xcalloc(n, sizeof *d);
		for (size_t i = 0; i < n; i++)
			d[i] = (struct dated_card){ set->period[set->card[cards[i]].period], cards[i] };
		qsort(d, n, sizeof *d, compare_dated);
		for (size_t i = 0; i < n; i++)
			cards[i] = d[i].card;
		free(d);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		size_t c = cards[i], j = i;
		for (; j > 0 && period_cmp(set->period[set->card[cards[j - 1]].period], set->period[set->card[c].period]) > 0;
		     j--)
			cards[j] = cards[j - 1];
		cards[j] = c;
	}
}

void score_trend(struct scoring *sc)
{
	const struct card_set *set = sc->set;
	sc->trend = sc->opt->prev || several_periods(sc);
	if (!sc->trend)
		return;
	struct table *prev = sc->opt->prev ? read_prev(sc->opt->prev, sc->opt->fiscal_start) : NULL;
	char *key = NULL;
	size_t key_cap = 0;
	/* the cards owner by owner (a counting sort), each owner's in period order: the card of
	 * the period before is the one just before, found without a lookup */
	long *before = previous_periods(set);
	size_t *end = xcalloc(set->nowners + 1, sizeof *end), *cards = xcalloc(set->ncards + 1, sizeof *cards);
	for (size_t c = 0; c < set->ncards; c++)
		end[set->card[c].owner + 1]++;
	for (size_t i = 0; i < set->nowners; i++)
		end[i + 1] += end[i];
	for (size_t c = 0; c < set->ncards; c++) /* end[o] moves from o's first card to its last + 1 */
		cards[end[set->card[c].owner]++] = c;
	for (size_t o = 0, from = 0; o < set->nowners; from = end[o++]) {
		sort_owner_cards(set, cards + from, end[o] - from);
		for (size_t k = from; k < end[o]; k++) {
			const struct card *card = &set->card[cards[k]], *last = k > from ? &set->card[cards[k - 1]] : NULL;
			bool adjacent = last && before[card->period] == (long)last->period;
			trend_card(sc, cards[k], adjacent ? last : NULL, prev, &key, &key_cap);
		}
	}
	free(end);
	free(cards);
	free(before);
	free(key);
	table_free(prev);
}
