"""Puts this folder's helpers on the path; re-exports ``UNIT`` from
tests/conftest.py, since pytest may register this file as ``conftest``."""

import importlib.util
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
_spec = importlib.util.spec_from_file_location("_cadence_root_conftest", Path(__file__).parents[2] / "conftest.py")
assert _spec is not None and _spec.loader is not None
_root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_root)

#: Every timeout in tests is a multiple of this (CADENCE_TEST_UNIT).
UNIT: float = _root.UNIT
