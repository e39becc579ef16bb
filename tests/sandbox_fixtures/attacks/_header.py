# Prepended to every attack, after the constants COURSE, VICTIM, EXCHANGE, TOKEN, CANARY
# and DAEMON_SECONDS that tests/test_sandbox.py writes for each run.


def attempt(name, action):
    """Run one attack and print whether it succeeded."""
    try:
        result = action()
    except BaseException as error:  # a refusal is any exception
        print(f"ATTACK {name}: refused ({type(error).__name__}: {str(error)[:60]})")
    else:
        verdict = "SUCCEEDED" if result else "refused"
        print(f"ATTACK {name}: {verdict} ({str(result)[:60]!r})")
