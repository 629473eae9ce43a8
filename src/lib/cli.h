/* The command line every spm program shares: the common options (same name, same letter,
 * same meaning everywhere), one "bad option" message, and the one check that no output
 * names or lies over an input. */
#ifndef SPM_CLI_H
#define SPM_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

/* getopt_long values of the common long options without a letter; a program numbers its
 * own options from CLI_OPT_PROGRAM. */
enum cli_option {
	CLI_OPT_REJECT = 0x100,
	CLI_OPT_THREADS,
	CLI_OPT_FISCAL_START,
	CLI_OPT_ROSTER,
	CLI_OPT_AS_OF,
	CLI_OPT_METRICS_FILE,
	CLI_OPT_ROSTER_MAP,
	CLI_OPT_PROGRAM = 0x200,
};

/* The common options, for a program's struct option table (each where it applies). */
#define CLI_OPTION_OUTPUT { "output", required_argument, NULL, 'o' }
#define CLI_OPTION_QUIET { "quiet", no_argument, NULL, 'q' }
#define CLI_OPTION_HELP { "help", no_argument, NULL, 'h' }
#define CLI_OPTION_VERSION { "version", no_argument, NULL, 'V' }
#define CLI_OPTION_REJECT { "reject", required_argument, NULL, CLI_OPT_REJECT }
#define CLI_OPTION_THREADS { "threads", required_argument, NULL, CLI_OPT_THREADS }
#define CLI_OPTION_FISCAL_START { "fiscal-start", required_argument, NULL, CLI_OPT_FISCAL_START }
#define CLI_OPTION_ROSTER { "roster", required_argument, NULL, CLI_OPT_ROSTER }
#define CLI_OPTION_ROSTER_MAP { "roster-map", required_argument, NULL, CLI_OPT_ROSTER_MAP }
#define CLI_OPTION_AS_OF { "as-of", required_argument, NULL, CLI_OPT_AS_OF }
#define CLI_OPTION_METRICS_FILE { "metrics-file", required_argument, NULL, CLI_OPT_METRICS_FILE }

/* The values of the common options. */
struct cli_common {
	const char *output;       /* -o, --output; NULL: stdout */
	const char *reject;       /* --reject FILE */
	const char *roster;       /* --roster FILE */
	const char *roster_map;   /* --roster-map FILE (roster_set_map) */
	const char *metrics_file; /* --metrics-file FILE */
	const char *fiscal;       /* --fiscal-start as given; see fiscal_start_option() */
	const char *as_of;        /* --as-of as given; see as_of_option() */
	size_t threads;           /* --threads N; 0: not given */
	bool quiet;               /* -q */
};

/* Takes c if it is a common option (-o, -q, -V, and the CLI_OPT_* ones; -h calls help,
 * which must not return). False: c is the program's own option. '?' (getopt's "bad
 * option", already reported by getopt) ends the run with the usage hint, exit 2. */
bool cli_common_option(struct cli_common *cc, int c, const char *arg, void (*help)(void));
/* "Try 'PROG --help' for more information." and exit 2, after getopt's own message. */
noreturn void cli_bad_option(void);

/* Which common options a program (or subcommand) takes; -h, --help, -V, --version always. */
enum cli_takes {
	CLI_TAKES_OUTPUT = 1 << 0,        /* -o, --output */
	CLI_TAKES_QUIET = 1 << 1,         /* -q, --quiet */
	CLI_TAKES_REJECT = 1 << 2,        /* --reject */
	CLI_TAKES_THREADS = 1 << 3,       /* --threads */
	CLI_TAKES_FISCAL_START = 1 << 4,  /* --fiscal-start */
	CLI_TAKES_ROSTER = 1 << 5,        /* --roster and --roster-map */
	CLI_TAKES_AS_OF = 1 << 6,         /* --as-of */
	CLI_TAKES_METRICS_FILE = 1 << 7,  /* --metrics-file */
	CLI_TAKES_METRICS_ALIAS = 1 << 8, /* --metrics for --metrics-file (deprecated, spm-goal) */
};

/* A command line parsed once for every program: the program's own long options (own, then
 * family, each ended by a zero entry; either may be NULL) and short letters (own_short,
 * getopt's syntax: "f:"), and the common options takes names, after them (a common option
 * own already lists, CLI_OPTION_*, stays at its place there: getopt lists the possibilities
 * of an ambiguous abbreviation in table order). Each common option goes into
 * cc (memset to zero first); each of the program's goes to take(c, arg, ctx), which returns
 * false for one it does not know (the bad option message, exit 2). Returns optind: the
 * first operand. */
int cli_parse(int argc, char **argv, unsigned takes, const struct option *own, const struct option *family,
	      const char *own_short, bool (*take)(int c, const char *arg, void *ctx), void *ctx, void (*help)(void),
	      struct cli_common *cc);

/* ---- outputs never over inputs ---- */

/* Every file a run reads and writes, named by the option that names it (NULL: an operand),
 * checked at once before anything is read or written. */
struct run_files {
	struct run_file {
		const char *option; /* "--roster", "-o"; NULL: an input operand */
		const char *path;
	} *in, *out, *dir;
	size_t nin, nout, ndir, cap_in, cap_out, cap_dir;
};

/* NULL paths, and "-" as an output (standard output), never clash; "-" as an input is
 * standard input, which clashes with an output that is the file or pipe it reads. */
void run_files_input(struct run_files *rf, const char *option, const char *path);
void run_files_output(struct run_files *rf, const char *option, const char *path);
/* A folder the run writes files into (--split-dir). */
void run_files_output_dir(struct run_files *rf, const char *option, const char *path);
/* Refuses, with a usage error (exit 2) and nothing touched, an output that is an input
 * (the same name, or the same file through ./, symbolic or hard links), two outputs that
 * are one file, an output folder that holds an input, and an output inside an output
 * folder. */
void run_files_check(const struct run_files *rf);
void run_files_free(struct run_files *rf);
/* After the options: the roster (--roster, NULL: none) and the roster map (--roster-map)
 * as inputs of rf; --roster-map without --roster is a usage error (exit 2). */
void cli_roster_files(struct run_files *rf, const char *roster);

#endif
