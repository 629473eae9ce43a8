/* gen-deals: deterministic generator of a realistic Salesforce-style opportunity export
 * (CSV or TSV, optional matching roster, optional dirty rows) for spm demos, tests and benchmarks. */

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "gen-deals"
#define VERSION "0.1.0"

#define MAX_REPS 1000000
#define MAX_DEALS 1000000000000ULL /* far below 62^7, so the ids stay unique */
#define OUTBUF_SIZE (1u << 20)

/* ---------- diagnostics ---------- */

static _Noreturn void usage_error(const char *msg, const char *arg)
{
    if (arg)
        fprintf(stderr, "%s: %s ('%s')\n", PROG, msg, arg);
    else
        fprintf(stderr, "%s: %s\n", PROG, msg);
    fprintf(stderr, "Try '%s --help' for more information.\n", PROG);
    exit(2);
}

static _Noreturn void io_fail(const char *name, const char *what, int err)
{
    fprintf(stderr, "%s: %s: %s: %s\n", PROG, name, what, strerror(err));
    exit(2);
}

/* ---------- buffered, checked output ---------- */

typedef struct {
    FILE *fp;
    const char *name;
    char *buf;
    size_t len;
    size_t cap;
} Out;

static void out_open(Out *o, const char *path)
{
    if (!path || strcmp(path, "-") == 0) {
        o->fp = stdout;
        o->name = "standard output";
    } else {
        o->fp = fopen(path, "wb");
        o->name = path;
        if (!o->fp)
            io_fail(path, "cannot open", errno);
    }
    o->cap = OUTBUF_SIZE;
    o->len = 0;
    o->buf = malloc(o->cap);
    if (!o->buf) {
        fprintf(stderr, "%s: out of memory\n", PROG);
        exit(2);
    }
}

static void out_flush(Out *o)
{
    if (o->len == 0)
        return;
    errno = 0;
    if (fwrite(o->buf, 1, o->len, o->fp) != o->len)
        io_fail(o->name, "write error", errno ? errno : EIO);
    o->len = 0;
}

static void out_close(Out *o)
{
    out_flush(o);
    errno = 0;
    if (fflush(o->fp) != 0 || ferror(o->fp)) {
        io_fail(o->name, "write error", errno ? errno : EIO);
    }
    if (fclose(o->fp) != 0)
        io_fail(o->name, "write error", errno ? errno : EIO);
    free(o->buf);
    o->buf = NULL;
    o->fp = NULL;
}

/* Make room for n bytes and return where they go; the caller then calls out_done. */
static char *out_room(Out *o, size_t n)
{
    if (o->cap - o->len < n)
        out_flush(o);
    if (o->cap < n) {
        char *bigger = realloc(o->buf, n);
        if (!bigger) {
            fprintf(stderr, "%s: out of memory\n", PROG);
            exit(2);
        }
        o->buf = bigger;
        o->cap = n;
    }
    return o->buf + o->len;
}

static void out_done(Out *o, const char *end) { o->len = (size_t)(end - o->buf); }

/* ---------- fields: CSV (every field quoted, Salesforce style) or TSV (escaped) ----------
 * Rows are written through a raw cursor into room reserved for a whole line. */

enum { FMT_CSV, FMT_TSV };

/* Escape s[0..n) for the format (CSV doubles quotes; TSV uses \t \n \r \\); needs 2n bytes. */
static char *put_escaped(char *p, const char *s, size_t n, int fmt)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (fmt == FMT_CSV) {
            if (c == '"')
                *p++ = '"';
        } else if (c == '\t' || c == '\n' || c == '\r' || c == '\\') {
            *p++ = '\\';
            c = c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\';
        }
        *p++ = c;
    }
    return p;
}

static char *put_mem(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}

/* Separator (unless first) and opening quote. */
static char *field_open(char *p, int fmt, int first)
{
    if (!first)
        *p++ = fmt == FMT_CSV ? ',' : '\t';
    if (fmt == FMT_CSV)
        *p++ = '"';
    return p;
}

static char *field_close(char *p, int fmt)
{
    if (fmt == FMT_CSV)
        *p++ = '"';
    return p;
}

static char *line_end(char *p, int fmt)
{
    if (fmt == FMT_CSV)
        *p++ = '\r';
    *p++ = '\n';
    return p;
}

