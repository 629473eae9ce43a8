/* One version of each record (--latest COL, --unique): a first reading of every input
 * decides which row of each record id survives; the normal reading then skips the others.
 *
 * The first reading plans each file in the same chunks as the second (the same number of
 * threads), so a row is known in both by its file and its line. Per chunk, a table keeps
 * each id's best candidate; the chunks' tables are merged in file order, so the result is
 * the same whatever --threads. Memory: one small entry per distinct record id.
 *
 *   --latest COL  the row with the greatest COL (an ISO date or date-time; ties: the later
 *                 file, then the later line) is the record; the others are superseded.
 *   --unique      the first row of each id is the record; a later row with the same fields
 *                 is an identical duplicate (counted once), one with other fields a bad row
 *                 that names both places. */
#include "spm-track.h"

#include "diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A moment, to compare --latest values: seconds since 1970 (UTC when an offset is given),
 * then nanoseconds. */
struct stamp {
	int64_t seconds;
	int32_t nanos;
};

/* The surviving row of a record id. */
struct record {
	uint64_t fp[2];      /* the row's fields, hashed two ways */
	uint64_t line;       /* its physical line in its file */
	uint32_t file;       /* the input's index */
	struct stamp stamp;  /* --latest: its value */
};

struct records {
	bool latest;
	long col_id, col_latest;
	struct table *ids;       /* id bytes → struct record */
	size_t nfiles;
	char **names;            /* the inputs as named in diagnostics */
	uint64_t **offsets;      /* per input, the first line of each chunk */
	size_t *nchunks;
	bool spooled;            /* standard input was copied to a temporary file */
};

/* ---- values ---- */

static bool two_digits(const char *s, int *v)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return false;
	*v = (s[0] - '0') * 10 + (s[1] - '0');
	return true;
}

/* "YYYY-MM-DD", optionally followed by 'T' or ' ' and "hh:mm[:ss[.fraction]]", then
 * optionally "Z" or an offset "+hh[:mm]"/"-hhmm". With --date-format, that layout (to the
 * day). */
static bool parse_stamp(const struct track_options *opt, const char *s, size_t len, struct stamp *out)
{
	spm_day day;
	while (len && s[len - 1] == ' ')
		len--;
	if (opt->date_format) {
		if (!date_parse_format(s, len, opt->date_format, &day))
			return false;
		*out = (struct stamp){ (int64_t)day * 86400, 0 };
		return true;
	}
	if (len < 10 || !date_parse_iso(s, 10, &day))
		return false;
	int64_t secs = (int64_t)day * 86400;
	int32_t nanos = 0;
	size_t i = 10;
	if (i < len) {
		int hh, mm, ss = 0;
		if ((s[i] != 'T' && s[i] != ' ') || len - i < 6 || !two_digits(s + i + 1, &hh) || s[i + 3] != ':' ||
		    !two_digits(s + i + 4, &mm) || hh > 24 || mm > 59)
			return false;
		i += 6;
		if (i < len && s[i] == ':') {
			if (len - i < 3 || !two_digits(s + i + 1, &ss) || ss > 60)
				return false;
			i += 3;
			if (i < len && (s[i] == '.' || s[i] == ',')) {
				size_t k = ++i;
				int32_t scale = 100000000;
				while (i < len && s[i] >= '0' && s[i] <= '9') {
					nanos += (int32_t)(s[i] - '0') * scale;
					scale /= 10;
					i++;
				}
				if (i == k)
					return false;
			}
		}
		secs += hh * 3600 + mm * 60 + ss;
		if (i < len && s[i] == ' ')
			i++;
		if (i < len) {
			int zh = 0, zm = 0, sign;
			if (s[i] == 'Z' && i + 1 == len) {
				i++;
			} else if (s[i] == '+' || s[i] == '-') {
				sign = s[i] == '-' ? -1 : 1;
				size_t rest = len - i - 1;
				const char *z = s + i + 1;
				if (!(rest == 2 && two_digits(z, &zh)) &&
				    !(rest == 4 && two_digits(z, &zh) && two_digits(z + 2, &zm)) &&
				    !(rest == 5 && two_digits(z, &zh) && z[2] == ':' && two_digits(z + 3, &zm)))
					return false;
				if (zh > 14 || zm > 59)
					return false;
				secs -= sign * (zh * 3600 + zm * 60); /* to UTC */
				i = len;
			} else {
				return false;
			}
		}
	}
	*out = (struct stamp){ secs, nanos };
	return true;
}

