/* spm-report's document model: a kind (kind_*.c, feedback.c) builds a document of
 * sections, tables of cells and sentences (doc.c); words and figures put them in words
 * for people (words.c). Part of spm-report.h. */
#ifndef SPM_REPORT_DOC_H
#define SPM_REPORT_DOC_H

#include "data.h"
#include "decimal.h"
#include "period.h"
#include "sbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum kind { K_LEADERBOARD, K_PROGRESS, K_SCORECARD, K_TEAM, K_STATEMENT, K_FEEDBACK, K_REVIEW, K_COUNT };

extern const char *const kind_names[K_COUNT];

/* How a metric reads to people. */
enum unit { U_PLAIN, U_COUNT, U_MONEY, U_PERCENT, U_MULTIPLE, U_DAYS };

/* ---- the document ---- */

enum col_type { COL_TEXT, COL_NUMBER, COL_BAR, COL_SPARK };
/* Where a column is shown: in text, Markdown and HTML, in JSON and CSV, or both. */
enum { SHOW_HUMAN = 1, SHOW_DATA = 2, SHOW_ALL = 3 };

/* How a cell reads: its figures' tone colours text and HTML (never the only signal: the
 * status word or the figure is always printed too). */
enum tone { TONE_NONE, TONE_GOOD, TONE_ON, TONE_WARN, TONE_LOW };

struct doc_column {
	const char *key;   /* JSON and CSV name */
	const char *label; /* heading for people */
	enum col_type type;
	int show;
	bool whole; /* text: never cut in text tables (details, reasons) */
};

/* A cell: 64 bytes (a report of 50,000 owners holds millions of them): lengths in 32 bits,
 * unit and tone in a byte, and names not copied (set_name: borrowed from the report's
 * names, which outlive the document). */
struct cell {
	char *text;         /* COL_TEXT, and numbers' words when no value ("") */
	char *human;        /* what people read instead of text (text, Markdown, HTML, xlsx): a
			     * label for an identifier, a reason for no value; NULL: the text */
	struct num *series; /* COL_SPARK: values in period order (no value: a gap) */
	struct num num;     /* COL_NUMBER and COL_BAR */
	uint32_t len, hlen;
	uint32_t nseries;
	unsigned char unit; /* enum unit; numbers: how they read (U_PERCENT: a fraction as a percentage) */
	unsigned char tone; /* enum tone */
	bool points : 1;    /* a difference of fractions, shown in percentage points */
	bool sign : 1;      /* a difference: + before a positive figure */
	bool strong : 1;    /* a total row */
};

/* A document's memory (doc.c): its texts and small arrays, freed whole by doc_free. */
struct doc_memory;

struct dtable {
	struct doc_column *col;  /* a copy, taken when made: a kind may change its static table's flags per table */
	struct doc_memory *mem;  /* its document's: its cells and their texts come from it */
	struct cell *cell;       /* row-major */
	size_t nrow, cap;        /* cap: in rows */
	uint32_t ncol;           /* 32 bits: mem then adds no byte to a table (one per section and block) */
	bool huge;               /* cells in a huge block of their own (a table of many rows), not the arena */
};

enum block_type { BLOCK_TABLE, BLOCK_NOTES, BLOCK_TEXT };

/* A note: one sentence of feedback or recognition, under a topic. */
enum topic { T_SO_FAR, T_RECOGNITION, T_STRENGTH, T_IMPROVE, T_COMPARE, T_TRAINING, T_SELF, T_COUNT };
extern const char *const topic_keys[T_COUNT];
extern const char *const topic_labels[T_COUNT];

struct note {
	enum topic topic;
	size_t metric; /* or NONE */
	char *text;
	size_t len;
};

struct block {
	enum block_type type;
	const char *key;   /* JSON name */
	char *title;       /* heading for people, or NULL */
	struct dtable t;   /* BLOCK_TABLE; t.mem set for every block (its notes come from it) */
	struct note *note; /* BLOCK_NOTES */
	size_t nnote, cap;
	char *text;        /* BLOCK_TEXT: a line for people (JSON: a string) */
	bool aside;        /* a summary of the rows (totals): flat JSON and CSV leave it out */
	bool more_rows;    /* rows of the section's data beside its first table (owners too early
			    * to rank): CSV lists them after it, as flat JSON does */
};

/* Fields of a section: the first `ntitle` make its heading ("owner — period"), the rest
 * are shown under it; all go to JSON and CSV. */
