"""Reading settings from the environment: a value that can't be read stops the site with a message naming the
variable and what it accepts, never a silent default (Healthchecks' `envbool`)."""

import os
from collections.abc import Mapping

from dj_database_url import DBConfig
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "off"})


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1, true, yes, on (or 0, false, no, off, empty), not {value!r}."
    )


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int, minimum: int | None = None, maximum: int | None = None) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise ImproperlyConfigured(f"{name} must be between {minimum} and {maximum}, not {number}.")
    return number


REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def cache_settings(environ: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Django's CACHES from CACHE_URL (or REDIS_URL, its older name): Django's own Redis backend (reusing its
    redis-py clients, core.redis_cache) for a Redis URL, so every app node shares one cache (rate limits,
    presence, sessions, signed-in users); this process's memory when neither is set."""
    cache_url = environ.get("CACHE_URL", "").strip()
    redis_url = environ.get("REDIS_URL", "").strip()
    if cache_url and redis_url and cache_url != redis_url:
        raise ImproperlyConfigured("CACHE_URL and REDIS_URL name different caches: set one of them.")
    url = cache_url or redis_url
    name = "CACHE_URL" if cache_url else "REDIS_URL"
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if not url.startswith(REDIS_SCHEMES):
        raise ImproperlyConfigured(f"{name} must be a redis://, rediss:// or unix:// URL, not {url!r}.")
    return {"default": {"BACKEND": "core.redis_cache.RedisCache", "LOCATION": url}}


S3_ADDRESSING_STYLES = ("auto", "path", "virtual")


def storage_settings(environ: Mapping[str, str]) -> dict[str, object]:
    """Django's STORAGES["default"] (uploaded images): an S3-compatible bucket (django-storages) when S3_BUCKET is
    set, so every app node reads what any node stored; this machine's MEDIA_ROOT otherwise. Credentials come from
    boto3's usual chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, an instance role…). Objects stay private: the
    site streams them through its own checked view, so no bucket URL ever reaches a page."""
    bucket = environ.get("S3_BUCKET", "").strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    endpoint_url = environ.get("S3_ENDPOINT_URL", "").strip() or None
    if endpoint_url and not endpoint_url.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"S3_ENDPOINT_URL must be an http:// or https:// URL, not {endpoint_url!r}."
        )
    # An S3-compatible server on its own address (MinIO, Ceph, moto) answers at host/bucket, not bucket.host.
    style = environ.get("S3_ADDRESSING_STYLE", "").strip() or ("path" if endpoint_url else "auto")
    if style not in S3_ADDRESSING_STYLES:
        raise ImproperlyConfigured(f"S3_ADDRESSING_STYLE must be one of auto, path, virtual, not {style!r}.")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url,
            "region_name": environ.get("S3_REGION", "").strip() or None,
            "location": environ.get("S3_PREFIX", "").strip().strip("/"),
            "addressing_style": style,
            "default_acl": None,  # the bucket's own policy: private
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


def behind_pgbouncer(database: DBConfig) -> DBConfig:
    """`database` (one DATABASES entry) made safe for PgBouncer in transaction mode, where each transaction may
    run on a different server connection. No server-side cursors: in autocommit `.iterator()` declares a WITH HOLD
    cursor in one transaction and fetches from it in the next, on a server connection that never saw it (`portal
    "_django_curs_…" does not exist`). No prepared statements: Django already leaves psycopg's `prepare_threshold`
    at None; it is pinned here because `?server_side_binding=true&prepare_threshold=0` in DATABASE_URL would turn
    them on, and PgBouncer before 1.21 loses a statement prepared on one server connection (`prepared statement
    "_pg3_0" does not exist`). Checked through a real PgBouncer by tests/scaling/test_pgbouncer.py."""
    if database.get("ENGINE") != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_PGBOUNCER=1 needs a PostgreSQL DATABASE_URL (through PgBouncer)."
        )
    options = dict(database.get("OPTIONS") or {})
    if options.get("pool"):
        raise ImproperlyConfigured(
            "DATABASE_PGBOUNCER=1 and a psycopg pool in OPTIONS: PgBouncer is the pool."
        )
    options["prepare_threshold"] = None
    return {**database, "DISABLE_SERVER_SIDE_CURSORS": True, "OPTIONS": options}
