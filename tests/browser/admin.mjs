// The staff workflow in headless Chromium (called from run.mjs): a 考评办 logs in, uploads
// the GBK CSV Excel saves and a department file for a new quarter, sees the preview with the
// ranking changes and confirms; a 管理员 logs in and publishes; the public board and the lobby
// show the new period. Screenshots at 1366×768 and 390×844 go to target/browser/.
import { startServer, watchedPage, assert, SHOTS, BIN, ROOT } from './lib.mjs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const STAFF = ['考评办乙', 'staff-password-1'];
const ADMIN = ['管理员甲', 'admin-password-1'];

/** A favicon request cut short by the next navigation, or a download (which Chromium reports
 * as an aborted navigation), is not a fault of the page. */
const realProblems = (problems) =>
  problems.filter((p) => !((p.includes('favicon') || p.includes('/upload/template/')) && p.includes('ERR_ABORTED')));

function withAccounts() {
  const db = join(mkdtempSync(join(tmpdir(), 'shaibang-admin-')), 'admin.db');
  const run = (args, input) =>
    execFileSync(BIN, ['--db', db, ...args], { input, env: { ...process.env, SHAIBANG_LOG: 'warn' } });
  run(['user', 'add', STAFF[0], '--role', 'staff'], `${STAFF[1]}\n`);
  run(['user', 'add', ADMIN[0], '--role', 'admin'], `${ADMIN[1]}\n`);
  return db;
}

async function logIn(page, base, [name, password]) {
  await page.goto(`${base}/admin`, { waitUntil: 'networkidle' });
  assert(page.url().includes('/admin/login'), `sent to the login page, not ${page.url()}`);
  await page.fill('input[name=name]', name);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  assert(new URL(page.url()).pathname === '/admin', `after login at ${page.url()}`);
}

async function uploadAndConfirm(page, base, file, shot) {
  await page.goto(`${base}/admin/upload`, { waitUntil: 'networkidle' });
  await page.setInputFiles('input[name=file]', file);
  await page.selectOption('select[name=period]', '2023Q4');
  await Promise.all([page.waitForNavigation(), page.click('form.stack button[type=submit]')]);
  const text = await page.evaluate(() => document.body.innerText);
  assert(page.url().includes('/admin/uploads/'), `preview at ${page.url()}: ${text.slice(0, 400)}`);
  const changed = await page.locator('table.preview tr.changed').count();
  assert(changed > 0, 'the preview highlights the units whose rank changes');
  await page.screenshot({ path: join(SHOTS, shot), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('form.confirm button[type=submit]')]);
  assert(page.url().includes('/admin?msg=confirmed'), `after confirm at ${page.url()}`);
  return text;
}

/** 揭榜 through its confirm page: the board to be posted, then the period's name typed. */
async function publishThroughConfirm(page, base, label) {
  const row = page.locator('tr', { hasText: label });
  await Promise.all([page.waitForNavigation(), row.locator('a:has-text("揭榜…")').click()]);
  const confirm = await page.evaluate(() => document.body.innerText);
  assert(confirm.includes('揭榜确认') && confirm.includes('红榜') && confirm.includes('黑榜'), 'the confirm page shows what will be posted');
  await page.screenshot({ path: join(SHOTS, 'admin-publish-confirm.png'), fullPage: true });
  // (A wrong name publishes nothing and says what to type: an HTTP test covers it.)
  await page.fill('input[name=confirm]', label);
  await Promise.all([page.waitForNavigation(), page.click('form.stack button[type=submit]')]);
  assert(page.url().endsWith('msg=published'), `after publish at ${page.url()}`);
}

