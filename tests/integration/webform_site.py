#!/usr/bin/python3
"""A small council website for twinning's web-form tests (Python's standard library only).

It reproduces the structure of the Naju City Council's contact form: a member list, a page per
member with an envelope link, and the contact form with the Korean labels (받는사람, 보내는 사람,
E-mail, 휴대폰, 제목, 내용), a hidden per-session token that must come back with the session cookie,
a required phone field, and the success alert `alert('이메일을 전송 하였습니다.')`.

Listens on 127.0.0.1 (port 0 by default: a free port), prints "PORT <n>" on one line of standard
output once it accepts connections, and runs until SIGTERM or SIGINT.

  --dir DIR   save each POST as DIR/<n>.body (the bytes exactly as received) and DIR/<n>.json
              (variant, member, content type, cookie, the fields decoded in the variant's charset,
              whether it was accepted and why not); both written aside and renamed, .json last

Each variant lives under its own prefix, /<variant>/members/...:

  euc-kr     pages in EUC-KR, declared only in <meta> (as older Korean sites do); the form sits in a table
  utf-8      pages in UTF-8, declared in the Content-Type header
  multipart  utf-8, but the form posts multipart/form-data
  captcha    utf-8 with a captcha image and its input in the form
  changed    the site was redesigned: another form id and other field names
  renamed    the same form, but the phone field is now called "mobile"
  refused    every post is answered with the site's error alert
  silent     posts are answered with a page that has no success alert
  slowpost   the form loads, the post is recorded and then never answered
  error500   the form page answers 500
  slow       the form page never answers
  broken     the form page is broken HTML and binary junk
  huge       the form page streams far more than any form page holds
  loop       the form page redirects to itself forever
"""
import argparse
import html
import json
import os
import secrets
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SUCCESS = "이메일을 전송 하였습니다."
BAD_ACCESS = "잘못된 접근입니다."
NEED_PHONE = "휴대폰 번호를 입력해 주세요."
MEMBERS = {"a": "의원 가", "b": "의원 나"}
CHARSET = {"euc-kr": "cp949"}  # how browsers read "euc-kr" (the WHATWG Encoding Standard)
VARIANTS = {"euc-kr", "utf-8", "multipart", "captcha", "changed", "renamed", "refused", "silent", "slowpost",
            "error500", "slow", "broken", "huge", "loop"}


def charset_of(variant):
    return CHARSET.get(variant, "utf-8")


class Site:
    def __init__(self, directory):
        self.dir = directory
        self.lock = threading.Lock()
        self.sessions = {}  # session id -> token
        self.saved = 0

    def new_session(self):
        sid, token = secrets.token_hex(16), secrets.token_urlsafe(24)
        with self.lock:
            self.sessions[sid] = token
        return sid, token

    def token_of(self, sid):
        with self.lock:
            return self.sessions.get(sid)

    def record(self, raw, meta):
        if not self.dir:
            return
        with self.lock:
            self.saved += 1
            base = os.path.join(self.dir, "%06d" % self.saved)
        for suffix, data in ((".body", raw), (".json", json.dumps(meta, ensure_ascii=False).encode())):
            with open(base + suffix + ".tmp", "wb") as f:
                f.write(data)
            os.rename(base + suffix + ".tmp", base + suffix)


