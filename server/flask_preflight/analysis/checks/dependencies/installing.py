"""What to tell a user to install and where: the advice, the install fix (a new venv for a
global Python), a pin added to the requirements; and whether an environment can be judged."""

from __future__ import annotations

from packaging.requirements import Requirement

from ...environment.commands import create_venv, install_requirements
from ...environment.model import Environment
from ...known_incompatibilities import Incompatibility
from ...model import Fix, Position, Range, TextEdit
from ...project import Project
from ...requirements import DeclaredRequirements


def usable(env: Environment | None) -> bool:
    return env is not None and env.healthy and bool(env.site_packages)


def install_advice(env: Environment) -> str:
    if not env.is_venv and not env.is_conda:
        return "Create a virtualenv for the project and install the requirements there."
    return "Install the requirements into this interpreter."


def install_fix(env: Environment, path: str, project: Project | None = None) -> tuple[Fix, ...]:
    if project is not None and not env.is_venv and not env.is_conda:
        # a global Python: installing there is what ENV001 warns against (and PEP 668 refuses)
        return (
            Fix(
                f"Create .venv and install the requirements of {path}",
                command=create_venv(str(project.root), path),
            ),
        )
    return (
        Fix(
            f"Install the requirements of {path} into {env.interpreter}",
            command=install_requirements(env.interpreter, path),
        ),
    )


def pin_fix(
    project: Project,
    declared: DeclaredRequirements,
    entry: Incompatibility,
    env: Environment,
    installed_other: str,
) -> tuple[Fix, ...]:
    title = f"Add `{entry.pin}` to the requirements"
    pin = Requirement(entry.pin)
    existing = declared.declared(entry.other)
    if existing is not None and not existing.requirement.specifier.contains(
        installed_other, prereleases=True
    ):
        return install_fix(env, existing.path, project)  # already pinned: only the install is stale
    if existing is not None and existing.kind in ("requirements", "pyproject"):
        old = existing.requirement
        extras = f"[{','.join(sorted(old.extras))}]" if old.extras else ""
        marker = f"; {old.marker}" if old.marker else ""
        new_text = f"{old.name}{extras}{pin.specifier}{marker}"
        title = f"Change `{existing.text}` to `{new_text}`"
        return (Fix(title, (TextEdit(existing.path, existing.range, new_text),), safe=True),)
    package = declared.declared(entry.package)
    if package is not None and package.kind == "pyproject":
        end = package.range.end
        after_quote = Position(end.line, end.character + 1)
        edit = TextEdit(package.path, Range(after_quote, after_quote), f', "{entry.pin}"')
        return (Fix(title, (edit,), safe=True),)
    target = package.path if package is not None and package.kind == "requirements" else None
    target = target or declared.main_file()
    if target is None:
        return ()
    source = project.source(target)
    if source is None:
        return ()
    newline = source.newline
    if package is not None and package.path == target:
        line = package.range.end.line
        if line + 1 < len(source.lines):
            at = Position(line + 1, 0)
            return (Fix(title, (TextEdit(target, Range(at, at), entry.pin + newline),), safe=True),)
    return (Fix(title, (append_line(source.text, target, entry.pin, newline),), safe=True),)


def append_line(text: str, path: str, line: str, newline: str) -> TextEdit:
    from ...source import SourceText

    source = SourceText(text)
    end = source.end_position()
    prefix = "" if not text or text.endswith(("\n", "\r")) else newline
    return TextEdit(path, Range(end, end), prefix + line + newline)
