# Convene member pages: English, the catalogue every other language follows.
# Every message here must exist in ar, es, fr, ru and zh (a test checks).
# Messages named format-* are chrono strftime patterns: %A weekday, %-d day,
# %B month, %Y year, %H:%M time; the names come out in the page's language.

## Dates and times
format-day = %A %-d %B %Y
format-time = %H:%M
# A timed option on one day: "Friday 10 July 2026, 13:00–16:00"
when-timed = { $day }, { $start }–{ $end }
# A timed option over midnight: "Friday 10 July 2026 23:00 – Saturday 11 July 2026 02:00"
when-timed-span = { $start_day } { $start } – { $end_day } { $end }
# An all-day option over several days
when-all-day-range = { $start } – { $end }
# The offset from UTC of a time shown: "UTC+02:00"
utc-offset = UTC{ $offset }

## Page frame
site-name = Convene
footer = Convene: scheduling polls across time zones.
language-label = Language
zone-legend = Time zone
zone-label = Show the times in
zone-submit = Show
zone-current = Times are shown in { $zone }.
zone-error = “{ $zone }” is not a time zone. Choose one from the list.
location-label = Where
deadline = Voting closes on { $when }.

## Who is answering
greeting-invited = Hello { $name }, which of these dates suit you?
greeting-open = Which of these dates suit you? Anyone with this page can answer.
greeting-respondent = Hello { $name }, this is your answer. You can change it until voting closes.
no-answer-yet = You have not answered yet.

## States of the poll
status-closed = Voting is closed. Answers can no longer be changed.
status-cancelled = This poll was cancelled. No date will be chosen.
status-confirmed = The date is confirmed.
saved = Thank you. Your answer is saved; you can change it until voting closes.
private-link-intro = Keep this private link to see or change your answer later. Anyone who has it can change your answer, so do not share it.
private-link-label = Your private link

## The form
options-heading = The dates
choice-yes = Yes
choice-if-need-be = If need be
choice-no = No
outside-social-hours = Outside your usual hours ({ $start }–{ $end } where you are)
name-label = Your name
comment-label = Comment (optional)
comment-hint = At most { $max } characters.
submit-first = Send my answer
submit-change = Save my changes

## Results
results-heading = Answers so far
results-final-heading = Answers
results-yes = Yes
results-if-need-be = If need be
results-no = No
results-no-answer = No answer
results-leading = Leading
results-respondents = { $count ->
    [one] One answer so far.
   *[other] { $count } answers so far.
}
results-after-voting = The answers of others are shown once you have answered.
results-organisers-only = Only the organiser sees the answers to this poll.
results-counts-only = This poll shows counts only: names and individual answers are never shown.

## Once confirmed
confirmed-heading = The chosen date
add-to-calendar = Add it to my calendar (.ics file)
subscribe-feed = Subscribe to my calendar of these meetings

## Errors
error-summary-heading = Your answer was not saved
error-summary = Please correct what is marked below, then send it again.
error-unknown-option = This form lists a date the poll no longer has. Reload the page and answer again.
error-choice = Choose yes, if need be or no.
error-if-need-be = This poll does not offer “if need be”.
error-comment-long = The comment is too long: at most { $max } characters.
error-comment-invalid = The comment contains characters that cannot be saved.
error-name-required = Enter your name.
error-name-invalid = Enter a name of at most { $max } characters, on one line.
error-closed = Voting is closed, so your answer was not saved.
error-too-many = Too many answers have come from your network just now. Please try again in a minute.
not-found-heading = This link does not work
not-found-text = It may have been replaced by a newer one, or the poll was deleted. Ask the organiser for your current link.
invite-only-text = This poll is by invitation only: use the personal link you were sent.

