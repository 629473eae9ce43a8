/* Split and overlay credit (--credits FILE, the credits stream of spm.7): each row credits
 * a deal, known by its record id (--id), to an owner with a share and a type.
 *
 *   revenue  the deal's amount is apportioned over its revenue credits by their shares,
 *            exactly: the parts are whole cents (largest remainder, lib/apportion.c) and
 *            add up to the amount. The shares of a deal add up to 1 exactly. A deal with
 *            no revenue credit goes to its owner column, as without --credits.
 *   overlay  the owner gets share × amount of a won deal (rounded to the cent; share 1:
 *            the amount itself) as overlay_revenue and the deal as overlay_deals, a metric
 *            family of its own that never enters won_revenue: group totals never count a
 *            deal twice.
 *
 * Deal counts (won_deals, lost_deals, cycle_days, custom metrics) are whole: each revenue
 * owner counts the deal once, and each group (team, manager, region) counts it once however
 * many of its reps share it. See CREDITS in spm-track(1) for why.
 *
 * Bad credits (a bad share or type, an empty owner, an owner not in the roster, one owner
 * twice in one deal, revenue shares that do not add up to 1) stop the run with
 * FILE:LINE: COLUMN: message; with --reject, the deal's row of the export goes to the
 * reject file with that reason instead. Credits of an id no input row has are warned about.
 * Memory: the credits file, never the export. */
#include "spm-track.h"

#include "apportion.h"
#include "diag.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct credit {
	size_t owner;     /* offset of the owner's bytes in names */
	size_t owner_len;
	decimal share;
	bool overlay;
	uint64_t line;
	size_t deal;      /* while loading: the deal's index */
};

struct credit_deal {
	size_t first, nrevenue, noverlay; /* slice of credits: revenue rows, then overlay rows */
	size_t problem;                   /* 1-based index into problems; 0: good */
	uint64_t line;                    /* its first line */
	atomic_bool seen;                 /* an input row has its id (set by the reading threads) */
};

struct credits {
	const char *path;
	const struct roster *roster;
	bool reject;
	struct table *ids;          /* id → index into deals */
	struct credit_deal *deals;
	size_t ndeals, deals_cap;
	struct credit *credit;      /* in file order while loading, then by deal */
	size_t ncredits, credit_cap;
	char *names;                /* the owners' bytes */
	size_t names_len, names_cap;
	char **problems;
	size_t nproblems, problems_cap;
	long col[4];                /* id owner share type */
	size_t ncolumns;
	struct file_problem problem;
};

enum { C_ID, C_OWNER, C_SHARE, C_TYPE };

/* ---- loading ---- */

/* Records a problem of deal (a bad row without --reject: stop reading). */
static int credit_problem(struct credits *c, size_t deal, const struct row *row, uint64_t line, long col,
			  const char *value, size_t value_len, const char *message)
{
	const char *column = col >= 0 ? column_name(col == C_ID ? COL_ID : col == C_OWNER ? COL_OWNER
							 : col == C_SHARE ? COL_SHARE : COL_TYPE)
				      : NULL;
	if (!c->reject) {
		if (row)
			return file_problem_at(&c->problem, row, column, value, message);
		diag_at(c->path, line, column, value, value_len, message);
		diag_exit(SPM_EXIT_DATA);
	}
	struct credit_deal *d = &c->deals[deal];
	if (d->problem)
		return 0; /* the first problem of a deal is its reason */
	char shown[300] = "";
	if (value)
		diag_quote_value(shown, sizeof shown, value, value_len);
	int n = snprintf(NULL, 0, "%s:%llu: %s%s%s%s%s%s", c->path, (unsigned long long)line, column ? column : "",
			 column ? ": " : "", message, value ? " (\"" : "", shown, value ? "\")" : "");
	char *text = xmalloc((size_t)n + 1);
	snprintf(text, (size_t)n + 1, "%s:%llu: %s%s%s%s%s%s", c->path, (unsigned long long)line,
		 column ? column : "", column ? ": " : "", message, value ? " (\"" : "", shown, value ? "\")" : "");
	xgrow((void **)&c->problems, &c->problems_cap, c->nproblems + 1, sizeof *c->problems);
	c->problems[c->nproblems++] = text;
	d->problem = c->nproblems;
	return 0;
}

