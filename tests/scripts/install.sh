# make install and make uninstall into a DESTDIR with PREFIX=/usr: the programs and the
# scripts beside them, the scripts' library in share/spm (its installed path written into
# the scripts), the manual pages (each passes man --warnings), the completions where
# bash-completion and zsh look for them (and they find them), and uninstall leaves
# nothing behind, but what was there before. Then make install into a PREFIX (no
# DESTDIR), from where the scripts run: they use the programs beside them and source the
# installed library, not the source tree's (without it: one diagnostic, status 2).
# Sourced by run.sh (top, bindir, work, scripts and the helpers of lib.sh are set).

I="$work/install"
root="$I/root"
# The jobserver of a parallel make (make -j check) is not ours: a make started here
# without it would warn on stderr, which the checks read.
make_quiet() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL ${MAKE:-make} --no-print-directory -s -C "$top" "$@" BIN="$bindir"; }
make_quiet install DESTDIR="$root" PREFIX=/usr >"$I/install.out" 2>&1
check_eq 'install: make install DESTDIR=... PREFIX=/usr' '0' "$?$(grep -v '^for [ps] in\|^install \|^	' "$I/install.out")"
u="$root/usr"
lib="$u/share/spm/spm-script-lib.sh"
check 'install: the scripts'"'"' library in share/spm' test -f "$lib"
check 'install: ... which is not a command' test ! -x "$lib"
check 'install: ... and not in bin' test ! -e "$u/bin/spm-script-lib.sh"
nolib="cannot read the shared script library (install spm again, or set SPM_SCRIPT_LIB)"
for p in spm-track spm-goal spm-score spm-report spm-mail spm-weekly spm-quarter-close; do
	check "install: bin/$p is executable" test -x "$u/bin/$p"
	check "install: man1/$p.1" test -f "$u/share/man/man1/$p.1"
	check "install: bash completion for $p" test -f "$u/share/bash-completion/completions/$p"
	case $p in
	spm-weekly | spm-quarter-close)
		check_eq "install: $p sources the library from its installed path" \
			"spm_lib='/usr/share/spm/spm-script-lib.sh' # make install" "$(grep '^spm_lib=.*# make install$' "$u/bin/$p")"
		# staged, not yet in place: the library is found with SPM_SCRIPT_LIB
		check_eq "install: $p --version" "$p (spm) 0.1.0" "$(SPM_SCRIPT_LIB="$lib" "$u/bin/$p" --version)"
		if [ ! -e /usr/share/spm/spm-script-lib.sh ]; then
			st=$(run_status "$I/$p-nolib" "$u/bin/$p" --version)
			check_eq "install: $p without its library: one diagnostic, status 2" \
				"2 $p: /usr/share/spm/spm-script-lib.sh: $nolib" "$st $(cat "$I/$p-nolib.out" "$I/$p-nolib.err")"
		fi
		;;
	*) check_eq "install: $p --version" "$p (spm) 0.1.0" "$("$u/bin/$p" --version)" ;;
	esac
done
check 'install: man7/spm.7' test -f "$u/share/man/man7/spm.7"
check 'install: zsh completion' test -f "$u/share/zsh/site-functions/_spm"
check 'install: the Spark driver' test -x "$u/share/spm/spm-spark.py"
check 'install: one bash completion file, linked under every name' test -L "$u/share/bash-completion/completions/spm-goal"
if command -v man >/dev/null 2>&1; then
	bad=
	for m in "$u"/share/man/man1/*.1 "$u"/share/man/man7/*.7; do
		out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$m" 2>&1 >/dev/null)
		[ -z "$out" ] || bad="$bad ${m##*/}: $out"
	done
	check_eq 'install: every installed manual page passes man --warnings' '' "$bad"
else
	echo "install: man not installed, the installed pages not linted (apt-get install man-db)"
fi

