/* Reading spm's inputs: TSV and CSV (libcsv, strict), header first, then rows to a
 * callback; big regular files are cut at line boundaries and read by several threads. */
#include "input.h"

#include "arena.h"
#include "diag.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h> /* x86-64's baseline: 16 bytes compared at once (a scalar loop elsewhere) */
#endif

#define READ_BLOCK (1u << 20)       /* bytes read at a time */
#define HEADER_BLOCK (1u << 16)     /* bytes read first for the header */
#define CSV_FEED (1u << 16)         /* bytes handed to libcsv at a time */
#define CSV_BLOCK (1u << 20)        /* libcsv's field buffer grows by this much */
#define MIN_CHUNK ((off_t)4 << 20)  /* files smaller than this per thread are read by one */
#define SCAN_PAD 64                 /* bytes readable past a reader's data: TSV is scanned 64
				     * bytes at a time, those past the data masked off */

struct source {
	char *path;
	const char *name;
	int fd;
	bool seekable;
	off_t size;
	enum input_format format;
	char delim;             /* the field delimiter of a CSV input (',') */
	struct header header;
	off_t data_start;       /* offset of the first byte after the header */
	uint64_t header_lines;  /* physical lines the header took */
	char *pending;          /* bytes already read from a stream past the header */
	size_t pending_len;
	off_t *bounds;          /* chunk boundaries planned by source_plan */
	size_t nbounds;
	bool allow_empty;       /* no header at all is not an error (source_open_optional) */
	bool empty;
	block_fn on_block;      /* progress hook (source_set_progress), or NULL */
	void *block_ctx;
};

/* ---- small helpers ---- */

enum input_format format_for_path(const char *path)
{
	size_t n = strlen(path);
	if (n >= 4 && strcasecmp(path + n - 4, ".csv") == 0)
		return FORMAT_CSV;
	return FORMAT_TSV;
}

size_t tsv_unescape(char *s, size_t len)
{
	char *p = memchr(s, '\\', len);
	if (!p)
		return len;
	char *out = p, *end = s + len;
	while (p < end) {
		if (*p == '\\' && p + 1 < end) {
			char c = p[1];
			char decoded = c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c == '\\' ? '\\' : 0;
			if (decoded) {
				*out++ = decoded;
				p += 2;
				continue;
			}
		}
		*out++ = *p++; /* unknown escapes stay as written */
	}
	return (size_t)(out - s);
}

static bool name_matches_loosely(const char *a, const char *b)
{
	while (*a == ' ')
		a++;
	while (*b == ' ')
		b++;
	size_t la = strlen(a), lb = strlen(b);
	while (la && a[la - 1] == ' ')
		la--;
	while (lb && b[lb - 1] == ' ')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

long header_find(const struct header *h, const char *name)
{
	long found = -1;
	for (size_t i = 0; i < h->count; i++) {
		if (strcmp(h->name[i], name) == 0) {
			if (found >= 0)
				return -2;
			found = (long)i;
		}
	}
	if (found >= 0)
		return found;
	for (size_t i = 0; i < h->count; i++) {
		if (name_matches_loosely(h->name[i], name)) {
			if (found >= 0)
				return -2;
			found = (long)i;
		}
	}
	return found;
}

struct header *header_copy(const struct header *h)
{
	struct header *copy = xcalloc(1, sizeof *copy);
	copy->count = h->count;
	copy->name = xcalloc(h->count + 1, sizeof *copy->name);
	for (size_t i = 0; i < h->count; i++)
		copy->name[i] = xstrdup(h->name[i]);
	return copy;
}

void header_free(struct header *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->count; i++)
		free(h->name[i]);
	free(h->name);
	free(h);
}

bool header_equal(const struct header *a, const struct header *b)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++)
		if (strcmp(a->name[i], b->name[i]) != 0)
			return false;
	return true;
}

