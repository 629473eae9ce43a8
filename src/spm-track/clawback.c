/* Clawbacks: won deals cancelled or refunded after they were won. Each becomes a reversal
 * dated on the cancellation, in the period that holds that day: won_revenue goes down
 * there, and clawback (the amount) and clawback_deals (the count) say so. The period the
 * deal was won in is never touched: its won_revenue and won_deals stay as they were.
 *
 * Three ways a reversal arrives:
 *   a --cancelled stage   the row is the won deal (its close date and amount) and its
 *                         cancellation, dated by --cancelled-date COL, else by the row's
 *                         --latest value (the moment the record last changed), else a bad
 *                         row: the date is never guessed
 *   a negative amount     on a won row: a reversal of that amount on the row's date (the
 *                         deal it reverses is not known: no won date in --reversals)
 *   --refunds FILE        'id date amount': a refund of the won row with that record id,
 *                         converted (--rates) at the deal's close-date rate, so a full
 *                         refund takes back exactly what was counted
 *
 * A deal with revenue credit (--credits): each reversal is divided among its credited
 * owners in the shares of their credit, exactly to the cent (credits_split).
 *
 * --reversals FILE writes every reversal counted (owner id closed cancelled amount), the
 * input of spm-score --reversals, which claws commission back under the plan's clawback
 * rule. Memory: the refunds, and with --reversals the reversals; never the rows. */
#include "spm-track.h"

#include "diag.h"
#include "options.h"

#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- refunds ---- */

struct refund {
	spm_day date;
	decimal amount; /* positive: the amount returned */
	uint64_t line;
	size_t next; /* index + 1 of the next refund of the same id; 0: the last */
};

/* The refunds of one record id. */
struct refund_head {
	size_t first; /* index + 1 into refund[] */
	size_t slot;  /* into matched[] */
};

struct reversal {
	char *owner, *id;
	size_t owner_len, id_len;
	spm_day closed; /* INT32_MIN: not known (a negative amount) */
	spm_day when;
	decimal amount;
	decimal share, deal_amount; /* a split deal's: the owner's share, the deal's reversal */
	bool split;
};

struct reversal_list {
	struct reversal *r;
	size_t n, cap;
};

struct clawback {
	char **stages;
	size_t *stage_len, nstages;
	long col_date; /* --cancelled-date, per file; -1 */
	const char *refunds_path;
	struct table *refund_ids; /* id → struct refund_head */
	struct refund *refund;
	size_t nrefunds, refund_cap;
	atomic_uint *matched; /* per id: the won rows that took its refunds */
	uint64_t *first_line; /* per id: its first line in the refunds file */
	size_t nids;
	bool write; /* --reversals */
};

/* Stages that mean cancelled or refunded, by --map preset (case-insensitive, as --won). */
static const struct {
	const char *map, *stages;
} preset_stages[] = {
	{ "salesforce", DEFAULT_CANCELLED_STAGES ",closedcancelled" },
	{ "hubspot", DEFAULT_CANCELLED_STAGES ",closedcancelled,cancelled_deal" },
	{ "pipedrive", DEFAULT_CANCELLED_STAGES },
};

bool clawback_metric(const struct metric *m)
{
	return m->builtin == M_CLAWBACK || m->builtin == M_CLAWBACK_DEALS;
}

struct refunds_reader {
	struct clawback *c;
	const struct track_options *opt;
	struct stream_binding b;
	size_t ncolumns;
	struct file_problem problem;
	char message[200];
};

