/* Differential fuzz harness for the TSV reader (src/lib/input.c).
 *
 * The reader under test (source_open with FORMAT_TSV, source_plan(src, 1), source_scan)
 * reads "a\tb\tc\n" + input; every row it delivers is compared with a reference splitter
 * written here: the field count, each decoded field's bytes and length (and its NUL
 * terminator), the line number. The reference: lines end at each '\n' (the last line may
 * lack one); one final '\r' of a line is not data; a line left empty carries no record but
 * counts as a line; fields are split at each '\t'; a wanted field (a header column wanted,
 * or any column with keep_extra) is decoded with tsv_unescape, an unwanted one holds its
 * undecoded bytes or is empty (input.h). The ahead hook (columns 2 and 0) is checked too:
 * the records it is shown are, in order, lines with at least 3 fields, their fields as
 * the rows read them (a hint: some may be left out).
 *
 * Each input is read several ways:
 *   1. every header column wanted, extra fields left undecoded;
 *   2. only column 1 wanted, extra fields kept (keep_extra: every field is then decoded),
 *      with an ahead hook that asks for records only every other time it is asked;
 *   3. after a line of 0..63 bytes (from the input's bytes) so that the input's line ends
 *      fall elsewhere in the reader's 64-byte blocks;
 *   4. with the input's last byte odd: after ~1 MiB of filler rows and a pad row, so that
 *      input.c's 1 MiB read boundary falls inside the input (`cut` bytes into it).
 * Once per process, before the first input (LLVMFuzzerInitialize, ~5 s under ASan), a sweep
 * puts line ends (LF, CRLF, after a tab, after a backslash, escaped CR...) at every offset
 * of two 64-byte blocks (and the 1 MiB boundary at some of them).
 * A mismatch is printed (escaped) and aborts.
 *
 * Build and run: see tests/fuzz/README.md. */
#define _GNU_SOURCE 1 /* memfd_create */
#include "input.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HEADER "a\tb\tc\n"
#define HEADER_LEN (sizeof HEADER - 1)
#define HEADER_COLUMNS 3
#define READ_BLOCK (1u << 20) /* input.c's read block */
#define FILLER_ROW 1024

static int fd_small = -1, fd_big = -1;
static char path_small[64], path_big[64];
static size_t filler_rows;
static char *filler; /* the filler rows, as written to fd_big */

/* ---- the reference ---- */

struct ref_rec {
	uint64_t line;
	size_t first, count; /* fields ref.off/len[first, first + count) */
};

struct ref {
	const char *text; /* the bytes after the header */
	struct ref_rec *rec;
	size_t nrec, rcap;
	size_t *off, *len; /* undecoded fields (offsets in text) */
	size_t nf, fcap;
};

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t c = *cap ? *cap : 64;
	while (c < need)
		c *= 2;
	p = realloc(p, c * size);
	if (!p)
		abort();
	*cap = c;
	return p;
}

static void ref_build(struct ref *rf, const char *text, size_t size)
{
	rf->text = text;
	rf->nrec = rf->nf = 0;
	uint64_t line = 1; /* the header */
	for (size_t start = 0; start < size;) {
		const char *nl = memchr(text + start, '\n', size - start);
		size_t end = nl ? (size_t)(nl - text) : size;
		size_t next = nl ? end + 1 : size;
		line++;
		if (end > start && text[end - 1] == '\r')
			end--;
		if (end > start) {
			rf->rec = grow(rf->rec, &rf->rcap, rf->nrec + 1, sizeof *rf->rec);
			struct ref_rec *r = &rf->rec[rf->nrec++];
			r->line = line;
			r->first = rf->nf;
			r->count = 0;
			for (size_t f = start;;) {
				const char *tab = memchr(text + f, '\t', end - f);
				size_t fe = tab ? (size_t)(tab - text) : end;
				size_t cap = rf->fcap;
				rf->off = grow(rf->off, &cap, rf->nf + 1, sizeof *rf->off);
				cap = rf->fcap;
				rf->len = grow(rf->len, &cap, rf->nf + 1, sizeof *rf->len);
				rf->fcap = cap;
				rf->off[rf->nf] = f;
				rf->len[rf->nf] = fe - f;
				rf->nf++;
				r->count++;
				if (!tab)
					break;
				f = fe + 1;
			}
		}
		start = next;
	}
}

