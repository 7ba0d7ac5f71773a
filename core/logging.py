"""Logging filters: a refused request is worth a line in the log, not a traceback."""

import logging


class NoTracebackForClientErrors(logging.Filter):
    """Drop the traceback from django.request's records of 4xx answers (403s, 404s): they are not crashes."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
