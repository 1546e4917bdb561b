"""What the sanitizer does: :class:`SanitizerConfig` and its default word lists."""

from __future__ import annotations

import dataclasses

from cadence.sanitize.rules import Rules, compile_rules


@dataclasses.dataclass(frozen=True, slots=True)
class Abbreviation:
    """An abbreviation read aloud as ``spoken``.

    ``text`` is matched case-sensitively at the start of a word (list each
    capitalisation you want: "e.g." and "E.g."). When ``can_end_sentence`` is
    true and ``text`` ends with a period, that period is kept as a full stop
    where a sentence seems to end ("... etc. Then"). ``after_number`` limits
    the match to right after a number ("5 p.m."), so that a lone "a" or "p"
    elsewhere is never held back waiting for it.
    """

    text: str
    spoken: str
    can_end_sentence: bool = False
    after_number: bool = False


DEFAULT_ABBREVIATIONS: tuple[Abbreviation, ...] = (
    Abbreviation("e.g.", "for example"),
    Abbreviation("E.g.", "For example"),
    Abbreviation("i.e.", "that is"),
    Abbreviation("etc.", "et cetera", can_end_sentence=True),
    Abbreviation("vs.", "versus"),
    Abbreviation("vs", "versus"),
    Abbreviation("approx.", "approximately"),
    Abbreviation("Mr.", "Mister"),
    Abbreviation("Mrs.", "Missus"),
    Abbreviation("a.m.", "AM", can_end_sentence=True, after_number=True),
    Abbreviation("p.m.", "PM", can_end_sentence=True, after_number=True),
    Abbreviation("A.M.", "AM", can_end_sentence=True, after_number=True),
    Abbreviation("P.M.", "PM", can_end_sentence=True, after_number=True),
)

DEFAULT_ROLE_LABELS: tuple[str, ...] = ("Assistant:", "AI:", "Bot:", "Agent:")

#: First words that make ``*...*`` a stage direction rather than emphasis.
# fmt: off
DEFAULT_STAGE_WORDS: tuple[str, ...] = (
    "laughs", "laughing", "chuckles", "chuckling", "giggles", "giggling", "smiles",
    "smiling", "grins", "grinning", "beams", "beaming", "smirks", "smirking",
    "sighs", "sighing", "nods", "nodding", "winks", "winking", "shrugs",
    "shrugging", "gasps", "gasping", "coughs", "coughing", "clears", "pauses",
    "pausing", "whispers", "whispering", "waves", "waving", "blushes", "blushing",
    "hums", "humming", "sniffles", "sniffs", "cries", "crying", "sobs", "sobbing",
    "yawns", "yawning", "groans", "groaning", "snorts", "snickers", "claps",
    "clapping", "leans", "leaning", "tilts", "tilting", "raises", "rolls",
    "exhales", "inhales", "breathes", "takes", "thinks", "thinking", "ponders",
    "pondering", "gestures", "points", "pointing", "looks", "glances", "scratches",
    "hugs", "cheers", "applause", "laughter", "softly", "warmly", "excitedly",
    "cheerfully", "gently", "sadly", "happily", "nervously",
)
# fmt: on

#: Top-level domains that make a bare ``word.tld`` a web address to spell out.
# fmt: off
DEFAULT_SPOKEN_TLDS: tuple[str, ...] = (
    "com", "org", "net", "edu", "gov", "io", "ai", "co", "uk", "us", "ca", "de",
    "fr", "eu", "au", "jp", "app", "dev", "tv", "info", "biz", "xyz", "tech",
)
# fmt: on


@dataclasses.dataclass(frozen=True, slots=True)
class SanitizerConfig:
    """Rule toggles and word lists of one :class:`~cadence.sanitize.Sanitizer`.

    Every rule is on by default. ``control_prefixes`` are markers the server
    itself put in the prompt (e.g. ``"MUST CHECK SCREEN:"``, ``"ON THE SCREEN
    NOW: "``); they and ``role_labels`` are removed, case-insensitively, only
    at the very start of the reply, repeatedly ("Assistant: ON THE SCREEN
    NOW: Hi" -> "Hi").

    Raises:
        ValueError: a prefix or label is blank, or a word list holds an
            empty string.
    """

    strip_emoji: bool = True
    strip_emoticons: bool = True
    strip_markdown: bool = True
    strip_html: bool = True
    strip_stage_directions: bool = True
    normalize_punctuation: bool = True
    verbalize_emails: bool = True
    verbalize_urls: bool = True
    verbalize_phone_numbers: bool = True
    verbalize_symbols: bool = True
    expand_abbreviations: bool = True
    capitalize_first: bool = True
    control_prefixes: tuple[str, ...] = ()
    role_labels: tuple[str, ...] = DEFAULT_ROLE_LABELS
    stage_direction_words: tuple[str, ...] = DEFAULT_STAGE_WORDS
    abbreviations: tuple[Abbreviation, ...] = DEFAULT_ABBREVIATIONS
    spoken_tlds: tuple[str, ...] = DEFAULT_SPOKEN_TLDS
    _rules: Rules = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("control_prefixes", "role_labels"):
            if any(not p.strip() for p in getattr(self, name)):
                raise ValueError(f"{name} must not hold blank strings")
        for name in ("stage_direction_words", "spoken_tlds"):
            if any(not w for w in getattr(self, name)):
                raise ValueError(f"{name} must not hold empty strings")
        if any(not a.text or not a.spoken.strip() for a in self.abbreviations):
            raise ValueError("abbreviations need a text and a spoken form")
        # Compiled once here so that a sanitizer per turn costs nothing.
        object.__setattr__(self, "_rules", compile_rules(self))


def rules_of(config: SanitizerConfig) -> Rules:
    """The lookup tables compiled from ``config``."""
    return config._rules


#: The configuration used when none is given.
DEFAULT_CONFIG = SanitizerConfig()


__all__ = [
    "DEFAULT_ABBREVIATIONS",
    "DEFAULT_CONFIG",
    "DEFAULT_ROLE_LABELS",
    "DEFAULT_SPOKEN_TLDS",
    "DEFAULT_STAGE_WORDS",
    "Abbreviation",
    "SanitizerConfig",
    "rules_of",
]
