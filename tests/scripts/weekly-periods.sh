# spm-weekly across a quarter's end (issue 12, acceptance 2): with goals for 2026-Q2, Q3
# and Q4, a run as of 2026-10-03 scores the closed quarters on attainment and Q3's change
# is against Q2's final score, exactly; the open Q4, on its day 3, is too early to score
# (basis early: spm-track --early) and has no change. Mid-quarter (as of 2026-08-15), Q3 is
# on pace and is not compared with Q2's final score.
# Sourced by run.sh (top, bindir, work, scripts and the helpers of lib.sh are set).

P="$work/weekly-periods"
demo "$P/demo"
(cd "$P/demo" && { cat goals.tsv; for q in Q2 Q4; do sed 1d goals.tsv | sed "s/2026-Q3/2026-$q/"; done; } >goals3.tsv &&
	sed 's/^GOALS=.*/GOALS=goals3.tsv/' spm.conf >periods.conf)
st=$(run_status "$P/r1" "$scripts/spm-weekly" --as-of 2026-10-03 "$P/demo/periods.conf")
check_eq 'weekly-periods: a run after the quarter exits 0, silently' 0 "$st$(cat "$P/r1.out" "$P/r1.err")"
s="$P/demo/reports/2026-10-03/scores.tsv"
# owner period basis prev_score delta score, by name
cols() { awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ print $c["owner"] "\t" $c["period"] "\t" $c["basis"] "\t" $c["prev_score"] "\t" $c["delta"] "\t" $c["score"] }' "$1"; }
cols "$s" >"$P/r1.rows"
check_eq 'weekly-periods: closed quarters on attainment, the open one too early to score' \
	'2026-Q2 attainment
2026-Q3 attainment
2026-Q4 early' "$(cut -f 2,3 "$P/r1.rows" | sort -u | tr '\t' ' ')"
check_eq 'weekly-periods: every rep of Q3 has a change against Q2' 0 \
	"$(awk -F '\t' '$2 == "2026-Q3" && $5 == ""' "$P/r1.rows" | wc -l | tr -d ' ')"
check_eq 'weekly-periods: ... and it is Q3 - Q2, exactly' '' "$(awk -F '\t' '
	$2 == "2026-Q2" { q2[$1] = $6 } $2 == "2026-Q3" { q3[$1] = $6; prev[$1] = $4; d[$1] = $5 }
	END { for (o in q3) { t = sprintf("%.4f", q3[o] - q2[o]); if (t == "-0.0000") t = "0.0000"
		if (prev[o] != q2[o] || t != d[o]) print o ": " prev[o] " " d[o] " is not " q2[o] " " t } }' "$P/r1.rows")"
check_eq 'weekly-periods: the open quarter (early) has no score and no change' '' \
	"$(awk -F '\t' '$2 == "2026-Q4" && ($4 != "" || $5 != "" || $6 != "")' "$P/r1.rows")"
# mid-quarter: Q3 runs, on pace, and Q2's final score is no comparison for it
st=$(run_status "$P/r2" "$scripts/spm-weekly" --as-of 2026-08-15 "$P/demo/periods.conf")
check_eq 'weekly-periods: a mid-quarter run exits 0' 0 "$st"
cols "$P/demo/reports/2026-08-15/scores.tsv" >"$P/r2.rows"
check_eq 'weekly-periods: mid-quarter, Q3 is on pace with no change' 'pace  ' \
	"$(awk -F '\t' '$2 == "2026-Q3" { print $3 " " $4 " " $5 }' "$P/r2.rows" | sort -u)"
