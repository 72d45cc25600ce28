"""Rendering findings for people and machines: linter text, JSON (v1 contract), SARIF 2.1.0."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import __version__
from .analysis.catalog import RULES
from .analysis.environment.commands import shell_equivalent
from .analysis.model import Finding, Fix, Range, Severity

_COLOURS = {
    Severity.ERROR: "\033[31m",
    Severity.WARNING: "\033[33m",
    Severity.INFORMATION: "\033[36m",
    Severity.HINT: "\033[2m",
}
_BOLD, _RESET = "\033[1m", "\033[0m"


def _fixable(finding: Finding) -> bool:
    return any(fix.safe and fix.edits for fix in finding.fixes)


def _text_line(f: Finding, colour: bool, indent: str = "") -> list[str]:
    where = f"{f.path}:{f.range.start.line + 1}:{f.range.start.character + 1}:"
    rule = f.rule
    if colour:
        where = f"{_BOLD}{where}{_RESET}"
        rule = f"{_COLOURS[f.severity]}{rule}{_RESET}"
    marker = " [*]" if _fixable(f) else ""
    lines = [f"{indent}{where} {rule}{marker} {f.message}"]
    if f.cause is not None or ("command" in f.data and f.data.get("folded") is not None):
        return lines  # folded, or a headline whose message already says what to run
    # Command fixes (create a venv, install requirements) have a terminal equivalent.
    lines.extend(
        f"{indent}    to fix: {shell}"
        for shell in dict.fromkeys(
            shell_equivalent(fix.command) for fix in f.fixes if fix.command is not None
        )
        if shell
    )
    return lines


def render_text(findings: Sequence[Finding], colour: bool = False, show_all: bool = False) -> str:
    """One line per finding, in the order given (root cause first). Findings folded under a
    headline (`cause` set) are counted, and listed only with `show_all`."""
    shown = [f for f in findings if f.cause is None]
    folded = [f for f in findings if f.cause is not None]
    lines = []
    for f in shown:
        lines.extend(_text_line(f, colour))
    if show_all:
        for cause in dict.fromkeys(f.cause for f in folded):
            lines.append(f"Explained by {cause} (fix it first, then check again):")
            for f in folded:
                if f.cause == cause:
                    lines.extend(_text_line(f, colour, "    "))
    fixable = sum(1 for f in shown if _fixable(f))
    if shown:
        noun = "problem" if len(shown) == 1 else "problems"
        summary = f"Found {len(shown)} {noun}"
        if fixable:
            summary += f" ({fixable} fixable with `--fix`, marked [*])"
        if folded:
            causes = ", ".join(dict.fromkeys(str(f.cause) for f in folded))
            more = "more follows" if len(folded) == 1 else "more follow"
            summary += f"; {len(folded)} {more} from {causes}"
            summary += " (listed above)" if show_all else " (`--show-all` lists them)"
        lines.append(summary + ".")
    else:
        lines.append("All checks passed.")
    return "\n".join(lines) + "\n"


def range_json(rng: Range) -> dict[str, Any]:
    """1-based lines and columns, as the CLI contract says."""
    return {
        "start": {"line": rng.start.line + 1, "column": rng.start.character + 1},
        "end": {"line": rng.end.line + 1, "column": rng.end.character + 1},
    }


def fix_json(fix: Fix) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": fix.title,
        "edits": [
            {"path": e.path, "range": range_json(e.range), "new_text": e.new_text}
            for e in fix.edits
        ],
        "safe": fix.safe,
    }
    if fix.rename:
        data["rename"] = {"from": fix.rename[0], "to": fix.rename[1]}
    if fix.command:
        data["command"] = {"name": fix.command.name, "arguments": list(fix.command.arguments)}
    return data


def finding_json(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "name": f.name,
        "severity": f.severity.label,
        "path": f.path,
        "range": range_json(f.range),
        "message": f.message,
        "fixes": [fix_json(fix) for fix in f.fixes],
        # The headline rule this finding follows from (it is folded under it), else null.
        "cause": f.cause,
    }


def render_json(
    root: str, interpreter: dict[str, Any], findings: Sequence[Finding]
) -> dict[str, Any]:
    return {
        "version": 1,
        "root": root,
        "interpreter": interpreter,
        "findings": [finding_json(f) for f in findings],
    }


_SARIF_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFORMATION: "note",
    Severity.HINT: "note",
}


def _sarif_region(rng: Range) -> dict[str, int]:
    return {
        "startLine": rng.start.line + 1,
        "startColumn": rng.start.character + 1,
        "endLine": rng.end.line + 1,
        "endColumn": rng.end.character + 1,
    }


def render_sarif(root_uri: str, findings: Sequence[Finding]) -> dict[str, Any]:
    rule_ids = sorted(RULES)
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    rules = [
        {
            "id": rule.id,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.explanation},
            "helpUri": rule.docs_url,
            "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
        }
        for rule in (RULES[rule_id] for rule_id in rule_ids)
    ]
    explained: dict[str, list[Finding]] = {}
    for f in findings:
        if f.cause is not None:
            explained.setdefault(f.cause, []).append(f)
    results = []
    for f in findings:
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path, "uriBaseId": "SRCROOT"},
                        "region": _sarif_region(f.range),
                    }
                }
            ],
        }
        fixes = [
            {
                "description": {"text": fix.title},
                "artifactChanges": [
                    {
                        "artifactLocation": {"uri": path, "uriBaseId": "SRCROOT"},
                        "replacements": [
                            {
                                "deletedRegion": _sarif_region(e.range),
                                "insertedContent": {"text": e.new_text},
                            }
                            for e in fix.edits
                            if e.path == path
                        ],
                    }
                    for path in sorted({e.path for e in fix.edits})
                ],
            }
            for fix in f.fixes
            if fix.edits
        ]
        if fixes:
            result["fixes"] = fixes
        if f.cause is not None:
            result["properties"] = {"cause": f.cause}
        related = [
            {
                "id": number,
                "physicalLocation": {
                    "artifactLocation": {"uri": other.path, "uriBaseId": "SRCROOT"},
                    "region": _sarif_region(other.range),
                },
                "message": {"text": f"{other.rule}: {other.message}"},
            }
            for number, other in enumerate(explained.get(f.rule, ()) if f.cause is None else (), 1)
        ]
        if related:
            # A headline: the findings it explains are its related locations.
            result["relatedLocations"] = related
        results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "flask-preflight",
                        "version": __version__,
                        "informationUri": "https://github.com/flask-preflight/flask-preflight",
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"SRCROOT": {"uri": root_uri}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def render_rule(rule_id: str) -> str:
    rule = RULES[rule_id]
    parts = [
        f"{rule.id} {rule.name} (default severity: {rule.severity.label})",
        "",
        rule.summary,
        "",
        rule.explanation,
    ]
    if rule.bad:
        parts += ["", "Bad:", *("    " + line for line in rule.bad.splitlines())]
    if rule.good:
        parts += ["", "Good:", *("    " + line for line in rule.good.splitlines())]
    parts += ["", f"Docs: {rule.docs_url}"]
    return "\n".join(parts) + "\n"


def render_catalog() -> str:
    width = max(len(rule.name) for rule in RULES.values())
    lines = [
        f"{rule.id}  {rule.name.ljust(width)}  {rule.severity.label:<11}  {rule.summary}"
        for rule in RULES.values()
    ]
    return "\n".join(lines) + "\n"
