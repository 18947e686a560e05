"""Pure analytics over the loaded model: funnel, forecast, scorecard, cadence, KPIs.

Every function here is a pure function of the model (``Repository``/``Config``, deals,
customers) and an explicit ``as_of`` date; nothing reads files, the clock or the
environment. The site pages and the terminal reports render what these return.
"""