def form_page(variant, member, token):
    """The contact form as the variant serves it (text; encoded by the caller)."""
    receiver = MEMBERS[member]
    form_id, names = "mailform", dict(sender="sender", email="email", phone="phone", subject="subject",
                                      content="content")
    if variant == "changed":
        form_id, names = "contactForm", dict(sender="writer", email="mail", phone="mobile", subject="title",
                                             content="body")
    if variant == "renamed":
        names["phone"] = "mobile"
    head = ('<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">' if variant == "euc-kr"
            else '<meta charset="utf-8">')
    enctype = ' enctype="multipart/form-data"' if variant == "multipart" else ""
    captcha = ""
    if variant == "captcha":
        captcha = ('<tr><th>자동등록방지</th><td><img src="/captcha/image.php" id="captcha_img" alt="보안 문자">'
                   '<input type="text" name="captcha_code"></td></tr>')
    receiver_row = "" if variant == "changed" else (
        f'<tr><th>받는사람</th><td><input type="text" name="receiver" value="{html.escape(receiver)}" readonly></td></tr>')
    return f"""<!DOCTYPE html>
<html lang="ko"><head>{head}<title>나주시의회 - 의원에게 바란다</title></head>
<body><div id="wrap"><h1>의원에게 바란다</h1>
<table class="write"><form name="{form_id}" id="{form_id}" method="post" action="send"{enctype} onsubmit="return check(this)">
<input type="hidden" name="token" value="{token}">
<input type="hidden" name="member_id" value="{member}">
{receiver_row}
<tr><th>보내는 사람</th><td><input type="text" name="{names['sender']}" maxlength="30"></td></tr>
<tr><th>E-mail</th><td><input type="text" name="{names['email']}"></td></tr>
<tr><th>휴대폰</th><td><input type="text" name="{names['phone']}" placeholder="000-000-0000" required>
<span class="help">해외 거주자는 000-000-0000을 입력하세요</span></td></tr>
<tr><th>제목</th><td><input type="text" name="{names['subject']}" maxlength="100"></td></tr>
<tr><th>내용</th><td><textarea name="{names['content']}" rows="10" cols="60"></textarea></td></tr>
{captcha}
<tr><td colspan="2"><input type="checkbox" name="agree" value="Y" checked> 개인정보 수집·이용에 동의합니다
<input type="checkbox" name="newsletter" value="Y"> 소식지 받기</td></tr>
<tr><td colspan="2"><input type="submit" value="보내기"> <input type="reset" value="다시 쓰기"></td></tr>
</form></table>
<form name="search" action="/search" method="get"><input name="q"><input type="submit" value="검색"></form>
</div></body></html>"""


def alert_page(message, back):
    return f"<script>alert('{message}');location.href='{back}';</script>"


