"""Puts ``scripts/`` on ``sys.path`` (``vllmprep``, ``hfpush``, the script modules) before the tests import them."""

from __future__ import annotations

import quant_helpers  # noqa: F401  (inserts scripts/ into sys.path)
