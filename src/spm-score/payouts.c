/* spm-score --plan: the payouts stream. Each owner is paid by a plan (the roster's plan
 * column, or --plan-name), one line per goal of a metric the plan pays, then the draw
 * (a recoverable guarantee per period, from the roster's draw column), then the total.
 * With --as-if-attainment or --as-if-actual the lines are what they would be; with
 * --against, only the differences from what was paid are written, as adjustments.
 *
 * Three passes over the cards: what each owner earned in each period; the draws, which
 * carry from one period to the next in time order; then the lines, in the order of the
 * stream (owner, then period label, in byte order). */
#include "spm-score.h"

#include "diag.h"
#include "metrics.h"
#include "plan.h"
#include "progress.h"
#include "roster.h"
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The lines that are not a metric's: names no metric can have. */
static const char *const TOTAL_METRIC = "*";
static const char *const DRAW_METRIC = "*draw";
static const char *const CLAWBACK_METRIC = "*clawback"; /* --reversals */

/* What the roster (or the options) say about an owner. */
struct payee {
	const struct plan *plan; /* NULL: no plan (left out with --skip-unplanned) */
	decimal incentive, draw;
	bool has_incentive, has_draw;
};

enum card_pay { PAY_NONE, PAY_PAID, PAY_UNPLANNED, PAY_NOT_STARTED };

/* One line of the stream, held until its card is complete. */
struct out_line {
	const char *plan, *metric;
	decimal actual, target, attainment, payout, paid;
	int places; /* of actual and target */
	bool has_actual, has_target, has_attainment;
	int rank;   /* 0 a metric's line, 1 the draw, 2 the total: their order in a card */
	char *detail;
};

/* ---- what was paid (--against) ---- */

/* One key of the paid files: the sum of its rows (a payout and later adjustments). */
struct paid_line {
	char *owner, *plan, *metric;
	unsigned char period[PERIOD_KEY_SIZE];
	decimal paid;
	decimal actual; /* of its last row with one: what the commission was paid on */
	bool has_actual;
	bool matched;
};

/* The lines of one owner and period in the paid files. */
struct paid_range {
	size_t first, count;
	bool visited;
};

struct ledger {
	struct paid_line *line;
	size_t n, cap;
	struct table *lines;   /* key → index + 1 into line[] */
	struct table *periods; /* period key → (nothing) */
	struct table *ranges;  /* owner \0 period key → struct paid_range */
	struct table *rows;    /* a row's every field that counts → struct row_seen: duplicates */
};

/* Where a row of the paid files was first read. */
struct row_seen {
	size_t file; /* index into --against */
	uint64_t line;
};

enum paid_column { PD_OWNER, PD_PERIOD, PD_PLAN, PD_METRIC, PD_PAYOUT, PD_COUNT };

/* The columns of a payouts stream that --against needs: a line's key and its payout. */
static const enum column paid_columns[PD_COUNT] = { COL_OWNER, COL_PERIOD, COL_PLAN, COL_METRIC, COL_PAYOUT };

/* The columns that tell two rows of one line apart when they are there: a payout and the
 * adjustments since differ in them ("adjustment: paid 6,600.00, now ..."). */
enum paid_extra { PX_DETAIL, PX_PAID, PX_RECOMPUTED, PX_COUNT };

static const enum column paid_extras[PX_COUNT] = { COL_DETAIL, COL_PAID, COL_RECOMPUTED };

struct ledger_reader {
	struct ledger *l;
	const struct payout_options *po;
	size_t file; /* index into po->against */
	struct stream_binding b;
	size_t ncolumns;
	int fiscal_start;
	struct file_problem problem;
	char message[200];  /* "wrong number of fields": two numbers */
	char *long_message; /* one that names another file */
};

struct pay_run {
	const struct score_options *o;
	const struct payout_options *po;
	struct card_set *set;
	struct plan_set plans;
	struct roster roster;
	bool has_roster;
	long col_plan, col_incentive, col_draw;
	struct payee *payee; /* per owner */
	int *places;         /* per metric: decimals of actual and target (spm-track's, at least) */
	uint8_t *state;      /* per card: enum card_pay */
	decimal *earned, *owed_before; /* per card: earned before the draw; owed before the period */
	size_t *order, norder;
	struct ledger ledger;
	struct output *out;
	/* one card at a time */
	decimal *lines;
	size_t lines_cap;
	struct out_line *held;
	size_t nheld, held_cap;
	struct text detail, whatif;
	/* for the summary line */
	uint64_t lines_written, cards_paid, unplanned_owners, group_owners, not_started, no_attainment, as_if_cards, as_if_missing;
	uint64_t adjustments, adjusted_cards, never_paid, left_alone;
	uint64_t estimate_cards, early_cards; /* paid while their period runs (basis estimate, early) */
	/* --reversals */
	struct claw *claw;
	size_t nclaws, claw_cap;
	struct table *claws; /* owner \0 period plan \0 → index + 1 into claw[] */
	struct table *input_owners; /* owner name → index in set->owner: the owner-periods recomputed */
	uint64_t rev_read, rev_clawed, rev_outside, rev_unpaid, rev_no_rule, rev_no_date, rev_netted;
};

/* The clawback line of one owner, period (of the cancellations) and plan. */
struct claw {
	char *owner, *plan;
	char label[PERIOD_LABEL_SIZE];
	decimal reversed, recovered, paid;
	size_t deals;
	struct text detail;
};

static void key_add(char *key, size_t *n, const char *s, size_t len)
{
	memcpy(key + *n, s, len);
	*n += len;
	key[(*n)++] = '\0';
}

/* owner \0 period(6) plan \0 metric \0: names never hold a NUL byte. */
static char *line_key(const char *owner, const unsigned char period[PERIOD_KEY_SIZE], const char *plan,
		      const char *metric, size_t *len)
{
	size_t lo = strlen(owner), lp = strlen(plan), lm = strlen(metric), n = 0;
	char *key = xmalloc(lo + lp + lm + PERIOD_KEY_SIZE + 3);
	key_add(key, &n, owner, lo);
	memcpy(key + n, period, PERIOD_KEY_SIZE);
	n += PERIOD_KEY_SIZE;
	key_add(key, &n, plan, lp);
	key_add(key, &n, metric, lm);
	*len = n;
	return key;
}

static size_t range_key(char *key, const char *owner, size_t len, const unsigned char period[PERIOD_KEY_SIZE])
{
	memcpy(key, owner, len);
	key[len] = '\0';
	memcpy(key + len + 1, period, PERIOD_KEY_SIZE);
	return len + 1 + PERIOD_KEY_SIZE;
}

static int paid_problem(struct ledger_reader *lr, const struct row *row, enum paid_column c, const char *message)
{
	long i = stream_at(&lr->b, paid_columns[c]);
	return file_problem_at(&lr->problem, row, column_name(paid_columns[c]), row->len[i] ? row->field[i] : NULL, message);
}

/* A row the same as one read before, in every field that counts (the line's key, the
 * payout, and detail, paid and recomputed when there): the same ledger given twice, or a
 * row pasted twice, would otherwise add up into a clawback of what was paid once.
 * true with the message naming both rows. */
