/* Dates and periods: calendar arithmetic on day numbers, export date parsing and the
 * period labels of the brief (calendar and fiscal). */
#include "period.h"

#include "diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MIN_YEAR 1
#define MAX_YEAR 9999

/* Days from civil date, proleptic Gregorian (H. Hinnant's algorithm). */
spm_day day_from_civil(int year, int month, int day)
{
	int y = year - (month <= 2);
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (spm_day)(era * 146097 + doe - 719468);
}

struct civil_date civil_from_day(spm_day d)
{
	int z = d + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	struct civil_date c;
	c.day = doy - (153 * mp + 2) / 5 + 1;
	c.month = mp < 10 ? mp + 3 : mp - 9;
	c.year = yoe + era * 400 + (c.month <= 2);
	return c;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

bool civil_is_valid(int year, int month, int day)
{
	return year >= MIN_YEAR && year <= MAX_YEAR && month >= 1 && month <= 12 && day >= 1 &&
	       day <= days_in_month(year, month);
}

int iso_weekday(spm_day d)
{
	/* 1970-01-01 was a Thursday (4). */
	int w = (int)((d % 7 + 7) % 7); /* 0 = Thursday */
	return (w + 3) % 7 + 1;
}

void date_format(spm_day d, char buf[DATE_TEXT_SIZE])
{
	struct civil_date c = civil_from_day(d);
	snprintf(buf, DATE_TEXT_SIZE, "%04d-%02d-%02d", c.year, c.month, c.day);
}

/* ---- parsing ---- */

static bool digits(const char *s, size_t n, int *out)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* "HH:MM[:SS[.fraction]]" then "Z" or "+HH:MM" / "+HHMM" / "+HH", each optional after HH:MM. */
static bool time_suffix_is_valid(const char *s, size_t n)
{
	int hh, mm, ss;
	size_t i = 5;
	if (n < 5 || !digits(s, 2, &hh) || s[2] != ':' || !digits(s + 3, 2, &mm) || hh > 24 ||
	    mm > 59 || (hh == 24 && mm != 0)) /* 24:00 is the end of the day, nothing later */
		return false;
	if (i + 3 <= n && s[i] == ':') {
		if (!digits(s + i + 1, 2, &ss) || ss > 60)
			return false;
		i += 3;
		if (i < n && (s[i] == '.' || s[i] == ',')) {
			size_t k = ++i;
			while (i < n && s[i] >= '0' && s[i] <= '9')
				i++;
			if (i == k)
				return false;
		}
	}
	if (i < n && s[i] == ' ')
		i++;
	if (i == n)
		return true;
	if (s[i] == 'Z' && i + 1 == n)
		return true;
	if (s[i] == '+' || s[i] == '-') {
		int zh, zm;
		size_t rest = n - i - 1;
		const char *z = s + i + 1;
		if (rest == 2)
			return digits(z, 2, &zh) && zh <= 14;
		if (rest == 4)
			return digits(z, 2, &zh) && digits(z + 2, 2, &zm) && zh <= 14 && zm <= 59;
		if (rest == 5)
			return digits(z, 2, &zh) && z[2] == ':' && digits(z + 3, 2, &zm) && zh <= 14 &&
			       zm <= 59;
	}
	return false;
}

bool date_parse_iso(const char *s, size_t len, spm_day *out)
{
	int y, m, d;
	while (len && s[len - 1] == ' ')
		len--;
	if (len < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) || !civil_is_valid(y, m, d))
		return false;
	if (len > 10) {
		if (s[10] != 'T' && s[10] != ' ')
			return false;
		if (!time_suffix_is_valid(s + 11, len - 11))
			return false;
	}
	*out = day_from_civil(y, m, d);
	return true;
}

