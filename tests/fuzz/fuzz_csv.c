/* Differential fuzz harness for the CSV reader (src/lib/input.c).
 *
 * input.c reads CSV with a fast path (records cut 64 bytes at a time from bitmasks of
 * quotes, delimiters and line breaks) that hands the rest of the chunk to libcsv at the
 * first unusual record. Run it with -max_len of a few hundred bytes or more (FUZZ_FLAGS):
 * libFuzzer's inputs start short, and a record across two 64-byte blocks needs more. This harness reads the fuzz input through
 * the real reader (source_open / source_plan(src, 1) / source_scan) and compares every row
 * (field count, field bytes and lengths, line number) and the syntax error (line, column,
 * kind) with a reference built here directly on libcsv's API, fed one byte at a time, with
 * the options input.c uses (CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL, no space trimming,
 * blank lines carry no record).
 *
 * The reference's line numbers: a line break is an LF byte anywhere (inside a quoted field
 * too), or a CR that libcsv took as a record terminator and that no LF follows (so CRLF
 * counts once and old-Mac CR-only files count each CR). A record's line is the line of its
 * first byte; an error's line is the line where the record being read started.
 *
 * Each input is read three times:
 *   1. "a,b,c\n" + input, every column wanted, extra fields kept;
 *   2. the same with only columns 0 and 2 wanted (unwanted fields are not compared);
 *   3. "a,b,c\n" + ~1 MiB of well-formed filler rows + input, placed so that input.c's
 *      1 MiB read-block boundary falls inside the input (at an offset derived from its
 *      bytes), to exercise records that straddle two reads.
 *
 * Build and run: see tests/fuzz/README.md (or tests/fuzz/run.sh). */
#define _GNU_SOURCE 1 /* memfd_create */
#include "input.h"

#include <csv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HEADER "a,b,c\n"
#define HEADER_LEN (sizeof HEADER - 1)
#define READ_BLOCK (1u << 20) /* input.c's read block: keep in step with it */
#define FILLER_ROW 1000       /* bytes per filler row */
#define PAD_MAX 512           /* the pad row absorbs the variable part of the filler */
#define HEADER_LINES_PLUS(k) ((uint64_t)2 + (k)) /* line of data record k (after the header) */

/* ---- collected rows ---- */

struct rec {
	size_t count;
	uint64_t line;
	char **field;
	size_t *len;
};

struct recs {
	struct rec *v;
	size_t n, cap;
	/* error */
	uint64_t err_line;
	size_t err_column;
	int err_kind; /* 0 none, 1 malformed (EPARSE while parsing), 2 unterminated (at fini) */
};

/* The ahead hook: every byte of the fields it is shown is read (out of bounds: ASan). */
static volatile unsigned char touched;
static void touch_ahead(void *ctx, const char *const field[], const size_t len[])
{
	(void)ctx;
	unsigned char sum = 0;
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < len[k]; i++)
			sum ^= (unsigned char)field[k][i];
	touched ^= sum;
}

static void recs_push(struct recs *rs, size_t count, uint64_t line, char *const *field,
		      const size_t *len)
{
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 16;
		rs->v = realloc(rs->v, rs->cap * sizeof *rs->v);
		if (!rs->v)
			abort();
	}
	struct rec *r = &rs->v[rs->n++];
	r->count = count;
	r->line = line;
	r->field = calloc(count ? count : 1, sizeof *r->field);
	r->len = calloc(count ? count : 1, sizeof *r->len);
	if (!r->field || !r->len)
		abort();
	for (size_t i = 0; i < count; i++) {
		r->len[i] = len[i];
		r->field[i] = malloc(len[i] + 1);
		if (!r->field[i])
			abort();
		memcpy(r->field[i], field[i], len[i]);
		r->field[i][len[i]] = '\0';
	}
}

static void recs_free(struct recs *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		for (size_t k = 0; k < rs->v[i].count; k++)
			free(rs->v[i].field[k]);
		free(rs->v[i].field);
		free(rs->v[i].len);
	}
	free(rs->v);
	memset(rs, 0, sizeof *rs);
}

/* ---- the reader under test ---- */

/* Two in-memory files: one for the small cases, one that keeps the filler in place. */
static int memfd = -1, memfd_small = -1;
static char memfd_path[64], memfd_small_path[64];

/* Filler rows are f,"xxx...",h: a long quoted field, crossed 64 bytes at a time. */
static const char filler_prefix[] = "f,\"";
static const char filler_suffix[] = "\",h\n";
#define FILLER_MIN 7 /* f,"",h\n */

