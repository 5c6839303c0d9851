// Browser tests in real headless Chromium: `node tests/browser/run.mjs` after `cargo build`:
// the officials' pages at 1366×768 and 390×844 (public.mjs), the lobby board in landscape and
// portrait (lobby.mjs), and the staff area (admin.mjs).
// Screenshots go to target/browser/ for review.
import { startServer, launch, watchedPage, reporter, assert, SHOTS, BIN, ROOT } from './lib.mjs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { lobbyTests } from './lobby.mjs';
import { adminTests } from './admin.mjs';
import { publicTests } from './public.mjs';

const server = await startServer();
// The city demo, served with a public address: its posters carry a QR code.
const city = await startServer({ env: { SHAIBANG_DEMO: 'city', SHAIBANG_PUBLIC_URL: 'https://kpb.example.gov.cn' } });
// A demo whose 街道组 board was corrected after 揭榜 (a real correcting import): the
// corrected board and the version as posted.
const corrected = await startServer();
execFileSync(BIN, ['--db', corrected.db, 'import', join(ROOT, 'tests/fixtures/streets-gbk.csv'),
  '--period', '2023Q3', '--correct-published'], { env: { ...process.env, SHAIBANG_LOG: 'warn' }, stdio: 'ignore' });
const browser = await launch();
const t = reporter();

await publicTests(t, browser, server, city, corrected);

await t.test('print view fits an A4 page width', async () => {
  const { context, page, problems } = await watchedPage(browser, { width: 794, height: 1123 });
  await page.emulateMedia({ media: 'print' });
  await page.goto(server.base + '/boards/2023Q3/1?print=1', { waitUntil: 'networkidle' });
  const [w, clipped, text] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    [...document.querySelectorAll('.table-scroll')].filter((e) => e.scrollWidth > e.clientWidth + 1).length,
    document.body.innerText,
  ]);
  // An official document: no navigation, no hints for the screen, no sort arrows.
  for (const screenOnly of ['首页 ›', '点击列名可排序', '查看此版榜单', '▲', '▼', '导出 CSV']) {
    assert(!text.includes(screenOnly), `the print view shows 「${screenOnly}」`);
  }
  await page.screenshot({ path: join(SHOTS, 'print-a4.png'), fullPage: true });
  assert(w <= 794, `A4 overflow: ${w}px`);
  assert(clipped === 0, 'the board table is wider than an A4 page');
  assert(problems.length === 0, problems.join('\n'));
  await context.close();
});

await lobbyTests(t, browser, server);
await adminTests(t, browser);

await browser.close();
await server.stop();
await city.stop();
await corrected.stop();
process.exit(t.finish());