## Mails
mail-invitation-subject = Which dates suit you? { $title }
mail-vote-link = Answer on your personal page (the link is yours alone: do not forward it):
mail-vote-button = Answer on my page
mail-footer = Sent automatically by Convene for the organiser of this poll. Your answers can be changed until voting closes.
mail-reminder-subject = Reminder: which dates suit you? { $title }
mail-reminder-intro = You have not answered yet.
mail-greeting = Hello { $name },
mail-outcome-subject = Confirmed: { $title }
mail-cancel-subject = Cancelled: { $title }
mail-calendar-hint = Your mail program can add this to your calendar (the invitation is attached as invite.ics); your page has it too:
mail-footer-outcome = Sent automatically by Convene for the organiser of this poll.

## Hybrid meetings, days and seats
mail-seat-subject = A seat for you: { $title }
mail-seat-given = An in-person seat was freed and is now yours:
mail-attendance = You said you will attend: { $mode }
attendance-legend = How will you attend?
attendance-in-person = In person
attendance-online = Online
per-day-hint = Answer for each day.
seat-taken = You have an in-person seat.
seat-waiting = You are on the waiting list for an in-person seat.
seats-summary = { $taken } of { $capacity } in-person seats taken, { $waiting } waiting
results-in-person = In person
results-online = Online
error-attendance = Say how you will attend: in person or online.
error-days = Answer every day of this option.

## Console: signing in
console-name = Convene console
console-sign-in-heading = Sign in
console-sign-in-intro = Enter the address you use in your workspace. We will email you a link that signs you in.
console-email-label = Email address
console-send-link = Email me a sign-in link
console-error-email = Enter an email address, like name@example.org.
console-errors-heading = There is a problem
console-sent-heading = Check your mail
console-sent-text = If { $email } belongs to a person of a workspace, a sign-in link is on its way. It works once, within 15 minutes.
console-confirm-heading = Sign in
console-confirm-text = This link signs you in to the console once, on this device.
console-confirm-button = Sign in
console-link-refused-heading = This link does not sign you in
console-link-used = This sign-in link has been used already. Ask for a new one.
console-link-expired = This sign-in link has expired: links work for 15 minutes. Ask for a new one.
console-link-unknown = This sign-in link is not valid. Ask for a new one.
console-new-link = Ask for a new link
console-forged-heading = Request refused
console-forged-text = This form did not come from this site's own page, or the page is too old. Nothing was changed. Open the page again and retry.
console-too-many-heading = Too many requests
console-too-many-text = Too many sign-in links were asked for. Try again in { $minutes } minutes.
console-signed-in-as = Signed in as { $name } in { $workspace } ({ $role })
console-sign-out = Sign out
console-signed-out = You are signed out.
console-role-owner = owner
console-role-editor = editor
console-role-viewer = viewer
console-home-heading = Console
console-polls-heading = Polls
console-no-polls = No polls yet.
console-poll-title = Poll
console-poll-status = Status
console-poll-responses = Answers
console-status-open = open
console-status-closed = closed
console-status-confirmed = confirmed
console-status-cancelled = cancelled
console-api-hint = Until every part of the console is here, the API does the rest:
mail-sign-in-subject = Your link to sign in to Convene
mail-sign-in-text = Someone (you, we hope) asked to sign in to the Convene console with this address. Open this link to sign in:
mail-sign-in-button = Sign in to Convene
mail-sign-in-expiry = The link works once, within 15 minutes.
mail-sign-in-ignore = If you did not ask for it, ignore this mail: nobody can sign in without the link.
console-new-poll = New poll
console-new-poll-heading = A new poll
console-not-allowed-heading = Not allowed
console-not-allowed-text = Your role in this workspace is { $role }: this needs an editor or an owner. Nothing was changed.
console-field-title = Title
console-field-description = Description (optional)
console-field-location = Place (optional)
console-field-time-zone = The poll's time zone
console-hint-time-zone = An IANA zone such as Europe/Vienna or Asia/Tokyo: timed options are entered in it.
console-field-deadline = Deadline (optional)
console-hint-deadline = In the poll's time zone. Voting stops by itself then.
console-field-voting = Who may answer
console-voting-open = Anyone with the poll's link, by name
console-voting-invite-only = Only invited members, with their own link
console-field-results-visibility = Who sees the results
console-visibility-everyone = Everyone who may answer
console-visibility-after-voting = Those who have answered
console-visibility-organisers = The workspace only
console-field-allow-if-need-be = Offer "if need be" besides yes and no
console-field-show-voter-names = Show respondents' names next to their answers
console-field-aggregate-only = Publish counts only, never names or answers
console-field-reminders = Automatic reminders (optional)
console-hint-reminders = Before the deadline, to those who have not answered: ISO 8601 durations separated by commas, such as P3D, PT24H.
console-options-heading = Options
console-options-hint = A range of whole days (from the first to the last day), or a timed slot in the poll's time zone. Leave a row empty to skip it.
console-option-legend = Option { $n }
console-kind-all-day = Whole days
console-kind-timed = Timed
console-field-start-date = First day
console-field-end-date = Last day
console-field-start = Starts
console-field-end = Ends
console-create-poll = Create the poll
console-more-rows = More option rows
console-sections = Sections
console-groups-heading = Groups
console-no-groups = No groups yet.
console-group-name = Group name
console-group-members = Members
console-new-group = A new group
console-group-paste = Members, one a line
console-group-paste-hint = Name <email>, Zone, language, such as: Yoichi <yoichi@example.org>, Asia/Tokyo, ja. The address and the language may be left out. CSV with a header row (name, email, time_zone, language) is read too.
console-lines-wrong = Lines to change: { $count }. Nothing was saved.
console-create-group = Create the group
console-group-count = Members: { $count }
console-member-name = Name
console-member-zone = Time zone
console-member-language = Language
console-member-actions = Actions
console-remove-member = Remove { $name }
console-add-members = Add members
console-add-members-button = Add them
console-not-found-heading = Not found
console-not-found-text = There is nothing here in your workspace.
console-invitations-heading = Invitations
console-no-invitations = Nobody is invited yet.
console-invited-count = Invited: { $count }
console-answered = Answered
console-required = Required
console-mail-state = Mail
console-yes = yes
console-no = no
console-invite-group = Invite a group
console-invite-required = Their answers are required
console-invite-send-email = Mail them their invitation
console-preview = Preview
console-preview-heading = Before inviting
console-preview-summary = Mails: { $mailed } of { $count } members.
console-preview-mail = Mail
console-preview-mailed-in = mailed, in { $language }
console-preview-no-address = not mailed: no address
console-preview-not-configured = not mailed: this service has no mail server
console-preview-already-invited = already invited
console-preview-no-mail-asked = not mailed: no mail asked for
console-invite-now = Invite them
console-conflict-heading = Not possible now

