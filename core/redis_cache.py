"""Django's Redis cache backend, made cheaper per operation (a logged-in request does two: its session, its user).

- One redis-py client per connection pool instead of one per call: Django's RedisCacheClient builds a new
  `redis.Redis` for every operation, and with redis-py 5+ that constructor fills a table of about 170 response
  callbacks each time, which costs more CPU than the round trip it wraps. A redis-py client is safe to share
  between threads, and each Django cache object already belongs to one thread.
- Pickled values are unpickled straight away; Django's serializer first tries int() on them (it stores integers
  bare, for incr()), paying for a ValueError on every pickled value read.
- Keys are not checked for memcached's rules (length, control characters): they do not apply to Redis, and the
  check walks every character of every key.
- Reads (GET, MGET: the session, the signed-in person, the cached pages) go over a connection this thread keeps,
  sending the command and reading the reply directly: redis-py's per-command machinery (borrowing from and
  returning to the pool, retry wrappers, observability hooks) cost twice the round trip itself. On a connection
  error the read is repeated through the client, with redis-py's own reconnection and retries.
"""

import pickle
import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient, RedisSerializer
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# Django pickles with pickle.HIGHEST_PROTOCOL, whose output always starts with the PROTO opcode.
PICKLE_PROTO = pickle.PROTO[0]


class Serializer(RedisSerializer):
    def loads(self, data: Any) -> Any:
        if data[:1] and data[0] == PICKLE_PROTO:
            return pickle.loads(data)
        return super().loads(data)


class PooledClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("serializer", Serializer)
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}
        self._held = threading.local()  # {id(pool): connection} per thread: a connection is not shared

    def get(self, key: Any, default: Any) -> Any:
        value = self._read("GET", key)
        return default if value is None else self._serializer.loads(value)  # type: ignore[attr-defined]

    def get_many(self, keys: Any) -> dict[Any, Any]:
        keys = list(keys)
        if not keys:
            return {}
        values = self._read("MGET", *keys)
        loads = self._serializer.loads  # type: ignore[attr-defined]
        return {key: loads(value) for key, value in zip(keys, values, strict=True) if value is not None}

    def _read(self, *command: Any) -> Any:
        pool = self._get_connection_pool(False)  # type: ignore[attr-defined]
        held: dict[int, Any] | None = getattr(self._held, "connections", None)
        if held is None:
            held = self._held.connections = {}
        connection = held.get(id(pool))
        if connection is None:
            connection = held[id(pool)] = pool.make_connection()
        try:
            connection.send_command(*command)
            return connection.read_response()
        except (RedisConnectionError, RedisTimeoutError):
            connection.disconnect()  # reconnects on its next command
            return self.get_client().execute_command(*command)

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's own get_client, less the new client: django-stubs leave these private names out.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))  # the pools live as long as this object: their ids are stable
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = PooledClientRedisCacheClient

    def validate_key(self, key: str) -> None:
        """Any string is a valid Redis key (memcached's limits do not apply)."""
