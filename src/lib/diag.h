/* Diagnostics, exit statuses and checked allocation shared by every spm program.
 * Messages follow the brief: "PROG: FILE:LINE: COLUMN: message ("value")". */
#ifndef SPM_DIAG_H
#define SPM_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

enum spm_exit {
	SPM_EXIT_OK = 0,
	SPM_EXIT_DATA = 1,  /* bad data or a failed check */
	SPM_EXIT_USAGE = 2, /* usage or I/O error */
};

#define SPM_VERSION "0.1.0"

/* The program name used as the prefix of every message ("spm-track"). */
void diag_set_program(const char *name);
const char *diag_program(void);

/* The command that "Try 'CMD --help'" names, when not the program ("spm-goal split"). */
void diag_set_usage_name(const char *name);

/* Cleanup hooks run before a fatal exit (e.g. removing a half-written temporary file). */
typedef void (*diag_cleanup_fn)(void *arg);
void diag_on_fatal(diag_cleanup_fn fn, void *arg);
void diag_forget(void *arg);

/* Ends a failed run with status: cleanup hooks, flush, _exit. */
noreturn void diag_exit(int status);

/* The status a bad-data exit (SPM_EXIT_DATA) ends with from now on: spm-goal diff
 * returns 2 for a bad sheet, since its 1 means "the sheets differ" (as diff(1)). */
void diag_set_data_status(int status);

/* "PROG: message", cleanup, exit(status). */
noreturn void diag_fatal(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "PROG: message" + "Try 'PROG --help' for more information.", exit 2. */
noreturn void diag_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Only "Try 'PROG --help' for more information.", exit 2: after getopt's own message. */
noreturn void diag_usage_hint(void);

/* s as diagnostics show text from the data, in dst (4 * len + 1 bytes), NUL-terminated:
 * TAB, LF, CR and backslash as \t \n \r \\, other control bytes as \xHH (ESC: \x1b),
 * every other byte as it is. Returns the length written. Every message diag prints is
 * escaped so; text printed or written another way escapes with this. */
size_t diag_escape(char *dst, const char *s, size_t len);

/* A value within a message is cut visibly (sb_cut_value, lib/sbuf.h) and escaped by diag
 * with the message; messages are built in growing strings, never cut. */

/* "PROG: FILE:LINE: COLUMN: message ("value")"; line 0, column NULL or value NULL omit parts. */
void diag_at(const char *file, uint64_t line, const char *column, const char *value,
	     size_t value_len, const char *message);
/* The same for a warning, in every program's one layout:
 * "PROG: FILE:LINE: warning: COLUMN: message ("value")". */
void diag_warn_at(const char *file, uint64_t line, const char *column, const char *value, size_t value_len,
		  const char *message);

/* diag_at and diag_warn_at with the message formatted (printf): text of any length. */
void diag_atf(const char *file, uint64_t line, const char *column, const char *value, size_t value_len,
	      const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void diag_warn_atf(const char *file, uint64_t line, const char *column, const char *value, size_t value_len,
		   const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* "PROG: FILE:LINE: text", the file escaped as diag_at escapes it and text printed as it
 * is: for problems built earlier (by threads, or sorted) with their value quoted already. */
void diag_escaped_at(const char *file, uint64_t line, const char *text);

/* Checked allocation: out of memory is fatal (exit 2). */
void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
/* Tables of megabytes in huge pages: lib/arena.h (xcalloc_huge, xgrow_large). */
void *xrealloc(void *ptr, size_t size);
void *xreallocarray(void *ptr, size_t count, size_t size);
char *xstrdup(const char *s);
char *xmemdup0(const char *s, size_t len);
/* The capacity at least need, from cap by doubling (16 to start): what xgrow grows to. */
size_t grown_capacity(size_t cap, size_t need);
/* Grows *ptr (of *cap elements of elem_size) to hold at least need elements. */
void xgrow(void **ptr, size_t *cap, size_t need, size_t elem_size);

#endif
