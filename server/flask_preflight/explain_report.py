"""Text form of an explanation for the `explain` command (the JSON form is `to_json()`)."""

from __future__ import annotations

import os

from .analysis.explain import Explanation


def _shown(path: str, root: str | None) -> str:
    if root:
        rel = os.path.relpath(path, root)
        if not rel.startswith(".."):
            return rel
    return path


def render_explanation(explanation: Explanation, root: str | None = None) -> str:
    lines = [explanation.summary]
    if explanation.location is not None:
        where = _shown(explanation.location.file, root)
        lines.append(f"  at {where}:{explanation.location.line}")
    if explanation.exception and explanation.kind != "exception":
        lines.append(f"  error: {explanation.exception}")
    for key, label in (("raised_by", "raised by"), ("lacking", "lacking")):
        value = getattr(explanation, key)
        if value and value.get("distribution") and value.get("environment"):
            lines.append(
                f"  {label}: {value['distribution']} {value.get('version') or ''} "
                f"in {value['environment']}".replace("  in", " in")
            )
    if explanation.ran_interpreter:
        how = explanation.ran_evidence or ""
        lines.append(f"  ran: {explanation.ran_interpreter} ({how})")
    if explanation.selected_interpreter and explanation.explained:
        lines.append(f"  selected: {explanation.selected_interpreter}")
    lines += [f"  {detail}" for detail in explanation.details]
    # Fixes a terminal can run (the editor-only ones, such as activating new terminals, not).
    typed = [fix for fix in explanation.fixes if fix.command]
    if typed:
        lines.append("Fixes:")
        for fix in typed:
            lines.append(f"  - {fix.title}")
            lines.append(f"      $ {fix.command}")
    return "\n".join(lines) + "\n"
