"""Learning on both deployments, against the small test curriculum beside this file: lessons, their
filters, a page, progress, quizzes, paths, suggestions, and the live panels from the reader's data."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.content import curriculum_loader, examples
from app.core.clock import isoformat_z, utcnow
from app.users import service as user_service
from tests.conftest import Account, assert_error, make_admin, register
from tests.reports.conftest import app_of, push_recent_candles

TEST_CURRICULUM = Path(__file__).parent / "curriculum"
RSI_ANSWERS = [3, 0, 1, 1]  # the key of lesson 201's quiz


@pytest.fixture(autouse=True)
def test_curriculum(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(curriculum_loader, "DIRECTORY", TEST_CURRICULUM)
    yield


async def _get(client: httpx.AsyncClient, account: Account, url: str, **params: Any) -> Any:
    response = await client.get(url, params=params, headers=account.headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def _post(client: httpx.AsyncClient, account: Account, url: str, body: dict[str, Any]) -> Any:
    response = await client.post(url, json=body, headers=account.headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def test_lessons_filter_by_level_and_type(client: httpx.AsyncClient, settings: Settings) -> None:
    reader = await register(client)
    everything = await _get(client, reader, "/api/content/lessons")
    assert [c["id"] for c in everything["lessons"]] == [101, 102, 201, 202, 301, 302]
    assert everything["count"] == 6
    card = everything["lessons"][2]
    assert card["url"] == f"{settings.public_url.rstrip('/')}/learn/lessons/201"
    assert card["status"] == "NOT_STARTED" and card["quizBest"] is None
    assert card["topics"] == ["rsi", "indicators", "momentum"] and card["minutes"] == 8
    intermediate = await _get(client, reader, "/api/content/lessons", level="INTERMEDIATE")
    assert [c["id"] for c in intermediate["lessons"]] == [201, 202]
    quizzes = await _get(client, reader, "/api/content/lessons", type="QUIZ")
    assert [c["id"] for c in quizzes["lessons"]] == [302]
    both = await _get(client, reader, "/api/content/lessons", level="BEGINNER", type="TUTORIAL")
    assert [c["id"] for c in both["lessons"]] == [102]
    response = await client.get("/api/content/lessons?level=EXPERT", headers=reader.headers)
    assert assert_error(response, 422, "VALIDATION_ERROR")["field"] == "level"
    assert_error(await client.get("/api/content/lessons"), 401, "UNAUTHORIZED")


async def test_a_lesson_page_is_safe_and_keeps_its_answers(client: httpx.AsyncClient) -> None:
    reader = await register(client)
    lesson = await _get(client, reader, "/api/content/lessons/201")
    assert lesson["title"] == "RSI basics" and lesson["type"] == "TUTORIAL"
    assert "<script" not in lesson["html"] and "&lt;script&gt;" in lesson["html"]
    assert "<table>" in lesson["html"] and 'href="javascript' not in lesson["html"]
    assert '<a href="https://en.wikipedia.org/wiki/Relative_strength_index">' in lesson["html"]
    assert lesson["quiz"][0] == {
        "question": "Which RSI value is OVERBOUGHT?",
        "options": ["30", "50", "70", "71"],
    }
    assert all(set(q) == {"question", "options"} for q in lesson["quiz"])
    assert [t["path"].split("?")[0] for t in lesson["tryIt"]] == ["/alerts/new", "/research/backtest"]
    assert lesson["paths"] == ["indicators"]
    assert (lesson["previousId"], lesson["nextId"]) == (None, 301)
    panel = lesson["example"]  # no candles in this deployment: an empty panel that says what to do
    assert (
        panel["kind"] == "rsi" and panel["values"] == [] and "No daily candles for BTC-USD" in panel["note"]
    )
    assert (await _get(client, reader, "/api/content/lessons/302"))["paths"] == []

    missing = assert_error(
        await client.get("/api/content/lessons/999", headers=reader.headers), 404, "NOT_FOUND"
    )
    assert missing["field"] == "lessonId"
    for route in ("progress", "quiz"):
        body = {"status": "STARTED"} if route == "progress" else {"answers": [0]}
        response = await client.post(f"/api/content/lessons/999/{route}", json=body, headers=reader.headers)
        assert assert_error(response, 404, "NOT_FOUND")["field"] == "lessonId"


async def test_progress_is_started_then_completed_and_only_yours(client: httpx.AsyncClient) -> None:
    reader, other = await register(client), await register(client)
    started = await _post(client, reader, "/api/content/lessons/101/progress", {"status": "STARTED"})
    assert started["status"] == "STARTED" and started["startedAt"] and started["completedAt"] is None
    again = await _post(client, reader, "/api/content/lessons/101/progress", {"status": "STARTED"})
    assert again == started  # idempotent: the first start is kept
    done = await _post(client, reader, "/api/content/lessons/101/progress", {"status": "COMPLETED"})
    assert done["status"] == "COMPLETED" and done["startedAt"] == started["startedAt"] and done["completedAt"]
    assert await _post(client, reader, "/api/content/lessons/101/progress", {"status": "STARTED"}) == done
    straight = await _post(client, reader, "/api/content/lessons/202/progress", {"status": "COMPLETED"})
    assert straight["startedAt"] and straight["completedAt"]

    mine = await _get(client, reader, "/api/content/progress")
    assert [p["lessonId"] for p in mine["progress"]] == [101, 202]
    assert (mine["completed"], mine["total"]) == (2, 6)
    cards = (await _get(client, reader, "/api/content/lessons"))["lessons"]
    assert [c["status"] for c in cards][:3] == ["COMPLETED", "NOT_STARTED", "NOT_STARTED"]

    theirs = await _get(client, other, "/api/content/progress")
    assert theirs == {"progress": [], "completed": 0, "total": 6}
    assert (await _get(client, other, "/api/content/lessons/101"))["status"] == "NOT_STARTED"
    response = await client.post(
        "/api/content/lessons/101/progress", json={"status": "DONE"}, headers=reader.headers
    )
    assert assert_error(response, 422, "VALIDATION_ERROR")["field"] == "status"


async def test_quiz_scores_keeps_the_best_and_a_pass_completes(client: httpx.AsyncClient) -> None:
    reader = await register(client)
    url = "/api/content/lessons/201/quiz"
    short = await client.post(url, json={"answers": [3, 0, 1]}, headers=reader.headers)
    assert assert_error(short, 422, "VALIDATION_ERROR")["field"] == "answers"
    beyond = await client.post(
        url, json={"answers": [3, 0, 3, 1]}, headers=reader.headers
    )  # Q3 has 3 options
    assert assert_error(beyond, 422, "VALIDATION_ERROR")["field"] == "answers"
    negative = await client.post(url, json={"answers": [-1, 0, 1, 1]}, headers=reader.headers)
    assert assert_error(negative, 422, "VALIDATION_ERROR")["field"] == "answers"
    assert (await _get(client, reader, "/api/content/progress"))["progress"] == []  # refused: nothing kept

    failed = await _post(client, reader, url, {"answers": [0, 0, 0, 0]})
    assert (failed["score"], failed["correct"], failed["total"], failed["passed"]) == (0.25, 1, 4, False)
    assert [r["isCorrect"] for r in failed["results"]] == [False, True, False, False]
    assert failed["results"][0] == {
        "question": "Which RSI value is OVERBOUGHT?",
        "chosen": 0,
        "correct": 3,
        "isCorrect": False,
        "explanation": "Strictly above 70.",
    }
    assert failed["progress"]["status"] == "STARTED" and failed["progress"]["quizAttempts"] == 1
    three = await _post(client, reader, url, {"answers": [3, 0, 1, 0]})
    assert (three["score"], three["passed"]) == (0.75, True)  # 0.75 >= 0.7
    assert three["progress"]["status"] == "COMPLETED"
    worse = await _post(client, reader, url, {"answers": [0, 1, 0, 0]})
    assert worse["score"] == 0 and worse["passed"] is False
    progress = worse["progress"]
    assert progress["status"] == "COMPLETED"  # a later failure does not undo a pass
    assert (progress["quizAttempts"], progress["quizScore"], progress["quizBest"]) == (3, 0, 0.75)
    card = (await _get(client, reader, "/api/content/lessons", level="INTERMEDIATE"))["lessons"][0]
    assert card["quizBest"] == 0.75


async def test_paths_count_completed_lessons_and_point_to_the_next(client: httpx.AsyncClient) -> None:
    reader = await register(client)
    before = await _get(client, reader, "/api/content/paths")
    assert [p["id"] for p in before["paths"]] == ["basics", "indicators", "risk"] and before["count"] == 3
    basics = before["paths"][0]
    assert (basics["completed"], basics["total"], basics["nextLessonId"]) == (0, 2, 101)
    assert [c["id"] for c in basics["lessons"]] == [101, 102]
    await _post(client, reader, "/api/content/lessons/101/progress", {"status": "COMPLETED"})
    await _post(client, reader, "/api/content/lessons/201/quiz", {"answers": RSI_ANSWERS})
    await _post(client, reader, "/api/content/lessons/301/progress", {"status": "STARTED"})
    after = {p["id"]: p for p in (await _get(client, reader, "/api/content/paths"))["paths"]}
    assert (after["basics"]["completed"], after["basics"]["nextLessonId"]) == (1, 102)
    assert (after["indicators"]["completed"], after["indicators"]["nextLessonId"]) == (1, 301)
    assert [c["status"] for c in after["indicators"]["lessons"]] == ["COMPLETED", "STARTED"]
    await _post(client, reader, "/api/content/lessons/301/progress", {"status": "COMPLETED"})
    done = (await _get(client, reader, "/api/content/paths"))["paths"][1]
    assert (done["completed"], done["total"], done["nextLessonId"]) == (2, 2, None)


async def _rsi_alert(client: httpx.AsyncClient, account: Account) -> None:
    body = {
        "userId": account.id,
        "symbol": "BTC-USD",
        "condition": "CROSSING_UP",
        "threshold": 70,
        "channels": ["IN_APP"],
        "metadata": {"indicator": "RSI", "params": {"period": 14}, "timeframe": "1h"},
    }
    response = await client.post("/api/alerts", json=body, headers=account.headers)
    assert response.status_code == 201, response.text


async def test_rsi_alerts_and_a_failed_rsi_quiz_put_the_rsi_lesson_first(client: httpx.AsyncClient) -> None:
    newcomer = await register(client)
    [first, *_] = (await _get(client, newcomer, "/api/content/suggestions"))["suggestions"]
    assert first["lesson"]["id"] == 101 and first["score"] == 1.0
    assert first["reason"] == "at your level (beginner)"

    trader = await register(client)
    await _rsi_alert(client, trader)
    suggested = (await _get(client, trader, "/api/content/suggestions", limit=2))["suggestions"]
    assert [s["lesson"]["id"] for s in suggested] == [201, 101]
    assert suggested[0]["reason"] == "you have RSI alerts" and suggested[0]["score"] == pytest.approx(1.2)

    await _post(client, trader, "/api/content/lessons/201/quiz", {"answers": [0, 0, 0, 0]})  # 25%
    [rsi, *rest] = (await _get(client, trader, "/api/content/suggestions"))["suggestions"]
    assert rsi["lesson"]["id"] == 201 and rsi["lesson"]["quizBest"] == 0.25
    assert rsi["reason"] == "you scored 25% on its quiz; you have RSI alerts"
    assert rsi["score"] == pytest.approx(0.4 + 1.5 + 0.8 + 0.3) and len(rest) == 2  # its path is started

    await _post(client, trader, "/api/content/lessons/201/quiz", {"answers": RSI_ANSWERS})
    after = (await _get(client, trader, "/api/content/suggestions", limit=20))["suggestions"]
    assert 201 not in [s["lesson"]["id"] for s in after]  # completed lessons are not suggested


async def test_level_interests_and_started_paths_shape_suggestions(client: httpx.AsyncClient) -> None:
    reader = await register(client)
    patch = {"preferences": {"learningLevel": "ADVANCED", "interests": ["Sentiment"]}}
    assert (await client.patch("/api/users/me", json=patch, headers=reader.headers)).status_code == 200
    suggested = (await _get(client, reader, "/api/content/suggestions", limit=3))["suggestions"]
    assert [s["lesson"]["id"] for s in suggested] == [302, 301, 101]  # then the lowest id of the rest
    assert suggested[0]["score"] == pytest.approx(1.0 + 0.5 * 1 / 2)  # one of its two topics
    assert suggested[0]["reason"] == "at your level (advanced)"
    await _post(client, reader, "/api/content/lessons/101/progress", {"status": "STARTED"})
    scores = {
        s["lesson"]["id"]: s
        for s in (await _get(client, reader, "/api/content/suggestions", limit=6))["suggestions"]
    }
    assert scores[101]["score"] == pytest.approx(0.2 + 0.3)  # below the level, next in the started path
    assert scores[101]["reason"] == "next in your path Basics"


@pytest.fixture
async def candles(settings: Settings, client: httpx.AsyncClient) -> None:
    admin = await register(client)
    await make_admin(settings, admin.id)
    await push_recent_candles(client, admin, ("BTC-USD",))


async def test_panels_show_what_the_product_computes(client: httpx.AsyncClient, candles: None) -> None:
    reader = await register(client)
    lesson = await _get(client, reader, "/api/content/lessons/201")
    panel = lesson["example"]
    technical = await client.post(
        "/api/analysis/technical",
        json={"symbol": "BTC-USD", "indicators": ["RSI"], "timeframes": ["1d"], "period": "90d"},
        headers=reader.headers,
    )
    assert technical.status_code == 200, technical.text
    reading = technical.json()["data"]["timeframes"]["1d"]
    values = {v["label"]: v["value"] for v in panel["values"]}
    assert panel["subject"] == "BTC-USD" and panel["source"] and panel["snapshot"] is False
    assert values["RSI(14)"] == pytest.approx(reading["indicators"]["RSI"]["value"])
    assert values["Signal"] == reading["indicators"]["RSI"]["signal"]
    assert values["Close"] == pytest.approx(reading["close"]) and panel["asOf"] == reading["candleTime"]

    macd = (await _get(client, reader, "/api/content/lessons/301"))["example"]
    assert {v["label"] for v in macd["values"]} >= {"MACD line", "Signal line", "Histogram"}
    risk = (await _get(client, reader, "/api/content/lessons/202"))["example"]
    assert risk["values"] == [] and risk["note"].startswith("Create a portfolio")

    created = await client.post(
        "/api/portfolios",
        json={
            "userId": reader.id,
            "name": "Long BTC",
            "riskProfile": "MEDIUM",
            "targetAllocations": {"BTC-USD": 1},
        },
        headers=reader.headers,
    )
    assert created.status_code == 201, created.text
    pid = created.json()["data"]["portfolioId"]
    position = {
        "symbol": "BTC-USD",
        "quantity": 0.5,
        "entryPrice": 30000,
        "entryDate": isoformat_z(utcnow() - timedelta(days=60)),
    }
    added = await client.post(f"/api/portfolios/{pid}/positions", json=position, headers=reader.headers)
    assert added.status_code == 201, added.text
    risk = (await _get(client, reader, "/api/content/lessons/202"))["example"]
    analysis = await _get(client, reader, f"/api/portfolios/{pid}/analysis")
    shown = {v["label"]: v["value"] for v in risk["values"]}
    metrics = analysis["riskMetrics"]
    assert risk["subject"] == "Long BTC" and risk["asOf"] and risk["note"] is None
    assert shown["VaR 95"] == pytest.approx(metrics["var95"]) and metrics["var95"] is not None
    assert shown["Max drawdown"] == pytest.approx(metrics["maxDrawdown"])
    assert shown["Sharpe ratio"] == pytest.approx(metrics["sharpeRatio"])
    assert shown["Volatility"] == pytest.approx(metrics["volatility"])
    assert shown["Sortino ratio"] == pytest.approx(analysis["extended"]["sortinoRatio"])


async def test_a_mood_panel_says_its_source_and_a_broken_panel_leaves_the_lesson(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = await register(client)
    mood = (await _get(client, reader, "/api/content/lessons/302"))["example"]
    assert mood["kind"] == "fear-greed" and mood["source"] == "alternative.me" and mood["asOf"]
    assert [v["label"] for v in mood["values"]] == ["Index", "Classification", "Change over 7 days"]
    assert mood["snapshot"] is True and "snapshot" in mood["note"]  # tests read the bundled recording

    async with app_of(client).state.runtime.db.session() as session:
        user = await user_service.get_user(session, reader.id)
        chain = await examples.example(app_of(client).state.runtime, session, user, "onchain")
    assert chain.kind == "onchain" and chain.subject in (None, "BTC-USD")
    assert chain.note if not chain.values else (chain.source and chain.as_of and chain.snapshot)

    async def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setitem(examples.BUILDERS, "macd", broken)
    lesson = await _get(client, reader, "/api/content/lessons/301")
    assert (
        lesson["html"] and lesson["example"]["values"] == [] and lesson["example"]["note"] == examples.FAILED
    )
