/* The stream contract: one table of columns and one table per stream, used to bind a
 * header's columns, to tell streams apart and to write headers. Keep in step with the
 * STREAMS table of man/spm.7 (tests/unit/test_stream.c compares them). */
#include "stream.h"

#include "diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Public (stream.h: COLUMN_KEY) so that a static table elsewhere can name a column. */
const struct column_def stream_columns[COL_COUNT] = {
	[COL_OWNER] = { "owner", CT_TEXT },
	[COL_PERIOD] = { "period", CT_PERIOD },
	[COL_METRIC] = { "metric", CT_METRIC },
	[COL_VALUE] = { "value", CT_VALUE },
	[COL_NUMERATOR] = { "numerator", CT_EXACT },
	[COL_DENOMINATOR] = { "denominator", CT_EXACT },
	[COL_TARGET] = { "target", CT_VALUE },
	[COL_WEIGHT] = { "weight", CT_EXACT },
	[COL_CATEGORY] = { "category", CT_TEXT },
	[COL_DIRECTION] = { "direction", CT_ENUM },
	[COL_ACTUAL] = { "actual", CT_VALUE },
	[COL_ATTAINMENT] = { "attainment", CT_RATIO },
	[COL_EXPECTED] = { "expected", CT_VALUE },
	[COL_PACE] = { "pace", CT_RATIO },
	[COL_PROJECTED] = { "projected", CT_VALUE },
	[COL_GAP] = { "gap", CT_VALUE },
	[COL_STATUS] = { "status", CT_ENUM },
	[COL_DAYS_ELAPSED] = { "days_elapsed", CT_COUNT },
	[COL_DAYS_LEFT] = { "days_left", CT_COUNT },
	[COL_LEVEL] = { "level", CT_ENUM },
	[COL_SCORE] = { "score", CT_RATIO }, /* a weighted attainment: 1.0534 */
	[COL_RANK] = { "rank", CT_COUNT },
	[COL_PERCENTILE] = { "percentile", CT_SCORE },
	[COL_TIER] = { "tier", CT_ENUM },
	[COL_TEAM] = { "team", CT_TEXT },
	[COL_PREV_SCORE] = { "prev_score", CT_RATIO },
	[COL_DELTA] = { "delta", CT_RATIO },
	[COL_PREV_RANK] = { "prev_rank", CT_COUNT },
	[COL_STREAK] = { "streak", CT_COUNT },
	[COL_BASIS] = { "basis", CT_ENUM },
	[COL_N] = { "n", CT_COUNT },
	[COL_PEARSON] = { "pearson", CT_RATIO },
	[COL_SPEARMAN] = { "spearman", CT_RATIO },
	[COL_STRENGTH] = { "strength", CT_ENUM },
	[COL_TOP_MEAN] = { "top_mean", CT_RATIO },
	[COL_BOTTOM_MEAN] = { "bottom_mean", CT_RATIO },
	[COL_RATIO] = { "ratio", CT_RATIO },
	[COL_NOTE] = { "note", CT_TEXT },
	[COL_PLAN] = { "plan", CT_TEXT },
	[COL_PAYOUT] = { "payout", CT_MONEY },
	[COL_DETAIL] = { "detail", CT_TEXT },
	[COL_PAID] = { "paid", CT_MONEY },
	[COL_RECOMPUTED] = { "recomputed", CT_MONEY },
	[COL_RULE] = { "rule", CT_ENUM },
	[COL_LOWER] = { "lower", CT_EXACT },
	[COL_UPPER] = { "upper", CT_EXACT },
	[COL_RATE] = { "rate", CT_EXACT },
	[COL_AGG] = { "agg", CT_ENUM },
	[COL_COLUMN] = { "column", CT_TEXT },
	[COL_WHERE] = { "where", CT_TEXT },
	[COL_UNIT] = { "unit", CT_ENUM },
	[COL_LABEL] = { "label", CT_TEXT },
	[COL_BELOW] = { "below", CT_RATIO },
	[COL_COURSE] = { "course", CT_TEXT },
	[COL_RATING] = { "rating", CT_COUNT },
	[COL_REP] = { "rep", CT_TEXT },
	[COL_MANAGER] = { "manager", CT_TEXT },
	[COL_REGION] = { "region", CT_TEXT },
	[COL_ROLE] = { "role", CT_TEXT },
	[COL_INCENTIVE] = { "incentive", CT_MONEY },
	[COL_DRAW] = { "draw", CT_MONEY },
	[COL_START] = { "start", CT_DATE },
	[COL_END] = { "end", CT_DATE },
	[COL_DATE] = { "date", CT_DATE },
	[COL_CHANGE] = { "change", CT_ENUM },
	[COL_OLD_TARGET] = { "old_target", CT_VALUE },
	[COL_NEW_TARGET] = { "new_target", CT_VALUE },
	[COL_CHANGE_RATIO] = { "change_ratio", CT_RATIO },
	[COL_REPS] = { "reps", CT_COUNT },
	[COL_OWN_TARGET] = { "own_target", CT_VALUE },
	[COL_WITH_GOAL] = { "with_goal", CT_COUNT },
	[COL_COVERAGE] = { "coverage", CT_RATIO },
	[COL_DAYS] = { "days", CT_COUNT },
	[COL_WORKDAYS] = { "workdays", CT_COUNT },
	[COL_FILE] = { "file", CT_TEXT },
	[COL_CURRENCY] = { "currency", CT_TEXT },
	[COL_BASE] = { "base", CT_TEXT },
	[COL_ID] = { "id", CT_TEXT },
	[COL_SHARE] = { "share", CT_EXACT },
	[COL_TYPE] = { "type", CT_ENUM },
	[COL_AMOUNT] = { "amount", CT_MONEY },
	[COL_CLOSED] = { "closed", CT_DATE },
	[COL_CANCELLED] = { "cancelled", CT_DATE },
	[COL_DEAL_AMOUNT] = { "deal_amount", CT_MONEY },
	[COL_ITEM] = { "item", CT_TEXT },
};

