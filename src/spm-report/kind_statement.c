/* The payout statement: per owner and period, each payout line with its actual, target,
 * attainment and the arithmetic spm-score wrote in its detail, then the total (the row
 * whose metric is *). A stream without the total row gets one summed from the lines,
 * and says so. */
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

static const struct doc_column statement_fields[] = {
	{ COLUMN_KEY(COL_OWNER), "Owner", COL_TEXT, SHOW_ALL, false },
	{ COLUMN_KEY(COL_PERIOD), "Period", COL_TEXT, SHOW_ALL, false },
	{ "total", "Total payout", COL_NUMBER, SHOW_ALL, false },
};

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
	bool any_total = false, plan_summed = false;
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
		set_num(dtable_cell(t, row, ST_PAYOUT), l->payout, U_MONEY);
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

void build_statement(struct report *r, struct doc *d)
{
	bool any_summed = false;
	d->csv_ok = true;
	for (size_t c = 0; c < r->ncurrent; c++) {
		char label[PERIOD_LABEL_SIZE];
		size_t n;
		size_t *owners = owners_in(r, STREAM_PAYOUTS, r->current[c], &n);
		for (size_t i = 0; i < n; i++) {
			struct section *sec = doc_section(d, owners[i], statement_fields, 3, 2);
			set_name(field(sec, 0), r->names, owners[i]);
			set_str(&sec->fields, 0, 1, period_label(r->current[c], label));
			struct block *b = section_table(sec, "lines", NULL, line_cols, ST_N);
			bool summed;
			set_num(field(sec, 2), statement_table(r, &b->t, owners[i], r->current[c], &summed), U_MONEY);
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
	common_footer(r, d);
}
