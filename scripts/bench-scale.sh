#!/usr/bin/env bash
# scripts/bench-scale.sh — the second table of `make bench` (run by scripts/bench.sh, or
# alone): spm-track at BENCH_ROWS rows as the owners grow, beside a memchr pass (wc -l)
# over a TSV of the same rows, and spm-track, spm-goal, spm-score and every kind of
# spm-report at 50,000 owners, with peak memory. spm-report reads the pipeline's own streams
# at 50,000 owners x 4 quarters x 3 metrics: progress (spm-track --goals, 600,000 rows),
# scores (spm-score --group team), payouts (spm-score --plan examples/incentive-plan.tsv), a
# self-assessment per rep and examples/catalog.tsv. Prints a Markdown table and writes it to
# $BENCH_DIR/results-scale-ROWS.md.
#
# Environment:
#   BENCH_ROWS          rows of each generated export (default 1000000)
#   BENCH_SCALE_OWNERS  owner counts (gen-deals --reps) (default 100 1000 10000 100000 1000000)
#   BENCH_SCALE_RUNS    runs per command; the median is shown (default 3)
#   BENCH_DIR           work folder (default .bench/ in the repo); BENCH_SEED (default 42)
#   SPM_TRACK, SPM_GOAL, SPM_SCORE, SPM_REPORT, GEN_DEALS  the programs (default bin/...)
#
# Times are medians measured with /usr/bin/time (wall clock), with the peak RSS of the
# program itself; the load average is printed before and after (a shared machine's
# timings are noisy). Exit status: 0 every command ran; 1 one failed; 2 a missing
# prerequisite or a usage error.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROWS=${BENCH_ROWS:-1000000}
SEED=${BENCH_SEED:-42}
DIR=${BENCH_DIR:-$ROOT/.bench}
SCALE_RUNS=${BENCH_SCALE_RUNS:-3}
SCALE_OWNERS=${BENCH_SCALE_OWNERS:-100 1000 10000 100000 1000000}
SPM_TRACK=${SPM_TRACK:-$ROOT/bin/spm-track}
SPM_GOAL=${SPM_GOAL:-$ROOT/bin/spm-goal}
SPM_SCORE=${SPM_SCORE:-$ROOT/bin/spm-score}
SPM_REPORT=${SPM_REPORT:-$ROOT/bin/spm-report}
GEN_DEALS=${GEN_DEALS:-$ROOT/bin/gen-deals}

die() { printf 'bench-scale: error: %s\n' "$*" >&2; exit 2; }
loud() { printf 'bench-scale: !!! %s\n' "$@" >&2; }

case $ROWS in '' | *[!0-9]* | 0) die "BENCH_ROWS must be a positive integer (got '$ROWS')" ;; esac
case $SCALE_RUNS in '' | *[!0-9]* | 0) die "BENCH_SCALE_RUNS must be a positive integer (got '$SCALE_RUNS')" ;; esac
for p in "$SPM_TRACK" "$SPM_GOAL" "$SPM_SCORE" "$SPM_REPORT" "$GEN_DEALS"; do
	[[ -x $p ]] || die "$p not found or not executable (build it: make)"
