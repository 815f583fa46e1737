"""Request and response bodies of the community: posts, comments, votes, attachments, moderation, follows."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationError, ValidatorFunctionWrapHandler, field_validator
from pydantic_core import PydanticCustomError

from app.core.schemas import ApiModel, DbId, JsonObject, RequestModel, UtcDateTime

Visibility = Literal["PUBLIC", "FOLLOWERS", "PRIVATE"]
Sort = Literal["NEW", "TOP", "TRENDING"]
TopPeriod = Literal["day", "week", "month", "year", "all"]
ModerationStatus = Literal["ALLOW", "HOLD_FOR_REVIEW", "REJECT"]
InsightType = Literal["ALERT", "INDICATOR", "BACKTEST", "CHART", "UPLOAD"]
AttachmentType = Literal["LINK", "IMAGE", "UPLOAD", "ALERT", "INDICATOR", "BACKTEST", "CHART"]
ModeratorAction = Literal["HIDE", "RESTORE", "APPROVE", "LOCK", "UNLOCK"]
FollowKind = Literal["USER", "TAG"]

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
PostText = Annotated[str, StringConstraints(min_length=1, max_length=40_000)]
CommentText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=40)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class InsightRef(RequestModel):
    """Something of yours to attach: an alert rule, a custom indicator, a backtest, a chart (the `chartUrl`
    a technical analysis gave you) or an uploaded image."""

    type: InsightType
    id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class PostIn(RequestModel):
    """The seed's request; `attachments` also takes `{"type", "id"}` for things of yours."""

    user_id: DbId
    title: Title
    content: PostText
    tags: list[Tag] = Field(default_factory=list, max_length=10)
    attachments: list[Url | InsightRef] = Field(default_factory=list, max_length=5)
    visibility: Visibility = "PUBLIC"

    @field_validator("attachments", mode="wrap")
    @classmethod
    def _one_message_per_attachment(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        # A bad item fails both members of the union; one message naming the item, not pydantic's internals.
        try:
            return handler(value)
        except ValidationError as exc:
            first = exc.errors()[0]
            if not first["loc"] or not isinstance(first["loc"][0], int):
                raise
            raise PydanticCustomError(
                "attachment",
                "attachments[{index}]: an http(s) URL, or "
                '{"type": ALERT | INDICATOR | BACKTEST | CHART | UPLOAD, "id": ...} naming one of yours',
                {"index": first["loc"][0]},
            ) from exc


class PostPatch(RequestModel):
    """Only the keys sent change; the post as it was is kept in its history."""

    title: Title | None = None
    content: PostText | None = None
    tags: list[Tag] | None = Field(default=None, max_length=10)
    visibility: Visibility | None = None


class ReasonOut(ApiModel):
    code: str
    message: str


class ModerationOut(ApiModel):
    status: ModerationStatus
    reasons: list[ReasonOut]


class AuthorOut(ApiModel):
    user_id: int
    display_name: str
    reputation: int


class AttachmentOut(ApiModel):
    attachment_id: int
    type: AttachmentType
    title: str
    url: str | None = Field(description="LINK, IMAGE, UPLOAD and CHART: where it is; other insights: null")
    embeddable: bool = Field(description="An image shown in the post (uploads, charts, allowed image hosts)")
    source_id: str | None = Field(
        description="The shared alert, indicator or backtest's id in its owner's account"
    )
    data: JsonObject = Field(
        description="Insights as shared: ALERT the rule, INDICATOR name and formula, BACKTEST metrics and "
        "a sampled equity curve, CHART its symbol, interval, indicators and span"
    )
    cloneable: bool


class PostCard(ApiModel):
    """A post in a list: the seed's response fields first."""

    post_id: int
    user_id: int
    title: str
    upvotes: int
    comments: int
    visibility: Visibility
    created_at: UtcDateTime
    author: AuthorOut
    excerpt: str
    tags: list[str]
    symbols: list[str]
    downvotes: int
    score: int
    my_vote: int
    views: int
    readers: int
    trending: float
    status: str
    moderation: ModerationOut
    locked: bool
    attachment_types: list[AttachmentType]
    updated_at: UtcDateTime | None


class PostOut(PostCard):
    content: str
    content_html: str
    attachments: list[AttachmentOut]
    revisions: int


class PostPage(ApiModel):
    items: list[PostCard]
    limit: int
    offset: int
    has_more: bool


class RevisionOut(ApiModel):
    title: str
    content: str
    tags: list[str]
    edited_at: UtcDateTime


class CommentIn(RequestModel):
    content: CommentText
    parent_id: DbId | None = None


class CommentPatch(RequestModel):
    content: CommentText


class CommentOut(ApiModel):
    comment_id: int
    post_id: int
    parent_id: int | None
    depth: int
    user_id: int | None = Field(description="Null once deleted")
    author: AuthorOut | None
    content: str
    content_html: str
    upvotes: int
    downvotes: int
    score: int
    my_vote: int
    status: str
    moderation: ModerationOut
    created_at: UtcDateTime
    updated_at: UtcDateTime | None


class CommentList(ApiModel):
    """A post's thread in reading order (each reply after its parent); `depth` says how far to indent."""

    post_id: int
    comments: int = Field(description="Live comments: the post's `comments`")
    items: list[CommentOut]


class VoteIn(RequestModel):
    value: Literal[1, -1, 0]


class VoteOut(ApiModel):
    upvotes: int
    downvotes: int
    score: int
    my_vote: int


class CloneOut(ApiModel):
    type: AttachmentType
    id: str = Field(description="The new alert, indicator or backtest's id in your account")
    url: str = Field(description="Where the web app shows it")


class UploadOut(ApiModel):
    upload_id: str
    url: str
    media_type: str
    width: int
    height: int
    bytes: int


class FlagIn(RequestModel):
    reason: Reason


class FlagOut(ApiModel):
    flagged: bool


class ActionIn(RequestModel):
    action: ModeratorAction
    reason: Reason


class BanIn(RequestModel):
    reason: Reason
    days: int | None = Field(default=None, ge=1, le=3650, description="Null: until lifted")


class ActionOut(ApiModel):
    action_id: int
    actor_id: int | None
    actor: str | None = Field(description="The moderator's handle")
    action: str
    target: str
    target_id: int
    post_id: int | None = Field(description="The post acted on, or the comment's post; null for bans")
    reason: str
    created_at: UtcDateTime


class ActionList(ApiModel):
    items: list[ActionOut]


class QueueItem(ApiModel):
    target: Literal["POST", "COMMENT"]
    target_id: int
    post_id: int
    title: str
    excerpt: str
    author: AuthorOut
    status: str
    locked: bool
    moderation: ModerationOut
    flags: int
    flag_reasons: list[str]
    created_at: UtcDateTime


class QueueOut(ApiModel):
    items: list[QueueItem]


class MemberOut(ApiModel):
    user_id: int
    display_name: str
    reputation: int
    votes_received: int
    penalties: int
    posts: int
    followers: int
    following: bool
    banned_until: UtcDateTime | None


class FollowIn(RequestModel):
    kind: FollowKind
    target: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class FollowOut(ApiModel):
    kind: FollowKind
    target: str
    created_at: UtcDateTime


class FollowList(ApiModel):
    items: list[FollowOut]


class DayStats(ApiModel):
    day: date
    views: int
    readers: int
    upvotes: int
    downvotes: int


class PostStats(ApiModel):
    post_id: int
    views: int
    readers: int
    upvotes: int
    downvotes: int
    comments: int
    days: list[DayStats]
