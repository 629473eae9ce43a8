/* The workbook format (-f xlsx), written with libxlsxwriter: a real .xlsx from the same
 * document as the other formats.
 *
 * Sheets: when the sections have fields beyond their heading (a statement's total, a
 * team's owners), a first sheet holds them, one row per section; then one sheet per
 * table of the document (the tables of every section with the same key and columns go
 * to the same sheet, each row led by its section's heading fields: owner, period), and
 * sentences (feedback, recognition) as rows of topic, metric and text; last, a
 * Definitions sheet with the title, the date, the document's definitions and what every
 * column is. Sheet names are unique, at most 31 characters, without [ ] : * ? / \.
 *
 * Cells: numbers are numbers (converted from spm's exact decimals), with a number format
 * for their unit (money with --currency's code, fractions as percentages, whole counts);
 * a text cell that starts with = + - @ TAB or CR (after blanks) gets a leading ' as in
 * CSV (unless --raw), and text is only ever written as a string: the only formulas are
 * the totals below. Header rows are bold and frozen, every sheet has an autofilter over
 * its table, and column widths follow their contents.
 *
 * Totals: a row the document marks as a total (a statement's Total line) gets a SUM over
 * the lines it totals (those of its plan, else all of its table's lines) when it equals
 * their exact sum, else its own figure (a cap, a draw); a sheet without such rows whose
 * columns add up (payouts, owners in teams and tiers, counts of goals by status) ends
 * with a Total row of SUBTOTAL(9, ...) formulas (the visible rows when filtered). Each
 * formula is stored with its value, computed in exact decimals, so the two agree.
 *
 * libxlsxwriter writes to a file name: the workbook is made in a temporary file and
 * copied to the output, which is itself replaced atomically (or standard output, never a
 * terminal). The creation date is SOURCE_DATE_EPOCH, else the report's --as-of date,
 * else 1980-01-01: the same input gives the same bytes. */
#include "spm-report.h"

#include "diag.h"
#include "utf8.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define SHEET_NAME_MAX 31   /* characters, Excel's limit */
#define WIDTH_MIN 6
#define WIDTH_MAX 60

/* A column of a sheet: a field of the section (its heading) or a column of the table. */
struct xcol {
	const struct doc_column *col;
	bool field;  /* from the section's fields */
	size_t index; /* in the fields or in the table */
	size_t width;
	bool additive;
	bool summed; /* a total formula was written in it */
	bool mixed;  /* its figures have several number formats (units vary by metric) */
	char format[256]; /* number format of its first figure, for the Definitions sheet */
};

/* A table of some section, placed in a sheet. */
struct xpart {
	const struct section *s;
	const struct dtable *t; /* NULL: the section's fields (the summary sheet) */
};

struct xsheet {
	char *sig;  /* what makes tables share a sheet: the block key and column keys */
	char *name;
	const char *key; /* the block key, or NULL for the summary sheet */
	struct xcol *col;
	size_t ncol;
	struct xpart *part;
	size_t npart, cap;
	bool has_strong;
	lxw_worksheet *ws;
	lxw_row_t rows; /* data rows written */
	bool total_row;
};

struct xformat {
	char num[256];
	bool bold;
	lxw_format *f;
};

struct xlsx {
	const struct doc *doc;
	const struct render_options *ro;
	const char *where; /* the output's name in messages */
	lxw_workbook *wb;
	lxw_error err;
	char *err_what;
	struct xsheet *sheet;
	size_t nsheet, sheet_cap;
	struct xformat *fmt;
	size_t nfmt, fmt_cap;
	struct dtable **notes; /* sentences as tables, one per notes block */
	size_t nnotes, notes_cap;
	char *tmp_path;
};

static const struct doc_column note_columns[] = {
	{ "topic", "Topic", COL_TEXT, SHOW_DATA, false },
	{ NULL, "Metric", COL_TEXT, SHOW_DATA, true }, /* key: the stream column metric (set after dtable_init) */
	{ "text", "Text", COL_TEXT, SHOW_DATA, true },
};

/* Keeps the first libxlsxwriter error; the workbook is still closed (and freed). */
static void check(struct xlsx *x, lxw_error e, const char *what)
{
	if (e != LXW_NO_ERROR && x->err == LXW_NO_ERROR) {
		x->err = e;
		x->err_what = xstrdup(what);
	}
}

