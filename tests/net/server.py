#!/usr/bin/env python3
"""A real HTTP(S) server for the network tests: Python's http.server serving
the fixture files of a folder on 127.0.0.1, plus the faults a network source
must survive.

    server.py --dir DIR --port-file FILE [--log FILE] [--cert C --key K]

Binds port 0 (the kernel picks a free one) and writes the port to
--port-file once it listens. Paths:

    /<file>                  the file, with ETag and Last-Modified; answers 304
                             to a matching If-None-Match or If-Modified-Since.
                             "{{BASE}}" in any file but .ics becomes the
                             server's own base URL (FHIR next links, manifests).
    /status/<code>/<name>    that HTTP status
    /slow/<seconds>/<name>   waits (at most 30 s) before sending the file
    /redirect/<n>/<name>     n redirects (302), then /<name>
    /to/<url-encoded URL>    302 to that URL
    /big/<MiB>               that many MiB of calendar-looking text
    /bearer/<token>/<name>   the file if "Authorization: Bearer <token>", else 401
    /digest/<path>           <path> with HTTP Digest auth (user coord, --digest-password)
    /secure/<path>           <path> if "Authorization: Bearer <--bearer>", else 401
    /garbage/<name>          a 200 with a body that is not what was asked for
    PROPFIND /badxml         a 207 whose XML is cut short; /notdav: XML, not DAV

Each request is logged to --log as "METHOD PATH STATUS AUTH" where AUTH is
"auth" when an Authorization header came (its value is never logged).
"""
import argparse
import email.utils
import hashlib
import http.server
import os
import ssl
import sys
import threading
import time
import urllib.parse

