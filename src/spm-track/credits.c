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
#include "arena.h"
#include "diag.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* One credit row: 24 bytes, as a credits file may hold millions. */
struct credit {
	int64_t share;     /* in billionths (decimal units): a share is at most 1 */
	uint64_t line;
	uint32_t owner;    /* index of the owner's name in owners */
	uint32_t deal : 31, overlay : 1; /* while loading: the deal's index */
};

/* A deal's problem while loading (--reject): its line and what is wrong. A chunk read by
 * another thread numbers its lines from its own start, so "FILE:LINE: " is put in front
 * once the chunks are put together (credits_finish_problems). */
struct credit_note {
	uint64_t line;
	char *text;
};

/* One cache line: an export row that finds its deal reads only this line and its slot. */
struct credit_deal {
	uint32_t first, nrevenue, noverlay; /* slice of credits: revenue rows, then overlay rows */
	uint32_t problem;                   /* 1-based index into problems; 0: good */
	uint64_t line;                      /* its first line */
	uint64_t hash;                      /* of its id */
	size_t id_at;                       /* its id: ids[id_at .. id_at + id_len) */
	uint32_t id_len;
	atomic_bool seen;                   /* an input row has its id (set by the reading threads) */
	char head[19];                      /* the id's first bytes: a CRM's ids (Salesforce 18) whole */
};
_Static_assert(sizeof(struct credit_deal) <= 64, "a deal is one cache line");

enum { OWNER_SEEN = 1024 };
enum { HUGE_PAGE_BYTES = 2 * 1024 * 1024 }; /* from this size, lib/arena's arrays are mapped pages */

/* The deals by id: open addressing over slots that hold a tag of the hash (its low 32
 * bits, in the slot's high half) and the deal's index + 1 (low half), at most half full; a Bloom filter in front
 * answers for the export rows whose id has no credit (most rows). */
struct credits {
	const char *path;
	const struct roster *roster;
	bool reject;
	uint64_t *slots;
	size_t nslots;
	unsigned slot_shift;        /* 64 - log2(nslots): a hash's top bits are its home slot */
	uint64_t *filter;           /* a blocked Bloom filter of the ids, 8 to 16 bits a deal:
				     * far smaller than the slots, it answers "no credit" for
				     * most rows with one word */
	size_t filter_mask, filter_cap;
	char *ids;                  /* the deals' ids, one after the other */
	size_t ids_len, ids_cap;
	struct credit_deal *deals;
	size_t ndeals, deals_cap;
	struct credit *credit;      /* in file order while loading, then by deal */
	size_t ncredits, credit_cap;
	struct table *owners;       /* owner name → nothing: its entry index is its number */
	uint32_t owner_seen[OWNER_SEEN]; /* number + 1 of an owner met lately, by owner_spot */
	bool scattered;             /* a deal's rows apart, or a revenue row after an overlay row
				     * of its deal: its credits are laid out anew (lay_out_credits) */
	struct credit_note *notes;  /* the deals' problems (--reject), in file order */
	size_t nnotes, notes_cap;
	char **problems;            /* their texts, once every line number is known */
	long col[4];                /* id owner share type */
	size_t ncolumns;
	struct file_problem problem;
};

enum { C_ID, C_OWNER, C_SHARE, C_TYPE };

/* ---- the deals by id ---- */

/* An array of zeros from lib/arena, at least 2 MiB so that it comes on huge pages (*cap:
 * its count, for xfree_large). Each fresh page costs a fault: 13 µs for 4 KiB where this
 * was measured, 150 µs for 2 MiB. For an array of a few hundred KiB written all over, the
 * one big page is the cheaper, and its reads miss the TLB less. */
static void *xcalloc_huge_page(size_t count, size_t elem_size, size_t *cap)
{
	size_t least = HUGE_PAGE_BYTES / elem_size;
	*cap = count > least ? count : least;
	return xcalloc_huge(*cap, elem_size);
}

/* The 8 bytes of p from at. */
static inline uint64_t word_at(const char *p, size_t at)
{
	uint64_t w;
	memcpy(&w, p + at, sizeof w);
	return w;
}

/* The hash of a record id, taken for every row of the export: a CRM's ids (8 to 24 bytes,
 * Salesforce's 15 or 18) from three overlapping words, inline; others by hash_bytes. Every
 * bit is mixed: the slots use the top bits and the low 32, the filter the low and the
 * middle ones. */
static inline uint64_t credit_id_hash(const char *id, size_t len)
{
	if (len < 8 || len > 24)
		return hash_bytes(id, len);
	uint64_t a, b, e;
	memcpy(&a, id, 8);
	memcpy(&b, id + len / 2 - 4, 8);
	memcpy(&e, id + len - 8, 8);
	uint64_t h = (a ^ UINT64_C(0x9e3779b97f4a7c15)) * UINT64_C(0xbf58476d1ce4e5b9);
	h ^= (b + len) * UINT64_C(0x94d049bb133111eb);
	h = (h ^ (h >> 29) ^ e) * UINT64_C(0xbf58476d1ce4e5b9);
	h ^= h >> 32;
	h *= UINT64_C(0x94d049bb133111eb);
	return h ^ (h >> 29);
}

/* xgrow_large, called only when the table is full: the tables are sized once from the
 * file (credits_part), and the call per row showed in profiles. */
static inline void reserve(void **ptr, size_t *cap, size_t need, size_t elem_size)
{
	if (need > *cap)
		xgrow_large(ptr, cap, need, elem_size);
}

static const char *deal_id(const struct credits *c, const struct credit_deal *d)
{
	return c->ids + d->id_at;
}

