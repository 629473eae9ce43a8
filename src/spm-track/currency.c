/* Amounts in several currencies (--rates FILE, --currency COL): each deal's amount is
 * converted to the base currency at the rate of its close date (or of the period holding
 * it), multiplied exactly and rounded once, per deal, to the cent (half away from zero
 * unless --rounding half-even). An amount already in the base currency is taken as it is.
 * A missing rate or an unknown code is a bad row. */
#include "spm-track.h"

#include "diag.h"
#include "rates.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct currency {
	struct rates *rates;
	char base[4];
	long col; /* the export's currency column */
};

/* The currency column of each preset's multi-currency export. */
static const struct {
	const char *map, *column;
} preset_columns[] = {
	{ "salesforce", "Amount Currency" },
	{ "hubspot", "Currency" },
	{ "pipedrive", "Deal - Currency" },
};

struct currency *currency_setup(const struct track_options *opt)
{
	if (!opt->rates)
		return NULL;
	struct currency *c = xcalloc(1, sizeof *c);
	c->rates = rates_load(opt->rates, opt->base_currency, opt->fiscal_start);
	const char *base = rates_base(c->rates);
	if (!base)
		diag_usage("--rates %s names no base currency (no 'base' column): give --base-currency", opt->rates);
	memcpy(c->base, base, 4);
	c->col = -1;
	return c;
}

const char *currency_base(const struct currency *c)
{
	return c ? c->base : NULL;
}

const char *currency_of_metric(const struct job *job, const struct metric *m)
{
	if (!job->currency)
		return NULL;
	bool money = m->builtin == M_WON_REVENUE || m->builtin == M_PIPELINE || m->builtin == M_AVG_DEAL ||
		     m->builtin == M_OVERLAY_REVENUE || m->builtin == M_CLAWBACK;
	return money ? job->currency->base : "";
}

void currency_free(struct currency *c)
{
	if (!c)
		return;
	rates_free(c->rates);
	free(c);
}

void currency_resolve(struct job *job, const struct mapping *map, bool *wanted)
{
	(void)map;
	struct currency *c = job->currency;
	if (!c)
		return;
	const struct track_options *opt = job->opt;
	const char *name = opt->currency;
	for (size_t i = 0; !name && opt->map && i < sizeof preset_columns / sizeof preset_columns[0]; i++)
		if (strcmp(opt->map, preset_columns[i].map) == 0)
			name = preset_columns[i].column;
	if (!name)
		name = "currency"; /* an export's column: not a column of a stream */
	long i = header_find(job->header, name);
	if (i == -2)
		stream_column_twice(job->file, name, "currency"); /* a role, not a column */
	if (i < 0)
		diag_fatal(SPM_EXIT_DATA, "%s:1: no column \"%s\" for the currency (use --currency)", job->file, name);
	c->col = i;
	wanted[i] = true;
}

int currency_convert(struct chunk_state *cs, const struct row *row, spm_day close, struct deal_row *d)
{
	const struct job *job = cs->job;
	const struct currency *c = job->currency;
	const char *field = row->field[c->col];
	size_t len = row->len[c->col];
	char code[4];
	if (len == 0)
		return bad_row(cs, row, c->col, "empty currency");
	if (!currency_code(field, len, code))
		return bad_row(cs, row, c->col, "not a currency code (three letters such as EUR)");
	if (memcmp(code, c->base, 3) == 0)
		return 0;
	struct rate_hit hit;
	char day[DATE_TEXT_SIZE], found[DATE_TEXT_SIZE];
	switch (rates_find(c->rates, code, close, job->opt->rate_age, d->state == DEAL_OPEN, &hit)) {
	case RATE_FOUND:
		break;
	case RATE_UNKNOWN:
		bad_row(cs, row, c->col, "unknown currency: no rate in");
		sb_printf(&cs->problem.detail, " %s", job->opt->rates);
		return 1;
	case RATE_MISSING:
		date_format(close, day);
		bad_row(cs, row, c->col, rates_by_period(c->rates) ? "no rate for the period holding the close date"
								   : "no rate on or before the close date");
		sb_printf(&cs->problem.detail, " %s", day);
		return 1;
	case RATE_STALE:
		date_format(close, day);
		date_format(hit.day, found);
		bad_row(cs, row, c->col, job->opt->rate_age ? "no rate within --rate-age days of the close date"
							    : "no rate on the close date");
		sb_printf(&cs->problem.detail, " %s (the latest is of %s)", day, found);
		return 1;
	}
	decimal v;
	if (!decimal_mul(d->amount, hit.rate, 2, job->opt->rounding, &v))
		return bad_row(cs, row, c->col, "amount too large to convert");
	d->amount = v;
	cs->tally.converted++;
	return 0;
}
