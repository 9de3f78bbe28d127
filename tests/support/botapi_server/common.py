"""What every part of the test server shares: the JSON type, the Bot API's constants and
limits, :class:`ApiError`, UTF-16 lengths and canonical method names."""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]

UPDATE_TYPES = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "message_reaction",
    "message_reaction_count",
    "inline_query",
    "chosen_inline_result",
    "callback_query",
    "shipping_query",
    "pre_checkout_query",
    "purchased_paid_media",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
)
#: Delivered when ``allowed_updates`` was never given (Telegram's default).
DEFAULT_UPDATE_TYPES = tuple(
    t
    for t in UPDATE_TYPES
    if t not in ("chat_member", "message_reaction", "message_reaction_count")
)
CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}
BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
INLINE_RESULT_TYPES = {
    "article",
    "photo",
    "gif",
    "mpeg4_gif",
    "video",
    "audio",
    "voice",
    "document",
    "location",
    "venue",
    "contact",
    "game",
    "sticker",
}
MAX_TEXT = 4096
MAX_CAPTION = 1024
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


class ApiError(Exception):
    """A Bot API error answer."""

    def __init__(self, description: str, code: int = 400) -> None:
        prefix = {400: "Bad Request: ", 403: "Forbidden: ", 409: "Conflict: "}.get(code, "")
        super().__init__(prefix + description)
        self.code = code
        self.description = prefix + description


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (how Telegram counts)."""
    return len(text.encode("utf-16-le")) // 2


def canonical(method: str) -> str:
    names = {
        name[4:].lower(): name[4:]
        for name in (
            "api_getMe",
            "api_logOut",
            "api_close",
            "api_getUpdates",
            "api_setWebhook",
            "api_deleteWebhook",
            "api_getWebhookInfo",
            "api_sendMessage",
            "api_sendDocument",
            "api_editMessageText",
            "api_editMessageReplyMarkup",
            "api_answerCallbackQuery",
            "api_answerInlineQuery",
            "api_sendChatAction",
            "api_setMyCommands",
            "api_deleteMyCommands",
            "api_getMyCommands",
            "api_setMyDescription",
            "api_setMyShortDescription",
            "api_getMyDescription",
            "api_getMyShortDescription",
        )
    }
    return names.get(method.lower(), method)
