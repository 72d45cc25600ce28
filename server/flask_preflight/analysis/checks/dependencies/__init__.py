"""The DEP checks, one module per concern; importing this package registers them all.

- `declared`: DEP008, DEP001, DEP002 (the requirements against what is installed).
- `conflicts`: DEP003, DEP004 (installed distributions that do not work together).
- `imports`: DEP005 (imported modules the interpreter cannot import).
- `removed_apis`: DEP006 (Flask APIs the installed Flask removed).
- `env_files`: DEP007 (.env files ignored without python-dotenv).
- `installing`: the install advice and fixes they share.

DEP009 (a start-up import that fails) is in `checks/startup_imports.py`.
"""

from __future__ import annotations

from . import conflicts, declared, env_files, imports, removed_apis

__all__ = ["conflicts", "declared", "env_files", "imports", "removed_apis"]
