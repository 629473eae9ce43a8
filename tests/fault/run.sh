#!/bin/sh
# Fault injection over every program and output mode (part of make check).
#
# Each case is a command that writes outputs (-o, --reject, spm-goal set -f, spm-report
# --split-dir, and the publish step of spm-weekly and spm-quarter-close). A clean run
# gives its exit status and its new outputs; the outputs already there before are "old"
# (a clean run's, with a line added). Then, for each kind of call (write, rename, fsync,
# close, malloc), a counting run (tests/fault/fault.c, LD_PRELOAD) says how many such
# calls the command makes, and the command is run again with one of them failing: the
# first ones, one in the middle, the last (FAULT_POINTS per kind). Each of those runs
# must end cleanly:
#   - with status 2 (an I/O error, or memory exhausted) and every old output
#     byte-identical, or with the clean run's status and the clean run's new outputs
#     (a failure the program may rightly survive, e.g. close(2) of an input);
#   - leaving no file the clean run does not leave (no FILE.XXXXXX temporary file);
#   - saying why on stderr when it fails.
# The scripts' publish: the Nth rename of mv failing, and the script interrupted
# (SIGTERM) at each of its renames, must leave the earlier folder or the new one
# complete, nothing else; a full disk under a stage must fail the run with that
# program's own message.
# Prints "N faults injected, N clean exits, N old outputs changed, N temporary files left"
# and exits 1 unless every run was clean.
# Usage: tests/fault/run.sh BINDIR   Environment: FAULT_POINTS (default 3), FAULT_SCRIPTS
# (default 1; 0 leaves the scripts out), FAULT_ONLY (names of program cases to run, e.g.
# spm-report-split-dir; default all), CC.
set -u
bindir=$(cd "${1:?usage: run.sh BINDIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
points=${FAULT_POINTS:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/spm-fault.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
shim="$work/fault.so"
${CC:-cc} -std=gnu11 -O2 -Wall -Wextra -Werror -shared -fPIC -o "$shim" "$here/fault.c" -ldl || {
	echo "fault: cannot build the shim" >&2
	exit 2
}
PATH="$bindir:$PATH"
LC_ALL=C.UTF-8
TZ=UTC
export PATH LC_ALL TZ
unset SPM_AS_OF SPM_FISCAL_START FAULT_OP FAULT_N FAULT_STATE FAULT_PROG FAULT_LOG FAULT_KILL

injected=0 clean=0 changed=0 left=0 bad=0
report() { # report CASE MESSAGE: one unclean run
	bad=$((bad + 1))
	echo "FAIL: fault: $1: $2" >&2
}

# ---- inputs ----
in="$work/inputs"
mkdir -p "$in"
cp "$top"/examples/*.tsv "$in"/
cp "$top/tests/cli/data/dirty.csv" "$top/tests/cli/data/goal-allocate-goals.tsv" \
	"$top/tests/cli/data/goal-allocate-roster.tsv" "$in"/
"$bindir/gen-deals" -n 300 -r 8 -s 42 -o "$in/deals.csv"
(cd "$in" &&
	spm-track -q --map salesforce --roster roster.tsv --metrics-file metrics.tsv --goals goals.tsv \
		--as-of 2026-08-22 -o progress.tsv deals.csv &&
	spm-score -q -o scores.tsv progress.tsv &&
	cp goals.tsv goals2.tsv &&
	printf 'Nina New\t2026-Q3\twon_deals\t9\t1\tfinancial\n' >>goals2.tsv &&
	{ cat progress.tsv; printf 'Gus\t2026-Q3\twon_revenue\tmany\t1\t1\t1\t1\t1\t1\tbehind\n'; } >progress-dirty.tsv) ||
	{ echo "fault: cannot make the inputs" >&2; exit 2; }

# snapshot DIR: every path under DIR with the checksum of each file, to compare.
snapshot() {
	(cd "$1" && {
		find . ! -type f
		find . -type f -exec cksum {} + | sed 's/^\([0-9]*\) \([0-9]*\) \(.*\)$/\3 \1 \2/'
	} | LC_ALL=C sort)
}

# compare WANT RUN: the paths of snapshot RUN not in WANT ("extra PATH"), different
# ("changed PATH") or missing ("missing PATH").
compare() {
	awk 'NR == FNR { w[$1] = $0; next }
		{ seen[$1] = 1; if (!($1 in w)) print "extra " $1; else if (w[$1] != $0) print "changed " $1 }
		END { for (p in w) if (!(p in seen)) print "missing " p }' "$1" "$2"
}

# points T: the calls to fail among T: the first ones, one in the middle, the last.
pick() {
	t=$1
	awk -v t="$t" -v k="$points" 'BEGIN { if (t < 1) exit
		for (i = 1; i <= t && i < k; i++) seen[i] = 1
		seen[int((t + 1) / 2)] = 1; seen[t] = 1
		for (i = 1; i <= t; i++) if (seen[i]) print i }'
}

# program CASE OUTPUTS AGE COMMAND...: OUTPUTS (space-separated, files or folders) are
# what COMMAND writes; AGE 1 adds a line to each old output (0: it is an input as well).
program() {
	name=$1 outs=$2 age=$3
	shift 3
	case " ${FAULT_ONLY:-$name} " in *" $name "*) ;; *) return ;; esac
	base="$work/$name.base"
	ref="$work/$name.ref"
	rm -rf "$base" "$ref"
	cp -R "$in" "$base"
	(cd "$base" && "$@" >/dev/null 2>"$work/err")
	s0=$?
	case $s0 in 0 | 1) ;; *) report "$name" "the clean run exits $s0: $(cat "$work/err")"; return ;; esac
	cp -R "$base" "$ref"
	if [ "$age" = 1 ]; then
		for o in $outs; do
			if [ -d "$base/$o" ]; then
				find "$base/$o" -type f | while IFS= read -r f; do echo '# old' >>"$f"; done
			else
				echo '# old' >>"$base/$o"
			fi
		done
	fi
	snapshot "$base" >"$work/old.snap"
	snapshot "$ref" >"$work/new.snap"
	for op in write rename fsync close malloc; do
		rm -rf "$work/run" "$work/state"
		cp -R "$base" "$work/run"
		(cd "$work/run" && FAULT_OP=$op FAULT_STATE="$work/state" LD_PRELOAD="$shim" "$@" >/dev/null 2>&1)
		t=$(cat "$work/state" 2>/dev/null || echo 0)
		for n in $(pick "$t"); do
			rm -rf "$work/run" "$work/state" "$work/log"
			cp -R "$base" "$work/run"
			(cd "$work/run" && FAULT_OP=$op FAULT_N=$n FAULT_STATE="$work/state" FAULT_LOG="$work/log" \
				LD_PRELOAD="$shim" "$@" >/dev/null 2>"$work/err")
			st=$?
			[ -s "$work/log" ] || continue
			injected=$((injected + 1))
			what="$name, $op #$n of $t"
			snapshot "$work/run" >"$work/run.snap"
			ok=1
			if [ "$st" = 2 ]; then
				[ -s "$work/err" ] || { report "$what" "exit 2 without a message"; ok=0; }
				want="$work/old.snap"
			elif [ "$st" = "$s0" ]; then
				want="$work/new.snap"
			else
				report "$what" "exit status $st (documented: 2, or $s0 as the clean run): $(head -c 300 "$work/err")"
				ok=0
				want="$work/old.snap"
			fi
			if ! cmp -s "$want" "$work/run.snap"; then
				compare "$want" "$work/run.snap" >"$work/diff"
				if grep -q '^extra' "$work/diff"; then
					left=$((left + 1))
					report "$what" "exit $st, files left: $(grep '^extra' "$work/diff" | cut -d ' ' -f 2 | tr '\n' ' ')"
				fi
				if grep -qv '^extra' "$work/diff"; then
					changed=$((changed + 1))
					report "$what" "exit $st, outputs not as they should be: $(grep -v '^extra' "$work/diff" | tr '\n' ' ')"
				fi
				ok=0
			fi
			[ "$ok" = 1 ] && clean=$((clean + 1))
		done
	done
	echo "fault: $name: done"
}

program spm-track progress.tsv 1 spm-track -q --map salesforce --roster roster.tsv --metrics-file metrics.tsv \
	--goals goals.tsv --as-of 2026-08-22 -o progress.tsv deals.csv
program spm-track-reject 'actuals.tsv rejects.tsv' 1 spm-track -q --map salesforce --roster roster.tsv \
	--metrics won_revenue,cycle_days --reject rejects.tsv -o actuals.tsv dirty.csv
program spm-goal-set goals.tsv 0 spm-goal set -q -f goals.tsv 'Felix Nowak' 2026-Q3 won_deals 12
program spm-goal-split split.tsv 1 spm-goal split -q --into month --metrics metrics.tsv -o split.tsv goals.tsv
program spm-goal-allocate alloc.tsv 1 spm-goal allocate -q --roster goal-allocate-roster.tsv -o alloc.tsv \
	goal-allocate-goals.tsv
program spm-goal-diff diff.tsv 1 spm-goal diff -q -o diff.tsv goals.tsv goals2.tsv
program spm-score scores2.tsv 1 spm-score -o scores2.tsv progress.tsv
program spm-score-plan-reject 'payouts.tsv rejected.tsv' 1 spm-score -q --plan incentive-plan.tsv \
	--roster roster.tsv --reject rejected.tsv -o payouts.tsv progress-dirty.tsv
program spm-report board.html 1 spm-report -k leaderboard -f html -o board.html scores.tsv
program spm-report-split-dir 'index.tsv feedback' 1 spm-report -k feedback -f markdown -o index.tsv \
	--split-dir feedback progress.tsv scores.tsv

# ---- the scripts' publish ----
# script CASE SCRIPT FOLDER DISK ARGS...: FOLDER is what SCRIPT publishes under reports/;
# DISK 1 also fills the disk under a stage (the stages of both scripts share that code).
script() {
	name=$1 sc=$2 folder=$3 disk=$4
	shift 4
	base="$work/$name.base"
	rm -rf "$base" "$work/$name.new"
	cp -R "$in" "$base"
	cp "$top/examples/spm.conf" "$base/"
	sed -i 's/^FORMATS=.*/FORMATS=markdown/' "$base/spm.conf"
	(cd "$base" && "$top/scripts/$sc" "$@" spm.conf >/dev/null 2>"$work/err") ||
		{ report "$name" "the first run fails: $(cat "$work/err")"; return; }
	cp -R "$base/reports/$folder" "$work/$name.new" # what a run publishes
	echo '# old' >>"$base/reports/$folder/run.log"
	snapshot "$base/reports" | grep -v '^\./spm\.log ' >"$work/old.snap"
	snapshot "$work/$name.new" >"$work/new.snap"
	# one run counting the renames of mv, then each failing, then an interrupt at each
	rm -rf "$work/run" "$work/state"
	cp -R "$base" "$work/run"
	(cd "$work/run" && FAULT_OP=rename FAULT_PROG=mv FAULT_STATE="$work/state" LD_PRELOAD="$shim" \
		"$top/scripts/$sc" "$@" spm.conf >/dev/null 2>&1)
	t=$(cat "$work/state" 2>/dev/null || echo 0)
	n=0
	while [ "$n" -lt "$((2 * t + disk))" ]; do
		n=$((n + 1))
		if [ "$n" -le "$t" ]; then
			kind="rename #$n of mv ($t)" kill='' prog=mv op=rename at=$n want=2
		elif [ "$n" -le "$((2 * t))" ]; then
			at=$((n - t))
			kind="SIGTERM at rename #$at of mv ($t)" kill=15 prog=mv op=rename want=143
		else
			kind="full disk under spm-report" kill='' prog=spm-report op=write at=1 want=2
		fi
		rm -rf "$work/run" "$work/state" "$work/log"
		cp -R "$base" "$work/run"
		(cd "$work/run" && FAULT_OP=$op FAULT_N=$at FAULT_PROG=$prog FAULT_KILL=$kill FAULT_STATE="$work/state" \
			FAULT_LOG="$work/log" LD_PRELOAD="$shim" "$top/scripts/$sc" "$@" spm.conf >/dev/null 2>"$work/err")
		st=$?
		[ -s "$work/log" ] || continue
		injected=$((injected + 1))
		what="$name, $kind"
		ok=1
		case $st in
		"$want" | 0) ;;
		*) report "$what" "exit status $st (documented: $want): $(head -c 300 "$work/err")"; ok=0 ;;
		esac
		if [ "$prog" = spm-report ] && ! grep -q '^spm-report: .*No space left on device' "$work/err"; then
			report "$what" "the program's own message is lost: $(head -c 300 "$work/err")"
			ok=0
		fi
		snapshot "$work/run/reports" | grep -v '^\./spm\.log ' >"$work/run.snap"
		snapshot "$work/run/reports/$folder" >"$work/folder.snap" 2>/dev/null
		# the whole of reports/ as it was, or the new folder in place of the old one
		if ! cmp -s "$work/old.snap" "$work/run.snap" && ! cmp -s "$work/new.snap" "$work/folder.snap"; then
			changed=$((changed + 1))
			report "$what" "exit $st: $folder is neither the earlier folder nor the new one"
			ok=0
		fi
		extra=$(cd "$work/run/reports" && find . ! -name . -prune ! -name "$folder" ! -name spm.log ! -name .spm.lock)
		if [ -n "$extra" ]; then
			left=$((left + 1))
			report "$what" "exit $st, left in reports/: $extra"
			ok=0
		fi
		[ "$ok" = 1 ] && clean=$((clean + 1))
	done
	echo "fault: $name: done"
}
if [ "${FAULT_SCRIPTS:-1}" = 1 ]; then
	script spm-weekly spm-weekly 2026-08-22 1 --as-of 2026-08-22
	script spm-quarter-close spm-quarter-close close-2026-Q3 0 --quarter 2026-Q3
fi

echo "fault: $injected faults injected, $clean clean exits, $changed old outputs changed, $left temporary files left"
[ -z "${CHECK_TALLY:-}" ] || echo "${CHECK_PREFIX:-}fault $clean $bad" >>"$CHECK_TALLY" # make check's totals
[ "$bad" -eq 0 ] && [ "$injected" -gt 0 ] && [ "$clean" -eq "$injected" ]
