"""A :class:`SanitizerConfig` compiled into the lookup tables the scanners use."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Final, NamedTuple

if TYPE_CHECKING:
    from cadence.sanitize.config import SanitizerConfig

#: Head-key kinds.
ABBREVIATION: Final = 0
URL: Final = 1
MAILTO: Final = 2
EMOTICON: Final = 3

_PUNCT_EMOTICONS = (
    ":-)", ":)", ":-(", ":(", ":-D", ":D", ":-P", ":P", ":-p", ":p", ":'(",
    ":-/", ":/", ":-|", ":|", ":-O", ":O", ":-o", ":o", ":*", ";-)", ";)",
    ";-D", ";D", ";-P", ";P", ";p", "=)", "=(", "=D", "<3", "</3", "^_^",
    "^^", "-_-", ">_<", ">.<",
)  # fmt: skip
_WORD_EMOTICONS = ("XD", "xD", "T_T", "o_O", "O_o")
_SCHEMES = ("http://", "https://", "www.")


class HeadKey(NamedTuple):
    """A literal matched at a word start (or, for emoticons, after a non-word).

    ``boundary``: the next character must end the word; ``repeat``: the last
    character may repeat (":)))"); ``sentence``: the final period may double
    as a full stop.
    """

    text: str
    kind: int
    spoken: str = ""
    sentence: bool = False
    boundary: bool = True
    repeat: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class Rules:
    """Compiled form of a :class:`SanitizerConfig`, built once per config.

    ``heads``: literals tried at a word start, by first character
    (``heads_after_number`` adds those only valid after a number, "5 p.m.");
    ``smileys``: punctuation emoticons (always listed: when they are kept
    they still pass as one unit); ``labels``: lowercased control prefixes and
    role labels, longest first. A letter run (``str.isalpha``) that starts a
    word, ends the text fed so far and follows no number is passed on as it
    is, without being held, unless it is in ``word_stops`` or starts with
    one of ``stop_initials``: then a key of ``heads`` may still match. Once
    a space follows, ``space_releases`` (a subset of ``word_stops``) are
    passed on as they are too. ``label_initials``: the first characters of
    ``labels``; text at the reply's start whose first character, lowercased,
    is not one of them cannot begin a control prefix or a role label.
    """

    emoji: bool
    emoticons: bool
    markdown: bool
    html: bool
    stage: bool
    punct: bool
    emails: bool
    urls: bool
    phones: bool
    symbols: bool
    capitalize: bool
    heads: Mapping[str, tuple[HeadKey, ...]]
    heads_after_number: Mapping[str, tuple[HeadKey, ...]]
    smileys: Mapping[str, tuple[HeadKey, ...]]
    labels: tuple[str, ...]
    stage_words: frozenset[str]
    tlds: frozenset[str]
    word_stops: frozenset[str]
    stop_initials: frozenset[str]
    space_releases: frozenset[str]
    label_initials: frozenset[str]


def _by_first_char(keys: Iterable[HeadKey]) -> Mapping[str, tuple[HeadKey, ...]]:
    """Group keys by first character, longest first (so the longest wins)."""
    unique = {k.text: k for k in keys}
    groups: dict[str, list[HeadKey]] = {}
    for key in unique.values():
        groups.setdefault(key.text[0], []).append(key)
    return {
        c: tuple(sorted(ks, key=lambda k: -len(k.text))) for c, ks in groups.items()
    }


def _word_stops(heads: Mapping[str, tuple[HeadKey, ...]]) -> frozenset[str]:
    """Every non-empty prefix of every key: a word that is one may still
    become the key, so the lexer holds it when the text fed ends there."""
    return frozenset(
        k.text[:n] for ks in heads.values() for k in ks for n in range(1, len(k.text) + 1)
    )


def _stop_initials(heads: Mapping[str, tuple[HeadKey, ...]]) -> frozenset[str]:
    """First letters of the letter-only keys that can match at the start of
    a longer letter run: without a boundary, or with a repeated end ("XDD")."""
    return frozenset(
        c
        for c, ks in heads.items()
        for k in ks
        if k.text.isalpha() and (k.repeat or not k.boundary)
    )


def _space_releases(
    heads: Mapping[str, tuple[HeadKey, ...]], stops: frozenset[str], initials: frozenset[str]
) -> frozenset[str]:
    """Letter runs of ``stops`` that no key matches once a space follows: not
    a key themselves, not a key's start with the space, no risky initial."""
    keys = {k.text for ks in heads.values() for k in ks}
    return frozenset(
        w
        for w in stops
        if w.isalpha() and w not in keys and w + " " not in stops and w[0] not in initials
    )


def _head_keys(config: SanitizerConfig, after_number: bool) -> list[HeadKey]:
    keys: list[HeadKey] = []
    if config.verbalize_urls:
        for scheme in _SCHEMES:
            for text in (scheme, scheme.upper(), scheme.capitalize()):
                keys.append(HeadKey(text, URL, boundary=False))
    if config.verbalize_emails:
        keys.append(HeadKey("mailto:", MAILTO, boundary=False))
    if config.strip_emoticons:
        keys.extend(HeadKey(e, EMOTICON, repeat=True) for e in _WORD_EMOTICONS)
    if config.expand_abbreviations:
        for a in config.abbreviations:
            if after_number or not a.after_number:
                sentence = a.can_end_sentence and a.text.endswith(".")
                keys.append(HeadKey(a.text, ABBREVIATION, a.spoken, sentence))
    return keys


def compile_rules(config: SanitizerConfig) -> Rules:
    """Build the tables for ``config`` (done once, by the config itself)."""
    smileys = (HeadKey(e, EMOTICON, repeat=True) for e in _PUNCT_EMOTICONS)
    labels = tuple(
        p.strip().lower() for p in config.control_prefixes + config.role_labels
    )
    labels = tuple(sorted(set(labels), key=lambda s: -len(s)))
    heads = _by_first_char(_head_keys(config, after_number=False))
    stops, initials = _word_stops(heads), _stop_initials(heads)
    return Rules(
        emoji=config.strip_emoji,
        emoticons=config.strip_emoticons,
        markdown=config.strip_markdown,
        html=config.strip_html,
        stage=config.strip_stage_directions,
        punct=config.normalize_punctuation,
        emails=config.verbalize_emails,
        urls=config.verbalize_urls,
        phones=config.verbalize_phone_numbers,
        symbols=config.verbalize_symbols,
        capitalize=config.capitalize_first,
        heads=heads,
        heads_after_number=_by_first_char(_head_keys(config, after_number=True)),
        smileys=_by_first_char(smileys),
        labels=labels,
        stage_words=frozenset(w.lower() for w in config.stage_direction_words),
        tlds=frozenset(t.lower() for t in config.spoken_tlds),
        word_stops=stops,
        stop_initials=initials,
        space_releases=_space_releases(heads, stops, initials),
        label_initials=frozenset(label[0] for label in labels),
    )


__all__ = [
    "ABBREVIATION",
    "EMOTICON",
    "MAILTO",
    "URL",
    "HeadKey",
    "Rules",
    "compile_rules",
]
