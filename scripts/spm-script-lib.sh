# shellcheck shell=sh
# spm-script-lib.sh: the code spm-weekly and spm-quarter-close share, sourced by both (it
# is not a command): messages, the commands of the stages and how they run, the KEY=value
# configuration both read, the options both take, the lock and the atomic publish, and
# the mail. Each script keeps its own job: its options, its checks, its steps.
#
# The script sets PROG (its name, in every message) and defines usage() before sourcing
# this, with `set -uf` in force; run_setup NAME then names the folder it publishes, and
# stage_failed_tail ends the message of a failed stage. Functions share the script's
# variables (POSIX sh has no locals), so the names they set are listed with them.
#
# shellcheck disable=SC2034,SC2154 # the scripts use what is set here, and set what is used

VERSION=0.1.0 # spm's, as SPM_VERSION in src/lib/diag.h
EX_TEMPFAIL=75 # another run holds the lock (sysexits.h)
NL='
'
CR=$(printf '\r')

say() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { # die STATUS MESSAGE: one diagnostic line, then exit
	st=$1
	shift
	say "$*"
	exit "$st"
}
usage_error() {
	say "$*"
	printf "Try '%s --help' for more information.\n" "$PROG" >&2
	exit 2
}

# quote WORD: WORD as one shell word, for the commands that are run through eval and shown.
quote() {
	case $1 in
	'') printf "''" ;;
	*[!A-Za-z0-9_./:=,@%+-]*)
		q=$(printf '%s\n' "$1" | sed "s/'/'\\\\''/g"; echo x)
		printf "'%s'" "${q%??}"
		;;
	*) printf '%s' "$1" ;;
	esac
}

# cmd_new WORD...; cmd_add WORD...: the command of the next stage, quoted word by word.
cmd_new() {
	cmd=
	cmd_add "$@"
}
cmd_add() {
	for w in "$@"; do cmd="$cmd${cmd:+ }$(quote "$w")"; done
}
# cmd_opt OPTION VALUE: adds the option when VALUE is not empty.
cmd_opt() {
	if [ -n "$2" ]; then cmd_add "$1" "$2"; fi
}
add_list() { # add_list LIST: each line of LIST as one word of $cmd
	old_ifs=$IFS
	IFS=$NL
	for item in $1; do cmd_add "$item"; done
	IFS=$old_ifs
}

# track_command: spm-track with the options that say how to read the CRM export.
track_command() {
	cmd_new "${bin}spm-track"
	cmd_opt --map "$cfg_MAP"
	cmd_opt --won "$cfg_WON"
	cmd_opt --lost "$cfg_LOST"
	cmd_opt --date-format "$cfg_DATE_FORMAT"
	cmd_opt --id "$cfg_ID"
	cmd_opt --latest "$cfg_LATEST"
	cmd_opt --rates "$cfg_RATES"
	cmd_opt --currency "$cfg_CURRENCY"
	cmd_opt --base-currency "$cfg_BASE_CURRENCY"
	cmd_opt --cancelled "$cfg_CANCELLED"
	cmd_opt --cancelled-date "$cfg_CANCELLED_DATE"
	cmd_opt --refunds "$cfg_REFUNDS"
}

# score_command: spm-score with the configuration's fiscal year, group and tiers.
score_command() {
	cmd_new "${bin}spm-score" --fiscal-start "$fiscal"
	if [ -n "$cfg_GROUP" ]; then
		cmd_add --roster "$cfg_ROSTER" --group "$cfg_GROUP"
		cmd_opt --roster-map "$cfg_ROSTER_MAP"
	fi
	cmd_opt --tiers "$cfg_TIERS"
}

# ---- the options both scripts take ----

dry=0
hold_mail=0
verbose=0
wait_limit=0
show_msgs=0 # 1 while a mail stage runs: its messages are shown and logged
mail_msgs=

