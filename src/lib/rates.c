/* Exchange rates: reading a rates stream and finding the rate of a currency on a day. */
#include "rates.h"

#include "diag.h"
#include "input.h"
#include "stream.h"
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rate_entry {
	spm_day start, end; /* per date: end = start + 1 */
	decimal rate;
	uint64_t line;
};

struct currency_rates {
	char code[4];
	struct rate_entry *entry;
	size_t n, cap;
};

struct rates {
	bool by_period;
	char base[4];
	bool has_base;
	struct table *codes; /* code (3 bytes) → size_t index into cur */
	struct currency_rates *cur;
	size_t ncur, capcur;
};

struct rates_reader {
	struct rates *r;
	struct stream_binding b;
	int fiscal_start;
	bool base_asked;
	struct file_problem problem;
};

bool currency_code(const char *s, size_t len, char out[4])
{
	if (len != 3)
		return false;
	for (size_t i = 0; i < 3; i++) {
		char c = s[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c < 'A' || c > 'Z')
			return false;
		out[i] = c;
	}
	out[3] = '\0';
	return true;
}

static struct currency_rates *currency_of(struct rates *r, const char code[4])
{
	bool created;
	size_t *index = table_upsert(r->codes, code, 3, &created);
	if (created) {
		xgrow((void **)&r->cur, &r->capcur, r->ncur + 1, sizeof *r->cur);
		memset(&r->cur[r->ncur], 0, sizeof r->cur[r->ncur]);
		memcpy(r->cur[r->ncur].code, code, 4);
		*index = r->ncur++;
	}
	return &r->cur[*index];
}

static int rates_row(void *ctx, const struct row *row)
{
	struct rates_reader *rr = ctx;
	struct rates *r = rr->r;
	const struct stream_binding *b = &rr->b;
	long cc = stream_at(b, COL_CURRENCY), rc = stream_at(b, COL_RATE);
	long wc = stream_at(b, r->by_period ? COL_PERIOD : COL_DATE), bc = stream_at(b, COL_BASE);
	long last = cc > rc ? cc : rc;
	if (wc > last)
		last = wc;
	if (bc > last)
		last = bc;
	if (row->count <= (size_t)last)
		return file_problem_at(&rr->problem, row, NULL, NULL, "too few fields");
	char code[4];
	if (!currency_code(row->field[cc], row->len[cc], code))
		return file_problem_at(&rr->problem, row, column_name(COL_CURRENCY), row->field[cc],
				       "not a currency code (three letters such as EUR)");
	decimal rate;
	enum decimal_status st = decimal_parse(row->field[rc], row->len[rc], DECIMAL_POINT, &rate);
	if (st != DECIMAL_OK)
		return file_problem_at(&rr->problem, row, column_name(COL_RATE), row->field[rc], decimal_strerror(st));
	if (decimal_sign(rate) <= 0)
		return file_problem_at(&rr->problem, row, column_name(COL_RATE), row->field[rc], "a rate is positive");
	if (bc >= 0) {
		char base[4];
		if (!currency_code(row->field[bc], row->len[bc], base))
			return file_problem_at(&rr->problem, row, column_name(COL_BASE), row->field[bc],
					       "not a currency code (three letters such as USD)");
		if (!r->has_base) {
			memcpy(r->base, base, 4);
			r->has_base = true;
		} else if (memcmp(base, r->base, 3) != 0) {
			return file_problem_at(&rr->problem, row, column_name(COL_BASE), row->field[bc],
					       rr->base_asked ? "not the base currency of --base-currency"
							      : "not the base currency of the rows above");
		}
	}
	if (r->has_base && memcmp(code, r->base, 3) == 0 && decimal_cmp(rate, decimal_from_int(1)) != 0)
		return file_problem_at(&rr->problem, row, column_name(COL_RATE), row->field[rc],
				       "the base currency converts to itself at 1");
	struct rate_entry e = { 0, 0, rate, row->line };
	if (r->by_period) {
		struct period p;
		if (!period_parse(row->field[wc], row->len[wc], rr->fiscal_start, &p))
			return file_problem_at(&rr->problem, row, column_name(COL_PERIOD), row->field[wc],
					       "not a period label (2026-Q1, 2026-03, FY2027 with --fiscal-start)");
		e.start = p.start;
		e.end = period_end(p);
	} else {
		if (!date_parse_iso(row->field[wc], row->len[wc], &e.start))
			return file_problem_at(&rr->problem, row, column_name(COL_DATE), row->field[wc],
					       date_problem(row->field[wc], row->len[wc], "not a date (YYYY-MM-DD)"));
		e.end = e.start + 1;
	}
	struct currency_rates *c = currency_of(r, code);
	xgrow((void **)&c->entry, &c->cap, c->n + 1, sizeof *c->entry);
	c->entry[c->n++] = e;
	return 0;
}