static ssize_t read_fully(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	while (got < cap) {
		ssize_t n = read(fd, buf + got, cap - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static ssize_t pread_fully(int fd, char *buf, size_t cap, off_t at)
{
	size_t got = 0;
	while (got < cap) {
		ssize_t n = pread(fd, buf + got, cap - got, at + (off_t)got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static noreturn void read_failed(const struct source *src)
{
	diag_fatal(SPM_EXIT_USAGE, "%s: read error: %s", src->name, strerror(errno));
}

/* ---- the header ---- */

struct header_reader {
	char *buf;   /* bytes read so far from the start of the input */
	size_t len, cap;
	size_t at;   /* bytes consumed by the header */
};

/* Makes sure the header reader holds at least `need` bytes, or all of the input. */
static bool header_fill(struct source *src, struct header_reader *hr, size_t need)
{
	while (hr->len < need) {
		/* 64 KiB first, then doubling: a header is short, and a regular file's rows
		 * are read again by the chunks; 1 MiB at once only faulted pages in */
		size_t block = hr->len < HEADER_BLOCK ? HEADER_BLOCK : hr->len < READ_BLOCK ? hr->len : READ_BLOCK;
		xgrow((void **)&hr->buf, &hr->cap, hr->len + block, 1);
		ssize_t n = src->seekable ? pread_fully(src->fd, hr->buf + hr->len, block, (off_t)hr->len)
					  : read_fully(src->fd, hr->buf + hr->len, block);
		if (n < 0)
			read_failed(src);
		if (n == 0)
			return false;
		hr->len += (size_t)n;
	}
	return true;
}

static void header_add(struct header *h, size_t *cap, const char *s, size_t len)
{
	xgrow((void **)&h->name, cap, h->count + 1, sizeof *h->name);
	h->name[h->count++] = xmemdup0(s, len);
}

static noreturn void header_error(const struct source *src, uint64_t line, const char *msg)
{
	diag_at(src->name, line, NULL, NULL, 0, msg);
	diag_exit(SPM_EXIT_DATA);
}

/* Returns the end of the line starting at `from` (index of '\n', or len if none). */
static size_t header_line_end(struct source *src, struct header_reader *hr, size_t from)
{
	for (;;) {
		char *nl = memchr(hr->buf + from, '\n', hr->len - from);
		if (nl)
			return (size_t)(nl - hr->buf);
		size_t had = hr->len;
		if (!header_fill(src, hr, hr->len + 1))
			return had;
	}
}

static void read_tsv_header(struct source *src, struct header_reader *hr)
{
	size_t cap = 0;
	for (;;) {
		size_t end = header_line_end(src, hr, hr->at);
		if (end == hr->at && end == hr->len) {
			if (src->allow_empty && src->header_lines == 0) {
				src->empty = true;
				return;
			}
			header_error(src, 0, "empty input: a header line is required");
		}
		size_t len = end - hr->at;
		char *line = hr->buf + hr->at;
		hr->at = end < hr->len ? end + 1 : end;
		src->header_lines++;
		if (len && line[len - 1] == '\r')
			len--;
		if (len == 0)
			continue; /* blank lines before the header */
		/* no tr '\r' '\n' in the hint: a message's backslashes are shown doubled */
		if (memchr(line, '\r', len))
			header_error(src, src->header_lines,
				     "carriage return inside the header: old Mac line endings are not TSV "
				     "(convert them to line feeds first, e.g. with mac2unix)");
		size_t pos = 0;
		for (;;) {
			char *tab = memchr(line + pos, '\t', len - pos);
			size_t flen = (tab ? (size_t)(tab - line) : len) - pos;
			flen = tsv_unescape(line + pos, flen);
			header_add(&src->header, &cap, line + pos, flen);
			if (!tab)
				break;
			pos = (size_t)(tab - line) + 1;
		}
		return;
	}
}

struct csv_header_state {
	struct header *h;
	size_t cap;
	int records;
};

static void csv_header_field(void *s, size_t len, void *data)
{
	struct csv_header_state *st = data;
	if (st->records)
		return;
	header_add(st->h, &st->cap, s ? s : "", len);
}

static void csv_header_end(int c, void *data)
{
	struct csv_header_state *st = data;
	(void)c;
	if (st->h->count > 0)
		st->records = 1;
}

static int csv_no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static void csv_parser_setup(struct csv_parser *p, char delim)
{
	if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL) != 0)
		diag_fatal(SPM_EXIT_USAGE, "out of memory");
	csv_set_delim(p, (unsigned char)delim);
	csv_set_space_func(p, csv_no_space); /* never trim: spaces are data */
	csv_set_blk_size(p, CSV_BLOCK);
}

/* End of the physical line starting at `from` in a CSV: at a LF, a CRLF, or a lone CR
 * (old Mac line endings). Returns the index of its last byte, or len if there is none. */
static size_t csv_line_end(struct source *src, struct header_reader *hr, size_t from)
{
	for (size_t i = from;; i++) {
		if (i >= hr->len && !header_fill(src, hr, i + 1))
			return hr->len;
		if (hr->buf[i] == '\n')
			return i;
		if (hr->buf[i] == '\r') {
			if (i + 1 >= hr->len && !header_fill(src, hr, i + 2))
				return i;
			return hr->buf[i + 1] == '\n' ? i + 1 : i;
		}
	}
}

static void read_csv_header(struct source *src, struct header_reader *hr)
{
	struct csv_parser p;
	struct csv_header_state st = { &src->header, 0, 0 };
	csv_parser_setup(&p, src->delim);
	uint64_t lines = 0;
	/* Feed one physical line at a time so we know where the header record ends. */
	while (!st.records) {
		size_t end = csv_line_end(src, hr, hr->at);
		if (end == hr->len && end == hr->at) {
			if (csv_fini(&p, csv_header_field, csv_header_end, &st) != 0)
				header_error(src, 1, "unterminated quoted field in the header");
			if (!st.records && src->allow_empty && lines == 0) {
				src->empty = true;
				break;
			}
			if (!st.records)
				header_error(src, 0, "empty input: a header line is required");
			break;
		}
		size_t next = end < hr->len ? end + 1 : end;
		if (csv_parse(&p, hr->buf + hr->at, next - hr->at, csv_header_field, csv_header_end, &st) !=
		    next - hr->at)
			header_error(src, 1, "malformed quoted field in the header");
		hr->at = next;
		lines++;
	}
	/* A CRLF header ends at the CR; the LF was fed with it. */
	src->header_lines = lines;
	csv_free(&p);
}

static void strip_bom(struct source *src, struct header_reader *hr)
{
	header_fill(src, hr, 3);
	if (hr->len >= 3 && memcmp(hr->buf, "\xef\xbb\xbf", 3) == 0)
		hr->at = 3;
}

static struct source *open_source(const char *path, enum input_format format, bool allow_empty, char delim)
{
	struct source *src = xcalloc(1, sizeof *src);
	src->allow_empty = allow_empty;
	src->delim = delim;
	struct stat st;
	bool is_stdin = strcmp(path, "-") == 0;
	src->path = xstrdup(path);
	src->name = src->path;
	src->fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (src->fd < 0)
		diag_fatal(SPM_EXIT_USAGE, "%s: %s", path, strerror(errno));
	if (fstat(src->fd, &st) != 0)
		diag_fatal(SPM_EXIT_USAGE, "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		diag_fatal(SPM_EXIT_USAGE, "%s: is a directory", path);
	src->seekable = S_ISREG(st.st_mode) && lseek(src->fd, 0, SEEK_CUR) == 0;
	src->size = src->seekable ? st.st_size : -1;
	src->format = format != FORMAT_AUTO ? format : is_stdin ? FORMAT_TSV : format_for_path(path);

	struct header_reader hr = { NULL, 0, 0, 0 };
	strip_bom(src, &hr);
	if (src->format == FORMAT_CSV)
		read_csv_header(src, &hr);
	else
		read_tsv_header(src, &hr);
	src->data_start = (off_t)hr.at;
	if (!src->seekable && hr.at < hr.len) {
		src->pending_len = hr.len - hr.at;
		src->pending = xmalloc(src->pending_len);
		memcpy(src->pending, hr.buf + hr.at, src->pending_len);
	}
	free(hr.buf);
	return src;
}

struct source *source_open(const char *path, enum input_format format)
{
	return open_source(path, format, false, ',');
}

struct source *source_open_delimited(const char *path, char delim)
{
	return open_source(path, FORMAT_CSV, false, delim);
}

struct source *source_open_optional(const char *path, enum input_format format)
{
	struct source *src = open_source(path, format, true, ',');
	if (src->empty) {
		source_close(src);
		return NULL;
	}
	return src;
}

void source_close(struct source *src)
{
	if (!src)
		return;
	if (src->fd != STDIN_FILENO)
		close(src->fd);
	for (size_t i = 0; i < src->header.count; i++)
		free(src->header.name[i]);
	free(src->header.name);
	free(src->pending);
	free(src->bounds);
	free(src->path);
	free(src);
}

const struct header *source_header(const struct source *src)
{
	return &src->header;
}

const char *source_name(const struct source *src)
{
	return src->name;
}

uint64_t source_bytes(const struct source *src)
{
	return src->size > 0 ? (uint64_t)src->size : 0;
}

enum input_format source_format(const struct source *src)
{
	return src->format;
}

/* ---- planning chunks ---- */

/* Offset just past the first '\n' at or after `from`, or -1 if there is none. */
static off_t next_line_start(struct source *src, off_t from)
{
	char buf[1 << 16];
	while (from < src->size) {
		ssize_t n = pread_fully(src->fd, buf, sizeof buf, from);
		if (n < 0)
			read_failed(src);
		if (n == 0)
			break;
		char *nl = memchr(buf, '\n', (size_t)n);
		if (nl)
			return from + (off_t)(nl - buf) + 1;
		from += n;
	}
	return -1;
}

size_t source_plan(struct source *src, size_t max_chunks)
{
	return source_plan_min(src, max_chunks, MIN_CHUNK);
}

size_t source_plan_min(struct source *src, size_t max_chunks, off_t min_chunk)
{
	free(src->bounds);
	src->nbounds = 1;
	src->bounds = xcalloc(max_chunks + 1, sizeof *src->bounds);
	src->bounds[0] = src->data_start;
	if (src->seekable) {
		off_t body = src->size - src->data_start;
		size_t want = max_chunks;
		while (want > 1 && body / (off_t)want < min_chunk)
			want--;
		for (size_t i = 1; i < want; i++) {
			off_t b = next_line_start(src, src->data_start + body / (off_t)want * (off_t)i);
			if (b < 0 || b >= src->size || b <= src->bounds[src->nbounds - 1])
				break;
			src->bounds[src->nbounds++] = b;
		}
	}
	src->bounds[src->nbounds] = src->seekable ? src->size : -1;
	return src->nbounds;
}

/* ---- reading one chunk ---- */

struct chunk_reader {
	struct source *src;
	const struct scan_options *opt;
	struct scan_chunk *out;
	off_t pos, end;        /* next byte to read; end of the range (-1: to end of stream) */
	bool last;             /* the chunk runs to the end of the input */
	bool done;             /* stopped: callback stop or syntax error */
	uint64_t lines;        /* physical lines completed in this chunk */
	size_t pending_used;
	char *buf;
	size_t cap;             /* bytes of buf in use: a read takes at most this */
	size_t buf_bytes;       /* bytes of buf allocated (lib/arena), at least cap */
	/* the row being assembled */
	char **field;
	size_t *len;
	size_t *offset;
	size_t fcap;
	char *arena;
	size_t arena_len, arena_cap;
	size_t nfields;
	/* CSV */
	struct csv_parser parser;
	bool parser_ready;
	bool cr_pending;        /* the last record ended at a CR: its LF comes next */
	uint64_t record_line;   /* line where the record being read starts */
	uint64_t terminators;   /* record ends and blank lines seen by the parser */
	bool handed_over;       /* the fast path gave the rest of the chunk to libcsv */
	size_t carry;           /* bytes of an unfinished record at the start of buf */
	uint64_t rows_unreported; /* rows delivered since the last progress call */
	struct tsv_pending *pending; /* TSV with an ahead hook: LINES_AHEAD rows' fields */
	uint64_t shown;         /* rows shown to the ahead hook so far */
	char apart[64];         /* from the next chunk's reader: the counters above change per row,
				 * and one cache line shared by two threads cost as much as the rows */
};

static bool column_wanted(const struct chunk_reader *r, size_t i)
{
	const struct scan_options *o = r->opt;
	if (i >= r->src->header.count)
		return o->keep_extra;
	return o->wanted == NULL || o->wanted[i] || o->keep_extra;
}

/* Tells the progress hook, if any, about a block read and the rows delivered since. */
static void report_block(struct chunk_reader *r, size_t bytes)
{
	if (r->src->on_block && (bytes || r->rows_unreported)) {
		r->src->on_block(r->src->block_ctx, bytes, r->rows_unreported);
		r->rows_unreported = 0;
	}
}

/* Reads the next block of the chunk; 0 at its end. */
static size_t chunk_read_block(struct chunk_reader *r, char *dst, size_t cap)
{
	struct source *src = r->src;
	if (src->seekable) {
		if (r->pos >= r->end)
			return 0;
		if ((off_t)cap > r->end - r->pos)
			cap = (size_t)(r->end - r->pos);
		ssize_t n = pread_fully(src->fd, dst, cap, r->pos);
		if (n < 0)
			read_failed(src);
		r->pos += n;
		return (size_t)n;
	}
	if (r->pending_used < src->pending_len) {
		size_t n = src->pending_len - r->pending_used;
		if (n > cap)
			n = cap;
		memcpy(dst, src->pending + r->pending_used, n);
		r->pending_used += n;
		return n;
	}
	ssize_t n = read_fully(src->fd, dst, cap);
	if (n < 0)
		read_failed(src);
	return (size_t)n;
}

static size_t chunk_read(struct chunk_reader *r, char *dst, size_t cap)
{
	size_t n = chunk_read_block(r, dst, cap);
	report_block(r, n);
	return n;
}

static void set_error(struct chunk_reader *r, uint64_t line, size_t column, const char *message)
{
	r->out->error.line = line;
	r->out->error.column = column;
	r->out->error.message = message;
	r->done = true;
}

static void deliver_row(struct chunk_reader *r, char **field, const size_t *len, size_t n, uint64_t line,
			uint64_t shown)
{
	struct row row = { n, field, len, line, shown };
	r->rows_unreported++;
	int stop = r->opt->on_row(r->out->ctx, &row);
	if (stop) {
		r->out->stop = stop;
		r->done = true;
	}
}

static void ensure_fields(struct chunk_reader *r, size_t n)
{
	if (n <= r->fcap)
		return;
	size_t cap = r->fcap;
	xgrow((void **)&r->field, &cap, n, sizeof *r->field);
	cap = r->fcap;
	xgrow((void **)&r->len, &cap, n, sizeof *r->len);
	cap = r->fcap;
	xgrow((void **)&r->offset, &cap, n, sizeof *r->offset);
	r->fcap = cap;
}

/* Room for r->cap bytes in buf, grown on the huge pages it came on. */
static void reader_buffer_fit(struct chunk_reader *r)
{
	xgrow_large((void **)&r->buf, &r->buf_bytes, r->cap + SCAN_PAD + 1, 1);
}

/* ---- TSV ---- */

/* Where the bytes of a 64-byte block are tabs, newlines and backslashes (bit i: byte i). */
struct tsv_marks {
	uint64_t tabs, newlines, backslashes;
};

#ifdef __SSE2__
/* Bit i set where byte i of the 64 in v is c. */
static inline uint64_t marks_of(__m128i v0, __m128i v1, __m128i v2, __m128i v3, char c)
{
	const __m128i m = _mm_set1_epi8(c);
	uint64_t b0 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v0, m));
	uint64_t b1 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v1, m));
	uint64_t b2 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v2, m));
	uint64_t b3 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v3, m));
	return b0 | b1 << 16 | b2 << 32 | b3 << 48;
}
#endif

