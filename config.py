"""Settings: read once from the environment (and `.env` in development), then passed down.

Nothing else in linehub reads `os.environ`; every component receives the `Settings` it
was built with, so tests build their own and two apps in one process never share state.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from starlette.config import Config

# how persisted queries are taken (web.persisted)
PERSISTED_QUERY_MODES = ("auto", "registered", "off")
DEFAULT_SECRET_KEY = "dev-insecure-secret-key-change-me"  # noqa: S105 - refused in production
ENVIRONMENTS = ("development", "test", "production")


class ConfigError(RuntimeError):
    """The environment describes a configuration the server must not start with."""


def _bool(value: str | bool) -> bool:
    if isinstance(value, bool):
        return value
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"not a boolean: {value!r}")


def _csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class QueryLimits:
    """Bounds checked on every GraphQL document before it runs (API.md section 7)."""

    max_depth: int = 15
    max_aliases: int = 30
    max_tokens: int = 5_000
    max_body_bytes: int = 100_000
    max_cost: int = 1_000
    # what one request may spend: its time (in PostgreSQL every statement is stopped at
    # the same mark) and the size of its answer
    request_seconds: float = 10.0
    max_response_bytes: int = 2_000_000


@dataclass(frozen=True)
class Argon2Params:
    """argon2id cost; the defaults are RFC 9106's second recommended option (64 MiB, t=3)."""

    time_cost: int = 3
    memory_cost: int = 65_536
    parallelism: int = 4


@dataclass(frozen=True)
class JobSettings:
    """How `linehub worker` (and the in-process runner on SQLite) runs background jobs."""

    concurrency: int = 4  # jobs one worker process runs at once
    # SIGTERM: running jobs get this long to finish; the rest are released to be retried
    stop_seconds: float = 30.0
    # a worker beats every heartbeat_seconds; one silent for stalled_seconds is dead, and
    # the schedule puts its running jobs back in the queue
    heartbeat_seconds: float = 10.0
    stalled_seconds: float = 30.0
    # how often an idle worker looks for due jobs besides being woken by NOTIFY
    poll_seconds: float = 5.0
    # more modules declaring job functions (an extension, or a test's probes)
    modules: tuple[str, ...] = ()
    # finished jobs' files (exports) until their links expire; every server and worker
    # must see the same directory (a shared volume when they run on several machines)
    files_dir: str = "var/files"


PAYMENT_BACKENDS = ("dev", "yookassa")
YOOKASSA_API_URL = "https://api.yookassa.ru/v3"


@dataclass(frozen=True)
class PaymentSettings:
    """The card acquirer: YooKassa's API v3, or the loopback one that speaks it (`dev`)."""

    backend: str = "dev"
    shop_id: str | None = None
    secret_key: str | None = None
    # None with `dev`: the loopback acquirer mounted at /dev-acquirer of PUBLIC_URL
    api_url: str | None = None
    # where the acquirer may send a payer's browser back to, matched exactly
    return_uris: tuple[str, ...] = ()


@dataclass(frozen=True)
class SocialProviderConfig:
    """One OAuth 2.0 / OpenID Connect provider from `SOCIAL_<ID>_*` variables."""

    id: str
    client_id: str
    client_secret: str
    metadata_url: str | None = None
    authorize_url: str | None = None
    token_url: str | None = None
    userinfo_url: str | None = None
    # an OAuth 2.0 provider's subject namespace; the authorize URL without query by default
    issuer: str | None = None
    scope: str = "openid"
    name_en: str | None = None
    name_ru: str | None = None


