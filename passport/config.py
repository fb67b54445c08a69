"""Settings from PASSPORT_* environment variables, with safe defaults for local use.

Local use needs nothing set: a SQLite file and a secret key generated once, both kept in
``instance/``, and links to the local server. Production (``PASSPORT_ENV=production``)
refuses to start unless the secret key, database URL, base URL and a shared rate-limit
store are given explicitly, so a forgotten variable can never fall back to a throwaway
key, a local file, links that follow the request's Host header, or limits each worker
keeps to itself.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from passport.errors import ConfigurationError

PRODUCTION = "production"


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"PASSPORT_{name}")
    return value if value not in (None, "") else default


def _local_secret_key(instance_path: Path) -> str:
    """Read the instance's secret key, creating it once with 0600 permissions."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


LOCAL_HOSTS = ["127.0.0.1", "localhost"]


def _base_url(value: str) -> str:
    """The site's origin (``https://host[:port]``), from which every external link is
    built; anything else (a path, a query, credentials, no scheme) is refused."""
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or "@" in parts.netloc
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise ConfigurationError(
            f"PASSPORT_BASE_URL must be the site's origin, like https://passport.example "
            f"(no path), not {value!r}."
        )
    return f"{parts.scheme}://{parts.netloc}".lower()


def trusted_hosts(base_url: str, environment: str) -> list[str]:
    """The hosts requests may name (Flask's TRUSTED_HOSTS): the base URL's, and in local
    use the loopback names too, so http://localhost:5000 works beside 127.0.0.1."""
    host = urlsplit(base_url).hostname or ""
    if environment == PRODUCTION:
        return [host]
    return [host, *(name for name in LOCAL_HOSTS if name != host)]


def load_settings(instance_path: Path) -> dict[str, Any]:
    """Build the Flask config mapping from the environment."""
    environment = _env("ENV", "development")
    database_url = _env("DATABASE_URL")
    secret_key = _env("SECRET_KEY")
    base_url = _env("BASE_URL")
    redis_url = _env("REDIS_URL")
    # Limits kept in each worker's memory multiply with the workers; only an explicit
    # PASSPORT_ALLOW_MEMORY_RATE_LIMITS=1 (one worker, say) lets production do without Redis.
    shared_limits = redis_url or _env("ALLOW_MEMORY_RATE_LIMITS") == "1"
    if environment == PRODUCTION:
        missing = [
            name
            for name, value in (
                ("PASSPORT_SECRET_KEY", secret_key),
                ("PASSPORT_DATABASE_URL", database_url),
                ("PASSPORT_BASE_URL", base_url),
                ("PASSPORT_REDIS_URL (or PASSPORT_ALLOW_MEMORY_RATE_LIMITS=1)", shared_limits),
            )
            if not value
        ]
        if missing:
            raise ConfigurationError(
                "Refusing to start in production without " + " and ".join(missing) + "."
            )
    base_url = _base_url(base_url or f"http://127.0.0.1:{os.environ.get('PORT') or 5000}")
    if not database_url:
        database_url = f"sqlite:///{instance_path / 'passport.sqlite3'}"
    if not secret_key:
        secret_key = _local_secret_key(instance_path)

    secure_cookies = environment == PRODUCTION or _env("SECURE_COOKIES") == "1"
    return {
        "PASSPORT_ENV": environment,
        "PASSPORT_BASE_URL": base_url,
        "TRUSTED_HOSTS": trusted_hosts(base_url, environment),
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAX_CONTENT_LENGTH": int(_env("MAX_UPLOAD_MB", "50")) * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "BOOTSTRAP_SERVE_LOCAL": True,  # the app works offline: no CDN
        # How many proxies in front set X-Forwarded-For/-Proto (0: none, trust nothing).
        "PASSPORT_PROXY_HOPS": int(_env("PROXY_HOPS", "0")),
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 12,
        "WTF_CSRF_TIME_LIMIT": 60 * 60 * 8,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "PASSPORT_REDIS_URL": redis_url,
        "PASSPORT_LOGIN_LIMIT": _env("LOGIN_LIMIT", "10 per minute"),
        "PASSPORT_API_RATE_LIMIT": _env("API_RATE_LIMIT", "600 per minute"),
        "PASSPORT_SMTP_HOST": _env("SMTP_HOST"),
        # Unset: 587 for STARTTLS, 465 for implicit TLS (passport.mail).
        "PASSPORT_SMTP_PORT": int(_env("SMTP_PORT", "0")) or None,
        "PASSPORT_SMTP_SECURITY": _env("SMTP_SECURITY", "starttls"),
        "PASSPORT_SMTP_CA_FILE": _env("SMTP_CA_FILE"),
        "PASSPORT_SMTP_USER": _env("SMTP_USER"),
        "PASSPORT_SMTP_PASSWORD": _env("SMTP_PASSWORD"),
        "PASSPORT_MAIL_FROM": _env("MAIL_FROM", "passport@localhost"),
        "PASSPORT_RESET_TOKEN_MAX_AGE": 60 * 60,
        # argon2 cost: OWASP's recommended minimum by default; tests lower it for speed.
        # OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): 23 ms of CPU a hash here,
        # against 176 ms for the former 64 MiB, 3 passes, 4 lanes (README, Signing in).
        "PASSPORT_ARGON2_TIME_COST": int(_env("ARGON2_TIME_COST", "2")),
        "PASSPORT_ARGON2_MEMORY_COST": int(_env("ARGON2_MEMORY_COST", "19456")),
        "PASSPORT_ARGON2_PARALLELISM": int(_env("ARGON2_PARALLELISM", "1")),
        "PASSPORT_UPLOAD_DIR": _env("UPLOAD_DIR", str(instance_path / "uploads")),
        "PASSPORT_CERTIFICATE_DIR": _env("CERTIFICATE_DIR", str(instance_path / "certificates")),
    }
