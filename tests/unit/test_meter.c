/* Unit tests for src/lib/meter.c, the progress meter of long reads: the text of a line
 * (rows, MB, MB/s, percent, cut to fit), when it is shown (terminal or forced; never by
 * default into a pipe), counts fed from several threads at once, the last line of a
 * forced meter into a pipe, the in-place redraw and erase on a pseudo-terminal, and the
 * reader's per-block hook (input.c, source_set_progress) that feeds it. */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "input.h"
#include "meter.h"

static void test_format(void **state)
{
	(void)state;
	char buf[160];
	size_t n = meter_format(buf, sizeof buf, "spm-track", 173400000, 1204331, 346800000, 2.0);
	assert_string_equal(buf, "spm-track: 1204331 rows, 173.4 MB, 86.7 MB/s, 50%");
	assert_int_equal(n, strlen(buf));
	/* no total (a pipe): no percent; no time yet: no rate */
	meter_format(buf, sizeof buf, "spm-track", 1500000, 10, 0, 0.0);
	assert_string_equal(buf, "spm-track: 10 rows, 1.5 MB");
	/* a CSV record read twice across a cut: never past 100 % */
	meter_format(buf, sizeof buf, "p", 1001, 2, 1000, 1.0);
	assert_string_equal(buf, "p: 2 rows, 0.0 MB, 0.0 MB/s, 100%");
	/* cut to fit, always terminated */
	n = meter_format(buf, 12, "spm-track", 1, 1, 0, 0.0);
	assert_int_equal(n, 11);
	assert_string_equal(buf, "spm-track: ");
	assert_int_equal(meter_format(buf, 0, "p", 1, 1, 0, 0.0), 0);
}

static void test_shown(void **state)
{
	(void)state;
	assert_true(meter_shown(METER_AUTO, true));
	assert_false(meter_shown(METER_AUTO, false)); /* never into a pipe or a log by default */
	assert_true(meter_shown(METER_ON, false));
	assert_true(meter_shown(METER_ON, true));
	assert_false(meter_shown(METER_OFF, true));
	assert_false(meter_shown(METER_OFF, false));
}

static void test_off_and_pipe(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	assert_null(meter_new("p", METER_OFF, fds[1], 100));
	assert_null(meter_new("p", METER_AUTO, fds[1], 100)); /* a pipe is not a terminal */
	/* a NULL meter is accepted everywhere and does nothing */
	meter_block(NULL, 10, 1);
	meter_clear(NULL);
	meter_finish(NULL);
	uint64_t bytes = 1, rows = 1;
	meter_counts(NULL, &bytes, &rows);
	assert_int_equal(bytes, 0);
	assert_int_equal(rows, 0);
	close(fds[1]);
	char c;
	assert_int_equal(read(fds[0], &c, 1), 0); /* nothing was written */
	close(fds[0]);
}

#define THREADS 4
#define BLOCKS 2000

static void *feed(void *m)
{
	for (int i = 0; i < BLOCKS; i++)
		meter_block(m, 1000, 1);
	return NULL;
}

