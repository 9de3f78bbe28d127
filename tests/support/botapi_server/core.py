"""The core of :class:`~botapi_server.BotApiServer`: its state, start and stop, waiting for
the bot, fault injection and the dispatch of one method call."""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from .common import JSON, ApiError, canonical
from .params import Params
from .state import Call, Fault, FaultKind, Upload, _Query
from .transport import _Handler

if TYPE_CHECKING:
    from .server import BotApiServer


class ServerCore:
    """State, lifecycle, waiting, faults and dispatch; see :class:`BotApiServer`."""

    def __init__(
        self,
        token: str = "123:TEST",
        *,
        username: str = "leiden_welcome_test_bot",
        first_name: str = "Leiden Welcome",
    ) -> None:
        self.token = token
        self.bot_user: JSON = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": first_name,
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.cond = threading.Condition()
        self.calls: list[Call] = []
        self.pending: list[JSON] = []
        self.allowed_updates: list[str] | None = None
        self.chats: dict[int, JSON] = {}
        self.messages: dict[tuple[int, int], JSON] = {}
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        #: "description" / "short_description" -> language code ("" default) -> text
        self.descriptions: dict[str, dict[str, str]] = {}
        self.callback_queries: dict[str, _Query] = {}
        self.inline_queries: dict[str, _Query] = {}
        self.webhook: JSON | None = None
        self.webhook_error: str | None = None
        #: administrators per chat id (getChatAdministrators), users as JSON
        self.chat_admins: dict[int, list[JSON]] = {}
        #: files the bot uploaded, by file_id
        self.files: dict[str, Upload] = {}
        #: faults queued per method (canonical name), taken one per call
        self.fault_queue: dict[str, deque[Fault]] = {}
        #: per method: (probability, faults to choose from)
        self.fault_rates: dict[str, tuple[float, tuple[Fault, ...]]] = {}
        #: (method, fault kind) for every fault served, in order
        self.faults_served: list[tuple[str, FaultKind]] = []
        #: called (outside the lock, in the request's thread) with every successful call
        self.listeners: list[Callable[[Call], None]] = []
        self._rng = random.Random(0)
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._query_ids = itertools.count(1000)
        self._closing = False
        self._httpd: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> BotApiServer:
        """Listen on a free port on 127.0.0.1."""
        server = self

        class Handler(_Handler):
            api = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        # the webhook delivery loop is in methods_updates (a part of BotApiServer)
        for target in (self._httpd.serve_forever, self._deliver_webhooks):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop serving (long polls return at once)."""
        with self.cond:
            self._closing = True
            self.cond.notify_all()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    @property
    def port(self) -> int:
        assert self._httpd is not None
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """For ``TELEGRAM_API_BASE_URL``."""
        return f"http://127.0.0.1:{self.port}/bot"

    def _new_message_id(self, chat_id: int) -> int:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        return next(counter)

    # ------------------------------------------------------------------ waiting for the bot
    def wait_for(
        self, predicate: Callable[[Call], bool], *, timeout: float = 15.0, since: int = 0
    ) -> Call:
        """The first successful call (index >= ``since``) matching ``predicate``."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for call in self.calls[since:]:
                    if call.ok and predicate(call):
                        return call
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    summary = [(c.method, c.ok, c.error) for c in self.calls[since:]]
                    raise AssertionError(f"timed out waiting for the bot; calls: {summary}")
                self.cond.wait(remaining)

    def wait_method(
        self,
        method: str,
        *,
        since: int = 0,
        timeout: float = 15.0,
        where: Callable[[Call], bool] = lambda c: True,
    ) -> Call:
        """The first successful ``method`` call since index ``since``."""
        return self.wait_for(
            lambda c: c.method == method and where(c), since=since, timeout=timeout
        )

    def mark(self) -> int:
        """An index into :attr:`calls`: wait for calls after this point."""
        with self.cond:
            return len(self.calls)

    def sent_since(self, since: int, chat_id: int) -> list[JSON]:
        """Messages the bot sent to ``chat_id`` since the mark."""
        with self.cond:
            return [
                c.result
                for c in self.calls[since:]
                if c.ok and c.method == "sendMessage" and c.result["chat"]["id"] == chat_id
            ]

    def errors(self) -> list[Call]:
        """Calls the server refused (injected faults aside)."""
        with self.cond:
            return [c for c in self.calls if not c.ok and not c.injected]

    # ------------------------------------------------------------------ faults
    def inject(self, method: str, *faults: Fault) -> None:
        """The next calls of ``method`` meet ``faults``, one each, in order."""
        with self.cond:
            self.fault_queue.setdefault(canonical(method), deque()).extend(faults)

    def inject_randomly(
        self, method: str, rate: float, *faults: Fault, seed: int | None = None
    ) -> None:
        """Each call of ``method`` meets one of ``faults`` with probability ``rate``."""
        with self.cond:
            if seed is not None:
                self._rng.seed(seed)
            if rate <= 0 or not faults:
                self.fault_rates.pop(canonical(method), None)
            else:
                self.fault_rates[canonical(method)] = (rate, faults)

    def clear_faults(self) -> None:
        """No more faults."""
        with self.cond:
            self.fault_queue.clear()
            self.fault_rates.clear()

    def take_fault(self, method: str) -> Fault | None:
        """The fault the next call of ``method`` meets, if any (recorded as served)."""
        method = canonical(method)
        with self.cond:
            queued = self.fault_queue.get(method)
            fault = queued.popleft() if queued else None
            if fault is None and method in self.fault_rates:
                rate, choices = self.fault_rates[method]
                if self._rng.random() < rate:
                    fault = self._rng.choice(choices)
            if fault is not None:
                self.faults_served.append((method, fault.kind))
            return fault

    def refuse(self, method: str, params: JSON, fault: Fault) -> None:
        """Record an attempt that an injected fault refused."""
        with self.cond:
            self.calls.append(
                Call(
                    canonical(method), params, False, error=f"injected {fault.kind}", injected=True
                )
            )
            self.cond.notify_all()

    def message(self, chat_id: int, message_id: int) -> JSON:
        """A message as it is now."""
        with self.cond:
            return self.messages[(chat_id, message_id)]

    # ------------------------------------------------------------------ dispatch
    def handle(self, method: str, params: JSON) -> Any:
        """Run one Bot API method; records the call."""
        func = getattr(self, f"api_{method.lower()}", None)
        if func is None:
            raise ApiError("Not Found", 404)
        try:
            result = func(Params(params))
        except ApiError as exc:
            with self.cond:
                self.calls.append(Call(method, params, False, error=exc.description))
                self.cond.notify_all()
            raise
        call = Call(canonical(method), params, True, result)
        with self.cond:
            self.calls.append(call)
            self.cond.notify_all()
        for listener in list(self.listeners):
            listener(call)
        return result

    def _chat(self, p: Params) -> JSON:
        value = p.raw("chat_id")
        if value is None or value == "":
            raise ApiError("chat_id is empty")
        if isinstance(value, str) and value.startswith("@"):
            raise ApiError("chat not found")
        chat_id = p.int("chat_id", required=True)
        assert chat_id is not None
        chat = self.chats.get(chat_id)
        if chat is None:
            raise ApiError("chat not found")
        return chat
