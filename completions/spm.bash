# bash completion for spm: spm-track, spm-goal (and its commands), spm-score, spm-report,
# spm-weekly, spm-quarter-close and spm-mail.
#
# `make install` puts this file in $(PREFIX)/share/bash-completion/completions/ under the
# name of each program (spm-track, and links for the others), where bash-completion
# loads it the first time a program is completed. Without bash-completion, source it
# from ~/.bashrc. It needs nothing from bash-completion itself.
#
# The option lists below are those of each program's --help; tests/scripts/completion.sh
# checks that they stay the same.

_spm_opts_track='--csv --tsv --delimiter --map --rep --date --amount --stage --created --id --won --lost
	--date-format --decimal-comma --latest --unique --rates --currency --base-currency
	--rate-age --rounding --cancelled --cancelled-date --refunds --reversals --metrics --metrics-file --grain --period --from --to
	--fiscal-start --roster --roster-map --level --by --credits --goals --as-of --workdays --holidays --all --reject-goals
	--achieved --ahead --on-track --early -o --output --reject --threads --partial --progress -q --quiet
	-h --help -V --version'
_spm_opts_score='--cap --floor --missing --normalize --basis --detail --roster --roster-map --group --by --tiers
	--streak-tier --prev --drivers --outcome --plan --plan-name --incentive --skip-unplanned
	--rounding --no-draw --as-if-attainment --as-if-actual --metric --against --reversals
	--fiscal-start --threads -o --output --reject -q --quiet -h --help -V --version'
_spm_opts_report='-k --kind -f --format -o --output --split-dir --title --as-of --period
	--owner --top --metric --roster --roster-map --level --metrics-file --goals --catalog --self --tiers
	--attention-below --workdays --fiscal-start --raw --currency --color -h --help -V --version'
_spm_opts_goal='-h --help -V --version'
_spm_opts_goal_set='--file --weight --category --direction --metrics-file --fiscal-start
	--csv --tsv -q --quiet -h --help -V --version'
_spm_opts_goal_split='--into --season --round --roster --roster-map --fiscal-start --metrics-file --csv --tsv
	-o --output -q --quiet -h --help -V --version'
_spm_opts_goal_allocate='--roster --roster-map --by --overassign --prorate --round --level --replace
	--fiscal-start --metrics-file --csv --tsv -o --output -q --quiet -h --help -V --version'
_spm_opts_goal_rollup='--roster --roster-map --as-of --level --grain --metrics-file --fiscal-start --csv --tsv
	-o --output -q --quiet -h --help -V --version'
_spm_opts_goal_check='--roster --roster-map --level --metrics-file --history --max-growth --require
	--categories --as-of --fiscal-start --csv --tsv -o --output -q --quiet -h --help
	-V --version'
_spm_opts_goal_diff='--fiscal-start --metrics-file --csv --tsv -o --output -q --quiet -h --help
	-V --version'
_spm_opts_goal_periods='--into --fiscal-start -o --output -h --help -V --version'
_spm_opts_weekly='-a --as-of -n --dry-run -m --mail-dry-run -w --wait -v --verbose -h --help -V --version'
_spm_opts_close='--quarter --paid -n --dry-run -m --mail-dry-run -w --wait -v --verbose -h --help -V --version'
_spm_opts_mail='--from --subject --roster --roster-map --to-column --group --to -n --dry-run
	-q --quiet -h --help -V --version'

_spm_goal_commands='set split allocate rollup check diff periods'
_spm_builtin_metrics='won_revenue won_deals lost_deals win_rate avg_deal cycle_days pipeline coverage
	overlay_revenue overlay_deals clawback clawback_deals'
_spm_categories='financial activity customer innovation development operational'
_spm_months='1 2 3 4 5 6 7 8 9 10 11 12'

# _spm_words WORDS CUR: the words that start with CUR.
_spm_words() {
	local IFS=$' \t\n'
	COMPREPLY=($(compgen -W "$1" -- "$2"))
}

# _spm_files CUR: file and folder names (added to what is there).
_spm_files() {
	local IFS=$'\n'
	COMPREPLY+=($(compgen -f -- "$1"))
	compopt -o filenames 2>/dev/null
}

_spm_dirs() {
	local IFS=$'\n'
	COMPREPLY=($(compgen -d -- "$1"))
	compopt -o filenames 2>/dev/null
}

