"""The built-in indicator catalog: lookup by name or alias, computing one, and the metadata the API lists."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.quant.indicators import chart_patterns, own, talib_catalog
from app.quant.indicators.spec import Array, IndicatorError, IndicatorSpec, Param, Series


def _build() -> tuple[dict[str, IndicatorSpec], dict[str, str]]:
    # A clash would make a formula mean different things depending on table order: fail at import.
    catalog: dict[str, IndicatorSpec] = {}
    for spec in (*talib_catalog.SPECS, *own.SPECS, *chart_patterns.SPECS):
        if spec.name in catalog or spec.name != spec.name.upper():
            raise RuntimeError(f"indicator name {spec.name} is not unique and upper-case")
        catalog[spec.name] = spec
    aliases: dict[str, str] = {}
    for spec in catalog.values():
        for alias in spec.aliases:
            if alias in catalog or alias in aliases or alias != alias.upper():
                raise RuntimeError(f"alias {alias} of {spec.name} clashes or is not upper-case")
            aliases[alias] = spec.name
    return catalog, aliases


CATALOG, ALIASES = _build()


def get(name: str) -> IndicatorSpec:
    """The indicator called `name` (any case, or one of its aliases); IndicatorError if there is none.

    >>> get("di+").name
    'PLUS_DI'
    """
    key = name.strip().upper()
    spec = CATALOG.get(key) or CATALOG.get(ALIASES.get(key, ""))
    if spec is None:
        raise IndicatorError(f"unknown indicator {key}", field="name")
    return spec


def compute(
    name: str,
    series: Series,
    params: Mapping[str, float] | None = None,
    positional: tuple[float, ...] = (),
) -> dict[str, Array]:
    """Every output of indicator `name` over `series`: float64 arrays as long as the input, NaN before the
    lookback. Parameters are bound as IndicatorSpec.bind does (defaults, then positional, then named).

    >>> import numpy as np
    >>> close = np.arange(1.0, 6.0)
    >>> series = Series(np.arange(5), close, close, close, close, close)
    >>> compute("SMA", series, positional=(3,))["value"].tolist()
    [nan, nan, 2.0, 3.0, 4.0]
    """
    spec = get(name)
    return spec.compute(series, spec.bind(params, positional))


def _number(value: float, integer: bool) -> int | float:
    return int(value) if integer else value


def _describe_param(param: Param) -> dict[str, Any]:
    return {
        "name": param.name,
        "default": _number(param.default, param.integer),
        "min": _number(param.minimum, param.integer),
        "max": _number(param.maximum, param.integer),
        "integer": param.integer,
        "description": param.description,
    }


def describe(spec: IndicatorSpec) -> dict[str, Any]:
    """One entry's metadata, JSON-ready; `lookback` is the one at the default parameters."""
    return {
        "name": spec.name,
        "title": spec.title,
        "group": spec.group,
        "inputs": list(spec.inputs),
        "params": [_describe_param(param) for param in spec.params],
        "outputs": list(spec.outputs),
        "lookback": spec.lookback(spec.bind()),
        "engine": spec.engine,
        "aliases": list(spec.aliases),
    }


def catalog() -> list[dict[str, Any]]:
    """Every built-in's metadata, by name, for `GET /api/indicators`."""
    return [describe(CATALOG[name]) for name in sorted(CATALOG)]