const char *date_problem(const char *s, size_t len, const char *otherwise)
{
	/* constant texts, not one formatted with the year: a problem's message is kept by
	 * pointer until it is printed, and readers run on several threads */
	static const char *const no_such_day[13] = {
		NULL,
		"no such day: January has 31 days",
		"no such day: February has 28 days (29 in a leap year; this year is not one)",
		"no such day: March has 31 days",
		"no such day: April has 30 days",
		"no such day: May has 31 days",
		"no such day: June has 30 days",
		"no such day: July has 31 days",
		"no such day: August has 31 days",
		"no such day: September has 30 days",
		"no such day: October has 31 days",
		"no such day: November has 30 days",
		"no such day: December has 31 days",
	};
	int y, m, d;
	if (len < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) || y < MIN_YEAR || y > MAX_YEAR)
		return otherwise;
	if (m < 1 || m > 12)
		return "no such month: months run from 01 to 12";
	if (d < 1)
		return "no such day: days run from 01";
	if (d > days_in_month(y, m))
		return m == 2 && d == 29 ? no_such_day[2] : m == 2 ? "no such day: February has 28 days, 29 in a leap year"
								     : no_such_day[m];
	return otherwise;
}

/* The memo slot of a 10-byte date: its year's last digit (mod 8), month and day as the
 * digits read, whatever the bytes (checked against the slot's whole text). */
static size_t date_memo_slot(const char *s)
{
	unsigned year = (unsigned char)s[3] & 7;
	unsigned month = ((unsigned char)s[5] & 1) * 10 + ((unsigned char)s[6] & 15);
	unsigned day = ((unsigned char)s[8] & 3) * 10 + ((unsigned char)s[9] & 15);
	return (year << 9 | (month & 15) << 5 | (day & 31)) & ((1u << DATE_MEMO_BITS) - 1);
}

bool date_parse_iso_memo(struct date_memo *memo, const char *s, size_t len, spm_day *out)
{
	if (len != 10)
		return date_parse_iso(s, len, out);
	uint64_t head;
	uint16_t tail;
	memcpy(&head, s, sizeof head);
	memcpy(&tail, s + 8, sizeof tail);
	struct date_memo_slot *m = &memo->slot[date_memo_slot(s)];
	/* head 0 is an empty slot's, never a date's: ten NUL bytes would match it */
	if (head != 0 && m->head == head && m->tail == tail) {
		*out = m->day;
		return true;
	}
	if (!date_parse_iso(s, len, out))
		return false;
	*m = (struct date_memo_slot){ head, tail, *out }; /* head never 0: a date's first byte is a digit */
	return true;
}

bool date_format_is_usable(const char *format)
{
	bool year = false, month = false, day = false;
	for (const char *p = format; *p; p++) {
		if (*p != '%')
			continue;
		p++;
		if (*p == 'E' || *p == 'O')
			p++;
		switch (*p) {
		case 'Y': case 'y': year = true; break;
		case 'm': case 'b': case 'B': case 'h': month = true; break;
		case 'd': case 'e': day = true; break;
		case 'F': case 'D': case 'x': year = month = day = true; break;
		case '\0': return false;
		default: break;
		}
	}
	return year && month && day;
}

bool date_parse_format(const char *s, size_t len, const char *format, spm_day *out)
{
	char text[128];
	struct tm tm;
	if (len == 0 || len >= sizeof text)
		return false;
	memcpy(text, s, len);
	text[len] = '\0';
	memset(&tm, 0, sizeof tm);
	tm.tm_mday = 0; /* strptime leaves it alone when the layout has no day */
	const char *rest = strptime(text, format, &tm);
	if (!rest)
		return false;
	while (*rest == ' ')
		rest++;
	if (*rest)
		return false;
	int y = tm.tm_year + 1900, m = tm.tm_mon + 1, d = tm.tm_mday;
	if (!civil_is_valid(y, m, d)) /* strptime takes 31 for any month */
		return false;
	*out = day_from_civil(y, m, d);
	return true;
}

/* ---- grains and periods ---- */

void period_to_key(struct period p, unsigned char key[PERIOD_KEY_SIZE])
{
	memcpy(key, &p.start, sizeof p.start);
	key[4] = p.grain;
	key[5] = p.fiscal_start;
}

struct period period_from_key(const unsigned char key[PERIOD_KEY_SIZE])
{
	struct period p;
	memcpy(&p.start, key, sizeof p.start);
	p.grain = key[4];
	p.fiscal_start = key[5];
	return p;
}