/* The marks of the 64 bytes at b, of which the first n are data. */
static inline struct tsv_marks tsv_block_marks(const char *b, size_t n)
{
	struct tsv_marks k;
#ifdef __SSE2__
	__m128i v0 = _mm_loadu_si128((const __m128i *)(const void *)b);
	__m128i v1 = _mm_loadu_si128((const __m128i *)(const void *)(b + 16));
	__m128i v2 = _mm_loadu_si128((const __m128i *)(const void *)(b + 32));
	__m128i v3 = _mm_loadu_si128((const __m128i *)(const void *)(b + 48));
	k.tabs = marks_of(v0, v1, v2, v3, '\t');
	k.newlines = marks_of(v0, v1, v2, v3, '\n');
	const __m128i bs = _mm_set1_epi8('\\');
	__m128i any = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v0, bs), _mm_cmpeq_epi8(v1, bs)),
				   _mm_or_si128(_mm_cmpeq_epi8(v2, bs), _mm_cmpeq_epi8(v3, bs)));
	k.backslashes = _mm_movemask_epi8(any) ? marks_of(v0, v1, v2, v3, '\\') : 0; /* exports seldom escape */
#else
	k.tabs = k.newlines = k.backslashes = 0;
	for (unsigned i = 0; i < 64; i++) {
		k.tabs |= (uint64_t)(b[i] == '\t') << i;
		k.newlines |= (uint64_t)(b[i] == '\n') << i;
		k.backslashes |= (uint64_t)(b[i] == '\\') << i;
	}