static int refund_row(void *ctx, const struct row *row)
{
	struct refunds_reader *rr = ctx;
	struct clawback *c = rr->c;
	if (!row_has_fields(row, rr->ncolumns, rr->message, sizeof rr->message)) {
		return file_problem_at(&rr->problem, row, NULL, NULL, rr->message);
	}
	long ci = stream_at(&rr->b, COL_ID), cd = stream_at(&rr->b, COL_DATE), ca = stream_at(&rr->b, COL_AMOUNT);
	if (row->len[ci] == 0)
		return file_problem_at(&rr->problem, row, column_name(COL_ID), NULL, "empty record id");
	struct refund r = { 0, decimal_zero(), row->line, 0 };
	bool ok = rr->opt->date_format ? date_parse_format(row->field[cd], row->len[cd], rr->opt->date_format, &r.date)
				       : date_parse_iso(row->field[cd], row->len[cd], &r.date);
	if (!ok)
		return file_problem_at(&rr->problem, row, column_name(COL_DATE), row->field[cd],
				       rr->opt->date_format ? "not a date in the --date-format layout"
							     : date_problem(row->field[cd], row->len[cd], "not a date (YYYY-MM-DD)"));
	enum decimal_status st = decimal_parse(row->field[ca], row->len[ca], rr->opt->style, &r.amount);
	if (st != DECIMAL_OK)
		return file_problem_at(&rr->problem, row, column_name(COL_AMOUNT), row->field[ca], decimal_strerror(st));
	if (decimal_is_zero(r.amount))
		return file_problem_at(&rr->problem, row, column_name(COL_AMOUNT), row->field[ca], "a refund of nothing");
	if (decimal_sign(r.amount) < 0 && !decimal_sub(decimal_zero(), r.amount, &r.amount))
		return file_problem_at(&rr->problem, row, column_name(COL_AMOUNT), row->field[ca], "amount too large");
	bool created;
	struct refund_head *h = table_upsert(c->refund_ids, row->field[ci], row->len[ci], &created);
	xgrow((void **)&c->refund, &c->refund_cap, c->nrefunds + 1, sizeof *c->refund);
	if (created) {
		h->slot = c->nids++;
		h->first = 0;
	}
	/* appended at the end of the id's chain: the file's order */
	size_t *link = &h->first;
	while (*link)
		link = &c->refund[*link - 1].next;
	c->refund[c->nrefunds++] = r;
	*link = c->nrefunds;
	return 0;
}

static void load_refunds(struct clawback *c, const struct track_options *opt)
{
	struct refunds_reader rr;
	memset(&rr, 0, sizeof rr);
	rr.c = c;
	rr.opt = opt;
	c->refund_ids = table_new(sizeof(struct refund_head));
	struct source *src = source_open(opt->refunds, FORMAT_AUTO);
	const struct header *h = source_header(src);
	const enum column needs[] = { COL_ID, COL_DATE, COL_AMOUNT };
	stream_bind(STREAM_REFUNDS, h, opt->refunds, needs, 3, &rr.b);
	rr.ncolumns = h->count;
	read_side_file(src, opt->refunds, refund_row, &rr, &rr.problem);
	c->matched = xcalloc(c->nids + 1, sizeof *c->matched);
	c->first_line = xcalloc(c->nids + 1, sizeof *c->first_line);
	for (size_t i = 0; i < table_count(c->refund_ids); i++) {
		const struct refund_head *rh = table_value(c->refund_ids, i);
		atomic_init(&c->matched[rh->slot], 0);
		c->first_line[rh->slot] = c->refund[rh->first - 1].line;
	}
}

struct clawback *clawback_setup(const struct track_options *opt)
{
	struct clawback *c = xcalloc(1, sizeof *c);
	const char *stages = opt->cancelled;
	for (size_t i = 0; !stages && opt->map && i < sizeof preset_stages / sizeof preset_stages[0]; i++)
		if (strcmp(opt->map, preset_stages[i].map) == 0)
			stages = preset_stages[i].stages;
	c->stages = split_list(stages ? stages : DEFAULT_CANCELLED_STAGES, ',', &c->nstages);
	c->stage_len = item_lengths(c->stages, c->nstages);
	c->col_date = -1;
	c->write = opt->reversals != NULL;
	if (opt->refunds)
		load_refunds(c, opt);
	return c;
}

void clawback_free(struct clawback *c)
{
	if (!c)
		return;
	free_list(c->stages, c->nstages);
	free(c->stage_len);
	table_free(c->refund_ids);
	free(c->refund);
	free(c->matched);
	free(c->first_line);
	free(c);
}

