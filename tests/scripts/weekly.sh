# spm-weekly on the demo data: two successive weeks (the second shows the changes since
# the first), a failing stage that leaves earlier reports intact, the lock (a second run
# refuses, or waits with --wait; a stale lock is removed), the dry run, the configuration
# parser, silence on success (cron), and byte-identical reruns.
# Sourced by run.sh (top, bindir, work, scripts and the helpers of lib.sh are set).

W="$work/weekly"
weekly="$scripts/spm-weekly"
demo "$W/demo"
conf="$W/demo/spm.conf"
reports="$W/demo/reports"

# ---- command line ----
check_eq 'weekly: --version' 'spm-weekly (spm) 0.1.0' "$("$weekly" --version)"
check_eq 'weekly: --help opens with the synopsis' 'Usage: spm-weekly [OPTION]... CONFIG' "$("$weekly" --help | head -n 1)"
st=$(run_status "$W/u1" "$weekly")
check_eq 'weekly: no configuration is a usage error' 2 "$st"
check_eq 'weekly: usage error message' "spm-weekly: missing the configuration file
Try 'spm-weekly --help' for more information." "$(cat "$W/u1.err")"
st=$(run_status "$W/u2" "$weekly" --as-of 2026-02-30 "$conf")
check_eq 'weekly: an impossible --as-of date' "2 spm-weekly: --as-of: no such day: February has 28 days, 29 in a leap year ('2026-02-30')" "$st $(head -n 1 "$W/u2.err")"
st=$(run_status "$W/u3" "$weekly" --wait soon "$conf")
check_eq 'weekly: --wait needs seconds' "2 spm-weekly: --wait: not a number of seconds ('soon')" "$st $(head -n 1 "$W/u3.err")"
st=$(run_status "$W/u4" "$weekly" --frobnicate "$conf")
check_eq 'weekly: unknown option' "2 spm-weekly: unrecognized option '--frobnicate'" "$st $(head -n 1 "$W/u4.err")"

# ---- the configuration is parsed, never sourced ----
bad_conf() { # bad_conf NAME EXPECTED_MESSAGE LINE...: a configuration that must be refused
	name=$1 expected=$2
	shift 2
	printf '%s\n' "$@" >"$W/demo/bad.conf"
	st=$(run_status "$W/bad" "$weekly" --dry-run "$W/demo/bad.conf")
	check_eq "weekly: config: $name" "2 $expected" "$st $(cat "$W/bad.err")"
}
bad_conf 'unknown key' "spm-weekly: $W/demo/bad.conf:2: unknown key; did you mean GOALS? (\"GOAL\")" 'EXPORT=deals.csv' 'GOAL=goals.tsv'
bad_conf 'unknown key: the closest known one' "spm-weekly: $W/demo/bad.conf:2: unknown key; did you mean GROUP? (\"GROUPS\")" \
	'EXPORT=deals.csv' 'GROUPS=region'
bad_conf 'unknown key: none near' "spm-weekly: $W/demo/bad.conf:2: unknown key (\"COLOUR_SCHEME\")" 'EXPORT=deals.csv' 'COLOUR_SCHEME=x'
bad_conf 'a key set twice' "spm-weekly: $W/demo/bad.conf:3: GOALS: set twice (first on line 1)" \
	'GOALS=a.tsv' 'EXPORT=deals.csv' 'GOALS=b.tsv' 'OUTPUT=r'
bad_conf 'not KEY=value' "spm-weekly: $W/demo/bad.conf:1: not a KEY=value line (\"rm -rf /\")" 'rm -rf /'
bad_conf 'lowercase key' "spm-weekly: $W/demo/bad.conf:1: not a KEY=value line (\"goals=x\")" 'goals=x'
bad_conf 'EXPORT required' "spm-weekly: $W/demo/bad.conf: EXPORT is required (the CRM export to read)" 'GOALS=g.tsv' 'OUTPUT=r'
bad_conf 'FORMATS' "spm-weekly: $W/demo/bad.conf:4: FORMATS: not text, markdown, html or json (\"pdf\")" \
	'EXPORT=d.csv' 'GOALS=g.tsv' 'OUTPUT=r' 'FORMATS=html,pdf'
