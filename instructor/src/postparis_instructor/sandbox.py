"""The grading sandbox: every submission's kernel in a throw-away, unprivileged jail.

nbgrader runs each submission's notebook in a Jupyter kernel that it starts from a
kernelspec, and the course configuration's ``Execute.kernel_name`` overrides whatever
kernel a student's notebook names. This module installs a kernelspec whose launcher
(:mod:`postparis_instructor.sandbox_launcher`, installed root-owned) starts the kernel as
a fresh unprivileged uid, with resource limits, a read-only file system and a private
``/tmp``, and makes a course use it. nbgrader itself is not changed.

Instructor commands (see ``docs/sandbox.md``)::

    sudo .venv/bin/postparis-instructor sandbox install --sudo-group "$(id -gn)" --enable assignments
    .venv/bin/postparis-instructor sandbox check
    .venv/bin/postparis-instructor sandbox enable|disable COURSE_DIR
    sudo .venv/bin/postparis-instructor sandbox uninstall

For tools that grade in parallel, :func:`sandbox_processes` and :func:`wait_until_reaped`
tell whether sandboxed processes are still running; uids are allocated by each launch
(see :func:`postparis_instructor.sandbox_launcher.allocate_uid`) and never collide.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from postparis_instructor import sandbox_launcher as launcher

__all__ = [
    "KERNEL_NAME",
    "Installation",
    "SandboxSetupError",
    "add_sandbox_commands",
    "check",
    "disable",
    "enable",
    "install",
    "installed_settings",
    "installed_settings_at",
    "is_enabled",
    "kernel_exposures",
    "main",
    "parse_size",
    "sandbox_processes",
    "summary",
    "uninstall",
    "wait_until_reaped",
]

KERNEL_NAME = "postparis-sandbox"
DEFAULT_PREFIX = Path("/usr/local")
SUDOERS_FILE = Path("/etc/sudoers.d/postparis-sandbox")
LOCAL_CONFIG = "nbgrader_config_local.py"
BLOCK_BEGIN = "# >>> postparis grading sandbox >>>"
BLOCK_END = "# <<< postparis grading sandbox <<<"
PROBE_MARK = "POSTPARIS-SANDBOX-PROBE "

# Runs inside a kernel: reports who and where it is, and what it may do. check() first
# sets _PP_HOST_PORT (a port the host listens on) and _PP_SECRETS (host paths to look for).
PROBE_CODE = r"""
import json as _j, os as _o, resource as _r, socket as _s
def _pp_can_write(path):
    try:
        with open(path, "w") as handle:
            handle.write("x")
        _o.remove(path)
        return True
    except OSError:
        return False
def _pp_connects(port):
    if not port:
        return False
    try:
        _s.create_connection(("127.0.0.1", port), timeout=2).close()
        return True
    except OSError:
        return False
_pp_status = open("/proc/self/status").read()
print("POSTPARIS-SANDBOX-PROBE " + _j.dumps({
    "pid": _o.getpid(), "uid": _o.getuid(), "gid": _o.getgid(), "groups": _o.getgroups(),
    "cwd": _o.getcwd(), "home": _o.environ.get("HOME"), "stdlib": _o.__file__,
    "limits": {n: _r.getrlimit(getattr(_r, n))[1] for n in
               ("RLIMIT_CPU", "RLIMIT_AS", "RLIMIT_NPROC", "RLIMIT_FSIZE", "RLIMIT_NOFILE")},
    "no_new_privs": "NoNewPrivs:\t1" in _pp_status,
    "capabilities": _pp_status.split("CapEff:")[1].split()[0],
    "writes_tmp": _pp_can_write("/tmp/.pp-probe"),
    "writes_root": _pp_can_write("/.pp-probe"),
    "visible_pids": len([p for p in _o.listdir("/proc") if p.isdigit()]),
    "interfaces": sorted(name for _, name in _s.if_nameindex()),
    "reaches_host_port": _pp_connects(globals().get("_PP_HOST_PORT")),
    "sees": [p for p in globals().get("_PP_SECRETS", []) if _o.path.lexists(p)],
}))
"""


class SandboxSetupError(RuntimeError):
    """The sandbox cannot be installed, enabled or checked; the message says what to do."""


@dataclass(frozen=True)
class Installation:
    """Where ``install`` put the sandbox, and what its self-check found."""

    launcher: Path
    settings: Path
    kernelspec: Path
    sudoers: Path | None
    report: dict[str, Any] | None = None


# -- sizes and settings -----------------------------------------------------------------------
_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def parse_size(text: str) -> int:
    """Return a byte count from ``"4G"``, ``"512M"``, ``"256MiB"`` or ``"1048576"``.

    Raises
    ------
    ValueError
        If ``text`` is not a size.
    """
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*", text, re.IGNORECASE)
    if not match:
        raise ValueError(f"not a size: {text!r} (examples: 4G, 512M, 1048576)")
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


def _settings_path(prefix: Path) -> Path:
    return prefix / "lib" / "postparis-sandbox" / launcher.CONFIG_NAME


def _kernelspec_dir(prefix: Path, kernel_name: str = KERNEL_NAME) -> Path:
    return prefix / "share" / "jupyter" / "kernels" / kernel_name


def installed_settings(kernel_name: str = KERNEL_NAME) -> tuple[Path, dict[str, Any]]:
    """Return the launcher and its effective settings behind an installed sandbox kernel.

    Raises
    ------
    SandboxSetupError
        If no such kernelspec is found, or it does not start the sandbox launcher.
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel:
        raise SandboxSetupError(
            f"no kernel named {kernel_name!r}: run "
            "`sudo .venv/bin/postparis-instructor sandbox install` first (docs/sandbox.md)"
        ) from None
    candidates = [Path(arg) for arg in spec.argv if arg.endswith("/launch")]
    if not candidates:
        raise SandboxSetupError(f"kernel {kernel_name!r} does not start the sandbox launcher")
    return installed_settings_at(candidates[0].with_name(launcher.CONFIG_NAME))


