/* Diagnostics, exit statuses and checked allocation shared by every spm program. */
#include "diag.h"

#include "sbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *program_name = "spm";
static const char *usage_name;
static int data_status = SPM_EXIT_DATA; /* what a bad-data exit returns (diag_set_data_status) */ /* "spm-goal split": the command of "Try ... --help" */

static void run_cleanups(void);

#define MAX_CLEANUPS 16
static struct {
	diag_cleanup_fn fn;
	void *arg;
} cleanups[MAX_CLEANUPS];

void diag_set_program(const char *name)
{
	program_name = name;
	/* Whatever is still registered at exit belongs to a run that did not finish
	 * (every successful close unregisters itself): remove it. */
	atexit(run_cleanups);
}

const char *diag_program(void)
{
	return program_name;
}

void diag_on_fatal(diag_cleanup_fn fn, void *arg)
{
	for (size_t i = 0; i < MAX_CLEANUPS; i++) {
		if (cleanups[i].fn == NULL) {
			cleanups[i].fn = fn;
			cleanups[i].arg = arg;
			return;
		}
	}
	diag_fatal(SPM_EXIT_USAGE, "too many open output files");
}

void diag_forget(void *arg)
{
	for (size_t i = 0; i < MAX_CLEANUPS; i++)
		if (cleanups[i].arg == arg)
			cleanups[i].fn = NULL;
}

static void run_cleanups(void)
{
	for (size_t i = 0; i < MAX_CLEANUPS; i++) {
		if (cleanups[i].fn) {
			diag_cleanup_fn fn = cleanups[i].fn;
			cleanups[i].fn = NULL;
			fn(cleanups[i].arg);
		}
	}
}

/* A diagnostic is built here and written in one piece: stderr is unbuffered, and a write
 * per byte made a long warning cost a hundred system calls (and let another process's
 * output cut into it). Past the buffer it goes out in pieces. */
struct diag_line {
	char buf[2048];
	size_t len;
};

static void line_flush(struct diag_line *l)
{
	if (l->len)
		fwrite(l->buf, 1, l->len, stderr);
	l->len = 0;
}

static void line_put(struct diag_line *l, const char *s, size_t n)
{
	while (n) {
		if (l->len == sizeof l->buf)
			line_flush(l);
		size_t k = sizeof l->buf - l->len < n ? sizeof l->buf - l->len : n;
		memcpy(l->buf + l->len, s, k);
		l->len += k;
		s += k;
		n -= k;
	}
}

static void line_str(struct diag_line *l, const char *s)
{
	line_put(l, s, strlen(s));
}

/* The escape of a byte shown from the data (\t, \n, \r, \\, \x1b) in esc, or 0 for a byte
 * shown as it is: one rule for values, names, paths and the text around them. A backslash
 * is escaped too (as printf %q and ls -b do), or a name holding the four characters \x1b
 * would read the same as one holding an ESC byte. */
static size_t escape_byte(unsigned char c, char esc[5])
{
	if (c == '\t' || c == '\n' || c == '\r' || c == '\\')
		return (size_t)snprintf(esc, 5, "\\%c", c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\');
	if (c < 0x20 || c == 0x7f)
		return (size_t)snprintf(esc, 5, "\\x%02x", c);
	return 0;
}

size_t diag_escape(char *dst, const char *s, size_t len)
{
	size_t at = 0;
	for (size_t i = 0; i < len; i++) {
		char esc[5];
		size_t n = escape_byte((unsigned char)s[i], esc);
		if (n) {
			memcpy(dst + at, esc, n);
			at += n;
		} else {
			dst[at++] = s[i];
		}
	}
	dst[at] = '\0';
	return at;
}

/* Text of a message, escaped as values are (\n, \x1b, \\): a name that reaches a message
 * from the data (an owner, a plan, a path) cannot break the line or drive the terminal, and
 * reads back unambiguously. So a value within a message is put in raw (sb_cut_value), not
 * quoted: it is escaped here, once. */
static void put_text(struct diag_line *l, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char esc[5];
		size_t n = escape_byte((unsigned char)s[i], esc);
		if (n)
			line_put(l, esc, n);
		else
			line_put(l, s + i, 1);
	}
}

static void put_formatted(struct diag_line *l, const char *fmt, va_list ap)
{
	char buf[1024];
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	if (n >= 0 && (size_t)n < sizeof buf) {
		put_text(l, buf, (size_t)n);
	} else if (n >= 0) {
		char *big = malloc((size_t)n + 1); /* a long message: never out of memory's own */
		if (big && vsnprintf(big, (size_t)n + 1, fmt, again) == n)
			put_text(l, big, (size_t)n);
		else
			put_text(l, buf, sizeof buf - 1);
		free(big);
	}
	va_end(again);
}

static void put_program(struct diag_line *l)
{
	line_str(l, program_name);
	line_str(l, ": ");
}

