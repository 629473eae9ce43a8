/* spm-mail: one MIME message per owner of a split index (spm-report --split-dir), to the
 * address the roster gives the owner (or its group's reps), sent through `sendmail -t` or
 * written into a folder (--dry-run). The message: multipart/alternative, a plain-text part
 * and an HTML part, both UTF-8 in quoted-printable (lines of at most 76 characters), the
 * subject and names as RFC 2047 encoded words, Date, Message-ID and MIME-Version. */
#include "cli.h"
#include "diag.h"
#include "input.h"
#include "options.h"
#include "output.h"
#include "roster.h"
#include "stream.h"
#include "table.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static noreturn void usage(void)
{
	printf("Usage: spm-mail [OPTION]... INDEX DIR\n"
	       "Mail each owner of INDEX their own report: INDEX is the list 'owner file' that\n"
	       "spm-report -f html --split-dir DIR prints; each message holds DIR/FILE as its HTML\n"
	       "part and DIR/FILE.txt (FILE with .txt for .html: spm-report -f text --split-dir DIR)\n"
	       "as its plain-text alternative, and goes to the owner's address in the roster.\n"
	       "Messages are sent through 'sendmail -t', or written into a folder (--dry-run).\n"
	       "\n"
	       "      --from ADDR         the sender (From:; required)\n"
	       "      --subject TEXT      the subject; {owner} in it is the owner's name\n"
	       "                          (default: the owner's name)\n"
	       "      --roster FILE       the roster: the column --to-column of each rep\n"
	       "      --roster-map FILE   the roster's columns under other names: TSV lines\n"
	       "                          'canonical<TAB>source' (e.g. 'rep<TAB>sales_agent')\n"
	       "      --to-column COLUMN  the roster column of each rep's address (e.g. email)\n"
	       "      --group LEVEL       the owners are groups (team, manager or region): a\n"
	       "                          group's message goes to the --to-column addresses of\n"
	       "                          its reps (e.g. a column of the manager's address)\n"
	       "      --to ADDR           every message to ADDR (no roster)\n"
	       "  -n, --dry-run DIR       write each message to DIR/NAME.eml instead of sending it\n"
	       "  -q, --quiet             no summary line\n"
	       "  -h, --help              display this help and exit\n"
	       "  -V, --version           output version information and exit\n"
	       "\n"
	       "An owner without an address is listed on standard error (FILE:LINE: COLUMN:\n"
	       "message) and gets no mail; the others are still sent.\n"
	       "Exit status: 0 success (owners without an address listed), 1 bad data (roster,\n"
	       "index), 2 usage or I/O error (a report missing, sendmail failing).\n"
	       "\n"
	       "Examples:\n"
	       "  spm-report -k feedback -f html --split-dir fb progress.tsv scores.tsv >fb.tsv\n"
	       "  spm-report -k feedback -f text --split-dir fb progress.tsv scores.tsv >/dev/null\n"
	       "  spm-mail --from spm@example.com --subject 'Your week, {owner}' \\\n"
	       "    --roster roster.tsv --to-column email fb.tsv fb\n");
	exit(SPM_EXIT_OK);
}

enum { OPT_FROM = CLI_OPT_PROGRAM, OPT_SUBJECT, OPT_TO_COLUMN, OPT_GROUP, OPT_TO };

struct mail_options {
	const char *from, *subject, *to_column, *to, *dry_run, *index, *dir;
	enum level group;
	bool group_set;
	struct cli_common cc;
};

/* spm-mail's own options, given to it by cli_parse. */
static bool mail_option(int c, const char *arg, void *ctx)
{
	struct mail_options *o = ctx;
	switch (c) {
	case OPT_FROM: o->from = arg; return true;
	case OPT_SUBJECT: o->subject = arg; return true;
	case OPT_TO_COLUMN: o->to_column = arg; return true;
	case OPT_TO: o->to = arg; return true;
	case 'n': o->dry_run = arg; return true;
	case OPT_GROUP:
		if (!parse_level(arg, &o->group) || o->group == LEVEL_REP)
			diag_usage("--group: expected team, manager or region (\"%s\")", arg);
		o->group_set = true;
		return true;
	default: return false;
	}
}

