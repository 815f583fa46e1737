"""The language model from settings (OpenAI or OpenAI-compatible, Anthropic, Ollama), made once per process,
and a provider failure told apart from our own."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from app.config import Settings
from app.core.runtime import Runtime

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

MODEL_KEY = "agent.model"  # Runtime.memo: the process's chat model

SETUP = """No language model is configured, so the research assistant is off (everything else works).
Set these in the environment or .env, then restart Cryptomon:

  CRYPTOMON_LLM_PROVIDER=openai       # openai | anthropic | ollama
  CRYPTOMON_LLM_MODEL=gpt-4o-mini     # the provider's model name
  CRYPTOMON_LLM_API_KEY=sk-...        # not needed by local servers
  CRYPTOMON_LLM_BASE_URL=             # optional, see below

OpenAI-compatible servers (vLLM, llama.cpp's llama-server, LM Studio, Ollama's /v1): provider openai and
the server's address ending in /v1, e.g. CRYPTOMON_LLM_BASE_URL=http://127.0.0.1:8080/v1.
Anthropic: CRYPTOMON_LLM_PROVIDER=anthropic, CRYPTOMON_LLM_MODEL=claude-sonnet-4-5 and the key.
Ollama's own API: CRYPTOMON_LLM_PROVIDER=ollama, CRYPTOMON_LLM_MODEL=llama3.1 and optionally
CRYPTOMON_LLM_BASE_URL=http://127.0.0.1:11434. The model must support tool calling."""


def missing(settings: Settings) -> str | None:
    """Why the agent cannot run with these settings, or None when a provider is configured."""
    if not settings.llm_provider:
        return "CRYPTOMON_LLM_PROVIDER is not set"
    if not settings.llm_model:
        return "CRYPTOMON_LLM_MODEL is not set"
    needs_key = settings.llm_provider == "anthropic" or (
        settings.llm_provider == "openai" and not settings.llm_base_url
    )
    if needs_key and not settings.llm_api_key:
        return f"CRYPTOMON_LLM_API_KEY is needed for {settings.llm_provider}"
    return None


def _build(settings: Settings) -> BaseChatModel:
    base_url = settings.llm_base_url or None
    timeout = settings.llm_timeout_seconds
    if settings.llm_provider == "anthropic":
        from langchain_anthropic import ChatAnthropic

        anthropic_args: dict[str, Any] = {"base_url": base_url} if base_url else {}
        return ChatAnthropic(
            model_name=settings.llm_model,
            api_key=settings.llm_api_key,
            timeout=timeout,
            max_retries=1,
            max_tokens=2048,
            stop=None,
            **anthropic_args,
        )
    if settings.llm_provider == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(model=settings.llm_model, base_url=base_url, client_kwargs={"timeout": timeout})
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=settings.llm_model,
        api_key=settings.llm_api_key or "not-needed",
        base_url=base_url,
        timeout=timeout,
        max_retries=1,
        stream_usage=True,
    )


def chat_model(runtime: Runtime) -> BaseChatModel:
    """The process's model (one HTTP client reused by every turn)."""
    model = runtime.memo.get(MODEL_KEY)
    if model is None:
        model = runtime.memo[MODEL_KEY] = _build(runtime.settings)
    return cast("BaseChatModel", model)


def failure(exc: BaseException) -> tuple[str, str] | None:
    """The stream's error code and message when the model's server failed us; None for anything else."""
    # Imported here: the clients are loaded with the model, not when the API starts.
    import anthropic
    import httpx
    import ollama
    import openai

    if isinstance(
        exc, openai.APITimeoutError | anthropic.APITimeoutError | httpx.TimeoutException | TimeoutError
    ):
        return "PROVIDER_TIMEOUT", "The language model did not answer in time; try again"
    if isinstance(exc, openai.APIConnectionError | anthropic.APIConnectionError | httpx.TransportError):
        return "PROVIDER_UNAVAILABLE", "The language model's server cannot be reached"
    if isinstance(exc, openai.APIStatusError | anthropic.APIStatusError | ollama.ResponseError):
        status = getattr(exc, "status_code", None)
        if status in (401, 403):
            return (
                "PROVIDER_UNAVAILABLE",
                "The language model's server refused the key (CRYPTOMON_LLM_API_KEY)",
            )
        return "PROVIDER_UNAVAILABLE", f"The language model's server answered an error ({status})"
    if isinstance(exc, ConnectionError):  # ollama raises the builtin when its server is down
        return "PROVIDER_UNAVAILABLE", "The language model's server cannot be reached"
    return None
