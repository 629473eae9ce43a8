/* Progress meter on standard error for long reads (see meter.h). Counters are atomic so
 * that every reading thread can feed it; one thread at a time draws, the others go on. */
#include "meter.h"

#include "diag.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_S 1000000000LL
#define FIRST_DRAW_NS NS_PER_S      /* inputs read within about a second show nothing */
#define TERMINAL_EVERY_NS (NS_PER_S / 4) /* redraws on a terminal */
#define LOG_EVERY_NS NS_PER_S       /* lines into a pipe or a file, when forced */
#define LINE_MAX_BYTES 160

struct meter {
	char *prog;
	int fd;
	bool terminal;
	uint64_t total;
	int64_t start_ns;
	_Atomic uint64_t bytes;
	_Atomic uint64_t rows;
	_Atomic int64_t next_ns; /* no drawing before this time */
	atomic_flag drawing;     /* held by the thread that draws */
	size_t shown;            /* bytes of the line on the terminal (under drawing) */
};

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

/* Progress is a courtesy: a failed write to standard error must not end the run. */
static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

bool meter_shown(enum meter_mode mode, bool terminal)
{
	return mode == METER_ON || (mode == METER_AUTO && terminal);
}

/* Appends to buf[*len..size) like snprintf, never past the end. */
static void append(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	if (*len + 1 >= size)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	*len += (size_t)n < size - *len ? (size_t)n : size - *len - 1;
}

size_t meter_format(char *buf, size_t size, const char *prog, uint64_t bytes, uint64_t rows,
		    uint64_t total, double seconds)
{
	size_t len = 0;
	if (size == 0)
		return 0;
	buf[0] = '\0';
	append(buf, size, &len, "%s: %llu rows, %.1f MB", prog, (unsigned long long)rows, (double)bytes / 1e6);
	if (seconds >= 0.001)
		append(buf, size, &len, ", %.1f MB/s", (double)bytes / 1e6 / seconds);
	if (total) {
		/* a CSV record across a cut is read twice, so the count may pass the size */
		uint64_t pct = bytes >= total ? 100 : (uint64_t)((double)bytes * 100.0 / (double)total);
		append(buf, size, &len, ", %llu%%", (unsigned long long)pct);
	}
	return len;
}

struct meter *meter_new(const char *prog, enum meter_mode mode, int fd, uint64_t total)
{
	bool terminal = isatty(fd) == 1;
	if (!meter_shown(mode, terminal))
		return NULL;
	struct meter *m = xcalloc(1, sizeof *m);
	m->prog = xstrdup(prog);
	m->fd = fd;
	m->terminal = terminal;
	m->total = total;
	m->start_ns = now_ns();
	atomic_init(&m->bytes, 0);
	atomic_init(&m->rows, 0);
	atomic_init(&m->next_ns, m->start_ns + FIRST_DRAW_NS);
	atomic_flag_clear(&m->drawing);
	return m;
}

/* Draws the line (under the drawing flag): in place on a terminal, else as a full line. */
static void draw(struct meter *m, int64_t now)
{
	char line[LINE_MAX_BYTES + 2];
	size_t n = meter_format(line + 1, LINE_MAX_BYTES, m->prog, atomic_load(&m->bytes),
				atomic_load(&m->rows), m->total, (double)(now - m->start_ns) / 1e9);
	if (!m->terminal) {
		line[n + 1] = '\n';
		write_all(m->fd, line + 1, n + 1);
		return;
	}
	line[0] = '\r';
	write_all(m->fd, line, n + 1);
	if (n < m->shown) { /* spaces over the rest of a longer earlier line */
		char blank[LINE_MAX_BYTES];
		memset(blank, ' ', m->shown - n);
		write_all(m->fd, blank, m->shown - n);
	}
	m->shown = n;
}

void meter_block(void *meter, size_t bytes, uint64_t rows)
{
	struct meter *m = meter;
	if (!m)
		return;
	atomic_fetch_add(&m->bytes, bytes);
	atomic_fetch_add(&m->rows, rows);
	int64_t now = now_ns();
	if (now < atomic_load(&m->next_ns) || atomic_flag_test_and_set(&m->drawing))
		return;
	if (now >= atomic_load(&m->next_ns)) {
		draw(m, now);
		atomic_store(&m->next_ns, now + (m->terminal ? TERMINAL_EVERY_NS : LOG_EVERY_NS));
	}
	atomic_flag_clear(&m->drawing);
}

void meter_clear(struct meter *m)
{
	if (!m || !m->terminal || m->shown == 0)
		return;
	char blank[LINE_MAX_BYTES + 2];
	blank[0] = '\r';
	memset(blank + 1, ' ', m->shown);
	blank[m->shown + 1] = '\r';
	write_all(m->fd, blank, m->shown + 2);
	m->shown = 0;
}

void meter_counts(const struct meter *m, uint64_t *bytes, uint64_t *rows)
{
	*bytes = m ? atomic_load(&m->bytes) : 0;
	*rows = m ? atomic_load(&m->rows) : 0;
}

void meter_finish(struct meter *m)
{
	if (!m)
		return;
	if (m->terminal) {
		meter_clear(m);
	} else {
		double seconds = (double)(now_ns() - m->start_ns) / 1e9;
		uint64_t bytes = atomic_load(&m->bytes);
		char line[LINE_MAX_BYTES + 1];
		size_t len = 0;
		append(line, LINE_MAX_BYTES, &len, "%s: read %llu rows, %.1f MB in %.2f s", m->prog,
		       (unsigned long long)atomic_load(&m->rows), (double)bytes / 1e6, seconds);
		if (seconds >= 0.001)
			append(line, LINE_MAX_BYTES, &len, ", %.1f MB/s", (double)bytes / 1e6 / seconds);
		line[len] = '\n';
		write_all(m->fd, line, len + 1);
	}
	free(m->prog);
	free(m);
}
