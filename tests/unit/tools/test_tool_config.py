"""ToolConfig defaults and validation, env parsing, decisions, metrics."""

from __future__ import annotations

import math

import pytest

from cadence.tools import BatchLimits, ToolConfig, ToolConfigError, tool_config_from_env
from cadence.tools.config import default_batch_limits, resolve_batch_limits
from cadence.tools.metrics import binary_metrics, percentile
from cadence.tools.types import decide, fallback, positive_index


def test_defaults_match_the_issue() -> None:
    config = ToolConfig(model="m")
    assert config.threshold == 0.66
    assert config.timeout_s == 3.0
    assert config.device == "auto"
    assert config.max_batch_size is None and config.max_delay_ms is None


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(ToolConfigError) as info:
        ToolConfig(model=" ", threshold=1.5, timeout_s=0, max_batch_size=0, device="tpu")
    message = str(info.value)
    for name in (
        "TOOL_MODEL",
        "TOOL_DECISION_THRESHOLD",
        "TOOL_TIMEOUT_S",
        "TOOL_MAX_BATCH_SIZE",
        "TOOL_DEVICE",
    ):
        assert name in message


def test_from_env_parses_and_reports() -> None:
    env = {
        "TOOL_MODEL": "models/x",
        "TOOL_DECISION_THRESHOLD": "0.5",
        "TOOL_MAX_LENGTH": "128",
        "TOOL_HISTORY_TOKENS": "32",
        "TOOL_TIMEOUT_S": "1.5",
        "TOOL_MAX_BATCH_SIZE": "4",
        "TOOL_MAX_DELAY_MS": "3",
        "TOOL_DEVICE": "cuda:1",
    }
    config = tool_config_from_env(env, default_model="default")
    assert config == ToolConfig("models/x", 0.5, 128, 32, 1.5, 4, 3.0, "cuda:1")
    assert tool_config_from_env({}, default_model="d") == ToolConfig(model="d")
    with pytest.raises(ToolConfigError, match=r"TOOL_MAX_LENGTH.*TOOL_TIMEOUT_S"):
        tool_config_from_env({"TOOL_MAX_LENGTH": "abc", "TOOL_TIMEOUT_S": "-1"}, "d")


def test_batch_limits_per_size_and_overrides() -> None:
    small_cpu = default_batch_limits(22_000_000, "cpu")
    assert small_cpu.max_batch_size <= 8
    assert default_batch_limits(22_000_000, "cuda").max_batch_size > small_cpu.max_batch_size
    assert default_batch_limits(400_000_000, "cpu").max_delay_ms > small_cpu.max_delay_ms
    config = ToolConfig(model="m", max_batch_size=2)
    assert resolve_batch_limits(config, BatchLimits(8, 2.0)) == BatchLimits(2, 2.0)


def test_decision_threshold_and_payload() -> None:
    yes = decide(0.66, 0.66, "take_screenshot", 1.0)
    assert yes.status == "yes"
    assert yes.to_payload() == {
        "status": "yes",
        "raw": [{"name": "take_screenshot", "score": 0.66}],
        "score": 0.66,
    }
    no = decide(0.659, 0.66, "take_screenshot", 1.0)
    assert no.to_payload() == {"status": "no", "raw": [], "score": 0.659}
    timed_out = fallback(3000.0, timed_out=True)
    assert timed_out.status == "no" and timed_out.timed_out and not timed_out.error


def test_positive_index() -> None:
    assert positive_index({0: "no_tool", 1: "take_screenshot"}, 2) == 1
    assert positive_index({0: "POSITIVE", 1: "NEGATIVE"}, 2) == 0
    assert positive_index({0: "LABEL_0", 1: "LABEL_1"}, 2) == 1
    assert positive_index({0: "LABEL_0"}, 1) == 0


def test_metrics_and_percentiles() -> None:
    m = binary_metrics([1, 1, 0, 0, 1], [1, 0, 0, 1, 1])
    assert (m.tp, m.fp, m.tn, m.fn) == (2, 1, 1, 1)
    assert m.accuracy == pytest.approx(0.6)
    assert m.precision == pytest.approx(2 / 3) and m.recall == pytest.approx(2 / 3)
    assert m.f1 == pytest.approx(2 / 3)
    assert binary_metrics([0], [0]).f1 == 0.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == pytest.approx(2.5)
    assert percentile([5.0], 95) == 5.0
    assert math.isnan(percentile([], 50))


def test_the_served_input_budget_is_the_trained_one() -> None:
    from cadence.config.settings import ToolSettings
    from cadence.tools.config import DEFAULT_HISTORY_TOKENS, DEFAULT_MAX_LENGTH
    from cadence.tools.training import TrainRecipe

    recipe, served = TrainRecipe(), ToolSettings()
    assert (served.max_length, served.history_tokens) == (recipe.max_length, recipe.history_tokens) \
        == (DEFAULT_MAX_LENGTH, DEFAULT_HISTORY_TOKENS)
