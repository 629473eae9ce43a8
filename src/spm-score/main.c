/* spm-score: turns progress rows (spm-track --goals) into scorecards — a weighted score
 * per owner and period from capped and floored attainments — with ranks and percentiles
 * (within teams through a roster), tiers, the trend against the previous period, and the
 * drivers: which metrics move with the score across owners. With --plan, into incentive
 * payouts instead (payouts.c). */
#include "spm-score.h"

#include "cli.h"
#include "diag.h"
#include "metrics.h"
#include "options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static noreturn void usage(void)
{
	printf("Usage: spm-score [OPTION]... [FILE]...\n"
	       "Score progress rows (spm-track --goals: owner period metric attainment weight,\n"
	       "and actual target direction status if there): one scorecard per owner and\n"
	       "period, score = sum of weight x attainment (capped, floored) / sum of weights,\n"
	       "with rank, percentile and tier, within teams, against the period before.\n"
	       "With no FILE, or when FILE is -, read standard input.\n"
	       "\n"
	       "Scorecard:\n"
	       "      --cap [METRIC=]X      count an attainment up to X (default 2), or that\n"
	       "                            METRIC's; may be repeated\n"
	       "      --floor [METRIC=]X    count an attainment down to X (default 0)\n"
	       "      --missing RULE        a goal with no attainment: skip (default: left out\n"
	       "                            with its weight) or floor (counted at its floor)\n"
	       "      --normalize METHOD    zscore or percentile: score goals without a target\n"
	       "                            from their actual, against the owners ranked with\n"
	       "                            them\n"
	       "      --basis BASIS         what a goal counts for: attainment, pace (actual\n"
	       "                            against what was expected by the as-of date) or\n"
	       "                            auto (default: pace while the period runs,\n"
	       "                            attainment once it is over)\n"
	       "      --detail              add one column per metric: the value counted\n"
	       "\n"
	       "Ranks, tiers and trends:\n"
	       "      --roster FILE         roster (rep team manager region ...) for --group\n"
	       "      --roster-map FILE     the roster's columns under other names: TSV lines\n"
	       "                            'canonical<TAB>source' (e.g. 'rep<TAB>sales_agent')\n"
	       "      --group COLUMN        rank within the roster's COLUMN (team, region, ...)\n"
	       "      --by METRIC           rank on METRIC's attainment instead of the score\n"
	       "      --tiers LIST          NAME:MIN,... strictly decreasing (default\n"
	       "                            exceeds:1.0,meets:0.9,below:0.7,far_below:0)\n"
	       "      --streak-tier NAME    streaks count periods in NAME or above (default\n"
	       "                            exceeds, else the first tier)\n"
	       "      --prev FILE           earlier scores (last week's run, or the previous\n"
	       "                            period's final run), compared on the same basis\n"
	       "\n"
	       "Drivers:\n"
	       "      --drivers             write the drivers stream instead: how each metric's\n"
	       "                            actual moves with the score across owners\n"
	       "      --outcome METRIC      with --drivers: against METRIC's actual instead\n"
	       "\n"
	       "Payouts (instead of scores; e.g. spm-score --plan plan.tsv --roster roster.tsv):\n"
	       "      --plan FILE           pay each owner by a plan of FILE (plan metric rule\n"
	       "                            lower upper rate): writes 'owner period plan metric\n"
	       "                            actual target attainment payout detail basis';\n"
	       "                            basis: final (period over), estimate (running:\n"
	       "                            paid on the attainment so far) or early\n"
	       "      --roster FILE         the owners' plan, incentive and draw columns\n"
	       "                            (every row checked before the input is read)\n"
	       "      --plan-name NAME      pay every owner by plan NAME\n"
	       "      --incentive AMOUNT    target incentive of every owner, for curves\n"
	       "      --skip-unplanned      leave out owners without a plan (listed on stderr)\n"
	       "      --rounding MODE       each line rounded once to the cent: half-away\n"
	       "                            (default, from zero) or half-even\n"
	       "      --no-draw             ignore the roster's draw column\n"
	       "      --as-if-attainment F  what-if: pay as if --metric's attainment were F\n"
	       "      --as-if-actual AMOUNT what-if: pay as if --metric's actual were AMOUNT\n"
	       "      --metric METRIC       the metric of the what-if (default: the first of\n"
	       "                            each owner's plan)\n"
	       "      --against PAID        write only the differences from the payouts of PAID\n"
	       "                            (may be repeated; rows of one line add up), as\n"
	       "                            adjustments, with the columns paid and recomputed\n"
	       "      --reversals FILE      with --against: claw back, under the plan's clawback\n"
	       "                            rule, the commission paid on deals that spm-track\n"
	       "                            --reversals says were cancelled or refunded\n"
	       "\n"
	       "Input and output:\n"
	       "      --fiscal-start M      fiscal year starts in month M (default:\n"
	       "                            $SPM_FISCAL_START, else 1)\n"
	       "      --threads N           read big files with N threads (default: the\n"
	       "                            processors, at most 8)\n"
	       "  -o, --output FILE         write to FILE atomically instead of standard output\n"
	       "      --reject FILE         write bad rows to FILE with a reason and go on\n"
	       "  -q, --quiet               no summary line on standard error\n"
	       "  -h, --help                display this help and exit\n"
	       "  -V, --version             output version information and exit\n"
	       "\n"
	       "Output: TSV 'owner period score rank percentile tier basis', then 'level'\n"
	       "(with --group or a level column in the input) and the --group column\n"
	       "(named after it: team, region, ...),\n"
	       "then 'prev_score delta prev_rank streak' when there is something to compare\n"
	       "with, then one column per metric with --detail; sorted by period, level,\n"
	       "group, rank and owner. With --drivers: 'period metric n pearson spearman strength\n"
	       "top_mean bottom_mean ratio note'.\n"
	       "Exit status: 0 success, 1 bad data, 2 usage or I/O error.\n"
	       "\n"
	       "Examples:\n"
	       "  spm-score --roster roster.tsv --group team --cap won_revenue=1.5 progress.tsv\n"
	       "  spm-score --drivers --outcome won_revenue progress.tsv\n");
	exit(SPM_EXIT_OK);
}

