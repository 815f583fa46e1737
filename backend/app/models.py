"""Every table, imported in one place so Alembic and the tests see the whole schema."""

from app.agent.models import Conversation, Message, ToolCall, Usage
from app.alerts.models import Alert, AlertTrigger
from app.analysis.models import Analysis
from app.backtesting.models import Backtest
from app.community.models import (
    Attachment,
    Comment,
    CommentVote,
    Flag,
    Follow,
    Label,
    Member,
    ModerationAction,
    Post,
    PostDay,
    PostRevision,
    Reader,
    Upload,
    Vote,
)
from app.content.models import Digest, DigestMarket, LessonProgress, NewsFeed, NewsItem
from app.core.db import Base
from app.core.tasks.models import Job
from app.indicators.models import CustomIndicator
from app.market.models import AssetRow, MarketState, PriceCandle
from app.notifications.models import Notification
from app.portfolio.models import Portfolio, PortfolioTransaction, Position
from app.realtime.models import UserEvent
from app.reports.models import Report, ReportSchedule
from app.users.models import ApiKey, AuditEvent, RecoveryCode, SiteSetting, User, UserSession

__all__ = [
    "Alert",
    "AlertTrigger",
    "Analysis",
    "ApiKey",
    "AssetRow",
    "Attachment",
    "AuditEvent",
    "Backtest",
    "Base",
    "Comment",
    "CommentVote",
    "Conversation",
    "CustomIndicator",
    "Digest",
    "DigestMarket",
    "Flag",
    "Follow",
    "Job",
    "Label",
    "LessonProgress",
    "MarketState",
    "Member",
    "Message",
    "ModerationAction",
    "NewsFeed",
    "NewsItem",
    "Notification",
    "Portfolio",
    "PortfolioTransaction",
    "Position",
    "Post",
    "PostDay",
    "PostRevision",
    "PriceCandle",
    "Reader",
    "RecoveryCode",
    "Report",
    "ReportSchedule",
    "SiteSetting",
    "ToolCall",
    "Upload",
    "Usage",
    "User",
    "UserEvent",
    "UserSession",
    "Vote",
]
