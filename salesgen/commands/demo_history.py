"""`salesgen demo-history DIR`: a pipeline repository with a year of sales history, for demos and tests."""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import click

from .common import fail_usage


@click.command("demo-history")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--from", "source", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="Replay the history of this repository's files (default: a generated one).")
@click.option("--deals", type=click.IntRange(min=1), default=200, show_default=True,
              help="Deals of the generated repository (without --from).")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same history.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The last day of the history. Default: as_of of the source's salesgen.yaml.")
def demo_history(directory, source, deals, seed, as_of):
    """Build a git repository whose history is a year of sales work.

    The final files are a real pipeline repository (--from, or a generated one);
    the commits before replay each deal's life: created, moved through its
    recorded stages by its owner, sometimes stepping back, close dates slipping,
    amounts revised, lost and reopened. Deterministic: same input, same history.
    This project's own history is development history, not sales history: use
    this to see `salesgen changes`, `salesgen calibration` and the Changes page.

    \b
    Examples:
      salesgen demo-history /tmp/demo && cd /tmp/demo && salesgen changes --since 2026-10-01
      salesgen demo-history /tmp/example-history --from .
    """
    from ..config import load_config
    from ..history.demo import build
    from ..synthetic import generate

    if directory.exists() and any(directory.iterdir()):
        fail_usage(f"{directory} is not empty: build the demo into a new folder")
    with tempfile.TemporaryDirectory(prefix="salesgen-demo-") as scratch:
        if source is None:
            source = Path(scratch) / "repo"
            generate(source, deals=deals, customers=max(1, deals // 5), seed=seed)
            _add_site_files(source)
        config, _ = load_config(source)
        if config is None:
            fail_usage(f"{source} has no usable salesgen.yaml")
        end = as_of.date() if as_of else (config.as_of or dt.date.today())
        steps = build(directory, source, start=end - dt.timedelta(days=364), end=end, seed=seed)
    click.echo(f"wrote {directory}: {len(steps):,} scripted changes from {end - dt.timedelta(days=364)} to {end}")


def _add_site_files(source: Path) -> None:
    """mkdocs.yml and the docs folder of `salesgen init`, so that `salesgen build` works in the demo."""
    from .init import planned_files

    for rel, content in planned_files(dt.date.today()).items():
        if rel in ("mkdocs.yml", ".salesgen-docs/.gitkeep", ".gitignore"):
            (source / rel).parent.mkdir(parents=True, exist_ok=True)
            (source / rel).write_bytes(content)