#define R(c) { COL_##c, true }
#define O(c) { COL_##c, false }

static const struct stream_column roster_cols[] = {
	R(REP), O(TEAM), O(MANAGER), O(REGION), O(ROLE), O(PLAN), O(INCENTIVE), O(DRAW), O(START), O(END),
};
static const struct stream_column goals_cols[] = {
	R(OWNER), R(PERIOD), R(METRIC), R(TARGET), O(WEIGHT), O(CATEGORY), O(DIRECTION),
};
static const struct stream_column actuals_cols[] = {
	R(OWNER), R(PERIOD), R(METRIC), R(VALUE), O(NUMERATOR), O(DENOMINATOR), O(CURRENCY),
};
static const struct stream_column progress_cols[] = {
	R(OWNER), R(PERIOD), R(METRIC), R(ACTUAL), R(TARGET), R(ATTAINMENT), R(EXPECTED), R(PACE),
	R(PROJECTED), R(GAP), R(STATUS), O(WEIGHT), O(DIRECTION), O(DAYS_ELAPSED), O(DAYS_LEFT), O(LEVEL),
};
static const struct stream_column scores_cols[] = {
	R(OWNER), R(PERIOD), R(SCORE), R(RANK), R(PERCENTILE), R(TIER), O(BASIS), O(LEVEL), O(TEAM),
	O(PREV_SCORE), O(DELTA), O(PREV_RANK), O(STREAK),
};
static const struct stream_column drivers_cols[] = {
	R(PERIOD), R(METRIC), R(N), R(PEARSON), R(SPEARMAN), R(STRENGTH), R(TOP_MEAN), R(BOTTOM_MEAN),
	R(RATIO), R(NOTE),
};
static const struct stream_column payouts_cols[] = {
	R(OWNER), R(PERIOD), R(PLAN), R(METRIC), R(ACTUAL), R(TARGET), R(ATTAINMENT), R(PAYOUT), R(DETAIL),
	O(BASIS), O(PAID), O(RECOMPUTED),
};
static const struct stream_column metrics_cols[] = {
	R(METRIC), R(AGG), O(COLUMN), O(WHERE), O(UNIT), O(DIRECTION), O(CATEGORY), O(LABEL),
};
static const struct stream_column plan_cols[] = {
	R(PLAN), R(METRIC), R(RULE), R(LOWER), R(UPPER), R(RATE),
};
static const struct stream_column catalog_cols[] = { R(METRIC), R(BELOW), R(COURSE) };
static const struct stream_column self_cols[] = { R(OWNER), R(PERIOD), R(METRIC), R(RATING) };
static const struct stream_column holidays_cols[] = { R(DATE) };
static const struct stream_column goal_diff_cols[] = {
	R(CHANGE), R(OWNER), R(PERIOD), R(METRIC), R(OLD_TARGET), R(NEW_TARGET), R(DELTA), R(CHANGE_RATIO),
	R(DETAIL),
};
static const struct stream_column rollup_cols[] = {
	R(OWNER), R(PERIOD), R(METRIC), R(TARGET), R(REPS), R(OWN_TARGET), R(GAP),
};
static const struct stream_column coverage_cols[] = { R(CATEGORY), R(REPS), R(WITH_GOAL), R(COVERAGE) };
static const struct stream_column periods_cols[] = { R(PERIOD), R(START), R(END), R(DAYS), R(WORKDAYS) };
static const struct stream_column split_index_cols[] = { R(OWNER), R(FILE) };
/* A rate is per date or per period: each file has one of the two (lib/rates.c checks). */
static const struct stream_column rates_cols[] = { R(CURRENCY), O(DATE), O(PERIOD), R(RATE), O(BASE) };
/* spm-track --partial: actuals with every metric mergeable, distinct counts as their values */
static const struct stream_column partial_cols[] = {
	R(OWNER), R(PERIOD), R(METRIC), R(VALUE), R(NUMERATOR), R(DENOMINATOR), R(ITEM), O(CURRENCY),
};