#endif
	if (n < 64) {
		uint64_t data = ((uint64_t)1 << n) - 1;
		k.tabs &= data;
		k.newlines &= data;
		k.backslashes &= data;
	}
	return k;
}

/* With an ahead hook: a row split, shown to the hook and not yet read. */
struct tsv_pending {
	char **field;
	size_t *len;
	size_t n, cap;
	uint64_t line;
	uint64_t shown; /* its number among the rows shown to the hook; 0: not shown */
};

/* Room for n fields in a pending row. */
static void pending_room(struct tsv_pending *p, size_t n)
{
	if (n <= p->cap)
		return;
	size_t cap = p->cap;
	xgrow((void **)&p->field, &cap, n, sizeof *p->field);
	cap = p->cap;
	xgrow((void **)&p->len, &cap, n, sizeof *p->len);
	p->cap = cap;
}

/* The ring of LINES_AHEAD pending rows, made at first use, each with room for a block's
 * fields (a line that starts within a block gets at most 64 there). */
static struct tsv_pending *pending_ring(struct chunk_reader *r)
{
	if (!r->pending) {
		r->pending = xcalloc(LINES_AHEAD, sizeof *r->pending);
		for (size_t i = 0; i < LINES_AHEAD; i++)
			pending_room(&r->pending[i], 64);
	}
	return r->pending;
}

/* The line (or CSV record) being split: its fields in locals, not through r (a NUL written into the line
 * is a char store, which the compiler must assume may change anything reached through r). */
struct tsv_split {
	char **field;
	size_t *len;
	size_t n, cap;
	char *line, *start; /* where the line and its next field start */
	bool escaped;       /* a backslash so far in the line: wanted fields are unescaped (rare);
			     * CSV: a doubled quote so far in the record, undoubled at its end */
	uint64_t inner;     /* CSV: line feeds inside quotes so far in the record */
	/* with an ahead hook: rows split into ring[first], ... (count of them) before they are
	 * read, the line being split into the next; NULL: each row is read once split */
	struct tsv_pending *ring;
	size_t first, count;
};

static struct tsv_pending *pending_next(struct tsv_split *s)
{
	return &s->ring[(s->first + s->count) % LINES_AHEAD];
}

/* The line's fields go to the pending row p. */
static void split_into(struct tsv_split *s, struct tsv_pending *p)
{
	s->field = p->field;
	s->len = p->len;
	s->cap = p->cap;
}

/* Room for 64 more fields: a block ends at most 64 (checked once a block, not a field). */
static inline void tsv_room(struct chunk_reader *r, struct tsv_split *s)
{
	if (s->cap - s->n >= 64)
		return;
	if (s->ring) {
		struct tsv_pending *p = pending_next(s);
		pending_room(p, s->n + 64);
		split_into(s, p);
		return;
	}
	ensure_fields(r, s->n + 64);
	s->field = r->field;
	s->len = r->len;
	s->cap = r->fcap;
}

/* The next field of the line, start..end, NUL-terminated in place. */
static inline void tsv_field(struct chunk_reader *r, struct tsv_split *s, char *end)
{
	size_t flen = (size_t)(end - s->start);
	if (s->escaped && column_wanted(r, s->n))
		flen = tsv_unescape(s->start, flen);
	s->start[flen] = '\0';
	s->field[s->n] = s->start;
	s->len[s->n] = flen;
	s->n++;
}

/* Reads the oldest pending row. */
static void pending_read(struct chunk_reader *r, struct tsv_split *s)
{
	struct tsv_pending *p = &s->ring[s->first];
	s->first = (s->first + 1) % LINES_AHEAD;
	s->count--;
	deliver_row(r, p->field, p->len, p->n, p->line, p->shown);
}

/* The row just split waits in the ring: the hook is shown its fields (if it has those
 * asked for), and once LINES_AHEAD rows wait, the oldest is read (LINES_AHEAD - 1 rows
 * after it was shown). Its fields are split once: the hook used to find them again in
 * the line's bytes. */
static void pending_add(struct chunk_reader *r, struct tsv_split *s)
{
	const struct scan_ahead *a = r->opt->ahead;
	struct tsv_pending *p = pending_next(s);
	p->n = s->n;
	p->line = r->lines;
	p->shown = 0;
	const char *f[AHEAD_FIELDS];
	size_t flen[AHEAD_FIELDS], n = a->ncol < AHEAD_FIELDS ? a->ncol : AHEAD_FIELDS, i;
	for (i = 0; i < n && a->col[i] >= 0 && (size_t)a->col[i] < p->n; i++) {
		f[i] = p->field[a->col[i]];
		flen[i] = p->len[a->col[i]];
	}
	if (i == n && (!a->wanted || a->wanted(r->out->ctx))) {
		a->fn(r->out->ctx, f, flen);
		p->shown = ++r->shown;
	}
	if (++s->count == LINES_AHEAD)
		pending_read(r, s);
	split_into(s, pending_next(s));
}

/* The line ends at the newline nl: its last field, and the row read (or pending) unless
 * blank. */
static inline void tsv_line_end(struct chunk_reader *r, struct tsv_split *s, char *nl)
{
	r->lines++;
	char *end = nl > s->start && nl[-1] == '\r' ? nl - 1 : nl;
	if (end > s->line) { /* blank lines carry no record */
		tsv_field(r, s, end);
		if (s->ring)
			pending_add(r, s);
		else
			deliver_row(r, s->field, s->len, s->n, r->lines, 0);
	}
	s->n = 0;
	s->escaped = false;
	s->line = s->start = nl + 1;
}