## The console's polls and a poll's page
console-filter-status = Show polls
console-filter-all = all
console-filter-button = Show
console-no-polls-filtered = No polls with this status.
console-more-polls = Older polls
console-none = none
console-poll-deadline = Deadline
console-poll-rate = Response rate
console-poll-next-reminder = Next reminder
console-poll-zone = Time zone
console-poll-location = Place
console-poll-voting = Who votes
console-rate = { $answered } of { $invited } answered ({ $percent } %)
console-answers = { $count ->
    [one] one answer
   *[other] { $count } answers
}
console-back-to-polls = All polls
console-back-to-poll = Back to the poll
console-confirmed-option = Confirmed option
console-actions-heading = Close, reopen, confirm or cancel
console-confirm-choose = The option to confirm
console-confirm-preview = Preview the confirmation
console-close = Close voting
console-reopen = Reopen voting
console-cancel = Cancel the poll
console-option = Option
console-results-heading = Results
console-ranking-rule = Options every required member can make come first, then the most available (yes and if need be), then the most yes, then the earliest start, then the order they were listed in.
console-top-tied = The leading options are tied: choose one to confirm.
console-tied = tied
console-counts-yes = Yes:
console-counts-if-need-be = If need be:
console-counts-no = No:
console-counts-no-answer = No answer:
console-counts-required = Required members available:
console-counts-outside = Outside their social hours:
console-quorum-met = quorum met
console-quorum-not-met = quorum not met
console-why-ahead = Ahead of the next option: { $why }.
console-why-behind = Behind the option above: { $why }.
console-why-only = The only option.
console-why-per-day = Answered day by day: counts those available on every day.
console-why-required = every required member can make it
console-why-available = more members available ({ $mine } against { $theirs })
console-why-yes = as many available, more yes ({ $mine } against { $theirs })
console-why-earlier = the same counts, and it starts earlier
console-why-listed = the same counts and start, and it is listed first
console-heat-heading = Availability across time zones
console-heat-hint = Each row is a time zone with its number of members; each column an option, with the share of the zone's members who can make it and its start on their clock. “(+1)”: the next day compared with the poll’s time zone; “(-1)”: the day before.
console-zone = Time zone
console-member = Member
console-members = Members
console-grid-heading = Members and their answers
console-grid-silent-heading = Members who have not answered
console-grid-legend = ✓ yes, (✓) if need be, ✗ no, – no answer. Columns are the options by number.
console-grid-everyone = Show every member
console-grid-silent-link = Show every member who has not answered
console-page-of = Page { $page } of { $pages }
console-pages = Pages
console-previous-page = Previous page
console-next-page = Next page
console-choice-yes = yes
console-choice-if-need-be = if need be
console-choice-no = no
console-choice-none = no answer
console-outcome-mail = Calendar invitation
console-silent-heading = Not answered yet
console-silent-count = { $count ->
    [one] One invited member has not answered.
   *[other] { $count } invited members have not answered.
}
console-mail-queued = mail waiting to be sent
console-mail-sent = mail sent
console-mail-failed = mail failed: { $error }
console-mail-dropped = mail not sent
console-mail-no-address = no email address
console-mail-none = not mailed yet
console-done-close = Voting is closed.
console-done-reopen = Voting is open again.
console-done-confirm = The option is confirmed; the calendar invitations are on their way.
console-done-cancel = The poll is cancelled.
console-preview-option = The option, in the poll's time zone:
console-preview-zones = Its time on each clock
console-preview-invitees = Each invited member
console-preview-mailed = { $count } of { $invited } invited members get the event by mail, as a calendar invitation.
console-preview-no-mail = This service sends no mail (none is set up): nobody will be mailed.
console-confirm-and-mail = Confirm and mail { $count } invited members
console-confirm-button-plain = Confirm the option
console-mailed-yes = will be mailed
console-mailed-not-configured = no mail is sent
console-local-time = Local date and time
console-error-option = Choose one of the poll's options to confirm. Nothing was changed.
console-conflict-stale = Someone changed this poll after you opened the page. Nothing was changed: look at the poll as it is now and try again.
console-conflict-move = The poll is { $status } now, so it cannot make this move. Nothing was changed.
console-required-mark = (required)
console-confirm-preview-heading = Confirm the option
console-confirm-mail-column = Calendar invitation by mail
console-conflict-changed-heading = The poll has changed