/* Split credit of deals: a deal's record id, a credited owner, a share (0.6) and a type
 * (revenue or overlay); read by spm-track --credits (src/spm-track/credits.c). */
static const struct stream_column credits_cols[] = { R(ID), R(OWNER), R(SHARE), R(TYPE), O(NOTE) };
/* Clawbacks: refunds of won deals, by record id (spm-track --refunds), and the reversals
 * spm-track counted (--reversals), which spm-score --reversals claws commission back for. */
static const struct stream_column refunds_cols[] = { R(ID), R(DATE), R(AMOUNT) };
static const struct stream_column reversals_cols[] = { R(OWNER), R(ID), R(CLOSED), R(CANCELLED), R(AMOUNT), O(CURRENCY),
							O(SHARE), O(DEAL_AMOUNT) };

#undef R
#undef O

#define DEF(id, nm, what, cols, extra) [id] = { nm, what, cols, sizeof cols / sizeof cols[0], extra }
static const struct stream_def streams[STREAM_ID_COUNT] = {
	DEF(STREAM_ROSTER, "roster", "a roster", roster_cols, true),
	DEF(STREAM_GOALS, "goals", "a goal sheet", goals_cols, true),
	DEF(STREAM_ACTUALS, "actuals", "an actuals stream", actuals_cols, false),
	DEF(STREAM_PROGRESS, "progress", "a progress stream", progress_cols, false),
	DEF(STREAM_SCORES, "scores", "a scores stream", scores_cols, true),
	DEF(STREAM_DRIVERS, "drivers", "a drivers stream", drivers_cols, false),
	DEF(STREAM_PAYOUTS, "payouts", "a payouts stream", payouts_cols, false),
	DEF(STREAM_METRICS, "metrics", "a metrics file", metrics_cols, false),
	DEF(STREAM_PLAN, "plan", "a plan file", plan_cols, false),
	DEF(STREAM_CATALOG, "catalog", "a catalog", catalog_cols, false),
	DEF(STREAM_SELF, "self", "a self-assessment", self_cols, false),
	DEF(STREAM_HOLIDAYS, "holidays", "a holidays file", holidays_cols, true),
	DEF(STREAM_GOAL_DIFF, "goal-diff", "a goal diff", goal_diff_cols, false),
	DEF(STREAM_ROLLUP, "rollup", "a rollup", rollup_cols, false),
	DEF(STREAM_COVERAGE, "coverage", "a coverage table", coverage_cols, false),
	DEF(STREAM_PERIODS, "periods", "a period calendar", periods_cols, false),
	DEF(STREAM_SPLIT_INDEX, "split-index", "a split index", split_index_cols, false),
	DEF(STREAM_RATES, "rates", "a rates file", rates_cols, false),
	DEF(STREAM_CREDITS, "credits", "a credits file", credits_cols, true),
	DEF(STREAM_REFUNDS, "refunds", "a refunds file", refunds_cols, false),
	DEF(STREAM_REVERSALS, "reversals", "a reversals stream", reversals_cols, false),
	DEF(STREAM_PARTIAL, "partial", "a partial actuals stream", partial_cols, false),
};
#undef DEF

