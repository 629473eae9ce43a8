/* spm-goal diff: the goals added, removed and changed between two revisions of a sheet,
 * for quarterly re-planning. Exit status as diff(1): 0 same goals, 1 they differ, 2
 * trouble, a bad sheet included (1 already means "they differ"). */
#include "spm-goal.h"

#include "diag.h"
#include "number.h"
#include "stream.h"
#include "options.h"
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static noreturn void usage(void)
{
	printf("Usage: spm-goal diff [OPTION]... OLD NEW\n"
	       "Compare two revisions of a goal sheet and write TSV 'change owner period metric\n"
	       "old_target new_target delta change_ratio detail', one row per goal added, removed\n"
	       "or changed, sorted by owner, period and metric. delta = new - old, exactly (a\n"
	       "missing target counts as 0); change_ratio = delta / old, 4 decimals (empty when\n"
	       "old is 0 or the goal was added or removed); detail lists the changes of weight,\n"
	       "category and direction ('weight 1 -> 2; category  -> financial'). Goals whose\n"
	       "target, weight, category and direction are the same are not listed. An empty\n"
	       "file (/dev/null) is an empty sheet; one of OLD and NEW may be - (standard input).\n"
	       "Targets print as their metric's goals do: money with 2 decimals at least.\n"
	       "\n"
	       "      --fiscal-start M    fiscal year starts in month M (default: $SPM_FISCAL_START or 1)\n"
	       "      --metrics-file FILE metrics file: how the targets of its metrics print (money,\n"
	       "                          ratio, count); any metric name is taken\n"
	       "      --csv, --tsv        the sheets are CSV, or TSV (default: by name, .csv is CSV;\n"
	       "                          standard input TSV)\n"
	       "  -o, --output FILE       write to FILE atomically instead of standard output; never\n"
	       "                          OLD or NEW\n"
	       "  -q, --quiet             no summary line on standard error\n"
	       "  -h, --help              display this help and exit\n"
	       "  -V, --version           output version information and exit\n"
	       "\n"
	       "Exit status: 0 the sheets hold the same goals, 1 they differ, 2 trouble: a usage\n"
	       "or I/O error, or a bad sheet (not 1, which means they differ).\n"
	       "\n"
	       "Example:\n"
	       "  spm-goal diff goals-q2.tsv goals-q3.tsv\n");
	exit(SPM_EXIT_OK);
}

struct diff_options {
	struct goal_common c; /* --metrics-file, -o, -q, --fiscal-start, --csv/--tsv */
	const char *old_path, *new_path;
};

static void parse_diff_options(int argc, char **argv, struct diff_options *o)
{
	memset(o, 0, sizeof *o);
	goal_parse_options(argc, argv,
			   CLI_TAKES_FISCAL_START | CLI_TAKES_METRICS_FILE | CLI_TAKES_OUTPUT | CLI_TAKES_QUIET, NULL,
			   NULL, NULL, NULL, usage, &o->c);
	if (argc - optind != 2)
		diag_usage("expected OLD and NEW (%d argument%s given)", argc - optind, argc - optind == 1 ? "" : "s");
	o->old_path = argv[optind];
	o->new_path = argv[optind + 1];
	if (strcmp(o->old_path, "-") == 0 && strcmp(o->new_path, "-") == 0)
		diag_usage("OLD and NEW cannot both be standard input");
	struct run_files rf;
	memset(&rf, 0, sizeof rf);
	run_files_input(&rf, NULL, o->old_path);
	run_files_input(&rf, NULL, o->new_path);
	run_files_input(&rf, "--metrics-file", o->c.metrics);
	run_files_output(&rf, "-o", o->c.output);
	run_files_check(&rf);
	run_files_free(&rf);
}

static void read_revision(struct goal_sheet *g, const char *path, const struct diff_options *o,
			  const struct metric_catalog *metrics)
{
	/* any metric name; periods, targets and duplicates are checked */
	read_goal_sheet(g, path, o->c.fiscal_start, metrics, true, true, o->c.format);
}

/* The order goal_sheet_sort leaves sheets in: owner (bytes), period label, metric. */
static int compare_keys(const struct goal *a, const struct goal *b)
{
	int c = bytes_cmp(a->owner, a->owner_len, b->owner, b->owner_len);
	if (c)
		return c;
	char la[PERIOD_LABEL_SIZE], lb[PERIOD_LABEL_SIZE];
	period_format(a->period, la);
	period_format(b->period, lb);
	if ((c = strcmp(la, lb)))
		return c;
	return strcmp(a->metric_name, b->metric_name);
}

struct diff_counts {
	unsigned long long added, removed, changed;
};

static void append(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);
	xgrow((void **)buf, cap, *len + n + 1, 1);
	memcpy(*buf + *len, s, n + 1);
	*len += n;
}

/* One "NAME OLD → NEW" item of the detail column. */
static void detail_item(char **buf, size_t *len, size_t *cap, const char *name, const char *was, const char *now)
{
	if (*len)
		append(buf, len, cap, "; ");
	append(buf, len, cap, name);
	append(buf, len, cap, " ");
	append(buf, len, cap, was);
	append(buf, len, cap, " \xe2\x86\x92 "); /* → */
	append(buf, len, cap, now);
}

