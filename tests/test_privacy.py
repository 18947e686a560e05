"""Personal data of contacts (phone, mobile, e-mail, WeChat, notes, motives) never reaches the site unless asked for.

The sensitive fields are read from the customer schema (``"x-sensitive": true``) by this
test itself, and their values from the example repository's YAML; the built site is
then scanned, every file of it (pages, search index, sitemap, assets), for each value
in every form a page or a JSON file could hold it (as typed, HTML-escaped,
JSON-escaped), and for each line and the opening words of a long value (a shortened
preview counts as a leak).

Built with ``--include-sensitive`` the same values are found: the control that proves
the scan sees them. ``publish: contact_fields:`` in salesgen.yaml publishes exactly the
fields it lists.
"""
from __future__ import annotations

import gzip
import html
import json
import re
import shutil
from pathlib import Path

import markupsafe
import pytest
import yaml
from click.testing import CliRunner

from salesgen.cli import cli

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
AS_OF = "2026-11-20"


def schema(kind: str) -> dict:
    return json.loads((REPO / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))


def sensitive_contact_fields() -> set:
    contact = schema("customer")["$defs"]["contact"]["properties"]
    return {name for name, spec in contact.items() if spec.get("x-sensitive") is True}


def enum_words() -> set:
    """Every enum value of the schemas: words such as 'quality' appear on the site anyway."""
    words: set = set()

    def walk(node):
        if isinstance(node, dict):
            words.update(str(v) for v in node.get("enum", ()))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema("customer"))
    walk(schema("deal"))
    return words


def strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings_in(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return []


def sensitive_values(root: Path) -> dict:
    """value -> 'customers/x.yaml contact-id field' for every free-text sensitive value."""
    fields, common = sensitive_contact_fields(), enum_words()
    found = {}
    for path in sorted((root / "customers").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for contact in data.get("contacts") or ():
            for field in fields & set(contact):
                for text in strings_in(contact[field]):
                    if text.strip() and text not in common:
                        found[text] = f"{path.relative_to(root).as_posix()} {contact['id']} {field}"
    return found


def public_strings(root: Path) -> list[str]:
    """Every string of the repository's files except the sensitive values: what may be published."""
    fields = sensitive_contact_fields()
    public = []
    for path in [root / "salesgen.yaml", *sorted(root.rglob("*.yaml"))]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for contact in (data.get("contacts") or ()) if isinstance(data, dict) else ():
            for field in fields:
                contact.pop(field, None)
        public.extend(strings_in(data))
    return public


def needles(value: str, public: list[str] = ()) -> set[str]:
    """The forms in which a value (or a recognisable part of it) could appear in a site file.

    A part that also occurs in published text (``public``) cannot show a leak and is left out.
    """
    parts = {value.strip()}
    parts.update(line.strip() for line in value.splitlines() if len(line.strip()) >= 12)
    # stretches without a character any escaping changes: found however the page escapes
    parts.update(piece.strip() for piece in re.split(r"[<>&'\"\\\n]", value) if len(piece.strip()) >= 12)
    if len(value.strip()) > 24:
        parts.add(value.strip()[:24])  # the start of a shortened preview
    parts = {part for part in parts if not any(part in text for text in public)}
    forms = set()
    for part in parts:
        forms.update({part, html.escape(part), html.escape(part, quote=False), str(markupsafe.escape(part)),
                      json.dumps(part)[1:-1], json.dumps(part, ensure_ascii=False)[1:-1]})
    return {form for form in forms if form}


def site_text(site: Path) -> dict:
    texts = {}
    for path in site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            texts[path.relative_to(site).as_posix()] = data.decode("utf-8", errors="ignore")
    return texts


def leaks(site: Path, values: dict, public: list[str]) -> dict:
    texts = site_text(site)
    found = {}
    for value, origin in values.items():
        for needle in needles(value, public):
            hits = [name for name, text in texts.items() if needle in text]
            if hits:
                found[origin] = (needle[:40], hits[:3])
                break
    return found


def build(root: Path, site: Path, *extra: str):
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--site-dir", str(site), "--as-of", AS_OF,
                                      *extra])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"build raised {type(result.exception).__name__}") from result.exception
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    assert "build" in cli.commands, "`salesgen build` is documented: it must exist"
    root = tmp_path_factory.mktemp("privacy") / "example"
    root.mkdir()
    shutil.copy(REPO / "salesgen.yaml", root / "salesgen.yaml")
    shutil.copytree(REPO / "customers", root / "customers")
    shutil.copytree(REPO / "deals", root / "deals")
    return root


