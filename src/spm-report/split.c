/* --split-dir: one file per owner (or per group for the team report), to mail each rep
 * their own feedback or statement. File names come from owner names made safe: letters,
 * digits, - _ . and non-ASCII letters stay, everything else (/, \, spaces, controls,
 * invisible characters) becomes _, runs of dots and a leading dot become _, long names
 * are cut, and names that collide (ignoring ASCII case) get -2, -3 ... in owner order.
 * A name can therefore never leave DIR; an existing entry that is not a regular file
 * (a symbolic link, a folder) is refused rather than followed or replaced. */
#include "spm-report.h"

#include "diag.h"
#include "utf8.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define NAME_MAX_BYTES 180 /* room for -N, the extension and the temporary suffix in 255 */

static const char *const extension[F_COUNT] = { ".txt", ".md", ".html", ".json", ".csv", ".xlsx" };

static bool keeps(uint32_t cp)
{
	if (cp < 0x80)
		return isalnum((int)cp) || cp == '-' || cp == '_' || cp == '.';
	return cp >= 0xA0 && !utf8_cp_hidden(cp) && utf8_cp_width(cp) > 0;
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

struct split_file {
	size_t owner;
	char *name;
	size_t *sections;
	size_t n, cap;
};

static const struct names *sort_names; /* qsort has no context argument */

static int cmp_split_files(const void *pa, const void *pb)
{
	const struct split_file *a = pa, *b = pb;
	return name_cmp(sort_names, a->owner, b->owner);
}

static bool name_taken(const struct split_file *f, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (f[i].name && strcasecmp(f[i].name, name) == 0)
			return true;
	return false;
}

/* Distinct names, in owner order: the first keeps its name, the next get -2, -3 ... */
static void name_files(struct split_file *f, size_t n, const struct names *nm, const char *ext)
{
	for (size_t i = 0; i < n; i++) {
		char *base = safe_file_name(nm->s[f[i].owner], nm->len[f[i].owner], "");
		struct sbuf b = { 0 };
		sb_str(&b, base);
		sb_str(&b, ext);
		for (unsigned k = 2; name_taken(f, i, b.s); k++) {
			b.len = 0;
			sb_printf(&b, "%s-%u%s", base, k, ext);
		}
		f[i].name = b.s;
		free(base);
	}
}

static void ensure_dir(const char *dir)
{
	struct stat st;
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		diag_fatal(SPM_EXIT_USAGE, "%s: cannot create the folder: %s", dir, strerror(errno));
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		diag_fatal(SPM_EXIT_USAGE, "%s: not a folder", dir);
}

void write_split(const struct doc *d, const struct names *nm, const char *dir, const struct render_options *ro,
		 const char *index_path)
{
	struct split_file *f = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < d->nsection; i++) {
		size_t owner = d->section[i].split;
		if (owner == NONE)
			continue;
		size_t k = 0;
		while (k < n && f[k].owner != owner)
			k++;
		if (k == n) {
			xgrow((void **)&f, &cap, n + 1, sizeof *f);
			memset(&f[n], 0, sizeof *f);
			f[n++].owner = owner;
		}
		xgrow((void **)&f[k].sections, &f[k].cap, f[k].n + 1, sizeof *f[k].sections);
		f[k].sections[f[k].n++] = i;
	}
	sort_names = nm;
	if (n > 1)
		qsort(f, n, sizeof *f, cmp_split_files);
	name_files(f, n, nm, extension[ro->format]);
	ensure_dir(dir);
	/* every name is checked before anything is written */
	for (size_t i = 0; i < n; i++) {
		struct sbuf path = { 0 };
		struct stat st;
		sb_printf(&path, "%s/%s", dir, f[i].name);
		if (lstat(path.s, &st) == 0 && !S_ISREG(st.st_mode))
			diag_fatal(SPM_EXIT_USAGE, "%s: exists and is not a regular file; not replaced", path.s);
		sb_free(&path);
	}
	struct output index;
	output_open(&index, index_path);
	output_str(&index, "owner\tfile\n");
	for (size_t i = 0; i < n; i++) {
		struct sbuf path = { 0 };
		sb_printf(&path, "%s/%s", dir, f[i].name);
		struct output o;
		output_open(&o, path.s);
		render(&o, d, ro, f[i].sections, f[i].n);
		output_close(&o);
		output_field(&index, nm->s[f[i].owner], nm->len[f[i].owner]);
		output_tab(&index);
		output_field(&index, f[i].name, strlen(f[i].name));
		output_newline(&index);
		sb_free(&path);
	}
	output_close(&index);
	for (size_t i = 0; i < n; i++) {
		free(f[i].name);
		free(f[i].sections);
	}
	free(f);
}
