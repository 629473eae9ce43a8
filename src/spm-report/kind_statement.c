/* The payout statement: per owner and period, each payout line with its actual, target,
 * attainment and the arithmetic spm-score wrote in its detail, then the total (the row
 * whose metric is *). A stream without the total row gets one summed from the lines,
 * and says so. A period still running (the payouts' basis column: estimate, early) is an
 * estimate to date and says so in its title, heading and footer; one too early to estimate
 * shows no amount (a 0.00 there would read as nothing earned). */
#include "spm-report.h"

#include "diag.h"

#include <stdlib.h>
#include <string.h>

enum { ST_PLAN, ST_METRIC, ST_ACTUAL, ST_TARGET, ST_ATTAIN, ST_PAYOUT, ST_DETAIL, ST_N };

static const struct doc_column line_cols[ST_N] = {
	[ST_PLAN] = { COLUMN_KEY(COL_PLAN), "Plan", COL_TEXT, SHOW_ALL, false },
	[ST_METRIC] = { COLUMN_KEY(COL_METRIC), "Metric", COL_TEXT, SHOW_ALL, false },
	[ST_ACTUAL] = { COLUMN_KEY(COL_ACTUAL), "Actual", COL_NUMBER, SHOW_ALL, false },
	[ST_TARGET] = { COLUMN_KEY(COL_TARGET), "Target", COL_NUMBER, SHOW_ALL, false },
	[ST_ATTAIN] = { COLUMN_KEY(COL_ATTAINMENT), "Attainment", COL_NUMBER, SHOW_ALL, false },
	[ST_PAYOUT] = { COLUMN_KEY(COL_PAYOUT), "Payout", COL_NUMBER, SHOW_ALL, false },
	[ST_DETAIL] = { COLUMN_KEY(COL_DETAIL), "How it was computed", COL_TEXT, SHOW_ALL, true },
};

enum { SF_OWNER, SF_PERIOD, SF_TOTAL, SF_BASIS, SF_N };

static const struct doc_column statement_fields[SF_N] = {
	[SF_OWNER] = { COLUMN_KEY(COL_OWNER), "Owner", COL_TEXT, SHOW_ALL, false },
	[SF_PERIOD] = { COLUMN_KEY(COL_PERIOD), "Period", COL_TEXT, SHOW_ALL, false },
	[SF_TOTAL] = { "total", "Total payout", COL_NUMBER, SHOW_ALL, false },
	/* only when the stream has the column: JSON and CSV say what the total is */
	[SF_BASIS] = { COLUMN_KEY(COL_BASIS), "Basis", COL_TEXT, SHOW_DATA, false },
};

/* The total's label for people, by the basis of the statement. */
static const char *const total_labels[PAYOUT_BASIS_COUNT] = {
	[PAYOUT_FINAL] = "Total payout",
	[PAYOUT_ESTIMATE] = "Estimated payout to date",
	[PAYOUT_EARLY] = "Payout",
};

/* How sure a basis is: a statement is as sure as its least sure line. */
static int basis_rank(int basis)
{
	return basis == PAYOUT_EARLY ? 3 : basis == PAYOUT_ESTIMATE ? 2 : basis == PAYOUT_FINAL ? 1 : 0;
}

int statement_basis(const struct report *r, size_t owner, struct period p)
{
	size_t nown;
	const size_t *own = owner_payouts(r, owner, &nown);
	int basis = -1;
	for (size_t k = 0; k < nown; k++) {
		const struct payout_row *l = &r->data->payout[own[k]];
		if (period_cmp(l->period, p) == 0 && l->period.grain == p.grain && basis_rank(l->basis) > basis_rank(basis))
			basis = l->basis;
	}
	return basis;
}

int statements_basis(const struct report *r)
{
	int basis = -1;
	for (size_t i = 0; i < r->data->npayout; i++) {
		const struct payout_row *l = &r->data->payout[i];
		if (is_current(r, l->period) && (r->owner_filter == NONE || l->owner == r->owner_filter) &&
		    basis_rank(l->basis) > basis_rank(basis))
			basis = l->basis;
	}
	return basis;
}

