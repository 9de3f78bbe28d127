"""Request parameters, read and type-checked the way the Bot API reads them."""

from __future__ import annotations

import json
import re
from typing import Any

from .common import JSON, ApiError


class Params:
    """Typed access to request parameters the way the Bot API reads them."""

    def __init__(self, values: JSON) -> None:
        self.values = values

    def __contains__(self, name: str) -> bool:
        return name in self.values and self.values[name] not in (None, "")

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def str(self, name: str, *, required: bool = False, empty: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise ApiError(empty or f"{name} is empty")
            return None
        if isinstance(value, (dict, list, bool)):
            raise ApiError(f'field "{name}" must be of type String')
        return str(value)

    def int(self, name: str, *, required: bool = False) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise ApiError(f"{name} is empty" if name != "chat_id" else "chat_id is empty")
            return None
        if isinstance(value, bool):
            raise ApiError(f'field "{name}" must be of type Integer')
        if isinstance(value, int):
            return value
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            return int(value)
        raise ApiError(f'field "{name}" must be of type Integer')

    def bool(self, name: str) -> bool | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
            return value.lower() in ("true", "1")
        if isinstance(value, int):
            return bool(value)
        raise ApiError(f'field "{name}" must be of type Boolean')

    def json(self, name: str, kind: type) -> Any:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise ApiError(f"can't parse {name} JSON object") from None
        if not isinstance(value, kind):
            raise ApiError(
                f'field "{name}" must be of type {"Array" if kind is list else "Object"}'
            )
        return value
