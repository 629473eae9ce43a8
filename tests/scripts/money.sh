# Money as it really arrives (issue 17), each result computed a second way:
#  1. two overlapping exports (gen-deals --second: 30 % of the records in both, a fifth of
#     those changed): spm-track --latest equals the deduplicated union computed by sqlite3;
#     --unique stops at the first conflicting record, naming both file:line places;
#  2. a deal won in Q1 (paid) and cancelled in Q2: Q1's actuals and payout unchanged, Q2
#     shows the reversal, --against the Q1 ledger gives one clawback line equal to an
#     exact computation (python3 fractions); outside the window, none;
#  3. 100,000 deals in 4 currencies with daily rates: converted won revenue per rep and
#     quarter equals an exact computation (python3 Decimal) to the cent; a missing rate is
#     exit 1 with the export's file:line.
# Sourced by run.sh (top, bindir, work and the helpers of lib.sh are set).

M="$work/money"
mkdir -p "$M"

# ---- 1. overlapping exports ----

"$bindir/gen-deals" -n 20000 -r 10 -s 17 --format tsv --second "$M/b.tsv" --overlap 30 --changed 20 -o "$M/a.tsv"
shared=$(cut -f 1 "$M/a.tsv" "$M/b.tsv" | sed '/^Opportunity ID$/d' | sort | uniq -d | wc -l)
check_eq 'money: 30 % of the first export is in the second' '6000' "$shared"
changed=$(sed 1d "$M/a.tsv" "$M/b.tsv" | sort | uniq -u | cut -f 1 | sort | uniq -d | wc -l)
check_eq 'money: a fifth of the shared records changed (about 1,200)' 'yes' \
	"$([ "$changed" -gt 1000 ] && [ "$changed" -lt 1400 ] && echo yes || echo "no: $changed")"
status=$(run_status "$M/latest" "$bindir/spm-track" --map salesforce --latest 'Last Modified Date' \
	--metrics won_revenue,won_deals "$M/a.tsv" "$M/b.tsv")
check_eq 'money: --latest over two overlapping exports: exit 0' '0' "$status"
check_grep 'money: --latest: the summary counts the superseded rows' 'superseded by a later version' "$M/latest.err"
if command -v sqlite3 >/dev/null 2>&1; then
	# the columns summed (id owner stage amount close modified): none holds a quote
	for f in a b; do cut -f 1,4,5,6,7,11 "$M/$f.tsv" | sed 1d >"$M/$f.cut"; done
	sqlite3 -batch "$M/u.db" <<EOF >"$M/sqlite.tsv"
.mode tabs
CREATE TABLE a(id TEXT, owner TEXT, stage TEXT, amount TEXT, close TEXT, modified TEXT);
CREATE TABLE b(id TEXT, owner TEXT, stage TEXT, amount TEXT, close TEXT, modified TEXT);
.import $M/a.cut a
.import $M/b.cut b
CREATE TABLE u AS SELECT 1 AS f, rowid AS r, * FROM a UNION ALL SELECT 2, rowid, * FROM b;
CREATE TABLE latest AS SELECT * FROM (SELECT *, row_number() OVER
	(PARTITION BY id ORDER BY modified DESC, f DESC, r DESC) AS n FROM u) WHERE n = 1;
CREATE TABLE won AS SELECT owner, substr(close, 1, 4) || '-Q' || ((CAST(substr(close, 6, 2) AS INTEGER) + 2) / 3) AS period,
	CAST(replace(amount, '.', '') AS INTEGER) AS cents FROM latest WHERE stage = 'Closed Won';
SELECT owner, period, 'won_deals', count(*) FROM won GROUP BY owner, period
UNION ALL
SELECT owner, period, 'won_revenue', printf('%d.%02d', sum(cents) / 100, sum(cents) % 100) FROM won GROUP BY owner, period
ORDER BY 1, 2, 3;
EOF
	sed 1d "$M/latest.out" | awk -F '\t' '$4 != "0" && $4 != "0.00"' | LC_ALL=C sort >"$M/spm.tsv"
	LC_ALL=C sort "$M/sqlite.tsv" >"$M/sqlite.sorted"
	check_file 'money: --latest equals the deduplicated union computed by sqlite3' "$M/sqlite.sorted" "$M/spm.tsv"
