"""Puts ``tests/`` on ``sys.path`` so test modules can import ``scale``."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from scale import UNIT

__all__ = ["UNIT"]
