"""Leave the process without freeing a loaded repository object by object.

At the end of a lint or a build of ten thousand deals, Python's own exit frees millions
of objects one at a time: about 3 s of a 10 s incremental build, for memory the operating
system takes back at once anyway. A command that loaded the repository calls ``wanted()``;
``leave`` (called by ``cli.main`` with the exit code) then flushes the logs and the output
streams and ends the process with ``os._exit``. Nothing else salesgen or the libraries of
its site run needs an exit handler; a command that did not call ``wanted()``, and every
command run inside another program (the tests' CliRunner), exits the ordinary way.
"""
from __future__ import annotations

import logging
import os
import sys

_wanted = False


def wanted(value: bool = True) -> None:
    """This command holds a large heap and has nothing left to do at exit (False: it may have after all)."""
    global _wanted
    _wanted = value


def leave(code) -> None:
    """End the process now with ``code`` (as ``sys.exit`` would take it), when ``wanted()`` was called."""
    if not _wanted:
        return
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): the message on stderr, status 1
        print(code, file=sys.stderr)
        status = 1
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`salesgen lint | head`) or stream
            pass
    os._exit(status)
