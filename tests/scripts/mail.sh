# Mail from spm-weekly (acceptance 2 of issue 19): with MAIL_FROM, MAIL_TO_COLUMN and
# MAIL_MANAGER configured, --mail-dry-run writes one message per rep with an address and
# one per team into DATE/mail/, each valid MIME (parsed by Python's email package in
# check-mail.py) holding only that rep's (that team's) figures; a run with a fake sendmail
# on PATH sends the same messages; a rep without an address is reported on standard error
# and in the log; a failing sendmail is an error, the reports still published; the
# quarter close mails each rep their payout statement the same way.
# Sourced by run.sh (top, bindir, work, scripts and the helpers of lib.sh are set).

M="$work/mail"
weekly="$scripts/spm-weekly"
demo "$M/demo"
# the demo roster with each rep's address (none for Zoë Müller) and their manager's
awk -F '\t' -v OFS='\t' 'NR == 1 { print $0, "email", "manager_email"; next }
	{ m = tolower($3); gsub(/[^a-z]/, "", m)
	  print $0, ($1 == "Zoë Müller" ? "" : "rep" NR "@example.com"), m "@example.com" }' \
	"$M/demo/roster.tsv" >"$M/demo/roster-mail.tsv"
sed 's/^ROSTER=roster.tsv$/ROSTER=roster-mail.tsv/' "$M/demo/spm.conf" >"$M/demo/mail.conf"
printf '%s\n' 'MAIL_FROM=spm@example.com' 'MAIL_TO_COLUMN=email' 'MAIL_MANAGER=manager_email' >>"$M/demo/mail.conf"
reports="$M/demo/reports"
day="$reports/2026-08-15"

# a fake sendmail: stores each message (and its arguments) in $FAKE_MAIL; FAKE_FAIL fails
mkdir -p "$M/fake" "$M/sent"
cat >"$M/fake/sendmail" <<'EOF'
#!/bin/sh
n=$(($(find "$FAKE_MAIL" -name '*.eml' | wc -l) + 1))
printf '%s\n' "$*" >"$FAKE_MAIL/$n.args"
cat >"$FAKE_MAIL/$n.eml"
[ -z "${FAKE_FAIL:-}" ]
EOF
chmod +x "$M/fake/sendmail"
mail_run() { # mail_run PREFIX ARG...: spm-weekly with the fake sendmail first on PATH
	prefix=$1
	shift
	PATH="$M/fake:$PATH" FAKE_MAIL="$M/sent" run_status "$prefix" "$weekly" "$@"
}
python_ok=0
if command -v python3 >/dev/null 2>&1; then python_ok=1; else echo "mail: python3 not installed, messages not parsed"; fi
check_mail() { # check_mail NAME MAIL_DIR
	if [ "$python_ok" = 1 ]; then
		check_eq "$1" 'ok 10' "$(python3 "$here/check-mail.py" "$M/demo/roster-mail.tsv" email manager_email \
			"$day/feedback" "$2")"
	fi
}

# ---- the dry run prints the mail steps ----
st=$(mail_run "$M/dry" --dry-run --as-of 2026-08-15 "$M/demo/mail.conf")
check_eq 'mail: --dry-run exits 0' 0 "$st"
check_grep 'mail: --dry-run shows spm-mail' "--to-column email --dry-run mail .mail/feedback.tsv .mail/feedback" "$M/dry.out"
check_grep 'mail: --dry-run shows the team summaries' "--to-column manager_email --group team --dry-run mail/team" "$M/dry.out"
check_grep 'mail: --dry-run shows the sending' "sendmail -t -oi < MESSAGE" "$M/dry.out"
check 'mail: --dry-run writes nothing' test ! -e "$reports"

# ---- --mail-dry-run: the messages in DATE/mail/, none sent ----
st=$(mail_run "$M/held" --mail-dry-run --as-of 2026-08-15 "$M/demo/mail.conf")
check_eq 'mail: --mail-dry-run exits 0' 0 "$st"
check_eq 'mail: nothing sent' '' "$(ls "$M/sent")"
check_eq 'mail: one message per rep with an address' \
	'Björn_Murphy.eml Felix_Nowak.eml José_Álvarez.eml Nadia_Okafor.eml Renée_Novak.eml Sofia_Silva.eml Łukasz_Nowak.eml' \
	"$(cd "$day/mail" && find . -maxdepth 1 -name '*.eml' | sed 's|^\./||' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')"
check_eq 'mail: one team summary per team' 'Enterprise_EMEA.eml Enterprise_East.eml Growth_APAC.eml' \
	"$(ls "$day/mail/team" | tr '\n' ' ' | sed 's/ $//')"
check_eq 'mail: the rep without an address is listed on stderr' \
	"spm-mail: $M/demo/roster-mail.tsv:3: email: no address; no mail sent (\"Zoë Müller\")" "$(cat "$M/held.err")"
