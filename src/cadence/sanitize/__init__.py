"""Streaming speech sanitizer: model text in, text a TTS can say well out.

See docs/SANITIZER.md for the rules and examples.
"""

from __future__ import annotations

from cadence.sanitize.config import Abbreviation, SanitizerConfig
from cadence.sanitize.sanitizer import KnownWords, Sanitizer, SanitizerStateError, sanitize_text

__all__ = [
    "Abbreviation",
    "KnownWords",
    "Sanitizer",
    "SanitizerConfig",
    "SanitizerStateError",
    "sanitize_text",
]