# console: edit and invitation actions
console-edit-poll-heading = Edit the poll
console-save-poll = Save the changes
console-option-remove = Remove this option
console-new-option-legend = New option { $n }
console-edit-options-hint = Change an option's days or times, tick "Remove this option" to remove it, or fill in an empty row to add one. Timed slots are in the poll's time zone.
console-edit-zone-hint = If you change it, the options and the deadline you leave as they are keep their moment; what you type anew is read in the new zone.
console-edit-conflict = Someone changed this poll after you opened the form. Nothing was saved: open the form again to see the poll as it is now, then make your changes.
console-edit-reload = Open the form again
console-done-edit = The changes are saved.
console-back-to-invitations = Back to the invitations
console-reissue = New link for { $name }
console-reissued-heading = A new link for { $name }
console-reissued-text = The old link no longer works; their answer stays. Send them this new link yourself: it is shown only here.
console-reissued-link = Their new personal link
console-proxy-link = Record an answer for { $name }
console-proxy-heading = Record an answer for { $name }
console-proxy-intro = For a member who answered by phone or email. The answer shows as recorded by you; if they answer themselves later, theirs replaces it.
console-proxy-choose = Choose an answer for this option.
console-proxy-record = Record the answer
console-proxy-closed = Voting is closed on this poll, so no answer can be recorded. Nothing was changed.
console-done-proxy = The answer is recorded.
console-remind-heading = Remind now
console-remind-whom = Whom to remind
console-remind-everyone = Everyone who has not answered
console-remind-required-only = Only the required members who have not answered
console-remind-preview = Preview the reminders
console-remind-preview-heading = Before reminding
console-remind-summary = Reminders: { $mailed } of { $count } members who have not answered.
console-remind-send = Send the reminders ({ $count })
console-remind-who = Who gets a reminder
console-remind-sample = The reminder in { $language }, as { $name } gets it
console-remind-already-queued = not mailed: a reminder is already waiting to be sent
console-remind-closed = Voting is closed on this poll, so nobody is reminded. Nothing was sent.
console-done-remind = Reminders queued: { $count }.

