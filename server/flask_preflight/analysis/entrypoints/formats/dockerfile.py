"""Dockerfiles: the final stage's CMD/ENTRYPOINT, run from WORKDIR with ENV, where COPY put
the project's files (so a container path maps back to a project folder)."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ...project import Project
from ...source import SourceText
from ..command_lines import CommandSite, declarations_from_shell, declarations_from_words
from ..declarations import Declaration
from ..text.located import Located
from ..text.shell_words import Word, split_words

_INSTRUCTION = re.compile(r"^[ \t]*([A-Za-z]+)(?:[ \t]+|$)")
_ESCAPE_DIRECTIVE = re.compile(r"^#\s*escape\s*=\s*(\S)", re.IGNORECASE)
_JSON_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def is_dockerfile(relpath: str) -> bool:
    name = posixpath.basename(relpath)
    return name.startswith("Dockerfile") or name.endswith(".dockerfile") or name == "Containerfile"


@dataclass
class Instruction:
    keyword: str
    args: Located  # the arguments, continuation lines joined


def instructions(source: SourceText) -> list[Instruction]:
    """Instructions with continuation lines joined (comments inside them dropped, as Docker does)."""
    escape = "\\"
    lines = source.lines
    for line in lines[:5]:
        directive = _ESCAPE_DIRECTIVE.match(line)
        if directive:
            escape = directive.group(1)
            break
        if not line.startswith("#"):
            break
    found: list[Instruction] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        match = _INSTRUCTION.match(line)
        if not match or line.lstrip().startswith("#"):
            index += 1
            continue
        base = source.line_starts[index]
        parts = [Located.span(source, base + match.end(), base + len(line))]
        while parts[-1].text.rstrip().endswith(escape) and index + 1 < len(lines):
            last = parts[-1]
            cut = len(last.text.rstrip()) - 1
            parts[-1] = last.slice(0, cut)
            index += 1
            while index < len(lines) and lines[index].lstrip().startswith("#"):
                index += 1
            if index >= len(lines):
                break
            base = source.line_starts[index]
            parts.append(Located.span(source, base, base + len(lines[index])))
        found.append(Instruction(match.group(1).upper(), Located.join(parts)))
        index += 1
    return found


def exec_form(args: Located) -> list[Word] | None:
    """Words of a JSON-array (exec form) argument, or None for the shell form."""
    text = args.text.strip()
    if not (text.startswith("[") and text.endswith("]")):
        return None
    try:
        values = json.loads(text)
    except ValueError:
        return None  # Docker itself then runs it as a shell command
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        return None
    offset = len(args.text) - len(args.text.lstrip())
    words = []
    # One match per string of the list json.loads read (nothing else in it is quoted).
    for match, value in zip(_JSON_STRING.finditer(text), values):
        start, end = offset + match.start(), offset + match.end()
        words.append(Word(value, start, end, (start + 1, end - 1), quoted=True))
    return words


@dataclass
class Stage:
    workdir: str = "/"
    env: dict[str, str] = field(default_factory=dict)
    copies: list[tuple[str, str]] = field(default_factory=list)  # (container dir, project dir)
    cmd: Instruction | None = None
    entrypoint: Instruction | None = None
    name: str = ""
    #: Container folders filled from another stage's build steps (`COPY --from=`) or files
    #: we cannot trace: what they hold is unknown, so nothing is judged missing there.
    opaque: list[str] = field(default_factory=list)
    args: dict[str, str] = field(default_factory=dict)  # ARG defaults, for expansion only
    #: A compose service running a named image with no build: its WORKDIR is not shown.
    image_only: bool = False
    #: The RUN step that installs the project (or a package) into the image, if any.
    installs: str = ""
    #: CMD/ENTRYPOINT written in this stage (not inherited): a target someone runs.
    own_command: bool = False
    #: The image the stage chain starts from (`python:3.12-slim`, or `base` built elsewhere).
    base_image: str = ""

    def inherit(self, name: str) -> Stage:
        """A stage built `FROM` this one: same WORKDIR, ENV and files."""
        return Stage(
            self.workdir,
            dict(self.env),
            list(self.copies),
            self.cmd,
            self.entrypoint,
            name,
            list(self.opaque),
            dict(self.args),
            False,
            self.installs,
            False,
            self.base_image,
        )

    def variables(self) -> dict[str, str]:
        return {**self.args, **self.env}


def opaque_reason(stage: Stage) -> str:
    """Why the working directory's files are unknown ('' when they are known)."""
    folder = next((o for o in stage.opaque if _inside(stage.workdir, o)), None)
    if folder is None:
        return ""
    return (
        f"{folder} is filled from another build stage by steps we do not follow, "
        "so what it holds is unknown"
    )


