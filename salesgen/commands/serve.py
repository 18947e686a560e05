"""`salesgen serve`: the site on a local web server, rebuilt whenever a YAML file changes."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from .common import as_of_option, fail_usage, report_configuration, resolve_as_of, root_option


@click.command("serve")
@root_option
@as_of_option()
@click.option("--include-sensitive", is_flag=True,
              help="Show all of contacts' personal data: phone, mobile, email, wechat, notes, motives "
                   "(left out by default; `publish: contact_fields:` in salesgen.yaml picks some).")
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, metavar="IP:PORT",
              help="Address to serve on.")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
def serve(root, as_of, include_sensitive, dev_addr, open_browser):
    """Serve the site locally and rebuild it when deals, customers or salesgen.yaml change.

    Lint errors do not stop the server: they are listed on the site's rules page while
    you fix them. After an edit only the pages whose inputs changed are rendered again,
    and an edited deal's own pages first, so the browser shows the edit within a second
    (the lint cache that `salesgen lint` left is read, never written). Stop with Ctrl-C.

    \b
    Examples:
      salesgen serve
      salesgen serve --dev-addr 127.0.0.1:8080 --as-of 2026-12-31
    """
    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import Abort, ConfigurationError as MkDocsConfigurationError

    from ..config import load_config
    from ..repository import ConfigurationError
    from ..site import mkdocs_config
    from .build import _log_to_stderr

    if not root.is_dir():
        fail_usage(f"no such directory: {root}")
    config, problems = load_config(root)
    if config is None:
        report_configuration(problems)
    as_of_date = resolve_as_of(as_of, config)
    # The plugin reads these on every rebuild (MkDocs reloads its configuration each time).
    os.environ["SALESGEN_ROOT"] = str(root.resolve())
    os.environ["SALESGEN_AS_OF"] = as_of_date.isoformat()
    os.environ["SALESGEN_INCLUDE_SENSITIVE"] = "1" if include_sensitive else "0"
    _log_to_stderr(verbose=True)
    with tempfile.TemporaryDirectory(prefix="salesgen-serve-") as scratch:
        config_file = mkdocs_config.find_config(root)
        if config_file is None:
            config_file = Path(scratch) / "mkdocs.yml"
            config_file.write_text(mkdocs_config.default_config_text(root.resolve(), config.title), encoding="utf-8")
        try:
            # dirty: each rebuild renders only the pages whose inputs changed (site/incremental.py)
            mkdocs_serve(str(config_file), dev_addr=dev_addr, open_in_browser=open_browser, build_type="dirty")
        except (Abort, MkDocsConfigurationError, ConfigurationError) as error:
            fail_usage(f"cannot serve the site: {error}")
