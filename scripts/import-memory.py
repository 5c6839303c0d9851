#!/usr/bin/env python3
"""Peak memory and wall time of `shaibang import` against `sqlite3 .import` of the same file.

    python3 scripts/import-memory.py [BINARY] [PAIRS]

Generates long CSVs of 100,000, 1,000,000 and 5,000,000 score cells (1,000 units x 50
indicators, 2 / 20 / 100 quarters; the competition of `cargo bench --bench import`) in a
temporary directory, then for each size runs PAIRS alternating pairs (shaibang into a fresh
database, then sqlite3 .import into a fresh database), each under /usr/bin/time -v. Prints
the peak RSS of every run and the median wall-time ratio shaibang / sqlite3 per size. Exits 1
if any shaibang run peaks at 64 MiB or more. Local files only; needs `sqlite3`.
"""
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release/shaibang"
PAIRS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
UNITS, INDICATORS = 1000, 50
SIZES = [("100k", 2), ("1m", 20), ("5m", 100)]
LIMIT_KB = 64 * 1024


def generate(work):
    with open(f"{work}/competition.toml", "w", encoding="utf-8") as f:
        f.write('[competition]\nname = "基准测试竞赛"\nyear = 2020\n\n')
        f.write('[[groups]]\nname = "大组"\nkind = "街道"\nred = 10\nblack = 10\n\n')
        for i in range(INDICATORS):
            f.write(f'[[indicators]]\nname = "指标{i:02}"\ncode = "i{i:02}"\nmax = 100\ngroups = ["大组"]\n\n')
    with open(f"{work}/units.csv", "w", encoding="utf-8") as f:
        f.write("单位,简称,别名,类型,组别\n")
        for u in range(UNITS):
            f.write(f"第{u:04d}街道,,,街道,大组\n")
    rnd = random.Random(7)
    for name, periods in SIZES:
        with open(f"{work}/long-{name}.csv", "w", encoding="utf-8") as f:
            f.write("期间,单位,指标,得分\n")
            for p in range(periods):
                key = f"{2020 + p // 4}Q{p % 4 + 1}"
                lines = []
                for u in range(UNITS):
                    for i in range(INDICATORS):
                        v = rnd.randrange(10000)
                        lines.append(f"{key},第{u:04d}街道,指标{i:02d},{v // 100}.{v % 100:02d}\n")
                f.write("".join(lines))


def timed(cmd):
    out = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stderr[-2000:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr).group(1))
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", out.stderr)
    wall = int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    return wall, rss


def fresh(path):
    for ext in ("", "-wal", "-shm"):
        if os.path.exists(path + ext):
            os.remove(path + ext)


def main():
    if shutil.which("sqlite3") is None:
        sys.exit("sqlite3 is needed for the baseline (apt-get install sqlite3)")
    work = tempfile.mkdtemp(prefix="shaibang-mem-")
    ok = True
    try:
        generate(work)
        db, base = f"{work}/s.db", f"{work}/base.db"
        for name, _ in SIZES:
            csv = f"{work}/long-{name}.csv"
            ratios, peaks = [], []
            for _ in range(PAIRS):
                fresh(db)
                subprocess.run([BIN, "--db", db, "init", "--competition", f"{work}/competition.toml",
                                "--units", f"{work}/units.csv"], check=True, capture_output=True)
                s_wall, s_rss = timed([BIN, "--db", db, "import", csv])
                fresh(base)
                b_wall, b_rss = timed(["sqlite3", base, ".mode csv", f".import {csv} scores"])
                ratios.append(s_wall / b_wall)
                peaks.append(s_rss)
                print(f"{name:>4}: shaibang {s_wall:6.2f} s {s_rss / 1024:6.1f} MiB | "
                      f"sqlite3 .import {b_wall:6.2f} s {b_rss / 1024:5.1f} MiB", flush=True)
            print(f"{name:>4}: peak RSS max {max(peaks) / 1024:.1f} MiB; "
                  f"median wall time ratio shaibang/sqlite3 = {statistics.median(ratios):.2f} "
                  f"(over {PAIRS} alternating pairs)", flush=True)
            ok &= max(peaks) < LIMIT_KB
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if ok else 1)


main()