static const char *const grain_names[] = { "year", "half", "quarter", "month", "week", "day" };

bool grain_parse(const char *name, enum grain *out)
{
	for (size_t i = 0; i < sizeof grain_names / sizeof grain_names[0]; i++) {
		if (strcmp(name, grain_names[i]) == 0) {
			*out = (enum grain)i;
			return true;
		}
	}
	return false;
}

const char *grain_name(enum grain g)
{
	return grain_names[g];
}

static int grain_months(enum grain g)
{
	switch (g) {
	case GRAIN_YEAR: return 12;
	case GRAIN_HALF: return 6;
	case GRAIN_QUARTER: return 3;
	case GRAIN_MONTH: return 1;
	default: return 0;
	}
}

static int grain_is_fiscal(enum grain g)
{
	return g == GRAIN_YEAR || g == GRAIN_HALF || g == GRAIN_QUARTER;
}

struct period period_of(spm_day d, enum grain g, int fiscal_start)
{
	struct period p;
	p.grain = (uint8_t)g;
	p.fiscal_start = (uint8_t)(grain_is_fiscal(g) && fiscal_start > 1 ? fiscal_start : 1);
	if (g == GRAIN_DAY) {
		p.start = d;
	} else if (g == GRAIN_WEEK) {
		p.start = d - (iso_weekday(d) - 1);
	} else {
		struct civil_date c = civil_from_day(d);
		int fs = p.fiscal_start;
		int span = grain_months(g);
		int begin_year = c.month >= fs ? c.year : c.year - 1; /* year the fiscal year starts */
		int offset = ((c.month - fs + 12) % 12) / span * span; /* months into it */
		int month0 = fs - 1 + offset;
		p.start = day_from_civil(begin_year + month0 / 12, month0 % 12 + 1, 1);
	}
	return p;
}

static spm_day add_months(spm_day start, int months)
{
	struct civil_date c = civil_from_day(start);
	int month0 = c.month - 1 + months;
	return day_from_civil(c.year + month0 / 12, month0 % 12 + 1, 1);
}

spm_day period_end(struct period p)
{
	switch ((enum grain)p.grain) {
	case GRAIN_DAY: return p.start + 1;
	case GRAIN_WEEK: return p.start + 7;
	default: return add_months(p.start, grain_months((enum grain)p.grain));
	}
}

int period_days(struct period p)
{
	return (int)(period_end(p) - p.start);
}

struct period period_previous(struct period p)
{
	return period_of(p.start - 1, (enum grain)p.grain, p.fiscal_start);
}

struct period period_next(struct period p)
{
	return period_of(period_end(p), (enum grain)p.grain, p.fiscal_start);
}

const char *grain_plural(enum grain g)
{
	/* words, not columns */
	static const char *const plural[] = { "years", "halves", "quarters", "months", "weeks", "days" };
	return (size_t)g < sizeof plural / sizeof plural[0] ? plural[g] : "periods";
}

struct period *period_split(struct period p, enum grain into, int fiscal_start, size_t *n)
{
	spm_day end = period_end(p);
	*n = 0;
	if ((enum grain)p.grain > into)
		return NULL; /* only into a finer grain (or the same: the period itself) */
	if (into == GRAIN_WEEK) {
		/* ISO weeks whose Thursday lies in the period: each week belongs to one period */
		spm_day first = p.start - (iso_weekday(p.start) - 1);
		if (first + 3 < p.start)
			first += 7;
		size_t count = (size_t)((end - 1 - (first + 3)) / 7 + 1);
		if (first + 3 >= end)
			count = 0;
		struct period *parts = xcalloc(count + 1, sizeof *parts);
		for (size_t i = 0; i < count; i++)
			parts[i] = period_of(first + (spm_day)(7 * i), GRAIN_WEEK, 1);
		*n = count;
		return parts;
	}
	struct period q = period_of(p.start, into, fiscal_start);
	if (q.start != p.start)
		return NULL; /* not aligned: a calendar quarter into fiscal halves */
	size_t count = 0, cap = 0;
	struct period *parts = NULL;
	for (; q.start < end; q = period_next(q)) {
		if (period_end(q) > end) {
			free(parts);
			return NULL;
		}
		xgrow((void **)&parts, &cap, count + 1, sizeof *parts);
		parts[count++] = q;
	}
	*n = count;
	return parts;
}

