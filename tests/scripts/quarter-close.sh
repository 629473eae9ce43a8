# spm-quarter-close on the demo data, end to end: 2026-Q3 closed (statements that total
# the payouts, next quarter's goals that add up to the annual plan's share, the review
# packet, the goal diff on standard output), adjustments against a payouts file already
# paid, a SMART failure that stops everything before publishing, the quarter after
# (2026-Q4, whose next goals come from the 2027 plan, with the trend of both closes), and
# the choice of quarters (default, fiscal, across years).
# Sourced by run.sh (top, bindir, work, scripts and the helpers of lib.sh are set).

Q="$work/quarter-close"
close="$scripts/spm-quarter-close"
demo "$Q/demo"
conf="$Q/demo/spm.conf"
reports="$Q/demo/reports"

# ---- command line and configuration ----
check_eq 'close: --version' 'spm-quarter-close (spm) 0.1.0' "$("$close" --version)"
check_eq 'close: --help opens with the synopsis' 'Usage: spm-quarter-close [OPTION]... CONFIG' "$("$close" --help | head -n 1)"
st=$(run_status "$Q/u1" "$close" --quarter 2026-13 "$conf")
check_eq 'close: a label that is not a quarter' "2 spm-quarter-close: --quarter: not a quarter label such as 2026-Q3 or FY2027-Q2 ('2026-13')" \
	"$st $(head -n 1 "$Q/u1.err")"
st=$(run_status "$Q/u2" "$close" --quarter 2026-Q3 --paid "$Q/nothing.tsv" "$conf")
check_eq 'close: --paid must be readable' "2 spm-quarter-close: --paid: cannot read '$Q/nothing.tsv'" "$st $(head -n 1 "$Q/u2.err")"
grep -v '^PLAN=' "$conf" >"$Q/demo/noplan.conf"
st=$(run_status "$Q/u3" "$close" --quarter 2026-Q3 "$Q/demo/noplan.conf")
check_eq 'close: PLAN is required' "2 spm-quarter-close: $Q/demo/noplan.conf: PLAN is required (the incentive plan the payouts follow)" \
	"$st $(cat "$Q/u3.err")"
sed 's/^GOALS=.*/GOALS=goals.csv/' "$conf" >"$Q/demo/csvgoals.conf"
st=$(run_status "$Q/u4" "$close" --quarter 2026-Q3 "$Q/demo/csvgoals.conf")
check_eq 'close: the goal sheet must be TSV' "2 spm-quarter-close: $Q/demo/csvgoals.conf:12: GOALS: the goal sheet must be TSV to be compared with next quarter's (\"$Q/demo/goals.csv\")" \
	"$st $(cat "$Q/u4.err")"

# PLAN_NAME: a key of the script's list, so a near miss is named
grep -v '^PLAN=' "$conf" >"$Q/demo/typo.conf"
printf 'PLAN=incentive-plan.tsv\nPLAN_NAM=enterprise\n' >>"$Q/demo/typo.conf"
n=$(wc -l <"$Q/demo/typo.conf" | tr -d ' ')
st=$(run_status "$Q/u7" "$close" --quarter 2026-Q3 "$Q/demo/typo.conf")
check_eq 'close: PLAN_NAME mistyped: did you mean' \
	"2 spm-quarter-close: $Q/demo/typo.conf:$n: unknown key; did you mean PLAN_NAME? (\"PLAN_NAM\")" "$st $(cat "$Q/u7.err")"
{ cat "$conf"; printf 'PLAN_NAME=\n'; } >"$Q/demo/emptyname.conf"
n=$(wc -l <"$Q/demo/emptyname.conf" | tr -d ' ')
st=$(run_status "$Q/u8" "$close" --quarter 2026-Q3 "$Q/demo/emptyname.conf")
check_eq 'close: an empty PLAN_NAME' \
	"2 spm-quarter-close: $Q/demo/emptyname.conf:$n: PLAN_NAME: empty value (the plan of PLAN every rep is paid by; without the key, the roster's plan column)" \
	"$st $(cat "$Q/u8.err")"

# what the payouts need is checked before any stage runs: nothing is built, no folder made
plan_line=$(grep -n '^PLAN=' "$conf" | cut -d: -f1)
sed 's/^PLAN=.*/PLAN=no-such-plan.tsv/' "$conf" >"$Q/demo/noplanfile.conf"
st=$(run_status "$Q/p1" "$close" --quarter 2026-Q3 "$Q/demo/noplanfile.conf")
check_eq 'close: an unreadable PLAN stops the close before any stage' \
	"2 spm-quarter-close: $Q/demo/noplanfile.conf:$plan_line: PLAN: cannot read the incentive plan (\"$Q/demo/no-such-plan.tsv\"); nothing was run" \
	"$st $(cat "$Q/p1.err")"
