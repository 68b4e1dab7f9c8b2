"""Absolute addresses for documents, QR codes, mail, exports and receipts.

Always the configured PUBLIC_BASE_URL (portal/config.py), never the request's Host header: a
certificate rendered on a request with a forged Host would otherwise print, encode and store
that host. Jobs and CLI commands, which have no request, get the same address.
"""
from __future__ import annotations

from flask import current_app


def base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"]


def absolute_url(endpoint: str, **values) -> str:
    return base_url() + current_app.url_map.bind("localhost").build(endpoint, values)
