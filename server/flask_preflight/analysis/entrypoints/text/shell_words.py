"""Splitting a command line into words the way a POSIX shell would, keeping each word's place.

`shlex` gives the words but not where they are; diagnostics must sit on the exact column of
a target, so this scanner follows shlex's POSIX rules (quotes, backslashes, comments, the
control operators) and also expands `$NAME`/`${NAME:-default}` from a known environment.
What cannot be known before the command runs (`$(...)`, backticks, unset variables) is
marked on the word instead of guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

_OPERATORS = ("&&", "||", ";", "|", "&", "\n")
_BLANKS = " \t\r"
_VAR = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-=?+])?(?P<word>[^}]*)\}|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))"
)


@dataclass
class Word:
    """One word: `value` after quote removal and expansion; `start`/`end` index the command
    text; `inner` is the span of the text between the quotes when the whole word is one
    quoted string (else the same as start/end)."""

    value: str
    start: int
    end: int
    inner: tuple[int, int] = (0, 0)
    quoted: bool = False
    operator: bool = False
    unknown: str = ""  # why the value cannot be known statically
    unset: list[str] = field(default_factory=list)  # variables left as written
    #: An unquoted `(` or `)`: a POSIX shell stops with a syntax error on it.
    bare_parens: bool = False
    #: Quoted in parts (`app:f'(1)'`): start/end span raw shell text, quotes included.
    partly_quoted: bool = False


def _expand(text: str, env: Mapping[str, str], word: Word) -> str:
    """Expand variables in `text` (double-quoted or bare); unset ones stay as written."""

    def replace(match: re.Match[str]) -> str:
        name = match.group("braced") or match.group("plain")
        op = match.group("op") or ""
        if name in env and (env[name] != "" or ":" not in op):
            return (match.group("word") or "") if op.endswith("+") else env[name]
        if op.endswith("+"):
            return ""
        if op.endswith("-") or op.endswith("="):
            return match.group("word") or ""
        word.unset.append(name)
        return match.group(0)

    return _VAR.sub(replace, text)


def _substitution_end(text: str, index: int) -> int:
    """Index just past the `)` closing a `$(` that starts at `index`."""
    depth = 0
    i = index + 1
    while i < len(text):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(text)


def split_words(text: str, env: Mapping[str, str] | None = None) -> list[Word]:
    env = env or {}
    words: list[Word] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _BLANKS:
            i += 1
            continue
        if ch == "\\" and text.startswith("\\\n", i):
            i += 2
            continue
        if ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        operator = next((op for op in _OPERATORS if text.startswith(op, i)), None)
        if operator is not None:
            words.append(
                Word(operator, i, i + len(operator), (i, i + len(operator)), operator=True)
            )
            i += len(operator)
            continue
        if ch in "<>":
            # A redirection is not part of the command's arguments; drop it and its file.
            words.append(Word(ch, i, i + 1, (i, i + 1), operator=True))
            i += 1
            continue
        word = Word("", i, i)
        parts: list[str] = []
        expanded: set[int] = set()  # parts from unquoted expansions: split into fields
        quote_count = 0
        while i < n and text[i] not in _BLANKS and text[i] not in ";&|<>\n":
            ch = text[i]
            if ch == "'":
                end = text.find("'", i + 1)
                if end < 0:
                    word.unknown = word.unknown or "an unterminated ' quote"
                    end = n
                parts.append(text[i + 1 : end])
                quote_count += 1
                i = end + 1
            elif ch == '"':
                j = i + 1
                chunk: list[str] = []  # expanded when the quote ends or at an escape
                while j < n and text[j] != '"':
                    if text[j] == "\\" and j + 1 < n and text[j + 1] in '$`"\\\n':
                        # An escaped character is literal: `"\$HOME"` is never expanded.
                        parts.append(_expand("".join(chunk), env, word))
                        chunk = []
                        if text[j + 1] != "\n":
                            parts.append(text[j + 1])
                        j += 2
                        continue
                    if text.startswith("$(", j) or text[j] == "`":
                        word.unknown = word.unknown or "command substitution runs only in the shell"
                    chunk.append(text[j])
                    j += 1
                if j >= n:
                    word.unknown = word.unknown or 'an unterminated " quote'
                parts.append(_expand("".join(chunk), env, word))
                quote_count += 1
                i = min(j + 1, n)
            elif ch == "\\":
                if i + 1 >= n:
                    parts.append(ch)  # a backslash ending the text stays, as in sh and bash
                elif text[i + 1] != "\n":
                    parts.append(text[i + 1])
                i += 2
            elif text.startswith("$(", i):
                end = _substitution_end(text, i)
                word.unknown = (
                    word.unknown or f"`{text[i:end]}` is only known when the shell runs it"
                )
                parts.append(text[i:end])
                i = end
            elif ch == "`":
                end = text.find("`", i + 1)
                end = n if end < 0 else end + 1
                word.unknown = (
                    word.unknown or f"`{text[i:end]}` is only known when the shell runs it"
                )
                parts.append(text[i:end])
                i = end
            elif ch == "$":
                match = _VAR.match(text, i)
                if match:
                    expanded.add(len(parts))
                    parts.append(_expand(match.group(0), env, word))
                    i = match.end()
                else:
                    parts.append(ch)
                    i += 1
            else:
                j = i
                while j < n and text[j] not in _BLANKS and text[j] not in "'\"\\$`;&|<>\n":
                    j += 1
                chunk_text = text[i:j]
                if "(" in chunk_text or ")" in chunk_text:
                    word.bare_parens = True
                parts.append(chunk_text)
                i = j
        word.value = "".join(parts)
        word.end = i
        raw = text[word.start : word.end]
        whole_quote = quote_count == 1 and len(raw) >= 2 and raw[0] in "'\"" and raw[-1] == raw[0]
        word.quoted = quote_count > 0
        word.partly_quoted = word.quoted and not whole_quote
        word.inner = (word.start + 1, word.end - 1) if whole_quote else (word.start, word.end)
        fields = _fields(parts, expanded) if expanded else [word.value]
        if fields == [word.value]:
            words.append(word)
        else:
            words.extend(replace(word, value=value, unset=list(word.unset)) for value in fields)
    return words


def _fields(parts: list[str], expanded: set[int]) -> list[str]:
    """The words a shell makes of one word's parts: the result of an unquoted expansion is
    split at blanks, and an unquoted expansion to nothing is no word at all (`gunicorn $OPTS
    app:app` with OPTS="--bind :80" passes three words; with OPTS="" one)."""
    fields: list[str] = []
    current: list[str] = []
    started = False  # the current field holds something (a quoted "" counts)
    for index, part in enumerate(parts):
        if index not in expanded:
            current.append(part)
            started = True
            continue
        for k, piece in enumerate(re.split(r"[ \t\n]+", part)):
            if k > 0 and started:
                fields.append("".join(current))
                current, started = [], False
            if piece:
                current.append(piece)
                started = True
    if started:
        fields.append("".join(current))
    return fields


def list_words(items: list[tuple[str, int, int, int, int]]) -> list[Word]:
    """Words of an exec-form command (a JSON/YAML list): no shell, so no expansion.

    Each item is (value, start, end, inner_start, inner_end) in the located text.
    """
    return [Word(value, s, e, (a, b), quoted=True) for value, s, e, a, b in items]
