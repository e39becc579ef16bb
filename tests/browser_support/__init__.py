"""Helpers for the browser tests: a JupyterLab server, Chromium, and the notebook page.

- :mod:`browser_support.lab` starts JupyterLab from a given environment on a free
  localhost port, isolated from the user's Jupyter settings, and stops it by its PID.
- :mod:`browser_support.chromium` launches Debian's Chromium through Playwright.
- :mod:`browser_support.notebook` drives a notebook in JupyterLab the way a learner
  does: open, run, look, move a widget, press Validate.
- :mod:`browser_support.report` prints the screenshots folder and the timings at the
  end of the pytest run.
"""
