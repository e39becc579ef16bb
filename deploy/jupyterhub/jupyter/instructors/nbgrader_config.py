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

# The course's own settings (the repository's assignments/nbgrader_config.py, if the
# course root carries one) come first; the Hub-wide values below take precedence.
_course_config = os.path.join(COURSE_ROOT, "nbgrader_config.py")
if os.path.isfile(_course_config):
    load_subconfig(_course_config)  # type: ignore[name-defined]  # noqa: F821

c.CourseDirectory.root = COURSE_ROOT
# Autograding runs every learner's notebook: give a cell two minutes, a kernel one to start.
c.Execute.timeout = 120
c.Execute.startup_timeout = 60
