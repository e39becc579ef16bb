"""Module 06, "The National Security Council meets, 18 November 2015": the capstone.

* :mod:`postparis.capstone.model`: pure functions (the capstone data, checking weights,
  ranking the options, the smallest change of one weight that flips the top option);
* :mod:`postparis.capstone.plots`: the chart of the options' totals, the role cards and
  the tables (``ax=None``, return the ``Axes``);
* :mod:`postparis.capstone.widgets`: the decision matrix, a thin ipywidgets view.
"""