/** The first-time clerk's path, each step a page a clerk reads. */
async function clerkPath(browser, base) {
  const { context, page, problems } = await watchedPage(browser, { width: 1366, height: 768 });
  await logIn(page, base, STAFF);
  // Open the quarter for uploads; the upload page then defaults to that draft.
  await Promise.all([page.waitForNavigation(), page.click('form.open-period button[type=submit]')]);
  assert(page.url().endsWith('msg=opened'), `after opening at ${page.url()}`);
  await page.goto(`${base}/admin/upload`, { waitUntil: 'networkidle' });
  const selected = await page.evaluate(() => document.querySelector('select[name=period]').selectedOptions[0].textContent);
  assert(selected.includes('2023年第四季度') && selected.includes('草稿'), `the open draft is the default, not ${selected}`);
  await page.screenshot({ path: join(SHOTS, 'clerk-upload.png'), fullPage: true });
  // The import template downloads as an .xlsx named for the group.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("街道组导入模板")')]);
  const name = download.suggestedFilename();
  assert(name.includes('街道组') && name.endsWith('.xlsx'), `template file name ${name}`);
  // A file as a clerk keeps it: a 序号 column and a 总分 that disagrees with the rules.
  const dir = mkdtempSync(join(tmpdir(), 'shaibang-clerk-'));
  const file = join(dir, '街道组四季度.csv');
  const rows = readFileSync(join(ROOT, 'tests/fixtures/streets-gbk.csv'));
  const text = new TextDecoder('gbk').decode(rows).replace(/\r/g, '').trim().split('\n');
  const lines = text.map((l, i) => (i === 0 ? `序号,${l},总分` : `${i},${l},${i === 3 ? '99.9' : ''}`));
  writeFileSync(file, lines.join('\r\n') + '\r\n');
  await page.setInputFiles('input[name=file]', file);
  await Promise.all([page.waitForNavigation(), page.click('form.stack button[type=submit]')]);
  const preview = await page.evaluate(() => document.body.innerText);
  assert(page.url().includes('/admin/uploads/'), `preview at ${page.url()}: ${preview.slice(0, 300)}`);
  assert(preview.includes('文件各列的读取方式') && preview.includes('序号') && preview.includes('忽略'), 'the column mapping is shown');
  assert(/第4行「[^」]+」：文件总分 99\.9，系统计算/.test(preview), `the 总分 warning names the row: ${preview.slice(0, 600)}`);
  assert(/87个分值、2条备注/.test(preview) && /新增87个分值和2条备注/.test(preview), `the file and the change counted alike: ${preview.slice(0, 600)}`);
  await page.screenshot({ path: join(SHOTS, 'clerk-preview.png'), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('form.confirm button[type=submit]')]);
  assert(page.url().includes('msg=confirmed'), `after confirm at ${page.url()}`);
  // The draft board is the board officials will see, marked 草稿 across it.
  await page.goto(`${base}/admin/periods/2023Q4/boards/1`, { waitUntil: 'networkidle' });
  const mark = await page.evaluate(() => {
    const el = document.querySelector('.draft-board');
    return el ? getComputedStyle(el, '::after').backgroundImage : '';
  });
  assert(mark.includes('svg'), `the 草稿 watermark is drawn: ${mark}`);
  const headers = await page.evaluate(() => [...document.querySelectorAll('table.board.full thead th')].map((th) => th.textContent.trim()));
  assert(headers.includes('加分') && headers.includes('变化') && headers.length > 10, `every column of the public board: ${headers}`);
  await page.screenshot({ path: join(SHOTS, 'clerk-draft-board.png'), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.locator('a:has-text("为何此名次")').first().click()]);
  const why = await page.evaluate(() => document.body.innerText);
  assert(page.url().includes('/admin/periods/2023Q4/boards/1/why/') && why.includes('总分构成') && why.includes('草稿'), `the draft's 为何此名次: ${why.slice(0, 300)}`);
  await page.screenshot({ path: join(SHOTS, 'clerk-draft-why.png'), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("退出")')]);
  // 管理员: a rollback shows its preview before anything changes.
  await logIn(page, base, ADMIN);
  await page.goto(`${base}/admin/batches`, { waitUntil: 'networkidle' });
  await Promise.all([page.waitForNavigation(), page.locator('a:has-text("查看与撤销")').first().click()]);
  const rb = await page.evaluate(() => document.body.innerText);
  assert(rb.includes('撤销预览') && rb.includes('撤销后名次'), `the rollback preview: ${rb.slice(0, 300)}`);
  await page.screenshot({ path: join(SHOTS, 'clerk-rollback-preview.png'), fullPage: true });
  assert(realProblems(problems).length === 0, realProblems(problems).join('\n'));
  await context.close();
}

const PROVIDER = ['发改局小李', 'provider-password-1'];

/** A competition with computed indicators: accounts, annual targets, nothing else. */
function scoringDb() {
  const dir = mkdtempSync(join(tmpdir(), 'shaibang-scoring-'));
  const db = join(dir, 'scoring.db');
  const run = (args, input) =>
    execFileSync(BIN, ['--db', db, ...args], { input, env: { ...process.env, SHAIBANG_LOG: 'warn' } });
  const units = join(dir, 'units.csv');
  writeFileSync(units, '单位,简称,别名,类型,组别\n甲街道,,,街道,街道组\n乙街道,,,街道,街道组\n丙街道,,,街道,街道组\n');
  run(['init', '--competition', join(ROOT, 'tests/fixtures/scoring-competition.toml'), '--units', units]);
  const targets = join(dir, 'targets.csv');
  writeFileSync(targets, '单位,固定资产投资\n甲街道,10000\n乙街道,8000\n丙街道,6000\n');
  run(['targets', targets, '--year', '2024']);
  run(['user', 'add', STAFF[0], '--role', 'staff'], `${STAFF[1]}\n`);
  run(['user', 'add', ADMIN[0], '--role', 'admin'], `${ADMIN[1]}\n`);
  run(['user', 'add', PROVIDER[0], '--role', 'provider', '--provider', '区发改局'], `${PROVIDER[1]}\n`);
  return { db, dir };
}

/** A 报送单位 reports raw figures; the preview shows the points they give; 揭榜; the why page
 * states the formula with its numbers. */
async function providerRawValues(browser, base, dir) {
  const { context, page, problems } = await watchedPage(browser, { width: 1366, height: 768 });
  await logIn(page, base, STAFF);
  await Promise.all([page.waitForNavigation(), page.click('form.open-period button[type=submit]')]);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("退出")')]);
  await logIn(page, base, PROVIDER);
  await page.goto(`${base}/admin/upload`, { waitUntil: 'networkidle' });
  const file = join(dir, '一季度发改局.csv');
  writeFileSync(file, '单位,固定资产投资,规上工业增加值增速\r\n甲街道,2800,-3.2\r\n乙街道,1860,10\r\n丙街道,1500,2.5\r\n');
  await page.setInputFiles('input[name=file]', file);
  await Promise.all([page.waitForNavigation(), page.click('form.stack button[type=submit]')]);
  const preview = await page.evaluate(() => document.body.innerText);
  assert(page.url().includes('/admin/uploads/'), `preview at ${page.url()}: ${preview.slice(0, 400)}`);
  // 甲: 2800 of the Q1 target 2500 (10000 × 1/4) is 112 % → 32.40.
  assert(preview.includes('计分明细') && /甲街道\s+固定资产投资\s+2800万元\s+2500万元\s+—\s+32\.40/.test(preview),
    `the preview shows the points each raw figure gives: ${preview.slice(0, 1500)}`);
  await page.screenshot({ path: join(SHOTS, 'provider-raw-preview.png'), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('form.confirm button[type=submit]')]);
  assert(page.url().includes('msg=confirmed'), `after confirm at ${page.url()}`);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("退出")')]);
  await logIn(page, base, ADMIN);
  await publishThroughConfirm(page, base, '2024年第一季度');
  await page.goto(`${base}/boards/2024Q1/1/why/1`, { waitUntil: 'networkidle' });
  const why = await page.evaluate(() => document.body.innerText);
  assert(why.includes('计分过程') && why.includes('完成率112.0%') && why.includes('序时进度1/4'), `the why page states the formula: ${why.slice(0, 1500)}`);
  await page.screenshot({ path: join(SHOTS, 'scoring-why.png'), fullPage: true });
  assert(realProblems(problems).length === 0, realProblems(problems).join('\n'));
  await context.close();
}

/** Next year's scheme from the demo's: 2024, one street renamed, one department moved. */
function scheme2024() {
  const dir = mkdtempSync(join(tmpdir(), 'shaibang-scheme-'));
  const toml = readFileSync(join(ROOT, 'data/demo/competition.toml'), 'utf8')
    .replace('year = 2023', 'year = 2024')
    .replace('2023年西山区', '2024年西山区');
  writeFileSync(join(dir, '2024.toml'), toml);
  const lines = readFileSync(join(ROOT, 'data/demo/units.csv'), 'utf8').trim().split('\n');
  const out = [lines[0] + ',原名称'];
  for (const l of lines.slice(1)) {
    if (l.startsWith('永昌街道,')) out.push(l.replace('永昌街道,永昌,', '永昌新城街道,永昌新城,') + ',永昌街道');
    else out.push(l + ',');
  }
  writeFileSync(join(dir, 'units-2024.csv'), out.join('\n') + '\n');
  return [join(dir, '2024.toml'), join(dir, 'units-2024.csv')];
}

/** A 管理员 installs next year's scheme: the preview lists the changes, nothing is written
 * before the confirm, the install is audited, and 2023's boards read as before. */
async function installScheme(browser, base) {
  const { context, page, problems } = await watchedPage(browser, { width: 1366, height: 768 });
  await logIn(page, base, ADMIN);
  const before = await (await fetch(`${base}/api/v1/boards/2023Q3/1`)).text();
  await page.goto(`${base}/admin/schemes`, { waitUntil: 'networkidle' });
  const [toml, units] = scheme2024();
  await page.fill('input[name=period]', '2024');
  await page.setInputFiles('input[name=file]', toml);
  await page.setInputFiles('input[name=units]', units);
  await Promise.all([page.waitForNavigation(), page.click('form[enctype] button[type=submit]')]);
  const preview = await page.locator('.scheme-preview').innerText();
  assert(preview.includes('更名：永昌街道更名为永昌新城街道'), `the rename in the preview: ${preview}`);
  await page.screenshot({ path: join(SHOTS, 'admin-scheme-preview.png'), fullPage: true });
  // Nothing is installed by the preview.
  const listed = await page.locator('table.board tbody').innerText();
  assert(!listed.includes('2024'), `no 2024 scheme before the confirm: ${listed}`);
  await Promise.all([page.waitForNavigation(), page.click('.scheme-preview button[type=submit]')]);
  assert(page.url().includes('msg=installed'), `after the confirm at ${page.url()}`);
  const after = await page.locator('table.board tbody').innerText();
  assert(after.includes('2024年起') && after.includes('2023年'), `both schemes listed: ${after}`);
  await page.screenshot({ path: join(SHOTS, 'admin-schemes.png'), fullPage: true });
  await page.goto(`${base}/admin/audit`, { waitUntil: 'networkidle' });
  const audit = await page.locator('main').innerText();
  assert(audit.includes('安装考核方案') && audit.includes('永昌街道更名为永昌新城街道'), 'the install is audited');
  const again = await (await fetch(`${base}/api/v1/boards/2023Q3/1`)).text();
  assert(again === before, '2023Q3 board JSON unchanged by the new scheme');
  assert(realProblems(problems).length === 0, realProblems(problems).join('\n'));
  await context.close();
}

export async function adminTests(t, browser) {
  const server = await startServer({ db: withAccounts() });
  try {
    await t.test('staff upload with preview, confirm, admin publishes, public and lobby show it', async () => {
      const { context, page, problems } = await watchedPage(browser, { width: 1366, height: 768 });
      await logIn(page, server.base, STAFF);
      await page.screenshot({ path: join(SHOTS, 'admin-home.png'), fullPage: true });
      const preview = await uploadAndConfirm(page, server.base, join(ROOT, 'data/demo/2023Q3-streets.csv'), 'admin-preview.png');
      assert(preview.includes('GBK/GB18030'), 'the detected encoding is shown');
      assert(preview.includes('街道组') && preview.includes('新名次'), 'ranking before and after per group');
      await uploadAndConfirm(page, server.base, join(ROOT, 'data/demo/2023Q2-depts.csv'), 'admin-preview-depts.png');
      // 考评办 may not publish.
      assert(await page.locator('a:has-text("揭榜…")').count() === 0, 'no publish link for 考评办');
      const draft = await fetch(`${server.base}/api/v1/boards/2023Q4/1`);
      assert(draft.status === 404, 'the draft is not public');
      await Promise.all([page.waitForNavigation(), page.click('button:has-text("退出")')]);
      await logIn(page, server.base, ADMIN);
      await publishThroughConfirm(page, server.base, '2023年第四季度');
      await page.screenshot({ path: join(SHOTS, 'admin-published.png'), fullPage: true });
      const pub = await page.goto(`${server.base}/boards/2023Q4/1`, { waitUntil: 'networkidle' });
      assert(pub.status() === 200, `public board ${pub.status()}`);
      const lobby = await (await fetch(`${server.base}/lobby/content`)).text();
      assert(lobby.includes('2023年第四季度'), 'the lobby shows the new period');
      assert(realProblems(problems).length === 0, realProblems(problems).join('\n'));
      await context.close();
    });

    await t.test('staff pages at 390×844 fit the phone', async () => {
      const { context, page, problems } = await watchedPage(browser, { width: 390, height: 844 });
      await logIn(page, server.base, ADMIN);
      for (const [name, path] of [['admin-home-phone', '/admin'], ['admin-upload-phone', '/admin/upload'], ['admin-audit-phone', '/admin/audit']]) {
        await page.goto(server.base + path, { waitUntil: 'networkidle' });
        await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
        const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
        assert(sw <= iw, `${path}: horizontal overflow ${sw} > ${iw}`);
      }
      assert(realProblems(problems).length === 0, realProblems(problems).join('\n'));
      await context.close();
    });
  } finally {
    await server.stop();
  }
  const fresh = await startServer({ db: withAccounts() });
  try {
    await t.test('a first-time clerk: default period, template, column mapping, 总分 warning, rollback preview', async () => {
      await clerkPath(browser, fresh.base);
    });
  } finally {
    await fresh.stop();
  }
  const schemes = await startServer({ db: withAccounts() });
  try {
    await t.test('a 管理员 installs next year\'s scheme: preview, confirm, audit; posted boards unchanged', async () => {
      await installScheme(browser, schemes.base);
    });
  } finally {
    await schemes.stop();
  }
  const scoring = scoringDb();
  const scored = await startServer({ db: scoring.db });
  try {
    await t.test('a 报送单位 reports raw figures: points in the preview, 揭榜, the formula on the why page', async () => {
      await providerRawValues(browser, scored.base, scoring.dir);
    });
  } finally {
    await scored.stop();
  }
}
