#!/bin/sh
# make test-spark: the Spark check (tests/scripts/spark.sh) on the real pyspark instead of
# the stand-in: installs pyspark from PyPI into a virtual environment (.spark-venv, or
# SPM_SPARK_VENV) and runs scripts/spm-spark.py on Spark in local mode. Needs Java 17 and
# python3-venv, and PyPI; not part of make check, which runs the same check on the stand-in.
# Usage: tests/spark/run-real.sh BINDIR
set -u
bindir=${1:?usage: run-real.sh BINDIR}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
venv=${SPM_SPARK_VENV:-$top/.spark-venv}
need() { echo "test-spark: $1" >&2; exit 2; }
command -v java >/dev/null 2>&1 || need "Java 17 is needed: apt-get install openjdk-17-jre-headless"
if [ ! -x "$venv/bin/python3" ]; then
	python3 -m venv "$venv" || need "cannot make a virtual environment: apt-get install python3-venv"
fi
if ! "$venv/bin/python3" -c 'import pyspark' 2>/dev/null; then
	"$venv/bin/pip" install --quiet 'pyspark>=3.4,<5' ||
		need "cannot install pyspark from PyPI into $venv (pip install 'pyspark>=3.4,<5')"
fi
SPM_SPARK_PYTHON="$venv/bin/python3" PYSPARK_PYTHON="$venv/bin/python3" \
	exec sh "$top/tests/scripts/run.sh" "$bindir" spark
