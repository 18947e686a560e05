"""Everything the pages show, computed once per build from the lint result.

``SiteData`` holds the model, the problems and the analytics; the page builders only
select and format from it. Figures that every index page needs are computed eagerly
(one pass each over the deals); per-deal details are computed when that page renders.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections import defaultdict

from markupsafe import Markup

from ..analytics import asof, attention, cadence, forecast, funnel, kpi, periods, weekly
from ..analytics.money import Converted, convert
from ..analytics.probability import stage_of
from ..config import Config
from ..engine import LintResult
from ..model import Customer, Deal
from .i18n import Strings
from .sensitive import contact_sensitive_fields

GATE_RULES = frozenset({"stage-gate"})
RECENT_DAYS = 90


def deal_url(deal_id: str) -> str:
    return f"deals/{deal_id}/"


def customer_url(customer_id: str) -> str:
    return f"customers/{customer_id}/"


def rep_url(rep_id: str) -> str:
    return f"team/{rep_id}/"


class SiteData:
    def __init__(self, result: LintResult, *, include_sensitive: bool = False, language: str | None = None):
        self.result = result
        self.repo = result.repo
        self.config: Config = result.repo.config
        if language and language != self.config.language:  # a second build of the site in the other language
            self.config = dataclasses.replace(self.config, language=language)
        self.as_of: dt.date = result.as_of
        self.include_sensitive = include_sensitive
        sensitive = contact_sensitive_fields()
        # personal contact fields left off the site: all of them, less those `publish:` lists
        self.hidden_contact_fields: frozenset = (frozenset() if include_sensitive else
                                                 sensitive - set(self.config.published_contact_fields))
        self.t = Strings(self.config.language)
        # --as-of a day before the latest recorded change: the deals as they were then (analytics.asof)
        self.reconstructed = asof.is_past(self.repo.deals.values(), self.as_of)
        deals = self.repo.deals.values()
        if self.reconstructed:
            deals = asof.deals_as_of(deals, self.as_of)
        self.deals: list[Deal] = sorted(deals, key=lambda d: d.id)
        self.customers: list[Customer] = sorted(self.repo.customers.values(), key=lambda c: c.id)
        self.stages = {d.id: stage_of(d, self.config) for d in self.deals}
        self.problems = result.problems
        self.problems_by_file: dict[str, list] = defaultdict(list)
        for problem in self.problems:
            self.problems_by_file[problem.file].append(problem)
        self.deals_by_customer: dict[str, list[Deal]] = defaultdict(list)
        self.deals_by_owner: dict[str, list[Deal]] = defaultdict(list)
        for deal in self.deals:
            self.deals_by_customer[deal.customer].append(deal)
            self.deals_by_owner[deal.owner].append(deal)
        self._links: dict = {}
        self._labels: dict = {}  # id(label) -> (label, its text): a label is one of the configuration's dicts

    @functools.cached_property
    def file_pages(self) -> dict:
        """file -> the page of the deal or customer it gives, for the files with problems (the links from them)."""
        files = {problem.file for problem in self.problems}
        pages = {d.file: deal_url(d.id) for d in self.deals if d.file in files}
        pages.update({c.file: customer_url(c.id) for c in self.customers if c.file in files})
        return pages

    # ----------------------------------------------------------------- helpers
    def label(self, label: dict | None) -> str:
        """The configuration's ``label`` in the site's language, made once per label (50,000 deals' rows name a
        dozen stages)."""
        if not label:
            return self.config.label(label)
        known = self._labels.get(id(label))
        if known is None or known[0] is not label:
            known = self._labels[id(label)] = (label, self.config.label(label))
        return known[1]

    def convert(self, totals: dict) -> Converted:
        return convert(totals, self.config.currency, self.config.rates)

    def rep_name(self, rep_id: str | None) -> str:
        rep = self.config.reps.get(rep_id) if rep_id else None
        return rep.name if rep else (rep_id or "")

    def rep_link(self, root: str, rep_id: str | None) -> Markup:
        """A link to the rep's page (their id as text when they are not in the roster)."""
        key = (root, rep_id)
        link = self._links.get(key)
        if link is None:
            link = (Markup('<a href="{}team/{}/">{}</a>').format(root, rep_id, self.rep_name(rep_id))
                    if rep_id in self.config.reps else Markup("{}").format(rep_id or ""))
            self._links[key] = link
        return link

    def customer_link(self, root: str, customer_id: str) -> Markup:
        key = (root, "customer", customer_id)
        link = self._links.get(key)
        if link is None:
            link = (Markup('<a href="{}customers/{}/">{}</a>').format(root, customer_id, self.customer_name(customer_id))
                    if customer_id in self.repo.customers else Markup("{}").format(customer_id))
            self._links[key] = link
        return link

    @staticmethod
    def deal_link(root: str, deal: Deal) -> Markup:
        return Markup('<a href="{}deals/{}/">{}</a>').format(root, deal.id, deal.name)

    def customer_name(self, customer_id: str) -> str:
        customer = self.repo.customers.get(customer_id)
        return customer.name if customer else customer_id

    def is_open(self, deal: Deal) -> bool:
        stage = self.stages[deal.id]
        return stage is not None and stage.outcome is None

    @property
    def errors(self) -> list:
        return self.result.errors

    @property
    def warnings(self) -> list:
        return self.result.warnings

    # ----------------------------------------------------------------- analytics, computed once
    @functools.cached_property
    def by_stage(self):
        return funnel.by_stage(self.deals, self.config)

    @functools.cached_property
    def by_state(self):
        return funnel.by_state(self.deals, self.config)

    @functools.cached_property
    def open_totals(self):
        return funnel.open_totals(self.deals, self.config)

    @functools.cached_property
    def conversion(self) -> dict:
        return {pid: funnel.conversion(self.deals, p, self.as_of) for pid, p in self.config.pipelines.items()}

    @functools.cached_property
    def forecast_months(self):
        return forecast.by_period(self.deals, self.config, "month")

    @functools.cached_property
    def forecast_quarters(self):
        return forecast.by_period(self.deals, self.config, "quarter")

    @functools.cached_property
    def forecast_reps(self):
        return forecast.by_rep(self.deals, self.config, self.as_of)

    @functools.cached_property
    def quarters(self) -> list[tuple[str, dt.date, dt.date]]:
        """(key, start, end) of this quarter and the next one."""
        start, end = periods.quarter_bounds(self.as_of)
        following = periods.next_quarter_start(self.as_of)
        next_start, next_end = periods.quarter_bounds(following)
        return [(periods.quarter(start), start, end), (periods.quarter(next_start), next_start, next_end)]

    @functools.cached_property
    def review(self) -> dict:
        return cadence.review_list(self.deals, self.config, self.as_of)

    @functools.cached_property
    def weekly(self) -> dict:
        """rep id -> RepWeek: the week's work, progress, problems and promises (周报)."""
        return weekly.weekly_review(self.deals, self.repo.customers, self.config, self.as_of)

    @functools.cached_property
    def needing_follow_up(self) -> list:
        items = [item for items in self.review.values() for item in items if item.needs_attention]
        return sorted(items, key=cadence.urgency)

    @functools.cached_property
    def quota_attainment(self) -> list:
        return attention.quota_attainment(self.deals, self.config, self.as_of)

    @functools.cached_property
    def closing_this_month(self) -> list:
        return attention.closing_this_month(self.deals, self.config, self.as_of)

    @functools.cached_property
    def slipped(self) -> list:
        return attention.slipped(self.deals, self.config, self.as_of)

    @functools.cached_property
    def days_in_stage(self) -> list:
        return attention.days_in_stage(self.deals, self.config, self.as_of)

    @functools.cached_property
    def overdue_promises(self) -> list:
        return attention.overdue_promises(self.deals, self.config, self.as_of)

    @functools.cached_property
    def gate_violations(self) -> list:
        return [p for p in self.problems if p.rule in GATE_RULES]

    @functools.cached_property
    def recent_closed(self) -> list[tuple[Deal, object, dt.date]]:
        """Won and lost deals closed in the last RECENT_DAYS days, newest first."""
        since = self.as_of - dt.timedelta(days=RECENT_DAYS)
        rows = []
        for deal in self.deals:
            stage = self.stages[deal.id]
            if stage is None or stage.outcome is None:
                continue
            date = closed_on(deal, stage)
            if since <= date <= self.as_of:
                rows.append((deal, stage, date))
        return sorted(rows, key=lambda r: (r[2], r[0].id), reverse=True)

    def kpi_periods(self) -> list[tuple[str, dt.date, dt.date]]:
        """(label, start, end): this quarter, the previous quarter, the year to date."""
        t = self.t
        start, end = periods.quarter_bounds(self.as_of)
        prev_start, prev_end = periods.quarter_bounds(start - dt.timedelta(days=1))
        year_start, _ = periods.year_bounds(self.as_of)
        return [(t("kpi.this_quarter", period=periods.quarter(start)), start, min(end, self.as_of)),
                (t("kpi.previous_quarter", period=periods.quarter(prev_start)), prev_start, prev_end),
                (t("kpi.year", year=self.as_of.year), year_start, self.as_of)]

    @functools.cached_property
    def kpis(self) -> list[tuple[str, dict]]:
        periods = self.kpi_periods()
        tables = kpi.milestones_by_period(self.deals, self.config, [(start, end) for _label, start, end in periods])
        return [(label, table) for (label, _start, _end), table in zip(periods, tables)]

    history_enabled = True  # the plugin's `history:` option

    @functools.cached_property
    def history(self):
        """The git history's figures (``history_view.SiteHistory``), or why there are none."""
        from .history_view import SiteHistory

        return SiteHistory.of(self.repo.root, self.config, self.as_of, self.history_enabled)

    @functools.cached_property
    def handover(self) -> list[tuple[str, object, str, str]]:
        """(kind, item, role, rep id) of open deals and accounts still held by reps who left."""
        left = {rid for rid, rep in self.config.reps.items() if not rep.active}
        rows = []
        for customer in self.customers:
            if customer.owner in left:
                rows.append(("customer", customer, "owner", customer.owner))
        for deal in self.deals:
            if not self.is_open(deal):
                continue
            for role, rep_id in [("owner", deal.owner), *deal.team.items()]:
                if rep_id in left:
                    rows.append(("deal", deal, role, rep_id))
        return rows


def closed_on(deal: Deal, stage) -> dt.date:
    """The day a won or lost deal closed: contract date (won), else its last entry into the stage."""
    if stage.outcome == "won":
        return forecast.close_date(deal, stage)
    entries = [e.date for e in deal.stage_history if e.stage == stage.id]
    return max(entries) if entries else deal.expected_close
