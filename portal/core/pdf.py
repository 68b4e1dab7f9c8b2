"""Every PDF of the portal goes through render().

The context holds primitives only (strings, numbers, dates, and lists/dicts of them), never
ORM objects, so a template cannot wander through relationships. The URL fetcher serves files
under static/ (fonts, logo, CSS) and inline data: URIs, and refuses everything else: no
other local file, no network address (WeasyPrint's default would read file:///etc/passwd or
call an internal URL; security.md §2).
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app
from flask.signals import template_rendered
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from portal.config import PROJECT_ROOT
from portal.core import signing

STATIC_ROOT = (PROJECT_ROOT / "static").resolve()
PRIMITIVES = (str, int, float, bool, Decimal, date, datetime, Markup, type(None))


class RefusedURL(ValueError):
    pass


class StaticOnlyFetcher(URLFetcher):
    def __init__(self):
        super().__init__(timeout=2, allowed_protocols={"file", "data"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path)).resolve()
            if not path.is_relative_to(STATIC_ROOT) or not path.is_file():
                raise RefusedURL(f"outside static/: {url[:200]}")
        elif scheme != "data":
            raise RefusedURL(f"not fetched: {url[:200]}")
        return super().fetch(url, headers)


def _check(value, path="context"):
    if isinstance(value, PRIMITIVES):
        return
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check(item, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _check(item, f"{path}.{key}")
        return
    raise TypeError(f"{path} is a {type(value).__name__}; PDF contexts hold primitives only")


def render_html(template: str, context: dict) -> str:
    """The template gets `context` and the environment's globals (gettext, filters) only: not
    Flask's context processors, so no current_user, request or session reaches a PDF, and a
    background worker without a request renders the same as a view."""
    _check(context)
    tmpl = current_app.jinja_env.get_template(template)
    html = tmpl.render(**context)
    # As render_template does, so tests and instrumentation see which template made the PDF.
    template_rendered.send(current_app._get_current_object(), template=tmpl, context=context)
    return html


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=STATIC_ROOT.as_uri() + "/", url_fetcher=StaticOnlyFetcher()).write_pdf()


def render(template: str, context: dict, *, sign_as: signing.Document | None = None) -> bytes:
    """Every caller says what it renders: an official document its kind (`sign_as`), signed as
    the last step when signing is configured (portal/core/signing.py); a part of a later merge
    `sign_as=None`."""
    data = html_to_pdf(render_html(template, context))
    return signing.official(data, sign_as) if sign_as is not None else data


def render_pages(template: str, context: dict):
    """Lay out without writing (a WeasyPrint Document: pages, for measuring and testing)."""
    html = render_html(template, context)
    return HTML(string=html, base_url=STATIC_ROOT.as_uri() + "/", url_fetcher=StaticOnlyFetcher()).render()


def merge(files: list[bytes], *, sign_as: signing.Document | None = None) -> bytes:
    """Concatenate finished PDFs. Each part is written as soon as it is laid out, so a merge of
    thousands of pages never holds more than one part's layout (WeasyPrint's Document.copy
    would keep every page's layout until the end: about 0.7 MB a page). The parts are unsigned
    (a merge would break their signatures); the whole is signed once, last."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for data in files:
        writer.append(io.BytesIO(data))
    out = io.BytesIO()
    writer.write(out)
    return signing.official(out.getvalue(), sign_as) if sign_as is not None else out.getvalue()
