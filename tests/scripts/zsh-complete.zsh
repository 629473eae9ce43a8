# Completes command lines in a real interactive zsh (in a pseudo-terminal, zsh/zpty) with
# the completion functions of COMPDIR, as a user pressing TAB would, and prints for each
# LINE: the line, TAB, the buffer after the completion, TAB, the matches offered (sorted,
# separated by spaces). The matches are captured by a compadd wrapper, the buffer by a
# widget bound to ^X that also clears it for the next line.
# Usage: zsh -f zsh-complete.zsh COMPDIR LINE...
zmodload zsh/zpty || exit 2
dir=$1; shift
log=$(mktemp)
init=$(mktemp)
cat >$init <<INIT
PS1='> '; PS2=''; unsetopt beep
fpath=($dir \$fpath)
autoload -U compinit; compinit -u -D
zstyle ':completion:*' list-prompt ''; zstyle ':completion:*' select-prompt ''; LISTMAX=100000
spm-dump-buffer() { print -r -- "__buffer:\$BUFFER" >> $log; BUFFER= }
zle -N spm-dump-buffer
bindkey '^X' spm-dump-buffer
compadd() {
	if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "\$@"; return; fi
	local -a __h
	builtin compadd -A __h "\$@"
	(( \$#__h )) && print -rl -- \$__h >> $log
	builtin compadd "\$@"
}
INIT
zpty z zsh -f -i
zpty -w z ". $init"
n=0
for line in "$@"; do
	n=$((n+1))
	: > $log
	zpty -w -n z "$line"$'\t'
	zpty -w -n z $'\C-x'
	zpty -w z "print -r -- __done$n >> $log"
	for i in {1..${SPM_ZSH_WAIT:-400}}; do grep -q "^__done$n\$" $log 2>/dev/null && break; sleep 0.05; done
	if ! grep -q "^__done$n\$" $log; then
		print -r -- "$line"$'\ttimeout\t'
		continue
	fi
	# the listings go to the terminal: read them, or a full terminal blocks the shell
	while zpty -r -t z screen; do :; done
	print -rn -- "$line"$'\t'"$(sed -n 's/^__buffer://p' $log)"$'\t'
	grep -v "^__done$n\$" $log | grep -v '^__buffer:' | LC_ALL=C sort -u | tr '\n' ' '
	print
done
zpty -d z
rm -f $log $init