enum {
	OPT_CAP = CLI_OPT_PROGRAM, OPT_FLOOR, OPT_MISSING, OPT_NORMALIZE, OPT_DETAIL, OPT_GROUP, OPT_BY, OPT_TIERS,
	OPT_STREAK_TIER, OPT_PREV, OPT_DRIVERS, OPT_OUTCOME,
	OPT_PLAN, OPT_PLAN_NAME, OPT_INCENTIVE, OPT_SKIP_UNPLANNED, OPT_ROUNDING, OPT_NO_DRAW, OPT_AS_IF_ATTAINMENT,
	OPT_AS_IF_ACTUAL, OPT_METRIC, OPT_AGAINST, OPT_BASIS, OPT_REVERSALS,
};

static const struct option long_options[] = {
	{ "cap", required_argument, NULL, OPT_CAP },
	{ "floor", required_argument, NULL, OPT_FLOOR },
	{ "missing", required_argument, NULL, OPT_MISSING },
	{ "normalize", required_argument, NULL, OPT_NORMALIZE },
	{ "detail", no_argument, NULL, OPT_DETAIL },
	{ "basis", required_argument, NULL, OPT_BASIS },
	{ "group", required_argument, NULL, OPT_GROUP },
	{ "by", required_argument, NULL, OPT_BY },
	{ "tiers", required_argument, NULL, OPT_TIERS },
	{ "streak-tier", required_argument, NULL, OPT_STREAK_TIER },
	{ "prev", required_argument, NULL, OPT_PREV },
	{ "drivers", no_argument, NULL, OPT_DRIVERS },
	{ "outcome", required_argument, NULL, OPT_OUTCOME },
	{ "plan", required_argument, NULL, OPT_PLAN },
	{ "plan-name", required_argument, NULL, OPT_PLAN_NAME },
	{ "incentive", required_argument, NULL, OPT_INCENTIVE },
	{ "skip-unplanned", no_argument, NULL, OPT_SKIP_UNPLANNED },
	{ "rounding", required_argument, NULL, OPT_ROUNDING },
	{ "no-draw", no_argument, NULL, OPT_NO_DRAW },
	{ "as-if-attainment", required_argument, NULL, OPT_AS_IF_ATTAINMENT },
	{ "as-if-actual", required_argument, NULL, OPT_AS_IF_ACTUAL },
	{ "metric", required_argument, NULL, OPT_METRIC },
	{ "against", required_argument, NULL, OPT_AGAINST },
	{ "reversals", required_argument, NULL, OPT_REVERSALS },
	{ NULL, 0, NULL, 0 },
};

