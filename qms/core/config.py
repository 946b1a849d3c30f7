"""Settings read from ``QMS_`` environment variables, and the one channel code reads them by.

The settings of a process are those its app or command was started with: ``create_app`` and
the ``qms`` command hand them to :func:`use`. Code reads them in one of two ways, which give
the same object:

- a route takes them from its request (``SettingsDep``, ``request.app.state.settings``): the
  settings of the app that serves it, the way FastAPI hands a route everything else;
- code that runs without a request in hand (listeners of the lifecycle, template helpers,
  the signing of records, services' throttle) calls :func:`current`. A job is handed the
  settings of the app or command that runs it, which are the process's.

:func:`current` is the settings of the app serving the request under way (the request
context sets them, :func:`using`), else those the process was started with (:func:`use`),
else the environment's. The first makes the answer right when one process holds several apps
with settings of their own (the tests do: ``settings.model_copy(update=...)``, an app's
settings swapped for a test), where a process global alone would answer with the last app
made. :func:`chosen` is the same without the environment: ``None`` when neither an app nor a
command said which settings they run with, for what only they may do (records are signed
with the agency's key only then).

No capability keeps settings of its own; none reads the environment after start.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import EmailStr, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from qms.core.private_files import private_dir


class ConfigError(Exception):
    """A setting is wrong; the message is one line meant for the operator."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QMS_", extra="ignore")

    data_dir: Path = Path("./var")
    database_url: str | None = None
    secret_key: str | None = Field(default=None, repr=False)
    audit_key: str | None = Field(default=None, repr=False)
    timezone: str = "Asia/Ho_Chi_Minh"
    base_url: str = "http://127.0.0.1:8000"
    default_language: str = "vi"

    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    api_token_hours: int = Field(default=12, ge=1, le=24 * 30)
    login_free_failures_per_user: int = Field(default=3, ge=1)
    login_free_failures_per_address: int = Field(default=10, ge=1)
    login_delay_cap_seconds: int = Field(default=300, ge=1, le=3600)
    login_window_minutes: int = Field(default=60, ge=1)

    max_upload_mb: int = Field(default=20, ge=1, le=1024)
    max_json_kb: int = Field(default=1024, ge=1, le=1024 * 1024)
    upload_allow_macros: bool = False

    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: str | None = Field(default=None, repr=False)
    smtp_starttls: bool = False
    smtp_from: EmailStr = "qms@localhost.localdomain"

    scheduler: bool = True
    scheduler_interval_seconds: int = Field(default=60, ge=1, le=24 * 3600)

    signing_p12: Path | None = None
    signing_p12_password: str | None = Field(default=None, repr=False)
    signing_ca: Path | None = None
    #: The agency's key on a PKCS#11 token or HSM instead of a PKCS#12 file: the module (.so),
    #: the token's label, the key's label, the user PIN and the certificate (PEM, then its chain).
    signing_pkcs11_module: Path | None = None
    signing_pkcs11_token: str = ""
    signing_pkcs11_key: str = ""
    signing_pkcs11_pin: str | None = Field(default=None, repr=False)
    signing_pkcs11_cert: Path | None = None
    tsa_url: str | None = None
    tsa_timeout_seconds: int = Field(default=10, ge=1, le=120)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("sqlite:///", "postgresql+psycopg://")):
            raise ValueError("must start with sqlite:/// or postgresql+psycopg://")
        try:
            url = make_url(value)
        except (ArgumentError, ValueError):
            raise ValueError("is not a valid database URL (check the port and the special "
                             "characters of the password)") from None
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            raise ValueError("must name a database file, e.g. sqlite:////var/lib/qms/qms.sqlite3")
        return value

    @field_validator("signing_p12", "signing_ca", "signing_pkcs11_module", "signing_pkcs11_cert",
                     mode="before")
    @classmethod
    def _readable_file(cls, value: object) -> object:
        if value is None or value == "":
            return None
        path = Path(str(value))
        if not path.is_file():
            raise ValueError(f"{path} is not a file")
        if not os.access(path, os.R_OK):
            raise ValueError(f"{path} cannot be read")
        return path

    @field_validator("tsa_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL of an RFC 3161 timestamp authority")
        return value

    @field_validator("default_language")
    @classmethod
    def _supported_language(cls, value: str) -> str:
        if value not in ("vi", "en"):
            raise ValueError("must be vi or en")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'qms.sqlite3').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    def resolved_secret_key(self) -> str:
        """The configured key, else one generated once and kept in the data folder."""
        if self.secret_key:
            return self.secret_key
        return _kept_secret(self.data_dir / "secret_key", lambda: secrets.token_urlsafe(48))

    def resolved_audit_key(self) -> bytes:
        """The key of the audit chain's HMAC: ``QMS_AUDIT_KEY``, else one generated once and
        kept in the data folder (``audit_key``), never in the database."""
        if self.audit_key:
            return self.audit_key.encode("utf-8")
        return _kept_secret(self.data_dir / "audit_key", lambda: secrets.token_hex(32)).encode("ascii")

    def stored_audit_key(self) -> bytes | None:
        """The audit key if there is one yet; reading never creates it."""
        if self.audit_key:
            return self.audit_key.encode("utf-8")
        key_file = self.data_dir / "audit_key"
        if not key_file.exists():
            return None
        return key_file.read_text(encoding="ascii").strip().encode("ascii")


def _kept_secret(key_file: Path, make: Callable[[], str]) -> str:
    """The secret in ``key_file``, created 0600 on first use."""
    if key_file.exists():
        return key_file.read_text(encoding="ascii").strip()
    private_dir(key_file.parent)
    # Several workers may start at once: each writes a whole key to a file of its own,
    # then links it into place, which succeeds for one only; the others read its key.
    key = make()
    draft = key_file.with_name(f".{key_file.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key)
        try:
            os.link(draft, key_file)
        except FileExistsError:
            return key_file.read_text(encoding="ascii").strip()
    finally:
        draft.unlink(missing_ok=True)
    return key


def load_settings() -> Settings:
    """Read the environment; a wrong value raises ConfigError naming the variable."""
    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]).upper() if first["loc"] else "?"
        reason = first["msg"].removeprefix("Value error, ")
        raise ConfigError(f"QMS_{field}: {reason}") from None
    try:
        private_dir(settings.data_dir)
    except OSError as exc:
        raise ConfigError(f"QMS_DATA_DIR: cannot create {settings.data_dir}: {exc.strerror}") from None
    return settings


@lru_cache
def _environment() -> Settings:
    return load_settings()


_lock = threading.Lock()
_process: Settings | None = None
_context: ContextVar[Settings | None] = ContextVar("qms_settings", default=None)


def use(settings: Settings) -> Settings:
    """Make ``settings`` those of this process: an app or a command starts with them."""
    global _process
    with _lock:
        _process = settings
    return settings


@contextmanager
def using(settings: Settings) -> Iterator[Settings]:
    """``settings`` for what runs inside (a request of an app), in this context only."""
    token = _context.set(settings)
    try:
        yield settings
    finally:
        _context.reset(token)


def chosen() -> Settings | None:
    """The settings an app or a command runs with here; None when none said."""
    return _context.get() or _process


def current() -> Settings:
    """The settings in force here: :func:`chosen`, else the environment's (read once)."""
    return chosen() or _environment()
