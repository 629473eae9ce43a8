/* The document a kind builds and a format writes: sections (one per owner, group or
 * period) with fields, tables and notes, a title and a footer of definitions. */
#include "spm-report.h"

#include "arena.h"
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const topic_keys[T_COUNT] = { "so_far", "recognition", "strengths", "to_improve", "comparisons", "training",
					  "self_assessment" };
const char *const topic_labels[T_COUNT] = { "So far", "Recognition", "Strengths", "To improve",
					    "Compared with your group and with your last period", "Training",
					    "Self-assessment" };

/* The document's memory, held by it, not by the file (a process may build one document
 * after another: the fuzz harness runs main again and again). Its texts (cells, notes,
 * titles) and its small arrays (cells of a section's tables, column copies, blocks, notes)
 * come from two arenas in huge pages, freed whole by doc_free: a report of 50,000 owners
 * makes millions of them. Arrays go apart from texts so that the table being filled is
 * mostly the last allocation of its arena, and grows in place. */
enum { RECENT = 8 };
struct doc_memory {
	struct arena texts, arrays;
	struct {
		const struct doc_column *col; /* in arrays */
		size_t ncol;
	} recent[RECENT]; /* the last column copies made (dtable_init_shared) */
	size_t next;      /* the slot of recent the next copy takes */
};

/* A table's cells past this go to a huge block of their own, grown without copies. */
enum { BIG_TABLE = 512 * 1024 };

void doc_init(struct doc *d, enum kind kind, const char *title)
{
	memset(d, 0, sizeof *d);
	d->kind = kind;
	d->title = xstrdup(title);
	d->mem = xcalloc(1, sizeof *d->mem);
}

void dtable_init(struct dtable *t, struct doc_memory *mem, const struct doc_column *col, size_t ncol)
{
	if (ncol > UINT32_MAX)
		diag_fatal(SPM_EXIT_USAGE, "out of memory");
	memset(t, 0, sizeof *t);
	t->mem = mem;
	t->col = arena_calloc(&mem->arrays, ncol ? ncol : 1, sizeof *t->col);
	if (ncol)
		memcpy(t->col, col, ncol * sizeof *t->col);
	t->ncol = (uint32_t)ncol;
}

/* A section's table takes the columns of an earlier table when they are the same bytes:
 * 50,000 sections would each hold a copy of the same few hundred bytes. The last few
 * copies are looked at (a kind's sections repeat a few tables), never changed after. */
static void dtable_init_shared(struct dtable *t, struct doc_memory *mem, const struct doc_column *col, size_t ncol)
{
	for (size_t i = 0; i < RECENT; i++) {
		const struct doc_column *copy = mem->recent[i].col;
		if (copy && mem->recent[i].ncol == ncol && memcmp(copy, col, ncol * sizeof *col) == 0) {
			memset(t, 0, sizeof *t);
			t->mem = mem;
			t->col = (struct doc_column *)copy;
			t->ncol = (uint32_t)ncol; /* checked when copied */
			return;
		}
	}
	dtable_init(t, mem, col, ncol);
	mem->recent[mem->next].col = t->col;
	mem->recent[mem->next].ncol = ncol;
	mem->next = (mem->next + 1) % RECENT;
}

/* The bytes of rows rows of t's cells. */
static size_t cell_bytes(const struct dtable *t, size_t rows)
{
	size_t bytes;
	if (__builtin_mul_overflow(rows, t->ncol ? t->ncol : 1, &bytes) ||
	    __builtin_mul_overflow(bytes, sizeof *t->cell, &bytes))
		diag_fatal(SPM_EXIT_USAGE, "out of memory");
	return bytes;
}

/* Room for `rows` rows: more (grown) or fewer (trimmed, where it gives memory back). */
static void cells_resize(struct dtable *t, size_t rows)
{
	size_t old = cell_bytes(t, t->cap), bytes = cell_bytes(t, rows);
	if (t->huge) {
		if (bytes <= old) /* a huge block is not cut: its size is what frees it */
			return;
		t->cell = huge_grow(t->cell, old, bytes);
	} else if (bytes > BIG_TABLE) {
		struct cell *cells = huge_alloc(bytes);
		if (old)
			memcpy(cells, t->cell, old);
		t->cell = cells; /* the arena's copy stays unused until doc_free */
		t->huge = true;
	} else {
		t->cell = arena_resize(&t->mem->arrays, t->cell, old, bytes);
	}
	t->cap = rows;
}

void dtable_reserve(struct dtable *t, size_t rows)
{
	if (rows > t->cap)
		cells_resize(t, rows);
}

