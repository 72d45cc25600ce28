"""What one module does when it is imported, read with `ast` for a target interpreter: the
names it defines and the imports and module attribute reads it runs at module level, in order.

Facts are plain JSON-able data (they are cached on disk); trees are never kept.
"""

from __future__ import annotations

import ast
import re
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Union

#: Bump when the extraction changes: cached facts of another version are ignored.
FACTS_VERSION = 7

_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_ATTRIBUTE_ERRORS = frozenset({"AttributeError", "Exception", "BaseException"})

Verdict = Union[bool, None]  # True, False, or None (cannot tell statically)


@dataclass(frozen=True)
class Target:
    """The interpreter the facts are for: conditions on version and platform are evaluated."""

    version: tuple[int, int, int]
    sys_platform: str = "linux"
    os_name: str = "posix"

    @property
    def key(self) -> str:
        return f"{'.'.join(map(str, self.version))}|{self.sys_platform}|{self.os_name}"


class Event(NamedTuple):
    """Something module-level code does at import time that can fail.

    kind "import": `import module` (binds nothing we check); "from": `from module import
    names` (level > 0: relative); "attr": reading `module.names[0].names[1]...`.
    `guarded`: inside a try (or suppress) that catches the failure; `conditional`: inside a
    branch whose condition cannot be decided for the target (then nothing is claimed).
    (A tuple: thousands of them stay in memory, a few words each.)
    """

    kind: str
    line: int  # 1-based
    module: str
    level: int = 0
    names: tuple[str, ...] = ()
    guarded: bool = False
    conditional: bool = False
    text: str = ""

    def to_json(self) -> list[Any]:
        return [
            self.kind,
            self.line,
            self.module,
            self.level,
            list(self.names),
            self.guarded,
            self.conditional,
            self.text,
        ]

    @classmethod
    def from_json(cls, data: list[Any]) -> Event:
        kind, line, module, level, names, guarded, conditional, text = data
        return cls(
            _intern(kind),
            line,
            _intern(module),
            level,
            tuple(_intern(n) for n in names),
            guarded,
            conditional,
            text,
        )


def _intern(text: str) -> str:
    """Names repeat across thousands of modules (`os`, `sys`, `annotations`): one copy."""
    return sys.intern(str(text))


@dataclass
class ModuleFacts:
    """`defined`: every name bound at module level in any branch (an over-approximation, so
    a missing name is really missing). `open`: the namespace is filled in ways we cannot read
    (`globals()` writes, a `__getattr__` we cannot bound, exec): no name is ever missing."""

    defined: set[str] = field(default_factory=set)
    all_names: list[str] | None = None  # a literal __all__
    all_dynamic: bool = False
    open: bool = False
    events: list[Event] = field(default_factory=list)
    #: (module, attribute) set on another module: `collections.Mapping = ...` shims
    patches: list[tuple[str, str]] = field(default_factory=list)
    #: module names put into sys.modules by literal name
    injected: list[str] = field(default_factory=list)
    #: the module changes how imports are found (sys.meta_path, sys.modules[expr], __path__)
    custom_import: bool = False
    #: names written through `globals()` by a computed key with a literal prefix
    #: (`globals()["CO_" + name] = ...`): a name with such a prefix may be defined
    open_prefixes: list[str] = field(default_factory=list)
    syntax_error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "v": FACTS_VERSION,
            "defined": sorted(self.defined),
            "all": self.all_names,
            "all_dynamic": self.all_dynamic,
            "open": self.open,
            "events": [e.to_json() for e in self.events],
            "patches": [list(p) for p in self.patches],
            "injected": self.injected,
            "custom_import": self.custom_import,
            "syntax_error": self.syntax_error,
            "open_prefixes": self.open_prefixes,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ModuleFacts | None:
        if not isinstance(data, dict) or data.get("v") != FACTS_VERSION:
            return None
        return cls(
            defined={_intern(n) for n in data["defined"]},
            all_names=data["all"],
            all_dynamic=data["all_dynamic"],
            open=data["open"],
            events=[Event.from_json(e) for e in data["events"]],
            patches=[(str(a), str(b)) for a, b in data["patches"]],
            injected=list(data["injected"]),
            custom_import=data["custom_import"],
            syntax_error=data["syntax_error"],
            open_prefixes=[str(p) for p in data["open_prefixes"]],
        )

    def may_define(self, name: str) -> bool:
        """True when a computed write to the namespace may bind `name`."""
        return any(name.startswith(prefix) for prefix in self.open_prefixes)


