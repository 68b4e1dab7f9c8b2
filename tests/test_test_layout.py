"""The layout of tests/ itself: helpers live in tests/helpers/, and no test file imports a
conftest.py by name. pytest loads every conftest.py on its own; an import by name loads a
second copy with its own state (two NIP counters handed out the same NIPs)."""
from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_file_imports_the_root_conftest():
    offenders = sorted(str(path.relative_to(TESTS.parent)) for path in TESTS.rglob("*.py")
                       if {"tests.conftest", "conftest"} & _imported_modules(path))
    assert offenders == [], "import shared helpers from tests.helpers, not from tests/conftest.py"


def test_the_check_sees_an_import_of_the_conftest(tmp_path):
    sample = tmp_path / "test_sample.py"
    sample.write_text("def test_x():\n    from tests.conftest import PASSWORD\n")
    assert "tests.conftest" in _imported_modules(sample)
    sample.write_text("from tests import conftest\n")
    assert "tests.conftest" in _imported_modules(sample)


def test_the_old_helper_modules_are_gone():
    assert not (TESTS / "pages.py").exists() and not (TESTS / "nonce_support.py").exists()
    assert (TESTS / "helpers" / "__init__.py").exists()