/* Grown in rows, 4 at first (a section's table of a few goals: one allocation), then
 * doubling. */
size_t dtable_row(struct dtable *t)
{
	if (t->nrow == t->cap) {
		if (t->cap > SIZE_MAX / 2)
			diag_fatal(SPM_EXIT_USAGE, "out of memory");
		dtable_reserve(t, t->cap ? t->cap * 2 : 4);
	}
	memset(t->cell + t->nrow * t->ncol, 0, t->ncol * sizeof *t->cell);
	return t->nrow++;
}

struct cell *dtable_cell(struct dtable *t, size_t row, size_t col)
{
	return &t->cell[row * t->ncol + col];
}

/* The texts of the cells and the columns are the document's memory's. */
void dtable_free(struct dtable *t)
{
	if (t->huge)
		huge_free(t->cell, cell_bytes(t, t->cap));
	memset(t, 0, sizeof *t);
}

static void memory_free(struct doc_memory *mem)
{
	if (!mem) /* a document freed before */
		return;
	arena_free(&mem->texts); /* the notes, titles and texts */
	arena_free(&mem->arrays);
	free(mem);
}

void doc_free(struct doc *d)
{
	for (size_t i = 0; i < d->nsection; i++) {
		struct section *s = &d->section[i];
		dtable_free(&s->fields);
		for (size_t b = 0; b < s->nblock; b++)
			dtable_free(&s->block[b].t);
	}
	xfree_large(d->section, d->cap, sizeof *d->section);
	memory_free(d->mem);
	for (size_t i = 0; i < d->nfooter; i++)
		free(d->footer[i]);
	free(d->footer);
	for (size_t i = 0; i < d->nkept; i++)
		free(d->kept[i]);
	free(d->kept);
	free(d->title);
	free(d->empty);
	memset(d, 0, sizeof *d);
}

const char *doc_keep(struct doc *d, char *s)
{
	xgrow((void **)&d->kept, &d->kept_cap, d->nkept + 1, sizeof *d->kept);
	d->kept[d->nkept++] = s;
	return s;
}

/* A finished section gives back what its tables and notes reserved beyond their rows:
 * thousands of sections of a few rows each would otherwise hold a third more. A kind that
 * adds to it later grows it again. */
static void section_trim(struct section *s)
{
	for (size_t i = 0; i < s->nblock; i++) {
		struct block *b = &s->block[i];
		if (b->t.nrow && b->t.cap > b->t.nrow)
			cells_resize(&b->t, b->t.nrow);
		if (b->nnote && b->cap > b->nnote) {
			b->note = arena_resize(&b->t.mem->arrays, b->note, b->cap * sizeof *b->note,
					       b->nnote * sizeof *b->note);
			b->cap = b->nnote;
		}
	}
}

struct section *doc_section(struct doc *d, size_t split, const struct doc_column *fields, size_t nfields, size_t ntitle)
{
	if (d->nsection)
		section_trim(&d->section[d->nsection - 1]);
	xgrow_large((void **)&d->section, &d->cap, d->nsection + 1, sizeof *d->section);
	struct section *s = &d->section[d->nsection++];
	memset(s, 0, sizeof *s);
	s->split = split;
	s->ntitle = ntitle;
	dtable_init_shared(&s->fields, d->mem, fields, nfields);
	dtable_reserve(&s->fields, 1);
	dtable_row(&s->fields);
	return s;
}

struct cell *field(struct section *s, size_t col)
{
	return dtable_cell(&s->fields, 0, col);
}

const char *doc_empty(const struct doc *d)
{
	return d->empty ? d->empty : "Nothing to report for the period.";
}

void doc_footer(struct doc *d, const char *fmt, ...)
{
	va_list ap;
	struct sbuf b = { 0 };
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		diag_fatal(SPM_EXIT_USAGE, "cannot format the footer");
	b.s = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(b.s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < d->nfooter; i++)
		if (strcmp(d->footer[i], b.s) == 0) {
			free(b.s);
			return;
		}
	xgrow((void **)&d->footer, &d->footer_cap, d->nfooter + 1, sizeof *d->footer);
	d->footer[d->nfooter++] = b.s;
}

void trend_footer(struct doc *d, enum unit unit)
{
	if (unit == U_PERCENT)
		doc_footer(d, "Trend of percentages: one mark a period, oldest first, on the bars' scale, the same for "
			      "every row: 0 %% at the bottom, 150 %% at the top, 100 %% two thirds of the way up (a faint "
			      "line in HTML); a value above 150 %% is drawn at the top and marked \xe2\x96\xb4, one below "
			      "0 %% at the bottom.");
	else
		doc_footer(d, "Trend of amounts and counts: one mark a period, oldest first, each row on a scale of its "
			      "own, from its least value (bottom) to its greatest (top): the line shows a row's ups and "
			      "downs, not how its values compare with another row's; a row of one value throughout is "
			      "drawn at the bottom when it is 0, halfway up otherwise.");
}

