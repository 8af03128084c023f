// Drives Swagger UI at $CONVENE_URL/docs in Debian's Chromium as a person
// would: authorise with an organiser token, create a poll with "Try it out",
// read the 201 — all without the page fetching anything off this machine.
//
//   CONVENE_URL=http://127.0.0.1:8080 CONVENE_TOKEN=cvn_org_… node swagger.mjs
//
// tests/browser/run.sh starts a server and sets both. Screenshots go to
// $BROWSER_OUT (default tests/browser/out) and their paths are printed.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BASE = (process.env.CONVENE_URL || '').replace(/\/+$/, '');
const TOKEN = process.env.CONVENE_TOKEN || '';
const OUT = path.resolve(process.env.BROWSER_OUT || path.join(HERE, 'out'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// One step waits at most this long; the whole run at most OVERALL_MS.
const STEP_MS = 20_000;
const OVERALL_MS = 180_000;

if (!BASE || !TOKEN) {
  console.error('set CONVENE_URL (e.g. http://127.0.0.1:8080) and CONVENE_TOKEN (an organiser token)');
  process.exit(2);
}

const POLL = {
  title: 'Second Open Consultations and MAG Meeting',
  time_zone: 'Europe/Vienna',
  voting: 'open',
  options: [
    { kind: 'all_day', start_date: '2026-07-05', end_date: '2026-07-07' },
    { kind: 'timed', start: '2026-07-10T13:00', end: '2026-07-10T16:00' },
  ],
};
// 13:00 in Vienna in July (CEST, UTC+2), as Swagger UI pretty-prints it.
const EXPECTED_UTC = '"start_utc": "2026-07-10T11:00:00Z"';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const requested = []; // every URL the page asked for
const foreign = []; // those that would have left this machine

let step = 'start';
const screenshots = [];
let browser;
let page;

function log(msg) {
  console.log(`[browser] ${msg}`);
}

function isLocal(url) {
  const u = new URL(url);
  // Inline images in Swagger UI's CSS never touch the network.
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true;
  return LOCAL_HOSTS.has(u.hostname) || LOCAL_HOSTS.has(`[${u.hostname}]`);
}

async function shot(name, opts = {}) {
  const file = path.join(OUT, name);
  await page.screenshot({ path: file, ...opts });
  screenshots.push(file);
  log(`screenshot: ${file}`);
}

function fail(msg) {
  throw new Error(`${step}: ${msg}`);
}

async function run() {
  await mkdir(OUT, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    timeout: 60_000,
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Offline: anything not on this machine is recorded and refused, so a CDN
  // link fails the test here rather than half-working for a user offline.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    foreign.push(url);
    return route.abort('blockedbyclient');
  });
  page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.on('request', (req) => requested.push(req.url()));
  page.on('pageerror', (err) => log(`page error: ${err.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') log(`console error: ${m.text()}`);
  });

  step = 'open /docs';
  const resp = await page.goto(`${BASE}/docs`, { waitUntil: 'load', timeout: 30_000 });
  if (!resp || resp.status() !== 200) fail(`GET /docs answered ${resp && resp.status()}`);
  // Swagger UI has rendered the spec once the info block and operations exist.
  await page.locator('.swagger-ui .info .title').waitFor();
  await page.locator('.opblock').first().waitFor();

  step = 'page title and description';
  const title = await page.title();
  if (!/convene/i.test(title)) fail(`page title does not mention Convene: ${JSON.stringify(title)}`);
  const meta = await page.locator('meta[name="description"]').getAttribute('content').catch(() => null);
  if (!meta || !/convene/i.test(meta)) fail(`meta description does not mention Convene: ${JSON.stringify(meta)}`);
  const infoTitle = (await page.locator('.swagger-ui .info .title').innerText()).trim();
  if (!/convene/i.test(infoTitle)) fail(`Swagger UI heading does not mention Convene: ${JSON.stringify(infoTitle)}`);
  const infoText = await page.locator('.swagger-ui .info .description').innerText();
  if (!/convene/i.test(infoText) || !/schedul/i.test(infoText)) fail(`API description does not say what Convene is: ${JSON.stringify(infoText.slice(0, 200))}`);
  log(`title: ${title}`);
  log(`description: ${meta}`);
  await shot('01-docs.png');

  step = 'authorise with the organiser token';
  await page.locator('.auth-wrapper .btn.authorize').click();
  const modal = page.locator('.dialog-ux .modal-ux');
  await modal.waitFor();
  const scheme = modal.locator('.auth-container').filter({ hasText: 'OrganiserToken' });
  if ((await scheme.count()) !== 1) fail('the Authorize dialog has no OrganiserToken scheme');
  await scheme.locator('input[type="text"], input[type="password"]').first().fill(TOKEN);
  await scheme.locator('button.authorize').click();
  // Swagger UI swaps the button for "Logout" once the scheme holds a value.
  await scheme.locator('button', { hasText: 'Logout' }).waitFor();
  await shot('02-authorised.png');
  await modal.locator('button.btn-done, button.close-modal').first().click();
  await modal.waitFor({ state: 'detached' });

  step = 'expand POST /api/v1/polls';
  const op = page
    .locator('.opblock.opblock-post')
    .filter({ has: page.locator('.opblock-summary-path', { hasText: /^\/api\/v1\/polls$/ }) });
  if ((await op.count()) !== 1) fail(`expected one POST /api/v1/polls block, found ${await op.count()}`);
  const opId = await op.getAttribute('id');
  if (opId && !opId.endsWith('createPoll')) fail(`POST /api/v1/polls block is ${opId}, not createPoll`);
  await op.locator('.opblock-summary-post').first().click();
  await op.locator('.opblock-body').waitFor();
  // Swagger UI shows a closed padlock ("locked") on an operation it will
  // send the token with, an open one ("unlocked") otherwise.
  const lock = await op.locator('.authorization__btn').first().getAttribute('aria-label');
  if (!/\blocked\b/.test(lock || '') || /unlocked/.test(lock)) fail(`operation padlock is ${JSON.stringify(lock)}`);

  step = 'try it out';
  await op.locator('.try-out__btn').click();
  const body = op.locator('textarea.body-param__text');
  await body.waitFor();
  await body.fill(JSON.stringify(POLL, null, 2));

  step = 'execute';
  const [created] = await Promise.all([
    page.waitForResponse(
      (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/polls',
      { timeout: STEP_MS },
    ),
    op.locator('.execute-wrapper .btn.execute, button.execute').first().click(),
  ]);
  const sentAuth = await created.request().headerValue('authorization');
  if (sentAuth !== `Bearer ${TOKEN}`) fail(`the request was sent with Authorization ${JSON.stringify(sentAuth)}`);
  if (created.status() !== 201) fail(`the server answered ${created.status()}: ${(await created.text()).slice(0, 500)}`);

  step = 'read the 201 in the live response';
  const live = op.locator('.live-responses-table');
  const status = live.locator('.response .response-col_status').first();
  await status.waitFor();
  const statusText = (await status.innerText()).trim();
  if (!/^201\b/.test(statusText)) fail(`Swagger UI shows status ${JSON.stringify(statusText)}`);
  const shown = await live.locator('.response .response-col_description').first().innerText();
  if (!shown.includes(EXPECTED_UTC)) fail(`response body lacks ${EXPECTED_UTC}:\n${shown.slice(0, 2000)}`);
  await shot('03-created-201.png', { fullPage: true });
  // The full page is ~10 000 px tall; this one is readable at a glance.
  const file = path.join(OUT, '04-live-response.png');
  await live.screenshot({ path: file });
  screenshots.push(file);
  log(`screenshot: ${file}`);

  step = 'the poll really exists (GET /api/v1/polls)';
  const poll = await created.json();
  const list = await fetch(`${BASE}/api/v1/polls`, {
    headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' },
  });
  if (list.status !== 200) fail(`GET /api/v1/polls answered ${list.status}`);
  const { items } = await list.json();
  const found = items.find((p) => p.id === poll.id);
  if (!found) fail(`poll ${poll.id} is not in the organiser's list`);
  if (found.title !== POLL.title) fail(`listed title is ${JSON.stringify(found.title)}`);
  log(`created poll ${poll.id} (${found.options.length} options), listed by GET /api/v1/polls`);

  step = 'offline';
  const offsite = [...new Set([...foreign, ...requested.filter((u) => !isLocal(u))])];
  if (offsite.length) fail(`the page asked for ${offsite.length} resource(s) off this machine:\n  ${offsite.join('\n  ')}`);
  log(`offline: all ${requested.length} requests went to ${new URL(BASE).host}`);
}

async function dumpFailure(err) {
  console.error(`[browser] FAILED at ${err.message}`);
  if (!page) return;
  try {
    await page.screenshot({ path: path.join(OUT, 'failure.png'), fullPage: true, timeout: 10_000 });
    console.error(`[browser] failure screenshot: ${path.join(OUT, 'failure.png')}`);
  } catch (e) {
    console.error(`[browser] no failure screenshot: ${e.message}`);
  }
  // The part of the page the failing step was looking at, without icons and
  // the long example and schema panels.
  const html = await page
    .evaluate(() => {
      const pick =
        document.querySelector('.dialog-ux .modal-ux') ||
        document.querySelector('[id$="-createPoll"] .responses-wrapper .live-responses-table')?.closest('.responses-inner') ||
        document.querySelector('[id$="-createPoll"].is-open') ||
        document.querySelector('.swagger-ui .information-container') ||
        document.body;
      if (!pick) return '(no body)';
      const copy = pick.cloneNode(true);
      copy.querySelectorAll('svg, .model-example, .responses-table:not(.live-responses-table)').forEach((n) => n.remove());
      return copy.outerHTML;
    })
    .catch((e) => `(could not read the page: ${e.message})`);
  console.error(`[browser] page URL: ${page.url()}`);
  console.error(`[browser] relevant HTML (first 6000 chars):\n${html.slice(0, 6000)}`);
  if (foreign.length) console.error(`[browser] refused off-machine requests:\n  ${foreign.join('\n  ')}`);
}

const started = Date.now();
const watchdog = setTimeout(() => {
  console.error(`[browser] FAILED: no result after ${OVERALL_MS / 1000}s (stuck at: ${step})`);
  process.exit(1);
}, OVERALL_MS);

let code = 0;
try {
  await run();
  log(`passed in ${((Date.now() - started) / 1000).toFixed(1)}s; screenshots:\n  ${screenshots.join('\n  ')}`);
  console.log('browser: 1 passed, 0 failed');
} catch (err) {
  code = 1;
  await dumpFailure(err);
  console.log('browser: 0 passed, 1 failed');
} finally {
  clearTimeout(watchdog);
  if (browser) await browser.close().catch(() => {});
}
process.exit(code);
