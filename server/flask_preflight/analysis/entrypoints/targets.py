"""Target grammars, parsed exactly as gunicorn, uWSGI, Flask's `--app` and waitress parse them.

gunicorn (`util.import_app`): `MODULE[:EXPR]`, split on the first ':'; no EXPR means the name
`application`; EXPR must parse as a bare name or a call of a bare name with literal arguments.
Flask (`ScriptInfo.load_app`): `PATH[:EXPR]`, split on the first ':' not followed by a path
separator; PATH is a dotted module or a file/directory path (`prepare_import`); no EXPR means
discovery (`app`, `application`, the only app, then `create_app`/`make_app`).
uWSGI (`uwsgi_uwsgi_loader`): `MODULE[:NAME]` with `callable` (default `application`) as the
fallback name; a NAME ending in `()` is called with no arguments, nothing else is evaluated.
waitress-serve: `MODULE:OBJECT` (OBJECT may be dotted), `--call` calls it without arguments.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

#: What a shell would treat specially: a target holding these outside a quoted argument was
#: not meant as a target (`app:app; rm -rf ~`), or carries an expansion we cannot evaluate.
_SHELL_META = re.compile(r"[;&|<>`$\s\"'\\*?!{}]")
_STRING_LITERAL = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"")
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_FLASK_SPLIT = re.compile(r":(?![\\/])")


class TargetError(ValueError):
    """The server refuses the target; the message is what the server prints (or close)."""


@dataclass(frozen=True)
class Target:
    """A parsed target. `module` is a dotted name, or for Flask a file/directory path
    (`path_form`). `name` None means the server's default lookup."""

    module: str
    name: str | None
    call: bool = False
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    path_form: bool = False

    def text(self) -> str:
        if self.name is None:
            return self.module
        return f"{self.module}:{self.expression()}"

    def expression(self) -> str:
        if self.name is None:
            return ""
        if not self.call:
            return self.name
        parts = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return f"{self.name}({', '.join(parts)})"


def reject_unsafe(text: str, server: str) -> None:
    """SRV004's guard against injection: options and shell syntax are never targets."""
    if not text:
        raise TargetError(f"{server} was given an empty target")
    if text.startswith("-"):
        raise TargetError(f"{text!r} starts with '-': {server} reads it as an option, not a target")
    # Quoted arguments of a factory call may hold anything; the rest may not.
    match = _SHELL_META.search(
        _STRING_LITERAL.sub("''", text.strip()).replace("''", "").replace(" ", "")
    )
    if match is None and "\n" in text:
        match = re.search("\n", text)
    if match:
        raise TargetError(
            f"{text!r} holds {match.group()!r}, which no module or attribute name contains: "
            "it is shell syntax, not a target"
        )


def _expression(obj: str, display: str) -> tuple[str, bool, tuple[Any, ...], dict[str, Any]]:
    """Parse EXPR like gunicorn's and Flask's `ast.parse(obj, mode="eval")` do."""
    try:
        expression = ast.parse(obj, mode="eval").body
    except SyntaxError:
        raise TargetError(
            f"Failed to parse {display!r} as an attribute name or function call."
        ) from None
    if isinstance(expression, ast.Name):
        return expression.id, False, (), {}
    if isinstance(expression, ast.Call):
        if not isinstance(expression.func, ast.Name):
            raise TargetError(f"Function reference must be a simple name: {display!r}")
        try:
            args = tuple(ast.literal_eval(arg) for arg in expression.args)
            kwargs = {
                kw.arg: ast.literal_eval(kw.value)
                for kw in expression.keywords
                if kw.arg is not None
            }
        except ValueError:
            raise TargetError(f"Failed to parse arguments as literal values: {display!r}") from None
        return expression.func.id, True, args, kwargs
    raise TargetError(f"Failed to parse {display!r} as an attribute name or function call.")


def parse_gunicorn(text: str) -> Target:
    reject_unsafe(text, "gunicorn")
    module, sep, obj = text.partition(":")
    if not sep:
        obj = "application"
    if module.endswith(".py"):
        raise TargetError(
            f"Failed to find application, did you mean '{module[:-3].replace('/', '.')}:{obj}'?"
        )
    if not _DOTTED.match(module):
        raise TargetError(
            f"No module named {module!r}: gunicorn imports a dotted module name "
            "(use --chdir for a folder)"
        )
    name, call, args, kwargs = _expression(obj, obj)
    return Target(module, name, call, args, kwargs)


def parse_flask(text: str) -> Target:
    """Flask's `--app`/FLASK_APP value (Flask strips whitespace around the expression)."""
    reject_unsafe(text.strip(), "flask")
    parts = _FLASK_SPLIT.split(text, maxsplit=1)
    path = parts[0]
    if not path:
        raise TargetError(f"Could not import {path!r}.")
    path_form = path.endswith(".py") or "/" in path  # (a backslash is refused above)
    if not path_form and not _DOTTED.match(path):
        raise TargetError(f"Could not import {path!r}.")
    if len(parts) == 1:
        return Target(path, None, path_form=path_form)
    name, call, args, kwargs = _expression(parts[1].strip(), parts[1])
    return Target(path, name, call, args, kwargs, path_form=path_form)


def parse_uwsgi(module_text: str, callable_name: str | None = None) -> Target:
    reject_unsafe(module_text, "uwsgi")
    module, sep, quick = module_text.partition(":")
    name = quick if sep else (callable_name or "application")
    if not _DOTTED.match(module):
        raise TargetError(f"ImportError: No module named {module!r}")
    call = name.endswith("()")
    bare = name[:-2] if call else name
    if not bare.isidentifier():
        raise TargetError(f"unable to find {name!r} in module {module!r}: not a plain name")
    return Target(module, bare, call)


def parse_waitress(text: str, call: bool = False) -> Target:
    reject_unsafe(text, "waitress-serve")
    module, sep, obj = text.partition(":")
    if not sep or not obj:
        raise TargetError(f"Malformed application {text!r}: waitress-serve needs MODULE:OBJECT")
    if not _DOTTED.match(module) or not _DOTTED.match(obj):
        raise TargetError(f"Malformed application {text!r}")
    return Target(module, obj, call)


def parse_target(server: str, text: str, callable_name: str | None = None) -> Target:
    if server == "gunicorn":
        return parse_gunicorn(text)
    if server == "flask":
        return parse_flask(text)
    if server == "uwsgi":
        return parse_uwsgi(text, callable_name)
    if server == "waitress":
        return parse_waitress(text)
    raise TargetError(f"{server} does not take a WSGI target")
