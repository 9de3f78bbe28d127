"""A small local Telegram Bot API server for end-to-end tests.

It speaks HTTP like ``api.telegram.org`` (``/bot<token>/<method>``, parameters in the query
string, as form fields or as a JSON body; answers ``{"ok": true, "result": ...}`` or
``{"ok": false, "error_code": ..., "description": ...}``) and validates what the real Bot API
validates for the methods a welcome bot uses: required fields and their types, HTML
parse mode (supported tags, entities, nesting), text length after entity parsing, inline
keyboards (``callback_data`` of 1-64 bytes, one action per button), answered callback and
inline queries, bot commands. ``getUpdates`` long-polls; after ``setWebhook`` updates are
POSTed to the webhook instead, with the secret token header.

The test acts as Telegram users through :meth:`BotApiServer.send_text`,
:meth:`BotApiServer.press`, :meth:`BotApiServer.inline_query` ..., and waits for the bot
with :meth:`BotApiServer.wait_for`. Pure standard library (threads), no event loop.

Faults (over HTTP only): :meth:`BotApiServer.inject` queues :class:`Fault` s for the next
calls of a method, :meth:`BotApiServer.inject_randomly` adds them at a rate: flood control
(429 with ``parameters.retry_after``, request not carried out), server errors (5xx, not
carried out), slow responses (carried out after a delay), and dropped connections, either
before the request is carried out (``drop``) or after (``drop_after``: the method ran, the
answer never reaches the bot). Refused attempts are recorded as calls with ``injected`` set.

The package: :mod:`.server` composes :class:`BotApiServer` from :mod:`.core`, :mod:`.users`
and the ``methods_*`` modules; :mod:`.transport` is the HTTP side, :mod:`.parse_mode` the HTML
parser, :mod:`.params`, :mod:`.state` and :mod:`.common` what they share.
"""

from __future__ import annotations

from .common import (
    BUTTON_ACTIONS,
    CHAT_ACTIONS,
    DEFAULT_UPDATE_TYPES,
    INLINE_RESULT_TYPES,
    JSON,
    MAX_CAPTION,
    MAX_TEXT,
    NOT_MODIFIED,
    QUERY_INVALID,
    UPDATE_TYPES,
    ApiError,
    utf16_len,
)
from .params import Params
from .parse_mode import parse_html, strip_text
from .server import BotApiServer
from .state import Call, Fault, FaultKind, Upload, _Query

__all__ = [
    "BUTTON_ACTIONS",
    "CHAT_ACTIONS",
    "DEFAULT_UPDATE_TYPES",
    "INLINE_RESULT_TYPES",
    "JSON",
    "MAX_CAPTION",
    "MAX_TEXT",
    "NOT_MODIFIED",
    "QUERY_INVALID",
    "UPDATE_TYPES",
    "ApiError",
    "BotApiServer",
    "Call",
    "Fault",
    "FaultKind",
    "Params",
    "Upload",
    "_Query",
    "parse_html",
    "strip_text",
    "utf16_len",
]
