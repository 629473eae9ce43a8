/* Unit tests for spm-report's figures and file names: exact percentages and grouping
 * (src/spm-report/words.c), bar and sparkline geometry from exact decimals (render.c),
 * and the safe file names of --split-dir (split.c). The program's sources are compiled in
 * here, since spm-report is not part of the core library; the functions they call that
 * these tests do not exercise are stubbed below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/spm-report/render.c"
#include "../../src/spm-report/split.c"
#include "../../src/spm-report/words.c"

/* ---- stubs: what render.c and split.c reach but these tests never call ---- */

void render_text(struct output *o, const struct doc *d, const struct render_options *ro, const size_t *which,
		 size_t n)
{
	(void)o, (void)d, (void)ro, (void)which, (void)n;
}
void render_markdown(struct output *o, const struct doc *d, const size_t *which, size_t n)
{
	(void)o, (void)d, (void)which, (void)n;
}
void render_html(struct output *o, const struct doc *d, const size_t *which, size_t n)
{
	(void)o, (void)d, (void)which, (void)n;
}
void render_json(struct output *o, const struct doc *d, const size_t *which, size_t n)
{
	(void)o, (void)d, (void)which, (void)n;
}
void render_csv(struct output *o, const struct doc *d, const struct render_options *ro, const size_t *which,
		size_t n)
{
	(void)o, (void)d, (void)ro, (void)which, (void)n;
}
void render_xlsx(struct output *o, const struct doc *d, const struct render_options *ro, const size_t *which,
		 size_t n)
{
	(void)o, (void)d, (void)ro, (void)which, (void)n;
}
struct num num_none(void)
{
	struct num n = { { 0 }, 0, false };
	return n;
}
int name_cmp(const struct names *nm, size_t a, size_t b)
{
	(void)nm;
	return (a > b) - (a < b);
}

/* ---- helpers ---- */

static decimal dec(const char *s)
{
	decimal d;
	if (decimal_parse(s, strlen(s), DECIMAL_POINT, &d) != DECIMAL_OK)
		fail_msg("not a number: %s", s);
	return d;
}

static struct num num(const char *s)
{
	struct num n = { dec(s), 0, true };
	const char *dot = strchr(s, '.');
	n.places = dot ? (int)strlen(dot + 1) : 0;
	return n;
}

static void assert_percent(const char *fraction, const char *expected)
{
	struct sbuf b = { 0 };
	sb_percent(&b, dec(fraction));
	assert_string_equal(b.s, expected);
	sb_free(&b);
}

static void assert_grouped(const char *value, int places, const char *expected)
{
	struct sbuf b = { 0 };
	sb_grouped(&b, dec(value), places);
	assert_string_equal(b.s, expected);
	sb_free(&b);
}

static void assert_safe(const char *name, const char *expected)
{
	char *s = safe_file_name(name, strlen(name), ".txt");
	assert_string_equal(s, expected);
	assert_null(strchr(s, '/'));
	assert_null(strstr(s, ".."));
	assert_true(s[0] != '.');
	for (const char *p = s; *p; p++)
		assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
	free(s);
}

/* ---- tests ---- */

static void test_percentages_are_exact(void **state)
{
	(void)state;
	assert_percent("1.0534", "105.34 %");
	assert_percent("0.0001", "0.01 %");
	assert_percent("1", "100.00 %");
	assert_percent("0.5", "50.00 %");
	assert_percent("12.3456", "1,234.56 %");
	assert_percent("-0.0420", "-4.20 %");
	/* more decimals than a percentage shows: half away from zero, never a binary double */
	assert_percent("0.123450", "12.35 %");
	assert_percent("0.123449999", "12.34 %");
	assert_percent("-0.00005", "-0.01 %");
	/* 0.285 is not exactly representable as a double: printf("%.2f", 28.5 ...) style
	 * rounding of 0.285 * 100 would give 28.50, the decimal path must too */
	assert_percent("0.285", "28.50 %");
	assert_percent("0.28505", "28.51 %");
}

static void test_grouping(void **state)
{
	(void)state;
	assert_grouped("42000", 2, "42,000.00");
	assert_grouped("1200", 2, "1,200.00");
	assert_grouped("999", 0, "999");
	assert_grouped("1000", 0, "1,000");
	assert_grouped("1234567.891", 2, "1,234,567.89");
	assert_grouped("-1234567.5", 0, "-1,234,568");
	assert_grouped("0.005", 2, "0.01");
	assert_grouped("123456789012345678.25", 2, "123,456,789,012,345,678.25");
}

