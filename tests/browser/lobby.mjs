// Lobby board tests in headless Chromium at 1920×1080 and 3840×2160 (called from run.mjs).
import { startServer, watchedPage, assert, SHOTS, BIN } from './lib.mjs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SIZES = [
  { width: 1920, height: 1080, tag: '1080p' },
  { width: 3840, height: 2160, tag: '4k' },
  { width: 1080, height: 1920, tag: 'portrait' },
  { width: 2160, height: 3840, tag: 'portrait-4k' },
];

/** A database with a 20-unit group and a 60-unit group, made with the real CLI. */
export function bigGroupsDb() {
  const dir = mkdtempSync(join(tmpdir(), 'shaibang-lobby-'));
  const db = join(dir, 'big.db');
  writeFileSync(join(dir, 'c.toml'), [
    '[competition]', 'name = "大屏测试竞赛"', 'year = 2024', '',
    '[[groups]]', 'name = "二十组"', 'kind = "街道"', 'red = 3', 'black = 3', '',
    '[[groups]]', 'name = "六十组"', 'kind = "部门"', 'red = 5', 'black = 5', '',
    '[[indicators]]', 'name = "得分项"', 'code = "x"', 'max = 100', 'groups = ["二十组", "六十组"]', '',
  ].join('\n'));
  let units = '单位,简称,别名,类型,组别\n', a = '单位,得分项\n', b = '单位,得分项\n';
  for (let i = 1; i <= 20; i++) { units += `二十组第${i}街道,,,街道,二十组\n`; a += `二十组第${i}街道,${(100 - i * 1.5).toFixed(1)}\n`; }
  for (let i = 1; i <= 60; i++) { units += `六十组第${i}局,,,部门,六十组\n`; b += `六十组第${i}局,${(100 - i * 0.5).toFixed(1)}\n`; }
  writeFileSync(join(dir, 'u.csv'), units);
  writeFileSync(join(dir, 'a.csv'), a);
  writeFileSync(join(dir, 'b.csv'), b);
  const run = (...args) => execFileSync(BIN, ['--db', db, ...args], { env: { ...process.env, SHAIBANG_LOG: 'warn' } });
  run('init', '--competition', join(dir, 'c.toml'), '--units', join(dir, 'u.csv'));
  run('import', join(dir, 'a.csv'), '--period', '2024Q1');
  run('import', join(dir, 'b.csv'), '--period', '2024Q1');
  run('publish', '2024Q1');
  return db;
}

/** Checks that nothing scrolls and that the current slide's content is inside the screen. */
async function checkFits(page, what) {
  const r = await page.evaluate(() => {
    const de = document.documentElement;
    const slide = document.querySelector('.slide.current') || document.querySelector('.reveal-main');
    const box = slide.getBoundingClientRect();
    const outside = [...slide.querySelectorAll('*')].filter((e) => {
      const b = e.getBoundingClientRect();
      if (b.width === 0 && b.height === 0) return false;
      return b.bottom > box.bottom + 1 || b.right > box.right + 1 || b.bottom > window.innerHeight;
    }).map((e) => e.tagName + ':' + (e.textContent || '').slice(0, 20));
    return { sw: de.scrollWidth, sh: de.scrollHeight, w: window.innerWidth, h: window.innerHeight, outside };
  });
  assert(r.sw <= r.w && r.sh <= r.h, `${what}: scrollable ${r.sw}×${r.sh} in ${r.w}×${r.h}`);
  assert(r.outside.length === 0, `${what}: content outside the slide: ${r.outside.slice(0, 5).join(', ')}`);
}

/** Every visible text on the screen is at least 2.2% of the viewport height (computed sizes),
 *  so that it reads from 5 m; returns the smallest found. */
