/* Reading CRM exports: the column mapping (presets, a mapping file, single overrides),
 * won and lost stages, and what each deal or activity row adds to its groups. */
#include "spm-track.h"

#include "diag.h"
#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the columns of an export ---- */

/* an export's columns: not columns of a stream */
static const char *const column_names[EXPORT_COLUMNS] = { "rep", "date", "amount", "stage", "created", "id" };

struct preset {
	const char *name;
	const char *column[EXPORT_COLUMNS];
};

/* Header names as the CRMs write them in their standard exports. */
static const struct preset presets[] = {
	{ "salesforce", { "Opportunity Owner", "Close Date", "Amount", "Stage", "Created Date", "Opportunity ID" } },
	{ "hubspot", { "Deal owner", "Close Date", "Amount", "Deal Stage", "Create Date", "Record ID" } },
	{ "pipedrive", { "Deal - Owner", "Deal - Close time", "Deal - Value", "Deal - Status", "Deal - Deal created", "Deal - ID" } },
};

/* ---- column mapping ---- */

static enum export_column column_by_name(const char *name)
{
	for (int i = 0; i < EXPORT_COLUMNS; i++)
		if (strcmp(column_names[i], name) == 0)
			return (enum export_column)i;
	return EXPORT_COLUMNS;
}

struct mapping_reader {
	struct mapping *map;
	struct file_problem problem;
};

static int mapping_row(void *ctx, const struct row *row)
{
	struct mapping_reader *mr = ctx;
	if (row->len[0] && row->field[0][0] == '#')
		return 0;
	if (row->count != 2)
		return file_problem_at(&mr->problem, row, NULL, row->field[0],
				       "expected 'canonical<TAB>source column'");
	enum export_column c = column_by_name(row->field[0]);
	if (c == EXPORT_COLUMNS)
		return file_problem_at(&mr->problem, row, NULL, row->field[0],
				       "unknown canonical column (expected rep, date, amount, stage, created or id)");
	free(mr->map->column[c]);
	mr->map->column[c] = xmemdup0(row->field[1], row->len[1]);
	return 0;
}

/* A mapping file is TSV whose header is 'canonical<TAB>source'. */
static void load_mapping_file(const char *path, struct mapping *map)
{
	struct source *src = source_open(path, FORMAT_TSV);
	const struct header *h = source_header(src);
	if (h->count != 2 || strcmp(h->name[0], "canonical") || strcmp(h->name[1], "source")) {
		diag_at(path, 1, NULL, NULL, 0, "a mapping file starts with the header 'canonical<TAB>source'");
		diag_exit(SPM_EXIT_DATA);
	}
	struct mapping_reader mr = { .map = map };
	read_side_file(src, path, mapping_row, &mr, &mr.problem);
}

static const struct preset *preset_named(const char *name)
{
	for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
		if (strcmp(presets[i].name, name) == 0)
			return &presets[i];
	return NULL;
}

struct source *open_input(const struct track_options *opt, const char *path)
{
	return opt->delimiter ? source_open_delimited(path, opt->delimiter) : source_open(path, opt->format);
}

/* --map names a mapping file (not a preset): a path, with a / or a dot. */
bool map_is_file(const char *map)
{
	return map && !preset_named(map) && (strchr(map, '/') || strchr(map, '.'));
}

void build_mapping(const struct track_options *opt, struct mapping *map)
{
	memset(map, 0, sizeof *map);
	if (opt->map) {
		const struct preset *preset = preset_named(opt->map);
		if (preset) {
			for (int c = 0; c < EXPORT_COLUMNS; c++)
				map->column[c] = xstrdup(preset->column[c]);
		} else if (map_is_file(opt->map)) {
			load_mapping_file(opt->map, map);
		} else {
			diag_usage("--map: expected salesforce, hubspot, pipedrive or a mapping file (\"%s\")", opt->map);
		}
	}
	for (int c = 0; c < EXPORT_COLUMNS; c++) {
		if (opt->column[c]) {
			free(map->column[c]);
			map->column[c] = xstrdup(opt->column[c]);
		}
		if (!map->column[c]) /* unmapped: the canonical name itself (rep, date, ...) */
			map->column[c] = xstrdup(column_names[c]);
	}
	if (opt->by) { /* --by COLUMN: the rows are grouped by COLUMN instead of the rep */
		free(map->column[EXPORT_REP]);
		map->column[EXPORT_REP] = xstrdup(opt->by);
	}
}