roster_line=$(grep -n '^ROSTER=' "$conf" | cut -d: -f1)
sed 's/^ROSTER=.*/ROSTER=no-such-roster.tsv/' "$conf" >"$Q/demo/norosterfile.conf"
st=$(run_status "$Q/p2" "$close" --quarter 2026-Q3 "$Q/demo/norosterfile.conf")
check_eq 'close: an unreadable ROSTER stops the close before any stage' \
	"2 spm-quarter-close: $Q/demo/norosterfile.conf:$roster_line: ROSTER: cannot read the roster (\"$Q/demo/no-such-roster.tsv\"); nothing was run" \
	"$st $(cat "$Q/p2.err")"
# a roster without a plan column (the analyst's): spm-score's reason, and the key that helps
awk -F '\t' -v OFS='\t' '{ n = 0; for (i = 1; i <= NF; i++) if (i != 5) f[++n] = $i; $0 = ""; for (i = 1; i <= n; i++) $i = f[i]; print }' \
	"$Q/demo/roster.tsv" >"$Q/demo/roster-noplan.tsv"
check_eq 'close: (the roster without a plan column)' 'rep team manager region incentive start' "$(head -n 1 "$Q/demo/roster-noplan.tsv" | tr '\t' ' ')"
sed 's/^ROSTER=.*/ROSTER=roster-noplan.tsv/' "$conf" >"$Q/demo/noplancol.conf"
st=$(run_status "$Q/p3" "$close" --quarter 2026-Q3 "$Q/demo/noplancol.conf")
check_eq 'close: a roster without a plan column and no PLAN_NAME stops the close at once' \
	"1 spm-score: $Q/demo/roster-noplan.tsv:1: the roster has no column 'plan' to pay its reps by (or give --plan-name for everyone)
spm-quarter-close: $Q/demo/noplancol.conf: the payouts cannot be made from PLAN and ROSTER (above; PLAN_NAME=NAME pays every rep by one plan of PLAN); nothing was run" \
	"$st $(cat "$Q/p3.err")"
cat "$Q/demo/noplancol.conf" >"$Q/demo/badname.conf"
printf 'PLAN_NAME=enterprize\n' >>"$Q/demo/badname.conf"
n=$(wc -l <"$Q/demo/badname.conf" | tr -d ' ')
st=$(run_status "$Q/p4" "$close" --quarter 2026-Q3 "$Q/demo/badname.conf")
check_eq 'close: a PLAN_NAME that PLAN does not have stops the close at once' \
	"1 spm-score: --plan-name: $Q/demo/incentive-plan.tsv has no plan 'enterprize' (plans: enterprise, growth)
spm-quarter-close: $Q/demo/badname.conf:$n: the payouts cannot be made from PLAN and ROSTER with PLAN_NAME (above); nothing was run" \
	"$st $(cat "$Q/p4.err")"
st=$(run_status "$Q/p5" "$close" --quarter 2026-Q3 --paid "$Q/demo/roster.tsv" "$conf")
check_eq 'close: a --paid file that is no payouts stops the close at once' \
	"1 spm-score: $Q/demo/roster.tsv:1: no column 'owner' (a payouts stream needs owner, period, plan, metric and payout) (found: rep team manager region plan incentive start)
spm-quarter-close: $conf: the payouts cannot be made from PLAN, ROSTER and --paid (above; PLAN_NAME=NAME pays every rep by one plan of PLAN); nothing was run" \
	"$st $(cat "$Q/p5.err")"
# a plan the roster names that PLAN does not have (a typo in one rep's row): spm-score
# checks every row before reading its input, so the close stops before any stage, with the
# roster's line, not at the payouts after next quarter's goals and the attainment
awk -F '\t' -v OFS='\t' '$1 == "Sofia Silva" { $5 = "gold" } { print }' "$Q/demo/roster.tsv" >"$Q/demo/roster-gold.tsv"
check_eq 'close: (the roster with an unknown plan)' 'Sofia Silva gold 7' \
	"$(awk -F '\t' '$5 == "gold" { print $1, $5, NR }' "$Q/demo/roster-gold.tsv")"
sed 's/^ROSTER=.*/ROSTER=roster-gold.tsv/' "$conf" >"$Q/demo/badplan.conf"
st=$(run_status "$Q/p6" "$close" --quarter 2026-Q3 "$Q/demo/badplan.conf")
check_eq 'close: a plan of the roster that PLAN does not have stops the close before any stage' \
	"1 spm-score: $Q/demo/roster-gold.tsv:7: plan: no plan of that name in $Q/demo/incentive-plan.tsv (the rep 'Sofia Silva' is paid by it; plans: enterprise, growth) (\"gold\")
