"""JSON with comments and trailing commas (VS Code's launch.json), parsed with positions."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


class JsoncError(ValueError):
    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.line = line  # 0-based


@dataclass
class Node:
    value: Any  # str/int/float/bool/None, or list[Node], or dict[str, Node]
    start: int
    end: int
    keys: dict[str, tuple[int, int]] = field(default_factory=dict)

    def get(self, key: str) -> Node | None:
        if isinstance(self.value, dict):
            return self.value.get(key)  # type: ignore[no-any-return]
        return None

    def plain(self) -> Any:
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.i = 0
        self.depth = 0

    def error(self, what: str) -> JsoncError:
        line = self.text.count("\n", 0, self.i)
        return JsoncError(f"{what} at line {line + 1}", line)

    def skip(self) -> None:
        text = self.text
        while self.i < len(text):
            ch = text[self.i]
            if ch in " \t\r\n\ufeff":
                self.i += 1
            elif text.startswith("//", self.i):
                end = text.find("\n", self.i)
                self.i = len(text) if end < 0 else end
            elif text.startswith("/*", self.i):
                end = text.find("*/", self.i + 2)
                if end < 0:
                    raise self.error("unterminated comment")
                self.i = end + 2
            else:
                return

    def value(self) -> Node:
        self.skip()
        if self.i >= len(self.text):
            raise self.error("unexpected end of file")
        self.depth += 1
        if self.depth > 200:
            raise self.error("nesting too deep")
        try:
            ch = self.text[self.i]
            if ch == "{":
                return self.obj()
            if ch == "[":
                return self.array()
            if ch == '"':
                return self.string()
            return self.literal()
        finally:
            self.depth -= 1

    def string(self) -> Node:
        start = self.i
        j = start + 1
        while j < len(self.text):
            if self.text[j] == "\\":
                j += 2
                continue
            if self.text[j] == '"':
                break
            if self.text[j] == "\n":
                raise self.error("unterminated string")
            j += 1
        else:
            raise self.error("unterminated string")
        try:
            value = json.loads(self.text[start : j + 1])
        except ValueError:
            raise self.error("bad string") from None
        self.i = j + 1
        return Node(value, start, j + 1)

    def literal(self) -> Node:
        start = self.i
        j = start
        while j < len(self.text) and self.text[j] not in ",]}\n\r\t /":
            j += 1
        token = self.text[start:j]
        try:
            value = json.loads(token)
        except ValueError:
            raise self.error(f"unexpected {token[:20]!r}") from None
        self.i = j
        return Node(value, start, j)

    def obj(self) -> Node:
        start = self.i
        self.i += 1
        items: dict[str, Node] = {}
        keys: dict[str, tuple[int, int]] = {}
        while True:
            self.skip()
            if self.text.startswith("}", self.i):
                self.i += 1
                return Node(items, start, self.i, keys)
            key = self.string() if self.text.startswith('"', self.i) else None
            if key is None or not isinstance(key.value, str):
                raise self.error("expected a property name")
            self.skip()
            if not self.text.startswith(":", self.i):
                raise self.error("expected ':'")
            self.i += 1
            items[key.value] = self.value()
            keys[key.value] = (key.start, key.end)
            self.skip()
            if self.text.startswith(",", self.i):
                self.i += 1
            elif not self.text.startswith("}", self.i):
                raise self.error("expected ',' or '}'")

    def array(self) -> Node:
        start = self.i
        self.i += 1
        items: list[Node] = []
        while True:
            self.skip()
            if self.text.startswith("]", self.i):
                self.i += 1
                return Node(items, start, self.i)
            items.append(self.value())
            self.skip()
            if self.text.startswith(",", self.i):
                self.i += 1
            elif not self.text.startswith("]", self.i):
                raise self.error("expected ',' or ']'")


def parse_jsonc(text: str) -> Node:
    parser = _Parser(text)
    node = parser.value()
    parser.skip()
    if parser.i != len(text):
        raise parser.error("extra text after the value")
    return node
