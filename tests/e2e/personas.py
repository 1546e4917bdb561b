"""Personas, prompts and scripted conversations for the e2e clients.

Written for this project. A chat prompt keeps the ``{personality}`` and
``{gender}`` markers; the server fills them from the ``start`` frame
(PROTOCOL.md section 3), so one template serves every persona.
"""

from __future__ import annotations

import dataclasses

#: Voice style for each personality key (the key is what ``start`` sends).
PERSONALITIES: dict[str, str] = {
    "wholesome": "warm, encouraging and kind; you notice the good in things and say so",
    "savage": "blunt and quick-witted; you tease without cruelty and never sugar-coat",
    "flirty": "playful and charming; light compliments, never crude",
    "sarcastic": "dry and deadpan; you answer honestly, wrapped in gentle irony",
    "calm": "slow, grounded and reassuring; you help people breathe and think",
    "nerdy": "curious and precise; you love a good fact and share one when it fits",
}

DEFAULT_PERSONALITY = "wholesome"
DEFAULT_GENDER = "female"

_TEMPLATE = (
    "You are {name}, a {gender} voice companion with a {personality} personality: {style}. "
    "You are speaking out loud, so reply in one to three short spoken sentences, "
    "with no lists, no markdown, no emoji and no stage directions. "
    "Start with the point, keep a natural rhythm, and ask at most one question back. "
    "Remember what the user told you earlier in the conversation and use it."
)


@dataclasses.dataclass(frozen=True, slots=True)
class Persona:
    """A named persona: what ``start`` sends."""

    key: str
    name: str
    gender: str
    personality: str

    @property
    def chat_prompt(self) -> str:
        """The system prompt, markers left for the server."""
        return chat_prompt(self.personality, self.name)


def chat_prompt(personality: str, name: str = "Cadence") -> str:
    """The project's system prompt for ``personality`` (markers kept)."""
    style = PERSONALITIES.get(personality, "friendly and natural")
    return (_TEMPLATE.replace("{name}", name).replace("{style}", style))


#: Detailed personas for ``live.py --persona`` (both genders, several styles).
PERSONAS: dict[str, Persona] = {
    p.key: p
    for p in (
        Persona("anna_flirty", "Anna", "female", "flirty"),
        Persona("mia_wholesome", "Mia", "female", "wholesome"),
        Persona("zoe_sarcastic", "Zoe", "female", "sarcastic"),
        Persona("leo_savage", "Leo", "male", "savage"),
        Persona("sam_calm", "Sam", "male", "calm"),
        Persona("max_nerdy", "Max", "male", "nerdy"),
    )
}
PERSONAS["default_live_persona"] = dataclasses.replace(PERSONAS["anna_flirty"], key="default_live_persona")
DEFAULT_PERSONA = "anna_flirty"

#: The bench's default utterance: a short question with a multi-sentence answer.
BENCH_MESSAGE = "Hey, can you tell me a little about yourself and what you like to talk about?"

#: The warmup client's default utterance.
WARMUP_MESSAGE = "Hi there! How is your day going so far?"

#: A long utterance for cancel tests: the reply should outlast the cancel delay.
LONG_REQUEST = (
    "Tell me a long, detailed story about a lighthouse keeper who finds a message in a bottle, "
    "and describe every room of the lighthouse along the way."
)

#: A warm conversation with facts to recall later (history.py, live.py --warm).
WARM_HISTORY: tuple[tuple[str, str], ...] = (
    ("user", "Hi! I'm Priya, by the way. I just moved to Lisbon last month."),
    ("assistant", "Welcome to Lisbon, Priya! Moving is a lot. How are you settling in?"),
    ("user", "Pretty well. My apartment is tiny but it has a balcony facing the river."),
    ("assistant", "A river view from the balcony sounds lovely, tiny apartment or not."),
    ("user", "I brought my cat with me. His name is Biscuit and he hates the tram noise."),
    ("assistant", "Poor Biscuit! Cats take a while with new sounds. He'll get used to it."),
    ("user", "I work as a marine biologist, mostly studying octopus behaviour."),
    ("assistant", "Octopuses are fascinating. Do you get to dive for your research?"),
    ("user", "Yes, twice a week, off the coast near Cascais."),
    ("assistant", "Diving near Cascais twice a week sounds like a dream job."),
    ("user", "My favourite food here so far is pastel de nata from a bakery in Belem."),
    ("assistant", "Good choice. The ones from Belem are famous for a reason."),
    ("user", "I'm also learning to play the cello. I practise every evening."),
    ("assistant", "Cello every evening, that's dedication. How long have you been playing?"),
    ("user", "About eight months. My teacher is an old man named Joaquim."),
    ("assistant", "Eight months in with a teacher like Joaquim, you must be improving fast."),
    ("user", "My sister Ana is visiting in June. She has never been to Portugal."),
    ("assistant", "June is a great time to visit. You'll have to show Ana the river view."),
    ("user", "Definitely. She is allergic to shellfish though, so I need to be careful."),
    ("assistant", "Good to know. Plenty of Portuguese dishes skip shellfish, so you'll manage."),
)

#: Recall questions and the words a correct answer contains (any of them).
RECALL_CHECKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Do you remember my name?", ("priya",)),
    ("What's my cat called?", ("biscuit",)),
    ("What do I do for work?", ("marine", "biolog", "octopus")),
    ("Where do I go diving?", ("cascais",)),
    ("Which instrument am I learning?", ("cello",)),
    ("Who is visiting me in June?", ("ana", "sister")),
    ("What is my sister allergic to?", ("shellfish",)),
)

#: A 10-turn script (conversation.py). The padding story makes history grow
#: until the server trims old exchanges; the unchanged system prompt and the
#: stable history prefix let an engine reuse its cached prefix between turns.
CONVERSATION_SCRIPT: tuple[str, ...] = (
    "Hi, I'm Tom. I'm planning a cycling trip along the coast and want your help.",
    "I'll start in Porto. What should I pack for a week on the bike?",
    "Good ideas. I'm worried about the wind near the sea, any tips?",
    "I'd like to stop somewhere nice for lunch on the second day.",
    "What about camping versus small guesthouses for the nights?",
    "My friend Rui might join me for the last three days.",
    "How do I keep my phone charged for navigation?",
    "What should I do if it rains for a whole day?",
    "Any stretches I should do in the evenings?",
    "Thanks! Quick check: what's my name and who might join me?",
)

#: Sentences repeated to pad conversation turns (story filler, recall-neutral).
PADDING = (
    "Some background on my day: I walked along the river, watched the boats, "
    "bought bread and oranges at the market, and read a few pages of a novel in the park. "
)


def padded(text: str, words: int) -> str:
    """``text`` preceded by about ``words`` words of filler."""
    if words <= 0:
        return text
    filler = PADDING.split()
    pad = [filler[i % len(filler)] for i in range(words)]
    return " ".join(pad) + " " + text


def warm_history() -> list[dict[str, str]]:
    """:data:`WARM_HISTORY` as protocol history objects."""
    return [{"role": role, "content": content} for role, content in WARM_HISTORY]


__all__ = [
    "BENCH_MESSAGE",
    "CONVERSATION_SCRIPT",
    "DEFAULT_GENDER",
    "DEFAULT_PERSONA",
    "DEFAULT_PERSONALITY",
    "LONG_REQUEST",
    "PERSONALITIES",
    "PERSONAS",
    "RECALL_CHECKS",
    "WARMUP_MESSAGE",
    "WARM_HISTORY",
    "Persona",
    "chat_prompt",
    "padded",
    "warm_history",
]
