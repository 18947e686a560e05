"""`salesgen new customer|deal|contact`: start a file (or a contact) from a commented skeleton."""
from __future__ import annotations

import datetime as dt
import re
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath

import click

from .. import currencies
from ..yamlsource import one_line
from ..i18n import T
from .common import (as_of_option, fail_usage, lang_option, lint_files, load_or_exit, problem_list, root_option,
                     say, styled, tr)

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}\Z")
LEVELS = ("operational", "management", "decision")
FUNCTIONS = ("finance", "procurement", "user", "technical")
ACCOUNT_TYPES = ("organization", "interest", "intent", "customer")


def _interactive() -> bool:
    return sys.stdin.isatty()


def _ask(value, option: str, prompt, default=None):
    """The flag's value; else a prompt on a terminal; else the default; else a usage error."""
    if value not in (None, ""):
        return value
    if _interactive():
        return click.prompt(tr(prompt), default=default)
    if default is not None:
        return default
    from .prompting import missing

    missing(option, prompt)


def _slug(value: str, what) -> str:
    if not SLUG.match(value):
        fail_usage(T("{what} '{value}' is not a slug: use lowercase letters, digits and hyphens, such as "
                     "acme-press-line", what=what, value=value))
    return value


def _active_rep(config, rep_id: str, option: str) -> str:
    rep = config.reps.get(rep_id)
    if (rep is None or not rep.active) and _interactive():  # a typo at the prompt: say so and ask again
        from .prompting import choose

        active = [r.id for r in config.reps.values() if r.active]
        return choose(rep_id, active, option, T("Account manager (rep id)"), what=T("active rep"))
    if rep is None:
        fail_usage(T("{option} '{rep}' is not in the roster (reps in salesgen.yaml: {reps})", option=option, rep=rep_id,
                     reps=", ".join(config.reps)))
    if not rep.active:
        fail_usage(T("{option} '{rep}' ({name}) is not an active rep", option=option, rep=rep_id, name=rep.name))
    return rep_id


def _assigner(config, rep_id: str, owner: str) -> None:
    """--assigned-by: an active rep who may assign new interest accounts, other than the owner (account-assignment)."""
    from ..editing.gates import any_of

    rep = config.reps.get(rep_id)
    if rep is None or not rep.active:
        fail_usage(T("--assigned-by '{rep}' is not an active rep of the roster (reps in salesgen.yaml)", rep=rep_id))
    if rep_id == owner:
        fail_usage(T("--assigned-by '{rep}' is the owner: an account is assigned to someone else; "
                     "leave --assigned-by out while the head of sales keeps the account", rep=rep_id))
    if not config.holds_role(rep_id, config.account_assigner_roles):
        fail_usage(T("--assigned-by '{rep}' ({name}) does not hold the role {roles} that assigns new accounts",
                     rep=rep_id, name=rep.name, roles=any_of(config.account_assigner_roles)))


