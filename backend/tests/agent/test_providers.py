"""Which model each provider setting makes, what is missing when it cannot run, and provider failures told
apart from ours."""

from __future__ import annotations

import anthropic
import httpx
import openai
import pytest
from langchain_anthropic import ChatAnthropic
from langchain_ollama import ChatOllama
from langchain_openai import ChatOpenAI

from app.agent import providers
from app.config import Settings

REQUEST = httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions")


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({}, "CRYPTOMON_LLM_PROVIDER is not set"),
        ({"llm_provider": "openai"}, "CRYPTOMON_LLM_MODEL is not set"),
        (
            {"llm_provider": "openai", "llm_model": "gpt-4o-mini"},
            "CRYPTOMON_LLM_API_KEY is needed for openai",
        ),
        ({"llm_provider": "openai", "llm_model": "m", "llm_base_url": "http://127.0.0.1:8080/v1"}, None),
        (
            {"llm_provider": "anthropic", "llm_model": "claude"},
            "CRYPTOMON_LLM_API_KEY is needed for anthropic",
        ),
        ({"llm_provider": "ollama", "llm_model": "llama3.1"}, None),
    ],
)
def test_missing(values: dict[str, object], problem: str | None) -> None:
    assert providers.missing(settings(**values)) == problem


def test_each_provider_makes_its_model() -> None:
    made = providers._build(
        settings(
            llm_provider="openai",
            llm_model="m",
            llm_base_url="http://127.0.0.1:8080/v1",
            llm_timeout_seconds=7,
        )
    )
    assert isinstance(made, ChatOpenAI) and made.openai_api_base == "http://127.0.0.1:8080/v1"
    assert made.request_timeout == 7 and made.stream_usage is True
    made = providers._build(settings(llm_provider="anthropic", llm_model="claude-x", llm_api_key="k"))
    assert isinstance(made, ChatAnthropic) and made.model == "claude-x"
    made = providers._build(
        settings(llm_provider="ollama", llm_model="llama3.1", llm_base_url="http://127.0.0.1:11434")
    )
    assert isinstance(made, ChatOllama) and made.base_url == "http://127.0.0.1:11434"


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (openai.APITimeoutError(request=REQUEST), "PROVIDER_TIMEOUT"),
        (anthropic.APITimeoutError(request=REQUEST), "PROVIDER_TIMEOUT"),
        (httpx.ReadTimeout("slow", request=REQUEST), "PROVIDER_TIMEOUT"),
        (openai.APIConnectionError(request=REQUEST), "PROVIDER_UNAVAILABLE"),
        (httpx.ConnectError("refused", request=REQUEST), "PROVIDER_UNAVAILABLE"),
        (ConnectionError("ollama is down"), "PROVIDER_UNAVAILABLE"),
        (
            openai.AuthenticationError("bad key", response=httpx.Response(401, request=REQUEST), body=None),
            "PROVIDER_UNAVAILABLE",
        ),
        (
            anthropic.InternalServerError("boom", response=httpx.Response(500, request=REQUEST), body=None),
            "PROVIDER_UNAVAILABLE",
        ),
    ],
)
def test_provider_failures(exc: BaseException, code: str) -> None:
    found = providers.failure(exc)
    assert found is not None and found[0] == code


def test_our_own_errors_are_not_blamed_on_the_provider() -> None:
    assert providers.failure(KeyError("x")) is None
    assert providers.failure(ValueError("x")) is None
