# ruff: noqa: F821  (COURSE, attempt... come from the header)
import os
import signal
import time


def spawn(count):
    children = []
    try:
        for _ in range(count):
            try:
                pid = os.fork()
            except OSError:
                print(f"the process limit stopped the spawn after {len(children)} of {count}")
                raise
            if pid == 0:
                time.sleep(5)
                os._exit(0)
            children.append(pid)
    finally:
        for pid in children:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    return len(children) == count


attempt("spawn-200", lambda: spawn(200))


def double(x):
    return 2 * x
