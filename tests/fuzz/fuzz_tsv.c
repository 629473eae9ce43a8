/* Crash-only fuzz harness for the TSV reader (src/lib/input.c), with light invariants.
 *
 * The input is read as "a\tb\tc\n" + input (source_open with FORMAT_TSV, one chunk), with
 * every column wanted, then with only column 1 wanted. Checked: no sanitizer report; each
 * decoded field is NUL-terminated at its length; line numbers increase; no syntax error is
 * ever reported (TSV has none); the number of rows is the number of non-blank lines (a line
 * holding only a CR is blank).
 * With the input's last byte odd, the data is preceded by ~1 MiB of filler rows so that
 * input.c's 1 MiB read boundary falls inside the input.
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
#define READ_BLOCK (1u << 20) /* input.c's read block */
#define FILLER_ROW 1024

static int fd_small = -1, fd_big = -1;
static char path_small[64], path_big[64];
static size_t filler_rows;

struct ctx {
	const bool *wanted;
	size_t rows;
	uint64_t last_line;
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

static int on_row(void *vctx, const struct row *row)
{
	struct ctx *c = vctx;
	if (row->line <= c->last_line) {
		fprintf(stderr, "fuzz_tsv: line numbers do not increase (%llu after %llu)\n",
			(unsigned long long)row->line, (unsigned long long)c->last_line);
		abort();
	}
	c->last_line = row->line;
	if (row->count == 0)
		abort();
	for (size_t i = 0; i < row->count; i++) {
		bool wanted = c->wanted == NULL || (i < 3 && c->wanted[i]);
		if (!wanted)
			continue;
		if (row->field[i][row->len[i]] != '\0')
			abort();
	}
	c->rows++;
	return 0;
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
	char *buf = malloc(filler_rows * FILLER_ROW);
	if (!buf)
		abort();
	for (size_t r = 0; r < filler_rows; r++) {
		char *row = buf + r * FILLER_ROW;
		memset(row, 'x', FILLER_ROW);
		row[1] = '\t';
		row[FILLER_ROW - 3] = '\t';
		row[FILLER_ROW - 1] = '\n';
	}
	write_all(fd_big, buf, filler_rows * FILLER_ROW, (off_t)HEADER_LEN);
	free(buf);
}

/* Rows expected: non-blank lines ("" and "\r" are blank). */
static size_t expected_rows(const uint8_t *data, size_t size)
{
	size_t rows = 0, start = 0;
	for (size_t i = 0; i <= size; i++) {
		if (i == size || data[i] == '\n') {
			size_t len = i - start;
			if (len && data[i - 1] == '\r')
				len--;
			if (len)
				rows++;
			start = i + 1;
		}
	}
	return rows;
}

static void run(const uint8_t *data, size_t size, bool big, const bool *wanted)
{
	int fd = big ? fd_big : fd_small;
	off_t at = (off_t)HEADER_LEN;
	size_t skip = 0;
	if (big) {
		/* filler, then a pad row so that the data starts `cut` bytes before the boundary */
		size_t cut = size ? data[0] % (size + 1) : 0;
		if (cut > FILLER_ROW)
			cut = FILLER_ROW;
		size_t pad = READ_BLOCK - filler_rows * FILLER_ROW - cut;
		char *row = malloc(pad);
		if (!row)
			abort();
		memset(row, 'y', pad);
		row[pad - 1] = '\n';
		at += (off_t)(filler_rows * FILLER_ROW);
		write_all(fd, row, pad, at);
		at += (off_t)pad;
		free(row);
		skip = filler_rows + 1;
	}
	if (size)
		write_all(fd, data, size, at);
	if (ftruncate(fd, at + (off_t)size) != 0)
		abort();
	struct source *src = source_open(big ? path_big : path_small, FORMAT_TSV);
	if (source_header(src)->count != 3)
		abort();
	if (source_plan(src, 1) != 1)
		abort();
	struct ctx c = { wanted, 0, 0 };
	struct scan_chunk chunk;
	memset(&chunk, 0, sizeof chunk);
	chunk.ctx = &c;
	struct scan_ahead ahead = { touch_ahead, { 2, 0 }, 2, NULL };
	struct scan_options so = { wanted, false, on_row, &ahead };
	source_scan(src, &so, &chunk, 1);
	source_close(src);
	if (chunk.error.line || chunk.stop || !chunk.used)
		abort();
	size_t want = expected_rows(data, size) + skip;
	if (c.rows != want) {
		fprintf(stderr, "fuzz_tsv: %zu rows read, %zu non-blank lines%s\n", c.rows, want,
			big ? " (with filler)" : "");
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const bool only_b[3] = { false, true, false };
	if (size > 64 * 1024)
		return 0;
	setup();
	run(data, size, false, NULL);
	run(data, size, false, only_b);
	if (size && (data[size - 1] & 1))
		run(data, size, true, NULL);
	/* tsv_unescape on its own: never longer, idempotent on text without backslashes */
	char *copy = malloc(size ? size : 1);
	if (!copy)
		abort();
	if (size)
		memcpy(copy, data, size);
	size_t n = tsv_unescape(copy, size);
	if (n > size)
		abort();
	free(copy);
	return 0;
}