spm-quarter-close: $Q/demo/badplan.conf: the payouts cannot be made from PLAN and ROSTER (above; PLAN_NAME=NAME pays every rep by one plan of PLAN); nothing was run" \
	"$st $(cat "$Q/p6.err")"
check_eq 'close: ... with nothing on standard output' '' "$(cat "$Q/p6.out")"
st=$(run_status "$Q/p7" "$close" -v --quarter 2026-Q3 "$Q/demo/badplan.conf")
check_eq 'close: ... -v: the check of the payouts'"'"' inputs is the only command run' \
	"1 + spm-score --plan $Q/demo/incentive-plan.tsv --roster $Q/demo/roster-gold.tsv --fiscal-start 1 -q - < (a progress header)" \
	"$st $(grep '^+ ' "$Q/p7.err")"
check 'close: ... and none of them made the output folder' test ! -e "$reports"

# ---- which quarter: the default, fiscal years, across years (dry runs) ----
first_line() { "$close" --dry-run "$@" | head -n 1 | sed "s|$Q|WORK|"; }
check_eq 'close: default: the last quarter ended before SPM_AS_OF' \
	'# spm-quarter-close: 2026-Q3 (2026-07-01 to 2026-09-30), next 2026-Q4 (from 2026-10-01), into WORK/demo/reports/close-2026-Q3' \
	"$(SPM_AS_OF=2026-10-05 first_line "$conf")"
st=$(SPM_AS_OF=2026-02-30 run_status "$Q/u5" "$close" --dry-run "$conf")
check_eq 'close: an SPM_AS_OF the calendar does not have says why' \
	"2 spm-quarter-close: SPM_AS_OF: no such day: February has 28 days, 29 in a leap year ('2026-02-30')" \
	"$st $(head -n 1 "$Q/u5.err")"
st=$(SPM_AS_OF=yesterday run_status "$Q/u6" "$close" --dry-run "$conf")
check_eq 'close: an SPM_AS_OF that is not a date' \
	"2 spm-quarter-close: SPM_AS_OF: not a date YYYY-MM-DD ('yesterday')" "$st $(head -n 1 "$Q/u6.err")"
check_eq 'close: default in January: last year'"'"'s Q4' \
	'# spm-quarter-close: 2025-Q4 (2025-10-01 to 2025-12-31), next 2026-Q1 (from 2026-01-01), into WORK/demo/reports/close-2025-Q4' \
	"$(SPM_AS_OF=2026-01-10 first_line "$conf")"
check_eq 'close: Q4 is followed by next year'"'"'s Q1' \
	'# spm-quarter-close: 2026-Q4 (2026-10-01 to 2026-12-31), next 2027-Q1 (from 2027-01-01), into WORK/demo/reports/close-2026-Q4' \
	"$(first_line --quarter 2026-Q4 "$conf")"
sed 's/^FISCAL_START=.*/FISCAL_START=2/' "$conf" >"$Q/demo/fiscal.conf"
check_eq 'close: default with a fiscal year starting in February' \
	'# spm-quarter-close: FY2027-Q2 (2026-05-01 to 2026-07-31), next FY2027-Q3 (from 2026-08-01), into WORK/demo/reports/close-FY2027-Q2' \
	"$(SPM_AS_OF=2026-08-15 first_line "$Q/demo/fiscal.conf")"
check_eq 'close: a fiscal Q4 is followed by the next fiscal year' \
	'# spm-quarter-close: FY2027-Q4 (2026-11-01 to 2027-01-31), next FY2028-Q1 (from 2027-02-01), into WORK/demo/reports/close-FY2027-Q4' \
	"$(first_line --quarter FY2027-Q4 "$Q/demo/fiscal.conf")"

grep -v '^FISCAL_START=' "$conf" >"$Q/demo/nofiscal.conf"
check_eq 'close: without FISCAL_START, SPM_FISCAL_START' \
	'# spm-quarter-close: FY2027-Q2 (2026-05-01 to 2026-07-31), next FY2027-Q3 (from 2026-08-01), into WORK/demo/reports/close-FY2027-Q2' \
	"$(SPM_FISCAL_START=2 SPM_AS_OF=2026-08-15 first_line "$Q/demo/nofiscal.conf")"

# ---- the dry run ----
st=$(run_status "$Q/dry" "$close" --dry-run --quarter 2026-Q3 --paid "$Q/demo/roster.tsv" "$conf")
check_eq 'close: --dry-run exits 0' 0 "$st"
sed "s|$Q|WORK|g" "$Q/dry.out" >"$Q/dry.txt"
check_file 'close: --dry-run prints every step' "$here/expected/close-dry-run.txt" "$Q/dry.txt"
check 'close: --dry-run writes nothing' test ! -e "$reports"

