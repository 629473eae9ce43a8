# Bash side of tests/scripts/completion.sh: sources the completion file given as $1 and
# defines `comp WORD...`, which completes the last WORD as bash would after TAB (the words
# set as COMP_WORDS, the last one current) and prints the candidates, one a line, sorted.
# shellcheck disable=SC1090
. "$1" || exit 2
comp() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	local fn
	# as bash does: the compspec of the command as typed, else of its last component
	fn=$({ complete -p "$1" || complete -p "${1##*/}"; } 2>/dev/null | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
	[[ -n $fn ]] || { echo "no completion for $1"; return 1; }
	"$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
	((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort
	return 0
}