async function checkLegible(page, what) {
  const r = await page.evaluate(() => {
    const min = window.innerHeight * 0.022 - 0.5;
    const root = document.getElementById('lobby') || document.getElementById('reveal');
    const small = [];
    let smallest = Infinity;
    for (const e of root.querySelectorAll('*')) {
      const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== '');
      if (!own) continue;
      const st = getComputedStyle(e);
      const b = e.getBoundingClientRect();
      if (b.width === 0 || b.height === 0 || st.visibility === 'hidden' || st.color === 'rgba(0, 0, 0, 0)') continue;
      if (e.closest('.slide') && !e.closest('.slide.current')) continue;
      if (e.closest('[hidden]')) continue;
      const px = parseFloat(st.fontSize);
      smallest = Math.min(smallest, px);
      if (px < min) small.push(`${e.tagName}.${e.className}「${e.textContent.trim().slice(0, 12)}」${px.toFixed(1)}px`);
    }
    // No two pieces of text overlap (text boxes, not element boxes: a badge inside its cell is
    // fine). The reveal's moment and the operator's hints lie over the board by design.
    const boxes = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent.trim()) continue;
      const el = n.parentElement;
      if (el.closest('.moment, #operator, [hidden]') || (el.closest('.slide') && !el.closest('.slide.current'))) continue;
      const st = getComputedStyle(el);
      if (st.visibility === 'hidden' || st.color === 'rgba(0, 0, 0, 0)' || st.display === 'none') continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      for (const b of range.getClientRects()) {
        if (b.width > 0 && b.height > 0) boxes.push({ b, n, t: n.textContent.trim().slice(0, 10) });
      }
    }
    const overlaps = [];
    for (let i = 0; i < boxes.length && overlaps.length < 5; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        if (boxes[i].n === boxes[j].n) continue; // the lines of one wrapped text
        const a = boxes[i].b, c = boxes[j].b;
        const w = Math.min(a.right, c.right) - Math.max(a.left, c.left);
        const h = Math.min(a.bottom, c.bottom) - Math.max(a.top, c.top);
        // A text box spans the font's whole ascent and descent (large for CJK fonts), so
        // adjacent lines touch; a real collision covers a good part of the glyphs.
        if (w > 2 && h > 0.35 * Math.min(a.height, c.height)) { overlaps.push(`「${boxes[i].t}」×「${boxes[j].t}」`); break; }
      }
    }
    // A name cut short with "…" is not legible either.
    const cut = [...root.querySelectorAll('.slide.current *, .reveal-main *')]
      .filter((e) => getComputedStyle(e).textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth + 1)
      .map((e) => e.textContent.trim().slice(0, 12));
    return { small, smallest, min, cut, overlaps };
  });
  assert(r.overlaps.length === 0, `${what}: overlapping text: ${r.overlaps.join(', ')}`);
  assert(r.small.length === 0, `${what}: text under ${r.min.toFixed(1)}px: ${r.small.slice(0, 6).join(', ')}`);
  assert(r.cut.length === 0, `${what}: names cut short: ${r.cut.slice(0, 6).join(', ')}`);
  return r.smallest;
}

/** Text drawn inside a chart image, scaled as shown, is as legible as the rest; the chart has
 *  no background of its own (no white box on the dark theme). */
