"""Declared requirements (requirements*.txt, pyproject.toml PEP 621 and Poetry), with ranges."""

from __future__ import annotations

import bisect
import posixpath
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from .model import Position, Range
from .project import Project

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.9/3.10 only
    import tomli as tomllib  # type: ignore[no-redef,import-not-found,unused-ignore]

#: Requirement files whose entries the app needs at run time (besides pyproject's).
PRIMARY_FILES = (
    "requirements.txt",
    "requirements/base.txt",
    "requirements/common.txt",
    "requirements/main.txt",
    "requirements/prod.txt",
    "requirements/production.txt",
)

#: pip options that may stand on their own line in a requirements file.
_GLOBAL_OPTIONS = {
    "-i",
    "--index-url",
    "--extra-index-url",
    "--no-index",
    "-f",
    "--find-links",
    "--pre",
    "--prefer-binary",
    "--require-hashes",
    "--trusted-host",
    "--use-feature",
    "--no-binary",
    "--only-binary",
}
_FLAG_OPTIONS = {"--no-index", "--pre", "--prefer-binary", "--require-hashes"}
_INCLUDE_OPTIONS = {"-r": "r", "--requirement": "r", "-c": "c", "--constraint": "c"}
_EDITABLE_OPTIONS = {"-e", "--editable"}
_COMMENT = re.compile(r"(^|\s+)#.*$")
_TOKEN = re.compile(r"\S+")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_ARCHIVE = re.compile(
    r"(?:^|/)([A-Za-z0-9][A-Za-z0-9._]*?)-\d[^/]*?(?:\.whl|\.tar\.gz|\.zip|\.tar\.bz2)$"
)


@dataclass(frozen=True)
class DeclaredRequirement:
    """One requirement as written, with where it is written."""

    name: str  # canonical
    requirement: Requirement
    path: str
    range: Range
    text: str
    kind: str  # "requirements", "constraint", "pyproject", "poetry"
    primary: bool  # needed at run time (not a dev/optional group, not a constraint)
    group: str | None = None
    editable: bool = False
    url: str | None = None
    #: Who needs it: "runtime" (the app), "dev" (tests and dev tools), "docs", "optional"
    #: (an extra or a file we cannot place) or "constraint".
    scope: str = "runtime"


#: Words in a requirement file name or group name that mean tests and development tools.
DEV_WORDS = frozenset(
    {
        "dev",
        "develop",
        "development",
        "test",
        "tests",
        "testing",
        "lint",
        "linting",
        "ci",
        "tox",
        "local",
        "qa",
        "typing",
        "types",
        "mypy",
        "style",
        "check",
        "checks",
        "debug",
        "coverage",
        "pytest",
        "e2e",
        "format",
    }
)
DOCS_WORDS = frozenset({"doc", "docs", "documentation", "sphinx", "mkdocs"})
RUNTIME_WORDS = frozenset(
    {"base", "common", "main", "core", "prod", "production", "runtime", "deploy", "server", "app"}
)


def group_scope(name: str, default: str = "optional") -> str:
    """The scope of a requirement file or dependency group, by the words in its name."""
    words = set(re.split(r"[^a-z0-9]+", name.lower()))
    if words & DEV_WORDS:
        return "dev"
    if words & DOCS_WORDS:
        return "docs"
    if words & RUNTIME_WORDS:
        return "runtime"
    return default


def requirement_file_scope(path: str) -> str:
    """`requirements-dev.txt`, `requirements/test.txt`, `dev-requirements.txt`: "dev"; ..."""
    if path in PRIMARY_FILES:
        return "runtime"
    stem = posixpath.splitext(path)[0]
    return group_scope(stem.replace("requirements", " "))


@dataclass(frozen=True)
class RequirementProblem:
    """A line that pip (or the build backend) would refuse."""

    path: str
    range: Range
    text: str
    message: str


@dataclass(frozen=True)
class PythonRequirement:
    """`requires-python` (or Poetry's `python = ...`), for ENV004."""

    specifier: SpecifierSet
    path: str
    range: Range
    text: str


