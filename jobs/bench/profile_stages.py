#!/usr/bin/env python3
"""Splits an async-profiler CPU profile of a whole job into its stages (jobs/bench-job.sh).

  profile_stages.py PROFILE.collapsed CPU_SECONDS

PROFILE is async-profiler's `collapsed` output taken with `event=cpu,threads`: one line per
distinct stack, "[thread];root;...;leaf COUNT", Java, native and kernel frames alike, from every
thread of the JVM (the garbage collector's and the JIT compiler's included). Each sample goes to
the stage of the innermost frame that names one; JDK helpers (array copies, the Vector API, memcpy,
page faults) count for their caller. The process's CPU seconds are split in the proportions of the
samples. Prints a Markdown table.
"""
import collections
import re
import sys

# By thread name first: these threads do one thing.
THREADS = [
    ("garbage collector", re.compile(r"^(GC Thread|G1 |VM Thread|VM Periodic)")),
    ("JIT compiler", re.compile(r"^(C1 CompilerThre|C2 CompilerThre|Sweeper thread)")),
]
# Then by frame, innermost first. Java frames are "pkg/Class.method"; native ones are C names.
RULES = [
    ("decode", re.compile(r"^(io/haloconv/io/|javax/imageio/|com/sun/imageio/|com/twelvemonkeys/"
                          r"|java/util/zip/Inflater|sun/awt/image/|java/awt/image/|inflate|adler32"
                          r"|jpeg_|jsimd_|decode_mcu|ycc_rgb|h2v\dmerged|jinit_|png_)")),
    ("window and padding", re.compile(r"^(io/haloconv/tiling/|io/haloconv/stack/StackEvaluator\.gather"
                                      r"|io/haloconv/tensor/Window)")),
    ("convolve", re.compile(r"^(io/haloconv/conv/|io/haloconv/stack/|io/haloconv/model/)")),
    ("encode", re.compile(r"^(io/haloconv/tensor/|io/haloconv/spark/output/TileRows)")),
    ("Parquet and compression", re.compile(r"^(org/apache/parquet/|shaded/parquet/|com/github/luben/"
                                           r"|ZSTD_|HUF_|FSE_|org/xerial/snappy|snappy::"
                                           r"|org/apache/hadoop/io/compress/)")),
    ("Spark's row conversion", re.compile(r"^(org/apache/spark/sql/catalyst/|org/apache/spark/unsafe/"
                                          r"|org/apache/spark/sql/execution/datasources/)")),
    ("file I/O", re.compile(r"^(org/apache/hadoop/fs/|java/io/FileInputStream|java/io/FileOutputStream"
                            r"|java/io/RandomAccessFile|sun/nio/ch/File|sun/nio/fs/|java/io/UnixFileSystem"
                            r"|java/io/File\.)")),
    ("class loading", re.compile(r"^(java/util/zip/ZipFile|java/util/jar/|jdk/internal/loader/"
                                 r"|java/lang/ClassLoader|SystemDictionary|ClassFileParser)")),
    ("Spark and the driver", re.compile(r"^(org/apache/spark/|scala/|io/netty/|com/esotericsoftware/"
                                        r"|org/apache/hadoop/|io/haloconv/|com/fasterxml/"
                                        r"|org/apache/logging/|org/slf4j/|org/json4s/)")),
]


def stage_of(thread, frames):
    for stage, pattern in THREADS:
        if pattern.match(thread):
            return stage
    for frame in reversed(frames):
        for stage, pattern in RULES:
            if pattern.match(frame):
                return stage
    return "other (JVM, JDK)"


def main(path, cpu):
    counts = collections.Counter()
    for line in open(path):
        stack, _, n = line.rstrip("\n").rpartition(" ")
        parts = stack.split(";")
        thread = parts[0][1:-1] if parts and parts[0].startswith("[") else ""
        counts[stage_of(thread, parts[1:])] += int(n)
    total = sum(counts.values()) or 1
    print("| stage | CPU s | share |")
    print("|---|---|---|")
    for stage, c in counts.most_common():
        print("| %s | %.1f | %.0f %% |" % (stage, cpu * c / total, 100 * c / total))
    print("| all (process CPU) | %.1f | %d samples |" % (cpu, total))


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
