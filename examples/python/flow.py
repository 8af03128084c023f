"""The reference poll, end to end, through the client that openapi-python-client
generates from openapi/openapi.json (../run.sh generates it into generated/).

    CONVENE_URL=http://127.0.0.1:8080 CONVENE_TOKEN=cvn_org_... \
        PYTHONPATH=generated python flow.py
"""

import datetime as dt
import os
import sys

from convene_client import AuthenticatedClient, Client
from convene_client.api.calendar import get_event_ics
from convene_client.api.polls import confirm_poll, create_poll
from convene_client.api.responses import submit_response
from convene_client.api.results import get_results
from convene_client.models import (
    Choice,
    ConfirmRequest,
    CreatedResponse,
    CreatePollRequest,
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
# Organiser calls carry the token; voting is open to anyone with a name.
organiser = AuthenticatedClient(base_url=base_url, token=os.environ["CONVENE_TOKEN"])
voter = Client(base_url=base_url)

# 1. The organiser creates the reference poll.
request = CreatePollRequest(
    title="Second Open Consultations and MAG Meeting",
    time_zone="Europe/Vienna",
    voting=VotingMode.OPEN,
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

# 2. Two members vote by name. Yoichi leaves the afternoon slot unanswered.
ballots = {
    "Bruna": {early.id: Choice.YES, late.id: Choice.IF_NEED_BE, afternoon.id: Choice.NO},
    "Yoichi": {early.id: Choice.NO, late.id: Choice.YES},
}
for name, choices in ballots.items():
    body = ResponseInput(name=name, votes=[Vote(option_id=i, choice=c) for i, c in choices.items()])
    created = ok(submit_response.sync_detailed(poll.id, client=voter, body=body), CreatedResponse, f"submitResponse as {name}")
    expect(created.name, name, "response name")
    expect(len(created.votes), len(choices), f"{name}'s recorded votes")
    if isinstance(created.edit_token, str) and not created.edit_token.startswith("cvn_rsp_"):
        fail(f"{name}'s edit token does not look like cvn_rsp_…")
    print(f"{name} voted: {', '.join(c.value for c in choices.values())}")

# 3. Results: ranked by availability (yes + if need be), then yes count.
results = ok(get_results.sync_detailed(poll.id, client=organiser), PollResults, "getResults")
expect(results.responses, 2, "responses counted")
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

# 4. Confirm without naming an option: the unambiguous leader wins.
confirmed = ok(confirm_poll.sync_detailed(poll.id, client=organiser, body=ConfirmRequest()), PollView, "confirmPoll")
expect(confirmed.status, PollStatus.CONFIRMED, "status after confirm")
expect(confirmed.confirmed_option_id, late.id, "confirmed option")
print(f"confirmed: {late.label}")

# 5. The event as ICS: an all-day VEVENT from 10 July up to (not incl.) 13 July.
ics = ok(get_event_ics.sync_detailed(poll.id, client=organiser), str, "getEventIcs")
lines = ics.splitlines()
for line in ("BEGIN:VEVENT", "STATUS:CONFIRMED", "DTSTART;VALUE=DATE:20260710", "DTEND;VALUE=DATE:20260713"):
    if line not in lines:
        fail(f"event.ics lacks {line}:\n{ics}")
print(f"event.ics: {len(lines)} lines, VEVENT confirmed for 2026-07-10..12")
print("python flow: ok")
