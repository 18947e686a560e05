"""Which files of the repository changed against a git ref (for `salesgen lint --changed`).

A pull-request gate reports the problems of the files the pull request touches:
everything committed since the branch left ``base`` (``git merge-base``), plus
uncommitted edits and untracked files, so the same command works in CI and before a
commit. Paths come back relative to the salesgen root, '/'-separated.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path, PurePosixPath


class GitError(Exception):
    """Not a git repository, git missing, or an unknown ref: a usage error (exit 2)."""


def default_base() -> str:
    """``origin/<base branch>`` inside a GitHub pull-request job, else ``HEAD`` (uncommitted work)."""
    branch = os.environ.get("GITHUB_BASE_REF", "").strip()
    return f"origin/{branch}" if branch else "HEAD"


def changed_files(root: Path, base: str | None = None) -> set[str]:
    """Files below ``root`` that differ from ``base``: committed since the merge base, edited, or untracked."""
    root = Path(root).resolve()
    base = base or default_base()
    top = Path(_git(root, "rev-parse", "--show-toplevel", what="find the git repository").strip()).resolve()
    if base.startswith("-"):
        raise GitError(f"'{base}' is not a git ref")
    commit = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{base}^{{commit}}",
                  what=f"find the git ref '{base}'").strip()
    merge_base = _git(root, "merge-base", commit, "HEAD", what=f"find where HEAD left '{base}'",
                      allow_empty=True).strip() or commit
    listed = _git(root, "diff", "--name-only", "--no-renames", "-z", merge_base, "--", what="list changed files")
    listed += _git(root, "ls-files", "--others", "--exclude-standard", "-z", "--full-name", "--",
                   what="list untracked files")
    changed = set()
    for name in filter(None, listed.split("\0")):
        absolute = top / name
        try:
            changed.add(PurePosixPath(absolute.relative_to(root).as_posix()).as_posix())
        except ValueError:
            continue  # outside the salesgen root (a monorepo's other folders)
    return changed


def _git(root: Path, *args: str, what: str, allow_empty: bool = False) -> str:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              encoding="utf-8", errors="surrogateescape", check=False)
    except FileNotFoundError:
        raise GitError("git is not installed (needed for --changed)") from None
    if done.returncode != 0 and not (allow_empty and done.returncode == 1):
        detail = done.stderr.strip().splitlines()
        reason = detail[-1] if detail else f"git exited with {done.returncode}"
        if "not a git repository" in reason:
            raise GitError(f"{root} is not inside a git repository (--changed compares against git)")
        if args[0] == "rev-parse" and "--verify" in args:
            raise GitError(f"unknown git ref '{args[-1][:-len('^{commit}')]}': "
                           "fetch it (git fetch origin) or pass another --base")
        raise GitError(f"cannot {what}: {reason}")
    return done.stdout
