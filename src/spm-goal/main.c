/* spm-goal: builds, checks and changes goal sheets. The main dispatches to one
 * subcommand per file (set, split, allocate, rollup, check, diff, periods). */
#include "spm-goal.h"

#include "diag.h"
#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} subcommands[] = {
	{ "set", goal_set, "insert or replace one goal, keeping the sheet sorted" },
	{ "split", goal_split, "split goals over sub-periods (by days or seasonality), exactly" },
	{ "allocate", goal_allocate, "turn team, manager or region goals into goals for their reps" },
	{ "rollup", goal_rollup, "sum reps' goals to team, manager or region, with the gap to their own" },
	{ "check", goal_check, "SMART lint, and coverage of goal categories across the roster" },
	{ "diff", goal_diff, "goals added, removed and changed between two revisions" },
	{ "periods", goal_periods, "the calendar of a period: start, end and days of each part" },
};

static noreturn void usage(void)
{
	printf("Usage: spm-goal COMMAND [OPTION]... [ARGUMENT]...\n"
	       "Build, check and change goal sheets (owner period metric target [weight category\n"
	       "direction]): SMART, aligned with the organisation's goals, and adding up exactly.\n"
	       "\n"
	       "Commands:\n");
	for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
		printf("  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
	printf("\n"
	       "  -h, --help       display this help and exit\n"
	       "  -V, --version    output version information and exit\n"
	       "\n"
	       "'spm-goal COMMAND --help' describes a command's options.\n"
	       "Exit status: 0 success, 1 bad data or a failed check (diff: the sheets differ),\n"
	       "2 usage or I/O error (diff: also bad data).\n"
	       "\n"
	       "Example:\n"
	       "  spm-goal allocate --roster roster.tsv --overassign 1.1 team-goals.tsv |\n"
	       "    spm-goal split --into quarter > goals.tsv\n");
	exit(SPM_EXIT_OK);
}

void subcommand_begin(char **argv, const char *name)
{
	static char buf[64];
	snprintf(buf, sizeof buf, "spm-goal %s", name);
	diag_set_usage_name(buf);
	argv[0] = buf; /* getopt's own messages name the command */
}

int main(int argc, char **argv)
{
	diag_set_program("spm-goal");
	atexit(output_close_stdout);
	if (argc < 2)
		diag_usage("a command is needed: set, split, allocate, rollup, check, diff or periods");
	const char *cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0)
		usage();
	if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0)
		print_version();
	for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
		if (strcmp(cmd, subcommands[i].name) == 0)
			return subcommands[i].run(argc - 1, argv + 1);
	diag_usage("unknown command \"%s\" (set, split, allocate, rollup, check, diff or periods)", cmd);
}