check_grep 'mail: ... and in the log' 'email: no address; no mail sent ("Zoë Müller")' "$reports/spm.log"
check_grep 'mail: the log says none was sent' 'mail: 10 message(s) held in' "$reports/spm.log"
check 'mail: the parts are not published' test ! -e "$day/.mail"
check_mail 'mail: every message is valid MIME with only its rep'"'"'s (team'"'"'s) figures' "$day/mail"
long=$(find "$day/mail" -name '*.eml' -exec awk 'length > 76 { print FILENAME; exit }' {} \;)
check_eq 'mail: no line longer than 76 characters' '' "$long"
check_grep 'mail: a UTF-8 subject in encoded words' 'Subject: =?UTF-8?B?' "$day/mail/José_Álvarez.eml"
check_grep 'mail: quoted-printable parts' 'Content-Transfer-Encoding: quoted-printable' "$day/mail/José_Álvarez.eml"
cp -R "$day/mail" "$M/held-mail"

# ---- sent through sendmail -t: the same messages ----
st=$(mail_run "$M/sent-run" --as-of 2026-08-15 "$M/demo/mail.conf")
check_eq 'mail: a run with sendmail exits 0' 0 "$st"
check_eq 'mail: sendmail got 10 messages' 10 "$(find "$M/sent" -name '*.eml' | wc -l | tr -d ' ')"
check_eq 'mail: ... each with -t -oi' '-t -oi' "$(cat "$M/sent"/*.args | LC_ALL=C sort -u)"
check_grep 'mail: the log counts them' 'mail: 10 message(s) sent, 0 failed' "$reports/spm.log"
# the same messages as the dry run's, but for the Date and Message-ID of this run
same=0
for f in $(cd "$day/mail" && find . -name '*.eml'); do
	for s in "$M/sent"/*.eml; do
		if cmp -s "$day/mail/$f" "$s"; then same=$((same + 1)); break; fi
	done
done
check_eq 'mail: the messages sent are those of DATE/mail' 10 "$same"
strip() { grep -v '^Date: \|^Message-ID: \|^Content-Type: multipart\|^--=_spm_' "$1"; }
differ=
for f in $(cd "$day/mail" && find . -name '*.eml'); do
	[ "$(strip "$day/mail/$f")" = "$(strip "$M/held-mail/$f")" ] || differ="$differ $f"
done
check_eq 'mail: sent and held messages are the same but for Date, Message-ID, boundary' '' "$differ"
check_mail 'mail: the messages sent are valid too' "$day/mail"

# ---- a failing sendmail: an error, the reports published ----
rm -f "$M/sent"/*
st=$(FAKE_FAIL=1 mail_run "$M/fail" --as-of 2026-08-15 "$M/demo/mail.conf")
check_eq 'mail: a failing sendmail exits 2' 2 "$st"
check_grep 'mail: ... names the message' 'sendmail failed for mail/Björn_Murphy.eml' "$M/fail.err"
check 'mail: ... the reports are published' test -f "$day/summary.json"

# ---- configuration ----
bad_mail_conf() { # bad_mail_conf NAME EXPECTED LINE...
	name=$1 expected=$2
	shift 2
	{
		sed 's/^ROSTER=roster.tsv$/ROSTER=roster-mail.tsv/' "$M/demo/spm.conf"
		printf '%s\n' "$@"
	} >"$M/demo/bad.conf"
	st=$(run_status "$M/bad" "$weekly" --dry-run "$M/demo/bad.conf")
	check_eq "mail: config: $name" "2 $expected" "$st $(cat "$M/bad.err")"
}
n=$(($(wc -l <"$M/demo/spm.conf") + 1))
bad_mail_conf 'MAIL_FROM needs MAIL_TO_COLUMN' \
	"spm-weekly: $M/demo/bad.conf:$n: MAIL_FROM needs MAIL_TO_COLUMN (the roster column of each rep's address)" \
	'MAIL_FROM=spm@example.com'
bad_mail_conf 'MAIL_FROM is an address' \
	"spm-weekly: $M/demo/bad.conf:$n: MAIL_FROM: not an address local@domain (\"spm\")" \
	'MAIL_FROM=spm' 'MAIL_TO_COLUMN=email'
bad_mail_conf 'MAIL_TO_COLUMN needs MAIL_FROM' \
	"spm-weekly: $M/demo/bad.conf:$n: MAIL_TO_COLUMN: needs MAIL_FROM (the sender)" 'MAIL_TO_COLUMN=email'

# ---- the quarter close: each rep their payout statement, the managers the team summary ----
rm -f "$M/sent"/*
st=$(PATH="$M/fake:$PATH" FAKE_MAIL="$M/sent" run_status "$M/close" "$scripts/spm-quarter-close" \
	--quarter 2026-Q3 "$M/demo/mail.conf")
check_eq 'mail: close: exits 0' 0 "$st"
check_grep 'mail: close: the rep without an address is listed' 'email: no address; no mail sent ("Zoë Müller")' "$M/close.err"
check_eq 'mail: close: sendmail got 10 messages' 10 "$(find "$M/sent" -name '*.eml' | wc -l | tr -d ' ')"
check_grep 'mail: close: the log counts them' 'spm-quarter-close: mail: 10 message(s) sent, 0 failed' "$reports/spm.log"
if [ "$python_ok" = 1 ]; then
	check_eq 'mail: close: valid MIME, each rep only their statement' 'ok 10' \
		"$(python3 "$here/check-mail.py" "$M/demo/roster-mail.tsv" email manager_email \
			"$reports/close-2026-Q3/statements" "$reports/close-2026-Q3/mail")"
fi
