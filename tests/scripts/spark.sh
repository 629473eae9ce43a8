# Spark: scripts/spm-spark.py (spm-track(1), SCALING OUT) runs spm-track --partial on each
# partition of an export, or on each file, and merges the partial streams into the single
# run's actuals byte for byte (win_rate, cycle_days, a distinct count and a maximum
# included). Spark is not installed here: PySpark's API is the stand-in tests/spark/pyspark,
# which cuts files into partitions as Hadoop's line reader does; `make test-spark` runs
# the same driver on the real pyspark. Sourced by run.sh (top, bindir, work and lib.sh are set).

K="$work/spark"
mkdir -p "$K"
track="$bindir/spm-track"
if ! command -v python3 >/dev/null 2>&1; then
	not_ok 'python3 is not installed (apt-get install python3): the Spark driver was not run'
else
	# SPM_SPARK_PYTHON: a python3 with the real pyspark (make test-spark), else the stand-in
	if [ -n "${SPM_SPARK_PYTHON:-}" ]; then
		spark() { "$SPM_SPARK_PYTHON" "$top/scripts/spm-spark.py" "$@"; }
	else
		spark() { PYTHONPATH="$top/tests/spark" python3 "$top/scripts/spm-spark.py" "$@"; }
	fi
	printf 'metric\tagg\tcolumn\twhere\tunit\ndeal_accounts\tdistinct\tAccount Name\t\tcount\nbiggest\tmax\tAmount\t\tmoney\n' \
		>"$K/metrics.tsv"
	metrics=won_revenue,won_deals,win_rate,cycle_days,pipeline,deal_accounts,biggest
	opts="--map salesforce --metrics-file $K/metrics.tsv --metrics $metrics"
	"$bindir/gen-deals" -n 100000 -r 60 -s 5 --format tsv -o "$K/deals.tsv"
	# shellcheck disable=SC2086  # opts is a list of words
	"$track" $opts -q "$K/deals.tsv" >"$K/single.tsv"

	# partitions of lines: 8, and more partitions than some files have lines
	# shellcheck disable=SC2086
	spark --partitions 8 -o "$K/merged-8.tsv" "$K/deals.tsv" -- $opts 2>"$K/err-8"
	check_file 'spark: 8 partitions merge into the single run' "$K/single.tsv" "$K/merged-8.tsv"
	check_grep 'spark: the summary counts the shards' 'spm-spark: 8 shards merged' "$K/err-8"
	check_grep 'spark: the single run has a distinct count' 'deal_accounts' "$K/single.tsv"
	head -n 4 "$K/deals.tsv" >"$K/tiny.tsv"
	"$track" --map salesforce -q "$K/tiny.tsv" >"$K/tiny-single.tsv"
	spark -q --partitions 16 -o "$K/tiny-merged.tsv" "$K/tiny.tsv" -- --map salesforce
	check_file 'spark: partitions without rows add nothing' "$K/tiny-single.tsv" "$K/tiny-merged.tsv"

	# a CSV export (no line break inside a field): CSV by its name, as spm-track reads it
	"$bindir/gen-deals" -n 20000 -r 30 -s 9 -o "$K/deals.csv"
	"$track" --map salesforce -q "$K/deals.csv" >"$K/csv-lines-single.tsv"
	spark -q --partitions 4 -o "$K/csv-lines.tsv" "$K/deals.csv" -- --map salesforce
	check_file 'spark: a CSV export in 4 partitions of lines' "$K/csv-lines-single.tsv" "$K/csv-lines.tsv"
	st=$(run_status "$K/mixed" spark -o "$K/m.tsv" "$K/deals.csv" "$K/tiny.tsv" -- --map salesforce)
	check_eq 'spark: CSV and TSV in one run of lines is refused' 2 "$st"

	# several files, one header each, cut into partitions across them
	head -n 1 "$K/deals.tsv" >"$K/header"
	tail -n +2 "$K/deals.tsv" >"$K/body"
	split -n l/3 "$K/body" "$K/body."
	for b in "$K"/body.??; do cat "$K/header" "$b" >"$b.tsv"; done
	# shellcheck disable=SC2086
	spark -q --partitions 5 -o "$K/merged-files.tsv" "$K/body.aa.tsv,$K/body.ab.tsv" "$K/body.ac.tsv" -- $opts
	check_file 'spark: three files merge into the single run' "$K/single.tsv" "$K/merged-files.tsv"

	# --per-file: a CSV record that spans lines stays whole
	printf '%s\n' 'Opportunity Owner,Opportunity Name,Stage,Amount,Close Date,Created Date' \
		'Ann,"Two-line' 'deal",Closed Won,100.00,2025-02-03,2025-01-10' \
		'Bob,Plain,Closed Won,50.00,2025-02-04,2025-01-11' >"$K/a.csv"
	printf '%s\n' 'Opportunity Owner,Opportunity Name,Stage,Amount,Close Date,Created Date' \
		'Ann,"Another' 'two-line deal",Closed Lost,70.00,2025-03-03,2025-01-12' >"$K/b.csv"
	"$track" --map salesforce -q "$K/a.csv" "$K/b.csv" >"$K/csv-single.tsv"
	spark -q --per-file -o "$K/csv-merged.tsv" "$K/a.csv,$K/b.csv" -- --map salesforce
	check_file 'spark --per-file: CSV records with line breaks' "$K/csv-single.tsv" "$K/csv-merged.tsv"
	check_grep 'spark --per-file: the win rate counts both files' "$(printf 'Ann\t2025-Q1\twin_rate\t0.5000\t1\t2')" \
		"$K/csv-merged.tsv"

	# errors: a bad row fails its shard with spm-track's diagnostic and writes nothing
	{ cat "$K/tiny.tsv"; printf 'x\tx\tClosed Won\tnot-money\t2025-01-01\t2024-12-01\tx\tx\n'; } >"$K/bad.tsv"
	st=$(run_status "$K/bad" spark --partitions 2 -o "$K/bad-out.tsv" "$K/bad.tsv" -- --map salesforce)
	check_eq 'spark: a bad row exits 1' 1 "$st"
	check_grep 'spark: the shard failure names spm-track'"'"'s diagnostic' 'spm-spark: shard failed (exit 1): spm-track:' "$K/bad.err"
	check 'spark: no output after a failed shard' test ! -e "$K/bad-out.tsv"
	for word in --partial --reject --output=x --out -oactuals.tsv; do
		st=$(run_status "$K/refused" spark -o "$K/r.tsv" "$K/tiny.tsv" -- --map salesforce "$word")
		check_eq "spark: $word is refused as a shard option" 2 "$st"
	done
	check_grep 'spark: the refusal says why' 'the driver runs each shard with --partial' "$K/refused.err"
	st=$(run_status "$K/help" python3 "$top/scripts/spm-spark.py" --help)
	check_eq 'spark: --help needs no Spark' 0 "$st"
	check_grep 'spark: --help gives an example' 'Example: spark-submit spm-spark.py' "$K/help.out"
	st=$(run_status "$K/noout" spark "$K/tiny.tsv")
	check_eq 'spark: -o is required' 2 "$st"
fi
