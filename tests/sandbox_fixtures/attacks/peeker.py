# ruff: noqa: F821  (COURSE, attempt... come from the header)
import os


def read(path, mode="r"):
    with open(path, mode) as handle:
        return handle.read()


def key_or_relative(relative):
    # the course root, by absolute path and relative to the working directory
    for base in (COURSE, "../../.."):
        try:
            return read(os.path.join(base, relative), "rb")
        except OSError:
            continue
    raise PermissionError(relative)


attempt("read-gradebook", lambda: key_or_relative("gradebook.db").startswith(b"SQLite format 3"))
attempt("read-key", lambda: CANARY.encode() in key_or_relative("source/ps1/ps1.ipynb"))
attempt("read-hidden-tests", lambda: CANARY in read("ps1.ipynb"))
attempt("list-students", lambda: VICTIM in os.listdir(os.path.join(COURSE, "submitted")))
attempt("read-other-student", lambda: len(read(f"{COURSE}/submitted/{VICTIM}/ps1/ps1.ipynb")))
attempt("read-shadow", lambda: len(read("/etc/shadow")))
attempt("become-root", lambda: os.setuid(0) or os.getuid() == 0)


def double(x):
    return 2 * x
