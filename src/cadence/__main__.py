"""``python -m cadence``: see :mod:`cadence.cli`."""

from __future__ import annotations

import sys

from cadence.cli import main

if __name__ == "__main__":
    sys.exit(main())