static void parse_options(int argc, char **argv, struct mail_options *o)
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, OPT_FROM },
		{ "subject", required_argument, NULL, OPT_SUBJECT },
		{ "to-column", required_argument, NULL, OPT_TO_COLUMN },
		{ "group", required_argument, NULL, OPT_GROUP },
		{ "to", required_argument, NULL, OPT_TO },
		{ "dry-run", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	memset(o, 0, sizeof *o);
	cli_parse(argc, argv, CLI_TAKES_ROSTER | CLI_TAKES_QUIET, longopts, NULL, "n:", mail_option, o, usage, &o->cc);
	if (argc - optind != 2)
		diag_usage(argc - optind < 2 ? "expected INDEX and DIR (spm-report --split-dir's list and folder)"
					     : "too many operands: expected INDEX and DIR");
	o->index = argv[optind];
	o->dir = argv[optind + 1];
	if (!o->from)
		diag_usage("--from is required (the sender's address)");
	if (o->to && (o->cc.roster || o->to_column || o->group_set))
		diag_usage("--to sends every message to one address: no --roster, --to-column or --group");
	if (!o->to && (!o->cc.roster || !o->to_column))
		diag_usage("each owner's address: --roster FILE and --to-column COLUMN, or --to ADDR");
}

/* ---- a growing string ---- */

struct buf {
	char *s;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *s, size_t len)
{
	xgrow((void **)&b->s, &b->cap, b->len + len + 1, 1);
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		diag_fatal(SPM_EXIT_USAGE, "cannot format a message header");
	xgrow((void **)&b->s, &b->cap, b->len + (size_t)n + 1, 1);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* ---- encodings ---- */

static const char hex[] = "0123456789ABCDEF";
static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void base64(struct buf *b, const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)s[i] << 16;
		if (i + 1 < len)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < len)
			v |= s[i + 2];
		char q[4] = { b64[v >> 18 & 63], b64[v >> 12 & 63], i + 1 < len ? b64[v >> 6 & 63] : '=',
			      i + 2 < len ? b64[v & 63] : '=' };
		buf_add(b, q, 4);
	}
}

/* Whether s can stand as it is in a header: printable ASCII only. */
static bool plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/* s as RFC 2047 encoded words (=?UTF-8?B?...?=) of at most 39 bytes each (64 characters),
 * cut between UTF-8 characters, separated by a folding line break. */
static void encoded_words(struct buf *b, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s), i = 0;
	while (i < len) {
		size_t n = len - i < 39 ? len - i : 39;
		while (i + n < len && n > 1 && (u[i + n] & 0xc0) == 0x80)
			n--; /* never cut a character */
		if (i)
			buf_str(b, "\n ");
		buf_str(b, "=?UTF-8?B?");
		base64(b, u + i, n);
		buf_str(b, "?=");
		i += n;
	}
}

/* A header's text: as it is when printable ASCII and short, else encoded words. */
static void header_text(struct buf *b, const char *s)
{
	if (plain_ascii(s) && strlen(s) <= 60)
		buf_str(b, s);
	else
		encoded_words(b, s);
}

/* A display name and its address: "Name" <addr>, or encoded words <addr>. */
static void mailbox(struct buf *b, const char *name, const char *addr)
{
	if (!name || !*name) {
		buf_str(b, addr);
		return;
	}
	if (plain_ascii(name) && strlen(name) <= 60) {
		buf_str(b, "\"");
		for (const char *p = name; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_str(b, "\\");
			buf_add(b, p, 1);
		}
		buf_str(b, "\"");
	} else {
		encoded_words(b, name);
	}
	buf_printf(b, " <%s>", addr);
}

/* Quoted-printable (RFC 2045): lines of at most 76 characters, soft breaks ("=") in longer
 * ones; '=', controls, bytes above 126, a space or tab ending a line, and a '.' or "From "
 * starting one are encoded. Lines end in LF (sendmail's local convention); CR LF is read
 * as LF. */
