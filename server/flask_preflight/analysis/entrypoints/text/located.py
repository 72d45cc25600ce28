"""Text cut out of a file that remembers where each character came from (for exact ranges)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from ...model import Position, Range
from ...source import SourceText


@dataclass(frozen=True)
class Located:
    """`text` with the file offset of each of its characters (`offsets[i]` for `text[i]`)
    plus the offset just past its end. Joined continuation lines keep their real places."""

    text: str
    offsets: tuple[int, ...]
    end_offset: int

    @classmethod
    def span(cls, source: SourceText, start: int, end: int) -> Located:
        return cls(source.text[start:end], tuple(range(start, end)), end)

    @classmethod
    def join(cls, parts: list[Located], separator: str = " ") -> Located:
        text = ""
        offsets: list[int] = []
        end = 0
        for index, part in enumerate(parts):
            if index:
                text += separator
                offsets.extend(
                    [part.offsets[0] if part.offsets else part.end_offset] * len(separator)
                )
            text += part.text
            offsets.extend(part.offsets)
            end = part.end_offset
        return cls(text, tuple(offsets), end)

    def file_offset(self, index: int) -> int:
        if index < len(self.offsets):
            return self.offsets[index]
        return self.end_offset

    def slice(self, start: int, end: int) -> Located:
        end_offset = self.offsets[end] if end < len(self.offsets) else self.end_offset
        return Located(self.text[start:end], self.offsets[start:end], end_offset)

    def strip(self) -> Located:
        stripped = self.text.strip()
        if not stripped:
            return self.slice(len(self.text), len(self.text))
        start = len(self.text) - len(self.text.lstrip())
        return self.slice(start, start + len(stripped))

    def range(self, source: SourceText, start: int, end: int) -> Range:
        """The file range of `text[start:end]` (end exclusive)."""
        first = self.file_offset(start)
        last = self.offsets[end - 1] + 1 if end > start and end - 1 < len(self.offsets) else first
        return Range(position_at(source, first), position_at(source, last))

    def whole(self, source: SourceText) -> Range:
        return self.range(source, 0, len(self.text))


def position_at(source: SourceText, offset: int) -> Position:
    starts = source.line_starts
    line = bisect.bisect_right(starts, offset) - 1
    line = max(line, 0)
    return Position(line, max(0, min(offset - starts[line], len(source.line(line)))))
