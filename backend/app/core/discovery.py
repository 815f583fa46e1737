"""Finds the domains' modules by convention (`app.<domain>.tasks`, `.models`), so core names no domain."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil

import app

NOT_DOMAINS = frozenset({"core", "integrations", "quant"})


def domain_packages() -> list[str]:
    """Every domain: each package directly under `app` but the shared `core`, `integrations` and `quant`."""
    packages = (info.name for info in pkgutil.iter_modules(app.__path__) if info.ispkg)
    return sorted(name for name in packages if name not in NOT_DOMAINS)


def import_domain_modules(module: str) -> list[str]:
    """Import `app.<package>.<module>` for every package that has one; returns what was imported, sorted."""
    found = []
    for package in domain_packages():
        name = f"app.{package}.{module}"
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)
            found.append(name)
    return found