/* Whether deal d has that id; the ids array is read only for a long id's tail. */
static bool deal_has_id(const struct credits *c, const struct credit_deal *d, const char *id, size_t len)
{
	if (d->id_len != len)
		return false;
	if (len >= 8 && len <= sizeof d->head) /* a CRM's id: three overlapping words, no call */
		return word_at(d->head, 0) == word_at(id, 0) && word_at(d->head, len / 2 - 4) == word_at(id, len / 2 - 4) &&
		       word_at(d->head, len - 8) == word_at(id, len - 8);
	size_t head = len < sizeof d->head ? len : sizeof d->head;
	return memcmp(d->head, id, head) == 0 &&
	       (len == head || memcmp(deal_id(c, d) + head, id + head, len - head) == 0);
}

/* A deal's home slot is the top bits of its hash, its tag the low 32 bits: deals taken
 * in the order of their hash fill the slots from first to last. */
static size_t home_slot(const struct credits *c, uint64_t h)
{
	return (size_t)(h >> c->slot_shift);
}

static size_t find_deal_slot(const struct credits *c, uint64_t h, const char *id, size_t len)
{
	size_t mask = c->nslots - 1;
	uint32_t tag = (uint32_t)h;
	for (size_t i = home_slot(c, h);; i = (i + 1) & mask) {
		uint64_t s = c->slots[i];
		if (s == 0)
			return i;
		if ((uint32_t)(s >> 32) == tag) {
			const struct credit_deal *d = &c->deals[(uint32_t)s - 1];
			if (deal_has_id(c, d, id, len))
				return i;
		}
	}
}

/* The deal of a credit row. While loading, a row whose id differs from the last row's
 * starts a deal (a split export lists a deal's rows together); ids met again further on
 * are merged by index_deals, which looks each deal up once in an order that keeps the
 * table in the cache. Probing a random slot per row while loading cost more than the
 * rest of the load. */
static size_t deal_upsert(struct credits *c, const char *id, size_t len, uint64_t line)
{
	if (c->ndeals) {
		const struct credit_deal *last = &c->deals[c->ndeals - 1];
		if (deal_has_id(c, last, id, len))
			return c->ndeals - 1;
	}
	if (c->ndeals >= INT32_MAX || len > UINT32_MAX)
		diag_fatal(SPM_EXIT_USAGE, "%s: too many deals", c->path);
	reserve((void **)&c->ids, &c->ids_cap, c->ids_len + len + 1, 1);
	memcpy(c->ids + c->ids_len, id, len);
	reserve((void **)&c->deals, &c->deals_cap, c->ndeals + 1, sizeof *c->deals);
	struct credit_deal *d = &c->deals[c->ndeals];
	memset(d, 0, sizeof *d);
	d->line = line;
	d->hash = credit_id_hash(id, len);
	d->id_at = c->ids_len;
	d->id_len = (uint32_t)len;
	memcpy(d->head, id, len < sizeof d->head ? len : sizeof d->head);
	c->ids_len += len;
	return c->ndeals++;
}

/* Folds deal `from` (an id met again, later in the file) into deal `into`. */
static void merge_deal(struct credits *c, size_t into, size_t from)
{
	struct credit_deal *a = &c->deals[into];
	const struct credit_deal *b = &c->deals[from];
	a->nrevenue += b->nrevenue;
	a->noverlay += b->noverlay;
	if (b->problem && (!a->problem || b->problem < a->problem))
		a->problem = b->problem; /* problems are numbered in file order: the first one */
}

/* Puts the deals into the slots, at most half full, and merges the deals whose id came
 * back after other ids. Deals are taken in the order of their home slot (a counting sort
 * on its top bits), so the slots are written front to back; the same id has the same
 * home, and its first deal (the lowest index: the sort keeps the order) is found first. */
static void index_deals(struct credits *c)
{
	unsigned bits = 10;
	while (bits < 40 && ((size_t)1 << bits) < c->ndeals * 2)
		bits++;
	c->nslots = (size_t)1 << bits;
	c->slot_shift = 64 - bits;
	c->slots = xcalloc_huge(c->nslots, sizeof *c->slots);
	/* 2,048 buckets at most: each bucket's next place stays in the cache while the deals
	 * are dealt out, and a bucket covers a short run of slots */
	unsigned bucket_bits = bits < 11 ? bits : 11;
	size_t nbuckets = (size_t)1 << bucket_bits;
	uint32_t *start = xcalloc(nbuckets + 1, sizeof *start);
	/* the deals by home: written in bucket order, all over the array */
	struct deal_home { uint64_t hash; size_t deal; } *order;
	size_t order_cap;
	order = xcalloc_huge_page(c->ndeals + 1, sizeof *order, &order_cap);
	for (size_t k = 0; k < c->ndeals; k++)
		start[(c->deals[k].hash >> (64 - bucket_bits)) + 1]++;
	for (size_t b = 0; b < nbuckets; b++)
		start[b + 1] += start[b];
	for (size_t k = 0; k < c->ndeals; k++) {
		uint32_t j = start[c->deals[k].hash >> (64 - bucket_bits)]++;
		order[j].hash = c->deals[k].hash;
		order[j].deal = k;
	}
	free(start);

	uint32_t *into = NULL; /* a merged deal: the deal it went into; else itself */
	size_t mask = c->nslots - 1;
	for (size_t j = 0; j < c->ndeals; j++) {
		uint64_t h = order[j].hash;
		size_t k = order[j].deal, i = home_slot(c, h);
		for (;; i = (i + 1) & mask) { /* a deal is read only when its tag matches */
			uint64_t s = c->slots[i];
			if (s == 0 || ((uint32_t)(s >> 32) == (uint32_t)h &&
				       deal_has_id(c, &c->deals[(uint32_t)s - 1], deal_id(c, &c->deals[k]),
						   c->deals[k].id_len)))
				break;
		}
		if (c->slots[i] == 0) {
			c->slots[i] = (uint64_t)(uint32_t)h << 32 | (uint64_t)(k + 1);
			continue;
		}
		if (!into) {
			c->scattered = true; /* the id came back after other ids: its rows are apart */
			into = xcalloc(c->ndeals + 1, sizeof *into);
			for (size_t m = 0; m < c->ndeals; m++)
				into[m] = (uint32_t)m;
		}
		into[k] = (uint32_t)c->slots[i] - 1;
		merge_deal(c, into[k], k);
	}
	xfree_large(order, order_cap, sizeof *order);
	if (!into)
		return;

	/* Drop the merged deals: renumber the others, their slots and the credits. */
	uint32_t *number = xcalloc(c->ndeals + 1, sizeof *number);
	size_t kept = 0;
	for (size_t k = 0; k < c->ndeals; k++) {
		if (into[k] != k)
			continue;
		number[k] = (uint32_t)kept;
		c->deals[kept++] = c->deals[k];
	}
	for (size_t i = 0; i < c->nslots; i++)
		if (c->slots[i])
			c->slots[i] = (c->slots[i] >> 32 << 32) | (uint64_t)(number[(uint32_t)c->slots[i] - 1] + 1);
	for (size_t k = 0; k < c->ncredits; k++)
		c->credit[k].deal = number[into[c->credit[k].deal]] & INT32_MAX;
	c->ndeals = kept;
	free(number);
	free(into);
}