def parse_source(text: str | bytes, filename: str = "<module>") -> ast.Module | str:
    """The tree, or the text of the SyntaxError (what the interpreter would raise)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text, filename=filename)
    except SyntaxError as error:
        return f"SyntaxError: {error.msg} ({filename}, line {error.lineno})"
    except (ValueError, MemoryError, RecursionError) as error:
        return f"{type(error).__name__}: {error}"


def extract_facts(text: str | bytes, target: Target, filename: str = "<module>") -> ModuleFacts:
    tree = parse_source(text, filename)
    if isinstance(tree, str):
        return ModuleFacts(open=True, syntax_error=tree)
    lines = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    facts = _Extractor(target, lines).run(tree)
    # what is kept: shared copies of names, nothing that points back into the tree
    facts.defined = {_intern(n) for n in facts.defined}
    facts.events = [
        e._replace(module=_intern(e.module), names=tuple(_intern(n) for n in e.names))
        for e in facts.events
    ]
    return facts


def _handler_names(handlers: list[ast.ExceptHandler]) -> set[str]:
    names: set[str] = set()
    for handler in handlers:
        if handler.type is None:
            names.add("BaseException")
            continue
        nodes = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        for node in nodes:
            if isinstance(node, ast.Attribute):
                names.add(node.attr)
            elif isinstance(node, ast.Name):
                names.add(node.id)
            else:
                names.add("BaseException")  # an expression: could be anything
    return names


def _target_names(node: ast.expr) -> Iterator[str]:
    if isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, (ast.Tuple, ast.List)):
        for element in node.elts:
            yield from _target_names(element)
    elif isinstance(node, ast.Starred):
        yield from _target_names(node.value)


def _string_list(node: ast.expr | None) -> list[str] | None:
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        values = []
        for element in node.elts:
            if isinstance(element, ast.Constant) and isinstance(element.value, str):
                values.append(element.value)
            else:
                return None
        return values
    return None


class _Extractor:
    def __init__(self, target: Target, text: str):
        self.target = target
        self.text = text
        self.lines = text.splitlines()
        self.facts = ModuleFacts()
        self.constants: dict[str, Verdict] = {}
        self.sys_names: set[str] = set()
        self.version_info_names: set[str] = set()
        self.platform_names: set[str] = set()
        #: local name -> (dotted module it refers to, how many times the name is bound)
        self.module_names: dict[str, str] = {}
        self.binding_counts: dict[str, int] = {}
        self._in_function = False
        self._top_nodes: list[ast.AST] = []
        self._walrus = ":=" in text
        #: names bound to the module's namespace (`mod_dict = globals()`)
        self.namespace_aliases: set[str] = set()
        self._written: set[int] = set()  # alias Name nodes whose write was read precisely

    # --- driver ---------------------------------------------------------------------------

    def run(self, tree: ast.Module) -> ModuleFacts:
        self._count_bindings(tree)
        self._definitions(tree.body)
        self._statements(tree.body, guarded_import=False, guarded_attr=False, conditional=False)
        markers: tuple[str, ...] = _DYNAMIC_MARKERS
        if "globals()" in self.text or "vars()" in self.text or "locals()" in self.text:
            self.namespace_aliases = self._namespace_aliases(tree)
            markers = (*markers, *self.namespace_aliases)
        for node in self._top_nodes:
            if type(node) in _DYNAMIC_TYPES:
                self._dynamic(node)
        if any(marker in self.text for marker in markers):
            # Code in functions runs only when called: it may fill the namespace (an
            # `_init()` writing globals()), but an import hook counts only at module level.
            seen = {id(node) for node in self._top_nodes}
            self._in_function = True
            for stmt in tree.body:
                first, last = stmt.lineno - 1, (stmt.end_lineno or stmt.lineno)
                text = "\n".join(self.lines[first:last])
                if not any(m in text for m in markers):
                    continue
                for node in ast.walk(stmt):
                    if id(node) not in seen and type(node) in _DYNAMIC_TYPES:
                        self._dynamic(node)
            self._in_function = False
        return self.facts

    def _namespace_aliases(self, tree: ast.Module) -> set[str]:
        """Names bound to the namespace itself anywhere (`mod_dict = globals()`), found in
        the top-level statements whose text calls for it."""
        found: set[str] = set()
        for stmt in tree.body:
            first, last = stmt.lineno - 1, (stmt.end_lineno or stmt.lineno)
            text = "\n".join(self.lines[first:last])
            if "globals()" not in text and "vars()" not in text and "locals()" not in text:
                continue
            for node in ast.walk(stmt):
                if isinstance(node, ast.Assign) and _is_namespace_call(node.value):
                    found.update(t.id for t in node.targets if isinstance(t, ast.Name))
        return found

    def _text(self, node: ast.stmt) -> str:
        index = node.lineno - 1
        text = self.lines[index].strip() if 0 <= index < len(self.lines) else ""
        return text[:160]

    # --- what the module defines (every branch, every binding form) -----------------------

    def _count_bindings(self, tree: ast.Module) -> None:
        # Names bound inside functions are local to them (unless declared global, counted
        # when the text says `global`); class bodies bind class attributes.
        for match in _GLOBAL_STATEMENT.finditer(self.text):
            for name in match[1].replace("\t", " ").split(","):
                name = name.strip()
                if name.isidentifier():
                    self.binding_counts[name] = self.binding_counts.get(name, 0) + 1
                    self.facts.defined.add(name)  # set when a function runs: maybe defined
        self._top_nodes = list(_module_level_nodes(tree.body))
        for node in self._top_nodes:
            names: list[str] = []
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    names.extend(_target_names(target))
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
                names.extend(_target_names(node.target))
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if item.optional_vars is not None:
                        names.extend(_target_names(item.optional_vars))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.append(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    names.append(alias.asname or alias.name.split(".")[0])
            elif isinstance(node, ast.NamedExpr):
                names.extend(_target_names(node.target))
            elif isinstance(node, ast.ExceptHandler) and node.name:
                names.append(node.name)
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                names.extend(node.names)
            for name in names:
                self.binding_counts[name] = self.binding_counts.get(name, 0) + 1

    def _definitions(self, body: list[ast.stmt]) -> None:
        defined = self.facts.defined
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                defined.add(stmt.name)
                if stmt.name == "__getattr__":
                    extra = _bounded_getattr(stmt)
                    if extra is None:
                        self.facts.open = True
                    else:
                        defined.update(extra)
                continue
            if isinstance(stmt, ast.ClassDef):
                defined.add(stmt.name)
                continue
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                for alias in stmt.names:
                    if alias.name == "*":
                        continue
                    defined.add(alias.asname or alias.name.split(".")[0])
            elif isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    defined.update(_target_names(target))
                    if isinstance(target, ast.Name) and target.id == "__all__":
                        self._all(stmt)
            elif isinstance(stmt, (ast.For, ast.AsyncFor)):
                defined.update(_target_names(stmt.target))
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                for item in stmt.items:
                    if item.optional_vars is not None:
                        defined.update(_target_names(item.optional_vars))
            elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
                for handler in getattr(stmt, "handlers", []):
                    if handler.name:
                        defined.add(handler.name)
            elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
                func = stmt.value.func
                if (
                    isinstance(func, ast.Attribute)
                    and isinstance(func.value, ast.Name)
                    and func.value.id == "__all__"
                    and func.attr in ("extend", "append", "remove")
                ):
                    self.facts.all_dynamic = True  # handled as dynamic unless literal below
                    if func.attr == "extend" and stmt.value.args:
                        added = _string_list(stmt.value.args[0])
                        if added is not None and self.facts.all_names is not None:
                            self.facts.all_names.extend(added)
                            self.facts.all_dynamic = False
            if self._walrus:
                for node in ast.walk(stmt):
                    if isinstance(node, ast.NamedExpr):
                        defined.update(_target_names(node.target))
            for child in _child_bodies(stmt):
                self._definitions(child)

    def _all(self, stmt: ast.Assign | ast.AugAssign | ast.AnnAssign) -> None:
        values = _string_list(stmt.value)
        if values is None:
            self.facts.all_dynamic = True
            return
        if isinstance(stmt, ast.AugAssign):
            if self.facts.all_names is None:
                self.facts.all_dynamic = True
                return
            self.facts.all_names.extend(values)
        else:
            self.facts.all_names = values

    def _custom_import(self) -> None:
        if not self._in_function:
            self.facts.custom_import = True

    def _dynamic(self, node: ast.AST) -> None:
        """Ways a module's namespace or the import system change that we cannot follow."""
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else None
            if isinstance(func, ast.Attribute) and func.attr == "extend_path":
                self._custom_import()  # pkgutil.extend_path: a split package
            if name in ("exec", "execfile") or any(_is_namespace_call(a) for a in node.args):
                self.facts.open = True
            if isinstance(func, ast.Attribute) and func.attr in ("update", "setdefault"):
                inner = func.value
                if _is_namespace_call(inner):
                    self.facts.open = True
            if name == "setattr" and len(node.args) >= 2:
                owner, attr = node.args[0], node.args[1]
                module = self._module_of(owner)
                if (
                    module is not None
                    and isinstance(attr, ast.Constant)
                    and isinstance(attr.value, str)
                ):
                    self.facts.patches.append((module, attr.value))
                elif module is not None:
                    self._custom_import()
        if isinstance(node, ast.Attribute) and node.attr in _NAMESPACE_WRITERS:
            self.facts.open = True
        if isinstance(node, ast.Name) and node.id in _NAMESPACE_WRITERS:
            self.facts.open = True
        if (
            isinstance(node, ast.Name)
            and node.id in self.namespace_aliases
            and isinstance(node.ctx, ast.Load)
            and id(node) not in self._written
        ):
            self.facts.open = True  # the namespace handed around or written through
        if (
            isinstance(node, ast.Subscript)
            and _is_sys_modules(node.value, self.sys_names)
            and not (isinstance(node.ctx, ast.Load) and _other_module_key(node.slice))
        ):
            self.facts.open = True  # the module object itself may be handed around
        if isinstance(node, ast.Call) and _grows_import_path(node.func):
            # sys.meta_path.append(...): an import hook, usually installed by a function the
            # module calls (`VendorImporter(...).install()`), so it counts wherever it is
            grown = node.func.value if isinstance(node.func, ast.Attribute) else None
            if isinstance(grown, ast.Attribute) and grown.attr in ("meta_path", "path_hooks"):
                self.facts.custom_import = True
            else:
                self._custom_import()
        if isinstance(node, ast.Name) and node.id == "__path__" and isinstance(node.ctx, ast.Store):
            self._custom_import()
        if (
            isinstance(node, ast.Attribute)
            and node.attr in _IMPORT_PATHS
            and isinstance(node.ctx, ast.Store)
        ):
            self._custom_import()
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                self._assignment_target(target)

    def _assignment_target(self, target: ast.expr) -> None:
        if isinstance(target, ast.Subscript) and _is_namespace_call(target.value):
            self._namespace_write(target.slice)
        elif (
            isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Name)
            and target.value.id in self.namespace_aliases
        ):
            self._written.add(id(target.value))
            self._namespace_write(target.slice)
        elif isinstance(target, ast.Subscript) and _is_sys_modules(target.value, self.sys_names):
            key = target.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                if not self._in_function:
                    self.facts.injected.append(key.value)
            else:
                self._custom_import()
        elif isinstance(target, ast.Attribute):
            module = self._module_of(target.value)
            if module is not None:
                self.facts.patches.append((module, target.attr))
        elif isinstance(target, ast.Name) and target.id in ("__getattr__",):
            self.facts.open = True

    def _namespace_write(self, key: ast.expr) -> None:
        """`globals()[key] = ...`: a literal key defines that name, a key with a literal
        prefix may define any name with it; anything else may define any name."""
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            self.facts.defined.add(key.value)
            return
        prefix = _literal_prefix(key)
        if prefix:
            if prefix not in self.facts.open_prefixes:
                self.facts.open_prefixes.append(prefix)
        else:
            self.facts.open = True

    def _module_of(self, node: ast.expr) -> str | None:
        """The dotted module a `name` or `name.sub` expression refers to, if an import bound it."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or node.id not in self.module_names:
            return None
        return ".".join([self.module_names[node.id], *reversed(parts)])

    # --- the statements that run at import time, in order ---------------------------------

    def _statements(
        self, body: list[ast.stmt], *, guarded_import: bool, guarded_attr: bool, conditional: bool
    ) -> None:
        for stmt in body:
            self._statement(stmt, guarded_import, guarded_attr, conditional)

    def _statement(
        self, stmt: ast.stmt, guarded_import: bool, guarded_attr: bool, conditional: bool
    ) -> None:
        flags: dict[str, bool] = {
            "guarded_import": guarded_import,
            "guarded_attr": guarded_attr,
            "conditional": conditional,
        }
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                self.facts.events.append(
                    Event(
                        "import",
                        stmt.lineno,
                        alias.name,
                        guarded=guarded_import,
                        conditional=conditional,
                        text=self._text(stmt),
                    )
                )
                self._bind_import(alias, conditional or guarded_import)
            return
        if isinstance(stmt, ast.ImportFrom):
            module = stmt.module or ""
            if module == "__future__":
                return
            names = tuple(alias.name for alias in stmt.names)
            self.facts.events.append(
                Event(
                    "from",
                    stmt.lineno,
                    module,
                    stmt.level,
                    names,
                    guarded_import,
                    conditional,
                    self._text(stmt),
                )
            )
            if module == "sys" and not stmt.level:
                for alias in stmt.names:
                    local = alias.asname or alias.name
                    if alias.name == "version_info":
                        self.version_info_names.add(local)
                    elif alias.name == "platform":
                        self.platform_names.add(local)
            return
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for expr in [*stmt.decorator_list, *_defaults(stmt.args)]:
                self._reads(expr, stmt, flags)
            return
        if isinstance(stmt, ast.ClassDef):
            for expr in [*stmt.decorator_list, *stmt.bases, *(k.value for k in stmt.keywords)]:
                self._reads(expr, stmt, flags)
            self._statements(stmt.body, **flags)
            return
        if isinstance(stmt, ast.If):
            verdict = self.evaluate(stmt.test)
            if verdict is None:
                self._reads(stmt.test, stmt, flags)
                self._statements(stmt.body, **{**flags, "conditional": True})
                self._statements(stmt.orelse, **{**flags, "conditional": True})
            else:
                self._statements(stmt.body if verdict else stmt.orelse, **flags)
            return
        if isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            caught = _handler_names(getattr(stmt, "handlers", []))
            self._statements(
                stmt.body,  # type: ignore[attr-defined]
                guarded_import=guarded_import or bool(caught & _IMPORT_ERRORS),
                guarded_attr=guarded_attr or bool(caught & _ATTRIBUTE_ERRORS),
                conditional=conditional,
            )
            for handler in getattr(stmt, "handlers", []):
                self._statements(handler.body, **{**flags, "conditional": True})
            self._statements(stmt.orelse, **{**flags, "conditional": True})  # type: ignore[attr-defined]
            self._statements(stmt.finalbody, **flags)  # type: ignore[attr-defined]
            return
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            suppressed = _suppressed(stmt)
            for item in stmt.items:
                self._reads(item.context_expr, stmt, flags)
            self._statements(
                stmt.body,
                guarded_import=guarded_import or bool(suppressed & _IMPORT_ERRORS),
                guarded_attr=guarded_attr or bool(suppressed & _ATTRIBUTE_ERRORS),
                conditional=conditional,
            )
            return
        if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            self._reads(stmt.iter if not isinstance(stmt, ast.While) else stmt.test, stmt, flags)
            self._statements(stmt.body, **{**flags, "conditional": True})
            self._statements(stmt.orelse, **{**flags, "conditional": True})
            return
        if hasattr(ast, "Match") and isinstance(stmt, ast.Match):
            for case in stmt.cases:
                self._statements(case.body, **{**flags, "conditional": True})
            return
        if isinstance(stmt, ast.Assign):
            self._reads(stmt.value, stmt, flags)
            self._remember_constant(stmt)
            return
        if isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
            if stmt.value is not None:
                self._reads(stmt.value, stmt, flags)
            return
        if isinstance(stmt, (ast.Expr, ast.Return, ast.Raise, ast.Assert, ast.Delete)):
            self._reads(stmt, stmt, flags)

    def _bind_import(self, alias: ast.alias, uncertain: bool) -> None:
        if alias.name == "sys" and alias.asname is None:
            self.sys_names.add("sys")
        elif alias.name == "sys" and alias.asname:
            self.sys_names.add(alias.asname)
        local = alias.asname or alias.name.split(".")[0]
        target = alias.name if alias.asname else alias.name.split(".")[0]
        if uncertain or self.binding_counts.get(local, 0) != 1:
            self.module_names.pop(local, None)
            return
        self.module_names[local] = target

    def _remember_constant(self, stmt: ast.Assign) -> None:
        if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
            return
        name = stmt.targets[0].id
        if self.binding_counts.get(name, 0) != 1:
            return
        verdict = self.evaluate(stmt.value)
        if verdict is not None:
            self.constants[name] = verdict

    def _reads(self, node: ast.AST, stmt: ast.stmt, flags: dict[str, bool]) -> None:
        """Record `module.attr` reads that run now (not inside lambdas or nested defs)."""
        if not self.module_names:
            return
        for attribute in _import_time_attributes(node):
            chain: list[str] = []
            current: ast.expr = attribute
            while isinstance(current, ast.Attribute):
                chain.append(current.attr)
                current = current.value
            if not isinstance(current, ast.Name) or current.id not in self.module_names:
                continue
            self.facts.events.append(
                Event(
                    "attr",
                    getattr(attribute, "lineno", stmt.lineno),
                    self.module_names[current.id],
                    0,
                    tuple(reversed(chain)),
                    flags["guarded_attr"],
                    flags["conditional"],
                    self._text(stmt),
                )
            )

    # --- conditions for the target interpreter ---------------------------------------------

    def evaluate(self, node: ast.expr) -> Verdict:
        value = self._value(node)
        if value is _UNKNOWN:
            return None
        try:
            return bool(value)
        except Exception:
            return None

    def _value(self, node: ast.expr) -> Any:
        target = self.target
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Tuple):
            values = [self._value(e) for e in node.elts]
            return _UNKNOWN if any(v is _UNKNOWN for v in values) else tuple(values)
        if isinstance(node, ast.Name):
            if node.id == "TYPE_CHECKING":
                return False
            if node.id == "__name__":
                return "<imported>"
            if node.id in self.version_info_names:
                return (*target.version, "final", 0)
            if node.id in self.platform_names:
                return target.sys_platform
            if node.id in self.constants:
                return self.constants[node.id]
            return _UNKNOWN
        if isinstance(node, ast.Attribute):
            if node.attr == "TYPE_CHECKING":
                return False
            if isinstance(node.value, ast.Name):
                owner = node.value.id
                if owner in self.sys_names or owner == "sys":
                    if node.attr == "version_info":
                        return (*target.version, "final", 0)
                    if node.attr == "platform":
                        return target.sys_platform
                    if node.attr == "version":
                        return ".".join(map(str, target.version))
                if owner == "os" and node.attr == "name":
                    return target.os_name
            base = self._value(node.value)
            if isinstance(base, tuple) and len(base) == 5 and node.attr in _VERSION_FIELDS:
                return base[_VERSION_FIELDS.index(node.attr)]
            return _UNKNOWN
        if isinstance(node, ast.Subscript):
            base = self._value(node.value)
            index = self._slice(node.slice)
            if base is _UNKNOWN or index is _UNKNOWN or not isinstance(base, (tuple, str)):
                return _UNKNOWN
            try:
                return base[index]
            except Exception:
                return _UNKNOWN
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            value = self._value(node.operand)
            return _UNKNOWN if value is _UNKNOWN else not value
        if isinstance(node, ast.BoolOp):
            values = [self._value(v) for v in node.values]
            is_and = isinstance(node.op, ast.And)
            known = [v for v in values if v is not _UNKNOWN]
            if is_and and any(not v for v in known):
                return False
            if not is_and and any(bool(v) for v in known):
                return True
            return _UNKNOWN if len(known) != len(values) else (all(values) if is_and else False)
        if isinstance(node, ast.Compare):
            left = self._value(node.left)
            for op, right_node in zip(node.ops, node.comparators):
                right = self._value(right_node)
                if left is _UNKNOWN or right is _UNKNOWN:
                    return _UNKNOWN
                try:
                    result = _compare(op, left, right)
                except Exception:
                    return _UNKNOWN
                if result is _UNKNOWN or not result:
                    return result
                left = right
            return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "startswith"
            and len(node.args) == 1
        ):
            base = self._value(node.func.value)
            prefix = self._value(node.args[0])
            if isinstance(base, str) and isinstance(prefix, (str, tuple)):
                return base.startswith(prefix)
        return _UNKNOWN

    def _slice(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Slice):
            parts = []
            for part in (node.lower, node.upper, node.step):
                value = None if part is None else self._value(part)
                if value is _UNKNOWN:
                    return _UNKNOWN
                parts.append(value)
            return slice(*parts)
        return self._value(node)


#: Calls that add names to a module from outside its source: enum's `global_enum` and
#: `_convert_`, a module's `__dict__`.
_NAMESPACE_WRITERS = frozenset({"global_enum", "_convert_", "_convert"})

_VERSION_FIELDS = ("major", "minor", "micro", "releaselevel", "serial")


class _Unknown:
    def __repr__(self) -> str:
        return "<unknown>"


_UNKNOWN: Any = _Unknown()


def _compare(op: ast.cmpop, left: Any, right: Any) -> Any:
    if isinstance(op, ast.Eq):
        return left == right
    if isinstance(op, ast.NotEq):
        return left != right
    if isinstance(op, ast.Lt):
        return left < right
    if isinstance(op, ast.LtE):
        return left <= right
    if isinstance(op, ast.Gt):
        return left > right
    if isinstance(op, ast.GtE):
        return left >= right
    if isinstance(op, ast.In):
        return left in right
    if isinstance(op, ast.NotIn):
        return left not in right
    return _UNKNOWN


#: Text that may signal a namespace or import system changed from code (checked by walking).
_DEFERRED_BODIES = (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)

_DYNAMIC_TYPES = frozenset(
    {ast.Call, ast.Attribute, ast.Name, ast.Subscript, ast.Assign, ast.AugAssign}
)

_DYNAMIC_MARKERS = (
    "globals()",
    "vars()",
    "exec(",
    "global_enum",
    "_convert",
    "sys.modules[",
    "meta_path",
    "path_hooks",
    "__path__",
)

#: `global a, b` statements (inside functions they still bind module names when called).
_GLOBAL_STATEMENT = re.compile(r"^[ \t]*global[ \t]+([\w \t,]+)", re.MULTILINE)


def _module_level_nodes(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """Every node that module-level code holds, without function bodies and class bodies
    (their decorators, defaults and bases included)."""
    stack: list[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stack.extend(node.decorator_list)
            stack.extend(_defaults(node.args))
            continue
        if isinstance(node, ast.ClassDef):
            stack.extend(node.decorator_list)
            stack.extend(node.bases)
            continue
        if isinstance(node, ast.Lambda):
            continue
        stack.extend(ast.iter_child_nodes(node))


def _child_bodies(stmt: ast.stmt) -> Iterator[list[ast.stmt]]:
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return
    for name in ("body", "orelse", "finalbody"):
        child = getattr(stmt, name, None)
        if isinstance(child, list) and child and isinstance(child[0], ast.stmt):
            yield child
    for handler in getattr(stmt, "handlers", []) or []:
        yield handler.body
    for case in getattr(stmt, "cases", []) or []:
        yield case.body


def _defaults(args: ast.arguments) -> list[ast.expr]:
    return [*args.defaults, *(d for d in args.kw_defaults if d is not None)]


def _suppressed(stmt: ast.With | ast.AsyncWith) -> set[str]:
    names: set[str] = set()
    for item in stmt.items:
        call = item.context_expr
        if not isinstance(call, ast.Call):
            continue
        func = call.func
        fname = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if fname != "suppress":
            continue
        for arg in call.args:
            names.add(arg.attr if isinstance(arg, ast.Attribute) else getattr(arg, "id", ""))
    return names


def _import_time_attributes(node: ast.AST) -> Iterator[ast.Attribute]:
    """Outermost attribute chains evaluated when `node` runs (lambdas and defs skipped)."""
    stack: list[ast.AST] = [node]
    while stack:
        current = stack.pop()
        if current is not node and isinstance(current, _DEFERRED_BODIES):
            continue
        if isinstance(current, ast.Attribute) and isinstance(current.ctx, ast.Load):
            yield current
            continue
        if isinstance(current, ast.Attribute):
            stack.append(current.value)  # `module.x = ...`: a patch, not a read
            continue
        stack.extend(ast.iter_child_nodes(current))


def _is_sys_modules(node: ast.expr, sys_names: set[str]) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "modules"
        and isinstance(node.value, ast.Name)
        and node.value.id in sys_names | {"sys"}
    )


_IMPORT_PATHS = frozenset({"meta_path", "path_hooks", "__path__"})


def _grows_import_path(func: ast.expr) -> bool:
    if not isinstance(func, ast.Attribute) or func.attr not in ("append", "insert", "extend"):
        return False
    owner = func.value
    if isinstance(owner, ast.Name):
        return owner.id == "__path__"
    return isinstance(owner, ast.Attribute) and owner.attr in _IMPORT_PATHS


def _is_namespace_call(node: ast.expr) -> bool:
    """`globals()` / `vars()`: handed to a function, or written through, it may gain names
    (`vars(obj)` is another object's namespace)."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and (node.func.id in ("globals", "locals") or (node.func.id == "vars" and not node.args))
    )