/* "--cap 1.5" for every metric, "--cap won_revenue=1.5" for one. */
static void add_limit(struct limit **list, size_t *n, const char *option, const char *arg)
{
	struct limit l = { NULL, decimal_zero() };
	const char *eq = strchr(arg, '='), *number = eq ? eq + 1 : arg;
	if (eq) {
		char *metric = xmemdup0(arg, (size_t)(eq - arg));
		bool ok = is_metric_name(metric);
		free(metric);
		if (!ok)
			diag_usage("%s: expected [METRIC=]NUMBER, METRIC in lowercase letters, digits and _ (\"%s\")", option,
				   arg);
		l.metric = arg; /* compared up to the '=' below */
	}
	if (decimal_parse(number, strlen(number), DECIMAL_POINT, &l.value) != DECIMAL_OK)
		diag_usage("%s: expected [METRIC=]NUMBER (\"%s\")", option, arg);
	*list = xreallocarray(*list, *n + 1, sizeof **list);
	(*list)[(*n)++] = l;
}

/* The metric names of --cap/--floor, cut at their '='. */
static void cut_limit_names(struct limit *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (list[i].metric) {
			const char *eq = strchr(list[i].metric, '=');
			list[i].metric = xmemdup0(list[i].metric, (size_t)(eq - list[i].metric));
		}
}

static void free_limits(struct limit *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((char *)list[i].metric);
	free(list);
}

/* A floor must be below the cap of its metric: for every metric an option names, and for
 * the others. */
static void check_limits(const struct score_options *o)
{
	for (size_t i = 0; i <= o->ncaps + o->nfloors; i++) {
		const char *metric = i < o->ncaps ? o->caps[i].metric
				     : i < o->ncaps + o->nfloors ? o->floors[i - o->ncaps].metric : NULL;
		if (i < o->ncaps + o->nfloors && !metric)
			continue; /* a general limit: checked as metric NULL, last */
		decimal floor = limit_for(o->floors, o->nfloors, metric, DEFAULT_FLOOR);
		decimal cap = limit_for(o->caps, o->ncaps, metric, DEFAULT_CAP);
		if (decimal_cmp(floor, cap) >= 0)
			diag_usage("the floor of %s must be below its cap", metric ? metric : "every metric");
	}
}

/* A --incentive or what-if amount: a number, 0 or more. */
static decimal amount_option(const char *option, const char *arg)
{
	decimal d;
	if (decimal_parse(arg, strlen(arg), DECIMAL_POINT, &d) != DECIMAL_OK || decimal_sign(d) < 0)
		diag_usage("%s: expected a number, 0 or more (\"%s\")", option, arg);
	return d;
}

/* The options of --plan: given without it, or with an option that shapes scores, they
 * are usage errors; so is a what-if of two figures, or one that is also compared. */
static void check_payout_options(const struct score_options *o, const char *plan_only, const char *scoring)
{
	const struct payout_options *p = &o->pay;
	if (!p->plan) {
		if (plan_only)
			diag_usage("%s needs --plan", plan_only);
		return;
	}
	if (scoring)
		diag_usage("%s shapes the scores stream, not the payouts of --plan", scoring);
	if (!p->plan_name && !o->roster)
		diag_usage("--plan needs each owner's plan: --roster FILE (its plan column) or --plan-name NAME");
	if (p->metric && p->as_if == AS_IF_NONE)
		diag_usage("--metric names the metric of --as-if-attainment or --as-if-actual");
	if (p->metric && !is_metric_name(p->metric))
		diag_usage("--metric: not a metric name (\"%s\")", p->metric);
	if (p->as_if != AS_IF_NONE && p->nagainst)
		diag_usage("--against compares payouts with what was paid; a what-if was never paid");
	if (p->reversals && !p->nagainst)
		diag_usage("--reversals claws back commission that was paid: it needs --against PAID");
}