def _container_path(stage: Stage, path: str) -> str:
    return posixpath.normpath(posixpath.join(stage.workdir, path))


def _expand(text: str, variables: dict[str, str]) -> str:
    """`$VAR`, `${VAR}`, `${VAR:-default}` expanded as Docker does (unset ones left as written)."""
    words = split_words(_quote(text), variables)
    return words[0].value if len(words) == 1 and not words[0].unset else text


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _env_pairs(args: str, variables: dict[str, str] | None = None) -> dict[str, str]:
    """`ENV`/`ARG` pairs: `K=v K2="v 2"`, or the legacy `ENV K value with spaces`."""
    variables = dict(variables or {})
    pairs: dict[str, str] = {}
    stripped = args.strip()
    first = stripped.split(None, 1)[0] if stripped else ""
    if first and "=" not in first:
        key, _, value = stripped.partition(" ")
        value = value.strip()
        if not value:
            return {key: ""} if key else {}  # ARG NAME with no default
        words = [w for w in split_words(value, variables) if not w.operator]
        if any(w.unset for w in words):
            return pairs
        pairs[key] = " ".join(w.value for w in words)
        return pairs
    for word in split_words(args):
        if word.operator:
            continue
        key, sep, raw = word.value.partition("=")
        if not sep:
            continue
        # Values are expanded with the variables known before this instruction.
        inner = [w for w in split_words(_quote(raw), variables) if not w.operator]
        if not inner[0].unset:  # the quoted value is always one word
            pairs[key] = inner[0].value
    return pairs


_PIP_INSTALL = re.compile(r"\b(?:pip[0-9.]*|uv pip|pipx)\s+install\b([^;&|]*)")
_OTHER_INSTALLS = re.compile(
    r"\bsetup\.py\s+(?:install|develop)\b|\bpoetry\s+install\b(?![^;&|]*--no-root)"
    r"|\buv\s+sync\b(?![^;&|]*--no-install-project)|\bpdm\s+install\b"
)
_PIP_VALUED = frozenset(
    {"-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url",
     "-f", "--find-links", "-t", "--target", "--prefix", "--root", "--trusted-host"}
)  # fmt: skip


def installs_packages(run: str, project_packages: frozenset[str] = frozenset()) -> str:
    """The install a RUN step makes that can put the app's own package on sys.path (the
    project itself, a wheel, or a named package; not requirement files), or ''."""
    other = _OTHER_INSTALLS.search(run)
    if other:
        return f"the image runs `{other.group(0).strip()}`, so the app may be imported from the installed package"
    for match in _PIP_INSTALL.finditer(run):
        words = match.group(1).split()
        i = 0
        while i < len(words):
            word = words[i]
            if word in _PIP_VALUED:
                i += 2
                continue
            if word.startswith("-"):  # a flag, or -e/--editable before the path it takes
                i += 1
                continue
            name = re.split(r"[\[<>=!~;@ ]", word.strip("\"'"), maxsplit=1)[0]
            local = name.startswith((".", "/", "file:")) or name.endswith((".whl", ".tar.gz"))
            if local or name.lower().replace("-", "_") in project_packages:
                shown = " ".join(match.group(0).split())
                return (
                    f"the image runs `{shown}`, so the app may be imported from an "
                    "installed package"
                )
            i += 1
    return ""


