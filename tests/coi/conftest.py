"""Helpers shared by the conflict-of-interest HTTP tests."""
from __future__ import annotations

from tests.helpers.pages import english, field_error  # noqa: F401 (re-exported to the area's tests)
from tests.helpers.pages import page_text as text  # noqa: F401

BASE = "/benturan-kepentingan"
OVERSIGHT = f"{BASE}/pengawasan"
