"""Problems found while reading a single file (before any cross-file rule runs).

These are reported by the loader and the schema check; they are listed here so that
`salesgen rules` and the site document them like every other rule.
"""
from __future__ import annotations


class FileRule:
    """A rule reported while a file is read; documented like a rule module."""

    def __init__(self, ident: str, severity: str, doc: str) -> None:
        self.ID = ident
        self.SEVERITY = severity
        self.__doc__ = doc


def _rule(ident: str, doc: str, passing: str, failing: str) -> FileRule:
    text = f"{doc}\n\nPassing:\n\n```yaml\n{passing}\n```\n\nFailing:\n\n```yaml\n{failing}\n```\n"
    return FileRule(ident, "error", text)


FILE_RULES = [
    _rule("yaml-syntax", "The file is valid YAML (indented with spaces, not tabs).",
          "name: 冲压线扩产", "name: [冲压线扩产"),
    _rule("yaml-duplicate-key", "No key appears twice in one mapping (YAML would silently keep the last).",
          "amount: 1200000", "amount: 1200000\namount: 1500000"),
    _rule("yaml-ambiguous-value",
          "No value that YAML 1.1 reads as something else than it looks: yes/no/on/off booleans, "
          "octal (0755), sexagesimal (1:30), hex or underscore numbers.",
          "handler: true\nref: \"0755\"", "handler: yes\nref: 0755"),
    _rule("yaml-invalid-date", "Dates are real calendar dates.", "expected_close: 2026-02-28",
          "expected_close: 2026-02-30"),
    _rule("yaml-special-number", "Numbers are finite: no .nan or .inf.", "amount: 1200000", "amount: .inf"),
    _rule("yaml-alias", "Anchors and aliases do not expand into huge or recursive structures.",
          "team: {presales: wang-xing}", "a: &a [x, x, x]\nb: &b [*a, *a, *a]  # ... an alias bomb"),
    _rule("yaml-full-width",
          "No full-width colon, space, digit or comma where YAML needs ASCII.\n\n"
          "A Chinese input method left in full-width mode types '：' after a key, '　' in the indentation or "
          "after ':', '１２０' or '1，200' in a number or a date, and '，' between the ids of a [list]. "
          "Full-width punctuation inside text is "
          "correct Chinese and is left alone. The file is read as if fixed, so the mistake is reported once.",
          "amount: 1200000\nsummary: 会议：讨论方案，客户有兴趣",
          "amount：1200000          # yaml-full-width: full-width colon\n"
          "expected_close: ２０２７－０６－３０   # yaml-full-width: full-width digits"),
    _rule("yaml-multiple-documents", "One document per file.", "id: temp", "id: temp\n---\nid: acme"),
    _rule("yaml-empty", "A data file is not empty.", "id: temp", "# nothing here"),
    _rule("yaml-encoding", "Files are UTF-8 text without a byte-order mark or binary data.",
          "name: 天普公司", "<UTF-16 or GBK bytes>"),
    _rule("yaml-too-deep", "Nesting stays within 100 levels.", "team: {presales: wang-xing}", "a: [[[[[[...]]]]]]"),
    _rule("yaml-tag", "No YAML tags (!!python/object, !custom ...).", "name: temp", "name: !!python/name:os.system"),
    _rule("yaml-complex-key", "Keys are plain text.", "name: x", "? [a, b]\n: x"),
    _rule("file-too-large", "A data file is at most 5 MiB.", "(a few KiB of YAML)", "(a 20 MiB export)"),
    _rule("file-outside-root", "Data files are not links to places outside the repository.",
          "deals/temp.yaml (a file)", "deals/temp.yaml -> /etc/passwd"),
    _rule("file-unreadable", "Data files can be read.", "-rw-r--r-- deals/temp.yaml", "---------- deals/temp.yaml"),
    _rule("file-name-id", "A file's name equals its id.", "# customers/temp.yaml\nid: temp",
          "# customers/temp.yaml\nid: temp-co"),
    _rule("schema-unknown-key", "Only keys the schema knows (catches typos).", "expected_close: 2026-12-20",
          "expected_closing: 2026-12-20"),
    _rule("schema-required", "Required keys are present.", "id: temp\nname: 天普\ntype: intent\nowner: zhang-jiaqiang",
          "id: temp\nname: 天普"),
    _rule("schema-enum", "Values from a fixed list are spelled as listed.", "attitude: supporter",
          "attitude: supportive"),
    _rule("schema-type", "Values have the right type.", "amount: 1200000", "amount: \"1,200,000\""),
    _rule("schema-pattern", "Ids are lowercase slugs, currencies ISO codes, dates YYYY-MM-DD, each on one line "
                            "(a pattern matches the whole value: a trailing line break fails it).",
          "id: temp-press-line\ncurrency: CNY", "id: Temp Press Line\ncurrency: rmb"),
    _rule("schema-format", "Quoted dates are real dates too.", "date: \"2026-03-01\"", "date: \"2026-02-30\""),
    _rule("schema", "Any other schema constraint (ranges, lengths, minimum counts).", "value: 60", "value: 160"),
    _rule("config-missing", "The repository has a salesgen.yaml at its root (`salesgen init` writes one).",
          "# salesgen.yaml\ncurrency: CNY", "# (no salesgen.yaml in the folder given to --root)"),
    _rule("config-schema", "salesgen.yaml has the shape its schema describes: known keys, right types, "
                           "a pipeline with stages, a criterion's `schema:` a valid JSON Schema.",
          "currency: CNY\ncadence: {follow_up_days: 15}", "currency: CNY\ncadence: {follow_up: 15}"),
    _rule("config-reference", "Names in salesgen.yaml point at something that exists: a stage's buyer_stage, "
                              "a criterion's named `check:`, a rule id under `rules:`.",
          "rules:\n  cadence-follow-up: error", "rules:\n  cadence-folow-up: error   # no such rule"),
    _rule("config-duplicate-id", "Rep, pipeline, stage and criterion ids are unique where they are defined.",
          "reps:\n  - {id: li-lei, name: 李雷}\n  - {id: han-mei, name: 韩梅}",
          "reps:\n  - {id: li-lei, name: 李雷}\n  - {id: li-lei, name: 李磊}"),
    _rule("internal-error", "A rule failed on unexpected data: a bug in salesgen, never a mistake in the files. "
                            "The other rules still ran; please report it with the file that triggers it.",
          "# any valid repository: no internal-error", "# a rule that raised an exception (report it)"),
]