static int stamp_cmp(struct stamp a, struct stamp b)
{
	if (a.seconds != b.seconds)
		return a.seconds < b.seconds ? -1 : 1;
	return a.nanos < b.nanos ? -1 : a.nanos > b.nanos;
}

static uint64_t fold(uint64_t h, uint64_t w, uint64_t k)
{
	h = (h ^ w) * k;
	return h ^ (h >> 31);
}

/* The row's fields, hashed two independent ways (128 bits: two different rows never pass
 * for the same in practice), eight bytes at a time, each field's length mixed in. */
static void fingerprint(const struct row *row, uint64_t fp[2])
{
	uint64_t a = 0xcbf29ce484222325u, b = 0x9e3779b97f4a7c15u ^ row->count;
	for (size_t i = 0; i < row->count; i++) {
		const unsigned char *p = (const unsigned char *)row->field[i];
		size_t n = row->len[i];
		a = fold(a, n, 0xff51afd7ed558ccdu);
		b = fold(b, n + 0x9e37, 0xc4ceb9fe1a85ec53u);
		while (n) {
			uint64_t w = 0;
			size_t k = n < 8 ? n : 8;
			memcpy(&w, p, k);
			a = fold(a, w, 0xbf58476d1ce4e5b9u);
			b = fold(b, (w << 29 | w >> 35) + 0x632be59bd9b4e019u, 0x94d049bb133111ebu);
			p += k;
			n -= k;
		}
	}
	fp[0] = a;
	fp[1] = b;
}

/* ---- the first reading ---- */

struct scan1 {
	const struct job *job;
	struct records *r;
	struct table *ids; /* id → struct record, lines from the chunk's start */
};

static int first_row(void *ctx, const struct row *row)
{
	struct scan1 *s = ctx;
	struct records *r = s->r;
	if (row->count != s->job->header->count)
		return 0; /* a bad row: the second reading reports it */
	size_t idlen = row->len[r->col_id];
	if (idlen == 0)
		return 0;
	struct stamp st = { 0, 0 };
	if (r->latest && !parse_stamp(s->job->opt, row->field[r->col_latest], row->len[r->col_latest], &st))
		return 0;
	bool created;
	struct record *rec = table_upsert(s->ids, row->field[r->col_id], idlen, &created);
	if (!created && (!r->latest || stamp_cmp(st, rec->stamp) < 0))
		return 0; /* --unique: the first row stays; --latest: ties go to the later line */
	fingerprint(row, rec->fp);
	rec->line = row->line;
	rec->stamp = st;
	return 0;
}

/* Standard input is read twice: copy it to an unlinked temporary file that takes its place. */
static void spool_stdin(struct records *r)
{
	struct stat st;
	if (fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode) && lseek(STDIN_FILENO, 0, SEEK_CUR) == 0)
		return;
	FILE *tmp = tmpfile();
	if (!tmp)
		diag_fatal(SPM_EXIT_USAGE, "cannot create a temporary file for standard input");
	char *buf = xmalloc(1 << 16);
	ssize_t n;
	while ((n = read(STDIN_FILENO, buf, 1 << 16)) != 0) {
		if (n < 0)
			diag_fatal(SPM_EXIT_USAGE, "-: read error");
		if (fwrite(buf, 1, (size_t)n, tmp) != (size_t)n)
			diag_fatal(SPM_EXIT_USAGE, "cannot write a temporary copy of standard input");
	}
	free(buf);
	if (fflush(tmp) != 0 || dup2(fileno(tmp), STDIN_FILENO) < 0)
		diag_fatal(SPM_EXIT_USAGE, "cannot write a temporary copy of standard input");
	fclose(tmp); /* standard input keeps the file open */
	r->spooled = true;
}

