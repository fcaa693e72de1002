"""``python -m openai_harmony``: the ``openai-harmony`` command line (a demo when run bare)."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