static const struct report *sort_report;

static int cmp_lines(const void *pa, const void *pb)
{
	const struct payout_row *a = &sort_report->data->payout[*(const size_t *)pa];
	const struct payout_row *b = &sort_report->data->payout[*(const size_t *)pb];
	int c = name_cmp(sort_report->names, a->plan, b->plan);
	if (c)
		return c;
	if (a->total != b->total) /* each plan's total after its lines */
		return a->total ? 1 : -1;
	/* spm-score's own lines (*draw) come after the metrics they settle */
	bool a_own = a->metric != NONE && sort_report->names->s[a->metric][0] == '*';
	bool b_own = b->metric != NONE && sort_report->names->s[b->metric][0] == '*';
	if (a_own != b_own)
		return a_own ? 1 : -1;
	return name_cmp(sort_report->names, a->metric, b->metric);
}

size_t *payout_lines(const struct report *r, size_t owner, struct period p, size_t *n)
{
	size_t nown;
	const size_t *own = owner_payouts(r, owner, &nown);
	size_t *rows = xcalloc(nown + 1, sizeof *rows);
	*n = 0;
	for (size_t k = 0; k < nown; k++) {
		const struct payout_row *l = &r->data->payout[own[k]];
		if (period_cmp(l->period, p) == 0 && l->period.grain == p.grain)
			rows[(*n)++] = own[k];
	}
	sort_report = r;
	if (*n > 1)
		qsort(rows, *n, sizeof *rows, cmp_lines);
	return rows;
}

const struct doc_column *statement_columns(size_t *n)
{
	*n = ST_N;
	return line_cols;
}

/* With more than one plan: a total row for each plan that has none in the stream (the sum
 * of its lines), placed after its lines. Rows are in plan order, each plan's total last. */
static void plan_totals(const struct report *r, struct dtable *t, const size_t *rows, size_t n)
{
	struct dtable copy = *t; /* the rows so far, moved into place with the new ones */
	struct dtable out;
	dtable_init(&out, t->mem, t->col, t->ncol);
	size_t src = 0;
	for (size_t i = 0, j; i < n; i = j) {
		size_t plan = r->data->payout[rows[i]].plan;
		bool has_total = false;
		decimal sum = decimal_zero();
		int places = 0;
		bool exact = true;
		for (j = i; j < n && r->data->payout[rows[j]].plan == plan; j++) {
			const struct payout_row *l = &r->data->payout[rows[j]];
			has_total |= l->total;
			if (!l->total && l->payout.has) {
				exact &= decimal_add(sum, l->payout.v, &sum);
				places = l->payout.places > places ? l->payout.places : places;
			}
			size_t row = dtable_row(&out); /* move the row's cells */
			memcpy(&out.cell[row * out.ncol], &copy.cell[src * copy.ncol], out.ncol * sizeof *out.cell);
			src++;
		}
		if (!has_total && exact) {
			size_t row = dtable_row(&out);
			set_name(dtable_cell(&out, row, ST_PLAN), r->names, plan);
			set_str(&out, row, ST_METRIC, "Total");
			set_num(dtable_cell(&out, row, ST_PAYOUT), num_of(sum, places), U_MONEY);
			set_str(&out, row, ST_DETAIL, "sum of the plan's lines (the stream had no total row)");
			for (size_t c = 0; c < ST_N; c++)
				dtable_cell(&out, row, c)->strong = true;
		}
	}
	dtable_free(&copy); /* its cells moved, its columns (the document's memory's) copied to out */
	*t = out;
}