struct section {
	size_t split;        /* the owner or group whose file it goes to (--split-dir), or NONE */
	struct dtable fields; /* one row; fields.mem: what its blocks come from */
	size_t ntitle;
	struct block *block;
	size_t nblock, cap;
	bool summary; /* totals over the other sections: a workbook, which adds up its own, leaves it out */
};

struct doc {
	enum kind kind;
	const struct names *names; /* what notes' metrics are named by */
	char *title;
	char as_of[DATE_TEXT_SIZE]; /* "" when not given */
	struct section *section;
	size_t nsection, cap;
	char **footer; /* definitions used */
	size_t nfooter, footer_cap;
	bool json_flat; /* JSON: one object per row of the section's table, with its fields */
	bool csv_ok;    /* one table per section: CSV can hold it */
	char **kept;    /* strings the document's columns point to (doc_keep), freed with it */
	size_t nkept, kept_cap;
	char *empty;    /* the sentence for a document without a section, or NULL: "Nothing to report
			 * for the period." */
	struct doc_memory *mem; /* its tables' texts and arrays; a renderer's scratch tables too */
};

void doc_init(struct doc *d, enum kind kind, const char *title);
void doc_free(struct doc *d);
/* Keeps s (allocated) until doc_free and returns it: a column label made at run time. */
const char *doc_keep(struct doc *d, char *s);
struct section *doc_section(struct doc *d, size_t split, const struct doc_column *fields, size_t nfields,
			    size_t ntitle);
/* A definition, once per document: the same line again is not added. */
void doc_footer(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The definition of the scale of a document's trends of that unit (see spark_levels). */
void trend_footer(struct doc *d, enum unit unit);
/* The sentence for a document without a section. */
const char *doc_empty(const struct doc *d);

void dtable_init(struct dtable *t, struct doc_memory *mem, const struct doc_column *col, size_t ncol);
size_t dtable_row(struct dtable *t);
/* Room for `rows` rows in all, allocated at once (a table whose size is known). */
void dtable_reserve(struct dtable *t, size_t rows);
struct cell *dtable_cell(struct dtable *t, size_t row, size_t col);
void dtable_free(struct dtable *t);

/* A section's fields and tables may share their columns with an earlier table's (the same
 * bytes): never change a section's t.col afterwards (change the static columns before). */
struct block *section_table(struct section *s, const char *key, const char *title, const struct doc_column *col,
			    size_t ncol);
struct block *section_notes(struct section *s, const char *key, const char *title);
struct block *section_text(struct section *s, const char *key, const char *title, const char *text);
void block_note(struct block *b, enum topic topic, size_t metric, const char *text, size_t len);

/* Setters that copy bytes take the cell's table and place: its document's memory holds
 * the copy. A section's fields are row 0 of &s->fields. */
void set_text(struct dtable *t, size_t row, size_t col, const char *s, size_t len);
void set_str(struct dtable *t, size_t row, size_t col, const char *s);
/* A trend: values in period order, of one unit (U_PERCENT: drawn on the bars' fixed scale;
 * any other: on the row's own scale; see spark_levels). */
void set_series(struct dtable *t, size_t row, size_t col, const struct num *v, size_t n, enum unit unit);
/* What people read in a cell instead of its text (JSON and CSV keep the text). */
void set_human(struct dtable *t, size_t row, size_t col, const char *s, size_t len);
void set_name(struct cell *c, const struct names *nm, size_t id);
void set_num(struct cell *c, struct num n, enum unit unit);
/* The words of a cell for people: its human text, else its text ("" when neither). */
const char *cell_words(const struct cell *c, size_t *len);
struct cell *field(struct section *s, size_t col);

/* ---- words and figures ---- */

/* Growing strings (struct sbuf, sb_add, sb_printf): lib/sbuf.h. */

/* Figures as people read them: 42,000.00; 105.34 %; +4.20 pts; 3.20×. Exact: decimal
 * arithmetic, rounded half away from zero. */
void sb_grouped(struct sbuf *b, decimal v, int places);
void sb_percent(struct sbuf *b, decimal fraction);
void sb_points(struct sbuf *b, decimal fraction_difference, bool sign);
void sb_value(struct sbuf *b, struct num n, enum unit unit);
/* A cell as people read it ("" for no value). */
void sb_cell(struct sbuf *b, const struct cell *c);
/* "won revenue" for won_revenue. */
void sb_metric(struct sbuf *b, const struct names *nm, size_t metric);

#endif
