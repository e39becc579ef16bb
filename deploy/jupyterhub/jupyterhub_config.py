"""JupyterHub configuration for a whole class taking the postparis course.

One machine, local Unix accounts, PAM logins, one single-user server per learner
started by the local-process spawner from the shared course environment, and
nbgrader's file-system exchange in a shared folder.

Run it as root from the course environment (the Hub must be able to switch to
each user)::

    /opt/postparis-classroom/env/bin/jupyterhub -f /etc/postparis-classroom/jupyterhub_config.py

Every site-specific value can be set with an environment variable, so the same file
serves a real deployment and the one-command local classroom (``classroom.py``):

``POSTPARIS_HUB_ENV``
    Prefix of the course environment that holds ``jupyterhub-singleuser``
    (default: the environment running the Hub).
``POSTPARIS_HUB_STATE``
    Root-only folder for the Hub's database, cookie secret and PID files
    (default ``/srv/postparis-classroom/hub``).
``POSTPARIS_JUPYTER_CONFIG``
    World-readable copy of this folder's ``jupyter/`` tree: the plugin sets and
    nbgrader configs handed to each user's server (default: ``jupyter/`` beside
    this file).
``POSTPARIS_COURSE_ID`` / ``POSTPARIS_EXCHANGE``
    nbgrader's course id (default ``postparis``) and exchange folder (default
    ``/srv/nbgrader/exchange``, created mode 1777 before the first release).
``POSTPARIS_INSTRUCTORS_GROUP`` / ``POSTPARIS_LEARNERS_GROUP``
    Unix groups allowed to log in (defaults ``postparis-instructors`` and
    ``postparis-learners``). Instructors are Hub admins and get the formgrader.
``POSTPARIS_HUB_BIND_URL`` / ``POSTPARIS_HUB_INTERNAL_URL`` / ``POSTPARIS_PROXY_API_URL``
    Public URL of the proxy (default ``http://127.0.0.1:8000``: put TLS in front
    before opening it to a network), the Hub's own URL behind the proxy and the
    proxy's REST API (defaults ``http://127.0.0.1:8081`` and ``http://127.0.0.1:8001``).
``POSTPARIS_CHP``
    The ``configurable-http-proxy`` command from npm (default: found on ``PATH``).
"""

import grp
import os
import pwd
import sys
from pathlib import Path

c = get_config()  # type: ignore[name-defined]  # noqa: F821  (injected by traitlets)

HERE = Path(__file__).resolve().parent
ENV_PREFIX = Path(os.environ.get("POSTPARIS_HUB_ENV", sys.prefix))
STATE_DIR = Path(os.environ.get("POSTPARIS_HUB_STATE", "/srv/postparis-classroom/hub"))
JUPYTER_CONFIG = Path(os.environ.get("POSTPARIS_JUPYTER_CONFIG", str(HERE / "jupyter")))
COURSE_ID = os.environ.get("POSTPARIS_COURSE_ID", "postparis")
EXCHANGE_ROOT = os.environ.get("POSTPARIS_EXCHANGE", "/srv/nbgrader/exchange")
INSTRUCTORS_GROUP = os.environ.get("POSTPARIS_INSTRUCTORS_GROUP", "postparis-instructors")
LEARNERS_GROUP = os.environ.get("POSTPARIS_LEARNERS_GROUP", "postparis-learners")

# --- Network: the proxy faces the learners, the Hub and the proxy's API stay on loopback.
c.JupyterHub.bind_url = os.environ.get("POSTPARIS_HUB_BIND_URL", "http://127.0.0.1:8000")
c.JupyterHub.hub_bind_url = os.environ.get("POSTPARIS_HUB_INTERNAL_URL", "http://127.0.0.1:8081")
c.ConfigurableHTTPProxy.api_url = os.environ.get("POSTPARIS_PROXY_API_URL", "http://127.0.0.1:8001")
c.ConfigurableHTTPProxy.command = [os.environ.get("POSTPARIS_CHP", "configurable-http-proxy")]

# --- State: keep the database and the cookie secret out of the learners' reach.
c.JupyterHub.db_url = f"sqlite:///{STATE_DIR / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE_DIR / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE_DIR / "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = str(STATE_DIR / "jupyterhub-proxy.pid")
# Stopping the Hub stops the proxy and every learner's server (the defaults, said aloud).
c.JupyterHub.cleanup_proxy = True
c.JupyterHub.cleanup_servers = True

# --- Who may log in: Unix accounts in the course's two groups, checked by PAM.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {INSTRUCTORS_GROUP, LEARNERS_GROUP}
c.PAMAuthenticator.admin_groups = {INSTRUCTORS_GROUP}

# --- Each learner's server: a process of their own Unix user, from the course environment.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(ENV_PREFIX / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
c.Spawner.environment = {
    # nbgrader runs `alembic` from PATH when it creates a gradebook.
    "PATH": f"{ENV_PREFIX / 'bin'}:/usr/local/bin:/usr/bin:/bin",
    "POSTPARIS_COURSE_ID": COURSE_ID,
    "POSTPARIS_EXCHANGE": EXCHANGE_ROOT,
}


def _is_member(username: str, group: str) -> bool:
    """Tell whether a Unix user belongs to a Unix group (primary or supplementary)."""
    try:
        entry = grp.getgrnam(group)
    except KeyError:
        return False
    if username in entry.gr_mem:
        return True
    try:
        return pwd.getpwnam(username).pw_gid == entry.gr_gid
    except KeyError:
        return False


def plugin_set_for(username: str) -> str:
    """Name the folder of Jupyter config (plugin set and nbgrader settings) for a user."""
    return "instructors" if _is_member(username, INSTRUCTORS_GROUP) else "learners"


def choose_plugin_set(spawner: object) -> None:
    """Point the server's JUPYTER_CONFIG_PATH at the user's role, then at the common folder.

    ``JUPYTER_CONFIG_PATH`` outranks every other config folder, so a learner's server
    loads the learners' plugin set (no formgrader, no course list, no create-assignment)
    whatever the course environment enables, and an instructor's loads the
    instructor-only nbgrader settings (course root, timeouts).
    """
    role = plugin_set_for(spawner.user.name)  # type: ignore[attr-defined]
    config_path = os.pathsep.join([str(JUPYTER_CONFIG / role), str(JUPYTER_CONFIG / "common")])
    # Replace the dict rather than update it: the configured one is shared by all spawners.
    spawner.environment = {**spawner.environment, "JUPYTER_CONFIG_PATH": config_path}  # type: ignore[attr-defined]


c.Spawner.pre_spawn_hook = choose_plugin_set

# Extra settings for this site (a second file keeps this one pristine): optional.
_local = Path(os.environ.get("POSTPARIS_HUB_LOCAL_CONFIG", str(STATE_DIR / "jupyterhub_local.py")))
if _local.is_file():
    load_subconfig(str(_local))  # type: ignore[name-defined]  # noqa: F821
