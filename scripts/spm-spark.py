#!/usr/bin/env python3
"""spm-spark: spm-track's job on Apache Spark, exact: spm-track --partial on each partition
of an export (or on each export file), the partial streams merged by spm-track on the driver
into the single run's actuals, byte for byte (spm-track(1), SCALING OUT).

    spark-submit spm-spark.py [OPTIONS] -o ACTUALS EXPORT... -- SPM-TRACK-OPTIONS...

Only the part of PySpark's API that every release since 2.x has is used (SparkContext,
textFile, binaryFiles, mapPartitionsWithIndex, collect), so the tests can run it against a
stand-in (tests/spark/pyspark) where Spark is not installed."""

import argparse
import os
import subprocess
import sys
import tempfile

PROG = "spm-spark"

# Options a shard must not be given: the driver adds --partial, collects each shard's
# standard output, and a reject or output file per executor would be lost on the workers.
REFUSED = ("--partial", "-o", "--output", "--reject", "--reject-goals")

# Shard options the merge needs too: they say what the partial items are and how they print.
MERGE_KEEP = ("--metrics", "--metrics-file")


def usage_error(message):
    sys.stderr.write(f"{PROG}: {message}\nTry '{PROG} --help' for more information.\n")
    sys.exit(2)


def parse_command_line(argv):
    if "--" in argv:
        cut = argv.index("--")
        ours, shard = argv[:cut], argv[cut + 1:]
    else:
        ours, shard = argv, []
    p = argparse.ArgumentParser(
        prog=PROG,
        usage="spark-submit spm-spark.py [OPTIONS] -o ACTUALS EXPORT... -- SPM-TRACK-OPTIONS...",
        description="Run spm-track on each partition of an export (or on each file) with "
        "--partial, and merge the partial streams into the actuals of a single run.",
        epilog="Example: spark-submit spm-spark.py --partitions 64 -o actuals.tsv "
        "hdfs:///crm/opportunities.tsv -- --map salesforce --grain quarter")
    p.add_argument("exports", nargs="+", metavar="EXPORT",
                   help="export files (any path or glob Spark reads: file://, hdfs://, s3a://)")
    p.add_argument("-o", "--output", required=True, metavar="ACTUALS",
                   help="the merged actuals, written on the driver (atomically, by spm-track -o)")
    p.add_argument("--partitions", type=int, default=0, metavar="N",
                   help="at least N partitions of lines (default: Spark's own split)")
    p.add_argument("--per-file", action="store_true",
                   help="one shard per export file, read whole: for a CSV whose fields may "
                   "hold a line break")
    p.add_argument("--spm-track", default="spm-track", metavar="PATH",
                   help="spm-track on the executors and the driver (default: spm-track on PATH)")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary line on standard error")
    p.add_argument("--merge-option", action="append", default=[], metavar="OPT",
                   help="an extra option for the merge (repeat for each word)")
    args = p.parse_args(ours)
    if args.partitions < 0:
        usage_error(f"--partitions must be a positive number (got {args.partitions})")
    names = [n for e in args.exports for n in e.split(",")]
    if not args.per_file and len({n.lower().endswith(".csv") for n in names}) > 1:
        usage_error("CSV and TSV exports in one run of lines: give --per-file, or one format")
    for word in shard:
        name = word.split("=", 1)[0]
        abbreviated = name.startswith("--") and len(name) > 3 and any(
            r.startswith(name) for r in REFUSED if r.startswith("--"))
        if name in REFUSED or abbreviated or (word.startswith("-o") and word != "-o"):
            usage_error(f"{word}: the driver runs each shard with --partial and writes the "
                        "actuals itself; give -o before --")
    return args, shard


def merge_options(shard):
    """The shard options the merge must see: --metrics and --metrics-file, with their values."""
    keep, i = [], 0
    while i < len(shard):
        word = shard[i]
        name = word.split("=", 1)[0]
        if name in MERGE_KEEP:
            keep.append(word)
            if "=" not in word and i + 1 < len(shard):
                keep.append(shard[i + 1])
                i += 1
        i += 1
    return keep


def format_options(path, shard):
    """A shard reads standard input, which spm-track takes for TSV: as spm-track does for a
    file, an export named *.csv is CSV, unless the options say the format themselves."""
    given = any(w.split("=", 1)[0] in ("--csv", "--tsv", "--delimiter") for w in shard)
    return ["--csv"] if not given and path.lower().endswith(".csv") else []


def run_shard(command, data):
    """spm-track --partial on one shard's bytes (header first); its partial stream.
    A failing shard fails the task with spm-track's own diagnostic."""
    p = subprocess.run(command, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise RuntimeError(f"{PROG}: shard failed (exit {p.returncode}): "
                           + p.stderr.decode("utf-8", "replace").strip())
    return p.stdout


def line_shards(sc, exports, partitions, command):
    """Partitions of lines; the header (the first line of the first export) heads every shard."""
    kwargs = {"use_unicode": False}
    if partitions:
        kwargs["minPartitions"] = partitions
    lines = sc.textFile(",".join(exports), **kwargs)
    header = lines.first()
    command = command + format_options(exports[0].split(",")[0], command)

    def shard(index, rows):
        body = [r for r in rows if r != header]
        if not body and index:
            return []
        return [(index, run_shard(command, b"\n".join([header] + body) + b"\n"))]

    return lines.mapPartitionsWithIndex(shard).collect()


def file_shards(sc, exports, command):
    """One shard per file, read whole, so a CSV record may span lines."""
    files = sc.binaryFiles(",".join(exports))
    return files.mapPartitionsWithIndex(
        lambda index, items: [(f"{index}-{n}", run_shard(command + format_options(path, command), data))
                              for n, (path, data) in enumerate(items)]).collect()


def merge(args, shard, parts):
    """Writes each partial stream to a temporary folder and merges them with spm-track."""
    with tempfile.TemporaryDirectory(prefix="spm-spark.") as folder:
        names = []
        for key, text in sorted(parts, key=lambda kv: str(kv[0])):
            name = os.path.join(folder, f"{key}.partial")
            with open(name, "wb") as f:
                f.write(text)
            names.append(name)
        command = ([args.spm_track] + merge_options(shard) + args.merge_option +
                   ["-q", "-o", args.output, "--"] + names)
        status = subprocess.run(command).returncode
        if status == 0 and not args.quiet:
            sys.stderr.write(f"{PROG}: {len(names)} shards merged into {args.output}\n")
        return status


def main(argv):
    args, shard = parse_command_line(argv)
    from pyspark import SparkConf, SparkContext  # after --help, which needs no Spark
    sc = SparkContext.getOrCreate(SparkConf().setAppName(PROG))
    command = [args.spm_track] + shard + ["--partial", "-q"]
    try:
        if args.per_file:
            parts = file_shards(sc, args.exports, command)
        else:
            parts = line_shards(sc, args.exports, args.partitions, command)
    except Exception as e:  # a task's failure comes back wrapped; its message names the shard
        message = str(e)
        start = message.find(f"{PROG}: shard failed")
        sys.stderr.write((message[start:].splitlines()[0] if start >= 0 else message) + "\n")
        return 1
    finally:
        sc.stop()
    if not parts:
        sys.stderr.write(f"{PROG}: no shard ran (an empty export?)\n")
        return 1
    return merge(args, shard, parts)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