bad_conf 'FISCAL_START' "spm-weekly: $W/demo/bad.conf:4: FISCAL_START: not a month from 1 to 12 (\"13\")" \
	'EXPORT=d.csv' 'GOALS=g.tsv' 'OUTPUT=r' 'FISCAL_START=13'
# values are data: no expansion, no command substitution; quotes keep spaces
printf '%s\n' '# a comment' '' '  EXPORT = "my deals $(touch pwned).csv"  ' "GOALS='goals.tsv'" 'OUTPUT=out dir' \
	'PLAN=ignored-here.tsv' >"$W/demo/odd.conf"
st=$(run_status "$W/odd" "$weekly" --dry-run --as-of 2026-08-15 "$W/demo/odd.conf")
check_eq 'weekly: config values are never run' "0 no" "$st $(test -e "$W/demo/pwned" && echo yes || echo no)"
check_grep 'weekly: config: quoted value, path relative to the config' \
	"-o progress.tsv -- '$W/demo/my deals \$(touch pwned).csv'" "$W/odd.out"
check_grep 'weekly: config: OUTPUT with a space' "cd '$W/demo/out dir/.2026-08-15.tmp'" "$W/odd.out"

# ---- the dry run: the pipeline, nothing written ----
st=$(run_status "$W/dry" "$weekly" --dry-run --as-of 2026-08-15 "$conf")
check_eq 'weekly: --dry-run exits 0' 0 "$st"
sed "s|$W|WORK|g" "$W/dry.out" >"$W/dry.txt"
check_file 'weekly: --dry-run prints the pipeline' "$here/expected/weekly-dry-run.txt" "$W/dry.txt"
check 'weekly: --dry-run writes nothing' test ! -e "$reports"

# ---- week 1 ----
(cd / && "$weekly" --as-of 2026-08-15 "$conf") >"$W/w1.out" 2>"$W/w1.err"
check_eq 'weekly: week 1 exits 0' 0 $?
check_eq 'weekly: silent on success (cron mails any output)' '' "$(cat "$W/w1.out" "$W/w1.err")"
(cd "$reports/2026-08-15" && find . -type f | LC_ALL=C sort) >"$W/files1.txt"
check_file 'weekly: the dated folder holds every report' "$here/expected/weekly-files.txt" "$W/files1.txt"
check 'weekly: nothing else in OUTPUT' test "$(listing "$reports")" = '2026-08-15 spm.log '
check_eq 'weekly: one log line' 1 "$(wc -l <"$reports/spm.log" | tr -d ' ')"
check 'weekly: the log line' grep -qE \
	"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z spm-weekly: as of 2026-08-15 \(2026-W33\): 8 owners, 29 files in $reports/2026-08-15\$" \
	"$reports/spm.log"
s1="$reports/2026-08-15/summary.json"
check_eq 'weekly: summary.json (week 1)' '2026-08-15 2026-W33 null 8 2026-Q3 8 4 All reps true null' \
	"$(jq -r '"\(.as_of) \(.week) \(.previous_week) \(.owners) \(.goal_periods[0]) \(.leaderboard | length) \(.team | length) \(.team[-1].team) \(.team[-1].summary) \(.team[0].summary)"' "$s1")"
check_eq 'weekly: summary.json lists the files' "$(sed 's|^\./||' "$W/files1.txt" | tr '\n' ' ')" \
	"$(jq -r '.files[]' "$s1" | tr '\n' ' ')"
check_eq 'weekly: week 1 has no change yet' 0 \
	"$(awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next } ("delta" in col) && $col["delta"] != ""' \
		"$reports/2026-08-15/weekly-scores.tsv" | wc -l | tr -d ' ')"
check_eq 'weekly: the kept progress is spm-track'"'"'s, for 2026-Q3' '2026-Q3' \
	"$(cut -f 2 "$reports/2026-08-15/progress.tsv" | sed 1d | sort -u)"
check_eq 'weekly: one feedback file per rep and format' 16 "$(ls "$reports/2026-08-15/feedback" | wc -l | tr -d ' ')"

