"""System-wide nbgrader settings for every user of the course's JupyterHub.

Instructors and learners alike read this file: it names the course and the shared
exchange folder through which assignments, submissions and feedback travel. The Hub
passes both values to each server (see ``jupyterhub_config.py``); the defaults below
serve a machine where this file is copied to ``/etc/jupyter/nbgrader_config.py``.
"""

import os

c = get_config()  # type: ignore[name-defined]  # noqa: F821  (injected by traitlets)

c.CourseDirectory.course_id = os.environ.get("POSTPARIS_COURSE_ID", "postparis")
# Created in advance, mode 1777, by root: learners write into its inbound folder.
c.Exchange.root = os.environ.get("POSTPARIS_EXCHANGE", "/srv/nbgrader/exchange")
# Fetched assignments land in ~/<course id>/<assignment id>, so two courses never collide.
c.Exchange.path_includes_course = True

# Learners submit without the glossary released beside each module: a notebook with no
# feedback of its own would keep nbgrader from showing them their feedback.
try:
    import postparis_instructor.release  # noqa: F401
except ImportError:
    pass
else:
    c.ExchangeFactory.submit = "postparis_instructor.release.SubmitWithoutGlossary"
