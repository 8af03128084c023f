"""A real SMTP server for the tests (aiosmtpd): every message it accepts is
written to DIR as N.json with its envelope, headers and decoded parts, as a
mail client would read them. A recipient whose address starts with
"reject" is refused with 550, as a server refuses an unknown mailbox; a
message to one starting with "later" is deferred once (451 after DATA, as a
greylisting server does) and its Message-ID kept in DIR/deferred.txt.

    python3 tests/mail/sink.py PORT DIR
"""
import asyncio
import email
import email.policy
import json
import os
import sys

from aiosmtpd.controller import Controller

port, out = int(sys.argv[1]), sys.argv[2]
os.makedirs(out, exist_ok=True)


class Sink:
    count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject"):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    deferred = set()

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message_id = str(msg.get("Message-ID", ""))
        if any(r.startswith("later") for r in envelope.rcpt_tos) and message_id not in Sink.deferred:
            Sink.deferred.add(message_id)
            with open(os.path.join(out, "deferred.txt"), "a") as f:
                f.write(message_id + "\n")
            return "451 4.7.1 greylisted, try again later"
        parts, methods, attachments = {}, [], []
        for part in msg.walk():
            if part.get_content_maintype() == "multipart":
                continue
            if part.get_filename():
                attachments.append(part.get_filename())
            else:
                parts[part.get_content_type()] = part.get_content()
            if part.get_content_type() == "text/calendar":
                methods.append(part.get_param("method"))
        Sink.count += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "headers": {k: str(v) for k, v in msg.items()},
            "content_type": msg.get_content_type(),
            "parts": parts,
            "calendar_methods": methods,
            "attachments": attachments,
        }
        path = os.path.join(out, f"{Sink.count:05d}.json")
        with open(path + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(path + ".tmp", path)
        return "250 Message accepted"


controller = Controller(Sink(), hostname="127.0.0.1", port=port)
controller.start()
print("ready", flush=True)
try:
    asyncio.get_event_loop().run_until_complete(asyncio.Event().wait())
except KeyboardInterrupt:
    pass
