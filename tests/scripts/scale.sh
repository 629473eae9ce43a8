# Scale: spm-track --reject on several threads writes what one thread writes; partial
# streams (--partial) of shards cut anywhere merge byte for byte into the actuals of the
# whole export (win_rate, cycle_days, a distinct count and a maximum included), run
# through GNU parallel as spm-track(1) SCALING OUT says: on one machine (--pipe-part over
# a TSV, one job per export file) and on many (--sshlogin, through a stand-in ssh that
# runs the command here). Sourced by run.sh (top, bindir, work and lib.sh are set).

S="$work/scale"
mkdir -p "$S"
track="$bindir/spm-track"

# ---- --reject: every thread, the same rejects and actuals as one thread ----
# 120,000 rows of about 170 bytes: 20 MB, read in 2 chunks (at least 4 MiB each)
"$bindir/gen-deals" -n 120000 -r 40 -s 11 --dirty -o "$S/dirty.csv"
for threads in 1 2; do
	"$track" --map salesforce --metrics won_revenue,won_deals,win_rate,cycle_days --threads $threads \
		--reject "$S/rejects-$threads.tsv" -o "$S/actuals-$threads.tsv" -q "$S/dirty.csv"
done
check_file 'reject: --threads 2 rejects what --threads 1 rejects, in order' "$S/rejects-1.tsv" "$S/rejects-2.tsv"
check_file 'reject: --threads 2 actuals as --threads 1' "$S/actuals-1.tsv" "$S/actuals-2.tsv"
check 'reject: the dirty export has rejects' test "$(wc -l <"$S/rejects-1.tsv")" -gt 100
check_grep 'reject: lines are the file'"'"'s' "line 1" "$S/rejects-2.tsv"

# ---- --partial ----
printf 'metric\tagg\tcolumn\twhere\tunit\ndeal_accounts\tdistinct\tAccount Name\t\tcount\nbiggest\tmax\tAmount\t\tmoney\n' \
	>"$S/metrics.tsv"
metrics=won_revenue,won_deals,win_rate,cycle_days,pipeline,deal_accounts,biggest
"$bindir/gen-deals" -n 200000 -r 60 -s 3 --format tsv -o "$S/deals.tsv"
"$track" --map salesforce --metrics-file "$S/metrics.tsv" --metrics $metrics -q "$S/deals.tsv" >"$S/single.tsv"
check_grep 'partial: the single run has a distinct count' 'deal_accounts' "$S/single.tsv"

# shards cut by hand, anywhere: 8 pieces of lines, each with the header
head -n 1 "$S/deals.tsv" >"$S/header"
tail -n +2 "$S/deals.tsv" >"$S/body"
mkdir -p "$S/cut"
(cd "$S/cut" && split -n l/8 ../body piece.)
for p in "$S"/cut/piece.??; do
	cat "$S/header" "$p" >"$p.tsv"
	"$track" --map salesforce --metrics-file "$S/metrics.tsv" --metrics $metrics --partial -q \
		-o "$p.partial" "$p.tsv"
done
check_grep 'partial: a partial stream has the item column' "$(printf 'owner\tperiod\tmetric\tvalue\tnumerator\tdenominator\titem')" \
	"$S/cut/piece.aa.partial"
"$track" --metrics-file "$S/metrics.tsv" -q "$S"/cut/piece.??.partial >"$S/merged-cut.tsv"
check_file 'partial: 8 shards merge into the single run' "$S/single.tsv" "$S/merged-cut.tsv"
st=$(run_status "$S/noitems" "$track" -q "$S/cut/piece.aa.partial")
check_eq 'partial: items of an unknown metric are refused' 1 "$st"
st=$(run_status "$S/actuals-in" "$track" --partial -q "$S/single.tsv")
check_eq 'partial: --partial of actuals is a usage error' 2 "$st"

if ! command -v parallel >/dev/null 2>&1; then
	not_ok 'GNU parallel is not installed (apt-get install parallel): its recipes were not run'
else
	job="spm-track --map salesforce --metrics-file $S/metrics.tsv --metrics $metrics --partial -q"
	# one machine, one big TSV: a block per job slot, each with the header
	parallel --pipe-part -a "$S/deals.tsv" --header : --block -1 -j 8 --results "$S/pp/{#}" "$job"
	check_eq 'parallel --pipe-part: 8 shards' 8 "$(find "$S/pp" -name '*.seq' | wc -l)"
	"$track" --metrics-file "$S/metrics.tsv" -q "$S"/pp/*[0-9] >"$S/merged-pp.tsv"
	check_file 'parallel --pipe-part: merges into the single run' "$S/single.tsv" "$S/merged-pp.tsv"
	# one machine, one job per export file
	parallel -j 4 --results "$S/files/{#}" "$job" {} ::: "$S"/cut/piece.??.tsv
	"$track" --metrics-file "$S/metrics.tsv" -q "$S"/files/*[0-9] >"$S/merged-files.tsv"
	check_file 'parallel, a job per file: merges into the single run' "$S/single.tsv" "$S/merged-files.tsv"
	# many machines: --sshlogin, through the stand-in ssh
	parallel --ssh "$top/tests/scripts/fake-ssh" -S 4/host-a,4/host-b --pipe-part -a "$S/deals.tsv" \
		--header : --block -1 --results "$S/ssh/{#}" "PATH=$bindir:\$PATH $job"
	check_eq 'parallel --sshlogin: 8 shards' 8 "$(find "$S/ssh" -name '*.seq' | wc -l)"
	"$track" --metrics-file "$S/metrics.tsv" -q "$S"/ssh/*[0-9] >"$S/merged-ssh.tsv"
	check_file 'parallel --sshlogin: merges into the single run' "$S/single.tsv" "$S/merged-ssh.tsv"
fi
