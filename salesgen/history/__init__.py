"""The time dimension, read from the repository's own git history.

``reader`` lists the first-parent commits that touched ``deals/`` or ``customers/`` and
reads every distinct file version (blob) once through ``git cat-file --batch``;
``states`` turns a blob into the few fields history needs (parsed exactly as lint
parses it) and caches them; ``movement``, ``trend`` and ``calibration`` are pure
analytics over those states with explicit dates.
"""
