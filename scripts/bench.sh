#!/usr/bin/env bash
# scripts/bench.sh — benchmark spm-track against peer tools (run by `make bench`).
#
# One job, done by every tool: won revenue (exact to the cent) and won deal count per
# owner per calendar quarter, from a Salesforce-style deals export made by bin/gen-deals.
# Every tool prints the same normalized TSV (no header, sorted with LC_ALL=C sort):
#
#     owner <TAB> period <TAB> won_revenue <TAB> won_deals
#
# Each output is checked against spm-track's (diff); all the commands are then timed in
# ONE hyperfine run, and a Markdown table is printed and written to
# $BENCH_DIR/results-$BENCH_ROWS.md.
#
# A second job, in the same table: the same totals from a dirty export (gen-deals --dirty:
# about 0.3 % of the rows are Closed Won without an Amount, an impossible Close Date or an
# empty Stage), keeping the bad rows aside with a reason, in one run.
#   spm-track: --reject FILE, all threads (the reject file is in input order).
#   DuckDB:    one node process, all threads: read_csv with explicit types (Amount
#              DECIMAL(18,2), Close Date DATE) and store_rejects = true, which sets the rows
#              that fail a cast aside in reject_errors; the rows the data rules reject (empty
#              Stage, a won or lost deal without a Close Date, a won deal without an Amount)
#              are selected with a reason; both sets go to one TSV file (COPY, not sorted);
#              the totals are computed over the other rows of the same in-memory table.
# Both must give the same totals and the same number of rejected rows.
#
# And spm-track alone, the clean export with split and overlay credit (--credits, a file of
# gen-deals --credits --split 7 --overlay 3: about a fifth as many rows as the export),
# against the same run without: the company's won revenue must not change.
#
# Environment:
#   BENCH_ROWS  rows in the generated export          (default 1000000)
#   BENCH_RUNS  timed runs per command, after 1 warmup (default 5)
#   BENCH_DIR   work folder: data, peers, outputs      (default .bench/ in the repo)
#   BENCH_SEED  seed given to gen-deals                (default 42)
#   BENCH_DUCKDB_VERSION  npm version of @duckdb/node-api (default 1.5.6-r.1)
#   SPM_TRACK, GEN_DEALS  the programs (default bin/spm-track, bin/gen-deals)
#   BENCH_SCALE        0: no second table (scripts/bench-scale.sh, which says what it measures)
#
# Exit status: 0 all outputs equal; 1 a mismatch, a failed tool or no spm-track;
# 2 usage error or a missing prerequisite (gen-deals, hyperfine).

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROWS=${BENCH_ROWS:-1000000}
RUNS=${BENCH_RUNS:-5}
SEED=${BENCH_SEED:-42}
DIR=${BENCH_DIR:-$ROOT/.bench}
SPM_TRACK=${SPM_TRACK:-$ROOT/bin/spm-track}
GEN_DEALS=${GEN_DEALS:-$ROOT/bin/gen-deals}
DUCKDB_VERSION=${BENCH_DUCKDB_VERSION:-1.5.6-r.1}

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 2; }
loud() {
	printf '\nbench: !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' >&2
	printf 'bench: !!! %s\n' "$@" >&2
	printf 'bench: !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n' >&2
}

case $ROWS in '' | *[!0-9]* | 0) die "BENCH_ROWS must be a positive integer (got '$ROWS')" ;; esac
case $RUNS in '' | *[!0-9]* | 0) die "BENCH_RUNS must be a positive integer (got '$RUNS')" ;; esac
case $SEED in '' | *[!0-9]*) die "BENCH_SEED must be a non-negative integer (got '$SEED')" ;; esac

mkdir -p "$DIR" || die "cannot create $DIR"
DIR=$(cd "$DIR" && pwd)
CMDDIR=$DIR/cmd
OUTDIR=$DIR/out
mkdir -p "$CMDDIR" "$OUTDIR"