static void quoted_printable(struct buf *b, const char *s, size_t len)
{
	size_t col = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\r' && i + 1 < len && s[i + 1] == '\n')
			continue;
		if (c == '\n') {
			buf_str(b, "\n");
			col = 0;
			continue;
		}
		bool line_end = i + 1 == len || s[i + 1] == '\n' || (s[i + 1] == '\r' && i + 2 < len && s[i + 2] == '\n');
		bool encode = c == '=' || (c < 0x20 && c != '\t') || c > 0x7e ||
			      ((c == ' ' || c == '\t') && line_end);
		size_t w = encode ? 3 : 1;
		if (col + w > (line_end ? 76 : 75)) {
			buf_str(b, "=\n");
			col = 0;
		}
		/* a line (after a soft break too) that starts with '.' or "From " */
		if (col == 0 && !encode &&
		    (c == '.' || (c == 'F' && len - i >= 5 && memcmp(s + i, "From ", 5) == 0))) {
			encode = true;
			w = 3;
		}
		if (encode) {
			char e[3] = { '=', hex[c >> 4], hex[c & 15] };
			buf_add(b, e, 3);
		} else {
			buf_add(b, (const char *)&c, 1);
		}
		col += w;
	}
	if (len && s[len - 1] != '\n')
		buf_str(b, "\n");
}

/* An address as spm writes it in To: and From:: local@domain, no spaces, controls or
 * specials. */
static bool is_address(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at || at == s || !at[1] || strchr(at + 1, '@'))
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p == 0x7f || strchr("<>()[],;:\"\\", *p))
			return false;
	return true;
}

/* ---- the run ---- */

struct mail_run {
	const struct mail_options *o;
	struct roster roster;
	bool has_roster;
	long to_col;
	time_t now;
	size_t sent, written, unaddressed, failed;
	char *domain;
};

static char *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		diag_fatal(SPM_EXIT_USAGE, "%s: cannot read the report (%s)", path, strerror(errno));
	struct buf b = { 0 };
	for (;;) {
		xgrow((void **)&b.s, &b.cap, b.len + 65536 + 1, 1);
		size_t n = fread(b.s + b.len, 1, b.cap - b.len - 1, f);
		b.len += n;
		b.s[b.len] = '\0';
		if (n == 0)
			break;
	}
	if (ferror(f))
		diag_fatal(SPM_EXIT_USAGE, "%s: cannot read the report (%s)", path, strerror(errno));
	fclose(f);
	*len = b.len;
	return b.s;
}

/* DIR/NAME, its extension old_ext (if it has it) replaced by new_ext. */
static char *path_join(const char *dir, const char *name, const char *old_ext, const char *new_ext)
{
	struct buf b = { 0 };
	if (dir)
		buf_printf(&b, "%s/", dir);
	buf_str(&b, name);
	size_t ol = strlen(old_ext);
	if (b.len >= ol && strcmp(b.s + b.len - ol, old_ext) == 0)
		b.len -= ol;
	buf_str(&b, new_ext);
	return b.s;
}

