"""The users' side: the test acts as Telegram users (messages, edits, photos, button
presses, inline queries) through these methods, which queue the updates the bot receives."""

from __future__ import annotations

import re
import time
from typing import Any

from .common import JSON, utf16_len
from .core import ServerCore
from .state import _Query


class UserSide(ServerCore):
    """What users do; see :class:`BotApiServer`."""

    # ------------------------------------------------------------------ the user's side
    @staticmethod
    def user(
        user_id: int = 1001, first_name: str = "Ana", language_code: str | None = "en", **extra: Any
    ) -> JSON:
        """A Telegram user object."""
        user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name, **extra}
        if language_code:
            user["language_code"] = language_code
        return user

    def private_chat(self, user: JSON) -> JSON:
        """The private chat with ``user`` (created on first use)."""
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        with self.cond:
            self.chats.setdefault(chat["id"], chat)
        return chat

    def group_chat(self, chat_id: int = -100500, title: str = "Leiden newcomers") -> JSON:
        """A supergroup the bot is a member of."""
        chat = {"id": chat_id, "type": "supergroup", "title": title}
        with self.cond:
            self.chats.setdefault(chat_id, chat)
        return chat

    def auto_entities(self, text: str) -> list[JSON]:
        """The entities Telegram's servers add to a plain text: commands and mentions."""
        entities = []
        for m in re.finditer(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?", text):
            entities.append(
                {
                    "type": "bot_command",
                    "offset": utf16_len(text[: m.start()]),
                    "length": utf16_len(m.group(0)),
                }
            )
        for m in re.finditer(r"(?<![\w@])@[A-Za-z0-9_]{4,32}", text):
            entities.append(
                {
                    "type": "mention",
                    "offset": utf16_len(text[: m.start()]),
                    "length": utf16_len(m.group(0)),
                }
            )
        return sorted(entities, key=lambda e: e["offset"])

    def send_message_update(self, user: JSON, chat: JSON | None = None, **content: Any) -> JSON:
        """Queue a ``message`` update from ``user`` with arbitrary content (sticker, photo ...)."""
        chat = chat or self.private_chat(user)
        with self.cond:
            message = {
                "message_id": self._new_message_id(chat["id"]),
                "date": int(time.time()),
                "chat": chat,
                "from": user,
                **content,
            }
            self.messages[(chat["id"], message["message_id"])] = message
        self.enqueue({"message": message})
        return message

    def send_text(
        self, user: JSON, text: str, chat: JSON | None = None, entities: list[JSON] | None = None
    ) -> JSON:
        """The user sends ``text`` (entities added the way Telegram does unless given)."""
        content: JSON = {"text": text}
        entities = self.auto_entities(text) if entities is None else entities
        if entities:
            content["entities"] = entities
        return self.send_message_update(user, chat, **content)

    def edit_text(self, message: JSON, text: str) -> JSON:
        """The user edits their ``message`` to ``text``: an ``edited_message`` update."""
        with self.cond:
            current = dict(self.messages[(message["chat"]["id"], message["message_id"])])
            current["text"] = text
            entities = self.auto_entities(text)
            if entities:
                current["entities"] = entities
            else:
                current.pop("entities", None)
            current["edit_date"] = int(time.time())
            self.messages[(current["chat"]["id"], current["message_id"])] = current
        self.enqueue({"edited_message": current})
        return current

    def send_photo(self, user: JSON, caption: str | None = None, chat: JSON | None = None) -> JSON:
        """The user sends a photo, with ``caption`` under it when given."""
        photo = [{"file_id": "photo-1", "file_unique_id": "p1", "width": 90, "height": 90}]
        content: JSON = {"photo": photo}
        if caption is not None:
            content["caption"] = caption
        return self.send_message_update(user, chat, **content)

    def press(self, message: JSON, callback_data: str, user: JSON) -> str:
        """The user presses the button with ``callback_data`` under the bot's ``message`` (as
        it is now); returns the callback query id."""
        with self.cond:
            current = self.messages[(message["chat"]["id"], message["message_id"])]
            buttons = [
                b
                for row in (current.get("reply_markup") or {}).get("inline_keyboard", [])
                for b in row
            ]
            if not any(b.get("callback_data") == callback_data for b in buttons):
                raise AssertionError(
                    f"no button {callback_data!r} under message "
                    f"{current['message_id']}: "
                    f"{[b.get('callback_data') for b in buttons]}"
                )
            query_id = str(next(self._query_ids))
            self.callback_queries[query_id] = _Query(user)
            update = {
                "callback_query": {
                    "id": query_id,
                    "from": user,
                    "message": current,
                    "chat_instance": f"ci{current['chat']['id']}",
                    "data": callback_data,
                }
            }
        self.enqueue(update)
        return query_id

    def inline_query(self, user: JSON, query: str) -> str:
        """The user types ``@bot query`` in some chat; returns the inline query id."""
        with self.cond:
            query_id = str(next(self._query_ids))
            self.inline_queries[query_id] = _Query(user)
        self.enqueue(
            {
                "inline_query": {
                    "id": query_id,
                    "from": user,
                    "query": query,
                    "offset": "",
                    "chat_type": "private",
                }
            }
        )
        return query_id

    def enqueue(self, update: JSON) -> JSON:
        """Queue a raw update (``update_id`` is assigned here)."""
        with self.cond:
            update = {"update_id": next(self._update_ids), **update}
            self.pending.append(update)
            self.cond.notify_all()
        return update
