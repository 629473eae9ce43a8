/* Rosters: reps and their team, manager and region, for roll-ups and team goals. */
#include "roster.h"

#include "diag.h"
#include "input.h"
#include "stream.h"
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A level is named as the roster column that holds it. */
const char *const level_names[LEVEL_COUNT] = {
	COLUMN_KEY(COL_REP), COLUMN_KEY(COL_TEAM), COLUMN_KEY(COL_MANAGER), COLUMN_KEY(COL_REGION),
};

/* The roster column that names the owners of each level. */
static const enum column level_column[LEVEL_COUNT] = { COL_REP, COL_TEAM, COL_MANAGER, COL_REGION };

bool parse_level(const char *s, enum level *out)
{
	for (int l = 0; l < LEVEL_COUNT; l++) {
		if (strcmp(s, level_names[l]) == 0) {
			*out = (enum level)l;
			return true;
		}
	}
	return false;
}

/* A group's members: a slice of roster.member. */
struct roster_group {
	size_t first, count;
};

struct roster_reader {
	struct roster *roster;
	long col[LEVEL_COUNT]; /* rep, team, manager, region; -1 if absent */
	long col_start, col_end; /* -1 if absent */
	bool allow_dated;        /* roster_load_dated: several rows per rep */
	struct file_problem problem;
};

static int roster_row(void *ctx, const struct row *row)
{
	struct roster_reader *rr = ctx;
	struct roster *r = rr->roster;
	if (row->count != r->ncolumns)
		return file_problem_at(&rr->problem, row, NULL, NULL,
				       row->count < r->ncolumns ? "too few fields" : "too many fields");
	const char *rep = row->field[rr->col[LEVEL_REP]];
	size_t rep_len = row->len[rr->col[LEVEL_REP]];
	if (rep_len == 0)
		return file_problem_at(&rr->problem, row, column_name(COL_REP), NULL, "empty rep");
	for (size_t k = 0; k < row->count; k++)
		if (memchr(row->field[k], '\0', row->len[k]))
			return file_problem_at(&rr->problem, row, r->column[k], NULL, "holds a NUL byte");
	bool created;
	size_t *index = table_upsert(r->reps, rep, rep_len, &created);
	if (!created && !rr->allow_dated)
		return file_problem_at(&rr->problem, row, column_name(COL_REP), rep,
				       "appears twice in the roster (only spm-track reads effective-dated rosters)");
	xgrow((void **)&r->rep, &r->cap, r->nreps + 1, sizeof *r->rep);
	struct roster_rep *e = &r->rep[r->nreps];
	memset(e, 0, sizeof *e);
	e->line = row->line;
	e->from = INT32_MIN;
	e->to = INT32_MAX;
	if (rr->allow_dated) {
		long dcol[2] = { rr->col_start, rr->col_end };
		spm_day *day[2] = { &e->from, &e->to };
		for (int k = 0; k < 2; k++) {
			if (dcol[k] < 0 || row->len[dcol[k]] == 0)
				continue;
			if (!date_parse_iso(row->field[dcol[k]], row->len[dcol[k]], day[k]))
				return file_problem_at(&rr->problem, row, r->column[dcol[k]], row->field[dcol[k]],
						       date_problem(row->field[dcol[k]], row->len[dcol[k]], "not a date (YYYY-MM-DD)"));
		}
		if (e->from > e->to)
			return file_problem_at(&rr->problem, row, r->column[rr->col_end], row->field[rr->col_end],
					       "ends before it starts");
		if (!created) { /* the rep's rows: linked in file order, sorted once all are read */
			struct roster_rep *last = &r->rep[*index - 1];
			while (last->next)
				last = &r->rep[last->next - 1];
			last->next = r->nreps + 1;
			r->dated = true;
		}
	}
	e->field = xcalloc(row->count + 1, sizeof *e->field);
	for (size_t k = 0; k < row->count; k++)
		e->field[k] = xmemdup0(row->field[k], row->len[k]);
	for (int l = 0; l < LEVEL_COUNT; l++) {
		if (rr->col[l] < 0)
			continue;
		e->name[l] = e->field[rr->col[l]];
		e->len[l] = row->len[rr->col[l]];
		if (e->len[l]) {
			struct roster_group *g = table_upsert(r->names[l], e->name[l], e->len[l], NULL);
			g->count++;
		}
	}
	if (created)
		*index = r->nreps + 1; /* 1-based: 0 never names a rep */
	r->nreps++;
	return 0;
}

