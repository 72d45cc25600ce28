"""gunicorn.conf.py read with `ast` (never executed): wsgi_app, chdir, bind, pythonpath."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ...model import Range
from ...project import Project


@dataclass
class GunicornConfig:
    path: str
    wsgi_app: tuple[str, Range] | None = None
    chdir: str | None = None
    bind: list[str] = field(default_factory=list)
    bind_reads_port: bool = False  # bind computed from the PORT environment variable
    bind_dynamic: bool = False  # bind computed in a way we cannot follow
    pythonpath: str | None = None
    reload: bool = False
    error: str = ""  # why gunicorn would refuse the file
    error_range: Range = field(default_factory=lambda: Range.line_start(0))
    dynamic: list[str] = field(default_factory=list)  # settings we cannot read statically


def _literal(node: ast.expr) -> object:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def read_gunicorn_config(project: Project, relpath: str) -> GunicornConfig | None:
    module = project.module(relpath)
    if module is None:
        return None
    config = GunicornConfig(relpath)
    if module.tree is None:
        where = ""
        try:
            ast.parse(module.text)
        except SyntaxError as error:
            line = max((error.lineno or 1) - 1, 0)
            config.error_range = Range.line_start(line)
            where = f" (line {line + 1}: {error.msg})"
        except (ValueError, RecursionError, MemoryError):
            pass
        config.error = (
            f"{relpath} does not parse as Python{where}: gunicorn stops with "
            "'Failed to read config file'"
        )
        return config
    for stmt in module.tree.body:
        if isinstance(stmt, ast.Assign):
            targets = [t.id for t in stmt.targets if isinstance(t, ast.Name)]
            value = stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value:
            targets, value = [stmt.target.id], stmt.value
        else:
            continue
        literal = _literal(value)
        for name in targets:
            if name == "wsgi_app":
                if isinstance(literal, str) and isinstance(value, ast.Constant):
                    rng = module.range_of(value)
                    # The target text sits inside the quotes.
                    rng = Range.of(
                        rng.start.line, rng.start.character + 1, rng.end.line, rng.end.character - 1
                    )
                    if module.segment(value)[:1] not in "'\"":
                        rng = module.range_of(value)
                    config.wsgi_app = (literal, rng)
                else:
                    config.dynamic.append("wsgi_app")
            elif name == "chdir":
                if isinstance(literal, str):
                    config.chdir = literal
                else:
                    config.dynamic.append("chdir")
            elif name == "bind":
                if isinstance(literal, str):
                    config.bind = [literal]
                elif isinstance(literal, (list, tuple)) and all(
                    isinstance(b, str) for b in literal
                ):
                    config.bind = list(literal)  # type: ignore[arg-type]
                else:
                    text = module.segment(value)
                    config.bind_reads_port = "PORT" in text
                    config.bind_dynamic = not config.bind_reads_port
            elif name == "pythonpath" and isinstance(literal, str):
                config.pythonpath = literal
            elif name == "reload":
                config.reload = literal is True
    return config
