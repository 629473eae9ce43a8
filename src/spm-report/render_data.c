/* The data formats. JSON: an array of objects, numbers as numbers exactly as the input
 * wrote them (fractions stay fractions: 1.0534), no value as null; strings lossless:
 * controls, bidirectional and invisible characters as \uXXXX, and each byte that is not
 * UTF-8 as \udcXX (a lone low surrogate, as Python's surrogateescape: 0xFF is \udcff),
 * which no UTF-8 text can hold, so the owner's bytes can always be told back.
 * CSV (RFC 4180, CRLF): one row per table row with its section's fields. Unless --raw,
 * a text cell that could run as a formula is prefixed with ' (OWASP): one that starts
 * with TAB, CR or LF, or whose first character after blanks and invisible characters
 * (spaces of any width, zero-width characters, BOM, bidirectional controls) is = + - @
 * or a fullwidth or small form of them; and controls (other than TAB, LF and CR),
 * bidirectional controls and bytes that are not UTF-8 are written as the escapes the
 * human formats show (\u{202E}, \xFF). Number cells are written by spm from exact
 * decimals, never copied from the input's text, so a negative figure stays a number. */
#include "spm-report.h"

#include "diag.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- JSON ---- */

/* Zero-width characters beyond the hidden ones: escaped too, so that they can be seen. */
static bool json_invisible(uint32_t cp)
{
	return (cp >= 0x200B && cp <= 0x200D) || (cp >= 0x2060 && cp <= 0x2064);
}

static void json_string(struct output *o, const char *s, size_t len)
{
	output_bytes(o, "\"", 1);
	size_t start = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		char esc[8];
		const char *rep = NULL;
		if (n == 0) { /* not UTF-8: the byte as a lone low surrogate, lossless */
			snprintf(esc, sizeof esc, "\\udc%02x", (unsigned)(unsigned char)s[i]);
			rep = esc;
		} else if (cp == '"')
			rep = "\\\"";
		else if (cp == '\\')
			rep = "\\\\";
		else if (cp == '\n')
			rep = "\\n";
		else if (cp == '\t')
			rep = "\\t";
		else if (cp == '\r')
			rep = "\\r";
		else if (utf8_cp_hidden(cp) || json_invisible(cp)) {
			snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp);
			rep = esc;
		}
		if (rep) {
			output_bytes(o, s + start, i - start);
			output_str(o, rep);
			i += n ? n : 1;
			start = i;
		} else {
			i += n;
		}
	}
	output_bytes(o, s + start, len - start);
	output_bytes(o, "\"", 1);
}

static void json_num(struct output *o, struct num n)
{
	char buf[NUMBER_BUFSIZE];
	if (!n.has) {
		output_str(o, "null");
		return;
	}
	num_text(n, buf, sizeof buf);
	output_str(o, buf);
}

static void json_value(struct output *o, const struct doc_column *col, const struct cell *c)
{
	switch (col->type) {
	case COL_TEXT:
		if (c->text)
			json_string(o, c->text, c->len);
		else
			output_str(o, "null");
		return;
	case COL_NUMBER: case COL_BAR:
		json_num(o, c->num);
		return;
	case COL_SPARK:
		output_str(o, "[");
		for (size_t i = 0; i < c->nseries; i++) {
			if (i)
				output_str(o, ",");
			json_num(o, c->series[i]);
		}
		output_str(o, "]");
		return;
	}
}

/* "key":value pairs of a table row; *first tells whether a comma is due. */
static void json_pairs(struct output *o, const struct dtable *t, size_t row, bool *first)
{
	for (size_t c = 0; c < t->ncol; c++) {
		if (!column_shown(&t->col[c], F_JSON))
			continue;
		output_str(o, *first ? "" : ",");
		json_string(o, t->col[c].key, strlen(t->col[c].key));
		output_str(o, ":");
		json_value(o, &t->col[c], &t->cell[row * t->ncol + c]);
		*first = false;
	}
}

static void json_note(struct output *o, const struct names *nm, const struct note *n)
{
	output_str(o, "{\"topic\":");
	json_string(o, topic_keys[n->topic], strlen(topic_keys[n->topic]));
	output_str(o, ",");
	json_string(o, column_name(COL_METRIC), strlen(column_name(COL_METRIC)));
	output_str(o, ":");
	if (n->metric == NONE || !nm)
		output_str(o, "null");
	else
		json_string(o, nm->s[n->metric], nm->len[n->metric]);
	output_str(o, ",\"text\":");
	json_string(o, n->text, n->len);
	output_str(o, "}");
}

static void json_block(struct output *o, const struct doc *d, const struct block *b)
{
	json_string(o, b->key, strlen(b->key));
	output_str(o, ":");
	if (b->type == BLOCK_TEXT) {
		json_string(o, b->text, strlen(b->text));
		return;
	}
	output_str(o, "[");
	size_t n = b->type == BLOCK_TABLE ? b->t.nrow : b->nnote;
	for (size_t r = 0; r < n; r++) {
		output_str(o, r ? ",\n  " : "\n  ");
		if (b->type == BLOCK_NOTES) {
			json_note(o, d->names, &b->note[r]);
			continue;
		}
		bool first = true;
		output_str(o, "{");
		json_pairs(o, &b->t, r, &first);
		output_str(o, "}");
	}
	output_str(o, n ? "\n ]" : "]");
}