static bool duplicate_row(struct ledger_reader *lr, const struct row *row, const char *key, size_t key_len,
			  decimal payout)
{
	size_t len = key_len + sizeof payout.units;
	for (int x = 0; x < PX_COUNT; x++)
		len += (stream_at(&lr->b, paid_extras[x]) >= 0 ? row->len[stream_at(&lr->b, paid_extras[x])] : 0) + 1;
	char *id = xmalloc(len), *at = id;
	memcpy(at, key, key_len);
	at += key_len;
	memcpy(at, &payout.units, sizeof payout.units); /* 1000 and 1000.00 alike */
	at += sizeof payout.units;
	for (int x = 0; x < PX_COUNT; x++) {
		size_t n = stream_at(&lr->b, paid_extras[x]) >= 0 ? row->len[stream_at(&lr->b, paid_extras[x])] : 0;
		if (n)
			memcpy(at, row->field[stream_at(&lr->b, paid_extras[x])], n);
		at += n;
		*at++ = '\0'; /* fields hold no NUL byte: checked for the key, harmless for the rest */
	}
	bool created;
	struct row_seen *seen = table_upsert(lr->l->rows, id, len, &created);
	free(id);
	if (created) {
		seen->file = lr->file;
		seen->line = row->line;
		return false;
	}
	const char *first = lr->po->against[seen->file];
	const char *fmt = "duplicate row: the same as %s:%llu, every field alike (the same paid file given twice, or a row "
			  "pasted twice, would pay back what was paid once); an adjustment differs in its detail";
	size_t size = (size_t)snprintf(NULL, 0, fmt, first, (unsigned long long)seen->line) + 1;
	free(lr->long_message);
	lr->long_message = xmalloc(size);
	snprintf(lr->long_message, size, fmt, first, (unsigned long long)seen->line);
	return true;
}

static int paid_row(void *ctx, const struct row *row)
{
	struct ledger_reader *lr = ctx;
	struct ledger *l = lr->l;
	if (!row_has_fields(row, lr->ncolumns, lr->message, sizeof lr->message)) {
		return file_problem_at(&lr->problem, row, NULL, NULL, lr->message);
	}
	const char *name[PD_COUNT];
	for (int c = 0; c < PD_COUNT; c++) {
		long i = stream_at(&lr->b, paid_columns[c]);
		name[c] = row->field[i];
		if (row->len[i] == 0)
			return paid_problem(lr, row, (enum paid_column)c, "empty: a value is needed");
		if (memchr(row->field[i], '\0', row->len[i]))
			return file_problem_at(&lr->problem, row, column_name(paid_columns[c]), NULL, "holds a NUL byte");
	}
	struct period p;
	if (!period_parse(name[PD_PERIOD], row->len[stream_at(&lr->b, paid_columns[PD_PERIOD])], lr->fiscal_start, &p))
		return paid_problem(lr, row, PD_PERIOD, "not a period label (2026, 2026-H2, 2026-Q3, 2026-11, 2026-W48, 2026-11-26)");
	decimal paid;
	enum decimal_status st = decimal_parse(name[PD_PAYOUT], row->len[stream_at(&lr->b, paid_columns[PD_PAYOUT])], DECIMAL_POINT, &paid);
	if (st != DECIMAL_OK)
		return paid_problem(lr, row, PD_PAYOUT, decimal_strerror(st));
	unsigned char pk[PERIOD_KEY_SIZE];
	period_to_key(p, pk);
	size_t len;
	char *key = line_key(name[PD_OWNER], pk, name[PD_PLAN], name[PD_METRIC], &len);
	if (duplicate_row(lr, row, key, len, paid)) {
		free(key);
		return file_problem_at(&lr->problem, row, NULL, NULL, lr->long_message);
	}
	bool created;
	size_t *index = table_upsert(l->lines, key, len, &created);
	free(key);
	if (created) {
		xgrow((void **)&l->line, &l->cap, l->n + 1, sizeof *l->line);
		struct paid_line *pl = &l->line[l->n];
		pl->owner = xstrdup(name[PD_OWNER]);
		pl->plan = xstrdup(name[PD_PLAN]);
		pl->metric = xstrdup(name[PD_METRIC]);
		memcpy(pl->period, pk, PERIOD_KEY_SIZE);
		pl->paid = paid;
		pl->matched = false;
		*index = ++l->n;
	} else if (!decimal_add(l->line[*index - 1].paid, paid, &l->line[*index - 1].paid)) {
		return paid_problem(lr, row, PD_PAYOUT, "the sum of the payouts of this line is too large");
	}
	table_upsert(l->periods, pk, PERIOD_KEY_SIZE, NULL);
	long ac = stream_at(&lr->b, COL_ACTUAL);
	decimal actual;
	if (ac >= 0 && row->len[ac] && decimal_parse(row->field[ac], row->len[ac], DECIMAL_POINT, &actual) == DECIMAL_OK) {
		l->line[*index - 1].actual = actual;
		l->line[*index - 1].has_actual = true;
	}
	return 0;
}

static void read_paid(struct ledger *l, const struct payout_options *po, size_t file, int fiscal_start)
{
	const char *path = po->against[file];
	struct ledger_reader lr;
	memset(&lr, 0, sizeof lr);
	lr.l = l;
	lr.po = po;
	lr.file = file;
	lr.fiscal_start = fiscal_start;
	struct source *src = source_open(path, FORMAT_AUTO);
	const struct header *h = source_header(src);
	stream_bind(STREAM_PAYOUTS, h, path, paid_columns, PD_COUNT, &lr.b);
	lr.ncolumns = h->count;
	read_side_file(src, path, paid_row, &lr, &lr.problem);
	free(lr.long_message);
}

static int compare_paid(const void *pa, const void *pb)
{
	const struct paid_line *a = pa, *b = pb;
	int c = strcmp(a->owner, b->owner);
	if (!c)
		c = memcmp(a->period, b->period, PERIOD_KEY_SIZE);
	if (!c)
		c = strcmp(a->plan, b->plan);
	return c ? c : strcmp(a->metric, b->metric);
}

/* Reads the paid files, then indexes their lines by owner and period. */
static void load_ledger(struct ledger *l, const struct payout_options *po, int fiscal_start)
{
	memset(l, 0, sizeof *l);
	l->lines = table_new(sizeof(size_t));
	l->periods = table_new(1);
	l->ranges = table_new(sizeof(struct paid_range));
	l->rows = table_new(sizeof(struct row_seen));
	for (size_t i = 0; i < po->nagainst; i++)
		read_paid(l, po, i, fiscal_start);
	table_free(l->rows);
	l->rows = NULL;
	if (l->n > 1) /* a header-only ledger has no lines: qsort(NULL, 0) is undefined */
		qsort(l->line, l->n, sizeof *l->line, compare_paid);
	table_free(l->lines);
	l->lines = table_new(sizeof(size_t));
	for (size_t i = 0; i < l->n; i++) {
		const struct paid_line *pl = &l->line[i];
		size_t len;
		char *key = line_key(pl->owner, pl->period, pl->plan, pl->metric, &len);
		*(size_t *)table_upsert(l->lines, key, len, NULL) = i + 1;
		free(key);
		char *rk = xmalloc(strlen(pl->owner) + 1 + PERIOD_KEY_SIZE);
		struct paid_range *r = table_upsert(l->ranges, rk, range_key(rk, pl->owner, strlen(pl->owner), pl->period), NULL);
		if (r->count++ == 0)
			r->first = i;
		free(rk);
	}
}

static void free_ledger(struct ledger *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->line[i].owner);
		free(l->line[i].plan);
		free(l->line[i].metric);
	}
	free(l->line);
	table_free(l->lines);
	table_free(l->periods);
	table_free(l->ranges);
}

/* ---- who is paid by what ---- */

static bool is_cents(decimal d)
{
	return decimal_cmp(decimal_round(d, 2, ROUND_HALF_EVEN), d) == 0;
}

/* An amount of the roster (incentive, draw): empty is none; bad values stop the run. */
static bool roster_amount(const struct pay_run *run, const struct roster_rep *rep, long col, bool cents, decimal *out)
{
	if (col < 0 || !rep->field[col][0])
		return false;
	const char *s = rep->field[col], *problem = NULL;
	enum decimal_status st = decimal_parse(s, strlen(s), DECIMAL_POINT, out);
	if (st != DECIMAL_OK)
		problem = decimal_strerror(st);
	else if (decimal_sign(*out) < 0)
		problem = "negative amount";
	else if (cents && !is_cents(*out))
		problem = "an amount in cents: at most 2 decimals";
	if (problem) {
		diag_at(run->roster.path, rep->line, run->roster.column[col], s, strlen(s), problem);
		diag_exit(SPM_EXIT_DATA);
	}
	return true;
}

