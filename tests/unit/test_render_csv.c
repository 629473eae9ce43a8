/* Unit tests for spm-report's CSV rendering (src/spm-report/render_data.c): one header
 * over every section, so that tables that show different columns (a leaderboard's Reps
 * with a group column, its Regions without) keep each field under its own name. The
 * program's sources are compiled in here, since spm-report is not part of the core
 * library. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/spm-report/doc.c"
#include "../../src/spm-report/render.c"
#include "../../src/spm-report/render_data.c"
#include "../../src/spm-report/words.c"

/* ---- stubs: what these sources reach but the CSV renderer never calls here ---- */

void render_text(struct output *o, const struct doc *d, const struct render_options *ro, const size_t *which,
		 size_t n)
{
	(void)o, (void)d, (void)ro, (void)which, (void)n;
}
void render_markdown(struct output *o, const struct doc *d, const size_t *which, size_t n)
{
	(void)o, (void)d, (void)which, (void)n;
}
void render_html(struct output *o, const struct doc *d, const size_t *which, size_t n)
{
	(void)o, (void)d, (void)which, (void)n;
}
size_t num_text(struct num n, char *buf, size_t size)
{
	(void)n;
	if (size)
		buf[0] = '\0';
	return 0;
}
void render_xlsx(struct output *o, const struct doc *d, const struct render_options *ro, const size_t *which,
		 size_t n)
{
	(void)o, (void)d, (void)ro, (void)which, (void)n;
}

/* ---- helpers ---- */

/* Renders d's sections as CSV into a temporary file and returns its text (freed by the
 * caller). */
static char *csv_of(const struct doc *d)
{
	char path[] = "/tmp/test_render_csv_XXXXXX.csv";
	int fd = mkstemps(path, 4);
	assert_true(fd >= 0);
	close(fd);
	size_t *which = calloc(d->nsection + 1, sizeof *which);
	assert_non_null(which);
	for (size_t i = 0; i < d->nsection; i++)
		which[i] = i;
	struct output o;
	output_open(&o, path);
	struct render_options ro;
	memset(&ro, 0, sizeof ro);
	render_csv(&o, d, &ro, which, d->nsection);
	output_close(&o);
	free(which);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *text = calloc(4096, 1);
	assert_non_null(text);
	size_t n = fread(text, 1, 4095, f);
	text[n] = '\0';
	fclose(f);
	unlink(path);
	return text;
}

enum { C_RANK, C_OWNER, C_GROUP, C_SCORE, C_N };

/* A table of one row under columns whose group column is shown or not (text columns:
 * what is tested is where each field goes, not how numbers print). */
static void add_section(struct doc *d, const char *rank, const char *owner, const char *group, const char *score)
{
	static struct doc_column cols[C_N] = { /* static: padding zeroed, as the kinds' tables (doc.c compares bytes) */
		[C_RANK] = { "rank", "Rank", COL_TEXT, SHOW_ALL, false },
		[C_OWNER] = { "owner", "Owner", COL_TEXT, SHOW_ALL, false },
		[C_GROUP] = { "region", "Region", COL_TEXT, SHOW_ALL, false },
		[C_SCORE] = { "score", "Score", COL_TEXT, SHOW_ALL, false },
	};
	cols[C_GROUP].show = group ? SHOW_ALL : 0;
	static const struct doc_column fields[] = { { "period", "Period", COL_TEXT, SHOW_ALL, false } };
	struct section *s = doc_section(d, NONE, fields, 1, 1);
	set_str(&s->fields, 0, 0, "2017-Q3");
	struct block *b = section_table(s, "rows", NULL, cols, C_N);
	size_t row = dtable_row(&b->t);
	set_str(&b->t, row, C_RANK, rank);
	set_str(&b->t, row, C_OWNER, owner);
	if (group)
		set_str(&b->t, row, C_GROUP, group);
	set_str(&b->t, row, C_SCORE, score);
}

