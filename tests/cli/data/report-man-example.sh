#!/bin/sh
# Runs an example of spm-report(1) as written: lays out the files under the names the man
# page uses (progress.tsv, scores.tsv, roster.tsv, goals.tsv, courses.tsv, self.tsv,
# payouts.tsv) in a fresh folder, scores.tsv from spm-score on the progress (as a user
# would, so it carries spm-score's basis column), then runs the command given.
# Usage (from a case folder): sh ../../data/report-man-example.sh spm-report ARGS...
set -eu
data=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/spm-man.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
cp "$data/report-progress.tsv" "$dir/progress.tsv"
cp "$data/report-roster.tsv" "$dir/roster.tsv"
cp "$data/report-goals.tsv" "$dir/goals.tsv"
cp "$data/report-catalog.tsv" "$dir/courses.tsv"
cp "$data/report-self.tsv" "$dir/self.tsv"
cp "$data/report-payouts.tsv" "$dir/payouts.tsv"
cd "$dir"
spm-score -q --roster roster.tsv --group team --detail progress.tsv >scores.tsv
set +e
"$@"
