import time


def double(x):
    return 2 * x


# Never ends by itself, but obeys interrupts: nbgrader's timeout interrupt must reach the
# kernel through the sandbox, and then the tests run and pass.
while True:
    time.sleep(0.05)
