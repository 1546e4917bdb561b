"""The ``prepare`` fixture: dry runs of ``scripts/trt_prepare.py`` in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from trt_helpers import Prepare, make_prepare


@pytest.fixture
def prepare(tmp_path: Path) -> Prepare:
    """``prepare("auto", "org/model", "--quant", "4bit", sm="sm90", VAR="value")`` → a Result."""
    return make_prepare(tmp_path)
