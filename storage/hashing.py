"""Keyed hashes that link rows to one user without storing who the user is.

HMAC-SHA256 with ``HASH_SECRET``, hex encoded. Telegram ids are small integers, so a plain
hash could be reversed by trying every id; the secret is what makes these hashes private.
Each kind of value gets its own prefix so a user hash never equals a message hash.
"""

from __future__ import annotations

import hashlib
import hmac


class Hasher:
    """Hashes user ids and message keys with one secret."""

    __slots__ = ("_key",)

    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("the hash secret must not be empty")
        self._key = secret.encode("utf-8")

    def _hash(self, purpose: str, value: str) -> str:
        message = f"{purpose}:{value}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def user(self, user_id: int) -> str:
        """The hash of a Telegram user id (64 hex characters)."""
        return self._hash("user", str(int(user_id)))

    def message(self, message_key: str) -> str:
        """The hash of an answer message's key, e.g. ``"<chat id>:<message id>"``."""
        return self._hash("message", message_key)

    def event(self, event_key: str) -> str:
        """The hash of something that happened once, e.g. ``"question:<chat>:<message>"``
        (an idempotency key that reveals no id)."""
        return self._hash("event", event_key)
