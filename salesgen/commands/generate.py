"""`salesgen generate DIR`: a synthetic pipeline repository, for benchmarks and demos."""
from __future__ import annotations

from pathlib import Path

import click

from .common import fail_usage


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--deals", type=click.IntRange(min=0), default=1_000, show_default=True, help="Number of deals.")
@click.option("--customers", type=click.IntRange(min=1), default=200, show_default=True,
              help="Number of customer accounts.")
@click.option("--contacts", type=click.IntRange(min=1), default=None,
              help="Number of contacts, spread over the customers (at least 2 each).  [default: 15 per customer]")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed and sizes, same files.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default="2026-11-20",
              show_default=True, help="The snapshot date the data is consistent with (as_of in salesgen.yaml).")
def generate(directory, deals, customers, contacts, seed, as_of):
    """Write a realistic synthetic pipeline repository that lints clean.

    Deals are spread over both pipelines and every stage the way a real funnel is
    (more early than late, a third lost, a fifth won), each with the evidence, team,
    stakeholders, activities, approvals and contract its stage needs; the roster is
    generated too. Used by the benchmarks (tests/benchmarks/run_benchmarks.py).

    \b
    Examples:
      salesgen generate /tmp/big --deals 10000 --customers 2000 --contacts 30000
      salesgen generate demo --deals 50 --customers 10 --seed 7
    """
    from ..synthetic import GenerationError, generate as make

    if directory.exists() and any(directory.iterdir()):
        fail_usage(f"{directory} is not empty: generate into a new folder")
    if contacts is not None and contacts < 2 * customers:
        fail_usage(f"--contacts must be at least 2 per customer ({2 * customers})")
    try:
        summary = make(directory, deals=deals, customers=customers, contacts=contacts, seed=seed,
                       as_of=as_of.date())
    except GenerationError as error:
        fail_usage(f"cannot generate with this configuration: {error}")
    click.echo(f"wrote {summary.files:,} files ({summary.bytes / 1e6:.1f} MB) to {directory}: "
               f"{summary.deals:,} deals, {summary.customers:,} customers, {summary.contacts:,} contacts, "
               f"{summary.reps} reps")