# ---- closing 2026-Q3 ----
st=$(run_status "$Q/c1" "$close" --quarter 2026-Q3 "$conf")
check_eq 'close: 2026-Q3 closes' 0 "$st"
check_file 'close: prints the goal diff (next quarter against this one)' "$here/expected/close-diff.tsv" "$Q/c1.out"
# a cron job is quiet on success: the goal check's warnings go to the log (and the
# close's goals-check.log), stderr gets one line that counts them
check_eq 'close: the warnings of the goal check: one line on stderr' \
	"spm-quarter-close: goal check: 9 warning(s), see $reports/spm.log" "$(cat "$Q/c1.err")"
sed -n 's/^[0-9-]\{10\}T[0-9:]\{8\}Z \(spm-goal: \)/\1/p' "$reports/spm.log" >"$Q/c1-logged.txt"
check_file 'close: ... and all of them in the log' "$here/expected/close-check.txt" "$Q/c1-logged.txt"
check_eq 'close: ... after the line of the close, with its time' 1 \
	"$(awk '/ spm-quarter-close: closed 2026-Q3: / { t = $1; next } t != "" && $1 == t && / spm-goal: .*: warning: / { n++ } END { print (n == 9) }' "$reports/spm.log")"
check_file 'close: ... and in the close'"'"'s goals-check.log' "$here/expected/close-check.txt" "$reports/close-2026-Q3/goals-check.log"
C="$reports/close-2026-Q3"
(cd "$C" && find . -type f | LC_ALL=C sort) >"$Q/files.txt"
check_file 'close: the folder holds every result' "$here/expected/close-files.txt" "$Q/files.txt"
check 'close: nothing else in OUTPUT' test "$(listing "$reports")" = 'close-2026-Q3 spm.log '
check 'close: a log line' grep -qE \
	"^[0-9-]{10}T[0-9:]{8}Z spm-quarter-close: closed 2026-Q3: 8 owners, next goals goals-2026-Q4.tsv, in $C\$" "$reports/spm.log"
check_eq 'close: final attainment is as of the last day' '2026-Q3 0' \
	"$(awk -F '\t' 'NR > 1 { print $2 "\t" $15 }' "$C/progress.tsv" | sort -u | tr '\t' ' ')"

