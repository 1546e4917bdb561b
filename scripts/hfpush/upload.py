"""Carrying a push plan out through ``huggingface_hub.HfApi`` (injectable; the tests pass a fake).

Calls (huggingface_hub 2.x, ``hf_api.py``): ``HfApi(token=...)``,
``create_repo(repo_id, private=..., exist_ok=True)`` for ``--push-quant``,
``repo_exists(repo_id)`` for ``--push-engine`` (the repo must exist), then
``upload_folder(repo_id=, folder_path=, path_in_repo=, commit_message=)`` per
folder. Each call is printed before it is made; the token never is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TextIO

from hfpush.settings import PushSettings
from hfpush.targets import PushError, PushPlan, Upload

MakeApi = Callable[[str], Any]


def default_api(token: str) -> Any:
    """A real ``HfApi`` with ``token`` (huggingface_hub comes with transformers)."""
    try:
        from huggingface_hub import HfApi
    except ImportError as exc:
        raise PushError(f"huggingface_hub is not installed ({exc}): pip install huggingface_hub") from None
    return HfApi(token=token)


def _upload_call(settings: PushSettings, upload: Upload) -> str:
    where = f", path_in_repo={upload.path_in_repo!r}" if upload.path_in_repo else ""
    return f"HfApi.upload_folder(repo_id={settings.repo_id!r}, folder_path={str(upload.folder)!r}{where})"


def render(plan: PushPlan, settings: PushSettings, dry_run: bool) -> list[str]:
    """The plan as lines: the target, each call, the notes."""
    head = f"Hugging Face push plan ({plan.mode})" + (" (dry run: nothing is uploaded)" if dry_run else "")
    visibility = "private" if settings.private else "public"
    lines = [head, f"  repo:   https://huggingface.co/{settings.repo_id} ({visibility}, HF_PUSH_PRIVATE)",
             "steps:"]
    if plan.create_repo:
        lines.append(f"  1. HfApi.create_repo({settings.repo_id!r}, private={settings.private}, exist_ok=True)")
    else:
        lines.append(f"  1. HfApi.repo_exists({settings.repo_id!r}) (--push-engine adds to an existing repo)")
    for number, upload in enumerate(plan.uploads, 2):
        lines.append(f"  {number}. {upload.what}: {_upload_call(settings, upload)}")
    if plan.notes:
        lines.append("notes:")
        lines.extend(f"  - {note}" for note in plan.notes)
    return lines


def push(plan: PushPlan, settings: PushSettings, log: TextIO, make_api: MakeApi = default_api) -> list[str]:
    """Create (or check) the repo and upload each folder; the URLs of what was uploaded.

    Raises:
        PushError: ``--push-engine`` to a repo that does not exist (or the token cannot see).
    """
    api = make_api(settings.token)
    if plan.create_repo:
        print(f"+ HfApi.create_repo({settings.repo_id!r}, private={settings.private}, exist_ok=True)",
              file=log, flush=True)
        api.create_repo(settings.repo_id, private=settings.private, exist_ok=True)
    else:
        print(f"+ HfApi.repo_exists({settings.repo_id!r})", file=log, flush=True)
        if not api.repo_exists(settings.repo_id):
            raise PushError(f"{settings.repo_id} does not exist or HF_TOKEN cannot see it: --push-engine adds an "
                            "engine to an existing repo (push the checkpoint first with --push-quant)")
    urls = []
    for upload in plan.uploads:
        print(f"+ {_upload_call(settings, upload)}", file=log, flush=True)
        api.upload_folder(repo_id=settings.repo_id, folder_path=str(upload.folder),
                          path_in_repo=upload.path_in_repo,
                          commit_message=f"Add {upload.what} ({upload.folder.name}) with Cadence")
        tail = f"/tree/main/{upload.path_in_repo}" if upload.path_in_repo else ""
        urls.append(f"https://huggingface.co/{settings.repo_id}{tail}")
    return urls


__all__ = ["MakeApi", "default_api", "push", "render"]
