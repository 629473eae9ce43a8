/* HTML: one self-contained file (inline CSS, inline SVG, no script, no external asset; a
 * Content-Security-Policy that allows none either), printable. Every datum is made visible
 * (controls as escapes) and HTML-escaped, and names sit in <bdi> so a right-to-left name
 * cannot reorder the figures around it. Attainment bars are drawn to scale from 0 to
 * 150 % with a line at 100 %; a sparkline shows an owner's trend over the periods. */
#include "spm-report.h"

#include "diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BAR_WIDTH 150.0 /* px for 150 %: 100 % at 100 px */
#define SPARK_W 84.0
#define SPARK_H 20.0

static const char *const tone_class[] = { "", "good", "on", "warn", "low" };

static const char style[] =
	":root{--good:#2e7d32;--on:#1565c0;--warn:#b26a00;--low:#8d6e63;--line:#d5d5d5;--ink:#1b1b1b}\n"
	"body{font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans\",\"Noto Sans CJK SC\",sans-serif;"
	"color:var(--ink);background:#fff;margin:2rem auto;max-width:76rem;padding:0 1rem}\n"
	"h1{font-size:1.6rem;margin:0 0 .2rem}.asof{color:#555;margin:0 0 1.2rem}\n"
	"section{border-top:1px solid var(--line);padding-top:.6rem;margin-top:1.2rem}\n"
	"h2{font-size:1.2rem;margin:.2rem 0;overflow-wrap:break-word}h3{font-size:1rem;margin:.9rem 0 .3rem}"
	"h4{font-size:.95rem;margin:.6rem 0 .2rem}\n"
	".fields{color:#444;margin:.2rem 0 .5rem}.fields b{font-weight:600;color:#222}\n"
	"table{border-collapse:collapse;margin:.3rem 0 .8rem}\n"
	"th,td{padding:.15rem .6rem;border-bottom:1px solid #eee;text-align:left;vertical-align:middle}\n"
	"th{border-bottom:1px solid #999;font-weight:600}\n"
	"td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	"td.text{overflow-wrap:break-word;max-width:30rem}\n"
	"td.period,td.chart,td.trend,th.num,th.period{white-space:nowrap}\n"
	".scroll{overflow-x:auto;max-width:100%;-webkit-overflow-scrolling:touch}.scroll>table{margin:.3rem 0 .8rem}\n"
	"@media (max-width:640px){body{margin:.6rem auto;padding:0 .5rem;font-size:13px}h1{font-size:1.3rem}"
	"th,td{padding:.12rem .35rem}.chart,.trend,.sec{display:none}td.text{max-width:14rem}}\n"
	"tr.strong td{font-weight:700;border-top:1px solid #999}\n"
	".good{color:var(--good)}.on{color:var(--on)}.warn{color:var(--warn)}.low{color:var(--low)}\n"
	"svg .track{fill:#ececec}svg .bar{fill:#9e9e9e}svg .bar.good{fill:var(--good)}svg .bar.on{fill:var(--on)}"
	"svg .bar.warn{fill:var(--warn)}svg .bar.low{fill:var(--low)}\n"
	"svg .target{stroke:#000;stroke-width:1.5}svg .spark{fill:none;stroke:var(--on);stroke-width:1.5}"
	"svg .dot,svg .over{fill:var(--on)}svg .ref{stroke:var(--line);stroke-width:1}\n"
	"ul.notes{margin:.2rem 0 .6rem 1.3rem;padding:0}ul.notes li{margin:.15rem 0}\n"
	"footer{margin-top:2rem;border-top:1px solid var(--line);color:#444;font-size:.9rem}\n"
	"@media print{body{margin:0;max-width:none;font-size:10pt}section{break-inside:avoid}"
	"tr{break-inside:avoid}svg,td,span{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

