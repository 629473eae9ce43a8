# The scripts themselves and the library they share: POSIX sh (shellcheck -s sh, the
# scripts with the library they source, and parsed by dash and bash in POSIX mode), the
# same commands whichever POSIX shell runs them, a --help whose first line is the
# synopsis of the manual page, every configuration key (the library's set_key, one for
# both scripts: they read one file) documented in both manual pages, and no function of
# the library written again in a script.
# Sourced by run.sh (top, bindir, work, scripts and the helpers of lib.sh are set).

L="$work/lint"
lib=spm-script-lib.sh
for s in $lib spm-weekly spm-quarter-close; do
	if command -v shellcheck >/dev/null 2>&1; then
		# -x: a script is checked with the library it sources (its source= directive)
		check "lint: shellcheck -x -s sh $s" shellcheck -x -s sh "$scripts/$s"
	else
		echo "lint: shellcheck not installed, $s not checked (apt-get install shellcheck)"
	fi
	check "lint: $s parses with sh -n" sh -n "$scripts/$s"
	if command -v dash >/dev/null 2>&1; then check "lint: $s parses with dash -n" dash -n "$scripts/$s"; fi
	check "lint: $s parses with bash --posix -n" bash --posix -n "$scripts/$s"
	if [ "$s" = "$lib" ]; then
		check "lint: $s is not executable (it is sourced)" test ! -x "$scripts/$s"
		continue
	fi
	check "lint: $s is executable" test -x "$scripts/$s"
	check_eq "lint: $s starts with #!/bin/sh" '#!/bin/sh' "$(head -n 1 "$scripts/$s")"
	check_eq "lint: $s sources $lib" 1 "$(grep -c '^\. "$spm_lib"$' "$scripts/$s")"
	# no function of the library defined again in the script
	again=$(sed -n 's/^\([a-z_]*\)() {.*/\1/p' "$scripts/$lib" "$scripts/$s" | LC_ALL=C sort | uniq -d | tr '\n' ' ')
	check_eq "lint: $s defines none of the library's functions again" '' "$again"
	# the keys of the configuration: those of the library's set_key, each in the manual page
	sed -n '/^set_key() {/,/^}/p' "$scripts/$lib" | sed -n 's/^	\([A-Z_ |]*\)).*/\1/p' | tr -d ' ' | tr '|' '\n' |
		LC_ALL=C sort >"$L-$s.keys"
	if ! command -v man >/dev/null 2>&1; then
		echo "lint: man not installed, the manual page of $s not compared (apt-get install man-db)"
		continue
	fi
	synopsis=$(LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$top/man/$s.1" 2>/dev/null | sed -n '/^SYNOPSIS/{n;p;}' | sed 's/^ *//')
	check_eq "lint: $s --help opens with the man page's synopsis" "Usage: $synopsis" "$("$scripts/$s" --help | head -n 1)"
	missing=
	for k in $(cat "$L-$s.keys"); do
		LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$top/man/$s.1" 2>/dev/null | grep -qw -- "$k" || missing="$missing $k"
	done
	check_eq "lint: every key of $s is in its manual page" '' "$missing"
done
check_eq 'lint: the configuration has 43 keys' 43 "$(wc -l <"$L-spm-weekly.keys" | tr -d ' ')"

# the same commands under dash and under bash in POSIX mode
demo "$L/demo"
for s in spm-weekly spm-quarter-close; do
	case $s in spm-weekly) arg='--as-of 2026-08-15' ;; *) arg='--quarter 2026-Q3' ;; esac
	# shellcheck disable=SC2086 # two words
	sh "$scripts/$s" --dry-run $arg "$L/demo/spm.conf" >"$L/$s.sh.out" 2>&1
	# shellcheck disable=SC2086
	bash --posix "$scripts/$s" --dry-run $arg "$L/demo/spm.conf" >"$L/$s.bash.out" 2>&1
	check_file "lint: $s runs the same under sh and bash --posix" "$L/$s.sh.out" "$L/$s.bash.out"
done
# ... and the same reports, byte for byte
sed 's/^OUTPUT=.*/OUTPUT=out-sh/' "$L/demo/spm.conf" >"$L/demo/sh.conf"
sed 's/^OUTPUT=.*/OUTPUT=out-bash/' "$L/demo/spm.conf" >"$L/demo/bash.conf"
sh "$scripts/spm-weekly" --as-of 2026-08-15 "$L/demo/sh.conf" >"$L/sh.run" 2>&1
bash --posix "$scripts/spm-weekly" --as-of 2026-08-15 "$L/demo/bash.conf" >"$L/bash.run" 2>&1
check 'lint: spm-weekly writes the same reports under sh and bash --posix' \
	diff -r "$L/demo/out-sh/2026-08-15" "$L/demo/out-bash/2026-08-15"
