"""The one value every check returns: a Problem at a place in a file."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value


@dataclass(frozen=True, order=True)
class Problem:
    """A problem found in a file.

    ``file`` is relative to the repository root with ``/`` separators; ``line`` and
    ``column`` are 1-based (0 when the problem concerns the whole file).
    ``path`` is the location inside the document (keys and indexes), used to attach
    waivers, to de-duplicate and to fingerprint problems.
    """

    file: str
    line: int
    column: int
    rule: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR
    path: tuple = field(default=(), compare=False)
    subject: str = field(default="", compare=False)  # e.g. the criterion id for stage-gate

    def with_severity(self, severity: Severity) -> "Problem":
        return Problem(self.file, self.line, self.column, self.rule, self.message,
                       self.hint, severity, self.path, self.subject)

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
        }