void render_json(struct output *o, const struct doc *d, const size_t *which, size_t n)
{
	bool first_object = true;
	output_str(o, "[");
	for (size_t i = 0; i < n; i++) {
		const struct section *s = &d->section[which[i]];
		if (d->json_flat) {
			for (size_t k = 0; k < s->nblock; k++) {
				const struct block *b = &s->block[k];
				if (b->type != BLOCK_TABLE || b->aside)
					continue;
				for (size_t r = 0; r < b->t.nrow; r++) {
					bool first = true;
					output_str(o, first_object ? "\n{" : ",\n{");
					json_pairs(o, &s->fields, 0, &first);
					json_pairs(o, &b->t, r, &first);
					output_str(o, "}");
					first_object = false;
				}
			}
			continue;
		}
		bool first = true;
		output_str(o, first_object ? "\n{" : ",\n{");
		if (s->summary) { /* the totals over the other sections: a key of its own, so that a
				   * consumer never takes them for a group that has the same label */
			output_str(o, "\"summary\":true");
			first = false;
		}
		json_pairs(o, &s->fields, 0, &first);
		for (size_t k = 0; k < s->nblock; k++) {
			output_str(o, first ? "" : ",\n ");
			json_block(o, d, &s->block[k]);
			first = false;
		}
		output_str(o, "}");
		first_object = false;
	}
	output_str(o, first_object ? "]\n" : "\n]\n");
}

/* ---- CSV ---- */

/* What a spreadsheet skips before it looks for a formula: blanks of any width, zero-width
 * and bidirectional characters, the BOM. */
static bool csv_blank(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == 0xA0 || cp == 0x1680 || cp == 0x180E ||
	       (cp >= 0x2000 && cp <= 0x200F) || cp == 0x202F || cp == 0x205F || (cp >= 0x2060 && cp <= 0x2064) ||
	       cp == 0x3000 || cp == 0xFEFF || (cp >= 0x80 && utf8_cp_hidden(cp));
}

/* = + - @, their fullwidth and small forms, and the minus sign. */
static bool csv_formula_start(uint32_t cp)
{
	switch (cp) {
	case '=': case '+': case '-': case '@':
	case 0xFF1D: case 0xFF0B: case 0xFF0D: case 0xFF20:
	case 0xFE66: case 0xFE62: case 0xFE63: case 0xFE6B:
	case 0x2212:
		return true;
	}
	return false;
}

bool formula_like(const char *s, size_t len)
{
	if (len && (s[0] == '\t' || s[0] == '\r' || s[0] == '\n'))
		return true;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (n == 0)
			return false;
		if (!csv_blank(cp))
			return csv_formula_start(cp);
		i += n;
	}
	return false;
}

/* A cell's text as written (not --raw): ' before a formula, and controls other than TAB,
 * LF and CR, bidirectional controls and bytes that are not UTF-8 as \u{XXXX} and \xHH.
 * NULL when the text is written as it is. */
static char *csv_safe(const char *s, size_t len, size_t *out_len)
{
	bool formula = formula_like(s, len), hidden = false;
	for (size_t i = 0; i < len && !hidden;) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		hidden = n == 0 || (utf8_cp_hidden(cp) && cp != '\t' && cp != '\n' && cp != '\r');
		i += n ? n : 1;
	}
	if (!formula && !hidden)
		return NULL;
	struct sbuf b = { 0 };
	if (formula)
		sb_add(&b, "'", 1);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (n == 0)
			sb_printf(&b, "\\x%02X", (unsigned)(unsigned char)s[i]);
		else if (utf8_cp_hidden(cp) && cp != '\t' && cp != '\n' && cp != '\r')
			sb_printf(&b, "\\u{%04X}", (unsigned)cp);
		else
			sb_add(&b, s + i, n);
		i += n ? n : 1;
	}
	*out_len = b.len;
	return b.s;
}

static void csv_value(struct output *o, const struct doc_column *col, const struct cell *c, bool raw)
{
	char buf[NUMBER_BUFSIZE];
	if (col->type == COL_NUMBER || col->type == COL_BAR) {
		size_t n = num_text(c->num, buf, sizeof buf);
		output_bytes(o, buf, n);
		return;
	}
	const char *s = c->text ? c->text : "";
	size_t len;
	char *safe = raw ? NULL : csv_safe(s, c->len, &len);
	if (safe) {
		output_csv_field(o, safe, len);
		free(safe);
	} else {
		output_csv_field(o, s, c->len);
	}
}

/* The keys of one header for every section: the shown CSV columns of each section's
 * fields and data table, in order of first appearance. Tables of one document may show
 * different columns (a leaderboard's Regions have no region, Reps a change that Regions
 * lack): one header over all of them keeps every row's fields under their own names. */
