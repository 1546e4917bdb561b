"""``HF_TOKEN``, ``HF_PUSH_REPO_ID``, ``HF_PUSH_PRIVATE``: read once, every problem reported at once.

``HF_TOKEN`` needs write access; ``HF_PUSH_REPO_ID`` is ``owner/name``
(created if it does not exist, for ``--push-quant``); ``HF_PUSH_PRIVATE`` is
``1`` (private, the default) or ``0`` (public).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from cadence.config.env import ConfigError

_REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
_PRIVATE = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


@dataclass(frozen=True)
class PushSettings:
    """Where to push and with which token (``repr`` hides the token)."""

    token: str
    repo_id: str
    private: bool

    def __repr__(self) -> str:
        return f"PushSettings(token='***', repo_id={self.repo_id!r}, private={self.private})"


def load_push_settings(environ: Mapping[str, str], flag: str = "--push-quant") -> PushSettings:
    """Read and check the three variables; ``flag`` names the option in the messages.

    Raises:
        ConfigError: listing every missing or invalid variable.
    """
    problems: list[str] = []
    token = environ.get("HF_TOKEN", "").strip()
    repo_id = environ.get("HF_PUSH_REPO_ID", "").strip()
    raw_private = environ.get("HF_PUSH_PRIVATE", "").strip()
    if not token:
        problems.append(f"HF_TOKEN is not set: {flag} needs a Hugging Face token with write access "
                        "(https://huggingface.co/settings/tokens)")
    if not repo_id:
        problems.append(f"HF_PUSH_REPO_ID is not set: {flag} needs the target repo, e.g. your-org/model-awq")
    elif not _REPO_ID.match(repo_id):
        problems.append(f"HF_PUSH_REPO_ID={repo_id!r}: expected owner/name, e.g. your-org/model-awq")
    private = _PRIVATE.get(raw_private.lower()) if raw_private else True
    if private is None:
        problems.append(f"HF_PUSH_PRIVATE={raw_private!r}: expected 1 (private, the default) or 0 (public)")
    if problems:
        raise ConfigError(problems)
    return PushSettings(token, repo_id, bool(private))


__all__ = ["ConfigError", "PushSettings", "load_push_settings"]
