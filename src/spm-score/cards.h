/* spm-score's model of its input: the progress stream (one row per goal, as spm-track
 * --goals writes it) from one or more files, every row checked, gathered into cards: one
 * per owner and period, holding that owner's goals of that period. The scorecards are
 * computed from it, and incentive plans (--plan) can be too. */
#ifndef SPM_SCORE_CARDS_H
#define SPM_SCORE_CARDS_H

#include "decimal.h"
#include "output.h"
#include "period.h"
#include "progress.h"
#include "stream.h"
#include "table.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One progress row: a goal of an owner in a period. */
struct goal_row {
	decimal attainment; /* as read: direction lower arrives inverted by spm-track */
	decimal weight;     /* 1 when the field is empty */
	decimal actual, target;
	decimal pace;       /* actual against what was expected by the as-of date */
	uint64_t line;      /* where it was read, in files[file] */
	uint32_t file;
	uint32_t owner, period, metric; /* indexes into the set's lists */
	uint32_t card;
	int8_t status;      /* enum goal_status, or -1 when not given */
	int8_t running;     /* days_left: 1 some left, 0 none (the period is over), -1 not given */
	int8_t level;       /* enum level from the column level, or -1 when not given */
	bool has_attainment : 1, has_actual : 1, has_target : 1, has_pace : 1;
	bool lower : 1;      /* direction lower */
	bool normalized : 1; /* attainment computed by spm-score (--normalize), not read */
};

/* One owner in one period. */
struct card {
	uint32_t owner, period;
	uint32_t count;
	struct goal_row **goal; /* its goals, in byte order of metric name */
};

struct card_owner {
	char *name;
	size_t len;
	uint32_t file; /* its first row, to name in diagnostics about the owner */
	uint64_t line;
};

struct card_set {
	struct card_owner *owner;
	size_t nowners;
	struct period *period;
	char (*label)[PERIOD_LABEL_SIZE];
	size_t nperiods;
	char **metric; /* sorted: metric indexes follow the byte order of names */
	size_t nmetrics;
	struct card *card; /* in order of first appearance */
	size_t ncards;
	const char **file; /* as diagnostics name them ("-" is standard input) */
	size_t nfiles;
	struct stream_binding columns; /* the progress columns of the first file (all share it):
					* owner, period, metric and attainment are needed, the
					* others used if there (a missing weight is 1, as in spm.7) */
	uint64_t read, used, rejected;
	/* storage */
	struct goal_row **segment; /* the rows, in reading order, in blocks */
	size_t *segment_len, nsegments;
	struct goal_row **by_card;
	struct table *card_index;   /* (owner, period) → card index + 1 */
	struct table *period_index; /* period key → period index */
};

struct card_read_options {
	int fiscal_start;
	size_t threads;
	struct output *reject; /* bad rows go there with a reason; NULL: the first stops the run */
};

/* Reads the files (the same header in each) into s. Without a reject file, the first bad
 * row exits 1 with FILE:LINE: COLUMN: message ("value"). */
void cards_read(struct card_set *s, char *const *files, size_t nfiles, const struct card_read_options *o);
void cards_free(struct card_set *s);
/* The start of the summary line on stderr: "PROG: N rows read, N used, N rejected"; the
 * caller adds its own counts and the newline. */
void cards_print_counts(const struct card_set *s);

/* The card of owner in period p (or in the period of that index), or NULL. */
const struct card *cards_find(const struct card_set *s, uint32_t owner, struct period p);
const struct card *cards_find_index(const struct card_set *s, uint32_t owner, uint32_t period);
/* Index of a metric by name, -1 if no row has it. */
long cards_metric(const struct card_set *s, const char *name);
/* Marks group[i] for each owner i whose rows say, in the level column, that it is a
 * team, a manager or a region (group has s->nowners entries; others are left as they
 * are). Without a level column nothing is marked. */
void cards_group_owners(const struct card_set *s, bool *group);
/* Whether a card's period is not over at the as-of date: some days left (days_left), or
 * without that column a status only a running period has. The scores' basis and the
 * payouts' basis (estimate, final) both follow it. */
bool card_running(const struct card *card);
/* Whether spm-track judged too little of the card's period gone to read its pace (a goal
 * of status early). */
bool card_early(const struct card *card);

#endif