void free_mapping(struct mapping *map)
{
	for (int c = 0; c < EXPORT_COLUMNS; c++)
		free(map->column[c]);
}

/* ---- dates and stages ---- */

static bool parse_date(struct chunk_state *cs, const char *s, size_t len, spm_day *out)
{
	const struct track_options *opt = cs->job->opt;
	if (opt->date_format)
		return date_parse_format(s, len, opt->date_format, out);
	return date_parse_iso_memo(cs->dates, s, len, out);
}

static bool stage_in(char **list, const size_t *lens, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (lens[i] == len && strncasecmp(list[i], s, len) == 0)
			return true;
	return false;
}

/* Won or lost by the stage lists of the job (case-insensitive), else open. */
enum deal_state deal_state_of(const struct job *job, const char *stage, size_t len)
{
	if (stage_in(job->won, job->won_len, job->nwon, stage, len))
		return DEAL_WON;
	if (stage_in(job->lost, job->lost_len, job->nlost, stage, len))
		return DEAL_LOST;
	return DEAL_OPEN;
}

size_t *item_lengths(char **items, size_t n)
{
	size_t *lens = xcalloc(n + 1, sizeof *lens);
	for (size_t i = 0; i < n; i++)
		lens[i] = strlen(items[i]);
	return lens;
}

/* ---- reading exports ---- */

static bool condition_holds(const struct condition *c, const struct row *row)
{
	const char *v = row->field[c->index];
	size_t len = row->len[c->index];
	bool equal = len == strlen(c->value) && memcmp(v, c->value, len) == 0;
	return equal != c->negate;
}

/* Reads the row's values of the custom metrics once; nonzero if one is bad. */
static int read_custom(struct chunk_state *cs, const struct row *row)
{
	const struct job *job = cs->job;
	for (size_t i = 0; i < job->metrics->nselected; i++) {
		const struct metric *m = job->metrics->selected[i];
		if (m->builtin != M_CUSTOM)
			continue;
		struct custom_value *v = &cs->custom[m->slot];
		memset(v, 0, sizeof *v);
		v->match = true;
		for (size_t k = 0; k < m->nwhere && v->match; k++)
			v->match = condition_holds(&m->where[k], row);
		if (!v->match || m->agg == AGG_COUNT)
			continue;
		v->raw = row->field[m->index];
		v->raw_len = row->len[m->index];
		if (v->raw_len == 0 || m->agg == AGG_DISTINCT) {
			v->has_value = v->raw_len != 0; /* empty values are not counted, as in SQL */
			continue;
		}
		enum decimal_status st = decimal_parse(v->raw, v->raw_len, job->opt->style, &v->value);
		if (st != DECIMAL_OK)
			return bad_row(cs, row, m->index, decimal_strerror(st));
		v->has_value = true;
	}
	return 0;
}

/* Adds the row's custom values (read_custom) to one group. */
static void add_custom(struct chunk_state *cs, struct custom_totals *ct, size_t group)
{
	const struct job *job = cs->job;
	for (size_t i = 0; i < job->metrics->nselected; i++) {
		const struct metric *m = job->metrics->selected[i];
		if (m->builtin != M_CUSTOM)
			continue;
		const struct custom_value *v = &cs->custom[m->slot];
		struct custom_totals *c = &ct[m->slot];
		if (!v->match)
			continue;
		if (m->agg == AGG_COUNT) {
			c->count++;
			continue;
		}
		if (!v->has_value)
			continue;
		if (m->agg == AGG_DISTINCT) {
			/* The set of values, not a count: chunks and files may share values, so
			 * counts are taken once all sets are merged (count_distinct). */
			size_t klen = distinct_key(cs, m->slot, group, v->raw, v->raw_len);
			table_upsert(cs->distinct, cs->distinct_key, klen, NULL);
			continue;
		}
		struct custom_totals one = { v->value, v->value, v->value, 1 };
		custom_add(c, &one, m->name);
	}
}

/* Adds a deal to one group: amount (the deal's, or its credited part) to its revenue or
 * pipeline; whole: the deal counts there (deal counts, cycle days, custom metrics). A group
 * given several parts of one deal (two split owners of one team) counts it once. */