struct num statement_table(const struct report *r, struct dtable *t, size_t owner, struct period p, bool *summed)
{
	size_t n;
	size_t *rows = payout_lines(r, owner, p, &n);
	decimal sum = decimal_zero();
	int places = 0;
	struct num total = num_none();
	bool exact = true;
	bool any_total = false, plan_summed = false, early = false;
	for (size_t i = 0; i < n; i++) {
		const struct payout_row *l = &r->data->payout[rows[i]];
		enum unit u = l->total ? U_MONEY : metric_view(r, l->metric).unit;
		size_t row = dtable_row(t);
		set_name(dtable_cell(t, row, ST_PLAN), r->names, l->plan);
		if (l->total)
			set_str(t, row, ST_METRIC, "Total");
		else
			set_metric(r, t, row, ST_METRIC, l->metric);
		set_num(dtable_cell(t, row, ST_ACTUAL), l->actual, u);
		set_num(dtable_cell(t, row, ST_TARGET), l->target, u);
		set_num(dtable_cell(t, row, ST_ATTAIN), l->attainment, U_PERCENT);
		dtable_cell(t, row, ST_ATTAIN)->tone = attainment_tone(l->attainment);
		if (l->basis == PAYOUT_EARLY) {
			/* the amount of a few days' attainment says next to nothing: none shown */
			set_num(dtable_cell(t, row, ST_PAYOUT), num_none(), U_MONEY);
			set_human(t, row, ST_PAYOUT, "too early", sizeof "too early" - 1);
			early = true;
		} else {
			set_num(dtable_cell(t, row, ST_PAYOUT), l->payout, U_MONEY);
		}
		set_text(t, row, ST_DETAIL, l->detail, l->detail_len);
		for (size_t c = 0; c < ST_N; c++)
			dtable_cell(t, row, c)->strong = l->total;
		/* the statement total is the sum over plans: each plan's * row, or the sum
		 * of that plan's lines when the stream has no * row for it */
		bool counts = l->total;
		if (!l->total) {
			counts = true;
			for (size_t j = 0; j < n; j++) {
				const struct payout_row *o = &r->data->payout[rows[j]];
				if (o->total && o->plan == l->plan) {
					counts = false;
					break;
				}
			}
			if (counts)
				plan_summed = true;
		}
		if (l->total)
			any_total = true;
		if (!counts)
			continue;
		if (l->total && !l->payout.has) {
			exact = false;
			continue;
		}
		exact &= decimal_add(sum, l->payout.v, &sum);
		places = l->payout.places > places ? l->payout.places : places;
	}
	*summed = false;
	if (early) /* too early to estimate: no total either */
		exact = false;
	if (n && exact)
		total = num_of(sum, places);
	size_t nplans = 0;
	for (size_t i = 0; i < n; i++)
		nplans += i == 0 || r->data->payout[rows[i]].plan != r->data->payout[rows[i - 1]].plan;
	if (nplans > 1) {
		plan_totals(r, t, rows, n);
		if (n && exact) {
			size_t row = dtable_row(t);
			set_str(t, row, ST_METRIC, "Total");
			set_human(t, row, ST_METRIC, "Total, all plans", 16);
			set_num(dtable_cell(t, row, ST_PAYOUT), total, U_MONEY);
			set_str(t, row, ST_DETAIL, "sum of the plans' totals");
			for (size_t c = 0; c < ST_N; c++)
				dtable_cell(t, row, c)->strong = true;
		}
		*summed = plan_summed && exact;
	} else if (any_total) {
		*summed = plan_summed && exact;
	} else if (n && exact) {
		*summed = true;
		size_t row = dtable_row(t);
		set_str(t, row, ST_METRIC, "Total");
		set_num(dtable_cell(t, row, ST_PAYOUT), total, U_MONEY);
		set_str(t, row, ST_DETAIL, "sum of the lines (the stream had no total row)");
		for (size_t c = 0; c < ST_N; c++)
			dtable_cell(t, row, c)->strong = true;
	}
	free(rows);
	return total;
}

/* The heading's period for people: "2017-Q3, estimate to date" while it runs. */
static void period_field(struct section *sec, const char *label, int basis)
{
	set_str(&sec->fields, 0, SF_PERIOD, label);
	if (basis != PAYOUT_ESTIMATE && basis != PAYOUT_EARLY)
		return;
	struct sbuf b = { 0 };
	sb_str(&b, label);
	sb_str(&b, basis == PAYOUT_EARLY ? ", too early to estimate" : ", estimate to date");
	set_human(&sec->fields, 0, SF_PERIOD, b.s, b.len);
	sb_free(&b);
}