def _date(value, option: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        fail_usage(T("{option} '{value}' is not a date: write YYYY-MM-DD", option=option, value=value))


def _amount(value, option: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0:
        fail_usage(T("{option} '{value}' is not an amount: write a plain number such as 1200000 or 1200000.50",
                     option=option, value=value))
    return amount


def _create(root: Path, rel: str, kind: str, text: str) -> None:
    """Check the new file's text against its schema, then create it (never over an existing file)."""
    from ..editing import WriteError, create_new
    from ..repository import check_bytes

    data = text.encode("utf-8")
    document = check_bytes(data, rel, kind)
    if document.problems:
        problem = document.problems[0]
        fail_usage(T("the new {kind} would not be valid: {problem} (line {line}); {hint}", kind=_KINDS[kind],
                     problem=problem.message, line=problem.line, hint=problem.hint))
    path = root / rel
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        create_new(path, data, root)
    except FileExistsError:
        fail_usage(T("{file} already exists; salesgen new never overwrites a file", file=rel))
    except WriteError as error:
        fail_usage(error)
    except OSError as error:
        fail_usage(T("cannot write {path}: {reason}", path=rel, reason=error.strerror or error))


_KINDS = {"customer": T("customer"), "deal": T("deal"), "contact": T("contact")}


def _report(root: Path, as_of: dt.date, rel: str, added: str | None = None) -> None:
    """What was written, then what `salesgen lint` still reports in it: the list of what is left to fill in."""
    file = styled(rel, bold=True)
    say(T("Added {contact} to {file}.", contact=added, file=file) if added else T("Created {file}.", file=file))
    problems = lint_files(root, as_of, [rel])
    if not problems:
        say(T("It lints clean."))
        return
    say(T("Still to fill in (salesgen lint):"))
    click.echo(problem_list(problems), nl=False)


@click.group()
@lang_option
def new():
    """Start a new customer, deal or contact from a valid, commented skeleton.

    Values come from the options; on a terminal, missing required ones are asked
    for. Existing files are never overwritten. After writing, what `salesgen lint`
    still reports for the file is printed: the list of what is left to fill in.

    \b
    Examples:
      salesgen new customer acme --name "Acme 机械" --owner li-lei
      salesgen new deal acme-press-line --customer acme --name "冲压线扩产" --amount 1200000 --expected-close 2027-03-31
      salesgen new contact acme-wang --customer acme --name 王工 --title 采购经理 --level management
    """


@new.command("customer")
@click.argument("ident", metavar="ID", required=False)
@click.option("--name", help="The customer's legal or usual name.")
@click.option("--owner", metavar="REP", help="Account manager: an active rep id from salesgen.yaml.")
@click.option("--type", "account_type", type=click.Choice(ACCOUNT_TYPES), default="organization", show_default=True,
              help="Account type (EIS).")
@click.option("--assigned-by", metavar="REP",
              help="For an interest account given to an account manager: the head of sales who reviewed and "
                   "assigned it (a rep with the role under interest_accounts: assigned_by), recorded as `assigned:`.")
@click.option("--industry", help="Industry.")
@click.option("--region", help="Region.")
@root_option
@as_of_option("Date recorded as `since` (YYYY-MM-DD). Default: as_of in salesgen.yaml, else today.")
@lang_option
def new_customer(ident, name, owner, account_type, assigned_by, industry, region, root, as_of):
    """Create customers/ID.yaml.

    \b
    Examples:
      salesgen new customer acme --name "Acme 机械" --owner li-lei
      salesgen new customer acme --name "Acme 机械" --owner li-lei --industry 工程机械 --region 华东
      salesgen new customer acme --name "Acme 机械" --type interest --owner li-lei --assigned-by zhang-wei
      salesgen new customer          # asks for id, name and owner on a terminal
    """
    from ..editing.skeletons import render_template

    repo, as_of = load_or_exit(root, as_of)
    ident = _slug(_ask(ident, "ID", T("Customer id (a slug such as acme)")), T("customer id"))
    if ident in repo.customers or (root / "customers" / f"{ident}.yaml").exists():
        fail_usage(T("customer '{id}' already exists; salesgen new never overwrites a file", id=ident))
    name = _ask(name, "--name", T("Customer name"))
    owner = _active_rep(repo.config, _ask(owner, "--owner", T("Account manager (rep id)")), "--owner")
    if assigned_by is not None:
        _assigner(repo.config, assigned_by, owner)
    text = render_template("new/customer.yaml.j2", id=ident, name=name, type=account_type, owner=owner,
                           assigned_by=assigned_by, industry=industry, region=region, as_of=as_of)
    rel = f"customers/{ident}.yaml"
    _create(root, rel, "customer", text)
    _report(root, as_of, rel)


@new.command("deal")
@click.argument("ident", metavar="ID", required=False)
@click.option("--customer", metavar="ID", help="The customer's id (customers/ID.yaml).")
@click.option("--name", help="The deal's name.")
@click.option("--owner", metavar="REP", help="Account manager. Default: the customer's owner.")
@click.option("--pipeline", help="Pipeline id. Default: the first pipeline in salesgen.yaml.")
@click.option("--stage", help="Stage id. Default: the pipeline's first stage.")
@click.option("--buyer-stage", help="Where the customer's own buying process stands (a buyer stage id).")
@click.option("--amount", help="Expected contract value, a plain number.")
@click.option("--currency", help="ISO currency code. Default: the reporting currency of salesgen.yaml.")
@click.option("--expected-close", help="Expected close date, YYYY-MM-DD.")
@click.option("--reason", help="Why the deal starts past the first stage (recorded on its stage_history entry).")
@click.option("--folder", default="", help="Subfolder of deals/ to put the file in (e.g. east-china).")
@root_option
@as_of_option("Date recorded as `created` and as the first stage entry. Default: as_of in salesgen.yaml, else today.")
@lang_option
def new_deal(ident, customer, name, owner, pipeline, stage, buyer_stage, amount, currency, expected_close, reason,
             folder, root, as_of):
    """Create deals/[FOLDER/]ID.yaml.

    \b
    Examples:
      salesgen new deal acme-press-line --customer acme --name "冲压线扩产" --amount 1200000 --expected-close 2027-03-31
      salesgen new deal acme-spares --customer acme --name "备件包" --pipeline product --amount 80000 --expected-close 2027-01-15 --folder east-china
      salesgen new deal              # asks for what is missing on a terminal
    """
    from ..editing.skeletons import render_template

    repo, as_of = load_or_exit(root, as_of)
    config = repo.config
    ident = _slug(_ask(ident, "ID", T("Deal id (a slug such as acme-press-line)")), T("deal id"))
    rel = str(PurePosixPath("deals", _folder(folder), f"{ident}.yaml"))
    existing = repo.deals.get(ident)
    if existing is not None or (root / rel).exists():
        fail_usage(T("deal '{id}' already exists ({file}); salesgen new never overwrites a file", id=ident,
                     file=existing.file if existing else rel))
    customer_id = _ask(customer, "--customer", T("Customer id"))
    account = repo.customers.get(customer_id)
    if account is None and repo.customers and _interactive():
        from .prompting import choose

        customer_id = choose(customer_id, list(repo.customers), "--customer", T("Customer id"), what=T("customer"))
        account = repo.customers[customer_id]
    if account is None:
        fail_usage(T("no customer '{id}' in customers/; create it first with `salesgen new customer {id}`",
                     id=customer_id))
    name = _ask(name, "--name", T("Deal name"))
    default_owner = account.owner if config.reps.get(account.owner) and config.reps[account.owner].active else None
    owner = _active_rep(config, _ask(owner, "--owner", T("Account manager (rep id)"), default_owner), "--owner")
    pipeline_id = pipeline or next(iter(config.pipelines))
    chosen = config.pipelines.get(pipeline_id)
    if chosen is None:
        fail_usage(T("no pipeline '{pipeline}' in salesgen.yaml; use one of: {names}", pipeline=pipeline_id,
                     names=", ".join(config.pipelines)))
    stage_id = stage or chosen.stages[0].id
    if chosen.stage(stage_id) is None:
        fail_usage(T("pipeline '{pipeline}' has no stage '{stage}'; use one of: {names}", pipeline=chosen.id,
                     stage=stage_id, names=", ".join(s.id for s in chosen.stages)))
    if buyer_stage and chosen.buyer_index(buyer_stage) is None:
        names = ", ".join(b for b, _ in chosen.buyer_stages) or T("(this pipeline has none)")
        fail_usage(T("pipeline '{pipeline}' has no buyer stage '{stage}'; use one of: {names}", pipeline=chosen.id,
                     stage=buyer_stage, names=names))
    value = _amount(_ask(amount, "--amount", T("Amount (expected contract value)")), "--amount")
    currency = (currency or config.currency).upper()
    if not currencies.is_known(currency):
        fail_usage(T("--currency '{code}' is not an ISO 4217 currency code. {hint}", code=one_line(currency),
                     hint=currencies.hint(currency)))
    close = _date(_ask(expected_close, "--expected-close", T("Expected close date (YYYY-MM-DD)")), "--expected-close")
    text = render_template("new/deal.yaml.j2", id=ident, name=name, customer=customer_id, customer_name=account.name,
                           owner=owner, pipeline=chosen.id, stage=stage_id, buyer_stage=buyer_stage,
                           amount=format(value, "f"), currency=currency, expected_close=close, as_of=as_of,
                           reason=reason)
    _create(root, rel, "deal", text)
    _report(root, as_of, rel)


def _folder(folder: str) -> str:
    path = PurePosixPath(folder.replace("\\", "/").strip("/")) if folder else PurePosixPath()
    if path.is_absolute() or ".." in path.parts or any(not SLUG.match(part) for part in path.parts):
        fail_usage(T("--folder '{folder}' must be a subfolder of deals/ made of slugs, such as east-china",
                     folder=folder))
    return str(path) if path.parts else ""


@new.command("contact")
@click.argument("ident", metavar="ID", required=False)
@click.option("--customer", metavar="ID", help="The customer the contact works for.")
@click.option("--name", help="The contact's name.")
@click.option("--title", help="Job title.")
@click.option("--department", help="Department (org chart).")
@click.option("--level", type=click.Choice(LEVELS), help="operational 操作层, management 管理层, decision 决策层.")
@click.option("--function", "function_", type=click.Choice(FUNCTIONS), help="finance, procurement, user or technical.")
@click.option("--reports-to", metavar="CONTACT", help="Id of the contact they report to (same customer).")
@click.option("--phone", help="Phone.")
@click.option("--mobile", help="Mobile.")
@click.option("--email", help="Email.")
@root_option
@as_of_option()
@lang_option
def new_contact(ident, customer, name, title, department, level, function_, reports_to, phone, mobile, email, root,
                as_of):
    """Add a contact to customers/CUSTOMER.yaml (appended to its `contacts:`).

    Only the contact list changes: the rest of the customer file, comments
    included, stays as it is.

    \b
    Examples:
      salesgen new contact acme-wang --customer acme --name 王工 --title 采购经理 --department 采购部 --level management
      salesgen new contact acme-li --customer acme --name 李总 --level decision --function finance
    """
    from ..editing import EditableDocument, EditError, WriteError, write_atomic
    from ..editing.skeletons import contact_entry

    repo, as_of = load_or_exit(root, as_of)
    ident = _slug(_ask(ident, "ID", T("Contact id (a slug such as acme-wang)")), T("contact id"))
    customer_id = _ask(customer, "--customer", T("Customer id"))
    account = repo.customers.get(customer_id)
    if account is None:
        fail_usage(T("no customer '{id}' in customers/ (or its file does not pass `salesgen lint`)", id=customer_id))
    if ident in repo.contacts:
        other = repo.customers[repo.contacts[ident].customer]
        fail_usage(T("contact '{id}' already exists in {file}; contact ids are unique in the repository", id=ident,
                     file=other.file))
    name = _ask(name, "--name", T("Contact name"))
    if reports_to and reports_to not in account.contacts:
        fail_usage(T("--reports-to '{contact}' is not a contact of {customer}", contact=reports_to,
                     customer=customer_id))
    entry = contact_entry(ident, name, title=title, department=department, level=level, function=function_,
                          reports_to=reports_to, phone=phone, mobile=mobile, email=email)
    try:
        document = EditableDocument.read(root / account.file, account.file)
        document.append(("contacts",), entry)
    except EditError as error:
        fail_usage(error)
    from ..repository import check_bytes

    problems = check_bytes(document.to_bytes(), account.file, "customer").problems
    if problems:
        fail_usage(T("the contact would not be valid: {problem}; {hint}", problem=problems[0].message,
                     hint=problems[0].hint))
    try:
        write_atomic(root / account.file, document.to_bytes(), root)
    except WriteError as error:
        fail_usage(error)
    _report(root, as_of, account.file, added=ident)