void add_deal(struct chunk_state *cs, const struct deal_row *d, size_t g, decimal amount, bool whole)
{
	void *cell = group_totals(cs->groups, g);
	if (whole && cs->job->metrics->ncustom && !d->pipeline_only)
		add_custom(cs, deal_custom(cell), g);
	switch (d->state) {
	case DEAL_WON:
		if (!d->has_amount)
			amount = decimal_zero();
		if (whole || d->has_amount)
			deal_add_won(&cs->wide, cell, g, amount, whole, d->cycle);
		break;
	case DEAL_LOST:
		if (whole)
			deal_add_lost(&cs->wide, cell, g);
		break;
	case DEAL_OPEN:
		if (d->has_amount)
			deal_add_pipeline(&cs->wide, cell, g, amount);
		break;
	}
}

/* An effective-dated roster: the groups the row's rep was in on the close date, found
 * once (*dated cleared). Nonzero if the row is bad. */
static int owners_on_close(struct chunk_state *cs, const struct row *row, spm_day close,
			   struct owner_ref owners[LEVEL_COUNT], size_t *nowners, bool *dated)
{
	long rep = cs->job->col[EXPORT_REP];
	*dated = false;
	return find_owners_on(cs, row, rep, row->field[rep], row->len[rep], close, owners, nowners);
}

/* A stage's state, won then cancelled included, from the memo of the stages this chunk met
 * (an export has a dozen stages over millions of rows; the lists compare case-insensitively). */
static void stage_of(struct chunk_state *cs, const char *stage, size_t len, struct deal_row *d)
{
	const struct job *job = cs->job;
	struct stage_memo *e = NULL;
	uint64_t w[3];
	if (len <= STAGE_MEMO_TEXT) {
		text_words(stage, len, w);
		e = &cs->stages[text_words_hash(w, len) >> (64 - STAGE_MEMO_BITS)];
		if (e->len == len + 1 && e->word[0] == w[0] && e->word[1] == w[1] && e->word[2] == w[2] &&
		    (len <= TEXT_WORDS_EXACT || memcmp(e->text, stage, len) == 0)) {
			d->state = (enum deal_state)e->state;
			d->cancelled = e->cancelled;
			return;
		}
	}
	d->state = deal_state_of(job, stage, len);
	d->cancelled = false;
	if (d->state == DEAL_OPEN && clawback_stage(job, stage, len)) { /* won, then cancelled */
		d->state = DEAL_WON;
		d->cancelled = true;
	}
	if (e) {
		*e = (struct stage_memo){ .word = { w[0], w[1], w[2] }, .len = (uint8_t)(len + 1),
					  .state = (uint8_t)d->state, .cancelled = d->cancelled, .text = { 0 } };
		memcpy(e->text, stage, len);
	}
}

static struct owner_memo *owner_memo_slot(struct chunk_state *cs, const uint64_t w[3], size_t len)
{
	return &cs->owners[text_words_hash(w, len) >> (64 - OWNER_MEMO_BITS)];
}

/* The id of the owner named rep..len if the memo has it (a name met in a good row). A
 * run of few owners looked each up in the interning table: a hash of the whole name, a
 * probe, a compare; and checked its bytes again. */
static bool owner_memo_find(struct chunk_state *cs, const char *rep, size_t len, uint32_t *id)
{
	if (!cs->owners || len == 0 || len > OWNER_MEMO_TEXT)
		return false;
	uint64_t w[3];
	text_words(rep, len, w);
	const struct owner_memo *m = owner_memo_slot(cs, w, len);
	if (m->len != len || m->word[0] != w[0] || m->word[1] != w[1] || m->word[2] != w[2])
		return false;
	*id = m->id;
	return true;
}

/* Keeps the id of a good row's owner, while the groups are few: beyond, owners seldom
 * repeat within the memo's reach, and it is dropped. */
static void owner_memo_keep(struct chunk_state *cs, const char *rep, size_t len, uint32_t id)
{
	if (!cs->owners || len == 0 || len > OWNER_MEMO_TEXT)
		return;
	if (groups_beyond_cache(cs->groups)) {
		free(cs->owners);
		cs->owners = NULL;
		return;
	}
	uint64_t w[3];
	text_words(rep, len, w);
	*owner_memo_slot(cs, w, len) = (struct owner_memo){ { w[0], w[1], w[2] }, (uint32_t)len, id };
}

/* How a row's first owner is found: its id from the memo, or its name's hash, taken so
 * that its slot is fetched while the row is parsed. */