/* The same, naming the cell ("sheet 'Payout lines' I2"). */
static void check_cell(struct xlsx *x, lxw_error e, const struct xsheet *sh, lxw_row_t row, lxw_col_t col)
{
	if (e != LXW_NO_ERROR && x->err == LXW_NO_ERROR) {
		char cell[32];
		struct sbuf b = { 0 };
		lxw_rowcol_to_cell(cell, row, col);
		sb_printf(&b, "sheet '%s' cell %s", sh->name, cell);
		x->err = e;
		x->err_what = b.s;
	}
}

static void discard_tmp(void *arg)
{
	struct xlsx *x = arg;
	if (x->tmp_path)
		unlink(x->tmp_path);
}

/* ---- text ---- */

/* Text as a workbook can hold it: valid UTF-8 without NUL (U+FFFD instead), and with a
 * leading ' when a spreadsheet would take it for a formula (as CSV does). */
static char *cell_text(const char *s, size_t len, bool neutralise, size_t *width)
{
	struct sbuf b = { 0 };
	bool formula = formula_like(s, len); /* the rule of CSV */
	if (formula && neutralise)
		sb_add(&b, "'", 1);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (n == 0 || cp == 0) {
			sb_str(&b, "\xef\xbf\xbd");
			i += n ? n : 1;
		} else {
			sb_add(&b, s + i, n);
			i += n;
		}
	}
	sb_add(&b, "", 0);
	if (!b.s)
		b.s = xstrdup("");
	if (width)
		*width = utf8_width(b.s, b.len);
	return b.s;
}

/* ---- numbers ---- */

static double num_double(struct num n)
{
	char buf[NUMBER_BUFSIZE];
	number_fixed(n.v, DECIMAL_PLACES, buf);
	return strtod(buf, NULL); /* the nearest double; spm-report keeps the C locale */
}

/* The number format of a figure: money with its currency, fractions as percentages,
 * counts and plain numbers with the decimals they were written with. */
static void number_format(const struct cell *c, int places, const char *currency, char *out, size_t size)
{
	char zeros[16] = "";
	char body[64];
	if (places < 0)
		places = 0;
	switch (c->unit) {
	case U_PERCENT: {
		int p = places > 2 ? places - 2 : 0;
		if (p) {
			zeros[0] = '.';
			memset(zeros + 1, '0', (size_t)p);
			zeros[p + 1] = '\0';
		}
		snprintf(body, sizeof body, "0%s%%", zeros);
		break;
	}
	default:
		if (c->unit == U_MONEY && places < 2)
			places = 2; /* money always shows its cents */
		if (places > 9)
			places = 9;
		if (places) {
			zeros[0] = '.';
			memset(zeros + 1, '0', (size_t)places);
			zeros[places + 1] = '\0';
		}
		if (c->unit == U_MONEY && currency && *currency)
			snprintf(body, sizeof body, "[$%s] #,##0%s", currency, zeros);
		else if (c->unit == U_MULTIPLE)
			snprintf(body, sizeof body, "0%s\"\xc3\x97\"", zeros);
		else
			snprintf(body, sizeof body, "#,##0%s", zeros);
		break;
	}
	if (c->sign || c->points)
		snprintf(out, size, "+%s;-%s;%s", body, body, body);
	else
		snprintf(out, size, "%s", body);
}

static lxw_format *format_for(struct xlsx *x, const char *num, bool bold)
{
	for (size_t i = 0; i < x->nfmt; i++)
		if (x->fmt[i].bold == bold && strcmp(x->fmt[i].num, num) == 0)
			return x->fmt[i].f;
	xgrow((void **)&x->fmt, &x->fmt_cap, x->nfmt + 1, sizeof *x->fmt);
	struct xformat *f = &x->fmt[x->nfmt++];
	snprintf(f->num, sizeof f->num, "%s", num);
	f->bold = bold;
	f->f = workbook_add_format(x->wb);
	if (!f->f)
		diag_fatal(SPM_EXIT_USAGE, "out of memory");
	if (*num)
		format_set_num_format(f->f, num);
	if (bold)
		format_set_bold(f->f);
	return f->f;
}