/* --roster-map: the roster's columns under other names (NULL: none). */
static const char *roster_map;

void roster_set_map(const char *path)
{
	roster_map = path;
}

const char *roster_map_file(void)
{
	return roster_map;
}

struct roster_mapping {
	struct roster *roster;
	bool *renamed; /* each column of the roster: already given its canonical name */
	struct file_problem problem;
};

/* One line 'canonical<TAB>source' of a roster map: the roster's column source is read as
 * canonical (rep, team, manager, region, or any other roster column name). */
static int roster_map_row(void *ctx, const struct row *row)
{
	struct roster_mapping *m = ctx;
	struct roster *r = m->roster;
	if (row->len[0] && row->field[0][0] == '#')
		return 0;
	if (row->count != 2)
		return file_problem_at(&m->problem, row, NULL, row->field[0],
				       "expected 'canonical<TAB>source column'");
	if (!row->len[0] || !row->len[1] || memchr(row->field[0], '\0', row->len[0]) ||
	    memchr(row->field[1], '\0', row->len[1]))
		return file_problem_at(&m->problem, row, NULL, NULL, "an empty column name");
	long k = -1;
	for (size_t i = 0; i < r->ncolumns && k < 0; i++)
		if (strcmp(r->column[i], row->field[1]) == 0 && !m->renamed[i])
			k = (long)i;
	if (k < 0)
		return file_problem_at(&m->problem, row, "source", row->field[1],
				       "the roster has no column of that name (or it is mapped twice)");
	free(r->column[k]);
	r->column[k] = xmemdup0(row->field[0], row->len[0]);
	m->renamed[k] = true;
	return 0;
}

/* Renames the roster's columns by the roster map (a TSV file 'canonical<TAB>source', as
 * spm-track --map). A source column the roster lacks exits 1 naming the map's line; a
 * canonical name left twice in the header is reported by stream_bind ("appears twice"). */
static void apply_roster_map(struct roster *r)
{
	struct source *src = source_open(roster_map, FORMAT_TSV);
	const struct header *h = source_header(src);
	if (h->count != 2 || strcmp(h->name[0], "canonical") || strcmp(h->name[1], "source")) {
		diag_at(roster_map, 1, NULL, NULL, 0, "a roster map starts with the header 'canonical<TAB>source'");
		diag_exit(SPM_EXIT_DATA);
	}
	struct roster_mapping m = { .roster = r };
	m.renamed = xcalloc(r->ncolumns + 1, sizeof *m.renamed);
	read_side_file(src, roster_map, roster_map_row, &m, &m.problem);
	free(m.renamed);
}

/* A --level the roster has no column for: the message lists the columns it has (as
 * mapped) and says how to name one, so that an HR export's 'regional_office' is found. */
static noreturn void missing_level_column(const struct roster *r, const char *path, const char *column)
{
	struct sbuf msg = { 0 };
	sb_printf(&msg, "the roster has no column '%s' for --level (found:", column);
	sb_names(&msg, r->column, r->ncolumns); /* escaped once, by diag_at */
	sb_str(&msg, "; ");
	size_t levels = 0, n = 0; /* the levels it has: --level can name one of those instead */
	for (int l = LEVEL_TEAM; l < LEVEL_COUNT; l++)
		levels += r->has_level[l];
	for (int l = LEVEL_TEAM; l < LEVEL_COUNT; l++)
		if (r->has_level[l])
			sb_printf(&msg, "%s%s", n++ == 0 ? "--level " : n == levels ? " or " : ", ", level_names[l]);
	sb_printf(&msg, "%s--roster-map names one: '%s<TAB>COLUMN')", levels ? ", or " : "", column);
	diag_at(path, 1, NULL, NULL, 0, sb_text(&msg));
	sb_free(&msg);
	diag_exit(SPM_EXIT_DATA);
}

/* Lays the members of every group out in one array, group after group, in roster order,
 * so that a group's reps are found without walking the roster. */
