"""Grading you can trust: what keeps a hostile submission from the instructor and classmates.

Each module guards one door (see ``docs/grading-safety.md``):

- :mod:`.sanitize`: no student-authored active content (scripts, event handlers,
  ``javascript:`` URLs, frames, forms, JavaScript outputs) reaches a browser, and
  outputs are capped in bytes, per cell and per notebook;
- :mod:`.files`: collecting and grading read regular files only (no symlink, hard link
  or special file);
- :mod:`.forgery`: answer cells that reach into the kernel, the import system, the
  check helpers or comparison itself are flagged, their automatic score withheld;
- :mod:`.hidden`: no hidden test reaches a student's feedback;
- :mod:`.names`: names shown in a terminal or a table have control characters escaped;
- :mod:`.nbgrader_hooks`: the nbgrader preprocessors, hooks and exchange class that put
  all of this in ``collect``, ``autograde`` and ``generate_feedback``.
"""
