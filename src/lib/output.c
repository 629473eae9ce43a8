/* Writing TSV streams with checked, buffered writes and atomic replacement of files. */
#define _GNU_SOURCE 1 /* for mkostemp */
#include "output.h"

#include "diag.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OUTPUT_BUFFER (1u << 16)

static void discard_hook(void *arg)
{
	struct output *o = arg;
	if (o->tmp_path)
		unlink(o->tmp_path);
}

/* Set once a write to stdout has failed and been reported, so the exit-time check
 * does not report it again. */
static bool stdout_reported;

static noreturn void write_failed(const struct output *o)
{
	int err = errno;
	if (o->fp == stdout || o->path == NULL)
		stdout_reported = true;
	diag_fatal(SPM_EXIT_USAGE, "%s: write error: %s", o->path ? o->path : "standard output",
		   strerror(err ? err : EIO));
}

static bool is_system_path(const char *p)
{
	return strncmp(p, "/dev/", 5) == 0 || strncmp(p, "/proc/", 6) == 0;
}

/* Whether a chain of symbolic links passes through /dev or /proc (/dev/stdout is a link
 * to /proc/self/fd/1, itself a link to whatever stdout is). */
static bool link_reaches_system(const char *path)
{
	char cur[4096], target[4096];
	if (strlen(path) >= sizeof cur)
		return true;
	strcpy(cur, path);
	for (int hop = 0; hop < 40; hop++) {
		struct stat st;
		if (is_system_path(cur))
			return true;
		if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
			return false;
		ssize_t n = readlink(cur, target, sizeof target - 1);
		if (n < 0)
			return true;
		target[n] = '\0';
		if (target[0] == '/') {
			strcpy(cur, target);
		} else { /* relative to the link's folder */
			char *slash = strrchr(cur, '/');
			size_t dir = slash ? (size_t)(slash - cur) + 1 : 0;
			if (dir + (size_t)n >= sizeof cur)
				return true;
			memcpy(cur + dir, target, (size_t)n + 1);
		}
	}
	return true;
}

/* The file to replace atomically for path: path itself, or the regular file a symbolic
 * link points to (the link stays a link). NULL when path must be written in place. */
static char *output_target(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return xstrdup(path); /* a new file */
	if (S_ISLNK(st.st_mode)) {
		if (link_reaches_system(path))
			return NULL;
		char *real = realpath(path, NULL);
		if (!real)
			return NULL; /* a dangling link: let fopen say what is wrong */
		if (strncmp(real, "/proc/", 6) == 0 || strncmp(real, "/dev/", 5) == 0 ||
		    stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
			free(real);
			return NULL;
		}
		char *copy = xstrdup(real); /* allocated by us, freed with free() like the rest */
		free(real);
		return copy;
	}
	return S_ISREG(st.st_mode) ? xstrdup(path) : NULL;
}

void output_open(struct output *o, const char *path)
{
	memset(o, 0, sizeof *o);
	if (path == NULL || strcmp(path, "-") == 0) {
		o->fp = stdout;
		return;
	}
	if (!*path)
		diag_usage("an output file name is empty");
	o->path = output_target(path);
	if (!o->path) {
		/* A device, a pipe or a /proc or /dev link (/dev/stdout) is written in place:
		 * renaming a temporary file over it would replace the device or the link. */
		o->path = xstrdup(path);
		o->fp = fopen(path, "w");
		if (!o->fp)
			diag_fatal(SPM_EXIT_USAGE, "%s: cannot open: %s", path, strerror(errno));
		return;
	}
	path = o->path;
	size_t n = strlen(path);
	o->tmp_path = xmalloc(n + 16);
	snprintf(o->tmp_path, n + 16, "%s.XXXXXX", path);
	int fd = mkostemp(o->tmp_path, O_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		free(o->tmp_path);
		o->tmp_path = NULL;
		diag_fatal(SPM_EXIT_USAGE, "%s: cannot create: %s", path, strerror(err));
	}
	/* mkostemp creates 0600. A file that is replaced keeps its mode (and, where allowed,
	 * its owner and group); a new one gets the usual mode under the umask. */
	struct stat old;
	if (stat(path, &old) == 0 && S_ISREG(old.st_mode)) {
		fchmod(fd, old.st_mode & 07777);
		if (fchown(fd, old.st_uid, old.st_gid) != 0) {
			/* not allowed (not root): the file becomes the writer's, as with any editor */
		}
	} else {
		mode_t mask = umask(0);
		umask(mask);
		fchmod(fd, 0666 & ~mask);
	}
	diag_on_fatal(discard_hook, o);
	o->fp = fdopen(fd, "w");
	if (!o->fp)
		write_failed(o);
	setvbuf(o->fp, NULL, _IOFBF, OUTPUT_BUFFER);
}

void output_close(struct output *o)
{
	if (o->fp == stdout) {
		if (fflush(stdout) != 0 || ferror(stdout))
			write_failed(o);
		o->fp = NULL;
		return;
	}
	errno = 0;
	if (fflush(o->fp) != 0 || ferror(o->fp) || (o->tmp_path && fsync(fileno(o->fp)) != 0))
		write_failed(o);
	if (fclose(o->fp) != 0) {
		o->fp = NULL;
		write_failed(o);
	}
	o->fp = NULL;
	if (o->tmp_path && rename(o->tmp_path, o->path) != 0) {
		int err = errno;
		diag_fatal(SPM_EXIT_USAGE, "%s: cannot replace: %s", o->path, strerror(err));
	}
	diag_forget(o);
	free(o->tmp_path);
	free(o->path);
	o->tmp_path = o->path = NULL;
}

void output_bytes(struct output *o, const char *s, size_t len)
{
	if (len && fwrite(s, 1, len, o->fp) != len)
		write_failed(o);
}

void output_str(struct output *o, const char *s)
{
	output_bytes(o, s, strlen(s));
}

void output_field(struct output *o, const char *s, size_t len)
{
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		const char *esc = s[i] == '\t' ? "\\t" : s[i] == '\n' ? "\\n" : s[i] == '\r' ? "\\r"
				: s[i] == '\\' ? "\\\\" : NULL;
		if (esc) {
			output_bytes(o, s + start, i - start);
			output_bytes(o, esc, 2);
			start = i + 1;
		}
	}
	output_bytes(o, s + start, len - start);
}

void output_csv_field(struct output *o, const char *s, size_t len)
{
	/* a leading ' (spm-report's mark of a neutralised formula) is quoted too, so that it
	 * reads as part of the text */
	bool quote = len && (s[0] == ' ' || s[len - 1] == ' ' || s[0] == '\'');
	for (size_t i = 0; i < len && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (!quote) {
		output_bytes(o, s, len);
		return;
	}
	output_bytes(o, "\"", 1);
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"') {
			output_bytes(o, s + start, i + 1 - start); /* the quote, then its double */
			start = i;
		}
	}
	output_bytes(o, s + start, len - start);
	output_bytes(o, "\"", 1);
}

void output_tab(struct output *o)
{
	if (putc('\t', o->fp) == EOF)
		write_failed(o);
}

void output_newline(struct output *o)
{
	if (putc('\n', o->fp) == EOF)
		write_failed(o);
}

void output_close_stdout(void)
{
	/* Catches "> /dev/full": the data may sit in stdio's buffer until now. */
	if (stdout_reported)
		return;
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		int err = errno;
		fprintf(stderr, "%s: standard output: write error: %s\n", diag_program(),
			strerror(err ? err : EIO));
		_exit(SPM_EXIT_USAGE);
	}
}
