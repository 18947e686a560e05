"""Compiled templates kept between builds: Jinja's documented ``FileSystemBytecodeCache``.

Every build compiles about sixty templates (salesgen's pages and Material's frame): 0.7 s,
a tenth of an incremental build at 10,000 deals. Jinja stores each compiled template in
the user's own folder of the system's temporary directory (created private to the user)
and checks the template's source before using it. Templates compiled with salesgen's code
generator (``compat.page_environment``) and with Jinja's own are kept apart, and so are
Jinja's versions: the file names carry both. ``SALESGEN_TEMPLATE_CACHE=off`` compiles every
time; a folder that cannot be written is no error (Jinja compiles, as without a cache).
"""
from __future__ import annotations

import functools
import hashlib
import os
from importlib import metadata

ENV_VAR = "SALESGEN_TEMPLATE_CACHE"


@functools.lru_cache(maxsize=None)
def bytecode_cache(kind: str):
    """A bytecode cache for the environment of ``kind`` (a name that says how it compiles), or None when off."""
    from jinja2 import FileSystemBytecodeCache

    if os.environ.get(ENV_VAR, "").strip().lower() in ("off", "0", "no", "false"):
        return None
    tag = hashlib.blake2b(f"{kind}|{metadata.version('jinja2')}".encode(), digest_size=6).hexdigest()
    try:
        return FileSystemBytecodeCache(pattern=f"__salesgen_{tag}_%s.cache")
    except (OSError, RuntimeError):  # no usable temporary folder
        return None
