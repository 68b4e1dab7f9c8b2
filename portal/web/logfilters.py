"""A logging filter that removes IP addresses from every log line.

The app itself never logs an address; this catches what servers log on their own (gunicorn's
"Invalid request from ip=..." on a malformed request, say), so that no log line can place a
WBS reporter. Used by gunicorn.conf.py for both the error and the access log.
"""
from __future__ import annotations

import logging
import re

_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_IPV6_CANDIDATE = re.compile(r"(?<![\w:])[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}(?![\w:])")


def _ipv6(match: re.Match) -> str:
    # A log timestamp (26/Nov/2026:14:29:27) has the same shape as a digits-only IPv6 address;
    # a real one has "::", a hex letter, or all eight groups.
    text = match.group(0)
    if "::" in text or re.search(r"[a-fA-F]", text) or text.count(":") == 7:
        return "[address]"
    return text


def redact(text: str) -> str:
    return _IPV6_CANDIDATE.sub(_ipv6, _IPV4.sub("[address]", text))


class RedactAddresses(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class DropWbsRequests(logging.Filter):
    """gunicorn's access log keeps no line for the WBS (/wbs...): even without an address, the
    time of a `POST /wbs/lapor` could be matched against an office's door or network logs,
    while reports themselves store only dates. nginx's shipped site does the same."""

    def filter(self, record: logging.LogRecord) -> bool:
        atoms = record.args if isinstance(record.args, dict) else {}
        return not str(atoms.get("U", "")).startswith("/wbs")
