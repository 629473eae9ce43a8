/* Option values shared by the spm programs. */
#include "options.h"

#include "diag.h"
#include "period.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

noreturn void print_version(void)
{
	printf("%s (spm) %s\n", diag_program(), SPM_VERSION);
	exit(SPM_EXIT_OK);
}

static bool parse_long(const char *s, long *out)
{
	char *end;
	if (!s || !*s)
		return false;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

long number_option(const char *option, const char *arg, long min, long max)
{
	long v;
	if (!parse_long(arg, &v) || v < min || v > max)
		diag_usage("%s: expected a whole number from %ld to %ld (\"%s\")", option, min, max,
			   arg ? arg : "");
	return v;
}

int fiscal_start_option(const char *arg)
{
	if (arg)
		return (int)number_option("--fiscal-start", arg, 1, 12);
	const char *env = getenv("SPM_FISCAL_START");
	if (env && *env)
		return (int)number_option("SPM_FISCAL_START", env, 1, 12);
	return 1;
}

char **split_list(const char *s, char sep, size_t *count)
{
	char **items = NULL;
	size_t n = 0, cap = 0;
	while (s && *s) {
		const char *end = strchr(s, sep);
		size_t len = end ? (size_t)(end - s) : strlen(s);
		if (len) {
			xgrow((void **)&items, &cap, n + 1, sizeof *items);
			items[n++] = xmemdup0(s, len);
		}
		if (!end)
			break;
		s = end + 1;
	}
	*count = n;
	return items;
}

void free_list(char **items, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(items[i]);
	free(items);
}

size_t online_cpus(size_t cap)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return (size_t)n > cap ? cap : (size_t)n;
}

/* --as-of, else $SPM_AS_OF, else today in local time. */
int32_t as_of_option(const char *arg)
{
	const char *env = getenv("SPM_AS_OF");
	spm_day d;
	if (arg) {
		if (!date_parse_iso(arg, strlen(arg), &d))
			diag_usage("--as-of: %s (\"%s\")", date_problem(arg, strlen(arg), "expected a date YYYY-MM-DD"), arg);
		return d;
	}
	if (env && *env) {
		if (!date_parse_iso(env, strlen(env), &d))
			diag_usage("SPM_AS_OF: %s (\"%s\")", date_problem(env, strlen(env), "expected a date YYYY-MM-DD"), env);
		return d;
	}
	time_t now = time(NULL);
	struct tm tm;
	if (now == (time_t)-1 || !localtime_r(&now, &tm))
		diag_fatal(SPM_EXIT_USAGE, "cannot read today's date; give --as-of");
	return day_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}
