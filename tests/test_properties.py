"""Property-based tests: the loader and the rules never raise, whatever they are given.

- ``yamlsource.parse`` on arbitrary text and on YAML-flavoured token soup, and
  ``repository.check_bytes`` on arbitrary bytes, return Problems, never raise, and keep
  their contract (no value without a problem; lines that exist in the file).
- Documents generated from the JSON Schemas (so structurally valid), with references
  biased towards ids that exist, load back valid after a YAML round trip, and
  ``engine.lint`` over them never raises and never reports ``internal-error``.
- Mutations of valid documents (any value replaced by any other shape) lint without
  raising, and the fast and the reference schema validators agree on them.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from salesgen import engine, schemas
from salesgen.output import FORMATTERS
from salesgen.problem import Problem
from salesgen.repository import check_bytes
from salesgen.rules import REGISTRY
from salesgen.yamlsource import iter_positions, parse, unpack
from test_output_safety import parse as parse_html
from test_output_safety import violations

HERE = Path(__file__).resolve().parent
BASELINE = HERE / "data" / "valid"
DEFAULT_CONFIG = HERE.parent / "salesgen" / "data" / "default-config.yaml"
AS_OF = dt.date(2026, 11, 20)
LINE_BREAK = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")  # what YAML counts as a line break

# SALESGEN_PROPERTY_SCALE=20 runs twenty times as many examples (a nightly or pre-release run).
SCALE = int(os.environ.get("SALESGEN_PROPERTY_SCALE", "1"))
FAST = settings(max_examples=300 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=60 * SCALE, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def line_count(text: str) -> int:
    return len(LINE_BREAK.split(text))


def assert_well_formed(problems, file: str, text: str | None = None) -> None:
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.file == file
        assert problem.rule and problem.message
        assert problem.rule in REGISTRY, f"unregistered rule id {problem.rule}"
        assert problem.line >= 1 and problem.column >= 1
        if text is not None:
            assert problem.line <= line_count(text) + 1, (problem, text)


# -- the loader on arbitrary input ---------------------------------------------------

YAML_TOKENS = [
    "id", "name", "amount", "stakeholders", "contact", "team", ":", ": ", "-", "- ", " ", "  ", "    ", "\n",
    "\r\n", "\r", "\t", "[", "]", "{", "}", ",", "&a", "*a", "&b ", "*b", "!!str ", "!!binary ", "!!set ",
    "!!python/object/apply:os.system ", "!custom ", "---", "--- ", "...", "'", '"', "# ", "? ", "| ", "> ",
    "yes", "No", "on", "OFF", "0755", "0x1F", "0o17", "1_000", "1:30", "190:20:30.15", ".nan", ".inf",
    "-.inf", "1e5", "1.5e+300", "2026-02-30", "2026-11-20", "2026-11-20T10:00:00Z", "~", "null", "true",
    "<<", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "\\", "\\x00", "\\ud800", "\ufeff", "\x00", "\x07",
    "\x85", "\u2028", "天普", "9" * 50,
]
yaml_soup = st.lists(st.one_of(st.sampled_from(YAML_TOKENS), st.text(max_size=4)), max_size=80).map("".join)


def check_parse(text: str) -> None:
    value, problems = parse(text, "deals/x.yaml")
    assert_well_formed(problems, "deals/x.yaml", text)
    if value is None:
        assert problems, "no value and no problem: the file would pass silently"
    limit = line_count(text)
    for _path, position in iter_positions(value):
        line, column = unpack(position)
        assert 1 <= line <= limit + 1 and column >= 1  # an empty value may sit just past the end


@FAST
@given(st.text())
def test_parse_never_raises_on_arbitrary_text(text: str):
    check_parse(text)


@FAST
@given(yaml_soup)
def test_parse_never_raises_on_yaml_flavoured_text(text: str):
    check_parse(text)


@FAST
@given(st.one_of(st.binary(), yaml_soup.map(lambda t: t.encode("utf-8", "surrogatepass")),
                 yaml_soup.map(lambda t: t.encode("utf-16"))))
def test_check_bytes_never_raises_on_arbitrary_bytes(data: bytes):
    for kind in ("deal", "customer"):
        document = check_bytes(data, f"{kind}s/x.yaml", kind)
        assert_well_formed(document.problems, f"{kind}s/x.yaml")
        if document.valid:
            assert isinstance(document.data, dict) and not [p for p in document.problems if p.rule != "file-name-id"]
        else:
            assert document.problems, "an invalid document must say why"


# -- documents generated from the schemas ----------------------------------------------

REPS = ["li-lei", "han-meimei"]
CUSTOMERS = ["acme", "globex", "gen-customer"]
CONTACTS = ["acme-wang-lei", "acme-zhao-min", "globex-chen-yu", "gen-c1", "gen-c2", "gen-c3"]
STAGES = ["planning", "visit", "proposal", "demo", "design", "evaluation", "negotiation", "won", "lost",
          "lead", "qualified", "quote", "order"]
BUYER_STAGES = ["problem_recognized", "feasibility_budget", "project_approved", "criteria_set",
                "tender_shortlist", "preferred_supplier", "negotiation", "signed"]
CRITERIA = ["target_fit", "handler_reached", "interest_confirmed", "visit_booked", "visit_report",
            "pain_confirmed", "budget_known", "interviews_held", "price_as_range", "exec_ack",
            "presales_engaged", "demo_done", "shortlisted", "preferred_supplier", "terms_agreed",
            "quote_approved", "contract_reviewed", "need_confirmed", "po_received"]


# Free text mixes arbitrary characters with pieces of markup that must stay inert on the site.
PAYLOAD_PIECES = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
                  '"><svg onload=alert(1)>', "| a | b |", "{{ 7*7 }}", "{% raw %}", "{: onclick=alert(1) }",
                  "<a href='javascript:alert(1)'>", "&lt;", "\n# heading\n", "`", "*", "</td></tr>", "<!--"]
free_text = st.one_of(st.text(max_size=30),
                      st.lists(st.one_of(st.sampled_from(PAYLOAD_PIECES), st.text(max_size=4)), max_size=5)
                      .map("".join))
PRIVATE = "PRIVATE-"  # every generated personal note and personality starts with it


def near_dates():
    return st.one_of(
        st.dates(min_value=AS_OF - dt.timedelta(days=800), max_value=AS_OF + dt.timedelta(days=800)),
        st.dates(),  # the whole range, 0001-01-01 to 9999-12-31
    ).map(dt.date.isoformat)


def biased(choices: list, fallback):
    return st.one_of(st.sampled_from(choices), st.sampled_from(choices), fallback)


def reference_for(name: str, kind: str, fallback):
    """Strategies for the keys that point at other things: mostly ids that exist."""
    table = {
        "customer": CUSTOMERS, "owner": REPS + CONTACTS[:2], "who": REPS, "approver": REPS,
        "approved_by": REPS, "presales": REPS, "consultant": REPS, "executive": REPS, "commercial": REPS,
        "finance": REPS, "legal": REPS, "implementation": REPS, "contact": CONTACTS, "reports_to": CONTACTS,
        "pipeline": ["project", "product"], "stage": STAGES, "buyer_stage": BUYER_STAGES,
        "criterion": CRITERIA, "rule": sorted(REGISTRY), "code": ["price", "competitor", "other"],
    }
    if name == "id":
        return st.sampled_from(["gen-deal"] if kind == "deal" else ["gen-customer"])
    if name in table:
        return biased(table[name], fallback)
    return fallback


def from_schema(schema: dict, root: dict, kind: str, name: str = "", depth: int = 0):
    if "if" in schema:  # a choice by type (promises: text or a mapping): the `then` or the `else` schema
        rest = {k: v for k, v in schema.items() if k not in ("if", "then", "else", "type")}
        return st.one_of(*(from_schema({**rest, **schema[branch]}, root, kind, name, depth) for branch in ("then", "else")))
    if "const" in schema:
        return st.just(schema["const"])
    if "$ref" in schema:
        target = root["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
        return from_schema({**target, **{k: v for k, v in schema.items() if k != "$ref"}}, root, kind, name, depth)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind_of = schema.get("type")
    if kind_of == "object":
        properties = schema.get("properties", {})
        required = [key for key in schema.get("required", []) if key in properties]
        sub = {key: from_schema(value, root, kind, key, depth + 1) for key, value in properties.items()}
        if name == "" and kind == "customer":  # contacts get ids a deal can point at
            sub["contacts"] = st.lists(from_schema(root["$defs"]["contact"], root, kind, "contact", depth + 1),
                                       max_size=4)
        if name == "contact" and kind == "customer":
            sub["id"] = st.sampled_from(CONTACTS[3:] + CONTACTS[:1])
        return st.fixed_dictionaries({key: sub[key] for key in required},
                                     optional={key: sub[key] for key in properties if key not in required})
    if kind_of == "array":
        return st.lists(from_schema(schema.get("items", {}), root, kind, name, depth + 1), max_size=3)
    if kind_of == "string":
        if schema.get("format") == "date":
            fallback = near_dates()
        elif "pattern" in schema:
            fallback = st.from_regex(schema["pattern"], fullmatch=True)
        else:
            low = schema.get("minLength", 0)
            fallback = free_text.filter(lambda text: len(text) >= low)
            if schema.get("maxLength"):
                fallback = fallback.map(lambda text: text[: schema["maxLength"]])
        if name in ("notes", "personality") and kind == "customer" and depth >= 2:
            return free_text.map(lambda text: (PRIVATE + text)[:500])  # a contact's notes or motives
        return reference_for(name, kind, fallback)
    if kind_of == "integer":
        return st.integers(schema.get("minimum", -10**6), schema.get("maximum", 10**6))
    if kind_of == "number":
        low, high = schema.get("minimum", -10**6), schema.get("maximum", 10**6)
        return st.one_of(st.integers(low, high), st.decimals(low, high, places=2, allow_nan=False,
                                                              allow_infinity=False))
    if kind_of == "boolean":
        return st.booleans()
    return st.none()


DEAL_SCHEMA = schemas.load_schema("deal")
CUSTOMER_SCHEMA = schemas.load_schema("customer")
deals = from_schema(DEAL_SCHEMA, DEAL_SCHEMA, "deal")
customers = from_schema(CUSTOMER_SCHEMA, CUSTOMER_SCHEMA, "customer")


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(Decimal, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:float", format(value, "f")))


def dump(document) -> bytes:
    return yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False).encode("utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """The default configuration with the baseline customers; examples add one deal and one customer."""
    root = tmp_path_factory.mktemp("properties")
    shutil.copy(DEFAULT_CONFIG, root / "salesgen.yaml")
    shutil.copytree(BASELINE / "customers", root / "customers")
    (root / "deals").mkdir()
    return root


def lint_clean_of_internal_errors(root: Path) -> list[Problem]:
    result = engine.lint(root, AS_OF)
    internal = [p for p in result.problems if p.rule == "internal-error"]
    assert not internal, internal
    for format_problems in FORMATTERS.values():  # every renderer copes with every problem
        assert isinstance(format_problems(result.problems, color=False), str)
    return result.problems


@FAST
@given(st.one_of(deals.map(lambda d: ("deal", d)), customers.map(lambda c: ("customer", c))))
def test_schema_valid_documents_load_back_valid(item):
    """What the schema allows, written by a YAML library, is read back as a valid document."""
    kind, document = item
    assert not list(schemas._reference_validator(kind).iter_errors(document))  # the strategy is right
    rel = f"{kind}s/{document['id']}.yaml"
    loaded = check_bytes(dump(document), rel, kind)
    assert loaded.problems == [] and loaded.valid, loaded.problems


@SLOW
@given(deal=deals, customer=customers)
def test_lint_never_raises_on_schema_valid_documents(repo: Path, deal: dict, customer: dict):
    (repo / "deals" / "gen-deal.yaml").write_bytes(dump(deal))
    (repo / "customers" / "gen-customer.yaml").write_bytes(dump(customer))
    problems = lint_clean_of_internal_errors(repo)
    assert_well_formed([p for p in problems if p.file == "deals/gen-deal.yaml"], "deals/gen-deal.yaml",
                       dump(deal).decode("utf-8"))


# -- mutations of valid documents ---------------------------------------------------

anything = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10),
              st.decimals(allow_nan=False, allow_infinity=False, places=2), near_dates()),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8,
)


def paths_of(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths_of(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths_of(item, path + (index,))


@st.composite
def mutated(draw, base: dict):
    import copy

    document = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in paths_of(document) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "duplicate"]))
        if action == "replace":
            parent[path[-1]] = draw(anything)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
    return document


BASE_DEAL = yaml.safe_load((BASELINE / "deals" / "acme-line.yaml").read_text(encoding="utf-8"))
BASE_CUSTOMER = yaml.safe_load((BASELINE / "customers" / "acme.yaml").read_text(encoding="utf-8"))


def plain(value):
    """dates -> ISO text (PyYAML's safe_load makes dates; salesgen keeps them as text)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


BASE_DEAL, BASE_CUSTOMER = plain(BASE_DEAL), plain(BASE_CUSTOMER)


@SLOW
@given(deal=mutated(BASE_DEAL), customer=mutated(BASE_CUSTOMER))
def test_lint_never_raises_on_mutated_documents(repo: Path, deal: dict, customer: dict):
    (repo / "deals" / "gen-deal.yaml").write_bytes(dump(deal))
    (repo / "customers" / "gen-customer.yaml").write_bytes(dump(customer))
    lint_clean_of_internal_errors(repo)


@FAST
@given(st.one_of(mutated(BASE_DEAL).map(lambda d: ("deal", d)),
                 mutated(BASE_CUSTOMER).map(lambda c: ("customer", c)),
                 deals.map(lambda d: ("deal", d))))
def test_fast_and_reference_validators_agree(item):
    """The fast path (jsonschema-rs) must never call valid what the reference refuses, nor the reverse."""
    kind, document = item
    value, problems = parse(dump(document).decode("utf-8"), "x.yaml")
    assume(value is not None and not problems)
    fast = schemas._fast_validator(kind)
    assert fast is not None, "jsonschema-rs is a declared dependency: the fast path must be tested"
    reference_valid = not list(schemas._reference_validator(kind).iter_errors(value))
    assert fast.is_valid(value) == reference_valid


@FAST
@given(st.one_of(mutated(BASE_DEAL).map(lambda d: ("deal", d)),
                 mutated(BASE_CUSTOMER).map(lambda c: ("customer", c))))
def test_what_is_kept_of_a_broken_document_passes_its_schema_and_builds(item):
    """The model is built from the kept part of a file with problems: it must be as safe as a valid file."""
    from salesgen.model import Customer, Deal

    kind, document = item
    loaded = check_bytes(dump(document), f"{kind}s/gen.yaml", kind)
    if loaded.valid or loaded.kept is None:
        return
    assert schemas.validate(kind, loaded.kept, "x.yaml") == []
    (Customer if kind == "customer" else Deal).from_document(loaded.kept, loaded.file, partial=True)


# -- the site pages, rendered in memory from generated documents -----------------------

@SLOW
@given(deal=deals, customer=customers)
@example(  # a contract without a value: the printable close form once raised on it
    deal={"id": "gen-deal", "name": "0", "customer": "acme", "owner": "li-lei", "pipeline": "project",
          "stage": "won", "amount": 0, "currency": "AAA", "expected_close": "2024-09-11",
          "contract": {"date": "2024-09-11", "payments": [{"due": "2024-10-01"}]}},
    customer={"id": "gen-customer", "name": "0", "type": "organization", "owner": "li-lei"})
def test_site_pages_render_inert_and_private(repo: Path, deal: dict, customer: dict):
    """Every page renders without raising; markup in the data never becomes markup on the page;
    personal notes and motives appear only with include_sensitive."""
    from salesgen.site.data import SiteData
    from salesgen.site.pages import pages

    (repo / "deals" / "gen-deal.yaml").write_bytes(dump(deal))
    (repo / "customers" / "gen-customer.yaml").write_bytes(dump(customer))
    result = engine.lint(repo, AS_OF)
    for include_sensitive in (False, True):
        data = SiteData(result, include_sensitive=include_sensitive)
        for spec in pages(data):
            body, summary = spec.render(), spec.summary()
            assert violations(parse_html(body)) == [], spec.src_uri
            assert violations(parse_html(summary)) == [], spec.src_uri
            if not include_sensitive:
                assert PRIVATE not in body and PRIVATE not in summary, spec.src_uri
