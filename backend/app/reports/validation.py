"""What a report request must hold beyond its field types: the ids and symbols its type needs."""

from __future__ import annotations

from app.core.errors import AppError, ErrorCode
from app.reports.schemas import MARKET_TYPES, MAX_SYMBOLS, ReportOptions


def _invalid(field: str, message: str) -> AppError:
    return AppError(ErrorCode.VALIDATION_ERROR, f"{field}: {message}", field=field)


def check_options(options: ReportOptions) -> None:
    """422 naming the field: symbols for a market report (1 to 20), portfolioId for PORTFOLIO, backtestId
    for BACKTEST."""
    if options.report_type in MARKET_TYPES and not options.symbols:
        raise _invalid("symbols", f"give 1 to {MAX_SYMBOLS} symbols for a {options.report_type} report")
    if options.report_type == "PORTFOLIO" and options.portfolio_id is None:
        raise _invalid("portfolioId", "required for a PORTFOLIO report")
    if options.report_type == "BACKTEST" and not options.backtest_id:
        raise _invalid("backtestId", "required for a BACKTEST report")


def check_schedule(report_type: str, cadence: str, weekday: int | None, day_of_month: int | None) -> None:
    if report_type == "BACKTEST":
        raise _invalid("reportType", "a BACKTEST report covers one stored run: it is not scheduled")
    if cadence == "WEEKLY" and weekday is None:
        raise _invalid("weekday", "required for a WEEKLY schedule (0 Monday .. 6 Sunday)")
    if cadence == "MONTHLY" and day_of_month is None:
        raise _invalid("dayOfMonth", "required for a MONTHLY schedule (1..31)")