def _from(text: str, stages: list[Stage], global_args: dict[str, str]) -> Stage:
    words = [w for w in text.split() if not w.startswith("--")]
    image = _expand(words[0], global_args) if words else ""
    name = words[2] if len(words) >= 3 and words[1].lower() == "as" else ""
    for earlier in reversed(stages):
        if earlier.name and earlier.name.lower() == image.lower():
            return earlier.inherit(name)
    return Stage(name=name, base_image=image)


#: Official images that hold no WSGI server of their own (a server in the image comes from
#: the Dockerfile's own install steps).
PLAIN_BASE_IMAGES = frozenset(
    {"python", "pypy", "ubuntu", "debian", "alpine", "fedora", "centos", "rockylinux",
     "almalinux", "amazonlinux", "busybox", "buildpack-deps", "scratch", "node", "nginx",
     "redhat/ubi8", "redhat/ubi9", "registry.access.redhat.com/ubi8/python-311",
     "continuumio/miniconda3", "mcr.microsoft.com/devcontainers/python"}
)  # fmt: skip


def plain_base(image: str) -> bool:
    """Whether `image` is an official OS/language image (no server preinstalled)."""
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    repository = name.rsplit(":", 1)[0] if ":" in last else name
    repository = repository.removeprefix("docker.io/").removeprefix("library/")
    return repository in PLAIN_BASE_IMAGES


def read_stages(
    source: SourceText,
    context: str,
    is_dir: Callable[[str], bool] = lambda _: False,
    project_packages: frozenset[str] = frozenset(),
) -> list[Stage]:
    stages: list[Stage] = []
    global_args: dict[str, str] = {}
    for instruction in instructions(source):
        text = instruction.args.text.strip()
        keyword = instruction.keyword
        if keyword == "FROM":
            stages.append(_from(text, stages, global_args))
            continue
        if not stages:
            if keyword == "ARG":
                global_args.update(_env_pairs(text, global_args))
            continue
        stage = stages[-1]
        if keyword == "WORKDIR":
            stage.workdir = _container_path(stage, _expand(text, stage.variables()) or "/")
        elif keyword == "ENV":
            stage.env.update(_env_pairs(text, stage.variables()))
        elif keyword == "ARG":
            for key, value in _env_pairs(text, stage.variables()).items():
                # `ARG NAME` re-declares a global ARG inside the stage; a default applies
                # unless a build argument overrides it, which we cannot see.
                stage.args[key] = value or global_args.get(key, "")
        elif keyword in ("COPY", "ADD"):
            _copy(stage, instruction, text, context, stages, is_dir)
        elif keyword == "RUN":
            stage.installs = stage.installs or installs_packages(text, project_packages)
        elif keyword == "CMD":
            stage.cmd = instruction
            stage.own_command = True
        elif keyword == "ENTRYPOINT":
            stage.entrypoint = instruction
            stage.own_command = True
    return stages or [Stage()]


def _copy(
    stage: Stage,
    instruction: Instruction,
    text: str,
    context: str,
    stages: list[Stage],
    is_dir: Callable[[str], bool],
) -> None:
    variables = stage.variables()
    words = [w.value for w in split_words(text) if not w.operator]
    from_stage = next((w.split("=", 1)[1] for w in words if w.startswith("--from=")), None)
    paths = [_expand(w, variables) for w in words if not w.startswith("--")]
    as_list = exec_form(instruction.args)
    if as_list is not None:
        paths = [_expand(w.value, variables) for w in as_list]
    if len(paths) < 2:
        return
    *sources, dest = paths
    dest_dir = _container_path(stage, dest)
    if from_stage is not None:
        _copy_from_stage(stage, from_stage, sources, dest, dest_dir, stages)
        return
    for src in sources:
        src_path = posixpath.normpath(posixpath.join(context or ".", src))
        if src_path.startswith(".."):
            continue
        src_path = "" if src_path == "." else src_path
        base = posixpath.basename(src.rstrip("/"))
        folder = src in (".", "./") or is_dir(src_path) or ("." not in base and base != "")
        if folder:
            stage.copies.append((dest_dir, src_path))
            continue
        target_dir = dest_dir
        # `COPY app.py ./app.py`: a file copied to a file name, not into a folder (`.` is the
        # working directory itself: `COPY app.py .` puts app.py in it).
        dest_base = posixpath.basename(dest)
        to_name = dest_base == base or ("." in dest_base and dest_base not in (".", ".."))
        if len(sources) == 1 and not dest.endswith("/") and to_name:
            target_dir = posixpath.dirname(dest_dir)
        # A file copied into a folder: the folder holds what sits beside it.
        stage.copies.append((target_dir, posixpath.dirname(src_path)))


