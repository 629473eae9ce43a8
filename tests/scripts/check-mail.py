#!/usr/bin/env python3
"""Checks the messages of spm-weekly's mail with Python's email package, independently of
spm-mail: check-mail.py ROSTER TO_COLUMN MANAGER_COLUMN FEEDBACK_DIR MAIL_DIR.

Every MAIL_DIR/*.eml is a rep's feedback, every MAIL_DIR/team/*.eml a team summary. Each
must parse without defects as multipart/alternative (text/plain, then text/html, UTF-8,
quoted-printable or base64), with From, To, Subject, Date, Message-ID and MIME-Version,
a Subject in RFC 2047 encoded words when it is not ASCII, lines of at most 998 bytes; a
rep's message goes to that rep's address, its HTML part is the rep's published feedback
file byte for byte, and no other rep's name appears in it; a team summary goes to the
addresses of its team's managers and names no rep of another team. Prints one line per
problem, and "ok N" (the number of messages) when there is none."""
import csv
import email
import email.policy
import email.utils
import os
import re
import sys

roster_path, to_col, mgr_col, feedback_dir, mail_dir = sys.argv[1:6]
with open(roster_path, newline="", encoding="utf-8") as f:
    roster = list(csv.DictReader(f, delimiter="\t"))
address = {r["rep"]: r[to_col] for r in roster}
team_of = {r["rep"]: r["team"] for r in roster}
problems = []
count = 0


def safe(name):
    return re.sub(r"[^\w.-]+", "_", name)


def check(path, rep=None, team=None):
    global count
    count += 1
    raw = open(path, "rb").read()
    where = os.path.relpath(path, mail_dir)
    for n, line in enumerate(raw.split(b"\n"), 1):
        if len(line) > 998:
            problems.append(f"{where}:{n}: a line of {len(line)} bytes")
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    if msg.defects:
        problems.append(f"{where}: defects {msg.defects}")
    for h in ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version"):
        if msg[h] is None:
            problems.append(f"{where}: no {h} header")
    if msg["MIME-Version"] != "1.0":
        problems.append(f"{where}: MIME-Version {msg['MIME-Version']}")
    if email.utils.parsedate_to_datetime(str(msg["Date"])) is None:
        problems.append(f"{where}: Date not RFC 5322")
    if not re.fullmatch(r"<[^<>@\s]+@[^<>@\s]+>", str(msg["Message-ID"])):
        problems.append(f"{where}: Message-ID {msg['Message-ID']}")
    raw_subject = email.message_from_bytes(raw, policy=email.policy.compat32)["Subject"]
    subject = str(msg["Subject"])
    if not subject.isascii() and "=?UTF-8?B?" not in raw_subject:
        problems.append(f"{where}: a non-ASCII subject not encoded: {raw_subject!r}")
    if msg.get_content_type() != "multipart/alternative":
        problems.append(f"{where}: {msg.get_content_type()}, not multipart/alternative")
        return
    parts = list(msg.iter_parts())
    if [p.get_content_type() for p in parts] != ["text/plain", "text/html"]:
        problems.append(f"{where}: parts {[p.get_content_type() for p in parts]}")
        return
    for p in parts:
        if p.get_content_charset() != "utf-8":
            problems.append(f"{where}: charset {p.get_content_charset()}")
        if p["Content-Transfer-Encoding"] not in ("quoted-printable", "base64"):
            problems.append(f"{where}: encoding {p['Content-Transfer-Encoding']}")
    text, html = parts[0].get_content(), parts[1].get_content()
    tos = [a for _, a in email.utils.getaddresses([str(msg["To"])])]
    if rep is not None:
        if tos != [address[rep]]:
            problems.append(f"{where}: to {tos}, not {address[rep]!r}")
        if rep not in subject:
            problems.append(f"{where}: the subject does not name {rep}: {subject!r}")
        published = open(os.path.join(feedback_dir, safe(rep) + ".html"), encoding="utf-8").read()
        if html != published:
            problems.append(f"{where}: the HTML part is not {rep}'s feedback file")
        for other in address:
            if other != rep and (other in text or other in html):
                problems.append(f"{where}: names another rep, {other}")
        if rep not in text or rep not in html:
            problems.append(f"{where}: does not name {rep}")
    else:
        managers = sorted({r[mgr_col] for r in roster if r["team"] == team and r[mgr_col]})
        if sorted(tos) != managers:
            problems.append(f"{where}: to {tos}, not {managers}")
        if team not in text or team not in html:
            problems.append(f"{where}: does not name its team {team}")
        for other, t in team_of.items():
            if t != team and (other in text or other in html):
                problems.append(f"{where}: names {other} of another team")


teams = {safe(t): t for t in team_of.values()}
for name in sorted(os.listdir(mail_dir)):
    path = os.path.join(mail_dir, name)
    if name == "team":
        for t in sorted(os.listdir(path)):
            check(os.path.join(path, t), team=teams[t[: -len(".eml")]])
    else:
        reps = [r for r in address if safe(r) + ".eml" == name]
        if len(reps) != 1:
            problems.append(f"{name}: not the message of one rep")
            continue
        check(path, rep=reps[0])
for p in problems:
    print(p)
if not problems:
    print("ok", count)
