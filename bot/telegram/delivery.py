"""Talking to the Bot API when it, or the network, misbehaves: what is retried and what not.

The Bot API has no idempotency key: a ``sendMessage`` that is sent twice is delivered twice.
So "exactly once" at this boundary is defined by what the bot can know about a failed
request:

- **Certainly not carried out**: flood control (429 with ``retry_after``: waited out and
  retried by :class:`~telegram.ext.AIORateLimiter`), a server error (500, 502, 503: the Bot
  API reports that it failed), and a request that never left (connection refused, connect
  or pool timeout, the request could not be written). These are retried, for every method,
  with backoff: the reply is delivered exactly once as soon as the Bot API is back.
- **Perhaps carried out**: no answer in time (read timeout) or the connection was lost after
  the request was sent. Telegram may have delivered the message. Methods that can safely run
  twice (editing a message, answering a button, ``getUpdates`` ...) are retried; sending a
  message is **not**: the request fails with :class:`DeliveryUncertain`, the error handler
  logs it and does not apologise (the answer may well have arrived). The reply is delivered
  at most once in that case, never twice.

Updates are received at least once (``getUpdates`` offsets; Telegram re-posts a webhook
update that was not acknowledged), and the handlers record what a message asks under a key
derived from that message, so a question is recorded once however often it is handled.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter
from telegram.request import HTTPXRequest

log = logging.getLogger(__name__)

#: HTTP statuses with which the Bot API says it did not carry out the request.
FAILED_STATUSES = frozenset({500, 502, 503})
#: Causes (httpx) that mean the request never reached the Bot API.
_NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.WriteError,
    httpx.WriteTimeout,
)
#: Methods that may run twice without the user noticing (an edit or an answer to a button
#: that already happened is refused with "not modified" / "query is too old", which the
#: handlers expect).
SAFE_TO_REPEAT = frozenset(
    {
        "getMe",
        "getUpdates",
        "getWebhookInfo",
        "setWebhook",
        "deleteWebhook",
        "setMyCommands",
        "deleteMyCommands",
        "getMyCommands",
        "editMessageText",
        "editMessageReplyMarkup",
        "answerCallbackQuery",
        "sendChatAction",
        "getChat",
        "getFile",
    }
)
#: Retries of a request that certainly failed (or may be repeated), and their backoff.
NETWORK_RETRIES = 5
BACKOFF_SECONDS = 0.5
MAX_BACKOFF_SECONDS = 8.0


class NotDelivered(NetworkError):
    """The Bot API certainly did not carry out the request (safe to send again)."""


class DeliveryUncertain(NetworkError):
    """The request may or may not have been carried out; it is not sent again."""


def not_delivered(exc: BaseException) -> bool:
    """True when ``exc`` means the request certainly was not carried out."""
    if isinstance(exc, NotDelivered):
        return True
    return isinstance(exc, NetworkError) and isinstance(exc.__cause__, _NOT_SENT)


class BotApiRequest(HTTPXRequest):
    """PTB's HTTP transport that reports a server error (5xx) as :class:`NotDelivered`.

    PTB turns every status it does not know into a plain :class:`NetworkError`; the retry
    policy needs to tell "the server failed" from "the answer was lost".
    """

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        """See :meth:`telegram.request.BaseRequest.do_request`."""
        code, payload = await super().do_request(*args, **kwargs)
        if code in FAILED_STATUSES:
            raise NotDelivered(f"the Bot API answered {code}")
        return code, payload


class ResilientRateLimiter(AIORateLimiter):
    """PTB's rate limiter (throttling and ``retry_after``) plus the retry policy above."""

    def __init__(
        self,
        *,
        overall_max_rate: float,
        max_retries: int,
        network_retries: int = NETWORK_RETRIES,
        backoff: float = BACKOFF_SECONDS,
    ) -> None:
        # 0 turns the overall throttle off (a self-hosted Bot API server, load tests)
        super().__init__(
            overall_max_rate=overall_max_rate,
            overall_time_period=1 if overall_max_rate else 0,
            max_retries=max_retries,
        )
        self.network_retries = network_retries
        self.backoff = backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Send through the throttle; retry what the policy allows (module docstring)."""
        attempt = 0
        while True:
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except NetworkError as exc:  # includes TimedOut; RetryAfter is handled above
                if isinstance(exc, BadRequest | DeliveryUncertain):
                    raise
                certain = not_delivered(exc)
                if not certain and endpoint not in SAFE_TO_REPEAT:
                    raise DeliveryUncertain(
                        f"{endpoint} may or may not have reached Telegram ({_short(exc)}); "
                        "not sent again"
                    ) from exc
                attempt += 1
                if attempt > self.network_retries:
                    # certainly not carried out, and the budget is spent: say so, and why
                    raise NotDelivered(
                        f"{endpoint} not delivered after {attempt} attempts ({_short(exc)})"
                    ) from exc
                delay = min(MAX_BACKOFF_SECONDS, self.backoff * 2 ** (attempt - 1))
                log.warning(
                    "Bot API %s failed (%s); retry %d of %d in %.1f s",
                    endpoint,
                    _short(exc),
                    attempt,
                    self.network_retries,
                    delay,
                )
                await asyncio.sleep(delay)


def _short(exc: BaseException) -> str:
    """What went wrong, in a few words (never a request's content)."""
    if isinstance(exc, TimedOut):
        return "timed out"
    cause = exc.__cause__
    if cause is not None and not isinstance(exc, NotDelivered):
        return type(cause).__name__
    return str(exc) or type(exc).__name__
