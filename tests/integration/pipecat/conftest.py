"""Pipecat pipelines against a real Cadence server; skipped without pipecat-ai."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("pipecat", reason="pipecat-ai is not installed (pip install -r requirements-pipecat.txt)")

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "server"))
sys.path.insert(0, str(Path(__file__).parents[1] / "tool_modes"))
sys.path.insert(0, str(Path(__file__).parents[1] / "hf_server"))