const char *const payout_basis_names[PAYOUT_BASIS_COUNT] = { "final", "estimate", "early" };

int payout_basis_parse(const char *s, size_t len)
{
	for (int b = 0; b < PAYOUT_BASIS_COUNT; b++)
		if (strlen(payout_basis_names[b]) == len && memcmp(s, payout_basis_names[b], len) == 0)
			return b;
	return -1;
}

const struct stream_def *stream_def(enum stream_id s)
{
	return &streams[s];
}

const char *column_name(enum column c)
{
	return stream_columns[c].name;
}

enum column_type column_type(enum column c)
{
	return stream_columns[c].type;
}

enum column column_named(const char *name)
{
	for (int c = 0; c < COL_COUNT; c++)
		if (strcmp(stream_columns[c].name, name) == 0)
			return (enum column)c;
	return COL_COUNT;
}

static bool is_required(const struct stream_def *d, enum column c)
{
	for (size_t i = 0; i < d->count; i++)
		if (d->columns[i].column == c)
			return d->columns[i].required;
	return false;
}

/* "owner, period, metric and target": the columns the reader needs (NULL: the stream's
 * required ones), so that a reader that needs fewer never asks for more. */
static void list_required(const struct stream_def *d, const enum column *needs, size_t nneeds, struct sbuf *b)
{
	size_t n = 0, count = needs ? nneeds : d->count;
	for (size_t i = 0; i < count; i++)
		n += needs || d->columns[i].required;
	for (size_t i = 0, k = 0; i < count; i++) {
		if (!needs && !d->columns[i].required)
			continue;
		const char *sep = k == 0 ? "" : k + 1 == n ? " and " : ", ";
		sb_printf(b, "%s%s", sep, stream_columns[needs ? needs[i] : d->columns[i].column].name);
		k++;
	}
}

/* The header's names after the message, so a wrong file is recognised at a glance; long
 * names cut as values are, and escaped by diag with the message: a header is the file's text. */
static void append_found(const struct header *h, struct sbuf *msg)
{
	sb_str(msg, " (found:");
	sb_names(msg, h->name, h->count);
	sb_str(msg, ")");
}

