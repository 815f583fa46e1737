"""Request and response bodies of the account routes."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from app.core.schemas import ApiModel, RequestModel, UtcDateTime
from app.users.channel_secrets import SECRET_CHANNELS, is_masked
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

    @model_validator(mode="before")
    @classmethod
    def _masked_is_unchanged(cls, data: Any) -> Any:
        # A secret sent back as the API shows it ("…abcd") is left as stored, as if it were not sent.
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (k in SECRET_CHANNELS and is_masked(v))}
        return data


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
    role: Role = Field(description="The role granted (see twoFactorRequired for whether it is in force)")
    preferences: PreferencesOut
    created_at: UtcDateTime
    two_factor_enabled: bool = False
    two_factor_required: bool = Field(
        default=False,
        description="An admin requires 2FA for this role and it is off: its powers wait until it is on",
    )


class TokenPair(ApiModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class AuthResult(ApiModel):
    user: UserOut
    tokens: TokenPair


# The scopes of users.key_scopes.CATALOGUE (spelled out for the OpenAPI enum).
ApiKeyScope = Literal["market:read", "ingest", "account:read", "alerts:write", "agent"]


class ApiKeyCreate(RequestModel):
    name: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    scopes: list[ApiKeyScope] = Field(min_length=1)
    expires_at: UtcDateTime | None = Field(
        default=None, description="When the key stops working: at most 365 days ahead; none: never"
    )


class ApiKeyOut(ApiModel):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: UtcDateTime
    last_used_at: UtcDateTime | None
    revoked_at: UtcDateTime | None
    expires_at: UtcDateTime | None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="The secret; shown only in this response")


class ApiKeyScopeOut(ApiModel):
    scope: str
    title: str
    description: str
    admin_only: bool


class TwoFactorChallenge(ApiModel):
    """The answer to a right password when the account has 2FA on: send a code with this token next."""

    two_factor_required: Literal[True] = True
    challenge_token: str = Field(description="For POST /api/auth/login/2fa; single use")
    expires_in: int = Field(description="Seconds the code step waits")


TwoFactorCode = Annotated[str, StringConstraints(min_length=6, max_length=10)]
RecoveryCodeText = Annotated[str, StringConstraints(min_length=10, max_length=20)]


class SecondFactorIn(RequestModel):
    """A current authenticator code, or one of the recovery codes: exactly one of them."""

    code: TwoFactorCode | None = Field(default=None, description="6 digits from the authenticator app")
    recovery_code: RecoveryCodeText | None = Field(default=None, description="e.g. k7q2m-x9tpa")

    @model_validator(mode="after")
    def _exactly_one(self) -> SecondFactorIn:
        if (self.code is None) == (self.recovery_code is None):
            raise PydanticCustomError("one_of", "send either code or recoveryCode")
        return self


class TwoFactorLoginIn(SecondFactorIn):
    challenge_token: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class CodeIn(RequestModel):
    code: TwoFactorCode = Field(description="6 digits from the authenticator app")


class TwoFactorStatus(ApiModel):
    enabled: bool
    enabled_at: UtcDateTime | None
    recovery_codes_left: int
    required: bool = Field(description="An admin requires 2FA for this account's role and it is off")


class TwoFactorSetup(ApiModel):
    secret: str = Field(description="Base32, for typing into an authenticator app")
    otpauth_uri: str
    qr_code: str = Field(description="The otpauth URI as a QR code: a data:image/png;base64 URI")


class TwoFactorEnabled(ApiModel):
    enabled: Literal[True] = True
    recovery_codes: list[str] = Field(description="Ten single-use codes, shown only in this response")


class TwoFactorDisabled(ApiModel):
    enabled: Literal[False] = False


class RecoveryCodes(ApiModel):
    recovery_codes: list[str]


class SessionOut(ApiModel):
    id: str
    user_agent: str | None
    ip: str | None
    created_at: UtcDateTime
    last_seen_at: UtcDateTime
    current: bool = Field(description="The session of the token making this request")


class SessionEnded(ApiModel):
    ended: bool


class SessionsEnded(ApiModel):
    ended: int


AuditDetail = str | int | bool | list[str] | None


class AuditEventOut(ApiModel):
    id: int
    user_id: int | None
    actor_id: int | None
    action: str
    ip: str | None
    user_agent: str | None
    details: dict[str, AuditDetail] = Field(description="What the event concerns; per action in docs/API.md")
    created_at: UtcDateTime


class AuditPage(ApiModel):
    events: list[AuditEventOut]
    next_before: int | None = Field(description="Pass as `before` for older events; null at the end")


class SecurityPolicyIn(RequestModel):
    require_two_factor_for_staff: bool


class SecurityPolicyOut(ApiModel):
    require_two_factor_for_staff: bool
    updated_at: UtcDateTime | None
    updated_by: int | None
