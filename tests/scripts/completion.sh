# Shell completions: bash (completions/spm.bash) and zsh (completions/_spm) offer exactly
# the options of each program's and each spm-goal command's --help; after an option that
# takes a value they offer its values (or files, or nothing), never options; and the
# values offered for the enumerated options are the documented ones. zsh is driven for
# real in a pseudo-terminal (zsh-complete.zsh); it is skipped, with a note, when zsh is
# not installed.
# Sourced by run.sh (top, bindir, work, scripts and the helpers of lib.sh are set).

K="$work/completion"
mkdir -p "$K/files/reports"
: >"$K/files/roster.tsv"
: >"$K/files/deals.csv"
cp "$top/examples/metrics.tsv" "$K/files/metrics.tsv"

# bcomp WORD...: bash's candidates for the last word, on one line
bcomp() {
	(cd "$K/files" && bash --norc --noprofile -c '. "$1" "$2"; shift 2; comp "$@"' bcomp \
		"$here/complete.bash" "$top/completions/spm.bash" "$@") | tr '\n' ' ' | sed 's/ $//'
}

# the commands, their --help, and their option list in the bash completion
commands='spm-track:track spm-score:score spm-report:report spm-goal:goal spm-goal_set:goal_set
	spm-goal_split:goal_split spm-goal_allocate:goal_allocate spm-goal_rollup:goal_rollup
	spm-goal_check:goal_check spm-goal_diff:goal_diff spm-goal_periods:goal_periods
	spm-weekly:weekly spm-quarter-close:close spm-mail:mail'
help_of() { # help_of COMMAND (spm-goal_split: spm-goal split)
	case $1 in
	spm-weekly | spm-quarter-close) "$scripts/$1" --help ;;
	spm-goal_*) "$bindir/spm-goal" "${1#spm-goal_}" --help ;;
	*) "$bindir/$1" --help ;;
	esac
}
words_of() { # the words of the command line for COMMAND
	case $1 in spm-goal_*) echo "spm-goal ${1#spm-goal_}" ;; *) echo "$1" ;; esac
}

