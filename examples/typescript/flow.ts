// The reference poll, end to end, through openapi-fetch and the types that
// openapi-typescript generates from openapi/openapi.json (../run.sh does
// that, type-checks this file strictly and runs it on Node 20).
//
//   CONVENE_URL=http://127.0.0.1:8080 CONVENE_TOKEN=cvn_org_... node generated/out/flow.js
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/api.js";

type Choice = components["schemas"]["Choice"];

const baseUrl = env("CONVENE_URL");
// Organiser calls carry the organiser's token; each member votes with their
// own invitation token (the InvitationToken scheme).
const as = (token: string) => createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
const organiser = as(env("CONVENE_TOKEN"));

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

// 1. The organiser keeps the roster: members from São Paulo to Tokyo.
const group = ok(
  await organiser.POST("/api/v1/groups", {
    body: {
      name: "MAG 2026",
      members: [
        { name: "Bruna", email: "bruna@example.org", time_zone: "America/Sao_Paulo" },
        { name: "Yoichi", email: "yoichi@example.org", time_zone: "Asia/Tokyo" },
      ],
    },
  }),
  "createGroup",
);
console.log(`group ${group.name}: ${group.members.map((m) => `${m.name} (${m.time_zone})`).join(", ")}`);

// 2. The organiser creates the reference poll, for invited members only.
const poll = ok(
  await organiser.POST("/api/v1/polls", {
    body: {
      title: "Second Open Consultations and MAG Meeting",
      time_zone: "Europe/Vienna",
      voting: "invite_only",
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

// 3. The group is invited; each member gets a personal token (shown once).
const invited = ok(
  await organiser.POST("/api/v1/polls/{poll_id}/invitations", {
    params: { path: { poll_id: poll.id } },
    body: { group_id: group.id },
  }),
  "createInvitations",
);
const tokens = new Map(invited.invitations.map((i) => [i.name, i.token]));
expect([...tokens.keys()].sort(), ["Bruna", "Yoichi"], "invited members");
const token = (name: string): string => tokens.get(name) ?? fail(`no invitation for ${name}`);
for (const name of tokens.keys()) {
  if (!token(name).startsWith("cvn_inv_")) fail(`${name}'s invitation token does not look like cvn_inv_…`);
}

// 4. Yoichi reads the poll in Tokyo time without asking for it.
const seen = ok(
  await as(token("Yoichi")).GET("/api/v1/polls/{poll_id}", { params: { path: { poll_id: poll.id } } }),
  "getPoll as Yoichi",
);
expect(seen.viewer_time_zone, "Asia/Tokyo", "Yoichi's viewing zone");
const slot = seen.options.find((o) => o.id === afternoon.id);
expect(slot?.start_viewer, "2026-07-12T20:00:00+09:00", "the afternoon slot in Tokyo");
console.log(`Yoichi sees option 3 start at ${slot?.start_viewer}`);

// 5. Both vote with their own token, no name needed. Yoichi leaves the
//    afternoon slot unanswered.
const ballots: [string, [string, Choice][]][] = [
  ["Bruna", [[early.id, "yes"], [late.id, "if_need_be"], [afternoon.id, "no"]]],
  ["Yoichi", [[early.id, "no"], [late.id, "yes"]]],
];
for (const [name, votes] of ballots) {
  const created = ok(
    await as(token(name)).POST("/api/v1/polls/{poll_id}/responses", {
      params: { path: { poll_id: poll.id } },
      body: { votes: votes.map(([option_id, choice]) => ({ option_id, choice })) },
    }),
    `submitResponse as ${name}`,
  );
  expect(created.name, name, "response name (from the roster)");
  expect(created.invited, true, `${name}'s answer is an invited one`);
  expect(created.votes.length, votes.length, `${name}'s recorded votes`);
  console.log(`${name} voted: ${votes.map(([, c]) => c).join(", ")}`);
}

// 6. Results: ranked by availability (yes + if need be), then yes count.
const results = ok(
  await organiser.GET("/api/v1/polls/{poll_id}/results", { params: { path: { poll_id: poll.id } } }),
  "getResults",
);
expect(results.responses, 2, "responses counted");
expect([results.invited, results.invited_answered, results.response_rate], [2, 2, 1], "response rate");
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
// 13:00–16:00 in Vienna is 20:00–23:00 in Tokyo: past Yoichi's 22:00; 08:00–11:00 for Bruna.
const outside = results.options.find((r) => r.option_id === afternoon.id)?.outside_social_hours ?? [];
expect(outside.map((m) => [m.name, m.local_start]), [["Yoichi", "2026-07-12T20:00:00+09:00"]], "outside social hours");
console.log(`  option 3 is outside social hours for: ${outside.map((m) => m.name).join(", ")}`);

// 7. Confirm without naming an option: the unambiguous leader wins.
const confirmed = ok(
  await organiser.POST("/api/v1/polls/{poll_id}/confirm", { params: { path: { poll_id: poll.id } }, body: {} }),
  "confirmPoll",
);
expect(confirmed.status, "confirmed", "status after confirm");
expect(confirmed.confirmed_option_id, late.id, "confirmed option");
console.log(`confirmed: ${late.label}`);

// 8. The event as ICS: an all-day VEVENT from 10 July up to (not incl.) 13 July,
//    with each member as attendee and their answer as PARTSTAT.
const ics = ok(
  await organiser.GET("/api/v1/polls/{poll_id}/event.ics", {
    params: { path: { poll_id: poll.id } },
    parseAs: "text",
  }),
  "getEventIcs",
);
const lines = ics.replace(/\r\n /g, "").split(/\r?\n/); // unfold RFC 5545 lines
for (const line of ["BEGIN:VEVENT", "STATUS:CONFIRMED", "DTSTART;VALUE=DATE:20260710", "DTEND;VALUE=DATE:20260713"]) {
  if (!lines.includes(line)) fail(`event.ics lacks ${line}:\n${ics}`);
}
const attendees = lines.filter((l) => l.startsWith("ATTENDEE")).sort();
expect(
  attendees.map((a) => [a.includes("PARTSTAT=TENTATIVE") && a.includes("mailto:bruna@"), a.includes("PARTSTAT=ACCEPTED") && a.includes("mailto:yoichi@")]),
  [[true, false], [false, true]],
  "attendees (Bruna if need be, Yoichi yes)",
);
console.log(`event.ics: ${lines.length} lines, VEVENT confirmed for 2026-07-10..12, ${attendees.length} attendees`);
console.log("typescript flow: ok");