@dataclass(frozen=True)
class Settings:
    """Everything linehub can be configured with. Build with `Settings.from_env()`."""

    env: str = "development"
    database_url: str = "sqlite://var/linehub.sqlite3"
    secret_key: str = DEFAULT_SECRET_KEY
    public_url: str = "http://127.0.0.1:8000"
    graphiql: bool = True
    introspection: bool = True
    suggestions: bool = True
    log_level: str = "INFO"
    log_format: str = "json"
    sms_backend: str = "console"
    sms_outbox: str = "var/sms-outbox.jsonl"
    sms_http_url: str | None = None
    email_backend: str = "console"
    email_outbox: str = "var/email-outbox.jsonl"
    email_from: str = "linehub <noreply@linehub.local>"
    smtp_url: str | None = None
    network_api_key: str | None = None
    trusted_proxy_cidrs: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    msisdn_header: str = "X-MSISDN"
    redis_url: str | None = None
    demo_password: str = "linehub-demo-2026"  # noqa: S105 - documented demo credential
    limits: QueryLimits = field(default_factory=QueryLimits)
    argon2: Argon2Params = field(default_factory=Argon2Params)
    jobs: JobSettings = field(default_factory=JobSettings)
    payments: PaymentSettings = field(default_factory=PaymentSettings)
    social_providers: tuple[SocialProviderConfig, ...] = ()
    social_redirect_uris: tuple[str, ...] = ()
    social_dev_provider: bool = False
    # browser apps served from these origins may call the API (exact scheme://host[:port])
    cors_origins: tuple[str, ...] = ()
    # automatic persisted queries: auto, registered (PERSISTED_QUERIES_FILE only) or off
    persisted_queries: str = "auto"
    persisted_queries_file: str | None = None

    @property
    def production(self) -> bool:
        return self.env == "production"

    def check(self) -> None:
        """Refuse configurations that must never serve traffic."""
        if self.persisted_queries not in PERSISTED_QUERY_MODES:
            raise ConfigError(
                f"PERSISTED_QUERIES must be one of {', '.join(PERSISTED_QUERY_MODES)}"
            )
        if self.persisted_queries == "registered" and not self.persisted_queries_file:
            raise ConfigError("PERSISTED_QUERIES=registered needs PERSISTED_QUERIES_FILE")
        for origin in self.cors_origins:
            # an exact origin, never a pattern: "*" would let any site call with a token
            # it got hold of, and a path or a trailing slash never matches a browser's
            if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?", origin):
                raise ConfigError(
                    f"CORS_ORIGINS takes exact origins like https://app.example.ru, not {origin!r}"
                )
        if self.jobs.stalled_seconds <= self.jobs.heartbeat_seconds:
            raise ConfigError(
                "WORKER_STALLED_SECONDS must exceed WORKER_HEARTBEAT_SECONDS, or live "
                "workers' jobs would be taken for a dead worker's and run twice"
            )
        if self.jobs.concurrency < 1:
            raise ConfigError("WORKER_CONCURRENCY must be at least 1")
        if self.env not in ENVIRONMENTS:
            raise ConfigError(f"ENV must be one of {', '.join(ENVIRONMENTS)}, not {self.env!r}")
        if self.production and (not self.secret_key or self.secret_key == DEFAULT_SECRET_KEY):
            raise ConfigError(
                "SECRET_KEY is not set (or is the development default) while ENV=production; "
                "set SECRET_KEY to a long random value, e.g. `python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'`"
            )
        if self.production and len(self.secret_key) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters in production")
        if self.production and (self.sms_backend != "http" or self.email_backend != "smtp"):
            # console and file backends write passwords and codes where they must not be
            raise ConfigError(
                "ENV=production needs SMS_BACKEND=http (SMS_HTTP_URL) and "
                "EMAIL_BACKEND=smtp (SMTP_URL): console and file would log secrets"
            )
        if self.production and self.social_dev_provider:
            raise ConfigError(
                "SOCIAL_DEV_PROVIDER logs anyone in without a password: never in production"
            )
        self._check_payments()
        if self.sms_backend not in {"console", "file", "http"}:
            raise ConfigError("SMS_BACKEND must be console, file or http")
        if self.sms_backend == "http" and not self.sms_http_url:
            raise ConfigError("SMS_BACKEND=http needs SMS_HTTP_URL")
        if self.email_backend not in {"console", "file", "smtp"}:
            raise ConfigError("EMAIL_BACKEND must be console, file or smtp")
        if self.email_backend == "smtp" and not self.smtp_url:
            raise ConfigError("EMAIL_BACKEND=smtp needs SMTP_URL")

    def _check_payments(self) -> None:
        payments = self.payments
        if payments.backend not in PAYMENT_BACKENDS:
            raise ConfigError(f"PAYMENTS_BACKEND must be one of {', '.join(PAYMENT_BACKENDS)}")
        if self.production and payments.backend == "dev":
            raise ConfigError("PAYMENTS_BACKEND=dev takes any card number: never in production")
        if payments.backend == "yookassa" and not (payments.shop_id and payments.secret_key):
            raise ConfigError(
                "PAYMENTS_BACKEND=yookassa needs PAYMENTS_SHOP_ID and PAYMENTS_SECRET_KEY"
            )
        for uri in payments.return_uris:
            if not re.fullmatch(r"https?://[^\s#]+", uri) or (
                self.production and not uri.startswith("https://")
            ):
                raise ConfigError(f"PAYMENT_RETURN_URIS takes absolute http(s) URLs, not {uri!r}")

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, env_file: str | Path | None = ".env"
    ) -> Settings:
        """Read the environment once; `.env` is honoured outside production only."""
        environ = dict(os.environ if environ is None else environ)
        use_file = (
            env_file is not None
            and environ.get("ENV", "development") != "production"
            and Path(env_file).exists()
        )
        config = Config(env_file if use_file else None, environ=environ)
        env = config("ENV", default="development")
        production = env == "production"
        if production and environ.get("ENV") != "production":
            # the file switched production on: production reads no file, so it must not
            # be able to set anything else either
            raise ConfigError("ENV=production must be set in the environment, not in .env")
        dev_defaults = not production
        try:
            settings = cls(
                env=env,
                database_url=config("DATABASE_URL", default=cls.database_url),
                secret_key=config("SECRET_KEY", default=DEFAULT_SECRET_KEY),
                public_url=config("PUBLIC_URL", default=cls.public_url).rstrip("/"),
                graphiql=_bool(config("GRAPHIQL", default=dev_defaults)),
                introspection=_bool(config("INTROSPECTION", default=dev_defaults)),
                suggestions=_bool(config("SUGGESTIONS", default=dev_defaults)),
                log_level=config("LOG_LEVEL", default="INFO").upper(),
                log_format=config("LOG_FORMAT", default="json"),
                # development reads SMS from a file outbox; elsewhere it is chosen explicitly
                sms_backend=config(
                    "SMS_BACKEND", default="file" if env == "development" else "console"
                ),
                sms_outbox=config("SMS_OUTBOX", default=cls.sms_outbox),
                sms_http_url=config("SMS_HTTP_URL", default=None),
                email_backend=config(
                    "EMAIL_BACKEND", default="file" if env == "development" else "console"
                ),
                email_outbox=config("EMAIL_OUTBOX", default=cls.email_outbox),
                email_from=config("EMAIL_FROM", default=cls.email_from),
                smtp_url=config("SMTP_URL", default=None),
                network_api_key=config("NETWORK_API_KEY", default=None),
                trusted_proxy_cidrs=tuple(
                    ipaddress.ip_network(c, strict=False)
                    for c in _csv(config("TRUSTED_PROXY_CIDRS", default=""))
                ),
                msisdn_header=config("MSISDN_HEADER", default="X-MSISDN"),
                redis_url=config("REDIS_URL", default=None) or None,
                demo_password=config("DEMO_PASSWORD", default=cls.demo_password),
                limits=QueryLimits(
                    max_depth=config("MAX_QUERY_DEPTH", cast=int, default=15),
                    max_aliases=config("MAX_QUERY_ALIASES", cast=int, default=30),
                    max_tokens=config("MAX_QUERY_TOKENS", cast=int, default=5_000),
                    max_body_bytes=config("MAX_BODY_BYTES", cast=int, default=100_000),
                    max_cost=config("MAX_QUERY_COST", cast=int, default=1_000),
                    request_seconds=config("REQUEST_TIMEOUT_SECONDS", cast=float, default=10.0),
                    max_response_bytes=config("MAX_RESPONSE_BYTES", cast=int, default=2_000_000),
                ),
                argon2=Argon2Params(
                    time_cost=config("ARGON2_TIME_COST", cast=int, default=3),
                    memory_cost=config("ARGON2_MEMORY_KIB", cast=int, default=65_536),
                    parallelism=config("ARGON2_PARALLELISM", cast=int, default=4),
                ),
                jobs=JobSettings(
                    concurrency=config("WORKER_CONCURRENCY", cast=int, default=4),
                    stop_seconds=config("WORKER_STOP_SECONDS", cast=float, default=30.0),
                    heartbeat_seconds=config("WORKER_HEARTBEAT_SECONDS", cast=float, default=10.0),
                    stalled_seconds=config("WORKER_STALLED_SECONDS", cast=float, default=30.0),
                    poll_seconds=config("JOB_POLL_SECONDS", cast=float, default=5.0),
                    modules=_csv(config("JOB_MODULES", default="")),
                    files_dir=config("JOB_FILES_DIR", default="var/files"),
                ),
                payments=PaymentSettings(
                    backend=config("PAYMENTS_BACKEND", default="yookassa" if production else "dev"),
                    shop_id=config("PAYMENTS_SHOP_ID", default=None) or None,
                    secret_key=config("PAYMENTS_SECRET_KEY", default=None) or None,
                    api_url=(config("PAYMENTS_API_URL", default=None) or None),
                    return_uris=_csv(config("PAYMENT_RETURN_URIS", default="")),
                ),
                # the environment wins over .env, as for every other setting
                social_providers=_social_providers({**config.file_values, **environ}),
                social_redirect_uris=_csv(config("SOCIAL_REDIRECT_URIS", default="")),
                cors_origins=_csv(config("CORS_ORIGINS", default="")),
                persisted_queries=config("PERSISTED_QUERIES", default="auto"),
                persisted_queries_file=config("PERSISTED_QUERIES_FILE", default=None) or None,
                social_dev_provider=_bool(config("SOCIAL_DEV_PROVIDER", default=False)),
            )
        except (ValueError, KeyError) as exc:
            raise ConfigError(str(exc)) from exc
        settings.check()
        return settings


def _social_providers(environ: Mapping[str, str]) -> tuple[SocialProviderConfig, ...]:
    prefix, suffix = "SOCIAL_", "_CLIENT_ID"
    found = []
    for key in sorted(environ):
        if not (key.startswith(prefix) and key.endswith(suffix)):
            continue
        name = key[len(prefix) : -len(suffix)]

        def get(part: str, name: str = name) -> str | None:
            return environ.get(f"{prefix}{name}_{part}") or None

        found.append(
            SocialProviderConfig(
                id=name.lower(),
                client_id=environ[key],
                client_secret=get("CLIENT_SECRET") or "",
                metadata_url=get("METADATA_URL"),
                authorize_url=get("AUTHORIZE_URL"),
                token_url=get("TOKEN_URL"),
                userinfo_url=get("USERINFO_URL"),
                issuer=get("ISSUER"),
                # an ID token alone carries no display name: ask for the profile too
                scope=get("SCOPE") or ("openid profile" if get("METADATA_URL") else ""),
                name_en=get("NAME_EN"),
                name_ru=get("NAME_RU"),
            )
        )
    return tuple(found)