/* The Date: header, RFC 5322, in UTC (no locale). */
static void date_header(struct buf *b, time_t t)
{
	static const char *const day[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	gmtime_r(&t, &tm);
	buf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\n", day[tm.tm_wday], tm.tm_mday, mon[tm.tm_mon],
		   tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void subject_of(struct buf *b, const char *subject, const char *owner)
{
	if (!subject) {
		buf_str(b, owner);
		return;
	}
	for (const char *p = subject; *p;) {
		const char *q = strstr(p, "{owner}");
		if (!q) {
			buf_str(b, p);
			break;
		}
		buf_add(b, p, (size_t)(q - p));
		buf_str(b, owner);
		p = q + 7;
	}
}

/* The whole message for one owner: headers, the text part, the HTML part. */
static void build_message(struct mail_run *run, struct buf *m, const char *owner, const char *to,
			  const char *to_name, const char *html_path, size_t seq)
{
	size_t html_len, text_len;
	char *html = read_whole(html_path, &html_len);
	char *text_path = path_join(NULL, html_path, ".html", ".txt");
	char *text = read_whole(text_path, &text_len);
	struct buf subject = { 0 };
	subject_of(&subject, run->o->subject, owner);
	/* "=_" never occurs in quoted-printable text: the boundary cannot be in a part */
	struct buf bd = { 0 };
	buf_printf(&bd, "=_spm_%lx_%lx_%zu", (unsigned long)run->now, (unsigned long)getpid(), seq);
	const char *boundary = bd.s;

	buf_str(m, "From: ");
	buf_str(m, run->o->from);
	buf_str(m, "\nTo: ");
	if (to_name)
		mailbox(m, to_name, to);
	else
		buf_str(m, to);
	buf_str(m, "\nSubject: ");
	header_text(m, subject.s);
	buf_str(m, "\n");
	date_header(m, run->now);
	buf_printf(m, "Message-ID: <spm.%lld.%ld.%zu@%s>\n", (long long)run->now, (long)getpid(), seq, run->domain);
	buf_str(m, "MIME-Version: 1.0\n");
	buf_printf(m, "Content-Type: multipart/alternative; boundary=\"%s\"\n", boundary);
	buf_str(m, "Auto-Submitted: auto-generated\n\n");
	buf_str(m, "This is a message in MIME format: a plain-text part and an HTML part.\n\n");
	buf_printf(m, "--%s\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable\n\n",
		   boundary);
	quoted_printable(m, text, text_len);
	buf_printf(m, "\n--%s\nContent-Type: text/html; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable\n\n",
		   boundary);
	quoted_printable(m, html, html_len);
	buf_printf(m, "\n--%s--\n", boundary);
	free(subject.s);
	free(bd.s);
	free(text_path);
	free(text);
	free(html);
}

/* Hands one message to `sendmail -t -oi` (the PATH's, else /usr/sbin/sendmail, as under
 * cron); false when it cannot be run or fails. */
static bool send_message(const struct buf *m, const char *owner)
{
	int fd[2];
	if (pipe(fd) != 0)
		diag_fatal(SPM_EXIT_USAGE, "cannot make a pipe to sendmail (%s)", strerror(errno));
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		diag_fatal(SPM_EXIT_USAGE, "cannot start sendmail (%s)", strerror(errno));
	if (pid == 0) {
		dup2(fd[0], 0);
		close(fd[0]);
		close(fd[1]);
		char *args[] = { "sendmail", "-t", "-oi", NULL };
		execvp("sendmail", args);
		execv("/usr/sbin/sendmail", args);
		execv("/usr/lib/sendmail", args);
		fprintf(stderr, "%s: cannot run sendmail (%s)\n", diag_program(), strerror(errno));
		_exit(127);
	}
	close(fd[0]);
	bool ok = true;
	for (size_t off = 0; off < m->len;) {
		ssize_t n = write(fd[1], m->s + off, m->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ok = false;
			break;
		}
		off += (size_t)n;
	}
	close(fd[1]);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			status = -1;
			break;
		}
	if (!ok || status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		struct sbuf shown = { 0 }; /* the owner whole, its controls escaped as in every message */
		sb_escape(&shown, owner, strlen(owner));
		if (status != -1 && WIFEXITED(status))
			fprintf(stderr, "%s: sendmail failed (exit status %d); the message to %s was not sent\n",
				diag_program(), WEXITSTATUS(status), sb_text(&shown));
		else
			fprintf(stderr, "%s: sendmail failed (killed, or not written to); the message to %s was not sent\n",
				diag_program(), sb_text(&shown));
		sb_free(&shown);
		return false;
	}
	return true;
}

static void write_message(const struct mail_run *run, const struct buf *m, const char *file)
{
	char *path = path_join(run->o->dry_run, file, ".html", ".eml");
	struct output out;
	output_open(&out, path);
	output_bytes(&out, m->s, m->len);
	output_close(&out);
	free(path);
}

/* The addresses of owner: the rep's own, or (--group) those of its group's reps, each once;
 * NULL with a listed problem when there is none. */
static char *addresses_of(struct mail_run *run, const char *owner, const char *index, uint64_t line)
{
	const struct mail_options *o = run->o;
	if (o->to)
		return xstrdup(o->to);
	const char *column = o->to_column;
	size_t n = 0;
	const size_t *members = NULL;
	size_t one;
	if (o->group_set) {
		members = roster_members(&run->roster, o->group, owner, strlen(owner), &n);
	} else {
		const struct roster_rep *rep = roster_find_rep(&run->roster, owner, strlen(owner));
		if (rep) {
			one = (size_t)(rep - run->roster.rep);
			members = &one;
			n = 1;
		}
	}
	if (n == 0) {
		diag_at(index, line, column_name(COL_OWNER), owner, strlen(owner),
			o->group_set ? "no rep of the roster is in this group; no mail sent"
				     : "not a rep of the roster; no mail sent");
		return NULL;
	}
	struct buf to = { 0 };
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		const struct roster_rep *rep = &run->roster.rep[members[i]];
		const char *addr = rep->field[run->to_col];
		if (!*addr) {
			if (!o->group_set)
				diag_at(run->roster.path, rep->line, column, owner, strlen(owner),
					"no address; no mail sent");
			continue;
		}
		if (!is_address(addr)) {
			diag_at(run->roster.path, rep->line, column, addr, strlen(addr),
				"not an address (local@domain); no mail sent to it");
			continue;
		}
		/* each address once */
		bool seen = false;
		for (const char *p = to.s; p && !seen;) {
			size_t l = strlen(addr);
			if (strncmp(p, addr, l) == 0 && (p[l] == ',' || p[l] == '\0'))
				seen = true;
			const char *c = strchr(p, ',');
			p = c ? c + 2 : NULL;
		}
		if (seen)
			continue;
		if (any)
			buf_str(&to, ", ");
		buf_str(&to, addr);
		any = true;
	}
	if (!any) {
		if (o->group_set)
			diag_at(index, line, column_name(COL_OWNER), owner, strlen(owner),
				"no rep of this group has an address; no mail sent");
		free(to.s);
		return NULL;
	}
	return to.s;
}