int period_cmp(struct period a, struct period b)
{
	if (a.grain != b.grain)
		return a.grain < b.grain ? -1 : 1;
	if (a.fiscal_start != b.fiscal_start)
		return a.fiscal_start < b.fiscal_start ? -1 : 1;
	return (a.start > b.start) - (a.start < b.start);
}

/* ISO 8601 week-numbering year and week of day d. */
static void iso_week(spm_day d, int *year, int *week)
{
	spm_day thursday = d - (iso_weekday(d) - 1) + 3;
	struct civil_date c = civil_from_day(thursday);
	*year = c.year;
	*week = (int)((thursday - day_from_civil(c.year, 1, 1)) / 7) + 1;
}

/* The label the general way (years before 0 or past 9999: a sign, or a fifth digit). */
static size_t period_format_printf(struct period p, char buf[PERIOD_LABEL_SIZE])
{
	struct civil_date c = civil_from_day(p.start);
	int fs = p.fiscal_start;
	int fy = fs > 1 ? (c.month >= fs ? c.year + 1 : c.year) : c.year; /* named by end year */
	const char *prefix = fs > 1 ? "FY" : "";
	int index = fs > 1 ? ((c.month - fs + 12) % 12) : c.month - 1; /* months into the year */
	int n = 0;
	switch ((enum grain)p.grain) {
	case GRAIN_YEAR:
		n = snprintf(buf, PERIOD_LABEL_SIZE, "%s%04d", prefix, fy);
		break;
	case GRAIN_HALF:
		n = snprintf(buf, PERIOD_LABEL_SIZE, "%s%04d-H%d", prefix, fy, index / 6 + 1);
		break;
	case GRAIN_QUARTER:
		n = snprintf(buf, PERIOD_LABEL_SIZE, "%s%04d-Q%d", prefix, fy, index / 3 + 1);
		break;
	case GRAIN_MONTH:
		n = snprintf(buf, PERIOD_LABEL_SIZE, "%04d-%02d", c.year, c.month);
		break;
	case GRAIN_WEEK: {
		int wy, wk;
		iso_week(p.start, &wy, &wk);
		n = snprintf(buf, PERIOD_LABEL_SIZE, "%04d-W%02d", wy, wk);
		break;
	}
	case GRAIN_DAY:
		n = snprintf(buf, PERIOD_LABEL_SIZE, "%04d-%02d-%02d", c.year, c.month, c.day);
		break;
	}
	return n < 0 ? 0 : (size_t)n;
}

static char *put_digits(char *at, int v, int n)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		at[i] = (char)('0' + v % 10);
	return at + n;
}

/* "-" and a grain's letter: -H, -Q, -W. */
static char *put_mark(char *at, char letter)
{
	at[0] = '-';
	at[1] = letter;
	return at + 2;
}

/* Labels are written for every goal and progress row (a million at 200,000 reps):
 * snprintf cost 2,800 instructions a label. Digits by hand for years 0..9999, the same
 * text; other years the general way. */
