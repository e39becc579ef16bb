# ruff: noqa: F821  (COURSE, attempt... come from the header)
import subprocess

# A process in its own session escapes the kernel's process group, which is all that
# jupyter_client kills at shutdown.
attempt(
    "leave-daemon",
    lambda: (
        subprocess.Popen(
            ["sleep", DAEMON_SECONDS],
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ).pid
    ),
)


def double(x):
    return 2 * x
