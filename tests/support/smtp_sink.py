#!/usr/bin/python3
"""A private SMTP server for costledger's tests, on Debian's python3-aiosmtpd.

Each message it accepts becomes one file, DIR/message-NNNNNN.json (written to a temporary name
and renamed, so a reader never sees half of one), holding the envelope (mail_from, rcpt_tos),
who authenticated, whether the session was TLS, the raw bytes as received after dot-unstuffing
(base64), and what Python's email module makes of them (headers, defects, MIME structure,
decoded parts), so that a C++ test can check a mail without a MIME parser of its own.

Recipients whose local part starts with "refuse550" are refused with 550 and those starting
with "defer451" with 451, so tests can see permanent and transient refusals.

Usage: smtp_sink.py --port P --dir DIR [--user U --password-file F]
                    [--cert CERT --key KEY [--implicit-tls]]
With --cert and --key the server offers STARTTLS (or, with --implicit-tls, speaks TLS from the
first byte, as smtps:// expects). With --user, AUTH is required before MAIL; over STARTTLS,
AUTH is refused before TLS. Prints "ready <port>" once it listens; stops on SIGTERM or SIGINT.
"""

import argparse
import asyncio
import base64
import email
import email.policy
import json
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0]
        if local.startswith("refuse550"):
            return "550 5.1.1 <%s>: recipient unknown" % address
        if local.startswith("defer451"):
            return "451 4.3.0 <%s>: try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content
        login = getattr(session.auth_data, "login", None)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "auth_login": login.decode("utf-8", "replace") if login else None,
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "raw_b64": base64.b64encode(raw).decode("ascii"),
            "parsed": describe(raw),
        }
        self.count += 1
        name = os.path.join(self.directory, "message-%06d.json" % self.count)
        with open(name + ".tmp", "w", encoding="utf-8") as out:
            json.dump(record, out, ensure_ascii=False, indent=1)
        os.replace(name + ".tmp", name)
        return "250 2.0.0 Message accepted for delivery"


def structure(part):
    """The MIME tree as nested {"type": ..., "parts": [...]}."""
    node = {"type": part.get_content_type()}
    if part.is_multipart():
        node["parts"] = [structure(p) for p in part.iter_parts()]
    return node


def describe(raw):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    defects = [type(d).__name__ for part in msg.walk() for d in part.defects]
    leaves = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        leaf = {
            "content_type": part.get_content_type(),
            "charset": part.get_content_charset(),
            "transfer_encoding": part.get("Content-Transfer-Encoding"),
            "disposition": part.get_content_disposition(),
            "filename": part.get_filename(),
            "content_b64": base64.b64encode(payload).decode("ascii"),
        }
        if part.get_content_maintype() == "text":
            leaf["text"] = part.get_content()
        leaves.append(leaf)
    lines = raw.split(b"\r\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return {
        "headers": {k: str(v) for k, v in msg.items()},
        "header_names": list(msg.keys()),
        "defects": defects,
        "structure": structure(msg),
        "leaves": leaves,
        "max_line_length": max((len(l) for l in lines), default=0),
        "bare_line_feeds": any(b"\n" in l or b"\r" in l for l in lines),
        "ends_with_crlf": raw.endswith(b"\r\n"),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--user")
    parser.add_argument("--password-file")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--implicit-tls", action="store_true")
    args = parser.parse_args()

    password = None
    if args.user:
        with open(args.password_file, "rb") as f:
            password = f.read().rstrip(b"\n")

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login == args.user.encode("utf-8") and auth_data.password == password)
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    context = None
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
    sink = Sink(args.dir)

    def factory():
        return SMTP(
            sink,
            hostname="costledger-test-sink",
            tls_context=None if args.implicit_tls else context,
            require_starttls=False,
            auth_required=bool(args.user),
            # Over implicit TLS aiosmtpd does not know the session is encrypted.
            auth_require_tls=bool(context) and not args.implicit_tls,
            authenticator=authenticator if args.user else None,
            timeout=30,
        )

    async def serve():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            factory, host=args.host, port=args.port,
            ssl=context if args.implicit_tls else None)
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        print("ready %d" % args.port, flush=True)
        await stop.wait()
        server.close()
        await server.wait_closed()

    try:
        asyncio.run(serve())
    except OSError as e:
        print("cannot listen on %s:%d: %s" % (args.host, args.port, e), flush=True)
        sys.exit(3)


if __name__ == "__main__":
    main()