/* ---- tests ---- */

/* A later table without the group column: its row has an empty region, and its score
 * stays under score (before, it moved one column left, under region). */
static void test_one_header_for_tables_of_other_columns(void **unused)
{
	(void)unused;
	struct doc d;
	doc_init(&d, K_LEADERBOARD, "t");
	add_section(&d, "1", "Darcel Schlecht", "Central", "1.6285");
	add_section(&d, "1", "Central", NULL, "1.0600");
	char *text = csv_of(&d);
	assert_string_equal(text, "period,rank,owner,region,score\r\n"
				  "2017-Q3,1,Darcel Schlecht,Central,1.6285\r\n"
				  "2017-Q3,1,Central,,1.0600\r\n");
	free(text);
	doc_free(&d);
}

/* A column only a later table shows joins the header at the end; earlier rows leave it
 * empty. Tables of the same columns give the header they always had. */
static void test_header_is_the_union_in_order(void **unused)
{
	(void)unused;
	struct doc d;
	doc_init(&d, K_LEADERBOARD, "t");
	add_section(&d, "1", "Central", NULL, "1.0600");
	add_section(&d, "2", "Anna Snelling", "Central", "0.8453");
	char *text = csv_of(&d);
	assert_string_equal(text, "period,rank,owner,score,region\r\n"
				  "2017-Q3,1,Central,1.0600,\r\n"
				  "2017-Q3,2,Anna Snelling,0.8453,Central\r\n");
	free(text);
	doc_free(&d);

	doc_init(&d, K_LEADERBOARD, "t");
	add_section(&d, "1", "A", "North", "1");
	add_section(&d, "2", "B", "South", "0.5");
	text = csv_of(&d);
	assert_string_equal(text, "period,rank,owner,region,score\r\n2017-Q3,1,A,North,1\r\n2017-Q3,2,B,South,0.5\r\n");
	free(text);
	doc_free(&d);
}

/* A table of more rows (owners too early to rank) follows the section's first table in
 * CSV, its columns joining the header; a table for data only (no column shown to people)
 * is not shown in text, and an aside table (totals) stays out of CSV. */
static void test_more_rows_and_data_only_tables(void **unused)
{
	(void)unused;
	static struct doc_column more[2] = { /* static: padding zeroed */
		{ "owner", "Owner", COL_TEXT, SHOW_DATA, false },
		{ "basis", "Basis", COL_TEXT, SHOW_DATA, false },
	};
	struct doc d;
	doc_init(&d, K_LEADERBOARD, "t");
	add_section(&d, "1", "A", NULL, "1");
	struct section *s = &d.section[0];
	struct block *b = section_table(s, "early_rows", NULL, more, 2);
	b->more_rows = true;
	set_str(&b->t, dtable_row(&b->t), 0, "C");
	set_str(&b->t, 0, 1, "early");
	struct block *aside = section_table(s, "totals", NULL, more, 2);
	aside->aside = true;
	set_str(&aside->t, dtable_row(&aside->t), 0, "all");
	char *text = csv_of(&d);
	assert_string_equal(text, "period,rank,owner,score,basis\r\n2017-Q3,1,A,1,\r\n2017-Q3,,C,,early\r\n");
	free(text);
	assert_true(block_shown(&s->block[0], F_TEXT));
	assert_false(block_shown(b, F_TEXT));
	assert_false(block_shown(b, F_HTML));
	assert_true(block_shown(b, F_JSON));
	assert_true(block_shown(b, F_CSV));
	struct block *none = section_notes(s, "notes", "Notes");
	assert_false(block_shown(none, F_TEXT));
	doc_free(&d);
}

int main(void)
{
	diag_set_program("test_render_csv");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_header_for_tables_of_other_columns),
		cmocka_unit_test(test_header_is_the_union_in_order),
		cmocka_unit_test(test_more_rows_and_data_only_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
