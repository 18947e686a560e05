"""`salesgen init DIR`: a new pipeline repository that lints clean and builds at once."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..i18n import T
from .common import fail_usage, lang_option, say, styled, tr

# (template in salesgen/templates/init/, file in the new repository); *.j2 are rendered.
FILES = (
    ("README.md.j2", "README.md"),
    ("customer.yaml.j2", "customers/sample-machinery.yaml"),
    ("deal.yaml.j2", "deals/sample-machinery-welding-line.yaml"),
    ("mkdocs.yml.j2", "mkdocs.yml"),
    ("gitkeep", ".salesgen-docs/.gitkeep"),  # MkDocs needs its docs folder; git keeps no empty one
    ("gitignore", ".gitignore"),
    ("pre-commit-config.yaml", ".pre-commit-config.yaml"),
    ("requirements.txt.j2", "requirements.txt"),
    ("workflow.yml", ".github/workflows/salesgen.yml"),
    ("gitlab-ci.yml", ".gitlab-ci.yml"),
    ("vscode-snippets.json", ".vscode/salesgen.code-snippets"),
    ("vscode-settings.json", ".vscode/settings.json"),
    ("vscode-extensions.json", ".vscode/extensions.json"),
)
IGNORED_WHEN_EMPTY = {".git"}  # `git init DIR && salesgen init DIR` is fine


def planned_files(today: dt.date) -> dict[str, bytes]:
    """Relative path -> content of every file `init` writes (dates relative to ``today``)."""
    from .. import __version__
    from ..editing.skeletons import TEMPLATES, render_template
    from ..schemas import schema_dir

    config = (Path(__file__).resolve().parent.parent / "data" / "default-config.yaml").read_bytes()
    values = {
        "today": today, "version": __version__, "title": _title(config),
        "created": today - dt.timedelta(days=30), "first_call": today - dt.timedelta(days=28),
        "interest": today - dt.timedelta(days=25), "entered_visit": today - dt.timedelta(days=12),
        "follow_up": today - dt.timedelta(days=4), "next_date": today + dt.timedelta(days=7),
        "expected_close": today + dt.timedelta(days=150),
    }
    files = {"salesgen.yaml": config}
    for template, target in FILES:
        if template.endswith(".j2"):
            files[target] = render_template(f"init/{template}", **values).encode("utf-8")
        else:
            files[target] = (TEMPLATES / "init" / template).read_bytes()
    for schema in sorted(schema_dir().glob("*.schema.json")):
        files[f"schemas/{schema.name}"] = schema.read_bytes()
    return files


def _title(config: bytes) -> str:
    import yaml

    return (yaml.safe_load(config) or {}).get("title") or "Our sales pipeline"


@click.command()
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="Write into a folder that is not empty. Existing files are kept, never overwritten.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day the example's dates are relative to (YYYY-MM-DD). Default: today.")
@lang_option
def init(directory, force, as_of):
    """Create a new pipeline repository in DIR.

    Writes salesgen.yaml (the default pipelines and a sample roster), an example
    customer and deal, mkdocs.yml, .gitignore, a pre-commit hook, a GitHub Actions
    workflow and a GitLab CI file (lint of the changed files on pull/merge requests,
    SARIF; on main the site built and published), VS Code settings that map deals/
    and customers/ to the JSON Schemas, VS Code snippets for a new activity and a new
    evidence record, and the schemas themselves. The new
    repository lints clean and builds at once. A folder that is not empty is refused
    unless --force is given.

    \b
    Examples:
      salesgen init our-pipeline
      cd our-pipeline && salesgen lint && salesgen build
      git init pipeline && salesgen init pipeline
      salesgen init . --force        # add what is missing to the current folder
    """
    from ..editing import create_new

    if directory.exists() and not directory.is_dir():
        fail_usage(T("{path} exists and is not a folder", path=directory))
    present = sorted(p.name for p in directory.iterdir() if p.name not in IGNORED_WHEN_EMPTY) \
        if directory.is_dir() else []
    if present and not force:
        shown = ", ".join(present[:3]) + (", ..." if len(present) > 3 else "")
        fail_usage(T("{path} is not empty ({files}); choose a new folder, or pass --force to add the missing files "
                     "(existing files are never overwritten)", path=directory, files=shown))
    today = as_of.date() if as_of else dt.date.today()
    written, kept = [], []
    for rel, content in planned_files(today).items():
        path = directory / rel
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            create_new(path, content, directory)
            written.append(rel)
        except FileExistsError:
            kept.append(rel)
        except OSError as error:
            fail_usage(T("cannot write {path}: {reason}", path=path, reason=error.strerror or error))
    say(T("Created a salesgen repository in {path}:", path=styled(str(directory), bold=True)))
    for rel in written:
        click.echo(f"  {rel}")
    for rel in kept:
        click.echo(f"  {rel} " + styled(tr(T("(exists, kept)")), fg="yellow"))
    click.echo("\n" + tr(T("Next steps:")))
    for step in (f"cd {directory}", T("salesgen lint                 # every file checked: clean"),
                 T("salesgen build                # the site, in site/"),
                 T("git init && pre-commit install   # lint before each commit"),
                 T("edit salesgen.yaml: your roster under reps:, your stages under pipelines:")):
        click.echo(f"  {tr(step)}")
