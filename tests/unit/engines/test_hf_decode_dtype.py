"""HF_DECODE_DTYPE=auto: the half-size dtype that reads fastest on this CPU, bfloat16 on ties."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from cadence.engines import hf_decode_dtype
from cadence.engines.hf_decode_dtype import CANDIDATES, fastest_decode_dtype
from cadence.engines.hf_loader import resolve_decode_dtype


def model() -> nn.Module:
    return nn.Sequential(nn.Linear(64, 128), nn.Linear(128, 64))


@pytest.mark.parametrize(("float16_share", "expected"), [(0.5, torch.float16), (0.9, torch.bfloat16),
                                                          (1.3, torch.bfloat16)])
def test_float16_only_when_clearly_faster(
    monkeypatch: pytest.MonkeyPatch, float16_share: float, expected: torch.dtype
) -> None:
    times = {torch.bfloat16: 1.0, torch.float16: float16_share}
    monkeypatch.setattr(hf_decode_dtype, "_time_one_row", lambda weights, dtype: times[dtype])
    assert fastest_decode_dtype(model()) == expected


def test_measures_for_real_and_answers_a_candidate() -> None:
    assert fastest_decode_dtype(model()) in CANDIDATES
    assert fastest_decode_dtype(nn.Sequential(nn.ReLU())) == torch.bfloat16  # nothing to time


def test_only_a_float32_model_on_cpu_gets_a_copy_and_a_named_dtype_wins() -> None:
    cpu, cuda = torch.device("cpu"), torch.device("cuda")
    assert resolve_decode_dtype("auto", cpu, torch.float32, model()) in CANDIDATES
    assert resolve_decode_dtype("auto", cpu, torch.bfloat16, model()) == torch.bfloat16  # no copy
    assert resolve_decode_dtype("auto", cuda, torch.float32, model()) == torch.float32
    assert resolve_decode_dtype("float16", cpu, torch.float32) == torch.float16
