"""A logging filter that removes IP addresses from every log line.

The app itself never logs an address; this catches what servers log on their own (gunicorn's
"Invalid request from ip=..." on a malformed request, say), so that no log line can place a
WBS reporter. Used by gunicorn.conf.py for both the error and the access log.
"""
from __future__ import annotations

import logging
import re

_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_IPV6 = re.compile(r"\b(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{0,4}\b|::1\b")


def redact(text: str) -> str:
    return _IPV6.sub("[address]", _IPV4.sub("[address]", text))


class RedactAddresses(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
