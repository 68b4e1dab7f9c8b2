"""Query-string numbers kept within what the database can hold, and pagination built on them:
`?opd=99999999999999999999` or `?page=10**12` is a default, never a 500."""
from __future__ import annotations

from flask import request

from portal.extensions import db

MAX_ID = 2**31 - 1  # PostgreSQL integer; larger ids cannot exist


def int_arg(name: str, default: int = 0, low: int = 1, high: int = MAX_ID) -> int:
    value = request.args.get(name, default, type=int)
    return value if low <= value <= high else default


def paginate(stmt, per_page: int):
    return db.paginate(stmt, page=int_arg("page", 1, high=MAX_ID // per_page), per_page=per_page,
                       max_per_page=per_page, error_out=False)


def refuse_nul_bytes() -> None:
    """before_request: a NUL character in a parameter or form field is a 400 for everyone.

    PostgreSQL text cannot hold it, so it would otherwise end as a 500 wherever the value
    reaches a query (a search box, say). No legitimate input contains one; files may."""
    from flask import abort

    values = [*request.args.values(), *(request.view_args or {}).values()]
    if request.method in ("POST", "PUT", "PATCH"):
        values += request.form.values()
    if any(isinstance(v, str) and "\x00" in v for v in values):
        abort(400)
