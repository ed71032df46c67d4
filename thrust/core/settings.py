"""One typed settings object, read from the environment, with embedded defaults for a single box."""

from __future__ import annotations

import ipaddress
import os
import secrets
import stat
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AliasChoices,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from thrust.core.files import sync_folder

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VERSION = "0.1.0"

SUPPORTED_DATABASES = ("sqlite", "postgresql")


class SettingsError(Exception):
    """A setting is malformed or points at something unreachable; the message names the variable."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


class Settings(BaseSettings):
    """Everything THRUST reads from its environment. Unset means the embedded default."""

    model_config = SettingsConfigDict(env_prefix="THRUST_", extra="ignore", case_sensitive=False)

    data_dir: Path = Field(
        default=PROJECT_ROOT / "data",
        description="Folder for the SQLite file and generated secrets.",
    )
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "THRUST_DATABASE_URL"),
        description="SQLAlchemy URL; default is a SQLite file under the data folder.",
    )
    redis_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("REDIS_URL", "THRUST_REDIS_URL"),
        description="Redis for Reflex state, the realtime bus and rate limits; default in-process.",
    )
    jwt_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("JWT_SECRET", "THRUST_JWT_SECRET"),
        description="HMAC key for tokens; default is generated once into the data folder.",
    )
    public_url: str = Field(
        default="http://localhost:3000",
        description="Where browsers reach THRUST; the frontend, socket and /api/v1 share it.",
    )
    port: int = Field(default=3000, ge=1, le=65535, description="Port the app listens on.")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Extra origins allowed to call the API with credentials (comma separated).",
    )
    trusted_proxy_hops: int = Field(
        default=0,
        ge=0,
        le=5,
        description="Reverse proxies in front of THRUST whose X-Forwarded-For is trusted for client IPs.",
    )
    admin_password: SecretStr | None = Field(
        default=None, description="Password of the demo admin created by `seed`."
    )
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "THRUST_OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_BASE_URL", "THRUST_OPENAI_BASE_URL")
    )
    openai_model: str = Field(
        default="gpt-4o-mini",
        validation_alias=AliasChoices("OPENAI_MODEL", "THRUST_OPENAI_MODEL"),
    )
    ai_timeout_seconds: float = Field(
        default=120.0,
        gt=0,
        le=1800,
        description="How long one model call may take; local models on a CPU may need several minutes.",
    )
    ai_response_format: Literal["json_schema", "json_object"] = Field(
        default="json_schema",
        description="`json_schema`: structured output (plain JSON mode when the server refuses it); "
        "`json_object`: plain JSON mode always, for servers that accept a schema but ignore it.",
    )
    log_level: str = Field(default="INFO")
    log_format: Literal["text", "json"] = Field(
        default="text", description="`json`: one JSON object per line; `text`: readable lines."
    )
    # -- e-mail (membership expiry reminders) ------------------------------------------------------
    smtp_host: str | None = Field(default=None, description="SMTP server; unset means no e-mails are sent.")
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["starttls", "tls", "none"] = Field(
        default="starttls", description="`starttls` (port 587), `tls` (implicit TLS, port 465) or `none`."
    )
    smtp_user: str | None = Field(default=None)
    smtp_password: SecretStr | None = Field(default=None)
    smtp_sender: str | None = Field(
        default=None, description="From address, e.g. `Gym <desk@gym.example>`; default the SMTP user."
    )
    smtp_timeout: float = Field(default=20.0, gt=0, le=300)
    reminder_days: Annotated[list[int], NoDecode] = Field(
        default_factory=lambda: [30, 7, 1],
        description="Days before a membership ends when its member is reminded (comma separated).",
    )
    reminder_digest_days: int = Field(
        default=7, ge=0, le=90, description="Staff digest: memberships ending within this many days."
    )
    # -- housekeeping ---------------------------------------------------------------------------------
    retention_days: int = Field(
        default=90, ge=1, le=3650, description="Ended sessions, job runs and reminders older than this go."
    )
    ai_usage_retention_days: int = Field(default=365, ge=1, le=3650)
    # -- monitoring -----------------------------------------------------------------------------------
    metrics_allow: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["127.0.0.0/8", "::1/128"],
        description="Addresses or networks that may read /metrics (comma separated; empty for none).",
    )
    metrics_token: SecretStr | None = Field(
        default=None, description="A bearer token that may read /metrics from any address."
    )
    sentry_dsn: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SENTRY_DSN", "THRUST_SENTRY_DSN"),
        description="Report unhandled errors to Sentry (or a compatible service).",
    )

    _token_secret: str | None = PrivateAttr(default=None)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip().rstrip("/") for part in value.split(",") if part.strip()]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _check_origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            # With credentials allowed, * or null would let any site (or a sandboxed frame) act as
            # the signed-in user.
            if "*" in origin or origin.lower() == "null":
                raise ValueError(f"must name each origin (like https://app.example.com), never {origin!r}")
            if not origin.startswith(("http://", "https://")):
                raise ValueError(f"{origin!r} is not an origin like https://app.example.com")
        return value

    @field_validator("reminder_days", mode="before")
    @classmethod
    def _split_days(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not all(part.isdigit() for part in parts):
                raise ValueError("must be whole numbers of days, comma separated (e.g. 30,7,1)")
            value = [int(part) for part in parts]
        return value

    @field_validator("reminder_days")
    @classmethod
    def _check_days(cls, value: list[int]) -> list[int]:
        if any(day < 0 or day > 365 for day in value):
            raise ValueError("each must be between 0 and 365 days")
        return sorted(set(value), reverse=True)

    @field_validator("metrics_allow", mode="before")
    @classmethod
    def _split_networks(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("metrics_allow")
    @classmethod
    def _check_networks(cls, value: list[str]) -> list[str]:
        for part in value:
            try:
                ipaddress.ip_network(part, strict=False)
            except ValueError:
                raise ValueError(f"{part!r} is not an address or network (e.g. 10.0.0.0/8)") from None
        return value

    @field_validator("database_url", "redis_url")
    @classmethod
    def _check_service_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        # Empty means unset: the embedded default (SQLite file, in-process state) takes its place.
        if value is None or value == "":
            return None
        return _database_url(value) if info.field_name == "database_url" else _redis_url(value)

    @field_validator("public_url")
    @classmethod
    def _check_public_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    # -- derived values -------------------------------------------------------------------------

    @property
    def db_url(self) -> str:
        """The database URL in force: the configured one, or the embedded SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'thrust.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.db_url.startswith("sqlite")

    @property
    def allowed_origins(self) -> list[str]:
        """Origins allowed to send credentials: the public URL plus any extras, never `*`."""
        return list(dict.fromkeys([self.public_url, *self.cors_origins]))

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def email_enabled(self) -> bool:
        return bool(self.smtp_host)

    @property
    def email_sender(self) -> str:
        """The From address: the configured sender, else the SMTP user, else thrust@<public host>."""
        if self.smtp_sender:
            return self.smtp_sender
        if self.smtp_user and "@" in self.smtp_user:
            return self.smtp_user
        host = self.public_url.split("://", 1)[1].split("/", 1)[0].split(":", 1)[0]
        return f"thrust@{host}"

    def token_secret(self) -> str:
        """The JWT signing key: from the environment, else generated once into the data folder.

        Read once per process (every token issued or checked needs it)."""
        if self._token_secret is None:
            if self.jwt_secret is not None:
                self._token_secret = self.jwt_secret.get_secret_value()
            else:
                self._token_secret = _secret_file(self.data_dir / "jwt_secret")
        return self._token_secret


