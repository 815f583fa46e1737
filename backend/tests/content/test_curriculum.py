"""The product's real curriculum: every lesson parses, the size and shape the README asks for, and every
try-it link opens a form the product accepts (alert rules, backtest strategies: checked by their domains)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.alerts import service as alerts_service
from app.alerts.schemas import AlertIn
from app.backtesting import service as backtesting_service
from app.backtesting.schemas import StrategyIn
from app.content.curriculum_loader import DIRECTORY, Curriculum, Lesson, load
from app.core.errors import AppError
from app.core.periods import parse_period
from app.market import service as market_service
from app.quant.indicators import library
from app.quant.indicators.spec import IndicatorError
from tests.conftest import register
from tests.reports.conftest import app_of

TOPICS = set(
    [
        "candles",
        "price-action",
        "volume",
        "market-cap",
        "watchlist",
        "indicators",
        "rsi",
        "macd",
        "bollinger",
        "moving-averages",
        "adx",
        "stochastic",
        "momentum",
        "volatility",
        "alerts",
        "backtesting",
        "strategies",
        "overfitting",
        "onchain",
        "whales",
        "defi",
        "tvl",
        "sentiment",
        "fear-greed",
        "news",
        "risk",
        "var",
        "drawdown",
        "sharpe",
        "sortino",
        "beta",
        "portfolio",
        "diversification",
        "correlation",
        "rebalancing",
        "position-sizing",
        "formulas",
        "reports",
        "security",
        "bitcoin",
        "ethereum",
        "stablecoins",
    ]
)
SCREENS = (
    "/alerts",
    "/portfolios",
    "/analysis",
    "/research",
    "/reports",
    "/settings",
    "/learn",
)
ALERT_KEYS = {"symbol", "condition", "operand", "indicator", "output", "formula", "threshold"}
ALERT_KEYS |= {"lower", "upper", "window", "timeframe"}
BACKTEST_KEYS = {"strategyName", "symbol", "period"}
CHANNEL = {"ENTERING_CHANNEL", "EXITING_CHANNEL", "INSIDE_CHANNEL", "OUTSIDE_CHANNEL"}
WINDOWED = {"MOVING_UP", "MOVING_DOWN", "MOVING_UP_PERCENT", "MOVING_DOWN_PERCENT", "VOLUME_SPIKE"}
SERIES = {
    "FEAR_GREED_BELOW",
    "FEAR_GREED_ABOVE",
    "SENTIMENT_BELOW",
    "SENTIMENT_ABOVE",
    "WHALE_MOVEMENTS_ABOVE",
}


@pytest.fixture(scope="module")
def curriculum() -> Curriculum:
    return load(DIRECTORY)


def test_every_lesson_parses_and_the_curriculum_has_its_size(curriculum: Curriculum) -> None:
    lessons = list(curriculum.lessons.values())
    assert len(lessons) >= 24, f"{len(lessons)} lessons"
    levels = Counter(lesson.difficulty for lesson in lessons)
    assert all(levels[level] >= 6 for level in ("BEGINNER", "INTERMEDIATE", "ADVANCED")), levels
    assert len({lesson.slug for lesson in lessons}) == len(lessons)


def test_lessons_follow_the_readme(curriculum: Curriculum) -> None:
    for lesson in curriculum.lessons.values():
        where = lesson.file
        assert set(lesson.topics) <= TOPICS, (where, set(lesson.topics) - TOPICS)
        questions = len(lesson.quiz)
        assert questions >= 5 if lesson.type == "QUIZ" else 3 <= questions <= 5, (where, questions)
        if lesson.type == "TUTORIAL":
            assert lesson.try_it, f"{where}: a tutorial has at least one try-it link"
        assert all(0 <= q.answer < len(q.options) for q in lesson.quiz), where
        assert "<script" not in lesson.html and "<img" not in lesson.html, where
        for href in re.findall(r'href="([^"]+)"', lesson.html):
            assert href == "/" or href.startswith(("https://", "http://", "#", *SCREENS)), (where, href)


def test_every_lesson_is_on_a_path_and_paths_name_real_lessons(curriculum: Curriculum) -> None:
    assert (DIRECTORY / "paths.yaml").exists()
    assert curriculum.paths
    on_a_path = {i for path in curriculum.paths for i in path.lessons}
    assert set(curriculum.lessons) <= on_a_path, set(curriculum.lessons) - on_a_path
    assert on_a_path <= set(curriculum.lessons)


def _number(text: str) -> float:
    return float(text)


def _alert_rule(query: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The alert form's request body for these prefilled fields, as the web app builds it (rule.ts)."""
    condition = query["condition"]
    metadata: dict[str, Any] = {}
    operand = query.get("operand", "PRICE")
    assert operand in {"PRICE", "INDICATOR", "FORMULA"}, operand
    if condition not in SERIES:
        if operand == "INDICATOR":
            metadata["indicator"] = query["indicator"]
            params = {k[2:]: _number(v) for k, v in query.items() if k.startswith("p.")}
            if params:
                metadata["params"] = params
            if "output" in query:
                metadata["output"] = query["output"]
        elif operand == "FORMULA":
            metadata["formula"] = query["formula"]
        if condition in CHANNEL:
            metadata["lower"], metadata["upper"] = _number(query["lower"]), _number(query["upper"])
        if condition in WINDOWED and "window" in query:
            metadata["window"] = int(query["window"])
        if "timeframe" in query:
            metadata["timeframe"] = query["timeframe"]
    threshold = None if condition in CHANNEL else _number(query["threshold"])
    body = {
        "userId": 1,
        "symbol": query["symbol"],
        "condition": condition,
        "threshold": threshold,
        "channels": ["IN_APP"],
        "metadata": metadata,
    }
    return body, metadata