/* A field ending at the tab at end, in a line without backslashes. */
static inline void tsv_plain_field(struct tsv_split *s, char *end)
{
	*end = '\0';
	s->field[s->n] = s->start;
	s->len[s->n] = (size_t)(end - s->start);
	s->n++;
	s->start = end + 1;
}

/* The stops of block b (marks k) where a line has backslashes: those of a field's own
 * line before it make wanted fields unescaped. False once the rows are stopped. */
static bool tsv_block_escaped(struct chunk_reader *r, struct tsv_split *s, char *b, struct tsv_marks k)
{
	for (uint64_t stops = k.tabs | k.newlines; stops; stops &= stops - 1) {
		unsigned at = (unsigned)__builtin_ctzll(stops);
		uint64_t bit = (uint64_t)1 << at;
		if (k.backslashes & (bit - 1))
			s->escaped = true;
		if (!(k.newlines & bit)) {
			tsv_field(r, s, b + at);
			s->start = b + at + 1;
			continue;
		}
		k.backslashes &= ~(bit | (bit - 1)); /* those of the line ended */
		tsv_line_end(r, s, b + at);
		if (r->done)
			return false;
	}
	if (k.backslashes)
		s->escaped = true; /* in the field that goes on into the next block */
	return true;
}

/* Splits the lines of p..end, each ending at a newline, at their tabs and newlines in one
 * pass, 64 bytes at a time: finding a line's end and then its tabs read every byte twice,
 * and a call of memchr per line cost more than its fields (exports have short fields).
 * With an ahead hook, each row is shown to it LINES_AHEAD - 1 rows before it is read (fewer
 * at the end of the block). The buffer has SCAN_PAD bytes readable past end. */
static void tsv_lines(struct chunk_reader *r, char *p, char *end)
{
	const struct scan_ahead *a = r->opt->ahead;
	struct tsv_split s = { .field = r->field, .len = r->len, .cap = r->fcap, .line = p, .start = p };
	if (a && (!a->wanted || a->wanted(r->out->ctx))) { /* asked once a block */
		s.ring = pending_ring(r);
		split_into(&s, pending_next(&s));
	}
	for (char *b = p; b < end; b += 64) {
		struct tsv_marks k = tsv_block_marks(b, (size_t)(end - b));
		tsv_room(r, &s);
		if (k.backslashes || s.escaped) {
			if (!tsv_block_escaped(r, &s, b, k))
				return;
		} else {
			for (uint64_t tabs = k.tabs, newlines = k.newlines;;) {
				uint64_t nl = newlines & -newlines; /* the next line end, or 0 */
				for (uint64_t t = tabs & (nl - 1); t; t &= t - 1)
					tsv_plain_field(&s, b + __builtin_ctzll(t));
				if (!nl)
					break;
				tabs &= ~(nl | (nl - 1));
				newlines &= newlines - 1;
				tsv_line_end(r, &s, b + __builtin_ctzll(nl));
				if (r->done)
					return;
			}
		}
	}
	while (s.count && !r->done)
		pending_read(r, &s);
}

/* The last newline of p[0, n), or NULL: a line is short, so it is near the end. */
static char *last_newline(char *p, size_t n)
{
	while (n > 0)
		if (p[--n] == '\n')
			return p + n;
	return NULL;
}

static void run_tsv(struct chunk_reader *r)
{
	size_t have = 0; /* bytes of an unfinished line at the start of buf */
	while (!r->done) {
		if (r->cap - have < READ_BLOCK / 2) {
			r->cap = r->cap * 2;
			reader_buffer_fit(r);
		}
		size_t n = chunk_read(r, r->buf + have, r->cap - have - 1);
		char *end = r->buf + have + n;
		if (n == 0) {
			if (have) { /* the last line, without a newline: given one (buf keeps a byte free) */
				*end = '\n';
				memset(end + 1, 0, SCAN_PAD);
				tsv_lines(r, r->buf, end + 1);
			}
			break;
		}
		memset(end, 0, SCAN_PAD); /* defined bytes past the data, masked off */
		char *last = last_newline(r->buf + have, n);
		char *next = last ? last + 1 : r->buf;
		if (last)
			tsv_lines(r, r->buf, next);
		have = (size_t)(end - next);
		memmove(r->buf, next, have);
	}
}

/* ---- CSV ---- */

static void csv_field(void *s, size_t len, void *data)
{
	struct chunk_reader *r = data;
	if (r->done)
		return;
	size_t i = r->nfields++;
	if (i == 0)
		r->record_line = r->lines + 1;
	ensure_fields(r, i + 1);
	if (s && len && memchr(s, '\n', len)) {
		for (const char *p = s, *e = (const char *)s + len; (p = memchr(p, '\n', (size_t)(e - p))); p++)
			r->lines++;
	}
	if (column_wanted(r, i)) {
		if (len >= SIZE_MAX - r->arena_len - 1)
			diag_fatal(SPM_EXIT_USAGE, "out of memory");
		xgrow((void **)&r->arena, &r->arena_cap, r->arena_len + len + 1, 1);
		if (len)
			memcpy(r->arena + r->arena_len, s, len);
		r->arena[r->arena_len + len] = '\0';
		r->offset[i] = r->arena_len;
		r->arena_len += len + 1;
		r->len[i] = len;
	} else {
		r->offset[i] = SIZE_MAX;
		r->len[i] = 0;
	}
}

static void csv_record(int c, void *data)
{
	struct chunk_reader *r = data;
	r->terminators++;
	if (r->done)
		return;
	if (r->nfields == 0) { /* a blank line, or the LF of a CRLF */
		if (!(c == '\n' && r->cr_pending))
			r->lines++;
		r->cr_pending = c == '\r';
		return;
	}
	if (c >= 0)
		r->lines++;
	r->cr_pending = c == '\r';
	for (size_t i = 0; i < r->nfields; i++)
		r->field[i] = r->offset[i] == SIZE_MAX ? (char *)"" : r->arena + r->offset[i];
	deliver_row(r, r->field, r->len, r->nfields, r->record_line, 0);
	r->nfields = 0;
	r->arena_len = 0;
}

static uint64_t csv_error_line(const struct chunk_reader *r)
{
	return r->nfields ? r->record_line : r->lines + 1;
}

static void csv_feed(struct chunk_reader *r, const char *p, size_t n)
{
	while (n && !r->done) {
		size_t take = n < CSV_FEED ? n : CSV_FEED;
		if (csv_parse(&r->parser, p, take, csv_field, csv_record, r) != take) {
			if (csv_error(&r->parser) == CSV_EPARSE)
				set_error(r, csv_error_line(r), r->nfields,
					  "malformed quoted field: a quote inside quotes must be doubled, and "
					  "nothing may follow the closing quote");
			else
				diag_fatal(SPM_EXIT_USAGE, "%s", csv_strerror(csv_error(&r->parser)));
			return;
		}
		p += take;
		n -= take;
	}
}

