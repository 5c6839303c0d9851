#!/usr/bin/env python3
"""Kills the server with SIGKILL while a large upload is being confirmed in the browser's way
(login, multipart upload, preview, confirm), ROUNDS times, restarting it each time, and checks
after each kill that the database is intact (PRAGMA integrity_check) and that the confirmed
file is all or nothing: the scores are entirely file A's or entirely file B's.

    python3 scripts/crash-upload.py [BINARY] [ROUNDS]

Loopback only; a temporary directory; 200 units x 50 indicators x 20 quarters = 200,000
cells per file (about 7 MB, under the default upload limit). Exits 1 on the first damaged or
half-written state.
"""
import http.cookiejar
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/release/shaibang")
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 10
UNITS, INDICATORS, PERIODS = 200, 50, 20
PASSWORD = "crash-test-password"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def write_files(work):
    with open(f"{work}/c.toml", "w", encoding="utf-8") as f:
        f.write('[competition]\nname = "崩溃测试"\nyear = 2020\n\n[[groups]]\nname = "大组"\nkind = "街道"\nred = 5\nblack = 5\n\n')
        for i in range(INDICATORS):
            f.write(f'[[indicators]]\nname = "指标{i:02d}"\ncode = "i{i:02d}"\nmax = 100\ngroups = ["大组"]\n\n')
    with open(f"{work}/u.csv", "w", encoding="utf-8") as f:
        f.write("单位,简称,别名,类型,组别\n")
        for u in range(UNITS):
            f.write(f"第{u:04d}街道,,,街道,大组\n")
    sums = {}
    for name, seed in (("a", 1), ("b", 2)):
        rnd = random.Random(seed)
        total = 0
        lines = ["期间,单位,指标,得分\n"]
        for p in range(PERIODS):
            key = f"{2020 + p // 4}Q{p % 4 + 1}"
            for u in range(UNITS):
                for i in range(INDICATORS):
                    v = rnd.randrange(10000)
                    total += v
                    lines.append(f"{key},第{u:04d}街道,指标{i:02d},{v // 100}.{v % 100:02d}\n")
        with open(f"{work}/{name}.csv", "w", encoding="utf-8") as f:
            f.write("".join(lines))
        sums[name] = total * 100  # stored in 1/10000 of a point
    return sums


class Client:
    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def call(self, path, data=None, headers=None, timeout=120):
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=timeout) as r:
                return r.status, r.headers, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode("utf-8", "replace")

    def token(self, path):
        _, _, body = self.call(path)
        return re.search(r'name="csrf" value="([^"]+)"', body).group(1)

    def login(self):
        t = self.token("/admin/login")
        form = urllib.parse.urlencode({"csrf": t, "name": "崩溃测试员", "password": PASSWORD}).encode()
        status, _, body = self.call("/admin/login", form)
        assert status == 303, (status, body[:300])

    def upload(self, path):
        csrf = self.token("/admin/upload")
        boundary = "----crashtestboundary"
        with open(path, "rb") as f:
            content = f.read()
        body = b"".join([
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n".encode(),
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{os.path.basename(path)}\"\r\n\r\n".encode(),
            content,
            f"\r\n--{boundary}--\r\n".encode(),
        ])
        status, headers, text = self.call(
            "/admin/upload", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        assert status == 303, (status, text[:500])
        return csrf, headers["Location"].rsplit("/", 1)[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def start(db, port):
    proc = subprocess.Popen(
        [BIN, "--db", db, "serve", "--bind", f"127.0.0.1:{port}", "--no-demo"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "SHAIBANG_LOG": "warn"},
    )
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except Exception:
            time.sleep(0.05)
    raise SystemExit("server did not start")


def check(db, sums):
    c = sqlite3.connect(db)
    ok = c.execute("PRAGMA integrity_check").fetchone()[0]
    n, total = c.execute("SELECT COUNT(*), COALESCE(SUM(points), 0) FROM score").fetchone()
    c.close()
    if ok != "ok":
        raise SystemExit(f"integrity_check: {ok}")
    state = {sums["a"]: "a", sums["b"]: "b"}.get(total) if n == UNITS * INDICATORS * PERIODS else None
    if state is None:
        raise SystemExit(f"half-written: {n} scores, sum {total}")
    return state


def main():
    work = tempfile.mkdtemp(prefix="shaibang-crash-upload-")
    db = f"{work}/crash.db"
    sums = write_files(work)
    run = lambda *a, **k: subprocess.run([BIN, "--db", db, *a], check=True, capture_output=True, **k)
    run("init", "--competition", f"{work}/c.toml", "--units", f"{work}/u.csv")
    run("user", "add", "崩溃测试员", "--role", "admin", input=f"{PASSWORD}\n".encode())
    run("import", f"{work}/a.csv")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    killed_during = 0
    state = check(db, sums)
    for rnd in range(1, ROUNDS + 1):
        proc = start(db, port)
        client = Client(base)
        client.login()
        target = "b" if state == "a" else "a"
        csrf, token = client.upload(f"{work}/{target}.csv")
        confirm = subprocess.Popen(
            [sys.executable, "-c",
             "import sys, urllib.request\n"
             "req = urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(), headers={'Cookie': sys.argv[3]})\n"
             "try: urllib.request.urlopen(req, timeout=120)\nexcept Exception: pass\n",
             f"{base}/admin/uploads/{token}/confirm",
             urllib.parse.urlencode({"csrf": csrf}),
             "; ".join(f"{c.name}={c.value}" for c in client.jar)],
        )
        time.sleep(random.uniform(0.05, 3.0))
        running = confirm.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        confirm.wait()
        killed_during += running
        state = check(db, sums)
        print(f"round {rnd}: killed {'during' if running else 'after'} the confirm; "
              f"integrity ok; scores are entirely file {state} ({'new' if state == target else 'old'})",
              flush=True)
    print(f"{ROUNDS} rounds, {killed_during} killed while the confirm was running; "
          f"every time intact and all or nothing")


main()
