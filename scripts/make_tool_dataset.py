"""Write the screenshot-intent dataset used to train the default tool model.

Deterministic: the same seed writes the same file, byte for byte. Run from the
repository root::

    .venv/bin/python scripts/make_tool_dataset.py            # writes the file
    .venv/bin/python scripts/make_tool_dataset.py --check    # fails if stale

Label 1 means "the client should take a screenshot": the user refers to
something on their screen that the agent must see to answer. Label 0 is
everything else, with many hard negatives that talk about screens, monitors,
looks, pictures and screenshots without asking for one.

Every line has ``text``, ``label`` and ``group`` (the template family or the
hand-written line it came from); some have ``history`` (earlier user turns).
The held-out split is made by a hash of ``group``, so whole template families
are held out, not near-duplicates of training lines
(:func:`cadence.tools.dataset.split_of`).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path

OUT = Path("src/cadence/tools/data/screenshot_intent.jsonl")
SEED = 20240611
PER_TEMPLATE = 9
FILLERS = [
    "um",
    "uh",
    "okay so",
    "so",
    "hey",
    "alright",
    "hmm",
    "ok",
    "yeah so",
    "right so",
    "oh",
]
TAILS = [
    "please",
    "real quick",
    "for me",
    "if you can",
    "thanks",
    "when you get a sec",
    "now",
]
_SLOT = re.compile(r"\{(\w+)\}")
_REQUEST = re.compile(
    r"(can|could|would|will|take|check|look|read|tell|help|set|remind|explain|show|give|"
    r"translate|summarize|grab|screenshot|compare|solve|rate|draw|generate)\b",
    re.IGNORECASE,
)


def _fill(template: str, rng: random.Random) -> str:
    """Replace every ``{slot}`` with a random word from :data:`VOCAB`."""
    return _SLOT.sub(lambda m: rng.choice(VOCAB[m.group(1)]), template)


def _spoken(text: str, rng: random.Random) -> str:
    """Make ``text`` look like a speech transcript, the same way for both labels."""
    if rng.random() < 0.25:
        text = f"{rng.choice(FILLERS)} {text[0].lower()}{text[1:]}"
    if rng.random() < 0.25 and _REQUEST.match(text) and not text.endswith("?"):
        text = f"{text.rstrip('.!')} {rng.choice(TAILS)}"
    if rng.random() < 0.45:
        text = re.sub(r"[.,!?]", "", text).lower()
    text = re.sub(r"\s+", " ", text).strip()
    return text[0].upper() + text[1:] if rng.random() < 0.5 else text


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9' ]", "", text.lower()).strip()


def _template_rows(rng: random.Random) -> Iterator[dict[str, object]]:
    families = [(1, POSITIVE_TEMPLATES), (0, NEGATIVE_TEMPLATES)]
    for label, templates in families:
        for index, template in enumerate(templates):
            group = f"{'pos' if label else 'neg'}-t{index:03d}"
            for _ in range(PER_TEMPLATE):
                yield {
                    "text": _spoken(_fill(template, rng), rng),
                    "label": label,
                    "group": group,
                }


def _hand_rows(rng: random.Random) -> Iterator[dict[str, object]]:
    for label, lines in ((1, HAND_POSITIVE), (0, HAND_NEGATIVE)):
        for index, line in enumerate(lines):
            group = f"{'pos' if label else 'neg'}-h{index:03d}"
            yield {"text": line, "label": label, "group": group}
            if rng.random() < 0.3:
                yield {"text": _spoken(line, rng), "label": label, "group": group}


def _history_rows(rng: random.Random) -> Iterator[dict[str, object]]:
    for index, (history, utterances, label) in enumerate(HISTORY_CASES):
        group = f"hist-{index:03d}"
        for utterance in utterances:
            turns = [_spoken(_fill(turn, rng), rng) for turn in history]
            text = _spoken(_fill(utterance, rng), rng)
            yield {"text": text, "label": label, "group": group, "history": turns}


def build(seed: int = SEED) -> list[dict[str, object]]:
    """Return the dataset rows: deduplicated, label-consistent, in a fixed order.

    Raises:
        ValueError: one normalized text appears with both labels.
    """
    rng = random.Random(seed)
    seen: dict[tuple[str, str], int] = {}
    rows: list[dict[str, object]] = []
    for row in [*_template_rows(rng), *_hand_rows(rng), *_history_rows(rng)]:
        history = row.get("history", [])
        assert isinstance(history, list)
        key = (_norm(str(row["text"])), "|".join(_norm(str(h)) for h in history))
        label = int(str(row["label"]))
        if key in seen:
            if seen[key] != label:
                raise ValueError(f"conflicting labels for {row['text']!r}")
            continue
        seen[key] = label
        rows.append(row)
    return rows


def render(rows: list[dict[str, object]]) -> str:
    """Serialize rows as JSON lines, one object per line, keys in a fixed order."""
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` verify) the dataset file; return an exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--check", action="store_true", help="fail if the file is stale")
    args = parser.parse_args(argv)
    rows = build(args.seed)
    text = render(rows)
    positives = sum(1 for row in rows if row["label"] == 1)
    with_history = sum(1 for row in rows if "history" in row)
    summary = f"{len(rows)} rows: {positives} positive, {len(rows) - positives} negative, {with_history} with history"
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(
                f"{args.out} is stale; rerun scripts/make_tool_dataset.py",
                file=sys.stderr,
            )
            return 1
        print(f"{args.out} is up to date ({summary})")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}: {summary}")
    return 0


# ---------------------------------------------------------------------------
# Vocabulary, templates and hand-written lines (read by the functions above).
# ---------------------------------------------------------------------------

# fmt: off
# fmt: off
# fmt: off
# fmt: off
VOCAB: dict[str, list[str]] = {
    "thing": [
        "error", "error message", "popup", "pop-up", "warning", "dialog box", "notification",
        "email", "text message", "chart", "graph", "spreadsheet", "table", "slide", "form", "page",
        "web page", "website", "app", "settings page", "menu", "dropdown", "button", "link", "code",
        "function", "stack trace", "log output", "terminal output", "document", "PDF", "contract",
        "invoice", "receipt", "bill", "bank statement", "search result", "listing", "product page",
        "cart", "checkout page", "map", "calendar", "photo", "picture", "meme", "tweet", "post",
        "comment", "thumbnail", "logo", "mockup", "layout", "resume", "cover letter", "essay",
        "paragraph", "headline", "caption", "dashboard", "report", "diagram", "equation",
        "math problem", "homework question", "quiz question", "crossword clue", "chess position",
        "level", "recipe", "ingredient list", "message", "screen", "window", "tab",
        "install screen", "login page", "captcha", "QR code", "banner", "ad", "review",
        "flight list", "seating chart", "timetable", "pie chart",
    ],
    "puzzle": [
        "math problem", "equation", "homework question", "quiz question", "crossword clue",
        "riddle", "sudoku", "chess puzzle", "logic puzzle", "word problem", "trivia question",
    ],
    "text": [
        "email", "message", "sign", "menu", "label", "caption", "paragraph", "page", "comment",
        "post", "review", "document", "error message", "tweet", "letter",
    ],
    "design": [
        "design", "layout", "logo", "slide", "website", "landing page", "poster", "flyer",
        "profile", "resume", "thumbnail", "banner", "color scheme", "font", "outfit", "room render",
        "portfolio", "app icon", "menu design", "wedding invite", "business card", "UI",
    ],
    "can": [
        "can you", "could you", "would you", "can ya", "I need you to", "I want you to", "will you",
        "hey can you", "quick, can you", "mind if you", "just",
    ],
    "look": [
        "take a look at", "look at", "check", "check out", "have a look at", "peek at", "glance at",
        "eyeball", "look over", "go over", "scan", "give a quick look to",
    ],
    "this": [
        "this", "this here", "this thing", "what I have open", "what's on my screen",
        "what I'm looking at", "my screen", "the screen", "what I've got up", "this one",
    ],
    "adj": [
        "okay", "good", "right", "weird", "off", "professional", "too busy", "clean", "balanced",
        "readable", "legit", "fine", "cluttered", "cheap", "correct",
    ],
    "where": [
        "here", "on this page", "on this screen", "in this menu", "right here", "in this window",
        "on this one", "in this app", "at the top", "in the corner",
    ],
    "goal": [
        "to log out", "to change my password", "to turn this off", "to save it", "to export this",
        "to cancel my order", "to unsubscribe", "to share it", "to get to my account",
        "to undo that", "to download the file", "to pay", "to mute this", "to go back",
        "to update it", "to delete this",
    ],
    "spot": [
        "at the bottom", "up top", "on the left", "on the right", "in the middle", "in the corner",
        "in red", "in bold", "in the sidebar", "under the picture", "next to my name",
        "in small print", "in the header", "in that box",
    ],
    "items": [
        "options", "plans", "laptops", "flights", "apartments", "shoes", "jackets", "phones",
        "hotels", "colors", "fonts", "photos", "headphones", "tickets", "chairs", "listings",
        "pricing tiers", "routes", "cars", "recipes",
    ],
    "state": [
        "red", "broken", "blank", "greyed out", "crashing", "not loading", "flashing", "so slow",
        "stuck", "underlined", "highlighted", "cut off", "duplicated", "showing zero", "blurry",
        "frozen",
    ],
    "screen_dev": [
        "monitor", "laptop screen", "phone screen", "TV", "display", "tablet", "second monitor",
        "projector", "smartwatch screen", "work monitor", "car display", "kindle", "iPad screen",
        "old monitor", "computer screen",
    ],
    "problem": [
        "is broken", "is cracked", "keeps flickering", "went black", "has a dead pixel",
        "is too dim", "is way too bright", "has lines across it", "won't turn on", "looks blurry",
        "has a weird yellow tint", "keeps turning off", "got scratched", "has burn-in",
        "is bleeding light", "fell off the desk", "makes a buzzing noise",
    ],
    "purpose": [
        "gaming", "photo editing", "coding", "watching movies", "a small desk", "working from home",
        "my kid", "the bedroom", "graphic design", "spreadsheets",
    ],
    "size": [
        "24 inch", "27 inch", "32 inch", "ultrawide", "4K", "curved", "portable", "55 inch",
        "65 inch", "OLED", "high refresh rate", "cheap",
    ],
    "platform": [
        "Windows", "a Mac", "my iPhone", "Android", "a Chromebook", "Linux", "a Samsung",
        "my laptop", "an iPad", "Windows 11", "a Pixel", "Ubuntu",
    ],
    "event": [
        "the weekend", "the trip", "my birthday", "the concert", "summer", "the holidays",
        "seeing my family", "the game", "vacation", "the wedding", "Friday night",
    ],
    "subject": [
        "the sunset", "my dog", "the kids", "the mountains", "my garden", "the beach",
        "our new house", "my grandmother", "the lake", "a bird", "the city skyline", "my cat",
        "the cake I baked", "the fireworks", "the northern lights",
    ],
    "when": [
        "yesterday", "last weekend", "this morning", "on vacation", "last night", "a few years ago",
        "on my trip", "at the wedding", "over the summer",
    ],
    "animal": [
        "an axolotl", "a capybara", "a narwhal", "a pangolin", "a snow leopard", "a blobfish",
        "an okapi", "a platypus", "a quokka", "a manatee", "a tapir",
    ],
    "movie": [
        "Dune", "the new Batman", "Oppenheimer", "that Pixar movie", "Inception",
        "the Barbie movie", "Interstellar", "the latest Marvel one", "Spirited Away",
    ],
    "time": [
        "weekend", "Friday", "morning", "summer", "year", "week", "month", "evening", "Tuesday",
        "semester", "season", "afternoon",
    ],
    "choice": [
        "tea or coffee", "pizza or tacos", "the beach or the mountains", "Python or JavaScript",
        "a cat or a dog", "renting or buying", "Paris or Rome", "running or swimming",
        "an early night or a movie", "iPhone or Android", "Spotify or Apple Music",
        "a gym or home workouts",
    ],
    "task": [
        "reset my password", "change my wallpaper", "turn on dark mode", "clear my cache",
        "update my drivers", "set up two-factor auth", "back up my phone", "connect a printer",
        "make a pivot table", "mirror my phone to the TV", "change the default browser",
        "free up disk space", "record my screen", "split my screen", "rotate my screen",
        "share my screen on Zoom",
    ],
    "app": [
        "Excel", "Word", "Chrome", "Photoshop", "Zoom", "Teams", "Slack", "Gmail", "Outlook",
        "VS Code", "Google Sheets", "Figma", "Notion", "Windows", "macOS",
    ],
    "food": [
        "lasagna", "banana bread", "a curry", "pancakes", "fried rice", "chili", "sourdough",
        "a stir fry", "chocolate chip cookies", "risotto", "guacamole",
    ],
    "place": [
        "Tokyo", "Lisbon", "the Grand Canyon", "Iceland", "Mexico City", "Rome", "New Zealand",
        "Chicago", "Vancouver", "Berlin", "Kyoto", "Morocco",
    ],
    "feeling": [
        "tired", "stressed", "excited", "bored", "nervous", "happy", "overwhelmed", "sleepy",
        "grumpy", "pretty good", "anxious", "hungry",
    ],
    "topic": [
        "black holes", "photosynthesis", "the French revolution", "how vaccines work",
        "compound interest", "the stock market", "quantum computing", "inflation",
        "how airplanes fly", "the water cycle", "DNS", "machine learning", "tides",
    ],
    "person": [
        "my boss", "my sister", "my roommate", "my mom", "my friend", "my coworker", "my neighbor",
        "my partner", "my dad", "my landlord", "my teacher",
    ],
    "site": [
        "Amazon", "my bank's website", "the airline site", "Airbnb", "eBay", "the DMV site",
        "my school portal", "the tax website", "Zillow", "the hospital portal", "Etsy",
        "my work dashboard", "the insurance site", "a shopping site", "Expedia",
    ],
    "doc": [
        "my spreadsheet", "the quarterly report", "my slides", "my essay", "a contract", "my code",
        "the budget sheet", "my resume", "a form", "the bug tracker", "a PDF", "my photo editor",
        "my calendar", "a game", "the settings",
    ],
    "lookfor": [
        "my keys", "my glasses", "a new apartment", "a birthday gift for my mom", "a good dentist",
        "a roommate", "a part-time job", "my phone charger", "a cheap flight", "a new hobby",
        "a good book to read", "my wallet",
    ],
}

POSITIVE_TEMPLATES: list[str] = [
    "{can} {look} {this}",
    "{can} {look} this {thing}",
    "{can} {look} my {thing}",
    "{can} {look} the {thing} {spot}",
    "what does this {thing} say",
    "what's this {thing} about",
    "what's wrong with this {thing}",
    "why is this {thing} {state}",
    "how do I fix this {thing}",
    "is this {thing} {adj}",
    "does this {thing} look {adj} to you",
    "how does my {design} look",
    "what do you think of this {design}",
    "be honest, is my {design} {adj}",
    "rate this {design} out of ten",
    "which of these {items} should I get",
    "which of these {items} looks best",
    "compare these two {items} for me",
    "where do I click {goal}",
    "which button do I press {goal}",
    "what do I press {where}",
    "where's the setting {goal} {where}",
    "read the {thing} {spot}",
    "what does it say {spot}",
    "can you read what it says {spot}",
    "what's the thing {spot} mean",
    "explain this {thing} to me",
    "help me understand this {thing}",
    "did I fill out this {thing} right",
    "is this the right {thing}",
    "summarize the {thing} I have open",
    "what's going on with this {thing}",
    "why is it {state} {where}",
    "I'm on {site}, which one should I pick",
    "I have {doc} open, what's wrong with it",
    "I'm stuck on this {thing}, what do I do",
    "look at this {thing}, is it {adj}",
    "tell me what you see {where}",
    "what am I looking at {where}",
    "take a screenshot and tell me about the {thing}",
    "screenshot my screen and check the {thing}",
    "grab my screen, I need help with this {thing}",
    "is there a typo in this {thing}",
    "solve this {puzzle} for me",
    "what's the answer to this {puzzle}",
    "translate this {text} for me",
    "which one is cheaper {where}",
    "what does this icon {spot} do",
    "is what I have open {adj}",
    "what's happening {where}",
    "can you tell me what this says {spot}",
    "help me pick one of these {items}",
    "okay so this is the {thing}, what do I do",
    "here's the {thing}, what do you think",
    "what's this {thing} trying to tell me",
    "can you walk me through this {thing}",
    "tell me what's wrong {where}",
    "is the {thing} {spot} {adj}",
    "I don't get this {thing}, help",
    "so this {thing} just popped up",
    "do you see the {thing} {spot}",
    "I'm confused by this {thing}",
    "what would you change about this {design}",
    "would you buy this one, it's on {site}",
    "how much is this one {where}",
    "what does the {thing} {spot} say",
    "can you check if this {thing} is {adj}",
    "I'm looking at the {thing} right now, is it {adj}",
]

NEGATIVE_TEMPLATES: list[str] = [
    "my {screen_dev} {problem}",
    "ugh my {screen_dev} {problem} again",
    "I think my {screen_dev} {problem}",
    "what should I do if my {screen_dev} {problem}",
    "should I get a {size} monitor for {purpose}",
    "what's the best screen size for {purpose}",
    "is a {size} display worth it for {purpose}",
    "I just bought a new {screen_dev}",
    "how much does it cost to fix a {screen_dev}",
    "how do I take a screenshot on {platform}",
    "what's the shortcut for a screenshot on {platform}",
    "where do screenshots get saved on {platform}",
    "how do I {task} on {platform}",
    "how do I {task} in {app}",
    "is there a way to {task}",
    "look, I don't want to talk about {event}",
    "look, I'm just {feeling} today",
    "I look so {feeling} today",
    "I'm really looking forward to {event}",
    "I'm looking for a good {food} recipe",
    "can you look up the weather in {place}",
    "look up how long it takes to get to {place}",
    "what does {animal} look like",
    "what does {animal} eat",
    "did you see the news about {topic}",
    "have you seen {movie}",
    "I watched {movie} {when}",
    "let's see how {event} goes",
    "see you after {event}",
    "I took a picture of {subject} {when}",
    "I want to print some photos of {subject}",
    "I'm learning to paint {subject}",
    "can you draw me a picture of {animal}",
    "generate an image of {subject}",
    "picture this, me in {place} next summer",
    "I can't picture what {place} looks like in winter",
    "what about this {time}",
    "this {time} has been so long",
    "I'm so {feeling} this {time}",
    "which one is better, {choice}",
    "help me decide between {choice}",
    "explain {topic} like I'm five",
    "what's the deal with {topic}",
    "tell me something cool about {topic}",
    "how do I make {food}",
    "what goes well with {food}",
    "set a timer for {food}",
    "I need to call {person} later",
    "remind me to text {person} {when}",
    "{person} says I spend too much time on screens",
    "{person} broke the {screen_dev}",
    "{person} has a {size} TV, is that too big",
    "what's the weather going to be like in {place}",
    "I'm planning a trip to {place}",
    "what's a good screen time limit for kids",
    "what SPF sunscreen should I pack for {place}",
    "my {screen_dev} is too small for {purpose}",
    "how far should I sit from my {screen_dev}",
    "does staring at a {screen_dev} hurt your eyes",
    "I took a screenshot {when} and now I can't find it",
    "is it normal that my {screen_dev} {problem}",
    "my {screen_dev} {problem}, is it still under warranty",
    "how much does a {size} TV cost these days",
    "I'm looking for {lookfor}",
    "have you seen {lookfor} anywhere, just kidding",
    "{person} keeps showing me pictures of {subject}",
    "explain what a {thing} is in general",
    "what's the difference between a {thing} and a {thing}",
    "how do I make a {thing} in {app}",
    "I need to finish {doc} by tomorrow",
    "I'm kind of {feeling} about {doc}",
    "I'll work on {doc} after lunch",
    "tell me a fun fact about {animal}",
    "I was just watching {movie} on my {screen_dev}",
    "what's your favorite thing about {place}",
    "what should I cook with {food} leftovers",
    "I got a weird {thing} yesterday but it went away",
    "{person} sent me a {thing} this morning",
    "remind me to check the {thing} tomorrow",
    "how do I write a good {text}",
    "what makes a good {design}",
    "any tips for designing a {design}",
    "I'm making a {design} for {person}",
    "what should a {thing} usually include",
    "is it rude to ignore a {text} from {person}",
    "I finally finished {doc}",
    "I printed {doc} already",
    "I closed {doc}, let's just chat",
    "do people still read {text}s",
    "what's a good app for making a {design}",
    "how long does it take to learn {app}",
    "is {app} free",
    "I think {app} is overrated",
    "I don't need help with {doc} anymore",
    "I'm going to redo {doc} from scratch tomorrow",
    "what's the history of the {thing}",
    "who invented the {thing}",
    "I read an interesting {text} about {topic}",
    "I'm looking into {topic} for school",
    "looking back, {event} was really fun",
    "it looks like {person} is running late",
    "{person} looks just like their dad",
    "does it look like rain in {place} this weekend",
    "I can see why people love {place}",
    "I see, so {topic} is complicated",
    "let's see if {person} wants to come",
    "you should see {place} in the spring",
    "I'd love to see {place} someday",
    "I saw {person} at the store",
    "my {screen_dev} looks great after the update",
    "I want to take better pictures of {subject}",
    "check the weather in {place}",
    "read me a poem about {subject}",
    "show me a recipe for {food}",
    "what do you think about {topic}",
    "help me understand {topic}",
    "which is better for {purpose}, a {size} or a {size} monitor",
]

HAND_POSITIVE: list[str] = [
    "peep this", "peep this real quick", "what about this one", "and this one?", "check this out",
    "check it", "yo check this", "look at this", "look at this!", "look", "lookit",
    "lemme show you something", "see this?", "can you see this?", "do you see this",
    "you seeing this?", "what is this", "what's this", "what the heck is this", "what's that",
    "huh, what's that", "whoa what just happened", "what does this mean", "is this right?",
    "is that right", "does this look right", "is this good", "how's this", "how about this",
    "how about now", "what about now", "and now?", "better?", "how's this one",
    "this one or that one", "which one", "which one of these", "which should I click",
    "where do I click", "what do I click", "what do I do here", "what now", "now what do I do",
    "take a screenshot", "take a screenshot please", "screenshot this", "screenshot",
    "grab a screenshot", "grab my screen", "snap my screen", "capture my screen", "capture this",
    "can you screenshot that", "get a screenshot of this", "take a look at my screen",
    "look at my screen", "check my screen", "see my screen", "can you look at my screen for a sec",
    "look at what I'm looking at", "what's on my screen", "what am I looking at",
    "what's going on here", "read this", "read this for me", "read that", "what does it say",
    "what's it say", "can you read that", "read me what it says",
    "I can't read this, what does it say", "help me with this", "help me with this one",
    "I need help with this", "I'm stuck here", "I'm stuck on this part",
    "can you help me with what's on my screen", "thoughts on this?", "what do you think of this",
    "what do you think about this one", "rate this", "does this look good", "how does this look",
    "is this ugly", "be honest, how bad is this", "does this look weird to you", "too much?",
    "did I do this right", "did I mess this up", "is this correct", "am I doing this right",
    "what's wrong here", "what's wrong with this", "why isn't this working", "why does it say that",
    "why is this red", "why is this greyed out", "what is this error", "what does this error mean",
    "I got this error, what do I do", "this popup keeps coming up, what is it", "is this a scam",
    "is this email legit", "is this site safe", "should I click this link", "should I accept this",
    "should I buy this one", "is this a good deal", "is this price good",
    "which of these is better", "which of these should I pick", "which one looks nicer",
    "what's the answer to this one", "what's the answer here", "solve this", "how do I do this one",
    "can you explain this to me", "explain what I'm looking at", "what's this chart saying",
    "what does this graph show", "summarize this page", "summarize what's on my screen",
    "tldr this for me", "translate this", "what language is this", "who is this", "who's this guy",
    "what's this song called on here", "find the typo", "any typos here?", "proofread this",
    "check my spelling here", "fix this for me", "is my code right", "why won't this compile",
    "what's this bug", "what's this button do", "what does this thing do", "what's this icon",
    "where's the settings in here", "how do I get out of this", "how do I close this",
    "it's doing the thing again, look", "it's frozen, see?", "look, it did it again",
    "see how it's cut off", "see that line?", "see the red one?", "the one on the left",
    "the second one down", "this thing right here", "right here, this", "this, right here",
    "ok what's this now", "wait what's this", "uhh what", "okay look", "so look at this",
    "hey check out my screen", "can you peep my screen", "eyes on this", "have a look",
    "quick look?", "take a peek", "glance at this", "gimme your take on this", "bro look",
    "look look look", "ok see this part", "right here, see?", "does this make sense to you",
    "what am I doing wrong here", "why's it doing that", "it's asking me for something, what is it",
    "what should I type here", "what goes in this field", "is this spam", "is this legit or fake",
    "am I getting scammed here", "which link do I click", "is this the one",
    "that one, the blue one", "the top one or the bottom one", "can you tell what this is",
    "uh, is this normal", "is it supposed to look like this", "hmm this doesn't look right",
    "does that look off to you", "ok I'm on the page now", "it's showing me a bunch of options",
    "there's a red warning thing", "there's a popup in the way", "something just popped up",
    "what is this little thing", "check out this photo", "what do you make of this",
    "give this a look", "look what I found", "look what it says", "check what it says",
    "I clicked it and got this", "it gave me this message",
]

HAND_NEGATIVE: list[str] = [
    "my monitor is broken", "my screen is cracked", "my phone screen is shattered",
    "I need a new monitor", "I bought a second screen", "my laptop screen flickers",
    "the TV in the living room won't turn on", "my monitor has a dead pixel",
    "I spilled coffee on my keyboard", "my computer is really slow today",
    "I hate staring at a screen all day", "too much screen time gives me headaches",
    "I need to cut down my screen time", "my screen time this week was eight hours a day",
    "I'm going to the screening of the new movie", "we have a screen door that squeaks",
    "the doctor wants to do a screening test", "I put on sunscreen", "I forgot my sunscreen",
    "I'm writing a screenplay", "they're screening applicants this week", "that was a smoke screen",
    "we played split screen all night", "my screensaver is so old", "look, I get it",
    "look, it's fine", "look, I'm sorry", "look who's here", "look on the bright side",
    "I'll look into it", "look before you leap", "you look tired", "I look terrible in photos",
    "it looks like it's going to rain", "looks like we're out of milk", "looking good",
    "I'm looking for my keys", "I'm looking for a new job", "looking forward to it",
    "I'll look it up later", "I see what you mean", "I see", "oh I see", "see you later",
    "see you tomorrow", "see ya", "let's see", "we'll see", "I can't see without my glasses",
    "did you see the game last night", "I saw a deer on the way home",
    "I took a ton of pictures on vacation", "I love taking photos", "picture this",
    "I can't picture it", "you get the picture", "the big picture is what matters",
    "let's get a picture together", "my camera roll is full", "I need to back up my photos",
    "can you generate a picture of a cat", "draw me a dragon", "I want a new profile picture",
    "how do I take a screenshot", "how do I take a screenshot on my phone",
    "what's the keyboard shortcut for screenshots", "I took a screenshot of the receipt earlier",
    "screenshots fill up my phone", "how do I screen record", "how do I share my screen on zoom",
    "this is so frustrating", "this is great", "this is fine", "this is taking forever",
    "this weekend was fun", "what about this weekend", "what about tomorrow", "what about Tuesday",
    "this one time I went skydiving", "I love this song", "this song is a banger",
    "this coffee is amazing", "this weather is awful", "which one is better, coffee or tea",
    "which one should I pick, red or blue", "is this a good idea, quitting my job to travel",
    "what do you think about moving to Denver", "what do you think of my plan to wake up at five",
    "thoughts on pineapple on pizza", "how's it going", "how are you", "what's up", "hello",
    "hey there", "good morning", "thanks", "thank you so much", "thanks that worked",
    "that fixed it", "never mind", "okay cool", "got it", "sounds good", "perfect", "cool cool",
    "bye", "talk later", "yes", "no", "yeah", "nope", "maybe", "sure", "I don't know", "hmm",
    "okay", "what's the weather today", "set a timer for ten minutes", "wake me up at seven",
    "tell me a joke", "play some jazz", "turn the volume up", "what time is it",
    "how many ounces in a cup", "what's fifteen percent of eighty", "what's the capital of Peru",
    "who won the world series", "how far is the moon", "how tall is the Eiffel Tower",
    "translate good morning into Spanish", "how do you say thank you in Japanese",
    "what's a good name for a goldfish", "give me a dinner idea", "I'm bored", "I'm so tired",
    "I had a rough day", "my back hurts", "I can't sleep",
    "help me write a birthday message for my mom", "write a haiku about rain",
    "what should I get my dad for his birthday", "recommend a good book",
    "recommend a show to binge", "what's a good podcast", "what's the best laptop for students",
    "should I get a Mac or a PC", "what's the difference between RAM and storage",
    "how does wifi work", "what is an API", "explain recursion", "what's a VPN",
    "how do I reset my router", "my wifi keeps dropping", "my printer is out of ink",
    "my phone battery dies so fast", "my headphones won't connect",
    "how do I clean my laptop screen", "can I use windex on a TV screen",
    "is it bad to leave my monitor on overnight", "what's refresh rate", "is 144 hertz worth it",
    "what resolution is 1440p", "do I need a 4K monitor", "how do I connect two monitors",
    "my display settings are confusing", "what's a good screen protector",
    "how do I make text bigger on my phone", "my eyes are dry from looking at my computer",
    "should I get blue light glasses", "I'm taking an art class", "I painted a picture of a horse",
    "my kid drew a picture of me", "we went to a museum and saw Monet's water lilies",
    "I watched a documentary about owls", "the view from my window is nice",
    "the sky looks so pretty tonight", "I'm watching TV", "I'm watching a movie right now",
    "I'm on my computer", "I'm on my phone", "I'm at my desk", "I'm sitting in front of my laptop",
    "I'm working on a spreadsheet for work", "I've been coding all day",
    "I finished my slides for tomorrow", "I sent the email already",
    "I have a presentation tomorrow and I'm nervous", "my boss liked my report",
    "my website got a lot of visitors today", "I'm designing a logo for a friend",
    "I'm learning Excel", "I just started learning Python", "I need to update my resume",
    "can you explain what a pivot table is", "what's a good font for a resume",
    "what colors go well with navy", "how long should a cover letter be",
    "what should I put in my portfolio", "give me tips for a good presentation",
    "remind me to check my email later", "add milk to my shopping list", "call my sister",
    "text my mom I'm running late", "read me the news", "read me a bedtime story",
    "what does the fox say", "what does ubiquitous mean", "what does FOMO stand for",
    "show me how to tie a tie", "show some respect", "show me the money",
    "what's this weekend's forecast", "what's that song that goes na na na",
    "what's that movie with the blue aliens", "who is the president of France", "watch out",
    "hold on", "wait a sec", "one moment", "give me a minute",
    "sorry, I was talking to someone else", "never mind that", "what's going on with you",
    "how was your day", "you know what I mean", "tell me more", "go on", "what do you mean",
    "say that again", "can you repeat that", "sorry, what?", "interesting", "good point",
    "fair enough", "makes sense", "I'm not sure about that", "I'll be right back", "brb",
    "one sec, my dog is barking", "my mom just called", "what were we talking about",
    "forget what I said", "you're funny", "that's hilarious", "no way", "seriously?",
    "are you sure", "how do you know that", "you're right", "I disagree", "can we start over",
    "never mind, it's fine", "I'll figure it out myself", "can you talk a bit slower",
    "you sound different today", "how old are you", "what's your name", "do you dream",
    "are you a robot", "what can you do", "what's the plan for today", "let's do something fun",
    "I'm back", "where was I", "I need a coffee", "it's so hot today", "my neighbor is so loud",
    "the traffic was awful", "I'm going for a walk", "I just got home", "dinner's ready, gotta go",
    "what's a good stretch for my neck", "how many calories in an apple",
    "how do I get better at chess", "what's the best way to learn guitar",
    "my kid won't stop watching cartoons", "we need a bigger TV for the living room",
    "the cinema screen was huge", "I'm getting my eyes checked tomorrow",
    "I want to frame a picture of my grandparents", "the photos from the wedding came back",
    "I keep looking at houses online", "I spent all night looking at memes",
    "my screen brightness hurts my eyes at night", "screenshots are so useful",
    "I love the picture on the new OLED TVs", "I saw a cool chart in the news today", "what's new",
    "what's for dinner", "what's the time", "what's the date today", "what's good",
    "what's the score of the game", "what's the plan", "what's your favorite color",
    "what's happening this weekend", "what's on TV tonight", "what's the news today",
    "what's the point", "what's the matter with me today", "what's the word for happy in French",
    "what's a synonym for big", "what's the speed of light", "what's a good gift for a teacher",
    "what about lunch", "what about you", "what about tomorrow at noon", "what about pizza tonight",
    "what about the beach instead", "what about calling her later", "how about a movie night",
    "how about we take a break", "this is going to be a long week",
    "this reminds me of my childhood", "this conversation is fun", "this week flew by",
    "this app is pretty cool", "this is my third coffee", "here's the thing, I'm tired",
    "here we go again", "here's a fun fact, cats sleep a lot", "check the time for me",
    "check if it's going to snow", "check my schedule for Friday",
    "so what's the best pizza topping", "what do you think of jazz",
    "which one do you like more, summer or winter",
    "is that right that owls can turn their heads all the way",
    "is it true that goldfish forget everything", "did I tell you about my trip",
    "I'm done with that now", "okay that's sorted", "all good now",
]

HISTORY_CASES: list[tuple[list[str], list[str], int]] = [
    (["I'm on {site}"],
     ["which one should I get", "what about this one", "is this one better"], 1),
    (["I'm on {site}", "trying to find the cheapest one"],
     ["how about this", "and this?", "okay this one?"], 1),
    (["I have {doc} open"],
     ["okay what about now", "is it right now", "how about here"], 1),
    (["I'm filling out {doc}"],
     ["what goes in this box", "is this part right", "and the next one?"], 1),
    (["I'm trying to fix {doc}", "it keeps giving me an error"],
     ["see?", "there it is again", "look, that one"], 1),
    (["I'm playing {doc}"],
     ["what should I do here", "which way do I go", "is this the right move"], 1),
    (["I'm editing a photo"],
     ["does this look better", "too much?", "how about now"], 1),
    (["I'm picking a {design} for my friend"],
     ["this one or the last one", "what about this", "better?"], 1),
    (["the app crashed again"],
     ["it says something, can you read it", "what does this mean", "look"], 1),
    (["my {screen_dev} {problem}"],
     ["should I get it fixed", "how much would that cost", "ugh"], 0),
    (["I'm on {site}"],
     ["thanks, I bought it", "never mind, I found it", "okay I'm done"], 0),
    (["I have {doc} open"],
     ["actually let's talk about something else", "I'll do it later", "thanks, that helped"], 0),
    (["we were talking about {event}"],
     ["what about next year", "what do you think", "and after that?"], 0),
    (["I'm cooking {food}"],
     ["how long should it bake", "what about the sauce", "is it done if it's brown"], 0),
    (["I'm thinking about {choice}"],
     ["which one would you pick", "what about the other one", "hmm, tough call"], 0),
    (["I want to visit {place}"],
     ["what about in winter", "is it expensive", "what should I see there"], 0),
    (["tell me about {topic}"],
     ["what about the history of it", "why does that happen", "explain it simpler"], 0),
    (["I just took a picture of {subject}"],
     ["I'll post it later", "it came out great", "I love it"], 0),
    (["how do I take a screenshot on {platform}"],
     ["and where does it save", "what about a scrolling one", "cool thanks"], 0),
    (["I'm naming my new puppy", "I like Max"],
     ["what about Biscuit", "or maybe Luna", "which name is cuter"], 0),
    (["I'm on {site}", "I found the one I want"],
     ["how much is shipping usually", "thanks, you've been great", "I'll order it tomorrow"], 0),
    (["I had {doc} open earlier"],
     ["anyway how's your day going", "let's talk about dinner", "remind me to finish it later"], 0),
    (["look at this {thing}"],
     ["ok thanks, got it", "perfect, that's what I needed", "great, moving on"], 0),
    (["can you see my screen"],
     ["never mind, I fixed it", "actually forget it", "ok I closed it"], 0),
    (["I'm watching {movie}"],
     ["who directed it", "is it based on a book", "how long is it"], 0),
    (["my {screen_dev} {problem}"],
     ["is that expensive to repair", "I'll call the store tomorrow", "should I just buy a new one"], 0),
    (["tell me about {topic}"],
     ["wait, look at this diagram I found", "can you see the picture I have up", "here, check this out"], 1),
    (["I'm shopping for {items}"],
     ["which of these is best", "this one?", "look at the reviews here"], 1),
    (["thanks, that worked"],
     ["ok now there's a new error", "hmm, what's this now", "now it says something else"], 1),
    (["I'm looking at {doc}"],
     ["does this part make sense", "what's this number mean", "is this right?"], 1),
]
# fmt: on


if __name__ == "__main__":
    raise SystemExit(main())