static void test_points_and_values(void **state)
{
	(void)state;
	struct sbuf b = { 0 };
	sb_points(&b, dec("0.0420"), true);
	assert_string_equal(b.s, "+4.20");
	b.len = 0;
	sb_points(&b, dec("-0.0420"), true);
	assert_string_equal(b.s, "-4.20");
	b.len = 0;
	sb_points(&b, dec("0"), true);
	assert_string_equal(b.s, "0.00");
	b.len = 0;
	sb_value(&b, num("3.20"), U_MULTIPLE);
	assert_string_equal(b.s, "3.20\xc3\x97");
	b.len = 0;
	sb_value(&b, num("0.4000"), U_PERCENT);
	assert_string_equal(b.s, "40.00 %");
	b.len = 0;
	sb_value(&b, num("105340.00"), U_MONEY);
	assert_string_equal(b.s, "105,340.00");
	b.len = 0;
	sb_value(&b, num_none(), U_MONEY); /* no value: nothing */
	assert_int_equal(b.len, 0);
	sb_free(&b);
}

static void test_bar_geometry(void **state)
{
	(void)state;
	/* 24 cells for 0..150 %: 100 % is exactly 16 cells, 128 eighths */
	assert_int_equal(bar_eighths(num("1"), 24), 128);
	assert_int_equal(bar_eighths(num("0.5"), 24), 64);
	assert_int_equal(bar_eighths(num("1.5"), 24), 192);
	assert_int_equal(bar_eighths(num("7.25"), 24), 192); /* beyond the scale: full */
	assert_int_equal(bar_eighths(num("-0.3"), 24), 0);
	assert_int_equal(bar_eighths(num_none(), 24), 0);
	/* rounding to the nearest eighth: 0.0039 × 128 = 0.4992 → 0; 0.0040 → 0.512 → 1 */
	assert_int_equal(bar_eighths(num("0.0039"), 24), 0);
	assert_int_equal(bar_eighths(num("0.0040"), 24), 1);
}

static void test_spark_levels(void **state)
{
	(void)state;
	int lv[4];
	/* amounts: each row on its own scale, least to greatest */
	struct num v[4] = { num("0.5"), num("1.0"), num_none(), num("0.75") };
	assert_int_equal(spark_levels(v, 4, U_MONEY, 8, lv), 0);
	assert_int_equal(lv[0], 0);
	assert_int_equal(lv[1], 7);
	assert_int_equal(lv[2], -1);
	assert_int_equal(lv[3], 4); /* halfway: 3.5 rounds up */
	/* a flat row: halfway up, or at the bottom when it is zero */
	struct num flat[2] = { num("0.9"), num("0.9") };
	spark_levels(flat, 2, U_COUNT, 8, lv);
	assert_int_equal(lv[0], 4);
	assert_int_equal(lv[1], 4);
	struct num zeros[2] = { num("0"), num("0.00") };
	spark_levels(zeros, 2, U_COUNT, 8, lv);
	assert_int_equal(lv[0], 0);
	assert_int_equal(lv[1], 0);
	/* amounts too far apart for 128-bit units: the same geometry in long double */
	struct num wide[3] = { num("-20000000000000000000000000000"), num("0"), num("20000000000000000000000000000") };
	spark_levels(wide, 3, U_MONEY, 8, lv);
	assert_int_equal(lv[0], 0);
	assert_int_equal(lv[1], 4);
	assert_int_equal(lv[2], 7);
	/* percentages: the bars' scale, 0 to 150 %, for every row */
	spark_levels(zeros, 2, U_PERCENT, 8, lv);
	assert_int_equal(lv[0], 0);
	assert_int_equal(lv[1], 0);
	spark_levels(flat, 2, U_PERCENT, 8, lv); /* 90 % × 7 ÷ 150 % = 4.2 */
	assert_int_equal(lv[0], 4);
	struct num p[4] = { num("1"), num("1.5"), num("-0.2"), num("0.75") };
	assert_int_equal(spark_levels(p, 4, U_PERCENT, 8, lv), 0); /* 150 % is the top, not beyond */
	assert_int_equal(lv[0], 5); /* 4.67 */
	assert_int_equal(lv[1], 7);
	assert_int_equal(lv[2], 0); /* below 0: the bottom */
	assert_int_equal(lv[3], 4); /* 3.5 rounds up */
	/* a dip of 10 points stays small */
	struct num dip[3] = { num("1.2616"), num("1.1564"), num("1.2439") };
	spark_levels(dip, 3, U_PERCENT, 8, lv);
	assert_int_equal(lv[0], 6);
	assert_int_equal(lv[1], 5);
	assert_int_equal(lv[2], 6);
	/* above 150 %: at the top, counted */
	struct num high[4] = { num("1.7616"), num("1.500000001"), num_none(), num("1.4") };
	assert_int_equal(spark_levels(high, 4, U_PERCENT, 8, lv), 2);
	assert_int_equal(lv[0], 7);
	assert_int_equal(lv[1], 7);
	assert_int_equal(lv[2], -1);
	assert_int_equal(lv[3], 7); /* 6.53 */
	assert_true(spark_over(high[0], U_PERCENT));
	assert_false(spark_over(high[3], U_PERCENT));
	assert_false(spark_over(high[0], U_MONEY));
	assert_false(spark_over(num("1.5"), U_PERCENT));
	/* heights for a drawn chart: the same scales */
	double h[4];
	spark_heights(p, 4, U_PERCENT, h);
	assert_true(h[0] > 0.666 && h[0] < 0.667);
	assert_true(h[1] == 1.0);
	assert_true(h[2] == 0.0);
	spark_heights(high, 1, U_PERCENT, h);
	assert_true(h[0] == 1.0);
	spark_heights(zeros, 2, U_MONEY, h);
	assert_true(h[0] == 0.0 && h[1] == 0.0);
	spark_heights(flat, 2, U_MONEY, h);
	assert_true(h[0] == 0.5);
	spark_heights(v, 4, U_MONEY, h);
	assert_true(h[0] == 0.0 && h[1] == 1.0 && h[3] == 0.5);
}

