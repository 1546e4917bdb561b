"""Test time scale: every timeout in tests is a multiple of ``UNIT``.

Set ``CADENCE_TEST_UNIT=3`` on a slow or loaded machine to stretch them all.
"""

from __future__ import annotations

import os

UNIT = float(os.environ.get("CADENCE_TEST_UNIT", "1.0"))