/* One line of the index, kept until every line is read and checked: nothing is sent
 * (or written) from an index that stops at a bad line or a report that cannot be read. */
struct entry {
	char *owner, *file;
	uint64_t line;
};

struct index_reader {
	struct mail_run *run;
	const char *path;
	long owner_col, file_col;
	size_t ncolumns;
	struct entry *entry;
	size_t nentry, cap;
	struct table *owners, *messages; /* owner, message file name -> its line */
	struct file_problem problem;
	char message[200];
};

/* A second line with key (an owner, or a message file name) is an error naming the first. */
static int unique(struct index_reader *ir, struct table *t, const struct row *row, const char *column,
		  const char *key, const char *value, const char *what)
{
	bool created;
	uint64_t *first = table_upsert(t, key, strlen(key), &created);
	if (created) {
		*first = row->line;
		return 0;
	}
	snprintf(ir->message, sizeof ir->message, "%s (the first is on line %llu)", what, (unsigned long long)*first);
	return file_problem_at(&ir->problem, row, column, value, ir->message);
}

static int index_row(void *ctx, const struct row *row)
{
	struct index_reader *ir = ctx;
	if (!row_has_fields(row, ir->ncolumns, ir->message, sizeof ir->message))
		return file_problem_at(&ir->problem, row, NULL, NULL, ir->message);
	const char *owner = row->field[ir->owner_col];
	const char *file = row->field[ir->file_col];
	if (!*file || strchr(file, '/') || strcmp(file, ".") == 0 || strcmp(file, "..") == 0)
		return file_problem_at(&ir->problem, row, column_name(COL_FILE), file,
				       "not a file name of the folder");
	char *message = path_join(NULL, file, ".html", ".eml");
	int bad = unique(ir, ir->owners, row, column_name(COL_OWNER), owner, owner, "a second line for this owner") ||
		  unique(ir, ir->messages, row, column_name(COL_FILE), message, file,
			 "a second line with this report's message file");
	free(message);
	if (bad)
		return 1;
	xgrow((void **)&ir->entry, &ir->cap, ir->nentry + 1, sizeof *ir->entry);
	ir->entry[ir->nentry++] = (struct entry){ xstrdup(owner), xstrdup(file), row->line };
	return 0;
}

/* Every report of the index and its plain-text part can be read, before any is sent. */
static void check_readable(const struct mail_run *run, const struct entry *e)
{
	char *html = path_join(run->o->dir, e->file, "", "");
	char *text = path_join(NULL, html, ".html", ".txt");
	const char *paths[] = { html, text };
	for (size_t i = 0; i < 2; i++) {
		FILE *f = fopen(paths[i], "rb");
		if (!f)
			diag_fatal(SPM_EXIT_USAGE, "%s: cannot read the report (%s)", paths[i], strerror(errno));
		fclose(f);
	}
	free(text);
	free(html);
}

