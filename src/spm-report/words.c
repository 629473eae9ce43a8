/* Words and figures for people: numbers as a report shows them
 * (42,000.00; 105.34 %; +4.20 pts; 3.20×), computed exactly in decimal and rounded half
 * away from zero. */
#include "spm-report.h"

#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The figures come from the core's printers for people (number.h): one thousands
 * separator and one percentage for every program. */
void sb_grouped(struct sbuf *b, decimal v, int places)
{
	char buf[NUMBER_BUFSIZE];
	sb_add(b, buf, number_grouped(v, places, buf));
}

void sb_percent(struct sbuf *b, decimal fraction)
{
	char buf[NUMBER_BUFSIZE];
	sb_add(b, buf, number_percent(fraction, 2, buf));
}

void sb_points(struct sbuf *b, decimal diff, bool sign)
{
	char buf[NUMBER_BUFSIZE];
	sb_add(b, buf, number_points(diff, sign, buf));
}

void sb_value(struct sbuf *b, struct num n, enum unit unit)
{
	if (!n.has)
		return;
	switch (unit) {
	case U_PERCENT:
		sb_percent(b, n.v);
		return;
	case U_MULTIPLE:
		sb_grouped(b, n.v, n.places);
		sb_str(b, "\xc3\x97"); /* × */
		return;
	case U_MONEY: /* to the cent for people: the data formats keep every digit */
		sb_grouped(b, decimal_round(n.v, 2, ROUND_HALF_AWAY), 2);
		return;
	case U_PLAIN: case U_COUNT: case U_DAYS:
		sb_grouped(b, n.v, n.places);
		return;
	}
}

const char *cell_words(const struct cell *c, size_t *len)
{
	if (c->human) {
		*len = c->hlen;
		return c->human;
	}
	*len = c->text ? c->len : 0;
	return c->text ? c->text : "";
}

void sb_cell(struct sbuf *b, const struct cell *c)
{
	if (!c->num.has) {
		size_t len;
		const char *w = cell_words(c, &len);
		sb_add(b, w, len);
		return;
	}
	if (c->points) {
		sb_points(b, c->num.v, c->sign);
		sb_str(b, " pts");
		return;
	}
	if (c->sign && decimal_sign(c->num.v) > 0)
		sb_add(b, "+", 1);
	sb_value(b, c->num, c->unit);
}

void sb_metric(struct sbuf *b, const struct names *nm, size_t metric)
{
	size_t start = b->len;
	sb_add(b, nm->s[metric], nm->len[metric]);
	for (size_t i = start; i < b->len; i++)
		if (b->s[i] == '_')
			b->s[i] = ' ';
}
