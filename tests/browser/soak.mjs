// Soak run of the lobby board (not part of the normal test run):
//   cargo build && node tests/browser/soak.mjs [hours=24] [seconds-per-slide=15]
// One simulated day of rotation in headless Chromium with a fake clock advanced in
// 15-minute steps; every two simulated hours the data version is bumped through the real
// CLI so that screens fetch and swap new content. Reports JS heap, DOM nodes and listeners
// (after a forced GC) at the start and at the end.
import { startServer, launch, BIN } from './lib.mjs';
import { execFileSync } from 'node:child_process';

const hours = Number(process.argv[2] || 24);
const seconds = Number(process.argv[3] || 15);
const server = await startServer();
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
const page = await context.newPage();
await page.clock.install();
await page.goto(`${server.base}/lobby/%E5%A4%A7%E5%8E%85?seconds=${seconds}`, { waitUntil: 'networkidle' });
const cdp = await context.newCDPSession(page);
await cdp.send('Performance.enable');

async function metrics() {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
  return { heapMB: +(m.JSHeapUsedSize / 1048576).toFixed(2), nodes: m.Nodes, listeners: m.JSEventListeners, documents: m.Documents };
}

const start = await metrics();
let swaps = 0;
let lastVersion = await page.evaluate(() => document.getElementById('lobby').getAttribute('data-version'));
const stepMs = 15 * 60 * 1000;
const steps = Math.round((hours * 3600 * 1000) / stepMs);
for (let i = 1; i <= steps; i++) {
  if (i % 8 === 0) {
    // Bump the data version the way staff would: saving the playlist again.
    execFileSync(BIN, ['--db', server.db, 'playlist', '大厅', '--seconds', String(seconds), '--title', `综合办公大楼一楼大厅 ${i}`], { env: { ...process.env, SHAIBANG_LOG: 'warn' } });
  }
  await page.clock.runFor(stepMs);
  await new Promise((r) => setTimeout(r, 60)); // let fetches settle in real time
  const v = await page.evaluate(() => document.getElementById('lobby').getAttribute('data-version'));
  if (v !== lastVersion) { swaps++; lastVersion = v; }
}
const end = await metrics();
const slides = await page.locator('.slide').count();
console.log(JSON.stringify({ simulated_hours: hours, seconds_per_slide: seconds, slide_changes: Math.round(hours * 3600 / seconds), content_swaps_seen: swaps, slides, start, end }, null, 2));
await browser.close();
await server.stop();
