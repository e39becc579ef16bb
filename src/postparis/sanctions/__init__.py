"""Module 02, "Sanctions and the quid pro quo": the timeline, the rouble and oil, the bargain.

:mod:`postparis.sanctions.model` holds the pure functions, :mod:`~postparis.sanctions.plots`
the charts and :mod:`~postparis.sanctions.widgets` the thin widgets over them.
"""
