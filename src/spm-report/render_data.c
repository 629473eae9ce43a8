/* The data formats. JSON: an array of objects, numbers as numbers exactly as the input
 * wrote them (fractions stay fractions: 1.0534), no value as null. CSV (RFC 4180, CRLF):
 * one row per table row with its section's fields, and text cells that start with
 * = + - @ TAB or CR (after any leading spaces and tabs) prefixed with ' so that a spreadsheet never runs them as a formula
 * (OWASP), unless --raw. Number cells are written by spm from exact decimals, never copied
 * from the input's text, so a negative figure stays a number. */
#include "spm-report.h"

#include "diag.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- JSON ---- */

static void json_string(struct output *o, const char *s, size_t len)
{
	output_bytes(o, "\"", 1);
	size_t start = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		char esc[8];
		const char *rep = NULL;
		if (n == 0)
			rep = "\\ufffd"; /* not UTF-8: JSON must be */
		else if (cp == '"')
			rep = "\\\"";
		else if (cp == '\\')
			rep = "\\\\";
		else if (cp == '\n')
			rep = "\\n";
		else if (cp == '\t')
			rep = "\\t";
		else if (cp == '\r')
			rep = "\\r";
		else if (cp < 0x20 || cp == 0x2028 || cp == 0x2029) {
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
	char buf[DECIMAL_BUFSIZE];
	if (!n.has) {
		output_str(o, "null");
		return;
	}
	num_text(n, buf, sizeof buf);
	output_str(o, buf);
}

static void json_value(struct output *o, const struct column *col, const struct cell *c)
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
	output_str(o, ",\"metric\":");
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
				if (b->type != BLOCK_TABLE)
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

static void csv_cell(struct output *o, const char *s, size_t len, bool neutralise)
{
	bool quote = neutralise || memchr(s, ',', len) || memchr(s, '"', len) || memchr(s, '\n', len) ||
		     memchr(s, '\r', len);
	if (!quote) {
		output_bytes(o, s, len);
		return;
	}
	output_bytes(o, "\"", 1);
	if (neutralise)
		output_bytes(o, "'", 1);
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"') {
			output_bytes(o, s + start, i + 1 - start);
			output_bytes(o, "\"", 1);
			start = i + 1;
		}
	}
	output_bytes(o, s + start, len - start);
	output_bytes(o, "\"", 1);
}

static void csv_value(struct output *o, const struct column *col, const struct cell *c, bool raw)
{
	char buf[DECIMAL_BUFSIZE];
	if (col->type == COL_NUMBER || col->type == COL_BAR) {
		size_t n = num_text(c->num, buf, sizeof buf);
		output_bytes(o, buf, n);
		return;
	}
	const char *s = c->text ? c->text : "";
	/* spreadsheets skip leading blanks: " =1+1" is a formula too */
	size_t k = 0;
	while (k < c->len && (s[k] == ' ' || s[k] == '\t'))
		k++;
	bool formula = c->len && (s[0] == '\t' || s[0] == '\r' || (k < c->len && s[k] && strchr("=+-@\r", s[k])));
	csv_cell(o, s, c->len, formula && !raw);
}

static void csv_header(struct output *o, const struct dtable *t, bool *first)
{
	for (size_t c = 0; c < t->ncol; c++) {
		if (!column_shown(&t->col[c], F_CSV))
			continue;
		output_str(o, *first ? "" : ",");
		csv_cell(o, t->col[c].key, strlen(t->col[c].key), false);
		*first = false;
	}
}

static void csv_row(struct output *o, const struct dtable *t, size_t row, bool raw, bool *first)
{
	for (size_t c = 0; c < t->ncol; c++) {
		if (!column_shown(&t->col[c], F_CSV))
			continue;
		output_str(o, *first ? "" : ",");
		csv_value(o, &t->col[c], &t->cell[row * t->ncol + c], raw);
		*first = false;
	}
}

static const struct column note_columns[] = {
	{ "topic", "Topic", COL_TEXT, SHOW_DATA, false },
	{ "metric", "Metric", COL_TEXT, SHOW_DATA, false },
	{ "text", "Text", COL_TEXT, SHOW_DATA, false },
};

void render_csv(struct output *o, const struct doc *d, const struct render_options *ro, const size_t *which,
		size_t n)
{
	bool header_done = false;
	for (size_t i = 0; i < n; i++) {
		const struct section *s = &d->section[which[i]];
		/* the section's data: its first table, else its sentences (a leaderboard's
		 * recognition follows its table and is left out, as in flat JSON) */
		for (size_t k = 0, done = 0; k < s->nblock && !done; k++) {
			const struct block *b = &s->block[k];
			if (b->type == BLOCK_TEXT)
				continue;
			done = 1;
			struct dtable notes;
			const struct dtable *t = &b->t;
			if (b->type == BLOCK_NOTES) { /* sentences as rows: topic, metric, text */
				dtable_init(&notes, note_columns, 3);
				for (size_t r = 0; r < b->nnote; r++) {
					size_t row = dtable_row(&notes);
					set_str(dtable_cell(&notes, row, 0), topic_keys[b->note[r].topic]);
					if (b->note[r].metric != NONE && d->names)
						set_name(dtable_cell(&notes, row, 1), d->names, b->note[r].metric);
					set_text(dtable_cell(&notes, row, 2), b->note[r].text, b->note[r].len);
				}
				t = &notes;
			}
			if (!header_done) {
				bool first = true;
				csv_header(o, &s->fields, &first);
				csv_header(o, t, &first);
				output_str(o, "\r\n");
				header_done = true;
			}
			for (size_t r = 0; r < t->nrow; r++) {
				bool first = true;
				csv_row(o, &s->fields, 0, ro->raw, &first);
				csv_row(o, t, r, ro->raw, &first);
				output_str(o, "\r\n");
			}
			if (b->type == BLOCK_NOTES)
				dtable_free(&notes);
		}
	}
}
