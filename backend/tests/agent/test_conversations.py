"""Conversations over the API: create, list, read, rename, delete; bad input and other users refused."""

from __future__ import annotations

import pytest

from app.agent.schemas import MAX_MESSAGE_CHARS
from app.config import Settings
from tests.agent.conftest import CONVERSATIONS, Agent
from tests.agent.scripted_model import answer
from tests.conftest import assert_error, make_admin, register, serve


async def test_create_list_rename_delete(agent: Agent) -> None:
    me = await register(agent.client)
    conversation_id = await agent.conversation(me)
    listed = (await agent.client.get(CONVERSATIONS, headers=me.headers)).json()["data"]
    assert [c["conversationId"] for c in listed["conversations"]] == [conversation_id]
    assert listed["conversations"][0] | {"createdAt": None, "updatedAt": None} == {
        "conversationId": conversation_id,
        "title": "New conversation",
        "allowActions": False,
        "createdAt": None,
        "updatedAt": None,
        "messages": 0,
    }
    url = f"{CONVERSATIONS}/{conversation_id}"
    patched = await agent.client.patch(
        url, json={"title": "BTC research", "allowActions": True}, headers=me.headers
    )
    assert patched.status_code == 200, patched.text
    assert (
        patched.json()["data"]["title"] == "BTC research" and patched.json()["data"]["allowActions"] is True
    )
    assert (await agent.client.delete(url, headers=me.headers)).status_code == 204
    assert_error(await agent.client.get(url, headers=me.headers), 404, "NOT_FOUND")


async def test_first_question_titles_the_conversation(agent: Agent) -> None:
    me = await register(agent.client)
    conversation_id = await agent.conversation(me)
    agent.script(answer("Hello."))
    await agent.ask(me, conversation_id, "What can you do for a BTC trader?")
    data = (await agent.client.get(f"{CONVERSATIONS}/{conversation_id}", headers=me.headers)).json()["data"]
    assert data["title"] == "What can you do for a BTC trader?"
    assert data["messages"] == 2


async def test_another_users_conversation_is_forbidden(agent: Agent, agent_settings: Settings) -> None:
    owner, other = await register(agent.client), await register(agent.client)
    conversation_id = await agent.conversation(owner)
    url = f"{CONVERSATIONS}/{conversation_id}"
    assert_error(await agent.client.get(url, headers=other.headers), 403, "FORBIDDEN")
    assert_error(await agent.client.patch(url, json={"title": "x"}, headers=other.headers), 403, "FORBIDDEN")
    assert_error(await agent.client.delete(url, headers=other.headers), 403, "FORBIDDEN")
    asked = await agent.client.post(f"{url}/messages", json={"content": "hi"}, headers=other.headers)
    assert_error(asked, 403, "FORBIDDEN")
    assert (await agent.client.get(CONVERSATIONS, headers=other.headers)).json()["data"]["count"] == 0
    admin = await register(agent.client)
    await make_admin(agent_settings, admin.id)
    assert (await agent.client.get(url, headers=admin.headers)).status_code == 200  # an admin reads it
    asked = await agent.client.post(f"{url}/messages", json={"content": "hi"}, headers=admin.headers)
    assert_error(asked, 403, "FORBIDDEN")  # but does not ask in it
    assert await agent.history(owner, conversation_id) == []
    assert agent.model.seen == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"content": ""}, "content"),
        ({"content": "   "}, "content"),
        ({"content": "x" * (MAX_MESSAGE_CHARS + 1)}, "content"),
        ({}, "content"),
        ({"content": "hi", "extra": 1}, "extra"),
    ],
)
async def test_bad_messages_are_refused_and_change_nothing(
    agent: Agent, body: dict[str, object], field: str
) -> None:
    me = await register(agent.client)
    conversation_id = await agent.conversation(me)
    response = await agent.client.post(
        f"{CONVERSATIONS}/{conversation_id}/messages", json=body, headers=me.headers
    )
    error = assert_error(response, 422, "VALIDATION_ERROR")
    assert field in response.text, error
    assert await agent.history(me, conversation_id) == []
    status = (await agent.client.get("/api/agent/status", headers=me.headers)).json()["data"]
    assert status["budget"]["requestsUsed"] == 0


async def test_unknown_conversation_is_404(agent: Agent) -> None:
    me = await register(agent.client)
    response = await agent.client.post(
        f"{CONVERSATIONS}/999999/messages", json={"content": "hi"}, headers=me.headers
    )
    assert_error(response, 404, "NOT_FOUND")


async def test_without_a_provider_the_chat_says_how_to_configure_one(settings: Settings) -> None:
    async with serve(settings) as client:
        me = await register(client)
        status = (await client.get("/api/agent/status", headers=me.headers)).json()["data"]
        assert status["configured"] is False and status["provider"] is None
        assert "CRYPTOMON_LLM_PROVIDER" in status["setup"] and status["problem"]
        created = await client.post(CONVERSATIONS, json={}, headers=me.headers)
        conversation_id = created.json()["data"]["conversationId"]
        url = f"{CONVERSATIONS}/{conversation_id}"
        response = await client.post(f"{url}/messages", json={"content": "RSI of BTC?"}, headers=me.headers)
        assert_error(response, 503, "SERVICE_UNAVAILABLE")
        assert "CRYPTOMON_LLM_PROVIDER" in response.json()["message"]
        assert (await client.get(url, headers=me.headers)).json()["data"]["history"] == []
        assert (await client.get("/api/market/symbols", headers=me.headers)).status_code == 200
