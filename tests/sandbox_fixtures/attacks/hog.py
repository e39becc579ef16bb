# ruff: noqa: F821  (COURSE, attempt... come from the header)
# bytes(n) is calloc'ed: the pages are never touched, so the control run does not eat RAM.
attempt("allocate-3GiB", lambda: len(bytes(3 * 2**30)))


def double(x):
    return 2 * x
