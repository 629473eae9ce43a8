"""A stand-in for the part of PySpark that scripts/spm-spark.py uses, for the tests on a
machine without Spark: files are cut into partitions as Hadoop's line reader cuts them
(byte ranges; a line belongs to the range its first byte is in; '\n' and '\r\n' end a
line and are dropped), and each partition's function runs here, one after the other.
It is not Spark: `make test-spark` runs the same check with the real pyspark."""

import glob as _glob
import os as _os


def _paths(spec):
    out = []
    for part in spec.split(","):
        part = part[len("file://"):] if part.startswith("file://") else part
        if _os.path.isdir(part):
            out.extend(sorted(_os.path.join(part, n) for n in _os.listdir(part)))
        else:
            found = sorted(_glob.glob(part))
            if not found:
                raise FileNotFoundError(f"Input path does not exist: {part}")
            out.extend(found)
    return out


def _split_lines(data, ranges):
    """The lines of data, cut at the byte offsets in ranges as Hadoop's LineRecordReader."""
    parts, start = [[] for _ in ranges], 0
    r = 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        line = data[start:end]
        if line.endswith(b"\r"):
            line = line[:-1]
        while r + 1 < len(ranges) and start >= ranges[r + 1]:
            r += 1
        parts[r].append(line)
        start = end + 1
    return parts


class SparkConf:
    def setAppName(self, name):
        self.name = name
        return self

    def setMaster(self, master):
        self.master = master
        return self


class RDD:
    def __init__(self, partitions):
        self._partitions = partitions

    def getNumPartitions(self):
        return len(self._partitions)

    def first(self):
        for p in self._partitions:
            if p:
                return p[0]
        raise ValueError("RDD is empty")

    def mapPartitionsWithIndex(self, f):
        return RDD([list(f(i, iter(p))) for i, p in enumerate(self._partitions)])

    def collect(self):
        return [x for p in self._partitions for x in p]


class SparkContext:
    _active = None

    def __init__(self, conf=None):
        self.conf = conf
        SparkContext._active = self

    @classmethod
    def getOrCreate(cls, conf=None):
        return cls._active or cls(conf)

    def textFile(self, name, minPartitions=2, use_unicode=True):
        files = _paths(name)
        sizes = [_os.path.getsize(f) for f in files]
        total = sum(sizes) or 1
        partitions = []
        for f, size in zip(files, sizes):
            with open(f, "rb") as fh:
                data = fh.read()
            n = max(1, -(-minPartitions * size // total))
            ranges = [size * k // n for k in range(n)]
            for lines in _split_lines(data, ranges):
                partitions.append(lines if not use_unicode else [x.decode("utf-8") for x in lines])
        return RDD(partitions)

    def binaryFiles(self, path, minPartitions=2):
        files = _paths(path)
        n = max(1, min(minPartitions, len(files)))
        partitions = [[] for _ in range(n)]
        for k, f in enumerate(files):
            with open(f, "rb") as fh:
                partitions[k % n].append(("file:" + _os.path.abspath(f), fh.read()))
        return RDD(partitions)

    def stop(self):
        SparkContext._active = None
