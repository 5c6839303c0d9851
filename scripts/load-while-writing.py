#!/usr/bin/env python3
"""Load while writing: readers hammer the board, API and lobby routes of a running server while
a writer imports and publishes quarter after quarter into the same database. Checks that every
response is 2xx/3xx and that every board read (JSON API) is internally consistent: ranks follow
totals, ties share a rank, the next rank skips, 红榜/黑榜 only on ranked units. Loopback only.

    scripts/load-while-writing.py BINARY [SECONDS] [READERS]

Starts its own server on a fresh demo database in a temporary folder; prints the figures.
"""
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

binary = sys.argv[1]
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 30
readers = int(sys.argv[3]) if len(sys.argv) > 3 else 8
work = tempfile.mkdtemp()
db = os.path.join(work, "load.db")
port = 18000 + random.randrange(1000)
base = f"http://127.0.0.1:{port}"
env = dict(os.environ, SHAIBANG_LOG="warn")
server = subprocess.Popen([binary, "--db", db, "serve", "--bind", f"127.0.0.1:{port}"], env=env)
for _ in range(100):
    try:
        urllib.request.urlopen(base + "/healthz", timeout=1).read()
        break
    except Exception:
        time.sleep(0.1)

units = [l.split(",")[0] for l in open("data/demo/units.csv", encoding="utf-8").read().splitlines()[1:]]
groups = json.load(urllib.request.urlopen(base + "/api/v1/groups"))
stop = threading.Event()
stats = {"requests": 0, "bad_status": [], "inconsistent": [], "boards_checked": 0, "writes": 0}
lock = threading.Lock()


def consistent(board):
    rows = board["rows"]
    ranked = [r for r in rows if r["rank"] is not None]
    for a, b in zip(ranked, ranked[1:]):
        if a["rank"] > b["rank"] or a["total"] < b["total"] - 1e-9:
            return f"order {a['unit']} {a['rank']}/{a['total']} before {b['unit']} {b['rank']}/{b['total']}"
    for i, r in enumerate(ranked):
        better = sum(1 for o in ranked if o["rank"] < r["rank"])
        if r["rank"] != better + 1:
            return f"{r['unit']} rank {r['rank']} with {better} better"
        shared = sum(1 for o in ranked if o["rank"] == r["rank"]) > 1
        if shared != r["tied"]:
            return f"{r['unit']} tied flag {r['tied']}"
    for r in rows:
        if r["rank"] is None and r["tier"] != "none":
            return f"{r['unit']} unranked but {r['tier']}"
    return None


def reader(n):
    rnd = random.Random(n)
    while not stop.is_set():
        periods = [p["period"] for p in json.load(urllib.request.urlopen(base + "/api/v1/periods"))["periods"]
                   if p["status"] == "published"]
        if not periods:
            time.sleep(0.05)
            continue
        p = rnd.choice(periods)
        g = rnd.choice(groups)["id"]
        for path in [f"/api/v1/boards/{p}/{g}", f"/api/v1/boards/{p}/{g}?view=cumulative", f"/boards/{p}/{g}",
                     "/", "/lobby", "/lobby/content", f"/boards/{p}/{g}/export.csv"]:
            try:
                with urllib.request.urlopen(base + path, timeout=30) as r:
                    body = r.read()
                    status = r.status
            except urllib.error.HTTPError as e:
                status, body = e.code, e.read()
            with lock:
                stats["requests"] += 1
            # A year-to-date board of a year whose earlier quarter is missing is a 404 by design.
            if status >= 400 and not (status == 404 and "cumulative" in path):
                with lock:
                    stats["bad_status"].append((path, status))
            elif path.startswith("/api/v1/boards/") and status == 200:
                problem = consistent(json.loads(body))
                with lock:
                    stats["boards_checked"] += 1
                    if problem:
                        stats["inconsistent"].append((path, problem))


def writer():
    year, quarter = 2024, 1
    rnd = random.Random(1)
    while not stop.is_set():
        key = f"{year}Q{quarter}"
        for g in groups:
            inds = [i["name"] for i in g["indicators"]]
            lines = ["单位," + ",".join(inds)]
            for u in g["units"]:
                lines.append(u["name"] + "," + ",".join(str(round(rnd.uniform(0, i["max"]), 1)) for i in g["indicators"]))
            path = os.path.join(work, f"{key}-{g['id']}.csv")
            open(path, "w", encoding="utf-8").write("\n".join(lines) + "\n")
            subprocess.run([binary, "--db", db, "import", path, "--period", key], env=env, check=True,
                           stdout=subprocess.DEVNULL)
            with lock:
                stats["writes"] += 1
        subprocess.run([binary, "--db", db, "publish", key], env=env, check=True, stdout=subprocess.DEVNULL)
        with lock:
            stats["writes"] += 1
        quarter += 1
        if quarter == 5:
            year, quarter = year + 1, 1


threads = [threading.Thread(target=reader, args=(i,)) for i in range(readers)]
threads.append(threading.Thread(target=writer))
started = time.time()
for t in threads:
    t.start()
time.sleep(seconds)
stop.set()
for t in threads:
    t.join()
server.terminate()
server.wait()
elapsed = time.time() - started
print(f"load-while-writing: {elapsed:.0f} s, {readers} readers, {stats['requests']} requests "
      f"({stats['requests'] / elapsed:.0f}/s), {stats['writes']} imports and publishes, "
      f"{stats['boards_checked']} boards checked, {len(stats['bad_status'])} bad statuses, "
      f"{len(stats['inconsistent'])} inconsistent boards")
for x in (stats["bad_status"] + stats["inconsistent"])[:10]:
    print("  ", x)
sys.exit(1 if stats["bad_status"] or stats["inconsistent"] else 0)
