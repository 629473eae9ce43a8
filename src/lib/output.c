/* Writing TSV streams with checked, buffered writes and atomic replacement of files. */
#define _GNU_SOURCE 1 /* for mkostemp */
#include "output.h"

#include "cleanup.h"
#include "diag.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OUTPUT_BUFFER (1u << 16)

/* Closed outputs waiting for the others (output_close), committed together. */
struct pending {
	char *tmp_path, *path, *backup; /* names in the folder dfd, or paths for AT_FDCWD */
	int slot, backup_slot;
	int dfd;   /* AT_FDCWD, or a folder opened by the caller (output_pending_at) */
	char *dir; /* that folder's name, for messages and the cleanup registry */
	struct pending *next;
};
static struct pending *pending_head, **pending_tail = &pending_head;
static size_t open_files; /* file outputs open (temporary files not yet closed) */

static void fatal_hook(void *arg)
{
	(void)arg;
	cleanup_remove_all();
}

static void hook_fatal(void)
{
	static bool hooked;
	if (!hooked) {
		diag_on_fatal(fatal_hook, NULL);
		hooked = true;
	}
}

/* Blocks every signal (a commit or the creation of a temporary file is not interrupted
 * half-way); *old gets the mask to restore. */
static void block_signals(sigset_t *old)
{
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, old);
}