static int credit_row(void *ctx, const struct row *row)
{
	struct credits *c = ctx;
	if (row->count != c->ncolumns)
		return file_problem_at(&c->problem, row, NULL, NULL,
				       row->count < c->ncolumns ? "too few fields" : "too many fields");
	const char *id = row->field[c->col[C_ID]];
	size_t id_len = row->len[c->col[C_ID]];
	if (id_len == 0)
		return file_problem_at(&c->problem, row, column_name(COL_ID), NULL, "empty id");
	bool created;
	size_t *index = table_upsert(c->ids, id, id_len, &created);
	if (created) {
		xgrow((void **)&c->deals, &c->deals_cap, c->ndeals + 1, sizeof *c->deals);
		memset(&c->deals[c->ndeals], 0, sizeof c->deals[c->ndeals]);
		c->deals[c->ndeals].line = row->line;
		*index = c->ndeals++;
	}
	size_t deal = *index;
	const char *owner = row->field[c->col[C_OWNER]];
	size_t owner_len = row->len[c->col[C_OWNER]];
	const char *share = row->field[c->col[C_SHARE]];
	size_t share_len = row->len[c->col[C_SHARE]];
	const char *type = row->field[c->col[C_TYPE]];
	size_t type_len = row->len[c->col[C_TYPE]];
	struct credit cr = { c->names_len, owner_len, decimal_zero(), false, row->line, deal };

	if (owner_len == 0)
		return credit_problem(c, deal, row, row->line, C_OWNER, NULL, 0, "empty owner");
	if (memchr(owner, '\0', owner_len))
		return credit_problem(c, deal, row, row->line, C_OWNER, NULL, 0, "owner holds a NUL byte");
	if (type_len == 7 && strncasecmp(type, "revenue", 7) == 0)
		cr.overlay = false;
	else if (type_len == 7 && strncasecmp(type, "overlay", 7) == 0)
		cr.overlay = true;
	else
		return credit_problem(c, deal, row, row->line, C_TYPE, type, type_len, "expected revenue or overlay");
	enum decimal_status st = decimal_parse(share, share_len, DECIMAL_POINT, &cr.share);
	if (st != DECIMAL_OK)
		return credit_problem(c, deal, row, row->line, C_SHARE, share, share_len, decimal_strerror(st));
	if (decimal_sign(cr.share) < 0)
		return credit_problem(c, deal, row, row->line, C_SHARE, share, share_len, "negative share");
	if (decimal_is_zero(cr.share))
		return credit_problem(c, deal, row, row->line, C_SHARE, share, share_len,
				      "zero share (leave the row out)");
	if (decimal_cmp(cr.share, decimal_from_int(1)) > 0)
		return credit_problem(c, deal, row, row->line, C_SHARE, share, share_len,
				      "share above 1 (a share is a fraction: 0.6 for 60 %)");
	if (c->roster && !roster_find_rep(c->roster, owner, owner_len))
		return credit_problem(c, deal, row, row->line, C_OWNER, owner, owner_len, "not in the roster");

	xgrow((void **)&c->names, &c->names_cap, c->names_len + owner_len + 1, 1);
	memcpy(c->names + c->names_len, owner, owner_len);
	c->names_len += owner_len;
	xgrow((void **)&c->credit, &c->credit_cap, c->ncredits + 1, sizeof *c->credit);
	c->credit[c->ncredits++] = cr;
	if (cr.overlay)
		c->deals[deal].noverlay++;
	else
		c->deals[deal].nrevenue++;
	return 0;
}

static const struct credits *sort_names; /* qsort has no context argument */

