"""PDF progress statements for a plan's forums: built from ``plan_state``, issued and frozen.

``governance.periods`` reads "2023-04" / "2023-Q1" / "2023"; ``context`` gathers what a
report shows; ``charts`` draws its SVG charts; ``render`` turns the HTML into a tagged PDF
with a fetcher that reads only our own static files; ``benchmark`` times each step.
"""
