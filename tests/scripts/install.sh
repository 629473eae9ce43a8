# make install and make uninstall into a DESTDIR with PREFIX=/usr: the programs and the
# scripts beside them (the scripts then use the programs beside them), the manual pages
# (each passes man --warnings), the completions where bash-completion and zsh look for
# them (and they find them), and uninstall leaves nothing behind, but what was there
# before.
# Sourced by run.sh (top, bindir, work, scripts and the helpers of lib.sh are set).

I="$work/install"
root="$I/root"
# The jobserver of a parallel make (make -j check) is not ours: a make started here
# without it would warn on stderr, which the checks read.
make_quiet() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL ${MAKE:-make} --no-print-directory -s -C "$top" "$@" BIN="$bindir"; }
make_quiet install DESTDIR="$root" PREFIX=/usr >"$I/install.out" 2>&1
check_eq 'install: make install DESTDIR=... PREFIX=/usr' '0' "$?$(grep -v '^for p in\|^install \|^	' "$I/install.out")"
u="$root/usr"
for p in spm-track spm-goal spm-score spm-report spm-mail spm-weekly spm-quarter-close; do
	check "install: bin/$p is executable" test -x "$u/bin/$p"
	check "install: man1/$p.1" test -f "$u/share/man/man1/$p.1"
	check "install: bash completion for $p" test -f "$u/share/bash-completion/completions/$p"
	check_eq "install: $p --version" "$p (spm) 0.1.0" "$("$u/bin/$p" --version)"
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

# the installed scripts run the programs installed beside them, not the PATH's
demo "$I/demo"
out=$(PATH=/usr/bin:/bin "$u/bin/spm-weekly" --dry-run --as-of 2026-08-15 "$I/demo/spm.conf" | sed -n 3p)
case $out in "$u/bin/spm-track "*) ok ;; *) not_ok 'install: spm-weekly uses the programs beside it' "$out" ;; esac
PATH=/usr/bin:/bin "$u/bin/spm-weekly" --as-of 2026-08-15 "$I/demo/spm.conf" >"$I/run.out" 2>&1
check_eq 'install: the installed spm-weekly runs with a bare PATH' '0' "$?$(cat "$I/run.out")"

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