/* The options being parsed, and what the checks after them need to know. */
struct score_parse {
	struct score_options *o;
	const char *tiers, *streak_tier;
	bool scores_only;      /* an option that shapes the scores stream, not the drivers */
	const char *scoring;   /* the first option given that shapes scores, for --plan */
	const char *plan_only; /* the first option given that only --plan reads */
};

/* Keeps the first option of a kind given, for the message that refuses it. */
static void first_given(const char **first, const char *option)
{
	if (!*first)
		*first = option;
}

/* spm-score's own options, given to it by cli_parse. */
static bool score_option(int c, const char *arg, void *ctx)
{
	struct score_parse *sp = ctx;
	struct score_options *o = sp->o;
	switch (c) {
	case OPT_CAP: add_limit(&o->caps, &o->ncaps, "--cap", arg); first_given(&sp->scoring, "--cap"); break;
	case OPT_FLOOR:
		add_limit(&o->floors, &o->nfloors, "--floor", arg);
		first_given(&sp->scoring, "--floor");
		break;
	case OPT_MISSING:
		first_given(&sp->scoring, "--missing");
		if (strcmp(arg, "skip") == 0)
			o->missing = MISSING_SKIP;
		else if (strcmp(arg, "floor") == 0)
			o->missing = MISSING_FLOOR;
		else
			diag_usage("--missing: expected skip or floor (\"%s\")", arg);
		break;
	case OPT_NORMALIZE:
		first_given(&sp->scoring, "--normalize");
		if (strcmp(arg, "zscore") == 0)
			o->normalize = NORMALIZE_ZSCORE;
		else if (strcmp(arg, "percentile") == 0) /* a normalization, not a column */
			o->normalize = NORMALIZE_PERCENTILE;
		else
			diag_usage("--normalize: expected zscore or percentile (\"%s\")", arg);
		break;
	case OPT_BASIS:
		first_given(&sp->scoring, "--basis");
		if (strcmp(arg, basis_names[BASIS_AUTO]) == 0)
			o->basis = BASIS_AUTO;
		else if (strcmp(arg, basis_names[BASIS_ATTAINMENT]) == 0)
			o->basis = BASIS_ATTAINMENT;
		else if (strcmp(arg, basis_names[BASIS_PACE]) == 0)
			o->basis = BASIS_PACE;
		else
			diag_usage("--basis: expected attainment, pace or auto (\"%s\")", arg);
		break;
	case OPT_DETAIL: o->detail = sp->scores_only = true; first_given(&sp->scoring, "--detail"); break;
	case OPT_GROUP: o->group = arg; first_given(&sp->scoring, "--group"); break;
	case OPT_BY: o->by = arg; sp->scores_only = true; first_given(&sp->scoring, "--by"); break;
	case OPT_TIERS: sp->tiers = arg; sp->scores_only = true; first_given(&sp->scoring, "--sp->tiers"); break;
	case OPT_STREAK_TIER:
		sp->streak_tier = arg;
		sp->scores_only = true;
		first_given(&sp->scoring, "--streak-tier");
		break;
	case OPT_PREV: o->prev = arg; sp->scores_only = true; first_given(&sp->scoring, "--prev"); break;
	case OPT_DRIVERS: o->drivers = true; first_given(&sp->scoring, "--drivers"); break;
	case OPT_OUTCOME: o->outcome = arg; first_given(&sp->scoring, "--outcome"); break;
	case OPT_PLAN: o->pay.plan = arg; break;
	case OPT_PLAN_NAME: o->pay.plan_name = arg; first_given(&sp->plan_only, "--plan-name"); break;
	case OPT_INCENTIVE:
		o->pay.incentive = amount_option("--incentive", arg);
		o->pay.has_incentive = true;
		first_given(&sp->plan_only, "--incentive");
		break;
	case OPT_SKIP_UNPLANNED:
		o->pay.skip_unplanned = true;
		first_given(&sp->plan_only, "--skip-unplanned");
		break;
	case OPT_ROUNDING:
		if (strcmp(arg, "half-away") == 0)
			o->pay.rounding = ROUND_HALF_AWAY;
		else if (strcmp(arg, "half-even") == 0)
			o->pay.rounding = ROUND_HALF_EVEN;
		else
			diag_usage("--rounding: expected half-away or half-even (\"%s\")", arg);
		first_given(&sp->plan_only, "--rounding");
		break;
	case OPT_NO_DRAW: o->pay.no_draw = true; first_given(&sp->plan_only, "--no-draw"); break;
	case OPT_AS_IF_ATTAINMENT: case OPT_AS_IF_ACTUAL:
		if (o->pay.as_if != AS_IF_NONE)
			diag_usage("one what-if at a time: --as-if-attainment or --as-if-actual, once");
		o->pay.as_if = c == OPT_AS_IF_ACTUAL ? AS_IF_ACTUAL : AS_IF_ATTAINMENT;
		o->pay.as_if_value =
			amount_option(c == OPT_AS_IF_ACTUAL ? "--as-if-actual" : "--as-if-attainment", arg);
		first_given(&sp->plan_only, c == OPT_AS_IF_ACTUAL ? "--as-if-actual" : "--as-if-attainment");
		break;
	case OPT_METRIC: o->pay.metric = arg; first_given(&sp->plan_only, "--metric"); break;
	case OPT_AGAINST:
		o->pay.against = xreallocarray(o->pay.against, o->pay.nagainst + 1, sizeof *o->pay.against);
		o->pay.against[o->pay.nagainst++] = arg;
		first_given(&sp->plan_only, "--against");
		break;
	case OPT_REVERSALS: o->pay.reversals = arg; first_given(&sp->plan_only, "--reversals"); break;
	default: return false;
	}
	return true;
}

