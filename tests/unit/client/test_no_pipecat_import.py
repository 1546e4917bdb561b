"""The client library and the server never load Pipecat: only the adapter does."""

from __future__ import annotations

import subprocess
import sys


def test_the_client_library_and_the_server_import_without_pipecat() -> None:
    code = ("import sys, cadence.client, cadence.client.context_session, cadence.server.app, cadence.cli; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pipecat'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
