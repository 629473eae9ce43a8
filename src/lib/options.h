/* Option values shared by the spm programs: fiscal start, counts, lists, --version. */
#ifndef SPM_OPTIONS_H
#define SPM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

/* "spm-track (spm) 0.1.0" and exit 0. */
noreturn void print_version(void);

/* --fiscal-start M (1..12); otherwise SPM_FISCAL_START; otherwise 1. Bad values are
 * usage errors. */
int fiscal_start_option(const char *arg);

/* A whole number in [min, max], or a usage error naming the option. */
long number_option(const char *option, const char *arg, long min, long max);

/* Splits "a,b,c" at sep into newly allocated strings (empty items kept out);
 * free with free_list. */
char **split_list(const char *s, char sep, size_t *count);
void free_list(char **items, size_t count);

/* The as-of date of progress and checks: --as-of DATE, else $SPM_AS_OF, else today in
 * local time. Bad values are usage errors. */
int32_t as_of_option(const char *arg);

/* Online processors, at least 1 and at most cap. */
size_t online_cpus(size_t cap);

#endif