struct owner_lookup {
	uint32_t known; /* the id from the memo; UINT32_MAX: not there */
	struct owner_ref ahead;
	uint64_t ahead_hash;
};

/* What export_ahead found for the row, if it was shown and its entry is still there. */
static const struct owner_ahead *shown_ahead(const struct chunk_state *cs, const struct row *row)
{
	if (!row->shown)
		return NULL;
	const struct owner_ahead *a = &cs->ahead[(row->shown - 1) % LINES_AHEAD];
	return a->shown == row->shown ? a : NULL;
}

/* The row's owners (owners[0, *n)) and how the first is found; nonzero if the owner
 * column is bad (its problem set, as find_owners does). */
static int export_owners(struct chunk_state *cs, const struct row *row, struct owner_ref owners[LEVEL_COUNT],
			 size_t *n, struct owner_lookup *look)
{
	long rep = cs->job->col[EXPORT_REP];
	*look = (struct owner_lookup){ UINT32_MAX, { 0 }, 0 };
	if (owner_memo_find(cs, row->field[rep], row->len[rep], &look->known)) { /* met in a good row */
		owners[0] = (struct owner_ref){ LEVEL_REP, row->field[rep], row->len[rep] };
		*n = 1;
		return 0;
	}
	if (find_owners(cs, row, rep, owners, n))
		return 1;
	look->ahead = owners[0];
	/* a row shown ahead: its owner hashed (and its slot fetched) then, unless the owner is
	 * not the column's bytes (a roster's) */
	const struct owner_ahead *a = shown_ahead(cs, row);
	if (a && a->name == owners[0].name && a->len == owners[0].len && owners[0].level == LEVEL_REP)
		look->ahead_hash = a->hash;
	else
		look->ahead_hash = group_owner_ahead(cs->groups, owners[0].level, owners[0].name, owners[0].len);
	return 0;
}

/* The id of the row's owner r (its o-th) in the chunk's groups; the first kept in the memo. */
static uint32_t export_owner_id(struct chunk_state *cs, const struct owner_ref *r, size_t o,
				const struct owner_lookup *look)
{
	if (o == 0 && look->known != UINT32_MAX)
		return look->known;
	const struct owner_ref *a = &look->ahead;
	uint32_t id = r->name == a->name && r->len == a->len && r->level == a->level
			      ? group_owner_hashed(cs->groups, r->level, r->name, r->len, look->ahead_hash)
			      : group_owner(cs->groups, r->level, r->name, r->len);
	if (o == 0)
		owner_memo_keep(cs, r->name, r->len, id);
	return id;
}

/* Steps of fetching a row's groups ahead, in lines before its row is read (LINES_AHEAD):
 * its owner's slot; then the owner's entry and its groups' slots; then the rest of the
 * owner's name and the groups' totals. Each step finds what the one before fetched. */
enum { SLOT_STEP = LINES_AHEAD * 5 / 8, RECORD_STEP = LINES_AHEAD / 4 };

/* A record's owner and close date (field[AHEAD_OWNER], field[AHEAD_CLOSE]: main.c asks for
 * them) seen LINES_AHEAD records before its row is read, where owners are as the export
 * names them. At 100,000 owners each row met the cache misses of its owner and groups one
 * after the other, too close together for the row's own work to hide them. Only fetches:
 * the row is read as ever, whatever this found. */
bool export_ahead_wanted(void *ctx)
{
	const struct chunk_state *cs = ctx;
	return groups_beyond_cache(cs->groups); /* the fetches pay only then */
}

