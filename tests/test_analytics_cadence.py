"""The 1-15-30 review list: last activity, next step, follow-up and intent judgment due dates."""
from __future__ import annotations

import datetime as dt

from salesgen.analytics import cadence
from salesgen.engine import lint

from test_analytics_funnel import config, make_deal  # noqa: F401

AS_OF = dt.date(2026, 11, 20)


def activity(date, **extra):
    return {"date": date, "type": "call", "summary": "call", **extra}


def item(config, deal):  # noqa: F811
    return cadence.review_item(deal, config.pipelines[deal.pipeline].stage(deal.stage), config, AS_OF)


def test_due_dates_count_from_the_last_activity_and_the_last_judgment(config):  # noqa: F811
    deal = make_deal("a", "demo", created="2026-09-01", activities=[
        activity("2026-10-01", intent="high"), activity("2026-11-10", next_step="send the offer", next_date="2026-11-25"),
        activity("2026-12-01", summary="planned visit")])
    got = item(config, deal)
    assert got.last_activity.date == dt.date(2026, 11, 10) and got.days_since == 10
    assert got.follow_up_due == dt.date(2026, 11, 25)
    assert got.intent == "high" and got.intent_due == dt.date(2026, 10, 31)
    assert got.next_step == "send the offer" and got.next_date == dt.date(2026, 11, 25)
    assert not got.follow_up_overdue and got.intent_overdue and not got.next_date_passed
    assert got.needs_attention


def test_a_handover_record_does_not_restart_the_follow_up_clock(config):  # noqa: F811
    internal = item(config, make_deal("a", "demo", activities=[
        activity("2026-11-01", next_step="send the offer", next_date="2026-11-10"),
        {"date": "2026-11-18", "type": "handover", "who": "li-lei", "summary": "handover to li-lei"}]))
    assert internal.last_activity.date == dt.date(2026, 11, 1) and internal.days_since == 19
    assert internal.follow_up_overdue and internal.needs_attention
    reached = item(config, make_deal("b", "demo", activities=[
        activity("2026-11-01"), {"date": "2026-11-18", "type": "handover", "who": "li-lei", "contacts": ["x"],
                                 "summary": "the manager introduced li-lei to the customer"}]))
    assert reached.last_activity.date == dt.date(2026, 11, 18) and not reached.follow_up_overdue
    only_handover = item(config, make_deal("c", "demo", created="2026-11-10", activities=[
        {"date": "2026-11-12", "type": "handover", "who": "li-lei", "summary": "handover",
         "next_step": "visit", "next_date": "2026-11-30"}]))
    assert only_handover.last_activity is None and only_handover.next_date == dt.date(2026, 11, 30)
    assert only_handover.follow_up_due == dt.date(2026, 11, 25)


def test_due_on_the_fifteenth_day_like_the_cadence_rule(config):  # noqa: F811
    on_time = item(config, make_deal("a", "demo", activities=[activity("2026-11-06", intent="low")]))
    due = item(config, make_deal("b", "demo", activities=[activity("2026-11-05", intent="low")]))
    assert not on_time.follow_up_overdue  # 14 days
    assert due.follow_up_overdue  # 15 days: cadence-follow-up reports it too


def test_a_deal_without_activity_counts_from_its_opening(config):  # noqa: F811
    got = item(config, make_deal("a", "visit", [("planning", "2026-11-01")]))
    assert got.last_activity is None and got.days_since is None
    assert got.follow_up_due == dt.date(2026, 11, 16) and got.intent_due == dt.date(2026, 12, 1)
    assert got.follow_up_overdue and not got.intent_overdue


def test_a_planned_contact_that_passed_needs_attention(config):  # noqa: F811
    late = item(config, make_deal("a", "demo", activities=[
        activity("2026-11-12", intent="medium", next_step="call back", next_date="2026-11-18")]))
    assert late.next_date_passed and late.needs_attention and not late.follow_up_overdue
    followed = item(config, make_deal("b", "demo", activities=[
        activity("2026-11-12", intent="medium", next_step="call back", next_date="2026-11-18"),
        activity("2026-11-19", intent="medium")]))
    assert followed.next_date is None and not followed.needs_attention


def test_review_list_per_owner_most_urgent_first(config):  # noqa: F811
    deals = [make_deal("fine", "demo", activities=[activity("2026-11-18", intent="high")]),
             make_deal("late", "demo", activities=[activity("2026-09-01", intent="high")]),
             make_deal("won", "won", activities=[activity("2026-01-01")]),
             make_deal("other", "demo", owner="han-meimei", activities=[activity("2026-11-18", intent="high")])]
    lists = cadence.review_list(deals, config, AS_OF)
    assert [i.deal.id for i in lists["li-lei"]] == ["late", "fine"]  # closed deals are not reviewed
    assert [i.deal.id for i in lists["han-meimei"]] == ["other"]
    assert [i.deal.id for i in cadence.needing_follow_up(deals, config, AS_OF)] == ["late"]


def test_agrees_with_the_cadence_rules_on_the_example(example_repo):
    """Every deal the cadence rules flag is flagged by the review list, and the other way round."""
    result = lint(example_repo, AS_OF)
    flagged = {p.file for p in result.problems if p.rule in ("cadence-follow-up", "cadence-intent")}
    deals = list(result.repo.deals.values())
    items = [i for items in cadence.review_list(deals, result.repo.config, AS_OF).values() for i in items]
    by_rule = {i.deal.file for i in items if i.follow_up_overdue or i.intent_overdue}
    assert by_rule == flagged
