"""The reference poll, end to end, through the client that openapi-python-client
generates from openapi/openapi.json (../run.sh generates it into generated/).

    CONVENE_URL=http://127.0.0.1:8080 CONVENE_TOKEN=cvn_org_... \
        PYTHONPATH=generated python flow.py
"""

import datetime as dt
import os
import sys

from convene_client import AuthenticatedClient
from convene_client.api.calendar import get_event_ics
from convene_client.api.groups import create_group
from convene_client.api.invitations import create_invitations
from convene_client.api.polls import confirm_poll, create_poll, get_poll
from convene_client.api.responses import submit_response
from convene_client.api.results import get_results
from convene_client.models import (
    Choice,
    ConfirmRequest,
    CreatedInvitations,
    CreatedResponse,
    CreateGroupRequest,
    CreateInvitationsRequest,
    CreatePollRequest,
    GroupView,
    MemberInput,
    OptionInput,
    OptionKind,
    PollResults,
    PollStatus,
    PollView,
    ResponseInput,
    Vote,
    VotingMode,
)


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def expect(actual, wanted, what):
    if actual != wanted:
        fail(f"{what}: wanted {wanted!r}, got {actual!r}")


def ok(response, kind, what):
    """The parsed body of a 2xx answer, or fail with the problem report."""
    if response.status_code // 100 != 2 or not isinstance(response.parsed, kind):
        fail(f"{what}: HTTP {response.status_code} {response.content.decode()[:500]}")
    return response.parsed


base_url = os.environ["CONVENE_URL"]
# Organiser calls carry the organiser's token; each member votes with their own
# invitation token (the InvitationToken scheme).
organiser = AuthenticatedClient(base_url=base_url, token=os.environ["CONVENE_TOKEN"])

# 1. The organiser keeps the roster: members from São Paulo to Tokyo.
group = ok(
    create_group.sync_detailed(
        client=organiser,
        body=CreateGroupRequest(
            name="MAG 2026",
            members=[
                MemberInput(name="Bruna", email="bruna@example.org", time_zone="America/Sao_Paulo"),
                MemberInput(name="Yoichi", email="yoichi@example.org", time_zone="Asia/Tokyo"),
            ],
        ),
    ),
    GroupView,
    "createGroup",
)
print(f"group {group.name}: {', '.join(f'{m.name} ({m.time_zone})' for m in group.members)}")

# 2. The organiser creates the reference poll, for invited members only.
request = CreatePollRequest(
    title="Second Open Consultations and MAG Meeting",
    time_zone="Europe/Vienna",
    voting=VotingMode.INVITE_ONLY,
    options=[
        OptionInput(kind=OptionKind.ALL_DAY, start_date=dt.date(2026, 7, 5), end_date=dt.date(2026, 7, 7)),
        OptionInput(kind=OptionKind.ALL_DAY, start_date=dt.date(2026, 7, 10), end_date=dt.date(2026, 7, 12)),
        OptionInput(kind=OptionKind.TIMED, start="2026-07-12T13:00", end="2026-07-12T16:00"),
    ],
)
poll = ok(create_poll.sync_detailed(client=organiser, body=request), PollView, "createPoll")
expect(poll.status, PollStatus.OPEN, "new poll status")
options = sorted(poll.options, key=lambda o: o.number)
expect(len(options), 3, "options")
early, late, afternoon = options
print(f'created poll {poll.id} "{poll.title}" in {poll.time_zone}')
for o in options:
    print(f"  option {o.number}: {o.label}")

# 3. The group is invited; each member gets a personal token (shown once).
invited = ok(
    create_invitations.sync_detailed(poll.id, client=organiser, body=CreateInvitationsRequest(group_id=group.id)),
    CreatedInvitations,
    "createInvitations",
)
tokens = {i.name: i.token for i in invited.invitations}
expect(sorted(tokens), ["Bruna", "Yoichi"], "invited members")
for name, token in tokens.items():
    if not token.startswith("cvn_inv_"):
        fail(f"{name}'s invitation token does not look like cvn_inv_…")

# 4. Yoichi reads the poll in Tokyo time without asking for it.
yoichi = AuthenticatedClient(base_url=base_url, token=tokens["Yoichi"])
seen = ok(get_poll.sync_detailed(poll.id, client=yoichi), PollView, "getPoll as Yoichi")
expect(seen.viewer_time_zone, "Asia/Tokyo", "Yoichi's viewing zone")
slot = next(o for o in seen.options if o.id == afternoon.id)
expect(slot.start_viewer.isoformat(), "2026-07-12T20:00:00+09:00", "the afternoon slot in Tokyo")
print(f"Yoichi sees option 3 start at {slot.start_viewer.isoformat()}")

