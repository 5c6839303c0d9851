#!/usr/bin/env bash
# Kills an import with SIGKILL at a random moment, ROUNDS times, and checks after each kill
# that the database is intact (PRAGMA integrity_check) and that the import is all or nothing:
# the period holds either none of the file's scores or all of them. Local files only.
#
#   scripts/crash-import.sh [BINARY] [ROUNDS] [PERIODS]   (80 scores per period, at most 4000)
#
# Prints one line per round and a summary; exits 1 on the first damaged or half-written state.
set -euo pipefail
bin=${1:-target/release/shaibang}
rounds=${2:-20}
periods=${3:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="$work/crash.db"

"$bin" --db "$db" init --competition data/demo/competition.toml --units data/demo/units.csv >/dev/null
# Two long files for the streets over the same periods, with different scores.
python3 - "$work" "$periods" <<'EOF'
import sys, csv, random
work, periods = sys.argv[1], int(sys.argv[2])
units = [l.split(",")[0] for l in open("data/demo/units.csv", encoding="utf-8").read().splitlines()[1:11]]
inds = ["固定资产投资", "工业投资", "招商引资到位资金", "社会消费品零售总额", "一般公共预算收入", "重点项目建设", "营商环境", "作风建设"]
maxes = [20, 10, 15, 10, 15, 15, 5, 10]
keys = [f"{2000 + k // 4}Q{k % 4 + 1}" for k in range(periods)]
for n in (1, 2):
    random.seed(n)
    with open(f"{work}/f{n}.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["期间", "单位", "指标", "得分"])
        for key in keys:
            for u in units:
                for ind, m in zip(inds, maxes):
                    w.writerow([key, u, ind, round(random.uniform(0, m), 2)])
EOF
count() { python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('SELECT COUNT(*) FROM score').fetchone()[0]); print(c.execute('PRAGMA integrity_check').fetchone()[0])" "$db"; }

full=""
killed=0
for round in $(seq 1 "$rounds"); do
  file="$work/f$(( (round % 2) + 1 )).csv"
  read -r before _ < <(count | paste -sd' ')
  "$bin" --db "$db" import "$file" >/dev/null 2>&1 &
  pid=$!
  sleep "$(python3 -c 'import random; print(round(random.uniform(0.05, 1.5), 2))')"
  if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
  wait "$pid" 2>/dev/null || true
  read -r after integrity < <(count | paste -sd' ')
  if [ "$integrity" != "ok" ]; then echo "round $round: integrity_check says $integrity"; exit 1; fi
  # All or nothing: the stored scores are exactly one of the two files (or none at all).
  whole=""
  for f in "$work/f1.csv" "$work/f2.csv"; do
    "$bin" --db "$db" check "$f" >"$work/check.txt" 2>&1 || true
    if grep -q "新增0项，变更0项，删除0项" "$work/check.txt"; then whole=$(basename "$f"); fi
  done
  if [ "$after" != "0" ] && [ -z "$whole" ]; then
    echo "round $round: $after scores stored, but they are neither file as a whole"; exit 1
  fi
  echo "round $round: scores $before -> $after (${whole:-empty}), integrity ok"
done
echo "crash-import: $rounds rounds, $killed killed mid-import, database intact and all-or-nothing every time"