## Free/busy: the member's calendar
calendar-heading = Your calendar
calendar-intro = Connect your calendar to see which dates it shows you busy. Only busy times are kept, never what the events are; the marks decide nothing, you still answer.
calendar-url-label = Your calendar's ICS address (https:// or webcal://)
calendar-file-label = Or upload a calendar file (.ics)
calendar-connect = Connect calendar
calendar-disconnect = Disconnect and delete
calendar-from-address = Busy times from { $host }, read { $when }.
calendar-from-file = Busy times from an uploaded file, read { $when }.
calendar-read-failed = The last reading of your calendar failed: { $reason }
calendar-refused = This calendar could not be used: { $reason }
calendar-nothing-given = Give your calendar's address or choose a file.
calendar-busy = Your calendar shows you busy.
## Single sign-on (OpenID Connect)
console-oidc-sign-in = Sign in with your organisation
console-oidc-refused-heading = You were not signed in
console-oidc-start-again = Back to the sign-in page
console-oidc-refused-unknown-state = This sign-in was not started here, or it was started too long ago. Start again from the sign-in page.
console-oidc-refused-replayed-state = This sign-in has already been completed once; a sign-in can be used only once. Start again from the sign-in page.
console-oidc-refused-expired-state = This sign-in took more than 10 minutes, so it has expired. Start again from the sign-in page.
console-oidc-refused-other-browser = This sign-in was started in another browser (or its cookie was blocked). Start again in this browser.
console-oidc-refused-provider-denied = Your organisation’s sign-in service did not sign you in (it was cancelled or refused there).
console-oidc-refused-wrong-issuer = The answer did not come from your organisation’s sign-in service, so it was not accepted.
console-oidc-refused-code-refused = Your organisation’s sign-in service did not accept this sign-in (it may have been used already). Start again from the sign-in page.
console-oidc-refused-no-id-token = Your organisation’s sign-in service did not say who you are, so you were not signed in.
console-oidc-refused-wrong-audience = The identity token was issued for another application, so it was not accepted.
console-oidc-refused-wrong-nonce = The identity token does not belong to this sign-in, so it was not accepted.
console-oidc-refused-expired-token = The identity token has expired, so it was not accepted. Start again from the sign-in page.
console-oidc-refused-bad-signature = The identity token’s signature could not be verified, so it was not accepted.
console-oidc-refused-invalid-token = The identity token is not valid, so it was not accepted.
console-oidc-refused-no-email = Your organisation’s sign-in service gave no email address, so you were not signed in.
console-oidc-refused-email-not-verified = Your organisation’s sign-in service has not verified your email address, so it cannot sign you in here.
console-oidc-refused-not-allowed = No workspace here has your email address, and addresses of your domain cannot create one. Ask an owner of your workspace to add you.
console-oidc-refused-provider-unavailable = Your organisation’s sign-in service cannot be reached right now. Try again in a few minutes.
console-oidc-refused-internal = Something went wrong on our side; nothing was changed. Try again in a few minutes.
console-oidc-too-many = Too many sign-ins were started from this address. Try again in { $minutes } minutes.