def _copy_from_stage(
    stage: Stage,
    name: str,
    sources: list[str],
    dest: str,
    dest_dir: str,
    stages: list[Stage],
) -> None:
    origin = next((s for s in stages[:-1] if s.name and s.name.lower() == name.lower()), None)
    for src in sources:
        mapped = None
        if origin is not None:
            mapped = container_dir_mapper(origin)(
                posixpath.normpath(posixpath.join(origin.workdir, src))
            )
        if (
            mapped is not None
            and origin is not None
            and not any(_inside(posixpath.join(origin.workdir, src), o) for o in origin.opaque)
        ):
            stage.copies.append((dest_dir, mapped))
        else:
            stage.opaque.append(dest_dir)


def _inside(path: str, folder: str) -> bool:
    path, folder = posixpath.normpath(path), posixpath.normpath(folder)
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def container_dir_mapper(stage: Stage) -> Callable[[str], str | None]:
    """Map a container directory to the project folder whose files were copied there."""

    def map_dir(path: str) -> str | None:
        path = posixpath.normpath(path)
        best: tuple[int, str] | None = None
        for dest, src in stage.copies:
            if path == dest or path.startswith(dest.rstrip("/") + "/"):
                rest = posixpath.relpath(path, dest)
                mapped = src if rest == "." else posixpath.join(src, rest) if src else rest
                if best is None or len(dest) >= best[0]:
                    best = (len(dest), mapped)
        return None if best is None else best[1]

    return map_dir


def _commands(stage: Stage) -> list[tuple[Located, list[Word] | None, str]]:
    """What the container runs: an exec-form ENTRYPOINT with an exec-form CMD appended as
    its arguments (Docker's rule), else ENTRYPOINT, then CMD on their own."""
    found: list[tuple[Located, list[Word] | None, str]] = []
    entry, cmd = stage.entrypoint, stage.cmd
    entry_words = exec_form(entry.args) if entry is not None else None
    cmd_words = exec_form(cmd.args) if cmd is not None else None
    if entry is not None and cmd is not None and entry_words and cmd_words:
        joined = Located.join([entry.args, cmd.args])
        shift = len(entry.args.text) + 1
        moved = [
            Word(
                w.value,
                w.start + shift,
                w.end + shift,
                (w.inner[0] + shift, w.inner[1] + shift),
                quoted=True,
            )
            for w in cmd_words
        ]
        found.append((joined, entry_words + moved, "ENTRYPOINT"))
    for instruction, words in ((entry, entry_words), (cmd, cmd_words)):
        if instruction is not None:
            found.append((instruction.args, words, instruction.keyword))
    return found


