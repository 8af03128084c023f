// The reference poll, end to end, through openapi-fetch and the types that
// openapi-typescript generates from openapi/openapi.json (../run.sh does
// that, type-checks this file strictly and runs it on Node 20).
//
//   CONVENE_URL=http://127.0.0.1:8080 CONVENE_TOKEN=cvn_org_... node generated/out/flow.js
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/api.js";

type Choice = components["schemas"]["Choice"];

const baseUrl = env("CONVENE_URL");
// Organiser calls carry the token; voting is open to anyone with a name.
const organiser = createClient<paths>({
  baseUrl,
  headers: { Authorization: `Bearer ${env("CONVENE_TOKEN")}` },
});
const voter = createClient<paths>({ baseUrl });

function env(name: string): string {
  const value = process.env[name];
  if (!value) fail(`${name} is not set`);
  return value;
}

function fail(message: string): never {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}

function expect<T>(actual: T, wanted: T, what: string): void {
  if (JSON.stringify(actual) !== JSON.stringify(wanted)) {
    fail(`${what}: wanted ${JSON.stringify(wanted)}, got ${JSON.stringify(actual)}`);
  }
}

// openapi-fetch answers { data } on 2xx and { error } (the Problem) otherwise.
function ok<T>(call: { data?: T; error?: unknown; response: Response }, what: string): T {
  if (call.data === undefined) {
    fail(`${what}: HTTP ${call.response.status} ${JSON.stringify(call.error)}`);
  }
  return call.data;
}

// 1. The organiser creates the reference poll.
const poll = ok(
  await organiser.POST("/api/v1/polls", {
    body: {
      title: "Second Open Consultations and MAG Meeting",
      time_zone: "Europe/Vienna",
      voting: "open",
      options: [
        { kind: "all_day", start_date: "2026-07-05", end_date: "2026-07-07" },
        { kind: "all_day", start_date: "2026-07-10", end_date: "2026-07-12" },
        { kind: "timed", start: "2026-07-12T13:00", end: "2026-07-12T16:00" },
      ],
    },
  }),
  "createPoll",
);
expect(poll.status, "open", "new poll status");
const options = [...poll.options].sort((a, b) => a.number - b.number);
const [early, late, afternoon] = options;
if (!early || !late || !afternoon || options.length !== 3) fail(`poll has ${options.length} options, wanted 3`);
console.log(`created poll ${poll.id} "${poll.title}" in ${poll.time_zone}`);
for (const o of options) console.log(`  option ${o.number}: ${o.label}`);

// 2. Two members vote by name. Yoichi leaves the afternoon slot unanswered.
const ballots: [string, [string, Choice][]][] = [
  ["Bruna", [[early.id, "yes"], [late.id, "if_need_be"], [afternoon.id, "no"]]],
  ["Yoichi", [[early.id, "no"], [late.id, "yes"]]],
];
for (const [name, votes] of ballots) {
  const created = ok(
    await voter.POST("/api/v1/polls/{poll_id}/responses", {
      params: { path: { poll_id: poll.id } },
      body: { name, votes: votes.map(([option_id, choice]) => ({ option_id, choice })) },
    }),
    `submitResponse as ${name}`,
  );
  expect(created.name, name, "response name");
  expect(created.votes.length, votes.length, `${name}'s recorded votes`);
  if (typeof created.edit_token === "string" && !created.edit_token.startsWith("cvn_rsp_")) {
    fail(`${name}'s edit token does not look like cvn_rsp_…`);
  }
  console.log(`${name} voted: ${votes.map(([, c]) => c).join(", ")}`);
}

// 3. Results: ranked by availability (yes + if need be), then yes count.
const results = ok(
  await organiser.GET("/api/v1/polls/{poll_id}/results", { params: { path: { poll_id: poll.id } } }),
  "getResults",
);
expect(results.responses, 2, "responses counted");
expect(results.top_tied, false, "top_tied");
// option id -> [rank, yes, if_need_be, no, no_answer, available]
const wanted = new Map([
  [late.id, [1, 1, 1, 0, 0, 2]],
  [early.id, [2, 1, 0, 1, 0, 1]],
  [afternoon.id, [3, 0, 0, 1, 1, 0]],
]);
expect(results.options.map((r) => r.option_id), [late.id, early.id, afternoon.id], "rank order");
console.log(`results (${results.responses} responses):`);
for (const r of results.options) {
  expect([r.rank, r.yes, r.if_need_be, r.no, r.no_answer, r.available], wanted.get(r.option_id), `counts of "${r.label}"`);
  console.log(`  #${r.rank} ${r.label}: yes ${r.yes}, if need be ${r.if_need_be}, no ${r.no}, no answer ${r.no_answer}`);
}

// 4. Confirm without naming an option: the unambiguous leader wins.
const confirmed = ok(
  await organiser.POST("/api/v1/polls/{poll_id}/confirm", { params: { path: { poll_id: poll.id } }, body: {} }),
  "confirmPoll",
);
expect(confirmed.status, "confirmed", "status after confirm");
expect(confirmed.confirmed_option_id, late.id, "confirmed option");
console.log(`confirmed: ${late.label}`);

// 5. The event as ICS: an all-day VEVENT from 10 July up to (not incl.) 13 July.
const ics = ok(
  await organiser.GET("/api/v1/polls/{poll_id}/event.ics", {
    params: { path: { poll_id: poll.id } },
    parseAs: "text",
  }),
  "getEventIcs",
);
for (const line of ["BEGIN:VEVENT", "STATUS:CONFIRMED", "DTSTART;VALUE=DATE:20260710", "DTEND;VALUE=DATE:20260713"]) {
  if (!ics.split(/\r?\n/).includes(line)) fail(`event.ics lacks ${line}:\n${ics}`);
}
console.log(`event.ics: ${ics.trim().split(/\r?\n/).length} lines, VEVENT confirmed for 2026-07-10..12`);
console.log("typescript flow: ok");