/* A section's blocks come from the memory its fields come from: its document's. */
static struct block *new_block(struct section *s, enum block_type type, const char *key, const char *title)
{
	struct doc_memory *mem = s->fields.mem;
	if (s->nblock == s->cap) { /* 2 at first: a section has a few blocks (xgrow's first 16 would idle) */
		if (s->cap > SIZE_MAX / 2)
			diag_fatal(SPM_EXIT_USAGE, "out of memory");
		size_t cap = s->cap ? s->cap * 2 : 2;
		s->block = arena_resize(&mem->arrays, s->block, s->cap * sizeof *s->block, cap * sizeof *s->block);
		s->cap = cap;
	}
	struct block *b = &s->block[s->nblock++];
	memset(b, 0, sizeof *b);
	b->type = type;
	b->key = key;
	b->title = title ? arena_strdup(&mem->texts, title) : NULL;
	b->t.mem = mem; /* a table's or not: block_note finds the memory there */
	return b;
}

struct block *section_table(struct section *s, const char *key, const char *title, const struct doc_column *col,
			    size_t ncol)
{
	struct block *b = new_block(s, BLOCK_TABLE, key, title);
	dtable_init_shared(&b->t, b->t.mem, col, ncol);
	return b;
}

struct block *section_notes(struct section *s, const char *key, const char *title)
{
	return new_block(s, BLOCK_NOTES, key, title);
}

struct block *section_text(struct section *s, const char *key, const char *title, const char *text)
{
	struct block *b = new_block(s, BLOCK_TEXT, key, title);
	b->text = arena_strdup(&b->t.mem->texts, text);
	return b;
}

void block_note(struct block *b, enum topic topic, size_t metric, const char *text, size_t len)
{
	if (b->nnote == b->cap) {
		if (b->cap > SIZE_MAX / 2 / sizeof *b->note)
			diag_fatal(SPM_EXIT_USAGE, "out of memory");
		size_t cap = b->cap ? b->cap * 2 : 8;
		b->note = arena_resize(&b->t.mem->arrays, b->note, b->cap * sizeof *b->note, cap * sizeof *b->note);
		b->cap = cap;
	}
	struct note *n = &b->note[b->nnote++];
	n->topic = topic;
	n->metric = metric;
	n->text = arena_memdup0(&b->t.mem->texts, text, len);
	n->len = len;
}

/* ---- cells ---- */

_Static_assert(sizeof(void *) != 8 || sizeof(struct cell) == 64, "a cell is 64 bytes on 64-bit machines");

/* A length a cell can hold (32 bits). */
static uint32_t cell_len(size_t len)
{
	if (len > UINT32_MAX)
		diag_fatal(SPM_EXIT_USAGE, "out of memory");
	return (uint32_t)len;
}

void set_text(struct dtable *t, size_t row, size_t col, const char *s, size_t len)
{
	struct cell *c = dtable_cell(t, row, col);
	c->len = cell_len(len);
	c->text = arena_memdup0(&t->mem->texts, s, len);
}

void set_str(struct dtable *t, size_t row, size_t col, const char *s)
{
	set_text(t, row, col, s, strlen(s));
}

void set_name(struct cell *c, const struct names *nm, size_t id)
{
	if (id == NONE) /* no name: no text (JSON null) */
		return;
	c->len = cell_len(nm->len[id]);
	c->text = nm->s[id]; /* names are stored once and outlive the document */
}

void set_num(struct cell *c, struct num n, enum unit unit)
{
	c->num = n;
	c->unit = unit;
}

void set_human(struct dtable *t, size_t row, size_t col, const char *s, size_t len)
{
	struct cell *c = dtable_cell(t, row, col);
	c->hlen = cell_len(len);
	c->human = arena_memdup0(&t->mem->texts, s, len);
}

void set_series(struct dtable *t, size_t row, size_t col, const struct num *v, size_t n, enum unit unit)
{
	struct cell *c = dtable_cell(t, row, col);
	c->unit = unit;
	c->series = arena_calloc(&t->mem->arrays, n ? n : 1, sizeof *c->series);
	memcpy(c->series, v, n * sizeof *v);
	c->nseries = cell_len(n);
}