/* ---- sheets ---- */

static bool column_additive(const char *block_key, const char *key)
{
	static const char *const always[] = { "total", "goals", "achieved", "ahead", "on_track", "behind", "missed" };
	if (strcmp(key, column_name(COL_PAYOUT)) == 0)
		return true;
	for (size_t i = 0; i < sizeof always / sizeof *always; i++)
		if (strcmp(key, always[i]) == 0)
			return true;
	/* owners add up over teams and over tiers, not over the metrics of a team */
	return strcmp(key, "owners") == 0 && !(block_key && strcmp(block_key, "totals") == 0);
}

static void sig_columns(struct sbuf *b, const struct dtable *t, size_t upto)
{
	for (size_t c = 0; c < upto; c++)
		if (column_shown(&t->col[c], F_XLSX)) {
			sb_str(b, "\t");
			sb_str(b, t->col[c].key);
		}
}

static struct xsheet *sheet_for(struct xlsx *x, const char *key, const struct section *s, const struct dtable *t)
{
	struct sbuf sig = { 0 };
	sb_str(&sig, key ? key : "");
	sig_columns(&sig, &s->fields, t ? s->ntitle : s->fields.ncol);
	if (t) {
		sb_str(&sig, "\t|");
		sig_columns(&sig, t, t->ncol);
	}
	for (size_t i = 0; i < x->nsheet; i++) {
		if (strcmp(x->sheet[i].sig, sig.s) == 0) {
			sb_free(&sig);
			return &x->sheet[i];
		}
	}
	xgrow((void **)&x->sheet, &x->sheet_cap, x->nsheet + 1, sizeof *x->sheet);
	struct xsheet *sh = &x->sheet[x->nsheet++];
	memset(sh, 0, sizeof *sh);
	sh->sig = sig.s;
	sh->key = key;
	size_t nf = t ? s->ntitle : s->fields.ncol;
	sh->col = xcalloc(nf + (t ? t->ncol : 0) + 1, sizeof *sh->col);
	for (size_t c = 0; c < nf; c++)
		if (column_shown(&s->fields.col[c], F_XLSX))
			sh->col[sh->ncol++] = (struct xcol){ .col = &s->fields.col[c], .field = true, .index = c };
	for (size_t c = 0; t && c < t->ncol; c++)
		if (column_shown(&t->col[c], F_XLSX))
			sh->col[sh->ncol++] = (struct xcol){ .col = &t->col[c], .field = false, .index = c };
	for (size_t c = 0; c < sh->ncol; c++) {
		size_t w;
		free(cell_text(sh->col[c].col->label, strlen(sh->col[c].col->label), false, &w));
		sh->col[c].width = w + 3; /* room for the filter button */
		sh->col[c].additive = sh->col[c].col->type == COL_NUMBER && column_additive(key, sh->col[c].col->key);
	}
	return sh;
}

static void sheet_part(struct xsheet *sh, const struct section *s, const struct dtable *t)
{
	xgrow((void **)&sh->part, &sh->cap, sh->npart + 1, sizeof *sh->part);
	sh->part[sh->npart++] = (struct xpart){ s, t };
	for (size_t r = 0; t && r < t->nrow; r++)
		for (size_t c = 0; c < t->ncol; c++)
			sh->has_strong |= t->cell[r * t->ncol + c].strong;
}

