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
# The peer, where the owners grow: DuckDB doing spm-track's whole job (the 7 metrics of an
# export per owner and quarter, long form with numerator and denominator, in byte order),
# its output checked byte for byte against spm-track's, so the growth of the two is compared
# on the same work. It is the @duckdb/node-api that scripts/bench.sh installs in
# $BENCH_DIR/node; when missing, the rows are skipped with the command that installs it.
#
# Environment:
#   BENCH_ROWS          rows of each generated export (default 1000000)
#   BENCH_SCALE_OWNERS  owner counts (gen-deals --reps) (default 100 1000 10000 100000 1000000)
#   BENCH_SCALE_RUNS    runs per command; the median is shown (default 3)
#   BENCH_DIR           work folder (default .bench/ in the repo); BENCH_SEED (default 42)
#   BENCH_SCALE_PEER_OWNERS  owner counts DuckDB runs at too (default 100 100000)
#   BENCH_SCALE_GOAL_OWNERS  reps of spm-track --goals, 4 quarterly goals each (default 1000 200000)
#   BENCH_DUCKDB_VERSION     npm version of @duckdb/node-api (default 1.5.6-r.1)
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
PEER_OWNERS=${BENCH_SCALE_PEER_OWNERS:-100 100000}
GOAL_OWNERS=${BENCH_SCALE_GOAL_OWNERS:-1000 200000}
DUCKDB_VERSION=${BENCH_DUCKDB_VERSION:-1.5.6-r.1}
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

