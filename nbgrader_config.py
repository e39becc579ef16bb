"""nbgrader configuration read when nbgrader or JupyterLab runs from the repository root.

It only points nbgrader at the course directory, ``assignments/``; nbgrader then also
reads ``assignments/nbgrader_config.py``, which holds the course's real settings.
"""

from pathlib import Path

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file
c.CourseDirectory.root = str(Path(__file__).resolve().parent / "assignments")
