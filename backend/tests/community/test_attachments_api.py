"""Attachments and notifications on both deployments: a backtest, an alert rule and a custom indicator shown
in a post and cloned by a reader into their own account; uploaded images re-encoded without metadata;
replies, mentions and followed tags reach members IN_APP."""

from __future__ import annotations

import io
from typing import Any

import httpx
from PIL import Image

from tests.community.conftest import POSTS, get, write
from tests.conftest import Account, assert_error, register


async def _backtest(client: httpx.AsyncClient, who: Account) -> str:
    response = await client.post(
        "/api/backtest/strategy",
        json={"strategyName": "RSI Mean Reversion", "symbol": "BTC-USD", "period": "30d"},
        headers=who.headers,
    )
    assert response.status_code == 201, response.text
    backtest_id: str = response.json()["data"]["backtestId"]
    return backtest_id


async def test_a_backtest_is_shown_and_cloned_by_a_reader(client: httpx.AsyncClient, market: Account) -> None:
    author, reader = await register(client), await register(client)
    run_id = await _backtest(client, author)
    post = await write(client, author, attachments=[{"type": "BACKTEST", "id": run_id}])
    [shared] = post["attachments"]
    assert shared["type"] == "BACKTEST" and shared["sourceId"] == run_id and shared["cloneable"]
    run = await get(client, author, f"/api/backtest/{run_id}")
    assert shared["data"]["results"] == run["results"]
    assert 2 <= len(shared["data"]["equity"]) <= 122
    assert post["attachmentTypes"] == ["BACKTEST"]

    theirs = await client.post(
        POSTS,
        json={
            "userId": reader.id,
            "title": "t",
            "content": "c",
            "attachments": [{"type": "BACKTEST", "id": run_id}],
        },
        headers=reader.headers,
    )
    assert assert_error(theirs, 404, "NOT_FOUND")["field"] == "attachments[0]"

    url = f"{POSTS}/{post['postId']}/attachments/{shared['attachmentId']}/clone"
    cloned = await client.post(url, headers=reader.headers)
    assert cloned.status_code == 201, cloned.text
    copy = cloned.json()["data"]
    assert copy["type"] == "BACKTEST" and copy["id"] != run_id and copy["url"].endswith(copy["id"])
    mine = await get(client, reader, f"/api/backtest/{copy['id']}")
    assert mine["results"] == run["results"]  # the same request over the same stored candles
    assert_error(await client.get(f"/api/backtest/{copy['id']}", headers=author.headers), 404, "NOT_FOUND")