async function checkCharts(page, what) {
  const r = await page.evaluate(async () => {
    const out = [];
    for (const img of document.querySelectorAll('.slide.current img')) {
      const text = await (await fetch(img.currentSrc || img.src)).text();
      const svg = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
      const h = parseFloat(svg.getAttribute('height'));
      const scale = img.getBoundingClientRect().height / h;
      const sizes = [...svg.querySelectorAll('text')].map((t) => parseFloat(t.getAttribute('font-size')));
      const white = [...svg.querySelectorAll('rect')].some((r) => /^#?fff(fff)?$|white/i.test(r.getAttribute('fill') || ''));
      out.push({ smallest: Math.min(...sizes) * scale, white, labels: sizes.length });
    }
    return { out, min: window.innerHeight * 0.022 - 0.5 };
  });
  for (const c of r.out) {
    assert(c.labels > 0, `${what}: a chart without labels`);
    assert(c.smallest >= r.min, `${what}: chart text ${c.smallest.toFixed(1)}px under ${r.min.toFixed(1)}px`);
    assert(!c.white, `${what}: the chart paints a white background`);
  }
  return r.out.length;
}

/** No unit name is broken across lines, and a title breaks only between words (at a space or
 *  next to punctuation), compared character by character with the rendered line boxes. */
async function checkUnbroken(page, what) {
  const r = await page.evaluate(() => {
    const root = document.getElementById('lobby') || document.getElementById('reveal');
    const shown = (e) => !e.closest('[hidden], .hidden-row, .off-page') && !(e.closest('.slide') && !e.closest('.slide.current'))
      && getComputedStyle(e).display !== 'none' && e.getClientRects().length > 0;
    // The line of each character of an element's text, by the top of its box.
    const lines = (e) => {
      const chars = [];
      const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (n.parentElement.closest('.tied, .tiebreak, .flag, .crown')) continue;
        for (let i = 0; i < n.length; i++) {
          const range = document.createRange();
          range.setStart(n, i);
          range.setEnd(n, i + 1);
          const b = range.getBoundingClientRect();
          if (b.width > 0) chars.push({ c: n.data[i], top: b.top, h: b.height });
        }
      }
      let line = 0;
      return chars.map((x, i) => {
        if (i > 0 && x.top > chars[i - 1].top + chars[i - 1].h * 0.5) line++;
        return { ...x, line };
      });
    };
    const broken = [];
    for (const e of root.querySelectorAll('.lb-board td.c-unit, .cols li .u, .m-unit')) {
      if (!shown(e)) continue;
      const l = lines(e);
      if (l.length && l[l.length - 1].line > 0) broken.push(`name「${e.textContent.trim()}」on ${l[l.length - 1].line + 1} lines`);
    }
    const free = /[\s“”‘’（）《》〈〉、，。：；·—\-()]/;
    for (const e of root.querySelectorAll('.lb-comp, .lb-sub, .slide-title, .tc-comp, .tc-period, .tc-group')) {
      if (!shown(e)) continue;
      const l = lines(e);
      for (let i = 1; i < l.length; i++) {
        if (l[i].line !== l[i - 1].line && !free.test(l[i].c) && !free.test(l[i - 1].c)) {
          broken.push(`title「${e.textContent.trim()}」broken between 「${l[i - 1].c}」 and 「${l[i].c}」`);
        }
      }
    }
    return broken;
  });
  assert(r.length === 0, `${what}: ${r.slice(0, 5).join('; ')}`);
}

/** The 红榜·黑榜 panels cover most of the slide. */
async function tierCoverage(page) {
  return page.evaluate(() => {
    const slide = document.querySelector('.slide.current');
    const s = slide.getBoundingClientRect();
    const boxes = [...slide.querySelectorAll('.tier-box')].map((e) => e.getBoundingClientRect());
    return boxes.reduce((a, b) => a + b.width * b.height, 0) / (s.width * s.height);
  });
}