# common_option ARG...: takes the option ARG (--wait, --dry-run, --mail-dry-run,
# --verbose, --help, --version) and sets opt_args to the number of the words after it
# that it used (0 or 1); fails for an operand. An unknown option is a usage error.
common_option() {
	opt_args=0
	case $1 in
	-w | --wait) [ $# -ge 2 ] || usage_error "option '$1' requires an argument"; wait_limit=$2; opt_args=1 ;;
	--wait=*) wait_limit=${1#*=} ;;
	-n | --dry-run) dry=1 ;;
	-m | --mail-dry-run) hold_mail=1 ;;
	-v | --verbose) verbose=1 ;;
	-h | --help) usage ;;
	-V | --version) echo "$PROG (spm) $VERSION"; exit 0 ;;
	-?*) usage_error "unrecognized option '$1'" ;;
	*) return 1 ;;
	esac
}

# options_end OPERAND...: the operands after the options, which are one, the
# configuration file; and --wait's value, checked.
options_end() {
	[ $# -ge 1 ] || usage_error "missing the configuration file"
	[ $# -eq 1 ] || usage_error "unexpected argument '$2'"
	case $wait_limit in
	'' | *[!0-9]*) usage_error "--wait: not a number of seconds ('$wait_limit')" ;;
	esac
}

# find_programs: bin, the programs' folder (with its slash): the script's own when they
# are installed beside it, else empty (the PATH's).
find_programs() {
	here=$(dirname "$0")
	bin=
	if [ -x "$here/spm-track" ] && [ -x "$here/spm-goal" ]; then bin="$(cd "$here" && pwd)/"; fi
}

# ---- configuration: KEY=value lines, comments, blank lines; never sourced ----

cfg_ID='' cfg_LATEST='' cfg_RATES='' cfg_CURRENCY='' cfg_BASE_CURRENCY='' cfg_CANCELLED='' cfg_CANCELLED_DATE=''
cfg_REFUNDS=''
cfg_EXPORT='' cfg_MAP='' cfg_WON='' cfg_LOST='' cfg_DATE_FORMAT='' cfg_ROSTER='' cfg_GOALS=''
cfg_METRICS='' cfg_CATALOG='' cfg_SELF='' cfg_OUTPUT='' cfg_FISCAL_START='' cfg_FORMATS=''
cfg_GROUP='' cfg_LEVEL='' cfg_TIERS='' cfg_WORKDAYS='' cfg_HOLIDAYS='' cfg_TREND_WEEKS='' cfg_LOG=''
cfg_PLAN='' cfg_PLAN_NAME='' cfg_ANNUAL_PLAN='' cfg_SEASON='' cfg_OVERASSIGN='' cfg_ALLOCATE_BY='' cfg_PRORATE=''
cfg_ROUND='' cfg_MAX_GROWTH='' cfg_REQUIRE=''
cfg_MAIL_FROM='' cfg_MAIL_TO_COLUMN='' cfg_MAIL_MANAGER='' cfg_MAIL_SUBJECT='' cfg_ROSTER_MAP=''
seen_keys=' ' # KEY=LINE of every key set, for diagnostics

# set_key KEY VALUE: stores one setting; fails for an unknown key. Both scripts read the
# same file, so each accepts every key: one it does not use is stored and left alone.
set_key() {
	case $1 in
	EXPORT) cfg_EXPORT=$cfg_EXPORT${cfg_EXPORT:+$NL}$2 ;;
	REQUIRE) cfg_REQUIRE=$cfg_REQUIRE${cfg_REQUIRE:+$NL}$2 ;;
	MAP) cfg_MAP=$2 ;;
	WON) cfg_WON=$2 ;;
	LOST) cfg_LOST=$2 ;;
	DATE_FORMAT) cfg_DATE_FORMAT=$2 ;;
	ROSTER) cfg_ROSTER=$2 ;;
	GOALS) cfg_GOALS=$2 ;;
	METRICS) cfg_METRICS=$2 ;;
	CATALOG) cfg_CATALOG=$2 ;;
	SELF) cfg_SELF=$2 ;;
	OUTPUT) cfg_OUTPUT=$2 ;;
	FISCAL_START) cfg_FISCAL_START=$2 ;;
	FORMATS) cfg_FORMATS=$2 ;;
	GROUP) cfg_GROUP=$2 ;;
	LEVEL) cfg_LEVEL=$2 ;;
	TIERS) cfg_TIERS=$2 ;;
	WORKDAYS) cfg_WORKDAYS=$2 ;;
	HOLIDAYS) cfg_HOLIDAYS=$2 ;;
	TREND_WEEKS) cfg_TREND_WEEKS=$2 ;;
	LOG) cfg_LOG=$2 ;;
	ID) cfg_ID=$2 ;;
	LATEST) cfg_LATEST=$2 ;;
	RATES) cfg_RATES=$2 ;;
	CURRENCY) cfg_CURRENCY=$2 ;;
	BASE_CURRENCY) cfg_BASE_CURRENCY=$2 ;;
	CANCELLED) cfg_CANCELLED=$2 ;;
	CANCELLED_DATE) cfg_CANCELLED_DATE=$2 ;;
	REFUNDS) cfg_REFUNDS=$2 ;;
	PLAN) cfg_PLAN=$2 ;;
	PLAN_NAME) cfg_PLAN_NAME=$2 ;;
	ANNUAL_PLAN) cfg_ANNUAL_PLAN=$2 ;;
	SEASON) cfg_SEASON=$2 ;;
	OVERASSIGN) cfg_OVERASSIGN=$2 ;;
	ALLOCATE_BY) cfg_ALLOCATE_BY=$2 ;;
	PRORATE) cfg_PRORATE=$2 ;;
	ROUND) cfg_ROUND=$2 ;;
	MAX_GROWTH) cfg_MAX_GROWTH=$2 ;;
	ROSTER_MAP) cfg_ROSTER_MAP=$2 ;;
	MAIL_FROM) cfg_MAIL_FROM=$2 ;;
	MAIL_TO_COLUMN) cfg_MAIL_TO_COLUMN=$2 ;;
	MAIL_MANAGER) cfg_MAIL_MANAGER=$2 ;;
	MAIL_SUBJECT) cfg_MAIL_SUBJECT=$2 ;;
	*) return 1 ;;
	esac
}
MANY_KEYS=' EXPORT REQUIRE ' # keys that may be given on several lines

