/* --split-dir: one file per owner (or per group for the team report), to mail each rep
 * their own feedback or statement. File names come from owner names made safe: letters,
 * digits, - _ . and non-ASCII letters stay, everything else (/, \, spaces of any width,
 * controls, invisible characters, soft hyphens, look-alikes of / \ and .) becomes _, runs
 * of dots and a leading dot become _, long names are cut, and names that collide
 * (ignoring ASCII case) get -2, -3 ... in owner order. A name can therefore never leave DIR.
 *
 * The folder is written as a whole: every file goes to a temporary file created in DIR
 * through the folder's descriptor (openat, O_CREAT|O_EXCL|O_NOFOLLOW: never through a
 * symbolic link, whenever it appeared), the list of files is written, and only then are
 * the temporary files renamed into place (renameat, which replaces a link rather than
 * following it). A failure before the renames (a full disk, a bad write) leaves DIR as it
 * was. An existing entry that is not a regular file (a symbolic link, a folder) is
 * refused before anything is written. */
#include "spm-report.h"

#include "cleanup.h"
#include "diag.h"
#include "table.h"
#include "utf8.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NAME_MAX_BYTES 180 /* room for -N, the extension and the temporary name in 255 */

static const char *const extension[F_COUNT] = { ".txt", ".md", ".html", ".json", ".csv", ".xlsx" };

/* Characters that look like nothing, like a space, or like a / \ or . without being
 * one: a file name that holds them reads as another name, or as a path. */
static bool deceptive(uint32_t cp)
{
	switch (cp) {
	case 0x00A0: /* no-break space */
	case 0x00AD: /* soft hyphen */
	case 0x115F: case 0x1160: case 0x3164: case 0xFFA0: /* Hangul fillers */
	case 0x1680: case 0x180E: case 0x202F: case 0x205F: case 0x3000: case 0x2800:
	case 0x2044: /* fraction slash */
	case 0x2215: /* division slash */
	case 0x2216: /* set minus */
	case 0x2571: case 0x2572: /* box-drawing diagonals */
	case 0x29F5: case 0x29F8: case 0x29F9: /* reverse solidus operator, big solidi */
	case 0x3033: case 0x3035: /* vertical kana repeat marks */
	case 0xFE68: case 0xFF0F: case 0xFF3C: /* small and fullwidth solidi */
	case 0x2024: case 0x2025: case 0x2026: case 0xFE52: case 0xFF0E: /* dot leaders, small and fullwidth stops */
		return true;
	}
	return (cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2060 && cp <= 0x206F) || (cp >= 0xFFF0 && cp <= 0xFFFF);
}

static bool keeps(uint32_t cp)
{
	if (cp < 0x80)
		return isalnum((int)cp) || cp == '-' || cp == '_' || cp == '.';
	return cp > 0xA0 && !utf8_cp_hidden(cp) && !deceptive(cp) && utf8_cp_width(cp) > 0;
}

char *safe_file_name(const char *name, size_t len, const char *ext)
{
	struct sbuf b = { 0 };
	for (size_t i = 0; i < len && b.len < NAME_MAX_BYTES;) {
		uint32_t cp;
		size_t n = utf8_decode(name + i, len - i, &cp);
		if (n && keeps(cp) && b.len + n <= NAME_MAX_BYTES)
			sb_add(&b, name + i, n);
		else if (b.len == 0 || b.s[b.len - 1] != '_')
			sb_add(&b, "_", 1);
		i += n ? n : 1;
	}
	/* no "..", no leading or trailing dot (an extension follows): such dots become _ */
	for (size_t i = 0; i < b.len; i++) {
		if (b.s[i] != '.')
			continue;
		bool run = (i + 1 < b.len && b.s[i + 1] == '.') || (i > 0 && b.s[i - 1] == '.');
		if (i == 0 || i + 1 == b.len || run)
			b.s[i] = '_';
	}
	if (b.len == 0)
		sb_add(&b, "_", 1);
	sb_str(&b, ext);
	return b.s;
}

/* ---- the files and their names ---- */

struct split_file {
	size_t owner;
	char *name;
	char *tmp; /* its temporary name in DIR while it is written, or NULL */
	int cleanup; /* its slot in the registry of files a signal removes (cleanup.h) */
	size_t *sections;
	size_t n, cap;
};

