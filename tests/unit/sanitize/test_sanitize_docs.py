"""Every example table in docs/SANITIZER.md is true."""

from __future__ import annotations

from pathlib import Path

import pytest

from cadence.sanitize import SanitizerConfig, sanitize_text

DOC = Path(__file__).resolve().parents[3] / "docs" / "SANITIZER.md"
HEADER = "| Model text | Spoken text |"
SCREEN = SanitizerConfig(control_prefixes=("MUST CHECK SCREEN:", "ON THE SCREEN NOW: "))


def _code_span(cell: str) -> str:
    """The text of a markdown code span (any number of backticks)."""
    cell = cell.strip()
    ticks = len(cell) - len(cell.lstrip("`"))
    assert ticks and cell.endswith("`" * ticks), f"not a code span: {cell!r}"
    inner = cell[ticks:-ticks]
    if ticks > 1 and inner.startswith(" ") and inner.endswith(" "):
        inner = inner[1:-1]
    return inner.replace("\\n", "\n")


def examples() -> list[tuple[str, str]]:
    rows, in_table = [], False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line == HEADER:
            in_table = True
        elif in_table and line.startswith("|"):
            if not line.startswith("|---"):
                raw, spoken = line.strip("|").split(" | ")
                rows.append((_code_span(raw), _code_span(spoken)))
        else:
            in_table = False
    return rows


EXAMPLES = examples()


def test_the_doc_has_examples() -> None:
    assert len(EXAMPLES) > 40


@pytest.mark.parametrize(("raw", "spoken"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_doc_example(raw: str, spoken: str) -> None:
    assert sanitize_text(raw, SCREEN) == spoken
