"""Portfolio requests and responses: the seed's create, positions and analysis; transactions; rebalancing."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from app.core.schemas import ApiModel, DbId, DecimalNumber, RequestModel, UtcDateTime

RiskProfile = Literal["LOW", "MEDIUM", "HIGH"]
TransactionKind = Literal[
    "BUY", "SELL", "DEPOSIT", "WITHDRAW", "FEE", "STAKING_REWARD", "TRANSFER_IN", "TRANSFER_OUT"
]
Symbol = Annotated[str, StringConstraints(min_length=1, max_length=30)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Quantity = Annotated[Decimal, Field(gt=0, lt=Decimal("1e18"), allow_inf_nan=False)]
Price = Annotated[Decimal, Field(ge=0, lt=Decimal("1e15"), allow_inf_nan=False)]
Band = Annotated[Decimal, Field(gt=0, lt=1, allow_inf_nan=False)]
Weight = Annotated[Decimal, Field(ge=0, le=1, allow_inf_nan=False)]
WEIGHT_SUM_TOLERANCE = Decimal("1e-9")


def _weights_sum_to_one(targets: dict[str, Decimal] | None) -> dict[str, Decimal] | None:
    if not targets:
        return targets  # no targets: nothing to drift from
    if len(targets) > 100:
        raise ValueError("at most 100 target symbols")
    total = sum(targets.values(), Decimal(0))
    if abs(total - 1) > WEIGHT_SUM_TOLERANCE:
        raise ValueError(f"weights must sum to 1 (within 1e-9); these sum to {total}")
    return targets


class PortfolioIn(RequestModel):
    """The seed's request; `band` (the allowed |allocation - target| before rebalancing is due) defaults to
    the risk profile's: LOW 0.03, MEDIUM 0.05, HIGH 0.10."""

    user_id: DbId
    name: Name
    risk_profile: RiskProfile = "MEDIUM"
    target_allocations: dict[Symbol, Weight] = Field(
        default_factory=dict,
        description="symbol (or USD, USDT, USDC) -> weight in [0, 1]; sum 1 within 1e-9 (or none)",
    )
    band: Band | None = None

    _targets_sum = field_validator("target_allocations")(_weights_sum_to_one)


class PortfolioPatch(RequestModel):
    """Only the fields sent change; `band: null` returns to the risk profile's default."""

    name: Name | None = None
    risk_profile: RiskProfile | None = None
    target_allocations: dict[Symbol, Weight] | None = None
    band: Band | None = None

    _targets_sum = field_validator("target_allocations")(_weights_sum_to_one)


class PositionIn(RequestModel):
    """The seed's request: recorded as a BUY transaction of `quantity` at `entryPrice`."""

    symbol: Symbol
    quantity: Quantity
    entry_price: Price
    entry_date: UtcDateTime
    fee: Price = Decimal(0)


class TransactionIn(RequestModel):
    kind: TransactionKind
    symbol: Symbol = Field(description="A listed symbol, or USD, USDT, USDC for DEPOSIT and WITHDRAW")
    quantity: Quantity
    price: Price = Field(description="USD per unit at the time (1 for a USD deposit)")
    fee: Price = Decimal(0)
    executed_at: UtcDateTime
    external_id: Annotated[str, StringConstraints(max_length=100)] | None = None
    note: Annotated[str, StringConstraints(max_length=500)] | None = None


class TransactionPatch(RequestModel):
    """A correction: only the fields sent change; the holdings are derived again from every transaction."""

    kind: TransactionKind | None = None
    symbol: Symbol | None = None
    quantity: Quantity | None = None
    price: Price | None = None
    fee: Price | None = None
    executed_at: UtcDateTime | None = None
    note: Annotated[str, StringConstraints(max_length=500)] | None = None


class PriceSource(ApiModel):
    """Where a current price came from: the live feed's last tick, a stored candle's close, or the peg
    (USD, and a stablecoin without a stored price, at 1.0)."""

    source: str
    as_of: UtcDateTime | None