static int compare_owners(const void *pa, const void *pb)
{
	const struct credit *a = pa, *b = pb;
	int r = bytes_cmp(sort_names->names + a->owner, a->owner_len, sort_names->names + b->owner, b->owner_len);
	if (r)
		return r;
	return a->line < b->line ? -1 : a->line > b->line;
}

/* Lays each deal's credits out together (revenue first, in file order), then checks what
 * needs a whole deal: one owner once, revenue shares adding up to 1. */
static void check_deals(struct credits *c)
{
	size_t at = 0;
	for (size_t i = 0; i < c->ndeals; i++) {
		c->deals[i].first = at;
		at += c->deals[i].nrevenue + c->deals[i].noverlay;
	}
	struct credit *by_deal = xcalloc(c->ncredits + 1, sizeof *by_deal);
	size_t *rev = xcalloc(c->ndeals + 1, sizeof *rev), *ovl = xcalloc(c->ndeals + 1, sizeof *ovl);
	for (size_t k = 0; k < c->ncredits; k++) {
		const struct credit *cr = &c->credit[k];
		struct credit_deal *d = &c->deals[cr->deal];
		size_t slot = cr->overlay ? d->first + d->nrevenue + ovl[cr->deal]++ : d->first + rev[cr->deal]++;
		by_deal[slot] = *cr;
	}
	free(rev);
	free(ovl);
	free(c->credit);
	c->credit = by_deal;
	c->credit_cap = c->ncredits;

	struct credit *tmp = NULL;
	size_t tmp_cap = 0;
	sort_names = c;
	for (size_t i = 0; i < c->ndeals; i++) {
		struct credit_deal *d = &c->deals[i];
		size_t n = d->nrevenue + d->noverlay;
		/* one owner twice: the later line names the earlier */
		xgrow((void **)&tmp, &tmp_cap, n + 1, sizeof *tmp);
		memcpy(tmp, c->credit + d->first, n * sizeof *tmp);
		qsort(tmp, n, sizeof *tmp, compare_owners);
		uint64_t worst = 0, other = 0;
		const struct credit *dup = NULL;
		for (size_t k = 1; k < n; k++) {
			if (bytes_cmp(c->names + tmp[k].owner, tmp[k].owner_len, c->names + tmp[k - 1].owner,
				      tmp[k - 1].owner_len) != 0)
				continue;
			if (!dup || tmp[k].line < worst) {
				dup = &tmp[k];
				worst = tmp[k].line;
				other = tmp[k - 1].line;
			}
		}
		if (dup) {
			char msg[160];
			snprintf(msg, sizeof msg, "credited twice in one deal: also at line %llu",
				 (unsigned long long)other);
			credit_problem(c, i, NULL, dup->line, C_OWNER, c->names + dup->owner, dup->owner_len, msg);
			continue;
		}
		if (d->nrevenue == 0)
			continue;
		decimal sum = decimal_zero();
		for (size_t k = 0; k < d->nrevenue; k++)
			if (!decimal_add(sum, c->credit[d->first + k].share, &sum))
				sum_overflow("share");
		if (decimal_cmp(sum, decimal_from_int(1)) != 0) {
			char total[64], msg[200];
			decimal_format(sum, -1, total, sizeof total);
			size_t idlen;
			const char *id = table_key(c->ids, i, &idlen);
			char shown[128] = "";
			diag_quote_value(shown, sizeof shown, id, idlen);
			snprintf(msg, sizeof msg, "revenue shares of deal \"%s\" add up to %s, not 1", shown, total);
			credit_problem(c, i, NULL, c->credit[d->first].line, C_SHARE, NULL, 0, msg);
		}
	}
	free(tmp);
}

struct credits *credits_load(const char *path, const struct roster *roster, bool reject)
{
	struct credits *c = xcalloc(1, sizeof *c);
	c->path = path;
	c->roster = roster;
	c->reject = reject;
	c->ids = table_new(sizeof(size_t));
	struct source *src = source_open(path, FORMAT_AUTO);
	const struct header *h = source_header(src);
	struct stream_binding b;
	stream_bind(STREAM_CREDITS, h, path, NULL, 0, &b);
	c->col[C_ID] = stream_at(&b, COL_ID);
	c->col[C_OWNER] = stream_at(&b, COL_OWNER);
	c->col[C_SHARE] = stream_at(&b, COL_SHARE);
	c->col[C_TYPE] = stream_at(&b, COL_TYPE);
	c->ncolumns = h->count;
	read_side_file(src, path, credit_row, c, &c->problem);
	check_deals(c);
	return c;
}

