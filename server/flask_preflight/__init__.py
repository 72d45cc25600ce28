"""Flask Preflight: finds why a Flask app will not run, statically."""

from __future__ import annotations

__version__ = "0.1.0"
