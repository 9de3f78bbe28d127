"""Settings from the environment (and an optional ``.env`` file), validated at start.

One object, built once by the entry points and passed down; nothing else reads
``os.environ``. Invalid values fail with one clear line (see :func:`load_settings`).
"""

from __future__ import annotations

import secrets
import socket
from datetime import time
from pathlib import Path

import platformdirs
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"


class SettingsError(Exception):
    """Configuration is missing or invalid; the message is one line for the operator."""


class Settings(BaseSettings):
    """Everything the bot can be configured with. Field names are the environment names."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = DEFAULT_API_BASE_URL
    database_url: str | None = None
    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir("welcomebot")))
    # names this process's heartbeat file (DATA_DIR/heartbeat.<id>); distinct per replica
    replica_id: str = Field(
        default_factory=lambda: socket.gethostname() or "localhost",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$",
    )
    faq_dir: Path | None = None
    # where the validated FAQ and its index are cached (faq/cache.py); unset: the user's
    # cache directory; "off": no cache
    cache_dir: str | None = Field(
        default=None, validation_alias=AliasChoices("WELCOMEBOT_CACHE_DIR", "cache_dir")
    )
    staff_chat_id: int | None = None
    staff_user_ids: str = ""
    # administrators of the staff chat count as staff too (besides STAFF_USER_IDS)
    staff_chat_admins: bool = False
    hash_secret: SecretStr | None = None
    retention_days: int = Field(default=180, ge=1)
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    digest_time: time | None = None  # Europe/Amsterdam; 09:00 when unset
    handoffs_per_day: int = Field(default=3, ge=1)
    watch_faq: bool = False
    user_messages_per_minute: int = Field(default=20, ge=1)
    # button presses a user may make a minute (separate from the texts above)
    button_presses_per_minute: int = Field(default=120, ge=1)
    # messages a second the bot sends over all chats (Telegram's limit); 0: no throttle
    telegram_max_rate: float = Field(default=30.0, ge=0)
    log_level: str = "INFO"

    @field_validator("telegram_api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("staff_user_ids")
    @classmethod
    def _ids(cls, value: str) -> str:
        for part in value.replace(";", ",").split(","):
            if part.strip() and not part.strip().lstrip("-").isdigit():
                raise ValueError(f"{part.strip()!r} is not a numeric Telegram user id")
        return value

    @property
    def staff_ids(self) -> frozenset[int]:
        """Staff user ids as numbers."""
        parts = self.staff_user_ids.replace(";", ",").split(",")
        return frozenset(int(p) for p in parts if p.strip())

    @property
    def effective_database_url(self) -> str:
        """``DATABASE_URL``, else an SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'welcomebot.sqlite3'}"

    def local_hash_secret(self) -> str:
        """``HASH_SECRET``, else one generated once into the data directory.

        Only the local CLI uses this; ``welcomebot run`` requires ``HASH_SECRET`` so that
        replicas and restarts agree on it.
        """
        if self.hash_secret:
            return self.hash_secret.get_secret_value()
        path = self.data_dir / "hash_secret"
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_hex(32)
        path.touch(mode=0o600)
        path.write_text(secret, encoding="utf-8")
        return secret


def load_settings(**overrides: object) -> Settings:
    """Build :class:`Settings` or raise :class:`SettingsError` with one readable line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first["loc"]).upper() or "settings"
        raise SettingsError(f"invalid setting {name}: {first['msg']}") from None