def _literal_prefix(key: ast.expr) -> str | None:
    """ "CO_" for `"CO_" + name` or `f"CO_{name}"`."""
    if isinstance(key, ast.BinOp) and isinstance(key.op, ast.Add):
        left = key.left
        if isinstance(left, ast.Constant) and isinstance(left.value, str):
            return left.value
        return _literal_prefix(left)
    if isinstance(key, ast.JoinedStr) and key.values:
        first = key.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    return None


def _other_module_key(key: ast.expr) -> bool:
    """`sys.modules['__main__']`, `sys.modules[obj.__module__]`: reading another module
    (reflection), not this module handing itself around."""
    if isinstance(key, ast.Constant):
        return True
    return isinstance(key, ast.Attribute) and key.attr == "__module__"


def _bounded_getattr(func: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str] | None:
    """The names a module `__getattr__` answers, when it answers only literal names and
    raises AttributeError otherwise; None when it may answer anything."""
    if not func.args.args:
        return None
    param = func.args.args[0].arg
    names: set[str] = set()
    body = list(func.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # docstring
    if not body:
        return None
    last = body[-1]
    if not (isinstance(last, ast.Raise) and _raises_attribute_error(last)):
        return None
    for stmt in body[:-1]:
        if not isinstance(stmt, ast.If) or stmt.orelse:
            return None
        literal = _literal_names(stmt.test, param)
        if literal is None:
            return None
        names.update(literal)
    return names


def _raises_attribute_error(stmt: ast.Raise) -> bool:
    exc = stmt.exc
    if isinstance(exc, ast.Call):
        exc = exc.func
    return isinstance(exc, ast.Name) and exc.id == "AttributeError"


def _literal_names(test: ast.expr, param: str) -> set[str] | None:
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.left, ast.Name)
        and test.left.id == param
    ):
        op, right = test.ops[0], test.comparators[0]
        if isinstance(op, ast.Eq) and isinstance(right, ast.Constant):
            return {str(right.value)}
        if isinstance(op, ast.In):
            values = _string_list(right)
            return None if values is None else set(values)
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        found: set[str] = set()
        for value in test.values:
            part = _literal_names(value, param)
            if part is None:
                return None
            found |= part
        return found
    return None


def _serve(stdin: Any, stdout: Any) -> int:
    """Run as a script (`python facts.py`): for each request line on stdin, `PATH\tMAJOR\t
    MINOR\tMICRO\tSYS_PLATFORM\tOS_NAME`, one line of JSON facts (or `null`) on stdout. Big
    files' trees are built in this child process (their memory goes with it), not in the
    language server. Needs the standard library only."""
    import json

    for request in stdin:
        try:
            path, major, minor, micro, sys_platform, os_name = request.rstrip("\n").split("\t")
            with open(path, "rb") as handle:
                data = handle.read()
            target = Target((int(major), int(minor), int(micro)), sys_platform, os_name)
            answer = json.dumps(extract_facts(data, target, path).to_json())
        except Exception:
            answer = "null"
        stdout.write(answer + "\n")
        stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_serve(sys.stdin, sys.stdout))