static const struct names *sort_names; /* qsort has no context argument */

static int cmp_split_files(const void *pa, const void *pb)
{
	const struct split_file *a = pa, *b = pb;
	return name_cmp(sort_names, a->owner, b->owner);
}

static char *ascii_lower(const char *s, size_t len)
{
	char *l = xmemdup0(s, len);
	for (size_t i = 0; i < len; i++)
		l[i] = (char)tolower((unsigned char)l[i]);
	return l;
}

/* Distinct names, in owner order: the first keeps its name, the next get -2, -3 ...
 * Names taken are kept in a hash set (ignoring ASCII case), and each safe name remembers
 * the next number to try, so that n owners of one safe name cost n look-ups, not n². */
static void name_files(struct split_file *f, size_t n, const struct names *nm, const char *ext)
{
	struct table *taken = table_new(1);
	struct table *next = table_new(sizeof(unsigned long));
	for (size_t i = 0; i < n; i++) {
		char *base = safe_file_name(nm->s[f[i].owner], nm->len[f[i].owner], "");
		char *key = ascii_lower(base, strlen(base));
		struct sbuf b = { 0 };
		sb_str(&b, base);
		sb_str(&b, ext);
		char *lower = ascii_lower(b.s, b.len);
		bool created;
		table_upsert(taken, lower, b.len, &created);
		free(lower);
		if (!created) {
			unsigned long *k = table_upsert(next, key, strlen(key), &created);
			if (*k < 2)
				*k = 2;
			for (;; (*k)++) {
				b.len = 0;
				sb_printf(&b, "%s-%lu%s", base, *k, ext);
				lower = ascii_lower(b.s, b.len);
				table_upsert(taken, lower, b.len, &created);
				free(lower);
				if (created)
					break;
			}
			(*k)++;
		}
		f[i].name = b.s;
		free(key);
		free(base);
	}
	table_free(taken);
	table_free(next);
}

/* ---- writing ---- */

struct split_run {
	int dfd;
	const char *dir;
	struct split_file *f;
	size_t n;
};

/* A failed run removes the temporary files it made: DIR is left as it was. */
static void discard_temporaries(void *arg)
{
	struct split_run *run = arg;
	for (size_t i = 0; i < run->n; i++)
		if (run->f[i].tmp) {
			unlinkat(run->dfd, run->f[i].tmp, 0);
			cleanup_forget(run->f[i].cleanup);
		}
}

/* The terminating signals are held while a temporary file is created and registered, so
 * that a signal can neither leave it behind nor remove a file of that name made by someone
 * else. */