/* A plan name of the roster that the plan file does not have: a typo, never left out (with
 * the plans the file has, as --plan-name; not freed: the run ends here). */
static noreturn void unknown_plan(const struct pay_run *run, const struct roster_rep *rep, const char *name)
{
	char *names = plan_names(&run->plans, 10);
	size_t size = strlen(run->po->plan) + rep->len[LEVEL_REP] + strlen(names) + 64;
	char *message = xmalloc(size);
	snprintf(message, size, "no plan of that name in %s (the rep '%s' is paid by it; %s)", run->po->plan,
		 rep->name[LEVEL_REP], names);
	diag_at(run->o->roster, rep->line, column_name(COL_PLAN), name, strlen(name), message);
	diag_exit(SPM_EXIT_DATA);
}

static void load_roster(struct pay_run *run)
{
	const struct payout_options *po = run->po;
	run->col_plan = run->col_incentive = run->col_draw = -1;
	if (!run->o->roster)
		return;
	roster_load(&run->roster, run->o->roster, LEVEL_COUNT);
	run->has_roster = true;
	run->col_plan = roster_column(&run->roster, column_name(COL_PLAN));
	run->col_incentive = roster_column(&run->roster, column_name(COL_INCENTIVE));
	run->col_draw = po->no_draw ? -1 : roster_column(&run->roster, column_name(COL_DRAW));
	if (!po->plan_name && run->col_plan < 0) {
		diag_atf(run->o->roster, 1, NULL, NULL, 0,
			 "the roster has no column '%s' to pay its reps by (or give --plan-name for everyone)",
			 column_name(COL_PLAN));
		diag_exit(SPM_EXIT_DATA);
	}
	/* every plan name and amount is checked, not only those of the owners paid, and before
	 * the input is read: a roster is one file, and a typo in the row of a rep without goals
	 * yet is found now, not at the quarter that pays them. An empty plan is no name: a rep
	 * without a plan is an error only once it has rows (unless --skip-unplanned). */
	for (size_t i = 0; i < run->roster.nreps; i++) {
		const struct roster_rep *rep = &run->roster.rep[i];
		if (!po->plan_name && rep->field[run->col_plan][0] && !plan_find(&run->plans, rep->field[run->col_plan]))
			unknown_plan(run, rep, rep->field[run->col_plan]);
		decimal d;
		roster_amount(run, rep, run->col_incentive, false, &d);
		roster_amount(run, rep, run->col_draw, true, &d);
	}
}

/* An owner without a plan: an error, or with --skip-unplanned a line on stderr. */
static void unplanned(struct pay_run *run, const struct card_owner *owner, const struct roster_rep *rep)
{
	const char *file = rep ? run->o->roster : run->set->file[owner->file];
	uint64_t line = rep ? rep->line : owner->line;
	bool skip = run->po->skip_unplanned;
	const char *what = skip ? ": left out" : " (--skip-unplanned leaves such owners out)";
	if (rep)
		diag_atf(file, line, column_name(COL_PLAN), NULL, 0, "empty, so the rep '%s' has no plan%s", owner->name,
			 what);
	else
		diag_atf(file, line, column_name(COL_OWNER), owner->name, owner->len, "not in the roster, so no plan%s",
			 what);
	if (!skip)
		diag_exit(SPM_EXIT_DATA);
	run->unplanned_owners++;
}

static const struct card_set *sort_set;

static int compare_owner_index(const void *pa, const void *pb)
{
	const struct card_owner *a = &sort_set->owner[*(const size_t *)pa], *b = &sort_set->owner[*(const size_t *)pb];
	return bytes_cmp(a->name, a->len, b->name, b->len);
}

/* Each owner's plan, target incentive and draw, in byte order of names (the order the
 * unplanned are listed in). */
static void find_payees(struct pay_run *run)
{
	struct card_set *set = run->set;
	const struct payout_options *po = run->po;
	run->payee = xcalloc(set->nowners + 1, sizeof *run->payee);
	size_t *owners = xcalloc(set->nowners + 1, sizeof *owners);
	for (size_t i = 0; i < set->nowners; i++)
		owners[i] = i;
	sort_set = set;
	qsort(owners, set->nowners, sizeof *owners, compare_owner_index);
	/* The input's level column says which owners are teams, managers or regions even
	 * without a roster: --plan-name names the plan of every rep, never a group's. */
	bool *group_row = xcalloc(set->nowners + 1, sizeof *group_row);
	cards_group_owners(set, group_row);
	for (size_t k = 0; k < set->nowners; k++) {
		const struct card_owner *owner = &set->owner[owners[k]];
		struct payee *pe = &run->payee[owners[k]];
		const struct roster_rep *rep = run->has_roster ? roster_find_rep(&run->roster, owner->name, owner->len) : NULL;
		const char *name = po->plan_name ? po->plan_name : rep ? rep->field[run->col_plan] : NULL;
		const bool groups[LEVEL_COUNT] = { false, true, true, true };
		enum level level, other;
		if ((!rep && group_row[owners[k]]) ||
		    (!rep && run->has_roster &&
		     roster_level_of(&run->roster, owner->name, owner->len, groups, &level, &other) != NAME_UNKNOWN)) {
			run->group_owners++; /* a team, manager or region: payouts go to reps */
			continue;
		}
		if (!name || !name[0]) {
			unplanned(run, owner, rep);
			continue;
		}
		/* --plan-name and every plan of the roster were checked before the input was read */
		if (!(pe->plan = plan_find(&run->plans, name)))
			unknown_plan(run, rep, name);
		if (po->has_incentive) {
			pe->incentive = po->incentive;
			pe->has_incentive = true;
		} else if (rep) {
			pe->has_incentive = roster_amount(run, rep, run->col_incentive, false, &pe->incentive);
		}
		if (rep && roster_amount(run, rep, run->col_draw, true, &pe->draw))
			pe->has_draw = decimal_sign(pe->draw) > 0;
	}
	free(group_row);
	free(owners);
}

/* Decimals of each metric's actual and target: spm-track's for its own metrics (2 for
 * money, 0 for counts, 4 for ratios), or as many as the value needs. */
static void metric_places(struct pay_run *run)
{
	struct metric_catalog cat;
	metric_catalog_load(&cat, NULL);
	run->places = xcalloc(run->set->nmetrics + 1, sizeof *run->places);
	for (size_t m = 0; m < run->set->nmetrics; m++) {
		const struct metric *mt = metric_find(&cat, run->set->metric[m]);
		run->places[m] = mt && mt->places > 0 ? mt->places : 0;
	}
	metric_catalog_free(&cat);
}

/* --metric must name a metric that the plan of some owner pays: a typo must not make a
 * what-if a silent no-op. */
static void check_as_if_metric(const struct pay_run *run)
{
	const char *m = run->po->metric;
	if (!m)
		return;
	for (size_t i = 0; i < run->set->nowners; i++)
		if (run->payee[i].plan && plan_metric_find(run->payee[i].plan, m))
			return;
	diag_fatal(SPM_EXIT_DATA, "--metric: the plans of these owners do not pay the metric '%s'", m);
}

/* ---- one card ---- */

static bool card_started(const struct card *card)
{
	for (uint32_t i = 0; i < card->count; i++)
		if (card->goal[i]->status != STATUS_NOT_STARTED)
			return true;
	return false;
}

/* The metric a what-if changes for this owner: --metric, else the plan's first. */
static const char *as_if_metric(const struct pay_run *run, const struct plan *p)
{
	return run->po->metric ? run->po->metric : p->metric[0].name;
}

static noreturn void goal_problem(const struct pay_run *run, const struct goal_row *g, enum column col,
				  const char *value, const char *message)
{
	diag_at(run->set->file[g->file], g->line, column_name(col), value, value ? strlen(value) : 0, message);
	diag_exit(SPM_EXIT_DATA);
}

/* The figures of a goal as the plan sees them, changed by a what-if (its words in
 * run->whatif) when this is the goal it names. */
