"""The stand-in Bot API as an HTTP server on 127.0.0.1 (an ephemeral port), for the real bot."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote

from tests.bot.fake_api import FILES, TOKEN, FakeBotApi, decode_form


class StandInServer:
    """Serves `FakeBotApi` at http://127.0.0.1:PORT/bot<token>/<method> and /file/bot<token>/…"""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api
        handler = type("Handler", (_Handler,), {"api": api})
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    @property
    def file_base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/file/bot"

    def __enter__(self) -> StandInServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _multipart(kind: str, body: bytes) -> dict[str, Any]:
    """A multipart upload (sendDocument, sendPhoto): fields decoded as a form, files kept."""
    parsed = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {kind}\r\n\r\n".encode() + body)
    form: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for part in parsed.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            files[str(name)] = (filename, data)
        else:
            form[str(name)] = data.decode("utf-8")
    return {**decode_form(form), FILES: files}


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # a bot process killed mid-request resets its connection; that is expected


class _Handler(BaseHTTPRequestHandler):
    api: FakeBotApi
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        return

    def do_GET(self) -> None:
        prefix, path = f"/file/bot{TOKEN}/", unquote(self.path)  # PTB percent-encodes the path
        data = self.api.download(path[len(prefix) :]) if path.startswith(prefix) else None
        if data is None:
            self._send(404, b"not found", "text/plain")
        else:
            self._send(200, data, "application/octet-stream")

    def do_POST(self) -> None:
        prefix = f"/bot{TOKEN}/"
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not self.path.startswith(prefix):
            self._json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        method, params = self.path[len(prefix) :], self._params(body)
        fault = self.api.take_fault(method, params)
        if fault == "drop":  # the request was written, then the connection died: not acted on
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault == "stall":  # acted on, but the answer never comes: the client's read times out
            self.api.handle(method, params)
            self.close_connection = True
            self.connection.settimeout(60)
            with contextlib.suppress(OSError):
                self.connection.recv(1)  # returns once the client gives up and closes
            return
        if fault == "garbled":  # the next answer with something in it, cut short: unreadable
            ok, result = self.api.handle(method, params)
            if not result:  # nothing to cut yet (a long poll that timed out): the next answer
                self.api.faults.setdefault(method, []).insert(0, "garbled")
                self._json(200, {"ok": ok, "result": result})
                return
            data = json.dumps({"ok": ok, "result": result}, ensure_ascii=False).encode()
            self._send(200, data[:-2], "application/json")
            return
        if isinstance(fault, int):
            payload = {"ok": False, "error_code": fault, "description": f"injected {fault}"}
            if fault == 429:
                payload["parameters"] = {"retry_after": 1}
            self._json(fault, payload)
            return
        ok, result = self.api.handle(method, params)
        if ok:
            self._json(200, {"ok": True, "result": result})
        else:
            status = getattr(result, "status", 404)
            self._json(status, {"ok": False, "error_code": status, "description": str(result)})

    def _params(self, body: bytes) -> dict[str, Any]:
        kind = self.headers.get("Content-Type", "")
        if kind.startswith("application/json"):
            return dict(json.loads(body or b"{}"))
        if kind.startswith("multipart/form-data"):
            return _multipart(kind, body)
        return decode_form(dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True)))

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        self._send(status, json.dumps(payload, ensure_ascii=False).encode(), "application/json")

    def _send(self, status: int, data: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
