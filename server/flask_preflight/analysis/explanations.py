"""What Flask Preflight knows about a place in a file, as Markdown: the install state of the
requirement there, or the app an entry-point target there loads (or why it fails)."""

from __future__ import annotations

from .entrypoints import check_declaration, find_declarations
from .environment.project_environment import project_environment
from .model import Position, Range
from .project import Project
from .requirements import declared_requirements


def _inside(rng: Range, position: Position) -> bool:
    return rng.start <= position <= rng.end


def explain_requirement(
    project: Project, path: str, position: Position
) -> tuple[str, Range] | None:
    declared = declared_requirements(project)
    line = next(
        (r for r in declared.requirements if r.path == path and _inside(r.range, position)), None
    )
    if line is None:
        return None
    env = project_environment(project)
    if env is None:
        return f"**{line.text}**\n\nNo workspace interpreter is selected.", line.range
    dist = env.get(line.name)
    where = f"`{env.interpreter}`"
    if dist is None or dist.version is None:
        return f"**{line.text}**\n\n❌ Not installed in {where}.", line.range
    specifier = line.requirement.specifier
    if not specifier or specifier.contains(dist.version, prereleases=True):
        verdict = f"✅ {dist.display_name} {dist.version} is installed in {where}"
        if specifier:
            verdict += f" and satisfies `{specifier}`"
        return f"**{line.text}**\n\n{verdict}.", line.range
    return (
        f"**{line.text}**\n\n❌ {dist.display_name} {dist.version} is installed in {where}, "
        f"which does not satisfy `{specifier}`.",
        line.range,
    )


def explain_entrypoint(project: Project, path: str, position: Position) -> tuple[str, Range] | None:
    declaration = next(
        (d for d in find_declarations(project) if d.source == path and _inside(d.range, position)),
        None,
    )
    if declaration is None:
        return None
    verdict = check_declaration(project, declaration)
    shown = declaration.target or "(default)"
    head = f"**{declaration.server}** loads `{shown}`"
    if declaration.cwd:
        head += f" from `{declaration.cwd}/`"
    if verdict.status == "ok" and verdict.app is not None:
        app = verdict.app
        body = f"✅ {app.kind} `{app.name}` at `{app.module}:{app.line + 1}`"
    elif verdict.status == "ok":
        body = "✅ resolves"
    elif verdict.status == "unknown":
        body = f"❔ cannot be checked statically: {verdict.message}"
    else:
        body = f"❌ {verdict.rule or verdict.status}: {verdict.message}"
    return f"{head}\n\n{body}", declaration.range


def explain_startup_import(
    project: Project, path: str, position: Position
) -> tuple[str, Range] | None:
    """DEP009 on an import line: the chain to the failing statement, each frame linked to its
    file and line (site-packages files included), and the exact exception."""
    from pathlib import Path

    from .startup_imports import predict_startup_failures, relative_to_site

    prediction = predict_startup_failures(project)
    if prediction is None:
        return None
    for failure in prediction.failures:
        first = failure.frames[0]
        if first.path != path or first.line - 1 != position.line:
            continue
        lines = [f"**The app fails at start**: `{failure.error}`", ""]
        for index, frame in enumerate(failure.frames, 1):
            absolute = project.abspath(frame.path) if frame.in_project else Path(frame.path)
            shown = (
                frame.path if frame.in_project else relative_to_site(frame.path, prediction.search)
            )
            link = f"{absolute.as_uri()}#L{frame.line}"
            lines.append(f"{index}. [{shown}:{frame.line}]({link}) `{frame.text}`")
        source = project.source(path)
        text = source.line(position.line) if source is not None else ""
        return "\n".join(lines), Range.of(position.line, 0, position.line, len(text.rstrip()))
    return None


def explain_at(project: Project, path: str, position: Position) -> tuple[str, Range] | None:
    """Markdown about what is at `position` in `path`, and the range it is about."""
    return (
        explain_requirement(project, path, position)
        or explain_entrypoint(project, path, position)
        or (explain_startup_import(project, path, position) if path.endswith(".py") else None)
    )