static uint64_t filter_bits(uint64_t h)
{
	return (UINT64_C(1) << ((h >> 40) & 63)) | (UINT64_C(1) << ((h >> 46) & 63)) | (UINT64_C(1) << ((h >> 52) & 63));
}

static void build_filter(struct credits *c)
{
	/* 8 to 16 bits a deal and 3 bits per id: 0.5 to 4 % false positives, each a read of
	 * a slot that was fetched anyway. With 4 to 8 bits and 2, a tenth of the rows without
	 * credit passed; with 16 to 32 (256 KiB for 100,000 deals) the filter was twice the
	 * size for a few rows fewer, and missed the cache more often. */
	size_t words = 64;
	while (words < c->ndeals / 8 + 1)
		words *= 2;
	c->filter = xcalloc_huge_page(words, sizeof *c->filter, &c->filter_cap);
	c->filter_mask = words - 1;
	for (size_t k = 0; k < c->ndeals; k++)
		c->filter[c->deals[k].hash & c->filter_mask] |= filter_bits(c->deals[k].hash);
}

static const char *owner_name(const struct credits *c, uint32_t owner, size_t *len)
{
	return table_key(c->owners, owner, len);
}

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
	/* the value cut, not escaped: the text becomes the detail of the deal's bad row, which
	 * is escaped as a whole when it is printed or written (spm-track's format_problem_text) */
	if (c->nnotes >= UINT32_MAX)
		diag_fatal(SPM_EXIT_USAGE, "%s: too many bad credits", c->path);
	struct sbuf text = { 0 };
	sb_printf(&text, "%s%s%s", column ? column : "", column ? ": " : "", message);
	if (value) {
		sb_str(&text, " (\"");
		sb_cut_value(&text, value, value_len);
		sb_str(&text, "\")");
	}
	xgrow((void **)&c->notes, &c->notes_cap, c->nnotes + 1, sizeof *c->notes);
	c->notes[c->nnotes++] = (struct credit_note){ line, text.s }; /* the notes own it */
	d->problem = (uint32_t)c->nnotes;
	return 0;
}

/* The texts of the deals' problems, "FILE:LINE: COLUMN: message", as credits_problem
 * gives them. */
static void credits_finish_problems(struct credits *c)
{
	c->problems = xcalloc(c->nnotes + 1, sizeof *c->problems);
	for (size_t i = 0; i < c->nnotes; i++) {
		const struct credit_note *note = &c->notes[i];
		int n = snprintf(NULL, 0, "%s:%llu: %s", c->path, (unsigned long long)note->line, note->text);
		if (n < 0)
			diag_fatal(SPM_EXIT_USAGE, "%s: cannot format a problem", c->path);
		c->problems[i] = xmalloc((size_t)n + 1);
		snprintf(c->problems[i], (size_t)n + 1, "%s:%llu: %s", c->path, (unsigned long long)note->line,
			 note->text);
		free(note->text);
	}
	free(c->notes);
	c->notes = NULL;
	c->notes_cap = 0;
}

enum { SHARE_ONE = 1000000000 }; /* a share of 1 in billionths (decimal units) */
_Static_assert(DECIMAL_PLACES == 9, "shares are kept in billionths");

/* Most shares: "1" or "0." and 1 to 9 decimals, read here in billionths as decimal_parse
 * would read them (so from 0 to 1); false for anything else, which decimal_parse reads or
 * rejects. */
static bool share_plain(const char *s, size_t len, int64_t *units)
{
	/* billionths of the last decimal written: 0.6 is 6 × 10^8 */
	static const int64_t scale[DECIMAL_PLACES + 1] = { SHARE_ONE, 100000000, 10000000, 1000000, 100000,
							    10000,     1000,      100,      10,      1 };
	if (len == 1 && s[0] == '1') {
		*units = SHARE_ONE;
		return true;
	}
	if (len < 3 || len > 2 + DECIMAL_PLACES || s[0] != '0' || s[1] != '.')
		return false;
	int64_t read = 0;
	for (size_t i = 2; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		read = read * 10 + (s[i] - '0');
	}
	*units = read * scale[len - 2];
	return true;
}

