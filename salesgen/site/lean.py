"""What the site build keeps of the parsed files: the values its pages read, not what lint needed besides.

Lint needs where every value stands in its file, and each activity and stage entry as it was
parsed. Once the problems are found, the pages need neither: positions are in the problems
already, and a deal's activities and stage history are in its model (``model.Deal``:
``activities``, ``stage_history``), which is what every page and figure reads. At 50,000
deals the parsed lists and positions are a third of the build's memory.

``slim`` drops them from a lint result that only the site reads from now on. The plugin
calls it in a build that renders every page (a full build, with ``salesgen build``, ``mkdocs
build`` or ``serve``); a build that keeps most pages needs little memory and skips the
0.3 s it takes at 10,000 deals. A deal's ``raw`` then has
no ``activities`` or ``stage_history`` key: read ``deal.activities`` and
``deal.stage_history``.
"""
from __future__ import annotations

from ..yamlsource import forget_positions

MODELLED = ("activities", "stage_history")  # deal fields whose every value the model holds


def slim(repo) -> None:
    """Drop the positions of every document of ``repo`` and the deal fields the model holds (``MODELLED``)."""
    for deal in repo.deals.values():  # first: what goes needs no walking
        for key in MODELLED:
            deal.raw.pop(key, None)
    for document in repo.documents:
        forget_positions(document.data)
        if document.kept is not None:
            forget_positions(document.kept)
