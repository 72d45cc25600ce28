"""Fuzz target: arbitrary bytes as the workspace's flaskenv file (see tests/fuzz/workspace.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.fuzz.workspace import fuzz_main

if __name__ == "__main__":
    fuzz_main("flaskenv")
