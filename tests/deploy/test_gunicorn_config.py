"""deploy/gunicorn.conf.py as gunicorn reads it."""

import gc
import runpy

from django.conf import settings


def test_a_started_worker_keeps_the_loaded_app_out_of_the_garbage_collectors_walk():
    config = runpy.run_path(str(settings.BASE_DIR / "deploy" / "gunicorn.conf.py"))
    try:
        config["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