static void filler_row(char *row, size_t len)
{
	memcpy(row, filler_prefix, 3);
	memset(row + 3, 'x', len - FILLER_MIN);
	memcpy(row + len - 4, filler_suffix, 4);
}

struct sut_ctx {
	struct recs *rs;
	size_t nfill;   /* filler rows expected first (boundary mode), the last is the pad row */
	size_t pad;     /* length of the pad row */
	size_t seen;
	const bool *wanted;
	bool keep_extra;
};

static bool col_wanted(const struct sut_ctx *c, size_t i)
{
	if (i >= 3)
		return c->keep_extra;
	return c->wanted == NULL || c->wanted[i] || c->keep_extra;
}

static int sut_row(void *ctx, const struct row *row)
{
	struct sut_ctx *c = ctx;
	/* Documented invariant: every decoded field is NUL-terminated at its length. */
	for (size_t i = 0; i < row->count; i++) {
		if (col_wanted(c, i) && row->field[i][row->len[i]] != '\0') {
			fprintf(stderr, "fuzz_csv: row at line %llu field %zu is not NUL-terminated\n",
				(unsigned long long)row->line, i);
			abort();
		}
	}
	if (c->seen < c->nfill) {
		size_t k = c->seen++;
		if (row->count != 3 || row->line != HEADER_LINES_PLUS(k) || row->len[0] != 1 || row->len[1] != (k < c->nfill - 1 ? FILLER_ROW : c->pad) - FILLER_MIN ||
		    row->field[0][0] != 'f' || row->len[2] != 1 || row->field[2][0] != 'h') {
			fprintf(stderr, "fuzz_csv: filler row %zu read wrong (count %zu, line %llu)\n", k,
				row->count, (unsigned long long)row->line);
			abort();
		}
		return 0;
	}
	c->seen++;
	recs_push(c->rs, row->count, row->line, row->field, row->len);
	return 0;
}

/* ---- the reference: libcsv, one byte at a time ---- */

struct ref_state {
	struct recs *rs;
	char **field;
	size_t *len;
	size_t n, cap;
	bool in_record;
	uint64_t record_line;
	bool fired; /* the record callback ran for the byte just fed */
};

static void ref_field(void *s, size_t len, void *data)
{
	struct ref_state *st = data;
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 8;
		st->field = realloc(st->field, st->cap * sizeof *st->field);
		st->len = realloc(st->len, st->cap * sizeof *st->len);
		if (!st->field || !st->len)
			abort();
	}
	char *copy = malloc(len + 1);
	if (!copy)
		abort();
	if (len)
		memcpy(copy, s, len);
	copy[len] = '\0';
	st->field[st->n] = copy;
	st->len[st->n] = len;
	st->n++;
}

static void ref_record(int c, void *data)
{
	struct ref_state *st = data;
	(void)c;
	st->fired = true;
	if (st->n == 0) {
		if (st->in_record)
			abort(); /* cannot happen with libcsv: a record has at least one field */
		return;  /* a blank line */
	}
	recs_push(st->rs, st->n, st->record_line, st->field, st->len);
	for (size_t i = 0; i < st->n; i++)
		free(st->field[i]);
	st->n = 0;
	st->in_record = false;
}

static int ref_no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static void reference(const unsigned char *data, size_t size, uint64_t first_line, struct recs *rs)
{
	struct csv_parser p;
	struct ref_state st;
	memset(&st, 0, sizeof st);
	st.rs = rs;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL) != 0)
		abort();
	csv_set_space_func(&p, ref_no_space);
	uint64_t line = first_line;
	for (size_t i = 0; i < size; i++) {
		unsigned char c = data[i];
		if (!st.in_record && c != '\r' && c != '\n') {
			st.in_record = true;
			st.record_line = line;
		}
		st.fired = false;
		if (csv_parse(&p, &c, 1, ref_field, ref_record, &st) != 1) {
			if (csv_error(&p) != CSV_EPARSE)
				abort();
			rs->err_kind = 1;
			rs->err_line = st.in_record ? st.record_line : line;
			rs->err_column = st.n;
			goto out;
		}
		if (c == '\n')
			line++;
		else if (c == '\r' && st.fired && !(i + 1 < size && data[i + 1] == '\n'))
			line++;
	}
	{
		uint64_t at = st.in_record ? st.record_line : line;
		size_t column = st.n;
		if (csv_fini(&p, ref_field, ref_record, &st) != 0) {
			rs->err_kind = 2;
			rs->err_line = at;
			rs->err_column = column;
		}
	}
