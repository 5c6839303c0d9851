#!/usr/bin/env bash
# Crawls every route of the app on a database and saves each response body (and status) under
# OUT, one file per URL, so that two builds can be compared byte for byte:
#
#   scripts/crawl.sh BINARY DB OUT [PORT]
#   diff -r out-before out-after
#
# Run both builds against copies of the same database file (a fresh demo database differs in
# its timestamps). Bodies only: ETag and Last-Modified carry the server's boot time.
set -euo pipefail
bin=$1 db=$2 out=$3 port=${4:-18181}
mkdir -p "$out"
SHAIBANG_LOG=warn "$bin" --db "$db" serve --bind "127.0.0.1:$port" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 50); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done

periods=$(curl -s "$base/api/v1/periods" | python3 -c 'import json,sys; print(" ".join(p["period"] for p in json.load(sys.stdin)["periods"]))')
groups=$(curl -s "$base/api/v1/groups" | python3 -c 'import json,sys; print(" ".join(str(g["id"]) for g in json.load(sys.stdin)))')
units=$(curl -s "$base/api/v1/units" | python3 -c 'import json,sys; print(" ".join(str(u["id"]) for u in json.load(sys.stdin)))')
indicators=$(curl -s "$base/api/v1/groups" | python3 -c 'import json,sys; print(" ".join(sorted({str(i["id"]) for g in json.load(sys.stdin) for i in g["indicators"]})))')

urls=(/ /healthz /compare "/compare?units=1&units=6" /api/v1/periods /api/v1/groups /api/v1/units
  /lobby /lobby/content "/lobby?slides=board,tiers,movers,chart,honors&theme=dark" /lobby/nope
  /nope /boards/2099Q1/1 "/boards/2023Q3/1?view=junk" /assets/style.css /favicon.ico)
for p in $periods 2099Q1; do
  urls+=("/?period=$p")
  for g in $groups; do
    for v in "" "?view=cumulative" "?print=1" "?sort=total&dir=asc" "?sort=i0" "?sort=change&dir=desc"; do
      urls+=("/boards/$p/$g$v")
    done
    urls+=("/api/v1/boards/$p/$g" "/api/v1/boards/$p/$g?view=cumulative"
      "/boards/$p/$g/export.csv" "/boards/$p/$g/export.xlsx"
      "/boards/$p/$g/export.csv?view=cumulative" "/charts/$p/$g/totals.svg")
    for u in $units; do urls+=("/boards/$p/$g/why/$u"); done
  done
done
for g in $groups; do urls+=("/charts/groups/$g/bump.svg" "/lobby/reveal/$g" "/indicators/1?group=$g"); done
for u in $units; do
  urls+=("/units/$u" "/api/v1/units/$u" "/charts/units/$u/trend.svg" "/charts/units/$u/indicators.svg")
done
for i in $indicators; do urls+=("/indicators/$i"); done

n=0
for u in "${urls[@]}"; do
  name=$(printf '%s' "$u" | sed 's#[/?&=,:]#_#g')
  code=$(curl -s -o "$out/$name.body" -w '%{http_code}' "$base$u")
  # The .xlsx is a zip with a creation time: compare the sheet XML instead.
  if [[ $u == *export.xlsx* && $code == 200 ]]; then
    python3 - "$out/$name.body" <<'EOF'
import sys, zipfile
path = sys.argv[1]
with zipfile.ZipFile(path) as z:
    parts = [n for n in sorted(z.namelist()) if not n.startswith("docProps/")]
    data = b"".join(n.encode() + b"\n" + z.read(n) for n in parts)
open(path, "wb").write(data)
EOF
  fi
  echo "$code" >"$out/$name.status"
  n=$((n + 1))
done
echo "crawled $n URLs into $out"