def parse_multipart(raw, content_type, charset):
    boundary = content_type.split("boundary=", 1)[1].strip().encode()
    fields = []
    for part in raw.split(b"--" + boundary)[1:]:
        if part.startswith(b"--"):
            break
        head, _, body = part.strip(b"\r\n").partition(b"\r\n\r\n")
        name = head.decode("ascii", "replace").split('name="', 1)[1].split('"', 1)[0]
        fields.append([name, body.decode(charset)])
    return fields


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "NajuCouncil/1.0"

    def log_message(self, fmt, *args):  # quiet: tests read the records, not the log
        pass

    def send_page(self, status, text, variant, extra_headers=()):
        charset = charset_of(variant)
        body = text.encode(charset)
        self.send_response(status)
        # The EUC-KR variant declares its charset in the page only, as many older sites do.
        self.send_header("Content-Type", "text/html" if variant == "euc-kr" else "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra_headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def route(self):
        parts = [p for p in urllib.parse.urlsplit(self.path).path.split("/") if p]
        if len(parts) < 2 or parts[0] not in VARIANTS or parts[1] != "members":
            return None, None, None
        return parts[0], parts[2] if len(parts) > 2 else None, parts[3] if len(parts) > 3 else None

    def do_GET(self):
        variant, member, page = self.route()
        if variant is None or (member is not None and member not in MEMBERS):
            return self.send_page(404, "<h1>없는 페이지입니다</h1>", "utf-8")
        if member is None:
            links = "".join(f'<li><a href="/{variant}/members/{m}">{n}</a></li>' for m, n in MEMBERS.items())
            return self.send_page(200, f"<html><body><h1>의원 소개</h1><ul>{links}</ul></body></html>", variant)
        if page is None:
            return self.send_page(200, f'<html><body><h1>{MEMBERS[member]}</h1><p class="top">'
                                       f'<a href="/{variant}/members/{member}/contact"><img src="/img/mail.png" alt="✉"></a>'
                                       f'</p></body></html>', variant)
        if page != "contact":
            return self.send_page(404, "<h1>없는 페이지입니다</h1>", "utf-8")
        return self.contact(variant, member)

    def contact(self, variant, member):
        if variant == "error500":
            return self.send_page(500, "<h1>서버 오류</h1>", "utf-8")
        if variant == "slow":
            time.sleep(3600)  # the client gives up first; the thread is a daemon
            return None
        if variant == "loop":
            self.send_response(302)
            self.send_header("Location", self.path + ("&" if "?" in self.path else "?") + "n=1")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if variant == "huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()  # no length: the page "goes on" until the client stops reading
            chunk = b"<p>" + b"x" * 65530 + b"</p>"
            try:
                for _ in range(1600):  # 100 MiB at most
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
            return None
        if variant == "broken":
            junk = (b'<html><body><form id=mailform method=post action=send><table><tr><td>'
                    b'<input type="hidden" name="token" value="x\x00\xff\xfe' + b"<<<>>>\xc3\x28" * 2000 +
                    b'<input name=sender <textarea name=')
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(junk)))
            self.end_headers()
            self.wfile.write(junk)
            return None
        sid, token = self.server.site.new_session()
        return self.send_page(200, form_page(variant, member, token), variant,
                              [("Set-Cookie", f"PHPSESSID={sid}; Path=/; HttpOnly")])

    def do_POST(self):
        variant, member, page = self.route()
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        if variant is None or member not in MEMBERS or page != "send":
            return self.send_page(404, "<h1>없는 페이지입니다</h1>", "utf-8")
        charset = charset_of(variant)
        content_type = self.headers.get("Content-Type", "")
        decode_error = ""
        try:
            if content_type.startswith("multipart/form-data"):
                fields = parse_multipart(raw, content_type, charset)
            else:
                fields = [list(p) for p in urllib.parse.parse_qsl(raw.decode("ascii"), keep_blank_values=True,
                                                                  encoding=charset, errors="strict")]
        except (UnicodeDecodeError, IndexError, ValueError) as e:
            fields, decode_error = [], f"undecodable: {e}"
        cookie = self.headers.get("Cookie", "")
        sid = ""
        for item in cookie.split(";"):
            k, _, v = item.strip().partition("=")
            if k == "PHPSESSID":
                sid = v
        values = dict(fields)
        accepted, reason = True, ""
        if decode_error:
            accepted, reason = False, decode_error
        elif not fields:
            accepted, reason = False, "no fields"
        elif not sid or self.server.site.token_of(sid) != values.get("token"):
            accepted, reason = False, "session token does not match the cookie"
        elif not values.get("phone"):
            accepted, reason = False, "phone missing"
        elif variant == "refused":
            accepted, reason = False, "refused by the variant"
        self.server.site.record(raw, {"variant": variant, "member": member, "content_type": content_type,
                                      "cookie": cookie, "referer": self.headers.get("Referer", ""),
                                      "fields": fields, "accepted": accepted, "reason": reason})
        back = f"/{variant}/members/{member}"
        if variant == "slowpost":
            time.sleep(3600)
            return None
        if variant == "silent":
            return self.send_page(200, "<html><body><p>처리 중입니다.</p></body></html>", variant)
        if not accepted:
            message = NEED_PHONE if reason == "phone missing" else BAD_ACCESS
            return self.send_page(200, alert_page(message, back), variant)
        return self.send_page(200, alert_page(SUCCESS, back), variant)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default="")
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    if args.dir:
        os.makedirs(args.dir, exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.site = Site(args.dir)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"PORT {server.server_address[1]}", flush=True)
    stop.wait()
    server.shutdown()
    server.server_close()


if __name__ == "__main__":
    sys.exit(main())