/* ---- reporting ---- */

static void put_escaped(const char *s, size_t n)
{
	fputc('"', stderr);
	for (size_t i = 0; i < n && i < 200; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\t')
			fputs("\\t", stderr);
		else if (c == '\n')
			fputs("\\n", stderr);
		else if (c == '\r')
			fputs("\\r", stderr);
		else if (c == '\\')
			fputs("\\\\", stderr);
		else if (c < 32 || c >= 127)
			fprintf(stderr, "\\x%02x", c);
		else
			fputc(c, stderr);
	}
	fputs(n > 200 ? "\"..." : "\"", stderr);
}

struct ctx {
	const struct ref *rf;
	const char *mode;
	const bool *wanted;
	bool keep_extra;
	size_t next;       /* the next reference record */
	size_t next_ahead; /* the reference record the ahead hook may be shown next */
	unsigned asked;    /* times the ahead hook's `wanted` was asked */
	char scratch[1 << 17];
};

__attribute__((noreturn)) static void mismatch(const struct ctx *c, const char *what, uint64_t line)
{
	fprintf(stderr, "fuzz_tsv: MISMATCH (%s): %s at line %llu\n", c->mode, what, (unsigned long long)line);
	abort();
}

static bool column_wanted(const struct ctx *c, size_t i)
{
	if (i >= HEADER_COLUMNS)
		return c->keep_extra;
	return c->wanted == NULL || c->wanted[i] || c->keep_extra;
}

static int on_row(void *vctx, const struct row *row)
{
	struct ctx *c = vctx;
	const struct ref *rf = c->rf;
	if (c->next >= rf->nrec)
		mismatch(c, "a row past the reference's last", row->line);
	const struct ref_rec *e = &rf->rec[c->next++];
	if (row->line != e->line) {
		fprintf(stderr, "fuzz_tsv: row read at line %llu, reference record at line %llu\n",
			(unsigned long long)row->line, (unsigned long long)e->line);
		mismatch(c, "line number", e->line);
	}
	if (row->count != e->count) {
		fprintf(stderr, "fuzz_tsv: %zu fields read, %zu in the reference\n", row->count, e->count);
		mismatch(c, "field count", e->line);
	}
	for (size_t i = 0; i < row->count; i++) {
		const char *raw = rf->text + rf->off[e->first + i];
		size_t rawlen = rf->len[e->first + i];
		if (!column_wanted(c, i)) { /* undecoded bytes, or "" */
			if (row->len[i] != 0 && (row->len[i] != rawlen || memcmp(row->field[i], raw, rawlen) != 0)) {
				fprintf(stderr, "fuzz_tsv: unwanted field %zu: read ", i);
				put_escaped(row->field[i], row->len[i]);
				fputs(", undecoded ", stderr);
				put_escaped(raw, rawlen);
				fputc('\n', stderr);
				mismatch(c, "unwanted field", e->line);
			}
			continue;
		}
		if (rawlen > sizeof c->scratch)
			abort();
		memcpy(c->scratch, raw, rawlen);
		size_t n = tsv_unescape(c->scratch, rawlen);
		if (row->len[i] != n || memcmp(row->field[i], c->scratch, n) != 0 || row->field[i][n] != '\0') {
			fprintf(stderr, "fuzz_tsv: field %zu: read ", i);
			put_escaped(row->field[i], row->len[i]);
			fprintf(stderr, " (%zu bytes%s), expected ", row->len[i],
				row->len[i] == n && row->field[i][n] != '\0' ? ", not NUL-terminated" : "");
			put_escaped(c->scratch, n);
			fprintf(stderr, " (%zu bytes) from ", n);
			put_escaped(raw, rawlen);
			fputc('\n', stderr);
			mismatch(c, "field", e->line);
		}
	}
	return 0;
}

/* Whether got..glen is field i of record e as a row reads it: decoded if wanted, else its
 * undecoded bytes or empty. */
