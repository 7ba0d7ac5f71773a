"""Email settings from EMAIL_URL, or from the usual EMAIL_* variables; a malformed value fails loudly."""

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
SCHEMES = {"smtp": False, "smtps": True, "console": None}
TRUE_VALUES, FALSE_VALUES = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def flag(name: str, value: str) -> bool:
    if value.strip().lower() in TRUE_VALUES:
        return True
    if value.strip().lower() in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off (got {value!r}).")


def email_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    url = environ.get("EMAIL_URL", "").strip()
    if url:
        return settings_from_url(url)
    if environ.get("EMAIL_HOST"):
        return {
            "EMAIL_BACKEND": environ.get("EMAIL_BACKEND", SMTP_BACKEND),
            "EMAIL_HOST": environ["EMAIL_HOST"],
            "EMAIL_PORT": int(environ.get("EMAIL_PORT", "25")),
            "EMAIL_HOST_USER": environ.get("EMAIL_HOST_USER", ""),
            "EMAIL_HOST_PASSWORD": environ.get("EMAIL_HOST_PASSWORD", ""),
            "EMAIL_USE_TLS": flag("EMAIL_USE_TLS", environ.get("EMAIL_USE_TLS", "0")),
            "EMAIL_USE_SSL": flag("EMAIL_USE_SSL", environ.get("EMAIL_USE_SSL", "0")),
        }
    return {"EMAIL_BACKEND": environ.get("EMAIL_BACKEND", CONSOLE_BACKEND)}


def settings_from_url(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with smtp://, smtps:// or console:// (got {url!r})."
        )
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": CONSOLE_BACKEND}
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL needs a host, e.g. smtp://mail.example.com:587/?tls=1")
    query = {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
    unknown = set(query) - {"tls", "ssl"}
    if unknown:
        raise ImproperlyConfigured(
            f"EMAIL_URL accepts only ?tls= and ?ssl= (got {', '.join(sorted(unknown))})."
        )
    use_ssl = SCHEMES[parts.scheme] or flag("EMAIL_URL ssl", query.get("ssl", "0"))
    return {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": parts.port or (465 if use_ssl else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": flag("EMAIL_URL tls", query.get("tls", "0")),
        "EMAIL_USE_SSL": use_ssl,
    }