@dataclass
class DeclaredRequirements:
    requirements: list[DeclaredRequirement] = field(default_factory=list)
    problems: list[RequirementProblem] = field(default_factory=list)
    python: list[PythonRequirement] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def primary(self) -> list[DeclaredRequirement]:
        return [r for r in self.requirements if r.primary]

    def declared(self, name: str) -> DeclaredRequirement | None:
        """Where a distribution is declared: a primary declaration first, else any."""
        wanted = canonicalize_name(name)
        matches = [r for r in self.requirements if r.name == wanted]
        matches.sort(key=lambda r: (not r.primary, r.kind == "constraint"))
        return matches[0] if matches else None

    def declared_for(self, name: str) -> list[DeclaredRequirement]:
        """Every declaration of a distribution, runtime ones first (constraints left out)."""
        wanted = canonicalize_name(name)
        order = {"runtime": 0, "dev": 1, "optional": 2, "docs": 3}
        found = [r for r in self.requirements if r.name == wanted and r.kind != "constraint"]
        return sorted(found, key=lambda r: (not r.primary, order.get(r.scope, 4)))

    def files_of_scope(self, scope: str) -> list[str]:
        """Requirement files (not pyproject) that hold `scope` requirements, in read order."""
        return [
            p
            for p in self.files
            if p.endswith((".txt", ".in")) and requirement_file_scope(p) == scope
        ]

    def main_file(self) -> str | None:
        """The file a new requirement should be added to."""
        for path in self.files:
            if path in PRIMARY_FILES:
                return path
        return None


