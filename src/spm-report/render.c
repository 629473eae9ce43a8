/* What the formats share: which columns each shows, headings, bar and sparkline geometry
 * (from exact decimals, so a chart is the same on every machine), and visible text. */
#include "spm-report.h"

#include "diag.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

void render(struct output *o, const struct doc *d, const struct render_options *ro, const size_t *which, size_t n)
{
	switch (ro->format) {
	case F_TEXT: render_text(o, d, ro, which, n); break;
	case F_MARKDOWN: render_markdown(o, d, which, n); break;
	case F_HTML: render_html(o, d, which, n); break;
	case F_JSON: render_json(o, d, which, n); break;
	case F_CSV: render_csv(o, d, ro, which, n); break;
	case F_XLSX: {
		size_t *kept = xcalloc(n + 1, sizeof *kept), k = 0;
		for (size_t i = 0; i < n; i++)
			if (!d->section[which[i]].summary)
				kept[k++] = which[i];
		render_xlsx(o, d, ro, kept, k);
		free(kept);
		break;
	}
	case F_COUNT: break;
	}
}

bool column_shown(const struct doc_column *c, enum format f)
{
	bool human = f == F_TEXT || f == F_MARKDOWN || f == F_HTML;
	if (!(c->show & (human ? SHOW_HUMAN : SHOW_DATA)))
		return false;
	if (c->type == COL_BAR)
		return f == F_TEXT || f == F_HTML; /* Markdown tables have no charts */
	if (c->type == COL_SPARK)
		return f != F_CSV && f != F_XLSX; /* a series does not fit a CSV or workbook cell */
	return true;
}

bool block_shown(const struct block *b, enum format f)
{
	if (b->type == BLOCK_NOTES)
		return b->nnote > 0; /* nothing to say: no heading either */
	if (b->type != BLOCK_TABLE)
		return true;
	for (size_t c = 0; c < b->t.ncol; c++) /* a table for data only is not shown to people */
		if (column_shown(&b->t.col[c], f))
			return true;
	return false;
}

void sb_heading(struct sbuf *b, const struct section *s)
{
	bool first = true;
	for (size_t c = 0; c < s->ntitle; c++) {
		const struct cell *cell = &s->fields.cell[c];
		if (!cell->num.has && cell->len == 0)
			continue;
		if (!first)
			sb_str(b, " \xe2\x80\x94 "); /* — */
		sb_cell(b, cell);
		first = false;
	}
}

char *visible(const char *s, size_t len, size_t max, size_t *out_len)
{
	size_t n;
	char *v = utf8_visible(s, len, &n);
	if (max > 0 && utf8_width(v, n) > max) {
		size_t w, cut = utf8_prefix(v, n, max - 1, &w);
		v = xrealloc(v, cut + 4);
		memcpy(v + cut, "\xe2\x80\xa6", 4); /* … and the NUL */
		n = cut + 3;
	}
	if (out_len)
		*out_len = n;
	return v;
}

/* 1.5, the top of the bars' and the percentage sparklines' scale. */
static decimal scale_top(void)
{
	decimal top;
	decimal_parse("1.5", 3, DECIMAL_POINT, &top);
	return top;
}

long bar_eighths(struct num v, long cells)
{
	if (!v.has || decimal_sign(v.v) <= 0)
		return 0;
	decimal top = scale_top();
	if (decimal_cmp(v.v, top) >= 0)
		return cells * 8;
	/* eighths = v ÷ 1.5 × cells × 8, rounded half up: exact in 128-bit units */
	decimal_units scaled = v.v.units * (decimal_units)cells * 8 * 2 + top.units;
	return (long)(scaled / (top.units * 2));
}

bool spark_over(struct num v, enum unit unit)
{
	return unit == U_PERCENT && v.has && decimal_cmp(v.v, scale_top()) > 0;
}

