"""Audit the locked dependencies for known vulnerabilities (run by .ci/run and `make audit-deps`).

Runs pip-audit on requirements.lock (without installing anything) and reads its JSON:
- any known vulnerability: list them and exit 1 (CI fails);
- packages the vulnerability service could not be asked about: say so loudly, with the count.
  By default that is a warning, because some build machines cannot reach the service (PyPI's
  per-version JSON API or OSV); set AUDIT_REQUIRED=1 where it must be reachable and an
  unchecked package must fail the build too.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def verdict(report: dict, required: bool) -> tuple[int, list[str]]:
    """(exit code, lines to print) for pip-audit's JSON report."""
    lines, vulnerable, unchecked = [], [], []
    for dep in report.get("dependencies", []):
        if dep.get("vulns"):
            vulnerable.append(dep)
        elif "skip_reason" in dep:
            unchecked.append(dep)
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            lines.append(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})")
    checked = len(report.get("dependencies", [])) - len(unchecked)
    if unchecked:
        lines.append(f"NOT AUDITED: {len(unchecked)} of {len(report.get('dependencies', []))} packages could not be "
                     f"checked ({unchecked[0].get('skip_reason', '')}); the vulnerability service is not reachable "
                     f"from this machine.")
    lines.append(f"dependency audit: {checked} packages checked, {len(vulnerable)} vulnerable, "
                 f"{len(unchecked)} not checked.")
    failed = bool(vulnerable) or (required and bool(unchecked))
    return (1 if failed else 0), lines


def main() -> int:
    pip_audit = Path(sys.executable).with_name("pip-audit")
    run = subprocess.run([str(pip_audit), "--progress-spinner", "off", "--format", "json", "--desc", "off",
                          "--disable-pip", "--no-deps", "-r", str(ROOT / "requirements.lock")],
                         capture_output=True, text=True, timeout=600)
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        print(run.stderr.strip() or run.stdout.strip(), file=sys.stderr)
        print("dependency audit: pip-audit gave no report", file=sys.stderr)
        return 2
    code, lines = verdict(report, required=os.environ.get("AUDIT_REQUIRED") == "1")
    for line in lines:
        print(line)
    return code


if __name__ == "__main__":
    sys.exit(main())