noreturn void diag_fatal(int status, const char *fmt, ...)
{
	struct diag_line l = { .len = 0 };
	va_list ap;
	put_program(&l);
	va_start(ap, fmt);
	put_formatted(&l, fmt, ap);
	va_end(ap);
	line_str(&l, "\n");
	line_flush(&l);
	diag_exit(status);
}

void diag_set_usage_name(const char *name)
{
	usage_name = name;
}

noreturn void diag_usage(const char *fmt, ...)
{
	struct diag_line l = { .len = 0 };
	va_list ap;
	put_program(&l);
	va_start(ap, fmt);
	put_formatted(&l, fmt, ap);
	va_end(ap);
	line_str(&l, "\nTry '");
	line_str(&l, usage_name ? usage_name : program_name);
	line_str(&l, " --help' for more information.\n");
	line_flush(&l);
	diag_exit(SPM_EXIT_USAGE);
}

noreturn void diag_usage_hint(void)
{
	fprintf(stderr, "Try '%s --help' for more information.\n", usage_name ? usage_name : program_name);
	diag_exit(SPM_EXIT_USAGE);
}

noreturn void diag_exit(int status)
{
	/* A failed run ends here: half-written files are removed, what was printed is
	 * flushed, and the process ends without the exit-time leak check of sanitizer
	 * builds, which would report the structures the failed run was still using. */
	run_cleanups();
	fflush(stdout);
	fflush(stderr);
	_exit(status == SPM_EXIT_DATA ? data_status : status);
}

void diag_set_data_status(int status)
{
	data_status = status;
}

/* "PROG: FILE:LINE: [warning: ]COLUMN: message ("value")". */
static void diag_line_at(const char *file, uint64_t line, bool warning, const char *column, const char *value,
			 size_t value_len, const char *message)
{
	struct sbuf shown = { 0 };
	if (value)
		sb_quote_value(&shown, value, value_len);
	struct diag_line l = { .len = 0 };
	put_program(&l);
	put_text(&l, file ? file : "-", strlen(file ? file : "-"));
	if (line) {
		char number[24];
		snprintf(number, sizeof number, ":%llu", (unsigned long long)line);
		line_str(&l, number);
	}
	line_str(&l, ": ");
	if (warning)
		line_str(&l, "warning: ");
	if (column) {
		put_text(&l, column, strlen(column));
		line_str(&l, ": ");
	}
	put_text(&l, message, strlen(message));
	if (value) {
		line_str(&l, " (\"");
		line_put(&l, shown.s, shown.len);
		line_str(&l, "\")");
	}
	line_str(&l, "\n");
	line_flush(&l);
	sb_free(&shown);
}

void diag_at(const char *file, uint64_t line, const char *column, const char *value,
	     size_t value_len, const char *message)
{
	diag_line_at(file, line, false, column, value, value_len, message);
}

void diag_warn_at(const char *file, uint64_t line, const char *column, const char *value, size_t value_len,
		  const char *message)
{
	diag_line_at(file, line, true, column, value, value_len, message);
}

static void line_atf(const char *file, uint64_t line, bool warning, const char *column, const char *value,
		     size_t value_len, const char *fmt, va_list ap)
{
	struct sbuf message = { 0 };
	sb_vprintf(&message, fmt, ap);
	diag_line_at(file, line, warning, column, value, value_len, sb_text(&message));
	sb_free(&message);
}

void diag_atf(const char *file, uint64_t line, const char *column, const char *value, size_t value_len,
	      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	line_atf(file, line, false, column, value, value_len, fmt, ap);
	va_end(ap);
}

void diag_warn_atf(const char *file, uint64_t line, const char *column, const char *value, size_t value_len,
		   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	line_atf(file, line, true, column, value, value_len, fmt, ap);
	va_end(ap);
}

void diag_escaped_at(const char *file, uint64_t line, const char *text)
{
	struct diag_line l = { .len = 0 };
	char number[24];
	put_program(&l);
	put_text(&l, file, strlen(file));
	snprintf(number, sizeof number, ":%llu: ", (unsigned long long)line);
	line_str(&l, number);
	line_str(&l, text);
	line_str(&l, "\n");
	line_flush(&l);
}

static noreturn void out_of_memory(void)
{
	diag_fatal(SPM_EXIT_USAGE, "out of memory");
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xreallocarray(void *ptr, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		out_of_memory();
	return xrealloc(ptr, count * size);
}

char *xstrdup(const char *s)
{
	return xmemdup0(s, strlen(s));
}

char *xmemdup0(const char *s, size_t len)
{
	if (len == SIZE_MAX)
		out_of_memory();
	char *p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

size_t grown_capacity(size_t cap, size_t need)
{
	size_t n = cap ? cap : 16;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			out_of_memory();
		n *= 2;
	}
	return n;
}

void xgrow(void **ptr, size_t *cap, size_t need, size_t elem_size)
{
	if (need <= *cap)
		return;
	size_t n = grown_capacity(*cap, need);
	*ptr = xreallocarray(*ptr, n, elem_size);
	*cap = n;
}
