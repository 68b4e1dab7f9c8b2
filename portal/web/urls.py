"""Absolute addresses for documents, QR codes, mail, exports and receipts; paths for stored links.

Always the configured PUBLIC_BASE_URL (portal/config.py), never the request's Host header: a
certificate rendered on a request with a forged Host would otherwise print, encode and store
that host. Jobs and CLI commands, which have no request, get the same address.
"""
from __future__ import annotations

from flask import current_app


def base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"]


def path(endpoint: str, **values) -> str:
    """A page's path without the host, with or without a request: for links kept in the database
    (notices), which a job or a CLI command (the demo) may write as well as a view."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def absolute_url(endpoint: str, **values) -> str:
    return base_url() + path(endpoint, **values)