# closest_key KEY: the known key nearest to a mistyped one (edit distance at most 2, or a
# third of its length for long keys: GROUPS -> GROUP, ALLOCATEBY -> ALLOCATE_BY); nothing
# when none is that near. The known keys are set_key's case labels, read from this file
# ($spm_lib, set by the script that sources it), so a new key is never left out.
closest_key() {
	sed -n '/^set_key() {/,/^}/s/^[[:space:]]*\([A-Z][A-Z0-9_]*\))[[:space:]].*/\1/p' "$spm_lib" | awk -v key="$1" '
	function dist(a, b,    i, j, la, lb, d, c) {
		la = length(a); lb = length(b)
		for (i = 0; i <= la; i++) d[i, 0] = i
		for (j = 0; j <= lb; j++) d[0, j] = j
		for (i = 1; i <= la; i++)
			for (j = 1; j <= lb; j++) {
				c = d[i - 1, j - 1] + (substr(a, i, 1) != substr(b, j, 1))
				if (d[i - 1, j] + 1 < c) c = d[i - 1, j] + 1
				if (d[i, j - 1] + 1 < c) c = d[i, j - 1] + 1
				d[i, j] = c
			}
		return d[la, lb]
	}
	NF { k = dist(key, $1); if (best == "" || k < bestd) { best = $1; bestd = k } }
	END {
		limit = int(length(key) / 3); if (limit < 2) limit = 2
		if (best != "" && bestd <= limit) print best
	}'
}