static void goal_input(struct pay_run *run, const struct goal_row *g, const struct payee *pe, bool as_if,
		       struct payout_input *in)
{
	const struct payout_options *po = run->po;
	memset(in, 0, sizeof *in);
	in->actual = g->actual;
	in->has_actual = g->has_actual;
	in->target = g->target;
	in->has_target = g->has_target;
	in->attainment = g->attainment;
	in->has_attainment = g->has_attainment;
	in->lower = g->lower;
	in->incentive = pe->incentive;
	in->has_incentive = pe->has_incentive;
	if (!as_if)
		return;
	struct text *t = &run->whatif;
	bool ok = true;
	text_clear(t);
	if (po->as_if == AS_IF_ATTAINMENT) {
		text_str(t, "what-if: attainment ");
		text_percent(t, po->as_if_value, 2);
		text_str(t, " instead of ");
		if (g->has_attainment)
			text_percent(t, g->attainment, 2);
		else
			text_str(t, "none");
		in->attainment = po->as_if_value;
		in->has_attainment = in->attainment_given = true;
		if (g->has_target && !g->lower) { /* the actual that reaches it */
			ok = decimal_mul(po->as_if_value, g->target, DECIMAL_PLACES, ROUND_HALF_AWAY, &in->actual);
			in->has_actual = true;
		} else if (g->has_target && decimal_sign(po->as_if_value) > 0) {
			ok = decimal_div(g->target, po->as_if_value, DECIMAL_PLACES, ROUND_HALF_AWAY, &in->actual);
			in->has_actual = true;
		}
	} else {
		text_str(t, "what-if: actual ");
		text_number(t, po->as_if_value, run->places[g->metric]);
		text_str(t, " instead of ");
		if (g->has_actual)
			text_number(t, g->actual, run->places[g->metric]);
		else
			text_str(t, "none");
		in->actual = po->as_if_value;
		in->has_actual = true;
		/* the attainment spm-track would print: 4 decimals, half away from zero */
		in->has_attainment = g->has_target && !decimal_is_zero(g->target) &&
				     !(g->lower && decimal_is_zero(po->as_if_value));
		if (in->has_attainment)
			ok = g->lower ? decimal_div(g->target, po->as_if_value, 4, ROUND_HALF_AWAY, &in->attainment)
				      : decimal_div(po->as_if_value, g->target, 4, ROUND_HALF_AWAY, &in->attainment);
	}
	text_str(t, "; ");
	if (!ok)
		goal_problem(run, g, COL_ACTUAL, NULL, "the what-if is too large for exact arithmetic");
}

static void hold(struct pay_run *run, const struct out_line *l, const struct text *detail)
{
	xgrow((void **)&run->held, &run->held_cap, run->nheld + 1, sizeof *run->held);
	struct out_line *h = &run->held[run->nheld++];
	*h = *l;
	h->detail = xmemdup0(detail->s ? detail->s : "", detail->len);
}

/* The plan's line for one goal; the payout goes into run->lines[n]. */
static void pay_goal(struct pay_run *run, const struct card *card, const struct goal_row *g,
		     const struct plan_metric *pm, bool keep, size_t n)
{
	const struct payee *pe = &run->payee[card->owner];
	const char *metric = run->set->metric[g->metric];
	bool as_if = run->po->as_if != AS_IF_NONE && strcmp(metric, as_if_metric(run, pe->plan)) == 0;
	struct payout_input in;
	goal_input(run, g, pe, as_if, &in);
	struct sbuf message = { 0 }; /* names a plan, a metric, an owner: any length (goal_problem exits) */
	const char *plan = pe->plan->name;
	/* the words are made only for lines that are written */
	switch (payout_line(pm, &in, run->po->rounding, &run->lines[n], keep ? &run->detail : NULL)) {
	case PAYOUT_OK: break;
	case PAYOUT_LOWER:
		sb_printf(&message,
			 "plan '%s' pays %s by %s, a share of the actual, which needs a metric where more is better", plan,
			 metric, rule_names[pm->base]);
		goal_problem(run, g, COL_DIRECTION, goal_direction_name(DIRECTION_LOWER), sb_text(&message));
	case PAYOUT_NO_ACTUAL:
		sb_printf(&message, "%s, and plan '%s' pays %s by %s, a share of the actual",
			 stream_has(&run->set->columns, COL_ACTUAL) ? "empty" : "the input has no such column", plan, metric,
			 rule_names[pm->base]);
		goal_problem(run, g, COL_ACTUAL, NULL, sb_text(&message));
	case PAYOUT_NO_TARGET: {
		char shown[NUMBER_BUFSIZE];
		number_exact(g->target, shown);
		sb_printf(&message, "%s, and plan '%s' pays %s in bands of the target, which must be above 0",
			 !stream_has(&run->set->columns, COL_TARGET) ? "the input has no such column" : g->has_target ? "not above 0" : "empty",
			 plan, metric);
		goal_problem(run, g, COL_TARGET, g->has_target ? shown : NULL, sb_text(&message));
	}
	case PAYOUT_NO_INCENTIVE:
		sb_printf(&message,
			 "no target incentive for '%s': plan '%s' pays %s on a curve of it (roster column incentive, or --incentive)",
			 run->set->owner[card->owner].name, plan, metric);
		goal_problem(run, g, COL_OWNER, NULL, sb_text(&message));
	case PAYOUT_OVERFLOW:
		goal_problem(run, g, COL_ACTUAL, NULL, "too large for exact arithmetic");
	}
	if (!keep)
		return;
	struct out_line l = { .plan = plan, .metric = metric, .places = run->places[g->metric], .rank = 0 };
	l.actual = in.actual;
	l.has_actual = in.has_actual;
	l.target = in.target;
	l.has_target = in.has_target;
	l.attainment = in.attainment;
	l.has_attainment = in.has_attainment;
	l.payout = run->lines[n];
	if (!in.has_attainment)
		run->no_attainment++;
	if (as_if) { /* the detail says it is not a real payout */
		struct text both = { NULL, 0, 0 };
		text_add(&both, run->whatif.s, run->whatif.len);
		text_add(&both, run->detail.s, run->detail.len);
		hold(run, &l, &both);
		text_free(&both);
		return;
	}
	hold(run, &l, &run->detail);
}

static noreturn void too_large(const struct pay_run *run, const struct card *card)
{
	const struct card_owner *o = &run->set->owner[card->owner];
	diag_atf(run->set->file[o->file], o->line, column_name(COL_OWNER), NULL, 0,
		 "the payouts of '%s' in %s are too large for exact arithmetic", o->name, run->set->label[card->period]);
	diag_exit(SPM_EXIT_DATA);
}

/* Pays one card: returns what it earned (the plan's total before the draw); with keep,
 * its lines are held for writing, the draw's and the total's too. */
static decimal pay_card(struct pay_run *run, size_t c, bool keep)
{
	const struct card *card = &run->set->card[c];
	const struct payee *pe = &run->payee[card->owner];
	const struct plan *p = pe->plan;
	size_t n = 0;
	bool as_if_here = false;
	xgrow((void **)&run->lines, &run->lines_cap, card->count + 1, sizeof *run->lines);
	for (uint32_t i = 0; i < card->count; i++) {
		const struct goal_row *g = card->goal[i];
		const struct plan_metric *pm = plan_metric_find(p, run->set->metric[g->metric]);
		if (!pm)
			continue; /* a goal the plan does not pay */
		as_if_here |= run->po->as_if != AS_IF_NONE && strcmp(pm->name, as_if_metric(run, p)) == 0;
		pay_goal(run, card, g, pm, keep, n++);
	}
	decimal earned, paid;
	if (!payout_total(p, run->lines, n, &earned, keep ? &run->detail : NULL))
		too_large(run, card);
	if (!keep)
		return earned;
	if (run->po->as_if != AS_IF_NONE) {
		run->as_if_cards += as_if_here;
		run->as_if_missing += !as_if_here;
	}
	paid = earned;
	if (pe->has_draw) {
		struct text draw_text = { NULL, 0, 0 };
		decimal owed = run->owed_before[c], line;
		if (!payout_draw(pe->draw, earned, &owed, &line, &draw_text) || !decimal_add(earned, line, &paid))
			too_large(run, card);
		struct out_line l = { .plan = p->name, .metric = DRAW_METRIC, .payout = line, .rank = 1 };
		hold(run, &l, &draw_text);
		text_free(&draw_text);
		payout_total_draw(&run->detail, earned, line, paid);
	}
	struct out_line l = { .plan = p->name, .metric = TOTAL_METRIC, .payout = paid, .rank = 2 };
	if (as_if_here) {
		struct text both = { NULL, 0, 0 };
		text_str(&both, "what-if: ");
		text_add(&both, run->detail.s, run->detail.len);
		hold(run, &l, &both);
		text_free(&both);
	} else {
		hold(run, &l, &run->detail);
	}
	return earned;
}