/* An owner's place in owner_seen: from its length and its first and last 8 bytes. */
static size_t owner_spot(const char *owner, size_t len)
{
	uint64_t head = 0, tail = 0;
	if (len >= 8) { /* most names: two fixed loads, no call */
		memcpy(&head, owner, 8);
		memcpy(&tail, owner + len - 8, 8);
	} else {
		memcpy(&head, owner, len);
		tail = head;
	}
	uint64_t h = (head ^ (tail * UINT64_C(0x9e3779b97f4a7c15)) ^ len) * UINT64_C(0xbf58476d1ce4e5b9);
	return (size_t)(h >> 54) & (OWNER_SEEN - 1);
}

/* The type of a credit row: 0 revenue, 1 overlay, -1 neither. */
static int credit_type(const char *type, size_t len)
{
	if (len != 7)
		return -1;
	/* as written by gen-deals and most files: exact compares first, case-blind ones after */
	if (memcmp(type, "revenue", 7) == 0)
		return 0;
	if (memcmp(type, "overlay", 7) == 0)
		return 1;
	if (strncasecmp(type, "revenue", 7) == 0)
		return 0;
	if (strncasecmp(type, "overlay", 7) == 0)
		return 1;
	return -1;
}

/* A credit row's share in billionths, or what is wrong with it (NULL: good). */
static const char *credit_share(const char *share, size_t len, int64_t *units)
{
	if (share_plain(share, len, units)) /* from 0 to 1: only zero is wrong */
		return *units ? NULL : "zero share (leave the row out)";
	decimal value;
	enum decimal_status st = decimal_parse(share, len, DECIMAL_POINT, &value);
	if (st != DECIMAL_OK)
		return decimal_strerror(st);
	if (decimal_sign(value) < 0)
		return "negative share";
	if (decimal_is_zero(value))
		return "zero share (leave the row out)";
	if (decimal_cmp(value, decimal_from_int(1)) > 0)
		return "share above 1 (a share is a fraction: 0.6 for 60 %)";
	*units = (int64_t)value.units; /* at most 10^9 */
	return NULL;
}

/* The number + 1 of an owner this chunk has met (0: a new name). A credits file names the
 * same few thousand owners hundreds of thousands of times: most rows find theirs in
 * owner_seen, the name compared and no hash. */
static uint32_t known_owner(const struct credits *c, const char *owner, size_t len, size_t spot)
{
	uint32_t known = c->owner_seen[spot];
	if (known) {
		size_t seen_len;
		const char *name = owner_name(c, known - 1, &seen_len);
		if (seen_len == len && memcmp(name, owner, len) == 0)
			return known;
	}
	const uint32_t *number = table_find(c->owners, owner, len);
	return number ? *number + 1 : 0;
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
	size_t deal = deal_upsert(c, id, id_len, row->line);
	const char *owner = row->field[c->col[C_OWNER]];
	size_t owner_len = row->len[c->col[C_OWNER]];
	const char *share = row->field[c->col[C_SHARE]];
	size_t share_len = row->len[c->col[C_SHARE]];
	const char *type = row->field[c->col[C_TYPE]];
	size_t type_len = row->len[c->col[C_TYPE]];

	if (owner_len == 0)
		return credit_problem(c, deal, row, row->line, C_OWNER, NULL, 0, "empty owner");
	size_t spot = owner_spot(owner, owner_len);
	uint32_t known = known_owner(c, owner, owner_len, spot);
	/* a name met before was checked then */
	if (!known && memchr(owner, '\0', owner_len))
		return credit_problem(c, deal, row, row->line, C_OWNER, NULL, 0, "owner holds a NUL byte");
	int overlay = credit_type(type, type_len);
	if (overlay < 0)
		return credit_problem(c, deal, row, row->line, C_TYPE, type, type_len, "expected revenue or overlay");
	int64_t units = 0;
	const char *bad_share = credit_share(share, share_len, &units);
	if (bad_share)
		return credit_problem(c, deal, row, row->line, C_SHARE, share, share_len, bad_share);
	if (!known) { /* a new name: looked up in the roster once */
		if (c->roster && !roster_find_rep(c->roster, owner, owner_len))
			return credit_problem(c, deal, row, row->line, C_OWNER, owner, owner_len,
					      "not in the roster");
		uint32_t *number = table_upsert(c->owners, owner, owner_len, NULL);
		*number = (uint32_t)(table_count(c->owners) - 1);
		known = *number + 1;
	}
	c->owner_seen[spot] = known;

	struct credit cr = { units, row->line, known - 1, (uint32_t)deal, (unsigned)overlay };
	reserve((void **)&c->credit, &c->credit_cap, c->ncredits + 1, sizeof *c->credit);
	c->credit[c->ncredits++] = cr;
	if (overlay) {
		c->deals[deal].noverlay++;
	} else {
		c->scattered |= c->deals[deal].noverlay > 0;
		c->deals[deal].nrevenue++;
	}
	return 0;
}