done
[[ -x /usr/bin/time ]] || die "/usr/bin/time is required (apt-get install time)"
mkdir -p "$DIR" || die "cannot create $DIR"
DIR=$(cd "$DIR" && pwd)
OUTDIR=$DIR/out
mkdir -p "$OUTDIR"
NPROC=$(nproc 2>/dev/null || echo 1)
TMPFILES=()
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() { if ((${#TMPFILES[@]})); then rm -f -- "${TMPFILES[@]}"; fi; }
trap cleanup EXIT
status=0

# measure NAME COMMAND...: median wall seconds, median CPU seconds (user + system: less
# sensitive to a busy machine) and largest peak RSS (MiB) of SCALE_RUNS runs, stdout to
# /dev/null; prints "NAME<TAB>seconds<TAB>cpu<TAB>MiB" (or "failed").
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
measure() {
	local name=$1 i rss_max=0 f=$OUTDIR/scale.time t k u s
	shift
	local times=() cpus=()
	for ((i = 0; i < SCALE_RUNS; i++)); do
		if ! /usr/bin/time -f '%e %M %U %S' -o "$f" "$@" >/dev/null 2>"$OUTDIR/scale.err"; then
			loud "$name FAILED: $(tail -n 3 "$OUTDIR/scale.err")"
			status=1
			printf '%s\tfailed\tfailed\tfailed\n' "$name"
			return 0
		fi
		read -r t k u s < <(tail -n 1 "$f")
		times+=("$t")
		cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')")
		((k > rss_max)) && rss_max=$k
	done
	printf '%s\t%s\t%s\t%s\n' "$name" "$(printf '%s\n' "${times[@]}" | median)" "$(printf '%s\n' "${cpus[@]}" | median)" \
		"$(awk -v k="$rss_max" 'BEGIN { printf "%.1f", k / 1024 }')"
}

scale_table() {
	local SD=$DIR/scale n f rows=$ROWS
	mkdir -p "$SD"
	local results=$DIR/results-scale-$rows.md tmp
	tmp=$results.tmp$$
	TMPFILES+=("$tmp")
	{
		printf '## Growing owners (%s rows) and every program at 50,000 owners\n\n' "$rows"
		printf 'nproc %s · %s runs each, median · peak RSS of the program (/usr/bin/time %%M) · load average before: %s · %s\n\n' \
			"$NPROC" "$SCALE_RUNS" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(date -u +%Y-%m-%d)"
		printf '| job | owners | median s | CPU s (user+sys) | peak RSS MiB |\n|---|---:|---:|---:|---:|\n'
		# the memchr limit: wc -l over the 100-owner TSV (a memchr-speed pass over the bytes)
		f=$SD/deals-$rows-r100.tsv
		[[ -s $f ]] || "$GEN_DEALS" -n "$rows" -r 100 -s "$SEED" --format tsv -o "$f"
		measure 'memchr pass (wc -l, TSV)' wc -l "$f" | awk -F'\t' '{ printf "| %s | – | %s | %s | %s |\n", $1, $2, $3, $4 }'
		for n in $SCALE_OWNERS; do
			f=$SD/deals-$rows-r$n.tsv
			[[ -s $f ]] || "$GEN_DEALS" -n "$rows" -r "$n" -s "$SEED" --format tsv -o "$f"
			measure 'spm-track, TSV, quarter' "$SPM_TRACK" --map salesforce --grain quarter "$f" -q |
				awk -F'\t' -v n="$n" '{ printf "| %s | %s | %s | %s | %s |\n", $1, n, $2, $3, $4 }'
		done
		# every program at 50,000 owners: the export, its roster, goals for each rep
		n=50000
		f=$SD/deals-$rows-r$n.tsv
		[[ -s $f && -s $SD/roster-$n.tsv ]] ||
			"$GEN_DEALS" -n "$rows" -r "$n" -s "$SEED" --format tsv --roster "$SD/roster-$n.tsv" -o "$f"
		# four quarterly goals per rep: 200,000 goals at 50,000 reps
		awk -F'\t' 'BEGIN { OFS = "\t"; print "owner", "period", "metric", "target", "category" }
			NR > 1 { for (q = 1; q <= 4; q++) print $1, "2025-Q" q, "won_revenue", 100000 + NR, "financial" }' \
			"$SD/roster-$n.tsv" >"$SD/goals-$n.tsv"
		awk -F'\t' 'BEGIN { OFS = "\t"; print "owner", "period", "metric", "target" }
			NR > 1 && !seen[$2]++ { print $2, "2025-Q3", "won_revenue", 5000000 + NR; print $2, "2025-Q3", "won_deals", 900 }' \
			"$SD/roster-$n.tsv" >"$SD/goals-team-$n.tsv"
		"$SPM_TRACK" --map salesforce --goals "$SD/goals-$n.tsv" --as-of 2025-08-15 -q "$f" >"$SD/progress-$n.tsv"
		# spm-report's inputs: 4 quarters x 3 metrics per rep, in the middle of the last quarter
		local R=$SD/report-$n
		awk -F'\t' 'BEGIN { OFS = "\t"; print "owner", "period", "metric", "target" }
			NR > 1 { for (q = 1; q <= 4; q++) { print $1, "2025-Q" q, "won_revenue", 100000 + NR % 50000
				print $1, "2025-Q" q, "won_deals", 3 + NR % 4; print $1, "2025-Q" q, "win_rate", "0.45" } }' \
			"$SD/roster-$n.tsv" >"$R-goals.tsv"
		awk -F'\t' 'BEGIN { OFS = "\t"; print "owner", "period", "metric", "rating" }
			NR > 1 { print $1, "2025-Q4", "score", 1 + NR % 5; print $1, "2025-Q4", "won_revenue", 1 + NR * 7 % 5 }' \
			"$SD/roster-$n.tsv" >"$R-self.tsv"
		"$SPM_TRACK" --map salesforce --goals "$R-goals.tsv" --as-of 2025-11-15 -q "$f" >"$R-progress.tsv"
		"$SPM_SCORE" -q --roster "$SD/roster-$n.tsv" --group team "$R-progress.tsv" >"$R-scores.tsv"
		"$SPM_SCORE" -q --plan "$ROOT/examples/incentive-plan.tsv" --plan-name enterprise --roster "$SD/roster-$n.tsv" \
			"$R-progress.tsv" >"$R-payouts.tsv"
		local rep=("$SPM_REPORT" --as-of 2025-11-15)
		{
			measure 'spm-track, TSV, quarter' "$SPM_TRACK" --map salesforce --grain quarter "$f" -q
			measure 'spm-track --roster --level team' "$SPM_TRACK" --map salesforce --roster "$SD/roster-$n.tsv" --level team "$f" -q
			measure 'spm-track --goals (progress)' "$SPM_TRACK" --map salesforce --goals "$SD/goals-$n.tsv" --as-of 2025-08-15 "$f" -q
			measure 'spm-goal split --into week (200,000 goals)' "$SPM_GOAL" split --into week -q "$SD/goals-$n.tsv"
			measure 'spm-goal allocate (team goals to reps)' "$SPM_GOAL" allocate -q --roster "$SD/roster-$n.tsv" "$SD/goals-team-$n.tsv"
			measure 'spm-goal rollup --level team (200,000 goals)' "$SPM_GOAL" rollup -q --roster "$SD/roster-$n.tsv" --level team "$SD/goals-$n.tsv"
			measure 'spm-goal check (200,000 goals)' "$SPM_GOAL" check -q --roster "$SD/roster-$n.tsv" --as-of 2025-01-01 "$SD/goals-$n.tsv"
			measure 'spm-score' "$SPM_SCORE" -q "$SD/progress-$n.tsv"
			measure 'spm-report leaderboard (progress, scores)' "${rep[@]}" -k leaderboard "$R-progress.tsv" "$R-scores.tsv"
			measure 'spm-report scorecard (progress, scores)' "${rep[@]}" -k scorecard "$R-progress.tsv" "$R-scores.tsv"
			measure 'spm-report team (--roster, progress, scores)' "${rep[@]}" -k team --roster "$SD/roster-$n.tsv" \
				"$R-progress.tsv" "$R-scores.tsv"
			measure 'spm-report progress' "${rep[@]}" -k progress "$R-progress.tsv"
			measure 'spm-report statement (payouts)' "${rep[@]}" -k statement "$R-payouts.tsv"
			measure 'spm-report feedback (--self, --catalog)' "${rep[@]}" -k feedback --roster "$SD/roster-$n.tsv" \
				--catalog "$ROOT/examples/catalog.tsv" --self "$R-self.tsv" "$R-progress.tsv" "$R-scores.tsv"
		} | awk -F'\t' -v n="$n" '{ printf "| %s | %s | %s | %s | %s |\n", $1, n, $2, $3, $4 }'
		printf '\nload average after: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
	} >"$tmp"
	mv -f -- "$tmp" "$results"
	printf '\n'
	cat -- "$results"
	printf '\nwritten: %s\n' "$results"
}

scale_table
exit "$status"
