#!/usr/bin/python3
"""Checks a DKIM signature independently of twinning (dkimpy, Debian's python3-dkim).

  dkim_verify.py MESSAGE_FILE TXT_VALUE

TXT_VALUE is the record twinning prints ("v=DKIM1; k=rsa; p=..."); it stands in for DNS. Prints
"ok d=<domain> s=<selector>" and exits 0 when the signature verifies, else prints why and exits 1.
"""
import re
import sys

import dkim


def main():
    message = open(sys.argv[1], "rb").read()
    record = sys.argv[2].encode()

    def dns(name, timeout=5):
        return record

    d = dkim.DKIM(message)
    if not d.verify(dnsfunc=dns):
        print("signature does not verify")
        return 1
    sig = dkim.util.parse_tag_value(re.search(rb"^DKIM-Signature:(.*?)\r\n(?![ \t])", message,
                                              re.S | re.M | re.I).group(1))
    print("ok d=%s s=%s" % (sig[b"d"].decode(), sig[b"s"].decode()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