# ---- week 2: the changes since week 1 (both weeks mid-quarter: scored on pace, compared
#      pace with pace) ----
"$weekly" --as-of 2026-08-22 "$conf" >"$W/w2.out" 2>"$W/w2.err"
check_eq 'weekly: week 2 exits 0, silently' '0' "$?$(cat "$W/w2.out" "$W/w2.err")"
s2="$reports/2026-08-22/summary.json"
check_eq 'weekly: summary.json names the previous week' '2026-W34 2026-W33' "$(jq -r '"\(.week) \(.previous_week)"' "$s2")"
# every owner's previous score is week 1's score, and the change is exact
awk -F '\t' 'FNR == 1 { f++; for (i = 1; i <= NF; i++) col[$i] = i; next } f == 1 { s1[$1] = $3; next }
	$2 == "2026-W34" { printf "%s\t%s\t%s\t%s\n", $1, ($1 in s1) ? s1[$1] : "none", $col["prev_score"], $col["delta"] }' \
	"$reports/2026-08-15/weekly-scores.tsv" "$reports/2026-08-22/weekly-scores.tsv" >"$W/deltas.txt"
check_eq 'weekly: week 2 scores every owner of week 1' 8 "$(wc -l <"$W/deltas.txt" | tr -d ' ')"
check_eq 'weekly: prev_score is week 1'"'"'s score' '' "$(awk -F '\t' '$2 != $3' "$W/deltas.txt")"
awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i }
	NR > 1 && $2 == "2026-W34" { print $1 "\t" $3 "\t" $col["prev_score"] "\t" $col["delta"] }' "$reports/2026-08-22/weekly-scores.tsv" |
	awk -F '\t' '{ s = $2; p = $3; gsub(/\./, "", s); gsub(/\./, "", p); d = s - p
		t = sprintf("%.4f", d / 10000); if (t == "-0.0000") t = "0.0000"; if (t != $4) print $1 ": " $4 " is not " t }' >"$W/bad-deltas.txt"
check_eq 'weekly: delta = score - prev_score, exactly' '' "$(cat "$W/bad-deltas.txt")"
check_grep 'weekly: the leaderboard shows the change' '| 1 | Felix Nowak | 153.50 % | 100.00 | Exceeds | +43.58 pts | 2 | 2 | ▆█▴ |' \
	"$reports/2026-08-22/leaderboard.md"
check_grep 'weekly: the leaderboard recognises the most improved' 'Most improved: Felix Nowak, score up 43.58 points to 153.50 %.' \
	"$reports/2026-08-22/leaderboard.md"
check_grep 'weekly: feedback compares with last week' \
	'Your score is 153.50 %, 43.58 points up from 109.92 % in 2026-W33.' "$reports/2026-08-22/feedback/Felix_Nowak.md"
check_grep 'weekly: feedback compares each metric with last week' \
	'Won revenue: on course for 180.74 % this period against 186.90 % in 2026-W33 (6.16 points down).' "$reports/2026-08-22/feedback/Felix_Nowak.md"
check_grep 'weekly: the HTML leaderboard too' '+43.58 pts' "$reports/2026-08-22/leaderboard.html"
check_grep 'weekly: the self-assessment is matched to the week' 'You rated your won revenue 4 of 5' \
	"$reports/2026-08-22/feedback/Felix_Nowak.md"
check_eq 'weekly: two log lines' 2 "$(wc -l <"$reports/spm.log" | tr -d ' ')"
cp -r "$reports/2026-08-22" "$W/week2-copy"

# ---- a failing stage leaves every earlier report intact ----
tree_sum "$reports" >"$W/before.sum"
cp "$W/demo/deals.csv" "$W/deals.good"
printf '"006X","Bad","Acme","Felix Nowak","Closed Won",12k,"2026-08-20","2026-08-01","New Business","Web"\r\n' >>"$W/demo/deals.csv"
st=$(run_status "$W/f1" "$weekly" --as-of 2026-08-22 "$conf")
check_eq 'weekly: a corrupt export fails the run with spm-track'"'"'s status' 1 "$st"
check_eq 'weekly: the failure is explained' "spm-track: $W/demo/deals.csv:2004: Amount: not a number (\"12k\") (record 006X)
spm-weekly: spm-track failed (exit status 1); nothing was published, earlier reports are untouched" "$(cat "$W/f1.err")"
st=$(run_status "$W/f2" "$weekly" --as-of 2026-08-29 "$conf")
check_eq 'weekly: a new week fails too' 1 "$st"
tree_sum "$reports" >"$W/after.sum"
check_file 'weekly: earlier reports, log included, are untouched' "$W/before.sum" "$W/after.sum"
check 'weekly: no staging folder or lock is left' test "$(listing "$reports")" = '2026-08-15 2026-08-22 spm.log '
cp "$W/deals.good" "$W/demo/deals.csv"
# a later stage failing (a training catalogue with a bad row): nothing published either
sed 's/^CATALOG=.*/CATALOG=bad-catalog.tsv/' "$conf" >"$W/demo/late.conf"
printf 'metric\tbelow\tcourse\nwin_rate\tninety\tDiscovery\n' >"$W/demo/bad-catalog.tsv"
st=$(run_status "$W/f3" "$weekly" --as-of 2026-08-29 "$W/demo/late.conf")
check_eq 'weekly: a failing report stage exits non-zero' 1 "$st"
check_grep 'weekly: the failing report stage is named' 'spm-weekly: spm-report (feedback, html) failed (exit status 1); nothing was published' "$W/f3.err"
tree_sum "$reports" >"$W/after3.sum"
check_file 'weekly: a late failure publishes nothing' "$W/before.sum" "$W/after3.sum"

