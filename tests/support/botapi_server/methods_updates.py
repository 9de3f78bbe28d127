"""Bot API methods about the bot and its updates: getMe, logOut, close, getUpdates (long
polling) and the webhook."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request

from .common import DEFAULT_UPDATE_TYPES, JSON, ApiError
from .core import ServerCore
from .params import Params


class UpdateMethods(ServerCore):
    """getMe, getUpdates, setWebhook ...; see :class:`BotApiServer`."""

    def api_getme(self, p: Params) -> JSON:
        return dict(self.bot_user)

    def api_logout(self, p: Params) -> bool:
        return True

    def api_close(self, p: Params) -> bool:
        return True

    def api_getupdates(self, p: Params) -> list[JSON]:
        offset = p.int("offset") or 0
        limit = p.int("limit") or 100
        if not 1 <= limit <= 100:
            limit = 100
        timeout = p.int("timeout") or 0
        allowed = p.json("allowed_updates", list)
        deadline = time.monotonic() + max(timeout, 0)
        with self.cond:
            if self.webhook is not None:
                raise ApiError(
                    "can't use getUpdates method while webhook is active; use "
                    "deleteWebhook to delete the webhook first",
                    409,
                )
            if allowed is not None:
                self.allowed_updates = [str(a) for a in allowed] or None
            while True:
                if offset:
                    self.pending = [u for u in self.pending if u["update_id"] >= offset]
                ready = self._deliverable()[:limit]
                if ready or self._closing:
                    return ready
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return []
                self.cond.wait(remaining)

    def _deliverable(self) -> list[JSON]:
        allowed = self.allowed_updates or DEFAULT_UPDATE_TYPES
        self.pending = [u for u in self.pending if any(k in u for k in allowed)]
        return list(self.pending)

    def api_setwebhook(self, p: Params) -> bool:
        url = p.str("url")
        secret = p.str("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ApiError("secret token contains unallowed characters")
        max_connections = p.int("max_connections")
        if max_connections is not None and not 1 <= max_connections <= 100:
            raise ApiError("bad webhook: max_connections must be between 1 and 100")
        allowed = p.json("allowed_updates", list)
        with self.cond:
            if p.bool("drop_pending_updates"):
                self.pending.clear()
            if allowed is not None:
                self.allowed_updates = [str(a) for a in allowed] or None
            if not url:
                self.webhook = None
            else:
                if not re.match(r"^https?://", url):
                    raise ApiError("bad webhook: An HTTPS URL must be provided for webhook")
                self.webhook = {"url": url, "secret_token": secret}
            self.cond.notify_all()
        return True

    def api_deletewebhook(self, p: Params) -> bool:
        with self.cond:
            self.webhook = None
            if p.bool("drop_pending_updates"):
                self.pending.clear()
        return True

    def api_getwebhookinfo(self, p: Params) -> JSON:
        with self.cond:
            info: JSON = {
                "url": self.webhook["url"] if self.webhook else "",
                "has_custom_certificate": False,
                "pending_update_count": len(self.pending),
            }
            if self.webhook_error:
                info["last_error_date"] = int(time.time())
                info["last_error_message"] = self.webhook_error
            if self.allowed_updates:
                info["allowed_updates"] = self.allowed_updates
        return info

    # ------------------------------------------------------------------ webhook delivery
    def _deliver_webhooks(self) -> None:
        while True:
            with self.cond:
                while not self._closing and (self.webhook is None or not self._deliverable()):
                    self.cond.wait(0.5)
                if self._closing:
                    return
                assert self.webhook is not None
                hook = dict(self.webhook)
                update = self.pending[0]
            request = urllib.request.Request(
                hook["url"],
                data=json.dumps(update).encode("utf-8"),
                method="POST",
                headers={"Content-Type": "application/json"},
            )
            if hook.get("secret_token"):
                request.add_header("X-Telegram-Bot-Api-Secret-Token", hook["secret_token"])
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    delivered = 200 <= response.status < 300
                    error = (
                        None
                        if delivered
                        else (f"Wrong response from the webhook: {response.status}")
                    )
            except urllib.error.HTTPError as exc:
                delivered, error = False, f"Wrong response from the webhook: {exc.code}"
            except OSError as exc:
                delivered, error = False, f"Connection failed: {exc}"
            with self.cond:
                self.webhook_error = error
                if delivered and self.pending and self.pending[0] is update:
                    self.pending.pop(0)
                self.cond.notify_all()
            if not delivered:
                time.sleep(0.2)
