// Shared helpers for the browser tests: start the real server on a free port with a fresh
// demo database, launch Debian's Chromium headless, record every console error and failed
// request, and report results with a closing "N passed, M failed" line.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SHOTS = join(ROOT, 'target', 'browser');
mkdirSync(SHOTS, { recursive: true });

export const BIN = process.env.SHAIBANG_BIN || join(ROOT, 'target', 'debug', 'shaibang');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export async function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

/** Starts `shaibang serve` on a new database (demo data); returns { base, db, stop, restart }. */
export async function startServer({ db, port, env = {} } = {}) {
  db = db || join(mkdtempSync(join(tmpdir(), 'shaibang-')), 'test.db');
  port = port || (await freePort());
  const base = `http://127.0.0.1:${port}`;
  let child;
  const start = async () => {
    child = spawn(BIN, ['--db', db, 'serve', '--bind', `127.0.0.1:${port}`], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, SHAIBANG_LOG: 'warn', ...env },
    });
    for (let i = 0; i < 200; i++) {
      try {
        const r = await fetch(`${base}/healthz`);
        if (r.ok) return;
      } catch {}
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('server did not start');
  };
  await start();
  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    const done = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await done;
  };
  return { base, db, port, stop, restart: start };
}

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** A page that records console errors, page errors and failed or refused requests. */
export async function watchedPage(browser, viewport) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  return { context, page, problems };
}

export function reporter() {
  let passed = 0, failed = 0;
  return {
    async test(name, fn) {
      try {
        await fn();
        passed++;
        console.log(`ok   ${name}`);
      } catch (e) {
        failed++;
        console.log(`FAIL ${name}\n     ${String(e && e.stack || e).split('\n').join('\n     ')}`);
      }
    },
    finish() {
      console.log(`browser: ${passed} passed, ${failed} failed`);
      return failed === 0 ? 0 : 1;
    },
  };
}

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}