# statements total the payouts: for every rep, the lines of the statement add up to its
# total, which is the payouts' total row; and the statements add up to all payouts
bad=
for f in "$C"/statements/*.md; do
	owner=$(sed -n 's/^## \(.*\) — 2026-Q3$/\1/p' "$f")
	total=$(sed -n 's/^\*\*Total payout\*\* //p' "$f" | sum_cents)
	lines=$(awk -F ' \\| ' '/^\| [a-z]/ && $2 !~ /Total/ { print $6 }' "$f" | sum_cents)
	paid=$(awk -F '\t' -v o="$owner" '$1 == o && $4 == "*" { print $8 }' "$C/payouts.tsv" | sum_cents)
	paid_lines=$(awk -F '\t' -v o="$owner" 'NR > 1 && $1 == o && $4 != "*" { print $8 }' "$C/payouts.tsv" | sum_cents)
	[ "$total" = "$lines" ] && [ "$total" = "$paid" ] && [ "$paid" = "$paid_lines" ] && [ "$total" != 0 -o "$owner" = 'Zoë Müller' ] ||
		bad="$bad $owner($total $lines $paid $paid_lines)"
done
check_eq 'close: every statement totals its lines and the payouts' '' "$bad"
check_eq 'close: one statement per rep' 8 "$(ls "$C"/statements/*.md | wc -l | tr -d ' ')"
all_statements=$(for f in "$C"/statements/*.md; do sed -n 's/^\*\*Total payout\*\* //p' "$f"; done | sum_cents)
all_payouts=$(awk -F '\t' 'NR > 1 && $4 == "*" { print $8 }' "$C/payouts.tsv" | sum_cents)
check_eq 'close: the statements add up to all payouts' "$all_payouts" "$all_statements"
# (64,883.67 when curves paid on the 4-decimal attainment column: Sofia Silva and Łukasz
# Nowak are paid on 190,950.00 ÷ 151,232.88 and 107,624.50 ÷ 151,232.88 exactly now)
check_eq 'close: ... which are 64,884.59' 6488459 "$all_payouts"
check_grep 'close: the combined statement has every rep' '## Łukasz Nowak — 2026-Q3' "$C/statements.md"
check_grep 'close: a statement shows the arithmetic' \
	'| enterprise | Won revenue | 240,888.59 | 142,831.05 | 168.65 % | 15,519.00 | 5% × 142,831.05 + 8% × 71,415.525 + 10% × 26,642.015 = 15,518.996, rounded to 15,519.00 (threshold 50% reached) |' \
	"$C/statements/Felix_Nowak.md"

# next quarter's goals add up to the annual plan's share of 2026-Q4, computed here on
# its own: each year's target in units (cents, or whole counts), cut by the days of the
# quarters (90, 91, 92, 92) by the largest remainder, the unit left over to the largest
# remainders, ties to the earlier quarter
awk -F '\t' 'NR > 1 && $2 == "2026" && ($3 == "won_revenue" || $3 == "won_deals" || $3 == "new_logos") {
		unit = $3 == "won_revenue" ? 100 : 1; t = $4 * unit
		d[1] = 90; d[2] = 91; d[3] = 92; d[4] = 92; D = 365; left = t
		for (i = 1; i <= 4; i++) { f[i] = int(t * d[i] / D); r[i] = t * d[i] - f[i] * D; left -= f[i] }
		for (k = 0; k < left; k++) { best = 0
			for (i = 1; i <= 4; i++) if (!g[i] && (best == 0 || r[i] > r[best])) best = i
			g[best] = 1 }
		share = f[4] + (g[4] ? 1 : 0); delete g
		printf "%s\t%s\t%d\n", $1, $3, share }' "$Q/demo/annual-plan.tsv" | LC_ALL=C sort >"$Q/expected-shares.tsv"
awk -F '\t' 'FNR == 1 { f++; next } f == 1 { team[$1] = $2; next }
	$2 == "2026-Q4" && ($3 == "won_revenue" || $3 == "won_deals" || $3 == "new_logos") {
		unit = $3 == "won_revenue" ? 100 : 1; v = $4; n = split(v, p, ".")
		c = n > 1 ? p[2] : ""; while (length(c) < 2) c = c "0"
		x = unit == 100 ? p[1] * 100 + c : v; sum[team[$1] "\t" $3] += x }
	END { for (k in sum) printf "%s\t%d\n", k, sum[k] }' "$Q/demo/roster.tsv" "$C/goals-2026-Q4.tsv" |
	LC_ALL=C sort >"$Q/actual-shares.tsv"
check_file 'close: next quarter'"'"'s goals sum to the annual plan'"'"'s share' "$Q/expected-shares.tsv" "$Q/actual-shares.tsv"
check_eq 'close: ... for the 3 teams and 3 metrics that add up' 9 "$(wc -l <"$Q/actual-shares.tsv" | tr -d ' ')"
check_eq 'close: a ratio goal is copied to each rep, not divided' '' "$(awk -F '\t' 'FNR == 1 { f++; next }
	f == 1 { team[$1] = $2; next } $3 == "win_rate" { w = team[$1] == "Enterprise EMEA" ? 0.5 : 0.42; if ($4 + 0 != w) print $1 }' \
	"$Q/demo/roster.tsv" "$C/goals-2026-Q4.tsv")"
check_eq 'close: every rep gets an innovation goal of 1 (4 a year)' '8 1' \
	"$(awk -F '\t' '$3 == "partner_won" { n++; t[$4] = 1 } END { for (k in t) printf "%d %s\n", n, k }' "$C/goals-2026-Q4.tsv")"
check_eq 'close: coverage of the categories' 'customer 8 8 1.0000 financial 8 8 1.0000 innovation 8 8 1.0000' \
	"$(sed 1d "$C/goals-check.tsv" | tr '\t\n' '  ' | sed 's/ $//')"

# the review packet: final attainment, payouts, trend, feedback, next quarter's goals
r="$C/review/Zoë_Müller.md"
check_grep 'close: review: final attainment' '| 2026-Q3 | Won revenue | 8,169.00 | 142,831.05 | 5.72 % | missed | 134,662.05 | 0 | — | 88.79 |' "$r"
check_grep 'close: review: payouts' '| enterprise | Won revenue | 8,169.00 | 142,831.05 | 5.72 % | 0.00 | threshold 50% not reached (attainment 5.71934463…%): 0.00 |' "$r"
check_grep 'close: review: feedback with next quarter'"'"'s rate' \
	'- Won revenue ended at 8,169.00 against 142,831.05 (5.72 %): 134,662.05 short. The goal for 2026-Q4 is 142,831.05: 1,552.51 a day over its 92 days, against 88.79 a day this period.' "$r"
check_grep 'close: review: training' '- Won revenue attainment is 5.72 %, under 50.00 %: the course "Pipeline review with your manager" is recommended.' "$r"
check_grep 'close: review: self-assessment' '- You rated your overall performance 2 of 5; the numbers put it at 1' "$r"
check_grep 'close: review: next quarter'"'"'s goals' '| Won revenue | 142,831.05 | 2 | financial |' "$r"
check_eq 'close: one review per rep and format' 16 "$(ls "$C/review" | wc -l | tr -d ' ')"
cp -r "$C" "$Q/close1"

# ---- adjustments against what was already paid ----
# paid before two late deals were booked: Felix's revenue line 1,000.00 lower
awk -F '\t' -v OFS='\t' '$1 == "Felix Nowak" && ($4 == "won_revenue" || $4 == "*") { $8 = sprintf("%.2f", $8 - 1000) } 1' \
	"$C/payouts.tsv" >"$Q/paid.tsv"
st=$(run_status "$Q/c2" "$close" --quarter 2026-Q3 --paid "$Q/paid.tsv" "$conf")
check_eq 'close: with --paid' 0 "$st"
# columns: payout 8, basis 10 (the quarter is closed as of its last day: final), paid 11,
# recomputed 12
check_eq 'close: adjustments: only the differences, each with its arithmetic' \
	'Felix Nowak|won_revenue|1000.00|final|14519.00|15519.00
Felix Nowak|*|1000.00|final|15519.00|16519.00' \
	"$(awk -F '\t' 'NR > 1 { print $1 "|" $4 "|" $8 "|" $10 "|" $11 "|" $12 }' "$C/adjustments.tsv")"
check_grep 'close: adjustments: the statement of them' '**Total payout** 1,000.00' "$C/adjustments.md"
check_grep 'close: adjustments: explained' 'adjustment: paid 14,519.00, now 15,519.00' "$C/adjustments.md"
check 'close: a rerun replaced the close, the same results' diff "$Q/close1/payouts.tsv" "$C/payouts.tsv"
check_eq 'close: the payouts of a closed quarter are final, none an estimate' 'final' \
	"$(awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "basis") b = i; next } { print $b }' "$C/payouts.tsv" | sort -u)"
check 'close: ... the same reviews' diff -r "$Q/close1/review" "$C/review"
# a re-close with nothing to adjust: spm-score --against writes a header only, and the
# close must publish (exit 0) a statement that says there is nothing to adjust (issue 15, 2).
cp "$C/payouts.tsv" "$Q/paid-same.tsv"
st=$(run_status "$Q/c3" "$close" --quarter 2026-Q3 --paid "$Q/paid-same.tsv" "$conf")
check_eq 'close: a re-close with nothing to adjust publishes' 0 "$st$(grep -v warning "$Q/c3.err")"
check_eq 'close: ... its adjustments are a header only' 1 "$(wc -l <"$C/adjustments.tsv" | tr -d ' ')"
check_grep 'close: ... and its statement says so' 'Nothing to adjust' "$C/adjustments.md"

# -v: the warnings in full on stderr, no count
st=$(run_status "$Q/v1" "$close" -v --quarter 2026-Q3 "$conf")
check_eq 'close: -v closes' 0 "$st"
check_eq 'close: -v prints the warnings of the goal check in full' 10 "$(grep -cxFf "$here/expected/close-check.txt" "$Q/v1.err")"
check_no_grep 'close: ... and not the line that counts them' 'goal check: 9 warning(s)' "$Q/v1.err"
check_grep 'close: ... with the check of the payouts'"'"' inputs first' '+ spm-score --plan' "$Q/v1.err"
check_eq 'close: ... which comes before any stage' 'spm-score' \
	"$(sed -n 's/^+ \([^ ]*\).*/\1/p' "$Q/v1.err" | head -n 1 | sed 's|.*/||')"