/* Visible text, HTML-escaped. */
static void html_text(struct output *o, const char *s, size_t len)
{
	size_t n;
	char *v = visible(s, len, 0, &n);
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep = v[i] == '&' ? "&amp;" : v[i] == '<' ? "&lt;" : v[i] == '>' ? "&gt;"
				: v[i] == '"' ? "&quot;" : v[i] == '\'' ? "&#39;" : NULL;
		if (rep) {
			output_bytes(o, v + start, i - start);
			output_str(o, rep);
			start = i + 1;
		}
	}
	output_bytes(o, v + start, n - start);
	free(v);
}

static void html_str(struct output *o, const char *s)
{
	html_text(o, s, strlen(s));
}

static double as_double(decimal d)
{
	return (double)d.units / 1e9; /* chart geometry only */
}

static void html_bar(struct output *o, const struct cell *c)
{
	char buf[400];
	struct sbuf label = { 0 };
	sb_value(&label, c->num, U_PERCENT);
	double v = c->num.has ? as_double(c->num.v) * 100.0 : 0;
	if (v < 0)
		v = 0;
	if (v > BAR_WIDTH)
		v = BAR_WIDTH;
	output_str(o, "<svg class=\"chart\" width=\"150\" height=\"14\" viewBox=\"0 0 150 14\" role=\"img\" aria-label=\"");
	html_str(o, label.s ? label.s : "no value");
	snprintf(buf, sizeof buf,
		 "\"><rect class=\"track\" x=\"0\" y=\"2\" width=\"150\" height=\"10\"/>"
		 "<rect class=\"bar %s\" x=\"0\" y=\"2\" width=\"%.1f\" height=\"10\"/>"
		 "<line class=\"target\" x1=\"100\" y1=\"0\" x2=\"100\" y2=\"14\"/></svg>",
		 tone_class[c->tone], v);
	output_str(o, buf);
	sb_free(&label);
}

/* An owner's trend: a line over the periods, on the bars' scale for percentages (0 at the
 * bottom, 150 % at the top, a faint line at 100 %, a small triangle on a point above 150 %),
 * else on the row's own scale (spark_heights). */
static void html_spark(struct output *o, const struct cell *c)
{
	char buf[160];
	enum unit unit = (enum unit)c->unit;
	double *h = xcalloc((size_t)c->nseries + 1, sizeof *h);
	spark_heights(c->series, c->nseries, unit, h);
	struct sbuf label = { 0 };
	for (size_t i = 0; i < c->nseries; i++) {
		sb_str(&label, i ? ", " : "trend: ");
		if (c->series[i].has)
			sb_value(&label, c->series[i], unit);
		else
			sb_str(&label, "no value");
	}
	output_str(o, "<svg class=\"sparkline\" width=\"84\" height=\"20\" viewBox=\"0 0 84 20\" role=\"img\" aria-label=\"");
	html_str(o, label.s ? label.s : "trend");
	output_str(o, "\">");
	if (unit == U_PERCENT) { /* 100 %: two thirds up the scale */
		double y = 2 + (SPARK_H - 4) / 3;
		snprintf(buf, sizeof buf, "<line class=\"ref\" x1=\"0\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\"/>", y, SPARK_W, y);
		output_str(o, buf);
	}
	output_str(o, "<polyline class=\"spark\" points=\"");
	double step = c->nseries > 1 ? (SPARK_W - 4) / (double)(c->nseries - 1) : 0;
	double lx = 0, ly = 0;
	bool first = true;
	for (size_t i = 0; i < c->nseries; i++) {
		if (!c->series[i].has)
			continue;
		double x = 2 + step * (double)i;
		double y = 2 + (1 - h[i]) * (SPARK_H - 4);
		snprintf(buf, sizeof buf, "%s%.1f,%.1f", first ? "" : " ", x, y);
		output_str(o, buf);
		first = false;
		lx = x, ly = y;
	}
	output_str(o, "\"/>");
	for (size_t i = 0; i < c->nseries; i++)
		if (spark_over(c->series[i], unit)) {
			double x = 2 + step * (double)i;
			x = x < 3 ? 3 : x > SPARK_W - 3 ? SPARK_W - 3 : x; /* the whole mark inside the box */
			snprintf(buf, sizeof buf, "<polygon class=\"over\" points=\"%.1f,4.5 %.1f,0.0 %.1f,4.5\"/>", x - 3, x,
				 x + 3);
			output_str(o, buf);
		}
	if (!first) {
		snprintf(buf, sizeof buf, "<circle class=\"dot\" cx=\"%.1f\" cy=\"%.1f\" r=\"2\"/>", lx, ly);
		output_str(o, buf);
	}
	output_str(o, "</svg>");
	sb_free(&label);
	free(h);
}