static void index_members(struct roster *r)
{
	size_t total = 0;
	for (int l = 0; l < LEVEL_COUNT; l++) {
		for (size_t i = 0; i < table_count(r->names[l]); i++) {
			struct roster_group *g = table_value(r->names[l], i);
			g->first = total;
			total += g->count;
			g->count = 0; /* filled again below */
		}
	}
	r->member = xcalloc(total + 1, sizeof *r->member);
	for (size_t i = 0; i < r->nreps; i++) {
		const struct roster_rep *e = &r->rep[i];
		for (int l = 0; l < LEVEL_COUNT; l++) {
			if (!e->len[l])
				continue;
			struct roster_group *g = table_find(r->names[l], e->name[l], e->len[l]);
			r->member[g->first + g->count++] = i;
		}
	}
}

static int compare_rows_by_start(const void *pa, const void *pb)
{
	const struct roster_rep *a = *(const struct roster_rep *const *)pa, *b = *(const struct roster_rep *const *)pb;
	if (a->from != b->from)
		return a->from < b->from ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

/* Sorts each rep's rows by their start and checks that no two are in force on one day. */
static void check_dated(struct roster *r)
{
	struct roster_rep **rows = NULL;
	size_t cap = 0;
	for (size_t i = 0; i < table_count(r->reps); i++) {
		size_t *first = table_value(r->reps, i);
		size_t n = 0;
		for (size_t k = *first; k; k = r->rep[k - 1].next) {
			xgrow((void **)&rows, &cap, n + 1, sizeof *rows);
			rows[n++] = &r->rep[k - 1];
		}
		if (n < 2)
			continue;
		qsort(rows, n, sizeof *rows, compare_rows_by_start);
		for (size_t k = 1; k < n; k++) {
			if (rows[k]->from > rows[k - 1]->to)
				continue;
			const struct roster_rep *a = rows[k - 1], *b = rows[k];
			if (a->line > b->line) {
				const struct roster_rep *t = a;
				a = b;
				b = t;
			}
			diag_atf(r->path, b->line, column_name(COL_REP), b->name[LEVEL_REP], b->len[LEVEL_REP],
				 "in force on a day of line %zu too: the rows of one rep need start and end dates that do not overlap",
				 a->line);
			free(rows);
			diag_exit(SPM_EXIT_DATA);
		}
		*first = (size_t)(rows[0] - r->rep) + 1;
		for (size_t k = 0; k < n; k++)
			rows[k]->next = k + 1 < n ? (size_t)(rows[k + 1] - r->rep) + 1 : 0;
	}
	free(rows);
}

static void load(struct roster *r, const char *path, enum level needed, bool dated)
{
	memset(r, 0, sizeof *r);
	r->path = path;
	r->reps = table_new(sizeof(size_t));
	for (int l = 0; l < LEVEL_COUNT; l++)
		r->names[l] = table_new(sizeof(struct roster_group));
	struct source *src = source_open(path, FORMAT_AUTO);
	const struct header *h = source_header(src);
	r->ncolumns = h->count;
	r->column = xcalloc(h->count + 1, sizeof *r->column);
	for (size_t k = 0; k < h->count; k++)
		r->column[k] = xstrdup(h->name[k]);
	struct roster_reader rr = { .roster = r, .allow_dated = dated };
	struct stream_binding cols;
	if (roster_map) {
		apply_roster_map(r);
		const struct header mapped = { .count = r->ncolumns, .name = r->column };
		stream_bind(STREAM_ROSTER, &mapped, path, NULL, 0, &cols);
	} else {
		stream_bind(STREAM_ROSTER, h, path, NULL, 0, &cols);
	}
	rr.col_start = stream_at(&cols, COL_START);
	rr.col_end = stream_at(&cols, COL_END);
	for (int l = 0; l < LEVEL_COUNT; l++) {
		rr.col[l] = stream_at(&cols, level_column[l]);
		r->has_level[l] = rr.col[l] >= 0;
	}
	if (needed != LEVEL_COUNT && !r->has_level[needed])
		missing_level_column(r, path, column_name(level_column[needed]));
	read_side_file(src, path, roster_row, &rr, &rr.problem);
	if (r->dated)
		check_dated(r);
	index_members(r);
}

void roster_load(struct roster *r, const char *path, enum level needed)
{
	load(r, path, needed, false);
}

void roster_load_dated(struct roster *r, const char *path, enum level needed)
{
	load(r, path, needed, true);
}

void roster_free(struct roster *r)
{
	for (size_t i = 0; i < r->nreps; i++) {
		for (size_t k = 0; k < r->ncolumns; k++)
			free(r->rep[i].field[k]);
		free(r->rep[i].field);
	}
	free(r->rep);
	free(r->member);
	for (size_t k = 0; k < r->ncolumns; k++)
		free(r->column[k]);
	free(r->column);
	for (int l = 0; l < LEVEL_COUNT; l++)
		table_free(r->names[l]);
	table_free(r->reps);
	memset(r, 0, sizeof *r);
}

const struct roster_rep *roster_find_rep(const struct roster *r, const char *rep, size_t len)
{
	const size_t *index = table_find(r->reps, rep, len);
	if (!index)
		return NULL;
	const struct roster_rep *e = &r->rep[*index - 1];
	while (e->next) /* an effective-dated roster: the latest row */
		e = &r->rep[e->next - 1];
	return e;
}

const struct roster_rep *roster_find_rep_on(const struct roster *r, const char *rep, size_t len, spm_day day,
					    const struct roster_rep **before, const struct roster_rep **after)
{
	const size_t *index = table_find(r->reps, rep, len);
	*before = *after = NULL;
	if (!index)
		return NULL;
	const struct roster_rep *e = &r->rep[*index - 1];
	if (day < e->from) /* before every row: the first */
		return e;
	for (;;) {
		if (day <= e->to || !e->next) /* in force, or after every row: the last */
			return e;
		const struct roster_rep *n = &r->rep[e->next - 1];
		if (day < n->from) {
			*before = e;
			*after = n;
			return NULL;
		}
		e = n;
	}
}

const size_t *roster_members(const struct roster *r, enum level level, const char *name, size_t len, size_t *n)
{
	const struct roster_group *g = r->has_level[level] ? table_find(r->names[level], name, len) : NULL;
	*n = g ? g->count : 0;
	return g ? r->member + g->first : NULL;
}

long roster_column(const struct roster *r, const char *name)
{
	long found = -1;
	for (size_t k = 0; k < r->ncolumns; k++) {
		if (strcmp(r->column[k], name) != 0)
			continue;
		if (found >= 0) /* which one? the same message as every other binding */
			stream_column_twice(r->path, name, NULL);
		found = (long)k;
	}
	return found;
}

long roster_employment(const struct roster *r, const struct roster_rep *rep, spm_day *first, spm_day *last)
{
	const long col[2] = { roster_column(r, column_name(COL_START)), roster_column(r, column_name(COL_END)) };
	spm_day *day[2] = { first, last };
	long bad = -1;
	*first = INT32_MIN;
	*last = INT32_MAX;
	for (int k = 0; k < 2; k++) {
		if (col[k] < 0 || !rep->field[col[k]][0])
			continue;
		const char *text = rep->field[col[k]];
		if (!date_parse_iso(text, strlen(text), day[k]) && bad < 0)
			bad = col[k];
	}
	return bad;
}

bool roster_rep_in(const struct roster_rep *e, enum level level, const char *name, size_t len)
{
	return e->len[level] == len && memcmp(e->name[level], name, len) == 0;
}

/* Whether name has the same reps at level a and at level b (both in roster order). */
static bool same_reps(const struct roster *r, enum level a, enum level b, const char *name, size_t len)
{
	size_t na, nb;
	const size_t *ma = roster_members(r, a, name, len, &na);
	const size_t *mb = roster_members(r, b, name, len, &nb);
	return na == nb && (na == 0 || memcmp(ma, mb, na * sizeof *ma) == 0);
}

enum name_lookup roster_level_of(const struct roster *r, const char *name, size_t len,
				 const bool allowed[LEVEL_COUNT], enum level *found, enum level *other)
{
	int first = -1;
	for (int l = 0; l < LEVEL_COUNT; l++) {
		if (!allowed[l] || !r->has_level[l] || !table_find(r->names[l], name, len))
			continue;
		if (first < 0) {
			first = l;
		} else if (!same_reps(r, (enum level)first, (enum level)l, name, len)) {
			*found = (enum level)first;
			*other = (enum level)l;
			return NAME_AMBIGUOUS;
		}
	}
	if (first < 0)
		return NAME_UNKNOWN;
	*found = (enum level)first;
	return NAME_FOUND;
}