/* Feeds a block to libcsv. When the block is the last of a range that stops before the
 * end of the input, tells whether its last byte (a '\n') ended a record: the next chunk
 * then starts on a record boundary. */
static void csv_feed_block(struct chunk_reader *r, const char *p, size_t n, bool *boundary)
{
	if (n && !r->last && r->pos == r->end) {
		csv_feed(r, p, n - 1);
		uint64_t before = r->terminators;
		csv_feed(r, p + n - 1, 1);
		*boundary = r->terminators != before;
	} else {
		csv_feed(r, p, n);
	}
}

/* Reads the rest of the chunk's range with libcsv. */
static bool csv_loop(struct chunk_reader *r, bool boundary)
{
	if (!r->parser_ready) {
		csv_parser_setup(&r->parser, r->src->delim);
		r->parser_ready = true;
	}
	while (!r->done) {
		size_t n = chunk_read(r, r->buf, r->cap);
		if (n == 0)
			break;
		csv_feed_block(r, r->buf, n, &boundary);
	}
	if (r->last && !r->done) {
		uint64_t line = csv_error_line(r);
		if (csv_fini(&r->parser, csv_field, csv_record, r) != 0)
			set_error(r, line, r->nfields, "unterminated quoted field");
	}
	return boundary;
}

/* ---- CSV fast path ----
 * libcsv reads a byte at a time through a state machine, which dominates the run time on
 * big exports. Well-formed records (quoted or not, LF or CRLF) are cut here instead, 64
 * bytes at a time as TSV lines are; the first record with anything unusual (a quote inside
 * an unquoted field, text after a closing quote, a lone CR, an unterminated quote) and
 * everything after it in the chunk goes to libcsv, which stays the parser of record for
 * every odd input. */

/* Where the bytes of a 64-byte block are quotes, delimiters, CRs and LFs (bit i: byte i). */
struct csv_marks {
	uint64_t quotes, delims, crs, lfs;
};

/* The marks of the 64 bytes at b, of which the first n are data. */
static inline struct csv_marks csv_block_marks(const char *b, size_t n, char delim)
{
	struct csv_marks k;
#ifdef __SSE2__
	__m128i v0 = _mm_loadu_si128((const __m128i *)(const void *)b);
	__m128i v1 = _mm_loadu_si128((const __m128i *)(const void *)(b + 16));
	__m128i v2 = _mm_loadu_si128((const __m128i *)(const void *)(b + 32));
	__m128i v3 = _mm_loadu_si128((const __m128i *)(const void *)(b + 48));
	k.quotes = marks_of(v0, v1, v2, v3, '"');
	k.delims = marks_of(v0, v1, v2, v3, delim);
	const __m128i cr = _mm_set1_epi8('\r');
	__m128i any = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v0, cr), _mm_cmpeq_epi8(v1, cr)),
				   _mm_or_si128(_mm_cmpeq_epi8(v2, cr), _mm_cmpeq_epi8(v3, cr)));
	k.crs = _mm_movemask_epi8(any) ? marks_of(v0, v1, v2, v3, '\r') : 0; /* LF-only files have none */
	k.lfs = marks_of(v0, v1, v2, v3, '\n');
#else
	k.quotes = k.delims = k.crs = k.lfs = 0;
	for (unsigned i = 0; i < 64; i++) {
		k.quotes |= (uint64_t)(b[i] == '"') << i;
		k.delims |= (uint64_t)(b[i] == delim) << i;
		k.crs |= (uint64_t)(b[i] == '\r') << i;
		k.lfs |= (uint64_t)(b[i] == '\n') << i;
	}
#endif
	if (n < 64) {
		uint64_t data = ((uint64_t)1 << n) - 1;
		k.quotes &= data;
		k.delims &= data;
		k.crs &= data;
		k.lfs &= data;
	}
	return k;
}

/* Bit i set where an odd number of the bits 0..i of x are: with x the quotes, the bytes
 * from an opening quote up to its closing one (excluded). */
static inline uint64_t prefix_xor(uint64_t x)
{
	x ^= x << 1;
	x ^= x << 2;
	x ^= x << 4;
	x ^= x << 8;
	x ^= x << 16;
	x ^= x << 32;
	return x;
}

/* The state of the scan at the end of a block, carried into the next (each 0 or 1,
 * inside 0 or all ones). */
struct csv_carry {
	uint64_t inside; /* the last byte is inside quotes */
	uint64_t start;  /* it ends a field: the next byte starts one (also at the first block) */
	uint64_t close;  /* it is a closing quote */
	uint64_t cr;     /* it is a CR outside quotes */
};

/* The field of the record being split that starts at start and ends at end (its
 * delimiter or line end), NUL-terminated in place (a quoted one without its quotes: in a
 * well-formed record the byte before end is then the closing quote) as field n; returns
 * where the next starts. Locals, not s: a char store may change anything reached through
 * a pointer. */
static inline char *csv_field_at(char **field, size_t *len, size_t n, char *start, char *end)
{
	char *next = end + 1;
	if (*start == '"') {
		start++;
		end--;
	}
	field[n] = start;
	len[n] = (size_t)(end - start);
	*end = '\0';
	return next;
}

static inline void csv_plain_field(struct tsv_split *s, char *end)
{
	s->start = csv_field_at(s->field, s->len, s->n, s->start, end);
	s->n++;
}

/* Collapses doubled quotes in place; returns the new length. */
static size_t undouble_quotes(char *s, size_t len)
{
	char *out = s, *p = s, *end = s + len;
	while (p < end) {
		*out++ = *p;
		p += (*p == '"' && p + 1 < end && p[1] == '"') ? 2 : 1;
	}
	return (size_t)(out - s);
}

/* The record just split has doubled quotes (rare): its wanted fields that do are undoubled
 * (only a quoted field has quotes, doubled). */
static void csv_undouble(struct chunk_reader *r, struct tsv_split *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (column_wanted(r, i) && memchr(s->field[i], '"', s->len[i])) {
			s->len[i] = undouble_quotes(s->field[i], s->len[i]);
			s->field[i][s->len[i]] = '\0';
		}
}

/* The record ends at the line feed nl: its last field, and the row read (or pending)
 * unless blank. Its line is the one it starts on (s->inner line feeds were inside it). */
