// The staff workflow in headless Chromium (called from run.mjs): a 考评办 logs in, uploads
// the GBK CSV Excel saves and a department file for a new quarter, sees the preview with the
// ranking changes and confirms; a 管理员 logs in and publishes; the public board and the lobby
// show the new period. Screenshots at 1366×768 and 390×844 go to target/browser/.
import { startServer, watchedPage, assert, SHOTS, BIN, ROOT } from './lib.mjs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const STAFF = ['考评办乙', 'staff-password-1'];
const ADMIN = ['管理员甲', 'admin-password-1'];

/** A favicon request cut short by the next navigation is not a fault of the page. */
const realProblems = (problems) =>
  problems.filter((p) => !(p.includes('favicon') && p.includes('ERR_ABORTED')));

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
  assert(page.url().endsWith('/admin?msg=confirmed'), `after confirm at ${page.url()}`);
  return text;
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
      assert(await page.locator('button:has-text("立即揭榜")').count() === 0, 'no publish button for 考评办');
      const draft = await fetch(`${server.base}/api/v1/boards/2023Q4/1`);
      assert(draft.status === 404, 'the draft is not public');
      await Promise.all([page.waitForNavigation(), page.click('button:has-text("退出")')]);
      await logIn(page, server.base, ADMIN);
      const row = page.locator('tr', { hasText: '2023年第四季度' });
      await Promise.all([page.waitForNavigation(), row.locator('button:has-text("立即揭榜")').click()]);
      assert(page.url().endsWith('msg=published'), `after publish at ${page.url()}`);
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
}