/* A sheet's name from a table's title or key, made valid and unique. */
static char *sheet_name(const struct xlsx *x, const char *want)
{
	struct sbuf base = { 0 };
	size_t chars = 0;
	for (size_t i = 0; want[i] && chars < SHEET_NAME_MAX;) {
		uint32_t cp;
		size_t n = utf8_decode(want + i, strlen(want + i), &cp);
		if (n == 0 || cp < 0x20 || strchr("[]:*?/\\", want[i]) || (chars == 0 && cp == '\''))
			sb_add(&base, n == 0 || cp < 0x20 ? "_" : " ", 1);
		else
			sb_add(&base, want + i, n);
		chars++;
		i += n ? n : 1;
	}
	while (base.len && (base.s[base.len - 1] == '\'' || base.s[base.len - 1] == ' '))
		base.s[--base.len] = '\0';
	if (base.len == 0 || strcasecmp(base.s, "History") == 0) {
		base.len = 0;
		sb_str(&base, "Sheet");
	}
	struct sbuf name = { 0 };
	sb_str(&name, base.s);
	for (unsigned k = 2;; k++) {
		bool taken = false;
		for (size_t i = 0; i < x->nsheet && !taken; i++)
			taken = x->sheet[i].name && strcasecmp(x->sheet[i].name, name.s) == 0;
		if (!taken && strcasecmp(name.s, "Definitions") != 0)
			break;
		char suffix[16];
		int sl = snprintf(suffix, sizeof suffix, " %u", k);
		/* cut the base so that base + suffix stays within 31 characters */
		size_t keep = 0, kept = 0;
		for (size_t i = 0; i < base.len && kept + (size_t)sl < SHEET_NAME_MAX; kept++) {
			uint32_t cp;
			size_t n = utf8_decode(base.s + i, base.len - i, &cp);
			i += n ? n : 1;
			keep = i;
		}
		name.len = 0;
		sb_add(&name, base.s, keep);
		sb_str(&name, suffix);
	}
	sb_free(&base);
	return name.s;
}

static const char *table_name(const struct doc *d, const struct block *b)
{
	static const struct {
		const char *key, *name;
	} names[] = {
		{ "rows", "Leaderboard" }, { "goals", "Goals" },	   { "lines", "Payout lines" },
		{ "metrics", "Metrics" },  { "recognition", "Recognition" }, { "feedback", "Feedback" },
		{ "early_rows", "Not scored yet" },
	};
	(void)d;
	if (b->title && *b->title)
		return b->title;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(b->key, names[i].key) == 0)
			return names[i].name;
	return b->key;
}

static const char *summary_name(enum kind k)
{
	static const char *const names[K_COUNT] = { "Periods", "Owners", "Scorecards", "Teams",
						    "Statements", "Owners", "Owners" };
	return k < K_COUNT ? names[k] : "Summary";
}

/* ---- cells ---- */

static const struct cell *part_cell(const struct xpart *p, const struct xcol *c, size_t row)
{
	if (c->field || !p->t)
		return &p->s->fields.cell[c->index];
	return &p->t->cell[row * p->t->ncol + c->index];
}

static void write_number(struct xlsx *x, struct xsheet *sh, struct xcol *xc, lxw_row_t row, lxw_col_t col,
			 const struct cell *c, bool bold, const char *formula, struct num value)
{
	char fmt[256];
	number_format(c, value.places, x->ro->currency, fmt, sizeof fmt);
	if (!xc->format[0])
		snprintf(xc->format, sizeof xc->format, "%s", fmt);
	else if (strcmp(xc->format, fmt) != 0 && !formula)
		xc->mixed = true;
	xc->summed |= formula != NULL;
	lxw_format *f = format_for(x, fmt, bold);
	double v = num_double(value);
	if (formula)
		check_cell(x, worksheet_write_formula_num(sh->ws, row, col, formula, f, v), sh, row, col);
	else
		check_cell(x, worksheet_write_number(sh->ws, row, col, v, f), sh, row, col);
	char text[NUMBER_BUFSIZE];
	size_t w = num_text(value, text, sizeof text) + (size_t)value.places / 3 + 4;
	w += (size_t)(decimal_sign(value.v) < 0) + (x->ro->currency ? strlen(x->ro->currency) + 1 : 0);
	if (w > xc->width)
		xc->width = w;
}

static void write_text(struct xlsx *x, struct xsheet *sh, struct xcol *xc, lxw_row_t row, lxw_col_t col,
		       const char *s, size_t len, bool bold)
{
	size_t w;
	char *t = cell_text(s, len, !x->ro->raw, &w);
	check_cell(x, worksheet_write_string(sh->ws, row, col, t, bold ? format_for(x, "", true) : NULL), sh, row, col);
	free(t);
	if (w + 2 > xc->width)
		xc->width = w + 2;
}

/* The lines a total row sums: the other rows of its table with the same first column
 * (the plan) when it has one, else all of them; false when none or one has no value, or
 * when their exact sum is not the total's figure (a cap, a draw). */