VARIABLE_NAMES = {
    "database_url": "DATABASE_URL",
    "redis_url": "REDIS_URL",
    "jwt_secret": "JWT_SECRET",
    "openai_api_key": "OPENAI_API_KEY",
    "openai_base_url": "OPENAI_BASE_URL",
    "openai_model": "OPENAI_MODEL",
    "sentry_dsn": "SENTRY_DSN",
}


MIN_SECRET_BYTES = 32


def _database_url(value: str) -> str:
    """`value` if it names a database THRUST speaks (PostgreSQL always through psycopg 3)."""
    try:
        url = make_url(value)
    except ArgumentError as exc:
        raise ValueError("is not a database URL (expected e.g. postgresql+psycopg://user@host/db)") from exc
    backend = url.get_backend_name()
    if backend not in SUPPORTED_DATABASES:
        raise ValueError(f"database '{backend}' is not supported (use sqlite or postgresql)")
    if backend == "postgresql":
        if not url.host and not url.query.get("host"):
            raise ValueError("has no host")
        if not url.database:
            raise ValueError("has no database name")
        # Always speak psycopg 3, whatever driver the URL names.
        value = url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return value


def _redis_url(value: str) -> str:
    """`value` if it is a Redis URL."""
    if not value.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError("must start with redis://, rediss:// or unix://")
    return value


def _secret_file(path: Path) -> str:
    """Read the key file, creating it (mode 0600) with fresh random bytes the first time.

    Created atomically: the key is written and synced to a private temporary file in the same folder,
    then hard-linked into place, which fails if the file exists. So workers starting together all end
    up with the first one's key, and none ever reads a half-written file.
    """
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(value)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return _read_secret(path)  # another worker won the race: use its key
        except OSError as exc:
            raise SettingsError("JWT_SECRET", f"cannot create the key file {path} ({exc.strerror})") from None
        sync_folder(path.parent)
        return value
    finally:
        os.unlink(temporary)


def _read_secret(path: Path) -> str:
    """The key in an existing key file; refused if other users may read it or it is too short."""
    with path.open("rb") as handle:
        mode = stat.S_IMODE(os.fstat(handle.fileno()).st_mode)
        raw = handle.read()
    if mode & 0o077:
        raise SettingsError(
            "JWT_SECRET", f"the key file {path} is open to other users (mode {mode:o}); run: chmod 600 {path}"
        )
    value = raw.decode("utf-8", errors="replace").strip()
    if len(value.encode()) < MIN_SECRET_BYTES:
        raise SettingsError(
            "JWT_SECRET",
            f"the key file {path} holds fewer than {MIN_SECRET_BYTES} bytes; delete it to generate a new key",
        )
    return value


def load_settings() -> Settings:
    """Read the settings, turning pydantic's report into one SettingsError naming the variable."""
    try:
        settings = Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "settings"
        # pydantic reports an aliased field under the alias it read (e.g. DATABASE_URL).
        variable = VARIABLE_NAMES.get(field.lower(), f"THRUST_{field.upper()}")
        if field.upper() in VARIABLE_NAMES.values() or field.upper().startswith("THRUST_"):
            variable = field.upper()
        message = str(error["msg"]).removeprefix("Value error, ")
        raise SettingsError(variable, message) from None
    if settings.jwt_secret is not None and len(settings.jwt_secret.get_secret_value()) < 32:
        raise SettingsError("JWT_SECRET", "must be at least 32 characters")
    return settings


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests call `get_settings.cache_clear()` after changing env)."""
    return load_settings()
