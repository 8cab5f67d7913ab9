"""A group robot on this machine, for tests: a threading HTTP server on 127.0.0.1 that answers
like DingTalk or WeCom. As DingTalk with a secret it checks 加签 the way DingTalk does (the
`timestamp` in milliseconds within an hour of its clock, `sign` the base64 HMAC-SHA256 of
"timestamp\\nsecret" keyed by the secret) and refuses a wrong one with DingTalk's answer, errcode
310000; with a keyword it refuses a message without it, as a robot secured by keyword does.

    with LocalRobot(secret="SEC…") as robot:
        ... robot.url ...            # http://127.0.0.1:PORT/robot/send?access_token=…
        robot.received               # the JSON bodies it accepted
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SIGN_NOT_MATCH = {
    "errcode": 310000,
    "errmsg": "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]",
}
INVALID_TIMESTAMP = {
    "errcode": 310000,
    "errmsg": "invalid timestamp, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]",
}
KEYWORDS_NOT_IN_CONTENT = {
    "errcode": 310000,
    "errmsg": "keywords not in content, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]",
}
HOUR_MS = 3600 * 1000


def expected_sign(secret: str, timestamp: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class LocalRobot:
    def __init__(self, *, secret: str = "", keyword: str = "", token: str = "local-token") -> None:  # noqa: S107
        self.secret = secret
        self.keyword = keyword
        self.token = token
        self.received: list[dict[str, Any]] = []
        self.refused: list[dict[str, Any]] = []
        self.queries: list[dict[str, list[str]]] = []
        # A fixed answer instead of the platform's (raw bytes), to play a broken robot.
        self.answer_override: bytes | None = None
        # An address to answer 302 with, to play a robot that sends the server elsewhere.
        self.redirect_to: str | None = None
        # Every request it got, whatever its method (a redirect followed arrives as a GET).
        self.hits = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/robot/send?access_token={self.token}"

    def __enter__(self) -> LocalRobot:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def judge(self, query: dict[str, list[str]], body: dict[str, Any]) -> dict[str, Any]:
        if query.get("access_token") != [self.token]:
            return {"errcode": 300001, "errmsg": "token is not exist"}
        if self.secret:
            timestamp = (query.get("timestamp") or [""])[0]
            sign = (query.get("sign") or [""])[0]
            if not timestamp.isdigit() or abs(int(timestamp) - int(time.time() * 1000)) > HOUR_MS:
                return INVALID_TIMESTAMP
            if not hmac.compare_digest(sign, expected_sign(self.secret, timestamp)):
                return SIGN_NOT_MATCH
        if self.keyword and self.keyword not in json.dumps(body, ensure_ascii=False):
            return KEYWORDS_NOT_IN_CONTENT
        return {"errcode": 0, "errmsg": "ok"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                robot.hits += 1
                self.send_response(405)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self) -> None:
                robot.hits += 1
                if robot.redirect_to is not None:
                    self.send_response(302)
                    self.send_header("Location", robot.redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                robot.queries.append(query)
                if robot.answer_override is not None:
                    robot.refused.append(body)
                    payload = robot.answer_override
                else:
                    answer = robot.judge(query, body)
                    (robot.received if answer["errcode"] == 0 else robot.refused).append(body)
                    payload = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler
