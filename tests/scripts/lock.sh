# The lock of spm-weekly under races (sourced by run.sh): LOCK_TRIALS (default 50) pairs
# of runs started at once on a stale lock folder (SPM_LOCK=mkdir, whose stale takeover
# must be atomic), and where flock(1) is installed, 20 pairs on a stale lock file and 10
# on a stale folder found by runs that have flock(1); each time exactly one of the two
# may proceed. Also: a lock held by a live process of
# another user is not stale (kill -0 fails there with "operation not permitted").
# spm-track is replaced by a stand-in that holds the run for a moment and fails with
# status 3: a run that got past the lock exits 3, the other 75.
K="$work/lock"
demo "$K/demo"
weekly="$scripts/spm-weekly"
conf="$K/demo/spm.conf"
reports="$K/demo/reports"
mkdir -p "$K/slow" "$reports"
printf '#!/bin/sh\nsleep 1\necho "spm-track: stand-in of the lock test" >&2\nexit 3\n' >"$K/slow/spm-track"
chmod +x "$K/slow/spm-track"
trials=${LOCK_TRIALS:-50}

# dead_pid: the process id of a process that has ended
dead_pid() { sh -c 'echo $$'; }

# race KIND [TRIALS]: runs the trials, with a stale lock of KIND (folder, file) before each;
# prints "N of TRIALS" (the trials in which exactly one run proceeded).
race() {
	trials=${2:-$trials}
	good=0
	i=0
	while [ "$i" -lt "$trials" ]; do
		i=$((i + 1))
		rm -rf "$reports/.spm.lock" "$reports/.spm.lock.takeover"
		if [ "$1" = folder ]; then
			mkdir "$reports/.spm.lock"
			dead_pid >"$reports/.spm.lock/pid"
		else
			dead_pid >"$reports/.spm.lock"
		fi
		PATH="$K/slow:$PATH" "$weekly" --as-of 2026-08-22 "$conf" >"$K/a.out" 2>&1 &
		a=$!
		PATH="$K/slow:$PATH" "$weekly" --as-of 2026-08-22 "$conf" >"$K/b.out" 2>&1 &
		b=$!
		wait "$a"
		sa=$?
		wait "$b"
		sb=$?
		case "$sa $sb" in
		'3 75' | '75 3') good=$((good + 1)) ;;
		*) echo "lock: trial $i ($1): exit statuses $sa and $sb" >&2; cat "$K/a.out" "$K/b.out" >&2 ;;
		esac
	done
	echo "$good of $trials"
}

result=$(SPM_LOCK=mkdir race folder)
echo "lock: lock folder, stale, two runs at once: exactly one proceeded in $result trials"
check_eq 'lock: a stale lock folder, two runs at once: exactly one proceeds' "$trials of $trials" "$result"
check 'lock: ... and no takeover folder is left' test ! -e "$reports/.spm.lock.takeover"
if command -v flock >/dev/null 2>&1; then
	result=$(race file 20)
	echo "lock: flock(1), stale lock file, two runs at once: exactly one proceeded in $result trials"
	check_eq 'lock: flock(1), two runs at once: exactly one proceeds' "20 of 20" "$result"
	result=$(race folder 10)
	check_eq 'lock: flock(1) honours a lock folder (stale, taken over atomically)' "10 of 10" "$result"
	# held by a live process: refused at once, naming it
	rm -rf "$reports/.spm.lock"
	: >"$reports/.spm.lock"
	sh -c 'exec 9<"$1"; flock 9; echo $$ >"$1"; exec sleep 30' sh "$reports/.spm.lock" &
	holder=$!
	# its pid is written once it holds the lock (up to 30 s on a busy machine)
	n=0
	while [ "$(cat "$reports/.spm.lock")" != "$holder" ] && [ "$n" -lt 60 ]; do
		sleep 0.5
		n=$((n + 1))
	done
	st=$(PATH="$K/slow:$PATH" run_status "$K/h" "$weekly" --as-of 2026-08-22 "$conf")
	check_eq 'lock: flock(1): a held lock refuses at once, naming its process' \
		"75 spm-weekly: another run (process $holder) holds the lock $reports/.spm.lock; try again later, or --wait SECONDS" \
		"$st $(cat "$K/h.err")"
	kill "$holder"
	wait "$holder" 2>/dev/null
	st=$(PATH="$K/slow:$PATH" run_status "$K/h2" "$weekly" --as-of 2026-08-22 "$conf")
	check_eq 'lock: flock(1): released by the end of its process, never stale' 3 "$st"
	check_eq 'lock: flock(1): the lock file is left empty' 0 "$(wc -c <"$reports/.spm.lock" | tr -d ' ')"
fi

# another user's live process: as root, the run is made as nobody (setpriv), and the lock
# names a process of root's; as another user, process 1 is one.
rm -rf "$reports/.spm.lock"
other=
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
	sleep 30 &
	other=$!
	as_other() { setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$@"; }
	chmod -R a+rwX "$K"
	chmod a+x "$work" "$(dirname "$work")" 2>/dev/null
elif [ "$(id -u)" != 0 ] && ! kill -0 1 2>/dev/null; then
	other=1
	as_other() { "$@"; }
fi
if [ -n "$other" ]; then
	mkdir "$reports/.spm.lock"
	echo "$other" >"$reports/.spm.lock/pid"
	chmod -R a+rwX "$reports"
	as_other env SPM_LOCK=mkdir PATH="$K/slow:$PATH" "$weekly" --as-of 2026-08-22 "$conf" >"$K/o.out" 2>"$K/o.err" </dev/null
	st=$?
	check_eq "lock: a lock of another user's live process is not stale" \
		"75 spm-weekly: another run (process $other) holds the lock $reports/.spm.lock; try again later, or --wait SECONDS" \
		"$st $(cat "$K/o.err")"
	check 'lock: ... and is left alone' test -f "$reports/.spm.lock/pid"
	[ "$other" = 1 ] || kill "$other"
	rm -rf "$reports/.spm.lock"
else
	echo "lock: no other user to hold a lock (not root, and process 1 is ours): skipped"
fi