class _Positions:
    """Offsets in a text to 0-based (line, code point column) positions."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def position(self, offset: int) -> Position:
        line = bisect.bisect_right(self.starts, offset) - 1
        return Position(line, offset - self.starts[line])

    def range(self, start: int, end: int) -> Range:
        return Range(self.position(start), self.position(end))


# --- requirements files ------------------------------------------------------------------------


def _logical_lines(text: str) -> Iterator[tuple[str, list[int]]]:
    """Logical lines (continuations joined) with the text offset of every character."""
    pieces: list[str] = []
    offsets: list[int] = []
    position = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        if body.endswith("\\") and not _COMMENT.search(body[:-1]):
            pieces.append(body[:-1])
            offsets.extend(range(position, position + len(body) - 1))
        else:
            pieces.append(body)
            offsets.extend(range(position, position + len(body)))
            line = "".join(pieces)
            offsets.append(position + len(body))  # the end-of-line offset
            yield line, offsets
            pieces, offsets = [], []
        position += len(raw)
    if pieces:
        offsets.append(position)
        yield "".join(pieces), offsets


def _name_from_url(target: str) -> str | None:
    egg = _EGG.search(target)
    if egg:
        return egg[1]
    archive = _ARCHIVE.search(target.split("#", 1)[0].split("?", 1)[0])
    if archive:
        return archive[1]
    return None


def _looks_like_path_or_url(text: str) -> bool:
    return (
        "://" in text
        or text.startswith((".", "/", "~", "file:"))
        or re.match(r"^[A-Za-z]:[\\/]", text) is not None
        or text.endswith((".whl", ".tar.gz", ".zip", ".tar.bz2"))
    )


@dataclass
class _FileReader:
    project: Project
    result: DeclaredRequirements
    visited: set[str] = field(default_factory=set)
    scope: str = "runtime"

    def read(self, path: str, kind: str, primary: bool, scope: str | None = None) -> None:
        if path in self.visited:
            return  # an include cycle, or a file included twice: pip reads it once too
        self.visited.add(path)
        text = self.project.read_text(path)
        if text is None:
            return
        self.result.files.append(path)
        positions = _Positions(text)
        if scope is None:
            scope = "runtime" if primary else requirement_file_scope(path)
        self.scope = scope
        for line, offsets in _logical_lines(text):
            self._line(path, line, offsets, positions, kind, primary)

    def _line(
        self,
        path: str,
        line: str,
        offsets: list[int],
        positions: _Positions,
        kind: str,
        primary: bool,
    ) -> None:
        content = _COMMENT.sub("", line)
        tokens = list(_TOKEN.finditer(content))
        if not tokens:
            return

        def span(start: int, end: int) -> Range:
            return positions.range(offsets[start], offsets[max(start, end - 1)] + 1)

        first = tokens[0][0]
        if first.startswith("-"):
            option, _, inline = first.partition("=")
            if option[:2] in ("-r", "-c", "-e") and len(option) > 2 and option[1] != "-":
                option, inline = option[:2], option[2:]
            target_token = None if inline or len(tokens) < 2 else tokens[1]
            target = inline or (target_token[0] if target_token else "")
            if option in _INCLUDE_OPTIONS:
                if not target:
                    where = span(tokens[0].start(), tokens[0].end())
                    self._problem(path, where, content, f"`{option}` needs a file name")
                    return
                constraint = _INCLUDE_OPTIONS[option] == "c"
                self._include(
                    path,
                    target,
                    "constraint" if constraint else kind,
                    primary and not constraint,
                )
                return
            if option in _EDITABLE_OPTIONS:
                if not target:
                    where = span(tokens[0].start(), tokens[0].end())
                    self._problem(path, where, content, "`-e` needs a path or URL")
                    return
                token = target_token or tokens[0]
                where = span(token.start(), token.end())
                self._url_requirement(path, target, where, kind, primary, editable=True)
                return
            if option in _GLOBAL_OPTIONS:
                return
            self._problem(
                path,
                span(tokens[0].start(), tokens[0].end()),
                content,
                f"pip stops with `no such option: {option}`",
            )
            return
        # The requirement is every token before the first option (`--hash=...` and friends).
        args = []
        for token in tokens:
            if token[0].startswith("-"):
                break
            args.append(token)
        start, end = args[0].start(), args[-1].end()
        requirement_text = content[start:end]
        where = span(start, end)
        if _looks_like_path_or_url(requirement_text) and " @ " not in requirement_text:
            self._url_requirement(path, requirement_text, where, kind, primary, editable=False)
            return
        try:
            requirement = Requirement(requirement_text)
        except InvalidRequirement as error:
            if "${" in requirement_text:
                return  # environment variables are expanded by pip at install time
            message = str(error).splitlines()[0]
            self._problem(path, where, requirement_text, f"pip cannot parse it: {message}")
            return
        self.result.requirements.append(
            DeclaredRequirement(
                canonicalize_name(requirement.name),
                requirement,
                path,
                where,
                requirement_text,
                kind,
                primary and kind != "constraint",
                url=requirement.url,
                scope="constraint" if kind == "constraint" else self.scope,
            )
        )

    def _url_requirement(
        self, path: str, target: str, where: Range, kind: str, primary: bool, *, editable: bool
    ) -> None:
        if " @ " in target:
            try:
                requirement = Requirement(target)
            except InvalidRequirement:
                return
            name = requirement.name
        else:
            found = _name_from_url(target)
            if found is None:
                return  # a local project path (often `.` itself): nothing to check by name
            name = found
            requirement = Requirement(name)
        self.result.requirements.append(
            DeclaredRequirement(
                canonicalize_name(name),
                requirement,
                path,
                where,
                target,
                kind,
                primary and kind != "constraint",
                editable=editable,
                url=target,
                scope="constraint" if kind == "constraint" else self.scope,
            )
        )

    def _include(self, including: str, target: str, kind: str, primary: bool) -> None:
        if "://" in target:
            return  # remote includes are not read (no network during analysis)
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(including), target))
        if joined.startswith("../") or joined == ".." or posixpath.isabs(joined):
            return
        outer = self.scope
        own = requirement_file_scope(joined)
        # pip installs what a file includes, but a file named for tests stays a test file
        self.read(joined, kind, primary, outer if primary or own == "optional" else own)
        self.scope = outer

    def _problem(self, path: str, where: Range, text: str, message: str) -> None:
        self.result.problems.append(RequirementProblem(path, where, text, message))


def _requirement_files(project: Project) -> list[str]:
    files = []
    for path in project.files():
        name = path.rsplit("/", 1)[-1]
        in_root = "/" not in path or path.startswith("requirements/")
        if (
            in_root
            and name.endswith((".txt", ".in"))
            and (
                name.startswith(("requirements", "constraints"))
                or name.endswith(("-requirements.txt", "_requirements.txt"))
                or path.startswith("requirements/")
            )
        ):
            files.append(path)
    return files


# --- pyproject.toml --------------------------------------------------------------------------------


def _find_string(text: str, value: str, start: int) -> tuple[int, int] | None:
    """Offsets of the first TOML string literal holding `value` at or after `start`."""
    best: tuple[int, int] | None = None
    for quote in ('"', "'"):
        index = text.find(f"{quote}{value}{quote}", start)
        if index >= 0 and (best is None or index + 1 < best[0]):
            best = (index + 1, index + 1 + len(value))
    return best


def _header_offset(text: str, header: str) -> int | None:
    match = re.search(rf"^\s*\[\s*{re.escape(header)}\s*\]\s*(#.*)?$", text, re.MULTILINE)
    return match.end() if match else None


def _key_offset(text: str, key: str, start: int) -> int:
    match = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=", re.MULTILINE).search(text, start)
    return match.start() if match else start


def poetry_specifier(constraint: str) -> str | None:
    """Poetry's `^1.2`, `~1.2.3`, `1.2.*`, `*` as a PEP 440 specifier (None: any version)."""
    parts = []
    for piece in constraint.split(","):
        piece = piece.strip()
        if not piece or piece == "*":
            continue
        if "||" in piece:
            return None  # an alternative cannot be one SpecifierSet: do not check it
        if piece[0] in "^~" and not piece.startswith("~="):
            numbers = [int(n) for n in re.findall(r"\d+", piece[1:].split("-")[0])[:3]]
            if not numbers:
                raise InvalidSpecifier(piece)
            base = ".".join(map(str, numbers))
            if piece[0] == "^":
                index = next((i for i, n in enumerate(numbers) if n != 0), len(numbers) - 1)
            else:
                index = 0 if len(numbers) == 1 else 1
            upper = [*numbers[:index], numbers[index] + 1]
            parts += [f">={base}", f"<{'.'.join(map(str, upper))}"]
        elif piece[0].isdigit():
            parts.append(f"=={piece}")
        else:
            parts.append(piece)
    if not parts:
        return None
    spec = ",".join(parts)
    SpecifierSet(spec)  # raises InvalidSpecifier for garbage
    return spec