/* The --cancelled-date column of this file; with --refunds the record id is needed. */
void clawback_resolve(struct job *job, bool *wanted)
{
	struct clawback *c = job->clawback;
	const struct track_options *opt = job->opt;
	if (!c)
		return;
	c->col_date = -1;
	if (opt->cancelled_date) {
		long i = header_find(job->header, opt->cancelled_date);
		if (i == -2)
			diag_fatal(SPM_EXIT_DATA, "%s:1: column \"%s\" (--cancelled-date) appears twice in the header",
				   job->file, opt->cancelled_date);
		if (i < 0)
			diag_fatal(SPM_EXIT_DATA, "%s:1: no column \"%s\" for --cancelled-date", job->file,
				   opt->cancelled_date);
		c->col_date = i;
		if (wanted)
			wanted[i] = true;
	}
	if ((opt->refunds || opt->reversals) && job->col[EXPORT_ID] < 0)
		diag_fatal(SPM_EXIT_DATA, "%s:1: no record id column for %s (use --map or --id)", job->file,
			   opt->refunds ? "--refunds" : "--reversals");
}

bool clawback_stage(const struct job *job, const char *stage, size_t len)
{
	const struct clawback *c = job->clawback;
	if (!c)
		return false;
	for (size_t i = 0; i < c->nstages; i++)
		if (c->stage_len[i] == len && strncasecmp(c->stages[i], stage, len) == 0)
			return true;
	return false;
}

/* ---- reversals ---- */

static bool counted_on(const struct job *job, spm_day d)
{
	if (job->range.limited && (d < job->range.lo || d >= job->range.hi))
		return false;
	if (job->span.limited && (d < job->span.lo || d >= job->span.hi))
		return false;
	return !(job->goals && d > job->opt->as_of);
}

/* Who a reversal goes to: the owners of the row, or a split deal's credited owners. */
struct reversed_to {
	const struct owner_ref *owners;
	size_t nowners;
	const struct credit_split *split; /* non-NULL: the credited owners, each its part */
};

static void reverse_in(struct chunk_state *cs, const struct period *periods, const struct owner_ref *o,
		       decimal amount, bool whole)
{
	const struct job *job = cs->job;
	for (size_t k = 0; k < job->ncal; k++) {
		size_t g = group_upsert(cs->groups, periods[k], o->level, o->name, o->len, NULL);
		struct deal_totals *t = deal_widen(&cs->wide, group_totals(cs->groups, g), g);
		if (!decimal_sub(t->won_revenue, amount, &t->won_revenue))
			sum_overflow("won_revenue");
		if (!add_or_fail(&t->clawback, amount))
			sum_overflow("clawback");
		if (whole)
			t->clawback_deals++;
	}
}

/* A --reversals line for the owner. */
static void note_reversal(struct chunk_state *cs, const struct row *row, const char *owner, size_t owner_len,
			  spm_day closed, spm_day when, decimal amount, const struct credit_split *sp, size_t k,
			  decimal deal_amount)
{
	if (!cs->reversals)
		cs->reversals = xcalloc(1, sizeof *cs->reversals);
	struct reversal_list *l = cs->reversals;
	xgrow((void **)&l->r, &l->cap, l->n + 1, sizeof *l->r);
	struct reversal *r = &l->r[l->n++];
	long ic = cs->job->col[EXPORT_ID];
	r->owner = xmemdup0(owner, owner_len);
	r->owner_len = owner_len;
	r->id = ic >= 0 ? xmemdup0(row->field[ic], row->len[ic]) : xmemdup0("", 0);
	r->id_len = ic >= 0 ? row->len[ic] : 0;
	r->closed = closed;
	r->when = when;
	r->amount = amount;
	r->split = sp != NULL;
	r->share = sp ? credits_split_share(sp, k) : decimal_zero();
	r->deal_amount = deal_amount;
}

/* One reversal of amount on day `when`: for each owner of the row, or divided among a
 * split deal's credited owners (parts: each one's share of amount, exact to the cent),
 * each of their groups counting the deal once. */
static void add_reversal(struct chunk_state *cs, const struct row *row, spm_day closed, spm_day when, decimal amount,
			 const struct reversed_to *to, const decimal *parts)
{
	const struct job *job = cs->job;
	if (!counted_on(job, when)) {
		cs->tally.reversals_outside++;
		return;
	}
	const struct period *periods = cached_periods(cs, when);
	const struct credit_split *sp = to->split;
	if (sp) {
		for (size_t k = 0; k < sp->n; k++) {
			for (size_t i = 0; i < job->nlevels; i++) {
				const struct owner_ref *o = &sp->owners[k * job->nlevels + i];
				if (o->len)
					reverse_in(cs, periods, o, parts[k], sp->whole[k * job->nlevels + i]);
			}
		}
	} else {
		for (size_t o = 0; o < to->nowners; o++)
			reverse_in(cs, periods, &to->owners[o], amount, true);
	}
	cs->tally.reversals++;
	if (!job->clawback->write)
		return;
	if (sp) {
		for (size_t k = 0; k < sp->n; k++)
			note_reversal(cs, row, sp->name[k], sp->name_len[k], closed, when, parts[k], sp, k, amount);
	} else {
		long rc = job->col[EXPORT_REP];
		note_reversal(cs, row, row->field[rc], row->len[rc], closed, when, amount, NULL, 0, amount);
	}
}