export async function lobbyTests(t, browser, demo) {
  const big = await startServer({ db: bigGroupsDb() });

  for (const size of SIZES) {
    const viewport = { width: size.width, height: size.height };

    await t.test(`lobby: every demo slide fits at ${size.tag}, screenshots saved`, async () => {
      const { context, page, problems } = await watchedPage(browser, viewport);
      await page.goto(`${demo.base}/lobby?seconds=3600`, { waitUntil: 'networkidle' });
      const n = await page.locator('.slide').count();
      assert(n === 9, `9 slides expected, got ${n}`);
      for (let i = 0; i < n; i++) {
        await page.waitForFunction((i) => document.querySelectorAll('.slide')[i].classList.contains('current'), i);
        await page.waitForFunction(() => [...document.images].every((im) => im.complete));
        await checkFits(page, `slide ${i + 1}`);
        await checkLegible(page, `slide ${i + 1}`);
        await checkUnbroken(page, `slide ${i + 1}`);
        await checkCharts(page, `slide ${i + 1}`);
        if (await page.locator('.slide.current .tier-box').count() > 0) {
          const cover = await tierCoverage(page);
          assert(cover > 0.5, `红榜·黑榜 panels cover ${(cover * 100).toFixed(0)}% of the slide`);
        }
        await page.screenshot({ path: join(SHOTS, `lobby-${size.tag}-slide${i + 1}.png`) });
        await page.keyboard.press('ArrowRight');
      }
      assert(problems.length === 0, problems.join('\n'));
      await context.close();
    });

    await t.test(`lobby: a 20-unit group on one slide, a 60-unit group paged, at ${size.tag}`, async () => {
      const { context, page, problems } = await watchedPage(browser, viewport);
      await page.goto(`${big.base}/lobby?slides=board&seconds=3600&theme=dark`, { waitUntil: 'networkidle' });
      assert(await page.locator('.slide').count() === 4, 'one slide for 20 units, three for 60');
      for (let i = 0; i < 4; i++) {
        const visible = await page.evaluate(() => {
          const rows = [...document.querySelectorAll('.slide.current tbody tr')];
          return rows.filter((r) => { const b = r.getBoundingClientRect(); return b.top >= 0 && b.bottom <= window.innerHeight && b.height > 0; }).length;
        });
        assert(visible === 20, `slide ${i + 1}: ${visible} of 20 rows visible`);
        await checkFits(page, `big slide ${i + 1}`);
        await checkLegible(page, `big slide ${i + 1}`);
        await checkUnbroken(page, `big slide ${i + 1}`);
        await page.screenshot({ path: join(SHOTS, `lobby-${size.tag}-big${i + 1}.png`) });
        await page.keyboard.press('PageDown');
      }
      assert(problems.length === 0, problems.join('\n'));
      await context.close();
    });

    await t.test(`lobby: dark-theme charts page long groups, legible, no white box, at ${size.tag}`, async () => {
      const { context, page, problems } = await watchedPage(browser, viewport);
      await page.goto(`${big.base}/lobby?slides=chart&seconds=3600&theme=dark`, { waitUntil: 'networkidle' });
      const n = await page.locator('.slide').count();
      assert(n === 4, `one chart for 20 units, three pages for 60; got ${n}`);
      for (let i = 0; i < n; i++) {
        await page.waitForFunction(() => [...document.images].every((im) => im.complete));
        await checkFits(page, `chart ${i + 1}`);
        await checkLegible(page, `chart ${i + 1}`);
        assert(await checkCharts(page, `chart ${i + 1}`) === 1, 'one chart per slide');
        const bg = await page.evaluate(() => getComputedStyle(document.querySelector('.slide.current .chart')).backgroundColor);
        assert(bg === 'rgba(0, 0, 0, 0)', `chart box background ${bg}`);
        await page.screenshot({ path: join(SHOTS, `lobby-${size.tag}-chart-dark${i + 1}.png`) });
        await page.keyboard.press('PageDown');
      }
      assert(problems.length === 0, problems.join('\n'));
      await context.close();
    });

    await t.test(`lobby: reveal mode steps from the last rank up at ${size.tag}`, async () => {
      const { context, page, problems } = await watchedPage(browser, viewport);
      await page.goto(`${big.base}/lobby/reveal/2`, { waitUntil: 'networkidle' });
      const hidden0 = await page.locator('tbody tr.hidden-row').count();
      assert(hidden0 === 60, `all 60 hidden at first, got ${hidden0}`);
      for (let i = 0; i < 3; i++) await page.keyboard.press('PageDown');
      const state = await page.evaluate(() => {
        const rows = [...document.querySelectorAll('tbody tr')];
        return { hidden: rows.filter((r) => r.classList.contains('hidden-row')).length, lastShown: !rows[59].classList.contains('hidden-row'), firstHidden: rows[0].classList.contains('hidden-row') };
      });
      assert(state.hidden === 57 && state.lastShown && state.firstHidden, JSON.stringify(state));
      await checkFits(page, 'reveal');
      await checkLegible(page, 'reveal');
      await page.screenshot({ path: join(SHOTS, `lobby-${size.tag}-reveal.png`) });
      assert(problems.length === 0, problems.join('\n'));
      await context.close();
    });
  }

  await t.test('lobby: 等次 and a veto with its reason are on the board slides, legible', async () => {
    const { context, page, problems } = await watchedPage(browser, { width: 1920, height: 1080 });
    await page.goto(`${demo.base}/lobby?slides=board&seconds=3600`, { waitUntil: 'networkidle' });
    const n = await page.locator('.slide').count();
    let seen = null;
    for (let i = 0; i < n && !seen; i++) {
      await page.waitForFunction((i) => document.querySelectorAll('.slide')[i].classList.contains('current'), i);
      seen = await page.evaluate(() => {
        const s = document.querySelector('.slide.current');
        const veto = s.querySelector('.veto');
        if (!veto) return null;
        const row = veto.closest('tr');
        const visible = (e) => { const b = e.getBoundingClientRect(); return b.width > 0 && b.top >= 0 && b.bottom <= window.innerHeight; };
        return {
          unit: row.querySelector('.c-unit').textContent.trim(),
          grade: row.querySelector('.grade').textContent.trim(),
          vetoVisible: visible(veto),
          grades: [...s.querySelectorAll('.grade')].filter(visible).map((g) => g.textContent.trim()),
          foot: s.querySelector('.slide-foot').textContent,
        };
      });
      if (!seen) await page.keyboard.press('ArrowRight');
    }
    assert(seen, 'a board slide shows the demo veto');
    assert(seen.unit === '区交通运输局' && seen.grade === '不合格' && seen.vetoVisible, JSON.stringify(seen));
    assert(seen.grades.filter((g) => g === '优秀').length === 1, `one 优秀 within the quota: ${seen.grades}`);
    assert(seen.foot.includes('一票否决：区交通运输局（行业领域发生较大生产安全事故1起）'), seen.foot);
    await checkFits(page, 'veto slide');
    await checkLegible(page, 'veto slide');
    await page.screenshot({ path: join(SHOTS, 'lobby-1080p-veto.png') });
    assert(problems.length === 0, problems.join('\n'));
    await context.close();
  });

  await t.test('lobby: the reveal goes through every group, undoes, and shows operator text only while H is held', async () => {
    const { context, page, problems } = await watchedPage(browser, { width: 1920, height: 1080 });
    await page.goto(`${demo.base}/lobby/reveal`, { waitUntil: 'networkidle' });
    const audience = () => page.evaluate(() => document.getElementById('reveal').innerText);
    let text = await audience();
    assert(!/PageDown|下一步|Enter/.test(text), `operator text on the audience screen: ${text}`);
    const sections = await page.locator('.reveal-section').count();
    assert(sections === 3, `every group in turn: ${sections}`);
    await page.keyboard.down('h');
    text = await audience();
    assert(/下一步：第\d+名/.test(text), `held H shows what comes next: ${text}`);
    await page.keyboard.up('h');
    assert(!/下一步/.test(await audience()), 'hints go when H is released');
    const state = () => page.evaluate(() => ({
      section: [...document.querySelectorAll('.reveal-section')].findIndex((s) => !s.hidden),
      hidden: document.querySelectorAll('.reveal-section:not([hidden]) tr.hidden-row').length,
      count: document.getElementById('reveal-count').textContent,
    }));
    const s0 = await state();
    await page.keyboard.press('PageDown');
    const s1 = await state();
    // The last place of the 街道组 is shared by two units (9, 9): one step shows both.
    assert(s1.hidden === s0.hidden - 2, `tied units appear together: ${JSON.stringify([s0, s1])}`);
    await page.keyboard.press('ArrowLeft');
    const back = await state();
    assert(back.hidden === s0.hidden, `← undoes one step: ${JSON.stringify([s0, back])}`);
    let seen = new Set();
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('PageDown');
      const s = await state();
      if (s.section >= 0) seen.add(s.section);
    }
    assert(seen.size === 3, `went through all three groups: ${[...seen]}`);
    await checkFits(page, 'reveal sequence');
    await checkLegible(page, 'reveal sequence');
    await page.screenshot({ path: join(SHOTS, 'lobby-1080p-reveal-all.png') });
    assert(problems.length === 0, problems.join('\n'));
    await context.close();
  });

  for (const size of [SIZES[0], SIZES[2]]) {
    await t.test(`lobby: the reveal opens on a title card, gives first place the screen, closes with a recap, at ${size.tag}`, async () => {
      const { context, page, problems } = await watchedPage(browser, { width: size.width, height: size.height });
      await page.goto(`${demo.base}/lobby/reveal`, { waitUntil: 'networkidle' });
      // The title card: the competition, the period and the group; no empty table.
      const card = await page.evaluate(() => {
        const sec = document.querySelector('.reveal-section:not([hidden])');
        const c = sec.querySelector('.title-card');
        return { text: c.innerText, shown: getComputedStyle(c).display !== 'none', table: getComputedStyle(sec.querySelector('table')).display };
      });
      assert(card.shown && card.table === 'none', `title card instead of the table: ${JSON.stringify(card)}`);
      for (const w of ['当好排头兵', '2023年第三季度', '街道组']) assert(card.text.includes(w), `title card lacks 「${w}」: ${card.text}`);
      await checkFits(page, 'title card');
      await checkLegible(page, 'title card');
      await checkUnbroken(page, 'title card');
      await page.screenshot({ path: join(SHOTS, `lobby-${size.tag}-reveal-title.png`) });
      // The first step: the tied 黑榜 places (9, 9) get a moment over the board for 2.5 s.
      await page.keyboard.press('PageDown');
      const black = await page.evaluate(() => { const m = document.getElementById('moment'); return { hidden: m.hidden, cls: m.className, text: m.innerText }; });
      assert(!black.hidden && black.cls.includes('moment-black') && black.text.includes('永昌街道'), JSON.stringify(black));
      await page.waitForTimeout(2900);
      assert(await page.evaluate(() => document.getElementById('moment').hidden), 'the 黑榜 moment ends after 2.5 s');
      // Up to first place: the whole screen, the name and total, longer than a 黑榜 place.
      let first = null;
      for (let i = 0; i < 12 && !first; i++) {
        await page.keyboard.press('PageDown');
        first = await page.evaluate(() => {
          const m = document.getElementById('moment');
          if (m.hidden || !m.classList.contains('moment-first')) return null;
          const b = m.getBoundingClientRect();
          return { text: m.innerText, x: b.left, y: b.top, w: b.width, h: b.height };
        });
      }
      assert(first, 'first place got no moment');
      assert(first.text.includes('第一名') && first.text.includes('金碧街道') && first.text.includes('92.90'), first.text);
      assert(first.x <= 0 && first.y <= 0 && first.w >= size.width && first.h >= size.height, `full screen: ${JSON.stringify(first)}`);
      await page.waitForTimeout(900);
      await checkUnbroken(page, 'first place');
      await page.screenshot({ path: join(SHOTS, `lobby-${size.tag}-reveal-first.png`) });
      await page.waitForTimeout(3000);
      assert(!(await page.evaluate(() => document.getElementById('moment').hidden)), 'first place still on screen after 4 s');
      await page.waitForTimeout(2600);
      assert(await page.evaluate(() => document.getElementById('moment').hidden), 'the first-place moment ends after 6 s');
      // The close: every group's 红榜 and 黑榜.
      for (let i = 0; i < 60; i++) await page.keyboard.press('PageDown');
      const recap = await page.evaluate(() => {
        const r = document.querySelector('.reveal-recap');
        return { hidden: r.hidden, text: r.innerText, sections: [...document.querySelectorAll('.reveal-section')].filter((s) => !s.hidden).length };
      });
      assert(!recap.hidden && recap.sections === 0, `the recap closes the reveal: ${JSON.stringify(recap)}`);
      for (const w of ['街道组', '经济发展类部门', '社会事业类部门', '金碧街道', '区财政局', '区城管局', '永昌街道', '区市场监管局']) {
        assert(recap.text.includes(w), `recap lacks 「${w}」`);
      }
      await checkFits(page, 'recap');
      await checkLegible(page, 'recap');
      await checkUnbroken(page, 'recap');
      await page.screenshot({ path: join(SHOTS, `lobby-${size.tag}-reveal-recap.png`) });
      assert(problems.length === 0, problems.join('\n'));
      await context.close();
    });
  }

  await t.test('lobby: the rotation advances on time', async () => {
    const { context, page, problems } = await watchedPage(browser, { width: 1920, height: 1080 });
    await page.goto(`${demo.base}/lobby?slides=board,tiers,movers&seconds=2`, { waitUntil: 'load' });
    await page.evaluate(() => {
      window.__changes = [];
      new MutationObserver(() => window.__changes.push(performance.now()))
        .observe(document.getElementById('pager'), { childList: true, characterData: true, subtree: true });
    });
    await page.waitForFunction(() => window.__changes.length >= 5, null, { timeout: 20000 });
    const gaps = await page.evaluate(() => window.__changes.slice(1).map((t, i) => t - window.__changes[i]));
    for (const g of gaps) assert(Math.abs(g - 2000) < 400, `slide interval ${g.toFixed(0)} ms, expected 2000`);
    assert(problems.length === 0, problems.join('\n'));
    await context.close();
  });

  await t.test('lobby: no request leaves the origin and the page weighs under 100 KB', async () => {
    const { context, page, problems } = await watchedPage(browser, { width: 1920, height: 1080 });
    const requests = [];
    let bytes = 0;
    page.on('requestfinished', async (req) => {
      requests.push(req.url());
      const s = await req.sizes();
      bytes += s.responseBodySize + s.responseHeadersSize;
    });
    await page.goto(`${demo.base}/lobby?seconds=3600`, { waitUntil: 'networkidle' });
    for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowRight'); // every slide, every chart
    await page.waitForLoadState('networkidle');
    const foreign = requests.filter((u) => !u.startsWith(demo.base));
    assert(foreign.length === 0, `requests outside the origin: ${foreign.join(', ')}`);
    assert(bytes < 100 * 1024, `transfer size ${bytes} bytes`);
    console.log(`     lobby transfer: ${requests.length} requests, ${bytes} bytes`);
    assert(problems.length === 0, problems.join('\n'));
    await context.close();
  });

  await t.test('lobby: without JavaScript a meta refresh rotates the slides', async () => {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${demo.base}/lobby?seconds=1`);
    await page.waitForURL(/slide=2/, { timeout: 10000 });
    assert(await page.locator('.slide.current').count() === 1, 'one slide shown');
    await context.close();
  });

  await t.test('lobby: keeps the last board when the server stops and recovers when it returns', async () => {
    const server = await startServer();
    const { context, page } = await watchedPage(browser, { width: 1920, height: 1080 });
    await page.goto(`${server.base}/lobby?slides=tiers,movers&seconds=1`, { waitUntil: 'networkidle' });
    const before = await page.locator('.slide').count();
    await server.stop();
    await page.waitForSelector('#stale:not([hidden])', { timeout: 15000 });
    const during = await page.evaluate(() => ({
      slides: document.querySelectorAll('.slide').length,
      text: document.querySelector('.slide.current').innerText.length,
    }));
    assert(during.slides === before && during.text > 20, `board kept while offline: ${JSON.stringify(during)}`);
    await page.screenshot({ path: join(SHOTS, 'lobby-offline.png') });
    await server.restart();
    await page.waitForSelector('#stale', { state: 'hidden', timeout: 45000 });
    assert(await page.locator('.slide.current').count() === 1, 'still rotating after recovery');
    await page.screenshot({ path: join(SHOTS, 'lobby-recovered.png') });
    await context.close();
    await server.stop();
  });

  await big.stop();
}