# DuckDB, when scripts/bench.sh installed it: the script goes beside its node_modules.
DUCK_DIR=$DIR/node
DUCK_JS=''
duck_ready() {
	local pkg=$DUCK_DIR/node_modules/@duckdb/node-api/package.json have=''
	command -v node >/dev/null 2>&1 && [[ -f $pkg ]] &&
		have=$(node -e 'console.log(require(process.argv[1]).version)' "$pkg" 2>/dev/null || true)
	if [[ $have != "$DUCKDB_VERSION" ]]; then
		printf 'bench-scale: DuckDB rows skipped: @duckdb/node-api %s not in %s (make bench installs it; or: npm install --prefix %s @duckdb/node-api@%s)\n' \
			"$DUCKDB_VERSION" "$DUCK_DIR" "$DUCK_DIR" "$DUCKDB_VERSION" >&2
		return 1
	fi
	DUCK_JS=$DUCK_DIR/spm-bench-actuals.mjs
	cat >"$DUCK_JS" <<'EOF'
// generated by scripts/bench-scale.sh: spm-track's actuals of an export done by DuckDB: every
// deal metric per owner and quarter, long form, the numerator and denominator of ratios,
// rounded half away from zero, in byte order. argv: the TSV export, the output file
import { DuckDBInstance } from '@duckdb/node-api';
const [file, out] = process.argv.slice(2);
const lit = (s) => "'" + s.replace(/'/g, "''") + "'";
// fixed(n, d, p): n/d at p decimals, half away from zero, n and d HUGEINT, d > 0
const fixed = (n, d, p) => `(CASE WHEN ${n} < 0 THEN '-' ELSE '' END ||
  CAST((2 * abs(${n}) * ${10 ** p} + (${d})) // (2 * (${d})) // ${10 ** p} AS VARCHAR) || '.' ||
  lpad(CAST((2 * abs(${n}) * ${10 ** p} + (${d})) // (2 * (${d})) % ${10 ** p} AS VARCHAR), ${p}, '0'))`;
// exact(c): cents c with no trailing zero
const exact = (c) => `(CASE WHEN ${c} % 100 = 0 THEN CAST(${c} // 100 AS VARCHAR)
  ELSE rtrim(${fixed(c, 100, 2)}, '0') END)`;
const sql = `COPY (
WITH d AS (SELECT * FROM read_csv(${lit(file)}, header = true, delim = '\t', quote = '', escape = '',
    auto_detect = false, columns = {
      'Opportunity ID': 'VARCHAR', 'Opportunity Name': 'VARCHAR', 'Account Name': 'VARCHAR',
      'Opportunity Owner': 'VARCHAR', 'Stage': 'VARCHAR', 'Amount': 'DECIMAL(18,2)',
      'Close Date': 'DATE', 'Created Date': 'DATE', 'Type': 'VARCHAR', 'Lead Source': 'VARCHAR'})),
g AS (SELECT replace(replace(replace(replace("Opportunity Owner", '\\', '\\\\'), chr(9), '\\t'), chr(10), '\\n'),
    chr(13), '\\r') AS owner,
  CAST(year("Close Date") AS VARCHAR) || '-Q' || CAST(quarter("Close Date") AS VARCHAR) AS period,
  CAST(coalesce(sum(Amount) FILTER (WHERE Stage = 'Closed Won'), 0) * 100 AS HUGEINT) AS won,
  CAST(count(*) FILTER (WHERE Stage = 'Closed Won') AS HUGEINT) AS won_deals,
  CAST(count(*) FILTER (WHERE Stage = 'Closed Lost') AS HUGEINT) AS lost_deals,
  coalesce(sum(Amount) FILTER (WHERE Stage NOT IN ('Closed Won', 'Closed Lost')), 0) AS pipeline,
  CAST(coalesce(sum(datediff('day', "Created Date", "Close Date")) FILTER (WHERE Stage = 'Closed Won'), 0) AS HUGEINT) AS days
  FROM d GROUP BY ALL)
SELECT owner, period, m.* FROM g, LATERAL (VALUES
 ('avg_deal', CASE WHEN won_deals > 0 THEN ${fixed('won', 'won_deals * 100', 2)} ELSE '' END, ${exact('won')}, CAST(won_deals AS VARCHAR)),
 ('cycle_days', CASE WHEN won_deals > 0 THEN ${fixed('days', 'won_deals', 2)} ELSE '' END, CAST(days AS VARCHAR), CAST(won_deals AS VARCHAR)),
 ('lost_deals', CAST(lost_deals AS VARCHAR), '', ''),
 ('pipeline', CAST(pipeline AS VARCHAR), '', ''),
 ('win_rate', CASE WHEN won_deals + lost_deals > 0 THEN ${fixed('won_deals', 'won_deals + lost_deals', 4)} ELSE '' END,
   CAST(won_deals AS VARCHAR), CAST(won_deals + lost_deals AS VARCHAR)),
 ('won_deals', CAST(won_deals AS VARCHAR), '', ''),
 ('won_revenue', ${fixed('won', '100', 2)}, '', '')) m(metric, value, numerator, denominator)
ORDER BY owner, period, metric) TO ${lit(out)} (FORMAT csv, DELIMITER '\t', HEADER true, QUOTE '', ESCAPE '')`;
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
await con.run(sql);
EOF
}

# peer_rows F N: DuckDB on export F of N owners, if its output is spm-track's byte for byte
peer_rows() {
	local f=$1 n=$2 mine=$OUTDIR/scale-spm.tsv theirs=$OUTDIR/scale-duckdb.tsv
	TMPFILES+=("$mine" "$theirs")
	"$SPM_TRACK" --map salesforce --grain quarter "$f" -q -o "$mine" || { status=1; return 0; }
	if ! node "$DUCK_JS" "$f" "$theirs" 2>"$OUTDIR/scale.err" || ! cmp -s "$mine" "$theirs"; then
		loud "DuckDB at $n owners: its actuals are not spm-track's ($(tail -n 1 "$OUTDIR/scale.err"))"
		status=1
		printf '| DuckDB, the same actuals | %s | differs | – | – |\n' "$n"
		return 0
	fi
	local row
	row=$(measure 'DuckDB, the same actuals (byte-identical)' node "$DUCK_JS" "$f" /dev/null)
	seconds "$(cut -f2 <<<"$row")" && DUCK_AT[$n]=$(cut -f2 <<<"$row")
	awk -F'\t' -v n="$n" '{ printf "| %s | %s | %s | %s | %s |\n", $1, n, $2, $3, $4 }' <<<"$row"
}

# growth: the time at the most owners DuckDB ran at over the time at the fewest, for both
# (what grows with the owners is the output too: 7 rows per owner and quarter)
declare -A SPM_AT=() DUCK_AT=()
seconds() { [[ $1 =~ ^[0-9]+(\.[0-9]+)?$ ]]; }
growth() {
	local lo='' hi='' n
	for n in $PEER_OWNERS; do
		[[ -n ${DUCK_AT[$n]:-} && -n ${SPM_AT[$n]:-} ]] || continue
		[[ -z $lo ]] && lo=$n
		hi=$n
	done
	[[ -n $lo && $hi != "$lo" ]] || return 0
	awk -v lo="$lo" -v hi="$hi" -v a="${SPM_AT[$lo]}" -v b="${SPM_AT[$hi]}" -v c="${DUCK_AT[$lo]}" -v d="${DUCK_AT[$hi]}" \
		'BEGIN { if (a > 0 && c > 0) printf "| growth, %s to %s owners: spm-track %.1fx, DuckDB %.1fx; spm-track %.1fx as fast at %s | | | | |\n", lo, hi, b / a, d / c, d / b, hi }'
}

scale_table() {
	local SD=$DIR/scale n f rows=$ROWS row
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
			row=$(measure 'spm-track, TSV, quarter' "$SPM_TRACK" --map salesforce --grain quarter "$f" -q)
			seconds "$(cut -f2 <<<"$row")" && SPM_AT[$n]=$(cut -f2 <<<"$row")
			awk -F'\t' -v n="$n" '{ printf "| %s | %s | %s | %s | %s |\n", $1, n, $2, $3, $4 }' <<<"$row"
			if [[ -n $DUCK_JS && " $PEER_OWNERS " == *" $n "* ]]; then
				peer_rows "$f" "$n"
			fi
		done
		growth
		# spm-track --goals as the reps grow: four quarterly goals per rep of the roster
		for n in $GOAL_OWNERS; do
			f=$SD/deals-$rows-r$n-roster.tsv
			[[ -s $f && -s $SD/roster-$n.tsv ]] ||
				"$GEN_DEALS" -n "$rows" -r "$n" -s "$SEED" --format tsv --roster "$SD/roster-$n.tsv" -o "$f"
			awk -F'\t' 'BEGIN { OFS = "\t"; print "owner", "period", "metric", "target", "category" }
				NR > 1 { for (q = 1; q <= 4; q++) print $1, "2025-Q" q, "won_revenue", 100000 + NR, "financial" }' \
				"$SD/roster-$n.tsv" >"$SD/goals-grow-$n.tsv"
			measure "spm-track --goals ($((4 * n)) goals)" "$SPM_TRACK" --map salesforce --goals "$SD/goals-grow-$n.tsv" \
				--as-of 2025-08-15 "$f" -q | awk -F'\t' -v n="$n" '{ printf "| %s | %s | %s | %s | %s |\n", $1, n, $2, $3, $4 }'
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
	# measure runs in subshells here (a pipe, a command substitution): its status is lost
	# there, so a failed or differing row is found in the table itself
	if grep -q -e '| failed |' -e '| differs |' "$results"; then
		status=1
	fi
	printf '\n'
	cat -- "$results"
	printf '\nwritten: %s\n' "$results"
}

duck_ready || true
scale_table
exit "$status"
