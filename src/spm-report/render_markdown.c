/* Markdown: GitHub tables and lists. Every datum is made visible (controls as escapes)
 * and the characters Markdown acts on are escaped with a backslash, so a name can neither
 * break a table (|) nor become a link, an emphasis or raw HTML (< [ * _ ...). */
#include "spm-report.h"

#include "diag.h"

#include <stdlib.h>
#include <string.h>

static void md_escaped(struct output *o, const char *s, size_t len)
{
	size_t n;
	char *v = visible(s, len, 0, &n);
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		if (strchr("\\`*_[]<>|~&#!", v[i]) && v[i]) {
			output_bytes(o, v + start, i - start);
			output_bytes(o, "\\", 1);
			start = i;
		}
	}
	output_bytes(o, v + start, n - start);
	free(v);
}

static void md_cell(struct output *o, const struct doc_column *col, const struct cell *c)
{
	struct sbuf b = { 0 };
	if (col->type == COL_TEXT) {
		size_t len;
		const char *w = cell_words(c, &len);
		md_escaped(o, w, len);
		return;
	}
	if (col->type == COL_SPARK) {
		char *g = spark_glyphs(c);
		output_str(o, g); /* block characters and ▴ only: nothing Markdown acts on */
		free(g);
		return;
	}
	sb_cell(&b, c);
	if (b.len == 0)
		output_str(o, "\xe2\x80\x94");
	else
		md_escaped(o, b.s, b.len);
	sb_free(&b);
}

static void md_table(struct output *o, const struct dtable *t)
{
	output_str(o, "|");
	for (size_t c = 0; c < t->ncol; c++) {
		if (!column_shown(&t->col[c], F_MARKDOWN))
			continue;
		output_str(o, " ");
		md_escaped(o, t->col[c].label, strlen(t->col[c].label));
		output_str(o, " |");
	}
	output_str(o, "\n|");
	for (size_t c = 0; c < t->ncol; c++)
		if (column_shown(&t->col[c], F_MARKDOWN))
			output_str(o, t->col[c].type == COL_NUMBER ? " --: |" : " :-- |");
	output_newline(o);
	for (size_t r = 0; r < t->nrow; r++) {
		output_str(o, "|");
		for (size_t c = 0; c < t->ncol; c++) {
			if (!column_shown(&t->col[c], F_MARKDOWN))
				continue;
			const struct cell *cell = &t->cell[r * t->ncol + c];
			output_str(o, cell->strong ? " **" : " ");
			md_cell(o, &t->col[c], cell);
			output_str(o, cell->strong ? "** |" : " |");
		}
		output_newline(o);
	}
}

static void md_notes(struct output *o, const struct block *b)
{
	for (int topic = 0; topic < T_COUNT; topic++) {
		bool any = false;
		for (size_t i = 0; i < b->nnote; i++) {
			const struct note *n = &b->note[i];
			if ((int)n->topic != topic)
				continue;
			if (!any) {
				output_str(o, "\n**");
				output_str(o, topic_labels[topic]);
				output_str(o, "**\n\n");
			}
			any = true;
			output_str(o, "- ");
			md_escaped(o, n->text, n->len);
			output_newline(o);
		}
	}
}

static void md_section(struct output *o, const struct section *s)
{
	struct sbuf b = { 0 };
	sb_heading(&b, s);
	output_str(o, "\n## ");
	md_escaped(o, b.s ? b.s : "", b.len);
	output_str(o, "\n");
	sb_free(&b);
	bool any = false;
	for (size_t c = s->ntitle; c < s->fields.ncol; c++) {
		const struct cell *cell = &s->fields.cell[c];
		if (!column_shown(&s->fields.col[c], F_MARKDOWN) || (!cell->num.has && cell->len == 0 && !cell->nseries && !(cell->human && cell->hlen)) ||
		    (cell->human && cell->hlen == 0)) /* nothing for people: a rep's level */
			continue;
		output_str(o, any ? " \xc2\xb7 **" : "\n**");
		md_escaped(o, s->fields.col[c].label, strlen(s->fields.col[c].label));
		output_str(o, "** ");
		md_cell(o, &s->fields.col[c], cell);
		any = true;
	}
	if (any)
		output_newline(o);
	for (size_t k = 0; k < s->nblock; k++) {
		const struct block *bl = &s->block[k];
		if (!block_shown(bl, F_MARKDOWN))
			continue;
		if (bl->title) {
			output_str(o, "\n### ");
			md_escaped(o, bl->title, strlen(bl->title));
			output_newline(o);
		}
		if (bl->type == BLOCK_TABLE) {
			output_newline(o);
			md_table(o, &bl->t);
		} else if (bl->type == BLOCK_NOTES) {
			md_notes(o, bl);
		} else {
			output_newline(o);
			md_escaped(o, bl->text, strlen(bl->text));
			output_newline(o);
		}
	}
}

void render_markdown(struct output *o, const struct doc *d, const size_t *which, size_t n)
{
	output_str(o, "# ");
	md_escaped(o, d->title, strlen(d->title));
	output_newline(o);
	if (d->as_of[0]) {
		output_str(o, "\nAs of ");
		output_str(o, d->as_of);
		output_newline(o);
	}
	for (size_t i = 0; i < n; i++)
		md_section(o, &d->section[which[i]]);
	if (n == 0) {
		output_str(o, "\n");
		md_escaped(o, doc_empty(d), strlen(doc_empty(d)));
		output_newline(o);
	}
	output_str(o, "\n---\n\n**Definitions**\n\n");
	for (size_t i = 0; i < d->nfooter; i++) {
		output_str(o, "- ");
		md_escaped(o, d->footer[i], strlen(d->footer[i]));
		output_newline(o);
	}
}
