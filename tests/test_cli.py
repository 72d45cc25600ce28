"""The command line as a user runs it: exit codes, text/JSON/SARIF output, rules, --fix."""

from __future__ import annotations

import ast
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from flask_preflight import cli, file_writes
from flask_preflight.analysis.catalog import RULES

from .conftest import EXAMPLES, REPO, write_tree
from .venvs import make_venv

SARIF_SCHEMA = REPO / "node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"
TEXT_LINE = re.compile(
    r"^(?P<path>[^:\s]+):(?P<line>\d+):(?P<col>\d+): (?P<rule>[A-Z]+\d{3}) (.+)$"
)
ANSI = "\033["

UNGUARDED = """\
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"


# keep this comment
app.run(debug=True, port=5000)
"""

CLEAN = """\
from flask import Flask

app = Flask(__name__)

if __name__ == "__main__":
    app.run()
"""


@pytest.fixture(autouse=True)
def _app_interpreter(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's interpreter for in-process runs too (see run_cli)."""
    monkeypatch.setenv("VIRTUAL_ENV", str(make_venv("flask", ["flask==3.1.3"])))


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The installed command, in a real process (as a terminal or CI would run it)."""
    full_env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    # The app's interpreter: a real venv with Flask, read from its files (not whatever
    # python3 is on PATH, which varies by machine: these tests are about the APP rules).
    full_env["VIRTUAL_ENV"] = str(make_venv("flask", ["flask==3.1.3"]))
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "flask_preflight", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    write_tree(root, files)
    return root


# --- exit codes -----------------------------------------------------------------------------


def test_exit_0_when_clean(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": CLEAN})
    result = run_cli("check", str(root))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "All checks passed."


def test_exit_1_with_findings_and_linter_lines(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": UNGUARDED, "pkg/__init__.py": "", "pkg/flask.py": ""})
    result = run_cli("check", str(root))
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    parsed = [TEXT_LINE.match(line.replace(" [*]", "")) for line in lines[:-1]]
    assert all(parsed), lines
    assert [(m["path"], m["line"], m["col"], m["rule"]) for m in parsed if m] == [
        ("app.py", "12", "1", "APP001")
    ]
    assert lines[-1].startswith("Found 1 problem")
    assert ANSI not in result.stdout  # not a terminal: no colour


def test_paths_are_relative_and_slash_separated(tmp_path: Path) -> None:
    root = project(tmp_path, {"src/web/app.py": UNGUARDED})
    result = run_cli("check", str(root))
    assert result.stdout.startswith("src/web/app.py:12:1: APP001")


@pytest.mark.parametrize(
    "args",
    [
        ["check", "{root}", "--select", "NOPE999"],
        ["check", "{root}", "--ignore", "not-a-rule-name"],
        ["check", "{root}/does-not-exist"],
        ["check", "{root}", "--format", "xml"],
        ["check", "{root}", "--no-such-option"],
        ["frobnicate"],
        ["rules", "XYZ"],
        [],
    ],
)
def test_exit_2_on_usage_errors(tmp_path: Path, args: list[str]) -> None:
    root = project(tmp_path, {"app.py": UNGUARDED})
    result = run_cli(*(a.format(root=root) for a in args))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_exit_2_on_internal_error_never_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An engine bug must not look like "findings" (1) to CI: it is exit 2."""
    root = project(tmp_path, {"app.py": UNGUARDED})

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("engine bug")

    monkeypatch.setattr(cli, "analyze", broken)
    assert cli.main(["check", str(root)]) == 2
    assert "internal error" in capsys.readouterr().err


def test_a_check_that_raises_does_not_abort_the_run(tmp_path: Path) -> None:
    """A file that makes one check misbehave still lets every other file be reported: the
    registry isolates failures. Here many files, one of them garbage bytes, all are reported."""
    files = {f"m{i}/app.py": UNGUARDED for i in range(3)}
    root = project(tmp_path, files)
    (root / "m1" / "junk.py").write_bytes(b"\xff\xfe\x00garbage")
    result = run_cli("check", str(root), "-v")
    assert result.returncode == 1
    assert result.stdout.count("APP001") == 3
    assert "note: m1/junk.py: skipped" in result.stderr


# --- colour -----------------------------------------------------------------------------------


def _run_in_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run the CLI with stdout on a real pseudo-terminal; return exit status and output."""
    controller, terminal = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "flask_preflight", *args],
        stdout=terminal,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(terminal)
    chunks = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.5)
        if ready:
            try:
                data = os.read(controller, 65536)
            except OSError:  # the terminal closes when the process exits
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(controller)
    status = proc.wait(timeout=60)
    return status, b"".join(chunks).decode()


def test_colour_on_a_terminal_only_and_never_with_no_color(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": UNGUARDED})
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    status, output = _run_in_terminal(["check", str(root)], env)
    assert status == 1
    assert "\033[33mAPP001\033[0m" in output  # warning colour on the rule id

    status, output = _run_in_terminal(["check", str(root)], {**env, "NO_COLOR": "1"})
    assert status == 1 and "APP001" in output and ANSI not in output

    status, output = _run_in_terminal(["check", str(root), "--color=never"], env)
    assert "APP001" in output and ANSI not in output

    piped = run_cli("check", str(root), "--color=always")
    assert "\033[33mAPP001\033[0m" in piped.stdout


# --- select / ignore ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--select", "APP001", ["APP001"]),
        ("--select", "unguarded-app-run", ["APP001"]),
        ("--select", "APP00", ["APP001", "APP006"]),
        ("--select", "app", ["APP001", "APP006"]),
        ("--select", "APP006,APP001", ["APP001", "APP006"]),
        ("--ignore", "APP001", ["APP006"]),
        ("--ignore", "module-shadows-package", ["APP001"]),
        ("--ignore", "APP", []),
        ("--select", "DEP", []),
    ],
)
def test_select_and_ignore(tmp_path: Path, option: str, value: str, expected: list[str]) -> None:
    root = project(tmp_path, {"app.py": UNGUARDED, "flask.py": ""})
    result = run_cli("check", str(root), option, value, "--format", "json")
    assert result.returncode == (1 if expected else 0), result.stderr
    rules = sorted({f["rule"] for f in json.loads(result.stdout)["findings"]})
    assert rules == expected


# --- JSON ---------------------------------------------------------------------------------------


def test_json_follows_the_contract(tmp_path: Path) -> None:
    root = project(tmp_path, {"web/app.py": "# é\n" + UNGUARDED, "web/flask.py": ""})
    result = run_cli("check", str(root), "--format", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"version", "root", "interpreter", "findings"}
    assert report["version"] == 1
    assert Path(report["root"]) == root.resolve()
    assert isinstance(report["interpreter"], dict) and "path" in report["interpreter"]
    by_rule = {f["rule"]: f for f in report["findings"]}
    assert set(by_rule) == {"APP001", "APP006"}
    for finding in report["findings"]:
        assert {"rule", "name", "severity", "path", "range", "message", "fixes"} <= set(finding)
        assert finding["name"] == RULES[finding["rule"]].name
        assert finding["severity"] in {"error", "warning", "information", "hint"}
        assert "\\" not in finding["path"] and not finding["path"].startswith("/")
    run = by_rule["APP001"]
    assert run["path"] == "web/app.py"
    assert run["severity"] == "warning"
    # 1-based: the call is on line 13 (line 12 of UNGUARDED plus the comment), column 1.
    assert run["range"] == {
        "start": {"line": 13, "column": 1},
        "end": {"line": 13, "column": 1 + len("app.run(debug=True, port=5000)")},
    }
    fix = run["fixes"][0]
    assert {"title", "edits"} <= set(fix)
    edit = fix["edits"][0]
    assert set(edit) == {"path", "range", "new_text"}
    assert edit["path"] == "web/app.py"
    assert edit["new_text"].startswith('if __name__ == "__main__":\n    app.run(')
    assert by_rule["APP006"]["severity"] == "error"
    assert by_rule["APP006"]["path"] == "web/flask.py"


def test_json_edits_applied_by_a_client_fix_the_file(tmp_path: Path) -> None:
    """A consumer that only reads the JSON (1-based line/column) can apply the fix."""
    root = project(tmp_path, {"app.py": UNGUARDED})
    report = json.loads(run_cli("check", str(root), "--format", "json").stdout)
    edit = report["findings"][0]["fixes"][0]["edits"][0]
    lines = (root / "app.py").read_text().split("\n")
    start, end = edit["range"]["start"], edit["range"]["end"]
    first, last = lines[start["line"] - 1], lines[end["line"] - 1]
    replaced = first[: start["column"] - 1] + edit["new_text"] + last[end["column"] - 1 :]
    fixed = "\n".join([*lines[: start["line"] - 1], replaced, *lines[end["line"] :]])
    (root / "app.py").write_text(fixed)
    assert run_cli("check", str(root)).returncode == 0


# --- SARIF --------------------------------------------------------------------------------------


def _sarif_validator() -> jsonschema.protocols.Validator:
    assert SARIF_SCHEMA.exists(), (
        f"{SARIF_SCHEMA.relative_to(REPO)} is missing: run `npm ci` (the test setup does)"
    )
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)  # type: ignore[no-any-return]


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir()))
def test_sarif_is_valid_against_the_2_1_0_schema(example: str) -> None:
    result = run_cli("check", str(EXAMPLES / example), "--format", "sarif")
    assert result.returncode in (0, 1), result.stderr
    sarif = json.loads(result.stdout)
    errors = sorted(_sarif_validator().iter_errors(sarif), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def test_sarif_content(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": UNGUARDED, "flask.py": ""})
    sarif = json.loads(run_cli("check", str(root), "--format", "sarif").stdout)
    assert not list(_sarif_validator().iter_errors(sarif))
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert {rule["id"] for rule in rules} == set(RULES)
    results = {r["ruleId"]: r for r in run["results"]}
    assert set(results) == {"APP001", "APP006"}
    app001 = results["APP001"]
    assert rules[app001["ruleIndex"]]["id"] == "APP001"
    assert app001["level"] == "warning" and results["APP006"]["level"] == "error"
    location = app001["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "app.py", "uriBaseId": "SRCROOT"}
    assert location["region"]["startLine"] == 12 and location["region"]["startColumn"] == 1
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == root.resolve().as_uri() + "/"
    assert app001["fixes"][0]["artifactChanges"][0]["replacements"]


def test_sarif_schema_catches_a_broken_report() -> None:
    """The validation is real: a report missing required parts is rejected."""
    validator = _sarif_validator()
    assert list(validator.iter_errors({"version": "2.1.0", "runs": [{"results": []}]}))
    assert list(validator.iter_errors({"version": "2.0.0", "runs": []}))


# --- rules --------------------------------------------------------------------------------------


def test_rules_lists_the_whole_catalog() -> None:
    result = run_cli("rules")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(RULES)
    for line, rule in zip(lines, RULES.values()):
        assert line.startswith(f"{rule.id}  {rule.name}")
        assert rule.severity.label in line


@pytest.mark.parametrize("query", ["APP001", "app001", "unguarded-app-run"])
def test_rules_explains_one_rule(query: str) -> None:
    result = run_cli("rules", query)
    assert result.returncode == 0, result.stderr
    rule = RULES["APP001"]
    out = result.stdout
    assert out.startswith("APP001 unguarded-app-run (default severity: warning)")
    assert rule.explanation in out
    assert "Bad:\n    app = Flask(__name__)\n    app.run(debug=True)" in out
    assert "Good:" in out and "docs/rules.md#app001-unguarded-app-run" in out


# --- --fix --------------------------------------------------------------------------------------


def test_fix_prints_what_changed_and_recheck_is_clean(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": UNGUARDED, "guard.py": GUARD_TYPO})
    result = run_cli("check", str(root), "--fix")
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert 'fixed app.py: Wrap in `if __name__ == "__main__":`' in result.stderr
    assert 'fixed guard.py: Change to `__name__ == "__main__"`' in result.stderr
    assert result.stdout.strip() == "All checks passed."
    text = (root / "app.py").read_text()
    ast.parse(text)
    assert "# keep this comment\n" in text
    assert text.endswith('if __name__ == "__main__":\n    app.run(debug=True, port=5000)\n')
    again = run_cli("check", str(root), "--fix")
    assert again.returncode == 0 and "fixed" not in again.stderr
    assert (root / "app.py").read_text() == text


GUARD_TYPO = """\
from flask import Flask
app = Flask(__name__)
if __name__ == "main":
    app.run()
"""


def test_fix_reports_what_it_cannot_fix(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": UNGUARDED, "flask.py": ""})
    result = run_cli("check", str(root), "--fix")
    assert result.returncode == 1
    assert "fixed app.py" in result.stderr
    assert "flask.py:1:1: APP006" in result.stdout and "APP001" not in result.stdout


def test_fix_keeps_crlf_mode_and_bom(tmp_path: Path) -> None:
    root = project(tmp_path, {})
    crlf = root / "crlf.py"
    crlf.write_bytes(UNGUARDED.replace("\n", "\r\n").encode())
    crlf.chmod(0o751)
    bom = root / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbf" + UNGUARDED.encode())
    result = run_cli("check", str(root), "--fix")
    assert result.returncode == 0, (result.stdout, result.stderr)
    data = crlf.read_bytes()
    assert b'if __name__ == "__main__":\r\n    app.run(' in data
    assert data.count(b"\n") == data.count(b"\r\n")  # no bare LF slipped in
    assert crlf.stat().st_mode & 0o7777 == 0o751
    fixed = bom.read_bytes()
    assert fixed.startswith(b"\xef\xbb\xbf") and fixed.count(b"\xef\xbb\xbf") == 1
    assert b'if __name__ == "__main__":\n' in fixed
    ast.parse(fixed.decode("utf-8-sig"))


def test_fix_never_touches_a_file_that_changed_since_it_was_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another writer (an editor save) lands between our read and our write: we refuse."""
    root = project(tmp_path, {"app.py": UNGUARDED, "other.py": UNGUARDED})
    edited_by_someone = UNGUARDED + "\n# saved from the editor meanwhile\n"
    real_write = file_writes.write_atomically

    def racing_write(path: Path, new_text: str, expected_text: str) -> None:
        if path.name == "app.py":
            path.write_text(edited_by_someone)
        real_write(path, new_text, expected_text)

    monkeypatch.setattr(cli, "write_atomically", racing_write)
    status = cli.main(["check", str(root), "--fix"])
    captured = capsys.readouterr()
    assert (root / "app.py").read_text() == edited_by_someone
    assert "not fixed app.py" in captured.err and "changed since it was read" in captured.err
    # The other file is still fixed, and the report describes the disk: app.py still unfixed.
    assert "fixed other.py" in captured.err
    assert 'if __name__ == "__main__":' in (root / "other.py").read_text()
    assert status == 1 and "app.py:12:1: APP001" in captured.out


def test_fix_never_writes_outside_the_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "shared.py").write_text(UNGUARDED)
    root = project(tmp_path, {})
    (root / "linked.py").symlink_to(outside / "shared.py")
    result = run_cli("check", str(root), "--fix")
    assert (outside / "shared.py").read_text() == UNGUARDED
    assert (root / "linked.py").is_symlink()
    assert "not fixed linked.py: it leads outside the project root" in result.stderr
    assert result.returncode == 1