static void csv_keys(const struct dtable *t, const char ***keys, size_t *n, size_t *cap)
{
	for (size_t c = 0; c < t->ncol; c++) {
		if (!column_shown(&t->col[c], F_CSV))
			continue;
		size_t k = 0;
		while (k < *n && strcmp((*keys)[k], t->col[c].key) != 0)
			k++;
		if (k < *n)
			continue;
		if (*n == *cap) {
			*cap = *cap ? 2 * *cap : 16;
			*keys = xrealloc(*keys, *cap * sizeof **keys);
		}
		(*keys)[(*n)++] = t->col[c].key;
	}
}

/* The column of t under key, shown in CSV; -1 if none. */
static long csv_column(const struct dtable *t, const char *key)
{
	for (size_t c = 0; c < t->ncol; c++)
		if (column_shown(&t->col[c], F_CSV) && strcmp(t->col[c].key, key) == 0)
			return (long)c;
	return -1;
}

/* One row under the header's keys: the section's fields (row 0) and the table's row;
 * a key neither has is an empty field. */
static void csv_row(struct output *o, const char *const *keys, size_t nkeys, const struct dtable *fields,
		    const struct dtable *t, size_t row, bool raw)
{
	for (size_t k = 0; k < nkeys; k++) {
		if (k)
			output_str(o, ",");
		long c = csv_column(fields, keys[k]);
		if (c >= 0) {
			csv_value(o, &fields->col[c], &fields->cell[(size_t)c], raw);
			continue;
		}
		if ((c = csv_column(t, keys[k])) >= 0)
			csv_value(o, &t->col[c], &t->cell[row * t->ncol + (size_t)c], raw);
	}
}

static const struct doc_column note_columns[] = {
	{ "topic", "Topic", COL_TEXT, SHOW_DATA, false },
	{ NULL, "Metric", COL_TEXT, SHOW_DATA, false }, /* key: the stream column metric (set after dtable_init) */
	{ "text", "Text", COL_TEXT, SHOW_DATA, false },
};

/* The data table of a section for CSV: its first table, else its sentences as rows
 * (topic, metric, text) in notes; NULL when it has neither. A leaderboard's recognition
 * follows its table and is left out, as in flat JSON. */
static const struct dtable *csv_table(const struct doc *d, const struct section *s, struct dtable *notes, bool *made)
{
	*made = false;
	for (size_t k = 0; k < s->nblock; k++) {
		const struct block *b = &s->block[k];
		if (b->type == BLOCK_TEXT)
			continue;
		if (b->type != BLOCK_NOTES)
			return &b->t;
		dtable_init(notes, d->mem, note_columns, 3);
		notes->col[1].key = column_name(COL_METRIC);
		for (size_t r = 0; r < b->nnote; r++) {
			size_t row = dtable_row(notes);
			set_str(notes, row, 0, topic_keys[b->note[r].topic]);
			if (b->note[r].metric != NONE && d->names)
				set_name(dtable_cell(notes, row, 1), d->names, b->note[r].metric);
			set_text(notes, row, 2, b->note[r].text, b->note[r].len);
		}
		*made = true;
		return notes;
	}
	return NULL;
}

void render_csv(struct output *o, const struct doc *d, const struct render_options *ro, const size_t *which,
		size_t n)
{
	const char **keys = NULL;
	size_t nkeys = 0, cap = 0;
	bool any = false;
	for (size_t i = 0; i < n; i++) { /* the header: every section's columns */
		const struct section *s = &d->section[which[i]];
		struct dtable notes;
		bool made;
		const struct dtable *t = csv_table(d, s, &notes, &made);
		if (!t)
			continue;
		any = true;
		csv_keys(&s->fields, &keys, &nkeys, &cap);
		csv_keys(t, &keys, &nkeys, &cap);
		for (size_t k = 0; k < s->nblock; k++)
			if (s->block[k].type == BLOCK_TABLE && s->block[k].more_rows && &s->block[k].t != t)
				csv_keys(&s->block[k].t, &keys, &nkeys, &cap);
		if (made)
			dtable_free(&notes);
	}
	if (any) {
		for (size_t k = 0; k < nkeys; k++) {
			output_str(o, k ? "," : "");
			output_csv_field(o, keys[k], strlen(keys[k]));
		}
		output_str(o, "\r\n");
	}
	for (size_t i = 0; i < n; i++) {
		const struct section *s = &d->section[which[i]];
		struct dtable notes;
		bool made;
		const struct dtable *t = csv_table(d, s, &notes, &made);
		if (!t)
			continue;
		for (size_t r = 0; r < t->nrow; r++) {
			csv_row(o, keys, nkeys, &s->fields, t, r, ro->raw);
			output_str(o, "\r\n");
		}
		for (size_t k = 0; k < s->nblock; k++) {
			const struct dtable *more = &s->block[k].t;
			if (s->block[k].type != BLOCK_TABLE || !s->block[k].more_rows || more == t)
				continue;
			for (size_t r = 0; r < more->nrow; r++) {
				csv_row(o, keys, nkeys, &s->fields, more, r, ro->raw);
				output_str(o, "\r\n");
			}
		}
		if (made)
			dtable_free(&notes);
	}
	free(keys);
}