async def _check_alert_link(session: Any, user_id: int, query: dict[str, str]) -> None:
    assert set(query) <= ALERT_KEYS | {k for k in query if k.startswith("p.")}, set(query) - ALERT_KEYS
    body, metadata = _alert_rule(query)
    rule = AlertIn.model_validate(body)  # the condition is one of the product's
    if "indicator" in metadata:
        spec = library.get(metadata["indicator"])  # in the catalog
        spec.bind(metadata.get("params", {}))  # parameter names and bounds
        if "output" in metadata:
            assert metadata["output"] in spec.outputs
    await market_service.resolve(session, rule.symbol)
    await alerts_service.check_rule(session, user_id, rule.condition, rule.threshold, metadata, "ONCE")


def _check_backtest_link(query: dict[str, str]) -> None:
    params = {k[2:]: _number(v) for k, v in query.items() if k.startswith("p.")}
    assert set(query) - {f"p.{k}" for k in params} <= BACKTEST_KEYS, set(query)
    strategies = {s.name: s for s in backtesting_service.catalog()}
    strategy = strategies.get(query["strategyName"])
    assert strategy is not None, f"no strategy {query['strategyName']}; {sorted(strategies)}"
    StrategyIn.model_validate(
        {"strategyName": strategy.name, "symbol": query["symbol"], "parameters": params}
    )
    if "period" in query:
        parse_period(query["period"])
    bounds = {p.name: p for p in strategy.parameters}
    for name, value in params.items():
        assert name in bounds, f"{strategy.name} has no parameter {name}"
        param = bounds[name]
        assert param.min is None or value >= param.min, (name, value)
        assert param.max is None or value <= param.max, (name, value)
        assert not param.integer or value == int(value), (name, value)


async def test_every_try_it_link_opens_a_form_the_product_accepts(
    client: httpx.AsyncClient, curriculum: Curriculum
) -> None:
    author = await register(client)
    problems: list[str] = []
    links = [(lesson, link) for lesson in curriculum.lessons.values() for link in lesson.try_it]
    async with app_of(client).state.runtime.db.session() as session:
        for lesson, link in links:
            problem = await _problem(session, author.id, lesson, link.path)
            if problem:
                problems.append(f"{lesson.file}: {link.path}: {problem}")
    assert not problems, "\n".join(problems)


async def _problem(session: Any, user_id: int, lesson: Lesson, path: str) -> str | None:
    parts = urlsplit(path)
    query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    try:
        if parts.path == "/alerts/new":
            await _check_alert_link(session, user_id, query)
        elif parts.path == "/research/backtest":
            _check_backtest_link(query)
        else:
            return f"only /alerts/new and /research/backtest can be prefilled, not {parts.path}"
    except (AssertionError, AppError, IndicatorError, KeyError, ValueError) as exc:
        return f"{type(exc).__name__}: {getattr(exc, 'message', exc)}"
    return None


async def test_every_lesson_serves_with_its_panel(client: httpx.AsyncClient, curriculum: Curriculum) -> None:
    reader = await register(client)
    listed = (await client.get("/api/content/lessons", headers=reader.headers)).json()["data"]
    assert listed["count"] == len(curriculum.lessons)
    for lesson in curriculum.lessons.values():
        response = await client.get(f"/api/content/lessons/{lesson.id}", headers=reader.headers)
        assert response.status_code == 200, (lesson.file, response.text)
        page = response.json()["data"]
        assert (page["example"] or {}).get("kind") == lesson.example, lesson.file
        assert page["example"] is None or page["example"]["values"] or page["example"]["note"], lesson.file
