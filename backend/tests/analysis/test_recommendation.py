"""The recommendation's scoring rules, a hand-computed case, and confidence under gaps and disagreement."""

from __future__ import annotations

import pytest

from app.analysis.research.recommendation import (
    Reading,
    fear_greed_score,
    flow_score,
    momentum_score,
    recommend,
    sentiment_score,
    valuation_score,
)


def test_each_rule_maps_its_raw_value_onto_minus_one_to_one() -> None:
    assert valuation_score(1e9, 1e9) == (1.0, 1.0)
    assert valuation_score(1e10, 1e9) == (10.0, 0.0)
    assert valuation_score(1e12, 1e9)[1] == -1.0  # 1000x, clipped
    assert valuation_score(None, 1e9) == (None, None) and valuation_score(1e9, 0) == (None, None)
    assert momentum_score(3, 4) == 0.75 and momentum_score(0, 0) is None
    assert flow_score(100.0, 300.0) == (200.0, 0.5) and flow_score(0.0, 0.0) == (None, None)
    assert sentiment_score(0.75) == 0.5 and sentiment_score(None) is None
    assert fear_greed_score(20) == 0.6 and fear_greed_score(100) == -1.0


def test_a_hand_computed_case() -> None:
    verdict = recommend(
        {
            "valuation": Reading(10.0, 0.0),
            "momentum": Reading(2, 0.5),
            "onChain": Reading(200.0, 0.5),
            "sentiment": Reading(0.75, 0.5),
            "fearGreed": Reading(20, 0.6),
        }
    )
    # total = 0.2*0 + 0.3*0.5 + 0.2*0.5 + 0.15*0.5 + 0.15*0.6 = 0.415
    assert verdict.total == pytest.approx(0.415) and verdict.action == "BUY"
    # distance = 0.2*0.415 + (0.3 + 0.2 + 0.15)*0.085 + 0.15*0.185 = 0.166
    assert verdict.confidence == pytest.approx(0.834)
    assert [c.contribution for c in verdict.components] == [0.0, 0.15, 0.1, 0.075, 0.09]


def test_confidence_falls_when_sources_are_missing_or_disagree() -> None:
    alone = recommend({"fearGreed": Reading(20, 0.6)})
    assert (
        alone.action == "BUY"
        and alone.total == pytest.approx(0.6)
        and alone.confidence == pytest.approx(0.15)
    )
    split = recommend({"momentum": Reading(4, 1.0), "onChain": Reading(-5.0, -1.0)})
    assert split.total == pytest.approx(0.2) and split.confidence == pytest.approx(0.02)
    assert [c.score for c in split.components] == [None, 1.0, -1.0, None, None]
    nothing = recommend({})
    assert (nothing.action, nothing.confidence, nothing.total) == ("HOLD", 0.0, 0.0)


@pytest.mark.parametrize(("score", "action"), [(0.2, "BUY"), (0.19, "HOLD"), (-0.19, "HOLD"), (-0.2, "SELL")])
def test_the_thresholds(score: float, action: str) -> None:
    assert recommend({"sentiment": Reading(None, score)}).action == action
