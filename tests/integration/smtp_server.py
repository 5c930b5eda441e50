#!/usr/bin/python3
"""A real SMTP server for twinning's tests (aiosmtpd, from Debian's python3-aiosmtpd).

Listens on 127.0.0.1 (port 0 by default: a free port), prints "PORT <n>" on one line of standard
output once it accepts connections, and runs until SIGTERM or SIGINT.

  --dir DIR            save each accepted message as DIR/<n>.eml (the DATA exactly as received,
                       dot-stuffing undone) and DIR/<n>.json (mail_from, rcpt_tos, auth login, client port);
                       both appear atomically (written aside, then renamed), the .json last
  --auth USER:PASS     require AUTH (PLAIN or LOGIN, allowed over plain text for the test)
  --rcpt-reply REPLY   answer REPLY (e.g. "451 4.3.0 try later", "550 5.1.1 no such user") to RCPT TO
  --data-reply REPLY   answer REPLY at the end of DATA instead of accepting
  --fail-count N       answer the reply above only to the first N commands, then accept (0: always)
  --port P             listen on P instead of a free port (to start again on the same port)
  --accept-delay-ms N  after saving a message, wait N ms before answering 250 (crash tests)
  --tls-cert FILE --tls-key FILE
                       offer STARTTLS with this certificate and key (PEM)
  --smtps              with --tls-cert/--tls-key: TLS from the first byte instead (no STARTTLS)
  The .json of each message has "tls": the TLS version the message came over, or null.

Run it with /usr/bin/python3: aiosmtpd is importable by Debian's interpreter only.
"""
import argparse
import asyncio
import json
import logging
import os
import signal
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Handler:
    def __init__(self, args):
        self.dir = args.dir
        self.rcpt_reply = args.rcpt_reply
        self.data_reply = args.data_reply
        self.accept_delay = args.accept_delay_ms / 1000.0
        self.fail_count = args.fail_count
        self.rcpt_failures = 0
        self.data_failures = 0
        # A server started again on the same folder continues the numbering.
        self.saved = len([f for f in os.listdir(self.dir) if f.endswith(".eml")]) if self.dir else 0

    def _should_fail(self, done):
        return self.fail_count == 0 or done < self.fail_count

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply and self._should_fail(self.rcpt_failures):
            self.rcpt_failures += 1
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply and self._should_fail(self.data_failures):
            self.data_failures += 1
            return self.data_reply
        if self.dir:
            self.saved += 1
            base = os.path.join(self.dir, "%06d" % self.saved)
            login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
            # The client's port tells the test which messages shared one connection.
            ssl_object = server.transport.get_extra_info("ssl_object") if server.transport else None
            meta = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "login": login,
                    "peer_port": session.peer[1], "tls": ssl_object.version() if ssl_object else None}
            content = envelope.original_content or envelope.content
            for suffix, data in ((".eml", content), (".json", json.dumps(meta).encode())):
                with open(base + suffix + ".tmp", "wb") as f:
                    f.write(data)
                os.rename(base + suffix + ".tmp", base + suffix)
        if self.accept_delay:
            # Saved, but the client has not heard "250" yet: a client killed now cannot know.
            await asyncio.sleep(self.accept_delay)
        return "250 2.0.0 Message accepted for delivery"


def make_authenticator(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user
              and auth_data.password.decode() == password)
        # handled=False: aiosmtpd itself answers 235 or 535.
        return AuthResult(success=ok, handled=False, auth_data=auth_data)
    return authenticate


async def main(args):
    # AUTH over plain text is what the test wants; the warnings about it are noise.
    warnings.simplefilter("ignore")
    # SMTP_SERVER_DEBUG=1 prints the whole conversation on standard error.
    debug = os.environ.get("SMTP_SERVER_DEBUG") == "1"
    logging.basicConfig(stream=sys.stderr)
    logging.getLogger("mail.log").setLevel(logging.DEBUG if debug else logging.ERROR)
    handler = Handler(args)
    options = {}
    if args.auth:
        user, _, password = args.auth.partition(":")
        options = dict(auth_required=True, auth_require_tls=False,
                       authenticator=make_authenticator(user, password))
    ssl_context = None
    if args.tls_cert:
        ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ssl_context.load_cert_chain(args.tls_cert, args.tls_key)
        if not args.smtps:
            options["tls_context"] = ssl_context
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, hostname="test.invalid", **options),
                                      host="127.0.0.1", port=args.port,
                                      ssl=ssl_context if args.smtps else None)
    print("PORT %d" % server.sockets[0].getsockname()[1], flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir")
    parser.add_argument("--auth")
    parser.add_argument("--rcpt-reply")
    parser.add_argument("--data-reply")
    parser.add_argument("--fail-count", type=int, default=0)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--accept-delay-ms", type=int, default=0)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--smtps", action="store_true")
    args = parser.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key) or (args.smtps and not args.tls_cert):
        sys.exit("smtp_server.py: --tls-cert and --tls-key go together, and --smtps needs them")
    if args.dir and not os.path.isdir(args.dir):
        sys.exit("smtp_server.py: --dir %s is not a directory" % args.dir)
    asyncio.run(main(args))