static void test_spark_glyphs(void **state)
{
	(void)state;
	struct num dip[3] = { num("1.7616"), num("1.6564"), num("1.7439") };
	struct cell c = { .series = dip, .nseries = 3, .unit = U_PERCENT };
	char *g = spark_glyphs(&c);
	assert_string_equal(g, "\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\xb4"); /* ███▴ */
	free(g);
	struct num zeros[3] = { num("0"), num_none(), num("0") };
	c.series = zeros;
	g = spark_glyphs(&c);
	assert_string_equal(g, "\xe2\x96\x81 \xe2\x96\x81"); /* ▁ ▁ */
	free(g);
	c.nseries = 0;
	g = spark_glyphs(&c);
	assert_string_equal(g, "");
	free(g);
}

static void test_safe_file_names(void **state)
{
	(void)state;
	assert_safe("Anna Snelling", "Anna_Snelling.txt");
	assert_safe("../../etc/passwd", "_.__._etc_passwd.txt");
	assert_safe("..", "__.txt");
	assert_safe(".hidden", "_hidden.txt");
	assert_safe("a/b\\c", "a_b_c.txt");
	assert_safe("Tab\tName\n", "Tab_Name_.txt");
	assert_safe("<script>alert(1)</script>", "_script_alert_1_script_.txt");
	assert_safe("=cmd|' /C calc'!A0", "_cmd_C_calc_A0.txt");
	assert_safe("Mr.", "Mr_.txt");
	assert_safe("", "_.txt");
	assert_safe("\xe5\xb1\xb1\xe7\x94\xb0\xe5\xa4\xaa\xe9\x83\x8e", "\xe5\xb1\xb1\xe7\x94\xb0\xe5\xa4\xaa\xe9\x83\x8e.txt");
	assert_safe("a\xe2\x80\xae" "b", "a_b.txt"); /* a right-to-left override is not kept */
	assert_safe("x\xff" "y", "x_y.txt");        /* nor a byte that is not UTF-8 */
	assert_safe("Ana\xc2\xa0Silva", "Ana_Silva.txt");            /* no-break space */
	assert_safe("Ben\xc2\xad" "Okafor", "Ben_Okafor.txt");        /* soft hyphen */
	assert_safe("a\xe2\x88\x95" "b\xe2\x81\x84" "c", "a_b_c.txt"); /* division and fraction slashes */
	assert_safe("a\xef\xbc\x8f" "b\xe2\xa7\xb8" "c", "a_b_c.txt"); /* fullwidth and big solidus */
	assert_safe("\xef\xbc\x8e\xef\xbc\x8e\xef\xbc\x8f" "etc", "_etc.txt"); /* fullwidth ../ */
	assert_safe("\xe5\xb1\xb1\xe3\x80\x80\xe7\x94\xb0", "\xe5\xb1\xb1_\xe7\x94\xb0.txt"); /* U+3000 */
	/* a very long name is cut (at a character boundary) to leave room in NAME_MAX */
	char longname[1001];
	memset(longname, 'n', 1000);
	longname[1000] = '\0';
	char *s = safe_file_name(longname, 1000, ".html");
	assert_true(strlen(s) <= NAME_MAX_BYTES + strlen(".html"));
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentages_are_exact),
		cmocka_unit_test(test_grouping),
		cmocka_unit_test(test_points_and_values),
		cmocka_unit_test(test_bar_geometry),
		cmocka_unit_test(test_spark_levels),
		cmocka_unit_test(test_spark_glyphs),
		cmocka_unit_test(test_safe_file_names),
	};
	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
