"""What every rule module gets: the check context and a way to make Problems."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..config import Config
from ..problem import Problem, Severity
from ..repository import Repository
from ..i18n import Localized
from ..yamlsource import one_line


@dataclass
class Context:
    """Everything a rule may look at. Rules never read files, the clock or the environment."""

    repo: Repository
    as_of: dt.date

    @property
    def config(self) -> Config:
        return self.repo.config

    def problem(self, rule: str, file: str, path: tuple, message: str, hint: str, *,
                key: bool = False, subject: str = "") -> Problem:
        line, column = self.repo.locate(file, path, key=key)
        return Problem(file, line, column, rule, message, hint, Severity.ERROR, path, subject)

    def at_deal(self, rule: str, deal, path: tuple, message: str, hint: str, **kwargs) -> Problem:
        return self.problem(rule, deal.file, path, message, hint, **kwargs)

    def label(self, label: dict | None) -> str:
        """A configured label as quoted in a message: one line, at most 60 characters."""
        text = self.config.label(label)  # a Localized: keep its other languages, each on one line too
        return Localized(one_line(text), tuple((lang, one_line(v)) for lang, v in getattr(text, "variants", ())))

    def rep_is_active(self, rep_id: str | None) -> bool:
        rep = self.config.reps.get(rep_id) if rep_id else None
        return bool(rep and rep.active)

    def customer_of(self, deal):
        return self.repo.customers.get(deal.customer)

    def pipeline_of(self, deal):
        return self.config.pipelines.get(deal.pipeline)

    def stage_of(self, deal):
        pipeline = self.pipeline_of(deal)
        return pipeline.stage(deal.stage) if pipeline else None

    def open_deals(self):
        """Deals whose pipeline and stage are known and that are not closed (won or lost)."""
        for deal, stage in self.known_deals():
            if stage.outcome is None:
                yield deal, stage

    def known_deals(self):
        """Deals whose pipeline and stage are known, with their stage (looked up once per context:
        two dozen rules ask)."""
        known = self.__dict__.get("_known")
        if known is None:
            known = self.__dict__["_known"] = [(deal, stage) for deal in self.repo.deals.values()
                                               if (stage := self.stage_of(deal)) is not None]
        return iter(known)