static bool total_rows(const struct dtable *t, size_t row, size_t col, size_t *rows, size_t *n)
{
	const struct cell *tot = &t->cell[row * t->ncol + col];
	const struct cell *key = &t->cell[row * t->ncol];
	bool by_key = t->col[0].type == COL_TEXT && key->len > 0;
	decimal sum = decimal_zero();
	*n = 0;
	for (size_t r = 0; r < t->nrow; r++) {
		const struct cell *c = &t->cell[r * t->ncol + col];
		const struct cell *k = &t->cell[r * t->ncol];
		if (r == row || c->strong || t->cell[r * t->ncol].strong)
			continue;
		if (by_key && (k->len != key->len || memcmp(k->text, key->text, k->len) != 0))
			continue;
		if (!c->num.has || !decimal_add(sum, c->num.v, &sum))
			return false;
		rows[(*n)++] = r;
	}
	return *n > 0 && tot->num.has && decimal_cmp(sum, tot->num.v) == 0;
}

static char *sum_formula(const size_t *rows, size_t n, lxw_row_t first, lxw_col_t col)
{
	struct sbuf b = { 0 };
	char cell[32];
	sb_str(&b, "SUM(");
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && rows[j + 1] == rows[j] + 1)
			j++;
		if (i)
			sb_str(&b, ",");
		lxw_rowcol_to_cell(cell, first + (lxw_row_t)rows[i], col);
		sb_str(&b, cell);
		if (j > i) {
			lxw_rowcol_to_cell(cell, first + (lxw_row_t)rows[j], col);
			sb_str(&b, ":");
			sb_str(&b, cell);
		}
		i = j + 1;
	}
	sb_str(&b, ")");
	return b.s;
}

static void write_part_row(struct xlsx *x, struct xsheet *sh, const struct xpart *p, size_t r, lxw_row_t row,
			   lxw_row_t first, size_t *scratch)
{
	for (size_t k = 0; k < sh->ncol; k++) {
		struct xcol *xc = &sh->col[k];
		const struct cell *c = part_cell(p, xc, r);
		bool bold = !xc->field && p->t && p->t->cell[r * p->t->ncol].strong;
		bool number = xc->col->type == COL_NUMBER || xc->col->type == COL_BAR;
		if (number && c->num.has) {
			char *formula = NULL;
			size_t n;
			if (!xc->field && c->strong && total_rows(p->t, r, xc->index, scratch, &n))
				formula = sum_formula(scratch, n, first, (lxw_col_t)k);
			write_number(x, sh, xc, row, (lxw_col_t)k, c, bold, formula, c->num);
			free(formula);
		} else if ((c->text && c->len) || c->human) {
			size_t len;
			const char *w = cell_words(c, &len);
			write_text(x, sh, xc, row, (lxw_col_t)k, w, len, bold);
		} else if (bold) {
			check_cell(x, worksheet_write_blank(sh->ws, row, (lxw_col_t)k, format_for(x, "", true)), sh, row,
				   (lxw_col_t)k);
		}
	}
}

/* The Total row of a sheet whose columns add up: SUBTOTAL(9, ...) of each additive
 * column, with its exact sum as the value. */
static void write_total_row(struct xlsx *x, struct xsheet *sh)
{
	bool any = false;
	for (size_t k = 0; k < sh->ncol; k++)
		any |= sh->col[k].additive;
	if (!any || sh->has_strong || sh->rows == 0)
		return;
	lxw_row_t row = sh->rows + 1;
	sh->total_row = true;
	for (size_t k = 0; k < sh->ncol; k++) {
		struct xcol *xc = &sh->col[k];
		if (!xc->additive)
			continue;
		decimal sum = decimal_zero();
		int places = 0;
		bool exact = true, seen = false;
		const struct cell *like = NULL;
		for (size_t i = 0; i < sh->npart; i++) {
			const struct xpart *p = &sh->part[i];
			size_t nrow = p->t ? p->t->nrow : 1;
			for (size_t r = 0; r < nrow; r++) {
				const struct cell *c = part_cell(p, xc, r);
				if (!c->num.has)
					continue;
				exact &= decimal_add(sum, c->num.v, &sum);
				places = c->num.places > places ? c->num.places : places;
				like = like ? like : c;
				seen = true;
			}
		}
		if (!seen || !exact)
			continue;
		char range[64], formula[96];
		lxw_rowcol_to_range(range, 1, (lxw_col_t)k, sh->rows, (lxw_col_t)k);
		snprintf(formula, sizeof formula, "SUBTOTAL(9,%s)", range);
		struct cell c = *like;
		c.sign = c.points = false;
		write_number(x, sh, xc, row, (lxw_col_t)k, &c, true, formula, num_of(sum, places));
	}
	size_t label = 0;
	while (label < sh->ncol && sh->col[label].additive)
		label++;
	if (label < sh->ncol)
		write_text(x, sh, &sh->col[label], row, (lxw_col_t)label, "Total", 5, true);
}