def _read_pyproject(project: Project, result: DeclaredRequirements) -> None:
    path = "pyproject.toml"
    text = project.read_text(path)
    if text is None:
        return
    positions = _Positions(text)
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError) as error:
        match = re.search(r"line (\d+), column (\d+)", str(error))
        if match:
            line, column = int(match[1]) - 1, max(0, int(match[2]) - 1)
        elif "end of document" in str(error):
            end = positions.position(len(text))
            line, column = end.line, end.character
        else:
            line = column = 0
        where = Range.of(line, column, line, column)
        result.problems.append(
            RequirementProblem(path, where, "", f"pyproject.toml is not valid TOML: {error}")
        )
        return
    result.files.append(path)
    table = data.get("project")
    if isinstance(table, dict):
        start = _header_offset(text, "project") or 0
        python = table.get("requires-python")
        if isinstance(python, str):
            _python_requirement(result, path, text, positions, python, start)
        deps = table.get("dependencies")
        if isinstance(deps, list):
            cursor = _key_offset(text, "dependencies", start)
            _pep621_list(result, path, text, positions, deps, cursor, None)
        optional = table.get("optional-dependencies")
        if isinstance(optional, dict):
            base = _header_offset(text, "project.optional-dependencies")
            if base is None:
                base = _key_offset(text, "optional-dependencies", start)
            for group, entries in optional.items():
                if isinstance(entries, list):
                    cursor = _key_offset(text, str(group), base)
                    _pep621_list(result, path, text, positions, entries, cursor, str(group))
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):  # PEP 735: never installed with the package
        base = _header_offset(text, "dependency-groups") or 0
        for group, entries in groups.items():
            if isinstance(entries, list):
                cursor = _key_offset(text, str(group), base)
                strings = [e for e in entries if isinstance(e, str)]  # {include-group = ...}
                _pep621_list(
                    result, path, text, positions, strings, cursor, str(group), default="dev"
                )
    tool = data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    deps = poetry.get("dependencies") if isinstance(poetry, dict) else None
    if isinstance(deps, dict):
        _poetry_table(result, path, text, positions, deps)
    if isinstance(poetry, dict):
        _poetry_groups(result, path, text, positions, poetry)