/* ---- the passes ---- */

static const struct pay_run *sort_run;

/* By owner, then in time: by first day (the longer period first when two start on one
 * day), so that periods of different grains (2026-02-01 before 2026-W06) are in the order
 * of the calendar. */
static int compare_cards_in_time(const void *pa, const void *pb)
{
	const struct card *a = &sort_run->set->card[*(const size_t *)pa], *b = &sort_run->set->card[*(const size_t *)pb];
	if (a->owner != b->owner)
		return a->owner < b->owner ? -1 : 1;
	struct period x = sort_run->set->period[a->period], y = sort_run->set->period[b->period];
	if (x.start != y.start)
		return x.start < y.start ? -1 : 1;
	spm_day ex = period_end(x), ey = period_end(y);
	if (ex != ey)
		return ex > ey ? -1 : 1;
	return period_cmp(x, y);
}

static int compare_cards_in_stream(const void *pa, const void *pb)
{
	const struct card_set *set = sort_run->set;
	const struct card *a = &set->card[*(const size_t *)pa], *b = &set->card[*(const size_t *)pb];
	const struct card_owner *oa = &set->owner[a->owner], *ob = &set->owner[b->owner];
	int c = bytes_cmp(oa->name, oa->len, ob->name, ob->len);
	return c ? c : strcmp(set->label[a->period], set->label[b->period]);
}

/* Which cards are paid, and what each earned. */
static void earn_all(struct pay_run *run)
{
	struct card_set *set = run->set;
	run->state = xcalloc(set->ncards + 1, sizeof *run->state);
	run->earned = xcalloc(set->ncards + 1, sizeof *run->earned);
	run->owed_before = xcalloc(set->ncards + 1, sizeof *run->owed_before);
	for (size_t c = 0; c < set->ncards; c++) {
		const struct card *card = &set->card[c];
		if (!run->payee[card->owner].plan) {
			run->state[c] = PAY_UNPLANNED;
		} else if (!card_started(card)) {
			run->state[c] = PAY_NOT_STARTED;
			run->not_started++;
		} else {
			run->state[c] = PAY_PAID;
			run->earned[c] = pay_card(run, c, false);
		}
	}
}

/* Draws, owner by owner in time order: what each period advances or recovers. A draw is
 * per period, so an owner's periods must not overlap (a year and its quarters), in days:
 * sorted by first day, two periods overlap exactly when some neighbours do. */
static void run_draws(struct pay_run *run)
{
	struct card_set *set = run->set;
	size_t *cards = xcalloc(set->ncards + 1, sizeof *cards), n = 0;
	for (size_t c = 0; c < set->ncards; c++)
		if (run->state[c] == PAY_PAID && run->payee[set->card[c].owner].has_draw)
			cards[n++] = c;
	sort_run = run;
	qsort(cards, n, sizeof *cards, compare_cards_in_time);
	decimal owed = decimal_zero();
	for (size_t i = 0; i < n; i++) {
		const struct card *card = &set->card[cards[i]];
		const struct payee *pe = &run->payee[card->owner];
		if (i == 0 || set->card[cards[i - 1]].owner != card->owner) {
			owed = decimal_zero();
		} else {
			const struct card *prev = &set->card[cards[i - 1]];
			if (period_end(set->period[prev->period]) > set->period[card->period].start) {
				const struct card_owner *o = &set->owner[card->owner];
				diag_atf(set->file[o->file], o->line, column_name(COL_PERIOD), NULL, 0,
					 "'%s' has a draw, which is per period, and two of the periods overlap (%s, %s): give periods of one grain",
					 o->name, set->label[prev->period], set->label[card->period]);
				diag_exit(SPM_EXIT_DATA);
			}
		}
		decimal line;
		run->owed_before[cards[i]] = owed;
		if (!payout_draw(pe->draw, run->earned[cards[i]], &owed, &line, NULL)) /* amounts only */
			too_large(run, card);
	}
	free(cards);
}

/* ---- writing ---- */

/* Every digit of d, at least at_least decimals. */
static void write_number(struct output *out, decimal d, int at_least)
{
	char buf[NUMBER_BUFSIZE];
	output_bytes(out, buf, number_at_least(d, at_least, buf));
}

/* What a card's lines are: final once its period is over; while it runs an estimate on
 * the attainment so far, or early when spm-track judged the period too young to read. */
static enum payout_basis card_basis(const struct card *card)
{
	if (!card_running(card))
		return PAYOUT_FINAL;
	return card_early(card) ? PAYOUT_EARLY : PAYOUT_ESTIMATE;
}

static void write_line(struct pay_run *run, const struct card *card, const struct out_line *l, bool adjustment,
		       enum payout_basis basis)
{
	struct output *out = run->out;
	const struct card_owner *owner = &run->set->owner[card->owner];
	const char *label = run->set->label[card->period];
	output_field(out, owner->name, owner->len);
	output_tab(out);
	output_str(out, label);
	output_tab(out);
	output_field(out, l->plan, strlen(l->plan));
	output_tab(out);
	output_field(out, l->metric, strlen(l->metric));
	output_tab(out);
	if (l->has_actual)
		write_number(out, l->actual, l->places);
	output_tab(out);
	if (l->has_target)
		write_number(out, l->target, l->places);
	output_tab(out);
	if (l->has_attainment)
		write_number(out, l->attainment, RATIO_PLACES);
	output_tab(out);
	decimal shown = l->payout;
	if (adjustment && !decimal_sub(l->payout, l->paid, &shown))
		too_large(run, card);
	output_money(out, shown);
	output_tab(out);
	output_field(out, l->detail, strlen(l->detail));
	output_tab(out);
	output_str(out, payout_basis_names[basis]);
	if (adjustment) {
		output_tab(out);
		output_money(out, l->paid);
		output_tab(out);
		output_money(out, l->payout);
	}
	output_newline(out);
}

static int compare_held(const void *pa, const void *pb)
{
	const struct out_line *a = pa, *b = pb;
	int c = strcmp(a->plan, b->plan);
	if (c)
		return c;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	return strcmp(a->metric, b->metric);
}

/* --against: the card's lines whose payout differs from what was paid, and the paid lines
 * it no longer has (paid back to 0); nothing else. */