static void parse_options(int argc, char **argv, struct score_options *o, int *first)
{
	struct cli_common cc;
	struct score_parse sp = { o, DEFAULT_TIERS, NULL, false, NULL, NULL };
	memset(o, 0, sizeof *o);
	argv[0] = (char *)diag_program(); /* getopt's own messages name the program, not its path */
	cli_parse(argc, argv,
		  CLI_TAKES_ROSTER | CLI_TAKES_FISCAL_START | CLI_TAKES_THREADS | CLI_TAKES_REJECT | CLI_TAKES_OUTPUT |
			  CLI_TAKES_QUIET,
		  long_options, NULL, NULL, score_option, &sp, usage, &cc);
	const char *tiers = sp.tiers, *streak_tier = sp.streak_tier;
	bool scores_only = sp.scores_only;
	o->output = cc.output;
	o->reject = cc.reject;
	o->roster = cc.roster;
	o->quiet = cc.quiet;
	o->threads = cc.threads ? cc.threads : online_cpus(8);
	o->fiscal_start = fiscal_start_option(cc.fiscal);
	check_payout_options(o, sp.plan_only, sp.scoring);
	if (o->group && (!is_metric_name(o->group) || is_score_column(o->group)))
		diag_usage("--group: the scores stream names a column after it, so it must be a lowercase name (letters, "
			   "digits and _) other than %s's own columns (\"%s\")", diag_program(), o->group);
	if (o->group && !o->roster)
		diag_usage("--group needs --roster (the roster holds each rep's %s)", o->group);
	if (o->roster && !o->group && !o->pay.plan)
		diag_usage("--roster is read for --group: name the column to rank within (--group team)");
	if (o->outcome && !o->drivers)
		diag_usage("--outcome needs --drivers");
	if (o->drivers && scores_only)
		diag_usage("--detail, --by, --tiers, --streak-tier and --prev shape the scores stream, not --drivers");
	if (o->by && !is_metric_name(o->by))
		diag_usage("--by: not a metric name (\"%s\")", o->by);
	if (o->outcome && !is_metric_name(o->outcome))
		diag_usage("--outcome: not a metric name (\"%s\")", o->outcome);
	struct sbuf error = { 0 };
	if (!tiers_parse(tiers, &o->tiers, &error))
		diag_usage("--tiers: %s", sb_text(&error));
	if (o->tiers.n > 1000)
		diag_usage("--tiers: more than 1000 tiers");
	o->streak_tier = streak_tier ? tier_find(&o->tiers, streak_tier) : tier_find(&o->tiers, "exceeds");
	if (streak_tier && o->streak_tier < 0)
		diag_usage("--streak-tier: no tier named \"%s\" in --tiers", streak_tier);
	if (o->streak_tier < 0)
		o->streak_tier = 0; /* the top tier when none is called exceeds */
	cut_limit_names(o->caps, o->ncaps);
	cut_limit_names(o->floors, o->nfloors);
	check_limits(o);
	*first = optind;
}

