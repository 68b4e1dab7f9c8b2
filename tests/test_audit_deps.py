"""The dependency audit run by .ci/run fails on a known vulnerability and never passes off an
unreachable vulnerability service as a clean audit."""
from __future__ import annotations

import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location("audit_deps", Path(__file__).parent.parent / "scripts" / "audit_deps.py")
audit_deps = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit_deps)

CLEAN = {"name": "flask", "version": "3.1.2", "vulns": []}
VULNERABLE = {"name": "jinja2", "version": "2.10", "vulns": [
    {"id": "PYSEC-2019-217", "fix_versions": ["2.10.1"], "aliases": ["CVE-2019-10906"]}]}
UNCHECKED = {"name": "segno", "version": "1.6.6",
             "skip_reason": "Dependency not found on PyPI and could not be audited: segno (1.6.6)"}


def test_a_known_vulnerability_fails_the_build():
    code, lines = audit_deps.verdict({"dependencies": [CLEAN, VULNERABLE]}, required=False)
    assert code == 1
    assert "VULNERABLE jinja2 2.10: PYSEC-2019-217 (fixed in 2.10.1)" in lines
    assert lines[-1] == "dependency audit: 2 packages checked, 1 vulnerable, 0 not checked."


def test_a_clean_audit_passes():
    assert audit_deps.verdict({"dependencies": [CLEAN]}, required=True) == (
        0, ["dependency audit: 1 packages checked, 0 vulnerable, 0 not checked."])


def test_unchecked_packages_are_reported_and_fail_when_the_audit_is_required():
    code, lines = audit_deps.verdict({"dependencies": [CLEAN, UNCHECKED]}, required=False)
    assert code == 0 and lines[0].startswith("NOT AUDITED: 1 of 2 packages could not be checked")
    assert audit_deps.verdict({"dependencies": [CLEAN, UNCHECKED]}, required=True)[0] == 1
    # A vulnerability among unchecked packages still fails.
    assert audit_deps.verdict({"dependencies": [UNCHECKED, VULNERABLE]}, required=False)[0] == 1
