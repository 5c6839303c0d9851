#!/usr/bin/env bash
# HTTP load benchmark of a 1,000-unit board (run `cargo bench --bench board` first: it leaves
# target/bench-data/board.db). The server and wrk are each pinned to one core; the baseline is
# the same server answering the identical HTML bytes from memory at /bench/static.html.
# Needs wrk (apt-get install wrk). Traffic stays on 127.0.0.1; each run is bounded by -d.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=target/bench-data/board.db
PORT=${PORT:-18080}
DURATION=${DURATION:-15s}
BIN=target/release/shaibang
[ -f "$DB" ] || { echo "missing $DB: run cargo bench --bench board first" >&2; exit 1; }
cargo build --release -q
URL="http://127.0.0.1:$PORT/boards/2022Q4/1"
HTML=target/bench-data/board.html

wait_up() { for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return; sleep 0.1; done; exit 1; }

# First pass: fetch the page to serve as the static baseline.
"$BIN" --db "$DB" serve --no-demo --bind "127.0.0.1:$PORT" 2>/dev/null & pid=$!
wait_up; curl -sf "$URL" -o "$HTML"; kill $pid; wait $pid 2>/dev/null || true
echo "board page: $(wc -c < "$HTML") bytes"

SHAIBANG_BENCH_STATIC="$HTML" SHAIBANG_LOG=warn taskset -c 0 "$BIN" --db "$DB" serve --no-demo --bind "127.0.0.1:$PORT" 2>/dev/null & pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
wait_up
cmp <(curl -sf "$URL") "$HTML" && cmp <(curl -sf "http://127.0.0.1:$PORT/bench/static.html") "$HTML"
for target in "$URL" "http://127.0.0.1:$PORT/bench/static.html"; do
  taskset -c 1 wrk -t1 -c64 -d2s "$target" >/dev/null   # warm-up
  echo "== $target"
  taskset -c 1 wrk -t1 -c64 -d"$DURATION" --latency "$target" | tee "target/bench-data/wrk-$(basename "$target").txt"
done
rps() { grep "Requests/sec" "target/bench-data/wrk-$1.txt" | awk '{print $2}'; }
echo "throughput ratio board/static: $(python3 -c "print(round($(rps 1)/$(rps static.html), 3))")"