# LOG: the warnings in that file, and the line names it; none on stderr without warnings
sed 's/^OUTPUT=.*/OUTPUT=reports-log/' "$conf" >"$Q/demo/log.conf"
printf 'LOG=close.log\n' >>"$Q/demo/log.conf"
st=$(run_status "$Q/l1" "$close" --quarter 2026-Q3 "$Q/demo/log.conf")
check_eq 'close: LOG: the line names it' "0 spm-quarter-close: goal check: 9 warning(s), see $Q/demo/close.log" "$st $(cat "$Q/l1.err")"
check_eq 'close: LOG: ... and holds the warnings' 9 "$(grep -c ' spm-goal: .*: warning: ' "$Q/demo/close.log")"
grep -v partner_won "$Q/demo/annual-plan.tsv" >"$Q/demo/plan-quiet.tsv"
sed 's/^OUTPUT=.*/OUTPUT=reports-quiet/; s/^ANNUAL_PLAN=.*/ANNUAL_PLAN=plan-quiet.tsv/; /^REQUIRE=/d' "$conf" >"$Q/demo/quiet.conf"
printf 'MAX_GROWTH=100\n' >>"$Q/demo/quiet.conf"
st=$(run_status "$Q/l2" "$close" --quarter 2026-Q3 "$Q/demo/quiet.conf")
check_eq 'close: no warning: nothing on stderr' '0 ' "$st $(cat "$Q/l2.err")"
check_grep 'close: ... the check'"'"'s summary in the log' ' spm-goal: 32 goals checked: 0 errors, 0 warnings' "$Q/demo/reports-quiet/spm.log"