def _python_requirement(
    result: DeclaredRequirements,
    path: str,
    text: str,
    positions: _Positions,
    value: str,
    start: int,
    convert: bool = False,
) -> None:
    found = _find_string(text, value, start) or (start, start)
    where = positions.range(*found)
    try:
        spec_text = poetry_specifier(value) if convert else value
        specifier = SpecifierSet(spec_text or "")
    except InvalidSpecifier:
        result.problems.append(
            RequirementProblem(path, where, value, f"`{value}` is not a valid version specifier")
        )
        return
    result.python.append(PythonRequirement(specifier, path, where, value))


def _pep621_list(
    result: DeclaredRequirements,
    path: str,
    text: str,
    positions: _Positions,
    entries: list[Any],
    cursor: int,
    group: str | None,
    default: str = "optional",
) -> None:
    scope = "runtime" if group is None else group_scope(group, default)
    for entry in entries:
        if not isinstance(entry, str):
            continue
        found = _find_string(text, entry, cursor)
        if found is not None:
            cursor = found[1]
        where = positions.range(*found) if found else positions.range(cursor, cursor)
        try:
            requirement = Requirement(entry)
        except InvalidRequirement as error:
            message = str(error).splitlines()[0]
            result.problems.append(
                RequirementProblem(path, where, entry, f"not a valid requirement: {message}")
            )
            continue
        result.requirements.append(
            DeclaredRequirement(
                canonicalize_name(requirement.name),
                requirement,
                path,
                where,
                entry,
                "pyproject",
                group is None,
                group=group,
                url=requirement.url,
                scope=scope,
            )
        )


def _poetry_groups(
    result: DeclaredRequirements,
    path: str,
    text: str,
    positions: _Positions,
    poetry: dict[str, Any],
) -> None:
    """`[tool.poetry.group.<name>.dependencies]` and the older `[tool.poetry.dev-dependencies]`
    (neither is installed with the package)."""
    legacy = poetry.get("dev-dependencies")
    if isinstance(legacy, dict):
        _poetry_table(
            result, path, text, positions, legacy, "tool.poetry.dev-dependencies", "dev", None
        )
    groups = poetry.get("group")
    if not isinstance(groups, dict):
        return
    for name, table in groups.items():
        deps = table.get("dependencies") if isinstance(table, dict) else None
        if isinstance(deps, dict):
            header = f"tool.poetry.group.{name}.dependencies"
            scope = group_scope(str(name), "dev")
            _poetry_table(result, path, text, positions, deps, header, scope, str(name))