static void write_sheet(struct xlsx *x, struct xsheet *sh, lxw_format *header)
{
	sh->ws = workbook_add_worksheet(x->wb, sh->name);
	if (!sh->ws) {
		check(x, LXW_ERROR_MEMORY_MALLOC_FAILED, "a sheet");
		return;
	}
	for (size_t k = 0; k < sh->ncol; k++) {
		const char *label = *sh->col[k].col->label ? sh->col[k].col->label : sh->col[k].col->key;
		check(x, worksheet_write_string(sh->ws, 0, (lxw_col_t)k, label, header), "a heading");
	}
	size_t most = 1;
	for (size_t i = 0; i < sh->npart; i++)
		if (sh->part[i].t && sh->part[i].t->nrow > most)
			most = sh->part[i].t->nrow;
	size_t *scratch = xcalloc(most, sizeof *scratch);
	lxw_row_t row = 1;
	for (size_t i = 0; i < sh->npart; i++) {
		const struct xpart *p = &sh->part[i];
		size_t nrow = p->t ? p->t->nrow : 1;
		for (size_t r = 0; r < nrow; r++, row++)
			write_part_row(x, sh, p, r, row, row - (lxw_row_t)r, scratch);
	}
	free(scratch);
	sh->rows = row - 1;
	write_total_row(x, sh);
	worksheet_freeze_panes(sh->ws, 1, 0);
	if (sh->ncol)
		check(x, worksheet_autofilter(sh->ws, 0, 0, sh->rows, (lxw_col_t)(sh->ncol - 1)), "the filter");
	for (size_t k = 0; k < sh->ncol; k++) {
		size_t w = sh->col[k].width < WIDTH_MIN ? WIDTH_MIN : sh->col[k].width > WIDTH_MAX ? WIDTH_MAX
												   : sh->col[k].width;
		check(x, worksheet_set_column(sh->ws, (lxw_col_t)k, (lxw_col_t)k, (double)w, NULL), "a width");
	}
}

