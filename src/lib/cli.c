/* The shared command line: common options and the check that outputs spare the inputs. */
#include "cli.h"

#include "diag.h"
#include "options.h"
#include "roster.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool cli_common_option(struct cli_common *cc, int c, const char *arg, void (*help)(void))
{
	switch (c) {
	case 'o': cc->output = arg; return true;
	case 'q': cc->quiet = true; return true;
	case 'h': help(); return true;
	case 'V': print_version();
	case CLI_OPT_REJECT: cc->reject = arg; return true;
	case CLI_OPT_ROSTER: cc->roster = arg; return true;
	case CLI_OPT_ROSTER_MAP: cc->roster_map = arg; roster_set_map(arg); return true;
	case CLI_OPT_METRICS_FILE: cc->metrics_file = arg; return true;
	case CLI_OPT_FISCAL_START: cc->fiscal = arg; return true;
	case CLI_OPT_AS_OF: cc->as_of = arg; return true;
	case CLI_OPT_THREADS: cc->threads = (size_t)number_option("--threads", arg, 1, 64); return true;
	case '?': cli_bad_option();
	default: return false;
	}
}

noreturn void cli_bad_option(void)
{
	diag_usage_hint();
}

/* The common options, each with what a program says to take it. */
static const struct {
	unsigned takes; /* 0: every program */
	struct option option;
} common_options[] = {
	{ CLI_TAKES_ROSTER, CLI_OPTION_ROSTER },
	{ CLI_TAKES_ROSTER, CLI_OPTION_ROSTER_MAP },
	{ CLI_TAKES_METRICS_FILE, CLI_OPTION_METRICS_FILE },
	{ CLI_TAKES_METRICS_ALIAS, { "metrics", required_argument, NULL, CLI_OPT_METRICS_FILE } },
	{ CLI_TAKES_AS_OF, CLI_OPTION_AS_OF },
	{ CLI_TAKES_FISCAL_START, CLI_OPTION_FISCAL_START },
	{ CLI_TAKES_THREADS, CLI_OPTION_THREADS },
	{ CLI_TAKES_REJECT, CLI_OPTION_REJECT },
	{ CLI_TAKES_OUTPUT, CLI_OPTION_OUTPUT },
	{ CLI_TAKES_QUIET, CLI_OPTION_QUIET },
	{ 0, CLI_OPTION_HELP },
	{ 0, CLI_OPTION_VERSION },
};

static size_t count_options(const struct option *o)
{
	size_t n = 0;
	while (o && o[n].name)
		n++;
	return n;
}

/* Whether name is among the first n entries of longopts: a common option the program
 * placed in its own table, where it keeps its place in getopt's list of possibilities for
 * an ambiguous abbreviation. */
static bool listed(const struct option *longopts, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(longopts[i].name, name) == 0)
			return true;
	return false;
}

int cli_parse(int argc, char **argv, unsigned takes, const struct option *own, const struct option *family,
	      const char *own_short, bool (*take)(int c, const char *arg, void *ctx), void *ctx, void (*help)(void),
	      struct cli_common *cc)
{
	size_t nown = count_options(own), nfamily = count_options(family), n = 0;
	size_t ncommon = sizeof common_options / sizeof common_options[0];
	struct option *longopts = xcalloc(nown + nfamily + ncommon + 1, sizeof *longopts);
	for (size_t i = 0; i < nown; i++)
		longopts[n++] = own[i];
	for (size_t i = 0; i < nfamily; i++)
		longopts[n++] = family[i];
	for (size_t i = 0; i < ncommon; i++)
		if ((!common_options[i].takes || (takes & common_options[i].takes)) &&
		    !listed(longopts, n, common_options[i].option.name))
			longopts[n++] = common_options[i].option;
	size_t nshort = own_short ? strlen(own_short) : 0;
	char *shorts = xmalloc(nshort + sizeof "o:qhV");
	memcpy(shorts, own_short ? own_short : "", nshort);
	snprintf(shorts + nshort, sizeof "o:qhV", "%s%shV", takes & CLI_TAKES_OUTPUT ? "o:" : "",
		 takes & CLI_TAKES_QUIET ? "q" : "");
	memset(cc, 0, sizeof *cc);
	int c;
	while ((c = getopt_long(argc, argv, shorts, longopts, NULL)) != -1)
		if (!cli_common_option(cc, c, optarg, help) && !(take && take(c, optarg, ctx)))
			cli_bad_option();
	free(shorts);
	free(longopts);
	return optind;
}

