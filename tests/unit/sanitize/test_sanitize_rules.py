"""Table-driven tests: one table per rule, plus text that must pass untouched."""

from __future__ import annotations

import pytest

from cadence.sanitize import Abbreviation, Sanitizer, SanitizerConfig, sanitize_text

SCREEN = SanitizerConfig(control_prefixes=("MUST CHECK SCREEN:", "ON THE SCREEN NOW: "))

RULES: dict[str, list[tuple[str, str]]] = {
    "emoji": [
        ("Great job! 😀🎉", "Great job!"),
        ("Thumbs up 👍🏽 for you", "Thumbs up for you"),
        ("A family 👨\u200d👩\u200d👧 trip", "A family trip"),
        ("Flag 🇫🇷 here", "Flag here"),
        ("Keycap 1️⃣ first", "Keycap 1 first"),
        ("Nice ❤️.", "Nice."),
        ("Hi😀there", "Hi there"),
        ("✅ Done", "Done"),
    ],
    "emoticons": [
        ("Hi :) how are you :-(", "Hi how are you"),
        ("That's funny XD", "That's funny"),
        ("So fun :)))", "So fun"),
        ("Love you <3", "Love you"),
        ("Wink ;) ok", "Wink ok"),
        ("Yay ^_^!", "Yay!"),
        ("Ugh -_- fine", "Ugh fine"),
        ("Hmm :/ maybe", "Hmm maybe"),
    ],
    "markdown emphasis and code": [
        ("**Bold** and __also__ text", "Bold and also text"),
        ("I *really* mean _it_", "I really mean it"),
        ("~~old~~ new", "old new".capitalize()),
        ("Use `pip install` now", "Use pip install now"),
        ("```python\nprint(1)\n```\nDone", "Print(1). Done"),
        ("Escaped \\* star", "Escaped * star"),
    ],
    "markdown structure": [
        ("# Welcome\nHello", "Welcome. Hello"),
        ("## Steps:\nGo", "Steps: Go"),
        ("Options:\n- tea\n- coffee", "Options: tea. coffee"),
        ("* one\n* two", "One. two"),
        ("1. First\n2. Second", "1. First. 2. Second"),
        ("> quoted\n> text", "Quoted text"),
        ("Above\n\n---\n\nBelow", "Above. Below"),
        ("Para one\n\nPara two", "Para one. Para two"),
        ("| a | b |", "A b"),
    ],
    "markdown links": [
        ("See [the docs](https://x.com/docs) now", "See the docs now"),
        ("![a cat](cat.png) here", "A cat here"),
        ("[**bold** link](u) ok", "Bold link ok"),
        ("Go to <https://example.com>.", "Go to example dot com."),
        ("Mail <ann@example.com>", "Mail ann at example dot com"),
        ("A [note] here", "A [note] here"),
    ],
    "html": [
        ("<b>Hi</b> there", "Hi there"),
        ("Line<br>next<br/>more", "Line next more"),
        ('<a href="https://x.com">link</a>!', "Link!"),
        ("A<!-- hidden -->B", "A B"),
        ("Tom &amp; Jerry", "Tom & Jerry"),
        ("&quot;Hi&quot; &lt;3 caf&eacute;", '"Hi" <3 café'),
        ("it&#39;s&nbsp;ok", "It's ok"),
        ("Wait &mdash; what", "Wait, what"),
        ('Cut off <a href="x', "Cut off"),
        ("Cut off <br", "Cut off"),
        ("So x <y or z", "So x <y or z"),
    ],
    "stage directions": [
        ("*laughs* Sure thing!", "Sure thing!"),
        ("Okay *clears throat* so.", "Okay so."),
        ("That's fine. *smiles warmly*", "That's fine."),
        ("*Sighs* Fine.", "Fine."),
        ("I *love* it", "I love it"),
    ],
    "ellipses": [
        ("Wait... what", "Wait... what"),
        ("Well.... maybe", "Well... maybe"),
        ("Hmm… okay", "Hmm... okay"),
        ("So . . . yes", "So... yes"),
        ("Um.. no", "Um... no"),
    ],
    "dashes": [
        ("Hello—world", "Hello, world"),
        ("Hello — world", "Hello, world"),
        ("Hello – world", "Hello, world"),
        ("Hello -- world", "Hello, world"),
        ("Hello - world", "Hello, world"),
    ],
    "quotes": [
        ("“Quoted” and ‘single’", "\"Quoted\" and 'single'"),
        ("don’t", "Don't"),
    ],
    "repeated punctuation": [
        ("Really?!?! Yes!!!", "Really? Yes!"),
        ("No,, way;;", "No, way;"),
        ("Wow!.", "Wow!"),
        ("Really...?", "Really...?"),
    ],
    "spacing": [
        ("Hello , world . Fine !", "Hello, world. Fine!"),
        ("Line one\nline two", "Line one line two"),
        ("a  \t b", "A b"),
        ("( see this )", "(See this)"),
        ("   leading and trailing   ", "Leading and trailing"),
    ],
    "emails": [
        ("Write to john.doe@example.com.", "Write to john dot doe at example dot com."),
        ("a_b+x@mail.co.uk", "A underscore b plus x at mail dot co dot uk"),
        ("jean-luc@my-site.org, thanks", "Jean-luc at my-site dot org, thanks"),
        ("mailto:ann@x.io", "Ann at x dot io"),
    ],
    "urls": [
        (
            "Visit https://www.example.com/how-to-cook?x=1 now.",
            "Visit example dot com slash how to cook now.",
        ),
        ("Go to www.example.com/pricing.", "Go to example dot com slash pricing."),
        ("See example.com today", "See example dot com today"),
        ("(https://x.org)", "(X dot org)"),
        ("http://localhost:8000/docs/", "Localhost slash docs"),
    ],
    "percent and degrees": [
        ("It's 50% off", "It's 50 percent off"),
        ("3.5 % more", "3.5 percent more"),
        ("It is 25°C today", "It is 25 degrees Celsius today"),
        ("Bake at 350 °F.", "Bake at 350 degrees Fahrenheit."),
        ("A 90° angle", "A 90 degrees angle"),
        ("Up 1°.", "Up 1 degree."),
        ("Cold: -5°C", "Cold: minus 5 degrees Celsius"),
        ("About 20℃", "About 20 degrees Celsius"),
    ],
    "phone numbers": [
        ("Call 555-123-4567.", "Call 5 5 5, 1 2 3, 4 5 6 7."),
        ("Call (555) 123-4567", "Call 5 5 5, 1 2 3, 4 5 6 7"),
        ("Call 1-800-555-0199", "Call 1, 8 0 0, 5 5 5, 0 1 9 9"),
        ("Dial +44 20 7946 0958.", "Dial plus 4 4, 2 0, 7 9 4 6, 0 9 5 8."),
        ("Dial 555.123.4567", "Dial 5 5 5, 1 2 3, 4 5 6 7"),
    ],
    "math": [
        ("2 + 2 = 4", "2 plus 2 equals 4"),
        ("10 - 3 is 7", "10 minus 3 is 7"),
        ("It's -5 outside", "It's minus 5 outside"),
        ("5 × 3 and 6 ÷ 2", "5 times 3 and 6 divided by 2"),
        ("5 * 3", "5 times 3"),
        ("x = 5", "X equals 5"),
        ("From 1–5", "From 1 to 5"),
        ("Open 9am–5pm, Mon–Fri", "Open 9am to 5pm, Mon to Fri"),
        ("−3 and 2−1", "Minus 3 and 2 minus 1"),
        ("About ~10 or #1", "About about 10 or number 1"),
    ],
    "abbreviations": [
        ("e.g. apples", "For example apples"),
        ("fruit, i.e. apples", "Fruit, that is apples"),
        ("Apples, etc. Then pears", "Apples, et cetera. Then pears"),
        ("apples, etc., and pears", "Apples, et cetera, and pears"),
        ("See you at 5 p.m. then", "See you at 5 PM then"),
        ("See you at 9 a.m.", "See you at 9 AM."),
        ("Mr. Smith vs. Mrs. Jones", "Mister Smith versus Missus Jones"),
        ("Cats vs dogs", "Cats versus dogs"),
        ("Seats approx. 5 people", "Seats approximately 5 people"),
        ("E.g. this", "For example this"),
        ("a p.m. b", "A p.m. b"),
        ("I.e. no", "I.e. no"),
    ],
    "prefixes and role labels": [
        ("Assistant: hello there", "Hello there"),
        ("assistant: hi", "Hi"),
        ("AI: Sure.", "Sure."),
        ("MUST CHECK SCREEN: I see a form", "I see a form"),
        ("ON THE SCREEN NOW: a form", "A form"),
        ("  Assistant: ON THE SCREEN NOW: ok", "Ok"),
        ("**Assistant:** Hi", "Hi"),
        ("Hello Assistant: hi", "Hello Assistant: hi"),
    ],
    "capital first letter": [
        ("hello", "Hello"),
        ('"hello," she said', '"Hello," she said'),
        ("iPhone rocks", "iPhone rocks"),
        ("3 apples", "3 apples"),
        ("élan", "Élan"),
        ("a", "A"),
    ],
}