static void write_definitions(struct xlsx *x, lxw_format *header)
{
	lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Definitions");
	if (!ws) {
		check(x, LXW_ERROR_MEMORY_MALLOC_FAILED, "a sheet");
		return;
	}
	lxw_row_t row = 0;
	const struct doc *d = x->doc;
	char *t;
#define PAIR(a, b, blen)                                                                     \
	do {                                                                                 \
		check(x, worksheet_write_string(ws, row, 0, a, header), "a definition");   \
		t = cell_text(b, blen, !x->ro->raw, NULL);                                   \
		check(x, worksheet_write_string(ws, row, 1, t, NULL), "a definition");     \
		free(t);                                                                     \
		row++;                                                                       \
	} while (0)
	PAIR("Title", d->title, strlen(d->title));
	if (d->as_of[0])
		PAIR("As of", d->as_of, strlen(d->as_of));
	for (size_t i = 0; i < d->nfooter; i++)
		PAIR(i ? "" : "Definitions", d->footer[i], strlen(d->footer[i]));
	static const char *const totals =
		"Total rows are formulas stored with their values, computed exactly: a statement's Total sums "
		"its plan's lines (or all of them) when it equals their sum, else it is the figure spm-score "
		"wrote (a cap, a draw); a sheet whose columns add up (payouts, owners of teams and tiers, goals "
		"by status) ends with SUBTOTAL(9, ...) of them, the rows shown when filtered.";
	PAIR("Totals", totals, strlen(totals));
	static const char *const text_rule =
		"Text that starts with = + - @ (after blanks), a TAB or a CR starts with ' so that a spreadsheet "
		"never takes it for a formula (not with --raw).";
	if (!x->ro->raw)
		PAIR("Text", text_rule, strlen(text_rule));
#undef PAIR
	row++;
	static const char *const heads[] = { "Sheet", "Column", "Field", "Number format", "Total" };
	lxw_row_t first = row;
	for (lxw_col_t c = 0; c < 5; c++)
		check(x, worksheet_write_string(ws, row, c, heads[c], header), "a heading");
	row++;
	for (size_t i = 0; i < x->nsheet; i++) {
		const struct xsheet *sh = &x->sheet[i];
		for (size_t k = 0; k < sh->ncol; k++, row++) {
			const struct xcol *xc = &sh->col[k];
			check(x, worksheet_write_string(ws, row, 0, sh->name, NULL), "a definition");
			check(x, worksheet_write_string(ws, row, 1, xc->col->label, NULL), "a definition");
			check(x, worksheet_write_string(ws, row, 2, xc->col->key, NULL), "a definition");
			const char *f = xc->col->type == COL_TEXT ? "text"
					: xc->mixed			 ? "the metric's unit"
					: xc->format[0]		 ? xc->format
								 : "number";
			check(x, worksheet_write_string(ws, row, 3, f, NULL), "a definition");
			if (sh->total_row && xc->additive)
				check(x, worksheet_write_string(ws, row, 4, "SUBTOTAL in the last row", NULL),
				      "a definition");
			else if (xc->summed)
				check(x, worksheet_write_string(ws, row, 4, "SUM in Total rows", NULL), "a definition");
		}
	}
	check(x, worksheet_set_column(ws, 0, 0, 16, NULL), "a width");
	check(x, worksheet_set_column(ws, 1, 1, 40, NULL), "a width");
	check(x, worksheet_set_column(ws, 2, 3, 22, NULL), "a width");
	check(x, worksheet_set_column(ws, 4, 4, 18, NULL), "a width");
	(void)first;
}

/* ---- the creation date ---- */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static time_t creation_time(const struct doc *d)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	if (sde && *sde) {
		char *end;
		errno = 0;
		long long v = strtoll(sde, &end, 10);
		if (errno || *end || v < 0 || v > 253402300799LL) /* up to 9999-12-31 */
			diag_fatal(SPM_EXIT_USAGE, "SOURCE_DATE_EPOCH: not a number of seconds since 1970 (\"%s\")", sde);
		return v ? (time_t)v : 1; /* 0 would mean "now" to libxlsxwriter */
	}
	unsigned y, m, day;
	if (d->as_of[0] && sscanf(d->as_of, "%4u-%2u-%2u", &y, &m, &day) == 3 && y >= 1970)
		return (time_t)(days_from_civil(y, m, day) * 86400);
	return (time_t)315532800; /* 1980-01-01, the zip epoch */
}

/* ---- the workbook ---- */

static void plan_sheets(struct xlsx *x, const size_t *which, size_t n)
{
	const struct doc *d = x->doc;
	for (size_t i = 0; i < n; i++) {
		const struct section *s = &d->section[which[i]];
		size_t shown = 0;
		for (size_t c = s->ntitle; c < s->fields.ncol; c++)
			shown += column_shown(&s->fields.col[c], F_XLSX);
		if (shown)
			sheet_part(sheet_for(x, NULL, s, NULL), s, NULL);
	}
	for (size_t i = 0; i < n; i++) {
		const struct section *s = &d->section[which[i]];
		for (size_t k = 0; k < s->nblock; k++) {
			const struct block *b = &s->block[k];
			const struct dtable *t = &b->t;
			if (b->type == BLOCK_TEXT)
				continue;
			if (b->type == BLOCK_NOTES) {
				xgrow((void **)&x->notes, &x->notes_cap, x->nnotes + 1, sizeof *x->notes);
				struct dtable *nt = x->notes[x->nnotes++] = xcalloc(1, sizeof *nt);
				dtable_init(nt, d->mem, note_columns, 3);
				nt->col[1].key = column_name(COL_METRIC);
				for (size_t r = 0; r < b->nnote; r++) {
					size_t row = dtable_row(nt);
					set_str(nt, row, 0, topic_labels[b->note[r].topic]);
					if (b->note[r].metric != NONE && d->names)
						set_name(dtable_cell(nt, row, 1), d->names, b->note[r].metric);
					set_text(nt, row, 2, b->note[r].text, b->note[r].len);
				}
				t = nt;
			}
			struct xsheet *sh = sheet_for(x, b->key, s, t);
			if (!sh->name)
				sh->name = sheet_name(x, table_name(d, b));
			sheet_part(sh, s, t);
		}
	}
	for (size_t i = 0; i < x->nsheet; i++)
		if (!x->sheet[i].name)
			x->sheet[i].name = sheet_name(x, summary_name(d->kind));
}