static bool field_as_read(struct ctx *c, const struct ref_rec *e, size_t i, const char *got, size_t glen)
{
	const struct ref *rf = c->rf;
	const char *raw = rf->text + rf->off[e->first + i];
	size_t rawlen = rf->len[e->first + i];
	if (!column_wanted(c, i))
		return glen == 0 || (glen == rawlen && memcmp(got, raw, rawlen) == 0);
	if (rawlen > sizeof c->scratch)
		abort();
	memcpy(c->scratch, raw, rawlen);
	size_t n = tsv_unescape(c->scratch, rawlen);
	return glen == n && memcmp(got, c->scratch, n) == 0;
}

/* The ahead hook (columns 2, 0): shown records are later lines of 3 fields or more, in
 * order, their fields as the rows will read them. */
static void check_ahead(void *vctx, const char *const field[], const size_t len[])
{
	struct ctx *c = vctx;
	const struct ref *rf = c->rf;
	if (c->next_ahead < c->next) /* never a record already read */
		c->next_ahead = c->next;
	for (; c->next_ahead < rf->nrec; c->next_ahead++) {
		const struct ref_rec *e = &rf->rec[c->next_ahead];
		if (e->count < 3)
			continue;
		if (field_as_read(c, e, 2, field[0], len[0]) && field_as_read(c, e, 0, field[1], len[1])) {
			c->next_ahead++;
			return;
		}
	}
	fputs("fuzz_tsv: the ahead hook was shown ", stderr);
	put_escaped(field[0], len[0]);
	fputs(", ", stderr);
	put_escaped(field[1], len[1]);
	fputc('\n', stderr);
	mismatch(c, "ahead hook: a record not among the lines to come", 0);
}

static bool ahead_sometimes(void *vctx)
{
	struct ctx *c = vctx;
	return c->asked++ % 2 == 0;
}

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

static void setup(void)
{
	if (fd_small >= 0)
		return;
	fd_small = memfd_create("fuzz_tsv_small", 0);
	fd_big = memfd_create("fuzz_tsv_big", 0);
	if (fd_small < 0 || fd_big < 0)
		abort();
	snprintf(path_small, sizeof path_small, "/proc/self/fd/%d", fd_small);
	snprintf(path_big, sizeof path_big, "/proc/self/fd/%d", fd_big);
	write_all(fd_small, HEADER, HEADER_LEN, 0);
	write_all(fd_big, HEADER, HEADER_LEN, 0);
	filler_rows = (READ_BLOCK - 2 * FILLER_ROW) / FILLER_ROW;
	filler = malloc(filler_rows * FILLER_ROW);
	if (!filler)
		abort();
	for (size_t r = 0; r < filler_rows; r++) {
		char *row = filler + r * FILLER_ROW;
		memset(row, 'x', FILLER_ROW);
		row[1] = '\t';
		row[FILLER_ROW - 3] = '\t';
		row[FILLER_ROW - 1] = '\n';
	}
	write_all(fd_big, filler, filler_rows * FILLER_ROW, (off_t)HEADER_LEN);
}

static struct ref ref;
static char *text;
static size_t text_cap;

/* Reads the file HEADER + prefix + data (big: prefix is the filler, already written, then
 * `pad` bytes of a pad row) and compares with the reference. */
static void run(const char *mode, const uint8_t *data, size_t size, bool big, size_t shift, size_t cut,
		const bool *wanted, bool keep_extra, bool sometimes)
{
	int fd = big ? fd_big : fd_small;
	size_t prefix = big ? filler_rows * FILLER_ROW : 0;
	size_t pad = big ? READ_BLOCK - filler_rows * FILLER_ROW - cut : shift;
	size_t total = prefix + pad + size;
	text = grow(text, &text_cap, total + 1, 1);
	if (big)
		memcpy(text, filler, prefix);
	if (pad) { /* a line of pad bytes */
		memset(text + prefix, big ? 'y' : 's', pad);
		text[prefix + pad - 1] = '\n';
	}
	if (size)
		memcpy(text + prefix + pad, data, size);
	off_t at = (off_t)(HEADER_LEN + prefix);
	write_all(fd, text + prefix, pad + size, at);
	if (ftruncate(fd, (off_t)(HEADER_LEN + total)) != 0)
		abort();
	ref_build(&ref, text, total);

	struct source *src = source_open(big ? path_big : path_small, FORMAT_TSV);
	if (source_header(src)->count != HEADER_COLUMNS)
		abort();
	if (source_plan(src, 1) != 1)
		abort();
	static struct ctx c;
	c.rf = &ref;
	c.mode = mode;
	c.wanted = wanted;
	c.keep_extra = keep_extra;
	c.next = c.next_ahead = 0;
	c.asked = 0;
	struct scan_chunk chunk;
	memset(&chunk, 0, sizeof chunk);
	chunk.ctx = &c;
	struct scan_ahead ahead = { check_ahead, { 2, 0 }, 2, sometimes ? ahead_sometimes : NULL };
	struct scan_options so = { wanted, keep_extra, on_row, &ahead };
	source_scan(src, &so, &chunk, 1);
	source_close(src);
	if (chunk.error.line)
		mismatch(&c, "a syntax error (TSV has none)", chunk.error.line);
	if (chunk.stop || !chunk.used)
		abort();
	if (c.next != ref.nrec) {
		fprintf(stderr, "fuzz_tsv: %zu rows read, %zu records in the reference (shift %zu, cut %zu)\n",
			c.next, ref.nrec, shift, cut);
		mismatch(&c, "row count", c.next < ref.nrec ? ref.rec[c.next].line : 0);
	}
}

