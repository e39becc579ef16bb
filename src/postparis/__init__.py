"""Helpers for the open Jupyter course on US-Russian relations after the Paris attacks.

The course is built on Justin Burke, "Assessing US-Russian Relations Post-Paris",
EurasiaNet, November 2015 (https://eurasianet.org/node/76136).

The package is layered. The ground floor (:mod:`postparis.paths`,
:mod:`postparis.data`, :mod:`postparis.figures`, :mod:`postparis.display`,
:mod:`postparis.validation`, :mod:`postparis.checks`) is shared by every module. Above
it, one subpackage per topic holds a pure model and a thin widget over it. Instructor
tooling is a separate distribution, ``postparis-instructor`` (import name
``postparis_instructor``), which learners never install.
"""

__version__ = "0.1.0"

ARTICLE_CITATION = (
    'Justin Burke, "Assessing US-Russian Relations Post-Paris", EurasiaNet, '
    "November 2015, https://eurasianet.org/node/76136"
)
