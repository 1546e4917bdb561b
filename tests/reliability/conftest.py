"""Path setup only: the reliability suite reuses the server tests' ``harness``
(tests/integration/server) and imports its own helpers from this folder."""

import sys
from pathlib import Path

for _folder in (Path(__file__).parent, Path(__file__).parents[1] / "integration" / "server"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))
