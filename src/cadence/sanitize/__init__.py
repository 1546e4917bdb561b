"""Streaming speech sanitizer: model text in, text a TTS can say well out.

See docs/SANITIZER.md for the rules and examples.
"""

from __future__ import annotations

from cadence.sanitize.config import Abbreviation, SanitizerConfig
from cadence.sanitize.sanitizer import Sanitizer, SanitizerStateError, sanitize_text

__all__ = [
    "Abbreviation",
    "Sanitizer",
    "SanitizerConfig",
    "SanitizerStateError",
    "sanitize_text",
]
