"""The `salesgen` command line: a thin layer over the core; commands import their work lazily."""
from __future__ import annotations

import sys

import click

from . import __version__, fastexit
from .commands.build import build
from .cli_language import LocalizedGroup, localize
from .commands.common import lang_option
from .commands.completion import completion
from .commands.evidence import evidence
from .commands.fix import fix
from .commands.changes import calibration, changes, forecast_trend
from .commands.demo_history import demo_history
from .commands.generate import generate
from .commands.handover import handover
from .commands.init import init
from .commands.lint import lint
from .commands.log import log
from .commands.move import move
from .commands.new import new
from .commands.records import approve, set_value, stakeholder, team
from .commands.reports import forecast, funnel, review
from .commands.rules_cmd import rules_command
from .commands.serve import serve
from .commands.winloss import winloss
from .commands.show import show


@click.group(cls=LocalizedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="salesgen")
@lang_option
def cli():
    """salesgen: your B2B sales pipeline as YAML in git, checked and published.

    \b
    Examples:
      salesgen lint                 # check the repository in this folder
      salesgen rules                # what is checked, and why
      salesgen init our-pipeline    # start a new pipeline repository
      salesgen move acme-line visit # move a deal once the stage gate is met
      salesgen show acme-line       # where a deal stands and what its next gate needs
      salesgen log acme-line        # record a call or a visit (asks for what is missing)
      salesgen review               # the weekly 1-15-30 review, per rep
    """


cli.add_command(lint)
cli.add_command(rules_command)
cli.add_command(build)
cli.add_command(serve)
cli.add_command(init)
cli.add_command(new)
cli.add_command(move)
cli.add_command(handover)
cli.add_command(forecast)
cli.add_command(funnel)
cli.add_command(review)
cli.add_command(winloss)
cli.add_command(generate)
cli.add_command(log)
cli.add_command(evidence)
cli.add_command(completion)
cli.add_command(show)
cli.add_command(stakeholder)
cli.add_command(team)
cli.add_command(approve)
cli.add_command(set_value)
cli.add_command(fix)
cli.add_command(changes)
cli.add_command(calibration)
cli.add_command(forecast_trend)
cli.add_command(demo_history)
localize(cli)  # every help page in the user's language (cli_language.py)


def main() -> None:
    """Entry point: never show a traceback to a user."""
    try:
        cli.main(standalone_mode=True)
    except SystemExit as done:
        fastexit.leave(done.code)  # after a lint or a build: without freeing the repository object by object
        raise
    except KeyboardInterrupt:
        click.echo("salesgen: interrupted", err=True)
        sys.exit(130)
    except Exception as error:  # pragma: no cover - last-resort guard
        click.echo(f"salesgen: internal error: {type(error).__name__}: {error} "
                   "(this is a bug; please report it)", err=True)
        sys.exit(3)