TMPFILES=()
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() { if ((${#TMPFILES[@]})); then rm -f -- "${TMPFILES[@]}"; fi; }
trap cleanup EXIT

status=0 # becomes 1 on a mismatch or a failed tool

# --- prerequisites ---------------------------------------------------------------------

APT_UPDATED=0
# need CMD PACKAGE: make sure CMD exists; install PACKAGE with apt-get when root.
need() {
	local cmd=$1 pkg=$2
	if command -v "$cmd" >/dev/null 2>&1; then return 0; fi
	if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
		say "$cmd is missing; install it with: sudo apt-get install -y $pkg"
		return 1
	fi
	say "$cmd is missing: apt-get install -y $pkg"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" >&2; then
		if ((APT_UPDATED == 0)); then
			APT_UPDATED=1
			DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 || true
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" >&2 || true
		fi
	fi
	if command -v "$cmd" >/dev/null 2>&1; then return 0; fi
	say "could not install $pkg; run: apt-get install -y $pkg"
	return 1
}

need hyperfine hyperfine || die "hyperfine is required to time the tools"
HAVE_TIME=1
if [[ ! -x /usr/bin/time ]]; then
	need /usr/bin/time time || HAVE_TIME=0
fi
# awk and sort are used by the script itself (outside the timed commands).
command -v awk >/dev/null 2>&1 || die "awk is required"

# --- data --------------------------------------------------------------------------------

CSV=$DIR/deals-$ROWS-s$SEED.csv
TSV=$DIR/deals-$ROWS-s$SEED.tsv

# gen FORMAT FILE [OPTION...]: generate FILE unless it is there, non-empty and newer than
# gen-deals.
gen() {
	local fmt=$1 file=$2 tmp
	shift 2
	if [[ -s $file && (! -e $GEN_DEALS || $file -nt $GEN_DEALS) ]]; then
		say "reusing $file"
		return 0
	fi
	[[ -x $GEN_DEALS ]] || die "$GEN_DEALS not found or not executable (build it: make) and no $file to reuse"
	tmp=$file.tmp$$.$fmt
	TMPFILES+=("$tmp")
	say "generating $file ($ROWS rows, seed $SEED)"
	"$GEN_DEALS" -n "$ROWS" -s "$SEED" --format "$fmt" "$@" -o "$tmp" || die "gen-deals failed for $file"
	[[ -s $tmp ]] || die "gen-deals wrote nothing to $tmp"
	mv -f -- "$tmp" "$file"
}
DIRTY=$DIR/deals-$ROWS-s$SEED-dirty.csv
gen csv "$CSV"
gen tsv "$TSV"
gen csv "$DIRTY" --dirty
# the credits of the clean export (gen-deals writes the same export with or without them)
CREDITS=$DIR/credits-$ROWS-s$SEED.tsv
if [[ -s $CREDITS && (! -e $GEN_DEALS || $CREDITS -nt $GEN_DEALS) ]]; then
	say "reusing $CREDITS"
else
	[[ -x $GEN_DEALS ]] || die "$GEN_DEALS not found or not executable (build it: make) and no $CREDITS to reuse"
	TMPFILES+=("$CREDITS.tmp$$")
	say "generating $CREDITS"
	"$GEN_DEALS" -n "$ROWS" -s "$SEED" --credits "$CREDITS.tmp$$" --split 7 --overlay 3 -o /dev/null ||
		die "gen-deals failed for $CREDITS"
	mv -f -- "$CREDITS.tmp$$" "$CREDITS"
fi
CREDIT_ROWS=$(($(wc -l <"$CREDITS") - 1))

CSV_BYTES=$(stat -c %s -- "$CSV")
TSV_BYTES=$(stat -c %s -- "$TSV")
DIRTY_BYTES=$(stat -c %s -- "$DIRTY")
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
printf 'data: %s  %s bytes (%s MB)\n' "$CSV" "$CSV_BYTES" "$(mb "$CSV_BYTES")"
printf 'data: %s  %s bytes (%s MB)\n' "$TSV" "$TSV_BYTES" "$(mb "$TSV_BYTES")"
printf 'data: %s  %s bytes (%s MB)\n' "$DIRTY" "$DIRTY_BYTES" "$(mb "$DIRTY_BYTES")"
printf 'data: %s  %s credit rows\n' "$CREDITS" "$CREDIT_ROWS"

# --- the tools -----------------------------------------------------------------------------
# Each tool gets a wrapper script in $CMDDIR that prints its result on stdout; the timed
# command is `bash WRAPPER > OUT`. Parallel arrays, one entry per tool:
T_ID=() T_TOOL=() T_INPUT=() T_THREADS=() T_CMD=() T_STATE=() T_NOTE=()
add_tool() { # id tool input threads wrapper state note
	T_ID+=("$1") T_TOOL+=("$2") T_INPUT+=("$3") T_THREADS+=("$4") T_CMD+=("$5") T_STATE+=("$6") T_NOTE+=("$7")
}
# wrapper NAME: start a wrapper script on stdout (caller appends the body).
wrapper_head() {
	printf '#!/usr/bin/env bash\n# generated by scripts/bench.sh\nset -euo pipefail\n'
	printf 'csv=%q\ntsv=%q\ndirty=%q\n' "$CSV" "$TSV" "$DIRTY"
}
NPROC=$(nproc 2>/dev/null || echo 1)

# spm-track (the reference), on CSV and TSV, all cores and 1 thread.
SPM_OK=0
if [[ -x $SPM_TRACK ]]; then
	SPM_OK=1
	for v in csv tsv csv-t1; do
		in=${v%-t1} thr=$NPROC extra=''
		if [[ $v == *-t1 ]]; then thr=1 extra=' --threads 1'; fi
		{
			wrapper_head
			printf 'spm=%q\n' "$SPM_TRACK"
			# shellcheck disable=SC2016  # $spm and $csv/$tsv expand in the wrapper
			printf 'exec "$spm" --map salesforce --metrics won_revenue,won_deals --grain quarter%s "$%s"\n' "$extra" "$in"
		} >"$CMDDIR/spm-track-$v.sh"
		tool=spm-track
		[[ $v == *-t1 ]] && tool='spm-track --threads 1'
		add_tool "spm-track/$v" "$tool" "$in" "$thr" "$CMDDIR/spm-track-$v.sh" ok "long output made wide by awk (outside the timing)"
	done
	# the dirty export: bad rows to a reject file (TSV with a reason, in input order)
	{
		wrapper_head
		printf 'spm=%q\nrejects=%q\n' "$SPM_TRACK" "$OUTDIR/spm-track-rejects.tsv"
		# shellcheck disable=SC2016
		printf '%s\n' 'exec "$spm" --map salesforce --metrics won_revenue,won_deals --grain quarter --reject "$rejects" "$dirty"'
	} >"$CMDDIR/spm-track-csv-reject.sh"
	add_tool spm-track/csv-reject "spm-track --reject" dirty "$NPROC" "$CMDDIR/spm-track-csv-reject.sh" ok \
		"--reject FILE: bad rows with their reason, in input order"
	# the clean export with split and overlay credit
	{
		wrapper_head
		printf 'spm=%q\ncredits=%q\n' "$SPM_TRACK" "$CREDITS"
		# shellcheck disable=SC2016
		printf '%s\n' 'exec "$spm" --map salesforce --metrics won_revenue,won_deals --grain quarter --credits "$credits" "$csv"'
	} >"$CMDDIR/spm-track-csv-credits.sh"
	add_tool spm-track/csv-credits "spm-track --credits" csv "$NPROC" "$CMDDIR/spm-track-csv-credits.sh" ok \
		"--credits FILE ($CREDIT_ROWS credit rows): totals per credited owner, so only the company's won revenue is compared"
else
	loud "spm-track not found at $SPM_TRACK (build it: make)" "peers are only compared with each other; exit status will be 1"
fi

# DuckDB through its Node.js API (the engine ships inside the npm package).
DUCK_DIR=$DIR/node
DUCK_PKG=$DUCK_DIR/node_modules/@duckdb/node-api/package.json
duck_state=skipped duck_note=''
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	duck_note="node/npm missing; install Node.js >= 20 and npm, then: npm install --prefix $DUCK_DIR @duckdb/node-api@$DUCKDB_VERSION"
	say "duckdb skipped: $duck_note"
else
	have=''
	[[ -f $DUCK_PKG ]] && have=$(node -e 'console.log(require(process.argv[1]).version)' "$DUCK_PKG" 2>/dev/null || true)
	if [[ $have != "$DUCKDB_VERSION" ]]; then
		say "installing @duckdb/node-api@$DUCKDB_VERSION into $DUCK_DIR"
		mkdir -p "$DUCK_DIR"
		npm install --prefix "$DUCK_DIR" --no-audit --no-fund --loglevel=error \
			"@duckdb/node-api@$DUCKDB_VERSION" >&2 || say "npm install failed"
		have=$(node -e 'console.log(require(process.argv[1]).version)' "$DUCK_PKG" 2>/dev/null || true)
	fi
	if [[ $have == "$DUCKDB_VERSION" ]]; then
		duck_state=ok
		duck_note="@duckdb/node-api $have; read_csv with explicit types, Amount DECIMAL(18,2), sum in DECIMAL"
	else
		duck_note="npm install --prefix $DUCK_DIR @duckdb/node-api@$DUCKDB_VERSION failed"
		say "duckdb skipped: $duck_note"
	fi
fi
mkdir -p "$DUCK_DIR"
cat >"$DUCK_DIR/spm-bench-duckdb.mjs" <<'EOF'
// generated by scripts/bench.sh: won revenue and won deals per owner per quarter
import { DuckDBInstance } from '@duckdb/node-api';
const file = process.argv[2];
const lit = (s) => "'" + s.replace(/'/g, "''") + "'";
const sql = `
WITH d AS (
  SELECT * FROM read_csv(${lit(file)}, header = true, delim = ',', quote = '"', escape = '"',
    auto_detect = false, columns = {
      'Opportunity ID': 'VARCHAR', 'Opportunity Name': 'VARCHAR', 'Account Name': 'VARCHAR',
      'Opportunity Owner': 'VARCHAR', 'Stage': 'VARCHAR', 'Amount': 'DECIMAL(18,2)',
      'Close Date': 'DATE', 'Created Date': 'DATE', 'Type': 'VARCHAR', 'Lead Source': 'VARCHAR'})
)
SELECT replace(replace(replace(replace("Opportunity Owner", '\\', '\\\\'),
         chr(9), '\\t'), chr(10), '\\n'), chr(13), '\\r') AS owner,
       CAST(year("Close Date") AS VARCHAR) || '-Q' || CAST(quarter("Close Date") AS VARCHAR) AS period,
       CAST(coalesce(sum(Amount), 0) AS VARCHAR) AS won_revenue,
       CAST(count(*) AS VARCHAR) AS won_deals
FROM d WHERE Stage = 'Closed Won'
GROUP BY ALL ORDER BY owner, period`;
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const rows = (await con.runAndReadAll(sql)).getRows();
process.stdout.write(rows.map((r) => r.join('\t')).join('\n') + (rows.length ? '\n' : ''));
EOF
{
	wrapper_head
	printf 'js=%q\n' "$DUCK_DIR/spm-bench-duckdb.mjs"
	# shellcheck disable=SC2016
	printf '%s\n' 'node "$js" "$csv" | LC_ALL=C sort'
} >"$CMDDIR/duckdb-csv.sh"
add_tool duckdb/csv "duckdb $DUCKDB_VERSION (node)" csv "$NPROC" "$CMDDIR/duckdb-csv.sh" "$duck_state" "$duck_note"

# DuckDB, the dirty export: the job of spm-track --reject in one run (see the top of this
# file). Its rows are those that spm-track rejects in a gen-deals --dirty export: a cast
# error (there, an impossible Close Date), an empty Stage, a won or lost deal without a
# Close Date, a won deal without an Amount.
cat >"$DUCK_DIR/spm-bench-duckdb-reject.mjs" <<'EOF'
// generated by scripts/bench.sh: won revenue and won deals per owner per quarter of a
// dirty export, the bad rows written to a file with a reason, in one run
import { DuckDBInstance } from '@duckdb/node-api';
const [file, rejects] = process.argv.slice(2);
const lit = (s) => "'" + s.replace(/'/g, "''") + "'";
const cols = ['Opportunity ID', 'Opportunity Name', 'Account Name', 'Opportunity Owner', 'Stage', 'Amount',
  'Close Date', 'Created Date', 'Type', 'Lead Source'];
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
// the rows that fail a cast go to reject_errors (the raw record and the error)
await con.run(`
CREATE TEMP TABLE d AS
  SELECT * FROM read_csv(${lit(file)}, header = true, delim = ',', quote = '"', escape = '"',
    auto_detect = false, store_rejects = true, columns = {
      'Opportunity ID': 'VARCHAR', 'Opportunity Name': 'VARCHAR', 'Account Name': 'VARCHAR',
      'Opportunity Owner': 'VARCHAR', 'Stage': 'VARCHAR', 'Amount': 'DECIMAL(18,2)',
      'Close Date': 'DATE', 'Created Date': 'DATE', 'Type': 'VARCHAR', 'Lead Source': 'VARCHAR'})`);
const why = `CASE WHEN coalesce(Stage, '') = '' THEN 'empty stage'
  WHEN "Close Date" IS NULL AND Stage IN ('Closed Won', 'Closed Lost') THEN 'closed deal without a close date'
  WHEN Stage = 'Closed Won' AND Amount IS NULL THEN 'won deal without an amount' END`;
await con.run(`
COPY (
  SELECT line, csv_line AS record, error_message AS reason FROM reject_errors
  UNION ALL
  SELECT NULL, concat_ws(chr(9), ${cols.map((c) => `coalesce(CAST("${c}" AS VARCHAR), '')`).join(', ')}), ${why}
  FROM d WHERE ${why} IS NOT NULL
) TO ${lit(rejects)} (FORMAT csv, DELIMITER '\t', HEADER)`);
const rows = (await con.runAndReadAll(`
SELECT replace(replace(replace(replace("Opportunity Owner", '\\', '\\\\'),
         chr(9), '\\t'), chr(10), '\\n'), chr(13), '\\r') AS owner,
       CAST(year("Close Date") AS VARCHAR) || '-Q' || CAST(quarter("Close Date") AS VARCHAR) AS period,
       CAST(coalesce(sum(Amount), 0) AS VARCHAR) AS won_revenue,
       CAST(count(*) AS VARCHAR) AS won_deals
FROM d WHERE Stage = 'Closed Won' AND ${why} IS NULL
GROUP BY ALL ORDER BY owner, period`)).getRows();
const n = (await con.runAndReadAll(`SELECT (SELECT count(*) FROM reject_errors)
  + (SELECT count(*) FROM d WHERE ${why} IS NOT NULL)`)).getRows()[0][0];
process.stderr.write(`duckdb: ${n} rejected\n`);
process.stdout.write(rows.map((r) => r.join('\t')).join('\n') + (rows.length ? '\n' : ''));
EOF
{
	wrapper_head
	printf 'js=%q\nrejects=%q\n' "$DUCK_DIR/spm-bench-duckdb-reject.mjs" "$OUTDIR/duckdb-rejects.tsv"
	# shellcheck disable=SC2016
	printf '%s\n' 'node "$js" "$dirty" "$rejects" | LC_ALL=C sort'
} >"$CMDDIR/duckdb-csv-reject.sh"
add_tool duckdb/csv-reject "duckdb $DUCKDB_VERSION (node), rejects" dirty "$NPROC" "$CMDDIR/duckdb-csv-reject.sh" \
	"$duck_state" "read_csv with explicit types and store_rejects; the data rules as a query; rejects to a TSV file (COPY); totals over the other rows"

# sqlite3: .import --csv into an in-memory table, sum of integer cents.
sq_state=skipped sq_note='apt-get install -y sqlite3'
if need sqlite3 sqlite3; then
	sq_state=ok
	sq_note="sqlite3 $(sqlite3 --version | cut -d' ' -f1); .import --csv (all TEXT), sum(CAST(round(Amount*100) AS INTEGER))"
fi
cat >"$CMDDIR/sqlite3.sql" <<'EOF'
.bail on
.import --csv deals.csv deals
.mode tabs
.headers off
WITH w AS (
  SELECT "Opportunity Owner" AS owner,
         substr("Close Date", 1, 4) || '-Q' || ((CAST(substr("Close Date", 6, 2) AS INTEGER) + 2) / 3) AS period,
         CAST(round(CAST(Amount AS REAL) * 100) AS INTEGER) AS cents
  FROM deals WHERE Stage = 'Closed Won'
), g AS (
  SELECT owner, period, sum(cents) AS c, count(*) AS n FROM w GROUP BY owner, period
)
SELECT replace(replace(replace(replace(owner, char(92), char(92, 92)), char(9), char(92, 116)),
         char(10), char(92, 110)), char(13), char(92, 114)),
       period,
       CASE WHEN c < 0 THEN '-' ELSE '' END || (abs(c) / 100) || '.' || printf('%02d', abs(c) % 100),
       n
FROM g ORDER BY 1, 2;
EOF
# sqlite3's .import takes a bare file name; the wrapper works in $DIR/cmd with a symlink.
ln -sf -- "$CSV" "$CMDDIR/deals.csv"
{
	wrapper_head
	printf 'cd %q\n' "$CMDDIR"
	printf '%s\n' 'sqlite3 -batch -bail :memory: <sqlite3.sql | LC_ALL=C sort'
} >"$CMDDIR/sqlite3-csv.sh"
add_tool sqlite3/csv "sqlite3" csv 1 "$CMDDIR/sqlite3-csv.sh" "$sq_state" "$sq_note"

# Miller: CSV reader (RFC 4180), types not inferred (-S), Amount turned into integer cents
# from its text, stats1 sums the ints (Miller ints are 64-bit).
mlr_state=skipped mlr_note='apt-get install -y miller'
if need mlr miller; then
	mlr_state=ok
	mlr_note="$(mlr --version); -S, integer cents from the Amount text, stats1 sum of ints"
fi
{
	wrapper_head
	cat <<'EOF'
mlr -S --icsv --otsv --headerless-tsv-output \
  filter '$Stage == "Closed Won"' \
  then put -S '
    a = $Amount; s = 1;
    if (a =~ "^-") { s = -1; a = sub(a, "^-", ""); }
    a = sub(sub(a, "\.", ""), "^0+", "");      # "0123.40" -> "12340" (no octal surprise)
    $owner = ${Opportunity Owner};
    d = ${Close Date};
    $period = substr(d, 0, 3) . "-Q" . string((int(sub(substr(d, 5, 6), "^0", "")) + 2) // 3);
    $c = a == "" ? 0 : s * int(a);
  ' \
  then stats1 -a sum,count -f c -g owner,period \
  then put '
    t = $c_sum; sg = t < 0 ? "-" : ""; t = abs(t);
    $won_revenue = sg . string(t // 100) . "." . fmtnum(t % 100, "%02d");
    $won_deals = $c_count;
  ' \
  then cut -o -f owner,period,won_revenue,won_deals "$csv" | LC_ALL=C sort
EOF
} >"$CMDDIR/mlr-csv.sh"
add_tool mlr/csv "mlr" csv 1 "$CMDDIR/mlr-csv.sh" "$mlr_state" "$mlr_note"

# gawk: reads the TSV (awk cannot parse quoted CSV with embedded newlines).
gawk_state=skipped gawk_note='apt-get install -y gawk'
if need gawk gawk; then
	gawk_state=ok
	gawk_note="$(gawk --version | head -n 1 | cut -d, -f1); reads the TSV; integer cents parsed from the Amount text (exact below 2^53 cents)"
fi
{
	wrapper_head
	cat <<'EOF'
LC_ALL=C gawk -F '\t' '
{ sub(/\r$/, "") }
NR == 1 {
  for (i = 1; i <= NF; i++) col[$i] = i
  o = col["Opportunity Owner"]; st = col["Stage"]; am = col["Amount"]; cd = col["Close Date"]
  if (!o || !st || !am || !cd) { print "gawk peer: a column is missing in the header" > "/dev/stderr"; exit 2 }
  next
}
$st == "Closed Won" {
  a = $am; s = 1
  if (substr(a, 1, 1) == "-") { s = -1; a = substr(a, 2) }
  n = split(a, p, ".")
  f = (n > 1) ? substr(p[2] "00", 1, 2) : "00"
  k = $o "\t" substr($cd, 1, 4) "-Q" int((substr($cd, 6, 2) + 2) / 3)
  sum[k] += s * ((p[1] + 0) * 100 + (f + 0)); cnt[k]++
}
END {
  for (k in sum) {
    t = sum[k]; sg = ""; if (t < 0) { sg = "-"; t = -t }
    printf "%s\t%s%d.%02d\t%d\n", k, sg, int(t / 100), t % 100, cnt[k]
  }
}' "$tsv" | LC_ALL=C sort
EOF
} >"$CMDDIR/gawk-tsv.sh"
add_tool gawk/tsv "gawk" tsv 1 "$CMDDIR/gawk-tsv.sh" "$gawk_state" "$gawk_note"

# datamash: reads the TSV. It cannot filter rows, so a gawk step keeps the won rows and
# turns them into owner, quarter, integer cents; datamash groups (-s) and sums the cents
# in long double, exact for integers below 2^64, printed with %.0f; a last awk puts the
# decimal point into the cents text.
dm_state=skipped dm_note='apt-get install -y datamash gawk'
if need datamash datamash && command -v gawk >/dev/null 2>&1; then
	dm_state=ok
	dm_note="$(datamash --version | head -n 1); reads the TSV; gawk filter -> integer cents -> datamash -s -g1,2 sum count (long double, exact for ints < 2^64)"
fi
{
	wrapper_head
	cat <<'EOF'
export LC_ALL=C
gawk -F '\t' -v OFS='\t' '
{ sub(/\r$/, "") }
NR == 1 {
  for (i = 1; i <= NF; i++) col[$i] = i
  o = col["Opportunity Owner"]; st = col["Stage"]; am = col["Amount"]; cd = col["Close Date"]
  if (!o || !st || !am || !cd) { print "datamash peer: a column is missing in the header" > "/dev/stderr"; exit 2 }
  next
}
$st == "Closed Won" {
  a = $am; s = ""
  if (substr(a, 1, 1) == "-") { s = "-"; a = substr(a, 2) }
  n = split(a, p, ".")
  f = (n > 1) ? substr(p[2] "00", 1, 2) : "00"
  c = p[1] f; sub(/^0+/, "", c); if (c == "") c = "0"
  print $o, substr($cd, 1, 4) "-Q" int((substr($cd, 6, 2) + 2) / 3), s c
}' "$tsv" |
  datamash -s --format '%.0f' -g 1,2 sum 3 count 3 |
  gawk -F '\t' -v OFS='\t' '{
    c = $3; s = ""; if (substr(c, 1, 1) == "-") { s = "-"; c = substr(c, 2) }
    while (length(c) < 3) c = "0" c
    print $1, $2, s substr(c, 1, length(c) - 2) "." substr(c, length(c) - 1), $4
  }' | sort
EOF
} >"$CMDDIR/datamash-tsv.sh"
add_tool datamash/tsv "datamash" tsv 1 "$CMDDIR/datamash-tsv.sh" "$dm_state" "$dm_note"

# --- run each tool once: output, exit status, peak RSS -------------------------------------

# spm-track's long output (owner period metric value) -> the normalized wide form.
# Owner/period pairs with 0 won deals and 0.00 revenue (spm-track may list owners that
# only lost deals in a quarter) are dropped, since the peers only see won rows.
to_wide() {
	awk -F '\t' -v OFS='\t' -v dropfile="$2" '
	NR == 1 {
	  if ($0 != "owner\tperiod\tmetric\tvalue") { print "bench: unexpected spm-track header: " $0 > "/dev/stderr"; bad = 1; exit 1 }
	  next
	}
	{
	  k = $1 OFS $2
	  if (!(k in seen)) { seen[k] = 1; keys[++n] = k }
	  if ($3 == "won_revenue") rev[k] = $4
	  else if ($3 == "won_deals") cnt[k] = $4
	  else { print "bench: unexpected metric in spm-track output: " $0 > "/dev/stderr"; bad = 1 }
	}
	END {
	  if (bad) exit 1
	  dropped = 0
	  for (i = 1; i <= n; i++) {
	    k = keys[i]
	    r = (k in rev) ? rev[k] : "MISSING"
	    c = (k in cnt) ? cnt[k] : "MISSING"
	    if (r == "0.00" && c == "0") { dropped++; continue }
	    print k, r, c
	  }
	  print dropped > dropfile
	}' "$1" | LC_ALL=C sort
}

declare -A RSS_KB=() REJECTED=()
REF='' REF_ID=''
DREF='' # spm-track's totals on the dirty export: the reference of the -reject rows
for i in "${!T_ID[@]}"; do
	[[ ${T_STATE[i]} == ok ]] || continue
	id=${T_ID[i]} safe=${T_ID[i]//\//-}
	out=$OUTDIR/$safe.out err=$OUTDIR/$safe.err rss=$OUTDIR/$safe.rss
	say "checking $id"
	rc=0
	if ((HAVE_TIME)); then
		/usr/bin/time -f %M -o "$rss" bash "${T_CMD[i]}" >"$out" 2>"$err" || rc=$?
		RSS_KB[$id]=$(tail -n 1 "$rss")
	else
		bash "${T_CMD[i]}" >"$out" 2>"$err" || rc=$?
	fi
	if ((rc != 0)); then
		loud "$id FAILED (exit $rc); its stderr ends with:" "$(tail -n 5 "$err")"
		T_STATE[i]=failed
		status=1
		continue
	fi
	if [[ $id == spm-track/* ]]; then
		[[ -s $err ]] && say "  spm-track stderr: $(tail -n 1 "$err")"
		if ! to_wide "$out" "$OUTDIR/$safe.dropped" >"$OUTDIR/$safe.tsv"; then
			loud "$id: cannot read its output as owner/period/metric/value"
			T_STATE[i]=failed
			status=1
			continue
		fi
		d=$(cat "$OUTDIR/$safe.dropped")
		((d > 0)) && T_NOTE[i]="${T_NOTE[i]}; $d rows with 0 won deals dropped"
	else
		cp -f -- "$out" "$OUTDIR/$safe.tsv"
	fi
	[[ $id == */csv-credits ]] && continue # other owners: its total is checked below
	if [[ $id == *-reject ]]; then # the summary line: 'N rejected'
		REJECTED[$id]=$(sed -n 's/.* \([0-9][0-9]*\) rejected.*/\1/p' "$err" | tail -n 1)
		[[ $id == spm-track/* ]] && DREF=$OUTDIR/$safe.tsv
		continue
	fi
	if [[ -z $REF ]]; then
		REF=$OUTDIR/$safe.tsv REF_ID=$id
	fi
done
[[ -n $REF ]] || { loud "no tool produced a result"; exit 1; }
if [[ $REF_ID != spm-track/* ]]; then
	status=1
	loud "spm-track gave no result: reference is $REF_ID; peers are compared with it"
fi
[[ -s $REF ]] || { loud "the reference output $REF is empty: no won deals?"; status=1; }
printf 'reference: %s, %s owner/quarter rows\n' "$REF_ID" "$(wc -l <"$REF")"

# --- compare with the reference --------------------------------------------------------------

declare -A VERDICT=()
# cents_total FILE: the sum of the won_revenue column (3rd), in cents, exactly.
cents_total() {
	awk -F '\t' '{ v = $3; s = 1; if (v ~ /^-/) { s = -1; v = substr(v, 2) }
		n = split(v, p, "."); c += s * (p[1] * 100 + substr(p[2] "00", 1, 2)) }
		END { printf "%.0f\n", c }' "$1"
}
for i in "${!T_ID[@]}"; do
	id=${T_ID[i]} safe=${T_ID[i]//\//-}
	case ${T_STATE[i]} in
	skipped) VERDICT[$id]=skipped; continue ;;
	failed) VERDICT[$id]=FAILED; continue ;;
	esac
	if [[ $id == "$REF_ID" || $id == spm-track/csv-reject ]]; then VERDICT[$id]=reference; continue; fi
	if [[ $id == */csv-credits ]]; then # credit moves revenue between owners, never adds any
		if [[ $(cents_total "$REF") == "$(cents_total "$OUTDIR/$safe.tsv")" ]]; then
			VERDICT[$id]='same total'
		else
			VERDICT[$id]=MISMATCH
			status=1
			loud "MISMATCH: $id: the won revenue of all owners differs from $REF_ID's"
		fi
		continue
	fi
	ref=$REF ref_id=$REF_ID
	if [[ $id == *-reject ]]; then
		ref=$DREF ref_id=spm-track/csv-reject
		if [[ -z $ref ]]; then VERDICT[$id]='no reference'; continue; fi
		if [[ ${REJECTED[$id]:-} != "${REJECTED[spm-track/csv-reject]:-}" ]]; then
			VERDICT[$id]=MISMATCH
			status=1
			loud "MISMATCH: $id rejected ${REJECTED[$id]:-?} rows, spm-track --reject ${REJECTED[spm-track/csv-reject]:-?}"
			continue
		fi
	fi
	if diff -- "$ref" "$OUTDIR/$safe.tsv" >"$OUTDIR/$safe.diff"; then
		VERDICT[$id]=equal
		rm -f -- "$OUTDIR/$safe.diff"
	else
		VERDICT[$id]=MISMATCH
		status=1
		loud "MISMATCH: $id differs from $ref_id ($(grep -c '^[<>]' "$OUTDIR/$safe.diff") differing lines)" \
			"full diff: $OUTDIR/$safe.diff ('<' = $ref_id, '>' = $id); first lines:"
		head -n 20 "$OUTDIR/$safe.diff" >&2
	fi
done

# Do the peers agree with each other? (tells a peer's bug from spm-track's)
PEER_REF=''
peers_agree=1 npeers=0
for i in "${!T_ID[@]}"; do
	[[ ${T_ID[i]} == spm-track/* || ${T_ID[i]} == *-reject || ${T_STATE[i]} != ok ]] && continue
	f=$OUTDIR/${T_ID[i]//\//-}.tsv
	npeers=$((npeers + 1))
	if [[ -z $PEER_REF ]]; then
		PEER_REF=$f
	elif ! cmp -s -- "$PEER_REF" "$f"; then
		peers_agree=0
	fi
done
if ((npeers > 1)); then
	if ((peers_agree)); then
		printf 'peers: the %s peers that ran agree with each other\n' "$npeers"
	else
		loud "the peers disagree among themselves (see the diffs in $OUTDIR)"
	fi
fi

# --- time everything in one hyperfine run --------------------------------------------------

HF_ARGS=()
for i in "${!T_ID[@]}"; do
	[[ ${T_STATE[i]} == ok ]] || continue
	safe=${T_ID[i]//\//-}
	HF_ARGS+=(-n "${T_ID[i]}" "bash $(printf %q "${T_CMD[i]}") > $(printf %q "$OUTDIR/$safe.out") 2>/dev/null")
done
HF_JSON=$DIR/hyperfine-$ROWS.json
HF_CSV=$DIR/hyperfine-$ROWS.csv
say "timing $((${#HF_ARGS[@]} / 3)) commands with hyperfine: 1 warmup + $RUNS runs each"
if ! hyperfine --warmup 1 --runs "$RUNS" --export-json "$HF_JSON" --export-csv "$HF_CSV" "${HF_ARGS[@]}" >&2; then
	loud "hyperfine failed"
	exit 1
fi

declare -A MEDIAN=()
while IFS=, read -r name _mean _sd median _rest; do
	[[ $name == command ]] && continue
	MEDIAN[$name]=$median
done <"$HF_CSV"

# peak RSS of spm-track itself (no wrapper), CSV and TSV
declare -A SPM_RSS=()
if ((SPM_OK && HAVE_TIME)); then
	for in in csv tsv; do
		f=$CSV
		[[ $in == tsv ]] && f=$TSV
		if /usr/bin/time -f %M -o "$OUTDIR/spm-track-$in.rss1" "$SPM_TRACK" --map salesforce \
			--metrics won_revenue,won_deals --grain quarter "$f" >/dev/null 2>&1; then
			SPM_RSS[$in]=$(tail -n 1 "$OUTDIR/spm-track-$in.rss1")
		fi
	done
fi

# --- report ------------------------------------------------------------------------------------

CPU=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
[[ -n $CPU ]] || CPU=$(uname -m)
BASE=${MEDIAN[spm-track/csv]:-}
DBASE=${MEDIAN[spm-track/csv-reject]:-} # the dirty rows are compared with spm-track --reject
RESULTS=$DIR/results-$ROWS.md
TMPRES=$RESULTS.tmp$$
TMPFILES+=("$TMPRES")
{
	printf '## spm-track vs peers: won revenue and won deals per owner per quarter\n\n'
	printf 'nproc %s · CPU %s · %s rows · CSV %s MB · TSV %s MB · hyperfine median of %s runs (1 warmup) · %s\n\n' \
		"$NPROC" "$CPU" "$ROWS" "$(mb "$CSV_BYTES")" "$(mb "$TSV_BYTES")" "$RUNS" "$(date -u +%Y-%m-%d)"
	printf '| tool | input | threads | median s | MB/s | time vs spm-track (csv) | peak RSS MiB | output |\n'
	printf '|---|---|---:|---:|---:|---:|---:|---|\n'
	for i in "${!T_ID[@]}"; do
		id=${T_ID[i]}
		bytes=$CSV_BYTES base=$BASE
		[[ ${T_INPUT[i]} == tsv ]] && bytes=$TSV_BYTES
		[[ ${T_INPUT[i]} == dirty ]] && bytes=$DIRTY_BYTES base=$DBASE
		med=${MEDIAN[$id]:-}
		if [[ -n $med ]]; then
			cols=$(awk -v m="$med" -v b="$bytes" -v base="$base" 'BEGIN {
				r = (base != "" && base > 0) ? sprintf("%.2f×", m / base) : "n/a"
				printf "%.3f | %.1f | %s", m, b / 1e6 / m, r }')
		else
			cols='– | – | –'
		fi
		rss=${RSS_KB[$id]:-}
		[[ $id == spm-track/csv && -n ${SPM_RSS[csv]:-} ]] && rss=${SPM_RSS[csv]}
		[[ $id == spm-track/tsv && -n ${SPM_RSS[tsv]:-} ]] && rss=${SPM_RSS[tsv]}
		if [[ -n $rss ]]; then rss=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }'); else rss='–'; fi
		printf '| %s | %s | %s | %s | %s | %s |\n' "${T_TOOL[i]}" "${T_INPUT[i]}" "${T_THREADS[i]}" "$cols" "$rss" "${VERDICT[$id]:-?}"
	done
	printf '\n'
	if [[ -n $BASE && -n ${MEDIAN[spm-track/tsv]:-} ]]; then
		awk -v c="$BASE" -v t="${MEDIAN[spm-track/tsv]}" 'BEGIN {
			printf "spm-track TSV vs CSV: %.3f s / %.3f s = %.2f (TSV input is %.2f× as fast)\n", t, c, t / c, c / t }'
	fi
	if [[ -n $BASE && -n ${MEDIAN[spm-track/csv-credits]:-} ]]; then
		awk -v c="${MEDIAN[spm-track/csv-credits]}" -v b="$BASE" -v n="$CREDIT_ROWS" 'BEGIN {
			printf "spm-track --credits (%d credit rows) vs the same run without: %.3f s / %.3f s = %.2f×\n", n, c, b, c / b }'
	fi
	if [[ -n $DBASE && -n ${MEDIAN[duckdb/csv-reject]:-} ]]; then
		awk -v s="$DBASE" -v d="${MEDIAN[duckdb/csv-reject]}" -v n="${REJECTED[spm-track/csv-reject]:-?}" 'BEGIN {
			printf "dirty export, bad rows kept aside (%s rejected): DuckDB %.3f s / spm-track --reject %.3f s = spm-track is %.2f× as fast\n", n, d, s, d / s }'
	fi
	if [[ -n ${SPM_RSS[csv]:-} || -n ${SPM_RSS[tsv]:-} ]]; then
		awk -v c="${SPM_RSS[csv]:-0}" -v t="${SPM_RSS[tsv]:-0}" 'BEGIN {
			printf "spm-track peak RSS (/usr/bin/time %%M): CSV %.1f MiB, TSV %.1f MiB\n", c / 1024, t / 1024 }'
	fi
	printf '\nNotes:\n\n'
	printf -- '- "time vs spm-track (csv)" is that tool'"'"'s median / spm-track'"'"'s CSV median: above 1 means spm-track is faster.\n'
	printf -- '- Input "dirty": %s (gen-deals --dirty); its rows are compared with spm-track --reject (same totals, same number of rejected rows).\n' "$(basename -- "$DIRTY")"
	printf -- '- MB/s = input file size / median. Peak RSS of a wrapper or pipeline is the largest single process.\n'
	printf -- '- gawk and datamash read the TSV file: they cannot parse quoted CSV fields with embedded newlines.\n'
	printf -- '- Every command prints owner, quarter, won_revenue (2 decimals, exact), won_deals sorted with LC_ALL=C sort; outputs are diffed with %s.\n' "$REF_ID"
	for i in "${!T_ID[@]}"; do
		printf -- '- %s (%s): %s\n' "${T_TOOL[i]}" "${T_INPUT[i]}" "${T_NOTE[i]}"
	done
	printf -- '- Commands: %s; raw timings: %s\n' "$CMDDIR" "$HF_JSON"
} >"$TMPRES"
mv -f -- "$TMPRES" "$RESULTS"
printf '\n'
cat -- "$RESULTS"
printf '\nwritten: %s\n' "$RESULTS"

# --- the second table: growing owners, every program at 50,000 owners (bench-scale.sh) ---
if [[ ${BENCH_SCALE:-1} != 0 ]]; then
	BENCH_DIR=$DIR BENCH_ROWS=$ROWS BENCH_SEED=$SEED SPM_TRACK=$SPM_TRACK GEN_DEALS=$GEN_DEALS \
		bash "$ROOT/scripts/bench-scale.sh" || status=1
fi

if ((status != 0)); then
	loud "bench FAILED: see the lines marked !!! above"
fi
exit "$status"