/* The changes of the fields other than target: weight by value (empty is 1), category
 * and direction as written. Returns the detail (empty if none); free it. */
static char *other_changes(const struct goal *a, const struct goal *b)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	append(&buf, &len, &cap, "");
	if (decimal_cmp(a->weight, b->weight) != 0) {
		char was[NUMBER_BUFSIZE], now[NUMBER_BUFSIZE];
		number_exact(a->weight, was);
		number_exact(b->weight, now);
		detail_item(&buf, &len, &cap, column_name(COL_WEIGHT), was, now);
	}
	if (strcmp(a->category, b->category) != 0)
		detail_item(&buf, &len, &cap, column_name(COL_CATEGORY), a->category, b->category);
	if (a->direction != b->direction)
		detail_item(&buf, &len, &cap, column_name(COL_DIRECTION), goal_direction_name(a->direction),
			    goal_direction_name(b->direction));
	return buf;
}

/* A change row; old or new is NULL for a goal added or removed. */
static void write_change(struct output *out, const char *change, const struct goal *old, const struct goal *new,
			 const char *detail)
{
	const struct goal *g = new ? new : old;
	char label[PERIOD_LABEL_SIZE];
	decimal delta;
	/* targets are 0 or more and at most the decimal range: their difference fits */
	decimal_sub(new ? new->target : decimal_zero(), old ? old->target : decimal_zero(), &delta);
	period_format(g->period, label);
	output_str(out, change);
	output_tab(out);
	output_field(out, g->owner, g->owner_len);
	output_tab(out);
	output_str(out, label);
	output_tab(out);
	output_str(out, g->metric_name);
	output_tab(out);
	/* targets and their delta print as the metric's goals do; the change as a ratio */
	if (old)
		output_goal_number(out, g->metric, old->target);
	output_tab(out);
	if (new)
		output_goal_number(out, g->metric, new->target);
	output_tab(out);
	output_goal_number(out, g->metric, delta);
	output_tab(out);
	if (old && new && !decimal_is_zero(old->target)) {
		decimal ratio;
		char buf[NUMBER_BUFSIZE];
		/* a ratio beyond exact arithmetic (10^-9 to 10^28) is left empty, as for old 0 */
		if (decimal_div(delta, old->target, RATIO_PLACES, ROUND_HALF_AWAY, &ratio))
			output_bytes(out, buf, number_ratio(ratio, buf));
	}
	output_tab(out);
	output_field(out, detail, strlen(detail));
	output_newline(out);
}

/* Walks both sorted sheets side by side: a key in one only is added or removed. */
static void write_diff(struct output *out, const struct goal_sheet *old, const struct goal_sheet *new,
		       struct diff_counts *n)
{
	size_t i = 0, j = 0;
	static const enum column header[] = { COL_CHANGE, COL_OWNER, COL_PERIOD,
					      COL_METRIC, COL_OLD_TARGET, COL_NEW_TARGET, COL_DELTA,
					      COL_CHANGE_RATIO, COL_DETAIL };
	stream_write_header(out, header, sizeof header / sizeof header[0]);
	while (i < old->n || j < new->n) {
		int c = i == old->n ? 1 : j == new->n ? -1 : compare_keys(&old->goal[i], &new->goal[j]);
		if (c < 0) {
			write_change(out, "removed", &old->goal[i++], NULL, "");
			n->removed++;
		} else if (c > 0) {
			write_change(out, "added", NULL, &new->goal[j++], "");
			n->added++;
		} else {
			const struct goal *a = &old->goal[i++], *b = &new->goal[j++];
			char *detail = other_changes(a, b);
			if (decimal_cmp(a->target, b->target) != 0 || detail[0]) {
				write_change(out, "changed", a, b, detail);
				n->changed++;
			}
			free(detail);
		}
	}
}

int goal_diff(int argc, char **argv)
{
	struct diff_options o;
	struct goal_sheet old, new;
	struct diff_counts n = { 0, 0, 0 };
	subcommand_begin(argv, "diff");
	parse_diff_options(argc, argv, &o);

	/* a bad sheet is trouble (2): 1 would tell a script the sheets differ */
	diag_set_data_status(SPM_EXIT_USAGE);
	struct metric_catalog metrics;
	metric_catalog_load(&metrics, o.c.metrics); /* built in, and the file's: how targets print */
	read_revision(&old, o.old_path, &o, &metrics);
	read_revision(&new, o.new_path, &o, &metrics);

	goal_sheet_sort(&old);
	goal_sheet_sort(&new);
	struct output out;
	output_open(&out, o.c.output);
	write_diff(&out, &old, &new, &n);
	output_close(&out);
	if (!o.c.quiet)
		fprintf(stderr, "%s: %llu added, %llu removed, %llu changed\n", diag_program(), n.added, n.removed,
			n.changed);
	goal_sheet_free(&old);
	goal_sheet_free(&new);
	metric_catalog_free(&metrics);
	return n.added || n.removed || n.changed ? SPM_EXIT_DATA : SPM_EXIT_OK;
}
