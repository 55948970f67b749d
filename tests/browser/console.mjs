// Drives the Wharf web console in Debian's Chromium (never a downloaded browser).
//
// usage: node console.mjs PHASE BASE_URL USER PASSWORD ARG
//   find   ARG = cust_ref: log in, find the order by its cust_ref and open it, open the first
//          file in error/, print {"order": ..., "file": ..., "reason": ...} as JSON.
//   requeue ARG = screenshot path: log in, open that file in error/, press Requeue, wait until
//          the file is processed (it leaves error/, its order is listed), screenshot the
//          dashboard; print {"requeued": ..., "order_found": true}.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [, , phase, base, user, password, arg, extra] = process.argv;
const profile = mkdtempSync(join(tmpdir(), 'wharf-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run',
  ],
  viewport: { width: 1366, height: 800 },
});
const page = context.pages()[0] ?? (await context.newPage());
page.setDefaultTimeout(20000);

async function login() {
  await page.goto(base + '/');
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(base + '/'), page.click('button[type=submit]')]);
  await page.waitForSelector('h1:text("Dashboard")');
}

try {
  await login();
  if (phase === 'find') {
    await page.click('nav a:text("Orders")');
    await page.fill('input[name=q]', arg);
    await page.click('form.filters button');
    await page.click(`table.orders a:text("${arg}")`);
    const json = await page.textContent('pre.json');
    const order = JSON.parse(json);
    await page.click('nav a:text("Errors")');
    const link = page.locator('table.errors tbody a').first();
    const file = await link.textContent();
    await link.click();
    const reason = await page.textContent('#report');
    console.log(JSON.stringify({ order, file, reason }));
  } else if (phase === 'requeue') {
    const file = extra;
    await page.click('nav a:text("Errors")');
    await page.click(`table.errors a:text("${file}")`);
    await Promise.all([page.waitForURL(/\/errors\?requeued=/), page.click('#requeue')]);
    await page.waitForSelector('#requeued');
    // Processed: it leaves error/ and its order shows up.
    const deadline = Date.now() + 30000;
    let found = false;
    while (Date.now() < deadline && !found) {
      await page.goto(base + '/errors');
      const stillThere = await page.locator(`table.errors a:text("${file}")`).count();
      await page.goto(base + '/orders?q=' + encodeURIComponent(process.env.WHARF_ORDER ?? ''));
      const listed = await page.locator('table.orders tbody tr').count();
      found = stillThere === 0 && listed > 0;
      if (!found) await page.waitForTimeout(200);
    }
    await page.goto(base + '/');
    await page.screenshot({ path: arg, fullPage: true });
    console.log(JSON.stringify({ requeued: file, processed: found }));
  } else {
    throw new Error('unknown phase ' + phase);
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