static char *put_uint(char *p, uint64_t v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

static char *put_digits(char *p, unsigned v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

/* Write one line of plain strings as fields (header, roster): slow path, bounded by strlen. */
static void write_line(Out *o, int fmt, const char *const *fields, size_t n)
{
    size_t room = 2;
    for (size_t i = 0; i < n; i++)
        room += 2 * strlen(fields[i]) + 3;
    char *p = out_room(o, room);
    for (size_t i = 0; i < n; i++) {
        p = field_open(p, fmt, i == 0);
        p = put_escaped(p, fields[i], strlen(fields[i]), fmt);
        p = field_close(p, fmt);
    }
    out_done(o, line_end(p, fmt));
}

/* Text escaped once, up front, for the output format. */
typedef struct {
    char *s;
    size_t n;
} Str;

static size_t str_max_len; /* longest prepared text, for the per-row room bound */

static Str str_prepare(const char *s, int fmt)
{
    size_t n = strlen(s);
    Str t = {malloc(2 * n + 1), 0};
    if (!t.s) {
        fprintf(stderr, "%s: out of memory\n", PROG);
        exit(2);
    }
    t.n = (size_t)(put_escaped(t.s, s, n, fmt) - t.s);
    if (t.n > str_max_len)
        str_max_len = t.n;
    return t;
}

static void str_prepare_all(Str *dst, const char *const *src, size_t n, int fmt)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = str_prepare(src[i], fmt);
}

static void str_free_all(Str *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(s[i].s);
}

static char *put_str(char *p, const Str *s) { return put_mem(p, s->s, s->n); }

/* ---------- PRNG: splitmix64 ---------- */

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

typedef struct {
    uint64_t s;
} Rng;

static uint64_t rng_next(Rng *g)
{
    g->s += 0x9E3779B97F4A7C15ULL;
    return mix64(g->s);
}

static Rng rng_for(uint64_t seed, uint64_t stream, uint64_t index)
{
    Rng g = {mix64(seed ^ mix64(stream * 0xD1B54A32D192ED03ULL + index))};
    return g;
}

/* Uniform in [0, n) by multiply-shift (no division; bias below 2^-32 * n). */
static unsigned rng_below(Rng *g, uint32_t n)
{
    return (unsigned)(((rng_next(g) >> 32) * (uint64_t)n) >> 32);
}

static unsigned rng_weighted(Rng *g, const unsigned *w, size_t n)
{
    unsigned total = 0;
    for (size_t i = 0; i < n; i++)
        total += w[i];
    unsigned x = rng_below(g, total);
    for (size_t i = 0; i < n; i++) {
        if (x < w[i])
            return (unsigned)i;
        x -= w[i];
    }
    return (unsigned)(n - 1);
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---------- built-in data ---------- */

static const char *const FIRST_NAMES[] = {
    "José", "Zoë", "Łukasz", "Olivia", "Liam", "Emma", "Noah", "Ava", "Mateo", "Sofia",
    "Ethan", "Mia", "Lucas", "Amelia", "Arjun", "Priya", "Chen", "Mei", "Kwame", "Amara",
    "Søren", "Chloé", "Björn", "Anaïs", "Renée", "Diego", "Hannah", "Omar", "Fatima", "Tomás",
    "Grace", "Daniel", "Yuki", "Aisha", "Marcus", "Elena", "Felix", "Nadia", "Owen", "Leila",
};

static const char *const LAST_NAMES[] = {
    "Álvarez", "Müller", "Nowak", "Smith", "Johnson", "Williams", "Brown", "Garcia", "Martinez",
    "Patel", "Nguyen", "Kim", "Chen", "Okafor", "Rossi", "Dubois", "Ødegaard", "Håkansson",
    "Núñez", "O'Neill", "Dvořák", "Schmidt", "Kowalski", "Silva", "Tanaka", "Haddad", "Murphy",
    "Larsen", "Fischer", "Costa", "Singh", "Walker", "Bianchi", "Jensen", "Moreau", "Ortiz",
    "Novak", "Sato", "Reyes", "Byrne",
};

/* Full names that always come first (indices into FIRST_NAMES, LAST_NAMES). */
static const unsigned FEATURED[][2] = {{0, 0}, {1, 1}, {2, 2}};

typedef struct {
    const char *name;
    const char *manager;
    const char *region;
} Team;

static const Team TEAMS[] = {
    {"Enterprise East", "Margaret Holloway", "NA"},
    {"Enterprise EMEA", "Siobhán Kelleher", "EMEA"},
    {"Growth APAC", "Hiroshi Watanabe", "APAC"},
    {"Mid-Market West", "Dana Whitfield", "NA"},
};

static const char *const ACCOUNTS[] = {
    "Acme, Inc.",
    "\"Big\" Data Ltd",
    "Smith & Sons, LLC",
    "Globex Corporation",
    "Initech",
    "Umbrella Holdings plc",
    "Stark Industries",
    "Wayne Enterprises, Inc.",
    "Wonka Industries",
    "Hooli",
    "Pied Piper, Inc.",
    "Soylent Corp",
    "Cyberdyne Systems",
    "Tyrell Corporation",
    "Massive Dynamic",
    "Vandelay Industries",
    "Dunder Mifflin Paper Co.",
    "Gringotts Bank AG",
    "Oceanic Airlines",
    "Nakatomi Trading Corp.",
    "Blue Sky \"Cloud\" Solutions",
    "Northwind Traders",
    "Contoso Ltd",
    "Fabrikam, Inc.",
    "Adventure Works",
    "Tailspin Toys",
    "Wide World Importers",
    "Litware, Inc.",
    "Proseware GmbH",
    "Müller & Söhne GmbH",
    "Société Générale d'Équipement",
    "Østfold Energi AS",
    "Łódź Logistics Sp. z o.o.",
    "São Paulo Agro S.A.",
    "Zürich Re-Assurance AG",
    "Kyōto Precision K.K.",
    "O'Brien Freight",
    "Johnson, Johnson & Partners",
    "Bluth Company",
    "Sterling Cooper Draper Pryce",
    "Prestige Worldwide",
    "Los Pollos Hermanos",
    "Monarch Solutions",
    "Aperture Science, Inc.",
    "Black Mesa Research",
    "Yoyodyne Propulsion",
    "Ollivanders Ltd",
    "Buy n Large",
    "Virtucon",
    "Gekko & Co",
    "Rekall, Inc.",
    "Weyland-Yutani Corp",
    "Spacely Sprockets",
    "Cogswell Cogs",
    "Sirius Cybernetics Corp.",
    "Praxis Analytics",
    "Helios Health Systems",
    "Riverbend Credit Union",
    "Summit Ridge Hospitality",
    "Keystone Manufacturing, Co.",
    "@Home Networks",
    "3M-Style Adhesives Ltd",
    "Brightline Education (K-12)",
    "Harbor & Main \"HMS\" Retail",
};

/* Rare account names holding an embedded line break (multi-line quoted CSV fields). */
static const char *const ACCOUNTS_MULTILINE[] = {
    "Globex Corporation\nEMEA Division",
    "Initech\nAttn: Accounts Payable",
};

static const char *const PRODUCTS[] = {
    "Widgets", "Licenses", "Seats", "Units", "Support Hours", "Devices",
    "Subscriptions", "Training Days", "Sensors", "Gateways",
};
static const unsigned QUANTITIES[] = {5, 10, 12, 20, 25, 50, 75, 100, 150, 200, 250, 500, 1000};

static const char *const OPEN_STAGES[] = {
    "Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
    "Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review",
};
static const unsigned OPEN_STAGE_W[] = {20, 17, 14, 12, 10, 9, 10, 8};

static const char *const TYPES[] = {"New Business", "Existing Business"};
static const unsigned TYPE_W[] = {60, 40};

static const char *const SOURCES[] = {"Web", "Phone Inquiry", "Partner Referral", "Trade Show", "Other"};
static const unsigned SOURCE_W[] = {35, 15, 20, 15, 15};

static const unsigned YEAR_W[] = {30, 33, 37}; /* mild growth */
static const unsigned MONTH_W[] = {7, 7, 9, 8, 8, 10, 7, 7, 9, 9, 10, 13}; /* Q4 heavier */

static const char *const HEADER[] = {
    "Opportunity ID", "Opportunity Name", "Account Name", "Opportunity Owner", "Stage",
    "Amount", "Close Date", "Created Date", "Type", "Lead Source",
};

/* ---------- reps and teams ---------- */

typedef struct {
    const char *first;
    const char *last;
    unsigned round;     /* 0; past the first and last name pairs, 1, 2...: "first last 2" */
    char *name; /* "first last" (or "first last N"), owned */
    unsigned team;
    uint32_t win_ppm;   /* share of closed deals that are won, parts per million */
    int32_t size_q16;   /* log2 offset of the rep's typical deal size, Q16 */
    uint64_t cum_volume; /* cumulative volume weight, for picking the owner */
    int64_t move_day;    /* --moves: the day the rep joins its new team (0: never moves) */
    unsigned new_team;
} Rep;

static unsigned team_count(unsigned reps)
{
    if (reps < 3)
        return reps;
    return reps < 20 ? 3 : 4;
}

static int is_featured(unsigned f, unsigned l, unsigned nfeatured)
{
    for (unsigned k = 0; k < nfeatured; k++)
        if (FEATURED[k][0] == f && FEATURED[k][1] == l)
            return 1;
    return 0;
}

/* Names depend only on the rep count (the same people whatever the seed); skills on the seed. */
static Rep *make_reps(unsigned n, uint64_t seed)
{
    const unsigned nf = (unsigned)COUNT(FIRST_NAMES), nl = (unsigned)COUNT(LAST_NAMES);
    const unsigned npairs = nf * nl;
    unsigned *order = malloc(npairs * sizeof *order);
    Rep *reps = calloc(n, sizeof *reps);
    if (!order || !reps) {
        fprintf(stderr, "%s: out of memory\n", PROG);
        exit(2);
    }
    for (unsigned i = 0; i < npairs; i++)
        order[i] = i;
    Rng g = rng_for(0x5EED5EEDULL, 1, 0);
    for (unsigned i = npairs - 1; i > 0; i--) {
        unsigned j = rng_below(&g, i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    unsigned nfeat = (unsigned)COUNT(FEATURED), k = 0, next = 0;
    for (; k < n && k < nfeat; k++) {
        reps[k].first = FIRST_NAMES[FEATURED[k][0]];
        reps[k].last = LAST_NAMES[FEATURED[k][1]];
    }
    unsigned round = 0;
    for (; k < n; k++) {
        unsigned p;
        do {
            if (next == npairs) { /* every pair used: again, numbered */
                next = 0;
                round++;
            }
            p = order[next++];
        } while (is_featured(p / nl, p % nl, nfeat));
        reps[k].first = FIRST_NAMES[p / nl];
        reps[k].last = LAST_NAMES[p % nl];
        reps[k].round = round;
    }
    free(order);
    for (k = 0; k < n; k++) {
        size_t lf = strlen(reps[k].first), ll = strlen(reps[k].last);
        char number[16] = "";
        if (reps[k].round)
            snprintf(number, sizeof number, " %u", reps[k].round + 1);
        size_t ln = strlen(number);
        reps[k].name = malloc(lf + ll + ln + 2);
        if (!reps[k].name) {
            fprintf(stderr, "%s: out of memory\n", PROG);
            exit(2);
        }
        memcpy(reps[k].name, reps[k].first, lf);
        reps[k].name[lf] = ' ';
        memcpy(reps[k].name + lf + 1, reps[k].last, ll);
        memcpy(reps[k].name + lf + 1 + ll, number, ln + 1);
    }

    unsigned nteams = team_count(n);
    uint64_t cum = 0;
    for (unsigned i = 0; i < n; i++) {
        Rng s = rng_for(seed, 2, i);
        reps[i].team = i % nteams;
        reps[i].win_ppm = 316667 + rng_below(&s, 300001);           /* 32%..62% of closed */
        reps[i].size_q16 = (int32_t)rng_below(&s, 104859) - 52429;  /* x0.57..x1.74 */
        cum += 60 + rng_below(&s, 81);                               /* volume 60..140 */
        reps[i].cum_volume = cum;
    }
    return reps;
}

static unsigned pick_rep(const Rep *reps, unsigned n, Rng *g)
{
    uint64_t x = rng_below(g, (uint32_t)reps[n - 1].cum_volume);
    unsigned lo = 0, hi = n - 1;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (x < reps[mid].cum_volume)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static void free_reps(Rep *reps, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        free(reps[i].name);
    free(reps);
}

static char *put_date(char *p, int64_t days);

/* The roster; with moves, an effective-dated one: a rep who moves has a row for its old
 * team up to the day before the move and one for its new team from that day. */
static void write_roster(const char *path, const Rep *reps, unsigned n, int moves)
{
    static const char *const cols[] = {"rep", "team", "manager", "region", "start", "end"};
    Out o;
    out_open(&o, path);
    write_line(&o, FMT_TSV, cols, moves ? COUNT(cols) : 4);
    for (unsigned i = 0; i < n; i++) {
        const Team *t = &TEAMS[reps[i].team];
        char end[16] = "", start[16] = "";
        if (reps[i].move_day) {
            *put_date(end, reps[i].move_day - 1) = '\0';
            *put_date(start, reps[i].move_day) = '\0';
        }
        const char *const fields[] = {reps[i].name, t->name, t->manager, t->region, "", end};
        write_line(&o, FMT_TSV, fields, moves ? COUNT(fields) : 4);
        if (reps[i].move_day) {
            const Team *u = &TEAMS[reps[i].new_team];
            const char *const moved[] = {reps[i].name, u->name, u->manager, u->region, start, ""};
            write_line(&o, FMT_TSV, moved, COUNT(moved));
        }
    }
    out_close(&o);
}

/* --moves PCT: that share of the reps (at least one) moves to the next team in the middle
 * of a quarter of the second year. */
static void plan_moves(Rep *reps, unsigned n, unsigned pct, uint64_t seed, int start_year);

/* ---------- dates (days since 1970-01-01, proleptic Gregorian) ---------- */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static unsigned days_in_month(int y, unsigned m)
{
    static const unsigned dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return dim[m - 1] + (m == 2 && leap);
}

static char *put_date(char *p, int64_t days)
{
    int y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    p = put_digits(p, (unsigned)y, 4);
    *p++ = '-';
    p = put_digits(p, m, 2);
    *p++ = '-';
    return put_digits(p, d, 2);
}

/* ---------- amounts: log-normal-ish, integer arithmetic only (no libm, no FP drift) ---------- */

#define LOG2_MEDIAN_Q16 888062   /* log2(12000) */
#define LOG2_SIGMA_Q16 95027     /* 1.45 */
#define LOG2_MIN_Q16 587582      /* log2(500) */
#define LOG2_MAX_Q16 1175163     /* log2(250000) */
#define LOST_BIAS_Q16 16384      /* lost deals run a little larger */

/* 2^(f/65536) for f in [0, 65536), Q30; cubic fit, relative error < 2e-4. */
static uint64_t exp2_frac_q30(uint64_t f)
{
    const uint64_t t = f << 14, one = 1ULL << 30;
    uint64_t p = 85040352;
    p = ((p * t) >> 30) + 241699285;
    p = ((p * t) >> 30) + 747002187;
    return ((p * t) >> 30) + one;
}

/* Approximately standard normal, Q16 (Irwin-Hall sum of 12 uniforms). */
static int64_t normal_q16(Rng *g)
{
    int64_t sum = 0;
    for (int i = 0; i < 3; i++) {
        uint64_t x = rng_next(g);
        for (int k = 0; k < 4; k++, x >>= 16)
            sum += (int64_t)(x & 0xFFFF);
    }
    return sum - 6 * 65536;
}

static uint64_t gen_amount_cents(Rng *g, const Rep *rep, int lost)
{
    int64_t mu = LOG2_MEDIAN_Q16 + rep->size_q16 + (lost ? LOST_BIAS_Q16 : 0);
    int64_t l = 0;
    for (int tries = 0; tries < 4; tries++) {
        l = mu + normal_q16(g) * LOG2_SIGMA_Q16 / 65536;
        if (l >= LOG2_MIN_Q16 && l <= LOG2_MAX_Q16)
            break;
    }
    if (l < LOG2_MIN_Q16)
        l = LOG2_MIN_Q16;
    if (l > LOG2_MAX_Q16)
        l = LOG2_MAX_Q16;
    uint64_t ip = (uint64_t)l >> 16, f = (uint64_t)l & 0xFFFF;
    uint64_t cents = ((exp2_frac_q30(f) * 100) << ip) >> 30;
    unsigned style = rng_below(g, 100);
    uint64_t step = 0;
    if (style < 45)
        step = cents >= 500000 ? 5000 : 1000; /* round to $50 or $10 */
    else if (style < 70)
        step = 100; /* whole dollars */
    if (step)
        cents = (cents + step / 2) / step * step;
    if (cents < 50000)
        cents = 50000;
    return cents;
}

static char *put_amount(char *p, uint64_t cents)
{
    p = put_uint(p, cents / 100);
    *p++ = '.';
    return put_digits(p, (unsigned)(cents % 100), 2);
}

static void plan_moves(Rep *reps, unsigned n, unsigned pct, uint64_t seed, int start_year)
{
    unsigned nteams = team_count(n);
    if (nteams < 2)
        return;
    unsigned k = (n * pct + 99) / 100;
    Rng g = rng_for(seed, 5, 0);
    for (unsigned moved = 0; moved < k && moved < n;) {
        unsigned r = rng_below(&g, n);
        if (reps[r].move_day)
            continue;
        unsigned q = rng_below(&g, 4);
        reps[r].move_day = days_from_civil(start_year + 1, 1 + 3 * q, 1) + 30 + rng_below(&g, 31);
        reps[r].new_team = (reps[r].team + 1) % nteams;
        moved++;
    }
}

/* ---------- Salesforce ids ---------- */

static const char BASE62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
#define ID_SPACE 3521614606208ULL /* 62^7 */
#define ID_STEP 1000003ULL        /* coprime with 62: i -> base + i*step is a bijection */

static char *put_id(char *p, uint64_t base, uint64_t index)
{
    char *id = p;
    p = put_mem(p, "0065g000", 8);
    uint64_t v = (base + (index % ID_SPACE) * ID_STEP) % ID_SPACE;
    for (int i = 14; i >= 8; i--) {
        id[i] = BASE62[v % 62];
        v /= 62;
    }
    /* The real 18-character suffix: one char per 5-char chunk encoding its capitals. */
    for (int chunk = 0; chunk < 3; chunk++) {
        unsigned bits = 0;
        for (int k = 0; k < 5; k++) {
            char c = id[chunk * 5 + k];
            if (c >= 'A' && c <= 'Z')
                bits |= 1u << k;
        }
        id[15 + chunk] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"[bits];
    }
    return id + 18;
}

/* ---------- rows ---------- */

typedef struct {
    uint64_t deals;
    unsigned nreps;
    uint64_t seed;
    int fmt;
    int start_year;
    int dirty;
    const char *roster;
    const char *output;
    const char *credits;   /* --credits FILE */
    unsigned split_pct;    /* --split PCT: deals split 2 or 3 ways */
    unsigned overlay_pct;  /* --overlay PCT: deals with an overlay */
    unsigned moves_pct;    /* --moves PCT: reps who change team */
    /* overlapping exports, cancellations, currencies (off unless asked for) */
    const char *second;   /* --second FILE */
    unsigned overlap;     /* --overlap PCT of the first export's records also in --second */
    unsigned changed;     /* --changed PCT of those, in a later version */
    unsigned cancel;      /* --cancel PCT of won deals later cancelled */
    char (*currency)[4];  /* --currencies LIST: the first is the base */
    unsigned ncurrencies;
    const char *rates;    /* --rates FILE: daily rates to the base */
} Options;

/* The columns after Lead Source that the options add. */
static int has_modified(const Options *opt) { return opt->second != NULL; }

enum { DIRTY_NONE, DIRTY_WON_NO_AMOUNT, DIRTY_BAD_DATE, DIRTY_NO_STAGE };

/* Which kind of bad row (if any) row i is: ~0.3% at random, plus one of each kind forced. */
static int dirty_kind(const Options *opt, uint64_t i)
{
    if (!opt->dirty)
        return DIRTY_NONE;
    uint64_t n = opt->deals;
    if (n >= 3) {
        if (i == n / 6)
            return DIRTY_WON_NO_AMOUNT;
        if (i == n / 2)
            return DIRTY_BAD_DATE;
        if (i == n - 1 - n / 6)
            return DIRTY_NO_STAGE;
    }
    uint64_t h = mix64(opt->seed ^ mix64(0xD1127ULL + i));
    if (h % 1000 >= 3)
        return DIRTY_NONE;
    return DIRTY_WON_NO_AMOUNT + (int)((h >> 32) % 3);
}

static char *put_bad_date(char *p, int year, uint64_t i)
{
    switch (mix64(i ^ 0xBADDA7EULL) % 3) {
    case 0:
        p = put_digits(p, (unsigned)year, 4);
        return put_mem(p, "-02-30", 6);
    case 1:
        p = put_mem(p, "31/12/", 6);
        return put_digits(p, (unsigned)year, 4);
    default:
        return put_mem(p, "soon", 4);
    }
}

/* All the texts a row is made of, escaped once for the output format. */
typedef struct {
    int fmt;
    Str accounts[COUNT(ACCOUNTS)];
    Str multiline[COUNT(ACCOUNTS_MULTILINE)];
    Str products[COUNT(PRODUCTS)];
    Str open_stages[COUNT(OPEN_STAGES)];
    Str types[COUNT(TYPES)];
    Str sources[COUNT(SOURCES)];
    Str won, lost, empty, cancelled;
    Str *reps;
    Str *rep_tsv; /* the names as a credits file (TSV) writes them */
    unsigned nreps;
    size_t row_room; /* bytes that always suffice for one row */
} Texts;

static void texts_init(Texts *t, int fmt, const Rep *reps, unsigned nreps)
{
    t->fmt = fmt;
    str_prepare_all(t->accounts, ACCOUNTS, COUNT(ACCOUNTS), fmt);
    str_prepare_all(t->multiline, ACCOUNTS_MULTILINE, COUNT(ACCOUNTS_MULTILINE), fmt);
    str_prepare_all(t->products, PRODUCTS, COUNT(PRODUCTS), fmt);
    str_prepare_all(t->open_stages, OPEN_STAGES, COUNT(OPEN_STAGES), fmt);
    str_prepare_all(t->types, TYPES, COUNT(TYPES), fmt);
    str_prepare_all(t->sources, SOURCES, COUNT(SOURCES), fmt);
    t->won = str_prepare("Closed Won", fmt);
    t->lost = str_prepare("Closed Lost", fmt);
    t->empty = str_prepare("", fmt);
    t->cancelled = str_prepare("Closed Cancelled", fmt);
    t->nreps = nreps;
    t->reps = malloc(nreps * sizeof *t->reps);
    t->rep_tsv = malloc(nreps * sizeof *t->rep_tsv);
    if (!t->reps || !t->rep_tsv) {
        fprintf(stderr, "%s: out of memory\n", PROG);
        exit(2);
    }
    for (unsigned i = 0; i < nreps; i++) {
        t->reps[i] = str_prepare(reps[i].name, fmt);
        t->rep_tsv[i] = str_prepare(reps[i].name, FMT_TSV);
    }
    /* 7 texts (account twice), id, number, dates, quantity, quotes, separators, line end */
    t->row_room = 8 * str_max_len + 192; /* and the options' stamp, code and date */
}

static void texts_free(Texts *t)
{
    str_free_all(t->accounts, COUNT(t->accounts));
    str_free_all(t->multiline, COUNT(t->multiline));
    str_free_all(t->products, COUNT(t->products));
    str_free_all(t->open_stages, COUNT(t->open_stages));
    str_free_all(t->types, COUNT(t->types));
    str_free_all(t->sources, COUNT(t->sources));
    free(t->won.s);
    free(t->lost.s);
    free(t->empty.s);
    free(t->cancelled.s);
    str_free_all(t->reps, t->nreps);
    free(t->reps);
    str_free_all(t->rep_tsv, t->nreps);
    free(t->rep_tsv);
}

/* --credits: the revenue split and overlay of deal i (a separate random stream: the
 * deals are the same with or without credits). Split owners and the overlay are other
 * reps than the owner; shares are fractions that add up to 1 exactly. */
static void write_credits(Out *o, const Options *opt, const Texts *t, unsigned owner, uint64_t id_base, uint64_t i)
{
    static const char *const two[][2] = {{"0.5", "0.5"}, {"0.6", "0.4"}, {"0.7", "0.3"}, {"0.75", "0.25"}};
    static const char *const three[][3] = {{"0.4", "0.3", "0.3"}, {"0.5", "0.25", "0.25"}, {"0.3334", "0.3333", "0.3333"}};
    Rng g = rng_for(opt->seed, 4, i);
    int split = rng_below(&g, 100) < opt->split_pct;
    int overlay = rng_below(&g, 100) < opt->overlay_pct;
    unsigned ways = split ? 2 + rng_below(&g, 2) : 1;
    if ((!split && !overlay) || opt->nreps < ways + (unsigned)overlay)
        return;
    unsigned who[4] = {owner, 0, 0, 0};
    for (unsigned k = 1; k < ways + (unsigned)overlay; k++) {
        unsigned r, dup;
        do {
            r = rng_below(&g, opt->nreps);
            dup = 0;
            for (unsigned j = 0; j < k; j++)
                dup |= who[j] == r;
        } while (dup);
        who[k] = r;
    }
    char id[32];
    *put_id(id, id_base, i) = '\0';
    unsigned pick = rng_below(&g, ways == 2 ? COUNT(two) : COUNT(three));
    for (unsigned k = 0; split && k < ways; k++) {
        const char *share = ways == 2 ? two[pick][k] : three[pick][k];
        char *p = out_room(o, t->row_room);
        p = put_mem(p, id, 18);
        *p++ = '\t';
        p = put_str(p, &t->rep_tsv[who[k]]);
        *p++ = '\t';
        p = put_mem(p, share, strlen(share));
        p = put_mem(p, "\trevenue\n", 9);
        out_done(o, p);
    }
    if (overlay) {
        char *p = out_room(o, t->row_room);
        p = put_mem(p, id, 18);
        *p++ = '\t';
        p = put_str(p, &t->rep_tsv[who[ways]]);
        p = put_mem(p, "\t1\toverlay\n", 11);
        out_done(o, p);
    }
}

/* A date and time "YYYY-MM-DD hh:mm:ss". */
static char *put_stamp(char *p, int64_t days, unsigned secs)
{
    p = put_date(p, days);
    *p++ = ' ';
    p = put_digits(p, secs / 3600, 2);
    *p++ = ':';
    p = put_digits(p, secs / 60 % 60, 2);
    *p++ = ':';
    return put_digits(p, secs % 60, 2);
}

/* Record i in a later version (--changed): decided by the seed, the same in every run. */
static int is_changed(const Options *opt, uint64_t i)
{
    Rng g = rng_for(opt->seed, 7, i);
    return rng_below(&g, 100) < opt->changed;
}

/* version 1: the later version of a record that --second repeats (--changed). */
static void write_deal(Out *o, const Texts *t, const Options *opt, const Rep *reps,
                       uint64_t id_base, uint64_t i, int version, Out *credits)
{
    Rng g = rng_for(opt->seed, 3, i);
    unsigned rep_ix = pick_rep(reps, opt->nreps, &g);
    const Rep *rep = &reps[rep_ix];

    int year = opt->start_year + (int)rng_weighted(&g, YEAR_W, COUNT(YEAR_W));
    unsigned month = 1 + rng_weighted(&g, MONTH_W, COUNT(MONTH_W));
    unsigned day = 1 + rng_below(&g, days_in_month(year, month));
    int64_t close = days_from_civil(year, month, day);

    const Str *stage;
    int lost = 0, open = 0;
    if (rng_below(&g, 1000000) < 600000) {
        lost = rng_below(&g, 1000000) >= rep->win_ppm;
        stage = lost ? &t->lost : &t->won;
    } else {
        open = 1;
        stage = &t->open_stages[rng_weighted(&g, OPEN_STAGE_W, COUNT(OPEN_STAGE_W))];
        close += rng_below(&g, 91); /* open deals get pushed out, some past the last year */
    }
    unsigned c1 = rng_below(&g, 180), c2 = rng_below(&g, 180);
    int64_t created = close - 1 - (c1 < c2 ? c1 : c2); /* 1..180 days, median ~53 */

    uint64_t cents = gen_amount_cents(&g, rep, lost);
    int no_amount = open && rng_below(&g, 100) < 8;

    const Str *account = rng_below(&g, 5000) == 0
        ? &t->multiline[rng_below(&g, COUNT(ACCOUNTS_MULTILINE))]
        : &t->accounts[rng_below(&g, COUNT(ACCOUNTS))];
    unsigned qty = QUANTITIES[rng_below(&g, COUNT(QUANTITIES))];
    const Str *product = &t->products[rng_below(&g, COUNT(PRODUCTS))];
    const Str *type = &t->types[rng_weighted(&g, TYPE_W, COUNT(TYPE_W))];
    const Str *source = &t->sources[rng_weighted(&g, SOURCE_W, COUNT(SOURCE_W))];

    int dirty = dirty_kind(opt, i);
    if (dirty == DIRTY_WON_NO_AMOUNT) {
        stage = &t->won;
        no_amount = 1;
    } else if (dirty == DIRTY_NO_STAGE) {
        stage = &t->empty;
    }

    /* the options' columns draw from streams of their own: the rest stays as it was */
    Rng h = rng_for(opt->seed, 5, i);
    int64_t modified = (open ? created : close) + rng_below(&h, 11);
    unsigned secs = rng_below(&h, 86400);
    if (version == 1 && !dirty) { /* a later version: won since, or a new amount */
        modified += 1 + rng_below(&h, 60);
        if (open) {
            stage = &t->won;
            open = 0;
            if (no_amount) {
                no_amount = 0;
                cents = 100000;
            }
        } else {
            cents = cents * (90 + rng_below(&h, 41)) / 100;
            if (cents < 100)
                cents = 100;
        }
    }
    int64_t cancelled = -1;
    Rng k = rng_for(opt->seed, 6, i);
    if (opt->cancel && !dirty && stage == &t->won && rng_below(&k, 100) < opt->cancel) {
        stage = &t->cancelled;
        cancelled = close + 1 + rng_below(&k, 180);
    }
    unsigned cur = opt->ncurrencies ? rng_below(&k, opt->ncurrencies) : 0;

    const int fmt = t->fmt;
    char *p = out_room(o, t->row_room);
    p = field_close(put_id(field_open(p, fmt, 1), id_base, i), fmt);
    p = put_str(field_open(p, fmt, 0), account);
    p = put_uint(put_mem(p, " - ", 3), qty);
    *p++ = ' ';
    p = field_close(put_str(p, product), fmt);
    p = field_close(put_str(field_open(p, fmt, 0), account), fmt);
    p = field_close(put_str(field_open(p, fmt, 0), &t->reps[rep_ix]), fmt);
    p = field_close(put_str(field_open(p, fmt, 0), stage), fmt);
    if (no_amount) {
        p = field_close(field_open(p, fmt, 0), fmt);
    } else {
        *p++ = fmt == FMT_CSV ? ',' : '\t'; /* a plain number stays unquoted, as Salesforce does */
        p = put_amount(p, cents);
    }
    p = field_open(p, fmt, 0);
    p = dirty == DIRTY_BAD_DATE ? put_bad_date(p, year, i) : put_date(p, close);
    p = field_close(p, fmt);
    p = field_close(put_date(field_open(p, fmt, 0), created), fmt);
    p = field_close(put_str(field_open(p, fmt, 0), type), fmt);
    p = field_close(put_str(field_open(p, fmt, 0), source), fmt);
    if (has_modified(opt))
        p = field_close(put_stamp(field_open(p, fmt, 0), modified, secs), fmt);
    if (opt->ncurrencies)
        p = field_close(put_mem(field_open(p, fmt, 0), opt->currency[cur], 3), fmt);
    if (opt->cancel) {
        p = field_open(p, fmt, 0);
        if (cancelled >= 0)
            p = put_date(p, cancelled);
        p = field_close(p, fmt);
    }
    out_done(o, line_end(p, fmt));
    if (credits)
        write_credits(credits, opt, t, rep_ix, id_base, i);
}

/* Daily rates of every currency but the base, from Jan 1 of the first year to 100 days
 * after the last: a random walk, 6 decimals. */
static void write_rates(const Options *opt)
{
    Out o;
    out_open(&o, opt->rates);
    static const char *const header[] = {"currency", "date", "rate", "base"};
    write_line(&o, FMT_TSV, header, 4);
    int64_t first = days_from_civil(opt->start_year, 1, 1), last = days_from_civil(opt->start_year + 3, 1, 1) + 100;
    for (unsigned c = 1; c < opt->ncurrencies; c++) {
        static const struct { const char *code; uint64_t micro; } start[] = {
            {"EUR", 1085000}, {"GBP", 1270000}, {"JPY", 6700}, {"CHF", 1120000}, {"CAD", 740000}, {"AUD", 660000},
        };
        uint64_t rate = 1000000;
        for (size_t s = 0; s < COUNT(start); s++)
            if (memcmp(start[s].code, opt->currency[c], 3) == 0)
                rate = start[s].micro;
        Rng g = rng_for(opt->seed, 9, c);
        for (int64_t d = first; d < last; d++) {
            unsigned step = rng_below(&g, 11); /* -0.5% .. +0.5% a day */
            rate = rate * (1000 + step - 5) / 1000;
            if (rate < 100)
                rate = 100;
            char *p = out_room(&o, 64);
            p = put_mem(p, opt->currency[c], 3);
            *p++ = '\t';
            p = put_date(p, d);
            *p++ = '\t';
            p = put_uint(p, rate / 1000000);
            *p++ = '.';
            p = put_digits(p, (unsigned)(rate % 1000000), 6);
            *p++ = '\t';
            p = put_mem(p, opt->currency[0], 3);
            out_done(&o, line_end(p, FMT_TSV));
        }
    }
    out_close(&o);
}

/* ---------- command line ---------- */

static void close_stdout_checked(void)
{
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0)
        io_fail("standard output", "write error", errno ? errno : EIO);
}

static void print_help(void)
{
    fputs("Usage: gen-deals [OPTION]...\n"
          "Write a deterministic, realistic Salesforce-style opportunity export (demo and test\n"
          "data for spm): the same seed and options always give byte-identical output.\n"
          "\n"
          "  -n, --deals N        number of deal rows (default 2000)\n"
          "  -r, --reps M         number of sales reps, 1..1000000 (default 12)\n"
          "  -s, --seed S         random seed, 0..18446744073709551615 (default 1)\n"
          "      --format FMT     csv (Salesforce report export: every field quoted except a\n"
          "                       numeric Amount, CRLF) or tsv (LF, \\t \\n \\r \\\\ escapes);\n"
          "                       default csv\n"
          "      --start-year Y   close dates spread over years Y..Y+2 (default 2024);\n"
          "                       open deals may close up to 90 days later\n"
          "      --roster FILE    also write the matching roster to FILE\n"
          "                       (TSV: rep team manager region)\n"
          "      --moves PCT      PCT %% of the reps (at least one) change team in the\n"
          "                       middle of a quarter of the second year: the roster gets\n"
          "                       start and end columns and two rows for each of them\n"
          "      --credits FILE   also write split and overlay credits to FILE (TSV: id\n"
          "                       owner share type, for spm-track --credits)\n"
          "      --split PCT      with --credits: PCT %% of the deals are split 2 or 3 ways\n"
          "                       between the owner and other reps (default 20)\n"
          "      --overlay PCT    with --credits: PCT %% of the deals credit another rep as\n"
          "                       overlay with share 1 (default 10)\n"
          "      --dirty          inject about 0.3% bad rows: Closed Won without Amount,\n"
          "                       unparseable Close Date, empty Stage (each kind at least\n"
          "                       once when N >= 3)\n"
          "      --second FILE    also write a second, overlapping export to FILE; both get\n"
          "                       a 'Last Modified Date' column (YYYY-MM-DD hh:mm:ss)\n"
          "      --overlap PCT    share of the first export's records also in --second\n"
          "                       (default 30); the rest of --second is new records\n"
          "      --changed PCT    share of those in a later version in --second: an open\n"
          "                       deal won since, or a new amount (default 20)\n"
          "      --cancel PCT     share of won deals shown cancelled: Stage 'Closed\n"
          "                       Cancelled' and a 'Cancel Date' column (1..180 days later)\n"
          "      --currencies LIST  deals in these currencies (e.g. USD,EUR,GBP,JPY; the\n"
          "                       first is the base): an 'Amount Currency' column\n"
          "      --rates FILE     with --currencies: write daily rates to the base currency\n"
          "                       (currency date rate base) for every day of the export\n"
          "  -o, --output FILE    write the deals to FILE instead of standard output\n"
          "  -h, --help           display this help and exit\n"
          "  -V, --version        output version information and exit\n"
          "\n"
          "Columns: Opportunity ID, Opportunity Name, Account Name, Opportunity Owner, Stage,\n"
          "Amount, Close Date, Created Date, Type, Lead Source; then, when asked for, Last\n"
          "Modified Date, Amount Currency, Cancel Date.\n"
          "Exit status: 0 success, 2 usage or I/O error.\n",
          stdout);
}

static uint64_t parse_uint(const char *arg, const char *what, uint64_t min, uint64_t max)
{
    const char *p = arg;
    if (*p < '0' || *p > '9') /* strtoull would accept blanks, signs and wrap "-1" */
        usage_error(what, arg);
    char *end;
    errno = 0;
    unsigned long long v = strtoull(p, &end, 10);
    if (errno || *end != '\0' || v < min || v > max)
        usage_error(what, arg);
    return (uint64_t)v;
}

static void parse_args(int argc, char **argv, Options *opt)
{
    enum { OPT_FORMAT = 256, OPT_START_YEAR, OPT_ROSTER, OPT_DIRTY, OPT_CREDITS, OPT_SPLIT, OPT_OVERLAY, OPT_MOVES,
           OPT_SECOND, OPT_OVERLAP, OPT_CHANGED, OPT_CANCEL, OPT_CURRENCIES, OPT_RATES };
    static const struct option longopts[] = {
        {"deals", required_argument, NULL, 'n'},
        {"reps", required_argument, NULL, 'r'},
        {"seed", required_argument, NULL, 's'},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"start-year", required_argument, NULL, OPT_START_YEAR},
        {"roster", required_argument, NULL, OPT_ROSTER},
        {"dirty", no_argument, NULL, OPT_DIRTY},
        {"credits", required_argument, NULL, OPT_CREDITS},
        {"split", required_argument, NULL, OPT_SPLIT},
        {"overlay", required_argument, NULL, OPT_OVERLAY},
        {"moves", required_argument, NULL, OPT_MOVES},
        {"second", required_argument, NULL, OPT_SECOND},
        {"overlap", required_argument, NULL, OPT_OVERLAP},
        {"changed", required_argument, NULL, OPT_CHANGED},
        {"cancel", required_argument, NULL, OPT_CANCEL},
        {"currencies", required_argument, NULL, OPT_CURRENCIES},
        {"rates", required_argument, NULL, OPT_RATES},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    *opt = (Options){.deals = 2000, .nreps = 12, .seed = 1, .fmt = FMT_CSV, .start_year = 2024,
                     .split_pct = 20, .overlay_pct = 10, .overlap = 30, .changed = 20};
    int split_set = 0;
    int overlap_set = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":n:r:s:o:hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'n':
            opt->deals = parse_uint(optarg, "invalid number of deals", 0, MAX_DEALS);
            break;
        case 'r':
            opt->nreps = (unsigned)parse_uint(optarg, "invalid number of reps (1..1000000)", 1, MAX_REPS);
            break;
        case 's':
            opt->seed = parse_uint(optarg, "invalid seed", 0, UINT64_MAX);
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "csv") == 0)
                opt->fmt = FMT_CSV;
            else if (strcmp(optarg, "tsv") == 0)
                opt->fmt = FMT_TSV;
            else
                usage_error("invalid format (csv or tsv)", optarg);
            break;
        case OPT_START_YEAR:
            opt->start_year = (int)parse_uint(optarg, "invalid start year (1900..9990)", 1900, 9990);
            break;
        case OPT_ROSTER:
            opt->roster = optarg;
            break;
        case OPT_DIRTY:
            opt->dirty = 1;
            break;
        case OPT_CREDITS:
            opt->credits = optarg;
            break;
        case OPT_SPLIT:
            opt->split_pct = (unsigned)parse_uint(optarg, "invalid percentage (0..100)", 0, 100);
            split_set = 1;
            break;
        case OPT_OVERLAY:
            opt->overlay_pct = (unsigned)parse_uint(optarg, "invalid percentage (0..100)", 0, 100);
            split_set = 1;
            break;
        case OPT_MOVES:
            opt->moves_pct = (unsigned)parse_uint(optarg, "invalid percentage (0..100)", 0, 100);
            break;
        case OPT_SECOND:
            opt->second = optarg;
            break;
        case OPT_OVERLAP:
            opt->overlap = (unsigned)parse_uint(optarg, "invalid overlap (0..100)", 0, 100);
            overlap_set = 1;
            break;
        case OPT_CHANGED:
            opt->changed = (unsigned)parse_uint(optarg, "invalid share changed (0..100)", 0, 100);
            overlap_set = 1;
            break;
        case OPT_CANCEL:
            opt->cancel = (unsigned)parse_uint(optarg, "invalid share cancelled (0..100)", 0, 100);
            break;
        case OPT_CURRENCIES: {
            free(opt->currency);
            size_t len = strlen(optarg);
            opt->currency = calloc(len / 4 + 2, sizeof *opt->currency);
            opt->ncurrencies = 0;
            if (!opt->currency) {
                fprintf(stderr, "%s: out of memory\n", PROG);
                exit(2);
            }
            for (const char *s = optarg;; s += 4) {
                if (strlen(s) < 3 || (s[3] && s[3] != ','))
                    usage_error("invalid currencies (codes of 3 capitals, separated by commas)", optarg);
                for (int k = 0; k < 3; k++)
                    if (s[k] < 'A' || s[k] > 'Z')
                        usage_error("invalid currencies (codes of 3 capitals, separated by commas)", optarg);
                for (unsigned k = 0; k < opt->ncurrencies; k++)
                    if (memcmp(opt->currency[k], s, 3) == 0)
                        usage_error("a currency named twice", optarg);
                memcpy(opt->currency[opt->ncurrencies++], s, 3);
                if (!s[3])
                    break;
            }
            break;
        }
        case OPT_RATES:
            opt->rates = optarg;
            break;
        case 'o':
            opt->output = optarg;
            break;
        case 'h':
            print_help();
            close_stdout_checked();
            exit(0);
        case 'V':
            puts(PROG " (spm) " VERSION);
            close_stdout_checked();
            exit(0);
        case ':':
            usage_error("option requires an argument", argv[optind - 1]);
            break;
        default:
            if (optopt) {
                char opt_text[3] = {'-', (char)optopt, '\0'};
                usage_error("invalid option", opt_text);
            }
            usage_error("unrecognized option", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument", argv[optind]);
    if (overlap_set && !opt->second)
        usage_error("--overlap and --changed need --second", NULL);
    if (opt->rates && opt->ncurrencies < 2)
        usage_error("--rates needs --currencies with two or more codes", NULL);
    int deals_to_stdout = !opt->output || strcmp(opt->output, "-") == 0;
    if (opt->roster && strcmp(opt->roster, "-") == 0 && deals_to_stdout)
        usage_error("roster and deals cannot both go to standard output", opt->roster);
    if (opt->credits && strcmp(opt->credits, "-") == 0 && deals_to_stdout)
        usage_error("credits and deals cannot both go to standard output", opt->credits);
    if (split_set && !opt->credits)
        usage_error("--split and --overlay need --credits", NULL);
    if (opt->moves_pct && !opt->roster)
        usage_error("--moves needs --roster", NULL);
}

int main(int argc, char **argv)
{
    Options opt;
    parse_args(argc, argv, &opt);
    Rep *reps = make_reps(opt.nreps, opt.seed);

    if (opt.moves_pct)
        plan_moves(reps, opt.nreps, opt.moves_pct, opt.seed, opt.start_year);
    if (opt.roster)
        write_roster(opt.roster, reps, opt.nreps, opt.moves_pct != 0);

    Out o;
    out_open(&o, opt.output);
    Texts texts;
    texts_init(&texts, opt.fmt, reps, opt.nreps);
    uint64_t id_base = mix64(opt.seed ^ 0x1D5ULL) % ID_SPACE;
    const char *header[COUNT(HEADER) + 3];
    size_t nh = 0;
    for (size_t k = 0; k < COUNT(HEADER); k++)
        header[nh++] = HEADER[k];
    if (has_modified(&opt))
        header[nh++] = "Last Modified Date";
    if (opt.ncurrencies)
        header[nh++] = "Amount Currency";
    if (opt.cancel)
        header[nh++] = "Cancel Date";
    write_line(&o, opt.fmt, header, nh);
    Out credits;
    if (opt.credits) {
        static const char *const cols[] = {"id", "owner", "share", "type"};
        out_open(&credits, opt.credits);
        write_line(&credits, FMT_TSV, cols, COUNT(cols));
    }
    for (uint64_t i = 0; i < opt.deals; i++)
        write_deal(&o, &texts, &opt, reps, id_base, i, 0, opt.credits ? &credits : NULL);
    int to_stdout = o.fp == stdout || (opt.credits && credits.fp == stdout);
    if (opt.credits)
        out_close(&credits);
    out_close(&o);
    if (opt.second) { /* the last --overlap % of the records again, then new ones */
        Out s;
        out_open(&s, opt.second);
        write_line(&s, opt.fmt, header, nh);
        uint64_t shared = opt.deals * opt.overlap / 100;
        for (uint64_t i = opt.deals - shared; i < 2 * opt.deals - shared; i++)
            write_deal(&s, &texts, &opt, reps, id_base, i, i < opt.deals && is_changed(&opt, i), NULL);
        out_close(&s);
    }
    if (opt.rates)
        write_rates(&opt);
    free(opt.currency);
    if (!to_stdout)
        close_stdout_checked();
    texts_free(&texts);
    free_reps(reps, opt.nreps);
    return 0;
}