void credits_free(struct credits *c)
{
	if (!c)
		return;
	table_free(c->ids);
	free(c->deals);
	free(c->credit);
	free(c->names);
	for (size_t i = 0; i < c->nproblems; i++)
		free(c->problems[i]);
	free(c->problems);
	free(c);
}

size_t credits_rows(const struct credits *c)
{
	return c->ncredits;
}

/* ---- crediting deals ---- */

const struct credit_deal *credits_find(const struct credits *c, const char *id, size_t len)
{
	if (len == 0)
		return NULL;
	const size_t *index = table_find(c->ids, id, len);
	if (!index)
		return NULL;
	struct credit_deal *d = &c->deals[*index];
	if (!atomic_load_explicit(&d->seen, memory_order_relaxed))
		atomic_store_explicit(&d->seen, true, memory_order_relaxed);
	return d;
}

const char *credits_problem(const struct credits *c, const struct credit_deal *cd)
{
	return cd->problem ? c->problems[cd->problem - 1] : NULL;
}

bool credits_has_revenue(const struct credit_deal *cd)
{
	return cd->nrevenue > 0;
}

/* The name of credit k's owner at each level of the job on day (owners[k × nlevels + i];
 * len 0: no group there). Nonzero if the row is bad. */
static int resolve(struct chunk_state *cs, const struct row *row, const struct credits *c, const struct credit *cr,
		   size_t n, spm_day day, struct owner_ref *owners)
{
	const struct job *job = cs->job;
	long col = job->col[EXPORT_ID];
	for (size_t k = 0; k < n; k++) {
		const char *name = c->names + cr[k].owner;
		struct owner_ref found[LEVEL_COUNT];
		size_t nfound;
		for (size_t i = 0; i < job->nlevels; i++)
			owners[k * job->nlevels + i] = (struct owner_ref){ job->level[i], NULL, 0 };
		if (find_owners_on(cs, row, col, name, cr[k].owner_len, day, found, &nfound)) {
			/* the credited owner, not the id, is what is wrong */
			char detail[sizeof cs->problem.detail];
			memcpy(detail, cs->problem.detail, sizeof detail);
			const char *msg = cs->problem.message;
			bad_row(cs, row, col, "credited owner");
			snprintf(cs->problem.detail, sizeof cs->problem.detail, " \"%.*s\" (%s:%llu) %.60s%.160s",
				 (int)(cr[k].owner_len > 64 ? 64 : cr[k].owner_len), name, c->path,
				 (unsigned long long)cr[k].line, msg, detail);
			cs->problem.has_value = false;
			return 1;
		}
		for (size_t f = 0; f < nfound; f++)
			for (size_t i = 0; i < job->nlevels; i++)
				if (job->level[i] == found[f].level)
					owners[k * job->nlevels + i] = found[f];
	}
	return 0;
}

/* Whether credit k's group at level i is also an earlier credit's: it counts the deal once. */
static bool seen_before(const struct owner_ref *owners, size_t nlevels, size_t k, size_t i)
{
	const struct owner_ref *o = &owners[k * nlevels + i];
	for (size_t j = 0; j < k; j++) {
		const struct owner_ref *p = &owners[j * nlevels + i];
		if (p->len == o->len && memcmp(p->name, o->name, o->len) == 0)
			return true;
	}
	return false;
}

