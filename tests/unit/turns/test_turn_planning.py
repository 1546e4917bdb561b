"""Per-turn planning without intermediate objects equals its plain
definition: ``CoreConfig.resolve`` the ``dataclasses.replace`` of the merged
sampling, and ``Admission.count`` the tokenizer's count, memo or not."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cadence.config.settings import SessionSettings
from cadence.engines.base import SamplingParams
from cadence.engines.echo import EchoTokenizer
from cadence.protocol.frames import Sampling
from cadence.session.prompt import PromptBudgets, PromptBuilder
from cadence.session.store import SessionStore
from cadence.turns.admission import Admission
from cadence.turns.config import CoreConfig

FLOATS = st.none() | st.floats(-2.0, 2.0)
INTS = st.none() | st.integers(0, 500)
SAMPLINGS = st.builds(
    Sampling, FLOATS, FLOATS, INTS, FLOATS, FLOATS, FLOATS, FLOATS, INTS, st.none() | st.booleans()
)
CONFIGS = st.builds(
    CoreConfig,
    sessions=st.builds(SessionSettings, chat_max_out=st.integers(1, 300)),
    sampling=st.builds(SamplingParams, temperature=st.floats(0.0, 2.0), max_tokens=st.integers(1, 300),
                       stop=st.sampled_from([(), ("END",)]), seed=st.none() | st.integers(0, 9)),
    sanitize_output=st.booleans(),
)


def _resolved(config: CoreConfig, sampling: Sampling) -> SamplingParams:
    """Resolution as first written, through every intermediate object."""
    merged = sampling.over(config.default_sampling)
    fields = {name: getattr(merged, name) for name in Sampling._fields if name != "sanitize_output"}
    return config.sampling._replace(**fields)


@given(CONFIGS, SAMPLINGS, SAMPLINGS)
def test_resolve_merges_turn_over_session_over_defaults(
    config: CoreConfig, turn: Sampling, session: Sampling
) -> None:
    partial = turn.over(session)
    assert config.resolve(partial) == _resolved(config, partial)
    assert config.resolve(partial) == config.resolve(partial.over(config.default_sampling))
    assert config.sanitizes(partial) is partial.over(config.default_sampling).sanitize_output


def test_resolve_without_overrides_is_the_server_default() -> None:
    config = CoreConfig(sampling=SamplingParams(max_tokens=100))
    assert config.resolve(Sampling()) is config.sampling
    capped = CoreConfig(sampling=SamplingParams(max_tokens=400))  # over chat_max_out: capped
    assert config.resolve(Sampling()).max_tokens == 100 and capped.resolve(Sampling()).max_tokens == 150


@given(st.lists(st.text(st.sampled_from("ab \n"), max_size=12), min_size=1, max_size=6))
def test_count_is_the_tokenizer_count_for_every_text(texts: list[str]) -> None:
    tokenizer = EchoTokenizer()
    admission = Admission(CoreConfig(), SessionStore(4, 10.0), PromptBuilder(tokenizer, PromptBudgets(user_utt_max_tokens=2)))
    for text in texts:
        user = admission._user(text)  # remembered: counting it again costs nothing
        assert admission.count(user.text) == tokenizer.count(user.text)
        copy = "".join(list(user.text))  # equal, maybe not the same object
        assert admission.count(copy) == tokenizer.count(copy)
        assert admission.count(text + " x") == tokenizer.count(text + " x")