# installed into a PREFIX (no DESTDIR), run from elsewhere with a bare PATH: the scripts
# run the programs installed beside them, not the PATH's, and source the library from
# PREFIX/share/spm (their path to it is that one: without it, they stop)
pre="$I/prefix"
make_quiet install PREFIX="$pre" >"$I/install-prefix.out" 2>&1
check_eq 'install: make install PREFIX=...' '0' "$?$(grep -v '^for [ps] in\|^install \|^	' "$I/install-prefix.out")"
demo "$I/demo"
out=$(cd / && PATH=/usr/bin:/bin "$pre/bin/spm-weekly" --dry-run --as-of 2026-08-15 "$I/demo/spm.conf" | sed -n 3p)
case $out in "$pre/bin/spm-track "*) ok ;; *) not_ok 'install: spm-weekly uses the programs beside it' "$out" ;; esac
(cd / && PATH=/usr/bin:/bin "$pre/bin/spm-weekly" --as-of 2026-08-15 "$I/demo/spm.conf") >"$I/run.out" 2>&1
check_eq 'install: the installed spm-weekly runs with a bare PATH' '0' "$?$(cat "$I/run.out")"
(cd / && PATH=/usr/bin:/bin "$pre/bin/spm-quarter-close" --dry-run --quarter 2026-Q3 "$I/demo/spm.conf") >"$I/close.out" 2>&1
check_eq 'install: the installed spm-quarter-close runs with a bare PATH' '0' "$?"
mv "$pre/share/spm/spm-script-lib.sh" "$I/lib-aside"
st=$(cd / && run_status "$I/nolib" "$pre/bin/spm-quarter-close" --quarter 2026-Q3 "$I/demo/spm.conf")
check_eq 'install: the installed scripts source the installed library: without it, status 2' \
	"2 spm-quarter-close: $pre/share/spm/spm-script-lib.sh: $nolib" "$st $(cat "$I/nolib.out" "$I/nolib.err")"
mv "$I/lib-aside" "$pre/share/spm/spm-script-lib.sh"
make_quiet uninstall PREFIX="$pre" >"$I/uninstall-prefix.out" 2>&1
check_eq 'install: make uninstall PREFIX=...: no file left, nor share/spm' '0' \
	"$?$(cd "$pre" && find . -type f -o -type l -o -name spm)"

# bash-completion and zsh find the completions where they were installed
if [ -f /usr/share/bash-completion/bash_completion ]; then
	got=$(XDG_DATA_DIRS="$u/share" bash --norc --noprofile -c '. /usr/share/bash-completion/bash_completion
		if declare -F _comp_load >/dev/null; then _comp_load spm-goal; else __load_completion spm-goal; fi
		complete -p spm-goal' 2>&1)
	check_eq 'install: bash-completion loads the completion of spm-goal' 'complete -F _spm spm-goal' "$got"
else
	echo "install: bash-completion not installed, its loader not tested (apt-get install bash-completion)"
fi
if command -v zsh >/dev/null 2>&1; then
	got=$(zsh -f -c "fpath=($u/share/zsh/site-functions \$fpath); autoload -U compinit; compinit -u -D; print -r -- \${_comps[spm-goal]} \${_comps[spm-weekly]}")
	check_eq 'install: zsh'"'"'s compinit finds _spm' '_spm _spm' "$got"
fi

# install again (links replaced), then uninstall: nothing left
make_quiet install DESTDIR="$root" PREFIX=/usr >"$I/install2.out" 2>&1
check_eq 'install: a second install succeeds' 0 $?
make_quiet uninstall DESTDIR="$root" PREFIX=/usr >"$I/uninstall.out" 2>&1
check_eq 'install: make uninstall' 0 $?
check_eq 'install: uninstall leaves nothing behind' '' "$(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | head -n 5)"

# into a tree that holds other software: only spm's files go
root2="$I/root2"
mkdir -p "$root2/usr/bin" "$root2/usr/share/man/man1" "$root2/usr/share/bash-completion/completions"
: >"$root2/usr/bin/other"
: >"$root2/usr/share/man/man1/other.1"
: >"$root2/usr/share/bash-completion/completions/other"
make_quiet install DESTDIR="$root2" PREFIX=/usr >/dev/null 2>&1 &&
	make_quiet uninstall DESTDIR="$root2" PREFIX=/usr >/dev/null 2>&1
check_eq 'install: uninstall leaves other software alone' \
	'./usr ./usr/bin ./usr/bin/other ./usr/share ./usr/share/bash-completion ./usr/share/bash-completion/completions ./usr/share/bash-completion/completions/other ./usr/share/man ./usr/share/man/man1 ./usr/share/man/man1/other.1' \
	"$(cd "$root2" && find . -mindepth 1 | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')"