# a stage after the check fails: the warnings, not logged, are counted in its message
sed 's/^OUTPUT=.*/OUTPUT=reports-late/; s/^GOALS=.*/GOALS=goals-bad.tsv/' "$conf" >"$Q/demo/late.conf"
{ cat "$Q/demo/goals.tsv"; printf 'Zoë Müller\t2026-Q3\twon_revenue\tmuch\n'; } >"$Q/demo/goals-bad.tsv"
st=$(run_status "$Q/l3" "$close" --quarter 2026-Q3 "$Q/demo/late.conf")
check_eq 'close: a stage failing after the goal check counts its warnings' \
	"1 spm-quarter-close: spm-track failed (exit status 1); nothing was published; the goal check's 9 warning(s) were not kept (-v prints them)" \
	"$st $(tail -n 1 "$Q/l3.err")"
check_eq 'close: ... and prints none of them' 0 "$(grep -c ': warning: ' "$Q/l3.err")"

# an empty plan cell is a rep paid by no plan (spm-score(1)): not checked before the
# stages, since a rep without goals in the quarter may have one; a rep with goals and an
# empty plan stops the close at the payouts, with the roster's line, and publishes nothing
awk -F '\t' -v OFS='\t' '$1 == "Sofia Silva" { $5 = "" } { print }' "$Q/demo/roster.tsv" >"$Q/demo/roster-noplancell.tsv"
sed 's/^OUTPUT=.*/OUTPUT=reports-empty-plan/; s/^ROSTER=.*/ROSTER=roster-noplancell.tsv/' "$conf" >"$Q/demo/emptyplan.conf"
st=$(run_status "$Q/e1" "$close" --quarter 2026-Q3 "$Q/demo/emptyplan.conf")
check_eq 'close: a rep with goals and an empty plan stops the close at the payouts' \
	"1 spm-score: $Q/demo/roster-noplancell.tsv:7: plan: empty, so the rep 'Sofia Silva' has no plan (--skip-unplanned leaves such owners out)
spm-quarter-close: spm-score (payouts) failed (exit status 1); nothing was published; the goal check's 9 warning(s) were not kept (-v prints them)" \
	"$st $(cat "$Q/e1.err")"
check_eq 'close: ... with nothing published' '' "$(listing "$Q/demo/reports-empty-plan")"

# PLAN_NAME pays every rep by one plan: a roster without a plan column closes
sed 's/^OUTPUT=.*/OUTPUT=reports-plan-name/' "$Q/demo/noplancol.conf" >"$Q/demo/plan-name.conf"
printf 'PLAN_NAME=growth\n' >>"$Q/demo/plan-name.conf"
st=$(run_status "$Q/n1" "$close" --quarter 2026-Q3 "$Q/demo/plan-name.conf")
check_eq 'close: PLAN_NAME with a roster without a plan column' 0 "$st"
check_eq 'close: ... every rep paid by that plan' 'growth 8' \
	"$(awk -F '\t' 'NR > 1 && $4 == "*" { n[$3]++ } END { for (p in n) print p, n[p] }' "$Q/demo/reports-plan-name/close-2026-Q3/payouts.tsv")"
# ... and over the roster's column when both are there
sed 's/^OUTPUT=.*/OUTPUT=reports-plan-name2/' "$conf" >"$Q/demo/plan-name2.conf"
printf 'PLAN_NAME=growth\n' >>"$Q/demo/plan-name2.conf"
st=$(run_status "$Q/n2" "$close" --quarter 2026-Q3 --dry-run "$Q/demo/plan-name2.conf")
check_grep 'close: PLAN_NAME is passed as --plan-name' \
	"--roster $Q/demo/roster.tsv --fiscal-start 1 --plan-name growth -o payouts.tsv progress.tsv" "$Q/n2.out"

