/* Rosters: reps and the groups they belong to (team, manager, region), read from a TSV or
 * CSV file with a header (rep team manager region role plan incentive draw start end ...). */
#ifndef SPM_ROSTER_H
#define SPM_ROSTER_H

#include "period.h"

#include <stdbool.h>
#include <stddef.h>

/* The levels an owner can be named at: a rep, or a group of reps. */
enum level { LEVEL_REP, LEVEL_TEAM, LEVEL_MANAGER, LEVEL_REGION, LEVEL_COUNT };

extern const char *const level_names[LEVEL_COUNT];

bool parse_level(const char *s, enum level *out);

struct roster_rep {
	char *name[LEVEL_COUNT]; /* the rep, its team, manager and region ("" or NULL: none) */
	size_t len[LEVEL_COUNT];
	char **field;            /* every column of its row, NUL-terminated */
	size_t line;             /* its line in the roster */
	spm_day from, to;        /* effective-dated rosters: the days the row is in force (both
				  * included; INT32_MIN/INT32_MAX: unbounded) */
	size_t next;             /* effective-dated rosters: the rep's next row (1-based; 0: none) */
};

struct roster {
	const char *path;
	struct table *reps;               /* rep → 1-based index into rep[] */
	struct roster_rep *rep;
	size_t nreps, cap;
	struct table *names[LEVEL_COUNT]; /* name at each level → its members (struct roster_group) */
	size_t *member;                   /* rep indices, grouped by name: roster_group's slices */
	bool has_level[LEVEL_COUNT];      /* the roster has that column */
	char **column;                    /* the header */
	size_t ncolumns;
	bool dated;                       /* some rep has several rows (roster_load_dated) */
};

/* Reads path; a roster needs a column rep, and the column of `needed` unless it is
 * LEVEL_COUNT. An empty or repeated rep, a short row or a NUL byte exits 1 with
 * FILE:LINE: COLUMN: message. */
void roster_load(struct roster *r, const char *path, enum level needed);
void roster_free(struct roster *r);
/* --roster-map FILE: every later roster_load reads the roster's columns under the names of
 * FILE, a TSV file 'canonical<TAB>source' (e.g. 'rep<TAB>sales_agent'); NULL: none. */
void roster_set_map(const char *path);
const char *roster_map_file(void);

/* The same, but a rep may have several rows, each in force from its start to its end (both
 * included; empty: unbounded): an effective-dated roster. A rep's rows must not overlap:
 * two rows of one rep in force on one day exit 1 naming both lines. roster_find_rep then
 * gives the rep's latest row; roster_find_rep_on the row in force on a day. Groups list
 * every row of their members (a rep who moved is in both teams' lists). */
void roster_load_dated(struct roster *r, const char *path, enum level needed);

/* The row of rep in force on day: its only row whatever the day; with several rows, the
 * row whose start..end holds day, the first row for a day before every row and the last
 * row for a day after every row. NULL when the rep is not in the roster, or when day
 * falls in a gap between two rows: *before and *after are then those rows. */
const struct roster_rep *roster_find_rep_on(const struct roster *r, const char *rep, size_t len, spm_day day,
					    const struct roster_rep **before, const struct roster_rep **after);

const struct roster_rep *roster_find_rep(const struct roster *r, const char *rep, size_t len);

/* The reps (indices into rep[], in roster order) that belong to name at level; n = 0 when
 * the name is not there. Found in constant time: groups are indexed when loaded. */
const size_t *roster_members(const struct roster *r, enum level level, const char *name, size_t len, size_t *n);
/* Index of a column by name, -1 if absent; a name found twice exits 1 ("appears twice"). */
long roster_column(const struct roster *r, const char *name);

enum name_lookup { NAME_FOUND, NAME_UNKNOWN, NAME_AMBIGUOUS };

/* The lowest of the allowed levels whose column holds name. It is ambiguous when another
 * allowed level holds it too with other reps (*other tells which). */
enum name_lookup roster_level_of(const struct roster *r, const char *name, size_t len,
				 const bool allowed[LEVEL_COUNT], enum level *found, enum level *other);

/* A rep's employment from the columns start and end (ISO dates, both days included; empty
 * or absent: unbounded, INT32_MIN or INT32_MAX). Returns -1, or the index of a column
 * whose value is not a date (*first and *last are then unbounded for it). */
long roster_employment(const struct roster *r, const struct roster_rep *rep, spm_day *first, spm_day *last);

/* Whether rep e belongs to the group name at level (a rep belongs to itself). */
bool roster_rep_in(const struct roster_rep *e, enum level level, const char *name, size_t len);

#endif
