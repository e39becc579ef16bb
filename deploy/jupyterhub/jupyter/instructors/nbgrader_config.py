"""Instructor-only nbgrader settings: where the course lives and how long grading may take.

Only instructors' servers read this folder (the Hub puts it first on their
``JUPYTER_CONFIG_PATH``). The course root sits in the instructor's own home
folder, which must stay private (mode 0700): the exchange's submission folders are
world-writable, and only the course root's privacy keeps learners away from the
answer key and the gradebook.
"""

import os

c = get_config()  # type: ignore[name-defined]  # noqa: F821  (injected by traitlets)

COURSE_ROOT = os.path.expanduser("~/postparis-course")
HERE = os.path.dirname(os.path.abspath(__file__))  # __file__: set by traitlets

# The course's own settings first (the repository's assignments/nbgrader_config.py:
# stubs, feedback, output limits), when the course root carries them...
_course_config = os.path.join(COURSE_ROOT, "nbgrader_config.py")
if os.path.isfile(_course_config):
    load_subconfig(_course_config)  # type: ignore[name-defined]  # noqa: F821
# ...then the Hub's: the same course id and exchange for everyone, whatever the course
# file says, and the course root in this instructor's home.
load_subconfig(os.path.join(HERE, os.pardir, "common", "nbgrader_config.py"))  # type: ignore[name-defined]  # noqa: F821
c.CourseDirectory.root = COURSE_ROOT

# A shared machine autogrades many notebooks at once: allow twice the course's
# per-cell time, and a minute for a kernel to start.
c.Execute.timeout = 120
c.Execute.startup_timeout = 60