static int compare_owners(const void *pa, const void *pb)
{
	const struct credit *a = pa, *b = pb;
	if (a->owner != b->owner)
		return a->owner < b->owner ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

static decimal share_of(const struct credit *cr)
{
	return (decimal){ .units = cr->share };
}

/* Lays each deal's credits out together, revenue first, in file order. Nothing moves when
 * each deal's rows are together and its revenue rows come first, as a CRM's split export
 * sorted by opportunity has them: loading says when they are not (scattered). */
static void lay_out_credits(struct credits *c)
{
	uint32_t at = 0;
	for (size_t i = 0; i < c->ndeals; i++) {
		c->deals[i].first = at;
		at += c->deals[i].nrevenue + c->deals[i].noverlay;
	}
	if (!c->scattered)
		return;
	uint32_t *rev = xcalloc(c->ndeals + 1, sizeof *rev), *ovl = xcalloc(c->ndeals + 1, sizeof *ovl);
	struct credit *by_deal = xcalloc_huge(c->ncredits + 1, sizeof *by_deal);
	for (size_t k = 0; k < c->ncredits; k++) {
		const struct credit *cr = &c->credit[k];
		const struct credit_deal *d = &c->deals[cr->deal];
		size_t slot = cr->overlay ? d->first + d->nrevenue + ovl[cr->deal]++ : d->first + rev[cr->deal]++;
		by_deal[slot] = *cr;
	}
	xfree_large(c->credit, c->credit_cap, sizeof *c->credit);
	c->credit = by_deal;
	c->credit_cap = c->ncredits + 1;
	free(rev);
	free(ovl);
}

/* The first credit of deal d (by line) whose owner an earlier credit of d has, or NULL;
 * *other: that earlier line. tmp: scratch space for a deal of many credits. */
static const struct credit *credited_twice(const struct credits *c, const struct credit_deal *d, struct credit **tmp,
					   size_t *tmp_cap, uint64_t *other)
{
	size_t n = d->nrevenue + d->noverlay;
	uint64_t worst = 0;
	const struct credit *dup = NULL;
	if (n > 1 && n <= 16) { /* most deals: two or three credits, compared in pairs */
		const struct credit *cr = c->credit + d->first;
		for (size_t k = 0; k < n; k++) {
			uint64_t before = 0;
			for (size_t j = 0; j < n; j++)
				if (cr[j].owner == cr[k].owner && cr[j].line < cr[k].line && cr[j].line > before)
					before = cr[j].line;
			if (before && (!dup || cr[k].line < worst)) {
				dup = &cr[k];
				worst = cr[k].line;
				*other = before;
			}
		}
	} else if (n > 16) {
		xgrow((void **)tmp, tmp_cap, n + 1, sizeof **tmp);
		memcpy(*tmp, c->credit + d->first, n * sizeof **tmp);
		qsort(*tmp, n, sizeof **tmp, compare_owners);
		for (size_t k = 1; k < n; k++) {
			if ((*tmp)[k].owner != (*tmp)[k - 1].owner)
				continue;
			if (!dup || (*tmp)[k].line < worst) {
				dup = &(*tmp)[k];
				worst = (*tmp)[k].line;
				*other = (*tmp)[k - 1].line;
			}
		}
	}
	return dup;
}

/* The sum of deal d's revenue shares, in billionths. Each share is at most 10^9 and a
 * deal has fewer than 2^32 credits: the sum fits in 63 bits. */
static int64_t revenue_shares(const struct credits *c, const struct credit_deal *d)
{
	int64_t sum = 0;
	for (size_t k = 0; k < d->nrevenue; k++)
		sum += c->credit[d->first + k].share;
	return sum;
}

/* Lays each deal's credits out together, then checks what needs a whole deal: one owner
 * once, revenue shares adding up to 1. */
static void check_deals(struct credits *c)
{
	if (c->ncredits > UINT32_MAX)
		diag_fatal(SPM_EXIT_USAGE, "%s: too many credits", c->path);
	lay_out_credits(c);
	struct credit *tmp = NULL;
	size_t tmp_cap = 0;
	for (size_t i = 0; i < c->ndeals; i++) {
		const struct credit_deal *d = &c->deals[i];
		/* one owner twice: the later line names the earlier */
		uint64_t other = 0;
		const struct credit *dup = credited_twice(c, d, &tmp, &tmp_cap, &other);
		if (dup) {
			char msg[96]; /* a number */
			snprintf(msg, sizeof msg, "credited twice in one deal: also at line %llu",
				 (unsigned long long)other);
			size_t len;
			const char *name = owner_name(c, dup->owner, &len);
			credit_problem(c, i, NULL, dup->line, C_OWNER, name, len, msg);
			continue;
		}
		if (d->nrevenue == 0)
			continue;
		int64_t sum = revenue_shares(c, d);
		if (sum != SHARE_ONE) {
			char total[64];
			decimal_format((decimal){ .units = sum }, -1, total, sizeof total);
			struct sbuf msg = { 0 }; /* the id cut visibly, not escaped: diag, or the bad row's text, escapes it once */
			sb_str(&msg, "revenue shares of deal \"");
			sb_cut_value(&msg, deal_id(c, d), d->id_len);
			sb_printf(&msg, "\" add up to %s, not 1", total);
			credit_problem(c, i, NULL, c->credit[d->first].line, C_SHARE, NULL, 0, sb_text(&msg));
			sb_free(&msg);
		}
	}
	free(tmp);
}

/* About how many rows a regular file holds (its size over the mean length of its first
 * lines), at most 2^28; 0 for a pipe or an empty file. */
static size_t estimate_rows(const char *path)
{
	struct stat st;
	/* stat first: opening a FIFO to look would take a writer's data or leave it unread */
	if (strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0; /* source_open says what is wrong with a path */
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	char head[16384];
	ssize_t n = read(fd, head, sizeof head);
	close(fd);
	if (n <= 0)
		return 0;
	size_t lines = 0;
	for (const char *p = head; (p = memchr(p, '\n', (size_t)(head + n - p))) != NULL; p++)
		lines++;
	if (lines == 0)
		return 1;
	uint64_t rows = (uint64_t)st.st_size / ((uint64_t)n / lines) + 1;
	return rows > (UINT64_C(1) << 28) ? (size_t)1 << 28 : (size_t)rows;
}

/* A credits struct for one chunk of the file: the settings of c, its own tables, sized
 * for rows credit rows and bytes of ids. */
static struct credits *credits_part(const struct credits *c, size_t rows, size_t bytes)
{
	struct credits *p = xcalloc(1, sizeof *p);
	p->path = c->path;
	p->roster = c->roster;
	p->reject = c->reject;
	memcpy(p->col, c->col, sizeof p->col);
	p->ncolumns = c->ncolumns;
	p->owners = table_new(sizeof(uint32_t));
	/* Sized once. From 2 MiB on, mapped pages (lib/arena): zero until first written,
	 * faulted in by the chunk's thread that writes them, and a page never written costs
	 * nothing (a file has fewer deals than rows). */
	p->ids_cap = bytes + 1;
	p->ids = xcalloc_huge(p->ids_cap, 1);
	p->deals_cap = rows + 1;
	p->deals = xcalloc_huge(p->deals_cap, sizeof *p->deals);
	p->credit_cap = rows + 1;
	p->credit = xcalloc_huge(p->credit_cap, sizeof *p->credit);
	return p;
}

/* Appends the rows of chunk p (read after c's, its lines numbered from line_offset + 1)
 * to c, as if c had read them: owners renumbered in the order c first meets them, deals,
 * credits and problems after c's. A deal whose rows continue across the cut goes on as
 * one deal, as deal_upsert goes on with the last row's deal. */
static void credits_absorb(struct credits *c, const struct credits *p, uint64_t line_offset)
{
	size_t nowners = table_count(p->owners);
	uint32_t *owner = xcalloc(nowners + 1, sizeof *owner);
	for (size_t j = 0; j < nowners; j++) {
		size_t len;
		const char *name = owner_name(p, (uint32_t)j, &len);
		uint32_t *number = table_find(c->owners, name, len);
		if (!number) {
			number = table_upsert(c->owners, name, len, NULL);
			*number = (uint32_t)(table_count(c->owners) - 1);
		}
		owner[j] = *number;
	}
	if (p->ndeals >= (size_t)INT32_MAX - c->ndeals || p->nnotes >= (size_t)UINT32_MAX - c->nnotes)
		diag_fatal(SPM_EXIT_USAGE, "%s: too many deals", c->path);
	size_t ids_base = c->ids_len, deal_base = c->ndeals, from = 0;
	uint32_t note_base = (uint32_t)c->nnotes;
	bool goes_on = c->ndeals && p->ndeals &&
		       deal_has_id(c, &c->deals[c->ndeals - 1], deal_id(p, &p->deals[0]), p->deals[0].id_len);
	c->scattered |= p->scattered;
	if (goes_on) { /* p's first deal is c's last: its rows are counted there */
		struct credit_deal *last = &c->deals[c->ndeals - 1];
		c->scattered |= last->noverlay > 0 && p->deals[0].nrevenue > 0;
		last->nrevenue += p->deals[0].nrevenue;
		last->noverlay += p->deals[0].noverlay;
		if (!last->problem && p->deals[0].problem)
			last->problem = p->deals[0].problem + note_base;
		deal_base--; /* p's deal k is c's deal_base + k */
		from = 1;
	}

	/* the ids of the deals copied (the first one's, when it goes on, is not needed) */
	size_t ids_from = goes_on ? p->deals[0].id_len : 0;
	xgrow_large((void **)&c->ids, &c->ids_cap, c->ids_len + p->ids_len - ids_from + 1, 1);
	if (p->ids_len > ids_from)
		memcpy(c->ids + c->ids_len, p->ids + ids_from, p->ids_len - ids_from);
	c->ids_len += p->ids_len - ids_from;
	ids_base -= ids_from;

	xgrow_large((void **)&c->deals, &c->deals_cap, c->ndeals + p->ndeals + 1, sizeof *c->deals);
	for (size_t k = from; k < p->ndeals; k++) {
		struct credit_deal *d = &c->deals[c->ndeals++];
		*d = p->deals[k];
		d->id_at += ids_base;
		d->line += line_offset;
		if (d->problem)
			d->problem += note_base;
	}

	xgrow_large((void **)&c->credit, &c->credit_cap, c->ncredits + p->ncredits + 1, sizeof *c->credit);
	for (size_t k = 0; k < p->ncredits; k++) {
		struct credit cr = p->credit[k];
		cr.deal = (uint32_t)(cr.deal + deal_base) & INT32_MAX;
		cr.owner = owner[cr.owner];
		cr.line += line_offset;
		c->credit[c->ncredits++] = cr;
	}

	xgrow((void **)&c->notes, &c->notes_cap, c->nnotes + p->nnotes + 1, sizeof *c->notes);
	for (size_t k = 0; k < p->nnotes; k++) {
		c->notes[c->nnotes] = p->notes[k];
		c->notes[c->nnotes++].line += line_offset;
	}
	free(owner);
}

/* Frees a chunk's credits struct; with its problems' texts unless c took them. */
static void credits_part_free(struct credits *p, bool texts_taken)
{
	if (!texts_taken)
		for (size_t k = 0; k < p->nnotes; k++)
			free(p->notes[k].text);
	p->nnotes = 0;
	credits_free(p);
}

/* Reads the credits file in chunks of at least min_chunk bytes, one thread each, then
 * puts the chunks together in file order: the rows, deals, owners and problems are those one
 * thread reading the whole file would have, and the first problem is the first in the
 * file. A chunk that does not start on a record (a CSV field holding a line break) is
 * read on by the chunk before it, as for exports (source_scan). */
static struct credits *credits_load_chunks(const char *path, const struct roster *roster, bool reject,
					   size_t threads, off_t min_chunk)
{
	struct credits *c = xcalloc(1, sizeof *c);
	c->path = path;
	c->roster = roster;
	c->reject = reject;
	struct source *src = source_open(path, FORMAT_AUTO);
	const struct header *h = source_header(src);
	struct stream_binding b;
	stream_bind(STREAM_CREDITS, h, path, NULL, 0, &b);
	c->col[C_ID] = stream_at(&b, COL_ID);
	c->col[C_OWNER] = stream_at(&b, COL_OWNER);
	c->col[C_SHARE] = stream_at(&b, COL_SHARE);
	c->col[C_TYPE] = stream_at(&b, COL_TYPE);
	c->ncolumns = h->count;

	size_t n = source_plan_min(src, threads ? threads : 1, min_chunk);
	/* The first chunk's tables sized for the whole file (it takes in the others' rows),
	 * the others' for twice their share: address space, only the pages written are. */
	size_t rows = estimate_rows(path), bytes = (size_t)source_bytes(src);
	struct credits **part = xcalloc(n, sizeof *part);
	struct scan_chunk *chunks = xcalloc(n, sizeof *chunks);
	for (size_t i = 0; i < n; i++) {
		part[i] = i == 0 ? credits_part(c, rows, bytes)
				 : credits_part(c, rows / n * 2 + 64, bytes / n * 2 + 4096);
		chunks[i].ctx = part[i];
	}
	struct scan_options so = { NULL, true, credit_row, NULL };
	source_scan(src, &so, chunks, n);
	for (size_t i = 0; i < n; i++) {
		if (!chunks[i].used) /* read by the chunk before it, or after a stop */
			continue;
		if (chunks[i].error.line) {
			diag_at(path, chunks[i].error.line + chunks[i].line_offset, NULL, NULL, 0,
				chunks[i].error.message);
			diag_exit(SPM_EXIT_DATA);
		}
		const struct file_problem *fp = &part[i]->problem;
		if (chunks[i].stop) {
			diag_at(path, fp->line + chunks[i].line_offset, fp->column, fp->has_value ? fp->value : NULL,
				fp->value_len, fp->message);
			diag_exit(SPM_EXIT_DATA);
		}
	}
	source_close(src);

	/* chunk 0's tables are c's; the others are appended in file order */
	struct credits *first = part[0];
	c->owners = first->owners;
	c->ids = first->ids, c->ids_len = first->ids_len, c->ids_cap = first->ids_cap;
	c->deals = first->deals, c->ndeals = first->ndeals, c->deals_cap = first->deals_cap;
	c->credit = first->credit, c->ncredits = first->ncredits, c->credit_cap = first->credit_cap;
	c->notes = first->notes, c->nnotes = first->nnotes, c->notes_cap = first->notes_cap;
	c->scattered = first->scattered;
	free(first);
	for (size_t i = 1; i < n; i++) {
		bool used = chunks[i].used;
		if (used)
			credits_absorb(c, part[i], chunks[i].line_offset);
		credits_part_free(part[i], used);
	}
	free(part);
	free(chunks);
	index_deals(c);
	check_deals(c);
	credits_finish_problems(c);
	build_filter(c);
	return c;
}

struct credits *credits_load(const char *path, const struct roster *roster, bool reject, size_t threads)
{
	/* 1 MiB a chunk at least (some 20,000 rows): a thread costs less than reading them */
	return credits_load_chunks(path, roster, reject, threads, (off_t)1 << 20);
}

void credits_free(struct credits *c)
{
	if (!c)
		return;
	xfree_large(c->slots, c->nslots, sizeof *c->slots);
	xfree_large(c->filter, c->filter_cap, sizeof *c->filter);
	xfree_large(c->ids, c->ids_cap, 1);
	table_free(c->owners);
	xfree_large(c->deals, c->deals_cap, sizeof *c->deals);
	xfree_large(c->credit, c->credit_cap, sizeof *c->credit);
	for (size_t i = 0; i < c->nnotes && c->notes; i++)
		free(c->notes[i].text);
	free(c->notes);
	for (size_t i = 0; i < c->nnotes && c->problems; i++)
		free(c->problems[i]);
	free(c->problems);
	free(c);
}

size_t credits_rows(const struct credits *c)
{
	return c->ncredits;
}

/* ---- crediting deals ---- */

/* The id's hash (0 for an empty id, which has no credit). The filter's word and the home
 * slot are fetched now and read by credits_find once the row is parsed: the filter does
 * not stay in the cache while the export streams through it (half its reads missed when
 * it was read here), and a read that waits holds up the row. */
uint64_t credits_prefetch(const struct credits *c, const char *id, size_t len)
{
	if (len == 0)
		return 0;
	uint64_t h = credit_id_hash(id, len);
	__builtin_prefetch(&c->filter[h & c->filter_mask]);
	__builtin_prefetch(&c->slots[home_slot(c, h)]);
	return h;
}

const struct credit_deal *credits_find(const struct credits *c, const char *id, size_t len, uint64_t h)
{
	if (len == 0)
		return NULL;
	uint64_t bits = filter_bits(h);
	if ((c->filter[h & c->filter_mask] & bits) != bits)
		return NULL; /* most rows: no credit */
	uint64_t s = c->slots[find_deal_slot(c, h, id, len)];
	if (!s)
		return NULL;
	struct credit_deal *d = &c->deals[(uint32_t)s - 1];
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
		size_t name_len;
		const char *name = owner_name(c, cr[k].owner, &name_len);
		struct owner_ref found[LEVEL_COUNT];
		size_t nfound;
		for (size_t i = 0; i < job->nlevels; i++)
			owners[k * job->nlevels + i] = (struct owner_ref){ job->level[i], NULL, 0 };
		if (find_owners_on(cs, row, col, name, name_len, day, found, &nfound)) {
			/* the credited owner, not the id, is what is wrong */
			struct sbuf detail = cs->problem.detail; /* the owner's problem: taken, not copied */
			cs->problem.detail = (struct sbuf){ 0 };
			const char *msg = cs->problem.message;
			/* the name cut visibly, the credits file's path whole: the detail is raw text,
			 * escaped with the rest of the bad row's text when it is shown */
			bad_row(cs, row, col, "credited owner");
			sb_str(&cs->problem.detail, " \"");
			sb_cut_value(&cs->problem.detail, name, name_len);
			sb_printf(&cs->problem.detail, "\" (%s:%llu) %s%s", c->path, (unsigned long long)cr[k].line, msg,
				  sb_text(&detail));
			sb_free(&detail);
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

/* amount (of either sign) apportioned over the first n credits by their shares, exactly
 * to the cent (largest remainder): the parts add up to amount. */
static void apportion_credits(const struct credit *cr, size_t n, decimal amount, decimal *weights, decimal *parts)
{
	decimal cent = { .units = 10000000 }; /* 0.01 in billionths */
	bool negative = decimal_sign(amount) < 0;
	if (negative)
		decimal_sub(decimal_zero(), amount, &amount);
	for (size_t k = 0; k < n; k++)
		weights[k] = share_of(&cr[k]);
	if (!apportion(amount, weights, n, cent, parts))
		sum_overflow("won_revenue");
	for (size_t k = 0; negative && k < n; k++)
		decimal_sub(decimal_zero(), parts[k], &parts[k]);
}

int credits_split(struct chunk_state *cs, const struct row *row, const struct credit_deal *cd, spm_day day,
		  struct credit_split *s)
{
	const struct job *job = cs->job;
	const struct credits *c = job->credits;
	size_t n = cd->nrevenue, nl = job->nlevels;
	const struct credit *cr = c->credit + cd->first;
	memset(s, 0, sizeof *s);
	s->n = n;
	s->owners = xcalloc(n * nl + 1, sizeof *s->owners);
	s->whole = xcalloc(n * nl + 1, sizeof *s->whole);
	s->name = xcalloc(n + 1, sizeof *s->name);
	s->name_len = xcalloc(n + 1, sizeof *s->name_len);
	s->cr = cr;
	if (resolve(cs, row, c, cr, n, day, s->owners)) {
		credits_split_free(s);
		return 1;
	}
	for (size_t k = 0; k < n; k++) {
		s->name[k] = owner_name(c, cr[k].owner, &s->name_len[k]);
		for (size_t i = 0; i < nl; i++)
			s->whole[k * nl + i] = !seen_before(s->owners, nl, k, i);
	}
	return 0;
}

void credits_split_parts(const struct credit_split *s, decimal amount, decimal *parts)
{
	decimal *weights = xcalloc(s->n + 1, sizeof *weights);
	apportion_credits(s->cr, s->n, amount, weights, parts);
	free(weights);
}

decimal credits_split_share(const struct credit_split *s, size_t k)
{
	return share_of(&s->cr[k]);
}

void credits_split_free(struct credit_split *s)
{
	free(s->owners);
	free(s->whole);
	free(s->name);
	free(s->name_len);
	memset(s, 0, sizeof *s);
}

int credits_add(struct chunk_state *cs, const struct row *row, const struct credit_deal *cd,
		const struct deal_row *d, spm_day close, const struct period *periods)
{
	const struct job *job = cs->job;
	const struct credits *c = job->credits;
	size_t n = cd->nrevenue + cd->noverlay, nl = job->nlevels;
	const struct credit *cr = c->credit + cd->first;
	/* most deals have a few credits: their scratch space on the stack, not the heap */
	enum { FEW = 8 };
	struct owner_ref few_owners[FEW * LEVEL_COUNT];
	decimal few_parts[FEW], few_weights[FEW];
	bool many = n > FEW;
	struct owner_ref *owners = many ? xcalloc(n * nl + 1, sizeof *owners) : few_owners;
	decimal *parts = many ? xcalloc(n + 1, sizeof *parts) : few_parts;
	decimal *weights = many ? xcalloc(n + 1, sizeof *weights) : few_weights;
	for (size_t k = 0; k < n; k++)
		parts[k] = decimal_zero();
	int bad = resolve(cs, row, c, cr, n, close, owners);
	if (bad)
		goto done;

	/* revenue: the amount apportioned to the cent over the shares */
	if (cd->nrevenue && d->has_amount && d->state != DEAL_LOST)
		apportion_credits(cr, cd->nrevenue, d->amount, weights, parts);
	for (size_t k = 0; k < cd->nrevenue; k++) {
		for (size_t i = 0; i < nl; i++) {
			const struct owner_ref *o = &owners[k * nl + i];
			if (o->len == 0)
				continue;
			bool whole = !seen_before(owners, nl, k, i);
			for (size_t p = 0; p < job->ncal; p++) {
				add_deal(cs, d, group_upsert(cs->groups, periods[p], o->level, o->name, o->len, NULL), parts[k],
					 whole);
			}
		}
	}

	/* overlay: won deals only, in their own metrics */
	if (d->state == DEAL_WON && !d->pipeline_only) {
		for (size_t k = cd->nrevenue; k < n; k++) {
			decimal amount = decimal_zero();
			if (d->has_amount && decimal_cmp(share_of(&cr[k]), decimal_from_int(1)) == 0)
				amount = d->amount;
			else if (d->has_amount && !decimal_mul(d->amount, share_of(&cr[k]), 2, ROUND_HALF_AWAY, &amount))
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
					size_t g = group_upsert(cs->groups, periods[p], o->level, o->name, o->len, NULL);
					struct deal_totals *t = deal_widen(&cs->wide, group_totals(cs->groups, g), g);
					if (!add_or_fail(&t->overlay_revenue, amount))
						sum_overflow("overlay_revenue");
					if (whole)
						t->overlay_deals++;
				}
			}
		}
	}
done:
	if (many) {
		free(owners);
		free(parts);
		free(weights);
	}
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
			diag_warn_at(c->path, d->line, column_name(COL_ID), deal_id(c, d), d->id_len,
				     "no deal of the input has this id; its credits are not used");
		}
	}
	if (n > 10) { /* through diag_warn_at: the path's control bytes escaped */
		char more[80];
		snprintf(more, sizeof more, "%llu more ids with no deal in the input", (unsigned long long)(n - 10));
		diag_warn_at(c->path, 0, NULL, NULL, 0, more);
	}
	return n;
}