def stage_declarations(
    project: Project,
    relpath: str,
    source: SourceText,
    stage: Stage,
    *,
    context: str,
) -> list[Declaration]:
    map_dir = container_dir_mapper(stage)
    cwd = map_dir(stage.workdir)
    found: list[Declaration] = []
    for located, words, process in _commands(stage):
        site = CommandSite(
            relpath,
            source,
            located,
            cwd=cwd if cwd is not None else "",
            env=dict(stage.env),
            context="container",
            process=process,
            map_dir=map_dir,
            project=project,
        )
        site.arg_style = "json" if words is not None else "shell"
        declarations = (
            declarations_from_words(site, words)
            if words is not None
            else declarations_from_shell(site)
        )
        if stage.installs:
            declarations = [replace(d, installed=stage.installs) for d in declarations]
        opaque = opaque_reason(stage)
        if opaque:
            declarations = [d if d.unknown else replace(d, unknown=opaque) for d in declarations]
        elif cwd is None and not stage.copies:
            # Nothing of the project is copied in: the code comes from the base image.
            why = "the image copies no project files; its code comes from the base image"
            declarations = [
                d if d.cwd or d.unknown else replace(d, unknown=why) for d in declarations
            ]
        elif cwd is None:
            declarations = [_outside(d, stage.workdir) for d in declarations]
        found.extend(declarations)
        if any(d.source == relpath for d in declarations):
            break  # ENTRYPOINT named the server; CMD was only its arguments
    return found


def _outside(declaration: Declaration, workdir: str) -> Declaration:
    if declaration.cwd:
        return declaration  # --chdir moved it into the project
    return replace(declaration, outside_cwd=workdir)


def project_packages(project: Project) -> frozenset[str]:
    """Names of the project's packages (folders with an __init__.py), lower case."""
    return frozenset(
        posixpath.basename(posixpath.dirname(path)).lower()
        for path in project.python_files()
        if path.endswith("/__init__.py")
    )


def guess_context(project: Project, relpath: str, source: SourceText) -> tuple[str, bool]:
    """The build context of a Dockerfile no compose file names: its own folder, unless the
    files it copies are found only from a folder above it (`docker build -f docker/Dockerfile
    .` from the root is the usual case). The flag says whether anything told: a Dockerfile
    below the root that copies only `.` builds from wherever `docker build` was given."""
    sources: list[str] = []
    for instruction in instructions(source):
        if instruction.keyword not in ("COPY", "ADD"):
            continue
        words = [w.value for w in split_words(instruction.args.text) if not w.operator]
        if any(w.startswith("--from") for w in words):
            continue
        paths = [w for w in words if not w.startswith("--")]
        sources.extend(p for p in paths[:-1] if p not in (".", "./") and "$" not in p)
    folder = posixpath.dirname(relpath)
    candidates = [folder]
    while folder:
        folder = posixpath.dirname(folder)
        candidates.append(folder)

    def found(base: str) -> int:
        return sum(
            project.exists(posixpath.normpath(posixpath.join(base or ".", p)))
            for p in sources
            if "*" not in p
        )

    scores = {candidate: found(candidate) for candidate in candidates}
    best = max(candidates, key=scores.__getitem__)  # max keeps the first (nearest) on a tie
    return best, len(candidates) == 1 or scores[best] > 0


def dockerfile_declarations(
    project: Project, relpath: str, context: str | None = None
) -> list[Declaration]:
    source = project.source(relpath)
    if source is None:
        return []
    build_context, told = (
        guess_context(project, relpath, source) if context is None else (context, True)
    )
    stages = read_stages(
        source, build_context, lambda p: project.abspath(p).is_dir(), project_packages(project)
    )
    # The last stage is what `docker build` makes. When it starts no server (an nginx stage
    # at the end), the earlier stages with their own CMD/ENTRYPOINT are the targets built with
    # `--target` (a production stage before a proxy one).
    found = stage_declarations(project, relpath, source, stages[-1], context=build_context)
    if not found:
        for stage in stages[:-1]:
            if stage.own_command:
                found.extend(
                    stage_declarations(project, relpath, source, stage, context=build_context)
                )
    if told:
        return found
    why = (
        f"{relpath} copies only `.`, and no compose file names its build context: a module "
        f"missing from {posixpath.dirname(relpath)}/ may be found from the folder "
        "`docker build` is given (often the project root)"
    )
    return [replace(d, guessed_cwd=why) for d in found]