static void hold_signals(sigset_t *old)
{
	static const int held[] = { SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGALRM, SIGTERM, SIGXCPU, SIGXFSZ };
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof held / sizeof held[0]; i++)
		sigaddset(&set, held[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

static int open_dir(const char *dir)
{
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		diag_fatal(SPM_EXIT_USAGE, "%s: cannot create the folder: %s", dir, strerror(errno));
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		{
		if (errno == ENOTDIR)
			diag_fatal(SPM_EXIT_USAGE, "%s: not a folder", dir);
		diag_fatal(SPM_EXIT_USAGE, "%s: cannot open the folder: %s", dir, strerror(errno));
	}
	return dfd;
}

/* A new temporary file in DIR, never through a link: ".NAME.PID-N.tmp" (hidden, and no
 * safe name starts with a dot). */
static int create_temporary(struct split_run *run, struct split_file *f, mode_t mode)
{
	static unsigned long counter;
	unsigned long salt = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);
	for (int attempt = 0; attempt < 100; attempt++) {
		struct sbuf b = { 0 };
		sb_printf(&b, ".%s.%lx-%lu.tmp", f->name, salt, counter++);
		struct sbuf path = { 0 };
		sb_printf(&path, "%s/%s", run->dir, b.s);
		sigset_t old;
		hold_signals(&old);
		int fd = openat(run->dfd, b.s, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		int err = errno;
		if (fd >= 0) {
			f->cleanup = cleanup_register(path.s);
			if (f->cleanup < 0) {
				unlinkat(run->dfd, b.s, 0);
				sigprocmask(SIG_SETMASK, &old, NULL);
				diag_fatal(SPM_EXIT_USAGE, "%s/%s: the folder's name is too long", run->dir, f->name);
			}
			sigprocmask(SIG_SETMASK, &old, NULL);
			sb_free(&path);
			f->tmp = b.s;
			return fd;
		}
		sigprocmask(SIG_SETMASK, &old, NULL);
		sb_free(&path);
		sb_free(&b);
		if (err != EEXIST)
			diag_fatal(SPM_EXIT_USAGE, "%s/%s: cannot create: %s", run->dir, f->name, strerror(err));
		salt = salt * 6364136223846793005UL + 1442695040888963407UL;
	}
	diag_fatal(SPM_EXIT_USAGE, "%s/%s: cannot create a temporary file", run->dir, f->name);
}

static void write_file(struct split_run *run, struct split_file *f, const struct doc *d,
		       const struct render_options *ro)
{
	struct stat st;
	bool replaces = fstatat(run->dfd, f->name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	/* a new file gets 0666 under the umask; a file replaced keeps its mode */
	int fd = create_temporary(run, f, replaces ? 0600 : 0666);
	if (replaces)
		fchmod(fd, st.st_mode & 07777);
	struct output o = { 0 };
	struct sbuf path = { 0 };
	sb_printf(&path, "%s/%s", run->dir, f->name);
	o.path = path.s; /* for messages */
	o.fp = fdopen(fd, "w");
	if (!o.fp)
		diag_fatal(SPM_EXIT_USAGE, "%s: cannot write: %s", path.s, strerror(errno));
	render(&o, d, ro, f->sections, f->n);
	errno = 0;
	if (fflush(o.fp) != 0 || ferror(o.fp) || fsync(fd) != 0)
		diag_fatal(SPM_EXIT_USAGE, "%s: write error: %s", path.s, strerror(errno ? errno : EIO));
	if (fclose(o.fp) != 0)
		diag_fatal(SPM_EXIT_USAGE, "%s: write error: %s", path.s, strerror(errno));
	sb_free(&path);
	/* renamed into place with the index, all or none (output.c's commit) */
	output_pending_at(run->dfd, run->dir, f->tmp, xstrdup(f->name), f->cleanup);
	f->tmp = NULL;
}

void write_split(const struct doc *d, const struct names *nm, const char *dir, const struct render_options *ro,
		 const char *index_path)
{
	struct split_file *f = NULL;
	size_t n = 0, cap = 0;
	size_t *file_of = xcalloc(nm->n + 1, sizeof *file_of); /* owner → 1-based file */
	for (size_t i = 0; i < d->nsection; i++) {
		size_t owner = d->section[i].split;
		if (owner == NONE)
			continue;
		if (!file_of[owner]) {
			xgrow((void **)&f, &cap, n + 1, sizeof *f);
			memset(&f[n], 0, sizeof *f);
			f[n++].owner = owner;
			file_of[owner] = n;
		}
		struct split_file *k = &f[file_of[owner] - 1];
		xgrow((void **)&k->sections, &k->cap, k->n + 1, sizeof *k->sections);
		k->sections[k->n++] = i;
	}
	free(file_of);
	sort_names = nm;
	if (n > 1)
		qsort(f, n, sizeof *f, cmp_split_files);
	name_files(f, n, nm, extension[ro->format]);

	struct split_run run = { open_dir(dir), dir, f, n };
	/* every name is checked before anything is written */
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (fstatat(run.dfd, f[i].name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode))
			diag_fatal(SPM_EXIT_USAGE, "%s/%s: exists and is not a regular file; not replaced", dir, f[i].name);
	}
	diag_on_fatal(discard_temporaries, &run);
	for (size_t i = 0; i < n; i++)
		write_file(&run, &f[i], d, ro);

	/* the list, then every file of DIR and the list together: a failure anywhere (a rename,
	 * the folder's sync) puts every old file back (output.c's commit) */
	struct output index;
	output_open(&index, index_path);
	output_str(&index, "owner\tfile\n");
	for (size_t i = 0; i < n; i++) {
		output_field(&index, nm->s[f[i].owner], nm->len[f[i].owner]);
		output_tab(&index);
		output_field(&index, f[i].name, strlen(f[i].name));
		output_newline(&index);
	}
	output_close(&index);
	output_commit();
	diag_forget(&run);
	close(run.dfd);
	for (size_t i = 0; i < n; i++) {
		free(f[i].name);
		free(f[i].sections);
	}
	free(f);
}