void export_ahead(void *ctx, const char *const f[], const size_t flen[])
{
	struct chunk_state *cs = ctx;
	const struct job *job = cs->job;
	const struct groups *g = cs->groups;
	uint64_t n = cs->ahead_lines++;
	cs->ahead_until = cs->tally.read + LINES_AHEAD; /* the rows read by then were fetched here */
	struct owner_ahead *a = &cs->ahead[n % LINES_AHEAD];
	a->hash = group_owner_ahead(g, LEVEL_REP, f[AHEAD_OWNER], flen[AHEAD_OWNER]);
	a->owner = SIZE_MAX;
	a->shown = n + 1; /* the reader counts the rows it shows as this does */
	a->name = f[AHEAD_OWNER];
	a->len = flen[AHEAD_OWNER];
	a->close_at = f[AHEAD_CLOSE];
	a->close_len = flen[AHEAD_CLOSE];
	a->dated = !job->opt->date_format &&
		   date_parse_iso_memo(cs->dates, f[AHEAD_CLOSE], flen[AHEAD_CLOSE], &a->close);
	if (n >= LINES_AHEAD - SLOT_STEP) { /* the owner's slot of the line shown then has come */
		struct owner_ahead *b = &cs->ahead[(n - (LINES_AHEAD - SLOT_STEP)) % LINES_AHEAD];
		b->owner = group_owner_entry_ahead(g, LEVEL_REP, b->hash);
		if (b->owner != SIZE_MAX && b->dated)
			group_slots_ahead(g, LEVEL_REP, b->owner, cs->periods, cached_day(cs, b->close), job->ncal);
	}
	if (n >= LINES_AHEAD - RECORD_STEP) { /* and the slots fetched for this one */
		const struct owner_ahead *c = &cs->ahead[(n - (LINES_AHEAD - RECORD_STEP)) % LINES_AHEAD];
		if (c->owner != SIZE_MAX) {
			group_owner_name_ahead(g, LEVEL_REP, c->owner);
			if (c->dated)
				group_records_ahead(g, LEVEL_REP, c->owner, cs->periods, cached_day(cs, c->close),
						    job->ncal);
		}
	}
}