# ---- the same week again: the same bytes ----
"$weekly" --as-of 2026-08-22 "$conf" >"$W/r.out" 2>&1
check_eq 'weekly: a rerun succeeds' 0 $?
check 'weekly: a rerun gives byte-identical reports' diff -r "$W/week2-copy" "$reports/2026-08-22"

# ---- the lock ----
# A lock folder (without flock(1), or with SPM_LOCK=mkdir; tests/scripts/lock.sh tests
# both kinds, and races); a folder found is honoured whatever the kind.
SPM_LOCK=mkdir
export SPM_LOCK
rm -f "$reports/.spm.lock" # the lock file the runs above left with flock(1), empty
sleep 60 &
holder=$!
mkdir "$reports/.spm.lock"
echo "$holder" >"$reports/.spm.lock/pid"
st=$(run_status "$W/l1" "$weekly" --as-of 2026-08-29 "$conf")
check_eq 'weekly: a held lock refuses at once' "75 spm-weekly: another run (process $holder) holds the lock $reports/.spm.lock; try again later, or --wait SECONDS" \
	"$st $(cat "$W/l1.err")"
check 'weekly: the refused run published nothing' test ! -e "$reports/2026-08-29"
check 'weekly: the refused run left the lock alone' test -f "$reports/.spm.lock/pid"
(sleep 2 && rm -rf "$reports/.spm.lock") &
st=$(run_status "$W/l2" "$weekly" --wait 20 --as-of 2026-08-29 "$conf")
check_eq 'weekly: --wait waits for the lock' "0" "$st$(cat "$W/l2.err")"
kill "$holder" 2>/dev/null
wait 2>/dev/null
# a lock whose process is gone is stale
mkdir "$reports/.spm.lock"
sh -c 'echo $$' >"$reports/.spm.lock/pid"
st=$(run_status "$W/l3" "$weekly" --as-of 2026-09-05 "$conf")
check_eq 'weekly: a stale lock is removed' "0 spm-weekly: removing the stale lock of process $(cat "$W/l3.err" | sed -n 's/.*of process \([0-9]*\).*/\1/p') ($reports/.spm.lock)" \
	"$st $(cat "$W/l3.err")"
# two real runs at once: spm-track made slow, so the first holds the lock
mkdir -p "$W/slow"
printf '#!/bin/sh\nsleep 3\nexec "%s/spm-track" "$@"\n' "$bindir" >"$W/slow/spm-track"
chmod +x "$W/slow/spm-track"
# held() : whether the run holds the lock (waits up to 30 s for it, on a busy machine);
# the lock is a folder with SPM_LOCK=mkdir or without flock(1), else a file flock(1) holds
held() {
	n=0
	while [ "$n" -lt 60 ]; do
		if [ "${SPM_LOCK:-}" != mkdir ] && command -v flock >/dev/null 2>&1; then
			[ -f "$reports/.spm.lock" ] && ! flock -n "$reports/.spm.lock" true && return 0
		else
			[ -f "$reports/.spm.lock/pid" ] && return 0
		fi
		sleep 0.5
		n=$((n + 1))
	done
	return 1
}
PATH="$W/slow:$PATH" "$weekly" --as-of 2026-09-12 "$conf" >"$W/c1.out" 2>&1 &
first=$!
check 'weekly: the first concurrent run holds the lock' held
st=$(PATH="$W/slow:$PATH" run_status "$W/c2" "$weekly" --as-of 2026-09-19 "$conf")
check_eq 'weekly: a concurrent run refuses' 75 "$st"
check_grep 'weekly: ... naming the running one' "spm-weekly: another run (process $first) holds the lock" "$W/c2.err"
PATH="$W/slow:$PATH" "$weekly" --wait 30 --as-of 2026-09-19 "$conf" >"$W/c3.out" 2>&1 &
second=$!
wait "$first"
check_eq 'weekly: the first concurrent run succeeds' "0" "$?$(cat "$W/c1.out")"
wait "$second"
check_eq 'weekly: the waiting run succeeds after it' "0" "$?$(cat "$W/c3.out")"
check_eq 'weekly: the runs did not interleave (log order)' '2026-09-12 2026-09-19' \
	"$(tail -n 2 "$reports/spm.log" | sed 's/.* as of \([0-9-]*\) .*/\1/' | tr '\n' ' ' | sed 's/ $//')"
