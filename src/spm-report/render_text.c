/* Text: aligned columns that respect the display width of UTF-8 names (CJK takes two
 * columns, combining marks none), bars of block characters for attainment with a mark at
 * 100 %, sentences wrapped at 80 columns, colour only when asked for (see main.c). */
#include "spm-report.h"

#include "arena.h"
#include "diag.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

#define WRAP 80
#define MAX_CELL 40      /* a longer name is cut with an ellipsis in tables */
#define BAR_CELLS 24     /* 0 to 150 %: a cell is 6.25 %, 100 % is 16 cells */
#define BAR_MARK 16

static const char *const tone_colour[] = {
	[TONE_NONE] = NULL, [TONE_GOOD] = "\033[32m", [TONE_ON] = "\033[36m",
	[TONE_WARN] = "\033[33m", [TONE_LOW] = "\033[31m",
};

struct text_out {
	struct output *o;
	bool color;
};

static void put(struct text_out *t, const char *s)
{
	output_str(t->o, s);
}

static void pad(struct text_out *t, size_t n)
{
	static const char spaces[] = "                                "; /* written 32 at a time */
	for (size_t chunk; n > 0; n -= chunk) {
		chunk = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
		output_bytes(t->o, spaces, chunk);
	}
}

static void colour_on(struct text_out *t, const char *code)
{
	if (t->color && code)
		put(t, code);
}

static void colour_off(struct text_out *t, const char *code)
{
	if (t->color && code)
		put(t, "\033[0m");
}

/* Words of already visible text, wrapped at WRAP columns; later lines start with indent. */
static void wrapped(struct text_out *t, const char *s, size_t len, size_t first_col, size_t indent)
{
	size_t col = first_col, i = 0;
	bool line_start = true;
	while (i < len) {
		size_t j = i;
		while (j < len && s[j] != ' ')
			j++;
		/* "92.00 %" stays on one line */
		while (j + 2 <= len && s[j] == ' ' && s[j + 1] == '%' && (j + 2 == len || s[j + 2] == ' ' ||
									 s[j + 2] == ')' || s[j + 2] == ',' ||
									 s[j + 2] == ';' || s[j + 2] == '.' || s[j + 2] == ':'))
			for (j += 2; j < len && s[j] != ' ';)
				j++;
		size_t w = utf8_width(s + i, j - i);
		if (!line_start && col + 1 + w > WRAP) {
			output_newline(t->o);
			pad(t, indent);
			col = indent;
			line_start = true;
		}
		if (!line_start) {
			output_bytes(t->o, " ", 1);
			col++;
		}
		output_bytes(t->o, s + i, j - i);
		col += w;
		line_start = false;
		i = j < len ? j + 1 : j;
	}
	output_newline(t->o);
}

static void wrapped_raw(struct text_out *t, const char *s, size_t len, size_t first_col, size_t indent)
{
	size_t n;
	char *v = visible(s, len, 0, &n);
	wrapped(t, v, n, first_col, indent);
	free(v);
}

/* "██████▌   │      " for an attainment: BAR_CELLS cells, then ▸ past 150 %. */
static char *bar_text(struct num v)
{
	static const char *const eighth[] = { "", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d", "\xe2\x96\x8c",
					      "\xe2\x96\x8b", "\xe2\x96\x8a", "\xe2\x96\x89" };
	struct sbuf b = { 0 };
	long e = bar_eighths(v, BAR_CELLS);
	long full = e / 8, part = e % 8;
	for (long c = 0; c < BAR_CELLS; c++) {
		if (c < full)
			sb_str(&b, "\xe2\x96\x88"); /* █ */
		else if (c == full && part)
			sb_str(&b, eighth[part]);
		else if (c == BAR_MARK)
			sb_str(&b, "\xe2\x94\x82"); /* │: 100 % */
		else
			sb_str(&b, " ");
	}
	decimal top;
	decimal_parse("1.5", 3, DECIMAL_POINT, &top);
	sb_str(&b, v.has && decimal_cmp(v.v, top) > 0 ? "\xe2\x96\xb8" : " "); /* ▸: beyond the scale */
	return b.s;
}

/* What a cell shows in text (newly allocated, visible). */
static char *cell_text(const struct doc_column *col, const struct cell *c, size_t max)
{
	struct sbuf b = { 0 };
	switch (col->type) {
	case COL_BAR:
		return bar_text(c->num);
	case COL_SPARK:
		return spark_glyphs(c);
	case COL_TEXT: {
		size_t len;
		const char *w = cell_words(c, &len);
		return visible(w, len, max, NULL);
	}
	case COL_NUMBER:
		sb_cell(&b, c);
		if (b.len == 0)
			sb_str(&b, "\xe2\x80\x94"); /* — : no value */
		char *v = visible(b.s, b.len, 0, NULL);
		sb_free(&b);
		return v;
	}
	return xstrdup("");
}

/* A big table's shown texts are kept in an arena (huge pages), each malloc'd one freed at
 * once: a leaderboard of 50,000 rows would hold half a million small allocations. */
enum { BIG_TABLE_CELLS = 16384 };

static char *keep_shown(struct arena *a, char *s)
{
	if (!a)
		return s;
	char *kept = arena_strdup(a, s);
	free(s);
	return kept;
}