static inline void csv_record_end(struct chunk_reader *r, struct tsv_split *s, char *nl)
{
	char *end = nl > s->start && nl[-1] == '\r' ? nl - 1 : nl; /* a CR here is outside quotes */
	r->lines++;
	if (end > s->line) { /* blank lines carry no record */
		csv_plain_field(s, end);
		if (s->escaped)
			csv_undouble(r, s);
		if (s->ring)
			pending_add(r, s);
		else
			deliver_row(r, s->field, s->len, s->n, r->lines, 0);
	}
	r->lines += s->inner;
	s->n = 0;
	s->inner = 0;
	s->escaped = false;
	s->line = s->start = nl + 1;
}

/* The record being split when the scan stops: its fields' ends written back (each was the
 * delimiter after an unquoted field or the closing quote of a quoted one), so that it can
 * be read again, by this path with more bytes or by libcsv. */
static void csv_unsplit(struct tsv_split *s, char delim)
{
	for (size_t i = 0; i < s->n; i++) {
		char *f = s->field[i];
		f[s->len[i]] = f > s->line && f[-1] == '"' ? '"' : delim;
	}
	s->n = 0;
}

/* The stops (field and record ends) of block b where it has doubled quotes (escapes) or
 * line feeds inside quotes (inner): each record's share of them (rare, kept out of the
 * loop over the blocks). */
static void csv_block_quoted(struct chunk_reader *r, struct tsv_split *s, char *b, uint64_t stops,
			     uint64_t lfs, uint64_t escapes, uint64_t inner)
{
	for (; stops; stops &= stops - 1) {
		uint64_t bit = stops & -stops, upto = bit | (bit - 1);
		if (!(lfs & bit)) {
			csv_plain_field(s, b + __builtin_ctzll(stops));
			continue;
		}
		s->escaped |= (escapes & upto) != 0;
		s->inner += (uint64_t)__builtin_popcountll(inner & upto);
		escapes &= ~upto;
		inner &= ~upto;
		csv_record_end(r, s, b + __builtin_ctzll(stops));
		if (r->done)
			return;
	}
	s->escaped |= escapes != 0; /* in the record that goes on */
	s->inner += (uint64_t)__builtin_popcountll(inner);
}

/* Reads the well-formed records of p..end, each ending at a line feed outside quotes (the
 * caller gives the last record at the end of the input one), 64 bytes at a time: the bytes
 * inside quotes are the prefix XOR of the quotes; the delimiters and line feeds outside
 * them end fields and records. Stops at the first byte that makes its record odd (*odd
 * set) or at the end; returns the start of the record not read there. With an ahead hook,
 * each record is shown to it LINES_AHEAD - 1 records before it is read, as TSV lines are.
 * The buffer has SCAN_PAD bytes readable past end. */
static char *csv_records(struct chunk_reader *r, char *p, char *end, bool *odd)
{
	const struct scan_ahead *a = r->opt->ahead;
	const char delim = r->src->delim;
	struct tsv_split s = { .field = r->field, .len = r->len, .cap = r->fcap, .line = p, .start = p };
	struct csv_carry c = { 0, 1, 0, 0 };
	*odd = false;
	if (a && (!a->wanted || a->wanted(r->out->ctx))) { /* asked once a block */
		s.ring = pending_ring(r);
		split_into(&s, pending_next(&s));
	}
	for (char *b = p; b < end && !r->done; b += 64) {
		size_t n = (size_t)(end - b);
		struct csv_marks k = csv_block_marks(b, n, delim);
		uint64_t inq = k.quotes ? prefix_xor(k.quotes) ^ c.inside : c.inside;
		uint64_t delims = k.delims & ~inq, lfs = k.lfs & ~inq, crs = k.crs & ~inq;
		uint64_t bad = 0, escapes = 0, inner = k.lfs & inq;
		if (k.quotes | c.close) {
			uint64_t open = k.quotes & inq, close = k.quotes & ~inq;
			uint64_t after_close = close << 1 | c.close;
			uint64_t starts = (delims | lfs) << 1 | c.start;
			escapes = open & after_close; /* a doubled quote inside quotes */
			bad = (open & ~(starts | after_close)) |                /* a quote inside a field */
			      (after_close & ~(delims | lfs | crs | k.quotes)); /* text after the quotes */
			c.close = close >> 63;
		}
		if (crs | c.cr)
			bad |= (crs << 1 | c.cr) & ~lfs; /* a CR not followed by a line feed */
		c.inside = (uint64_t)((int64_t)inq >> 63);
		c.start = (delims | lfs) >> 63;
		c.cr = crs >> 63;
		uint64_t stops = delims | lfs;
		if (n < 64)
			bad &= ((uint64_t)1 << n) - 1; /* the bytes after the data are not known yet */
		if (bad) { /* what comes after the first odd byte is not read here */
			uint64_t before = (bad & -bad) - 1;
			stops &= before;
			lfs &= before;
			escapes &= before;
			inner &= before;
		}
		tsv_room(r, &s);
		if (escapes | inner) {
			csv_block_quoted(r, &s, b, stops, lfs, escapes, inner);
		} else {
			for (uint64_t ds = delims & stops;;) {
				uint64_t nl = lfs & -lfs; /* the next record end, or 0 */
				uint64_t t = ds & (nl - 1);
				if (t) {
					char *start = s.start, **field = s.field;
					size_t nf = s.n, *len = s.len;
					for (; t; t &= t - 1)
						start = csv_field_at(field, len, nf++, start, b + __builtin_ctzll(t));
					s.start = start;
					s.n = nf;
				}
				if (!nl)
					break;
				ds &= ~(nl | (nl - 1));
				lfs &= lfs - 1;
				csv_record_end(r, &s, b + __builtin_ctzll(nl));
				if (r->done)
					break;
			}
		}
		if (bad) {
			*odd = true;
			break;
		}
	}
	csv_unsplit(&s, delim);
	while (s.count && !r->done)
		pending_read(r, &s);
	return s.line;
}

/* Hands the rest of the chunk, from the record at p (end: the end of the bytes read), to
 * libcsv. */
static bool csv_hand_over(struct chunk_reader *r, const char *p, const char *end)
{
	bool boundary = false;
	r->handed_over = true;
	r->nfields = 0;
	r->carry = 0;
	csv_parser_setup(&r->parser, r->src->delim);
	r->parser_ready = true;
	csv_feed_block(r, p, (size_t)(end - p), &boundary);
	return csv_loop(r, boundary);
}