ARGS = None
LOG_LOCK = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet on stderr
        pass

    def record(self, status):
        if ARGS.log:
            with LOG_LOCK, open(ARGS.log, "a") as f:
                auth = "auth" if self.headers.get("Authorization") else "-"
                f.write("%s %s %d %s\n" % (self.command, self.path, status, auth))

    def send(self, status, body=b"", ctype="text/plain", extra=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.record(status)

    def base(self):
        scheme = "https" if ARGS.cert else "http"
        return "%s://127.0.0.1:%d" % (scheme, self.server.server_address[1])

    def serve_file(self, name):
        path = os.path.join(ARGS.dir, os.path.normpath("/" + name).lstrip("/"))
        if not os.path.isfile(path):
            return self.send(404, b"not found\n")
        with open(path, "rb") as f:
            body = f.read()
        if not path.endswith(".ics"):
            body = body.replace(b"{{BASE}}", self.base().encode())
        ctype = "text/calendar" if path.endswith(".ics") else "application/fhir+json"
        etag = '"%s"' % hashlib.sha256(body).hexdigest()[:32]
        mtime = os.path.getmtime(path)
        lm = email.utils.formatdate(mtime, usegmt=True)
        if self.headers.get("If-None-Match") == etag:
            return self.send(304, b"", ctype, {"ETag": etag, "Last-Modified": lm})
        ims = self.headers.get("If-Modified-Since")
        if ims and not self.headers.get("If-None-Match"):
            try:
                if email.utils.parsedate_to_datetime(ims).timestamp() >= int(mtime):
                    return self.send(304, b"", ctype, {"ETag": etag, "Last-Modified": lm})
            except (TypeError, ValueError):
                pass
        self.send(200, body, ctype, {"ETag": etag, "Last-Modified": lm})

    def digest_ok(self):
        """RFC 7616 Digest (MD5, qop=auth) for user "coord" and --digest-password."""
        h = self.headers.get("Authorization") or ""
        if not h.startswith("Digest ") or not ARGS.digest_password:
            return False
        f = dict((k, v.strip('"')) for k, v in
                 (p.strip().split("=", 1) for p in h[7:].split(",") if "=" in p))
        md5 = lambda s: hashlib.md5(s.encode()).hexdigest()
        ha1 = md5("%s:careday:%s" % (f.get("username"), ARGS.digest_password))
        ha2 = md5("%s:%s" % (self.command, f.get("uri")))
        want = md5(":".join([ha1, f.get("nonce", ""), f.get("nc", ""), f.get("cnonce", ""),
                             f.get("qop", ""), ha2]))
        return f.get("username") == "coord" and f.get("response") == want

    def do_PROPFIND(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(n)
        if self.path.startswith("/badxml"):
            return self.send(207, b"<?xml version='1.0'?><multistatus xmlns='DAV:'><response>",
                             "text/xml")
        if self.path.startswith("/notdav"):
            return self.send(207, b"<?xml version='1.0'?><html><body>hi</body></html>",
                             "text/xml")
        self.send(405, b"no WebDAV here\n")

    do_REPORT = do_PROPFIND

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        parts = url.path.lstrip("/").split("/", 2)
        kind = parts[0]
        if kind == "status" and len(parts) >= 2:
            return self.send(int(parts[1]), b"fault\n")
        if kind == "slow" and len(parts) == 3:
            time.sleep(min(float(parts[1]), 30.0))
            return self.serve_file(parts[2])
        if kind == "redirect" and len(parts) == 3:
            n = int(parts[1])
            to = "/%s" % parts[2] if n <= 1 else "/redirect/%d/%s" % (n - 1, parts[2])
            return self.send(302, b"", "text/plain", {"Location": to})
        if kind == "to" and len(parts) >= 2:
            target = urllib.parse.unquote(url.path[len("/to/"):])
            return self.send(302, b"", "text/plain", {"Location": target})
        if kind == "big" and len(parts) >= 2:
            line = b"X-FILLER:" + b"x" * 60 + b"\r\n"
            body = line * (int(parts[1]) * 1024 * 1024 // len(line) + 1)
            return self.send(200, body, "text/calendar")
        if kind == "bearer" and len(parts) == 3:
            if self.headers.get("Authorization") != "Bearer " + parts[1]:
                return self.send(401, b"token needed\n", "text/plain",
                                 {"WWW-Authenticate": "Bearer"})
            return self.serve_file(parts[2] + ("?" + url.query if url.query else ""))
        if kind == "secure" and len(parts) >= 2:
            if self.headers.get("Authorization") != "Bearer " + (ARGS.bearer or ""):
                return self.send(401, b"token needed\n", "text/plain",
                                 {"WWW-Authenticate": "Bearer"})
            self.path = self.path[len("/secure"):]  # logged without the prefix
            return self.do_GET()
        if kind == "digest" and len(parts) >= 2:
            if not self.digest_ok():
                nonce = hashlib.sha256(os.urandom(16)).hexdigest()[:32]
                return self.send(401, b"digest needed\n", "text/plain",
                                 {"WWW-Authenticate": 'Digest realm="careday", qop="auth", '
                                                      'nonce="%s", algorithm=MD5' % nonce})
            return self.serve_file(url.path[len("/digest/"):])
        if kind == "garbage":
            return self.send(200, b"<html>\x1b[31mnot a calendar</html>\n", "text/html")
        name = url.path.lstrip("/")
        if url.query:
            # FHIR search: Slot?x=y maps to the file "Slot.json" unless a
            # file named after the whole query exists ("Slot?page=2.json").
            full = name + "?" + url.query + ".json"
            if os.path.isfile(os.path.join(ARGS.dir, full)):
                return self.serve_file(full)
            if os.path.isfile(os.path.join(ARGS.dir, name + ".json")):
                return self.serve_file(name + ".json")
        self.serve_file(name)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--bearer", help="the token /secure/<path> asks for")
    p.add_argument("--digest-password", help="coord's password for /digest/<path>")
    ARGS = p.parse_args()
    srv = Server(("127.0.0.1", 0), Handler)
    if ARGS.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.cert, ARGS.key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, ARGS.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