PASS_THROUGH = [
    "Hello there, how are you today?",
    "The meeting is at 10:30 and costs $1,234.56.",
    "Version 1.2.3 and pi is 3.14.",
    "Pages 10-20 and the date 2024-05-01.",
    "Jean-Luc Picard, O'Brien and a co-op.",
    "Naïve café, résumé, Zürich, Ångström.",
    "東京は晴れです。",
    "Привет, мир!",
    "مرحبا بالعالم",
    "नमस्ते दुनिया",
    "Ελλάδα και Κύπρος.",
    "Node.js, U.S.A. and snake_case.",
    "R&D, AT&T and Q&A.",
    "Call me at 555-1234.",
    "I scored 3 out of 5.",
    "It's 5:00 on 3/4.",
    "Use C++ or C#.",
    "He said: yes.",
    "Aha!",
]

CASES = [(rule, raw, want) for rule, rows in RULES.items() for raw, want in rows]


@pytest.mark.parametrize(
    ("rule", "raw", "want"), CASES, ids=[f"{c[0]}: {c[1]!r}" for c in CASES]
)
def test_rule(rule: str, raw: str, want: str) -> None:
    assert sanitize_text(raw, SCREEN) == want


@pytest.mark.parametrize("raw", PASS_THROUGH)
def test_pass_through(raw: str) -> None:
    assert sanitize_text(raw) == raw