static void restore_signals(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

/* A hard link to path under a new name beside it (path.XXXXXX), so that a commit that
 * fails later can put the old file back. NULL when path does not exist, or cannot be
 * linked (a file system without hard links): then the old file cannot come back. */
static char *backup_of(const char *path, int *slot)
{
	struct stat st;
	*slot = -1;
	if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return NULL;
	size_t n = strlen(path) + 16;
	char *b = xmalloc(n);
	snprintf(b, n, "%s.XXXXXX", path);
	*slot = cleanup_register(b); /* before the file exists: a fatal error removes it */
	for (int tries = 0; tries < 100; tries++) {
		snprintf(b, n, "%s.XXXXXX", path);
		int fd = mkostemp(b, O_CLOEXEC);
		if (fd < 0)
			break;
		cleanup_rename(*slot, b);
		close(fd);
		unlink(b);
		if (link(path, b) == 0)
			return b;
		if (errno != EEXIST)
			break;
	}
	cleanup_forget(*slot);
	*slot = -1;
	free(b);
	return NULL;
}

/* The same for a file of a folder opened by the caller: a hard link ".NAME.PID-N.old" in
 * that folder, made without following links. */
static char *backup_at(const struct pending *p, int *slot)
{
	struct stat st;
	*slot = -1;
	if (fstatat(p->dfd, p->path, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
		return NULL;
	static unsigned long counter;
	size_t n = strlen(p->dir) + strlen(p->path) + 64;
	char *full = xmalloc(n);
	for (int tries = 0; tries < 100; tries++) {
		int at = snprintf(full, n, "%s/.%s.%ld-%lu.old", p->dir, p->path, (long)getpid(), counter++);
		if (at < 0 || (size_t)at >= CLEANUP_PATH_MAX)
			break;
		const char *name = full + strlen(p->dir) + 1;
		*slot = cleanup_register(full);
		if (linkat(p->dfd, p->path, p->dfd, name, 0) == 0) {
			char *b = xstrdup(name);
			free(full);
			return b;
		}
		cleanup_forget(*slot);
		*slot = -1;
		if (errno != EEXIST)
			break;
	}
	free(full);
	return NULL;
}

static void free_pending(struct pending *p)
{
	free(p->tmp_path);
	free(p->path);
	free(p->backup);
	free(p->dir);
	free(p);
}

/* The few calls of a commit, for a path (AT_FDCWD) or a name in a caller's folder. */
static int pending_rename(const struct pending *p, const char *from, const char *to)
{
	return renameat(p->dfd, from, p->dfd, to);
}

static void pending_unlink(const struct pending *p, const char *name)
{
	unlinkat(p->dfd, name, 0);
}

/* The folders of the files committed in a caller's folder are synced, so that the new
 * names are on disk before the old files go; EINVAL and EROFS mean there is nothing to
 * sync. Returns 0, or the errno of the failure. */
static int sync_folders(const char **dir)
{
	int last = AT_FDCWD;
	for (struct pending *p = pending_head; p; p = p->next) {
		if (p->dfd == AT_FDCWD || p->dfd == last)
			continue;
		last = p->dfd;
		if (fsync(p->dfd) != 0 && errno != EINVAL && errno != EROFS) {
			*dir = p->dir;
			return errno;
		}
	}
	return 0;
}

/* Renames every pending output into place, all or none (as far as the file system
 * allows: a file that could not be linked cannot be restored). */
static void commit(void)
{
	if (!pending_head)
		return;
	sigset_t old;
	block_signals(&old);
	for (struct pending *p = pending_head; p; p = p->next)
		p->backup = p->dfd == AT_FDCWD ? backup_of(p->path, &p->backup_slot) : backup_at(p, &p->backup_slot);
	struct pending *failed = NULL; /* the first not renamed */
	int err = 0;
	for (struct pending *p = pending_head; p; p = p->next) {
		if (pending_rename(p, p->tmp_path, p->path) != 0) {
			err = errno;
			failed = p;
			break;
		}
	}
	bool bad = failed != NULL;
	const char *unsynced = NULL;
	if (!bad && (err = sync_folders(&unsynced)) != 0)
		bad = true; /* every file was renamed: they all get their old file back */
	if (bad) {
		/* the ones renamed get their old file back (or go, if they were new) */
		for (struct pending *p = pending_head; p != failed; p = p->next) {
			if (p->backup) {
				if (pending_rename(p, p->backup, p->path) == 0) {
					free(p->backup);
					p->backup = NULL;
				}
			} else {
				pending_unlink(p, p->path);
			}
		}
		for (struct pending *p = failed; p; p = p->next)
			pending_unlink(p, p->tmp_path);
	}
	char *message = NULL;
	if (bad) {
		const struct pending *p = failed ? failed : pending_head;
		size_t n = strlen(p->path) + (p->dir ? strlen(p->dir) : 0) + (unsynced ? strlen(unsynced) : 0) +
			   strlen(strerror(err)) + 64;
		message = xmalloc(n);
		if (failed)
			snprintf(message, n, "%s%s%s: cannot replace: %s", p->dir ? p->dir : "", p->dir ? "/" : "", p->path,
				 strerror(err));
		else
			snprintf(message, n, "%s: cannot sync the folder: %s; nothing was replaced", unsynced, strerror(err));
	}
	for (struct pending *p = pending_head, *next; p; p = next) {
		next = p->next;
		if (p->backup)
			pending_unlink(p, p->backup);
		cleanup_forget(p->backup_slot);
		cleanup_forget(p->slot);
		free_pending(p);
	}
	pending_head = NULL;
	pending_tail = &pending_head;
	restore_signals(&old);
	if (message)
		diag_fatal(SPM_EXIT_USAGE, "%s", message);
}

static void add_pending(struct pending *p)
{
	*pending_tail = p;
	pending_tail = &p->next;
}

void output_pending_at(int dfd, const char *dir, char *tmp_name, char *name, int slot)
{
	hook_fatal();
	struct pending *p = xcalloc(1, sizeof *p);
	p->backup_slot = -1;
	p->dfd = dfd;
	p->dir = xstrdup(dir);
	p->tmp_path = tmp_name;
	p->path = name;
	p->slot = slot;
	add_pending(p);
}

void output_commit(void)
{
	if (open_files == 0)
		commit();
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
	o->slot = -1;
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
	if (n + 8 >= CLEANUP_PATH_MAX)
		diag_fatal(SPM_EXIT_USAGE, "%s: cannot create: %s", path, strerror(ENAMETOOLONG));
	hook_fatal();
	o->tmp_path = xmalloc(n + 16);
	snprintf(o->tmp_path, n + 16, "%s.XXXXXX", path);
	/* no signal between the creation of the file and its registration */
	o->slot = cleanup_register(o->tmp_path); /* the template: no allocation once it exists */
	sigset_t old_mask;
	block_signals(&old_mask);
	int fd = mkostemp(o->tmp_path, O_CLOEXEC);
	int err = errno;
	if (fd >= 0)
		cleanup_rename(o->slot, o->tmp_path);
	restore_signals(&old_mask);
	if (fd < 0) {
		cleanup_forget(o->slot);
		free(o->tmp_path);
		o->tmp_path = NULL;
		diag_fatal(SPM_EXIT_USAGE, "%s: cannot create: %s", path, strerror(err));
	}
	open_files++;
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
	o->fp = fdopen(fd, "w");
	if (!o->fp) {
		close(fd);
		write_failed(o);
	}
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
	if (!o->tmp_path) { /* a device or a pipe, written in place */
		free(o->path);
		o->path = NULL;
		return;
	}
	struct pending *p = xcalloc(1, sizeof *p);
	p->backup_slot = -1;
	p->dfd = AT_FDCWD;
	p->tmp_path = o->tmp_path;
	p->path = o->path;
	p->slot = o->slot;
	add_pending(p);
	o->tmp_path = o->path = NULL;
	if (--open_files == 0)
		commit();
}

/* One thread writes an output: no lock per field where the C library has a call without. */
#ifdef __GLIBC__
#define write_bytes fwrite_unlocked
#define write_byte putc_unlocked
#else
#define write_bytes fwrite
#define write_byte putc
#endif

void output_bytes(struct output *o, const char *s, size_t len)
{
	/* a word or a figure: byte by byte into stdio's buffer costs less than fwrite's call */
	if (len <= 16) {
		for (size_t i = 0; i < len; i++)
			if (write_byte((unsigned char)s[i], o->fp) == EOF)
				write_failed(o);
		return;
	}
	if (write_bytes(s, 1, len, o->fp) != len)
		write_failed(o);
}

void output_str(struct output *o, const char *s)
{
	output_bytes(o, s, strlen(s));
}

size_t output_escape(const char *s, size_t len, char *dst)
{
	size_t at = 0;
	for (size_t i = 0; i < len; i++) {
		char e = s[i] == '\t' ? 't' : s[i] == '\n' ? 'n' : s[i] == '\r' ? 'r' : s[i] == '\\' ? '\\' : 0;
		if (e) {
			dst[at++] = '\\';
			dst[at++] = e;
		} else {
			dst[at++] = s[i];
		}
	}
	return at;
}

void field_escape(const char *s, size_t len, void (*put)(void *to, const char *s, size_t len), void *to)
{
	char buf[512]; /* escaped in pieces: a field may be any length */
	for (size_t at = 0; at < len; at += sizeof buf / 2) {
		size_t n = len - at < sizeof buf / 2 ? len - at : sizeof buf / 2;
		put(to, buf, output_escape(s + at, n, buf));
	}
}

static void put_output(void *o, const char *s, size_t len)
{
	output_bytes(o, s, len);
}

void output_field(struct output *o, const char *s, size_t len)
{
	field_escape(s, len, put_output, o);
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
	if (write_byte('\t', o->fp) == EOF)
		write_failed(o);
}

void output_newline(struct output *o)
{
	if (write_byte('\n', o->fp) == EOF)
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
