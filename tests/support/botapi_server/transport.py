"""HTTP for the test server: the request handler that reads parameters (query string, form,
JSON, multipart), applies injected faults and answers like ``api.telegram.org``."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any

from .common import JSON, ApiError
from .state import Upload

if TYPE_CHECKING:
    from .server import BotApiServer


class _Handler(BaseHTTPRequestHandler):
    api: BotApiServer
    protocol_version = "HTTP/1.1"
    # headers and body go out in two writes: with Nagle's algorithm the body waits for the
    # client's delayed ACK, about 40 ms on every call (api.telegram.org answers at once)
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _params(self) -> JSON:
        url = urllib.parse.urlsplit(self.path)
        params: JSON = {
            k: v[-1] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()
        }
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if not body:
            return params
        if ctype == "application/json":
            data = json.loads(body)
            if not isinstance(data, dict):
                raise ApiError("JSON body must be an Object")
            params.update(data)
        elif ctype == "application/x-www-form-urlencoded":
            params.update(
                {
                    k: v[-1]
                    for k, v in urllib.parse.parse_qs(
                        body.decode("utf-8"), keep_blank_values=True
                    ).items()
                }
            )
        elif ctype == "multipart/form-data":
            head = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode()
            message = BytesParser(policy=HTTP).parsebytes(head + body)
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True) or b""
                if name and not part.get_filename():
                    params[str(name)] = payload.decode("utf-8")
                elif name:  # an uploaded file
                    params[str(name)] = Upload(
                        str(part.get_filename()), payload, part.get_content_type()
                    )
        else:
            raise ApiError("unsupported Content-Type")
        return params

    def _drop(self) -> None:
        """Close the connection without an answer (the client sees it closed)."""
        self.close_connection = True

    def _call(self, method: str) -> tuple[int, JSON] | None:
        """Run ``method`` unless an injected fault refuses it; None: drop the connection."""
        params = self._params()
        fault = self.api.take_fault(method)
        if fault is not None and fault.kind in ("retry_after", "error", "drop"):
            self.api.refuse(method, params, fault)
            if fault.kind == "drop":
                self._drop()
                return None
            return fault.response()
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay)
        result = self.api.handle(method, params)
        if fault is not None and fault.kind == "drop_after":
            self._drop()
            return None
        return 200, {"ok": True, "result": result}

    def _serve(self) -> None:
        match = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)", urllib.parse.urlsplit(self.path).path)
        status, payload = 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        try:
            if match is None:
                pass
            elif match.group(1) != self.api.token:
                status, payload = (
                    401,
                    {"ok": False, "error_code": 401, "description": "Unauthorized"},
                )
            else:
                answer = self._call(match.group(2))
                if answer is None:  # the connection is dropped: no answer at all
                    return
                status, payload = answer
        except ApiError as exc:
            status, payload = (
                exc.code,
                {"ok": False, "error_code": exc.code, "description": exc.description},
            )
        except ValueError as exc:
            status, payload = (
                400,
                {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"},
            )
        body = json.dumps(payload).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
