"""Fixtures of the deploy script tests: a sandbox copy of the scripts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from deploy_sandbox import Sandbox


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    """A project folder with the deploy scripts; whatever runs is stopped afterwards."""
    box = Sandbox.create(tmp_path)
    try:
        yield box
    finally:
        box.cleanup()
