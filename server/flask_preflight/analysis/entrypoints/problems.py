"""Deploy files we could not read: each becomes an 'unknown' entry with its reason."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Range


@dataclass(frozen=True)
class DeclarationProblem:
    """A file that declares how the app starts but cannot be read by its own tool (bad YAML,
    an INI that does not parse, ...). Nothing it declares is checked, so nothing is 'ok'."""

    source: str
    range: Range
    server: str  # the server the file configures, or "unknown"
    reason: str
    #: The file is a template (Jinja, `*.example`, ...): it is not expected to parse until
    #: filled in, so this is listed as unknown and never reported as an error.
    template: bool = False
