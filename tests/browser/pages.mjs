// The member pages in Debian's Chromium: a member votes with JavaScript
// off, by keyboard alone, and the API must show the vote; axe-core checks
// WCAG 2.1 AA (tags wcag2a, wcag2aa, wcag21a, wcag21aa) on every state of
// the page — before and after voting, an error shown, closed, confirmed,
// the open poll's page, a dead link — in English and in Arabic; no state
// may scroll sideways at 320 px. Screenshots of the page in English and
// Arabic go to $BROWSER_OUT.
//
//   CONVENE_URL=http://127.0.0.1:8080 CONVENE_TOKEN=cvn_org_… node pages.mjs
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BASE = (process.env.CONVENE_URL || '').replace(/\/+$/, '');
const TOKEN = process.env.CONVENE_TOKEN || '';
const OUT = path.resolve(process.env.BROWSER_OUT || path.join(HERE, 'out'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

if (!BASE || !TOKEN) {
  console.error('set CONVENE_URL and CONVENE_TOKEN (an organiser token)');
  process.exit(2);
}

function fail(message) {
  throw new Error(message);
}

async function api(method, p, body, token = TOKEN) {
  const resp = await fetch(BASE + p, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await resp.text();
  if (!resp.ok) fail(`${method} ${p}: ${resp.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

// The reference poll, invite-only: Anna reads English in New York, Amira
// Arabic in Cairo (her organiser set it).
const poll = await api('POST', '/api/v1/polls', {
  title: 'Second Open Consultations and MAG Meeting',
  description: 'IGF 2026 preparatory cycle: choose the week for the Second Open Consultations.',
  location: 'Vienna International Centre',
  time_zone: 'Europe/Vienna',
  voting: 'invite_only',
  deadline: '2027-06-30T16:00:00Z',
  options: [
    { kind: 'all_day', start_date: '2026-07-05', end_date: '2026-07-07' },
    { kind: 'timed', start: '2026-07-10T13:00', end: '2026-07-10T16:00' },
    { kind: 'timed', start: '2026-07-12T09:00', end: '2026-07-12T12:00' },
  ],
});
const group = await api('POST', '/api/v1/groups', {
  name: 'MAG 2026',
  members: [
    { name: 'Anna', email: 'anna@example.org', time_zone: 'America/New_York' },
    { name: 'Amira', email: 'amira@example.org', time_zone: 'Africa/Cairo', language: 'ar' },
  ],
});
const invited = await api('POST', `/api/v1/polls/${poll.id}/invitations`, { group_id: group.id });
const member = (name) => invited.invitations.find((i) => i.name === name);
const open = await api('POST', '/api/v1/polls', {
  title: 'IGF 2026 open consultation: date of the town hall',
  time_zone: 'UTC',
  voting: 'open',
  options: [{ kind: 'timed', start: '2026-09-01T12:00', end: '2026-09-01T13:30' }],
});

await mkdir(OUT, { recursive: true });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const results = [];
try {
  const guard = (context) =>
    context.route('**/*', (route) => {
      const host = new URL(route.request().url()).host.replace(/:\d+$/, '');
      if (LOCAL_HOSTS.has(host)) return route.continue();
      console.error(`blocked an outside request: ${route.request().url()}`);
      return route.abort('blockedbyclient');
    });
  // The member's browser: no JavaScript at all.
  const plain = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 800 } });
  await guard(plain);
  // The checker's: the same pages with axe-core injected (our CSP allows
  // no script, so the checker bypasses it; the page itself has none).
  const checker = await browser.newContext({ bypassCSP: true, viewport: { width: 320, height: 800 } });
  await guard(checker);
  const check = await checker.newPage();

  async function audit(state, lang, url, expectStatus = 200) {
    const resp = await check.goto(url);
    if (resp.status() !== expectStatus) fail(`${state}/${lang}: status ${resp.status()}, expected ${expectStatus}`);
    await check.addScriptTag({ content: AXE });
    const report = await check.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
    const { htmlLang, dir, scroll, width } = await check.evaluate(() => ({
      htmlLang: document.documentElement.lang,
      dir: document.documentElement.dir,
      scroll: document.documentElement.scrollWidth,
      width: document.documentElement.clientWidth,
    }));
    if (htmlLang !== lang) fail(`${state}/${lang}: <html lang="${htmlLang}">`);
    if ((lang === 'ar') !== (dir === 'rtl')) fail(`${state}/${lang}: dir="${dir}"`);
    const row = {
      state,
      lang,
      status: resp.status(),
      violations: report.violations.length,
      passes: report.passes.length,
      sideways_scroll: scroll > width,
    };
    results.push(row);
    for (const v of report.violations) {
      console.error(`  ${state}/${lang}: ${v.id} (${v.impact}): ${v.help}`);
      for (const n of v.nodes.slice(0, 3)) console.error(`    ${n.target.join(' ')}: ${n.failureSummary}`);
    }
    if (row.sideways_scroll) console.error(`  ${state}/${lang}: scrolls sideways at 320 px (${scroll} > ${width})`);
  }

  const states = async (state, expect = 200, query = '') => {
    await audit(state, 'en', member('Anna').vote_url + query, expect);
    await audit(state, 'ar', member('Amira').vote_url + query, expect);
  };

  await states('before voting');

  // Voting by keyboard alone, JavaScript off: Tab to each option's radio
  // group, arrow keys to choose, type a comment, Enter to send.
  async function voteByKeyboard(name, screenshot) {
    const page = await plain.newPage();
    await page.goto(member(name).vote_url);
    if (screenshot) await page.screenshot({ path: path.join(OUT, `member-page-${screenshot}-320.png`), fullPage: true });
    const radios = page.locator('fieldset.option input[type=radio]');
    // Tab until the first radio of the first option has focus.
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      if (await radios.first().evaluate((el) => el === document.activeElement).catch(() => false)) break;
    }
    if (!(await radios.first().evaluate((el) => el === document.activeElement))) fail(`${name}: Tab never reached the first option`);
    await page.keyboard.press('Space'); // option 1: yes
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown'); // option 2: the next choice, "if need be"
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown'); // option 3: "no"
    await page.keyboard.press('Tab');
    await page.keyboard.type('Mornings in New York suit me best.');
    await page.keyboard.press('Tab');
    await Promise.all([page.waitForURL(/saved=1/), page.keyboard.press('Enter')]);
    const mine = await api('GET', `/api/v1/polls/${poll.id}/responses/me`, undefined, member(name).token);
    const got = mine.votes.map((v) => v.choice).join(',');
    if (got !== 'yes,if_need_be,no') fail(`${name}: the API has ${got}`);
    if (mine.comment !== 'Mornings in New York suit me best.') fail(`${name}: comment ${mine.comment}`);
    await page.close();
  }
  await voteByKeyboard('Anna', 'en-before');
  await voteByKeyboard('Amira', 'ar-before');
  console.log('voted by keyboard with JavaScript off: the API shows both answers');
  await states('after voting', 200, '?saved=1');

  // Right-to-left text: the order the browser draws it in, read off the
  // screen (each character's box, left to right), not the markup. In
  // Amira's Arabic page (Cairo, UTC+03:00) an offset or a time inside a
  // sentence must read as itself, never "+03:00UTC".
  async function drawnOrder(selector) {
    return check.evaluate((sel) => {
      const out = [];
      for (const el of document.querySelectorAll(sel)) {
        const boxes = [];
        const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let node = walk.nextNode(); node; node = walk.nextNode()) {
          for (let i = 0; i < node.data.length; i++) {
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const r = range.getBoundingClientRect();
            if (r.width > 0) boxes.push({ c: node.data[i], x: r.left, y: Math.round(r.top) });
          }
        }
        boxes.sort((a, b) => a.y - b.y || a.x - b.x);
        out.push(boxes.map((b) => b.c).join(''));
      }
      return out;
    }, selector);
  }
  await check.goto(member('Amira').vote_url);
  const wide = await check.viewportSize();
  await check.setViewportSize({ width: 1280, height: 800 });
  const deadline = (await drawnOrder('main > p')).find((t) => t.includes('UTC')) || fail('ar: no deadline sentence');
  const legends = await drawnOrder('fieldset.option legend');
  const answers = await drawnOrder('section.results li');
  for (const [what, drawn, pieces] of [
    ['deadline', [deadline], ['UTC+03:00', '19:00']],
    ['first timed option', [legends[1]], ['UTC+03:00', '14:00', '17:00']],
    ['second timed option', [legends[2]], ['UTC+03:00', '10:00', '13:00']],
    ['answers so far', answers.slice(1), ['UTC+03:00']],
  ]) {
    for (const text of drawn) {
      for (const piece of pieces) {
        if (!text.includes(piece)) fail(`ar ${what}: "${piece}" is not drawn in order in "${text}"`);
      }
    }
  }
  await check.setViewportSize(wide);
  console.log(`Arabic page draws times and offsets in order: "${deadline}"`);

  // Screenshots for the README: the page after voting, English and Arabic.
  const shots = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 480, height: 900 } });
  await guard(shots);
  const shot = await shots.newPage();
  for (const [name, lang] of [['Anna', 'en'], ['Amira', 'ar']]) {
    await shot.goto(member(name).vote_url + '?saved=1');
    const file = path.join(OUT, `member-page-${lang}.png`);
    await shot.screenshot({ path: file, fullPage: true });
    console.log(`screenshot: ${file}`);
  }

  // An error shown: a tampered form (an option the poll does not have, an
  // over-long comment) posted from the page.
  for (const [name, lang] of [['Anna', 'en'], ['Amira', 'ar']]) {
    await check.goto(member(name).vote_url);
    await check.route('**/vote/**', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const body = `${route.request().postData()}&choice-00000000-0000-4000-8000-000000000000=yes&comment=${'x'.repeat(2001)}`;
      return route.continue({ postData: body });
    });
    const [resp] = await Promise.all([check.waitForNavigation(), check.click('button.primary')]);
    await check.unroute('**/vote/**');
    if (resp.status() !== 422) fail(`error/${lang}: status ${resp.status()}`);
    await check.addScriptTag({ content: AXE });
    const report = await check.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
    const scroll = await check.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
    results.push({ state: 'error shown', lang, status: 422, violations: report.violations.length, passes: report.passes.length, sideways_scroll: scroll });
    for (const v of report.violations) console.error(`  error/${lang}: ${v.id}: ${v.help}`);
  }
  const unchanged = await api('GET', `/api/v1/polls/${poll.id}/responses/me`, undefined, member('Anna').token);
  if (unchanged.votes.length !== 3) fail('the tampered form changed the answer');

  await api('POST', `/api/v1/polls/${poll.id}/close`, {});
  await states('closed');
  await api('POST', `/api/v1/polls/${poll.id}/confirm`, { option_id: poll.options[1].id });
  await states('confirmed');

  // The reference meeting as it was: hybrid (in person or online), the
  // 5–7 July range answered day by day, a room of 40 seats; before and
  // after an answer (a seat taken, shown on the page).
  const hybrid = await api('POST', '/api/v1/polls', {
    title: 'Second Open Consultations and MAG Meeting (hybrid)',
    location: 'Vienna International Centre',
    time_zone: 'Europe/Vienna',
    voting: 'invite_only',
    attendance_modes: ['in_person', 'online'],
    options: [
      { kind: 'all_day', start_date: '2027-07-05', end_date: '2027-07-07', per_day: true, capacity: 40 },
      { kind: 'timed', start: '2027-07-12T09:00', end: '2027-07-12T12:00' },
    ],
  });
  const hybridInvited = await api('POST', `/api/v1/polls/${hybrid.id}/invitations`, { group_id: group.id });
  const hybridMember = (name) => hybridInvited.invitations.find((i) => i.name === name);
  for (const [name, lang] of [['Anna', 'en'], ['Amira', 'ar']]) {
    await audit('hybrid, days and seats', lang, hybridMember(name).vote_url);
  }
  const [day0, day1, day2] = ['2027-07-05', '2027-07-06', '2027-07-07'];
  for (const name of ['Anna', 'Amira']) {
    await api('PUT', `/api/v1/polls/${hybrid.id}/responses/me`, {
      votes: [
        {
          option_id: hybrid.options[0].id,
          attendance: 'in_person',
          days: [
            { date: day0, choice: 'yes' },
            { date: day1, choice: 'yes' },
            { date: day2, choice: 'if_need_be' },
          ],
        },
        { option_id: hybrid.options[1].id, choice: 'yes', attendance: 'online' },
      ],
    }, hybridMember(name).token);
  }
  for (const [name, lang] of [['Anna', 'en'], ['Amira', 'ar']]) {
    await audit('hybrid, answered', lang, hybridMember(name).vote_url);
  }

  await audit('open poll page', 'en', open.page_url);
  await audit('open poll page', 'ar', `${open.page_url}?lang=ar`);
  await audit('dead link', 'en', `${BASE}/vote/cvn_inv_nothing`, 404);
  await audit('dead link', 'ar', `${BASE}/vote/cvn_inv_nothing?lang=ar`, 404);
} finally {
  await browser.close();
}

console.table(results);
await writeFile(path.join(OUT, 'axe-results.json'), JSON.stringify(results, null, 2));
const bad = results.filter((r) => r.violations > 0 || r.sideways_scroll);
if (bad.length) {
  console.error(`FAIL: ${bad.length} page states with axe violations or sideways scrolling`);
  process.exit(1);
}
console.log(`OK: ${results.length} page states (${TAGS.join(', ')}), 0 axe violations, none scrolls sideways at 320 px`);