const char *stream_try_bind(enum stream_id s, const struct header *h, const enum column *needs,
			    size_t nneeds, struct stream_binding *b, struct sbuf *msg)
{
	const struct stream_def *d = &streams[s];
	sb_reset(msg);
	b->stream = s;
	for (int c = 0; c < COL_COUNT; c++)
		b->at[c] = -1;
	for (size_t i = 0; i < d->count; i++) {
		enum column c = d->columns[i].column;
		long at = header_find(h, stream_columns[c].name);
		if (at == -2) {
			sb_printf(msg, "the column '%s' appears twice in the header", stream_columns[c].name);
			return sb_text(msg);
		}
		b->at[c] = at;
	}
	for (size_t i = 0; i < (needs ? nneeds : d->count); i++) {
		enum column c = needs ? needs[i] : d->columns[i].column;
		if (!is_required(d, c)) {
			if (needs) { /* the contract says optional: a reader may not require it */
				fprintf(stderr, "%s: internal error: %s is optional in %s\n", diag_program(),
					stream_columns[c].name, d->name);
				abort();
			}
			continue;
		}
		if (b->at[c] >= 0)
			continue;
		sb_printf(msg, "no column '%s' (%s needs ", stream_columns[c].name, d->what);
		list_required(d, needs, nneeds, msg);
		sb_str(msg, ")");
		append_found(h, msg);
		return sb_text(msg);
	}
	return NULL;
}

void stream_column_twice(const char *file, const char *name, const char *role)
{
	diag_atf(file, 1, NULL, NULL, 0, "the column '%s'%s%s%s appears twice in the header", name, role ? " (" : "",
		 role ? role : "", role ? ")" : "");
	diag_exit(SPM_EXIT_DATA);
}

void stream_bind(enum stream_id s, const struct header *h, const char *file, const enum column *needs,
		 size_t nneeds, struct stream_binding *b)
{
	struct sbuf msg = { 0 };
	if (stream_try_bind(s, h, needs, nneeds, b, &msg)) {
		diag_at(file, 1, NULL, NULL, 0, sb_text(&msg));
		diag_exit(SPM_EXIT_DATA);
	}
	sb_free(&msg);
}

/* A stream is told by all of its required columns; among several that fit, the one with
 * the most required columns is the most specific (payouts before progress). */
int stream_detect(const struct header *h, const enum stream_id *candidates, size_t n)
{
	int best = -1;
	size_t best_required = 0;
	for (size_t i = 0; i < (candidates ? n : (size_t)STREAM_ID_COUNT); i++) {
		enum stream_id s = candidates ? candidates[i] : (enum stream_id)i;
		const struct stream_def *d = &streams[s];
		size_t required = 0;
		bool fits = true;
		for (size_t k = 0; k < d->count && fits; k++) {
			if (!d->columns[k].required)
				continue;
			required++;
			fits = header_find(h, stream_columns[d->columns[k].column].name) >= 0;
		}
		if (fits && required > best_required) {
			best = (int)s;
			best_required = required;
		}
	}
	return best;
}

int stream_nearest(const struct header *h, const enum stream_id *candidates, size_t n)
{
	int best = -1;
	size_t best_found = 0;
	for (size_t i = 0; i < (candidates ? n : (size_t)STREAM_ID_COUNT); i++) {
		enum stream_id s = candidates ? candidates[i] : (enum stream_id)i;
		const struct stream_def *d = &streams[s];
		size_t required = 0, found = 0;
		for (size_t k = 0; k < d->count; k++) {
			if (!d->columns[k].required)
				continue;
			required++;
			found += header_find(h, stream_columns[d->columns[k].column].name) != -1;
		}
		if (2 * found > required && found > best_found) {
			best = (int)s;
			best_found = found;
		}
	}
	return best;
}

void stream_write_name(struct output *o, enum column c)
{
	output_str(o, stream_columns[c].name);
}

void stream_write_header(struct output *o, const enum column *cols, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			output_tab(o);
		output_str(o, stream_columns[cols[i]].name);
	}
	output_newline(o);
}

void stream_currency_conflict(struct sbuf *out, const char *first, size_t first_len, const char *file,
			      uint64_t line)
{
	sb_str(out, "not the currency of the actuals before it (");
	sb_cut_value(out, first, first_len); /* cut past 60 bytes as values are; diag escapes the message */
	sb_printf(out,
		  " in %s:%llu): actuals add up in one currency (spm-track --rates converts an export's amounts)",
		  file, (unsigned long long)line);
}
