/* Reads progress operands, one case a line, and writes what progress_compute finds, for
 * check-progress.py to compare with exact rational arithmetic. A line: the actual's terms
 * (numerator and denominator, 0 0 for no actual), the target in billionths, the counted
 * days done and in total, started, over, lower, cumulative. Written: the status, then per
 * value (attainment, expected, pace, projected, gap) "-" when undefined, else its rounding
 * to 0, 2, 4 and 9 decimals in billionths, "R" where fraction_round refuses it. */
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__extension__ typedef unsigned __int128 magnitude;

static decimal_units parse(const char *s)
{
	magnitude m = 0;
	bool negative = *s == '-';
	for (s += negative; *s; s++)
		m = m * 10 + (unsigned)(*s - '0');
	return negative ? -(decimal_units)m : (decimal_units)m;
}

static void print(decimal_units v)
{
	char buf[48];
	size_t n = sizeof buf;
	magnitude m = v < 0 ? (magnitude)0 - (magnitude)v : (magnitude)v;
	buf[--n] = '\0';
	do {
		buf[--n] = (char)('0' + (int)(m % 10));
		m /= 10;
	} while (m);
	if (v < 0)
		buf[--n] = '-';
	fputs(buf + n, stdout);
}

int main(void)
{
	char *line = NULL;
	size_t cap = 0;
	static const int places[] = { 0, 2, 4, 9 };
	size_t lineno = 0;
	while (getline(&line, &cap, stdin) > 0) {
		lineno++;
		char *field[10];
		int n = 0;
		for (char *tok = strtok(line, " \n"); tok && n < 10; tok = strtok(NULL, " \n"))
			field[n++] = tok;
		if (n != 10) {
			fprintf(stderr, "progress_driver: -:%zu: 1: %d fields, not 10\n", lineno, n);
			free(line);
			return 2;
		}
		struct goal_measure g;
		memset(&g, 0, sizeof g);
		g.actual = (struct fraction){ parse(field[0]), parse(field[1]), FRACTION_EXACT };
		g.target = (decimal){ parse(field[2]) };
		g.elapsed = (struct elapsed){ (int64_t)parse(field[3]), (int64_t)parse(field[4]), field[5][0] == '1',
					      field[6][0] == '1' };
		g.lower = field[7][0] == '1';
		g.cumulative = field[8][0] == '1';
		(void)field[9]; /* the case's number, for the reader */
		struct progress p;
		struct status_thresholds t = default_thresholds();
		progress_compute(&g, &t, &p);
		fputs(goal_status_name(p.status), stdout);
		struct fraction v[] = { p.attainment, p.expected, p.pace, p.projected, p.gap };
		for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
			if (!fraction_defined(v[k])) {
				fputs(" -", stdout);
				continue;
			}
			for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
				decimal d;
				fputs(i ? "," : " ", stdout);
				if (fraction_round(v[k], places[i], &d))
					print(d.units);
				else
					fputs("R", stdout);
			}
		}
		putchar('\n');
	}
	free(line);
	return 0;
}