def installed_settings_at(settings: Path) -> tuple[Path, dict[str, Any]]:
    """Return the launcher beside ``settings`` and the effective settings it holds."""
    try:
        loaded = json.loads(settings.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SandboxSetupError(f"cannot read the sandbox settings {settings}: {error}") from None
    return settings.with_name("launch"), {**launcher.DEFAULT_CONFIG, **loaded}


# -- install -------------------------------------------------------------------------------------
def _require_root(what: str) -> None:
    if os.geteuid() != 0:
        raise SandboxSetupError(f"{what} must run as root (e.g. with sudo)")


def _require_tools() -> None:
    for tool, package in (("setpriv", "util-linux"), ("tar", "tar"), ("cat", "coreutils")):
        if not shutil.which(tool, path=launcher.SAFE_PATH):
            raise SandboxSetupError(
                f"{tool} not found: install {package} (apt-get install {package})"
            )


def _check_system_python(python: Path) -> None:
    if not python.is_file():
        raise SandboxSetupError(f"{python} not found: install python3 (apt-get install python3)")
    try:
        launcher.check_root_owned(str(python))
    except launcher.SandboxError as error:
        raise SandboxSetupError(f"the launcher's interpreter is unsafe: {error}") from None
    probe = "import ctypes, os, sys; os.pidfd_open; sys.exit(sys.version_info < (3, 9))"
    done = subprocess.run([str(python), "-IS", "-c", probe], capture_output=True, check=False)
    if done.returncode != 0:
        raise SandboxSetupError(f"{python} must be Python 3.9+ with ctypes and os.pidfd_open")


def _check_kernel_python(python: Path) -> None:
    done = subprocess.run(
        [str(python), "-c", "import ipykernel"], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SandboxSetupError(f"{python} cannot import ipykernel: {done.stderr.strip()}")


# What the kernel's interpreter needs to see: printed by that interpreter itself.
EXPOSE_PROBE = r"""
import json, os, sys
paths = [sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix,
         os.path.dirname(os.path.dirname(os.path.realpath(sys.executable)))]
paths += [path for path in sys.path if path]
try:
    from postparis.paths import data_dir, repository_root
    paths.append(str(data_dir()))
    if repository_root() is not None:  # how the package knows it runs from a checkout
        paths.append(str(repository_root() / "pyproject.toml"))
except Exception:
    pass
print(json.dumps(paths))
"""
# An exposed folder that holds one of these would show the course or its history.
COURSE_MARKERS = (".git", "nbgrader_config.py", "gradebook.db")


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def kernel_exposures(python: Path) -> list[str]:
    """Return the folders a kernel run by ``python`` needs: interpreter, environment, data.

    Raises
    ------
    SandboxSetupError
        If ``python`` cannot say, or one of them would show a course or a git history.
    """
    done = subprocess.run(
        [str(python), "-c", EXPOSE_PROBE], capture_output=True, text=True, check=False, cwd="/"
    )
    if done.returncode != 0:
        raise SandboxSetupError(f"{python} cannot list its own folders: {done.stderr.strip()}")
    found = [Path(path) for path in json.loads(done.stdout)]
    system = [Path(path).resolve() for path in launcher.DEFAULT_CONFIG["system_paths"]]
    existing = [
        path.absolute()
        for path in found
        if (path.is_dir() or path.is_file())
        and not any(_inside(path.resolve(), folder) for folder in system)  # always there
    ]
    kept: list[Path] = []
    for path in sorted(existing, key=lambda p: len(p.resolve().parts)):
        if not any(_inside(path.resolve(), other.resolve()) for other in kept):
            kept.append(path)
    for path in kept:
        if path.resolve() == Path("/"):
            raise SandboxSetupError(
                f"{python} has / on its module path: the sandbox would show everything"
            )
        for marker in COURSE_MARKERS if path.is_dir() else ():
            if (path / marker).exists():
                raise SandboxSetupError(
                    f"{python} needs {path}, which holds {marker}: the sandbox would show the "
                    "course or its history; install the course package into the environment "
                    "instead of putting its folder on PYTHONPATH"
                )
    return [str(path) for path in kept]


def _unreadable(folders: Sequence[str], limit: int = 3) -> tuple[int, list[str]]:
    """Return how many entries of ``folders`` "others" cannot read, and a few of them.

    Every folder is checked, and the first file of each (a restrictive umask at install
    time shows on every file, so one per folder finds it; checking all is seconds slower).
    """
    count = 0
    examples: list[str] = []

    def judge(entry: os.DirEntry[str], need: int) -> None:
        nonlocal count
        if entry.stat(follow_symlinks=False).st_mode & need != need:
            count += 1
            if len(examples) < limit:
                examples.append(entry.path)

    pending = []
    for folder in folders:
        if os.path.isdir(folder):
            pending.append(folder)
        elif os.stat(folder).st_mode & 0o004 != 0o004:
            count += 1
            examples.append(folder)
    while pending:
        try:
            entries = list(os.scandir(pending.pop()))
        except OSError:
            continue
        first_file = True
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                judge(entry, 0o005)
                pending.append(entry.path)
            elif first_file and entry.is_file(follow_symlinks=False):
                judge(entry, 0o004)
                first_file = False
    return count, examples


def _check_exposures(folders: Sequence[str]) -> None:
    count, examples = _unreadable(folders)
    if count:
        roots = " ".join(folders)
        raise SandboxSetupError(
            f"the sandbox uid could not read {count} folder(s) or file(s) of the kernel's "
            "environment "
            f"(e.g. {examples[0]}): run `chmod -R o+rX {roots}` and install again"
        )


def _check_uid_range(first: int, count: int) -> None:
    import pwd

    for entry in pwd.getpwall():
        if first <= entry.pw_uid < first + count:
            raise SandboxSetupError(
                f"user {entry.pw_name} has uid {entry.pw_uid}, inside the sandbox's uid range "
                f"{first}:{count}: choose another with --uid-range"
            )
    for table in (Path("/etc/subuid"), Path("/etc/subgid")):
        lines = table.read_text(encoding="utf-8").splitlines() if table.is_file() else []
        for line in lines:
            parts = line.split(":")
            if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
                start, size = int(parts[1]), int(parts[2])
                if start < first + count and first < start + size:
                    raise SandboxSetupError(
                        f"{table} gives {parts[0]} ids {start}:{size}, overlapping the sandbox's "
                        f"uid range {first}:{count}: choose another with --uid-range"
                    )


def _check_linux() -> None:
    release = os.uname().release
    match = re.match(r"(\d+)\.(\d+)", release)
    if not match or (int(match.group(1)), int(match.group(2))) < (5, 12):
        raise SandboxSetupError(f"the sandbox needs Linux 5.12 or later; this is {release}")


def _check_location(path: Path) -> None:
    existing = path
    while not existing.exists():
        existing = existing.parent
    info = existing.stat()
    if existing != path and info.st_mode & 0o1000 and info.st_uid == 0:  # e.g. under /tmp
        existing = existing.parent  # what install creates in a sticky folder stays root's
    try:
        launcher.check_root_owned(str(existing))
    except launcher.SandboxError as error:
        raise SandboxSetupError(f"unsafe install location: {error}") from None


class _Journal:
    """Remember what ``install`` writes, to put every byte back if it fails."""

    def __init__(self) -> None:
        self.files: list[tuple[Path, bytes | None, int]] = []
        self.folders: list[Path] = []

    def folder(self, path: Path) -> None:
        missing = []
        while not path.exists():
            missing.append(path)
            path = path.parent
        self.folders += reversed(missing)

    def write(self, path: Path, text: str, mode: int) -> None:
        self.folder(path.parent)
        before = path.read_bytes() if path.is_file() else None
        old_mode = path.stat().st_mode & 0o7777 if before is not None else 0
        self.files.append((path, before, old_mode))
        _write_root_file(path, text, mode)

    def rollback(self) -> None:
        for path, before, mode in reversed(self.files):
            if before is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(before)
                path.chmod(mode)
        for folder in reversed(self.folders):
            shutil.rmtree(folder, ignore_errors=True)


def _write_root_file(path: Path, text: str, mode: int) -> None:
    """Write ``path`` atomically, owned by root with ``mode``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", dir=path.parent, prefix=f".{path.name}.", delete=False, encoding="utf-8"
    ) as handle:
        handle.write(text)
    os.chown(handle.name, 0, 0)
    os.chmod(handle.name, mode)
    os.replace(handle.name, path)


def _sudoers_text(group: str, launch: Path) -> str:
    return (
        "# Written by `postparis-instructor sandbox install`: instructors may start grading\n"
        "# kernels in the sandbox. The launcher reads its inputs with the caller's rights.\n"
        f'Defaults!{launch} env_keep += "JPY_PARENT_PID NBGRADER_EXECUTION"\n'
        f"Defaults!{launch} !use_pty\n"
        f"%{group} ALL=(root) NOPASSWD: {launch}\n"
    )


def _check_sudo_rule(group: str, text: str) -> str:
    """Return the path of ``sudo`` once the rule for ``group`` is known to be valid."""
    import grp

    sudo = shutil.which("sudo", path=launcher.SAFE_PATH)
    if not sudo:
        raise SandboxSetupError("sudo not found: install sudo (apt-get install sudo)")
    try:
        grp.getgrnam(group)
    except KeyError:
        raise SandboxSetupError(f"no group {group!r}: create it first (groupadd {group})") from None
    visudo = shutil.which("visudo", path=launcher.SAFE_PATH)
    if visudo:
        with tempfile.NamedTemporaryFile("w", suffix=".sudoers", encoding="utf-8") as draft:
            draft.write(text)
            draft.flush()
            done = subprocess.run(
                [visudo, "-cf", draft.name], capture_output=True, text=True, check=False
            )
        if done.returncode != 0:
            raise SandboxSetupError(f"the sudo rule is invalid: {done.stdout}{done.stderr}")
    return sudo


def install(
    prefix: Path = DEFAULT_PREFIX,
    *,
    kernel_python: Path | None = None,
    system_python: Path = Path("/usr/bin/python3"),
    sudo_group: str | None = None,
    sudoers_file: Path = SUDOERS_FILE,
    settings: dict[str, Any] | None = None,
    verify: bool = True,
) -> Installation:
    """Install the launcher, its settings and the ``postparis-sandbox`` kernelspec.

    Everything that can be checked is checked before anything is written; then the files
    are written, one sandboxed kernel is started from a private copy of the kernelspec
    (``verify``) and only if it is confined does the kernelspec become visible. On any
    failure every file written is removed or restored.

    Parameters
    ----------
    prefix
        Installs ``<prefix>/lib/postparis-sandbox/{launch,sandbox.json}`` and
        ``<prefix>/share/jupyter/kernels/postparis-sandbox/kernel.json``; the default
        ``/usr/local`` is on every Jupyter's kernel search path.
    kernel_python
        The Python that runs the kernel (default: this one); it needs ipykernel, and its
        environment must be readable by everyone (the sandbox uid has no other rights).
    system_python
        The root-owned interpreter that runs the launcher.
    sudo_group
        Let members of this group (non-root instructors) start sandboxed kernels through
        a narrow sudo rule; the kernelspec then starts the launcher with ``sudo -n``.
    sudoers_file
        Where the sudo rule goes.
    settings
        Overrides of :data:`~postparis_instructor.sandbox_launcher.DEFAULT_CONFIG`
        (limits, uid range, ``network``, ``expose``...).
    verify
        Start one sandboxed kernel and check it is confined before finishing.

    Returns
    -------
    Installation
        The paths written, and the self-check's report.

    Raises
    ------
    SandboxSetupError
        If not root, a tool is missing, a path is unsafe, the machine cannot build the
        sandbox, or the installed sandbox does not confine its kernel (nothing is left).
    """
    _require_root("`sandbox install`")
    _check_linux()
    _require_tools()
    _check_system_python(system_python)
    python = Path(kernel_python or sys.executable).absolute()
    _check_kernel_python(python)
    prefix = prefix.absolute()
    config = {**launcher.DEFAULT_CONFIG, **(settings or {})}
    unknown = sorted(set(config) - set(launcher.DEFAULT_CONFIG))
    if unknown:
        raise SandboxSetupError(f"unknown sandbox settings: {', '.join(unknown)}")
    config["kernel_argv"] = [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    if not (settings or {}).get("expose"):
        config["expose"] = kernel_exposures(python)
    _check_exposures(config["expose"])
    _check_uid_range(int(config["uid_first"]), int(config["uid_count"]))
    settings_path = _settings_path(prefix)
    launch = settings_path.with_name("launch")
    _check_location(launch)
    try:
        launcher.preflight(tempfile.mkdtemp(prefix="postparis-sandbox-preflight-"))
    except launcher.SandboxError as error:
        raise SandboxSetupError(str(error)) from None
    argv = [str(launch), "{connection_file}"]
    sudo_text = _sudoers_text(sudo_group, launch) if sudo_group else ""
    if sudo_group:
        argv = [_check_sudo_rule(sudo_group, sudo_text), "-n", *argv]
    spec = {
        "argv": argv,
        "display_name": "Python 3 (grading sandbox, instructors only)",
        "language": "python",
        "interrupt_mode": "signal",
        "metadata": {"postparis_sandbox": True, "debugger": False},
    }
    spec_text = json.dumps(spec, indent=1) + "\n"

    journal = _Journal()
    state = Path(config["state_dir"])
    fresh_state = [path for path in (state, Path(launcher.ipc_base(config))) if not path.exists()]
    report = None
    try:
        source = Path(launcher.__file__).read_text(encoding="utf-8").split("\n", 1)[1]
        journal.write(launch, f"#!{system_python} -IS\n{source}", 0o755)
        journal.write(settings_path, json.dumps(config, indent=2) + "\n", 0o644)
        try:
            launcher.check_root_owned(str(launch))
        except launcher.SandboxError as error:
            raise SandboxSetupError(f"unsafe install location: {error}") from None
        sudoers = None
        if sudo_group:
            journal.write(sudoers_file, sudo_text, 0o440)
            sudoers = sudoers_file
        if verify:
            with tempfile.TemporaryDirectory(prefix="postparis-sandbox-spec-") as staged:
                folder = Path(staged) / KERNEL_NAME
                folder.mkdir()
                (folder / "kernel.json").write_text(spec_text, encoding="utf-8")
                report = check(KERNEL_NAME, kernel_dirs=[staged], settings=config)
        kernelspec = _kernelspec_dir(prefix)
        journal.write(kernelspec / "kernel.json", spec_text, 0o644)
    except BaseException:
        journal.rollback()
        if not sandbox_processes(int(config["uid_first"]), int(config["uid_count"])):
            for path in fresh_state:
                shutil.rmtree(path, ignore_errors=True)
        raise
    return Installation(launch, settings_path, kernelspec, sudoers, report)


def uninstall(prefix: Path = DEFAULT_PREFIX, sudoers_file: Path = SUDOERS_FILE) -> list[Path]:
    """Remove what :func:`install` wrote under ``prefix``; return the removed paths."""
    _require_root("`sandbox uninstall`")
    removed = []
    paths = [_settings_path(prefix).parent, _kernelspec_dir(prefix), sudoers_file]
    try:
        loaded = json.loads(_settings_path(prefix).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        loaded = {}
    settings = {**launcher.DEFAULT_CONFIG, **loaded}
    if not sandbox_processes(int(settings["uid_first"]), int(settings["uid_count"])):
        state = Path(settings["state_dir"])  # lock files; /run empties itself at boot anyway
        paths += [state, state.with_name(state.name + "-ipc")]
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path)
            removed.append(path)
        elif path.exists():
            path.unlink()
            removed.append(path)
    return removed


# -- enable for a course ---------------------------------------------------------------------------
def _without_block(text: str) -> str:
    pattern = re.compile(rf"\n?{re.escape(BLOCK_BEGIN)}.*?{re.escape(BLOCK_END)}\n?", re.DOTALL)
    return pattern.sub("\n", text).strip("\n")


def _course_folder(course_dir: Path) -> Path:
    course = Path(course_dir).absolute()
    if not course.is_dir():
        raise SandboxSetupError(f"{course} is not a folder")
    if not (course / "nbgrader_config.py").is_file():
        raise SandboxSetupError(f"{course} has no nbgrader_config.py: is it the course folder?")
    return course


def is_enabled(course_dir: Path) -> bool:
    """Return True if the course's local nbgrader settings force the sandbox kernel."""
    local = Path(course_dir) / LOCAL_CONFIG
    return local.is_file() and BLOCK_BEGIN in local.read_text(encoding="utf-8")


def enable(course_dir: Path, kernel_name: str = KERNEL_NAME, restrict: bool = True) -> Path:
    """Make nbgrader grade the course in the sandbox kernel.

    Writes (or refreshes) a marked block in ``<course>/nbgrader_config_local.py``, which
    the course's ``nbgrader_config.py`` loads last, and removes every permission of
    "others" on the course folder: the sandbox uid is such an "other".

    Parameters
    ----------
    course_dir
        The nbgrader course folder (holding ``nbgrader_config.py``).
    kernel_name
        The sandbox kernelspec to force.
    restrict
        Remove the "others" permissions on the course folder (``chmod o-rwx``).

    Returns
    -------
    pathlib.Path
        The local settings file.

    Raises
    ------
    SandboxSetupError
        If the course folder or the sandbox kernel is missing.
    """
    course = _course_folder(course_dir)
    installed_settings(kernel_name)  # the kernel must exist
    lines = [
        BLOCK_BEGIN,
        "# Written by `postparis-instructor sandbox enable`; `... sandbox disable` removes it.",
        "# Every submission runs in the grading sandbox kernel, whatever its notebook names.",
        "c = get_config()  # noqa: F821",
        f"c.Execute.kernel_name = {kernel_name!r}",
        "# A submission that ignores interrupts is then graded (its later cells fail on",
        "# timeout) instead of aborting its grading.",
        "c.Execute.raise_on_iopub_timeout = False",
    ]
    lines += [
        "# Sandboxed kernels listen on Unix sockets in a private folder, never on a TCP",
        "# port another kernel could reach; their names are per grading process.",
        "import os as _os",
        "from jupyter_core.paths import jupyter_runtime_dir as _runtime_dir",
        "",
        "_os.makedirs(_runtime_dir(), mode=0o700, exist_ok=True)",
        'c.KernelManager.transport = "ipc"',
        'c.KernelManager.ip = _os.path.join(_runtime_dir(), f"sandbox-{_os.getpid()}")',
    ]
    lines.append(BLOCK_END)
    local = course / LOCAL_CONFIG
    kept = _without_block(local.read_text(encoding="utf-8")) if local.is_file() else ""
    local.write_text((kept + "\n\n" if kept else "") + "\n".join(lines) + "\n", encoding="utf-8")
    info = course.stat()
    if os.geteuid() == 0 and info.st_uid != 0:
        os.chown(local, info.st_uid, info.st_gid)
    if restrict and info.st_mode & 0o007:
        if info.st_uid != os.geteuid() and os.geteuid() != 0:
            raise SandboxSetupError(f"{course} is readable by everyone: run `chmod o-rwx {course}`")
        course.chmod(info.st_mode & ~0o007 & 0o7777)
    return local


def disable(course_dir: Path) -> bool:
    """Remove the sandbox block from the course's local settings; return True if found."""
    local = Path(course_dir) / LOCAL_CONFIG
    if not is_enabled(Path(course_dir)):
        return False
    kept = _without_block(local.read_text(encoding="utf-8"))
    if kept:
        local.write_text(kept + "\n", encoding="utf-8")
    else:
        local.unlink()
    return True


# -- watching sandbox processes ----------------------------------------------------------------------
def sandbox_processes(first: int, count: int) -> list[tuple[int, int]]:
    """Return ``(pid, uid)`` of every running process whose real uid is in the range.

    Parameters
    ----------
    first, count
        The sandbox uid range (``uid_first``, ``uid_count`` of the settings).
    """
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry.name}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        uid = int(fields.get("Uid", "-1 0").split()[0])
        if first <= uid < first + count and not fields.get("State", "").strip().startswith("Z"):
            found.append((int(entry.name), uid))
    return found


def wait_until_reaped(first: int, count: int, timeout: float = 10.0) -> list[tuple[int, int]]:
    """Wait until no sandbox process runs; return those still running after ``timeout``.

    The launcher's watcher kills a sandbox's processes just *after* its kernel ends, so a
    grader that wants a clean slate (e.g. before reporting) waits here.
    """
    deadline = time.monotonic() + timeout
    while True:
        left = sandbox_processes(first, count)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


# -- check -----------------------------------------------------------------------------------------
def _secrets_near(course: Path | None, exposed: Sequence[str]) -> list[str]:
    """Return host paths a kernel must not see: the course, its key, git histories, homes."""
    needed = {parent for folder in map(Path, exposed) for parent in (folder, *folder.parents)}
    paths: list[Path] = []
    for top in map(Path, ("/root", "/home", "/srv", "/run", "/var", "/opt", "/mnt", "/media")):
        if top not in needed:
            paths.append(top)
        else:  # the kernel's way to its own folders leads through: nothing else may show
            with contextlib.suppress(OSError):
                paths += [entry for entry in top.iterdir() if entry not in needed][:20]
    if course is not None:
        course = Path(course).absolute()
        paths += [course, course / "source", course / "gradebook.db", course / "submitted"]
        paths += [folder / ".git" for folder in course.parents]
    for folder in map(Path, exposed):
        paths += [parent / ".git" for parent in folder.parents if (parent / ".git").exists()]
    return sorted({str(path) for path in paths if path.exists()})


def check(
    kernel_name: str = KERNEL_NAME,
    timeout: float = 60.0,
    *,
    course: Path | None = None,
    kernel_dirs: Sequence[str] | None = None,
    settings: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Start the sandbox kernel once, probe it, shut it down and verify the clean-up.

    The probe also tries a port the host listens on and looks for the course, its key,
    gradebook and submissions, the git history and homes.

    Parameters
    ----------
    kernel_name
        The sandbox kernelspec.
    timeout
        Seconds to wait for the kernel.
    course
        A course folder whose secrets the kernel must not see.
    kernel_dirs, settings
        Check a kernelspec from these folders, with these launcher settings, instead of
        the installed ones (what ``install`` does before it makes the kernel visible).

    Returns
    -------
    dict
        The probe's report plus ``start_seconds`` and ``leftover`` (processes still
        running after shutdown).

    Raises
    ------
    SandboxSetupError
        If the kernel does not start, or it is not confined.
    """
    import socket

    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    if settings is None:
        _, settings = installed_settings(kernel_name)
    first, count = int(settings["uid_first"]), int(settings["uid_count"])
    secrets = _secrets_near(course, [*settings["expose"], launcher.ipc_base(settings)])
    with (
        tempfile.TemporaryDirectory(prefix="postparis-sandbox-check-") as work,
        socket.create_server(("127.0.0.1", 0)) as listener,
    ):
        specs = KernelSpecManager(kernel_dirs=list(kernel_dirs)) if kernel_dirs else None
        manager = KernelManager(
            kernel_name=kernel_name, **({"kernel_spec_manager": specs} if specs else {})
        )
        manager.transport = "ipc"
        manager.ip = os.path.join(work, "kernel")
        started = time.monotonic()
        client = None
        try:
            manager.start_kernel(cwd=work)
            client = manager.client()
            client.start_channels()
            client.wait_for_ready(timeout=timeout)
        except Exception as error:
            if client is not None:
                client.stop_channels()
            manager.shutdown_kernel(now=True)
            manager.cleanup_resources()
            raise SandboxSetupError(
                f"the sandbox kernel did not start: {str(error).strip().splitlines()[-1]}"
            ) from error
        start_seconds = time.monotonic() - started
        lines: list[str] = []

        def keep(message: dict[str, Any]) -> None:
            if message["msg_type"] == "stream":
                lines.append(message["content"]["text"])

        setup = f"_PP_HOST_PORT = {listener.getsockname()[1]!r}\n_PP_SECRETS = {secrets!r}\n"
        try:
            client.execute_interactive(setup + PROBE_CODE, output_hook=keep, timeout=timeout)
        finally:
            client.stop_channels()
            manager.shutdown_kernel()
    text = "".join(lines)
    if PROBE_MARK not in text:
        raise SandboxSetupError(f"the sandbox kernel did not answer the probe: {text!r}")
    report: dict[str, Any] = json.loads(text.split(PROBE_MARK, 1)[1].splitlines()[0])
    report["start_seconds"] = round(start_seconds, 3)
    # only its own uid: other graders may be running kernels of the same range right now
    report["leftover"] = wait_until_reaped(int(report["uid"]), 1, timeout=30)
    problems = []
    if not first <= report["uid"] < first + count:
        problems.append(f"runs as uid {report['uid']}, outside the sandbox range")
    if report["groups"] or not report["no_new_privs"] or int(report["capabilities"], 16):
        problems.append("keeps groups, capabilities or the right to gain privileges")
    if report["writes_root"]:
        problems.append("can write outside its private /tmp")
    if not settings["network"] and (report["interfaces"] != ["lo"] or report["reaches_host_port"]):
        problems.append("reaches the host's network")
    if report["sees"]:
        problems.append(f"sees {', '.join(report['sees'])}")
    if report["leftover"]:
        problems.append(f"left processes running: {report['leftover']}")
    if problems:
        raise SandboxSetupError("the sandbox does not confine its kernel: " + "; ".join(problems))
    return report


def summary(report: dict[str, Any], settings: dict[str, Any]) -> str:
    """Return one line saying what confines a checked kernel."""
    network = "the host's network" if settings["network"] else "no network"
    return (
        f"kernels run as throw-away uids ({report['uid']} this time), with {network}, "
        "a read-only view of their own Python only and a private /tmp "
        f"(started in {report['start_seconds']:.1f} s)"
    )


# -- command line ------------------------------------------------------------------------------------
def _uid_range(text: str) -> tuple[int, int]:
    first, _, count = text.partition(":")
    try:
        return int(first), int(count or 4096)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not FIRST:COUNT: {text!r}") from None


def _size(text: str) -> int:
    try:
        return parse_size(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _cmd_install(args: argparse.Namespace) -> int:
    settings: dict[str, Any] = {}
    for key in ("cpu_seconds", "memory_bytes", "processes", "file_size_bytes", "open_files"):
        if getattr(args, key) is not None:
            settings[key] = getattr(args, key)
    if args.tmp_size is not None:
        settings["tmp_bytes"] = args.tmp_size
    if args.uid_range:
        settings["uid_first"], settings["uid_count"] = args.uid_range
    if args.state_dir:
        settings["state_dir"] = str(args.state_dir)
    settings["network"] = bool(args.network)
    for course in args.enable or []:  # checked before anything is installed
        _course_folder(course)
    done = install(
        args.prefix,
        kernel_python=args.kernel_python,
        system_python=args.system_python,
        sudo_group=args.sudo_group,
        settings=settings,
        verify=not args.no_check,
    )
    print(f"Installed the launcher {done.launcher}")
    print(f"  settings  {done.settings}")
    print(f"  kernel    {done.kernelspec} (kernel name {KERNEL_NAME!r})")
    if done.sudoers:
        print(f"  sudo rule {done.sudoers} (group {args.sudo_group})")
    if done.report:
        _, config = installed_settings_at(done.settings)
        print(f"Checked: {summary(done.report, config)}.")
    for course in args.enable or []:
        print(f"Enabled for {course}: {enable(course)}")
    return 0


def _cmd_uninstall(args: argparse.Namespace) -> int:
    for path in uninstall(args.prefix):
        print(f"Removed {path}")
    return 0


def _cmd_enable(args: argparse.Namespace) -> int:
    local = enable(args.course, args.kernel, restrict=not args.no_chmod)
    print(f"The sandbox is on for {args.course} (settings in {local}).")
    return 0


def _cmd_disable(args: argparse.Namespace) -> int:
    found = disable(args.course)
    print(f"The sandbox is {'now off' if found else 'was not on'} for {args.course}.")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    course = args.course
    if course is None and Path("assignments", "nbgrader_config.py").is_file():
        course = Path("assignments")
    try:
        _, settings = installed_settings(args.kernel)
        report = check(args.kernel, course=course)
    except SandboxSetupError as error:
        print(f"Grading is NOT confined: {error}")
        return 1
    if args.json:
        print(json.dumps(report, indent=2))
    if course is None:
        print(
            f"The sandbox confines its kernels: {summary(report, settings)}; name a course to check it uses them."
        )
        return 0
    if not is_enabled(course):
        print(
            f"Grading of {course} is NOT confined: the sandbox works, but the course does not "
            f"use it: run `postparis-instructor sandbox enable {course}`."
        )
        return 1
    print(f"Grading of {course} is confined: {summary(report, settings)}.")
    return 0


def _friendly(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn the sandbox's errors into one line for the instructor and exit status 1."""

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except (SandboxSetupError, launcher.SandboxError) as error:
            print(f"postparis-instructor sandbox: error: {error}", file=sys.stderr)
            return 1

    return run


def add_sandbox_commands(subparsers: Any) -> None:
    """Register ``sandbox install|uninstall|enable|disable|check`` on a CLI's subparsers."""
    sandbox = subparsers.add_parser(
        "sandbox", help="grade every submission in a throw-away, unprivileged sandbox"
    )
    sub = sandbox.add_subparsers(dest="sandbox_command", required=True)

    inst = sub.add_parser("install", help="install the launcher and its kernel (as root)")
    inst.add_argument("--prefix", type=Path, default=DEFAULT_PREFIX)
    inst.add_argument("--kernel-python", type=Path, help="Python that runs kernels")
    inst.add_argument("--system-python", type=Path, default=Path("/usr/bin/python3"))
    inst.add_argument("--sudo-group", help="group of non-root instructors allowed to grade")
    inst.add_argument("--cpu-seconds", type=int, help="CPU seconds per kernel (600)")
    inst.add_argument("--memory", dest="memory_bytes", type=_size, help="address space (4G)")
    inst.add_argument("--processes", type=int, help="processes and threads (128)")
    inst.add_argument("--file-size", dest="file_size_bytes", type=_size, help="largest file (256M)")
    inst.add_argument("--open-files", type=int, help="open files (512)")
    inst.add_argument("--tmp-size", type=_size, help="the private /tmp (512M)")
    inst.add_argument("--uid-range", type=_uid_range, help="FIRST:COUNT (2100000000:4096)")
    inst.add_argument("--state-dir", type=Path, help="lock folder (/run/postparis-sandbox)")
    inst.add_argument(
        "--network", action="store_true", help="give student code the host's network (off)"
    )
    inst.add_argument("--no-network", action="store_false", dest="network", help=argparse.SUPPRESS)
    inst.add_argument("--no-check", action="store_true", help="skip the self-check")
    inst.add_argument(
        "--enable", type=Path, action="append", metavar="COURSE_DIR", help="also enable a course"
    )
    inst.set_defaults(func=_friendly(_cmd_install))

    uninst = sub.add_parser("uninstall", help="remove the launcher and its kernel (as root)")
    uninst.add_argument("--prefix", type=Path, default=DEFAULT_PREFIX)
    uninst.set_defaults(func=_friendly(_cmd_uninstall))

    for name, func, text in (
        ("enable", _cmd_enable, "grade a course in the sandbox"),
        ("disable", _cmd_disable, "stop grading a course in the sandbox"),
    ):
        command = sub.add_parser(name, help=text)
        command.add_argument("course", type=Path, nargs="?", default=Path("assignments"))
        if name == "enable":
            command.add_argument("--kernel", default=KERNEL_NAME)
            command.add_argument("--no-chmod", action="store_true", help="keep the folder mode")
        command.set_defaults(func=_friendly(func))

    chk = sub.add_parser("check", help="say in one line whether grading is confined")
    chk.add_argument("course", type=Path, nargs="?", help="course folder (default: assignments)")
    chk.add_argument("--kernel", default=KERNEL_NAME)
    chk.add_argument("--json", action="store_true", help="also print the probe's report")
    chk.set_defaults(func=_friendly(_cmd_check))


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sandbox`` subcommands on their own (``python -m postparis_instructor.sandbox``)."""
    parser = argparse.ArgumentParser(prog="postparis-instructor")
    add_sandbox_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