void records_rewind(const struct job *job)
{
	if (job->records && job->records->spooled && lseek(STDIN_FILENO, 0, SEEK_SET) != 0)
		diag_fatal(SPM_EXIT_USAGE, "-: cannot read standard input again");
}

static long find_column(const struct job *job, const char *name, const char *what, const char *option)
{
	long i = header_find(job->header, name);
	if (i == -2)
		stream_column_twice(job->file, name, what);
	if (i < 0)
		diag_fatal(SPM_EXIT_DATA, "%s:1: no column \"%s\" for %s%s%s%s", job->file, name, what,
			   option ? " (" : "", option ? option : "", option ? ")" : "");
	return i;
}

/* Reads one input through first_row and merges its chunks into r->ids in order. */
static void first_reading(struct job *job, struct records *r, const struct mapping *map, const char *path,
			  size_t index, struct header **first)
{
	struct source *src = open_input(job->opt, path);
	job->file = source_name(src);
	job->header = source_header(src);
	if (*first && !header_equal(*first, job->header))
		diag_fatal(SPM_EXIT_DATA, "%s:1: header differs from the first input's", job->file);
	if (is_actuals_header(job->header))
		diag_usage("%s: --latest and --unique apply to CRM exports, not to actuals", job->file);
	r->col_id = find_column(job, map->column[EXPORT_ID], "the record id", "use --map or --id");
	if (r->latest)
		r->col_latest = find_column(job, job->opt->latest, "--latest", NULL);
	r->names[index] = xstrdup(job->file);

	size_t n = source_plan(src, job->opt->threads); /* as the second reading */
	struct scan1 *states = xcalloc(n, sizeof *states);
	struct scan_chunk *chunks = xcalloc(n, sizeof *chunks);
	/* each chunk's table presized for its rows (at 64 bytes a row at least: CRM rows are
	 * longer), so that it is not rehashed as it fills */
	size_t rows = (size_t)(source_bytes(src) / 64 / n);
	for (size_t i = 0; i < n; i++) {
		states[i] = (struct scan1){ job, r, table_new(sizeof(struct record)) };
		table_reserve(states[i].ids, rows);
		chunks[i].ctx = &states[i];
	}
	struct scan_options so = { NULL, false, first_row, NULL };
	source_scan(src, &so, chunks, n);
	r->offsets[index] = xcalloc(n, sizeof *r->offsets[index]);
	r->nchunks[index] = n;
	for (size_t i = 0; i < n; i++) {
		r->offsets[index][i] = chunks[i].line_offset;
		if (chunks[i].used && table_count(r->ids) == 0) {
			/* the first rows of all: the chunk's table becomes the table, as it is */
			struct table *t = states[i].ids;
			for (size_t k = 0; k < table_count(t); k++) {
				struct record *c = table_value(t, k);
				c->line += chunks[i].line_offset;
				c->file = (uint32_t)index;
			}
			states[i].ids = r->ids;
			r->ids = t;
		} else if (chunks[i].used) {
			struct table *t = states[i].ids;
			table_reserve(r->ids, table_count(r->ids) + table_count(t));
			for (size_t k = 0; k < table_count(t); k++) {
				size_t len;
				const void *key = table_key(t, k, &len);
				struct record c = *(const struct record *)table_value(t, k);
				c.line += chunks[i].line_offset;
				c.file = (uint32_t)index;
				bool created;
				struct record *rec = table_upsert(r->ids, key, len, &created);
				if (created || (r->latest && stamp_cmp(c.stamp, rec->stamp) >= 0))
					*rec = c;
			}
		}
		table_free(states[i].ids);
	}
	free(states);
	free(chunks);
	if (!*first)
		*first = header_copy(job->header);
	source_close(src);
	job->file = NULL;
	job->header = NULL;
}