class PositionOut(ApiModel):
    """The seed's position: `entryPrice` is the average cost per unit (fees included); `pnl` = (currentPrice -
    entryPrice) x quantity; `pnlPercent` = (currentPrice / entryPrice - 1) x 100, 2 decimals. Without a
    price, the current figures are null."""

    position_id: int
    portfolio_id: int
    symbol: str
    quantity: DecimalNumber
    entry_price: DecimalNumber
    current_price: DecimalNumber | None
    current_value: DecimalNumber | None
    pnl: DecimalNumber | None
    pnl_percent: DecimalNumber | None
    entry_date: UtcDateTime
    cost: DecimalNumber
    realised_pnl_fifo: DecimalNumber
    realised_pnl_average: DecimalNumber
    income: DecimalNumber
    fees: DecimalNumber
    price: PriceSource | None


class PortfolioCreated(ApiModel):
    """The seed's response, plus the targets and band as stored."""

    portfolio_id: int
    name: str
    risk_profile: RiskProfile
    current_value: DecimalNumber
    positions: list[PositionOut]
    created_at: UtcDateTime
    target_allocations: dict[str, DecimalNumber]
    band: DecimalNumber


class PortfolioOut(PortfolioCreated):
    """A portfolio with its live valuation: `totalPnL` = unrealised (average cost) + realised (FIFO) + income
    - fees not in a cost; `maxDeviation` is the largest |allocation - target|."""

    user_id: int
    band_is_default: bool
    total_cost: DecimalNumber
    total_pnl: DecimalNumber = Field(alias="totalPnL")
    realised_pnl: DecimalNumber
    unrealised_pnl: DecimalNumber
    max_deviation: float
    rebalancing_needed: bool
    day_change: float | None = Field(
        description="The current holdings' change since the last daily close: Σ quantity x (price - close)"
    )
    day_change_percent: float | None = Field(description="day_change / Σ quantity x close x 100")
    updated_at: UtcDateTime | None
    warnings: list[str]


class TransactionOut(ApiModel):
    transaction_id: int
    portfolio_id: int
    kind: TransactionKind
    symbol: str
    quantity: DecimalNumber
    price: DecimalNumber
    fee: DecimalNumber
    executed_at: UtcDateTime
    external_id: str | None
    note: str | None
    created_at: UtcDateTime


class TransactionPage(ApiModel):
    transactions: list[TransactionOut]
    total: int


class RiskMetricsOut(ApiModel):
    """The seed's block, on the current holdings held over the lookback (docs/API.md gives each definition):
    `var95` in currency (negative: a loss), `maxDrawdown` in percent (negative), `volatility` a yearly
    fraction. null when undefined (under two daily returns, no variation)."""

    var95: float | None
    max_drawdown: float | None
    sharpe_ratio: float | None
    volatility: float | None


class ExtendedRiskOut(ApiModel):
    parametric_var95: float | None
    cvar95: float | None
    parametric_cvar95: float | None
    sortino_ratio: float | None
    calmar_ratio: float | None
    beta: float | None = Field(description="Against BTC-USD daily returns")
    correlation: float | None
    asset_volatility: dict[str, float | None]
    risk_contribution: dict[str, float | None]
    correlation_matrix: dict[str, dict[str, float | None]]
    concentration_hhi: float | None


class Performance(ApiModel):
    """Fractions keyed 1D, 7D, 30D, YTD, 1Y, ALL; null when the portfolio held nothing in the period."""

    twr: dict[str, float | None]
    mwr: dict[str, float | None]


class AttributionOut(ApiModel):
    """Over `period`: each asset's contribution to the return and the allocation effect against the targets
    held at constant weight (Carino-linked: contributions sum to portfolioReturn, effects to excessReturn)."""

    period: str
    portfolio_return: float | None
    benchmark_return: float | None
    excess_return: float | None
    contribution: dict[str, float]
    allocation_effect: dict[str, float]


class ValuePoint(ApiModel):
    date: str
    value: float


