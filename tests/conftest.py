"""Shared test settings: timeouts scale from one unit (CADENCE_TEST_UNIT)."""

from __future__ import annotations

import os

#: Multiply every timeout in tests by this on slow machines.
UNIT = float(os.environ.get("CADENCE_TEST_UNIT", "1.0"))
