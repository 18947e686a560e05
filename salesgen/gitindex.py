"""The repository as it is staged for the next commit (for `salesgen lint --staged`).

A pre-commit hook must check what is being committed: the files in git's index, not the
working tree. An untracked file is not part of the commit, an unstaged edit is not
either, and a file deleted in the index is gone. ``git checkout-index`` writes the
index's version of ``salesgen.yaml``, ``deals/`` and ``customers/`` into a scratch
folder, which is then linted like any repository.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from .gitdiff import GitError, git_output, run_git

STAGED_PATHS = ("salesgen.yaml", "deals", "customers")


def export_index(root: Path, target: Path) -> Path:
    """Write the staged data files below ``root`` into ``target``; return the salesgen root inside it."""
    root = Path(root).resolve()
    top = Path(git_output(root, "rev-parse", "--show-toplevel", what="find the git repository").strip()).resolve()
    prefix = git_output(root, "rev-parse", "--show-prefix", what="find the folder in the repository").strip()
    listed = run_git(root, "ls-files", "-z", "--full-name", "--", *STAGED_PATHS)
    if listed.returncode != 0:
        raise GitError(f"cannot list the staged files: {listed.stderr.strip() or listed.returncode}")
    names = [name for name in listed.stdout.split("\0") if name]
    _checkout(top, target, names)
    staged_root = target / prefix
    staged_root.mkdir(parents=True, exist_ok=True)
    return staged_root


def _checkout(top: Path, target: Path, names: list[str]) -> None:
    """``git checkout-index`` of ``names`` (relative to ``top``) below ``target``, smudge filters applied."""
    if not names:
        return
    done = subprocess.run(["git", "-C", str(top), "checkout-index", "--quiet", "-z", "--stdin",
                           f"--prefix={target}/"],
                          input="\0".join(names).encode("utf-8", "surrogateescape"), capture_output=True, check=False)
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"cannot read the staged files: {detail[-1] if detail else done.returncode}")