static void adjust_card(struct pay_run *run, const struct card *card)
{
	struct ledger *l = &run->ledger;
	const struct card_owner *owner = &run->set->owner[card->owner];
	unsigned char pk[PERIOD_KEY_SIZE];
	period_to_key(run->set->period[card->period], pk);
	if (!table_find(l->periods, pk, PERIOD_KEY_SIZE)) { /* paid the normal way, not adjusted */
		for (size_t i = 0; i < run->nheld; i++)
			free(run->held[i].detail);
		run->nheld = 0;
		run->never_paid++;
		return;
	}
	char *rk = xmalloc(owner->len + 1 + PERIOD_KEY_SIZE);
	struct paid_range *range = table_find(l->ranges, rk, range_key(rk, owner->name, owner->len, pk));
	free(rk);
	if (range)
		range->visited = true;
	size_t kept = 0;
	for (size_t i = 0; i < run->nheld; i++) {
		struct out_line *h = &run->held[i];
		size_t len;
		char *key = line_key(owner->name, pk, h->plan, h->metric, &len);
		size_t *index = table_find(l->lines, key, len);
		free(key);
		struct paid_line *pl = index ? &l->line[*index - 1] : NULL;
		h->paid = pl ? pl->paid : decimal_zero();
		if (pl)
			pl->matched = true;
		struct text t = { NULL, 0, 0 };
		text_str(&t, "adjustment: ");
		if (pl) {
			text_str(&t, "paid ");
			text_money(&t, h->paid);
		} else {
			text_str(&t, "never paid");
		}
		text_str(&t, ", now ");
		text_money(&t, h->payout);
		text_str(&t, ": ");
		text_str(&t, h->detail);
		free(h->detail);
		h->detail = xmemdup0(t.s, t.len);
		text_free(&t);
		if (decimal_cmp(h->paid, h->payout) != 0)
			run->held[kept++] = *h;
		else
			free(h->detail);
	}
	run->nheld = kept;
	for (size_t i = 0; range && i < range->count; i++) {
		const struct paid_line *pl = &l->line[range->first + i];
		if (pl->matched || decimal_is_zero(pl->paid) || strcmp(pl->metric, CLAWBACK_METRIC) == 0)
			continue; /* a clawback line is --reversals' (clawback lines below) */
		struct out_line o = { .plan = pl->plan, .metric = pl->metric, .paid = pl->paid, .payout = decimal_zero() };
		o.rank = strcmp(pl->metric, TOTAL_METRIC) == 0 ? 2 : strcmp(pl->metric, DRAW_METRIC) == 0 ? 1 : 0;
		struct text t = { NULL, 0, 0 };
		text_str(&t, "adjustment: paid ");
		text_money(&t, pl->paid);
		text_str(&t, ", now nothing: this line is no longer computed");
		hold(run, &o, &t);
		text_free(&t);
	}
	if (run->nheld) {
		run->adjusted_cards++;
		run->adjustments += run->nheld;
	}
}

static void write_card(struct pay_run *run, size_t c)
{
	const struct card *card = &run->set->card[c];
	run->nheld = 0;
	pay_card(run, c, true);
	run->cards_paid++;
	bool against = run->po->nagainst > 0;
	if (against)
		adjust_card(run, card);
	if (run->nheld > 1)
		qsort(run->held, run->nheld, sizeof *run->held, compare_held);
	enum payout_basis basis = card_basis(card);
	if (run->nheld) {
		run->estimate_cards += basis == PAYOUT_ESTIMATE;
		run->early_cards += basis == PAYOUT_EARLY;
	}
	for (size_t i = 0; i < run->nheld; i++) {
		write_line(run, card, &run->held[i], against, basis);
		free(run->held[i].detail);
	}
	run->lines_written += run->nheld;
	run->nheld = 0;
}

static void write_payouts(struct pay_run *run)
{
	struct card_set *set = run->set;
	static const enum column header[] = { COL_OWNER, COL_PERIOD, COL_PLAN, COL_METRIC, COL_ACTUAL, COL_TARGET,
					      COL_ATTAINMENT, COL_PAYOUT, COL_DETAIL, COL_BASIS, COL_PAID,
					      COL_RECOMPUTED };
	/* paid and recomputed only for adjustments (--against) */
	stream_write_header(run->out, header, sizeof header / sizeof header[0] - (run->po->nagainst ? 0 : 2));
	run->order = xcalloc(set->ncards + 1, sizeof *run->order);
	for (size_t c = 0; c < set->ncards; c++)
		if (run->state[c] == PAY_PAID)
			run->order[run->norder++] = c;
	sort_run = run;
	qsort(run->order, run->norder, sizeof *run->order, compare_cards_in_stream);
	for (size_t i = 0; i < run->norder; i++)
		write_card(run, run->order[i]);
	for (size_t i = 0; run->po->nagainst && i < table_count(run->ledger.ranges); i++)
		run->left_alone += !((struct paid_range *)table_value(run->ledger.ranges, i))->visited;
}

/* ---- clawbacks (--reversals) ---- */

/* num ÷ den (both positive) rounded to a whole number by mode. */
static decimal_units div_round(decimal_units num, decimal_units den, enum decimal_rounding mode)
{
	decimal_units q = num / den, r = num % den;
	if (2 * r > den || (2 * r == den && (mode == ROUND_HALF_AWAY || q % 2 != 0)))
		q++;
	return q;
}

/* A money amount in whole cents (rounded half-even when it has more decimals). */
static decimal_units cents_of(decimal d)
{
	decimal_units scale = 1;
	for (int i = 2; i < DECIMAL_PLACES; i++)
		scale *= 10;
	return decimal_round(d, 2, ROUND_HALF_EVEN).units / scale;
}

static decimal from_cents(decimal_units c)
{
	decimal d = decimal_zero();
	decimal_units scale = 1;
	for (int i = 2; i < DECIMAL_PLACES; i++)
		scale *= 10;
	d.units = c * scale;
	return d;
}

struct reversal_reader {
	struct pay_run *run;
	struct stream_binding b;
	size_t ncolumns;
	struct file_problem problem;
	char message[200]; /* "wrong number of fields": two numbers */
};

/* The paid won_revenue line of owner whose period holds day d (the first in the order of
 * the ledger, owner then period), or NULL. */
static struct paid_line *paid_line_holding(struct pay_run *run, const char *owner, spm_day d)
{
	struct ledger *l = &run->ledger;
	for (size_t i = 0; i < l->n; i++) {
		struct paid_line *pl = &l->line[i];
		if (strcmp(pl->owner, owner) != 0 || strcmp(pl->metric, "won_revenue") != 0)
			continue;
		struct period p = period_from_key(pl->period);
		if (p.start <= d && d < period_end(p))
			return pl;
	}
	return NULL;
}

static struct claw *claw_of(struct pay_run *run, const char *owner, struct period p, const char *plan)
{
	unsigned char pk[PERIOD_KEY_SIZE];
	period_to_key(p, pk);
	size_t len;
	char *key = line_key(owner, pk, plan, CLAWBACK_METRIC, &len);
	bool created;
	size_t *index = table_upsert(run->claws, key, len, &created);
	if (created) {
		xgrow((void **)&run->claw, &run->claw_cap, run->nclaws + 1, sizeof *run->claw);
		struct claw *c = &run->claw[run->nclaws];
		memset(c, 0, sizeof *c);
		c->owner = xstrdup(owner);
		c->plan = xstrdup(plan);
		period_format(p, c->label);
		/* what the ledger already holds for this clawback line (paid back before) */
		size_t *paid = table_find(run->ledger.lines, key, len);
		if (paid) {
			c->paid = run->ledger.line[*paid - 1].paid;
			run->ledger.line[*paid - 1].matched = true;
		}
		*index = ++run->nclaws;
	}
	free(key);
	return &run->claw[*index - 1];
}

struct optional_value {
	bool has;
	decimal value;
};

/* An optional column's number, if the stream has the column and the row a value there;
 * nonzero (a bad row) if it is not a number. */
static int optional_decimal(struct reversal_reader *rr, const struct row *row, enum column col,
			    struct optional_value *v)
{
	long at = stream_at(&rr->b, col);
	if (at < 0 || row->len[at] == 0)
		return 0;
	enum decimal_status st = decimal_parse(row->field[at], row->len[at], DECIMAL_POINT, &v->value);
	if (st != DECIMAL_OK)
		return file_problem_at(&rr->problem, row, column_name(col), row->field[at], decimal_strerror(st));
	v->has = true;
	return 0;
}

/* Whether the input holds the owner's card of period p: that owner-period is recomputed
 * (and adjusted against the ledger) in this run. */