# _spm_list WORDS CUR: the last item of a comma-separated list.
_spm_list() {
	local IFS=$' \t\n' prefix= last=$2
	if [[ $2 == *,* ]]; then
		prefix=${2%,*},
		last=${2##*,}
	fi
	COMPREPLY=($(compgen -P "$prefix" -W "$1" -- "$last"))
	compopt -o nospace 2>/dev/null
}

# _spm_file_metrics OPTION: the metrics of the metrics file given earlier on the line with
# OPTION (--metrics-file; --metrics, its older name outside spm-track), for the lists of metrics.
_spm_file_metrics() {
	local i f= opt=$1
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		if [[ ${COMP_WORDS[i]} == "$opt" ]]; then
			f=${COMP_WORDS[i + 1]}
			[[ $f == = ]] && f=${COMP_WORDS[i + 2]}
		fi
	done
	f=${f/#\~/$HOME}
	[[ -n $f && -r $f ]] || return 0
	awk -F '[\t,]' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "metric") m = i; next }
		m && $m != "" && $m !~ /^#/ { print $m }' "$f" 2>/dev/null
}

# _spm_value PROGRAM OPTION CUR: completes the value of OPTION; fails when OPTION takes no
# value (so that CUR is completed as an option or an argument).
_spm_value() {
	local prog=$1 opt=$2 cur=$3
	case $prog:$opt in
	*:--fiscal-start) _spm_words "$_spm_months" "$cur" ;;
	track:--map)
		_spm_words 'salesforce hubspot pipedrive' "$cur"
		_spm_files "$cur"
		;;
	track:--grain | goal-rollup:--grain) _spm_words 'year half quarter month week day' "$cur" ;;
	track:--level) _spm_words 'rep team manager region all' "$cur" ;;
	track:--delimiter) _spm_words 'tab' "$cur" ;;
	report:--level | goal-allocate:--level | goal-rollup:--level) _spm_words 'team manager region' "$cur" ;;
	goal-check:--level) _spm_words 'rep team manager region' "$cur" ;;
	track:--metrics) _spm_list "$_spm_builtin_metrics $(_spm_file_metrics --metrics-file)" "$cur" ;;
	score:--by | score:--outcome | score:--metric | report:--metric)
		_spm_words "$_spm_builtin_metrics $(_spm_file_metrics --metrics-file) $(_spm_file_metrics --metrics)" "$cur"
		;;
	score:--missing) _spm_words 'skip floor' "$cur" ;;
	score:--normalize) _spm_words 'zscore percentile' "$cur" ;;
	score:--basis) _spm_words 'auto attainment pace' "$cur" ;;
	score:--rounding | track:--rounding) _spm_words 'half-away half-even' "$cur" ;;
	score:--group) _spm_words 'team manager region' "$cur" ;;
	report:-k | report:--kind) _spm_words 'leaderboard progress scorecard team statement feedback review' "$cur" ;;
	report:-f | report:--format) _spm_words 'text markdown html json csv xlsx' "$cur" ;;
	report:--color) _spm_words 'auto always never' "$cur" ;;
	report:--split-dir) _spm_dirs "$cur" ;;
	goal-set:--direction) _spm_words 'higher lower' "$cur" ;;
	goal-set:--category) _spm_words "$_spm_categories" "$cur" ;;
	goal-split:--into | goal-periods:--into) _spm_words 'half quarter month week day' "$cur" ;;
	goal-allocate:--by) _spm_words 'equal' "$cur" ;;
	goal-check:--categories) _spm_list "$_spm_categories" "$cur" ;;
	goal-check:--require)
		_spm_words "$_spm_categories" "$cur"
		compopt -o nospace 2>/dev/null
		;;
	# options whose value is a file
	track:--metrics-file | track:--roster | *:--roster-map | track:--goals | track:--holidays | \
		track:--reject-goals | track:--reject | track:--rates | track:--credits | track:--refunds | track:--reversals | *:-o | *:--output | \
		score:--roster | score:--prev | score:--plan | score:--against | score:--reversals | score:--reject | \
		report:--roster | report:--metrics-file | report:--metrics | report:--goals | report:--catalog | report:--self | \
		goal-*:--metrics | goal-*:--metrics-file | goal-*:--roster | goal-set:-f | goal-set:--file | goal-check:--history | \
		close:--paid | mail:--roster)
		COMPREPLY=()
		_spm_files "$cur"
		;;
	mail:-n | mail:--dry-run) _spm_dirs "$cur" ;;
	mail:--group) _spm_words 'team manager region' "$cur" ;;
	# options whose value is free text: nothing to offer
	track:--by | track:--rep | track:--date | track:--amount | track:--stage | track:--created | track:--id | \
		track:--won | track:--lost | track:--date-format | track:--period | track:--from | \
		track:--to | *:--as-of | track:--achieved | track:--ahead | track:--on-track | track:--early | \
		track:--latest | track:--cancelled | track:--cancelled-date | track:--currency | track:--base-currency | track:--rate-age | \
		*:--threads | score:--cap | score:--floor | score:--tiers | score:--streak-tier | \
		score:--plan-name | score:--incentive | score:--as-if-attainment | score:--as-if-actual | \
		report:--title | report:--period | report:--owner | report:--top | report:--tiers | \
		report:--attention-below | report:--currency | goal-set:--weight | goal-split:--season | goal-*:--round | \
		goal-allocate:--overassign | goal-check:--max-growth | weekly:-a | *:-w | *:--wait | \
		close:--quarter | mail:--from | mail:--subject | mail:--to-column | mail:--to)
		COMPREPLY=()
		;;
	*) return 1 ;;
	esac
	return 0
}