void cli_roster_files(struct run_files *rf, const char *roster)
{
	if (roster_map_file() && !roster)
		diag_usage("--roster-map needs --roster (the roster whose columns it names)");
	run_files_input(rf, "--roster", roster);
	run_files_input(rf, "--roster-map", roster_map_file());
}

static void add(struct run_file **list, size_t *n, size_t *cap, const char *option, const char *path)
{
	if (!path || strcmp(path, "-") == 0)
		return;
	xgrow((void **)list, cap, *n + 1, sizeof **list);
	(*list)[(*n)++] = (struct run_file){ option, path };
}

void run_files_input(struct run_files *rf, const char *option, const char *path)
{
	/* Standard input read as an input is the file or pipe it holds: -o /dev/stdin would
	 * truncate that file before it is read (or write into the pipe being read, and wait
	 * forever), and -o FILE < FILE would replace it. */
	if (path && strcmp(path, "-") == 0) {
		path = "/dev/stdin";
		if (!option)
			option = "standard input";
	}
	add(&rf->in, &rf->nin, &rf->cap_in, option, path);
}

void run_files_output(struct run_files *rf, const char *option, const char *path)
{
	add(&rf->out, &rf->nout, &rf->cap_out, option, path);
}

void run_files_output_dir(struct run_files *rf, const char *option, const char *path)
{
	add(&rf->dir, &rf->ndir, &rf->cap_dir, option, path);
}

void run_files_free(struct run_files *rf)
{
	free(rf->in);
	free(rf->out);
	free(rf->dir);
	memset(rf, 0, sizeof *rf);
}

/* The same regular file (or the same name): writing one destroys the other. Devices such
 * as /dev/null may be named twice. */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	if (strcmp(a, b) == 0)
		return true;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino &&
	       S_ISREG(sa.st_mode);
}

/* The absolute path path would have, symbolic links resolved; for a file not yet there,
 * its folder's resolved path and its name. NULL when even the folder cannot be resolved
 * (it will not be created by us either, so nothing can lie in it). Free the result. */
static char *resolved(const char *path)
{
	char *real = realpath(path, NULL);
	if (real || errno != ENOENT)
		return real;
	char *copy = xstrdup(path), *copy2 = xstrdup(path);
	char *dir = realpath(dirname(copy), NULL);
	char *out = NULL;
	if (dir) {
		const char *base = basename(copy2);
		size_t n = strlen(dir) + strlen(base) + 2;
		out = xmalloc(n);
		snprintf(out, n, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, base);
	}
	free(dir);
	free(copy);
	free(copy2);
	return out;
}

/* path made absolute without symbolic links: realpath() where it exists, else the
 * canonical form of its folder (as far up as needed) and its last name; NULL when that
 * cannot be told. Free the result. */
static char *canonical(const char *path)
{
	char *real = realpath(path, NULL);
	if (real)
		return real;
	if (errno != ENOENT)
		return NULL;
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	size_t slash = len;
	while (slash > 0 && path[slash - 1] != '/')
		slash--;
	const char *last = path + slash;
	size_t last_len = len - slash;
	if (last_len == 0 || (last_len == 2 && memcmp(last, "..", 2) == 0))
		return NULL;
	char *parent = slash == 0 ? xstrdup(".") : slash == 1 ? xstrdup("/") : xmemdup0(path, slash - 1);
	char *folder = canonical(parent);
	free(parent);
	if (!folder || (last_len == 1 && last[0] == '.'))
		return folder;
	size_t n = strlen(folder) + last_len + 2;
	char *out = xmalloc(n);
	snprintf(out, n, "%s%s%.*s", folder, strcmp(folder, "/") == 0 ? "" : "/", (int)last_len, last);
	free(folder);
	return out;
}

/* The folder a file name is in, as written ("sd/pay.txt": "sd"; "pay.txt": "."). */
static char *folder_of(const char *file)
{
	size_t len = strlen(file);
	while (len > 1 && file[len - 1] == '/')
		len--;
	size_t slash = len;
	while (slash > 0 && file[slash - 1] != '/')
		slash--;
	if (slash == 0)
		return xstrdup(".");
	size_t end = slash - 1; /* the slash before the last name, and any before it */
	while (end > 0 && file[end - 1] == '/')
		end--;
	return end == 0 ? xstrdup("/") : xmemdup0(file, end);
}

/* Where a folder is: its device and inode when it exists (so that two names of one
 * folder, through links or mounts, are one place), else its canonical path. */
struct place {
	bool exists;
	dev_t dev;
	ino_t ino;
	char *path;
};