static int compare_entries(const void *pa, const void *pb)
{
	const struct rate_entry *a = pa, *b = pb;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line; /* stable: the first line first */
}

/* Sorts each currency's rates by day; a day or period given twice, or periods that
 * overlap, are errors at the later line. */
static void sort_and_check(const char *path, struct rates *r)
{
	for (size_t i = 0; i < r->ncur; i++) {
		struct currency_rates *c = &r->cur[i];
		qsort(c->entry, c->n, sizeof *c->entry, compare_entries);
		for (size_t k = 1; k < c->n; k++) {
			const struct rate_entry *a = &c->entry[k - 1], *b = &c->entry[k];
			if (b->start >= a->end)
				continue;
			const struct rate_entry *later = a->line > b->line ? a : b, *earlier = later == a ? b : a;
			diag_atf(path, later->line, column_name(r->by_period ? COL_PERIOD : COL_DATE), NULL, 0,
				 "%s already has a rate for %s at line %llu", c->code,
				 r->by_period ? "a period overlapping this one" : "this date", (unsigned long long)earlier->line);
			diag_exit(SPM_EXIT_DATA);
		}
	}
}

struct rates *rates_load(const char *path, const char *base, int fiscal_start)
{
	struct rates *r = xcalloc(1, sizeof *r);
	r->codes = table_new(sizeof(size_t));
	struct rates_reader rr = { .r = r, .fiscal_start = fiscal_start };
	if (base) {
		if (!currency_code(base, strlen(base), r->base))
			diag_usage("--base-currency: expected a currency code of three letters such as USD (\"%s\")", base);
		r->has_base = rr.base_asked = true;
	}
	struct source *src = source_open(path, FORMAT_TSV);
	const struct header *h = source_header(src);
	const enum column needs[] = { COL_CURRENCY, COL_RATE };
	stream_bind(STREAM_RATES, h, path, needs, 2, &rr.b);
	bool has_date = stream_has(&rr.b, COL_DATE), has_period = stream_has(&rr.b, COL_PERIOD);
	if (has_date == has_period) {
		diag_at(path, 1, NULL, NULL, 0,
			has_date ? "a rates file has a 'date' or a 'period' column, not both"
				 : "no column 'date' or 'period' (a rates file needs currency, date or period, and rate)");
		diag_exit(SPM_EXIT_DATA);
	}
	r->by_period = has_period;
	read_side_file(src, path, rates_row, &rr, &rr.problem);
	sort_and_check(path, r);
	return r;
}

void rates_free(struct rates *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ncur; i++)
		free(r->cur[i].entry);
	free(r->cur);
	table_free(r->codes);
	free(r);
}

const char *rates_base(const struct rates *r)
{
	return r->has_base ? r->base : NULL;
}

bool rates_by_period(const struct rates *r)
{
	return r->by_period;
}

enum rate_result rates_find(const struct rates *r, const char code[4], spm_day day, int max_age, bool forecast,
			    struct rate_hit *hit)
{
	const size_t *index = table_find(r->codes, code, 3);
	if (!index)
		return RATE_UNKNOWN;
	const struct currency_rates *c = &r->cur[*index];
	if (c->n == 0)
		return RATE_UNKNOWN;
	/* the last entry starting on or before day */
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->entry[mid].start <= day)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return RATE_MISSING;
	const struct rate_entry *e = &c->entry[lo - 1];
	hit->rate = e->rate;
	hit->day = e->start;
	bool after_last = lo == c->n && day >= e->end;
	if (forecast && after_last)
		return RATE_FOUND;
	if (r->by_period)
		return day < e->end ? RATE_FOUND : RATE_MISSING;
	return (int64_t)day - e->start <= max_age ? RATE_FOUND : RATE_STALE;
}