class AlertBreach(ApiModel):
    """A risk alert of the portfolio whose condition holds now (docs/API.md defines each figure)."""

    alert_id: int
    condition: str
    symbol: str | None = Field(description="ALLOCATION_DRIFT on one asset: that asset")
    measured: float = Field(
        description="Drift: weight - target of the asset furthest out; drawdown: percent from the peak; "
        "VaR: the change since the last daily close; value: the value"
    )
    level: float | None = Field(description="The band, threshold or var95 it is held against")
    message: str


class AnalysisOut(ApiModel):
    """The seed's response, plus `extended`, `performance`, `attribution`, the series they come from, and
    where each price came from."""

    portfolio_id: int
    total_value: DecimalNumber
    total_pnl: DecimalNumber = Field(alias="totalPnL")
    allocation: dict[str, float]
    allocation_deviation: dict[str, float]
    risk_metrics: RiskMetricsOut
    rebalancing_needed: bool
    alerts: list[AlertBreach] = Field(description="The portfolio's ACTIVE risk alerts in breach now")
    band: DecimalNumber
    lookback_days: int
    risk_free_rate: float
    extended: ExtendedRiskOut
    performance: Performance
    attribution: AttributionOut
    values: list[ValuePoint] = Field(description="V_t: the current holdings at each daily close")
    history: list[ValuePoint] = Field(description="The value at each daily close, as held then")
    prices: dict[str, PriceSource]
    warnings: list[str]
    as_of: UtcDateTime


class TradeOut(ApiModel):
    symbol: str
    side: Literal["BUY", "SELL"]
    quantity: DecimalNumber
    notional: DecimalNumber
    reason: str


class RebalanceOut(ApiModel):
    """Advisory trades that bring the weights to target (nothing is traded)."""

    portfolio_id: int
    rebalancing_needed: bool
    band: DecimalNumber
    trades: list[TradeOut]
    weights_before: dict[str, float]
    weights_after: dict[str, float]
    turnover: DecimalNumber
    fees: DecimalNumber
    skipped: list[str]


class WeightBounds(RequestModel):
    min: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = 0.0
    max: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = 1.0


class PortfolioOptimizeIn(RequestModel):
    """Proposed target weights for the portfolio's symbols (its targets and holdings; cash is left out: it
    has no returns to weigh) from their daily returns over the lookback. Long only."""

    method: Literal["MIN_VARIANCE", "MAX_SHARPE", "HRP", "RISK_PARITY"]
    lookback_days: int = Field(default=365, ge=30, le=3650)
    bounds: dict[Symbol, WeightBounds] = Field(default_factory=dict, max_length=100)
    default_bounds: WeightBounds = Field(default_factory=WeightBounds)


class PortfolioOptimizeOut(ApiModel):
    """`expectedReturn` = mean daily return of the proposal x 365; `volatility` = its sample standard
    deviation x sqrt(365); `sharpeRatio` = (expectedReturn - risk-free rate) / volatility. Apply the weights
    with PATCH targetAllocations (they leave out cash)."""

    portfolio_id: int
    method: str
    weights: dict[str, float]
    expected_return: float | None
    volatility: float | None
    sharpe_ratio: float | None
    lookback_days: int
    excluded: list[str]
    library: str


class ImportIn(RequestModel):
    """CSV with the header kind,symbol,quantity,price,fee,executedAt,externalId,note (fee, externalId and
    note optional); the request body is at most CRYPTOMON_MAX_BODY_BYTES (1 MB by default)."""

    csv: Annotated[str, StringConstraints(min_length=1, max_length=10_000_000, strip_whitespace=False)]
    partial: bool = Field(default=False, description="Import the good rows even when some are bad")


class RowError(ApiModel):
    line: int
    field: str
    message: str


class ImportOut(ApiModel):
    imported: int
    skipped: int = Field(description="Rows already recorded: the same externalId, or identical content")
    errors: list[RowError] = Field(description="Bad rows left out (only with partial: true)")