for c in $commands; do
	cmd=${c%%:*} var=${c#*:}
	help_of "$cmd" | awk -f "$here/help-options.awk" | LC_ALL=C sort -u >"$K/$cmd.help"
	cut -d ' ' -f 1 "$K/$cmd.help" | LC_ALL=C sort -u | tr '\n' ' ' >"$K/$cmd.want"
	bash --norc --noprofile -c '. "$1"; eval "printf %s \"\$_spm_opts_$2\""' b "$top/completions/spm.bash" "$var" |
		tr -s ' \t\n' '\n\n\n' | sed '/^$/d' | LC_ALL=C sort -u | tr '\n' ' ' >"$K/$cmd.bash"
	check_eq "bash: the options of $(words_of "$cmd") are its --help's" "$(cat "$K/$cmd.want")" "$(cat "$K/$cmd.bash")"
	check_eq "bash: $(words_of "$cmd") - offers them all" "$(sed 's/ $//' "$K/$cmd.want")" \
		"$(bcomp $(words_of "$cmd") - | tr ' ' '\n' | LC_ALL=C sort -u | tr '\n' ' ' | sed 's/ $//')"
	# after an option that takes a value: never options; after one that does not: options
	bad=
	while read -r opt arg; do
		if [ "$arg" = 1 ]; then
			got=$(bcomp $(words_of "$cmd") "$opt" '')
			case " $got" in *' -'*) bad="$bad $opt" ;; esac
		else
			case $opt in -h | --help | -V | --version) continue ;; esac
			got=$(bcomp $(words_of "$cmd") "$opt" -)
			case $got in -*) ;; *) bad="$bad $opt" ;; esac
		fi
	done <"$K/$cmd.help"
	check_eq "bash: $(words_of "$cmd"): options that take a value complete values, the others options" '' "$bad"
	# and the completion knows which options take a value: _spm_value handles exactly those
	key=$(echo "$var" | tr _ -)
	wrong=$(bash --norc --noprofile -c '. "$1"; shift; key=$1; shift
		while read -r opt arg; do
			if _spm_value "$key" "$opt" "" >/dev/null 2>&1; then got=1; else got=0; fi
			[ "$got" = "$arg" ] || printf " %s" "$opt"
		done' b "$top/completions/spm.bash" "$key" <"$K/$cmd.help")
	check_eq "bash: $(words_of "$cmd"): the options that take a value are known as such" '' "$wrong"
done

check_eq 'bash: every program is completed' \
	'complete -F _spm spm-track spm-goal spm-score spm-report spm-weekly spm-quarter-close spm-mail' \
	"$(bash --norc --noprofile -c '. "$1"; complete -p spm-track spm-goal spm-score spm-report spm-weekly spm-quarter-close spm-mail' b \
		"$top/completions/spm.bash" | sed 's/ [^ ]*$//' | sort -u | sed 's/$/ spm-track spm-goal spm-score spm-report spm-weekly spm-quarter-close spm-mail/')"
check_eq 'bash: spm-goal commands' 'allocate check diff periods rollup set split' "$(bcomp spm-goal '')"
check_eq 'bash: spm-goal sp' 'split' "$(bcomp spm-goal sp)"
check_eq 'bash: spm-goal options before a command' '--help --version -V -h' "$(bcomp spm-goal -)"
check_eq 'bash: spm-track --grain' 'day half month quarter week year' "$(bcomp spm-track --grain '')"
check_eq 'bash: spm-track --grain=q (readline splits at =)' 'quarter' "$(bcomp spm-track --grain = q)"
check_eq 'bash: spm-track --grain= (just after =)' 'day half month quarter week year' "$(bcomp spm-track --grain =)"
check_eq 'bash: spm-track --level' 'all manager region rep team' "$(bcomp spm-track --level '')"
check_eq 'bash: spm-track --map: presets and files' 'deals.csv hubspot metrics.tsv pipedrive reports roster.tsv salesforce' \
	"$(bcomp spm-track --map '' | tr ' ' '\n' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')"
check_eq 'bash: spm-track --metrics: the last item of a list' 'won_revenue,win_rate won_revenue,won_deals won_revenue,won_revenue' \
	"$(bcomp spm-track --metrics won_revenue,w)"
check_eq 'bash: spm-track --metrics: the metrics of --metrics-file too' 'new_logos' \
	"$(bcomp spm-track --metrics-file metrics.tsv --metrics n)"
check_eq 'bash: spm-track --fiscal-start 1' '1 10 11 12' "$(bcomp spm-track --fiscal-start 1)"
check_eq 'bash: spm-track --roster: files and folders' 'reports roster.tsv' "$(bcomp spm-track --roster r)"
check_eq 'bash: spm-track FILE' 'deals.csv' "$(bcomp spm-track --map salesforce d)"
check_eq 'bash: spm-score --rounding' 'half-away half-even' "$(bcomp spm-score --rounding '')"
check_eq 'bash: spm-score --missing' 'floor skip' "$(bcomp spm-score --missing '')"
check_eq 'bash: spm-score --normalize' 'percentile zscore' "$(bcomp spm-score --normalize '')"
check_eq 'bash: spm-score --by: metrics' 'avg_deal clawback clawback_deals coverage cycle_days lost_deals overlay_deals overlay_revenue pipeline win_rate won_deals won_revenue' \
	"$(bcomp spm-score --by '')"
check_eq 'bash: spm-report -k' 'feedback leaderboard progress review scorecard statement team' "$(bcomp spm-report -k '')"
check_eq 'bash: spm-report --format' 'csv html json markdown text xlsx' "$(bcomp spm-report --format '')"
check_eq 'bash: spm-report --color' 'always auto never' "$(bcomp spm-report --color '')"
check_eq 'bash: spm-report --split-dir: folders only' 'reports' "$(bcomp spm-report --split-dir '')"
check_eq 'bash: spm-goal split --into' 'day half month quarter week' "$(bcomp spm-goal split --into '')"
check_eq 'bash: spm-goal set --direction' 'higher lower' "$(bcomp spm-goal set -f goals.tsv --direction '')"
check_eq 'bash: spm-goal check --require' 'innovation' "$(bcomp spm-goal check --roster roster.tsv --require in)"
check_eq 'bash: spm-goal allocate --level' 'manager region team' "$(bcomp spm-goal allocate --level '')"
check_eq 'bash: spm-goal rollup --grain' 'day half month quarter week year' "$(bcomp spm-goal rollup --grain '')"
check_eq 'bash: spm-weekly CONFIG: files' 'deals.csv metrics.tsv reports roster.tsv' "$(bcomp spm-weekly '')"
check_eq 'bash: spm-weekly --w' '--wait' "$(bcomp spm-weekly --w)"
check_eq 'bash: spm-quarter-close --paid: files and folders' 'reports roster.tsv' "$(bcomp spm-quarter-close --paid r)"
check_eq 'bash: a program run by its path' 'split' "$(bcomp /usr/local/bin/spm-goal sp)"
check_eq 'bash: nothing to offer for a number of seconds' '' "$(bcomp spm-quarter-close -w '')"
check_eq 'bash: nor for a date' '' "$(bcomp spm-weekly --as-of '')"

# ---- zsh ----
if command -v zsh >/dev/null 2>&1; then
	check 'zsh: the completion parses' zsh -n "$top/completions/_spm"
	lines=
	for c in $commands; do
		cmd=${c%%:*}
		lines="$lines$(words_of "$cmd") -
"
	done
	# after each option that takes a value, what zsh offers (never options)
	for c in $commands; do
		cmd=${c%%:*}
		while read -r opt arg; do
			case $opt in --*) ;; *) continue ;; esac
			[ "$arg" = 1 ] && lines="$lines$(words_of "$cmd") $opt 
"
		done <"$K/$cmd.help"
	done
	set -f
	old_ifs=$IFS
	IFS='
