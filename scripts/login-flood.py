#!/usr/bin/env python3
"""A login flood against a real server on loopback: SECONDS of wrong-password logins from
ADDRESSES loopback addresses (127.1.x.y; all of 127/8 is local on Linux) on CONCURRENCY
connections, half at the administrator's account and half at made-up names, while the real
administrator logs in from her usual desk (127.0.0.1) every few seconds. Prints the server's
RSS before, at its peak and after, every administrator login's status and time, the attempts
answered per status, and the audit log's failed-login rows.

    python3 scripts/login-flood.py [BINARY] [SECONDS] [ADDRESSES] [CONCURRENCY]

Exits 1 if an administrator login during the flood fails, if RSS peaks above 192 MB, or if the
last third of the flood grows RSS by 8 MB or more over the middle third (flat once the password
threads' working memory is in place).
"""
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/release/shaibang")
SECONDS = int(sys.argv[2]) if len(sys.argv) > 2 else 60
ADDRESSES = int(sys.argv[3]) if len(sys.argv) > 3 else 500
CONCURRENCY = int(sys.argv[4]) if len(sys.argv) > 4 else 64
ADMIN, PASSWORD = "管理员", "flood-test-password"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def raw(port, source, request, timeout=30):
    s = socket.socket()
    s.settimeout(timeout)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    s.sendall(request)
    chunks = []
    while True:
        try:
            c = s.recv(65536)
        except socket.timeout:
            break
        if not c:
            break
        chunks.append(c)
    s.close()
    reply = b"".join(chunks)
    return int(reply[9:12] or 0), reply


def login_token(port):
    _, reply = raw(port, "127.0.0.1", b"GET /admin/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    return re.search(rb'name="csrf" value="([0-9a-f]+)"', reply).group(1).decode()


def login(port, source, token, name, password):
    body = urllib.parse.urlencode({"csrf": token, "name": name, "password": password}).encode()
    head = (
        f"POST /admin/login HTTP/1.1\r\nHost: x\r\nCookie: sb_login={token}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    return raw(port, source, head + body)[0]


def thread_count(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return 0


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    work = tempfile.mkdtemp(prefix="shaibang-flood-")
    db = f"{work}/f.db"
    env = dict(os.environ, SHAIBANG_LOG="warn")
    subprocess.run([BIN, "--db", db, "user", "add", ADMIN, "--role", "admin"],
                   input=PASSWORD + "\n", text=True, check=True, env=env, capture_output=True)
    port = free_port()
    server = subprocess.Popen([BIN, "--db", db, "serve", "--bind", f"127.0.0.1:{port}"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                token = login_token(port)
                break
            except OSError:
                time.sleep(0.1)
        # The administrator has logged in from her desk before.
        assert login(port, "127.0.0.1", token, ADMIN, PASSWORD) == 303
        time.sleep(1)
        before = rss_kb(server.pid)
        peak = [before]
        stop = threading.Event()
        counts = {}
        lock = threading.Lock()

        def flood(w):
            i = w
            while not stop.is_set():
                a = i % ADDRESSES
                source = f"127.1.{a // 250}.{a % 250 + 1}"
                name = ADMIN if i % 2 == 0 else f"guess{i}"
                try:
                    s = login(port, source, token, name, "wrong-password-1")
                except OSError:
                    s = 0
                with lock:
                    counts[s] = counts.get(s, 0) + 1
                i += CONCURRENCY

        def sample():
            while not stop.is_set():
                peak[0] = max(peak[0], rss_kb(server.pid))
                time.sleep(0.2)

        threads = [threading.Thread(target=flood, args=(w,)) for w in range(CONCURRENCY)]
        threads.append(threading.Thread(target=sample))
        for t in threads:
            t.start()
        admin = []
        start = time.time()
        warm = None
        series = []
        while time.time() - start < SECONDS:
            time.sleep(5)
            series.append(rss_kb(server.pid))
            if warm is None and time.time() - start >= 10:
                warm = rss_kb(server.pid)
            t0 = time.time()
            s = login(port, "127.0.0.1", token, ADMIN, PASSWORD)
            admin.append((s, time.time() - t0))
        stop.set()
        for t in threads:
            t.join()
        time.sleep(11)  # the scheduler's summary line
        after = rss_kb(server.pid)
        nthreads = thread_count(server.pid)
        if os.environ.get("FLOOD_MAPS"):
            with open(f"/proc/{server.pid}/smaps") as f:
                big, cur = [], None
                for line in f:
                    if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                        cur = line.strip()
                    elif line.startswith("Rss:") and int(line.split()[1]) > 8192:
                        big.append((int(line.split()[1]), cur))
            for kb, m in sorted(big, reverse=True)[:15]:
                print(f"  {kb / 1024:.1f} MB  {m}")
        con = sqlite3.connect(db)
        rows = con.execute(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed'").fetchone()[0]
        summaries = con.execute(
            "SELECT COUNT(*), COALESCE(GROUP_CONCAT(detail, ' | '), '') FROM audit_log "
            "WHERE action = 'login_failed' AND actor = '系统'").fetchone()
        total = sum(counts.values())
        print(f"flood: {SECONDS} s, {ADDRESSES} addresses, {CONCURRENCY} connections, {total} attempts")
        print("answers: " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
        warm = warm or after
        print(f"RSS: before {before / 1024:.1f} MB, 10 s into the flood {warm / 1024:.1f} MB, "
              f"peak {peak[0] / 1024:.1f} MB, after {after / 1024:.1f} MB")
        print("RSS every 5 s: " + ", ".join(f"{x / 1024:.0f}" for x in series) + " MB")
        print("administrator logins during the flood: " +
              ", ".join(f"{s} in {t:.2f} s" for s, t in admin))
        print(f"audit rows for failed logins: {rows}, of which summary lines: {summaries[0]}; "
              f"server threads after: {nthreads}")
        if os.environ.get("FLOOD_MAPS"):
            print(f"  summaries: {summaries[1][:600]}")
        # Bounded: the password threads' working memory (four of argon2's 19 MiB blocks) and
        # little more; flat: the last third of the flood adds (almost) nothing to the middle.
        third = max(1, len(series) // 3)
        growth = max(series[-third:]) - max(series[third:-third] or series[:third])
        print(f"RSS growth over the last third of the flood: {growth / 1024:.1f} MB")
        ok = (all(s == 303 for s, _ in admin) and peak[0] < 192 * 1024 and growth < 8 * 1024)
        print("OK" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        server.kill()
        server.wait()


if __name__ == "__main__":
    sys.exit(main())
