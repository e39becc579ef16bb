import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)


def double(x):
    return 2 * x


# Ignores interrupts and burns CPU: every later cell times out, and the kernel must still
# be shut down and the submission graded.
while True:
    pass