else
	not_ok 'money: sqlite3 is needed (apt-get install sqlite3; scripts/deps.sh test)'
fi
status=$(run_status "$M/unique" "$bindir/spm-track" --map salesforce --unique --metrics won_revenue "$M/a.tsv" "$M/b.tsv")
check_eq 'money: --unique over changed records: exit 1' '1' "$status"
# the first record of b.tsv that a.tsv holds with other fields, and where a.tsv has it
expect=$(awk -F '\t' 'FNR == 1 { next } FILENAME ~ /a.tsv$/ { row[$1] = $0; at[$1] = FNR; next }
	($1 in row) && row[$1] != $0 { printf "spm-track: %s:%d: Opportunity ID: another version of this record is at %s:%d (--latest COL keeps the latest) (\"%s\")\n", FILENAME, FNR, A, at[$1], $1; exit }' \
	A="$M/a.tsv" "$M/a.tsv" "$M/b.tsv")
check_eq 'money: --unique stops at the first conflicting record, naming both file:line places' "$expect" "$(cat "$M/unique.err")"

# ---- 2. a clawback ----

tab=$(printf '\t')
{
	echo "id${tab}rep${tab}date${tab}amount${tab}stage${tab}modified"
	echo "D1${tab}ann${tab}2026-02-10${tab}12345.67${tab}Closed Won${tab}2026-02-10T09:00:00"
	echo "D2${tab}ann${tab}2026-03-05${tab}40000${tab}Closed Won${tab}2026-03-05T09:00:00"
	echo "D3${tab}bob${tab}2026-01-20${tab}8000${tab}Closed Won${tab}2026-01-20T09:00:00"
	echo "D4${tab}ann${tab}2026-04-15${tab}5000${tab}Closed Won${tab}2026-04-15T09:00:00"
} >"$M/q1.tsv"
{
	head -n 1 "$M/q1.tsv"
	echo "D1${tab}ann${tab}2026-02-10${tab}12345.67${tab}Cancelled${tab}2026-05-01T16:30:00"
	echo "D3${tab}bob${tab}2026-01-20${tab}8000${tab}Cancelled${tab}2026-06-10T08:00:00"
} >"$M/q2.tsv"
{
	echo "owner${tab}period${tab}metric${tab}target"
	for o in ann bob; do for q in Q1 Q2; do echo "$o${tab}2026-$q${tab}won_revenue${tab}50000"; done; done
} >"$M/goals.tsv"
{
	echo "plan${tab}metric${tab}rule${tab}lower${tab}upper${tab}rate"
	echo "P${tab}won_revenue${tab}rate${tab}0${tab}1${tab}0.05"
	echo "P${tab}won_revenue${tab}rate${tab}1${tab}-${tab}0.08"
	echo "P${tab}won_revenue${tab}clawback${tab}90${tab}-${tab}0.75"
} >"$M/plan.tsv"
track() { "$bindir/spm-track" -q --latest modified --metrics won_revenue,won_deals,clawback,clawback_deals "$@"; }
track --period 2026-Q1 "$M/q1.tsv" >"$M/q1-before.tsv"
track --period 2026-Q1 --reversals "$M/rev.tsv" "$M/q1.tsv" "$M/q2.tsv" >"$M/q1-after.tsv"
check_file 'money: Q1 actuals are the same after the Q2 cancellation' "$M/q1-before.tsv" "$M/q1-after.tsv"
track "$M/q1.tsv" "$M/q2.tsv" | awk -F '\t' '$2 == "2026-Q2" && $1 == "ann"' >"$M/q2-ann.tsv"
check_eq 'money: Q2 shows the reversal (won_revenue 5000 - 12345.67, clawback, one deal)' \
	"ann 2026-Q2 clawback 12345.67|ann 2026-Q2 clawback_deals 1|ann 2026-Q2 won_deals 1|ann 2026-Q2 won_revenue -7345.67" \
	"$(tr '\t' ' ' <"$M/q2-ann.tsv" | paste -sd '|')"
"$bindir/spm-track" -q --latest modified --goals "$M/goals.tsv" --as-of 2026-03-31 "$M/q1.tsv" >"$M/p1.tsv"
"$bindir/spm-score" -q --plan "$M/plan.tsv" --plan-name P "$M/p1.tsv" >"$M/paid-q1.tsv"
"$bindir/spm-track" -q --latest modified --goals "$M/goals.tsv" --as-of 2026-06-30 --reversals "$M/rev.tsv" \
	"$M/q1.tsv" "$M/q2.tsv" >"$M/p2.tsv"
awk -F '\t' '$2 == "2026-Q1"' "$M/p2.tsv" | cut -f 1-4 >"$M/p2-q1.tsv"
awk -F '\t' '$2 == "2026-Q1"' "$M/p1.tsv" | cut -f 1-4 >"$M/p1-q1.tsv"
check_file 'money: Q1 progress (actual, target) unchanged after the cancellation' "$M/p1-q1.tsv" "$M/p2-q1.tsv"
"$bindir/spm-score" -q --plan "$M/plan.tsv" --plan-name P --against "$M/paid-q1.tsv" "$M/p2.tsv" >"$M/adj.tsv"
check_eq 'money: Q1 payout unchanged: no adjustment against the Q1 ledger' '1' "$(wc -l <"$M/adj.tsv" | tr -d ' ')"
"$bindir/spm-score" -q --plan "$M/plan.tsv" --plan-name P --against "$M/paid-q1.tsv" --reversals "$M/rev.tsv" \
	"$M/p2.tsv" >"$M/claw.tsv"
check_eq 'money: one clawback line (D1, 80 days; D3 after 141 days is outside the window)' '1' \
	"$(sed 1d "$M/claw.tsv" | wc -l | tr -d ' ')"
# independently: 75 % of what ann was paid on won_revenue in Q1, in the share D1 had of it
expect=$(python3 - "$M/paid-q1.tsv" <<'EOF'
import sys
from fractions import Fraction
from decimal import Decimal, ROUND_HALF_UP
for line in open(sys.argv[1]).read().splitlines()[1:]:
    f = line.split('\t')
    if f[0] == 'ann' and f[3] == 'won_revenue':
        paid, actual = Fraction(f[7]), Fraction(f[4])
x = Fraction(3, 4) * paid * Fraction('12345.67') / actual
d = (Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)
print('ann 2026-Q2 P *clawback 12345.67 -%s 0.00 -%s' % (d, d))
EOF
)
check_eq 'money: the clawback line equals an exact computation' "$expect" \
	"$(sed 1d "$M/claw.tsv" | awk -F '\t' '{ print $1, $2, $3, $4, $5, $8, $11, $12 }')"
check_grep 'money: the clawback detail shows the arithmetic' 'clawback: deal D1 won 2026-02-10 (2026-Q1), reversed 2026-05-01 after 80 of 90 days: 75% × paid' "$M/claw.tsv"
# paid since: the ledger with the clawback line claws back nothing more
cut -f 1-10 "$M/claw.tsv" | sed 1d >>"$M/paid-q1.tsv"
"$bindir/spm-score" -q --plan "$M/plan.tsv" --plan-name P --against "$M/paid-q1.tsv" --reversals "$M/rev.tsv" \
	"$M/p2.tsv" >"$M/claw2.tsv"
check_eq 'money: a clawback already paid is not taken twice' '1' "$(wc -l <"$M/claw2.tsv" | tr -d ' ')"
sed 's/\t90\t-\t0.75$/\t60\t-\t0.75/' "$M/plan.tsv" >"$M/plan60.tsv"
"$bindir/spm-score" -q --plan "$M/plan60.tsv" --plan-name P --against "$M/paid-q1.tsv" --reversals "$M/rev.tsv" \
	"$M/p2.tsv" >"$M/claw3.tsv"
check_eq 'money: outside the window (60 days), no clawback' '1' "$(wc -l <"$M/claw3.tsv" | tr -d ' ')"
status=$(run_status "$M/nodate" "$bindir/spm-track" --metrics won_revenue "$M/q1.tsv" "$M/q2.tsv")
check_eq 'money: a cancellation of unknown date is a bad row (exit 1)' '1' "$status"
check_grep 'money: ... naming file:line and what to give' 'q2.tsv:2: stage: cancelled deal, and the day of its cancellation is not known' "$M/nodate.err"

# ---- 3. currencies ----

"$bindir/gen-deals" -n 100000 -r 20 -s 23 --format tsv --currencies USD,EUR,GBP,JPY --rates "$M/rates.tsv" -o "$M/fx.tsv"
status=$(run_status "$M/fx" "$bindir/spm-track" --map salesforce --rates "$M/rates.tsv" --metrics won_revenue "$M/fx.tsv")
check_eq 'money: 100,000 deals in 4 currencies: exit 0' '0' "$status"
python3 - "$M/fx.tsv" "$M/rates.tsv" <<'EOF' >"$M/fx-python.tsv"
import sys
from decimal import Decimal, ROUND_HALF_UP
rates = {}
for line in open(sys.argv[2]).read().splitlines()[1:]:
    c, d, r, b = line.split('\t')
    rates[(c, d)] = Decimal(r)
total = {}
rows = open(sys.argv[1], encoding='utf-8').read().splitlines()
head = rows[0].split('\t')
ix = {n: i for i, n in enumerate(head)}
for line in rows[1:]:
    f = line.split('\t')
    if f[ix['Stage']] != 'Closed Won':
        continue
    a, cur, day = Decimal(f[ix['Amount']]), f[ix['Amount Currency']], f[ix['Close Date']]
    if cur != 'USD':
        a = (a * rates[(cur, day)]).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)
    q = '%s-Q%d' % (day[:4], (int(day[5:7]) + 2) // 3)
    key = (f[ix['Opportunity Owner']], q)
    total[key] = total.get(key, Decimal(0)) + a
for (o, q), v in total.items():
    print('%s\t%s\twon_revenue\t%s\tUSD' % (o, q, v.quantize(Decimal('0.01'))))
EOF
sed 1d "$M/fx.out" | awk -F '\t' '$4 != "0.00"' | LC_ALL=C sort >"$M/fx-spm.tsv"
LC_ALL=C sort "$M/fx-python.tsv" >"$M/fx-python.sorted"
check_file 'money: converted won revenue per rep equals python3 Decimal to the cent' "$M/fx-python.sorted" "$M/fx-spm.tsv"
# a rate missing: the first converted deal of that day and currency is the bad row
day=$(awk -F '\t' 'NR > 1 && $11 == "EUR" && $5 == "Closed Won" { print $7; exit }' "$M/fx.tsv")
grep -v "^EUR${tab}${day}${tab}" "$M/rates.tsv" >"$M/rates-gap.tsv"
status=$(run_status "$M/gap" "$bindir/spm-track" --map salesforce --rates "$M/rates-gap.tsv" --rate-age 0 \
	--metrics won_revenue "$M/fx.tsv")
check_eq 'money: a missing rate: exit 1' '1' "$status"
line=$(awk -F '\t' -v d="$day" 'NR > 1 && $11 == "EUR" && $7 == d && $5 != "Closed Lost" && $6 != "" { print NR; exit }' "$M/fx.tsv")
check_grep 'money: a missing rate names the export file:line' "fx.tsv:$line: Amount Currency: no rate on the close date $day" "$M/gap.err"

# ---- spm-weekly: several exports and a rates file ----

demo "$M/demo"
"$bindir/gen-deals" -n 2000 -r 8 -s 42 --second "$M/demo/deals2.csv" --currencies USD,EUR,GBP,JPY \
	--rates "$M/demo/daily-rates.tsv" -o "$M/demo/deals.csv"
printf '\nEXPORT=deals2.csv\nLATEST=Last Modified Date\nRATES=daily-rates.tsv\n' >>"$M/demo/spm.conf"
status=$(run_status "$M/weekly" "$top/scripts/spm-weekly" --as-of 2026-08-15 "$M/demo/spm.conf")
check_eq 'money: spm-weekly with two overlapping exports and a rates file: exit 0' '0' "$status$(cat "$M/weekly.err")"
(cd "$M/demo" && "$bindir/spm-track" -q --map salesforce --latest 'Last Modified Date' --rates daily-rates.tsv \
	--roster roster.tsv --metrics-file metrics.tsv --goals goals.tsv --as-of 2026-08-15 --fiscal-start 1 \
	deals.csv deals2.csv >"$M/weekly-progress.tsv")
check_file 'money: spm-weekly ran spm-track with --latest and --rates over both exports' "$M/weekly-progress.tsv" \
	"$M/demo/reports/2026-08-15/progress.tsv"