/* The least and greatest values of a series; false when it has none. */
static bool series_range(const struct num *v, size_t n, decimal *lo, decimal *hi)
{
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		if (!v[i].has)
			continue;
		if (!any || decimal_cmp(v[i].v, *lo) < 0)
			*lo = v[i].v;
		if (!any || decimal_cmp(v[i].v, *hi) > 0)
			*hi = v[i].v;
		any = true;
	}
	return any;
}

size_t spark_levels(const struct num *v, size_t n, enum unit unit, int levels, int *out)
{
	int last = levels > 1 ? levels - 1 : 1;
	size_t over = 0;
	if (unit == U_PERCENT) {
		/* the bars' scale for every row: a rep's dip of 10 points stays small, and a row
		 * can be read against another; exact: v < 1.5 keeps the product far from overflow */
		decimal top = scale_top();
		for (size_t i = 0; i < n; i++) {
			if (!v[i].has)
				out[i] = -1;
			else if (decimal_sign(v[i].v) <= 0)
				out[i] = 0;
			else if (decimal_cmp(v[i].v, top) >= 0) {
				out[i] = levels - 1;
				over += decimal_cmp(v[i].v, top) > 0;
			} else
				out[i] = (int)((v[i].v.units * last * 2 + top.units) / (top.units * 2));
		}
		return over;
	}
	decimal lo = { 0 }, hi = { 0 };
	series_range(v, n, &lo, &hi);
	/* exact in 128-bit units while that cannot overflow; otherwise (values spanning more
	 * than about 1e28 units) the geometry is computed in long double */
	decimal_units range = 0, twice = 1, top = 0; /* set below unless wide (then unused) */
	bool wide = __builtin_sub_overflow(hi.units, lo.units, &range) ||
		    __builtin_mul_overflow(range, (decimal_units)last * 2, &top) ||
		    __builtin_mul_overflow(range, (decimal_units)2, &twice) ||
		    __builtin_add_overflow(top, range, &top);
	long double wide_range = (long double)hi.units - (long double)lo.units;
	for (size_t i = 0; i < n; i++) {
		if (!v[i].has)
			out[i] = -1;
		else if (hi.units == lo.units) /* flat: nothing at the bottom, anything else halfway */
			out[i] = decimal_sign(lo) == 0 ? 0 : levels / 2;
		else if (wide) {
			long double f = ((long double)v[i].v.units - (long double)lo.units) / wide_range;
			long level = (long)(f * (levels - 1) + 0.5L);
			out[i] = level < 0 ? 0 : level > levels - 1 ? levels - 1 : (int)level;
		} else
			out[i] = (int)(((v[i].v.units - lo.units) * (levels - 1) * 2 + range) / twice);
	}
	return over;
}

void spark_heights(const struct num *v, size_t n, enum unit unit, double *out)
{
	if (unit == U_PERCENT) {
		double top = (double)scale_top().units;
		for (size_t i = 0; i < n; i++) {
			double f = v[i].has ? (double)v[i].v.units / top : 0;
			out[i] = f < 0 ? 0 : f > 1 ? 1 : f;
		}
		return;
	}
	decimal lo = { 0 }, hi = { 0 };
	series_range(v, n, &lo, &hi);
	double range = (double)hi.units - (double)lo.units;
	for (size_t i = 0; i < n; i++)
		out[i] = !v[i].has			  ? 0
			 : hi.units == lo.units		  ? (decimal_sign(lo) == 0 ? 0 : 0.5)
						  : ((double)v[i].v.units - (double)lo.units) / range;
}

char *spark_glyphs(const struct cell *c)
{
	static const char *const level[] = { "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
					     "\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88" };
	struct sbuf b = { 0 };
	int *lv = xcalloc((size_t)c->nseries + 1, sizeof *lv);
	size_t over = spark_levels(c->series, c->nseries, (enum unit)c->unit, 8, lv);
	for (size_t i = 0; i < c->nseries; i++)
		sb_str(&b, lv[i] < 0 ? " " : level[lv[i]]);
	free(lv);
	if (over)
		sb_str(&b, "\xe2\x96\xb4"); /* ▴: above the scale, as the bars' ▸ */
	if (!b.s)
		sb_str(&b, "");
	return b.s;
}