'
	# shellcheck disable=SC2086 # one argument per line
	(cd "$K/files" && zsh -f "$here/zsh-complete.zsh" "$top/completions" $lines \
		'spm-goal ' 'spm-goal sp' 'spm-track --gra' 'spm-track --grain=' 'spm-track --level ' \
		'spm-track --map ' 'spm-track --fiscal-start 1' 'spm-score --rounding ' 'spm-score --by ' \
		'spm-report -k ' 'spm-report --format=' 'spm-report --split-dir ' 'spm-goal split --into ' \
		'spm-goal check --require in' 'spm-goal set --direction ' 'spm-weekly ' 'spm-quarter-close --q' \
		'spm-goal diff ') >"$K/zsh.out" 2>&1
	IFS=$old_ifs
	set +f
	zline() { # zline LINE: the buffer and the matches zsh gave for LINE
		awk -F '\t' -v l="$1" '$1 == l { print $2 "|" $3; exit }' "$K/zsh.out" | sed 's/ $//'
	}
	for c in $commands; do
		cmd=${c%%:*}
		got=$(zline "$(words_of "$cmd") -" | sed 's/^[^|]*|//' | tr ' ' '\n' | LC_ALL=C sort -u | tr '\n' ' ' | sed 's/ $//')
		check_eq "zsh: the options of $(words_of "$cmd") are its --help's" "$(sed 's/ $//' "$K/$cmd.want")" "$got"
	done
	check_eq 'zsh: after an option that takes a value, no option is offered' '' \
		"$(awk -F '\t' '$1 ~ / --[a-z-]+ $/ && ($2 == "timeout" || $3 ~ /(^| )-/) { print $1 }' "$K/zsh.out")"
	check_eq 'zsh: ... for each of them' "$(for c in $commands; do cmd=${c%%:*}
		sed -n "s|^\(--[a-z-]*\) 1\$|$(words_of "$cmd") \1 |p" "$K/$cmd.help"; done | sort -u | wc -l | tr -d ' ')" \
		"$(awk -F '\t' '$1 ~ / --[a-z-]+ $/ { print $1 }' "$K/zsh.out" | sort -u | wc -l | tr -d ' ')"
	check_eq 'zsh: spm-goal commands' 'spm-goal |allocate check diff periods rollup set split' "$(zline 'spm-goal ')"
	check_eq 'zsh: spm-goal sp' 'spm-goal split |split' "$(zline 'spm-goal sp')"
	check_eq 'zsh: spm-track --gra' 'spm-track --grain=|--grain' "$(zline 'spm-track --gra')"
	check_eq 'zsh: spm-track --grain=' 'spm-track --grain=|day half month quarter week year' "$(zline 'spm-track --grain=')"
	check_eq 'zsh: spm-track --level' 'spm-track --level |all manager region rep team' "$(zline 'spm-track --level ')"
	check_eq 'zsh: spm-track --map: presets and files' 'spm-track --map |deals.csv hubspot metrics.tsv pipedrive reports/ roster.tsv salesforce' \
		"$(zline 'spm-track --map ' | sed 's/reports /reports\/ /')"
	check_eq 'zsh: spm-track --fiscal-start 1' 'spm-track --fiscal-start 1|1 10 11 12' "$(zline 'spm-track --fiscal-start 1')"
	check_eq 'zsh: spm-score --rounding' 'spm-score --rounding half-|half-away half-even' "$(zline 'spm-score --rounding ')"
	check_eq 'zsh: spm-score --by' 'spm-score --by |avg_deal clawback clawback_deals coverage cycle_days lost_deals overlay_deals overlay_revenue pipeline win_rate won_deals won_revenue' \
		"$(zline 'spm-score --by ')"
	check_eq 'zsh: spm-report -k' 'spm-report -k |feedback leaderboard progress review scorecard statement team' "$(zline 'spm-report -k ')"
	check_eq 'zsh: spm-report --format=' 'spm-report --format=|csv html json markdown text xlsx' "$(zline 'spm-report --format=')"
	check_eq 'zsh: spm-report --split-dir: folders' 'spm-report --split-dir reports/|reports' "$(zline 'spm-report --split-dir ')"
	check_eq 'zsh: spm-goal split --into' 'spm-goal split --into |day half month quarter week' "$(zline 'spm-goal split --into ')"
	check_eq 'zsh: spm-goal check --require' 'spm-goal check --require innovation |innovation' "$(zline 'spm-goal check --require in')"
	check_eq 'zsh: spm-goal set --direction' 'spm-goal set --direction |higher lower' "$(zline 'spm-goal set --direction ')"
	check_eq 'zsh: spm-weekly CONFIG' 'spm-weekly |deals.csv metrics.tsv reports roster.tsv' "$(zline 'spm-weekly ')"
	check_eq 'zsh: spm-quarter-close --q' 'spm-quarter-close --quarter=|--quarter' "$(zline 'spm-quarter-close --q')"
	check_eq 'zsh: spm-goal diff OLD' 'spm-goal diff |deals.csv metrics.tsv reports roster.tsv' "$(zline 'spm-goal diff ')"
else
	echo "completion: zsh not installed, its tests skipped (apt-get install zsh)"
fi