/* A column's classes: how it aligns and wraps (numbers and periods never wrap), and whether
 * a phone's width hides it (charts, trends, secondary columns). */
static const char *column_class(const struct doc_column *col)
{
	bool period = strcmp(col->key, column_name(COL_PERIOD)) == 0;
	/* secondary figures of a ranking, hidden on a phone */
	bool secondary = strcmp(col->key, column_name(COL_PERCENTILE)) == 0 ||
			 strcmp(col->key, column_name(COL_PREV_RANK)) == 0 || strcmp(col->key, column_name(COL_STREAK)) == 0;
	switch (col->type) {
	case COL_BAR: return "chart";
	case COL_SPARK: return "trend";
	case COL_NUMBER: return secondary ? "num sec" : "num";
	case COL_TEXT: break;
	}
	return period ? "text period" : secondary ? "text sec" : "text";
}

static void html_cell(struct output *o, const struct doc_column *col, const struct cell *c)
{
	struct sbuf b = { 0 };
	const char *cls = column_class(col);
	switch (col->type) {
	case COL_BAR:
		output_str(o, "<td class=\"chart\">");
		html_bar(o, c);
		break;
	case COL_SPARK:
		output_str(o, "<td class=\"trend\">");
		html_spark(o, c);
		break;
	case COL_TEXT:
		output_str(o, "<td class=\"");
		output_str(o, cls);
		output_str(o, c->tone ? " " : "");
		output_str(o, c->tone ? tone_class[c->tone] : "");
		output_str(o, "\"><bdi>");
		size_t len;
		const char *w = cell_words(c, &len);
		html_text(o, w, len);
		output_str(o, "</bdi>");
		break;
	case COL_NUMBER:
		output_str(o, "<td class=\"");
		output_str(o, cls);
		output_str(o, c->tone ? " " : "");
		output_str(o, c->tone ? tone_class[c->tone] : "");
		output_str(o, "\">");
		sb_cell(&b, c);
		html_text(o, b.len ? b.s : "\xe2\x80\x94", b.len ? b.len : 3);
		break;
	}
	output_str(o, "</td>");
	sb_free(&b);
}

static void html_table(struct output *o, const struct dtable *t)
{
	output_str(o, "<div class=\"scroll\"><table>\n<thead><tr>");
	for (size_t c = 0; c < t->ncol; c++) {
		if (!column_shown(&t->col[c], F_HTML))
			continue;
		output_str(o, "<th class=\"");
		output_str(o, column_class(&t->col[c]));
		output_str(o, "\">");
		html_str(o, t->col[c].label);
		output_str(o, "</th>");
	}
	output_str(o, "</tr></thead>\n<tbody>\n");
	for (size_t r = 0; r < t->nrow; r++) {
		bool strong = false;
		for (size_t c = 0; c < t->ncol; c++)
			strong |= t->cell[r * t->ncol + c].strong;
		output_str(o, strong ? "<tr class=\"strong\">" : "<tr>");
		for (size_t c = 0; c < t->ncol; c++)
			if (column_shown(&t->col[c], F_HTML))
				html_cell(o, &t->col[c], &t->cell[r * t->ncol + c]);
		output_str(o, "</tr>\n");
	}
	output_str(o, "</tbody>\n</table></div>\n");
}