static bool recomputed(struct pay_run *run, const char *owner, struct period p)
{
	const struct card_set *set = run->set;
	if (!run->input_owners) {
		run->input_owners = table_new(sizeof(uint32_t));
		for (size_t k = 0; k < set->nowners; k++)
			*(uint32_t *)table_upsert(run->input_owners, set->owner[k].name, set->owner[k].len, NULL) = (uint32_t)k;
	}
	const uint32_t *k = table_find(run->input_owners, owner, strlen(owner));
	return k && cards_find(set, *k, p);
}

static int reversal_row(void *ctx, const struct row *row)
{
	struct reversal_reader *rr = ctx;
	struct pay_run *run = rr->run;
	if (!row_has_fields(row, rr->ncolumns, rr->message, sizeof rr->message)) {
		return file_problem_at(&rr->problem, row, NULL, NULL, rr->message);
	}
	long co = stream_at(&rr->b, COL_OWNER), ci = stream_at(&rr->b, COL_ID), cc = stream_at(&rr->b, COL_CLOSED),
	     cx = stream_at(&rr->b, COL_CANCELLED), ca = stream_at(&rr->b, COL_AMOUNT);
	if (row->len[co] == 0)
		return file_problem_at(&rr->problem, row, column_name(COL_OWNER), NULL, "empty owner");
	if (memchr(row->field[co], '\0', row->len[co]))
		return file_problem_at(&rr->problem, row, column_name(COL_OWNER), NULL, "holds a NUL byte");
	spm_day closed = 0, cancelled;
	bool has_closed = row->len[cc] != 0;
	if (has_closed && !date_parse_iso(row->field[cc], row->len[cc], &closed))
		return file_problem_at(&rr->problem, row, column_name(COL_CLOSED), row->field[cc],
				       date_problem(row->field[cc], row->len[cc], "not a date (YYYY-MM-DD)"));
	if (!date_parse_iso(row->field[cx], row->len[cx], &cancelled))
		return file_problem_at(&rr->problem, row, column_name(COL_CANCELLED), row->field[cx],
				       date_problem(row->field[cx], row->len[cx], "not a date (YYYY-MM-DD)"));
	if (has_closed && cancelled < closed)
		return file_problem_at(&rr->problem, row, column_name(COL_CANCELLED), row->field[cx], "before the close date");
	decimal amount;
	enum decimal_status st = decimal_parse(row->field[ca], row->len[ca], DECIMAL_POINT, &amount);
	if (st != DECIMAL_OK)
		return file_problem_at(&rr->problem, row, column_name(COL_AMOUNT), row->field[ca], decimal_strerror(st));
	if (decimal_sign(amount) <= 0)
		return file_problem_at(&rr->problem, row, column_name(COL_AMOUNT), row->field[ca], "a reversal is a positive amount");
	/* spm-track --credits: a split deal's line names the owner's share and the deal's
	 * whole reversal, for the detail; empty for a deal not split */
	struct optional_value share = { false, decimal_zero() }, whole = { false, decimal_zero() };
	if (optional_decimal(rr, row, COL_SHARE, &share) || optional_decimal(rr, row, COL_DEAL_AMOUNT, &whole))
		return 1;
	run->rev_read++;
	if (!has_closed) { /* a negative amount in the export: the deal it reverses is not known */
		run->rev_no_date++;
		return 0;
	}
	struct paid_line *pl = paid_line_holding(run, row->field[co], closed);
	if (!pl || !pl->has_actual || decimal_sign(pl->actual) <= 0 || decimal_sign(pl->paid) <= 0) {
		run->rev_unpaid++;
		return 0;
	}
	struct period won = period_from_key(pl->period);
	struct period at = period_of(cancelled, (enum grain)won.grain, won.fiscal_start);
	if (period_cmp(won, at) == 0 && recomputed(run, row->field[co], won)) {
		/* reversed in the period it was won in: that period's won_revenue is net of it,
		 * and its recomputation here already takes the commission back */
		run->rev_netted++;
		return 0;
	}
	const struct plan *p = plan_find(&run->plans, pl->plan);
	const struct plan_metric *pm = p ? plan_metric_find(p, pl->metric) : NULL;
	if (!pm || !pm->has_clawback) {
		run->rev_no_rule++;
		return 0;
	}
	int64_t window = (int64_t)(pm->clawback.lower.units / from_cents(100).units);
	int64_t days = (int64_t)cancelled - closed;
	if (days > window) {
		run->rev_outside++;
		return 0;
	}
	decimal_units paid_c = cents_of(pl->paid), amount_c = cents_of(amount), actual_c = cents_of(pl->actual);
	const decimal_units limit = (decimal_units)100000000000000; /* 10^14 cents: the product stays in 128 bits */
	if (paid_c >= limit || amount_c >= limit || actual_c >= limit)
		return file_problem_at(&rr->problem, row, column_name(COL_AMOUNT), row->field[ca], "too large for exact arithmetic");
	decimal_units billion = from_cents(100).units; /* 1 in units */
	decimal_units recovered = div_round(paid_c * amount_c * pm->clawback.rate.units, actual_c * billion, run->po->rounding);
	struct claw *c = claw_of(run, row->field[co], at, pl->plan);
	decimal got = from_cents(recovered);
	if (!decimal_add(c->reversed, amount, &c->reversed) || !decimal_add(c->recovered, got, &c->recovered))
		return file_problem_at(&rr->problem, row, column_name(COL_AMOUNT), row->field[ca], "too large for exact arithmetic");
	c->deals++;
	char day[DATE_TEXT_SIZE], label[PERIOD_LABEL_SIZE], buf[32];
	if (c->detail.len)
		text_str(&c->detail, "; ");
	text_str(&c->detail, "deal ");
	text_add(&c->detail, row->field[ci], row->len[ci]);
	text_str(&c->detail, " won ");
	date_format(closed, day);
	text_str(&c->detail, day);
	text_str(&c->detail, " (");
	period_format(won, label);
	text_str(&c->detail, label);
	text_str(&c->detail, "), reversed ");
	date_format(cancelled, day);
	text_str(&c->detail, day);
	snprintf(buf, sizeof buf, " after %lld", (long long)days);
	text_str(&c->detail, buf);
	snprintf(buf, sizeof buf, " of %lld days: ", (long long)window);
	text_str(&c->detail, buf);
	text_percent(&c->detail, pm->clawback.rate, 0);
	text_str(&c->detail, " × paid ");
	text_money(&c->detail, pl->paid);
	text_str(&c->detail, " × ");
	text_money(&c->detail, amount);
	if (share.has && whole.has) { /* a split deal: the owner's part of its reversal */
		text_str(&c->detail, " (");
		text_percent(&c->detail, share.value, 0);
		text_str(&c->detail, " of ");
		text_money(&c->detail, whole.value);
		text_str(&c->detail, ")");
	}
	text_str(&c->detail, " ÷ ");
	text_money(&c->detail, pl->actual);
	text_str(&c->detail, " won_revenue = ");
	text_money(&c->detail, got);
	run->rev_clawed++;
	return 0;
}

/* Reads --reversals against the ledger: after the cards (a reversal in an owner-period
 * recomputed here is netted there), before the payouts are written (a clawback line of
 * the ledger is its own, never "no longer computed"). */
static void read_reversals(struct pay_run *run)
{
	const char *path = run->po->reversals;
	struct reversal_reader rr;
	memset(&rr, 0, sizeof rr);
	rr.run = run;
	run->claws = table_new(sizeof(size_t));
	struct source *src = source_open(path, FORMAT_AUTO);
	const struct header *h = source_header(src);
	const enum column needs[] = { COL_OWNER, COL_ID, COL_CLOSED, COL_CANCELLED, COL_AMOUNT };
	stream_bind(STREAM_REVERSALS, h, path, needs, 5, &rr.b);
	rr.ncolumns = h->count;
	read_side_file(src, path, reversal_row, &rr, &rr.problem);
}