OFF = [
    (SanitizerConfig(strip_emoji=False), "Hi 😀 there", "Hi 😀 there"),
    (SanitizerConfig(strip_emoticons=False), "Hi :) there", "Hi :) there"),
    (SanitizerConfig(strip_markdown=False), "**Hi** there", "**Hi** there"),
    (SanitizerConfig(strip_html=False), "Hi <b>you</b> &amp;", "Hi <b>you</b> &amp;"),
    (SanitizerConfig(strip_stage_directions=False), "*laughs* Hi", "Laughs Hi"),
    (SanitizerConfig(normalize_punctuation=False), "Hi!! — ok…", "Hi!! — ok…"),
    (SanitizerConfig(verbalize_emails=False), "a.b@x.com", "A.b@x.com"),
    (SanitizerConfig(verbalize_urls=False), "See https://x.com", "See https://x.com"),
    (SanitizerConfig(verbalize_phone_numbers=False), "555-123-4567", "555-123-4567"),
    (SanitizerConfig(verbalize_symbols=False), "50% at 5°C", "50% at 5°C"),
    (SanitizerConfig(expand_abbreviations=False), "e.g. this", "E.g. this"),
    (SanitizerConfig(capitalize_first=False), "hello", "hello"),
    (SanitizerConfig(role_labels=()), "Assistant: hi", "Assistant: hi"),
    (
        SanitizerConfig(abbreviations=(Abbreviation("Dr.", "Doctor"),)),
        "Dr. Who e.g.",
        "Doctor Who e.g.",
    ),
    (SanitizerConfig(stage_direction_words=("dances",)), "*dances* *laughs*", "Laughs"),
    (
        SanitizerConfig(spoken_tlds=("test",)),
        "see x.test or x.com",
        "See x dot test or x.com",
    ),
]


@pytest.mark.parametrize(("config", "raw", "want"), OFF, ids=[o[1] for o in OFF])
def test_rule_toggles(config: SanitizerConfig, raw: str, want: str) -> None:
    assert sanitize_text(raw, config) == want


def test_streamed_tokens_are_released_in_the_same_step() -> None:
    sanitizer = Sanitizer()
    assert sanitizer.feed("Hello") == "Hello"
    assert sanitizer.feed(" world") == " world"
    assert sanitizer.feed(" and") == " and"
    assert sanitizer.feed(" you") == " you"
    assert sanitizer.flush() == ""


@pytest.mark.parametrize(
    ("chunks", "pending"),
    [
        (["Mail me at john.do"], len(".do")),
        (["Look <b"], len(" <b")),
        (["Hi 2"], len(" 2")),
        (["Hi ", "there "], len(" ")),
        (["See ", "htt"], len(" htt")),
        (["Sure", "."], len(".")),
        (["It is 50%"], 0),
        (["It is 50% "], len(" ")),
        (["Hey", " 😀"], len(" 😀")),
    ],
)
def test_holds_back_only_the_undecided_tail(chunks: list[str], pending: int) -> None:
    sanitizer = Sanitizer()
    raw = "".join(chunks)
    out = "".join(sanitizer.feed(c) for c in chunks)
    assert sanitizer.pending_raw_chars == pending
    assert out == sanitize_text(raw[: len(raw) - pending])


def test_pending_raw_chars_is_zero_after_flush() -> None:
    sanitizer = Sanitizer()
    sanitizer.feed("Write to a@b")
    assert sanitizer.pending_raw_chars > 0
    sanitizer.flush()
    assert sanitizer.pending_raw_chars == 0
