"""Request and response bodies of the account routes."""

from __future__ import annotations

from typing import Annotated, Literal, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, AnyHttpUrl, EmailStr, Field, StringConstraints, field_validator

from app.core.schemas import ApiModel, RequestModel, UtcDateTime
from app.users.models import Role

Password = Annotated[str, StringConstraints(min_length=8, max_length=128)]
Phone = Annotated[str, StringConstraints(pattern=r"^\+[1-9]\d{6,14}$")]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=40)]
TelegramChat = Annotated[str, StringConstraints(pattern=r"^(-?\d{1,20}|@[A-Za-z0-9_]{5,32})$")]
WebhookSecret = Annotated[str, StringConstraints(min_length=16, max_length=128)]
Symbol = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,15}(-[A-Z0-9]{1,10})?$")]
RiskProfile = Literal["LOW", "MEDIUM", "HIGH"]
Theme = Literal["light", "dark", "system"]
LearningLevel = Literal["BEGINNER", "INTERMEDIATE", "ADVANCED"]
DigestChannel = Literal["EMAIL", "IN_APP"]
DIGEST_CHANNELS: tuple[DigestChannel, ...] = ("EMAIL", "IN_APP")


def _known_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r} (an IANA name such as Europe/Berlin)") from exc
    return name


TimeZone = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(_known_zone)]


class Caller(Protocol):
    """Who is asking, as other domains check ownership: the signed-in User row satisfies it."""

    @property
    def id(self) -> int: ...

    @property
    def is_admin(self) -> bool: ...


class RoleIn(RequestModel):
    """An account's role, set by an administrator."""

    role: Literal["user", "moderator", "admin"]


class ChannelSettings(RequestModel):
    """Where a user's notifications go; each channel is optional."""

    email: EmailStr | None = None
    phone: Phone | None = Field(default=None, description="E.164, e.g. +14155550100 (SMS)")
    discord_webhook: AnyHttpUrl | None = None
    telegram_chat_id: TelegramChat | None = Field(default=None, description="Numeric chat id or @channel")
    webhook_url: AnyHttpUrl | None = None
    webhook_secret: WebhookSecret | None = Field(
        default=None, description="Signs WEBHOOK bodies (HMAC-SHA256)"
    )


class DigestSettings(RequestModel):
    """The daily digest: sent at `hour` (0-23) in the account's time zone on `channels` when enabled."""

    enabled: bool = False
    hour: Annotated[int, Field(ge=0, le=23)] = 7
    channels: list[DigestChannel] = Field(default_factory=lambda: list(DIGEST_CHANNELS), max_length=2)


class DigestSettingsPatch(RequestModel):
    enabled: bool | None = None
    hour: Annotated[int, Field(ge=0, le=23)] | None = None
    channels: list[DigestChannel] | None = Field(default=None, max_length=2)

    @field_validator("enabled", "hour", "channels", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("cannot be null; leave the key out to keep it")
        return value


class Preferences(RequestModel):
    channels: ChannelSettings = Field(default_factory=ChannelSettings)
    interests: list[Tag] = Field(default_factory=list, max_length=50)
    risk_profile: RiskProfile | None = None
    watchlist: list[Symbol] = Field(default_factory=list, max_length=100)
    theme: Theme = "system"
    timezone: TimeZone = Field(default="UTC", description="IANA name; scheduled reports run in it")
    digest: DigestSettings = Field(default_factory=DigestSettings)
    learning_level: LearningLevel | None = None


class ChannelSettingsPatch(RequestModel):
    email: EmailStr | None = None
    phone: Phone | None = None
    discord_webhook: AnyHttpUrl | None = None
    telegram_chat_id: TelegramChat | None = None
    webhook_url: AnyHttpUrl | None = None
    webhook_secret: WebhookSecret | None = None


class PreferencesPatch(RequestModel):
    """Only the keys sent are changed; `null` clears a channel or the risk profile."""

    channels: ChannelSettingsPatch | None = None
    interests: list[Tag] | None = Field(default=None, max_length=50)
    risk_profile: RiskProfile | None = None
    watchlist: list[Symbol] | None = Field(default=None, max_length=100)
    theme: Theme | None = None
    timezone: TimeZone | None = None
    digest: DigestSettingsPatch | None = None
    learning_level: LearningLevel | None = None

    @field_validator("channels", "interests", "watchlist", "theme", "timezone", "digest", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Runs only for keys that were sent: leaving a key out keeps it, null cannot erase it.
        if value is None:
            raise ValueError("cannot be null; leave the key out to keep it")
        return value


class RegisterRequest(RequestModel):
    email: EmailStr
    password: Password
    display_name: Annotated[str, StringConstraints(min_length=1, max_length=80)] | None = None


class LoginRequest(RequestModel):
    # Not re-validated: an account that exists is found by its stored address, whatever its form.
    email: Annotated[str, StringConstraints(min_length=3, max_length=100)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=128)]


class RefreshRequest(RequestModel):
    refresh_token: Annotated[str, StringConstraints(min_length=1, max_length=4096)]


class UpdateMeRequest(RequestModel):
    email: EmailStr | None = None
    display_name: Annotated[str, StringConstraints(min_length=1, max_length=80)] | None = None
    password: Password | None = None
    current_password: str | None = Field(default=None, description="Required to change email or password")
    preferences: PreferencesPatch | None = None


class PreferencesOut(ApiModel):
    channels: dict[str, str | None]
    interests: list[str]
    risk_profile: RiskProfile | None
    watchlist: list[str]
    theme: Theme
    timezone: str
    digest: DigestSettings
    learning_level: LearningLevel | None


class UserOut(ApiModel):
    id: int
    email: str
    display_name: str | None
    role: Role
    preferences: PreferencesOut
    created_at: UtcDateTime


class TokenPair(ApiModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class AuthResult(ApiModel):
    user: UserOut
    tokens: TokenPair


class ApiKeyCreate(RequestModel):
    name: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    scopes: list[Literal["ingest"]] = Field(min_length=1)


class ApiKeyOut(ApiModel):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: UtcDateTime
    last_used_at: UtcDateTime | None
    revoked_at: UtcDateTime | None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="The secret; shown only in this response")
