#!/bin/sh
# make demo: generates a realistic Salesforce-style export (deterministic sample data) and
# runs spm-track on it: actuals per rep, a roll-up to teams, progress against a goal sheet
# as of a fixed day, a dirty export with --reject, and split and overlay credit (--credits).
set -eu
bin=${1:-bin}
dir=build/demo
mkdir -p "$dir"
"$bin/gen-deals" -n 2000 -r 8 -s 42 --roster "$dir/roster.tsv" -o "$dir/deals.csv"
"$bin/gen-deals" -n 2000 -r 8 -s 42 --dirty -o "$dir/deals-dirty.csv"
echo "== sample export: $dir/deals.csv (2000 deals, 8 reps; first lines)"
head -n 3 "$dir/deals.csv"
echo
echo "== spm-track --map salesforce --period 2026-Q2 --metrics won_revenue,won_deals,win_rate,avg_deal,cycle_days,pipeline"
"$bin/spm-track" --map salesforce --period 2026-Q2 \
	--metrics won_revenue,won_deals,win_rate,avg_deal,cycle_days,pipeline "$dir/deals.csv"
echo
echo "== the same year rolled up to teams: --roster $dir/roster.tsv --level team --grain quarter --period 2026"
"$bin/spm-track" --map salesforce --roster "$dir/roster.tsv" --level team --period 2026 --grain quarter \
	--metrics won_revenue,win_rate "$dir/deals.csv"
echo
echo "== progress as of 2026-08-15: a won_revenue goal per rep, win_rate goals per team, coverage"
awk -F '\t' 'BEGIN { OFS = "\t"; print "owner", "period", "metric", "target" }
	NR > 1 { print $1, "2026-Q3", "won_revenue", 150000 + 25000 * (NR % 3) }
	NR > 1 && !seen[$2]++ { print $2, "2026-Q3", "win_rate", "0.45" }
	NR == 2 { print $1, "2026-Q3", "coverage", 2 }' "$dir/roster.tsv" >"$dir/goals.tsv"
"$bin/spm-track" --map salesforce --roster "$dir/roster.tsv" --goals "$dir/goals.tsv" \
	--as-of 2026-08-15 "$dir/deals.csv" | cut -f 1-11
echo
echo "== a dirty export: bad rows go to $dir/rejects.tsv with a reason, the run goes on"
"$bin/spm-track" --map salesforce --metrics won_revenue --reject "$dir/rejects.tsv" \
	-o "$dir/actuals.tsv" "$dir/deals-dirty.csv"
cut -f 1,4,5,6,7,11 "$dir/rejects.tsv" | head -n 6
echo
echo "== a split deal: examples/credits.tsv credits 0065g000EJ4lY0mAYE (4,150.00) 70/30 to two reps, with an overlay"
grep -F 0065g000EJ4lY0mAYE examples/credits.tsv
"$bin/spm-track" --map salesforce --credits examples/credits.tsv --roster "$dir/roster.tsv" --period 2026-Q3 \
	--metrics won_revenue,won_deals,overlay_revenue "$dir/deals.csv" >"$dir/credited.tsv"
grep -E '^(Łukasz Nowak|José Álvarez|Renée Novak)	' "$dir/credited.tsv"
echo "-- the teams' won revenue with credits adds up to the company's without:"
total() { awk -F '\t' 'NR > 1 { i = index($4, "."); c += substr($4, 1, i - 1) * 100 + substr($4, i + 1, 2) }
	END { printf "%d.%02d\n", int(c / 100), c % 100 }'; }
"$bin/spm-track" -q --map salesforce --credits examples/credits.tsv --roster "$dir/roster.tsv" --level team \
	--period 2026-Q3 --metrics won_revenue "$dir/deals.csv" | tee "$dir/credited-teams.tsv"
echo "teams, with --credits:   $(total <"$dir/credited-teams.tsv")"
echo "company, no --credits:   $("$bin/spm-track" -q --map salesforce --period 2026-Q3 --metrics won_revenue \
	"$dir/deals.csv" | total)"
