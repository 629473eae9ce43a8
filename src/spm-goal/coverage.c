/* spm-goal check --roster: the coverage of each goal category among the reps on the books
 * at the as-of date, for the goals of the period that holds it (IBM's case: an innovation
 * goal for 95 % of its people), and --require, which turns a share into a check. */
#include "check.h"

#include "diag.h"
#include "number.h"
#include "output.h"
#include "stream.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether a rep is on the roster's books on the as-of date: started (no start, or on or
 * before it) and not gone (no end, or on or after it). A bad date is an error; that rep
 * counts. */
static bool rep_on_board(struct check *ck, const struct roster_rep *e)
{
	const struct roster *r = &ck->roster;
	spm_day first, last;
	long bad = roster_employment(r, e, &first, &last);
	if (bad >= 0) {
		const char *text = e->field[bad];
		check_report(ck, 0, e->line, true, r->column[bad], date_problem(text, strlen(text), "not a date (YYYY-MM-DD)"), text,
			     strlen(text));
		return true;
	}
	return first <= ck->opt->as_of && ck->opt->as_of <= last;
}

static struct category_cover *cover_of(struct coverage *cv, const char *name, size_t nreps)
{
	bool created;
	size_t *index = table_upsert(cv->index, name, strlen(name), &created);
	if (created) {
		xgrow((void **)&cv->cat, &cv->cap, cv->n + 1, sizeof *cv->cat);
		cv->cat[cv->n] = (struct category_cover){ name, xcalloc(nreps + 1, sizeof(bool)), 0 };
		*index = ++cv->n;
	}
	return &cv->cat[*index - 1];
}

static int compare_covers(const void *pa, const void *pb)
{
	return strcmp(((const struct category_cover *)pa)->name, ((const struct category_cover *)pb)->name);
}

/* A team's goal is not an individual's: only reps' own goals count. */
void coverage_count(struct check *ck, struct coverage *cv)
{
	const struct roster *r = &ck->roster;
	memset(cv, 0, sizeof *cv);
	cv->index = table_new(sizeof(size_t));
	cv->on_board = xcalloc(r->nreps + 1, sizeof *cv->on_board);
	for (size_t i = 0; i < r->nreps; i++)
		if ((cv->on_board[i] = rep_on_board(ck, &r->rep[i])))
			cv->reps++;
	for (size_t f = 0; f < ck->nsheets; f++) {
		for (size_t i = 0; i < ck->sheet[f].n; i++) {
			const struct goal *g = &ck->sheet[f].goal[i];
			if (g->used || !g->category[0] || g->period.start > ck->opt->as_of ||
			    period_end(g->period) <= ck->opt->as_of)
				continue;
			struct category_cover *c = cover_of(cv, g->category, r->nreps);
			enum level level;
			if (check_owner_level(ck, g, &level) != NAME_FOUND || level != LEVEL_REP)
				continue;
			const struct roster_rep *e = roster_find_rep(r, g->owner, g->owner_len);
			if (e)
				c->has[e - r->rep] = true;
		}
	}
	for (size_t k = 0; k < ck->opt->nrequire; k++)
		cover_of(cv, ck->opt->require[k].category, r->nreps);
	for (size_t k = 0; k < cv->n; k++)
		for (size_t i = 0; i < r->nreps; i++)
			cv->cat[k].with += cv->cat[k].has[i] && cv->on_board[i];
	if (cv->n > 1)
		qsort(cv->cat, cv->n, sizeof *cv->cat, compare_covers);
}

/* with ÷ reps, a ratio; empty with no reps (as a ratio of nothing is). */
static void format_coverage(size_t with, size_t reps, char buf[NUMBER_BUFSIZE])
{
	decimal share;
	buf[0] = '\0';
	if (reps && decimal_div(decimal_from_int((int64_t)with), decimal_from_int((int64_t)reps), RATIO_PLACES,
				ROUND_HALF_AWAY, &share))
		number_ratio(share, buf);
}

void coverage_write(const struct coverage *cv, const char *path)
{
	static const enum column header[] = { COL_CATEGORY, COL_REPS, COL_WITH_GOAL, COL_COVERAGE };
	struct output out;
	output_open(&out, path);
	stream_write_header(&out, header, sizeof header / sizeof header[0]);
	for (size_t k = 0; k < cv->n; k++) {
		char share[NUMBER_BUFSIZE];
		format_coverage(cv->cat[k].with, cv->reps, share);
		output_field(&out, cv->cat[k].name, strlen(cv->cat[k].name));
		output_tab(&out);
		output_count(&out, cv->reps);
		output_tab(&out);
		output_count(&out, cv->cat[k].with);
		output_tab(&out);
		output_str(&out, share);
		output_newline(&out);
	}
	output_close(&out);
}

static const struct category_cover *find_cover(const struct coverage *cv, const char *name)
{
	for (size_t k = 0; k < cv->n; k++)
		if (strcmp(cv->cat[k].name, name) == 0)
			return &cv->cat[k];
	return NULL;
}

/* --require: fails below the share, naming every rep on board without such a goal, in
 * roster order, so the list is the to-do list. */
void coverage_check_requirements(struct check *ck, const struct coverage *cv)
{
	const struct roster *r = &ck->roster;
	for (size_t k = 0; k < ck->opt->nrequire; k++) {
		const struct requirement *q = &ck->opt->require[k];
		const struct category_cover *c = find_cover(cv, q->category);
		decimal needed;
		if (!decimal_mul(q->share, decimal_from_int((int64_t)cv->reps), DECIMAL_PLACES, ROUND_HALF_EVEN,
				 &needed) ||
		    decimal_cmp(decimal_from_int((int64_t)c->with), needed) >= 0)
			continue;
		char share[NUMBER_BUFSIZE], required[NUMBER_BUFSIZE];
		struct sbuf name = { 0 }; /* whole, escaped: printed here, not by diag */
		sb_escape(&name, q->category, strlen(q->category));
		format_coverage(c->with, cv->reps, share);
		number_exact(q->share, required);
		fprintf(stderr, "%s: error: %s goals cover %zu of %zu rep%s (%s), below the required %s; without one: ",
			diag_program(), sb_text(&name), c->with, cv->reps, cv->reps == 1 ? "" : "s", share, required);
		const char *sep = "";
		for (size_t i = 0; i < r->nreps; i++) {
			if (!cv->on_board[i] || c->has[i])
				continue;
			sb_reset(&name);
			sb_escape(&name, r->rep[i].name[LEVEL_REP], r->rep[i].len[LEVEL_REP]);
			fprintf(stderr, "%s%s", sep, sb_text(&name));
			sep = ", ";
		}
		sb_free(&name);
		fputc('\n', stderr);
		ck->errors++;
	}
}

void coverage_free(struct coverage *cv)
{
	for (size_t k = 0; k < cv->n; k++)
		free(cv->cat[k].has);
	free(cv->cat);
	free(cv->on_board);
	table_free(cv->index);
}