/* Writing over an input, or both outputs into one file, would destroy data: refused before
 * anything is read. */
static void check_output_paths(const struct score_options *o, char *const *files, size_t nfiles)
{
	struct run_files rf = { 0 };
	for (size_t i = 0; i < nfiles; i++)
		run_files_input(&rf, NULL, files[i]);
	cli_roster_files(&rf, o->roster);
	run_files_input(&rf, "--prev", o->prev);
	run_files_input(&rf, "--plan", o->pay.plan);
	for (size_t i = 0; i < o->pay.nagainst; i++)
		run_files_input(&rf, "--against", o->pay.against[i]);
	run_files_input(&rf, "--reversals", o->pay.reversals);
	run_files_output(&rf, "--output", o->output);
	run_files_output(&rf, "--reject", o->reject);
	run_files_check(&rf);
	run_files_free(&rf);
}

static void print_summary(const struct scoring *sc)
{
	cards_print_counts(sc->set);
	if (sc->normalized_goals)
		fprintf(stderr, "; %llu goal(s) without a target scored by %s", (unsigned long long)sc->normalized_goals,
			sc->opt->normalize == NORMALIZE_ZSCORE ? "zscore" : "percentile"); /* words, not columns */
	if (sc->unmeasured_goals)
		fprintf(stderr, "; %llu goal(s) without an attainment %s", (unsigned long long)sc->unmeasured_goals,
			sc->opt->missing == MISSING_FLOOR ? "counted at the floor" : "left out");
	if (sc->unmeasured_cards)
		fprintf(stderr, "; %llu owner-period(s) with nothing measured have no score",
			(unsigned long long)sc->unmeasured_cards);
	if (sc->other_basis_cards)
		fprintf(stderr, "; %llu owner-period(s) with an earlier score of another basis only: no change shown",
			(unsigned long long)sc->other_basis_cards);
	if (sc->not_started_cards)
		fprintf(stderr, "; %llu owner-period(s) not started yet left out", (unsigned long long)sc->not_started_cards);
	if (sc->early_cards)
		fprintf(stderr, "; %llu owner-period(s) too early in their period to score (basis early)",
			(unsigned long long)sc->early_cards);
	fputc('\n', stderr);
}

int main(int argc, char **argv)
{
	struct score_options o;
	struct card_set set;
	struct scoring sc;
	struct output out, reject;
	int first;

	diag_set_program("spm-score");
	atexit(output_close_stdout);
	parse_options(argc, argv, &o, &first);
	char *stdin_only[] = { (char *)"-" };
	char *const *files = first < argc ? argv + first : stdin_only;
	size_t nfiles = first < argc ? (size_t)(argc - first) : 1;
	check_output_paths(&o, files, nfiles);
	if (o.pay.plan) {
		int status = pay_main(&o, files, nfiles);
		tiers_free(&o.tiers);
		free(o.pay.against);
		return status;
	}

	output_open(&out, o.output);
	if (o.reject)
		output_open(&reject, o.reject);
	struct card_read_options ro = { o.fiscal_start, o.threads, o.reject ? &reject : NULL };
	cards_read(&set, files, nfiles, &ro);

	score_init(&sc, &o, &set);
	check_detail_columns(&sc);
	score_groups(&sc);
	score_all(&sc);
	if (o.drivers) {
		write_drivers(&out, &sc);
	} else {
		score_trend(&sc);
		write_scores(&out, &sc);
	}
	if (o.reject)
		output_close(&reject);
	output_close(&out);
	if (!o.quiet)
		print_summary(&sc);

	score_free(&sc);
	cards_free(&set);
	tiers_free(&o.tiers);
	free_limits(o.caps, o.ncaps);
	free_limits(o.floors, o.nfloors);
	return SPM_EXIT_OK;
}