def _poetry_table(
    result: DeclaredRequirements,
    path: str,
    text: str,
    positions: _Positions,
    deps: dict[str, Any],
    header: str = "tool.poetry.dependencies",
    scope: str = "runtime",
    group: str | None = None,
) -> None:
    base = _header_offset(text, header) or 0
    for name, value in deps.items():
        key_at = _key_offset(text, name, base)
        line_end = text.find("\n", key_at)
        line_end = len(text) if line_end < 0 else line_end
        key_start = key_at + (len(text[key_at:line_end]) - len(text[key_at:line_end].lstrip()))
        where = positions.range(key_start, line_end)
        shown = text[key_start:line_end].strip()
        if name.lower() == "python":
            if isinstance(value, str) and header == "tool.poetry.dependencies":
                _python_requirement(result, path, text, positions, value, key_at, convert=True)
            continue
        optional = False
        marker = ""
        if isinstance(value, dict):
            optional = bool(value.get("optional"))
            if "python" in value and isinstance(value["python"], str):
                try:
                    python_spec = poetry_specifier(value["python"])
                except InvalidSpecifier:
                    python_spec = None
                if python_spec:
                    marker = " and ".join(
                        f'python_version {s.operator} "{s.version}"'
                        for s in SpecifierSet(python_spec)
                    )
            if isinstance(value.get("markers"), str):
                marker = f"({value['markers']})" + (f" and ({marker})" if marker else "")
            version = value.get("version", "*")
        elif isinstance(value, list):
            continue  # multiple-constraint dependencies: too varied to check
        else:
            version = value
        try:
            spec = poetry_specifier(str(version)) or ""
            requirement = Requirement(f"{name}{spec}" + (f"; {marker}" if marker else ""))
        except (InvalidSpecifier, InvalidRequirement) as error:
            result.problems.append(
                RequirementProblem(path, where, shown, f"Poetry cannot read `{version}`: {error}")
            )
            continue
        result.requirements.append(
            DeclaredRequirement(
                canonicalize_name(requirement.name),
                requirement,
                path,
                where,
                shown,
                "poetry",
                scope == "runtime" and not optional,
                group=group,
                scope=scope if not optional or scope != "runtime" else "optional",
            )
        )


# --- Pipfile ----------------------------------------------------------------------------------------


def _read_pipfile(project: Project, result: DeclaredRequirements) -> None:
    """Pipfile `[packages]` (runtime, not checked by DEP001: pipenv reads its lock) and
    `[dev-packages]`."""
    path = "Pipfile"
    text = project.read_text(path)
    if text is None:
        return
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return  # pipenv reports its own parse errors; this file is not ours to judge
    positions = _Positions(text)
    for header, scope in (("packages", "runtime"), ("dev-packages", "dev")):
        table = data.get(header)
        if not isinstance(table, dict):
            continue
        base = _header_offset(text, header) or 0
        for name, value in table.items():
            version = value.get("version", "*") if isinstance(value, dict) else value
            spec = "" if not isinstance(version, str) or version.strip() == "*" else version
            key_at = _key_offset(text, str(name), base)
            line_end = text.find("\n", key_at)
            line_end = len(text) if line_end < 0 else line_end
            try:
                requirement = Requirement(f"{name}{spec}")
            except InvalidRequirement:
                continue
            result.requirements.append(
                DeclaredRequirement(
                    canonicalize_name(requirement.name),
                    requirement,
                    path,
                    positions.range(key_at, line_end),
                    text[key_at:line_end].strip(),
                    "pipfile",
                    False,
                    group=header,
                    scope=scope,
                )
            )
    if path not in result.files:
        result.files.append(path)


# --- everything ------------------------------------------------------------------------------------


def declared_requirements(project: Project) -> DeclaredRequirements:
    """Every requirement the project declares, kept until one of the files it read changes
    (editing a Python module does not re-read the requirements)."""
    cached = project.derived("declared-requirements")
    if isinstance(cached, DeclaredRequirements):
        return cached
    result = DeclaredRequirements()
    reader = _FileReader(project, result)
    files = _requirement_files(project)
    primaries = [p for p in PRIMARY_FILES if p in files]
    if not primaries and "requirements.in" in files:
        primaries = ["requirements.in"]
    for path in primaries:
        reader.read(path, "requirements", primary=True)
    for path in files:
        kind = "constraint" if path.rsplit("/", 1)[-1].startswith("constraints") else "requirements"
        reader.read(path, kind, primary=False)
    if project.exists("pyproject.toml"):
        _read_pyproject(project, result)
    if project.exists("Pipfile"):
        _read_pipfile(project, result)
    sources = {*files, *result.files, "pyproject.toml", "Pipfile"}
    return project.keep_derived("declared-requirements", result, sources)  # type: ignore[no-any-return]
