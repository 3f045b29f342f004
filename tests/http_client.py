"""Plain HTTP against a server this test run started: cookies kept, redirects
not followed, gzip understood; and a free port to start it on."""

import gzip
import http.client
import os
import re
import socket
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    raw: bytes

    @property
    def body(self) -> bytes:
        if self.headers.get("Content-Encoding") == "gzip":
            return gzip.decompress(self.raw)
        return self.raw

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0].strip()


class Browser:
    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(self, method, path, *, body=None, headers=None) -> Answer:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        all_headers = {"Accept-Encoding": "gzip", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            answer = Answer(response.status, response.headers, response.read())
        finally:
            conn.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        return answer

    def get(self, path, **kw) -> Answer:
        return self.request("GET", path, **kw)

    def log_in(self, username: str, password: str) -> None:
        """Through the login form, as a person would."""
        form = self.get("/accounts/login/")
        assert form.status == 200, f"login page answered {form.status}"
        token = CSRF_INPUT.search(form.body.decode()).group(1)
        answer = self.request(
            "POST",
            "/accounts/login/",
            body=urlencode(
                {"csrfmiddlewaretoken": token, "username": username, "password": password}
            ),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": f"{self.origin}/accounts/login/",
            },
        )
        assert answer.status == 302, f"{username} could not log in ({answer.status})"
        assert answer.headers["Location"] == "/", answer.headers["Location"]
        assert "sessionid" in self.cookies


def free_port() -> int:
    """A free port on 127.0.0.1: the first free one from PRODUCTION_TEST_PORT on
    (for a machine where each developer has a range), else any."""
    first = int(os.environ.get("PRODUCTION_TEST_PORT", "0"))
    for port in range(first, first + 20) if first else [0]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise AssertionError(f"no free port from {first} on")
