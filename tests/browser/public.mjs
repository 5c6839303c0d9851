// The officials' pages at an office PC's 1366×768 and a phone's 390×844: nothing wider than
// the screen (only a table scrolls, with rank and unit kept in view), 变化 and 榜单 in view
// at 1366, no text under 12 px on the phone (charts included, as rendered), every chart's
// labels inside its canvas and clear of each other as the browser draws them, and the print
// view as an A4 document with page numbers and no navigation.
import { watchedPage, assert, SHOTS } from './lib.mjs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

export const PAGES = [
  ['home', '/'],
  ['board', '/boards/2023Q3/1'],
  ['board-cumulative', '/boards/2023Q3/2?view=cumulative'],
  ['board-departments', '/boards/2023Q3/3'],
  ['why', '/boards/2023Q3/2/why/12'],
  ['unit', '/units/6'],
  ['indicator', '/indicators/1'],
  ['compare', '/compare?units=1&units=6&units=12'],
  ['compare-empty', '/compare'],
  ['honors', '/honors'],
  ['search', '/search?q=街道'],
  ['not-found', '/boards/2023Q3/99', 404],
  ['print-board', '/boards/2023Q3/1?print=1'],
  ['print-unit', '/units/6?print=1'],
  // The city demo: two years, a scheme change and a year's result (年度综合考评).
  ['city-home', '/', 200, 'city'],
  ['city-home-2022', '/?period=2022Y', 200, 'city'],
  ['city-annual', '/boards/2022Y/1', 200, 'city'],
  ['city-board', '/boards/2023Q3/3', 200, 'city'],
  ['city-unit', '/units/6', 200, 'city'],
  // A board corrected after 揭榜, and the version posted at 揭榜.
  ['corrected-board', '/boards/2023Q3/1', 200, 'corrected'],
  ['board-version', '/boards/2023Q3/1/versions/1', 200, 'corrected'],
];

const SIZES = [
  ['pc', { width: 1366, height: 768 }],
  ['phone', { width: 390, height: 844 }],
];

/** Scrolls the page down and back so that lazily loaded charts load, then waits for them. */
async function loadAll(page) {
  await page.evaluate(async () => {
    for (let y = 0; y < document.documentElement.scrollHeight; y += 500) {
      window.scrollTo(0, y);
      await new Promise((r) => setTimeout(r, 40));
    }
    window.scrollTo(0, 0);
  });
  await page.waitForLoadState('networkidle');
  await page.evaluate(() => Promise.all([...document.images].map((i) => i.decode().catch(() => {}))));
}

/** The page's layout facts, measured in the page. */
function measure() {
  const de = document.documentElement;
  const visible = (el) => {
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.display === 'none') return false;
    const b = el.getBoundingClientRect();
    return b.width > 0 && b.height > 0;
  };
  // Every element that holds text of its own, with its computed size.
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el || !visible(el)) continue;
    if (el.closest('svg, script, style, title')) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 12) small.push(`${el.tagName}.${el.className}「${n.textContent.trim().slice(0, 16)}」${size}px`);
  }
  // A unit's name on one line wherever it is linked.
  const brokenNames = [...document.querySelectorAll('a[href^="/units/"]')]
    .filter((a) => visible(a) && new Set([...a.getClientRects()].map((r) => Math.round(r.top))).size > 1)
    .map((a) => a.textContent.trim());
  // The board's table (the full one, or a posted version's).
  const th = (word) => [...document.querySelectorAll('table.board thead th')].find((t) => t.textContent.trim().startsWith(word));
  const inView = (el) => {
    if (!el || !visible(el)) return null;
    const b = el.getBoundingClientRect();
    const box = el.closest('.table-scroll').getBoundingClientRect();
    return b.right <= Math.min(window.innerWidth, box.right) + 1 && b.left >= box.left - 1;
  };
  // A table outside a scrolling box must fit its box (a card clips what sticks out).
  const clipped = [...document.querySelectorAll('table')]
    .filter((tb) => visible(tb) && !tb.closest('.table-scroll'))
    .filter((tb) => tb.getBoundingClientRect().right > tb.parentElement.getBoundingClientRect().right + 1)
    .map((tb) => (tb.className || 'table') + ' ' + (tb.querySelector('th')?.textContent || '').slice(0, 10));
  const charts = [...document.querySelectorAll('img')]
    .filter((i) => (i.currentSrc || i.src).includes('.svg') && visible(i) && !i.currentSrc.includes('favicon'))
    .map((i) => ({ src: i.currentSrc || i.src, width: i.clientWidth, ok: i.complete && i.naturalWidth > 0 }));
  return {
    scrollWidth: de.scrollWidth,
    innerWidth: window.innerWidth,
    small,
    clipped,
    brokenNames,
    change: inView(th('变化')),
    tier: inView(th('榜单')),
    charts,
    text: document.body.innerText,
  };
}

/** After scrolling a board table to its right end, its rank and unit cells are still in view. */
async function stickyColumns(page) {
  return page.evaluate(() => {
    const wrap = document.querySelector('table.board.full')?.closest('.table-scroll');
    if (!wrap || wrap.scrollWidth <= wrap.clientWidth || !wrap.offsetParent) return null;
    wrap.scrollLeft = wrap.scrollWidth;
    const box = wrap.getBoundingClientRect();
    const row = wrap.querySelector('tbody tr');
    const [rank, unit] = [row.children[0], row.children[1]].map((c) => c.getBoundingClientRect());
    const ok = rank.left >= box.left - 1 && unit.right <= box.right + 1 && unit.left >= rank.left;
    wrap.scrollLeft = 0;
    return ok;
  });
}

/** Opens a chart by itself and checks its labels as drawn: each text's box (the advance the
 *  browser measures, one em high) inside the viewBox and overlapping no other. */
async function chartLabels(browser, base, src) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(src.startsWith('http') ? src : base + src);
  const r = await page.evaluate(() => {
    const svg = document.querySelector('svg');
    const [, , w, h] = svg.getAttribute('viewBox').split(/\s+/).map(Number);
    const boxes = [...svg.querySelectorAll('text')].map((t) => {
      const b = t.getBBox();
      const size = parseFloat(t.getAttribute('font-size'));
      const mid = b.y + b.height / 2;
      return { text: t.textContent.trim(), x0: b.x, x1: b.x + b.width, y0: mid - size / 2, y1: mid + size / 2, size };
    });
    const problems = [];
    for (const a of boxes) {
      if (a.x0 < -0.5 || a.y0 < -0.5 || a.x1 > w + 0.5 || a.y1 > h + 0.5) problems.push(`「${a.text}」 leaves the ${w}×${h} canvas`);
    }
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => {
      const dx = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
      const dy = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
      if (dx > 0.5 && dy > 0.5) problems.push(`「${a.text}」 overlaps 「${b.text}」`);
    }));
    return { w, problems, minSize: Math.min(...boxes.map((b) => b.size)), count: boxes.length };
  });
  await context.close();
  return r;
}

