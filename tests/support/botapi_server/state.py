"""What the server records: calls, injected faults, uploaded files, open queries."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal

from .common import JSON


@dataclass
class Call:
    """One request the bot made, as received, and how it was answered."""

    method: str
    params: JSON
    ok: bool
    result: Any = None
    error: str | None = None
    at: float = field(default_factory=time.monotonic)
    injected: bool = False  # refused by an injected fault (the method did not run)


FaultKind = Literal["retry_after", "error", "slow", "drop", "drop_after"]


@dataclass(frozen=True)
class Fault:
    """Something going wrong with one request (see the module docstring)."""

    kind: FaultKind
    retry_after: int = 1
    status: int = 500
    delay: float = 0.0

    @classmethod
    def flood(cls, retry_after: int = 1) -> Fault:
        """429 Too Many Requests with ``parameters.retry_after``; the method does not run."""
        return cls("retry_after", retry_after=retry_after)

    @classmethod
    def error(cls, status: int = 500) -> Fault:
        """A server error; the method does not run."""
        return cls("error", status=status)

    @classmethod
    def slow(cls, delay: float) -> Fault:
        """Wait ``delay`` seconds, then run the method and answer."""
        return cls("slow", delay=delay)

    @classmethod
    def drop(cls) -> Fault:
        """Close the connection without running the method or answering."""
        return cls("drop")

    @classmethod
    def drop_after(cls) -> Fault:
        """Run the method, then close the connection without answering."""
        return cls("drop_after")

    def response(self) -> tuple[int, JSON]:
        """The HTTP status and body of a refusing fault."""
        if self.kind == "retry_after":
            return 429, {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {self.retry_after}",
                "parameters": {"retry_after": self.retry_after},
            }
        phrase = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
        return self.status, {
            "ok": False,
            "error_code": self.status,
            "description": phrase.get(self.status, "Server Error"),
        }


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded (multipart/form-data)."""

    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


@dataclass
class _Query:
    """A callback or inline query the bot has (or has not yet) answered."""

    from_user: JSON
    answered: bool = False
    answer: JSON | None = None
