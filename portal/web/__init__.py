"""Request-bound helpers every area's views use: permissions, headers, language, templating,
error pages, query parameters, rate limits, forms, submission nonces, addresses, log filters.

May import `portal.core`; never an area (tests/test_layers.py).
"""
from __future__ import annotations


def init_app(app) -> None:
    """Request hooks that apply to every page, the template environment and the error pages."""
    import logging

    from portal.core import jobs
    from portal.web import error_pages, headers, i18n, nonces, params, templating

    app.before_request(i18n.read_lang_param)
    app.before_request(params.refuse_nul_bytes)
    app.after_request(i18n.remember_lang_choice)
    app.after_request(headers.set_security_headers)
    # Without this policy, multi-line {% trans %} blocks stay untranslated (style.md §2.3).
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    templating.register(app)
    error_pages.register_error_handlers(app)
    # The worker deletes used form nonces and wipes their sealed results when they expire.
    jobs.periodic(nonces.purge_task)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # A line per font subset and per layout step would drown the log of a certificate run.
    for name in ("fontTools", "weasyprint.progress"):
        logging.getLogger(name).setLevel(logging.WARNING)