static void test_threads_forced_into_pipe(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	struct meter *m = meter_new("t", METER_ON, fds[1], 0);
	assert_non_null(m);
	pthread_t th[THREADS];
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, feed, m), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	uint64_t bytes, rows;
	meter_counts(m, &bytes, &rows);
	assert_int_equal(bytes, (uint64_t)THREADS * BLOCKS * 1000);
	assert_int_equal(rows, (uint64_t)THREADS * BLOCKS);
	meter_finish(m);
	close(fds[1]);
	char out[4096];
	size_t len = 0;
	ssize_t n;
	while ((n = read(fds[0], out + len, sizeof out - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(fds[0]);
	/* whole lines only (a log), the last one with the totals */
	assert_true(len > 0 && out[len - 1] == '\n');
	out[len - 1] = '\0';
	char *last = strrchr(out, '\n');
	last = last ? last + 1 : out;
	assert_true(strncmp(last, "t: read 8000 rows, 8.0 MB in ", 29) == 0);
	for (char *line = out; line < last; line = strchr(line, '\n') + 1)
		assert_true(strncmp(line, "t: ", 3) == 0);
}

static void test_terminal_redraw_and_erase(void **state)
{
	(void)state;
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
		if (master >= 0)
			close(master);
		skip(); /* no pseudo-terminals here */
	}
	int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	assert_true(slave >= 0);
	struct meter *m = meter_new("t", METER_AUTO, slave, 4000);
	assert_non_null(m); /* a terminal: shown by default */
	meter_block(m, 1000, 10); /* within the first second: nothing drawn */
	struct timespec pause = { 1, 100000000 };
	nanosleep(&pause, NULL);
	meter_block(m, 1000, 10); /* drawn in place */
	meter_clear(m);
	meter_finish(m); /* already erased: nothing more */
	close(slave);
	/* a pty hands its bytes over in pieces: read until the closed slave's end (EIO) */
	char out[512];
	ssize_t n = 0, got;
	while (n < (ssize_t)sizeof out - 1 && (got = read(master, out + n, sizeof out - 1 - (size_t)n)) > 0)
		n += got;
	close(master);
	assert_true(n > 0);
	out[n] = '\0';
	/* "\r" + the line, then "\r" + as many spaces + "\r": no line end, nothing left */
	const char *line = "t: 20 rows, 0.0 MB, ";
	assert_int_equal(out[0], '\r');
	assert_true(strncmp(out + 1, line, strlen(line)) == 0);
	char *end = strstr(out, "50%");
	assert_non_null(end);
	size_t shown = (size_t)(end + 3 - (out + 1));
	assert_int_equal((size_t)n, 1 + shown + 1 + shown + 1);
	assert_int_equal(out[shown + 1], '\r');
	for (size_t i = 0; i < shown; i++)
		assert_int_equal(out[shown + 2 + i], ' ');
	assert_int_equal(out[n - 1], '\r');
	assert_null(strchr(out, '\n'));
}

struct hook_count {
	pthread_mutex_t lock;
	uint64_t bytes, rows, calls;
};

static void count_block(void *ctx, size_t bytes, uint64_t rows)
{
	struct hook_count *c = ctx;
	pthread_mutex_lock(&c->lock);
	c->bytes += bytes;
	c->rows += rows;
	c->calls++;
	pthread_mutex_unlock(&c->lock);
}

static int ignore_row(void *ctx, const struct row *row)
{
	(void)ctx;
	(void)row;
	return 0;
}

/* A file big enough for three threads: the hook sees every byte after the header and
 * every row, in calls per block (about 1 MiB), not per row. */
static void test_reader_hook(void **state)
{
	(void)state;
	char path[] = "/tmp/spm-test-meter-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	const char *header = "owner\tperiod\tmetric\tvalue\n";
	fputs(header, f);
	const uint64_t nrows = 400000;
	for (uint64_t i = 0; i < nrows; i++)
		fprintf(f, "rep%06llu\t2026-Q3\twon_deals\t%llu\n", (unsigned long long)i, (unsigned long long)i % 97);
	assert_int_equal(fclose(f), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);

	struct hook_count c = { PTHREAD_MUTEX_INITIALIZER, 0, 0, 0 };
	struct source *src = source_open(path, FORMAT_TSV);
	source_set_progress(src, count_block, &c);
	size_t n = source_plan(src, 3);
	assert_true(n > 1);
	struct scan_chunk chunks[3];
	memset(chunks, 0, sizeof chunks);
	struct scan_options so = { NULL, false, ignore_row, NULL };
	source_scan(src, &so, chunks, n);
	source_close(src);
	unlink(path);
	assert_int_equal(c.bytes, (uint64_t)st.st_size - strlen(header));
	assert_int_equal(c.rows, nrows);
	assert_true(c.calls >= 9 && c.calls < 40); /* 14 MB in 1 MiB blocks, a few ends */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_shown),
		cmocka_unit_test(test_off_and_pipe),
		cmocka_unit_test(test_threads_forced_into_pipe),
		cmocka_unit_test(test_terminal_redraw_and_erase),
		cmocka_unit_test(test_reader_hook),
	};
	return cmocka_run_group_tests_name("meter", tests, NULL, NULL);
}
