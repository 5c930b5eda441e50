#!/usr/bin/python3
"""Reads every .eml file in a directory with Python's own email package (an independent MIME
parser) and prints, as one JSON object keyed by file name, what a mail program would show: the
decoded headers and the decoded text and HTML alternatives. mail_test compares it with what
twinning composed.

Usage: mail_parse.py DIR
"""
import email
import email.header
import email.policy
import email.utils
import json
import pathlib
import sys


def addresses(msg, legacy, name):
    """The mailboxes of an address header. Addresses come from the modern parser; display names
    from the legacy decoder, because Python 3.11's modern parser keeps the folding whitespace
    between two encoded words of a display name (CPython gh-128110), which RFC 2047 §6.2 says to
    ignore and mail programs do ignore."""
    header = msg[name]
    if header is None:
        return None
    names = [str(email.header.make_header(email.header.decode_header(n)))
             for n, _ in email.utils.getaddresses(legacy.get_all(name))]
    return [{"name": n, "email": a.addr_spec} for n, a in zip(names, header.addresses, strict=True)]


def part(msg, subtype):
    body = msg.get_body(preferencelist=(subtype,))
    if body is None:
        return None
    return {
        "content": body.get_content(),
        "charset": body.get_content_charset(),
        "transfer_encoding": body["Content-Transfer-Encoding"],
    }


def read(path):
    raw = path.read_bytes()
    try:
        raw.decode("ascii")
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        legacy = email.message_from_bytes(raw, policy=email.policy.compat32)
    except UnicodeDecodeError:
        # Raw UTF-8 headers (RFC 6532) are read as text: the bytes parser would keep them as
        # undecodable bytes.
        msg = email.message_from_string(raw.decode("utf-8"), policy=email.policy.default)
        legacy = email.message_from_string(raw.decode("utf-8"), policy=email.policy.compat32)
    return {
        "defects": [type(d).__name__ for d in msg.defects],
        "subject": str(msg["Subject"]),
        "from": addresses(msg, legacy, "From"),
        "reply_to": addresses(msg, legacy, "Reply-To"),
        "to": addresses(msg, legacy, "To"),
        "cc": addresses(msg, legacy, "Cc"),
        "content_language": msg["Content-Language"],
        "message_id": msg["Message-ID"],
        "date": msg["Date"].datetime.isoformat() if msg["Date"] is not None else None,
        "mime_version": msg["MIME-Version"],
        "content_type": msg.get_content_type(),
        "auto_submitted": msg["Auto-Submitted"],
        "text": part(msg, "plain"),
        "html": part(msg, "html"),
    }


def main():
    folder = pathlib.Path(sys.argv[1])
    out = {p.name: read(p) for p in sorted(folder.glob("*.eml"))}
    json.dump(out, sys.stdout, ensure_ascii=True)


if __name__ == "__main__":
    main()
