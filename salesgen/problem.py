"""The one value every check returns: a Problem at a place in a file."""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

# What would start a new line (or rewrite one) in a terminal or a CI log: shown escaped.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escaped(match: re.Match) -> str:
    return repr(match.group())[1:-1]


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

    def __post_init__(self) -> None:
        # The last line of defence of "one problem, one line": a rule that quotes a value
        # without yamlsource.one_line() still cannot put a line break into the output.
        if self.message.isprintable() and self.hint.isprintable():  # the usual case, checked in C
            return
        for name in ("message", "hint"):
            object.__setattr__(self, name, _CONTROL.sub(_escaped, getattr(self, name)))

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