void build_statement(struct report *r, struct doc *d)
{
	bool any_summed = false, seen[PAYOUT_BASIS_COUNT] = { false };
	/* payouts of an older spm-score have no basis column: no basis field either */
	bool basis_column = false;
	for (size_t i = 0; i < r->data->npayout && !basis_column; i++)
		basis_column = r->data->payout[i].basis >= 0;
	d->csv_ok = true;
	for (size_t c = 0; c < r->ncurrent; c++) {
		char label[PERIOD_LABEL_SIZE];
		size_t n;
		size_t *owners = owners_in(r, STREAM_PAYOUTS, r->current[c], &n);
		for (size_t i = 0; i < n; i++) {
			int basis = statement_basis(r, owners[i], r->current[c]);
			struct doc_column fields[SF_N];
			memcpy(fields, statement_fields, sizeof fields); /* the section keeps a copy */
			if (basis >= 0) {
				fields[SF_TOTAL].label = total_labels[basis];
				seen[basis] = true;
			}
			struct section *sec = doc_section(d, owners[i], fields, basis_column ? SF_N : SF_BASIS, 2);
			set_name(field(sec, SF_OWNER), r->names, owners[i]);
			period_label(r->current[c], label);
			period_field(sec, label, basis);
			if (basis_column && basis >= 0)
				set_str(&sec->fields, 0, SF_BASIS, payout_basis_names[basis]);
			struct block *b = section_table(sec, "lines", NULL, line_cols, ST_N);
			bool summed;
			set_num(field(sec, SF_TOTAL), statement_table(r, &b->t, owners[i], r->current[c], &summed), U_MONEY);
			if (basis == PAYOUT_EARLY)
				{
				static const char none[] = "none yet: too early in the period to estimate";
				set_human(&sec->fields, 0, SF_TOTAL, none, sizeof none - 1);
			}
			any_summed |= summed;
		}
		free(owners);
	}
	if (d->nsection == 0 && adjustments_only(r->data)) {
		/* spm-score --against writes only its header when nothing changed: a re-close
		 * with nothing to adjust is a statement that says so, not an error */
		struct sbuf b = { 0 };
		sb_str(&b, "Nothing to adjust");
		for (size_t c = 0; c < r->ncurrent; c++) {
			char label[PERIOD_LABEL_SIZE];
			sb_str(&b, c ? ", " : " for ");
			sb_str(&b, period_label(r->current[c], label));
		}
		sb_str(&b, r->opt->owner ? ": the adjustments stream has no line for this owner"
					 : ": the adjustments stream has no line");
		sb_str(&b, " (spm-score --against writes a line only where what is computed now differs from what "
			   "was paid).");
		d->empty = b.s;
	}
	doc_footer(d, "Payouts are spm-score's, exact to the cent: each line is rounded once and the total is the sum "
		      "of the rounded lines (with caps and draws as its detail says).");
	if (any_summed)
		doc_footer(d, "Where the stream had no total row (metric *), the total is the sum of the lines.");
	if (seen[PAYOUT_ESTIMATE])
		doc_footer(d, "An estimate to date is of a period still running%s%s: each line is paid on the attainment so "
			      "far (the actual to date against the whole period's target), what the plan would pay were the "
			      "period to end that day, not on its pace (a threshold not reached yet pays 0.00 so far); "
			      "the payout is final once the period is over (spm-score's basis column: estimate, then "
			      "final).",
			      d->as_of[0] ? " on " : "", d->as_of);
	if (seen[PAYOUT_EARLY])
		doc_footer(d, "Too early to estimate: the period still runs and so little of it has passed that its "
			      "attainment says next to nothing (spm-track's status early; spm-score's basis early): no amount is shown, and none "
			      "is earned yet.");
	if (r->has_early_skipped) {
		char skipped[PERIOD_LABEL_SIZE], instead[PERIOD_LABEL_SIZE];
		period_label(r->early_skipped, skipped);
		period_label(r->early_instead, instead);
		doc_footer(d, "The payouts of %s are too early in the period to estimate (basis early): this statement is "
			      "of %s, the latest period that is over (--period %s shows %s's).", skipped, instead, skipped,
			      skipped);
	}
	common_footer(r, d);
}