static void text_table(struct text_out *t, const struct dtable *tb)
{
	size_t ncol = tb->ncol, nrow = tb->nrow;
	char **shown = xcalloc((nrow + 1) * ncol + 1, sizeof *shown);
	struct arena texts = { 0 };
	struct arena *big = (nrow + 1) * ncol > BIG_TABLE_CELLS ? &texts : NULL;
	size_t *width = xcalloc(ncol + 1, sizeof *width);
	bool *on = xcalloc(ncol + 1, sizeof *on);
	size_t last = 0;
	for (size_t c = 0; c < ncol; c++) {
		on[c] = column_shown(&tb->col[c], F_TEXT);
		if (!on[c])
			continue;
		last = c;
		shown[c] = keep_shown(big, visible(tb->col[c].label, strlen(tb->col[c].label), 0, NULL));
		width[c] = utf8_width(shown[c], strlen(shown[c]));
		for (size_t r = 0; r < nrow; r++) {
			char *s = cell_text(&tb->col[c], &tb->cell[r * ncol + c], tb->col[c].whole ? 0 : MAX_CELL);
			size_t w = utf8_width(s, strlen(s));
			if (w > width[c])
				width[c] = w;
			shown[(r + 1) * ncol + c] = keep_shown(big, s);
		}
	}
	for (size_t r = 0; r <= nrow; r++) {
		pad(t, 2);
		for (size_t c = 0; c < ncol; c++) {
			if (!on[c])
				continue;
			const char *s = shown[r * ncol + c];
			size_t w = utf8_width(s, strlen(s));
			const struct cell *cell = r ? &tb->cell[(r - 1) * ncol + c] : NULL;
			bool right = tb->col[c].type == COL_NUMBER;
			const char *code = !r ? "\033[1m" : cell->strong ? "\033[1m" : tone_colour[cell->tone];
			if (right)
				pad(t, width[c] - w);
			colour_on(t, code);
			put(t, s);
			colour_off(t, code);
			if (c != last) {
				if (!right)
					pad(t, width[c] - w);
				pad(t, 2);
			}
		}
		output_newline(t->o);
	}
	if (big)
		arena_free(big);
	else
		for (size_t i = 0; i < (nrow + 1) * ncol; i++)
			free(shown[i]);
	free(shown);
	free(width);
	free(on);
}

static void text_notes(struct text_out *t, const struct block *b)
{
	for (int topic = 0; topic < T_COUNT; topic++) {
		bool any = false;
		for (size_t i = 0; i < b->nnote; i++) {
			const struct note *n = &b->note[i];
			if ((int)n->topic != topic)
				continue;
			if (!any) {
				pad(t, 2);
				colour_on(t, "\033[1m");
				put(t, topic_labels[topic]);
				colour_off(t, "\033[1m");
				output_newline(t->o);
			}
			any = true;
			put(t, "    \xe2\x80\xa2 "); /* • */
			wrapped_raw(t, n->text, n->len, 6, 6);
		}
	}
}

static void text_section(struct text_out *t, const struct section *s)
{
	struct sbuf b = { 0 };
	sb_heading(&b, s);
	char *h = visible(b.s ? b.s : "", b.len, 0, NULL);
	colour_on(t, "\033[1m");
	put(t, h);
	colour_off(t, "\033[1m");
	output_newline(t->o);
	free(h);
	sb_free(&b);
	bool any = false;
	for (size_t c = s->ntitle; c < s->fields.ncol; c++) {
		const struct cell *cell = &s->fields.cell[c];
		if (!column_shown(&s->fields.col[c], F_TEXT) || (!cell->num.has && cell->len == 0 && !cell->nseries && !(cell->human && cell->hlen)) ||
		    (cell->human && cell->hlen == 0)) /* nothing for people: a rep's level */
			continue;
		sb_str(&b, any ? " \xc2\xb7 " : ""); /* · */
		sb_str(&b, s->fields.col[c].label);
		sb_str(&b, " ");
		char *v = cell_text(&s->fields.col[c], cell, 0);
		sb_str(&b, v);
		free(v);
		any = true;
	}
	if (any) {
		pad(t, 2);
		wrapped(t, b.s, b.len, 2, 2);
	}
	sb_free(&b);
	for (size_t k = 0; k < s->nblock; k++) {
		const struct block *bl = &s->block[k];
		if (!block_shown(bl, F_TEXT))
			continue;
		output_newline(t->o);
		if (bl->title) {
			pad(t, 2);
			put(t, bl->title);
			output_newline(t->o);
		}
		if (bl->type == BLOCK_TABLE)
			text_table(t, &bl->t);
		else if (bl->type == BLOCK_NOTES)
			text_notes(t, bl);
		else {
			pad(t, 4);
			wrapped_raw(t, bl->text, strlen(bl->text), 4, 4);
		}
	}
}

void render_text(struct output *o, const struct doc *d, const struct render_options *ro, const size_t *which,
		 size_t n)
{
	struct text_out t = { o, ro->color };
	char *title = visible(d->title, strlen(d->title), 0, NULL);
	colour_on(&t, "\033[1m");
	put(&t, title);
	colour_off(&t, "\033[1m");
	output_newline(o);
	size_t w = utf8_width(title, strlen(title));
	for (size_t i = 0; i < w; i++)
		put(&t, "=");
	output_newline(o);
	free(title);
	if (d->as_of[0]) {
		put(&t, "As of ");
		put(&t, d->as_of);
		output_newline(o);
	}
	for (size_t i = 0; i < n; i++) {
		output_newline(o);
		text_section(&t, &d->section[which[i]]);
	}
	if (n == 0) {
		output_newline(o);
		wrapped_raw(&t, doc_empty(d), strlen(doc_empty(d)), 0, 0);
	}
	output_newline(o);
	put(&t, "Definitions");
	output_newline(o);
	for (size_t i = 0; i < d->nfooter; i++) {
		put(&t, "  - ");
		wrapped_raw(&t, d->footer[i], strlen(d->footer[i]), 4, 4);
	}
}