@pytest.fixture(scope="module")
def values(example: Path) -> dict:
    found = sensitive_values(example)
    assert len(found) >= 10, "the example repository should hold personal notes and motives to protect"
    return found


def test_the_schema_marks_personal_contact_data_sensitive():
    assert {"phone", "mobile", "email", "wechat", "notes", "motives"} <= sensitive_contact_fields()
    motives = schema("customer")["$defs"]["contact"]["properties"]["motives"]["properties"]
    assert {"personality", "personal_needs"} <= set(motives)  # private with the motives they belong to


def test_publish_accepts_exactly_the_sensitive_contact_fields():
    publish = schema("config")["properties"]["publish"]["properties"]["contact_fields"]
    assert set(publish["items"]["enum"]) == sensitive_contact_fields()


def with_publish(example: Path, target: Path, fields: str) -> Path:
    shutil.copytree(example, target)
    config = target / "salesgen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"\npublish:\n  contact_fields: {fields}\n",
                      encoding="utf-8")
    return target


def test_publish_shows_only_the_listed_fields(example: Path, values: dict, tmp_path: Path):
    root = with_publish(example, tmp_path / "repo", "[phone, wechat]")
    build(root, tmp_path / "site")
    published = set(leaks(tmp_path / "site", values, public_strings(root)))
    expected = {origin for origin in values.values() if origin.endswith((" phone", " wechat"))}
    assert any(origin.endswith(" phone") for origin in expected)
    assert published == expected
    assert leaks(tmp_path / "site" / "search", values, public_strings(root)) == {}  # published, not searchable


def test_a_mistyped_publish_field_is_reported_with_the_right_name(example: Path, tmp_path: Path):
    root = with_publish(example, tmp_path / "repo", "[phone, emial]")
    result = CliRunner().invoke(cli, ["lint", "--root", str(root), "--as-of", AS_OF])
    assert result.exit_code != 0
    output = result.output.splitlines()
    at = [i for i, line in enumerate(output) if "emial" in line]
    assert len(at) == 1 and output[at[0]].startswith("salesgen.yaml:"), result.output
    assert "Did you mean 'email'?" in output[at[0] + 1], output[at[0] + 1]


def test_the_site_holds_no_sensitive_value_by_default(example: Path, values: dict, tmp_path: Path):
    build(example, tmp_path / "site")
    assert leaks(tmp_path / "site", values, public_strings(example)) == {}


def test_include_sensitive_publishes_them(example: Path, values: dict, tmp_path: Path):
    """The control: asked for, the values are on the site, so the scan above would see them."""
    build(example, tmp_path / "site", "--include-sensitive")
    published = leaks(tmp_path / "site", values, public_strings(example))
    assert set(published) == set(values.values())


def test_the_hostile_repositorys_notes_stay_private(tmp_path: Path):
    """Also for a contact whose notes are HTML: left out, not merely escaped."""
    assert "build" in cli.commands, "`salesgen build` is documented: it must exist"
    root = tmp_path / "repo"
    shutil.copytree(HERE / "data" / "hostile-repo", root)
    values = sensitive_values(root)
    assert any("SENSITIVE-NOTE" in value for value in values)
    build(root, tmp_path / "site")
    assert leaks(tmp_path / "site", values, public_strings(root)) == {}
    texts = site_text(tmp_path / "site")
    assert not [name for name, text in texts.items() if "SENSITIVE-" in text]


@pytest.mark.parametrize("command", ["review", "forecast", "funnel", "lint"])
def test_reports_do_not_print_personal_notes(example: Path, values: dict, command: str):
    assert command in cli.commands, f"`salesgen {command}` is documented: it must exist"
    result = CliRunner().invoke(cli, [command, "--root", str(example), "--as-of", AS_OF])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    output, public = result.output, public_strings(example)
    printed = {origin for value, origin in values.items() if any(n in output for n in needles(value, public))}
    assert printed == set()
