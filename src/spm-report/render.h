/* spm-report's renderers: a document written as text, Markdown, HTML, JSON, CSV or an
 * xlsx workbook (render*.c), to one output or one file per owner (split.c). Part of
 * spm-report.h. */
#ifndef SPM_REPORT_RENDER_H
#define SPM_REPORT_RENDER_H

#include "doc.h"
#include "output.h"

#include <stdbool.h>
#include <stddef.h>

enum format { F_TEXT, F_MARKDOWN, F_HTML, F_JSON, F_CSV, F_XLSX, F_COUNT };

extern const char *const format_names[F_COUNT];

/* ---- rendering ---- */

struct render_options {
	enum format format;
	bool raw;   /* CSV and xlsx: no formula neutralisation */
	bool color; /* text: ANSI colours */
	const char *currency; /* xlsx: the money cells' currency code (--currency), or NULL */
};

/* Writes the sections `which` (n of them) of the document, with its title and footer. */
void render(struct output *o, const struct doc *d, const struct render_options *ro, const size_t *which, size_t n);
void render_text(struct output *o, const struct doc *d, const struct render_options *ro, const size_t *which,
		 size_t n);
void render_markdown(struct output *o, const struct doc *d, const size_t *which, size_t n);
void render_html(struct output *o, const struct doc *d, const size_t *which, size_t n);
void render_json(struct output *o, const struct doc *d, const size_t *which, size_t n);
void render_csv(struct output *o, const struct doc *d, const struct render_options *ro, const size_t *which,
		size_t n);
/* A workbook (render_xlsx.c): refuses a terminal. */
void render_xlsx(struct output *o, const struct doc *d, const struct render_options *ro, const size_t *which,
		 size_t n);
/* Whether a column shows in this format. */
bool column_shown(const struct doc_column *c, enum format f);
/* Whether a block has something to show in format f: notes, a text, a table with a column
 * shown. */
bool block_shown(const struct block *b, enum format f);
/* The section's heading for people: its title fields joined with " — ". */
void sb_heading(struct sbuf *b, const struct section *s);
/* A bar's length in eighths of a cell for a fraction: 0..cells*8 for 0..1.5. */
long bar_eighths(struct num v, long cells);
/* A sparkline level 0..levels-1 of each value (-1: no value). Percentages (unit U_PERCENT:
 * scores, attainments, paces, rates) sit on the bars' scale, the same for every row: 0 %
 * (and below) at level 0, 150 % (and above) at the top; returns how many values are above
 * 150 %, drawn at the top (a mark says so). Other units: between the series' least and
 * greatest; a flat series at level 0 when it is zero, halfway otherwise. Exact. */
size_t spark_levels(const struct num *v, size_t n, enum unit unit, int levels, int *out);
/* The same geometry as heights from 0 (bottom) to 1 (top), for a drawn chart (HTML). */
void spark_heights(const struct num *v, size_t n, enum unit unit, double *out);
/* Whether a point of a series is above its scale (a percentage above 150 %). */
bool spark_over(struct num v, enum unit unit);
/* A sparkline in block characters ▁..█, a space for no value, then ▴ when a value is above
 * the scale (text and Markdown). Newly allocated. */
char *spark_glyphs(const struct cell *c);

/* Whether a spreadsheet would take text for a formula (a leading tab, CR or LF, or = + - @,
 * their fullwidth and small forms or the minus sign after blanks and invisible
 * characters): CSV and xlsx write it with a leading ' unless --raw. */
bool formula_like(const char *s, size_t len);

/* The text of a cell as people see it, made visible (controls escaped) and cut to max
 * columns when max > 0 (with an ellipsis). Newly allocated. */
char *visible(const char *s, size_t len, size_t max, size_t *out_len);

/* --split-dir: one file per owner with a safe name (split.c). */
char *safe_file_name(const char *name, size_t len, const char *ext);
void write_split(const struct doc *d, const struct names *nm, const char *dir, const struct render_options *ro,
		 const char *index_path);

#endif