out:
	for (size_t i = 0; i < st.n; i++)
		free(st.field[i]);
	free(st.field);
	free(st.len);
	csv_free(&p);
}

/* ---- running one case ---- */

static void write_all(int fd, const void *buf, size_t len, off_t at)
{
	const char *p = buf;
	while (len) {
		ssize_t n = pwrite(fd, p, len, at);
		if (n <= 0)
			abort();
		p += n;
		len -= (size_t)n;
		at += n;
	}
}

static size_t filler_len; /* bytes of fixed filler written after the header */
static size_t filler_rows;

static void setup(void)
{
	if (memfd >= 0)
		return;
	memfd = memfd_create("fuzz_csv", 0);
	memfd_small = memfd_create("fuzz_csv_small", 0);
	if (memfd < 0 || memfd_small < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(memfd_path, sizeof memfd_path, "/proc/self/fd/%d", memfd);
	snprintf(memfd_small_path, sizeof memfd_small_path, "/proc/self/fd/%d", memfd_small);
	write_all(memfd_small, HEADER, HEADER_LEN, 0);
	/* Fixed filler: rows of FILLER_ROW bytes up to READ_BLOCK - PAD_MAX bytes of data. */
	size_t target = READ_BLOCK - PAD_MAX;
	filler_rows = target / FILLER_ROW;
	filler_len = filler_rows * FILLER_ROW;
	char *buf = malloc(filler_len);
	if (!buf)
		abort();
	for (size_t r = 0; r < filler_rows; r++)
		filler_row(buf + r * FILLER_ROW, FILLER_ROW);
	write_all(memfd, HEADER, HEADER_LEN, 0);
	write_all(memfd, buf, filler_len, (off_t)HEADER_LEN);
	free(buf);
}

static void dump(const char *what, const unsigned char *data, size_t size)
{
	fprintf(stderr, "%s (%zu bytes): \"", what, size);
	for (size_t i = 0; i < size; i++) {
		unsigned char c = data[i];
		if (c == '\n')
			fputs("\\n", stderr);
		else if (c == '\r')
			fputs("\\r", stderr);
		else if (c == '"' || c == '\\')
			fprintf(stderr, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(stderr, "\\x%02x", c);
		else
			fputc(c, stderr);
	}
	fputs("\"\n", stderr);
}

static void print_rec(const char *who, const struct rec *r)
{
	fprintf(stderr, "  %s: line %llu, %zu field(s):", who, (unsigned long long)r->line, r->count);
	for (size_t i = 0; i < r->count; i++) {
		fputs(" [", stderr);
		for (size_t k = 0; k < r->len[i]; k++) {
			unsigned char c = (unsigned char)r->field[i][k];
			if (c < 0x20 || c >= 0x7f || c == ']' || c == '\\')
				fprintf(stderr, "\\x%02x", c);
			else
				fputc(c, stderr);
		}
		fputc(']', stderr);
	}
	fputc('\n', stderr);
}

static const char *kind_name(int k)
{
	return k == 0 ? "none" : k == 1 ? "malformed" : "unterminated";
}

static void compare(const char *mode, const unsigned char *data, size_t size,
		    const struct sut_ctx *ctx, const struct recs *got, const struct scan_chunk *chunk,
		    const struct recs *want)
{
	const char *why = NULL;
	size_t at = 0;
	int got_kind = 0;
	if (chunk->error.line) {
		const char *m = chunk->error.message ? chunk->error.message : "";
		got_kind = strstr(m, "unterminated") ? 2 : strstr(m, "malformed") ? 1 : 3;
	}
	if (chunk->stop)
		why = "the callback's stop value leaked";
	else if (!chunk->used)
		why = "a single chunk was marked unused";
	if (!why) {
		size_t n = got->n < want->n ? got->n : want->n;
		for (at = 0; at < n && !why; at++) {
			const struct rec *g = &got->v[at], *w = &want->v[at];
			if (g->count != w->count)
				why = "field count differs";
			else if (g->line != w->line)
				why = "line number differs";
			else {
				for (size_t i = 0; i < g->count && !why; i++) {
					if (!col_wanted(ctx, i))
						continue;
					if (g->len[i] != w->len[i] || memcmp(g->field[i], w->field[i], g->len[i]))
						why = "field content differs";
				}
			}
		}
		if (why)
			at--;
		else if (got->n != want->n)
			why = "number of records differs";
	}
	if (!why) {
		if (got_kind != want->err_kind)
			why = "error kind differs";
		else if (got_kind && chunk->error.line != want->err_line)
			why = "error line differs";
		else if (got_kind && chunk->error.column != want->err_column)
			why = "error column differs";
	}
	if (!why)
		return;
	fprintf(stderr, "\nfuzz_csv: MISMATCH (%s): %s\n", mode, why);
	dump("input after the header", data, size);
	fprintf(stderr, "input.c: %zu record(s), error %s line %llu column %zu (%s)\n", got->n,
		kind_name(got_kind), (unsigned long long)chunk->error.line, chunk->error.column,
		chunk->error.message ? chunk->error.message : "-");
	fprintf(stderr, "libcsv reference: %zu record(s), error %s line %llu column %zu\n", want->n,
		kind_name(want->err_kind), (unsigned long long)want->err_line, want->err_column);
	for (size_t i = at > 2 ? at - 2 : 0; i < at + 3 && (i < got->n || i < want->n); i++) {
		fprintf(stderr, "record %zu:\n", i);
		if (i < got->n)
			print_rec("input.c", &got->v[i]);
		if (i < want->n)
			print_rec("libcsv ", &want->v[i]);
	}
	abort();
}

/* Reads the memfd (header + [filler + pad] + data) with input.c and compares. */
static void run_case(const char *mode, const unsigned char *data, size_t size, size_t pad,
		     const bool *wanted, bool keep_extra)
{
	off_t at = (off_t)HEADER_LEN;
	size_t nfill = 0;
	int fd = pad ? memfd : memfd_small;
	if (pad) { /* boundary mode: the filler is already in place, then a pad row */
		char padrow[2 * PAD_MAX];
		if (pad < FILLER_MIN || pad > sizeof padrow)
			abort();
		filler_row(padrow, pad);
		at += (off_t)filler_len;
		write_all(fd, padrow, pad, at);
		at += (off_t)pad;
		nfill = filler_rows + 1;
	}
	if (size)
		write_all(fd, data, size, at);
	if (ftruncate(fd, at + (off_t)size) != 0)
		abort();

	struct recs got = { 0 }, want = { 0 };
	struct sut_ctx ctx = { &got, nfill, pad, 0, wanted, keep_extra };
	struct source *src = source_open(pad ? memfd_path : memfd_small_path, FORMAT_CSV);
	const struct header *h = source_header(src);
	if (h->count != 3)
		abort();
	size_t n = source_plan(src, 1);
	if (n != 1)
		abort();
	struct scan_chunk chunk;
	memset(&chunk, 0, sizeof chunk);
	chunk.ctx = &ctx;
	struct scan_ahead ahead = { touch_ahead, { 2, 0 }, 2, NULL };
	struct scan_options so = { wanted, keep_extra, sut_row, &ahead };
	source_scan(src, &so, &chunk, 1);
	source_close(src);
	if (ctx.seen < nfill && !chunk.error.line) {
		fprintf(stderr, "fuzz_csv: only %zu of %zu filler rows read\n", ctx.seen, nfill);
		abort();
	}
	reference(data, size, HEADER_LINES_PLUS(nfill), &want);
	compare(mode, data, size, &ctx, &got, &chunk, &want);
	recs_free(&got);
	recs_free(&want);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const bool partial[3] = { true, false, true };
	if (size > 64 * 1024)
		return 0;
	setup();
	run_case("small, all columns", data, size, 0, NULL, true);
	run_case("small, columns 0 and 2", data, size, 0, partial, false);
	/* Boundary: the 1 MiB read boundary falls `cut` bytes into the data. */
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	/* Reading 1 MiB costs ~10 ms under ASan (fresh pages each time): by default only one
	 * input in 8 (by hash) takes this path; FUZZ_CSV_BOUNDARY=always|never overrides. */
	static int boundary = -1;
	if (boundary < 0) {
		const char *e = getenv("FUZZ_CSV_BOUNDARY");
		boundary = !e ? 8 : strcmp(e, "always") == 0 ? 1 : strcmp(e, "never") == 0 ? 0 : 8;
	}
	if (boundary == 0 || (h >> 29) % (unsigned)boundary != 0)
		goto done;
	size_t room = READ_BLOCK - filler_len - FILLER_MIN; /* room left for the pad row */
	size_t cut = size ? h % (size + 1) : 0;
	if (cut > room)
		cut = room;
	size_t pad = READ_BLOCK - filler_len - cut; /* data starts READ_BLOCK - cut into the body */
	char mode[64];
	snprintf(mode, sizeof mode, "1 MiB read boundary %zu bytes into the data", cut);
	run_case(mode, data, size, pad, NULL, true);
done:
	return 0;
}
