"""Bot API methods about chats and the bot's profile: administrators, chat actions, commands
and descriptions."""

from __future__ import annotations

import json
import re

from .common import CHAT_ACTIONS, JSON, ApiError
from .core import ServerCore
from .params import Params


class ChatMethods(ServerCore):
    """getChatAdministrators, setMyCommands, setMyDescription ...; see :class:`BotApiServer`."""

    def api_getchatadministrators(self, p: Params) -> list[JSON]:
        chat_id = p.int("chat_id", required=True)
        with self.cond:
            if chat_id not in self.chats:
                raise ApiError("Bad Request: chat not found")
            return [
                {"status": "administrator" if i else "creator", "user": user, "is_anonymous": False}
                | (
                    {}
                    if not i
                    else {
                        "can_be_edited": False,
                        "can_manage_chat": True,
                        "can_change_info": True,
                        "can_delete_messages": True,
                        "can_invite_users": True,
                        "can_restrict_members": True,
                        "can_pin_messages": True,
                        "can_promote_members": False,
                        "can_manage_video_chats": True,
                        "can_post_stories": False,
                        "can_edit_stories": False,
                        "can_delete_stories": False,
                    }
                )
                for i, user in enumerate(self.chat_admins.get(int(chat_id), []))
            ]

    def api_sendchataction(self, p: Params) -> bool:
        with self.cond:
            self._chat(p)
        action = p.str("action", required=True)
        if action not in CHAT_ACTIONS:
            raise ApiError("wrong parameter action in request")
        return True

    @staticmethod
    def _scope_key(p: Params) -> tuple[str, str]:
        scope = p.json("scope", dict) or {"type": "default"}
        if scope.get("type") not in (
            "default",
            "all_private_chats",
            "all_group_chats",
            "all_chat_administrators",
            "chat",
            "chat_administrators",
            "chat_member",
        ):
            raise ApiError("can't parse BotCommandScope: unknown type")
        language = p.str("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise ApiError("invalid language code specified")
        return json.dumps(scope, sort_keys=True), language

    def api_setmycommands(self, p: Params) -> bool:
        commands = p.json("commands", list)
        if commands is None:
            raise ApiError("commands is empty")
        if len(commands) > 100:
            raise ApiError("too many commands")
        for command in commands:
            if not isinstance(command, dict):
                raise ApiError("can't parse BotCommand")
            name, description = command.get("command"), command.get("description")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise ApiError("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise ApiError("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._scope_key(p)
        with self.cond:
            self.commands[key] = commands
        return True

    def api_deletemycommands(self, p: Params) -> bool:
        key = self._scope_key(p)
        with self.cond:
            self.commands.pop(key, None)
        return True

    def api_getmycommands(self, p: Params) -> list[JSON]:
        key = self._scope_key(p)
        with self.cond:
            return self.commands.get(key) or self.commands.get((key[0], ""), [])

    def _describe(self, p: Params, field: str, limit: int) -> bool:
        text = p.str(field) or ""
        if len(text) > limit:
            raise ApiError(f"{field} is too long")
        language = p.str("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise ApiError("invalid language code specified")
        with self.cond:
            store = self.descriptions.setdefault(field, {})
            if text:
                store[language] = text
            else:
                store.pop(language, None)
        return True

    def _described(self, p: Params, field: str) -> JSON:
        language = p.str("language_code") or ""
        with self.cond:
            store = self.descriptions.get(field, {})
            return {field: store.get(language, store.get("", ""))}

    def api_setmydescription(self, p: Params) -> bool:
        return self._describe(p, "description", 512)

    def api_setmyshortdescription(self, p: Params) -> bool:
        return self._describe(p, "short_description", 120)

    def api_getmydescription(self, p: Params) -> JSON:
        return self._described(p, "description")

    def api_getmyshortdescription(self, p: Params) -> JSON:
        return self._described(p, "short_description")
