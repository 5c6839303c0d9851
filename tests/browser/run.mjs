// Browser tests in real headless Chromium: `node tests/browser/run.mjs` after `cargo build`:
// the officials' pages at 1366×768 and the lobby board at 1920×1080 and 3840×2160.
// Screenshots go to target/browser/ for review.
import { startServer, launch, watchedPage, reporter, assert, SHOTS } from './lib.mjs';
import { join } from 'node:path';
import { lobbyTests } from './lobby.mjs';
import { adminTests } from './admin.mjs';

const server = await startServer();
const browser = await launch();
const t = reporter();

const pages = [
  ['home', '/'],
  ['board', '/boards/2023Q3/1'],
  ['board-cumulative', '/boards/2023Q3/2?view=cumulative'],
  ['why', '/boards/2023Q3/2/why/12'],
  ['unit', '/units/6'],
  ['indicator', '/indicators/1'],
  ['compare', '/compare?units=1&units=6'],
  ['print-board', '/boards/2023Q3/1?print=1'],
  ['print-unit', '/units/6?print=1'],
];

for (const [name, path] of pages) {
  await t.test(`${name} ${path} at 1366×768`, async () => {
    const { context, page, problems } = await watchedPage(browser, { width: 1366, height: 768 });
    if (name.startsWith('print')) await page.emulateMedia({ media: 'print' });
    const resp = await page.goto(server.base + path, { waitUntil: 'networkidle' });
    assert(resp.status() === 200, `status ${resp.status()}`);
    // Charts below the fold load lazily, as a reader scrolls to them: scroll down the page.
    await page.evaluate(async () => {
      for (let y = 0; y < document.documentElement.scrollHeight; y += 600) {
        window.scrollTo(0, y);
        await new Promise((r) => setTimeout(r, 50));
      }
      window.scrollTo(0, 0);
    });
    await page.waitForLoadState('networkidle');
    await page.evaluate(() => Promise.all([...document.images].map((i) => i.decode().catch(() => {}))));
    const layout = await page.evaluate(() => ({
      clipped: [...document.querySelectorAll('.table-scroll')].filter((e) => e.scrollWidth > e.clientWidth + 1).length,
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      images: [...document.images].map((i) => ({ src: i.src, ok: i.complete && i.naturalWidth > 0 })),
      text: document.body.innerText,
    }));
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    assert(layout.scrollWidth <= layout.innerWidth, `horizontal overflow: ${layout.scrollWidth} > ${layout.innerWidth}`);
    if (name.startsWith('print')) assert(layout.clipped === 0, 'a table is wider than the printed page');
    for (const img of layout.images) assert(img.ok, `image did not load: ${img.src}`);
    // The demo notice is printed too: a printout of fictional data must say so.
    assert(layout.text.includes('示例数据（虚构）'), 'demo notice');
    assert(problems.length === 0, problems.join('\n'));
    await context.close();
  });
}

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
process.exit(t.finish());
