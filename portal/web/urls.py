"""Absolute addresses for mail, certificates and background jobs, which may run without a request."""
from __future__ import annotations

from flask import current_app, has_request_context, request


def base_url() -> str:
    """PUBLIC_BASE_URL when set (production), else the address of the current request."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.url_root.rstrip("/")
    return "http://127.0.0.1:5000"


def absolute_url(endpoint: str, **values) -> str:
    return base_url() + current_app.url_map.bind("localhost").build(endpoint, values)
