"""Bot API methods that answer callback and inline queries."""

from __future__ import annotations

import re

from .common import INLINE_RESULT_TYPES, QUERY_INVALID, ApiError
from .methods_messages import MessageMethods
from .params import Params


class QueryMethods(MessageMethods):
    """answerCallbackQuery, answerInlineQuery; see :class:`BotApiServer`."""

    def api_answercallbackquery(self, p: Params) -> bool:
        query_id = p.str("callback_query_id", required=True, empty="QUERY_ID_INVALID")
        text = p.str("text")
        if text is not None and len(text) > 200:
            raise ApiError("MESSAGE_TOO_LONG")
        p.bool("show_alert")
        p.int("cache_time")
        with self.cond:
            query = self.callback_queries.get(str(query_id))
            if query is None or query.answered:
                raise ApiError(QUERY_INVALID)
            query.answered = True
            query.answer = {"text": text, "show_alert": bool(p.bool("show_alert"))}
        return True

    def api_answerinlinequery(self, p: Params) -> bool:
        query_id = p.str("inline_query_id", required=True, empty="QUERY_ID_INVALID")
        results = p.json("results", list)
        if results is None:
            raise ApiError("results is empty")
        if len(results) > 50:
            raise ApiError("RESULTS_TOO_MUCH")
        ids = set()
        for result in results:
            if not isinstance(result, dict):
                raise ApiError("can't parse inline query result")
            if result.get("type") not in INLINE_RESULT_TYPES:
                raise ApiError("RESULT_TYPE_INVALID")
            rid = result.get("id")
            if not isinstance(rid, str) or not 1 <= len(rid.encode("utf-8")) <= 64:
                raise ApiError("RESULT_ID_INVALID")
            if rid in ids:
                raise ApiError("RESULT_ID_DUPLICATE")
            ids.add(rid)
            if result["type"] == "article":
                if not isinstance(result.get("title"), str) or not result["title"].strip():
                    raise ApiError("RESULT_TITLE_EMPTY")
                content = result.get("input_message_content")
                if not isinstance(content, dict):
                    raise ApiError("input_message_content is required for articles")
                if "message_text" in content:
                    inner = Params(
                        {
                            "message_text": content.get("message_text"),
                            "parse_mode": content.get("parse_mode"),
                            "entities": content.get("entities"),
                        }
                    )
                    self._text(inner, "message_text", "parse_mode", "entities")
                if "description" in result and not isinstance(result["description"], str):
                    raise ApiError('field "description" must be of type String')
            if "reply_markup" in result:
                self._inline_keyboard(result["reply_markup"], where="inline result reply markup")
        button = p.json("button", dict)
        if button is not None:
            text = button.get("text")
            if not isinstance(text, str) or not text.strip():
                raise ApiError("BUTTON_TEXT_INVALID")
            start = button.get("start_parameter")
            if ("web_app" in button) == (start is not None):
                raise ApiError("exactly one of web_app and start_parameter must be given")
            if start is not None and (
                not isinstance(start, str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", start)
            ):
                raise ApiError("START_PARAM_INVALID")
        cache_time = p.int("cache_time")
        is_personal = p.bool("is_personal")
        next_offset = p.str("next_offset")
        if next_offset is not None and len(next_offset.encode("utf-8")) > 64:
            raise ApiError("NEXT_OFFSET_INVALID")
        with self.cond:
            query = self.inline_queries.get(str(query_id))
            if query is None or query.answered:
                raise ApiError(QUERY_INVALID)
            query.answered = True
            query.answer = {
                "results": results,
                "cache_time": cache_time,
                "is_personal": is_personal,
                "button": button,
            }
        return True
