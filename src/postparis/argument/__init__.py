"""Module 01, "Reading the argument": the argument map, the stance coding and agreement.

:mod:`postparis.argument.model` holds the pure functions, :mod:`postparis.argument.plots`
the charts and :mod:`postparis.argument.widgets` the thin widgets over them.
"""