void records_prepare(struct job *job, const struct mapping *map, char **files, size_t nfiles)
{
	const struct track_options *opt = job->opt;
	if (!opt->latest && !opt->unique)
		return;
	struct records *r = xcalloc(1, sizeof *r);
	r->latest = opt->latest != NULL;
	r->ids = table_new(sizeof(struct record));
	r->nfiles = nfiles;
	r->names = xcalloc(nfiles, sizeof *r->names);
	r->offsets = xcalloc(nfiles, sizeof *r->offsets);
	r->nchunks = xcalloc(nfiles, sizeof *r->nchunks);
	bool stdin_seen = false;
	for (size_t i = 0; i < nfiles; i++) {
		if (strcmp(files[i], "-") == 0) {
			if (stdin_seen)
				diag_usage("--latest and --unique read standard input once: '-' is given twice");
			stdin_seen = true;
			spool_stdin(r);
			continue;
		}
		struct stat st;
		if (stat(files[i], &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
			diag_usage("%s: --latest and --unique read every input twice: save it to a file first",
				   files[i]);
	}
	job->records = r;
	struct header *first = NULL;
	for (size_t i = 0; i < nfiles; i++) {
		records_rewind(job);
		first_reading(job, r, map, files[i], i, &first);
	}
	records_rewind(job);
	header_free(first);
}

void records_free(struct records *r)
{
	if (!r)
		return;
	table_free(r->ids);
	for (size_t i = 0; i < r->nfiles; i++) {
		free(r->names[i]);
		free(r->offsets[i]);
	}
	free(r->names);
	free(r->offsets);
	free(r->nchunks);
	free(r);
}

/* The day of the row's --latest value (clawback.c: a cancellation's date); false without
 * --latest or when the value is not a date. */
bool records_latest_day(const struct job *job, const struct row *row, spm_day *day)
{
	const struct records *r = job->records;
	struct stamp st;
	if (!r || !r->latest || !parse_stamp(job->opt, row->field[r->col_latest], row->len[r->col_latest], &st))
		return false;
	int64_t d = st.seconds / 86400 - (st.seconds % 86400 < 0);
	*day = (spm_day)d;
	return true;
}

/* ---- the second reading ---- */

void records_start_chunk(const struct job *job, struct chunk_state *cs, size_t chunk)
{
	const struct records *r = job->records;
	if (!r)
		return;
	/* The same plan as the first reading: a chunk it did not use is not used now either. */
	cs->line_offset = chunk < r->nchunks[job->file_index] ? r->offsets[job->file_index][chunk] : 0;
}

/* Every column is decoded: the fingerprint reads them all. */
bool *records_wanted(const struct job *job, bool *wanted)
{
	if (!job->records)
		return wanted;
	free(wanted);
	return NULL;
}

enum record_verdict records_check(struct chunk_state *cs, const struct row *row)
{
	const struct job *job = cs->job;
	const struct records *r = job->records;
	size_t idlen = row->len[r->col_id];
	if (idlen == 0) {
		bad_row(cs, row, r->col_id, "empty record id");
		return RECORD_BAD;
	}
	if (r->latest) {
		struct stamp st;
		if (!parse_stamp(job->opt, row->field[r->col_latest], row->len[r->col_latest], &st)) {
			bad_row(cs, row, r->col_latest,
				row->len[r->col_latest] == 0 ? "empty --latest value"
				: job->opt->date_format      ? "not a date in the --date-format layout"
							     : date_problem(row->field[r->col_latest], row->len[r->col_latest],
								    "not a date or date-time (YYYY-MM-DD[Thh:mm[:ss]])"));
			return RECORD_BAD;
		}
	}
	const struct record *rec = table_find(r->ids, row->field[r->col_id], idlen);
	uint64_t line = cs->line_offset + row->line;
	if (!rec || (rec->file == job->file_index && rec->line == line))
		return RECORD_USE;
	uint64_t fp[2];
	fingerprint(row, fp);
	if (fp[0] == rec->fp[0] && fp[1] == rec->fp[1]) {
		cs->tally.duplicates++;
		return RECORD_SKIP;
	}
	if (r->latest) {
		cs->tally.superseded++;
		return RECORD_SKIP;
	}
	bad_row(cs, row, r->col_id, "another version of this record is at");
	sb_printf(&cs->problem.detail, " %s:%llu (--latest COL keeps the latest)",
		 r->names[rec->file], (unsigned long long)rec->line);
	cs->problem.id_len = 0; /* the id is the value shown */
	return RECORD_BAD;
}