static void html_notes(struct output *o, const struct block *b)
{
	for (int topic = 0; topic < T_COUNT; topic++) {
		bool any = false;
		for (size_t i = 0; i < b->nnote; i++) {
			const struct note *n = &b->note[i];
			if ((int)n->topic != topic)
				continue;
			if (!any) {
				output_str(o, "<h4 class=\"topic ");
				output_str(o, topic_keys[topic]);
				output_str(o, "\">");
				html_str(o, topic_labels[topic]);
				output_str(o, "</h4>\n<ul class=\"notes\">\n");
			}
			any = true;
			output_str(o, "<li>");
			html_text(o, n->text, n->len);
			output_str(o, "</li>\n");
		}
		if (any)
			output_str(o, "</ul>\n");
	}
}

static void html_section(struct output *o, const struct section *s, size_t id)
{
	char buf[64];
	struct sbuf b = { 0 };
	snprintf(buf, sizeof buf, "<section id=\"s%zu\">\n<h2><bdi>", id + 1);
	output_str(o, buf);
	sb_heading(&b, s);
	html_text(o, b.s ? b.s : "", b.len);
	sb_free(&b);
	output_str(o, "</bdi></h2>\n");
	bool any = false;
	for (size_t c = s->ntitle; c < s->fields.ncol; c++) {
		const struct cell *cell = &s->fields.cell[c];
		if (!column_shown(&s->fields.col[c], F_HTML) || (!cell->num.has && cell->len == 0 && !cell->nseries && !(cell->human && cell->hlen)) ||
		    (cell->human && cell->hlen == 0)) /* nothing for people: a rep's level */
			continue;
		output_str(o, any ? " \xc2\xb7 <b>" : "<p class=\"fields\"><b>");
		html_str(o, s->fields.col[c].label);
		output_str(o, "</b> ");
		if (s->fields.col[c].type == COL_SPARK) {
			html_spark(o, cell);
		} else {
			sb_cell(&b, cell);
			output_str(o, "<bdi>");
			html_text(o, b.s ? b.s : "", b.len);
			output_str(o, "</bdi>");
			sb_free(&b);
		}
		any = true;
	}
	if (any)
		output_str(o, "</p>\n");
	for (size_t k = 0; k < s->nblock; k++) {
		const struct block *bl = &s->block[k];
		if (!block_shown(bl, F_HTML))
			continue;
		if (bl->title) {
			output_str(o, "<h3>");
			html_str(o, bl->title);
			output_str(o, "</h3>\n");
		}
		if (bl->type == BLOCK_TABLE)
			html_table(o, &bl->t);
		else if (bl->type == BLOCK_NOTES)
			html_notes(o, bl);
		else {
			output_str(o, "<p>");
			html_str(o, bl->text);
			output_str(o, "</p>\n");
		}
	}
	output_str(o, "</section>\n");
}

void render_html(struct output *o, const struct doc *d, const size_t *which, size_t n)
{
	output_str(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		      "style-src 'unsafe-inline'\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	html_str(o, d->title);
	output_str(o, "</title>\n<style>\n");
	output_str(o, style);
	output_str(o, "</style>\n</head>\n<body>\n<header>\n<h1>");
	html_str(o, d->title);
	output_str(o, "</h1>\n");
	if (d->as_of[0]) {
		output_str(o, "<p class=\"asof\">As of <time datetime=\"");
		output_str(o, d->as_of);
		output_str(o, "\">");
		output_str(o, d->as_of);
		output_str(o, "</time></p>\n");
	}
	output_str(o, "</header>\n<main>\n");
	for (size_t i = 0; i < n; i++)
		html_section(o, &d->section[which[i]], which[i]);
	if (n == 0) {
		output_str(o, "<p>");
		html_str(o, doc_empty(d));
		output_str(o, "</p>\n");
	}
	output_str(o, "</main>\n<footer>\n<h2>Definitions</h2>\n<ul>\n");
	for (size_t i = 0; i < d->nfooter; i++) {
		output_str(o, "<li>");
		html_str(o, d->footer[i]);
		output_str(o, "</li>\n");
	}
	output_str(o, "</ul>\n</footer>\n</body>\n</html>\n");
}