def test_fix_writes_through_a_link_inside_the_root(tmp_path: Path) -> None:
    root = project(tmp_path, {"real/app.py": UNGUARDED})
    (root / "app.py").symlink_to(root / "real" / "app.py")
    result = run_cli("check", str(root), "--fix")
    assert result.returncode == 0, result.stderr
    assert (root / "app.py").is_symlink()
    assert 'if __name__ == "__main__":' in (root / "real" / "app.py").read_text()
    # The link and its target are one file: fixed once, not "changed since it was read".
    assert "not fixed" not in result.stderr
    assert (root / "real" / "app.py").read_text().count("__main__") == 1


def test_fix_error_in_one_file_does_not_abort_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A real OSError while writing one file (its folder is removed between the read and the
    write; chmod would not stop root, which runs these tests) is reported, the rest is fixed."""
    root = project(tmp_path, {"a/app.py": UNGUARDED, "b/app.py": UNGUARDED})
    real_write = file_writes.write_atomically

    def vanish(path: Path, new_text: str, expected_text: str) -> None:
        if path.parent.name == "a":
            shutil.rmtree(path.parent)
        real_write(path, new_text, expected_text)

    monkeypatch.setattr(cli, "write_atomically", vanish)
    status = cli.main(["check", str(root), "--fix"])
    err = capsys.readouterr().err
    assert "not fixed a/app.py" in err and "fixed b/app.py" in err
    assert 'if __name__ == "__main__":' in (root / "b" / "app.py").read_text()
    assert status == 0  # a/app.py is gone, b/app.py is fixed


# --- docs/rules.md ------------------------------------------------------------------------------


def test_rules_doc_is_generated_from_the_catalog_and_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen-rules-doc.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    doc = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    headings = {
        line[4:].strip().lower().replace(" ", "-")
        for line in doc.splitlines()
        if line[:4] == "### "
    }
    for rule in RULES.values():
        # The LSP and SARIF link to docs/rules.md#<id>-<name>: GitHub's anchor of the heading.
        anchor = rule.docs_url.rsplit("#", 1)[1]
        assert anchor in headings, anchor
        assert rule.explanation in doc