static const bool only_b[3] = { false, true, false };

static void run_all(const uint8_t *data, size_t size, size_t shift, bool boundary)
{
	run("all columns", data, size, false, 0, 0, NULL, false, false);
	run("column 1, extra kept", data, size, false, 0, 0, only_b, true, true);
	if (shift)
		run("shifted", data, size, false, shift, 0, NULL, true, false);
	if (boundary && size && (data[size - 1] & 1)) {
		size_t cut = data[0] % (size + 1);
		if (cut > FILLER_ROW)
			cut = FILLER_ROW;
		run("1 MiB boundary", data, size, true, 0, cut, only_b, false, false);
	}
}

/* Line ends of every kind at every offset of two 64-byte blocks, then more lines (once,
 * from LLVMFuzzerInitialize: some 10,000 reads). */
static void sweep(void)
{
	static const char *const tails[] = { "\n", "\r\n", "\t\n", "\t\r\n", "\\\n", "\\\r\n", "\\\\\n",
					     "\\t\n", "\\r\r\n", "\r\r\n", "\n\n", "\r\n\r\n", "\t\t\n" };
	static const char *const fills = "ab\t\\c\tdefghij\\nk";
	char buf[512];
	for (size_t t = 0; t < sizeof tails / sizeof *tails; t++) {
		size_t tl = strlen(tails[t]);
		size_t nlpos = (size_t)(strchr(tails[t], '\n') - tails[t]);
		for (size_t end = nlpos; end < 128; end++) { /* the tail's first newline at `end` */
			for (int v = 0; v < 3; v++) {
				size_t n = 0, body = end - nlpos;
				for (size_t i = 0; i < body; i++)
					buf[n++] = v == 0 ? 'x' : fills[(i * 7 + (size_t)v) % 16];
				memcpy(buf + n, tails[t], tl);
				n += tl;
				const char *more = v == 2 ? "d\te\\tf\tg" : "p\tq\\\\\tr\r\n\\\n";
				memcpy(buf + n, more, strlen(more));
				n += strlen(more);
				const uint8_t *d = (const uint8_t *)buf;
				run("sweep, all decoded", d, n, false, 0, 0, NULL, true, false);
				buf[n++] = v == 1 ? '\r' : 'z'; /* no newline at the end */
				run("sweep, column 1", d, n, false, 0, 0, only_b, false, v == 0);
				if (v == 2 && end % 32 == 0) /* the 1 MiB boundary (costly) at a few */
					run("sweep, 1 MiB boundary", d, n, true, 0, end, NULL, false, false);
			}
		}
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setup();
	sweep();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 64 * 1024)
		return 0;
	setup();
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 1099511628211ull;
	run_all(data, size, (size_t)(h >> 58), true); /* a shift of 0..63 */
	/* tsv_unescape on its own: never longer, idempotent on text without backslashes */
	char *copy = malloc(size ? size : 1);
	if (!copy)
		abort();
	if (size)
		memcpy(copy, data, size);
	size_t n = tsv_unescape(copy, size);
	if (n > size)
		abort();
	if (!memchr(data, '\\', size) && (n != size || (size && memcmp(copy, data, size) != 0)))
		abort();
	free(copy);
	return 0;
}