static void copy_out(struct xlsx *x, struct output *o)
{
	FILE *in = fopen(x->tmp_path, "rb");
	if (!in)
		diag_fatal(SPM_EXIT_USAGE, "%s: cannot read the workbook back: %s", x->tmp_path, strerror(errno));
	char buf[1 << 15];
	size_t got;
	while ((got = fread(buf, 1, sizeof buf, in)) > 0)
		output_bytes(o, buf, got);
	bool bad = ferror(in);
	fclose(in);
	if (bad)
		diag_fatal(SPM_EXIT_USAGE, "%s: cannot read the workbook back", x->tmp_path);
}

void render_xlsx(struct output *o, const struct doc *d, const struct render_options *ro, const size_t *which,
		 size_t n)
{
	struct xlsx x;
	memset(&x, 0, sizeof x);
	x.doc = d;
	x.ro = ro;
	x.where = o->path ? o->path : "standard output";
	if (isatty(fileno(o->fp)))
		diag_fatal(SPM_EXIT_USAGE, "%s: is a terminal; a workbook is binary: write it with -o FILE.xlsx",
			   x.where);
	time_t created = creation_time(d);

	const char *dir = getenv("TMPDIR");
	struct sbuf tmp = { 0 };
	dir = dir && *dir ? dir : "/tmp";
	sb_printf(&tmp, "%s/spm-report-XXXXXX", dir);
	int fd = mkstemp(tmp.s);
	if (fd < 0) {
		int err = errno;
		sb_free(&tmp);
		diag_fatal(SPM_EXIT_USAGE, "%s: cannot create a temporary file for the workbook: %s", dir,
			   strerror(err));
	}
	close(fd);
	x.tmp_path = tmp.s;
	diag_on_fatal(discard_tmp, &x);

	x.wb = workbook_new(x.tmp_path);
	if (!x.wb)
		diag_fatal(SPM_EXIT_USAGE, "%s: cannot start a workbook", x.where);
	lxw_doc_properties props;
	memset(&props, 0, sizeof props);
	props.title = d->title;
	props.created = created;
	check(&x, workbook_set_properties(x.wb, &props), "the properties");

	lxw_format *header = workbook_add_format(x.wb);
	format_set_bold(header);
	format_set_bottom(header, LXW_BORDER_THIN);

	plan_sheets(&x, which, n);
	for (size_t i = 0; i < x.nsheet; i++)
		write_sheet(&x, &x.sheet[i], header);
	write_definitions(&x, header);

	lxw_error closed = workbook_close(x.wb); /* writes the file and frees the workbook */
	check(&x, closed, "the file");
	if (x.err != LXW_NO_ERROR) {
		const char *msg = lxw_strerror(x.err); /* "String exceeds ...": lowercase after the prefix */
		size_t len = strlen(msg);
		if (len && msg[len - 1] == '.')
			len--;
		diag_fatal(SPM_EXIT_USAGE, "%s: %s: %c%.*s", x.where, x.err_what, len ? tolower((unsigned char)msg[0]) : ' ',
			   (int)(len ? len - 1 : 0), len ? msg + 1 : "");
	}
	copy_out(&x, o);
	unlink(x.tmp_path);
	diag_forget(&x);

	for (size_t i = 0; i < x.nsheet; i++) {
		free(x.sheet[i].sig);
		free(x.sheet[i].name);
		free(x.sheet[i].col);
		free(x.sheet[i].part);
	}
	free(x.sheet);
	free(x.fmt);
	for (size_t i = 0; i < x.nnotes; i++) {
		dtable_free(x.notes[i]);
		free(x.notes[i]);
	}
	free(x.notes);
	free(x.err_what);
	free(x.tmp_path);
}
