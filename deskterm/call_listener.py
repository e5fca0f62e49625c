"""A small webhook listener for incoming calls (``deskterm call-listener``), stdlib only.

``POST /call`` with ``number`` (and ``line``, and ``event``: ``ring``, the default,
``answer`` or ``hangup``) as JSON or as a form records the call as ``deskterm call`` does
(``duties.calls.ringing``). Guards, in the order a request meets them:

- it listens on 127.0.0.1 unless told otherwise (a PBX on the same machine, or an SSH
  tunnel); another address is said on start;
- each source address may send ``per_minute`` requests a minute (a sliding minute), else
  429; a request that is refused counts too, so a token cannot be guessed quickly;
- only ``POST /call`` (else 404 or 405); a body of at most ``MAX_BODY`` bytes with its
  length given (else 411 or 413), read with a ``READ_SECONDS`` timeout;
- the shared token, compared in constant time, from the header ``X-Deskterm-Token``,
  ``Authorization: Bearer …`` or the body's ``token`` field (else 403);
- a number the desk's phone rule refuses: 400 with the reason; the database in trouble:
  503 (the PBX may send it again), nothing written.

Each answer is JSON ``{"ok": …}``; one line per request goes to ``say`` (never the token).
"""

from __future__ import annotations

import collections
import hmac
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address
from urllib.parse import parse_qs

MAX_BODY = 4096
READ_SECONDS = 5.0
WINDOW_SECONDS = 60.0


class RateLimit:
    """At most ``per_window`` requests per source in any ``window`` seconds."""

    def __init__(self, per_window: int, window: float = WINDOW_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.per_window, self.window, self._clock = per_window, window, clock
        self._seen: dict[str, collections.deque] = {}
        self._lock = threading.Lock()

    def allow(self, source: str) -> bool:
        now = self._clock()
        with self._lock:
            times = self._seen.setdefault(source, collections.deque())
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.per_window:
                return False
            times.append(now)
            if len(self._seen) > 10_000:  # forget quiet sources
                for key in [k for k, v in self._seen.items() if not v]:
                    del self._seen[key]
            return True


def _fields(content_type: str, body: bytes) -> dict[str, str]:
    if "json" in content_type:
        data = json.loads(body.decode("utf-8") or "{}")
        if not isinstance(data, dict):
            raise ValueError("not an object")
        return {str(k): "" if v is None else str(v) for k, v in data.items()}
    parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True)
    return {k: v[0] for k, v in parsed.items()}


class CallServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, office, token: str, per_minute: int,
                 say: Callable[[str], object]) -> None:
        self.office, self.token, self.say = office, token.encode(), say
        self.limit = RateLimit(per_minute)
        super().__init__(address, CallHandler)


class CallHandler(BaseHTTPRequestHandler):
    server: CallServer
    timeout = READ_SECONDS
    server_version = "deskterm-calls"

    def log_message(self, format, *args) -> None:  # noqa: A002 - the base's name
        return  # one line per request is said by _answer instead

    def _answer(self, status: int, **body) -> None:
        data = json.dumps({"ok": status == 200, **body}, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)
        self.server.say(f"{self.client_address[0]} {self.command} {self.path[:40]} {status}"
                        + (f" {body.get('error')}" if status != 200 else ""))

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self._limited():
            return
        self._answer(404 if self.path.split("?")[0] != "/call" else 405,
                     error="POST /call")

    def _limited(self) -> bool:
        if self.server.limit.allow(self.client_address[0]):
            return False
        self.close_connection = True
        self._answer(429, error="too many requests")
        return True

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        if self._limited():
            return
        if self.path.split("?")[0] != "/call":
            self._answer(404, error="POST /call")
            return
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self._answer(411, error="Content-Length required")
            return
        if int(length) > MAX_BODY:
            self.close_connection = True
            self._answer(413, error=f"body over {MAX_BODY} bytes")
            return
        try:
            body = self.rfile.read(int(length))
            fields = _fields(self.headers.get("Content-Type", ""), body)
        except (OSError, ValueError, UnicodeDecodeError):
            self._answer(400, error="unreadable body: JSON or a form")
            return
        if not self._token_ok(fields.pop("token", "")):
            self._answer(403, error="wrong token")
            return
        self._record(fields)

    def _token_ok(self, from_body: str) -> bool:
        given = self.headers.get("X-Deskterm-Token") or ""
        bearer = self.headers.get("Authorization") or ""
        if not given and bearer.lower().startswith("bearer "):
            given = bearer[7:].strip()
        given = given or from_body
        return hmac.compare_digest(given.encode(), self.server.token)

    def _record(self, fields: dict[str, str]) -> None:
        from deskterm.db.models import database
        from deskterm.db.trouble import trouble_of
        from deskterm.duties.calls.ringing import hang_up, record_call
        from deskterm.errors import DutyError

        event = (fields.get("event") or "ring").strip().lower()
        if event not in ("ring", "hangup", "answer"):
            self._answer(400, error="event is ring, answer or hangup")
            return
        try:
            with database.connection_context():
                if event != "ring":
                    call = hang_up(self.server.office, fields.get("number"),
                                   line=fields.get("line", ""), answered=event == "answer")
                else:
                    call = record_call(self.server.office, fields.get("number"),
                                       line=fields.get("line", ""), source="listener")
        except DutyError as exc:
            self._answer(400, error=exc.message, field=exc.field)
            return
        except Exception as exc:  # noqa: BLE001 - the database locked or down: say so
            trouble = trouble_of(exc)
            self._answer(503, error=f"database {trouble.kind if trouble else 'error'}")
            return
        if call is None:
            self._answer(200, call=None)
            return
        match = call.match
        self._answer(200, call=call.id, number=call.number, state=call.state, new=call.new,
                     owner=match.name if match else None,
                     unit=match.unit_code if match else None)


def make_server(office, token: str, *, host: str = "127.0.0.1", port: int = 8765,
                per_minute: int = 30, say: Callable[[str], object] = print) -> CallServer:
    """The listener bound to ``host:port`` (port 0: any free one), not serving yet."""
    return CallServer((host, port), office, token, per_minute, say)


def serve(office, token: str, *, host: str, port: int, per_minute: int,
          say: Callable[[str], object]) -> None:
    """Listen until interrupted (ctrl+c, or the service manager's SIGINT)."""
    from deskterm.i18n import _

    server = make_server(office, token, host=host, port=port, per_minute=per_minute, say=say)
    bound_host, bound_port = server.server_address[:2]
    say(_("Listening for calls on http://{host}:{port}/call (office {office})").format(
        host=bound_host, port=bound_port, office=office.name))
    try:
        if not ip_address(bound_host).is_loopback:
            say(_("Warning: {host} is reachable from other machines; the token is all that "
                  "guards it.").format(host=bound_host))
    except ValueError:
        pass
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