static bool row_date(const struct job *job, const char *s, size_t len, spm_day *d)
{
	return job->opt->date_format ? date_parse_format(s, len, job->opt->date_format, d) : date_parse_iso(s, len, d);
}

/* The day a cancelled row was cancelled; nonzero (a bad row) when it is not known. */
static int cancel_day(struct chunk_state *cs, const struct row *row, spm_day close, spm_day *when)
{
	const struct job *job = cs->job;
	const struct clawback *c = job->clawback;
	long col = c->col_date;
	if (col >= 0) {
		if (row->len[col] == 0)
			return bad_row(cs, row, col, "cancelled deal without a cancellation date");
		if (!row_date(job, row->field[col], row->len[col], when))
			return bad_row(cs, row, col, job->opt->date_format ? "not a date in the --date-format layout"
									   : date_problem(row->field[col], row->len[col], "not a date (YYYY-MM-DD)"));
	} else if (!records_latest_day(job, row, when)) {
		return bad_row(cs, row, job->col[EXPORT_STAGE],
			       "cancelled deal, and the day of its cancellation is not known (give --cancelled-date COL, or "
			       "--latest COL)");
	}
	if (*when < close) {
		bad_row(cs, row, col >= 0 ? col : job->col[EXPORT_STAGE], "cancelled before its close date");
		char day[DATE_TEXT_SIZE];
		date_format(close, day);
		sb_printf(&cs->problem.detail, " %s", day);
		return 1;
	}
	return 0;
}

/* The refunds of the row's record id, if any: reversals on their dates. */
static int take_refunds(struct chunk_state *cs, const struct row *row, spm_day close, const struct deal_row *d,
			const struct reversed_to *to)
{
	const struct job *job = cs->job;
	struct clawback *c = job->clawback;
	long ic = job->col[EXPORT_ID];
	if (!c->refund_ids || ic < 0 || row->len[ic] == 0)
		return 0;
	const struct refund_head *h = table_find(c->refund_ids, row->field[ic], row->len[ic]);
	if (!h)
		return 0;
	if (d->cancelled) {
		bad_row(cs, row, job->col[EXPORT_STAGE], "a cancelled deal that is also refunded at");
		sb_printf(&cs->problem.detail, " %s:%llu (one reversal per deal)",
			 job->opt->refunds, (unsigned long long)c->first_line[h->slot]);
		return 1;
	}
	if (atomic_fetch_add(&c->matched[h->slot], 1) != 0) {
		bad_row(cs, row, ic, "a second won row of a record refunded at");
		sb_printf(&cs->problem.detail,
			 " %s:%llu (--latest or --unique keeps one version of each record)", job->opt->refunds,
			 (unsigned long long)c->first_line[h->slot]);
		return 1;
	}
	/* checked first, counted after: a bad refund adds nothing; each amount converted once */
	size_t n = 0;
	for (size_t i = h->first; i; i = c->refund[i - 1].next)
		n++;
	decimal total = decimal_zero(), *amount = xcalloc(n, sizeof *amount);
	int bad = 0;
	n = 0;
	for (size_t i = h->first; i && !bad; i = c->refund[i - 1].next) {
		const struct refund *r = &c->refund[i - 1];
		struct deal_row conv = *d;
		conv.amount = r->amount;
		if (job->currency) {
			uint64_t converted = cs->tally.converted;
			if (currency_convert(cs, row, close, &conv)) {
				bad = 1;
				break;
			}
			cs->tally.converted = converted; /* the deal's amount is what was converted */
		}
		amount[n++] = conv.amount;
		if (r->date < close) {
			bad_row(cs, row, ic, "refunded before its close date at");
			sb_printf(&cs->problem.detail, " %s:%llu", job->opt->refunds,
				 (unsigned long long)r->line);
			bad = 1;
		} else if (!add_or_fail(&total, conv.amount) || (d->has_amount && decimal_cmp(total, d->amount) > 0)) {
			bad_row(cs, row, ic, "refunds of more than the won amount, up to");
			sb_printf(&cs->problem.detail, " %s:%llu", job->opt->refunds,
				 (unsigned long long)r->line);
			bad = 1;
		}
	}
	/* A split deal: each refund's parts are the credited owners' parts of the refunds so
	 * far less those of the refunds before, so that whatever the pieces, each owner gives
	 * back in all the part of the total refunded that the credit gave: a full refund
	 * takes back exactly each owner's won_revenue credit. */
	size_t ns = to->split ? to->split->n : 0;
	decimal *parts = xcalloc(2 * ns + 1, sizeof *parts), *before = parts + ns, refunded = decimal_zero();
	n = 0;
	for (size_t i = h->first; i && !bad; i = c->refund[i - 1].next) {
		decimal refund = amount[n++];
		if (ns) {
			add_or_fail(&refunded, refund); /* at most the amount: checked above */
			credits_split_parts(to->split, refunded, parts);
			for (size_t k = 0; k < ns; k++) {
				decimal so_far = parts[k];
				decimal_sub(parts[k], before[k], &parts[k]);
				before[k] = so_far;
			}
		}
		add_reversal(cs, row, close, c->refund[i - 1].date, refund, to, parts);
	}
	free(parts);
	free(amount);
	return bad;
}

/* A won row (or a cancelled one, d->cancelled): its reversals. -1: a bad row; 1: the row
 * is a reversal only (a negative amount), not a won deal; 0: a won deal, counted on. */
/* Whether the refunds file has a line for this row's record id. */
bool clawback_refunded(const struct job *job, const struct row *row)
{
	const struct clawback *c = job->clawback;
	long ic = job->col[EXPORT_ID];
	return c->refund_ids && ic >= 0 && row->len[ic] > 0 && table_find(c->refund_ids, row->field[ic], row->len[ic]);
}

int clawback_row(struct chunk_state *cs, const struct row *row, spm_day close, struct deal_row *d,
		 const struct owner_ref *owners, size_t nowners, const struct credit_deal *split)
{
	const struct job *job = cs->job;
	bool negative = d->has_amount && decimal_sign(d->amount) < 0;
	if (negative && d->cancelled) {
		bad_row(cs, row, job->col[EXPORT_AMOUNT], "a cancelled deal with a negative amount");
		return -1;
	}
	if (!negative && !d->cancelled && !job->clawback->refund_ids)
		return 0; /* most won rows: nothing reversed, and no refunds file to look in */
	struct reversed_to to = { owners, nowners, NULL };
	struct credit_split sp;
	if (split && (negative || d->cancelled || clawback_refunded(job, row))) {
		/* the revenue went to the credited owners (their groups on the close date): so
		 * does its reversal, in the same shares */
		if (credits_split(cs, row, split, close, &sp))
			return -1;
		to.split = &sp;
	}
	decimal *parts = xcalloc((to.split ? sp.n : 0) + 1, sizeof *parts);
	int r = 0;
	if (negative) {
		decimal back;
		if (!decimal_sub(decimal_zero(), d->amount, &back))
			sum_overflow("clawback");
		if (to.split)
			credits_split_parts(&sp, back, parts);
		add_reversal(cs, row, INT32_MIN, close, back, &to, parts);
		r = 1;
	} else if (d->cancelled) {
		spm_day when;
		decimal whole = d->has_amount ? d->amount : decimal_zero();
		if (cancel_day(cs, row, close, &when) || take_refunds(cs, row, close, d, &to)) {
			r = -1;
		} else {
			if (to.split) /* the same parts as the credit: the same amount and shares */
				credits_split_parts(&sp, whole, parts);
			add_reversal(cs, row, close, when, whole, &to, parts);
		}
	} else if (take_refunds(cs, row, close, d, &to)) {
		r = -1;
	}
	free(parts);
	if (to.split)
		credits_split_free(&sp);
	return r;
}