async def test_alert_and_indicator_are_cloned_as_the_readers(
    client: httpx.AsyncClient, market: Account
) -> None:
    author, reader = await register(client), await register(client)
    alert = await client.post(
        "/api/alerts",
        json={
            "userId": author.id,
            "symbol": "BTC-USD",
            "condition": "PRICE_ABOVE",
            "threshold": 250000,
            "channels": ["IN_APP"],
        },
        headers=author.headers,
    )
    assert alert.status_code == 201, alert.text
    indicator = await client.post(
        "/api/indicators/custom",
        json={"userId": author.id, "name": "Fast trend", "formula": "EMA(close, 9) - EMA(close, 21)"},
        headers=author.headers,
    )
    assert indicator.status_code == 201, indicator.text
    refs = [
        {"type": "ALERT", "id": str(alert.json()["data"]["id"])},
        {"type": "INDICATOR", "id": str(indicator.json()["data"]["indicatorId"])},
    ]
    post = await write(client, author, attachments=refs)
    rule, formula = post["attachments"]
    assert rule["data"]["condition"] == "PRICE_ABOVE" and rule["data"]["threshold"] == 250000
    assert formula["data"]["formula"] == "EMA(close, 9) - EMA(close, 21)"
    for attachment in (rule, formula):
        url = f"{POSTS}/{post['postId']}/attachments/{attachment['attachmentId']}/clone"
        response = await client.post(url, headers=reader.headers)
        assert response.status_code == 201, response.text
    alerts = await get(client, reader, f"/api/alerts/{reader.id}")
    [copy] = alerts["alerts"]
    assert (copy["symbol"], copy["condition"], copy["threshold"], copy["channels"]) == (
        "BTC-USD",
        "PRICE_ABOVE",
        250000,
        ["IN_APP"],
    )
    [custom] = await get(client, reader, "/api/indicators/custom")
    assert custom["formula"] == "EMA(close, 9) - EMA(close, 21)"
    again = await client.post(
        f"{POSTS}/{post['postId']}/attachments/{formula['attachmentId']}/clone", headers=reader.headers
    )
    assert again.status_code in (409, 422), again.text  # the reader already has an indicator of that name


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (52.0, 31.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


async def test_uploads_are_reencoded_without_metadata(client: httpx.AsyncClient, settings: Any) -> None:
    author, reader = await register(client), await register(client)
    original = _jpeg_with_exif()
    assert b"SecretCam" in original
    response = await client.post(
        "/api/community/uploads", files={"file": ("me.jpg", original, "image/jpeg")}, headers=author.headers
    )
    assert response.status_code == 201, response.text
    upload = response.json()["data"]
    assert (upload["mediaType"], upload["width"], upload["height"]) == ("image/jpeg", 64, 48)
    served = await client.get(upload["url"])
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert b"SecretCam" not in served.content and not Image.open(io.BytesIO(served.content)).getexif()

    post = await write(client, author, attachments=[{"type": "UPLOAD", "id": upload["uploadId"]}])
    assert post["attachments"][0]["embeddable"] is True and post["attachments"][0]["url"] == upload["url"]
    stolen = {
        "userId": reader.id,
        "title": "t",
        "content": "c",
        "attachments": [{"type": "UPLOAD", "id": upload["uploadId"]}],
    }
    assert (
        assert_error(await client.post(POSTS, json=stolen, headers=reader.headers), 404, "NOT_FOUND")["field"]
        == "attachments[0]"
    )

    for name, data, status, code in [
        ("x.png", b"<svg onload=alert(1)>", 415, "UNSUPPORTED_MEDIA_TYPE"),
        ("x.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, 415, "UNSUPPORTED_MEDIA_TYPE"),
        ("x.jpg", b"\xff" * (settings.community_upload_max_bytes + 1), 413, "PAYLOAD_TOO_LARGE"),
    ]:
        refused = await client.post(
            "/api/community/uploads", files={"file": (name, data, "image/png")}, headers=author.headers
        )
        assert assert_error(refused, status, code)["field"] == "file"
    assert_error(await client.get("/api/community/uploads/nosuchupload123"), 404, "NOT_FOUND")


async def _inbox(client: httpx.AsyncClient, who: Account) -> list[dict[str, Any]]:
    page = await get(client, who, "/api/notifications", channel="IN_APP")
    return [n["event"] for n in page["notifications"]]


async def test_replies_mentions_and_followed_tags_notify(client: httpx.AsyncClient) -> None:
    author, replier, fan = await register(client), await register(client), await register(client)
    await client.patch("/api/users/me", json={"displayName": "Fan Club"}, headers=fan.headers)
    follow = await client.post(
        "/api/community/follows", json={"kind": "TAG", "target": "defi"}, headers=fan.headers
    )
    assert follow.status_code == 201, follow.text
    post = await write(client, author, tags=["DeFi"])
    assert [(e["kind"], e["postId"]) for e in await _inbox(client, fan)] == [("TAG", post["postId"])]
    reply = await client.post(
        f"{POSTS}/{post['postId']}/comments", json={"content": "Agreed, cc @FanClub"}, headers=replier.headers
    )
    assert reply.status_code == 201, reply.text
    comment_id = reply.json()["data"]["commentId"]
    assert [(e["kind"], e["commentId"]) for e in await _inbox(client, author)] == [("REPLY", comment_id)]
    assert [e["kind"] for e in await _inbox(client, fan)] == ["MENTION", "TAG"]
    assert await _inbox(client, replier) == []


async def test_a_chart_of_yours_is_kept_as_an_image(client: httpx.AsyncClient, market: Account) -> None:
    author, reader = await register(client), await register(client)
    analysis = await client.post(
        "/api/analysis/technical",
        json={"symbol": "BTC-USD", "indicators": ["RSI", "BBANDS"], "timeframes": ["1h"], "period": "7d"},
        headers=author.headers,
    )
    assert analysis.status_code == 200, analysis.text
    chart_url = analysis.json()["data"]["chartUrl"]
    post = await write(client, author, attachments=[{"type": "CHART", "id": chart_url}])
    [chart] = post["attachments"]
    assert (chart["type"], chart["embeddable"], chart["cloneable"]) == ("CHART", True, False)
    assert (chart["data"]["symbol"], chart["data"]["interval"]) == ("BTC-USD", "1h")
    assert chart["data"]["indicators"] == ["RSI", "BBANDS"]
    image = await client.get(chart["url"])
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    forged = {"type": "CHART", "id": chart_url.replace(".png", "0.png")}
    body = {"userId": reader.id, "title": "t", "content": "c", "attachments": [forged]}
    assert (
        assert_error(await client.post(POSTS, json=body, headers=reader.headers), 404, "NOT_FOUND")["field"]
        == "attachments[0]"
    )
