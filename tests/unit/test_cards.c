/* Unit tests for spm-score's reading of the progress stream (src/spm-score/cards.c): which
 * owners the level column makes teams, managers or regions, so that spm-score --plan
 * --plan-name pays reps only even without a roster. spm-score is not part of the core
 * library, so the source is compiled in here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/spm-score/cards.c"

/* Writes text to a new temporary .tsv file, whose name goes to path. */
static void write_progress(char *path, const char *text)
{
	int fd = mkstemps(path, 4);
	assert_true(fd >= 0);
	size_t n = strlen(text);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
}

static long owner_index(const struct card_set *s, const char *name)
{
	for (size_t i = 0; i < s->nowners; i++)
		if (s->owner[i].len == strlen(name) && memcmp(s->owner[i].name, name, s->owner[i].len) == 0)
			return (long)i;
	return -1;
}

static void read_set(struct card_set *s, const char *text)
{
	char path[] = "/tmp/test_cards_XXXXXX.tsv";
	write_progress(path, text);
	char *files[] = { path };
	struct card_read_options ro = { 1, 1, NULL };
	cards_read(s, files, 1, &ro);
	unlink(path);
}

/* Reps stay unmarked; a region and a manager named by the level column are marked. */
static void test_group_owners_from_level(void **unused)
{
	(void)unused;
	struct card_set s;
	read_set(&s, "owner\tperiod\tmetric\tattainment\tlevel\n"
		     "Anna Snelling\t2017-Q3\twon_revenue\t0.7990\trep\n"
		     "Central\t2017-Q3\twon_revenue\t0.9000\tregion\n"
		     "Central\t2017-Q3\twon_deals\t1.1000\tregion\n"
		     "Melvin Marxen\t2017-Q3\twon_revenue\t1.2000\tmanager\n"
		     "Cecily Lampkin\t2017-Q3\twon_revenue\t0.5000\trep\n");
	bool *group = calloc(s.nowners + 1, sizeof *group);
	assert_non_null(group);
	cards_group_owners(&s, group);
	assert_false(group[owner_index(&s, "Anna Snelling")]);
	assert_false(group[owner_index(&s, "Cecily Lampkin")]);
	assert_true(group[owner_index(&s, "Central")]);
	assert_true(group[owner_index(&s, "Melvin Marxen")]);
	free(group);
	cards_free(&s);
}

/* Without a level column, or with it empty, no owner is marked: only a roster can tell. */
static void test_group_owners_without_level(void **unused)
{
	(void)unused;
	struct card_set s;
	read_set(&s, "owner\tperiod\tmetric\tattainment\n"
		     "Anna Snelling\t2017-Q3\twon_revenue\t0.7990\n"
		     "Central\t2017-Q3\twon_revenue\t0.9000\n");
	bool group[3] = { false, false, false };
	cards_group_owners(&s, group);
	assert_false(group[0] || group[1]);
	cards_free(&s);

	read_set(&s, "owner\tperiod\tmetric\tattainment\tlevel\n"
		     "Anna Snelling\t2017-Q3\twon_revenue\t0.7990\t\n"
		     "Central\t2017-Q3\twon_revenue\t0.9000\t\n");
	cards_group_owners(&s, group);
	assert_false(group[0] || group[1]);
	cards_free(&s);
}

int main(void)
{
	diag_set_program("test_cards");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group_owners_from_level),
		cmocka_unit_test(test_group_owners_without_level),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