check_eq 'weekly: week 2026-W38 compares with 2026-W37' '2026-W38 2026-W37' \
	"$(jq -r '"\(.week) \(.previous_week)"' "$reports/2026-09-19/summary.json")"
check 'weekly: no lock is left' test ! -e "$reports/.spm.lock"
unset SPM_LOCK

# ---- interrupted runs ----
mkdir -p "$reports/.2026-09-26.tmp"
: >"$reports/.2026-09-26.tmp/leftover"
PATH="$W/slow:$PATH" "$weekly" --as-of 2026-09-26 "$conf" >"$W/k.out" 2>&1 &
victim=$!
check 'weekly: a run in progress holds the lock' held
kill -TERM "$victim"
wait "$victim"
check_eq 'weekly: a terminated run exits 143' 143 $?
check 'weekly: ... publishing nothing' test ! -e "$reports/2026-09-26"
check 'weekly: ... removing its staging folder and its lock' \
	test "$(listing "$reports" | tr ' ' '\n' | grep -c '^\.')" = 0
"$weekly" --as-of 2026-09-26 "$conf" >"$W/k2.out" 2>&1
check_eq 'weekly: the next run succeeds' "0" "$?$(cat "$W/k2.out")"
rm -rf "$reports/2026-09-26"
sed -i '$d' "$reports/spm.log"

# ---- goals the weekly snapshot cannot hold ----
cp "$W/demo/goals.tsv" "$W/demo/goals-month.tsv"
printf 'Felix Nowak\t2026-08\twon_revenue\t50000\t1\tfinancial\n' >>"$W/demo/goals-month.tsv"
sed 's/^GOALS=.*/GOALS=goals-month.tsv/; s/^OUTPUT=.*/OUTPUT=reports-month/' "$conf" >"$W/demo/month.conf"
st=$(run_status "$W/m1" "$weekly" --as-of 2026-08-22 "$W/demo/month.conf")
check_eq 'weekly: two goals in force for one owner and metric' "1 spm-weekly: $W/demo/goals-month.tsv: Felix Nowak has goals of two periods in force on 2026-08-22 for won_revenue (2026-08 and 2026-Q3): the weekly report takes one per metric; give each period its own configuration
spm-weekly: cannot make this week's snapshot; nothing was published" "$st $(cat "$W/m1.err")"
check 'weekly: ... and nothing is published' test "$(listing "$W/demo/reports-month")" = ''
st=$(run_status "$W/m2" "$weekly" --as-of 2026-12-15 "$conf")
check_eq 'weekly: no goal in force' "1 spm-weekly: no goal of $W/demo/goals.tsv is in force on 2026-12-15; nothing was published" "$st $(cat "$W/m2.err")"

# ---- --verbose shows the commands and the programs' messages ----
st=$(run_status "$W/v" "$weekly" --verbose --as-of 2026-09-26 "$conf")
check_eq 'weekly: --verbose exits 0' 0 "$st"
check_grep 'weekly: --verbose shows each command' "+ spm-score --fiscal-start 1 -o scores.tsv progress.tsv" "$W/v.err"
check_grep 'weekly: --verbose shows the summaries' 'spm-track: goals: 40 read, 40 reported, 0 rejected' "$W/v.err"
