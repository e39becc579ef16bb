"""nbgrader configuration of the course directory (``assignments/``).

An instructor changes the course in one place: this file. Settings that belong to one
machine (a different exchange folder, the grading sandbox) go in
``nbgrader_config_local.py`` beside it, which is not committed and is read last.
"""

import os
from pathlib import Path

c = get_config()

# The course and where its files live.
c.CourseDirectory.course_id = "postparis"
c.CourseDirectory.root = str(Path(__file__).resolve().parent)

# The exchange: the one place where released, submitted and feedback files meet.
# Change it here, or set POSTPARIS_EXCHANGE for one shell (tests use a temporary one).
c.Exchange.root = os.environ.get("POSTPARIS_EXCHANGE", "/srv/nbgrader/exchange")

# Student versions: what replaces a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Releasing: every link in a released module works in the learner's fetched folder. The
# glossary is released with each module (not graded), and a link to another module
# points where `nbgrader fetch` puts it, ../<id>/<id>.ipynb. This runs first, so the
# checksums and the gradebook hold the released text.
c.GenerateAssignment.preprocessors = [
    "postparis_instructor.release.ReleaseLinks",
    "nbgrader.preprocessors.IncludeHeaderFooter",
    "nbgrader.preprocessors.InstantiateTests",
    "nbgrader.preprocessors.LockCells",
    "nbgrader.preprocessors.ClearSolutions",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.CheckCellMetadata",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.SaveCells",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Autograding: a cell that runs longer than this is stopped and counted as an error,
# so an infinite loop cannot hold up the class.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
# A deleted test cell is put back (from the gradebook) and graded, also when the learner
# deleted a whole exercise or copy-pasted an answer cell (nbgrader's own code raises
# KeyError then: KeepCells places each missing cell after the nearest one still there).
c.OverwriteCells.add_missing_cells = True
_SAFETY = "postparis_instructor.safety.nbgrader_hooks."
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "postparis_instructor.autograde.DropDuplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "postparis_instructor.autograde.KeepCells",
    _SAFETY + "SanitizeNotebook",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# A huge output cannot bloat the graded notebook or the feedback.
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 40

# Feedback shows learners their work, results and your comments. It never shows hidden
# tests: not their code, and not the lines a failed hidden test's traceback would quote
# (that preprocessor must come before ClearHiddenTests). It carries no active content and
# no output that quotes a hidden test, whatever the student's code printed
# (docs/grading-safety.md). It leaves out the mark scheme of the written questions too,
# unless you turn it on here:
c.HideMarkScheme.show_mark_scheme = False
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "postparis_instructor.feedback.HideMarkScheme",
    "postparis_instructor.feedback.ClearHiddenTestTracebacks",
    _SAFETY + "RedactHiddenTests",
    "postparis_instructor.feedback.HideHiddenTests",  # nbgrader's ClearHiddenTests, for test cells
    _SAFETY + "SanitizeNotebook",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# Grading safety (docs/grading-safety.md): collect and autograde read regular files only;
# a submission is stored without active content (scripts, event handlers, JavaScript
# outputs) and with outputs capped in bytes; a notebook whose code reaches the grading
# machinery (IPython hooks, sys.modules, builtins, the checks...) is flagged for review,
# its automatic score withheld.
# Collect also sets aside an inbox folder whose name holds no date, with one line saying
# so, and collects everyone else (nbgrader alone stops for the whole class).
c.ExchangeFactory.collect = "postparis_instructor.collect.CourseCollect"
# A kernel that stops answering (an interrupt does not bring it back) costs one time
# limit, not one per remaining cell: those cells are marked as not run.
c.Autograde.autograde_preprocessors = [
    _SAFETY + "ExecuteUntilHung",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    _SAFETY + "FlagForgedResults",
    _SAFETY + "SanitizeNotebook",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
try:  # without the instructor tools the preprocessors above fail: nothing is graded unchecked
    from postparis_instructor.safety import nbgrader_hooks as _hooks
except ImportError:
    pass
else:
    from postparis_instructor import release as _release

    # A learner's copy of the released glossary comes back with the submission: not graded.
    c.Autograde.pre_convert_hook = _release.chain_hooks(
        _hooks.refuse_irregular_files, _release.skip_glossary
    )
    c.GenerateFeedback.post_convert_hook = _hooks.protect_feedback
    # Learners submit without it, or nbgrader would not show them their feedback (no
    # feedback is made for the glossary).
    c.ExchangeFactory.submit = "postparis_instructor.release.SubmitWithoutGlossary"

# Instructor-local settings, e.g. the grading sandbox (written by
# `postparis-instructor sandbox enable`; not committed).
_local = Path(__file__).with_name("nbgrader_config_local.py")
if _local.is_file():
    load_subconfig(str(_local))