decimal gross_won(const struct deal_totals *t)
{
	decimal d;
	if (!decimal_add(t->won_revenue, t->clawback, &d))
		sum_overflow("won_revenue");
	return d;
}

/* ---- merging and writing ---- */

void clawback_merge(struct chunk_state *into, const struct chunk_state *from)
{
	const struct reversal_list *f = from->reversals;
	if (!f || f->n == 0)
		return;
	if (!into->reversals)
		into->reversals = xcalloc(1, sizeof *into->reversals);
	struct reversal_list *l = into->reversals;
	xgrow((void **)&l->r, &l->cap, l->n + f->n, sizeof *l->r);
	for (size_t i = 0; i < f->n; i++) {
		struct reversal r = f->r[i];
		r.owner = xmemdup0(r.owner, r.owner_len);
		r.id = xmemdup0(r.id, r.id_len);
		l->r[l->n++] = r;
	}
}

void clawback_chunk_free(struct chunk_state *cs)
{
	struct reversal_list *l = cs->reversals;
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->r[i].owner);
		free(l->r[i].id);
	}
	free(l->r);
	free(l);
	cs->reversals = NULL;
}

static int compare_reversals(const void *pa, const void *pb)
{
	const struct reversal *a = pa, *b = pb;
	int c = bytes_cmp(a->owner, a->owner_len, b->owner, b->owner_len);
	if (c)
		return c;
	if (a->when != b->when)
		return a->when < b->when ? -1 : 1;
	if ((c = bytes_cmp(a->id, a->id_len, b->id, b->id_len)))
		return c;
	if (a->closed != b->closed)
		return a->closed < b->closed ? -1 : 1;
	return decimal_cmp(a->amount, b->amount);
}

/* After every input is read: every refund found its won deal; --reversals written. */
void clawback_finish(const struct job *job, struct chunk_state *all)
{
	const struct clawback *c = job->clawback;
	if (!c)
		return;
	for (size_t i = 0; c->refund_ids && i < table_count(c->refund_ids); i++) {
		const struct refund_head *h = table_value(c->refund_ids, i);
		if (atomic_load(&c->matched[h->slot]))
			continue;
		size_t len;
		const char *id = table_key(c->refund_ids, i, &len);
		diag_at(job->opt->refunds, c->first_line[h->slot], column_name(COL_ID), id, len,
			"no won deal with this record id in the input");
		diag_exit(SPM_EXIT_DATA);
	}
	if (!c->write)
		return;
	struct output out;
	output_open(&out, job->opt->reversals);
	/* with --credits, a split deal's line says the owner's share and the deal's reversal
	 * (spm-score --reversals shows them: "25 % of 100.01"); empty for a deal not split */
	enum column cols[8] = { COL_OWNER, COL_ID, COL_CLOSED, COL_CANCELLED, COL_AMOUNT };
	size_t ncols = 5;
	if (job->currency)
		cols[ncols++] = COL_CURRENCY;
	if (job->credits) {
		cols[ncols++] = COL_SHARE;
		cols[ncols++] = COL_DEAL_AMOUNT;
	}
	stream_write_header(&out, cols, ncols);
	struct reversal_list *l = all->reversals;
	if (l && l->n > 1)
		qsort(l->r, l->n, sizeof *l->r, compare_reversals);
	for (size_t i = 0; l && i < l->n; i++) {
		const struct reversal *r = &l->r[i];
		char day[DATE_TEXT_SIZE];
		output_field(&out, r->owner, r->owner_len);
		output_tab(&out);
		output_field(&out, r->id, r->id_len);
		output_tab(&out);
		if (r->closed != INT32_MIN) {
			date_format(r->closed, day);
			output_str(&out, day);
		}
		output_tab(&out);
		date_format(r->when, day);
		output_str(&out, day);
		output_tab(&out);
		output_money(&out, r->amount);
		if (job->currency) {
			output_tab(&out);
			output_str(&out, currency_base(job->currency));
		}
		if (job->credits) {
			output_tab(&out);
			if (r->split) {
				char share[DECIMAL_BUFSIZE];
				decimal_format(r->share, -1, share, sizeof share);
				output_str(&out, share);
			}
			output_tab(&out);
			if (r->split)
				output_money(&out, r->deal_amount);
		}
		output_newline(&out);
	}
	output_close(&out);
}