static void mail_entry(struct mail_run *run, const char *index, const struct entry *e, size_t seq)
{
	char *to = addresses_of(run, e->owner, index, e->line);
	if (!to) {
		run->unaddressed++;
		return;
	}
	char *html = path_join(run->o->dir, e->file, "", "");
	struct buf m = { 0 };
	build_message(run, &m, e->owner, to, run->o->group_set || run->o->to ? NULL : e->owner, html, seq);
	if (run->o->dry_run) {
		write_message(run, &m, e->file);
		run->written++;
	} else if (send_message(&m, e->owner)) {
		run->sent++;
	} else {
		run->failed++;
	}
	free(m.s);
	free(html);
	free(to);
}

int main(int argc, char **argv)
{
	struct mail_options o;
	diag_set_program("spm-mail");
	atexit(output_close_stdout);
	parse_options(argc, argv, &o);
	struct run_files rf = { 0 };
	run_files_input(&rf, NULL, o.index);
	cli_roster_files(&rf, o.cc.roster);
	run_files_output_dir(&rf, "--dry-run", o.dry_run);
	run_files_check(&rf);
	run_files_free(&rf);
	if (!is_address(o.from))
		diag_usage("--from: not an address local@domain (\"%s\")", o.from);
	if (o.to && !is_address(o.to))
		diag_usage("--to: not an address local@domain (\"%s\")", o.to);
	signal(SIGPIPE, SIG_IGN); /* a sendmail that stops reading is a failed send, not a kill */

	struct mail_run run = { .o = &o, .to_col = -1, .now = time(NULL) };
	run.domain = xstrdup(strchr(o.from, '@') + 1);
	if (o.cc.roster) {
		roster_load(&run.roster, o.cc.roster, o.group_set ? o.group : LEVEL_COUNT);
		run.has_roster = true;
		run.to_col = roster_column(&run.roster, o.to_column);
		if (run.to_col < 0) {
			diag_at(o.cc.roster, 1, o.to_column, NULL, 0, "the roster has no such column (--to-column)");
			diag_exit(SPM_EXIT_DATA);
		}
	}
	if (o.dry_run && mkdir(o.dry_run, 0777) != 0 && errno != EEXIST)
		diag_fatal(SPM_EXIT_USAGE, "%s: cannot create the folder (%s)", o.dry_run, strerror(errno));

	struct source *src = source_open(o.index, FORMAT_TSV);
	struct stream_binding cols;
	stream_bind(STREAM_SPLIT_INDEX, source_header(src), o.index, NULL, 0, &cols);
	struct index_reader ir = { .run = &run, .path = o.index, .owner_col = stream_at(&cols, COL_OWNER),
				   .file_col = stream_at(&cols, COL_FILE), .ncolumns = source_header(src)->count,
				   .owners = table_new(sizeof(uint64_t)), .messages = table_new(sizeof(uint64_t)) };
	read_side_file(src, o.index, index_row, &ir, &ir.problem);
	for (size_t i = 0; i < ir.nentry; i++)
		check_readable(&run, &ir.entry[i]);
	for (size_t i = 0; i < ir.nentry; i++)
		mail_entry(&run, o.index, &ir.entry[i], i + 1);
	for (size_t i = 0; i < ir.nentry; i++) {
		free(ir.entry[i].owner);
		free(ir.entry[i].file);
	}
	free(ir.entry);
	table_free(ir.owners);
	table_free(ir.messages);

	if (!o.cc.quiet) {
		if (o.dry_run) { /* the folder escaped as diag escapes a path: printed outside it */
			char *folder = xmalloc(4 * strlen(o.dry_run) + 1);
			diag_escape(folder, o.dry_run, strlen(o.dry_run));
			fprintf(stderr, "%s: %zu message(s) written to %s", diag_program(), run.written, folder);
			free(folder);
		} else
			fprintf(stderr, "%s: %zu message(s) sent", diag_program(), run.sent);
		if (run.unaddressed)
			fprintf(stderr, "; %zu owner(s) without an address, listed above, got none", run.unaddressed);
		if (run.failed)
			fprintf(stderr, "; %zu could not be sent", run.failed);
		fputc('\n', stderr);
	}
	free(run.domain);
	if (run.has_roster)
		roster_free(&run.roster);
	return run.failed ? SPM_EXIT_USAGE : SPM_EXIT_OK;
}
