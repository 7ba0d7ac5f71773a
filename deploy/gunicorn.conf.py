"""gunicorn settings for Hindsight (`make serve`, the throughput benchmark and the soak test use this file).

Threaded workers: pages spend much of their time waiting on the database, and threads share a worker's memory.
Every knob can be overridden from the environment.
"""

import gc
import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request that takes longer than this is stuck: the worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so slow leaks cannot accumulate.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# Trust X-Forwarded-* only from the reverse proxy on this machine.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def post_worker_init(worker):
    """Once a worker has loaded Hindsight, its objects (modules, URLconf, templates, settings) live as long as it
    does: freeze them out of the garbage collector's view, so a full collection walks only what requests made
    (at scale 1.0 a full collection over everything took 115-175 ms, the page's p95)."""
    gc.collect()
    gc.freeze()
