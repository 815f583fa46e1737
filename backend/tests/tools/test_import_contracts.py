"""The import contracts of `make lint` (backend/.importlinter) break on a deliberate violation of each."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BACKEND = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

VIOLATIONS = {
    "another domain's models": ("alerts/_probe.py", "from app.users.models import User", "app.users.models"),
    "another domain's engine": ("portfolio/_probe.py", "from app.alerts import engine", "app.alerts.engine"),
    "core importing a domain": ("core/_probe.py", "from app.users import service", "app.users.service"),
    "integrations importing a domain": (
        "integrations/_probe.py",
        "from app.market import service",
        "app.market.service",
    ),
    "quant importing core": ("quant/_probe.py", "from app.core import clock", "app.core.clock"),
    "core importing integrations": (
        "core/_probe.py",
        "from app.integrations import http",
        "app.integrations",
    ),
}


def _copy_of_the_package(tmp_path: Path) -> Path:
    """The app's Python files and the contracts, so a probe can be added without touching the real tree."""
    root = tmp_path / "backend"
    shutil.copytree(BACKEND / "app", root / "app", ignore=shutil.ignore_patterns("__pycache__", "*.feather"))
    shutil.copytree(BACKEND / "tools", root / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(BACKEND / ".importlinter", root / ".importlinter")
    return root


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture(scope="module")
def clean_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _copy_of_the_package(tmp_path_factory.mktemp("contracts"))


def test_the_copy_is_what_is_linted(clean_copy: Path) -> None:
    result = _lint(clean_copy)
    assert "Contracts:" in result.stdout, result.stdout + result.stderr
    assert (
        str(clean_copy)
        in subprocess.run(
            [sys.executable, "-c", "import app; print(app.__file__)"],
            cwd=clean_copy,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )


@pytest.mark.parametrize("rule", list(VIOLATIONS))
def test_a_violation_breaks_the_contracts(rule: str, tmp_path: Path) -> None:
    path, line, imported = VIOLATIONS[rule]
    root = _copy_of_the_package(tmp_path)
    (root / "app" / path).write_text(f'"""A deliberate violation."""\n\n{line}\n')
    result = _lint(root)
    assert result.returncode != 0
    assert f"-> {imported}" in result.stdout, result.stdout


def test_a_cycle_between_domains_breaks_the_contracts(tmp_path: Path) -> None:
    root = _copy_of_the_package(tmp_path)
    (root / "app" / "users" / "_probe.py").write_text(
        '"""A deliberate cycle."""\n\nfrom app.alerts import service\n'
    )
    result = _lint(root)
    assert result.returncode != 0
    assert "No cycles are allowed in app." in result.stdout, result.stdout