static void place_of(const char *folder, struct place *p)
{
	struct stat st;
	memset(p, 0, sizeof *p);
	if (stat(folder, &st) == 0 && S_ISDIR(st.st_mode)) {
		p->exists = true;
		p->dev = st.st_dev;
		p->ino = st.st_ino;
	}
	p->path = canonical(folder);
}

static bool same_place(const struct place *a, const struct place *b)
{
	if (a->exists || b->exists)
		return a->exists && b->exists && a->dev == b->dev && a->ino == b->ino;
	return a->path && b->path && strcmp(a->path, b->path) == 0;
}

/* Whether the folder folder, or one above it, is the place dir. */
static bool under(const char *folder, const struct place *dir)
{
	char *at = canonical(folder);
	bool in = false;
	while (at && !in) {
		struct place p;
		place_of(at, &p);
		in = same_place(&p, dir);
		free(p.path);
		if (strcmp(at, "/") == 0)
			break;
		char *up = folder_of(at);
		free(at);
		at = up;
	}
	free(at);
	return in;
}

/* Whether path lies inside the folder dir, at any depth: by the folder its name says (a
 * link placed in dir counts: writing there replaces it) and by the folder of the file it
 * resolves to (a link to a file in dir counts); folders compared by device and inode, or
 * by canonical path when they do not exist yet. */
static bool inside(const char *dir, const char *path)
{
	struct place d;
	place_of(dir, &d);
	char *named_in = folder_of(path);
	bool in = under(named_in, &d);
	free(named_in);
	char *real = in ? NULL : realpath(path, NULL);
	if (real) {
		char *real_in = folder_of(real);
		in = under(real_in, &d);
		free(real_in);
		free(real);
	}
	free(d.path);
	return in;
}

/* " (--roster)" after an output that is a side file; nothing for an operand. */
static const char *named(const struct run_file *f, char *buf, size_t size)
{
	if (!f->option)
		return "";
	snprintf(buf, size, " (%s)", f->option);
	return buf;
}

/* Where writing path would land: a symbolic link that leads nowhere yet is followed to
 * the file it would create, so two outputs through links are told apart (at most 40
 * links, as the kernel). Free the result. */
static char *landing(const char *path)
{
	char *cur = xstrdup(path);
	for (int hops = 0; hops < 40; hops++) {
		struct stat st;
		if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode) || stat(cur, &st) == 0)
			break;
		char target[PATH_MAX];
		ssize_t n = readlink(cur, target, sizeof target - 1);
		if (n < 0)
			break;
		target[n] = '\0';
		char *next;
		if (target[0] == '/') {
			next = xstrdup(target);
		} else {
			char *copy = xstrdup(cur);
			const char *dir = dirname(copy);
			size_t len = strlen(dir) + (size_t)n + 2;
			next = xmalloc(len);
			snprintf(next, len, "%s/%s", dir, target);
			free(copy);
		}
		free(cur);
		cur = next;
	}
	char *r = resolved(cur);
	free(cur);
	return r;
}

/* Two outputs that would write one file, existing or not. */
static bool same_output(const char *a, const char *b)
{
	if (same_file(a, b))
		return true;
	char *ra = landing(a), *rb = landing(b);
	bool same = ra && rb && strcmp(ra, rb) == 0;
	free(ra);
	free(rb);
	return same;
}

void run_files_check(const struct run_files *rf)
{
	for (size_t k = 0; k < rf->nout; k++) {
		const struct run_file *o = &rf->out[k];
		char buf[64];
		for (size_t i = 0; i < rf->nin; i++)
			if (same_file(rf->in[i].path, o->path))
				diag_usage("%s %s is also an input%s; it would be destroyed", o->option, o->path,
					   named(&rf->in[i], buf, sizeof buf));
		for (size_t j = 0; j < k; j++)
			if (same_output(rf->out[j].path, o->path))
				diag_usage("%s and %s name the same file (\"%s\")", rf->out[j].option, o->option, o->path);
		for (size_t d = 0; d < rf->ndir; d++)
			if (inside(rf->dir[d].path, o->path))
				diag_usage("%s %s lies inside %s %s, where it could overwrite an owner's file",
					   o->option, o->path, rf->dir[d].option, rf->dir[d].path);
	}
	for (size_t d = 0; d < rf->ndir; d++) {
		for (size_t i = 0; i < rf->nin; i++)
			if (same_file(rf->in[i].path, rf->dir[d].path) || inside(rf->dir[d].path, rf->in[i].path))
				diag_usage("%s %s holds an input, %s%s; it would be overwritten", rf->dir[d].option,
					   rf->dir[d].path, rf->in[i].path, named(&rf->in[i], (char[64]){ 0 }, 64));
	}
}