# ---- a SMART failure stops the close before anything is published ----
tree_sum "$reports" >"$Q/before.sum"
grep -v '^Zoë Müller	2026	partner_won' "$Q/demo/annual-plan.tsv" >"$Q/demo/plan-no-innovation.tsv"
sed 's/^ANNUAL_PLAN=.*/ANNUAL_PLAN=plan-no-innovation.tsv/' "$conf" >"$Q/demo/smart.conf"
st=$(run_status "$Q/s1" "$close" --quarter 2026-Q3 "$Q/demo/smart.conf")
check_eq 'close: a failed SMART check exits 1' 1 "$st"
check_grep 'close: the check says why' 'spm-goal: error: innovation goals cover 7 of 8 reps (0.8750), below the required 0.95; without one: Zoë Müller' "$Q/s1.err"
check_eq 'close: ... and that nothing was published' \
	'spm-quarter-close: the goals of 2026-Q4 fail their SMART check (above); nothing was published' "$(tail -n 1 "$Q/s1.err")"
check_eq 'close: nothing on standard output' '' "$(cat "$Q/s1.out")"
tree_sum "$reports" >"$Q/after.sum"
check_file 'close: the earlier close, and the log, are untouched' "$Q/before.sum" "$Q/after.sum"
check 'close: no staging folder or lock is left' test "$(listing "$reports")" = 'close-2026-Q3 spm.log '
# a fresh output folder gets nothing at all
sed 's/^OUTPUT=.*/OUTPUT=fresh/' "$Q/demo/smart.conf" >"$Q/demo/smart-fresh.conf"
st=$(run_status "$Q/s2" "$close" --quarter 2026-Q3 "$Q/demo/smart-fresh.conf")
check_eq 'close: a SMART failure publishes nothing in a new folder' "1 " "$st $(listing "$Q/demo/fresh")"
# an unknown metric is a SMART error too (measurable), from a plan split without it
printf 'Sofia Silva\t2026-Q4\tnps\t60\t1\tcustomer\n' >"$Q/demo/plan-nps.tsv"
cat "$Q/demo/annual-plan.tsv" "$Q/demo/plan-nps.tsv" >"$Q/demo/plan-measurable.tsv"
sed 's/^ANNUAL_PLAN=.*/ANNUAL_PLAN=plan-measurable.tsv/; /^METRICS=/d' "$conf" >"$Q/demo/measurable.conf"
st=$(run_status "$Q/s3" "$close" --quarter 2026-Q3 "$Q/demo/measurable.conf")
check_eq 'close: a goal nothing measures stops the close' 1 "$st"
tree_sum "$reports" >"$Q/after3.sum"
check_file 'close: ... with nothing published' "$Q/before.sum" "$Q/after3.sum"

# ---- the next quarter: 2026-Q4, from goals the Q3 close made ----
cp "$Q/demo/goals.tsv" "$Q/demo/goals-q3-q4.tsv"
sed 1d "$C/goals-2026-Q4.tsv" >>"$Q/demo/goals-q3-q4.tsv"
sed 's/^GOALS=.*/GOALS=goals-q3-q4.tsv/' "$conf" >"$Q/demo/q4.conf"
st=$(run_status "$Q/q4" "$close" --quarter 2026-Q4 "$Q/demo/q4.conf")
check_eq 'close: 2026-Q4 closes' 0 "$st"
C4="$reports/close-2026-Q4"
check_eq 'close: 2027-Q1 goals come from the 2027 plan' '2027-Q1' "$(cut -f 2 "$C4/goals-2027-Q1.tsv" | sed 1d | sort -u)"
check_eq 'close: 2027-Q1 revenue goals add up to 2027'"'"'s share (90 of 365 days)' '257671.23 461095.89 325479.45' \
	"$(awk -F '\t' 'FNR == 1 { f++; next } f == 1 { team[$1] = $2; next } $3 == "won_revenue" { v = $4; sub(/\./, "", v); s[team[$1]] += v }
	END { printf "%.2f %.2f %.2f\n", s["Enterprise East"] / 100, s["Enterprise EMEA"] / 100, s["Growth APAC"] / 100 }' \
	"$Q/demo/roster.tsv" "$C4/goals-2027-Q1.tsv")"
check_eq 'close: the scores compare with the Q3 close (--prev)' 'Felix Nowak 1.5316 1.7705 -0.2389' \
	"$(awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i } $1 == "Felix Nowak" { print $1 " " $3 " " $col["prev_score"] " " $col["delta"] }' "$C4/scores.tsv")"
check_grep 'close: the review shows both quarters in the trend' '| 2026-Q3 | 177.05 % | Exceeds | 1 | 5 | 5 |' "$C4/review/Felix_Nowak.md"
check_grep 'close: ... and the change since the Q3 close' '- Your score is 153.16 %, 23.89 points down from 177.05 % in 2026-Q3.' "$C4/review/Felix_Nowak.md"