export async function publicTests(t, browser, server, city, corrected) {
  const checkedCharts = new Map();
  for (const [size, viewport] of SIZES) {
    for (const [name, path, status = 200, which] of PAGES) {
      const base = { city: city.base, corrected: corrected.base }[which] || server.base;
      await t.test(`${name} ${path} at ${viewport.width}×${viewport.height}`, async () => {
        const { context, page, problems } = await watchedPage(browser, viewport);
        const resp = await page.goto(base + path, { waitUntil: 'networkidle' });
        assert(resp.status() === status, `status ${resp.status()}`);
        await loadAll(page);
        const m = await page.evaluate(measure);
        await page.screenshot({ path: join(SHOTS, `${name}-${size}.png`), fullPage: true });
        assert(m.scrollWidth <= m.innerWidth, `the page is wider than the screen: ${m.scrollWidth} > ${m.innerWidth}`);
        assert(m.clipped.length === 0, `a table sticks out of its box: ${m.clipped.join(', ')}`);
        assert(m.brokenNames.length === 0, `unit names broken across lines: ${m.brokenNames.slice(0, 5).join(', ')}`);
        if (size === 'pc' && name.startsWith('board')) {
          assert(m.change === true, '变化 is not in view at 1366');
          assert(m.tier === true, '榜单 is not in view at 1366');
        }
        const sticky = await stickyColumns(page);
        assert(sticky !== false, 'rank and unit leave the view when the table scrolls');
        // The print view is set for paper (8.5 pt on A4), not read on a phone's screen.
        if (size === 'phone' && !name.startsWith('print')) {
          assert(m.small.length === 0, `text under 12 px: ${m.small.slice(0, 6).join('; ')}`);
        }
        for (const c of m.charts) {
          assert(c.ok, `chart did not load: ${c.src}`);
          if (!checkedCharts.has(c.src)) checkedCharts.set(c.src, await chartLabels(browser, base, c.src));
          const lab = checkedCharts.get(c.src);
          assert(lab.count > 0, `no labels in ${c.src}`);
          assert(lab.problems.length === 0, `${c.src}: ${lab.problems.slice(0, 4).join('; ')}`);
          const shown = lab.minSize * c.width / lab.w;
          if (size === 'phone') assert(shown >= 12, `${c.src}: labels shown at ${shown.toFixed(1)} px`);
          if (size === 'phone') assert(c.src.includes('size=phone'), `the phone got the desktop chart ${c.src}`);
        }
        if (name !== 'not-found') assert(m.text.includes('示例数据（虚构）'), 'demo notice');
        if (name === 'corrected-board') assert(m.text.includes('本榜已更正'), 'the correction notice');
        // A chart request the browser itself cancels (a speculative fetch of the other
        // <picture> source) is not a failure; every chart shown is checked loaded above.
        const expected = (p) => (status === 404 && (p.includes('HTTP 404') || p.includes('status of 404')))
          || (p.includes('net::ERR_ABORTED') && p.includes('/charts/'));
        assert(problems.filter((p) => !expected(p)).length === 0, problems.join('\n'));
        await context.close();
      });
    }
  }

  await t.test('a poster\'s QR code reads back as its board\'s address', async () => {
    for (const [path, target] of [
      ['/posters/2023Q3/3/board.png', 'https://kpb.example.gov.cn/boards/2023Q3/3'],
      ['/posters/2022Y/tiers.png?size=wide', 'https://kpb.example.gov.cn/?period=2022Y'],
    ]) {
      const res = await fetch(city.base + path);
      assert(res.status === 200 && res.headers.get('content-type') === 'image/png', `${path}: ${res.status}`);
      const file = join(SHOTS, `poster-${path.split('/').slice(2, 4).join('-').replace(/[?=.]/g, '_')}.png`);
      writeFileSync(file, Buffer.from(await res.arrayBuffer()));
      const read = execFileSync('zbarimg', ['-q', '--raw', file], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
      assert(read === target, `${path}: the QR code reads 「${read}」`);
    }
  });

  await t.test('the printed board is an A4 landscape 通报 with page numbers and no navigation', async () => {
    const { context, page, problems } = await watchedPage(browser, { width: 1123, height: 794 });
    await page.goto(server.base + '/boards/2023Q3/1?print=1', { waitUntil: 'networkidle' });
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    const file = join(SHOTS, 'print-board.pdf');
    writeFileSync(file, pdf);
    // A4 landscape: 842 × 595 points on every page.
    const boxes = [...pdf.toString('latin1').matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)];
    assert(boxes.length > 0, 'no page in the PDF');
    for (const [, w, h] of boxes) assert(Math.abs(w - 841.9) < 2 && Math.abs(h - 595.3) < 2, `page ${w}×${h} is not A4 landscape`);
    const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
    const pages = boxes.length;
    for (let n = 1; n <= pages; n++) assert(text.includes(`第 ${n} 页，共 ${pages} 页`), `page number ${n} of ${pages}`);
    assert(/西\s*山\s*区\s*考\s*评\s*办/.test(text), 'the issuing body heads the circular');
    assert(text.includes('考评结果的通报'), 'the circular title');
    assert(text.includes('揭榜'), 'the date of 揭榜');
    assert(text.includes('示例数据（虚构）'), 'the demo notice');
    for (const screenOnly of ['首页 ›', '点击列名可排序', '查看此版榜单', '▲', '▼', '导出 CSV', '查找单位', '打印版']) {
      assert(!text.includes(screenOnly), `the printout shows 「${screenOnly}」`);
    }
    // Headers are never broken inside a word: the indicators are ①②… with a legend.
    const heads = await page.evaluate(() => [...document.querySelectorAll('table.board.full thead th')]
      .filter((th) => getComputedStyle(th).display !== 'none')
      .map((th) => {
        // The line boxes of the header's visible text.
        const lines = new Set();
        const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          if (!n.textContent.trim()) continue;
          const range = document.createRange();
          range.selectNodeContents(n);
          for (const r of range.getClientRects()) if (r.width > 0) lines.add(Math.round(r.top));
        }
        return { text: th.innerText.trim(), lines: lines.size };
      }));
    const broken = heads.filter((h) => h.lines > 1);
    assert(broken.length === 0, `headers on more than one line: ${broken.map((h) => h.text).join(', ')}`);
    assert(text.includes('①固定资产投资'), 'the indicator legend');
    assert(problems.length === 0, problems.join('\n'));
    for (let n = 1; n <= Math.min(pages, 2); n++) {
      execFileSync('pdftoppm', ['-r', '60', '-png', '-f', String(n), '-l', String(n), '-singlefile', file, join(SHOTS, `print-board-page${n}`)]);
    }
    await context.close();
  });
}
