"""Module 03, "Arming proxies": Pickering's missile proposal and the Afghan Stinger analogy.

* :mod:`postparis.proxies.model`: pure functions (dates, disputed ranges, the analogy
  scorecard, the expected-value model of the proposal);
* :mod:`postparis.proxies.plots`: the module's charts (``ax=None``, return the ``Axes``);
* :mod:`postparis.proxies.widgets`: thin ipywidgets views over the model.
"""
