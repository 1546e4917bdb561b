"""Spoken forms of e-mail addresses, web addresses, phone numbers and units.

Pure string functions: they receive a construct already recognised and
return what a TTS should read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from types import MappingProxyType

_LOCAL_WORDS = MappingProxyType(
    {".": " dot ", "_": " underscore ", "+": " plus ", "%": " percent "}
)
_URL_PARTS = re.compile(
    r"(?:[A-Za-z][A-Za-z0-9+.-]*://)?(?:[^@/?#]*@)?"
    r"(?P<host>[^/:?#]*)(?::\d*)?(?P<path>/[^?#]*)?"
)
_SEGMENT_SEPARATORS = re.compile(r"[-_+]+")
_UNITS = MappingProxyType({"C": "Celsius", "F": "Fahrenheit", "K": "Kelvin"})


def speak_host(host: str) -> str:
    """``"www.my-site.co.uk"`` -> ``"my-site dot co dot uk"``."""
    labels = [label for label in host.split(".") if label]
    if len(labels) > 1 and labels[0].lower() == "www":
        labels = labels[1:]
    return " dot ".join(labels)


def speak_email(local: str, domain: str) -> str:
    """``("first.last", "x.com")`` -> ``"first dot last at x dot com"``."""
    spoken = "".join(_LOCAL_WORDS.get(c, c) for c in local)
    return f"{spoken} at {speak_host(domain)}"


def _speak_segment(segment: str) -> str:
    return _SEGMENT_SEPARATORS.sub(" ", segment).replace(".", " dot ").strip()


def speak_url(url: str) -> str:
    """Host and path of ``url``, without scheme, ``www``, query or fragment.

    ``"https://www.x.com/how-to/index.html?a=1"`` ->
    ``"x dot com slash how to slash index dot html"``. Returns ``url``
    unchanged when it has no host.
    """
    m = _URL_PARTS.match(url)
    host = speak_host(m["host"]) if m else ""
    if not m or not host:
        return url
    segments = [_speak_segment(s) for s in (m["path"] or "").split("/")]
    return " slash ".join([host, *(s for s in segments if s)])


def speak_phone(groups: Sequence[str], plus: bool) -> str:
    """Digits one by one, groups separated by commas: ``"5 5 5, 0 1 9 9"``."""
    spoken = ", ".join(" ".join(g) for g in groups)
    return f"plus {spoken}" if plus else spoken


def speak_degrees(number: str, unit: str) -> str:
    """``("25", "C")`` -> ``"25 degrees Celsius"``; ``("1", "")`` -> ``"1 degree"``."""
    word = "degree" if number == "1" else "degrees"
    name = _UNITS.get(unit, "")
    return f"{number} {word} {name}" if name else f"{number} {word}"


__all__ = [
    "speak_degrees",
    "speak_email",
    "speak_host",
    "speak_phone",
    "speak_url",
]
