"""The formula language: grammar, results against TA-Lib on recorded candles, errors, references."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pytest
import talib

from app.market.recordings import load
from app.quant.formula import MAX_DEPTH, Formula, FormulaError, Resolver, parse
from app.quant.indicators import library
from app.quant.indicators.spec import Array, IndicatorSpec, Series


@pytest.fixture(scope="module")
def candles() -> Series:
    raw = load("BTC-USD", "1h")
    return Series(raw.ts, raw.open, raw.high, raw.low, raw.close, raw.volume)


def constant_series(size: int = 4) -> Series:
    ones = np.ones(size)
    return Series(np.arange(size, dtype=np.int64), ones, ones, ones, ones, ones)


def value(text: str, parameters: Mapping[str, object] | None = None) -> float:
    return float(parse(text, parameters).evaluate(constant_series())[-1])


def error(
    text: str,
    parameters: Mapping[str, object] | None = None,
    resolve: Resolver | None = None,
    name: str | None = None,
) -> FormulaError:
    with pytest.raises(FormulaError) as caught:
        parse(text, parameters, resolve, name=name)
    return caught.value


def leading_nans(values: Array) -> int:
    finite = np.flatnonzero(~np.isnan(values))
    return int(finite[0]) if len(finite) else len(values)


# --- grammar -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1+2*3", 7),
        ("(1+2)*3", 9),
        ("10-4-3", 3),  # left-associative
        ("100/10/2", 5),
        ("2^3^2", 512),  # right-associative: 2^(3^2)
        ("(2^3)^2", 64),
        ("-2^2", -4),  # documented: ^ binds tighter than unary minus, as in maths
        ("(-2)^2", 4),
        ("2^-1", 0.5),
        ("2*-3", -6),
        ("--3", 3),
        ("+3", 3),
        ("1.5e3 + .5", 1500.5),
        ("1 < 2", 1),
        ("2 <= 1", 0),
        ("3 == 3", 1),
        ("3 != 3", 0),
        ("1 + 1 > 1", 1),  # arithmetic binds tighter than comparisons
        ("not 0", 1),
        ("not 1 > 2", 1),  # not binds looser than comparisons: not (1 > 2)
        ("not 1 and 0", 0),  # ...and tighter than and: (not 1) and 0
        ("1 or 0 and 0", 1),  # and binds tighter than or
        ("(1 or 0) and 0", 0),
        ("2 and 3", 1),  # any non-zero is true
        ("ABS(-3)", 3),
        ("MAX(1, 5, 3)", 5),
        ("MIN(2, -1)", -1),
        ("LOG(1)", 0),
    ],
)
def test_precedence_and_associativity(text: str, expected: float) -> None:
    assert value(text) == expected


@pytest.mark.parametrize("text", ["1/0", "0^-1", "LOG(0)", "LOG(-1)", "(-8)^(1/3)", "1e15^100"])
def test_undefined_arithmetic_is_nan_never_infinite(text: str) -> None:
    assert np.isnan(value(text))


def test_nan_propagates_through_comparisons_and_logic() -> None:
    close = np.array([np.nan, 1.0, 0.0, 5.0])
    series = Series(np.arange(4, dtype=np.int64), close, close, close, close, close)
    for text, expected in [
        ("CLOSE > 2", [np.nan, 0, 0, 1]),
        ("CLOSE and 1", [np.nan, 1, 0, 1]),
        ("CLOSE or 1", [np.nan, 1, 1, 1]),
        ("not CLOSE", [np.nan, 0, 1, 0]),
        ("CLOSE == CLOSE", [np.nan, 1, 1, 1]),
    ]:
        np.testing.assert_array_equal(parse(text).evaluate(series), expected, err_msg=text)


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("rsi(14)-rsi( 28 )", "RSI(14) - RSI(28)"),
        ("macd(12,26,9).SIGNAL", "MACD(12, 26, 9).signal"),
        ("Bbands(20, UP_Multiplier=2).Upper", "BBANDS(20, up_multiplier=2).upper"),
        ("bollinger(20)", "BBANDS(20)"),  # aliases resolve to the catalog name
        ("stoch().d", "STOCH().d"),
        ("close > Open AND NOT volume < 1 Or 0", "CLOSE > OPEN and not VOLUME < 1 or 0"),
        ("-(2^2)", "-2 ^ 2"),
        ("(-2)^2", "(-2) ^ 2"),
        ("2^(3^2)", "2 ^ 3 ^ 2"),
        ("(2^3)^2", "(2 ^ 3) ^ 2"),
        ("1-(2-3)", "1 - (2 - 3)"),
        ("(1-2)-3", "1 - 2 - 3"),
        ("(1 < 2) == 1", "(1 < 2) == 1"),
        ("not (1 and 0)", "not (1 and 0)"),
        ("1.50", "1.5"),
        ("2.5e3", "2500"),
        ("+CLOSE", "CLOSE"),
    ],
)
def test_text_is_normalised_and_reparses_to_itself(text: str, normal: str) -> None:
    formula = parse(text)
    assert formula.text == normal
    assert parse(formula.text).text == normal


def test_identifiers_are_case_insensitive(candles: Series) -> None:
    expected = parse("MACD(12, 26, 9).signal + CLOSE").evaluate(candles)
    for text in ["macd(12, 26, 9).signal + close", "Macd(12, 26, 9).SiGnAl + ClOsE"]:
        np.testing.assert_array_equal(parse(text).evaluate(candles), expected)
    assert value("P * 2", {"p": 3}) == value("p * 2", {"P": 3}) == 6


def test_comparisons_do_not_chain() -> None:
    assert (err := error("1 < 2 < 3")).column == 7 and "cannot be chained" in err.message


def test_named_and_positional_parameters(candles: Series) -> None:
    upper = talib.BBANDS(candles.close, 20, 2.5, 2.0)[0]
    for text in [
        "BBANDS(20, 2.5).upper",
        "BBANDS(20, up_multiplier=2.5).upper",
        "BBANDS(period=20, up_multiplier=2.5).upper",
        "BBANDS(up_multiplier=2.5, period=20).upper",
        "BBANDS(CLOSE, 20, 2.5).upper",  # an explicit source
    ]:
        np.testing.assert_allclose(parse(text).evaluate(candles), upper, rtol=1e-12, err_msg=text)


def test_first_output_is_the_default(candles: Series) -> None:
    np.testing.assert_array_equal(
        parse("MACD(12, 26, 9)").evaluate(candles), parse("MACD(12, 26, 9).macd").evaluate(candles)
    )


def test_bare_indicator_name_means_default_parameters(candles: Series) -> None:
    np.testing.assert_allclose(parse("OBV").evaluate(candles), talib.OBV(candles.close, candles.volume))
    np.testing.assert_allclose(parse("RSI").evaluate(candles), talib.RSI(candles.close, 14))
    np.testing.assert_allclose(parse("BBANDS.lower").evaluate(candles), talib.BBANDS(candles.close)[2])


def test_parameters_bind_names(candles: Series) -> None:
    parameters = {"period1": 14, "period2": 28}
    formula = parse("RSI(period1) - RSI(period2)", parameters)
    assert formula.text == "RSI(period1) - RSI(period2)" and formula.lookback == 28
    np.testing.assert_array_equal(formula.evaluate(candles), parse("RSI(14) - RSI(28)").evaluate(candles))
    # Constant arithmetic on parameters is folded, so it can stand where a constant must.
    np.testing.assert_array_equal(
        parse("SMA(CLOSE, n * 2 + 1)", {"N": 10}).evaluate(candles), talib.SMA(candles.close, 21)
    )
    assert value("CLOSE * k", {"k": 2.5}) == 2.5


# --- results against TA-Lib on recorded candles ---------------------------------------------------------


def test_indicator_arithmetic_equals_talib(candles: Series) -> None:
    c = candles.close
    got = parse("RSI(14) - RSI(28)").evaluate(candles)
    np.testing.assert_allclose(got, talib.RSI(c, 14) - talib.RSI(c, 28), rtol=1e-12)


def test_indicator_of_an_expression(candles: Series) -> None:
    c = candles.close
    np.testing.assert_allclose(
        parse("SMA(RSI(14), 5)").evaluate(candles), talib.SMA(talib.RSI(c, 14), 5), rtol=1e-12
    )
    np.testing.assert_allclose(
        parse("EMA((HIGH + LOW) / 2, 10)").evaluate(candles),
        talib.EMA((candles.high + candles.low) / 2, 10),
        rtol=1e-12,
    )


def test_crossover_and_crossunder(candles: Series) -> None:
    fast, slow = talib.EMA(candles.close, 12), talib.EMA(candles.close, 26)
    undefined = np.isnan(fast[1:]) | np.isnan(slow[1:]) | np.isnan(fast[:-1]) | np.isnan(slow[:-1])
    for text, crossed in [
        ("CROSSOVER(EMA(CLOSE,12), EMA(CLOSE,26))", (fast[1:] > slow[1:]) & (fast[:-1] <= slow[:-1])),
        ("CROSSUNDER(EMA(CLOSE,12), EMA(CLOSE,26))", (fast[1:] < slow[1:]) & (fast[:-1] >= slow[:-1])),
    ]:
        expected = np.concatenate([[np.nan], np.where(undefined, np.nan, crossed.astype(float))])
        got = parse(text).evaluate(candles)
        np.testing.assert_array_equal(got, expected)
        assert np.nansum(got) > 50  # it does cross on two years of hourly bars


def test_window_functions(candles: Series) -> None:
    np.testing.assert_array_equal(parse("HIGHEST(HIGH, 20)").evaluate(candles), talib.MAX(candles.high, 20))
    np.testing.assert_array_equal(parse("LOWEST(LOW, 20)").evaluate(candles), talib.MIN(candles.low, 20))
    np.testing.assert_array_equal(parse("HIGHEST(HIGH, 1)").evaluate(candles), candles.high)
    shifted = parse("SHIFT(CLOSE, 3)").evaluate(candles)
    assert np.isnan(shifted[:3]).all()
    np.testing.assert_array_equal(shifted[3:], candles.close[:-3])


def test_named_outputs_equal_talib(candles: Series) -> None:
    h, low, c = candles.high, candles.low, candles.close
    np.testing.assert_allclose(parse("MACD(12,26,9).signal").evaluate(candles), talib.MACD(c, 12, 26, 9)[1])
    np.testing.assert_allclose(parse("BBANDS(20, 2).upper").evaluate(candles), talib.BBANDS(c, 20, 2, 2)[0])
    np.testing.assert_allclose(parse("STOCH(5, 3).d").evaluate(candles), talib.STOCH(h, low, c, 5, 3)[1])
    np.testing.assert_allclose(parse("ATR(14) / CLOSE").evaluate(candles), talib.ATR(h, low, c, 14) / c)


def test_prices_and_comparisons(candles: Series) -> None:
    h, low, c = candles.high, candles.low, candles.close
    np.testing.assert_allclose(parse("(HIGH + LOW + CLOSE) / 3").evaluate(candles), talib.TYPPRICE(h, low, c))
    above = parse("CLOSE > SMA(CLOSE, 20)").evaluate(candles)
    sma = talib.SMA(c, 20)
    np.testing.assert_array_equal(above, np.where(np.isnan(sma), np.nan, (c > sma).astype(float)))


@pytest.mark.parametrize(
    "text",
    [
        "RSI(14) - RSI(28)",
        "SMA(RSI(14), 5)",
        "CROSSOVER(EMA(CLOSE,12), EMA(CLOSE,26))",
        "HIGHEST(HIGH, 20)",
        "SHIFT(CLOSE, 3)",
        "SHIFT(SMA(CLOSE, 10), 5) + HIGHEST(RSI(14), 7)",
        "MACD(12,26,9).signal",
        "BBANDS(20, 2).upper",
        "CLOSE",
    ],
)
def test_lookback_is_the_leading_nan_count(candles: Series, text: str) -> None:
    formula = parse(text)
    assert leading_nans(formula.evaluate(candles)) == formula.lookback


def test_result_is_a_fresh_array(candles: Series) -> None:
    result = parse("CLOSE").evaluate(candles)
    assert result.flags.writeable and not np.shares_memory(result, candles.close)


def test_temporaries_are_reused_but_inputs_and_shared_calls_never_are(candles: Series) -> None:
    close = candles.close.copy()
    sma = talib.SMA(close, 5)
    text = "(CLOSE * 2 + 1) - SMA(CLOSE, 5) / 2 + 3 ^ 2 - SMA(CLOSE, 5) * (100 - CLOSE) + (CLOSE > 100)"
    expected = (close * 2 + 1) - sma / 2 + 9 - sma * (100 - close) + (close > 100)
    np.testing.assert_allclose(parse(text).evaluate(candles), expected, rtol=1e-12)
    np.testing.assert_array_equal(candles.close, close)  # the input column is untouched
    np.testing.assert_allclose(parse("SMA(CLOSE, 5) - SMA(CLOSE, 5)").evaluate(candles)[4:], 0.0)


@pytest.mark.parametrize("size", [0, 1, 3])
def test_short_series(size: int) -> None:
    formula = parse("SMA(CLOSE, 3) + SHIFT(CLOSE, 2) + HIGHEST(CLOSE, 4) + CROSSOVER(CLOSE, OPEN) + 1")
    result = formula.evaluate(constant_series(size))
    assert len(result) == size and np.isnan(result).all()


# --- errors, with their columns ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("CLOSE+FOO(1)", 7, "unknown function FOO"),
        ("RSI(14) + FOO(3)", 11, "unknown function FOO"),
        ("MACD(12,26,9).foo", 15, "MACD has no output foo (it has macd, signal, histogram)"),
        ("CLOSE.foo", 7, "CLOSE has no outputs"),
        ("SHIFT(CLOSE)", 1, "SHIFT takes 2 arguments, not 1"),
        ("ABS(1, 2)", 1, "ABS takes 1 arguments, not 2"),
        ("CLOSE + MAX(1)", 9, "MAX takes 2 to 10 arguments, not 1"),
        ("SHIFT(CLOSE, CLOSE)", 14, "SHIFT window must be a constant, not a series"),
        ("SHIFT(CLOSE, 2.5)", 14, "SHIFT window must be a whole number from 0 to 10000"),
        ("SHIFT(CLOSE, n=2)", 14, "SHIFT takes no named arguments"),
        ("SHIFT", 1, "SHIFT needs arguments"),
        ("RSI(CLOSE > 1, CLOSE)", 16, "RSI period must be a constant, not a series"),
        ("RSI(14, 3)", 9, "RSI takes at most 1 parameter"),
        ("RSI(foo=3)", 5, "RSI has no parameter foo"),
        ("RSI(1)", 5, "RSI period must be between 2 and 1000"),
        ("RSI(14.5)", 5, "RSI period must be a whole number"),
        ("RSI(period=14, 14)", 16, "positional argument after a named one"),
        ("RSI(14, period=14)", 9, "RSI period is given twice"),
        ("ATR(CLOSE, 14)", 5, "ATR reads high, low, close from the candles, not an expression"),
        ("CLOSE(1)", 1, "CLOSE is a price, not a function"),
        ("x + 1", 1, "unbound name x"),
        ("CLOSE + period3", 9, "unbound name period3"),
        ("1.2.3", 1, "bad number 1.2.3"),
        ("2 + 3x", 5, "bad number 3x"),
        ("1e", 1, "bad number 1e"),
        ("1e999", 1, "number 1e999 is too large (at most 1e+15)"),
        ("1" * 31, 1, "number " + "1" * 30 + "... is too long (at most 30 characters)"),
        ("9^9^9", 2, "exponent must be between -100 and 100"),
        ("1 2", 3, "unexpected number 2"),
        ("RSI(14) CLOSE", 9, "unexpected name CLOSE"),
        ("(1 + 2", 1, "unclosed '('"),
        ("1 + RSI(14", 8, "unclosed '('"),
        ("1 + 2)", 6, "unexpected ')'"),
        ("SMA(CLOSE, 3))", 14, "unexpected ')'"),
        ("RSI(14,)", 8, "unexpected ')'"),
        ("(1 2)", 4, "unexpected number 2 (expected ')')"),
        ("1 +", 4, "unexpected end of formula"),
        ("and 1", 1, "unexpected name and"),
        ("2 ** 3", 4, "unexpected '*' (use ^ for powers)"),
        ("1 & 2", 3, "unexpected character '&' (use and)"),
        ("", 1, "empty formula"),
        ("SHIFT(CLOSE, 10001)", 14, "SHIFT window must be a whole number from 0 to 10000"),
        ("SHIFT(SMA(CLOSE, 1000), 9500)", 1, "lookback of 10499 bars is too large (at most 10000)"),
        ("1+" * 600 + "1", 1001, "formula is too long (1201 characters, at most 1000)"),
        ("(" * 33 + "1" + ")" * 33, 33, "formula is nested too deeply (at most 32 levels)"),
        ("-" * 40 + "1", 33, "formula is nested too deeply"),
        ("ABS(" * 40 + "1" + ")" * 40, 132, "formula is nested too deeply"),
        ("2^" * 40 + "1", 66, "formula is nested too deeply"),  # the 33rd ^
    ],
)
def test_errors_name_the_column(text: str, column: int, message: str) -> None:
    err = error(text)
    assert err.message.startswith(message), err.message
    assert err.column == column
    assert str(err) == f"{err.message} at column {column}"


def test_parameter_errors() -> None:
    assert error("p + 1", {"p": "x"}).message == "parameter p is not a number"
    assert error("1 + p", {"p": float("nan")}).column == 5
    assert "too large" in error("p", {"p": 1e16}).message
    assert "given twice" in error("p", {"p": 1, "P": 2}).message
    assert error("p(1)", {"p": 1}).message == "p is a parameter, not a function"


def test_limits_are_inclusive() -> None:
    assert parse("(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH).depth == MAX_DEPTH
    assert parse("1+" * 499 + "1").text.count("+") == 499  # 999 characters
    assert parse("SHIFT(CLOSE, 10000)").lookback == 10_000
    assert value("2^100") == 2.0**100 and value("2^-100") == 2.0**-100
    assert value("1e15") == 1e15


# --- custom indicators referencing each other -----------------------------------------------------------


def test_reference_to_another_custom_indicator(candles: Series) -> None:
    fast = parse("RSI(7)")
    smoothed = parse("sma(fast_rsi, 3)", resolve={"FAST_RSI": fast}.get)
    assert smoothed.text == "SMA(FAST_RSI, 3)" and smoothed.references == {"FAST_RSI"}
    assert smoothed.lookback == fast.lookback + 2
    np.testing.assert_allclose(smoothed.evaluate(candles), talib.SMA(talib.RSI(candles.close, 7), 3))
    assert parse("FAST_RSI() * 2", resolve={"FAST_RSI": fast}.get).references == {"FAST_RSI"}
    assert error("FAST_RSI(3)", resolve={"FAST_RSI": fast}.get).column == 10


def test_references_are_transitive_and_parameters_stay_with_their_formula(candles: Series) -> None:
    a = parse("RSI(period)", {"period": 7})
    b = parse("A - 50", resolve={"A": a}.get)
    c = parse("B + RSI(period)", {"period": 14}, resolve={"B": b}.get)
    assert c.references == {"A", "B"}
    expected = talib.RSI(candles.close, 7) - 50 + talib.RSI(candles.close, 14)
    np.testing.assert_allclose(c.evaluate(candles), expected)


def _recursive(definitions: dict[str, str]) -> Callable[[str], Formula | None]:
    # As the service does it: the resolver parses the referenced text with itself as resolver.
    def resolve(name: str) -> Formula | None:
        text = definitions.get(name)
        return None if text is None else parse(text, resolve=resolve)

    return resolve


def test_cycle_through_a_parsing_resolver() -> None:
    resolve = _recursive({"A": "CLOSE + B", "B": "2 * A"})
    err = error("CLOSE + B", resolve=resolve, name="A")
    assert (err.message, err.column) == ("reference cycle A -> B -> A", 9)
    # Without its own name the cycle is found one turn later, still positioned in this text.
    err = error("1 + B", resolve=resolve)
    assert err.message == "reference cycle B -> A -> B" and err.column == 5
    assert error("SMA(A, 3)", resolve=_recursive({"A": "A + 1"})).message == "reference cycle A -> A"


def test_self_reference_is_a_cycle() -> None:
    err = error("SMA(CLOSE, 3) + me", resolve=lambda name: None, name="me")
    assert (err.message, err.column) == ("reference cycle ME -> ME", 17)


def test_cycle_through_already_parsed_formulas() -> None:
    # B was saved when A was plain CLOSE; A is now being changed to use B.
    b = parse("2 * A", resolve={"A": parse("CLOSE")}.get)
    err = error("CLOSE + B", resolve={"B": b}.get, name="A")
    assert (err.message, err.column) == ("reference cycle: B uses A", 9)


def test_errors_inside_a_referenced_formula_point_at_the_reference() -> None:
    err = error("1 + BROKEN", resolve=_recursive({"BROKEN": "RSI(1)"}))
    assert err.column == 5 and err.message.startswith("BROKEN: RSI period must be between 2 and 1000")


def test_reference_chains_count_towards_the_depth() -> None:
    definitions = {f"L{i}": f"L{i - 1} + 1" for i in range(1, 60)} | {"L0": "CLOSE"}
    assert "nested too deeply" in error("L59", resolve=_recursive(definitions)).message
    assert parse("L20", resolve=_recursive(definitions)).depth == 21
    formulas: dict[str, Formula] = {"L0": parse("CLOSE")}
    for i in range(1, MAX_DEPTH + 1):
        formulas[f"L{i}"] = parse(f"L{i - 1} + 1", resolve=formulas.get)
    assert formulas[f"L{MAX_DEPTH}"].depth == MAX_DEPTH
    assert "nested too deeply" in error(f"L{MAX_DEPTH}", resolve=formulas.get).message
    assert parse(f"L{MAX_DEPTH - 1}", resolve=formulas.get).depth == MAX_DEPTH


# --- evaluation shares work; the catalog is a seam -------------------------------------------------------


class CountingCatalog:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def get(self, name: str, /) -> IndicatorSpec:
        return library.get(name)

    def compute(
        self, name: str, series: Series, params: dict[str, float] | None, positional: tuple[float, ...], /
    ) -> Mapping[str, Array]:
        self.calls.append(name)
        return library.compute(name, series, params, positional)


def test_each_distinct_call_is_computed_once(candles: Series) -> None:
    catalog = CountingCatalog()
    shared = parse("RSI(14)", catalog=catalog)
    text = "MACD(12,26,9).macd - MACD(12, 26, 9).signal + RSI(14) * SMA(RSI(14), 5) + R + R + RSI(n)"
    formula = parse(text, {"n": 14}, resolve={"R": shared}.get, catalog=catalog)
    formula.evaluate(candles)
    assert sorted(catalog.calls) == ["MACD", "RSI", "SMA"]


def test_a_left_deep_tree_evaluates_without_recursion() -> None:
    formula = parse("CLOSE" + "+CLOSE" * 165)  # 995 characters, a tree 165 deep on its left side
    assert formula.evaluate(constant_series())[0] == 166