# _spm_complete PROGRAM OPTIONS ARGUMENTS: the common work; ARGUMENTS is files or none.
_spm_complete() {
	local prog=$1 opts=$2 args=$3
	local cur=${COMP_WORDS[COMP_CWORD]} prev=
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	# --option=value: readline splits it into --option, =, value
	if [[ $cur == = ]]; then
		cur=
	elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	elif [[ $cur == --*=* ]]; then
		prev=${cur%%=*}
		cur=${cur#*=}
	fi
	if [[ $prev == -* ]] && _spm_value "$prog" "$prev" "$cur"; then
		return 0
	fi
	if [[ $cur == -* ]]; then
		_spm_words "$opts" "$cur"
		return 0
	fi
	COMPREPLY=()
	[[ $args == files ]] && _spm_files "$cur"
	return 0
}

_spm() {
	local cmd=${COMP_WORDS[0]##*/}
	case $cmd in
	spm-track) _spm_complete track "$_spm_opts_track" files ;;
	spm-score) _spm_complete score "$_spm_opts_score" files ;;
	spm-report) _spm_complete report "$_spm_opts_report" files ;;
	spm-weekly) _spm_complete weekly "$_spm_opts_weekly" files ;;
	spm-quarter-close) _spm_complete close "$_spm_opts_close" files ;;
	spm-mail) _spm_complete mail "$_spm_opts_mail" files ;;
	spm-goal)
		# the command is the first word that is not an option
		local i sub=
		for ((i = 1; i < COMP_CWORD; i++)); do
			if [[ ${COMP_WORDS[i]} != -* ]]; then
				sub=${COMP_WORDS[i]}
				break
			fi
		done
		if [[ -z $sub ]]; then
			if [[ ${COMP_WORDS[COMP_CWORD]} == -* ]]; then
				_spm_words "$_spm_opts_goal" "${COMP_WORDS[COMP_CWORD]}"
			else
				_spm_words "$_spm_goal_commands" "${COMP_WORDS[COMP_CWORD]}"
			fi
			return 0
		fi
		case $sub in
		set) _spm_complete goal-set "$_spm_opts_goal_set" none ;;
		split) _spm_complete goal-split "$_spm_opts_goal_split" files ;;
		allocate) _spm_complete goal-allocate "$_spm_opts_goal_allocate" files ;;
		rollup) _spm_complete goal-rollup "$_spm_opts_goal_rollup" files ;;
		check) _spm_complete goal-check "$_spm_opts_goal_check" files ;;
		diff) _spm_complete goal-diff "$_spm_opts_goal_diff" files ;;
		periods) _spm_complete goal-periods "$_spm_opts_goal_periods" none ;;
		*) COMPREPLY=() ;;
		esac
		;;
	esac
	return 0
}

complete -F _spm spm-track spm-goal spm-score spm-report spm-weekly spm-quarter-close spm-mail
