"""Every `>>>` example under app/ runs: one test per module whose source has one, failing with the report."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

import app

ROOT = Path(app.__file__).parent


def _modules_with_examples() -> list[str]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if ">>>" in path.read_text(encoding="utf-8"):
            parts = path.relative_to(ROOT.parent).with_suffix("").parts
            found.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


@pytest.mark.parametrize("name", _modules_with_examples())
def test_examples(name: str) -> None:
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    tests = finder.find(module, name)
    for test in tests:
        runner.run(test, out=report.append)
    result = runner.summarize(verbose=False)
    assert sum(len(t.examples) for t in tests) > 0, f"{name} has '>>>' but no example doctest finds"
    assert result.failed == 0, "".join(report)
