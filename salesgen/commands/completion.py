"""Shell completion: `salesgen completion bash|zsh|fish` prints the script; ids complete from the repository.

The completion callbacks read only file names and the small parts of salesgen.yaml
they need (no lint), so Tab answers at once even in a large repository. The folder
is the --root already typed on the line, else the current one.
"""
from __future__ import annotations

from pathlib import Path

import click

SHELLS = ("bash", "zsh", "fish")


def _root(ctx) -> Path:
    root = ctx.params.get("root") if ctx is not None else None
    return Path(root) if root else Path(".")


def _load(path: Path):
    import yaml

    try:
        with open(path, "rb") as handle:
            return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError):
        return None


def _config(ctx) -> dict:
    data = _load(_root(ctx) / "salesgen.yaml")
    return data if isinstance(data, dict) else {}


def _matching(values, incomplete: str) -> list[str]:
    seen = []
    for value in values:
        if isinstance(value, str) and value.startswith(incomplete) and value not in seen:
            seen.append(value)
    return seen


def deal_files(root: Path) -> dict[str, Path]:
    folder = root / "deals"
    return {path.stem: path for path in sorted(folder.rglob("*.yaml"))} if folder.is_dir() else {}


def _deal_data(ctx) -> dict:
    """The raw document of the deal already typed on the line (DEAL argument), or {}."""
    ref = ctx.params.get("deal_ref") if ctx is not None else None
    if not ref:
        return {}
    path = deal_files(_root(ctx)).get(Path(ref).stem)
    data = _load(path) if path else None
    return data if isinstance(data, dict) else {}


def complete_deals(ctx, param, incomplete: str) -> list[str]:
    return _matching(deal_files(_root(ctx)), incomplete)


def complete_customers(ctx, param, incomplete: str) -> list[str]:
    folder = _root(ctx) / "customers"
    return _matching((p.stem for p in sorted(folder.glob("*.yaml"))), incomplete) if folder.is_dir() else []


def complete_reps(ctx, param, incomplete: str) -> list[str]:
    reps = _config(ctx).get("reps") or []
    return _matching((r.get("id") for r in reps if isinstance(r, dict) and r.get("active", True)), incomplete)


def complete_contacts(ctx, param, incomplete: str) -> list[str]:
    """Contacts of the deal's customer when a deal is on the line, else of every customer."""
    folder = _root(ctx) / "customers"
    customer = _deal_data(ctx).get("customer") or ctx.params.get("customer")
    files = [folder / f"{customer}.yaml"] if customer else sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    found = []
    for path in files:
        data = _load(path)
        if isinstance(data, dict):
            found += [c.get("id") for c in data.get("contacts") or () if isinstance(c, dict)]
    return _matching(found, incomplete)


def _pipelines(ctx) -> list[dict]:
    pipelines = [p for p in _config(ctx).get("pipelines") or () if isinstance(p, dict)]
    wanted = _deal_data(ctx).get("pipeline")
    return [p for p in pipelines if p.get("id") == wanted] or pipelines if wanted else pipelines


def complete_stages(ctx, param, incomplete: str) -> list[str]:
    return _matching((s.get("id") for p in _pipelines(ctx) for s in p.get("stages") or () if isinstance(s, dict)),
                     incomplete)


def complete_criteria(ctx, param, incomplete: str) -> list[str]:
    return _matching((c.get("id") for p in _pipelines(ctx) for s in p.get("stages") or () if isinstance(s, dict)
                      for c in s.get("exit") or () if isinstance(c, dict)), incomplete)


def complete_rules(ctx, param, incomplete: str) -> list[str]:
    from .. import rules

    return _matching(rules.REGISTRY, incomplete)


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def completion(ctx, shell):
    """Print the shell completion script for SHELL (bash, zsh or fish).

    Commands, options, deal ids, customers, contacts, reps, stages, criteria and rule
    ids then complete with Tab, read from the repository in the current folder
    (or the --root typed before).

    \b
    Install (once):
      bash:  salesgen completion bash > ~/.salesgen-complete.bash
             echo '. ~/.salesgen-complete.bash' >> ~/.bashrc
      zsh:   salesgen completion zsh > ~/.salesgen-complete.zsh
             echo '. ~/.salesgen-complete.zsh' >> ~/.zshrc
      fish:  salesgen completion fish > ~/.config/fish/completions/salesgen.fish
    """
    from click.shell_completion import get_completion_class

    cls = get_completion_class(shell)
    script = cls(ctx.find_root().command, {}, "salesgen", "_SALESGEN_COMPLETE").source()
    click.echo(script)
