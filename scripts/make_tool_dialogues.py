"""Write multi-turn screenshot-intent dialogues, labelled step by step.

Every line of the output is one voice conversation (the user's turns only, as
speech-to-text writes them) with a label per step: 1 when the client should
take a screenshot before the assistant answers that turn, 0 otherwise. The
labels follow the policy in ``docs/TOOL.md``: judge each turn in context; a
look is needed when the user points at something new on screen, asks to read,
judge or compare what is displayed, flips to the next item, or says the screen
changed; reactions, follow-ups about what was just seen, plans, general talk,
screens talked about abstractly and deictic words about a situation are 0.

Method (composition, so the label comes from the structure, never from style):

1. **Scenario scripts.** A dialogue is first a sequence of step *kinds*
   (:data:`LABEL` maps each kind to its label). Sequences are sampled from a
   few dialogue *shapes* (:data:`SHAPES`): browsing and flipping, a flip spree,
   a single early look followed by many no steps (the "leak" case), a long
   chat with a short late look, troubleshooting with screen changes, screen
   words mixed with visual requests, two separate items, and loose chat. A
   target length (6-14 steps, skewed long) is drawn first and the shape is
   resampled until it fits. :func:`_repair` then enforces context: no
   reaction or follow-up before anything was seen, no flip or change before a
   first look, no plain "judge this" request right after a look of the same
   thing (it would be a follow-up), and a plan resets what is on screen.
2. **Paraphrase templates.** Each kind has generic templates
   (:data:`GENERIC`) and per-domain lines (:data:`DOMAINS`); a step uses one
   of either. Reactions outside a look chain use only context-free generic
   reactions.
3. **Slot fillers.** ``{slot}`` is filled from the domain's vocabulary (apps,
   item nouns, parts, variants, qualities, comparatives) or from the shared
   :data:`VOCAB` (places, topics, people, devices).
4. **Spoken noise** (:func:`_spoken`): fillers, slang tails, lowercase,
   dropped or odd punctuation, an inserted "like", a repeated word. It is
   drawn the same way for every step, whatever its label, and some steps stay
   clean. Question marks and commas are re-decided by the text's form
   (:func:`_punctuate`), so punctuation does not give the label away either.

Hand-written dialogues (:data:`HANDWRITTEN`) are literal data, labelled by
hand under the same policy; they are not noised.

No two generated dialogues share the same normalized step texts or the same
template sequence, and one normalized generated text never carries both labels.

Reproduce (deterministic: the same seed writes the same bytes)::

    .venv/bin/python scripts/make_tool_dialogues.py
    .venv/bin/python scripts/make_tool_dialogues.py --out /tmp/d.jsonl --seed 7

Output: JSON lines sorted by id, ``{"id", "domain", "source", "steps"}``
with ``steps`` a list of ``{"text", "label"}``; ids are ``<domain>-g0001``
(generated) and ``<domain>-h01`` (hand-written).
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

OUT = Path("src/cadence/tools/data/screenshot_dialogues.jsonl")
SEED = 20240923
PER_DOMAIN = 15
MIN_STEPS, MAX_STEPS = 6, 14
LENGTH_WEIGHTS = {6: 7, 7: 8, 8: 9, 9: 10, 10: 11, 11: 12, 12: 12, 13: 12, 14: 11}
DOMAIN_SHARE = 0.55
ATTEMPTS = 60

# Step kinds. Looks (label 1) first, then the kinds that need no new look.
POINT, JUDGE, FLIP, CHANGED = "point", "judge", "flip", "changed"
GREET, WORLD, PLAN, REACT, FOLLOW = "greet", "world", "plan", "react", "follow"
SCREEN, DEIXIS, CLOSE = "screen", "deixis", "close"
LOOKS = (POINT, JUDGE, FLIP, CHANGED)
LABEL: dict[str, int] = {
    kind: int(kind in LOOKS) for kind in (*LOOKS, GREET, WORLD, PLAN, REACT, FOLLOW, SCREEN, DEIXIS, CLOSE)
}
TALK = (WORLD, WORLD, WORLD, DEIXIS, DEIXIS, DEIXIS, SCREEN)
AFTER = (REACT, REACT, FOLLOW, FOLLOW, FOLLOW)
DRIFT = (REACT, FOLLOW, FOLLOW, WORLD, DEIXIS, SCREEN)

FILLERS = [
    "um",
    "uh",
    "like",
    "okay so",
    "wait",
    "so",
    "hmm",
    "ok so",
    "oh",
    "yeah",
    "alright",
    "uhh",
    "ok um",
    "and",
    "hm",
]
TAILS = ["lol", "haha", "tbh", "honestly", "I guess", "lmao", "ngl", "I think", "like"]
COMMA_WORDS = {"ok", "okay", "so", "wait", "hmm", "oh", "yeah", "alright", "um", "uh"}
QUESTION_STARTS = {
    "what",
    "what's",
    "why",
    "how",
    "is",
    "are",
    "does",
    "do",
    "did",
    "should",
    "would",
    "can",
    "which",
    "who",
    "where",
    "when",
    "will",
    "am",
    "so",
    "any",
    "wait",
}
FILLER_STARTS = {
    "um",
    "uh",
    "uhh",
    "like",
    "okay",
    "ok",
    "k",
    "so",
    "wait",
    "hmm",
    "hm",
    "oh",
    "yeah",
    "alright",
    "and",
    "yo",
}
_SLOT = re.compile(r"\{(\w+)\}")

Step = dict[str, object]
Dialogue = dict[str, object]
Shape = Callable[[random.Random], list[str]]


# ---------------------------------------------------------------------------
# Text: slots and spoken noise.
# ---------------------------------------------------------------------------


def _fill(template: str, domain: dict[str, list[str]], rng: random.Random) -> str:
    """Replace every ``{slot}`` with a filler from the domain, else from :data:`VOCAB`."""
    return _SLOT.sub(lambda m: rng.choice(domain.get(m.group(1)) or VOCAB[m.group(1)]), template)


def _word_noise(text: str, rng: random.Random) -> str:
    """Maybe insert "like" after the first word, else maybe repeat one word."""
    words = text.split()
    if len(words) >= 3 and rng.random() < 0.07:
        words.insert(1, "like")
    elif len(words) >= 2 and rng.random() < 0.06:
        at = rng.randrange(len(words) - 1)
        words.insert(at, words[at])
    return " ".join(words)


def _punctuate(text: str, rng: random.Random) -> str:
    """Re-decide "?" and commas by form alone, the same way for both labels.

    A question (by its first word or its template) gets "?" half the time; template
    commas are kept a quarter of the time; a leading discourse word sometimes gets one.
    """
    asked = text.endswith("?") or text.split(maxsplit=1)[0].lower() in QUESTION_STARTS
    text = text.rstrip("?").rstrip()
    if rng.random() < 0.75:
        text = text.replace(",", "")
    first, _, rest = text.partition(" ")
    if rest and first.lower() in COMMA_WORDS and rng.random() < 0.2:
        text = f"{first}, {rest}"
    return f"{text}?" if asked and rng.random() < 0.5 else text


def _spoken(text: str, rng: random.Random) -> str:
    """Make ``text`` read like a transcript. The draws never look at the label."""
    text = _punctuate(text, rng)
    if rng.random() < 0.3:
        return text
    if rng.random() < 0.25 and text.split(maxsplit=1)[0].lower().strip(",.") not in FILLER_STARTS:
        text = f"{rng.choice(FILLERS)}{',' if rng.random() < 0.35 else ''} {text}"
    else:
        text = _word_noise(text, rng)
    if rng.random() < 0.08 and len(text.split()) >= 3:
        question = text.endswith("?")
        text = f"{text.rstrip('.!?')} {rng.choice(TAILS)}{'?' if question else ''}"
    roll = rng.random()
    if roll < 0.4:
        text = re.sub(r"[.,!?]", "", text)
    elif roll < 0.5:
        text = re.sub(r"\?$", rng.choice(["??", "?!", " ?"]), text) if text.endswith("?") else f"{text}..."
    if rng.random() < 0.65:
        text = text.lower()
    elif rng.random() < 0.5:
        text = text[0].upper() + text[1:]
    return re.sub(r"\s+", " ", text).strip()


def _norm(text: str) -> str:
    """Lowercase, letters, digits and apostrophes only: the key for duplicates."""
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9' ]", " ", text.lower())).strip()


# ---------------------------------------------------------------------------
# Scenario scripts: dialogue shapes as sequences of step kinds.
# ---------------------------------------------------------------------------


def _pick(rng: random.Random, choices: Sequence[str], lo: int, hi: int) -> list[str]:
    """Between ``lo`` and ``hi`` kinds drawn from ``choices`` (repeats weight them)."""
    return [rng.choice(choices) for _ in range(rng.randint(lo, hi))]


def _opening(rng: random.Random, lo: int = 0) -> list[str]:
    """Greeting and small talk before the first request (``lo`` to two steps)."""
    kinds = [GREET] if rng.random() < 0.6 else []
    kinds += _pick(rng, TALK, 0, 1)
    while len(kinds) < lo:
        kinds.append(rng.choice(TALK))
    return kinds


def _shape_browse(rng: random.Random) -> list[str]:
    """Chat, show an item, react, flip through several, talk, maybe close."""
    kinds = _opening(rng) + _pick(rng, (PLAN,), 0, 1) + [POINT] + _pick(rng, AFTER, 0, 2)
    for _ in range(rng.randint(2, 6)):
        kinds += [FLIP, *_pick(rng, AFTER, 0, 1)]
    return kinds + _pick(rng, TALK, 0, 2) + _pick(rng, (CLOSE,), 0, 1)


def _shape_spree(rng: random.Random) -> list[str]:
    """A run of flips with no reaction between them (yes, yes, yes)."""
    kinds = _opening(rng) + _pick(rng, (PLAN,), 0, 1) + [rng.choice((POINT, JUDGE))]
    kinds += [FLIP] * rng.randint(2, 5) + _pick(rng, AFTER, 1, 2)
    kinds += [FLIP] * rng.randint(0, 3) + _pick(rng, AFTER, 0, 2)
    return kinds + _pick(rng, TALK, 0, 1) + _pick(rng, (CLOSE,), 0, 1)


def _shape_leak(rng: random.Random) -> list[str]:
    """One early look, then many steps that need no new look."""
    kinds = _opening(rng) + _pick(rng, (PLAN,), 0, 1) + [rng.choice((POINT, JUDGE))]
    kinds += _pick(rng, AFTER, 1, 3) + _pick(rng, DRIFT, 3, 8)
    return kinds + _pick(rng, (CLOSE,), 0, 1)


def _shape_late(rng: random.Random) -> list[str]:
    """Several no steps, then a short pointing yes late in the dialogue."""
    kinds = _opening(rng, lo=1) + _pick(rng, TALK, 2, 6) + _pick(rng, (PLAN,), 0, 1)
    kinds += [POINT, *_pick(rng, AFTER, 0, 2)]
    kinds += _pick(rng, (FLIP,), 0, 2) + _pick(rng, AFTER, 0, 1)
    return kinds + _pick(rng, (CLOSE,), 0, 1)


def _shape_fix(rng: random.Random) -> list[str]:
    """Troubleshooting: ask about what is shown, then the screen changes, twice or more."""
    kinds = _opening(rng) + _pick(rng, (PLAN,), 0, 1) + [JUDGE] + _pick(rng, AFTER, 1, 2)
    for _ in range(rng.randint(2, 4)):
        kinds += [CHANGED, *_pick(rng, (FLIP,), 0, 1), *_pick(rng, AFTER, 0, 1)]
    return kinds + _pick(rng, TALK, 0, 2) + _pick(rng, (CLOSE,), 0, 1)


def _shape_mix(rng: random.Random) -> list[str]:
    """Screen words that need no look next to visual requests without them."""
    kinds = _opening(rng)
    for _ in range(rng.randint(2, 3)):
        kinds += [SCREEN, *_pick(rng, (WORLD, DEIXIS), 0, 1), rng.choice((JUDGE, POINT))]
        kinds += _pick(rng, AFTER, 0, 1) + _pick(rng, (FLIP,), 0, 2)
    return kinds + _pick(rng, (SCREEN,), 0, 1) + _pick(rng, (CLOSE,), 0, 1)


def _shape_two(rng: random.Random) -> list[str]:
    """Look at one thing, drift to general talk, open another thing and look again."""
    kinds = _opening(rng) + _pick(rng, (PLAN,), 0, 1) + [rng.choice((POINT, JUDGE))]
    kinds += _pick(rng, AFTER, 1, 2) + _pick(rng, TALK, 1, 3) + [PLAN]
    kinds += [rng.choice((POINT, JUDGE)), *_pick(rng, AFTER, 0, 2), *_pick(rng, (FLIP,), 1, 3)]
    return kinds + _pick(rng, AFTER, 0, 1) + _pick(rng, (CLOSE,), 0, 1)


def _shape_chat(rng: random.Random) -> list[str]:
    """Loose conversation with a few looks spread out."""
    kinds = _opening(rng, lo=1)
    for _ in range(rng.randint(2, 3)):
        kinds += [*_pick(rng, TALK, 1, 2), rng.choice((POINT, JUDGE, FLIP, CHANGED))]
        kinds += _pick(rng, (FLIP,), 0, 1) + _pick(rng, AFTER, 0, 2)
    return kinds + _pick(rng, (CLOSE,), 0, 1)


SHAPES: dict[Shape, int] = {
    _shape_browse: 8,
    _shape_spree: 6,
    _shape_leak: 3,
    _shape_late: 3,
    _shape_fix: 4,
    _shape_mix: 3,
    _shape_two: 3,
    _shape_chat: 2,
}


def _repair(kinds: list[str], rng: random.Random) -> list[str]:
    """Make a kind sequence coherent in context (see the module docstring)."""
    out: list[str] = []
    seen = chained = False
    for index, kind in enumerate(kinds):
        if kind in (FLIP, CHANGED) and not seen:
            kind = POINT
        elif kind == JUDGE and chained:
            kind = rng.choice((FLIP, CHANGED))
        elif kind == FOLLOW and not seen:
            kind = rng.choice((WORLD, DEIXIS))
        elif kind == REACT and index == 0:
            kind = GREET
        elif kind == GREET and index > 0:
            kind = rng.choice(TALK)
        if kind in LOOKS:
            seen = chained = True
        elif kind == PLAN:
            seen = chained = False
        elif kind not in (REACT, FOLLOW):
            chained = False
        out.append(kind)
    return out


def _kinds(rng: random.Random) -> list[str]:
    """A coherent kind sequence for one dialogue, as close to a drawn length as the shape allows."""
    target = rng.choices(list(LENGTH_WEIGHTS), weights=list(LENGTH_WEIGHTS.values()))[0]
    shape = rng.choices(list(SHAPES), weights=list(SHAPES.values()))[0]
    best: list[str] = []
    for _ in range(ATTEMPTS):
        kinds = shape(rng)
        if len(kinds) == target:
            return _repair(kinds, rng)
        fits = MIN_STEPS <= len(kinds) <= MAX_STEPS
        if fits and (not best or abs(len(kinds) - target) < abs(len(best) - target)):
            best = kinds
    if not best:
        best = (shape(rng) + [WORLD] * MAX_STEPS)[:MAX_STEPS]
    return _repair(best, rng)


# ---------------------------------------------------------------------------
# Realization: kinds to texts, dialogues, checks.
# ---------------------------------------------------------------------------


def _template(kind: str, domain: dict[str, list[str]], chained: bool, rng: random.Random) -> tuple[str, str]:
    """Pick a template for ``kind``: a domain line or a generic one; return it and its id."""
    own = domain.get(kind, [])
    if kind == REACT and not chained:
        own = []
    if own and rng.random() < DOMAIN_SHARE:
        index = rng.randrange(len(own))
        return own[index], f"{kind}:d{index}"
    pool = GENERIC[kind]
    index = rng.randrange(len(pool))
    return pool[index], f"{kind}:g{index}"


def _realize(
    kinds: list[str], domain: dict[str, list[str]], rng: random.Random
) -> tuple[list[Step], list[str]]:
    """Texts for a kind sequence (no text twice in one dialogue); steps and template ids."""
    steps: list[Step] = []
    ids: list[str] = []
    used: set[str] = set()
    chained = False
    for kind in kinds:
        for _ in range(12):
            template, template_id = _template(kind, domain, chained, rng)
            plain = _fill(template, domain, rng)
            if _norm(plain) not in used:
                break
        used.add(_norm(plain))
        steps.append({"text": _spoken(plain, rng), "label": LABEL[kind]})
        ids.append(template_id)
        chained = kind in LOOKS or (chained and kind in (REACT, FOLLOW))
    return steps, ids


def _generated(seed: int, per_domain: int) -> list[Dialogue]:
    """``per_domain`` unique generated dialogues for every domain.

    Raises:
        RuntimeError: a domain cannot yield enough distinct dialogues.
    """
    rng = random.Random(seed)
    seen_texts: set[tuple[str, ...]] = set()
    seen_templates: set[tuple[str, ...]] = set()
    dialogues: list[Dialogue] = []
    for name, domain in DOMAINS.items():
        made = 0
        for _ in range(per_domain * 20):
            if made == per_domain:
                break
            steps, ids = _realize(_kinds(rng), domain, rng)
            texts = tuple(_norm(str(step["text"])) for step in steps)
            if texts in seen_texts or tuple(ids) in seen_templates:
                continue
            seen_texts.add(texts)
            seen_templates.add(tuple(ids))
            made += 1
            dialogues.append(
                {"id": f"{name}-g{made:04d}", "domain": name, "source": "generated", "steps": steps}
            )
        if made < per_domain:
            raise RuntimeError(f"{name}: only {made} distinct dialogues")
    return dialogues


def _handwritten() -> list[Dialogue]:
    """The literal :data:`HANDWRITTEN` dialogues; each step is ``"<label> <text>"``.

    Raises:
        ValueError: a dialogue names an unknown domain, has a bad label or a bad length.
    """
    counts: Counter[str] = Counter()
    dialogues: list[Dialogue] = []
    for name, lines in HANDWRITTEN:
        if name not in DOMAINS or not MIN_STEPS <= len(lines) <= MAX_STEPS:
            raise ValueError(f"hand-written {name} dialogue: bad domain or {len(lines)} steps")
        steps: list[Step] = []
        for line in lines:
            label, text = line.split(" ", 1)
            if label not in ("0", "1"):
                raise ValueError(f"hand-written {name}: bad label in {line!r}")
            steps.append({"text": text, "label": int(label)})
        counts[name] += 1
        dialogues.append(
            {"id": f"{name}-h{counts[name]:02d}", "domain": name, "source": "handwritten", "steps": steps}
        )
    return dialogues


def _check_labels(dialogues: list[Dialogue]) -> None:
    """Fail if one normalized generated text carries both labels.

    Raises:
        ValueError: the first conflicting text.
    """
    labels: dict[str, int] = {}
    for dialogue in dialogues:
        if dialogue["source"] != "generated":
            continue
        for step in _steps(dialogue):
            key, label = _norm(str(step["text"])), int(str(step["label"]))
            if labels.setdefault(key, label) != label:
                raise ValueError(f"conflicting labels for {step['text']!r}")


def _steps(dialogue: Dialogue) -> list[Step]:
    steps = dialogue["steps"]
    assert isinstance(steps, list)
    return steps


def build(seed: int = SEED, per_domain: int = PER_DOMAIN) -> list[Dialogue]:
    """All dialogues, generated and hand-written, sorted by id."""
    dialogues = _generated(seed, per_domain) + _handwritten()
    _check_labels(dialogues)
    return sorted(dialogues, key=lambda d: str(d["id"]))


def render(dialogues: list[Dialogue]) -> str:
    """JSON lines, one dialogue per line, newline-terminated."""
    return "".join(json.dumps(dialogue, ensure_ascii=False) + "\n" for dialogue in dialogues)


def summary(dialogues: list[Dialogue]) -> str:
    """Counts: dialogues by source, steps, positive rate, lengths, dialogues per domain."""
    sources = Counter(str(d["source"]) for d in dialogues)
    lengths = [len(_steps(d)) for d in dialogues]
    labels = [int(str(s["label"])) for d in dialogues for s in _steps(d)]
    domains = Counter(str(d["domain"]) for d in dialogues)
    histogram = Counter(lengths)
    lines = [
        f"dialogues: {len(dialogues)} ({sources['generated']} generated, {sources['handwritten']} hand-written)",
        f"steps: {len(labels)}, positive rate {sum(labels) / len(labels):.3f} ({sum(labels)} positive)",
        f"steps per dialogue: min {min(lengths)}, max {max(lengths)}, mean {sum(lengths) / len(lengths):.1f}",
        "length histogram: " + ", ".join(f"{n}:{histogram[n]}" for n in sorted(histogram)),
        "dialogues per domain: " + ", ".join(f"{name} {domains[name]}" for name in DOMAINS),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Write the dialogues file and print its summary; return an exit code."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"output path (default {OUT})")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    args = parser.parse_args(argv)
    dialogues = build(args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(dialogues), encoding="utf-8")
    print(f"wrote {args.out}")
    print(summary(dialogues))
    return 0


# ---------------------------------------------------------------------------
# Data: generic templates, shared vocabulary, domains, hand-written dialogues.
# ---------------------------------------------------------------------------

# fmt: off
GENERIC: dict[str, list[str]] = {
    # 1: points at something new on screen.
    POINT: [
        "peep this", "ok check this", "look at this {item}", "what about this one", "ok look",
        "wait look at this", "check out this {item}", "yo peep this {item}", "here's the {item}",
        "ok so here's the {item}, thoughts?", "look what I found", "ok this {item}, what do you think",
        "found one, look", "this one's actually fire, look", "ok it's up, what do you think", "see this?",
        "bro look at this", "alright here it is", "now look at this one", "wait what is this",
        "what do you make of this {item}", "take a look real quick", "here, look",
        "ok opened it, take a look", "what do you think of this {item}", "check this {item} out",
        "got it up, what do you see", "look at this", "ok what about this {item}",
        "this {item} though, look", "tell me what you think of this", "look at my screen real quick",
        "what's this on my screen", "can you see what's on my screen right now",
    ],
    # 1: read, identify, judge, compare or proofread what is displayed.
    JUDGE: [
        "is this {item} {quality}", "does this look {quality} to you", "what does it say here",
        "what does the {part} say", "which of these {items} is {compare}", "can you read the {part} for me",
        "is the {part} ok", "be honest, is this {quality}", "rate this {item} out of ten",
        "what am I looking at here", "how does the {part} look", "anything wrong with this {item}",
        "tell me what you think of the {part}", "which one of these would you pick",
        "is this one {compare} than the others", "what's the {part} on this one", "does this {item} look {quality}",
        "is this {quality} or am I crazy", "can you check the {part} real quick",
        "what do you think of the {part} here", "which of these is {compare}", "is this {item} any good",
        "does the {part} look right to you", "what's going on with the {part} here",
        "is what's on my screen {quality}", "read what it says on the screen",
    ],
    # 1: flips to the next item.
    FLIP: [
        "next", "ok next", "next one", "ok and this one?", "and this one", "what about the {variant}",
        "how about the {variant}", "how about this one", "next {item}", "this {item} now",
        "another one", "moving on, this one?", "and this?", "k next", "alright next one, thoughts",
        "ok what about this {item}", "and the {variant}?", "now this one", "this one?", "and this {item}",
        "ok and the {variant}", "one more, this one",
    ],
    # 1: the screen changed since the last look.
    CHANGED: [
        "ok I scrolled down", "refreshed it, now what", "it changed, look", "it updated, what about now",
        "scrolled a bit, what about now", "ok I switched tabs, look",
        "now it says something different", "ok new stuff loaded, what about now", "ok it loaded, look", "wait it just changed",
        "ok I zoomed in on the {part}", "reloaded and it's different now", "went back, look",
        "clicked it, now this", "now what does it say", "ok scrolled down to the {part}, what about that",
        "it switched to something else, see", "I tapped on it, now what", "my screen just changed, look",
        "ok the screen refreshed, what about now",
    ],
    # 0: reactions (context-free: they also follow general talk).
    REACT: [
        "haha right?", "omg yes", "lol true", "yeah I thought so", "thanks that helps", "ok fair", "lmao",
        "no way", "ugh I knew it", "ok good", "hmm ok", "damn", "right??", "that's what I was thinking",
        "ok cool thanks", "facts", "I knew it", "perfect", "bet", "ok makes sense", "haha stop", "wow ok",
        "yeah true", "ok noted", "oh nice", "that's wild", "lol ok", "yep", "mhm", "got it", "oh wow",
        "this is so annoying", "this is hilarious", "this is exactly what I was worried about",
        "ok yeah fair", "ok wow", "ok lol", "and I thought it was fine lol", "ok that's what I figured",
    ],
    # 0: follow-ups about what was just looked at, nothing new on screen.
    FOLLOW: [
        "why is that bad", "so should I do it", "what would you do", "wait why", "are you sure",
        "how do you know", "what would you change", "so what now", "is that normal", "should I be worried",
        "what would you do instead", "explain that again", "hmm why though", "so which one then",
        "ok but why", "what do you mean by that", "is that a big deal", "so yes or no",
        "would you go for it", "what's the catch", "how sure are you", "ok so what's the next step",
        "and that's bad?", "is that common", "look, I get it, but is it really that bad",
        "and why is that", "and what would you do", "and then what", "and is that bad", "ok so should I do it",
        "ok and what would you change", "ok but is it worth it", "ok wait why", "and how do I fix that",
    ],
    # 0: plans and intentions, nothing shown yet.
    PLAN: [
        "let me open {app}", "hold on let me find it", "brb checking {app}", "I'm gonna pull up {app}",
        "one sec opening it", "ok let me go to {app}", "wait let me log in first", "gonna look for {items} on {app}",
        "give me a sec to find it", "let me scroll to find it", "I'll pull it up", "ok opening {app} now",
        "hang on it's loading", "lemme find the {item}", "I'm going to find the {item} real quick",
        "ok I'm gonna check {app}", "let me go find that {item}", "and let me check {app} too",
        "ok one sec let me find it", "ok hold on I'm logging in",
    ],
    # 0: greetings and small talk at the start.
    GREET: [
        "hey", "hi", "yo what's up", "how's it going", "good morning", "hey you there", "heyy", "ok I'm back",
        "hi again", "morning", "hello hello", "hey quick question", "sup", "ugh long day",
        "hey so I need your help with something", "good evening", "hey hey", "what's up",
        "hi I'm so {feeling} today", "hey I'm kinda {feeling} today",
    ],
    # 0: general questions about the world.
    WORLD: [
        "what's the capital of {country}", "how does {topic} work", "explain {topic} real quick",
        "what's the weather like in {place} this time of year", "how many ounces in a cup", "why is the sky blue",
        "what's a good {food} recipe", "who invented the internet", "what time is it in {place}",
        "what should I have for dinner", "tell me a fun fact", "how do I get better sleep", "is coffee bad for you",
        "what's a good book to read", "how long do cats live", "is {place} expensive to visit",
        "what's the difference between weather and climate", "how do I stop procrastinating",
        "what's a good gift for {person}", "how do you get over jet lag",
    ],
    # 0: screens talked about abstractly.
    SCREEN: [
        "my screen cracked", "how do I screenshot on {platform}", "screen time is killing me", "my monitor flickers",
        "I stare at screens all day", "my {screen_dev} {problem}", "should I get a screen protector",
        "ugh my phone screen is so dirty", "how do I take a scrolling screenshot", "my screen brightness keeps changing by itself",
        "I need a bigger monitor honestly", "screenshots eat all my storage", "how do I share my screen on zoom",
        "my eyes hurt from the screen", "how do I turn on dark mode on {platform}", "my laptop screen has a dead pixel",
        "how do I record my screen on {platform}", "my screen time report was brutal this week",
        "how much is a screen repair usually", "my phone screen keeps going black", "is blue light actually bad for you",
        "{person} says I'm on my phone too much",
    ],
    # 0: deictic words about a situation, not the screen.
    DEIXIS: [
        "this weekend I'm going hiking", "this is so annoying", "that one time at the beach was so fun",
        "this week has been insane", "this is taking forever", "I'm finally free this friday",
        "I love this time of year", "this heat is unbearable", "this guy at work keeps microwaving fish",
        "that was such a good day", "this coffee is so good", "this song is stuck in my head",
        "these headaches are killing me", "that one teacher I had in high school was the best", "this is my third coffee today",
        "this semester is brutal", "this traffic is insane", "ugh this cold won't go away", "those were the days",
        "this is gonna be a long week", "that restaurant we went to last year was so good", "this reminds me of my grandma",
        "I have no plans this {time}", "this one time {person} got lost in {place}", "this {time} flew by",
        "that's life I guess", "this rain is never ending", "look, I'm just tired today",
        "looking forward to this {time} honestly", "and this weekend I have a wedding",
        "ok this heat is killing me", "and this cold won't go away either", "ok this week has been a lot", "I'll look into it later", "looks like it's gonna rain",
        "look, it's fine, I'm just venting", "I'm looking for a new hobby this {time}",
    ],
    # 0: closing the topic.
    CLOSE: [
        "ok thanks that's all", "alright I'm done", "ok closing it", "thanks bye", "ok I'll deal with it later",
        "cool that's it for now", "ok gonna go", "thanks for the help", "alright talk later", "ok I'm logging off",
        "that's all I needed", "ok that's enough for today", "ok thank you",
    ],
}

VOCAB: dict[str, list[str]] = {
    "place": ["Tokyo", "Lisbon", "Iceland", "Mexico City", "Rome", "Chicago", "Vancouver", "Berlin", "Kyoto", "Morocco", "Seoul", "Peru"],
    "country": ["Peru", "Australia", "Canada", "Morocco", "Norway", "Vietnam", "Chile", "Kenya", "Portugal"],
    "topic": ["black holes", "photosynthesis", "compound interest", "inflation", "how vaccines work", "wifi", "tides", "the stock market", "machine learning", "daylight saving"],
    "food": ["lasagna", "banana bread", "curry", "pancakes", "fried rice", "chili", "stir fry", "cookie", "risotto"],
    "platform": ["a mac", "windows", "my iphone", "android", "a chromebook", "my ipad", "a pixel"],
    "screen_dev": ["monitor", "laptop screen", "phone screen", "tv", "ipad screen", "work monitor", "second monitor"],
    "problem": ["is cracked", "keeps flickering", "went black", "has lines across it", "is way too dim", "has a weird yellow tint", "got scratched"],
    "person": ["my mom", "my sister", "my roommate", "my boss", "my brother", "my dad", "my best friend", "my partner", "my coworker"],
    "time": ["weekend", "summer", "week", "month", "year", "semester"],
    "feeling": ["tired", "stressed", "bored", "hyped", "anxious", "sleepy", "grumpy"],
}

# Per domain: slot fillers (app, item, items, part, variant, quality, compare) and
# extra lines per step kind (point, judge, flip, changed, react, follow, world, plan).
DOMAINS: dict[str, dict[str, list[str]]] = {
    "dating_app": {
        "app": ["Hinge", "Tinder", "Bumble", "OkCupid"],
        "item": ["guy", "girl", "profile", "match", "dude"],
        "items": ["profiles", "matches", "guys", "prompts"],
        "part": ["bio", "first pic", "prompt answer", "last photo", "height thing", "job line"],
        "variant": ["one with the dog", "guy in the suit", "girl with the bangs", "one holding a fish", "climbing guy"],
        "quality": ["cute", "cringe", "sketchy", "too much", "normal", "fake"],
        "compare": ["cuter", "less of a red flag", "more my type"],
        "point": ["look at this guy", "ok this girl, thoughts", "look at his pics", "omg look at this profile"],
        "judge": ["is he cute or am I tripping", "rate my profile pics", "does my bio sound desperate",
                  "is this prompt answer funny or cringe", "is she out of my league be honest",
                  "what does his bio even mean", "which of my pics should go first", "is this a red flag or am I overthinking"],
        "flip": ["next guy", "and her?", "next profile", "swiped, this one?", "ok what about him"],
        "changed": ["he just replied look", "she messaged back, what do I say", "new matches loaded",
                    "I swapped the first pic, better?", "I rewrote my bio, how about now"],
        "react": ["lol he's so weird", "ok swiped left", "haha I knew it", "omg he's so my type", "ok I sent the opener",
                  "yeah he's giving serial killer"],
        "follow": ["so should I swipe left", "why is the fish pic a red flag", "what would you write instead",
                   "would you message him first", "so what do I open with", "is it bad that I kinda like him",
                   "ok but is six foot a lie", "should I unmatch then"],
        "world": ["how long should a first date be", "is it weird to split the bill on a first date",
                  "what's a good first date idea in winter", "how many dates before it's official",
                  "is it normal to be nervous before a date"],
        "plan": ["ok going on {app} now", "hold on let me find his profile", "I'm gonna show you my matches in a sec"],
    },
    "shopping": {
        "app": ["Amazon", "Etsy", "eBay", "Target", "Walmart"],
        "item": ["listing", "air fryer", "lamp", "deal", "backpack", "blender"],
        "items": ["air fryers", "vacuums", "listings", "deals", "backpacks", "lamps"],
        "part": ["reviews", "return policy", "shipping cost", "seller rating", "price", "specs"],
        "variant": ["black one", "cheaper one", "one on sale", "bigger size", "second listing", "one with prime"],
        "quality": ["legit", "overpriced", "too basic", "cheap looking", "worth it", "sketchy"],
        "compare": ["cheaper", "better rated", "faster to ship"],
        "point": ["look at this {item}", "ok found the gift, look"],
        "judge": ["is this legit", "which of these is cheaper per unit", "are these reviews fake", "is this seller sketchy",
                  "is this a good deal or nah", "what's the return window say", "does this come with the charger or not",
                  "is this too basic for a gift"],
        "flip": ["second listing", "ok what about the {variant}"],
        "changed": ["ok the price just changed, look", "refreshed and it says out of stock now", "I scrolled to the reviews",
                    "I changed the size, now what's the price", "added the coupon, did it work"],
        "react": ["ok added to cart", "ok ordered it", "lol scam", "yeah figured it was too cheap", "ugh fine", "ok bought it"],
        "follow": ["so should I buy it", "why would the reviews be fake", "is it worth waiting for black friday",
                   "what would you get instead", "how do I know if a seller is real", "should I just go to the store",
                   "do you think it'll break fast"],
        "world": ["when is prime day usually", "are extended warranties ever worth it", "how long do air fryers last",
                  "is it cheaper to buy in bulk", "what's a good gift for {person}"],
        "plan": ["ok I'm gonna search for {items} on {app}", "brb finding the link", "hold on let me log into {app}"],
    },
    "spreadsheet": {
        "app": ["Excel", "Google Sheets", "Numbers", "Airtable"],
        "item": ["formula", "sheet", "pivot table", "chart", "tab", "column"],
        "items": ["columns", "tabs", "formulas", "totals"],
        "part": ["formula bar", "column C", "total at the bottom", "header row", "conditional formatting", "cell in B12"],
        "variant": ["next tab", "march tab", "other column", "summary sheet", "chart on the right"],
        "quality": ["right", "broken", "messy", "readable", "off"],
        "compare": ["more accurate", "cleaner"],
        "judge": ["why is this cell saying REF", "is my formula right", "what's wrong with column D", "does this chart make sense",
                  "which of these totals is off", "can you check my VLOOKUP", "why is this showing a bunch of hashtags",
                  "does this pivot table look right"],
        "flip": ["next tab", "and this column?"],
        "changed": ["ok I changed it, now it says N/A", "I dragged it down and now look", "sorted it, does this look right now",
                    "I added a filter, now what", "it recalculated and the number changed"],
        "react": ["ok that fixed it", "oh duh", "lol I'm dumb", "ok it works now", "yesss thank you"],
        "follow": ["so how do I fix it", "why does it do that", "what would the formula be instead", "should I use XLOOKUP then",
                   "is there a faster way", "wait what's an absolute reference", "so do I drag it down"],
        "world": ["what's the difference between VLOOKUP and XLOOKUP", "is Excel or Sheets better for budgets",
                  "how many rows can Excel handle", "what's a pivot table in simple terms"],
        "plan": ["let me open the budget sheet", "hold on opening {app}", "gonna pull up the sales tab"],
    },
    "photos": {
        "app": ["Google Photos", "my camera roll", "Lightroom", "VSCO", "the Instagram editor"],
        "item": ["pic", "photo", "selfie", "shot", "edit"],
        "items": ["pics", "photos", "selfies", "edits", "shots"],
        "part": ["lighting", "crop", "background", "filter", "colors", "sky"],
        "variant": ["one with the sunset", "blurry one", "black and white version", "group one", "one where I'm laughing"],
        "quality": ["blurry", "overexposed", "too edited", "cute", "postable"],
        "compare": ["better", "less blurry", "more flattering"],
        "point": ["look at this pic from the trip", "ok this selfie, yes or no"],
        "judge": ["which of these should I post", "is this too edited", "does my face look weird here", "is the crop off",
                  "is this blurry or is it just me", "what's that thing in the background", "rate this pic",
                  "does this filter make me look orange"],
        "flip": ["next pic", "ok last one", "what about the {variant}"],
        "changed": ["ok I bumped the brightness, better?", "I cropped it, how about now", "swapped the filter, look",
                    "I edited it again"],
        "react": ["ok posting it", "lol I look insane", "haha yeah the dog ruins it", "omg I love it", "ok deleting that one"],
        "follow": ["so should I post it or not", "why is it too edited", "what filter would you use instead",
                   "how do I fix the lighting", "should I crop it more", "would you post it on main"],
        "world": ["what's golden hour exactly", "how do people get that film look", "is it worth buying a real camera",
                  "how many photos should a carousel have"],
        "plan": ["let me find the pics from last {time}", "hold on scrolling through my camera roll",
                 "one sec let me find the one from the beach"],
    },
    "social_feed": {
        "app": ["Instagram", "TikTok", "Twitter", "Reddit", "Facebook", "Threads"],
        "item": ["post", "tweet", "comment", "meme", "reel", "thread"],
        "items": ["comments", "posts", "memes", "replies"],
        "part": ["caption", "top comment", "replies", "hashtags", "last line"],
        "variant": ["next meme", "reply under it", "quote tweet", "second comment"],
        "quality": ["real", "fake", "rude", "AI generated", "satire"],
        "compare": ["funnier", "worse"],
        "point": ["lmao look at this {item}", "look what my ex just posted", "ok this {item} is sending me, look"],
        "judge": ["is this real or fake", "what does this meme even mean", "is this comment rude or am I sensitive",
                  "is this AI", "what's the top comment say", "should I reply to this", "does my caption sound try hard",
                  "who is this guy in the post"],
        "flip": ["next meme", "and this one lol"],
        "changed": ["ok he replied to my comment look", "refreshed and there's like fifty new comments",
                    "she deleted it and posted this instead", "I scrolled down, see the replies now"],
        "react": ["I'm crying", "ok I liked it", "lol he's so unhinged", "ok unfollowed", "ok reposted it"],
        "follow": ["why would anyone post that", "so should I reply", "what would you comment", "is it worth arguing with him",
                   "why is everyone mad about it", "so is it satire"],
        "world": ["how does the algorithm actually work", "is it bad to post every day", "why do people doomscroll",
                  "what time is best to post"],
        "plan": ["hold on finding the post", "brb scrolling {app}", "gonna find that reel I told you about"],
    },
    "code_editor": {
        "app": ["VS Code", "PyCharm", "vim", "Cursor", "Xcode"],
        "item": ["function", "error", "test", "class", "diff", "loop"],
        "items": ["functions", "imports", "tests", "lines"],
        "part": ["line 42", "red squiggle", "import at the top", "return statement", "type hint", "indentation"],
        "variant": ["next function", "other file", "test file", "bottom half", "helper below it"],
        "quality": ["right", "clean", "readable", "broken", "overkill"],
        "compare": ["cleaner", "faster"],
        "judge": ["why is this red", "is my function right", "what does this error mean", "can you check this loop",
                  "why won't this compile", "is this regex right", "what's wrong with line 12", "does this test actually test anything"],
        "flip": ["next function", "and this file"],
        "changed": ["ok I changed it, now it says something else", "ran it again, look at the output", "now there's a new error",
                    "I refactored it, better?", "it's highlighting a different line now"],
        "react": ["ok it compiles now", "oh my god a missing comma", "ok tests pass", "lol I'm an idiot", "ok pushed it"],
        "follow": ["so how do I fix it", "why is that bad practice", "what would you name it instead", "should I use a dict then",
                   "wait what's a race condition", "is that faster though"],
        "world": ["what's the difference between a list and a tuple", "is rust worth learning", "what's big o notation",
                  "should I learn python or javascript first", "how does git rebase work"],
        "plan": ["hold on pulling up the file", "gonna run the tests real quick", "one sec let me find the function"],
    },
    "error_dialog": {
        "app": ["Windows", "my Mac", "the installer", "Chrome", "Steam"],
        "item": ["error", "popup", "warning", "message", "box"],
        "items": ["errors", "popups", "options", "buttons"],
        "part": ["error code", "small text", "buttons", "details section", "first line"],
        "variant": ["next popup", "second error", "one behind it", "new warning"],
        "quality": ["serious", "fake", "safe to ignore", "legit"],
        "compare": ["safer"],
        "point": ["ugh this thing again", "it just gave me this", "and now I'm getting this"],
        "judge": ["what does this error say", "is this popup a virus", "which button do I click", "is it safe to click allow",
                  "what's this error code mean", "is this a real windows warning", "what's it asking me to do",
                  "should I click yes or no here"],
        "flip": ["next popup", "and this one behind it"],
        "changed": ["ok now a different one popped up", "I clicked ok and now there's this", "restarted and it's back look",
                    "it changed to a blue screen look"],
        "react": ["ok I clicked cancel", "ugh again", "ok it went away", "phew", "ok restarting"],
        "follow": ["so is my laptop infected", "why does it keep doing that", "what happens if I ignore it", "should I restart then",
                   "will I lose my files", "is that expensive to fix"],
        "world": ["how do I know if I have a virus", "is windows defender enough", "what does a blue screen mean in general",
                  "how often should I update my drivers"],
        "plan": ["let me try installing it again", "hold on restarting", "gonna run it one more time", "one sec reopening {app}"],
    },
    "documents": {
        "app": ["Google Docs", "Word", "Notion", "Pages"],
        "item": ["paragraph", "intro", "essay", "sentence", "letter", "report"],
        "items": ["paragraphs", "headings", "sentences", "titles"],
        "part": ["intro", "conclusion", "first sentence", "second paragraph", "title", "citations"],
        "variant": ["next paragraph", "conclusion", "section after that", "other version"],
        "quality": ["too long", "clear", "formal enough", "awkward", "repetitive"],
        "compare": ["clearer", "shorter"],
        "judge": ["does my intro flow", "can you proofread this paragraph", "is this sentence grammatically right",
                  "does this sound ok", "is my conclusion too short", "any typos here", "which title is better",
                  "is this too informal for a cover letter"],
        "flip": ["next paragraph", "and this part?"],
        "changed": ["I rewrote it, how's it now", "I moved that part up, read it again", "added a sentence, better?",
                    "ok I fixed the typos, check again"],
        "react": ["haha yeah it was clunky", "ok that sounds better", "ok I'll change it", "true", "ok changing it now"],
        "follow": ["what would you write instead", "why is that awkward", "so should I cut it", "how do I make it shorter",
                   "is passive voice really that bad", "should I use a semicolon there then"],
        "world": ["how long should a cover letter be", "what's MLA vs APA", "is it ok to start a sentence with and",
                  "how many words is a five page essay"],
        "plan": ["let me open my essay", "hold on pulling up the doc", "let me find the draft"],
    },
    "email": {
        "app": ["Gmail", "Outlook", "my work email", "Apple Mail"],
        "item": ["email", "reply", "draft", "subject line", "message"],
        "items": ["emails", "drafts", "replies"],
        "part": ["subject line", "sign off", "first line", "last paragraph", "greeting"],
        "variant": ["next email", "one from HR", "reply above it", "older thread", "one from my landlord"],
        "quality": ["too harsh", "passive aggressive", "professional", "too long", "rude"],
        "compare": ["nicer", "more professional"],
        "point": ["look what my boss just sent", "ok this email, read it"],
        "judge": ["is this email too harsh", "does this sound passive aggressive", "what is he actually asking here", "is this phishing",
                  "can you proofread my reply", "is my subject line ok", "what does she mean by per my last email", "is this a scam email"],
        "flip": ["next email", "and the one from HR"],
        "changed": ["he replied already look", "a new email just came in, what do you think", "I changed the tone, better?",
                    "ok I shortened it, check now"],
        "react": ["ok sent it", "ok deleted", "lol she's so passive aggressive", "yeah that's a scam", "ok reported it"],
        "follow": ["what would you write instead", "so should I reply today", "why is that passive aggressive", "do I cc my boss then",
                   "how do I say no nicely", "should I just call him"],
        "world": ["how long should you wait to follow up on an email", "is it rude to email on weekends", "what does cc actually mean",
                  "how do I get to inbox zero"],
        "plan": ["hold on finding the thread", "brb checking my email", "gonna draft a reply"],
    },
    "chat_messages": {
        "app": ["WhatsApp", "iMessage", "Messenger", "Discord", "Telegram", "the group chat"],
        "item": ["text", "message", "convo", "group chat", "reply"],
        "items": ["messages", "texts", "replies"],
        "part": ["last text", "part where he says sorry", "emoji", "first message", "voice note transcript"],
        "variant": ["one above it", "message from my mom", "text after that", "reply from Sam"],
        "quality": ["flirty", "passive aggressive", "dry", "weird", "rude"],
        "compare": ["less dry", "nicer"],
        "point": ["look what he just sent", "ok read this text", "look at this convo"],
        "judge": ["what does he mean by this", "is she mad at me", "does this text sound dry", "what should I reply here",
                  "is this flirty or just friendly", "what's this emoji mean", "read this and tell me if I'm wrong", "is my reply too long"],
        "flip": ["and this one", "next text"],
        "changed": ["he just replied, look", "she sent something else, look", "new message just came in, what do you think",
                    "she left me on read and then sent this", "ok the group chat blew up, look"],
        "react": ["ok sent it", "lol he's so dry", "omg yes exactly", "ugh fine", "haha true"],
        "follow": ["so should I text back now", "why would she be mad", "what would you say instead", "should I double text",
                   "is it weird to wait a day", "how do I apologize then"],
        "world": ["how long should you wait to text back", "is it rude to leave someone on read", "why do people hate voice notes",
                  "what's a good way to end a convo"],
        "plan": ["let me open the group chat", "hold on finding his texts", "gonna scroll up to find it"],
    },
    "maps": {
        "app": ["Google Maps", "Apple Maps", "Waze", "Citymapper"],
        "item": ["route", "place", "spot", "exit", "restaurant"],
        "items": ["routes", "places", "restaurants", "stops"],
        "part": ["eta", "blue line", "traffic", "red part", "exit", "parking"],
        "variant": ["other route", "one with tolls", "faster one", "place on the corner", "pin further down"],
        "quality": ["right", "safe", "too far", "walkable", "busy"],
        "compare": ["faster", "closer", "shorter"],
        "judge": ["which of these routes is faster", "is this the right exit", "how far is this from the hotel", "is this place open now",
                  "what's the red part mean", "where am I on this map", "which of these is closest", "is this neighborhood walkable"],
        "flip": ["next stop", "and this route"],
        "changed": ["it rerouted me, look", "I moved the pin, now what", "zoomed out, see where I am", "the eta just jumped, look"],
        "react": ["ok leaving now", "ugh traffic", "ok starting the route", "lol I'm so lost"],
        "follow": ["so should I leave now", "why is traffic so bad", "is it safe to walk at night there", "how long by bike then",
                   "should I take the toll road then", "is uber faster"],
        "world": ["how do maps know about traffic", "is it cheaper to drive or take the train", "how long can you drive before a break",
                  "what's the speed limit on highways usually"],
        "plan": ["hold on putting in the address", "gonna check the route", "one sec let me find the place"],
    },
    "banking": {
        "app": ["my bank app", "Chase", "Venmo", "PayPal", "Revolut"],
        "item": ["charge", "transaction", "statement", "transfer", "fee"],
        "items": ["charges", "transactions", "fees", "accounts"],
        "part": ["pending charge", "balance", "fee at the bottom", "interest rate", "merchant name"],
        "variant": ["charge from tuesday", "other account", "savings tab", "credit card tab", "one under it"],
        "quality": ["legit", "normal", "too high", "wrong", "suspicious"],
        "compare": ["bigger", "newer"],
        "judge": ["is this charge fraud", "what's this fee", "do you recognize this merchant", "is this text from my bank legit",
                  "which of these accounts has better interest", "why is my balance this", "what does pending mean here",
                  "is this transfer gonna go through"],
        "flip": ["next charge", "and this one from tuesday"],
        "changed": ["ok I refreshed and the charge is gone", "another one just showed up, look", "the transfer went through, see",
                    "the balance changed, look"],
        "react": ["ok froze the card", "ugh", "ok that was me lol", "phew", "ok reported it"],
        "follow": ["so should I call the bank", "why would they charge that", "how do I dispute it", "will I get the money back",
                   "should I freeze my card", "is that normal for overdraft"],
        "world": ["what's a good savings rate right now", "how does a credit score work", "is it bad to have lots of cards",
                  "what's the difference between debit and credit"],
        "plan": ["hold on logging in", "gonna check my statement", "one sec the app is loading"],
    },
    "video": {
        "app": ["YouTube", "Netflix", "Twitch", "Hulu", "Disney plus"],
        "item": ["video", "thumbnail", "show", "clip", "movie"],
        "items": ["shows", "videos", "thumbnails", "movies"],
        "part": ["thumbnail", "title", "description", "comments", "rating", "episode list"],
        "variant": ["next episode", "other thumbnail", "second video", "one with the red title"],
        "quality": ["clickbait", "good", "scary", "boring", "kid friendly"],
        "compare": ["better", "scarier", "shorter"],
        "judge": ["is this worth watching", "which of these should we watch", "what's this show about", "is this clickbait",
                  "who is this actor", "what does the description say", "which thumbnail is better", "is this one scary"],
        "flip": ["and this movie"],
        "changed": ["ok it autoplayed something else, look", "I scrolled to the comments", "paused it right here, who's that",
                    "new episode just dropped look"],
        "react": ["ok putting it on", "lol that thumbnail", "ok watching it", "yeah seen it", "omg I love him"],
        "follow": ["so is it good for kids", "why is it clickbait", "how many seasons is it", "should I start from season one then",
                   "is the book better"],
        "world": ["how does netflix decide what to recommend", "what's a good movie for a rainy day",
                  "who won best picture last year", "how long is a normal tv season"],
        "plan": ["hold on searching for it", "gonna find something to watch", "one sec logging into {app}"],
    },
    "settings": {
        "app": ["my phone settings", "Windows settings", "system preferences", "the router page", "the TV menu"],
        "item": ["setting", "toggle", "option", "permission"],
        "items": ["options", "toggles", "permissions", "settings"],
        "part": ["battery section", "privacy tab", "toggle at the bottom", "grayed out option", "location permission"],
        "variant": ["advanced tab", "other toggle", "one under it", "next menu"],
        "quality": ["safe to turn off", "important", "needed", "on"],
        "compare": ["safer"],
        "judge": ["which toggle turns off tracking", "is it safe to turn this off", "what does this option do", "where's dark mode in here",
                  "why is this grayed out", "which of these should be on", "is location supposed to be always", "what's this permission for"],
        "flip": ["next page", "and this toggle"],
        "changed": ["I switched it, now this popped up", "it reset itself look", "I went into advanced, now what",
                    "ok it's asking for a restart now, look"],
        "react": ["ok turned it off", "ok done", "nice", "huh weird", "ok that worked"],
        "follow": ["so will it drain my battery", "why would an app need that", "what happens if I turn it off",
                   "should I just reset everything", "is that the same on android"],
        "world": ["does dark mode actually save battery", "should I turn off bluetooth when not using it",
                  "how often should I update my phone", "what's a good password manager"],
        "plan": ["hold on going into settings", "gonna find the privacy stuff"],
    },
    "travel_booking": {
        "app": ["Expedia", "Booking", "Airbnb", "Skyscanner", "Kayak", "the airline app"],
        "item": ["flight", "hotel", "room", "listing", "itinerary", "seat"],
        "items": ["flights", "hotels", "rooms", "listings"],
        "part": ["layover", "cancellation policy", "total price", "baggage fee", "reviews", "check in time"],
        "variant": ["red eye", "one with one stop", "cheaper hotel", "room with the balcony", "window seat", "flight at six"],
        "quality": ["too tight", "sketchy", "worth it", "refundable", "legit"],
        "compare": ["cheaper", "shorter", "closer to the beach"],
        "judge": ["which of these flights is cheaper", "is this layover too short", "is this airbnb legit",
                  "what's the cancellation policy say", "is this hotel close to the center", "is this seat any good",
                  "does this include bags", "is this price per night or total"],
        "flip": ["and this hotel"],
        "changed": ["the price just went up, look", "refreshed and it says two rooms left", "I changed the dates, now look",
                    "ok I'm on the checkout page now"],
        "react": ["ok booked it", "ugh so expensive", "yay", "lol no way"],
        "follow": ["so should I book now or wait", "why are layovers risky", "is it worth paying for refundable",
                   "what happens if I miss the connection", "should I get travel insurance then"],
        "world": ["when's the cheapest time to book flights", "do I need a visa for {place}", "what's the best time to visit {place}",
                  "how early should I get to the airport"],
        "plan": ["hold on searching flights", "gonna look at hotels in {place}", "one sec putting in the dates"],
    },
    "forms": {
        "app": ["the DMV site", "the tax form", "the visa application", "the job portal", "the school portal"],
        "item": ["form", "field", "box", "question", "page"],
        "items": ["fields", "boxes", "questions", "options"],
        "part": ["date field", "required ones", "box at the bottom", "dropdown", "signature part"],
        "variant": ["next question", "second box", "other dropdown", "next section"],
        "quality": ["filled out right", "required", "optional", "confusing"],
        "compare": ["more accurate", "more official"],
        "judge": ["what goes in this box", "did I fill this out right", "which option do I pick here", "what does this question mean",
                  "is this field required", "is my date format right", "why is it saying invalid", "what do I put for occupation here"],
        "flip": ["next question", "and this box"],
        "changed": ["next page loaded, now what", "it turned red when I clicked submit look", "I fixed it, is it ok now",
                    "ok it says something different now"],
        "react": ["ok submitted", "ugh this form", "ok filled it in", "lol bureaucracy"],
        "follow": ["so do I put my middle name or not", "why do they need that", "what happens if I leave it blank",
                   "is it bad if I made a mistake", "should I call them instead"],
        "world": ["how long does a passport renewal take", "when are taxes due", "what's a W2", "why do forms always want a fax number"],
        "plan": ["let me open the form", "hold on logging into {app}", "gonna fill out the rest", "one sec finding my ID"],
    },
    "games": {
        "app": ["Minecraft", "Zelda", "Stardew", "Elden Ring", "chess.com", "Fortnite"],
        "item": ["level", "puzzle", "build", "loadout", "position", "boss"],
        "items": ["items", "builds", "upgrades", "skins"],
        "part": ["map", "inventory", "skill tree", "minimap", "health bar", "quest log"],
        "variant": ["other path", "left door", "sword on the left", "second upgrade", "next level"],
        "quality": ["good", "overpowered", "bad", "worth it", "broken"],
        "compare": ["better", "stronger"],
        "point": ["look at my base", "ok look at this boss"],
        "judge": ["what's the best move here", "which of these upgrades should I get", "how do I solve this puzzle", "where do I go now",
                  "is this build good", "which sword is better", "what's this item do", "rate my house"],
        "flip": ["and this skin", "ok this level now"],
        "changed": ["I'm in the next room now, what now", "new boss just showed up look", "I moved my knight, now what",
                    "ok opened the chest look"],
        "react": ["ok did it", "lol I died", "ez", "yesss beat it", "ugh died again"],
        "follow": ["why is that better", "so do I fight him now", "how do I beat this boss then", "is it worth grinding for",
                   "should I restart then"],
        "world": ["what's the best game of all time", "is the switch worth it", "how long is elden ring", "what's a good co op game"],
        "plan": ["let me load my save", "hold on booting up {app}", "gonna try this level again", "one sec respawning"],
    },
    "news": {
        "app": ["the news app", "CNN", "the BBC site", "Apple News", "Google News"],
        "item": ["article", "headline", "chart", "story", "graph"],
        "items": ["headlines", "articles", "stories"],
        "part": ["headline", "source", "chart", "byline", "date at the top", "last paragraph"],
        "variant": ["other headline", "one below it", "story on the side", "next article"],
        "quality": ["real", "biased", "fake", "clickbait", "true"],
        "compare": ["more reliable"],
        "judge": ["is this headline real", "is this article biased", "what does this chart actually show", "is this site reliable",
                  "can you summarize this article", "is this from this year", "which of these sources is better", "what's this graph saying"],
        "flip": ["next article"],
        "changed": ["they just updated it, look", "I scrolled down, see this part", "refreshed and there's a new headline",
                    "ok now there's a live update"],
        "react": ["ugh depressing", "ok good to know", "lol of course", "yikes"],
        "follow": ["why is that biased", "so is it true or not", "how do I check if news is fake", "should I be worried about it",
                   "what does that mean for prices then"],
        "world": ["what's the difference between the house and senate", "how do elections work in the uk", "why are eggs so expensive",
                  "how does inflation work"],
        "plan": ["hold on finding the article", "gonna read the news real quick"],
    },
    "recipes": {
        "app": ["Allrecipes", "the NYT cooking app", "Pinterest", "a food blog", "TikTok"],
        "item": ["recipe", "ingredient list", "step", "recipe card"],
        "items": ["recipes", "steps", "ingredients"],
        "part": ["ingredient list", "step three", "oven temp", "cook time", "measurements", "comments"],
        "variant": ["vegan one", "one with less sugar", "version with chicken", "next recipe"],
        "quality": ["easy", "too hard", "healthy", "authentic"],
        "compare": ["easier", "quicker"],
        "judge": ["how many cups of flour does it say", "is this recipe hard", "what's the oven temp here", "which of these is easier",
                  "what does fold in mean here", "can I sub something for this ingredient", "is this enough for four people",
                  "what's step four say"],
        "flip": ["next recipe"],
        "changed": ["I scrolled to the steps", "I changed it to six servings, look", "the video started, see", "next step is up"],
        "react": ["ok starting", "yum", "ok it's in the oven", "lol I burned it", "ok making it"],
        "follow": ["so can I use butter instead", "why does it need to rest", "what if I don't have a mixer",
                   "how do I know when it's done", "can I freeze it"],
        "world": ["what's the difference between baking soda and powder", "how long do eggs last", "is cast iron worth it",
                  "what's a good easy dinner"],
        "plan": ["let me find a {food} recipe", "hold on opening {app}", "gonna look for something with chicken", "one sec washing my hands"],
    },
    "music": {
        "app": ["Spotify", "Apple Music", "SoundCloud", "YouTube Music"],
        "item": ["playlist", "song", "album", "artist page"],
        "items": ["songs", "playlists", "albums"],
        "part": ["tracklist", "lyrics", "album cover", "playlist name", "credits"],
        "variant": ["other album", "second playlist", "remix", "live version"],
        "quality": ["good", "mid", "sad", "too long", "cringe"],
        "compare": ["better", "more upbeat"],
        "judge": ["rate my playlist", "what are these lyrics saying", "who's this artist", "is this album cover ai",
                  "what genre is this playlist", "which of these songs should go first", "is my playlist name cringe",
                  "what's the song in the third spot"],
        "flip": ["next song"],
        "changed": ["ok I reordered it, look", "added a few more, check now", "shuffle put this on, who is it",
                    "the lyrics just changed to this, what does it mean"],
        "react": ["ok adding it", "lol fair", "yeah I love that one", "ok skipped"],
        "follow": ["why is it mid", "so what should I add", "is that a real genre", "what else is like that", "should I see them live"],
        "world": ["who's the best selling artist ever", "what's the difference between jazz and blues",
                  "how do artists make money from streaming", "what's a good song for running"],
        "plan": ["hold on finding the playlist", "gonna make a new playlist"],
    },
    "calendar": {
        "app": ["Google Calendar", "the Outlook calendar", "my planner app", "the work calendar"],
        "item": ["week", "schedule", "event", "invite", "day"],
        "items": ["meetings", "events", "invites", "slots"],
        "part": ["thursday", "afternoon", "conflict", "all day thing", "invite details", "time zone"],
        "variant": ["month view", "friday column", "other calendar", "week after"],
        "quality": ["too packed", "doable", "realistic", "crazy"],
        "compare": ["emptier", "better"],
        "judge": ["when am I free on thursday", "is this week too packed", "do these two meetings overlap",
                  "what time is this invite in my time zone", "which of these slots works best", "what's this event even",
                  "am I double booked here", "who sent this invite"],
        "flip": ["ok next week", "and this day?"],
        "changed": ["I moved it, does it look better now", "a new invite just came in, look", "switched to next week, see",
                    "ok I added the dentist, now look"],
        "react": ["ok declined", "ugh", "lol my week", "ok accepted"],
        "follow": ["so should I decline it", "how do I say no to a meeting", "why is it in a different time zone",
                   "should I block focus time then", "is it rude to reschedule"],
        "world": ["how many meetings a day is too many", "what's timeboxing", "when does daylight saving end",
                  "how do people stay organized"],
        "plan": ["let me open my calendar", "hold on switching to {app}", "gonna check my week"],
    },
    "fitness": {
        "app": ["Strava", "my fitness app", "Apple Health", "MyFitnessPal", "Peloton"],
        "item": ["workout", "plan", "run", "graph", "form"],
        "items": ["workouts", "plans", "stats"],
        "part": ["heart rate graph", "pace", "calories", "splits", "sleep score", "rest days"],
        "variant": ["other plan", "beginner one", "run from tuesday", "week after"],
        "quality": ["good", "too much", "normal", "realistic"],
        "compare": ["harder", "easier"],
        "point": ["ok look at my splits", "here's my run from this morning"],
        "judge": ["is my heart rate normal here", "which of these plans is better for beginners", "is my form ok in this pic",
                  "what does this graph mean", "is this pace good", "are these macros right", "is this plan too much",
                  "why is my sleep score so low here"],
        "flip": ["and this workout"],
        "changed": ["it synced, look", "just finished, here's the run", "updated my goal, check now", "ok new personal best look"],
        "react": ["ok doing it", "lol dying", "nice", "yeah my legs hate me"],
        "follow": ["so should I rest today", "why is it too much", "how do I get faster", "is it bad to run every day",
                   "what should I eat before"],
        "world": ["how much protein do I need", "is walking as good as running", "how many rest days a week",
                  "what's a good beginner stretch"],
        "plan": ["hold on it's syncing", "gonna log my workout"],
    },
    "food_delivery": {
        "app": ["DoorDash", "Uber Eats", "Grubhub", "Deliveroo"],
        "item": ["order", "menu", "restaurant", "cart", "deal"],
        "items": ["restaurants", "dishes", "combos", "deals"],
        "part": ["delivery fee", "eta", "total", "reviews", "service fee"],
        "variant": ["thai place", "combo meal", "cheaper one", "other burger place", "family deal"],
        "quality": ["worth it", "good", "overpriced", "legit"],
        "compare": ["cheaper", "faster"],
        "judge": ["which of these is cheaper with fees", "is this restaurant good", "why is the fee so high here", "what's in this combo",
                  "is this deal actually a deal", "how long does it say", "is this portion enough for two", "what does this dish come with"],
        "flip": ["and this place"],
        "changed": ["the driver just moved, look", "the eta changed, see", "added fries, check the total now",
                    "ok it says order canceled look"],
        "react": ["ok ordered", "yum", "ugh forty bucks", "ok switching to pickup", "lol no"],
        "follow": ["so should I just pick it up", "why are fees so high", "is it rude not to tip", "what would you get",
                   "should I cook instead lol"],
        "world": ["how much should I tip for delivery", "is it cheaper to cook", "what's a healthy takeout option",
                  "why is delivery so expensive"],
        "plan": ["hold on finding the menu", "gonna order something"],
    },
    "real_estate": {
        "app": ["Zillow", "Redfin", "Rightmove", "Apartments.com", "Craigslist"],
        "item": ["listing", "apartment", "house", "floor plan", "condo"],
        "items": ["listings", "apartments", "houses", "floor plans"],
        "part": ["floor plan", "kitchen", "hoa fee", "square footage", "bathroom pic", "price history"],
        "variant": ["one by the park", "two bedroom", "cheaper one", "one with the yard", "townhouse"],
        "quality": ["overpriced", "too small", "livable", "sketchy", "dated"],
        "compare": ["cheaper", "bigger", "closer to work"],
        "judge": ["is this listing a scam", "is this a good price for the area", "does the kitchen look dated", "what's the hoa fee here",
                  "which of these is bigger", "is this floor plan weird", "is that mold in the bathroom pic", "how old is this house it says"],
        "flip": ["next listing"],
        "changed": ["the price just dropped, look", "I scrolled to the floor plan", "they added new pics, see", "ok it says pending now"],
        "react": ["ok saved it", "ugh so expensive", "ok emailing the agent", "wow"],
        "follow": ["so should I go see it", "why would it be a scam", "what questions should I ask the landlord", "is that hoa high",
                   "should I offer under asking"],
        "world": ["how much should I save for a down payment", "what's a good credit score for a mortgage",
                  "is renting throwing money away", "what's an hoa"],
        "plan": ["hold on searching {items}", "gonna look at places near work"],
    },
    "job_search": {
        "app": ["LinkedIn", "Indeed", "Glassdoor", "the company site"],
        "item": ["job post", "posting", "resume", "offer", "cover letter"],
        "items": ["jobs", "postings", "offers", "roles"],
        "part": ["salary range", "requirements", "benefits section", "bullet points", "summary"],
        "variant": ["remote one", "senior role", "other offer", "next posting"],
        "quality": ["legit", "sketchy", "too junior", "fair", "generic"],
        "compare": ["better paying", "more remote"],
        "judge": ["is this job posting legit", "which of these offers is better", "does my resume look ok", "am I qualified for this",
                  "what's the salary range say", "is this bullet point too long", "what does this requirement mean", "is my summary too generic"],
        "flip": ["and this job"],
        "changed": ["they replied look", "I changed the summary, better?", "new job just got posted, look", "ok updated the bullets, check now"],
        "react": ["ok applied", "lol unpaid", "ok saved", "ugh entry level wanting five years"],
        "follow": ["so should I apply anyway", "why is that a red flag", "how do I negotiate", "what would you write instead",
                   "is it bad to ask about salary"],
        "world": ["how long should a resume be", "how do I answer what's your weakness", "is it ok to job hop",
                  "what's a good salary for a junior dev"],
        "plan": ["hold on pulling up my resume", "gonna search for remote jobs"],
    },
    "online_course": {
        "app": ["Coursera", "Udemy", "Khan Academy", "Duolingo", "the class portal"],
        "item": ["quiz question", "lesson", "course", "assignment", "problem"],
        "items": ["courses", "questions", "answers", "modules"],
        "part": ["question four", "rubric", "syllabus", "answer choices", "due date"],
        "variant": ["second course", "other answer", "next module", "next question"],
        "quality": ["right", "worth it", "hard", "correct"],
        "compare": ["better", "easier"],
        "judge": ["which answer is right here", "is this course worth it", "what's this question asking", "did I get this right",
                  "which of these courses is better for beginners", "what does the rubric say", "when is this due it says", "is my answer correct"],
        "flip": ["next question"],
        "changed": ["next question loaded", "submitted and it says this look", "new module unlocked, see", "ok it graded it, look"],
        "react": ["ok got it right", "lol I guessed", "ok enrolled", "ugh wrong"],
        "follow": ["why is B wrong", "so how do I study for it", "is it worth the certificate", "what's a good way to remember that",
                   "should I just drop it"],
        "world": ["how do I stay motivated studying", "is a bootcamp worth it", "how long to learn spanish", "what's spaced repetition"],
        "plan": ["let me log into {app}", "hold on starting the quiz", "gonna do a lesson"],
    },
    "slides": {
        "app": ["PowerPoint", "Google Slides", "Keynote", "Canva"],
        "item": ["slide", "deck", "title slide", "chart", "layout"],
        "items": ["slides", "fonts", "layouts", "templates"],
        "part": ["title", "bullet points", "font", "background", "chart", "color scheme"],
        "variant": ["other template", "darker version", "slide after this", "next slide"],
        "quality": ["too busy", "readable", "clean", "boring", "professional"],
        "compare": ["cleaner", "more readable"],
        "judge": ["is this slide too busy", "does this font look ok", "which template is better", "is the chart readable",
                  "does this color scheme work", "too many bullets?", "is my title slide boring", "does this layout look professional"],
        "flip": ["next slide"],
        "changed": ["I changed the font, better?", "moved the chart, how's it now", "switched the background, look",
                    "ok I cut some bullets, now?"],
        "react": ["haha yeah", "ok yeah I'll simplify it", "ok I'll fix that", "true"],
        "follow": ["so should I cut the bullets", "why is it too busy", "what font would you use", "how many slides should it be",
                   "is it ok to use animations"],
        "world": ["how long should a presentation be", "how do I stop being nervous presenting", "what's the ten twenty thirty rule",
                  "is it ok to read off slides"],
        "plan": ["let me open my deck", "hold on opening {app}", "gonna work on the slides"],
    },
    "stocks": {
        "app": ["Robinhood", "my brokerage app", "Yahoo Finance", "TradingView", "Webull"],
        "item": ["chart", "stock", "portfolio", "position", "ticker"],
        "items": ["stocks", "charts", "positions", "etfs"],
        "part": ["candlestick thing", "volume bars", "p e ratio", "dividend yield", "red line"],
        "variant": ["one year view", "other etf", "tesla chart", "next ticker"],
        "quality": ["overvalued", "risky", "normal", "too volatile"],
        "compare": ["safer", "cheaper"],
        "judge": ["what does this chart mean", "is my portfolio diversified enough", "is this p e ratio high",
                  "which of these etfs has lower fees", "why is it down this much today", "what's this red line",
                  "is this stock overvalued", "what's the dividend yield on this"],
        "flip": ["next ticker"],
        "changed": ["it just dropped like five percent, look", "switched to the one year view, now", "it refreshed, see",
                    "new alert just came in, look"],
        "react": ["ok not selling", "ugh red day", "lol my portfolio", "ok bought a few", "oof"],
        "follow": ["so should I sell", "why is that risky", "is it better to hold then", "what's dollar cost averaging",
                   "should I buy the dip"],
        "world": ["what's an index fund", "is it smart to invest in crypto", "how does compound interest work", "what's a recession"],
        "plan": ["hold on checking my portfolio", "gonna look at {items}"],
    },
    "fashion": {
        "app": ["Zara", "Shein", "ASOS", "Depop", "Vinted", "Pinterest"],
        "item": ["outfit", "dress", "jacket", "fit", "top"],
        "items": ["outfits", "dresses", "jackets", "shoes", "tops"],
        "part": ["color", "fit", "material", "shoes", "sizing chart", "model pic"],
        "variant": ["black one", "green dress", "one with the belt", "other sneakers", "second outfit"],
        "quality": ["too basic", "cute", "too much", "ugly", "formal enough"],
        "compare": ["cuter", "more flattering"],
        "point": ["ok rate my fit", "look at this dress"],
        "judge": ["is this too basic", "do these go together", "which of these dresses is cuter", "does this color suit me",
                  "is this formal enough for a wedding", "what size does the chart say", "is this jacket ugly or cool"],
        "flip": ["and this dress"],
        "changed": ["ok I tried it on, look", "changed the shoes, better?", "new drop just came out, look", "I'm on the next page"],
        "react": ["ok ordering it", "lol it's giving grandma", "ok returning it"],
        "follow": ["so what shoes would go with it", "why is it too basic", "should I size up then", "can I wear it to work",
                   "is black better for evening"],
        "world": ["what colors go with olive", "is fast fashion bad", "what's business casual", "how should jeans fit"],
        "plan": ["hold on going to try it on", "gonna look for a dress"],
    },
    "home_design": {
        "app": ["Pinterest", "the IKEA planner", "Houzz", "the paint app", "my floor planner"],
        "item": ["room", "render", "layout", "couch", "rug", "paint swatch"],
        "items": ["rugs", "couches", "layouts", "swatches", "lamps"],
        "part": ["wall color", "rug", "lighting", "couch placement", "shelf", "curtains"],
        "variant": ["grey couch", "other rug", "darker green", "second layout", "round table"],
        "quality": ["too busy", "cozy", "cohesive", "too dark", "cramped"],
        "compare": ["cozier", "brighter"],
        "point": ["ok here's my living room", "look at this couch"],
        "judge": ["does this rug go with the couch", "is this room too busy", "which of these paint colors", "does this layout make sense",
                  "is the couch too big for this wall", "do these colors clash", "rate my living room", "is this lamp ugly"],
        "flip": ["and this rug"],
        "changed": ["ok I moved the couch, look", "swapped the rug in the render, better?", "changed the wall color, now",
                    "it loaded the 3d view, see"],
        "react": ["ok buying the rug", "lol it's giving hospital", "yesss", "ok I'll move it later"],
        "follow": ["so should I paint it white", "why does it feel cramped", "what would you change",
                   "is a round table better for small rooms", "how high should I hang the art then"],
        "world": ["what's the sixty thirty ten rule", "how do I make a small room look bigger", "is wallpaper coming back",
                  "what's a good plant for low light"],
        "plan": ["hold on taking a pic of the room", "gonna mess with the layout"],
    },
    "car_shopping": {
        "app": ["Carvana", "Autotrader", "CarGurus", "the dealer site", "Facebook marketplace"],
        "item": ["car", "listing", "truck", "quote", "deal"],
        "items": ["cars", "listings", "trims", "quotes"],
        "part": ["mileage", "price", "carfax", "fees", "interior pics", "monthly payment"],
        "variant": ["blue one", "hybrid", "other trim", "cheaper one", "one with less miles"],
        "quality": ["overpriced", "sketchy", "fair", "legit"],
        "compare": ["cheaper", "more reliable"],
        "judge": ["is this a good price for the mileage", "is this listing a scam", "what are these fees", "which of these trims is better",
                  "does the carfax look ok", "is this monthly payment bad", "what's this dealer fee", "is that rust in this pic"],
        "flip": ["and this car", "ok what about this honda"],
        "changed": ["the dealer just sent a new quote, look", "ok I scrolled to the carfax", "they dropped the price, see", "new pics posted, look"],
        "react": ["ok messaged the seller", "lol no way", "ok saved it", "wow cheap"],
        "follow": ["so should I negotiate", "why is that a red flag", "what's a fair offer then", "is hybrid worth it",
                   "should I get a mechanic to look at it"],
        "world": ["is it better to lease or buy", "how many miles is too many", "what's a good first car", "are evs worth it"],
        "plan": ["hold on searching {items}", "gonna look at used ones"],
    },
    "smart_home": {
        "app": ["the Home app", "the Alexa app", "Google Home", "the Ring app", "the Nest app", "SmartThings"],
        "item": ["device", "automation", "camera feed", "thermostat", "routine"],
        "items": ["devices", "automations", "routines", "cameras"],
        "part": ["schedule", "status light", "camera feed", "temperature graph", "error badge"],
        "variant": ["living room light", "front door cam", "other routine", "next device"],
        "quality": ["online", "set right", "broken", "working"],
        "compare": ["better"],
        "judge": ["why does this light say unreachable", "is this automation set right", "who's that on the doorbell cam",
                  "what does this error mean", "which of these routines is running", "is the thermostat schedule right",
                  "what's this device", "is this camera offline"],
        "flip": ["next device", "and this camera"],
        "changed": ["ok it's back online, look", "new motion alert, look", "I changed the schedule, check now", "it's showing a new error"],
        "react": ["ok fixed", "lol it's the cat", "ok rebooted it", "ugh again"],
        "follow": ["so do I reset it", "why would it go offline", "will it work without wifi", "should I get a hub then",
                   "how do I stop it turning on at night"],
        "world": ["is matter worth it", "are smart plugs safe", "what's the best smart speaker", "do smart thermostats save money"],
        "plan": ["hold on it's loading the cameras", "gonna set up a routine"],
    },
}

# Hand-written dialogues: (domain, steps), each step "<label> <text>".
HANDWRITTEN: list[tuple[str, list[str]]] = [
    ("dating_app", [
        "0 heyy ok I need a second opinion",
        "0 my roommate made me redownload hinge lol",
        "1 ok first guy. thoughts?",
        "0 lmao why is it always a fish",
        "0 is the fish thing like a red flag or just a guy thing",
        "1 ok next",
        "1 wait this one's actually cute",
        "0 omg right",
        "0 should I like his photo or comment on the prompt",
        "1 ok what about him, he says he's six five",
        "0 haha no he's lying",
        "0 ok I'm gonna go to bed this app is exhausting",
    ]),
    ("dating_app", [
        "0 ok so I'm redoing my bumble profile",
        "0 my sister says my pics are boring",
        "1 can you rate my profile pics",
        "0 ouch ok",
        "0 so which one should go first then",
        "0 wait why not the beach one",
        "1 ok I swapped them, better?",
        "0 yeah that's way better",
        "1 ok scrolled down to my bio, does it sound desperate",
        "0 lol what would you write instead",
        "0 ok I'm stealing that",
    ]),
    ("dating_app", [
        "0 my phone screen cracked last night",
        "0 so now I'm on tinder on my ipad lol",
        "1 ok is this guy cute",
        "0 haha fair",
        "0 what do I say to him",
        "0 too forward?",
        "0 ok sending the second one",
        "1 he replied already look",
        "0 omg",
        "0 ok what do I say now",
        "0 lol ok",
        "0 this is why I hate dating apps",
    ]),
    ("shopping", [
        "0 hey",
        "0 I'm trying to find a birthday gift for my dad",
        "0 he's into grilling and that's all I know",
        "0 let me go on amazon",
        "1 ok is this legit, the reviews seem weird",
        "0 why would someone fake reviews for a thermometer lol",
        "0 that's so shady",
        "1 what about this one, it's a bit more expensive",
        "0 ok yeah that seems better",
        "0 does two day shipping still get here by saturday usually",
        "0 ok ordered it",
        "0 thanks you're a lifesaver",
    ]),
    ("shopping", [
        "1 ok which of these is cheaper per ounce",
        "0 wait really the big one",
        "0 why is bulk not cheaper there",
        "1 ok next page",
        "1 and these?",
        "1 this one",
        "0 ok yeah that's the one",
        "0 my phone screen is so cracked I can barely read prices lol",
        "0 I really need to fix it",
        "0 anyway added to cart",
    ]),
    ("spreadsheet", [
        "0 hi I have a question about excel",
        "0 so my boss wants a summary of sales by region",
        "0 let me open the file",
        "1 ok so why is this column all hashtags",
        "0 oh lol it's just too narrow?",
        "0 ok widening it",
        "1 now the total at the bottom says zero though",
        "0 ohh they're stored as text",
        "0 how do I convert them all at once",
        "1 ok did that and now look",
        "0 yesss",
        "0 can you explain pivot tables like I'm five",
        "0 ok that actually makes sense",
        "0 ok gonna try it tomorrow thanks",
    ]),
    ("spreadsheet", [
        "1 which of these totals is off",
        "0 wait really",
        "0 how did that happen",
        "0 ok so how do I lock the cell reference",
        "1 ok changed it, check now",
        "0 yay",
        "0 this budget is so depressing though",
        "0 how much should rent be of my income",
        "0 ugh",
        "0 ok thanks",
    ]),
    ("photos", [
        "0 ok I need help picking a pic for instagram",
        "0 it's from my trip to lisbon",
        "1 this one or",
        "1 or this one",
        "0 haha yeah the first one",
        "0 is it bad to post like three weeks later",
        "0 ok true nobody cares",
        "1 wait what about this one, I like the light",
        "0 oh wait you're right my eyes are closed lol",
        "0 ok first one it is",
        "0 what caption though, something lowkey",
        "0 lol perfect",
    ]),
    ("photos", [
        "0 my grandma turns ninety this weekend",
        "0 we're making her a slideshow",
        "1 how does this old pic look scanned",
        "0 aw yeah it's a bit faded",
        "0 can you fix fading in google photos",
        "0 what about lightroom",
        "0 is lightroom expensive",
        "0 ok I'll try the free trial",
        "0 how many pics should a ten minute slideshow have",
        "0 what song would you put on it",
        "0 omg she'd love that",
        "0 ok thank you so much",
    ]),
    ("social_feed", [
        "0 yo",
        "1 is this real, there's no way",
        "0 lmaooo",
        "0 why do people fall for this stuff",
        "0 my mom shares these constantly",
        "1 ok now I scrolled to the comments, look",
        "0 I'm crying",
        "0 this is why I need to delete twitter honestly",
        "0 my screen time is like nine hours a day",
        "0 how do people just quit social media",
        "0 ok maybe next week",
    ]),
    ("social_feed", [
        "0 hey",
        "0 I'm procrastinating so hard",
        "0 I have a paper due tomorrow",
        "0 how do people focus",
        "0 I stare at screens all day and my brain is mush",
        "0 ok one more scroll",
        "1 wait look",
        "0 LMAO",
        "1 and this one",
        "0 ok I'm going to bed",
    ]),
    ("code_editor", [
        "0 hey can you help me with some python",
        "0 so I'm writing a script to rename files",
        "1 why is this line red",
        "0 oh I forgot to import os",
        "0 classic",
        "1 ok now it runs but the output is wrong, see",
        "0 ahh so I'm overwriting the same name each time",
        "0 what would you use instead of a counter",
        "0 ok that's smarter",
        "0 how do I get better at debugging in general",
        "0 cool thanks",
    ]),
    ("code_editor", [
        "0 good morning",
        "0 I have a code review in an hour and I'm stressed",
        "1 can you look over this function before I push it",
        "0 ok yeah the nested ifs are ugly",
        "0 why is early return better though",
        "0 is that like a style thing or does it actually matter",
        "0 hmm ok",
        "0 would you split it into two functions",
        "0 what would you name them",
        "0 ok I'll do that",
        "0 also my second monitor keeps going black randomly",
        "0 is that the cable probably",
        "0 ok I'll swap it after the review",
    ]),
    ("error_dialog", [
        "0 ugh my laptop is being weird",
        "0 I was trying to install the printer driver",
        "1 and now I'm getting this",
        "0 what does that even mean",
        "0 is that bad",
        "0 ok how do I do that",
        "0 ok restarting",
        "1 ok it's back and now there's a different one",
        "0 seriously",
        "0 fine I'll try the manufacturer's site",
        "0 thanks",
    ]),
    ("error_dialog", [
        "0 my screen keeps flickering when I open games",
        "0 is that my graphics card dying",
        "1 also this keeps popping up, what is it",
        "0 oh so it's the driver",
        "0 how do I update it",
        "0 ok downloading",
        "1 ok it's asking me this now",
        "0 ok clicked express",
        "0 fingers crossed",
        "0 how do I take a screenshot if it happens again",
        "0 cool thanks",
    ]),
    ("documents", [
        "0 hiii I'm finishing my personal statement",
        "0 it's due at midnight and I'm panicking",
        "1 does my intro flow",
        "0 ok yeah I was worried about that part",
        "0 what would you cut",
        "0 ok cutting it",
        "1 ok scrolling down, what about the second paragraph",
        "0 lol yeah I do say passionate a lot",
        "0 what's another word for passionate",
        "0 ooh I like that",
        "1 ok I changed it, read it again",
        "0 perfect thank you",
        "0 I'm gonna submit before I change my mind",
    ]),
    ("documents", [
        "0 my boss asked me to write the team newsletter",
        "0 I'm not a writer",
        "1 which of these two headlines is better",
        "0 ok yeah the second one",
        "0 is it too cheesy though",
        "1 ok proofread the first section for me",
        "0 lol I always mix those up",
        "0 what's the rule for its and it's again",
        "0 ok got it",
        "0 ok I think I'm done",
    ]),
    ("email", [
        "0 hey I need to email my landlord about the heater",
        "0 it's been broken for like two weeks",
        "0 let me open gmail",
        "1 ok I wrote this, is it too harsh",
        "0 ok yeah maybe the all caps is a bit much",
        "0 lol",
        "0 what would you write instead for the last line",
        "0 ok I like that",
        "0 should I cc the property manager",
        "0 ok sent it",
        "1 omg he already replied, look",
        "0 finally",
        "0 thanks",
    ]),
    ("email", [
        "1 is this email legit? it says my package is held",
        "0 I knew it",
        "0 how do they even get my email",
        "0 should I report it somewhere",
        "0 ok reported",
        "0 also unrelated but how do I take a screenshot on a chromebook",
        "0 thanks",
        "0 ok that's all",
    ]),
    ("chat_messages", [
        "0 ok so my friend and I had a fight",
        "0 like a small one but still",
        "1 what does she mean by this",
        "0 yeah that's what I thought",
        "0 should I apologize first",
        "0 it feels like she started it though",
        "0 ok fine I'll be the bigger person",
        "0 what should I say",
        "0 ok sent it",
        "1 she replied, look",
        "0 omg ok good",
        "0 lol we're fine now",
        "0 thanks for talking me down",
    ]),
    ("chat_messages", [
        "0 hey",
        "0 this week has been so long",
        "0 my boss scheduled a meeting at 7am",
        "0 who does that",
        "0 anyway I'm getting dinner with my brother this friday",
        "0 he's bringing his new girlfriend",
        "1 ok she just texted the group, look",
        "0 haha she seems nice",
        "0 lol he's so whipped",
    ]),
    ("chat_messages", [
        "0 ok the group chat is going crazy",
        "0 we're planning my best friend's bachelorette",
        "1 ok read this",
        "0 lol she's so dramatic",
        "1 and then this",
        "1 and this",
        "0 right??",
        "0 so should I say something",
        "0 what would you say",
        "0 ok perfect",
        "0 this wedding is gonna kill me",
    ]),
    ("maps", [
        "0 hey I'm driving to my cousin's wedding tomorrow",
        "0 it's like three hours away",
        "0 let me check the route",
        "1 which of these is faster",
        "0 tolls though ugh",
        "0 how much are tolls usually",
        "0 ok fine I'll pay them",
        "1 wait it says there's construction here, is that gonna be bad",
        "0 should I leave earlier then",
        "0 ok leaving at seven",
    ]),
    ("maps", [
        "1 where am I on this map",
        "0 ok so I'm near the cathedral",
        "0 how do I say where is the train station in portuguese",
        "0 lol my accent is so bad",
        "0 is it safe to walk around at night here",
        "0 what's a good pastry to try",
        "0 ok I'm getting a pastel de nata",
        "0 wait is it pastel or pasteis",
        "0 haha ok",
        "0 my phone is at 5 percent ugh",
        "0 ok gotta go",
    ]),
    ("banking", [
        "0 hi",
        "0 I think someone used my card",
        "0 hold on let me open the chase app",
        "1 do you see anything weird here",
        "0 yeah the 79 dollar one, I never bought that",
        "0 how do I dispute it",
        "0 ok I'll call them",
        "0 should I freeze the card in the meantime",
        "0 ok froze it",
        "1 wait another one just popped up, look",
        "0 oh that's my spotify lol",
        "0 ok false alarm on that one",
        "0 banks are so stressful",
    ]),
    ("banking", [
        "0 venmo question",
        "1 is this request legit? I don't know this person",
        "0 yeah I figured",
        "0 should I block them",
        "0 ok blocked",
        "0 how do scammers even get your username",
        "0 ugh people are the worst",
        "0 what's the safest way to send money to friends",
        "0 ok cool",
    ]),
    ("video", [
        "0 what should I watch tonight",
        "0 I'm in the mood for something scary but not too scary",
        "0 let me open netflix",
        "1 ok what about this",
        "0 hmm I've seen it actually",
        "1 this one?",
        "0 ooh is it good",
        "0 is it a series or a movie",
        "1 ok and this one",
        "0 ok yeah let's do that",
        "0 this popcorn is so burnt lol",
    ]),
    ("settings", [
        "0 how do I stop my phone from tracking my location so much",
        "0 let me go into settings",
        "1 ok I'm in privacy, which of these should I turn off",
        "0 ok turning those off",
        "0 will that break google maps",
        "0 what about find my phone",
        "0 ok leaving that one on",
        "1 ok this popped up when I turned it off, what is it",
        "0 ok got it",
        "0 screen time is also on, I should probably look at that someday lol",
    ]),
    ("settings", [
        "0 my phone battery dies by like 2pm",
        "0 what drains battery the most usually",
        "0 let me check battery settings",
        "1 ok what's using all of this",
        "0 tiktok lol of course",
        "0 should I just delete it",
        "0 I can't do that",
        "0 ok turning off background refresh",
        "1 ok and this low power mode thing here, should I keep it on",
        "0 ok cool",
    ]),
    ("travel_booking", [
        "0 ok I'm planning a trip to japan in april",
        "0 cherry blossom season",
        "0 is it super crowded then",
        "0 ok I'm on skyscanner",
        "1 which of these flights is the best deal",
        "0 ugh the layover in doha",
        "0 is twelve hours too long",
        "0 ok let me search through seoul instead",
        "1 ok these are through seoul",
        "0 nice way shorter",
        "0 ok booking it before it goes up",
        "0 do I need a visa for japan",
        "0 ok good",
    ]),
    ("travel_booking", [
        "0 my laptop screen is so dim I can't see anything",
        "0 how do I make it brighter on a mac",
        "0 ok better",
        "1 is this airbnb legit, the host has no reviews",
        "0 ugh",
        "0 how do you spot a fake listing",
        "1 ok what about this one, superhost",
        "0 nice",
        "0 is the cleaning fee always this high",
        "0 ok booking",
    ]),
    ("forms", [
        "0 I'm renewing my passport online",
        "0 it's so confusing",
        "1 what goes in this box, it says place of issue",
        "0 oh ok",
        "1 ok next page. do I check yes here",
        "0 why do they ask that",
        "0 ok makes sense",
        "0 what happens if I put the wrong date",
        "1 ok I hit submit and it says this",
        "0 ugh",
        "0 ok fixing the date",
        "1 ok now?",
        "0 yay",
    ]),
    ("games", [
        "0 ok I'm stuck in zelda",
        "0 I've been on this shrine for an hour",
        "1 how do I solve this",
        "0 ohhh the fan",
        "0 I feel so dumb",
        "0 ok did it",
        "1 now there's this door thing, what do I do",
        "0 lol of course it's another puzzle",
        "0 ok got it",
        "0 how long is this game anyway",
        "0 this game is eating my life",
    ]),
    ("games", [
        "0 I'm learning chess",
        "0 I keep losing to my little brother",
        "1 what's the best move here",
        "0 ohh the fork",
        "1 ok he moved, now what",
        "1 and now",
        "0 lol I'm winning",
        "1 ok what about here",
        "0 wait why not take the queen",
        "0 oh it's a trap",
        "0 ok checkmate in two",
        "0 he's gonna be so mad",
    ]),
    ("news", [
        "0 did you hear about the storm in florida",
        "0 my aunt lives there",
        "1 this article says it's category four, is that right",
        "0 yikes",
        "0 how do they even measure that",
        "0 should she evacuate",
        "0 ok I'll call her",
        "1 they just updated it, look",
        "0 oh thank god",
        "0 ok I feel better",
    ]),
    ("recipes", [
        "0 hey I'm making dinner for my in laws",
        "0 I'm so nervous",
        "0 they're super picky",
        "0 I found a lasagna recipe",
        "1 is this too complicated for a beginner",
        "0 ok that's reassuring",
        "0 can I use cottage cheese instead of ricotta",
        "0 lol my mother in law would know",
        "1 ok I scrolled down, what's step five say",
        "0 oh ok that's easy",
        "0 how long can it sit before they arrive",
        "0 ok in the oven",
        "0 wish me luck",
    ]),
    ("recipes", [
        "0 hey",
        "0 what can I make with chicken and rice",
        "0 ooh let me find a recipe",
        "1 ok this one or this one",
        "0 the second one sounds good",
        "0 how long does it take",
        "0 ok perfect",
        "1 wait what does it mean by velvet the chicken here",
        "0 oh that's cool",
        "0 ok cooking now",
    ]),
    ("music", [
        "0 I'm making a playlist for my road trip",
        "1 rate it so far",
        "0 lol mid?? rude",
        "0 ok fair it's a lot of sad songs",
        "0 what should I add that's upbeat",
        "0 ooh good call",
        "1 ok added those, how's it now",
        "0 yes",
        "0 what's the longest road trip you'd recommend",
        "0 haha ok",
    ]),
    ("music", [
        "0 hi",
        "0 this song has been stuck in my head all week",
        "0 it goes like da da da dum",
        "0 lol that's not helpful I know",
        "1 ok found it, what are these lyrics even about",
        "0 wow that's dark",
        "0 I always thought it was a love song",
        "0 who wrote it",
        "0 ok adding it to my playlist anyway",
    ]),
    ("calendar", [
        "0 hey",
        "0 I need to schedule a dentist appointment",
        "0 let me check my calendar",
        "1 when am I free next week",
        "0 ugh that's it?",
        "0 ok thursday at 4 then",
        "0 how early should I get to the dentist anyway",
        "0 ok I'm booked",
        "0 this week is gonna be brutal",
    ]),
    ("fitness", [
        "0 just finished my run",
        "0 I'm dying",
        "1 ok look at my splits",
        "0 haha yeah I went out too fast",
        "0 how do I pace myself better",
        "0 should I do intervals",
        "0 how many times a week",
        "0 ok I'll try that",
        "0 my watch screen got scratched on the run btw",
        "0 ugh",
        "0 ok gonna stretch",
    ]),
    ("fitness", [
        "0 hey I'm trying to lose some weight",
        "0 I started tracking food",
        "1 are these macros right",
        "0 oh I'm way under on protein",
        "0 what are easy ways to get more protein",
        "0 is protein powder bad for you",
        "0 ok I'll try greek yogurt",
        "1 ok and this is what I ate today",
        "0 haha ok yeah the chips",
        "0 ok tomorrow",
    ]),
    ("food_delivery", [
        "0 I'm too tired to cook",
        "0 let me open doordash",
        "1 which of these is cheapest with the fees",
        "0 wow ok the fees are insane",
        "0 should I just do pickup",
        "0 ok pickup it is",
        "0 lol I'm so lazy",
        "1 ok it says order ready, is this the right address",
        "0 perfect",
        "0 ok heading out",
    ]),
    ("real_estate", [
        "0 ok so me and my partner are apartment hunting",
        "0 our budget is like 2200",
        "1 what about this one",
        "0 yeah the kitchen is tiny",
        "1 next",
        "1 ooh this one has a balcony",
        "0 is in unit laundry worth an extra 150",
        "0 hmm true",
        "1 ok this is the last one, is it a scam? it's so cheap",
        "0 yeah I thought so",
        "0 why do people even post fake listings",
        "0 ok we'll go see the balcony one saturday",
    ]),
    ("job_search", [
        "0 hey I'm applying for jobs again",
        "0 it's so demoralizing",
        "0 let me pull up my resume",
        "1 does this look ok",
        "0 ok yeah the formatting is bad",
        "0 what template would you use",
        "0 ok I'll redo it",
        "1 also is this job posting legit",
        "0 wait why",
        "0 oh no salary and a gmail address lol",
        "0 ok skipping it",
        "1 ok what about this one",
        "0 ok applying",
        "0 thanks",
    ]),
    ("online_course", [
        "0 hey I'm doing my stats homework",
        "1 which answer is right here",
        "0 oh I had that backwards",
        "0 why is the median better for skewed data",
        "0 ok that makes sense",
        "1 next question",
        "1 and this one, I think it's c",
        "0 yay",
        "0 is stats useful in real life lol",
        "0 ok done for today",
    ]),
    ("online_course", [
        "0 should I do a data science certificate",
        "0 I'm kind of bored at my job",
        "0 let me look on coursera",
        "1 which of these is better for beginners",
        "0 what's the difference between them really",
        "0 ok the google one",
        "1 wait is this price per month",
        "0 ugh",
        "0 how long does it usually take to finish",
        "0 ok I'll start after the holidays",
    ]),
    ("slides", [
        "0 I have a presentation for my class on thursday",
        "0 it's about climate change",
        "1 is this title slide too boring",
        "0 lol ok yeah it's just text",
        "0 should I add a picture",
        "1 ok added one, better?",
        "0 nice",
        "1 next slide, too many bullets?",
        "0 how many should I have max",
        "0 ok cutting some",
        "0 also how do I present without reading off the slides",
        "0 ok thanks",
    ]),
    ("stocks", [
        "0 ok my portfolio is down again",
        "1 should I be worried about this",
        "0 ugh",
        "0 why is everything down",
        "0 should I sell the tech stuff",
        "0 what would you do",
        "0 ok holding",
        "0 can you explain what an etf is",
        "1 ok which of these two etfs has lower fees",
        "0 ok buying that one",
    ]),
    ("fashion", [
        "0 I have a wedding to go to next month",
        "0 and I have nothing to wear obviously",
        "1 is this too basic",
        "0 ok fair",
        "1 what about the green one",
        "0 omg yes",
        "0 what shoes would go with it",
        "0 I only have black heels",
        "0 ok cool",
        "0 ugh I need to stop buying clothes this year",
    ]),
    ("home_design", [
        "0 hi I just moved into a new apartment",
        "0 the living room is so awkward",
        "1 ok this is the layout, where should the couch go",
        "0 ohh against the window?",
        "0 won't that block the light",
        "0 ok trying it",
        "1 ok moved it, look",
        "0 oh wow yeah way better",
        "0 what size rug would you get for that",
        "0 ok ordering one",
        "0 this place is finally coming together",
    ]),
    ("car_shopping", [
        "0 hey I'm looking at used cars",
        "0 my budget is ten grand",
        "1 is this a good price for the mileage",
        "0 hmm ok",
        "0 what should I ask the seller",
        "1 wait he just sent these pics, is that rust",
        "0 yikes",
        "0 so walk away?",
        "0 ok yeah",
        "1 what about this honda",
        "0 ok messaging him",
    ]),
    ("smart_home", [
        "0 ugh my smart lights are acting up again",
        "0 they keep turning on at 3am",
        "0 let me open the home app",
        "1 is this automation set right",
        "0 oh the sunset thing",
        "0 why would that trigger at 3am though",
        "0 ok deleting it",
        "0 should I get a hub or is wifi fine",
        "0 ok I'll think about it",
        "0 this house is haunted lol",
    ]),
]
# fmt: on


if __name__ == "__main__":
    raise SystemExit(main())
