// The secretariat's console in Debian's Chromium, JavaScript off: a person
// of the workspace signs in through the emailed link, opens the reference
// poll (40 members from Tokyo to New York) from the polls list and
// confirms it by keyboard alone, through the preview; the API must show it
// confirmed. axe-core checks WCAG 2.1 AA (wcag2a, wcag2aa, wcag21a,
// wcag21aa) on every console page state — sign-in, link sent, the link's
// page, the polls list (all and filtered to none), the poll open, its
// confirm preview, the grid of non-respondents, a stale form's conflict,
// an unknown poll, the new-poll form and its errors, the groups, a group,
// the invitations page, the poll confirmed — in English and Arabic, at 320 and
// 1280 px; none may scroll sideways. Screenshots go to $BROWSER_OUT.
//
//   CONVENE_URL=… CONVENE_TOKEN=cvn_org_… CONVENE_MAIL_DIR=… CONSOLE_EMAIL=… node console.mjs
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BASE = (process.env.CONVENE_URL || '').replace(/\/+$/, '');
const TOKEN = process.env.CONVENE_TOKEN || '';
const MAIL_DIR = process.env.CONVENE_MAIL_DIR || '';
const EMAIL = process.env.CONSOLE_EMAIL || '';
const OUT = path.resolve(process.env.BROWSER_OUT || path.join(HERE, 'out'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

if (!BASE || !TOKEN || !MAIL_DIR || !EMAIL) {
  console.error('set CONVENE_URL, CONVENE_TOKEN, CONVENE_MAIL_DIR and CONSOLE_EMAIL');
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

// The reference case: 40 members from Tokyo to New York, invite-only, the
// three weeks and a timed call; 25 answer.
const ZONES = ['Asia/Tokyo', 'Asia/Kolkata', 'Africa/Nairobi', 'Europe/Vienna', 'Europe/London', 'America/Sao_Paulo', 'America/New_York'];
const poll = await api('POST', '/api/v1/polls', {
  title: 'Second Open Consultations and MAG Meeting',
  description: 'IGF 2027 preparatory cycle: choose the week for the Second Open Consultations.',
  location: 'Vienna International Centre',
  time_zone: 'Europe/Vienna',
  voting: 'invite_only',
  deadline: '2027-06-30T16:00:00Z',
  reminders: ['P3D'],
  options: [
    { kind: 'all_day', start_date: '2027-07-05', end_date: '2027-07-07' },
    { kind: 'all_day', start_date: '2027-07-10', end_date: '2027-07-12' },
    { kind: 'all_day', start_date: '2027-07-12', end_date: '2027-07-14' },
    { kind: 'timed', start: '2027-07-09T13:00', end: '2027-07-09T16:00' },
  ],
});
const members = Array.from({ length: 40 }, (_, n) => ({
  name: `Member ${String(n).padStart(2, '0')}`,
  time_zone: ZONES[n % ZONES.length],
  ...(n % 10 === 9 ? {} : { email: `member${n}@example.org` }),
}));
const group = await api('POST', '/api/v1/groups', { name: 'MAG 2027', members });
const invited = await api('POST', `/api/v1/polls/${poll.id}/invitations`, { group_id: group.id });
for (const [n, inv] of invited.invitations.slice(0, 25).entries()) {
  const choices = n % 3 === 0 ? ['no', 'yes', 'if_need_be', 'yes'] : ['if_need_be', 'yes', 'no', 'no'];
  await api('PUT', `/api/v1/polls/${poll.id}/responses/me`, {
    votes: choices.map((choice, i) => ({ option_id: poll.options[i].id, choice })),
  }, inv.token);
}
const pollPath = `/console/polls/${poll.id}`;

// The sign-in link from the newest mail to EMAIL: its text part may be
// quoted-printable or base64.
async function linkFor(email, after) {
  for (let i = 0; i < 150; i++) {
    const files = (await readdir(MAIL_DIR)).filter((f) => f.endsWith('.eml')).sort().slice(after);
    for (const f of files.reverse()) {
      const raw = await readFile(path.join(MAIL_DIR, f), 'utf8');
      if (!new RegExp(`^To:.*${email.replace('.', '\\.')}`, 'mi').test(raw)) continue;
      const qp = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
      const b64 = (raw.match(/^[A-Za-z0-9+/=]{20,}$/gm) || []).map((l) => Buffer.from(l, 'base64').toString('utf8')).join('');
      const m = `${qp}\n${b64}`.match(/\/console\/sign-in\/cvn_sil_[A-Za-z0-9_-]+/);
      if (m) return m[0];
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  fail(`no sign-in mail to ${email}`);
}
const mailCount = async () => (await readdir(MAIL_DIR)).filter((f) => f.endsWith('.eml')).length;

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
  // The secretariat's browser: no JavaScript at all.
  const plain = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 800 } });
  await guard(plain);
  // The checker's: axe-core injected (the pages have no script and our CSP
  // allows none, so it bypasses the CSP).
  const checker = await browser.newContext({ bypassCSP: true, viewport: { width: 320, height: 800 } });
  await guard(checker);
  const check = await checker.newPage();

  async function axe(state, lang, expectStatus, resp) {
    if (resp && resp.status() !== expectStatus) fail(`${state}/${lang}: status ${resp.status()}, expected ${expectStatus}`);
    for (const width of [320, 1280]) {
      await check.setViewportSize({ width, height: 800 });
      await check.addScriptTag({ content: AXE });
      const report = await check.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
      const { htmlLang, dir, scroll, clientWidth } = await check.evaluate(() => ({
        htmlLang: document.documentElement.lang,
        dir: document.documentElement.dir,
        scroll: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
      }));
      if (htmlLang !== lang) fail(`${state}/${lang}: <html lang="${htmlLang}">`);
      if ((lang === 'ar') !== (dir === 'rtl')) fail(`${state}/${lang}: dir="${dir}"`);
      const row = { state, lang, width, status: expectStatus, violations: report.violations.length, passes: report.passes.length, sideways_scroll: scroll > clientWidth };
      results.push(row);
      for (const v of report.violations) {
        console.error(`  ${state}/${lang}/${width}: ${v.id} (${v.impact}): ${v.help}`);
        for (const n of v.nodes.slice(0, 3)) console.error(`    ${n.target.join(' ')}: ${n.failureSummary}`);
      }
      if (row.sideways_scroll) console.error(`  ${state}/${lang}/${width}: scrolls sideways (${scroll} > ${clientWidth})`);
    }
  }
  async function audit(state, lang, url, expectStatus = 200) {
    const sep = url.includes('?') ? '&' : '?';
    const resp = await check.goto(`${BASE}${url}${sep}lang=${lang}`);
    await axe(state, lang, expectStatus, resp);
  }
  const both = async (state, url, status = 200) => {
    for (const lang of ['en', 'ar']) await audit(state, lang, url, status);
  };

  // Signed out: the sign-in page, and the answer after asking.
  await both('sign-in', '/console/sign-in');
  for (const lang of ['en', 'ar']) {
    await check.goto(`${BASE}/console/sign-in?lang=${lang}`);
    await check.fill('#email', 'nobody@example.org');
    const [resp] = await Promise.all([check.waitForNavigation(), check.click('main button[type=submit]')]);
    await axe('link sent', lang, 200, resp);
  }

  // Signing in by keyboard, JavaScript off: type the address, Enter; open
  // the mailed link, Tab to the button, Enter.
  const me = await plain.newPage();
  await me.goto(`${BASE}/console/sign-in?lang=en`);
  const before = await mailCount();
  await me.focus('#email');
  await me.keyboard.type(EMAIL);
  await Promise.all([me.waitForNavigation(), me.keyboard.press('Enter')]);
  const link = await linkFor(EMAIL, before);
  await both('sign-in link page', link);
  await me.goto(BASE + link);
  for (let i = 0; i < 20; i++) {
    await me.keyboard.press('Tab');
    if (await me.evaluate(() => document.activeElement?.tagName === 'BUTTON' && document.activeElement.closest('main'))) break;
  }
  await Promise.all([me.waitForURL(`${BASE}/console`), me.keyboard.press('Enter')]);
  console.log('signed in by the emailed link, by keyboard, JavaScript off');
  // The checker shares the session (the cookie is HttpOnly: copied, not read by a page).
  await checker.addCookies(await plain.cookies());

  // The polls list → the poll's page, by keyboard.
  await me.screenshot({ path: path.join(OUT, 'console-polls-320.png'), fullPage: true });
  const toPoll = me.locator(`a[href^="${pollPath}"]`);
  await toPoll.focus();
  await Promise.all([me.waitForURL(new RegExp(`${pollPath}`)), me.keyboard.press('Enter')]);
  if (!(await me.locator('svg').count())) fail('the poll page has no heat map');
  await me.screenshot({ path: path.join(OUT, 'console-poll-320.png'), fullPage: true });

  await both('polls list', '/console');
  await both('polls list, filtered to none', '/console?status=cancelled');
  await both('poll open', pollPath);
  await both('non-respondents grid', `${pollPath}?members=silent`);
  await both('confirm preview', `${pollPath}/confirm?option_id=${poll.options[3].id}`);
  await both('unknown poll', '/console/polls/00000000-0000-7000-8000-000000000000', 404);
  await both('new poll form', '/console/polls/new');
  await both('history', `${pollPath}/history`);
  await both('webhooks', '/console/webhooks');
  // The secretariat here is an editor: the owners' pages say so (403).
  await both('people: owners only', '/console/people', 403);
  await both('tokens: owners only', '/console/tokens', 403);
  await both('groups', '/console/groups');
  await both('group', `/console/groups/${group.id}`);
  await both('member form', `/console/groups/${group.id}/members/${group.members[0].id}`);
  for (const lang of ['en', 'ar']) {
    await check.goto(`${BASE}/console/groups/${group.id}/members/${group.members[0].id}?lang=${lang}`);
    await check.fill('#time_zone', 'Mars/Olympus');
    const [resp] = await Promise.all([check.waitForNavigation(), check.click('main form button[type=submit]')]);
    await axe('member form: errors', lang, 422, resp);
  }
  await both('invitations', `${pollPath}/invitations`);
  // The forms' error states: every error beside its field and in a summary.
  for (const lang of ['en', 'ar']) {
    await check.goto(`${BASE}/console/polls/new?lang=${lang}`);
    const [resp] = await Promise.all([check.waitForNavigation(), check.click('main form button[type=submit]')]);
    await axe('new poll form: errors', lang, 422, resp);
    // The options previewed on the clocks of the group's members.
    await check.goto(`${BASE}/console/polls/new?lang=${lang}`);
    await check.fill('#title', 'Second Open Consultations');
    await check.fill('#time_zone', 'Europe/Vienna');
    await check.check('#options-0-kind-timed');
    await check.fill('#options-0-start', '2027-07-09T13:00');
    await check.fill('#options-0-end', '2027-07-09T16:00');
    await check.selectOption('#preview_group', group.id);
    const [previewed] = await Promise.all([check.waitForNavigation(), check.click('button[name=preview]')]);
    await axe('new poll form: preview', lang, 200, previewed);
    await check.goto(`${BASE}/console/groups?lang=${lang}`);
    await check.fill('#name', 'MAG 2028');
    await check.fill('#members', 'Anna <anna@example>, America/New_York\nBruna, Mars/Olympus');
    const [refused] = await Promise.all([check.waitForNavigation(), check.click('main form button[type=submit]')]);
    await axe('groups: errors', lang, 422, refused);
  }
  // For the README: the poll's page at 1280 px, in English and in Arabic.
  for (const lang of ['en', 'ar']) {
    await check.setViewportSize({ width: 1280, height: 900 });
    await check.goto(`${BASE}${pollPath}?lang=${lang}`);
    await check.screenshot({ path: path.join(OUT, `console-poll-${lang}-1280.png`) });
    const heat = check.locator('#heat-heading');
    await heat.scrollIntoViewIfNeeded();
    await check.screenshot({ path: path.join(OUT, `console-heat-${lang}-1280.png`), clip: await heat.evaluate((h) => {
      const s = h.closest('section').getBoundingClientRect();
      return { x: 0, y: s.top + window.scrollY, width: 1280, height: Math.min(s.height, 700) };
    }) , fullPage: true });
  }
  // Editing the poll and the invitations' actions.
  await both('edit form', `${pollPath}/edit`);
  await both('proxy answer form', `${pollPath}/invitations/${invited.invitations[30].id}/response`);
  await both('remind preview', `${pollPath}/reminders?required_only=false`);
  for (const lang of ['en', 'ar']) {
    // A local time Vienna skips: 422, beside the field and in the summary.
    await check.goto(`${BASE}${pollPath}/edit?lang=${lang}`);
    await check.fill('#options-3-start', '2027-03-28T02:30');
    let [resp] = await Promise.all([check.waitForNavigation(), check.click('#edit-form button[type=submit]')]);
    await axe('edit form: errors', lang, 422, resp);
    // A stale edit form: 409.
    await check.goto(`${BASE}${pollPath}/edit?lang=${lang}`);
    await api('POST', `/api/v1/polls/${poll.id}/close`, {});
    await api('POST', `/api/v1/polls/${poll.id}/reopen`, {});
    [resp] = await Promise.all([check.waitForNavigation(), check.click('#edit-form button[type=submit]')]);
    await axe('edit form: conflict', lang, 409, resp);
    // A member's new link, shown once.
    await check.goto(`${BASE}${pollPath}/invitations?lang=${lang}`);
    [resp] = await Promise.all([check.waitForNavigation(), check.click('form[action$="/reissue"] button')]);
    await axe('link reissued', lang, 200, resp);
  }
  // A stale form: the page's version made old by a change through the API.
  for (const lang of ['en', 'ar']) {
    await check.goto(`${BASE}${pollPath}?lang=${lang}`);
    await api('POST', `/api/v1/polls/${poll.id}/close`, {});
    await api('POST', `/api/v1/polls/${poll.id}/reopen`, {});
    const [resp] = await Promise.all([check.waitForNavigation(), check.click(`form[action$="/close"] button`)]);
    await axe('stale form: conflict', lang, 409, resp);
  }
  if ((await api('GET', `/api/v1/polls/${poll.id}`)).status !== 'open') fail('the stale form changed the poll');

  // Confirm by keyboard: the preview (the option chosen with the arrow
  // keys), then the form that confirms.
  await me.goto(`${BASE}${pollPath}?lang=en`);
  const timed = me.locator(`#confirm-${poll.options[3].id}`);
  await me.locator('input[name=option_id]').first().focus();
  for (let i = 0; i < 4 && !(await timed.isChecked()); i++) await me.keyboard.press('ArrowDown');
  if (!(await timed.isChecked())) fail('arrow keys did not reach the timed option');
  await me.keyboard.press('Tab');
  await Promise.all([me.waitForURL(/\/confirm\?/), me.keyboard.press('Enter')]);
  const preview = await me.textContent('main');
  for (const piece of ['20:00–23:00 UTC+09:00', '07:00–10:00 UTC-04:00', 'Confirm and mail 36 invited members']) {
    if (!preview.includes(piece)) fail(`the preview lacks "${piece}"`);
  }
  await me.screenshot({ path: path.join(OUT, 'console-confirm-preview-320.png'), fullPage: true });
  await me.locator('main button.primary').focus();
  await Promise.all([me.waitForURL(/done=confirm/), me.keyboard.press('Enter')]);
  const after = await api('GET', `/api/v1/polls/${poll.id}`);
  if (after.status !== 'confirmed' || after.confirmed_option_id !== poll.options[3].id) fail(`the API has ${after.status}`);
  console.log('confirmed by keyboard through the preview, JavaScript off: the API shows it confirmed');
  await both('poll confirmed', pollPath);
  await me.screenshot({ path: path.join(OUT, 'console-confirmed-320.png'), fullPage: true });
} finally {
  await browser.close();
}

console.table(results);
await writeFile(path.join(OUT, 'axe-console-results.json'), JSON.stringify(results, null, 2));
const bad = results.filter((r) => r.violations > 0 || r.sideways_scroll);
if (bad.length) {
  console.error(`FAIL: ${bad.length} console page states with axe violations or sideways scrolling`);
  process.exit(1);
}
console.log(`OK: ${results.length} console page states (${TAGS.join(', ')}; English and Arabic; 320 and 1280 px), 0 axe violations, none scrolls sideways`);