int export_row(void *ctx, const struct row *row)
{
	struct chunk_state *cs = ctx;
	const struct job *job = cs->job;
	const struct metric_set *ms = job->metrics;
	const long *col = job->col;
	struct owner_ref owners[LEVEL_COUNT];
	size_t nowners;
	struct deal_row d = { DEAL_OPEN, decimal_zero(), false, 0, false, false };
	cs->tally.read++;
	if (row->count != job->header->count)
		return field_count_problem(cs, row);
	if (job->records) { /* --latest/--unique: one version of each record */
		enum record_verdict v = records_check(cs, row);
		if (v == RECORD_SKIP)
			return 0;
		if (v == RECORD_BAD)
			return reject_or_stop(cs, row);
	}
	const struct credit_deal *credit = NULL;
	uint64_t credit_hash = 0;
	bool split = false;
	if (job->credits) /* --credits: looked up once the row is parsed, its memory fetched meanwhile */
		credit_hash = credits_prefetch(job->credits, row->field[col[EXPORT_ID]], row->len[col[EXPORT_ID]]);
	/* With --credits, a bad owner column matters only for a deal with no revenue credit. */
	struct owner_lookup look;
	bool owner_bad = export_owners(cs, row, owners, &nowners, &look) != 0;
	if (owner_bad && !job->credits)
		return reject_or_stop(cs, row);

	if (ms->needs[EXPORT_STAGE]) {
		const char *stage = row->field[col[EXPORT_STAGE]];
		size_t len = row->len[col[EXPORT_STAGE]];
		if (len == 0) {
			bad_row(cs, row, col[EXPORT_STAGE], "empty stage");
			return reject_or_stop(cs, row);
		}
		stage_of(cs, stage, len, &d);
	}

	spm_day close;
	if (row->len[col[EXPORT_DATE]] == 0) {
		if (ms->needs[EXPORT_STAGE] && d.state == DEAL_OPEN) {
			cs->tally.used++;
			cs->tally.open_undated++; /* an open deal with no close date: in no period */
			return 0;
		}
		bad_row(cs, row, col[EXPORT_DATE], d.state == DEAL_OPEN ? "empty date" : "closed deal without a close date");
		return reject_or_stop(cs, row);
	}
	const struct owner_ahead *seen = shown_ahead(cs, row); /* the date read when the row was shown */
	if (seen && seen->dated && seen->close_at == row->field[col[EXPORT_DATE]] &&
	    seen->close_len == row->len[col[EXPORT_DATE]])
		close = seen->close;
	else if (!parse_date(cs, row->field[col[EXPORT_DATE]], row->len[col[EXPORT_DATE]], &close)) {
		bad_row(cs, row, col[EXPORT_DATE], job->opt->date_format ? "not a date in the --date-format layout"
								      : date_problem(row->field[col[EXPORT_DATE]], row->len[col[EXPORT_DATE]],
										     "not a date (YYYY-MM-DD; see --date-format)"));
		return reject_or_stop(cs, row);
	}

	/* the owner's slot has come meanwhile (unless export_ahead fetched the groups already:
	 * not once a CSV chunk has gone to libcsv) */
	if (!owner_bad && look.known == UINT32_MAX && cs->tally.read > cs->ahead_until && groups_beyond_cache(cs->groups))
		group_ahead(cs->groups, look.ahead.level, look.ahead_hash, cs->periods, cached_day(cs, close), job->ncal);

	if (ms->needs[EXPORT_AMOUNT] && d.state != DEAL_LOST) {
		const char *a = row->field[col[EXPORT_AMOUNT]];
		size_t len = row->len[col[EXPORT_AMOUNT]];
		enum decimal_status st = decimal_parse(a, len, job->opt->style, &d.amount);
		if (st == DECIMAL_OK) {
			d.has_amount = true;
			if (job->currency && currency_convert(cs, row, close, &d)) /* --rates */
				return reject_or_stop(cs, row);
		} else if (!(st == DECIMAL_EMPTY && d.state == DEAL_OPEN)) {
			bad_row(cs, row, col[EXPORT_AMOUNT], st == DECIMAL_EMPTY ? "won deal without an amount"
									     : decimal_strerror(st));
			return reject_or_stop(cs, row);
		}
	}

	if (ms->needs[EXPORT_CREATED] && d.state == DEAL_WON) {
		spm_day created;
		const char *c = row->field[col[EXPORT_CREATED]];
		size_t len = row->len[col[EXPORT_CREATED]];
		if (len == 0) {
			bad_row(cs, row, col[EXPORT_CREATED], "won deal without a created date");
			return reject_or_stop(cs, row);
		}
		if (!parse_date(cs, c, len, &created)) {
			bad_row(cs, row, col[EXPORT_CREATED], "not a date");
			return reject_or_stop(cs, row);
		}
		if (created > close) {
			bad_row(cs, row, col[EXPORT_CREATED], "created after the close date");
			return reject_or_stop(cs, row);
		}
		d.cycle = close - created;
	}

	if (job->credits) {
		credit = credits_find(job->credits, row->field[col[EXPORT_ID]], row->len[col[EXPORT_ID]], credit_hash);
		const char *why = credit ? credits_problem(job->credits, credit) : NULL;
		if (why) {
			bad_row(cs, row, col[EXPORT_ID], "bad credits");
			sb_printf(&cs->problem.detail, " at %s", why);
			cs->problem.has_value = false;
			return reject_or_stop(cs, row);
		}
		/* A deal with revenue credit goes to its credited owners, not its owner column. */
		split = credit && credits_has_revenue(credit);
		if (owner_bad && !split) {
			find_owners(cs, row, col[EXPORT_REP], owners, &nowners); /* its problem again */
			return reject_or_stop(cs, row);
		}
	}

	/* the groups the rep was in on the close date (an effective-dated roster): found here
	 * for a deal that is reversed (its reversal goes to them, whatever --from/--to keep),
	 * below for the others */
	bool dated = !split && job->roster && job->roster->dated;
	if (dated && job->clawback && d.state == DEAL_WON &&
	    (d.cancelled || (d.has_amount && decimal_sign(d.amount) < 0) || clawback_refunded(job, row)) &&
	    owners_on_close(cs, row, close, owners, &nowners, &dated))
		return reject_or_stop(cs, row);
	if (job->clawback && d.state == DEAL_WON) { /* reversals: counted on their own dates */
		int r = clawback_row(cs, row, close, &d, owners, nowners, split ? credit : NULL);
		if (r < 0)
			return reject_or_stop(cs, row);
		if (r > 0) { /* a negative amount: a reversal, not a won deal */
			cs->tally.used++;
			return 0;
		}
	}
	if (job->range.limited && (close < job->range.lo || close >= job->range.hi)) {
		cs->tally.used++;
		cs->tally.outside++;
		return 0;
	}
	if (job->span.limited && (close < job->span.lo || close >= job->span.hi)) {
		cs->tally.used++;
		cs->tally.unneeded++;
		return 0;
	}
	if (job->goals && close > job->opt->as_of) {
		/* Not yet happened on the as-of date, except an open deal: its close date is a
		 * forecast, and its amount is pipeline whatever the day. */
		if (!(ms->needs[EXPORT_STAGE] && d.state == DEAL_OPEN)) {
			cs->tally.used++;
			cs->tally.after_as_of++;
			return 0;
		}
		d.pipeline_only = true;
	}
	if (ms->ncustom && !d.pipeline_only && read_custom(cs, row))
		return reject_or_stop(cs, row);

	size_t day = cached_day(cs, close);
	const struct period *periods = cs->periods->period[day];
	if (dated && owners_on_close(cs, row, close, owners, &nowners, &dated))
		return reject_or_stop(cs, row);
	if (credit) { /* checks every credited owner before it adds anything */
		if (credits_add(cs, row, credit, &d, close, periods))
			return reject_or_stop(cs, row);
		cs->tally.credited++;
	}
	for (size_t o = 0; !split && o < nowners; o++) {
		uint32_t owner = export_owner_id(cs, &owners[o], o, &look);
		for (size_t k = 0; k < job->ncal; k++)
			add_deal(cs, &d, cached_group(cs, close, day, k, owner, owners[o].level), d.amount, true);
	}
	cs->tally.used++;
	return 0;
}