static int compare_claws(const void *pa, const void *pb)
{
	const struct claw *a = pa, *b = pb;
	int c = strcmp(a->owner, b->owner);
	if (!c)
		c = strcmp(a->label, b->label);
	return c ? c : strcmp(a->plan, b->plan);
}

/* One adjustment line per owner, period of the cancellations and plan: minus what is
 * recovered, less what the ledger already took back on that line. */
static void write_clawbacks(struct pay_run *run)
{
	if (!run->claws)
		return;
	if (run->nclaws > 1)
		qsort(run->claw, run->nclaws, sizeof *run->claw, compare_claws);
	struct output *out = run->out;
	for (size_t i = 0; i < run->nclaws; i++) {
		struct claw *c = &run->claw[i];
		decimal now, shown;
		if (!decimal_sub(decimal_zero(), c->recovered, &now) || !decimal_sub(now, c->paid, &shown))
			diag_fatal(SPM_EXIT_DATA, "%s: the clawback of '%s' is too large for exact arithmetic", run->po->reversals,
				   c->owner);
		if (decimal_is_zero(shown))
			continue;
		struct text t = { NULL, 0, 0 };
		text_str(&t, "adjustment: ");
		if (decimal_is_zero(c->paid)) {
			text_str(&t, "never paid");
		} else {
			text_str(&t, "paid ");
			text_money(&t, c->paid);
		}
		text_str(&t, ", now ");
		text_money(&t, now);
		text_str(&t, ": clawback: ");
		text_add(&t, c->detail.s, c->detail.len);
		if (c->deals > 1) {
			text_str(&t, "; total ");
			text_money(&t, c->recovered);
		}
		output_field(out, c->owner, strlen(c->owner));
		output_tab(out);
		output_str(out, c->label);
		output_tab(out);
		output_field(out, c->plan, strlen(c->plan));
		output_tab(out);
		output_str(out, CLAWBACK_METRIC);
		output_tab(out);
		write_number(out, c->reversed, 2);
		output_tab(out);
		output_tab(out);
		output_tab(out);
		output_money(out, shown);
		output_tab(out);
		output_field(out, t.s, t.len);
		output_tab(out);
		/* a clawback takes back commission on deals cancelled: a settled sum, not a guess */
		output_str(out, payout_basis_names[PAYOUT_FINAL]);
		output_tab(out);
		output_money(out, c->paid);
		output_tab(out);
		output_money(out, now);
		output_newline(out);
		text_free(&t);
		run->adjustments++;
		run->lines_written++;
	}
}

static void free_claws(struct pay_run *run)
{
	for (size_t i = 0; i < run->nclaws; i++) {
		free(run->claw[i].owner);
		free(run->claw[i].plan);
		text_free(&run->claw[i].detail);
	}
	free(run->claw);
	table_free(run->claws);
	if (run->input_owners)
		table_free(run->input_owners);
}

static void print_summary(const struct pay_run *run)
{
	cards_print_counts(run->set);
	if (run->po->nagainst)
		fprintf(stderr, "; %llu adjustment line(s) for %llu owner-period(s)", (unsigned long long)run->adjustments,
			(unsigned long long)run->adjusted_cards);
	else
		fprintf(stderr, "; %llu payout line(s) for %llu owner-period(s)", (unsigned long long)run->lines_written,
			(unsigned long long)run->cards_paid);
	if (run->unplanned_owners)
		fprintf(stderr, "; %llu owner(s) without a plan left out", (unsigned long long)run->unplanned_owners);
	if (run->group_owners)
		fprintf(stderr, "; %llu team, manager or region owner(s) left out (payouts go to reps)",
			(unsigned long long)run->group_owners);
	if (run->not_started)
		fprintf(stderr, "; %llu owner-period(s) not started yet left out", (unsigned long long)run->not_started);
	if (run->no_attainment)
		fprintf(stderr, "; %llu goal(s) without an attainment paid nothing", (unsigned long long)run->no_attainment);
	if (run->estimate_cards)
		fprintf(stderr, "; %llu owner-period(s) of a period still running paid on the attainment so far (basis estimate)",
			(unsigned long long)run->estimate_cards);
	if (run->early_cards)
		fprintf(stderr, "; %llu owner-period(s) too early in their period to estimate (basis early)",
			(unsigned long long)run->early_cards);
	if (run->po->as_if != AS_IF_NONE) {
		fprintf(stderr, "; what-if for %llu owner-period(s)", (unsigned long long)run->as_if_cards);
		if (run->as_if_missing)
			fprintf(stderr, ", %llu unchanged (no goal of that metric that the plan pays)",
				(unsigned long long)run->as_if_missing);
	}
	if (run->never_paid)
		fprintf(stderr, "; %llu owner-period(s) of periods never paid not compared", (unsigned long long)run->never_paid);
	if (run->left_alone)
		fprintf(stderr, "; %llu paid owner-period(s) not in the input left alone", (unsigned long long)run->left_alone);
	if (run->claws) {
		fprintf(stderr, "; %llu reversal(s) read, %llu clawed back", (unsigned long long)run->rev_read,
			(unsigned long long)run->rev_clawed);
		if (run->rev_netted)
			fprintf(stderr, ", %llu in the period they were won in (its won_revenue is net of them: recomputed, not clawed back)",
				(unsigned long long)run->rev_netted);
		if (run->rev_outside)
			fprintf(stderr, ", %llu outside the clawback window", (unsigned long long)run->rev_outside);
		if (run->rev_unpaid)
			fprintf(stderr, ", %llu of deals in no paid won_revenue line", (unsigned long long)run->rev_unpaid);
		if (run->rev_no_rule)
			fprintf(stderr, ", %llu under a plan without a clawback rule", (unsigned long long)run->rev_no_rule);
		if (run->rev_no_date)
			fprintf(stderr, ", %llu without a won date (a negative amount)", (unsigned long long)run->rev_no_date);
	}
	fputc('\n', stderr);
}

int pay_main(const struct score_options *o, char *const *files, size_t nfiles)
{
	struct pay_run run;
	struct card_set set;
	struct output out, reject;
	memset(&run, 0, sizeof run);
	run.o = o;
	run.po = &o->pay;
	run.set = &set;
	run.out = &out;
	/* the plan, the roster and the paid files are checked before the input is read */
	plan_load(&run.plans, o->pay.plan);
	if (o->pay.plan_name && !plan_find(&run.plans, o->pay.plan_name))
		/* with the plans it has, so a typo or a plan of another file is seen at once (the
		 * list is not freed: diag_fatal ends the run) */
		diag_fatal(SPM_EXIT_DATA, "--plan-name: %s has no plan '%s' (%s)", o->pay.plan, o->pay.plan_name,
			   plan_names(&run.plans, 10));
	load_roster(&run);
	if (o->pay.nagainst)
		load_ledger(&run.ledger, &o->pay, o->fiscal_start);

	output_open(&out, o->output);
	if (o->reject)
		output_open(&reject, o->reject);
	struct card_read_options ro = { o->fiscal_start, o->threads, o->reject ? &reject : NULL };
	cards_read(&set, files, nfiles, &ro);
	if (o->pay.reversals) /* after the cards: a reversal in a recomputed period is netted there */
		read_reversals(&run);
	find_payees(&run);
	check_as_if_metric(&run);
	metric_places(&run);
	earn_all(&run);
	run_draws(&run);
	write_payouts(&run);
	write_clawbacks(&run);
	if (o->reject)
		output_close(&reject);
	output_close(&out);
	if (!o->quiet)
		print_summary(&run);

	if (run.claws)
		free_claws(&run);
	if (o->pay.nagainst)
		free_ledger(&run.ledger);
	if (run.has_roster)
		roster_free(&run.roster);
	plan_set_free(&run.plans);
	free(run.payee);
	free(run.places);
	free(run.state);
	free(run.earned);
	free(run.owed_before);
	free(run.order);
	free(run.lines);
	free(run.held);
	text_free(&run.detail);
	text_free(&run.whatif);
	cards_free(&set);
	return SPM_EXIT_OK;
}