# 5. Both vote with their own token, no name needed. Yoichi leaves the
#    afternoon slot unanswered.
ballots = {
    "Bruna": {early.id: Choice.YES, late.id: Choice.IF_NEED_BE, afternoon.id: Choice.NO},
    "Yoichi": {early.id: Choice.NO, late.id: Choice.YES},
}
for name, choices in ballots.items():
    member = AuthenticatedClient(base_url=base_url, token=tokens[name])
    body = ResponseInput(votes=[Vote(option_id=i, choice=c) for i, c in choices.items()])
    created = ok(submit_response.sync_detailed(poll.id, client=member, body=body), CreatedResponse, f"submitResponse as {name}")
    expect(created.name, name, "response name (from the roster)")
    expect(created.invited, True, f"{name}'s answer is an invited one")
    expect(len(created.votes), len(choices), f"{name}'s recorded votes")
    print(f"{name} voted: {', '.join(c.value for c in choices.values())}")

# 6. Results: ranked by availability (yes + if need be), then yes count.
results = ok(get_results.sync_detailed(poll.id, client=organiser), PollResults, "getResults")
expect(results.responses, 2, "responses counted")
expect((results.invited, results.invited_answered, results.response_rate), (2, 2, 1.0), "response rate")
expect(results.top_tied, False, "top_tied")
expect([r.option_id for r in results.options], [late.id, early.id, afternoon.id], "rank order")
wanted = {  # option id -> (rank, yes, if_need_be, no, no_answer, available)
    late.id: (1, 1, 1, 0, 0, 2),
    early.id: (2, 1, 0, 1, 0, 1),
    afternoon.id: (3, 0, 0, 1, 1, 0),
}
print(f"results ({results.responses} responses):")
for r in results.options:
    expect((r.rank, r.yes, r.if_need_be, r.no, r.no_answer, r.available), wanted[r.option_id], f'counts of "{r.label}"')
    print(f"  #{r.rank} {r.label}: yes {r.yes}, if need be {r.if_need_be}, no {r.no}, no answer {r.no_answer}")
# 13:00–16:00 in Vienna is 20:00–23:00 in Tokyo: past Yoichi's 22:00; 08:00–11:00 for Bruna.
outside = next(r for r in results.options if r.option_id == afternoon.id).outside_social_hours
expect([(m.name, m.local_start.isoformat()) for m in outside], [("Yoichi", "2026-07-12T20:00:00+09:00")], "outside social hours")
print(f"  option 3 is outside social hours for: {', '.join(m.name for m in outside)}")

# 7. Confirm without naming an option: the unambiguous leader wins.
confirmed = ok(confirm_poll.sync_detailed(poll.id, client=organiser, body=ConfirmRequest()), PollView, "confirmPoll")
expect(confirmed.status, PollStatus.CONFIRMED, "status after confirm")
expect(confirmed.confirmed_option_id, late.id, "confirmed option")
print(f"confirmed: {late.label}")

# 8. The event as ICS: an all-day VEVENT from 10 July up to (not incl.) 13 July,
#    with each member as attendee and their answer as PARTSTAT.
ics = ok(get_event_ics.sync_detailed(poll.id, client=organiser), str, "getEventIcs")
lines = ics.replace("\r\n ", "").splitlines()  # unfold RFC 5545 lines
for line in ("BEGIN:VEVENT", "STATUS:CONFIRMED", "DTSTART;VALUE=DATE:20260710", "DTEND;VALUE=DATE:20260713"):
    if line not in lines:
        fail(f"event.ics lacks {line}:\n{ics}")
attendees = sorted(line for line in lines if line.startswith("ATTENDEE"))
expect(
    [("PARTSTAT=TENTATIVE" in a, "mailto:bruna@" in a, "PARTSTAT=ACCEPTED" in a, "mailto:yoichi@" in a) for a in attendees],
    [(True, True, False, False), (False, False, True, True)],
    "attendees (Bruna if need be, Yoichi yes)",
)
print(f"event.ics: {len(lines)} lines, VEVENT confirmed for 2026-07-10..12, {len(attendees)} attendees")
print("python flow: ok")