int credits_add(struct chunk_state *cs, const struct row *row, const struct credit_deal *cd,
		const struct deal_row *d, spm_day close, const struct period *periods)
{
	const struct job *job = cs->job;
	const struct credits *c = job->credits;
	size_t n = cd->nrevenue + cd->noverlay, nl = job->nlevels;
	const struct credit *cr = c->credit + cd->first;
	struct owner_ref *owners = xcalloc(n * nl + 1, sizeof *owners);
	decimal *parts = xcalloc(n + 1, sizeof *parts);
	decimal *weights = xcalloc(n + 1, sizeof *weights);
	int bad = resolve(cs, row, c, cr, n, close, owners);
	if (bad)
		goto done;

	/* revenue: the amount apportioned to the cent over the shares */
	if (cd->nrevenue && d->has_amount && d->state != DEAL_LOST) {
		decimal total = d->amount, cent;
		bool negative = decimal_sign(total) < 0;
		if (negative)
			decimal_sub(decimal_zero(), total, &total);
		decimal_parse("0.01", 4, DECIMAL_POINT, &cent);
		for (size_t k = 0; k < cd->nrevenue; k++)
			weights[k] = cr[k].share;
		if (!apportion(total, weights, cd->nrevenue, cent, parts))
			sum_overflow("won_revenue");
		for (size_t k = 0; negative && k < cd->nrevenue; k++)
			decimal_sub(decimal_zero(), parts[k], &parts[k]);
	}
	for (size_t k = 0; k < cd->nrevenue; k++) {
		for (size_t i = 0; i < nl; i++) {
			const struct owner_ref *o = &owners[k * nl + i];
			if (o->len == 0)
				continue;
			bool whole = !seen_before(owners, nl, k, i);
			for (size_t p = 0; p < job->ncal; p++) {
				size_t key_len;
				const char *key = group_key(cs, periods[p], o->level, o->name, o->len, NULL, &key_len);
				add_deal(cs, d, table_upsert(cs->groups, key, key_len, NULL), key, key_len, parts[k], whole);
			}
		}
	}

	/* overlay: won deals only, in their own metrics */
	if (d->state == DEAL_WON && !d->pipeline_only) {
		for (size_t k = cd->nrevenue; k < n; k++) {
			decimal amount = decimal_zero();
			if (d->has_amount && decimal_cmp(cr[k].share, decimal_from_int(1)) == 0)
				amount = d->amount;
			else if (d->has_amount && !decimal_mul(d->amount, cr[k].share, 2, ROUND_HALF_AWAY, &amount))
				sum_overflow("overlay_revenue");
			for (size_t i = 0; i < nl; i++) {
				const struct owner_ref *o = &owners[k * nl + i];
				if (o->len == 0)
					continue;
				bool whole = true;
				for (size_t j = cd->nrevenue; j < k && whole; j++) {
					const struct owner_ref *q = &owners[j * nl + i];
					whole = !(q->len == o->len && memcmp(q->name, o->name, o->len) == 0);
				}
				for (size_t p = 0; p < job->ncal; p++) {
					size_t key_len;
					const char *key = group_key(cs, periods[p], o->level, o->name, o->len, NULL, &key_len);
					struct deal_totals *t = table_upsert(cs->groups, key, key_len, NULL);
					if (!add_or_fail(&t->overlay_revenue, amount))
						sum_overflow("overlay_revenue");
					if (whole)
						t->overlay_deals++;
				}
			}
		}
	}
done:
	free(owners);
	free(parts);
	free(weights);
	return bad;
}

uint64_t credits_warn_unknown(const struct credits *c)
{
	uint64_t n = 0;
	for (size_t i = 0; i < c->ndeals; i++) {
		const struct credit_deal *d = &c->deals[i];
		if (atomic_load_explicit(&d->seen, memory_order_relaxed))
			continue;
		if (++n <= 10) {
			size_t len;
			const char *id = table_key(c->ids, i, &len);
			diag_at(c->path, d->line, column_name(COL_ID), id, len,
				"warning: no deal of the input has this id; its credits are not used");
		}
	}
	if (n > 10)
		fprintf(stderr, "%s: %s: warning: %llu more ids with no deal in the input\n", diag_program(), c->path,
			(unsigned long long)(n - 10));
	return n;
}