line_of() { # line_of KEY: the line that set KEY
	l=${seen_keys#*" $1="}
	printf '%s' "${l%% *}"
}

# abs_path PATH: PATH made absolute against the configuration file's folder, since cron
# runs in another folder.
abs_path() {
	case $1 in
	'' | /*) printf '%s' "$1" ;;
	*) printf '%s/%s' "$conf_dir" "$1" ;;
	esac
}

# read_config FILE: sets conf, conf_dir and the cfg_KEY of each key the file sets.
read_config() {
	conf=$1
	[ -f "$conf" ] || die 2 "$conf: no such configuration file"
	[ -r "$conf" ] || die 2 "$conf: cannot read the configuration file"
	conf_dir=$(cd "$(dirname "$conf")" && pwd) || die 2 "$conf: cannot find its folder"
	n=0
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		line=${line%"$CR"}
		trimmed=$(printf '%s' "$line" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
		case $trimmed in '' | '#'*) continue ;; esac
		case $trimmed in
		*=*) ;;
		*) die 2 "$conf:$n: not a KEY=value line (\"$trimmed\")" ;;
		esac
		key=$(printf '%s' "${trimmed%%=*}" | sed 's/[[:space:]]*$//')
		value=$(printf '%s' "${trimmed#*=}" | sed 's/^[[:space:]]*//')
		case $value in
		\"*\") value=${value#\"} value=${value%\"} ;;
		\'*\') value=${value#\'} value=${value%\'} ;;
		esac
		case $key in
		'' | [!A-Z_]* | *[!A-Z0-9_]*) die 2 "$conf:$n: not a KEY=value line (\"$trimmed\")" ;;
		esac
		case $seen_keys in
		*" $key="*)
			case $MANY_KEYS in
			*" $key "*) ;;
			*) die 2 "$conf:$n: $key: set twice (first on line $(line_of "$key"))" ;;
			esac
			;;
		*) seen_keys="$seen_keys$key=$n " ;;
		esac
		case $MANY_KEYS in
		*" $key "*) [ -n "$value" ] || die 2 "$conf:$n: $key: empty value" ;;
		esac
		if ! set_key "$key" "$value"; then
			near=$(closest_key "$key")
			die 2 "$conf:$n: unknown key${near:+; did you mean $near?} (\"$key\")"
		fi
	done <"$conf"
	# relative paths are relative to the configuration file; MAP is a path only when it
	# names a file (spm-track's presets are bare names)
	exports=
	old_ifs=$IFS
	IFS=$NL
	for p in $cfg_EXPORT; do exports="$exports${exports:+$NL}$(abs_path "$p")"; done
	IFS=$old_ifs
	cfg_EXPORT=$exports
	case $cfg_MAP in */* | *.*) cfg_MAP=$(abs_path "$cfg_MAP") ;; esac
	cfg_ROSTER=$(abs_path "$cfg_ROSTER")
	cfg_ROSTER_MAP=$(abs_path "$cfg_ROSTER_MAP")
	cfg_GOALS=$(abs_path "$cfg_GOALS")
	cfg_METRICS=$(abs_path "$cfg_METRICS")
	cfg_CATALOG=$(abs_path "$cfg_CATALOG")
	cfg_SELF=$(abs_path "$cfg_SELF")
	cfg_OUTPUT=$(abs_path "$cfg_OUTPUT")
	cfg_HOLIDAYS=$(abs_path "$cfg_HOLIDAYS")
	cfg_RATES=$(abs_path "$cfg_RATES")
	cfg_REFUNDS=$(abs_path "$cfg_REFUNDS")
	cfg_LOG=$(abs_path "$cfg_LOG")
	cfg_PLAN=$(abs_path "$cfg_PLAN")
	cfg_ANNUAL_PLAN=$(abs_path "$cfg_ANNUAL_PLAN")
}

# The checks both scripts make, each script in its own order (the first failing check
# is the one reported).

require_key() { # require_key VALUE KEY WHAT: a usage error when VALUE, KEY's, is empty
	[ -n "$1" ] || die 2 "$conf: $2 is required ($3)"
}

# check_fiscal: sets fiscal, the fiscal start month: as for the programs, the
# configuration's, else SPM_FISCAL_START, else January.
check_fiscal() {
	fiscal=${cfg_FISCAL_START:-${SPM_FISCAL_START:-1}}
	case $fiscal in
	[1-9] | 1[0-2]) ;;
	*)
		[ -n "$cfg_FISCAL_START" ] || die 2 "SPM_FISCAL_START: not a month from 1 to 12 (\"$fiscal\")"
		die 2 "$conf:$(line_of FISCAL_START): FISCAL_START: not a month from 1 to 12 (\"$cfg_FISCAL_START\")"
		;;
	esac
}

check_yes_no() { # check_yes_no VALUE KEY: VALUE, KEY's, is yes, no or unset
	case ${1:-no} in
	yes | no) ;;
	*) die 2 "$conf:$(line_of "$2"): $2: yes or no (\"$1\")" ;;
	esac
}

check_formats() { # sets formats, the FORMATS of the reports, one a word
	formats=$(printf '%s' "${cfg_FORMATS:-html,markdown}" | tr ',' ' ')
	[ -n "$formats" ] || die 2 "$conf:$(line_of FORMATS): FORMATS: no format named"
	for f in $formats; do
		case $f in
		text | markdown | html | json) ;;
		*) die 2 "$conf:$(line_of FORMATS): FORMATS: not text, markdown, html or json (\"$f\")" ;;
		esac
	done
}

# check_mail: MAIL_FROM is an address and has MAIL_TO_COLUMN; without it, no other
# MAIL_ key is set.
check_mail() {
	if [ -n "$cfg_MAIL_FROM" ]; then
		case $cfg_MAIL_FROM in
		?*@?*) ;;
		*) die 2 "$conf:$(line_of MAIL_FROM): MAIL_FROM: not an address local@domain (\"$cfg_MAIL_FROM\")" ;;
		esac
		[ -n "$cfg_MAIL_TO_COLUMN" ] || die 2 "$conf:$(line_of MAIL_FROM): MAIL_FROM needs MAIL_TO_COLUMN (the roster column of each rep's address)"
	else
		for k in MAIL_TO_COLUMN MAIL_MANAGER MAIL_SUBJECT; do
			case $seen_keys in
			*" $k="*) die 2 "$conf:$(line_of "$k"): $k: needs MAIL_FROM (the sender)" ;;
			esac
		done
	fi
}

ext_of() { # the file extension spm-report gives a format
	case $1 in text) echo txt ;; markdown) echo md ;; *) echo "$1" ;; esac
}

check_day() { # check_day WHAT DATE: a usage error unless DATE is a day of the calendar
	case $2 in
	[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]) ;;
	*) usage_error "$1: not a date YYYY-MM-DD ('$2')" ;;
	esac
	# spm-goal says why a well-formed date is not one ("no such day: April has 30 days")
	if ! _why=$("${bin}spm-goal" periods "$2" --fiscal-start 1 2>&1 >/dev/null); then
		_why=$(printf '%s\n' "$_why" | sed -n '1{s/^spm-goal: //; s/ ("[^"]*")$//; p;}')
		case $_why in "no such "*) ;; *) _why='not a date YYYY-MM-DD' ;; esac
		usage_error "$1: $_why ('$2')"
	fi
}
day_number() { printf '%s' "$1" | tr -d '-'; } # 2026-08-22 -> 20260822, to compare days

# ---- stages ----

# stage NAME [STDOUT_FILE [OK_STATUSES]]: runs $cmd in the staging folder, its standard
# output into STDOUT_FILE (or nowhere), its messages kept in run.log; an exit status not
# in OK_STATUSES (default 0) stops the run ("nothing was published$stage_failed_tail").
# The status is left in $st. In a dry run, prints the command instead.
stage() {
	name=$1
	to=${2:-}
	ok=${3:-0}
	st=0
	if [ "$dry" = 1 ]; then
		printf '%s%s\n' "$cmd" "${to:+ > $(quote "$to")}"
		return 0
	fi
	[ "$verbose" = 1 ] && printf '+ %s%s\n' "$cmd" "${to:+ > $(quote "$to")}" >&2
	# the messages are kept in memory, not in a file: on a full disk they are what says so
	msgs=$( (eval "$cmd") 2>&1 >"${to:-/dev/null}" </dev/null 9<&-; printf '\n%s' "$?")
	st=${msgs##*"$NL"}
	msgs=${msgs%"$NL"*}
	printf '%s' "$msgs" 2>/dev/null >>"$stage_dir/run.log"
	case " $ok " in
	*" $st "*) failed=0 ;;
	*) failed=1 ;;
	esac
	if [ "$failed" = 1 ] || [ "$verbose" = 1 ]; then
		printf '%s' "$msgs" >&2
	elif [ "$show_msgs" = 1 ] && [ -n "$msgs" ]; then
		printf '%s' "$msgs" >&2 # the mail's: reps without an address, never silent
	fi
	if [ "$show_msgs" = 1 ] && [ -n "$msgs" ]; then mail_msgs="$mail_msgs${mail_msgs:+$NL}${msgs%"$NL"}"; fi
	[ "$failed" = 0 ] || die "$st" "$name failed (exit status $st); nothing was published$stage_failed_tail"
}

# ---- the lock ----
# With flock(1) (util-linux), the lock is flock(2) on the file OUTPUT/.spm.lock, held by the
# run and its programs: the kernel releases it when the run ends, however it ends, so it
# is never stale, whoever owns it. Without flock(1), or with SPM_LOCK=mkdir, it is the
# folder OUTPUT/.spm.lock, made atomically, holding the process id of its run; a lock
# whose process is gone is stale, and is taken over atomically (lock_takeover). A folder
# found there is always honoured that way, flock(1) or not (a run of SPM_LOCK=mkdir).
# Both scripts take the same lock: one run at a time in an OUTPUT folder, whichever runs.

# alive PID: whether process PID exists, another user's included (for which kill -0
# fails with "operation not permitted": not a sign that it is gone).
alive() {
	kill -0 "$1" 2>/dev/null && return 0
	if [ -d /proc/self ]; then
		[ -d "/proc/$1" ]
		return
	fi
	ps -p "$1" >/dev/null 2>&1 && return 0
	case $(LC_ALL=C kill -0 "$1" 2>&1) in *[Pp]ermi*) return 0 ;; esac
	return 1
}

# lock_takeover PID: removes the folder lock of process PID, which is gone. Only the run
# that makes the folder LOCK.takeover may remove a lock, and it checks first that the lock
# is still PID's: no other run can have replaced it meanwhile, since that run would have
# needed LOCK.takeover too. The stale lock is renamed into that folder (one atomic step),
# then removed; fails when another run is taking over.
lock_takeover() {
	mkdir "$lock.takeover" 2>/dev/null || return 1
	taking=1
	if [ "$(cat "$lock/pid" 2>/dev/null)" = "$1" ]; then
		say "removing the stale lock of process $1 ($lock)"
		mv "$lock" "$lock.takeover/stale"
	fi
	rm -rf "$lock.takeover"
	taking=0
	return 0
}

lock_refuse() { # lock_refuse HOLDER: exits 75 naming the run that holds the lock
	die "$EX_TEMPFAIL" "another run${1:+ (process $1)} holds the lock $lock; try again later, or --wait SECONDS"
}

# lock_take LOCK: takes the lock (locked: file or folder), waiting up to $wait_limit
# seconds for another run's.
lock_take() {
	lock=$1
	waited=0
	if [ "${SPM_LOCK:-}" != mkdir ] && [ ! -d "$lock" ] && command -v flock >/dev/null 2>&1; then
		# true, not ':': a failed redirection of a special built-in ends sh at once, status 2
		# and no message, and this one fails when a folder run made the lock meanwhile
		[ -e "$lock" ] || true 2>/dev/null >>"$lock"
		# fd 9 stays open in the script (not in the stages' programs, 9<&-): the lock lasts
		# as long as the run, however it ends ('command': a failure is ours to tell)
		command exec 9<"$lock" || die 2 "$lock: cannot open the lock file"
		# a run of the folder kind may have made the folder since the test above (after
		# taking over a stale one): what was opened is then that folder, whose flock
		# guards nothing; the folder is honoured instead
		if [ -d "$lock" ]; then
			exec 9<&-
		else
			if ! flock -n 9; then
				if [ "$wait_limit" -eq 0 ] || ! flock -w "$wait_limit" 9; then
					lock_refuse "$(head -n 1 "$lock" 2>/dev/null)"
				fi
			fi
			locked='file'
			printf '%s\n' "$$" 2>/dev/null >"$lock" # for the message of a refused run
			return 0
		fi
	fi
	while :; do
		if mkdir "$lock" 2>/dev/null; then
			locked=folder
			echo $$ >"$lock/pid" || die 2 "$lock: cannot write the lock"
			return 0
		fi
		holder=$(cat "$lock/pid" 2>/dev/null) || holder=
		if [ -n "$holder" ] && ! alive "$holder" && lock_takeover "$holder"; then continue; fi
		[ "$waited" -ge "$wait_limit" ] && lock_refuse "$holder"
		sleep 1
		waited=$((waited + 1))
	done
}

# shellcheck disable=SC2317 # called by the EXIT trap (cleanup)
lock_release() {
	case $locked in
	file) true 2>/dev/null >"$lock" ;; # emptied; the file stays (removing it would race)
	folder) rm -rf "$lock" ;;
	esac
	if [ "$taking" = 1 ]; then rm -rf "$lock.takeover"; fi
	locked=
}

# ---- the run: built in OUTPUT/.NAME.tmp, published as OUTPUT/NAME ----

# run_setup NAME: the run's folders and files: out_dir (OUTPUT), final (OUTPUT/NAME),
# lock and log; no staging folder, no lock yet.
run_setup() {
	run_name=$1
	out_dir=$cfg_OUTPUT
	final="$out_dir/$run_name"
	stage_dir=
	old_dir=
	locked=
	taking=0
	lock="$out_dir/.spm.lock"
	log=${cfg_LOG:-$out_dir/spm.log}
}

# run_begin: takes the lock, puts back a publish cut short by a crash, and enters a new
# staging folder (stage_dir), which the EXIT trap removes, the lock with it. In a dry
# run, prints the cd instead.
run_begin() {
	if [ "$dry" = 1 ]; then
		printf 'cd %s\n' "$(quote "$out_dir/.$run_name.tmp")"
		return 0
	fi
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	mkdir -p "$out_dir" || die 2 "$out_dir: cannot create the output folder"
	lock_take "$lock"
	old_dir="$out_dir/.$run_name.old"
	recover_publish # a publish cut short by a crash
	old_dir=
	stage_dir="$out_dir/.$run_name.tmp"
	rm -rf "$stage_dir"
	mkdir "$stage_dir" || die 2 "$stage_dir: cannot create the staging folder"
	cd "$stage_dir" || die 2 "$stage_dir: cannot enter the staging folder"
	: >run.log
}

# recover_publish: a publish that was cut short (the machine stopped between its two
# renames) left the earlier folder aside as $old_dir: it comes back, unless the new one
# made it into place. Also what the EXIT trap does for an interrupted run.
recover_publish() {
	if [ -n "$old_dir" ] && [ -d "$old_dir" ]; then
		if [ -e "$final" ]; then rm -rf "$old_dir"; else mv "$old_dir" "$final"; fi
	fi
}

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	if [ -n "$stage_dir" ] && [ -d "$stage_dir" ]; then rm -rf "$stage_dir"; fi
	recover_publish
	lock_release
}

# publish WHAT UNTOUCHED: the staging folder becomes $final. An earlier $final is renamed
# aside first and removed only once the new one is in place; if anything stops the run
# in between (a failed rename, a signal, a crash), the earlier folder comes back (the EXIT
# trap, or the next run: recover_publish). INT, TERM and HUP wait until both renames are
# done, then end the run with their status.
publish() {
	pending_signal=
	trap 'pending_signal=130' INT
	trap 'pending_signal=143' TERM
	trap 'pending_signal=129' HUP
	cd "$out_dir" || die 2 "$out_dir: cannot enter the output folder"
	if [ -e "$final" ]; then
		old_dir="$out_dir/.$run_name.old"
		rm -rf "$old_dir"
		mv "$final" "$old_dir" || die 2 "$final: cannot move $1 aside; nothing was published"
	fi
	mv "$stage_dir" "$final" || die 2 "$final: cannot publish; $2"
	stage_dir=
	if [ -n "$old_dir" ]; then
		rm -rf "$old_dir"
		old_dir=
	fi
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	if [ -n "$pending_signal" ]; then exit "$pending_signal"; fi
}

show_publish() { # for a dry run: the publish, and the sending of the mail
	printf 'mv %s %s\n' "$(quote "$out_dir/.$run_name.tmp")" "$(quote "$final")"
	if [ -n "$cfg_MAIL_FROM" ] && [ "$hold_mail" = 0 ]; then
		printf '# then each message of %s: sendmail -t -oi < MESSAGE\n' "$(quote "$final/mail")"
	fi
}

# ---- mail ----

log_mail_msgs() { # the mail stages' messages (reps without an address), into the log
	if [ -n "$mail_msgs" ]; then
		printf '%s\n' "$mail_msgs" | sed "s/^/$stamp /" >>"$log" || die 2 "$log: cannot write the log"
	fi
}

# send_mail PUBLISHED: with MAIL_FROM, sends each message of $final/mail with
# 'sendmail -t' (the run is published: a failed send leaves it in place, PUBLISHED says
# so), or with --mail-dry-run logs that they are held. $stamp: the run's time in the log.
send_mail() {
	[ -n "$cfg_MAIL_FROM" ] || return 0
	nmail=$(find "$final/mail" -type f -name '*.eml' | wc -l | tr -d ' ')
	if [ "$hold_mail" = 1 ]; then
		printf '%s %s: mail: %s message(s) held in %s/mail (--mail-dry-run), none sent\n' "$stamp" "$PROG" \
			"$nmail" "$final" >>"$log" || die 2 "$log: cannot write the log"
		return 0
	fi
	sendmail=sendmail
	if ! command -v sendmail >/dev/null 2>&1; then
		for s in /usr/sbin/sendmail /usr/lib/sendmail; do
			if [ -x "$s" ]; then sendmail=$s; break; fi
		done
	fi
	sent=0
	failed=0
	list=$(find "$final/mail" -type f -name '*.eml' | LC_ALL=C sort)
	old_ifs=$IFS
	IFS=$NL
	for m in $list; do
		if "$sendmail" -t -oi <"$m" 9<&-; then
			sent=$((sent + 1))
		else
			failed=$((failed + 1))
			say "sendmail failed for ${m#"$final"/}; the message was not sent"
		fi
	done
	IFS=$old_ifs
	printf '%s %s: mail: %s message(s) sent, %s failed\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$PROG" "$sent" "$failed" \
		>>"$log" || die 2 "$log: cannot write the log"
	[ "$failed" -eq 0 ] || die 2 "$failed message(s) of $final/mail could not be sent (see above); $1"
}