static bool run_csv(struct chunk_reader *r)
{
	if (r->handed_over)
		return csv_loop(r, false);
	size_t have = r->carry;
	while (!r->done) {
		if (r->cap - have < READ_BLOCK / 2) {
			if (r->cap > SIZE_MAX / 2)
				diag_fatal(SPM_EXIT_USAGE, "out of memory");
			r->cap *= 2;
			reader_buffer_fit(r);
		}
		size_t n = chunk_read(r, r->buf + have, r->cap - have - 1);
		if (n == 0 && !r->last)
			break; /* end of the range: a record left over sits across the cut */
		bool at_eof = n == 0;
		if (at_eof && have == 0)
			break;
		char *end = r->buf + have + n, *data_end = end;
		if (at_eof) { /* the last record, without a line feed: given one (buf keeps a byte free) */
			if (end[-1] == '\r') /* a lone CR, or one inside an unterminated quote */
				return csv_hand_over(r, r->buf, data_end);
			*end++ = '\n';
		}
		memset(end, 0, SCAN_PAD); /* defined bytes past the data, masked off */
		bool odd;
		char *p = csv_records(r, r->buf, end, &odd);
		if (r->done)
			break;
		if (odd || (at_eof && p < end)) /* at the end: an unterminated quote */
			return csv_hand_over(r, p, data_end);
		have = (size_t)(end - p);
		memmove(r->buf, p, have);
		if (at_eof)
			break;
	}
	r->carry = have;
	return have == 0;
}

static bool run_chunk(struct chunk_reader *r)
{
	if (r->src->format == FORMAT_CSV)
		return run_csv(r);
	run_tsv(r);
	return true; /* a TSV record never spans lines */
}

static void reader_init(struct chunk_reader *r, struct source *src, const struct scan_options *opt,
			struct scan_chunk *out, size_t index)
{
	memset(r, 0, sizeof *r);
	r->src = src;
	r->opt = opt;
	r->out = out;
	r->pos = src->bounds[index];
	r->end = src->bounds[index + 1];
	r->last = index + 1 == src->nbounds;
	if (index == 0) /* the first chunk counts lines from the top of the file */
		r->lines = src->header_lines;
	r->cap = READ_BLOCK + 1;
	/* on one huge page: fresh 4 KiB pages fault once each when the first block is read
	 * into them (256 faults, 13 µs each where this was measured, against 150 µs for the
	 * 2 MiB page), on every reader of every scan */
	r->buf_bytes = huge_size(r->cap + SCAN_PAD + 1);
	r->buf = xcalloc_huge(r->buf_bytes, 1);
	out->used = true;
	out->stop = 0;
	out->error.line = 0;
}

static void reader_free(struct chunk_reader *r)
{
	if (r->parser_ready)
		csv_free(&r->parser);
	xfree_large(r->buf, r->buf_bytes, 1);
	free(r->field);
	free(r->len);
	free(r->offset);
	if (r->pending)
		for (size_t i = 0; i < LINES_AHEAD; i++) {
			free(r->pending[i].field);
			free(r->pending[i].len);
		}
	free(r->pending);
	free(r->arena);
}

struct thread_job {
	struct chunk_reader *reader;
	bool boundary;
};

static void *thread_main(void *arg)
{
	struct thread_job *job = arg;
	job->boundary = run_chunk(job->reader);
	return NULL;
}

void source_scan(struct source *src, const struct scan_options *opt, struct scan_chunk *chunks,
		 size_t nchunks)
{
	struct chunk_reader *readers = xcalloc(nchunks, sizeof *readers);
	struct thread_job *jobs = xcalloc(nchunks, sizeof *jobs);
	pthread_t *threads = xcalloc(nchunks, sizeof *threads);
	if (nchunks != src->nbounds)
		diag_fatal(SPM_EXIT_USAGE, "internal error: chunks not planned");
	for (size_t i = 0; i < nchunks; i++) {
		reader_init(&readers[i], src, opt, &chunks[i], i);
		jobs[i].reader = &readers[i];
	}
	for (size_t i = 1; i < nchunks; i++)
		if (pthread_create(&threads[i], NULL, thread_main, &jobs[i]) != 0)
			diag_fatal(SPM_EXIT_USAGE, "cannot start a thread");
	thread_main(&jobs[0]);
	for (size_t i = 1; i < nchunks; i++)
		pthread_join(threads[i], NULL);

	/* Stitch: a chunk is valid if the one before it ended on a record boundary; if not,
	 * the one before reads on through it. Line numbers follow the chunks in order. */
	size_t cur = 0;
	chunks[0].line_offset = 0;
	for (size_t i = 1; i < nchunks; i++) {
		if (readers[cur].done) { /* stopped: what follows was not reached */
			for (size_t k = i; k < nchunks; k++)
				chunks[k].used = false;
			break;
		}
		if (jobs[cur].boundary) {
			chunks[i].line_offset = chunks[cur].line_offset + readers[cur].lines;
			cur = i;
			continue;
		}
		chunks[i].used = false;
		readers[cur].end = src->bounds[i + 1];
		readers[cur].last = i + 1 == nchunks;
		jobs[cur].boundary = run_chunk(&readers[cur]);
	}
	for (size_t i = 0; i < nchunks; i++) {
		report_block(&readers[i], 0); /* the rows of the last block */
		reader_free(&readers[i]);
	}
	free(readers);
	free(jobs);
	free(threads);
}

void source_set_progress(struct source *src, block_fn on_block, void *ctx)
{
	src->on_block = on_block;
	src->block_ctx = ctx;
}

/* ---- side files ---- */

bool row_has_fields(const struct row *row, size_t expected, char *message, size_t size)
{
	if (row->count == expected)
		return true;
	snprintf(message, size, "wrong number of fields: expected %zu, found %zu", expected, row->count);
	return false;
}

int file_problem_at(struct file_problem *fp, const struct row *row, const char *column,
			   const char *value, const char *message)
{
	fp->line = row->line;
	fp->column = column;
	fp->message = message;
	size_t len = value ? strlen(value) : 0;
	for (size_t k = 0; value && k < row->count; k++)
		if (row->field[k] == value) /* a field: its length, not its first NUL byte */
			len = row->len[k];
	file_problem_value(fp, value ? value : "", len);
	fp->has_value = value != NULL;
	return 1;
}

void file_problem_value(struct file_problem *fp, const char *value, size_t len)
{
	size_t kept = len < sizeof fp->value ? len : sizeof fp->value - 1;
	memcpy(fp->value, value, kept);
	fp->value[kept] = '\0';
	fp->value_len = len;
	fp->has_value = true;
}

void read_side_file(struct source *src, const char *path, row_fn on_row, void *ctx,
			   const struct file_problem *fp)
{
	struct scan_chunk chunk = { .ctx = ctx };
	struct scan_options so = { NULL, true, on_row, NULL };
	source_plan(src, 1);
	source_scan(src, &so, &chunk, 1);
	if (chunk.error.line) {
		diag_at(path, chunk.error.line, NULL, NULL, 0, chunk.error.message);
		diag_exit(SPM_EXIT_DATA);
	}
	if (fp->line) {
		diag_at(path, fp->line, fp->column, fp->has_value ? fp->value : NULL, fp->value_len, fp->message);
		diag_exit(SPM_EXIT_DATA);
	}
	source_close(src);
}
