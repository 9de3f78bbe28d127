"""Bot API methods that send and edit messages, with the validation of texts, parse modes and
keyboards they share."""

from __future__ import annotations

import re
import time
from typing import Any

from .common import BUTTON_ACTIONS, JSON, MAX_CAPTION, MAX_TEXT, NOT_MODIFIED, ApiError, utf16_len
from .core import ServerCore
from .params import Params
from .parse_mode import parse_html, strip_text
from .state import Upload


class MessageMethods(ServerCore):
    """sendMessage, sendDocument, editMessageText ...; see :class:`BotApiServer`."""

    def _text(
        self, p: Params, text_field: str, parse_field: str, entities_field: str
    ) -> tuple[str, list[JSON]]:
        raw = p.str(text_field)
        if raw is None:
            raise ApiError("message text is empty")
        parse_mode = p.str(parse_field)
        if parse_mode is not None and parse_mode not in ("HTML", "MarkdownV2", "Markdown"):
            raise ApiError("unsupported parse_mode")
        if parse_mode == "HTML":
            text, entities = parse_html(raw)
        else:
            text, entities = raw, p.json(entities_field, list) or []
        text, entities = strip_text(text, entities)
        if not text:
            raise ApiError("message text is empty")
        if utf16_len(text) > MAX_TEXT:
            raise ApiError("message is too long")
        return text, entities

    @staticmethod
    def _inline_keyboard(markup: Any, *, where: str = "reply_markup") -> JSON:
        if not isinstance(markup, dict) or not isinstance(markup.get("inline_keyboard"), list):
            raise ApiError(f"can't parse {where}: inline_keyboard must be an Array")
        for row in markup["inline_keyboard"]:
            if not isinstance(row, list):
                raise ApiError("can't parse inline keyboard button: rows must be Arrays")
            for button in row:
                if not isinstance(button, dict):
                    raise ApiError("can't parse inline keyboard button: buttons must be Objects")
                if not isinstance(button.get("text"), str) or not button["text"].strip():
                    raise ApiError("can't parse inline keyboard button: Text must be non-empty")
                actions = [a for a in BUTTON_ACTIONS if a in button]
                if len(actions) != 1:
                    raise ApiError(
                        "can't parse inline keyboard button: exactly one of the "
                        "optional fields must be used"
                    )
                if "callback_data" in button:
                    data = button["callback_data"]
                    if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                        raise ApiError("BUTTON_DATA_INVALID")
                if "url" in button:
                    url = button["url"]
                    if not isinstance(url, str) or not re.match(r"^(https?|tg)://\S+$", url):
                        raise ApiError("BUTTON_URL_INVALID")
        return markup

    def _reply_markup(self, p: Params, *, inline_only: bool = False) -> JSON | None:
        markup = p.json("reply_markup", dict)
        if markup is None:
            return None
        if "inline_keyboard" in markup or inline_only:
            return self._inline_keyboard(markup)
        if not any(k in markup for k in ("keyboard", "remove_keyboard", "force_reply")):
            raise ApiError("can't parse reply keyboard markup JSON object")
        return markup

    def api_sendmessage(self, p: Params) -> JSON:
        with self.cond:
            chat = self._chat(p)
            text, entities = self._text(p, "text", "parse_mode", "entities")
            markup = self._reply_markup(p)
            p.json("link_preview_options", dict)
            reply = p.json("reply_parameters", dict)
            message: JSON = {
                "message_id": 0,
                "date": int(time.time()),
                "chat": chat,
                "from": dict(self.bot_user),
                "text": text,
            }
            if reply is not None:
                if not isinstance(reply.get("message_id"), int):
                    raise ApiError('field "message_id" must be of type Integer')
                original = self.messages.get((chat["id"], reply["message_id"]))
                if original is None and not reply.get("allow_sending_without_reply"):
                    raise ApiError("message to be replied not found")
                if original is not None:
                    message["reply_to_message"] = original
            reply_to = p.int("reply_to_message_id")
            if reply_to is not None and (chat["id"], reply_to) in self.messages:
                message["reply_to_message"] = self.messages[(chat["id"], reply_to)]
            thread = p.int("message_thread_id")
            if thread is not None:
                message["message_thread_id"] = thread
            if entities:
                message["entities"] = entities
            if markup is not None and "inline_keyboard" in markup:
                message["reply_markup"] = markup
            message["message_id"] = self._new_message_id(chat["id"])
            self.messages[(chat["id"], message["message_id"])] = message
            return message

    def api_senddocument(self, p: Params) -> JSON:
        """A file: uploaded (multipart) or a known ``file_id``; HTML caption up to 1,024."""
        with self.cond:
            chat = self._chat(p)
            document = p.raw("document")
            if isinstance(document, Upload):
                file_id = f"doc{len(self.files) + 1}"
                self.files[file_id] = document
            elif isinstance(document, str) and document in self.files:
                file_id = document
            elif document in (None, ""):
                raise ApiError("there is no document in the request")
            else:
                raise ApiError("wrong remote file identifier specified: can't unserialize it")
            upload = self.files[file_id]
            if not upload.content:
                raise ApiError("file must be non-empty")
            message: JSON = {
                "message_id": 0,
                "date": int(time.time()),
                "chat": chat,
                "from": dict(self.bot_user),
                "document": {
                    "file_id": file_id,
                    "file_unique_id": f"u{file_id}",
                    "file_name": upload.filename,
                    "mime_type": upload.mime_type,
                    "file_size": len(upload.content),
                },
            }
            if "caption" in p:
                caption, entities = self._text(p, "caption", "parse_mode", "caption_entities")
                if utf16_len(caption) > MAX_CAPTION:
                    raise ApiError("message caption is too long")
                message["caption"] = caption
                if entities:
                    message["caption_entities"] = entities
            markup = self._reply_markup(p)
            if markup is not None and "inline_keyboard" in markup:
                message["reply_markup"] = markup
            message["message_id"] = self._new_message_id(chat["id"])
            self.messages[(chat["id"], message["message_id"])] = message
            return message

    def _bot_message(self, p: Params) -> JSON | None:
        """The message an edit refers to (None for inline messages)."""
        if "inline_message_id" in p:
            if "chat_id" in p or "message_id" in p:
                raise ApiError("chat_id and message_id must be empty with inline_message_id")
            return None
        chat = self._chat(p)
        message_id = p.int("message_id")
        if message_id is None:
            raise ApiError("message identifier is not specified")
        message = self.messages.get((chat["id"], message_id))
        if message is None:
            raise ApiError("message to edit not found")
        if message["from"]["id"] != self.bot_user["id"]:
            raise ApiError("message can't be edited")
        return message

    def api_editmessagetext(self, p: Params) -> JSON | bool:
        with self.cond:
            message = self._bot_message(p)
            text, entities = self._text(p, "text", "parse_mode", "entities")
            markup = self._reply_markup(p, inline_only=True)
            p.json("link_preview_options", dict)
            if message is None:
                return True
            if "text" not in message:
                raise ApiError("there is no text in the message to edit")
            if (
                message["text"] == text
                and message.get("entities", []) == entities
                and message.get("reply_markup") == markup
            ):
                raise ApiError(NOT_MODIFIED)
            edited = {**message, "text": text, "edit_date": int(time.time())}
            edited.pop("entities", None)
            edited.pop("reply_markup", None)
            if entities:
                edited["entities"] = entities
            if markup is not None:
                edited["reply_markup"] = markup
            self.messages[(message["chat"]["id"], message["message_id"])] = edited
            return edited

    def api_editmessagereplymarkup(self, p: Params) -> JSON | bool:
        with self.cond:
            message = self._bot_message(p)
            markup = self._reply_markup(p, inline_only=True)
            if message is None:
                return True
            if message.get("reply_markup") == markup:
                raise ApiError(NOT_MODIFIED)
            edited = {**message, "edit_date": int(time.time())}
            edited.pop("reply_markup", None)
            if markup is not None:
                edited["reply_markup"] = markup
            self.messages[(message["chat"]["id"], message["message_id"])] = edited
            return edited