/* ---- the columns an export's header gives ---- */

void resolve_export_columns(struct job *job, const struct mapping *map)
{
	const struct header *h = job->header;
	for (int c = 0; c < EXPORT_COLUMNS; c++) {
		job->col[c] = -1;
		if (!job->metrics->needs[c] && c != EXPORT_ID)
			continue;
		long i = header_find(h, map->column[c]);
		if (i == -2)
			stream_column_twice(job->file, map->column[c], c == EXPORT_REP && job->opt->by ? "--by" : column_names[c]);
		if (i < 0 && job->metrics->needs[c]) {
			if (nearly_actuals(h))
				bind_actuals(job); /* says which actuals column is missing or doubled */
			/* the names cut visibly, as values are; a header of hundreds is listed to
			 * about a line's worth, then counted */
			struct sbuf found = { 0 };
			for (size_t k = 0; k < h->count; k++) {
				if (found.len > 900) {
					sb_printf(&found, ", ... (%zu columns)", h->count);
					break;
				}
				if (k)
					sb_str(&found, ", ");
				sb_cut_value(&found, h->name[k], strlen(h->name[k]));
			}
			if (c == EXPORT_REP && job->opt->by)
				diag_fatal(SPM_EXIT_DATA, "%s:1: no column \"%s\" for --by; the header has: %s", job->file,
					   map->column[c], sb_text(&found));
			diag_fatal(SPM_EXIT_DATA,
				   "%s:1: no column \"%s\" for %s (use --map or --%s); the header has: %s",
				   job->file, map->column[c], column_names[c], column_names[c], sb_text(&found));
		}
		job->col[c] = i;
	}
}

/* A custom metric names a column of the export, or one of the canonical names. */
static long resolve_named_column(const struct job *job, const struct mapping *map, const char *name,
				 const char *metric)
{
	long i = header_find(job->header, name);
	if (i == -1) {
		enum export_column c = column_by_name(name);
		if (c != EXPORT_COLUMNS) {
			name = map->column[c];
			i = header_find(job->header, name);
		}
	}
	if (i == -2) {
		size_t n = strlen(metric) + 16;
		char *role = xmalloc(n);
		snprintf(role, n, "metric %s", metric);
		stream_column_twice(job->file, name, role); /* exits */
	}
	if (i < 0)
		diag_fatal(SPM_EXIT_DATA, "%s:1: no column \"%s\" for metric %s", job->file, name, metric);
	return i;
}

void resolve_custom_columns(struct job *job, const struct mapping *map)
{
	struct metric_set *ms = job->metrics;
	for (size_t i = 0; i < ms->nselected; i++) {
		struct metric *m = ms->selected[i];
		if (m->builtin != M_CUSTOM)
			continue;
		m->index = m->column ? resolve_named_column(job, map, m->column, m->name) : -1;
		for (size_t k = 0; k < m->nwhere; k++)
			m->where[k].index = resolve_named_column(job, map, m->where[k].column, m->name);
	}
}

bool *wanted_columns(const struct job *job)
{
	bool *w = xcalloc(job->header->count + 1, sizeof *w);
	for (int c = 0; c < EXPORT_COLUMNS; c++)
		if (job->col[c] >= 0)
			w[job->col[c]] = true;
	for (size_t i = 0; i < job->metrics->nselected; i++) {
		const struct metric *m = job->metrics->selected[i];
		if (m->builtin != M_CUSTOM)
			continue;
		if (m->index >= 0)
			w[m->index] = true;
		for (size_t k = 0; k < m->nwhere; k++)
			w[m->where[k].index] = true;
	}
	return w;
}