size_t period_format(struct period p, char buf[PERIOD_LABEL_SIZE])
{
	struct civil_date c = civil_from_day(p.start);
	int fs = p.fiscal_start;
	int fy = fs > 1 ? (c.month >= fs ? c.year + 1 : c.year) : c.year; /* named by end year */
	int index = fs > 1 ? ((c.month - fs + 12) % 12) : c.month - 1; /* months into the year */
	int year = (enum grain)p.grain <= GRAIN_QUARTER ? fy : c.year, week = 0;
	if ((enum grain)p.grain == GRAIN_WEEK)
		iso_week(p.start, &year, &week);
	if (year < 0 || year > 9999 || (enum grain)p.grain > GRAIN_DAY)
		return period_format_printf(p, buf);
	char *at = buf;
	if (fs > 1 && (enum grain)p.grain <= GRAIN_QUARTER) {
		*at++ = 'F';
		*at++ = 'Y';
	}
	at = put_digits(at, year, 4);
	switch ((enum grain)p.grain) {
	case GRAIN_YEAR: break;
	case GRAIN_HALF: at = put_digits(put_mark(at, 'H'), index / 6 + 1, 1); break;
	case GRAIN_QUARTER: at = put_digits(put_mark(at, 'Q'), index / 3 + 1, 1); break;
	case GRAIN_MONTH: *at++ = '-'; at = put_digits(at, c.month, 2); break;
	case GRAIN_WEEK: at = put_digits(put_mark(at, 'W'), week, 2); break;
	case GRAIN_DAY:
		*at++ = '-';
		at = put_digits(at, c.month, 2);
		*at++ = '-';
		at = put_digits(at, c.day, 2);
		break;
	}
	*at = '\0';
	return (size_t)(at - buf);
}

/* Start of fiscal (or calendar, fs == 1) year `named`, i.e. the one ending in that year. */
static spm_day fiscal_year_start(int named, int fs)
{
	return fs > 1 ? day_from_civil(named - 1, fs, 1) : day_from_civil(named, 1, 1);
}

bool period_parse(const char *s, size_t len, int fiscal_start, struct period *out)
{
	int year, n;
	int fs = 1;
	if (len >= 2 && s[0] == 'F' && s[1] == 'Y') {
		if (fiscal_start <= 1)
			return false;
		fs = fiscal_start;
		s += 2;
		len -= 2;
	}
	/* Fiscal years are named by their end year: FY10000 ends in the year 10000 and
	 * holds the last days of 9999, so FY labels take 4 or 5 digits. */
	size_t ndigits = fs > 1 && len >= 5 && memcmp(s, "10000", 5) == 0 ? 5 : 4;
	if (len < ndigits || !digits(s, ndigits, &year) || year < MIN_YEAR ||
	    year > (fs > 1 ? MAX_YEAR + 1 : MAX_YEAR))
		return false;
	s += ndigits - 4; /* so that s + 4 is what follows the year */
	len -= ndigits - 4;
	out->fiscal_start = (uint8_t)fs;
	if (len == 4) {
		out->grain = GRAIN_YEAR;
		out->start = fiscal_year_start(year, fs);
		return true;
	}
	if (s[4] != '-')
		return false;
	const char *rest = s + 5;
	size_t rlen = len - 5;
	if (rlen == 2 && (rest[0] == 'H' || rest[0] == 'Q') && digits(rest + 1, 1, &n)) {
		int span = rest[0] == 'H' ? 6 : 3;
		if (n < 1 || n > 12 / span)
			return false;
		out->grain = (uint8_t)(rest[0] == 'H' ? GRAIN_HALF : GRAIN_QUARTER);
		out->start = add_months(fiscal_year_start(year, fs), (n - 1) * span);
		return true;
	}
	if (fs > 1) /* months, weeks and days are calendar periods */
		return false;
	if (rlen == 2 && digits(rest, 2, &n)) {
		if (n < 1 || n > 12)
			return false;
		out->grain = GRAIN_MONTH;
		out->start = day_from_civil(year, n, 1);
		return true;
	}
	if (rlen == 3 && rest[0] == 'W' && digits(rest + 1, 2, &n)) {
		/* Week 1 is the week with the year's first Thursday. */
		spm_day jan4 = day_from_civil(year, 1, 4);
		spm_day start = jan4 - (iso_weekday(jan4) - 1) + (n - 1) * 7;
		int wy, wk;
		if (n < 1)
			return false;
		iso_week(start, &wy, &wk);
		if (wy != year || wk != n)
			return false;
		out->grain = GRAIN_WEEK;
		out->start = start;
		return true;
	}
	spm_day d;
	if (rlen == 5 && date_parse_iso(s, len, &d)) {
		out->grain = GRAIN_DAY;
		out->start = d;
		return true;
	}
	return false;
}
