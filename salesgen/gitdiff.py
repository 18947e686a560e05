"""Which files of the repository changed against a git ref (for `salesgen lint --changed`).

A pull-request gate reports the problems of the files the pull request touches:
everything committed since the branch left the base (``git merge-base``), plus staged,
unstaged and untracked files, so the same command works in CI and before a commit.
Without an explicit base it is the pull request's base in CI (GitHub Actions, GitLab
merge-request pipelines), else the repository's default branch; a shallow clone, which
lacks the history to find where the branch left it, is an error rather than a guess.
Paths come back relative to the salesgen root, '/'-separated.
"""
from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

SHALLOW_HINT = ("set `fetch-depth: 0` on actions/checkout (GitLab: GIT_DEPTH: 0), "
                "or run `git fetch --unshallow`")
DEFAULT_BRANCHES = ("origin/main", "origin/master", "main", "master")


class GitError(Exception):
    """Not a git repository, git missing, an unknown ref or a shallow clone: a usage error (exit 2)."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Changes:
    """The files to report on and what they were compared with."""

    files: frozenset  # relative to the salesgen root, '/'-separated
    base: str  # the ref as named (``origin/main``) or a commit
    merge_base: str  # full commit id where HEAD left ``base``

    @property
    def short_merge_base(self) -> str:
        return self.merge_base[:7]


def default_base(root: Path) -> str:
    """The pull request's base in CI, else the default branch (``origin/HEAD``'s target or a usual name)."""
    github = os.environ.get("GITHUB_BASE_REF", "").strip()
    if github:  # set in pull_request jobs only
        return f"origin/{github}"
    gitlab_sha = os.environ.get("CI_MERGE_REQUEST_DIFF_BASE_SHA", "").strip()
    if gitlab_sha:  # the exact commit GitLab shows the merge request's diff against
        return gitlab_sha
    gitlab = os.environ.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "").strip()
    if gitlab:
        return f"origin/{gitlab}"
    done = run_git(root, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD")
    if done.returncode == 0 and done.stdout.strip():
        return done.stdout.strip()
    for name in DEFAULT_BRANCHES:
        if _resolve(root, name):
            return name
    raise GitError("cannot tell the default branch (no origin/HEAD, origin/main, origin/master, main or master)",
                   "pass the branch to compare with: --changed --base origin/<branch>")


def changes(root: Path, base: str | None = None) -> Changes:
    """Files below ``root`` changed since HEAD left ``base``: committed, staged, edited or untracked."""
    root = Path(root).resolve()
    top = Path(git_output(root, "rev-parse", "--show-toplevel", what="find the git repository").strip()).resolve()
    head = _resolve(root, "HEAD")
    if not head:
        raise GitError("the repository has no commit yet, so nothing to compare with",
                       "commit first, or lint without --changed")
    base = base or default_base(root)
    if base.startswith("-"):
        raise GitError(f"'{base}' is not a git ref")
    shallow = git_output(root, "rev-parse", "--is-shallow-repository", what="inspect the clone").strip() == "true"
    commit = _resolve(root, base)
    if not commit:
        if shallow:
            raise GitError(f"this is a shallow clone without '{base}', so --changed cannot tell what changed",
                           SHALLOW_HINT)
        raise GitError(f"unknown git ref '{base}'", "fetch it (git fetch origin) or pass another --base")
    if shallow and commit != head:
        # The branch point may lie beyond the cut-off history: refuse rather than compare with the wrong commit.
        raise GitError("this is a shallow clone: the history back to where the branch left "
                       f"'{base}' may be missing, so --changed cannot tell what changed", SHALLOW_HINT)
    done = run_git(root, "merge-base", commit, head)
    merge_base = done.stdout.strip()
    if done.returncode != 0 or not merge_base:
        raise GitError(f"HEAD and '{base}' have no commit in common, so --changed cannot tell what changed",
                       "pass the branch this one was started from: --changed --base <branch>")
    listed = git_output(root, "diff", "--name-only", "--no-renames", "-z", merge_base, "--", what="list changed files")
    listed += git_output(root, "ls-files", "--others", "--exclude-standard", "-z", "--full-name", "--",
                   what="list untracked files")
    return Changes(frozenset(_below(root, top, listed)), base, merge_base)


def changed_files(root: Path, base: str | None = None) -> set[str]:
    """The file set of :func:`changes`."""
    return set(changes(root, base).files)


def _below(root: Path, top: Path, listed: str) -> set[str]:
    """NUL-separated paths relative to the top of the git work tree -> paths relative to ``root``."""
    found = set()
    for name in filter(None, listed.split("\0")):
        try:
            found.add(PurePosixPath((top / name).relative_to(root).as_posix()).as_posix())
        except ValueError:
            continue  # outside the salesgen root (a monorepo's other folders)
    return found


def _resolve(root: Path, ref: str) -> str:
    """The commit id ``ref`` names, or '' when it names none."""
    if ref.startswith("-"):
        return ""
    done = run_git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    return done.stdout.strip() if done.returncode == 0 else ""


def run_git(root: Path, *args: str) -> subprocess.CompletedProcess:
    """``git -C root args`` (output as text); GitError when git is missing or root is not in a repository."""
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              encoding="utf-8", errors="surrogateescape", check=False)
    except FileNotFoundError:
        raise GitError("git is not installed (needed for --changed and --staged)") from None
    if done.returncode != 0 and "not a git repository" in done.stderr:
        raise GitError(f"{root} is not inside a git repository (--changed and --staged read git)")
    return done


def git_output(root: Path, *args: str, what: str) -> str:
    """The output of a git command that must succeed (else GitError saying what could not be done)."""
    done = run_git(root, *args)
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()
        raise GitError(f"cannot {what}: {detail[-1] if detail else f'git exited with {done.returncode}'}")
    return done.stdout
