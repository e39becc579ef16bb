#!/usr/bin/python3 -IS
"""Start a Jupyter kernel in a throw-away, unprivileged, resource-limited sandbox.

This file is the grading sandbox's *launcher*. ``postparis-instructor sandbox install``
copies it, root-owned, to ``<prefix>/lib/postparis-sandbox/launch`` beside its settings
(``sandbox.json``, root-owned too) and writes a kernelspec whose ``argv`` is
``[launch, "{connection_file}"]`` (prefixed by ``sudo -n`` for a non-root instructor).
It runs as root under the system interpreter in isolated mode, so it uses the standard
library only and trusts nothing from its caller but the connection file and the
working directory, which it reads *with the caller's rights*.

What one launch does, in order:

1. works out the caller: root, or the instructor who came through ``sudo``;
2. leases a fresh sandbox uid (no passwd entry) from a reserved range: a ``flock`` on
   ``<state_dir>/uids/<uid>.lock``, held until every process of that uid is gone, so
   concurrent graders never share a uid;
3. forks a root *watcher* that waits (``pidfd``) for the kernel or its parent to end,
   then kills every process of the sandbox uid, waits until none is left and only then
   gives the uid back;
4. enters private mount and IPC namespaces and (unless the network is turned on) a
   network namespace with only its own loopback, and builds a new root that holds only
   the system folders, the exposed folders (the kernel's interpreter, environment,
   package and data), all read-only; a size-limited tmpfs as ``/tmp`` (the sandbox's
   only writable place: home, temporary files and a copy of the grading folder); a
   minimal ``/dev``; a ``/proc`` that shows the sandbox only its own processes; and its
   own socket folder. It pivots into that root: the course, the repository, other
   students' work, homes, ``/run`` and ``/var`` do not exist inside;
5. sets resource limits (CPU seconds, address space, processes, file size, open files,
   no core dumps), a clean environment, and ``exec``s ``setpriv`` (util-linux), which
   switches to the sandbox uid with no groups, no capabilities and ``no_new_privs``
   and ``exec``s the kernel. The process jupyter_client started *is* the kernel, so
   interrupts and shutdown work as usual.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import os
import random
import resource
import select
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any, NamedTuple

PROG = "postparis-sandbox"
CONFIG_NAME = "sandbox.json"
SAFE_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
CLEAN = b"clean\n"  # a uid lock file's content once its uid has been reaped

#: Settings of a launch; ``sandbox.json`` overrides any of them (``kernel_argv`` is required).
DEFAULT_CONFIG: dict[str, Any] = {
    "kernel_argv": None,
    "uid_first": 2_100_000_000,
    "uid_count": 4096,
    "state_dir": "/run/postparis-sandbox",
    "cpu_seconds": 600,
    "memory_bytes": 4 * 2**30,
    "processes": 128,
    "file_size_bytes": 256 * 2**20,
    "open_files": 512,
    "tmp_bytes": 512 * 2**20,
    "tmp_inodes": 32768,
    "shm_bytes": 64 * 2**20,
    # False: the kernel gets a network namespace of its own (only its own loopback).
    "network": False,
    # The kernel's new root holds only these system folders (read-only) ...
    "system_paths": ["/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"],
    # ... and these (read-only): the kernel's interpreter, environment, package and data.
    "expose": [],
    # Folders masked even inside what is visible (nbgrader's default exchange).
    "hide_paths": ["/usr/local/share/nbgrader"],
    "hide_course": True,
    "copy_exclude": ["*.ipynb", ".ipynb_checkpoints"],
    "env": {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"},
    "pass_env": [
        "LANG",
        "LANGUAGE",
        "LC_ALL",
        "LC_CTYPE",
        "LC_MESSAGES",
        "TZ",
        "JPY_PARENT_PID",
        "NBGRADER_EXECUTION",
        "PYDEVD_DISABLE_FILE_VALIDATION",
    ],
}

#: Device nodes the kernel's private ``/dev`` carries (bound from the host's).
DEVICES = ("null", "zero", "full", "random", "urandom", "tty")

# Linux constants (x86_64 and aarch64 share them).
CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWNET = 0x40000000
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_MOVE = 8192
MS_REC = 16384
MS_PRIVATE = 1 << 18
SYS_MOUNT_SETATTR = 442
AT_FDCWD = -100
AT_RECURSIVE = 0x8000
MOUNT_ATTR_RDONLY = 0x1
MOUNT_ATTR_NOSUID = 0x2
MOUNT_ATTR_NODEV = 0x4
MNT_DETACH = 2
#: pivot_root(2) has no libc wrapper; its number differs between architectures.
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}
SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1


class SandboxError(Exception):
    """The sandbox cannot be set up; the message says why and what to do."""


class Caller(NamedTuple):
    """Whose rights the launcher uses to read its inputs."""

    uid: int
    gid: int
    groups: tuple[int, ...]


class UidLease:
    """A sandbox uid held by an exclusive ``flock`` on its lock file.

    The lock lives as long as the open file description: the watcher inherits it and
    keeps it until every process of the uid is gone.
    """

    def __init__(self, uid: int, fd: int) -> None:
        self.uid = uid
        self.fd = fd

    def release(self) -> None:
        """Give the uid back (close the locked file)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> UidLease:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


# -- configuration ------------------------------------------------------------------------
def check_root_owned(path: str) -> None:
    """Refuse a file that someone other than root could have written.

    The file and every folder above it must belong to root and be writable by no one
    else (a sticky folder such as ``/tmp`` is accepted, as ``sudo`` does).

    Raises
    ------
    SandboxError
        If ``path`` or one of its folders is not safe.
    """
    current = os.path.realpath(path)
    first = True
    while True:
        info = os.lstat(current)
        writable = info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
        sticky_dir = stat.S_ISDIR(info.st_mode) and info.st_mode & stat.S_ISVTX
        if info.st_uid != 0 or (writable and (first or not sticky_dir)):
            raise SandboxError(
                f"{current} must belong to root and be writable by root only "
                "(reinstall with `postparis-instructor sandbox install`)"
            )
        if current == "/":
            return
        current = os.path.dirname(current)
        first = False


def load_config(path: str) -> dict[str, Any]:
    """Return the launcher's settings: :data:`DEFAULT_CONFIG` updated from ``path``.

    Raises
    ------
    SandboxError
        If the file is missing, unsafe, not JSON, or lacks ``kernel_argv``.
    """
    if not os.path.isfile(path):
        raise SandboxError(
            f"settings file {path} is missing: run `postparis-instructor sandbox install`"
        )
    check_root_owned(path)
    try:
        with open(path, encoding="utf-8") as handle:
            loaded = json.load(handle)
    except ValueError as error:
        raise SandboxError(f"settings file {path} is not valid JSON: {error}") from None
    unknown = sorted(set(loaded) - set(DEFAULT_CONFIG))
    if unknown:
        raise SandboxError(f"unknown settings in {path}: {', '.join(unknown)}")
    config = dict(DEFAULT_CONFIG)
    config.update(loaded)
    argv = config["kernel_argv"]
    if not (isinstance(argv, list) and argv and all(isinstance(a, str) for a in argv)):
        raise SandboxError(f"{path}: kernel_argv must be a non-empty list of strings")
    return config


# -- the caller ---------------------------------------------------------------------------
def parent_is_sudo(ppid: int) -> bool:
    """Return True if process ``ppid`` runs the ``sudo`` program."""
    try:
        exe = os.readlink(f"/proc/{ppid}/exe")
    except OSError:
        return False
    return os.path.basename(exe) == "sudo"


def find_caller(environ: dict[str, str], through_sudo: bool) -> Caller:
    """Return the identity whose rights the launcher reads its inputs with.

    Parameters
    ----------
    environ
        The launcher's environment (``SUDO_UID``, ``SUDO_GID``, ``SUDO_USER``).
    through_sudo
        Whether the launcher's parent is ``sudo``: only then is ``SUDO_UID`` believed.

    Raises
    ------
    SandboxError
        If the launcher does not run as root, or sudo's variables are missing.
    """
    if os.geteuid() != 0:
        raise SandboxError(
            "must run as root: directly when root grades, or through the sudo rule "
            "written by `postparis-instructor sandbox install --sudo-group GROUP`"
        )
    if not through_sudo:
        if os.getuid() != 0:
            raise SandboxError("refusing to run with a real uid other than root")
        return Caller(0, 0, ())
    try:
        uid = int(environ["SUDO_UID"])
        gid = int(environ["SUDO_GID"])
    except (KeyError, ValueError):
        raise SandboxError("started by sudo, but SUDO_UID/SUDO_GID are missing") from None
    groups: list[int] = [gid]
    user = environ.get("SUDO_USER")
    if user:
        import pwd

        try:
            if pwd.getpwnam(user).pw_uid == uid:
                groups = os.getgrouplist(user, gid)
        except KeyError:
            pass
    return Caller(uid, gid, tuple(sorted(set(groups))))


def _as_caller(caller: Caller) -> dict[str, Any]:
    """Return the ``subprocess`` arguments that run a command with the caller's rights."""
    return {"user": caller.uid, "group": caller.gid, "extra_groups": list(caller.groups)}


def run_as(caller: Caller, action: Callable[[], bytes]) -> bytes:
    """Run ``action`` in a forked child with the caller's uid, gid and groups.

    Returns
    -------
    bytes
        What ``action`` returned.

    Raises
    ------
    SandboxError
        With the child's error message, if ``action`` raised.
    """
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        try:
            os.close(read_end)
            os.setgroups(list(caller.groups))
            os.setresgid(caller.gid, caller.gid, caller.gid)
            os.setresuid(caller.uid, caller.uid, caller.uid)
            try:
                answer = b"0" + action()
            except Exception as error:  # reported to the parent
                answer = b"1" + str(error).encode(errors="replace")
            view = memoryview(answer)
            while view:
                view = view[os.write(write_end, view) :]
        finally:
            os._exit(0)
    os.close(write_end)
    chunks = []
    with os.fdopen(read_end, "rb") as pipe:
        while chunk := pipe.read(65536):
            chunks.append(chunk)
    os.waitpid(child, 0)
    answer = b"".join(chunks)
    if not answer.startswith(b"0"):
        raise SandboxError(answer[1:].decode(errors="replace") or "a helper process failed")
    return answer[1:]


def read_as(caller: Caller, path: str, limit: int = 1 << 20) -> bytes:
    """Return the content of ``path`` as read by the caller (never with root's rights).

    Raises
    ------
    SandboxError
        If the caller cannot read it, or it is not a regular file of at most ``limit`` bytes.
    """

    def read() -> bytes:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise OSError(f"{path} is not a regular file")
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise OSError(f"{path} is larger than {limit} bytes")
        return data

    try:
        return run_as(caller, read)
    except SandboxError as error:
        raise SandboxError(f"cannot read {path} as uid {caller.uid}: {error}") from None


def _tool(name: str, package: str) -> str:
    """Return the absolute path of a system tool, or explain which package provides it."""
    found = shutil.which(name, path=SAFE_PATH)
    if not found:
        raise SandboxError(f"{name} not found: install {package}")
    return found


# -- sandbox uids -------------------------------------------------------------------------
def uid_processes(uid: int, include_zombies: bool = False) -> list[int]:
    """Return the pids of the processes whose real uid is ``uid``.

    Zombies (finished processes waiting for their parent) are left out unless
    ``include_zombies``: they run nothing and hold nothing but a pid.
    """
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status", "rb") as handle:
                status = handle.read()
        except OSError:
            continue
        real_uid = state = None
        for line in status.splitlines():
            if line.startswith(b"State:"):
                state = line.split()[1]
            elif line.startswith(b"Uid:"):
                real_uid = int(line.split()[1])
                break
        if real_uid == uid and (include_zombies or state != b"Z"):
            found.append(int(entry.name))
    return found


def allocate_uid(first: int, count: int, lock_dir: str) -> UidLease:
    """Lease a sandbox uid no other launch holds and no process runs as.

    Parameters
    ----------
    first, count
        The reserved range is ``first`` .. ``first + count - 1``.
    lock_dir
        A root-only folder for the lock files (created if missing).

    Returns
    -------
    UidLease
        Holds the uid until released (or until every holder of its lock has exited).

    Raises
    ------
    SandboxError
        If every uid of the range is busy.
    """
    os.makedirs(lock_dir, mode=0o700, exist_ok=True)
    start = random.randrange(count)
    for step in range(count):
        uid = first + (start + step) % count
        fd = os.open(
            os.path.join(lock_dir, f"{uid}.lock"),
            os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW,
            0o600,
        )
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        # The watcher marks the lock "clean" once it has reaped the uid; without that mark
        # (a watcher that died), look for leftover processes before reusing the uid.
        if os.pread(fd, 16, 0) not in (b"", CLEAN) and uid_processes(uid, include_zombies=True):
            os.close(fd)
            continue
        os.ftruncate(fd, 0)
        os.pwrite(fd, b"busy\n", 0)
        return UidLease(uid, fd)
    raise SandboxError(f"all {count} sandbox uids {first}-{first + count - 1} are in use")


def kill_all_of(uid: int) -> None:
    """Send SIGKILL to every process of ``uid`` (``kill(-1)`` from a child with that uid)."""
    child = os.fork()
    if child == 0:
        try:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            os.kill(-1, signal.SIGKILL)
        except BaseException:
            pass
        os._exit(0)
    os.waitpid(child, 0)


def reap_uid(uid: int, timeout: float | None = None) -> bool:
    """Kill every process of ``uid`` and wait until none is left.

    Returns
    -------
    bool
        True once no process of ``uid`` runs; False if ``timeout`` seconds passed first.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    delay = 0.002
    while True:
        kill_all_of(uid)
        if not uid_processes(uid):
            return True
        if deadline is not None and time.monotonic() > deadline:
            return False
        time.sleep(delay)
        delay = min(delay * 2, 0.5)


def _close_fds_except(keep: set[int]) -> None:
    """Close every open file descriptor above 2 that is not in ``keep``."""
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > 2 and fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)


def start_watcher(lease: UidLease, kernel_pid: int, parent_pid: int, cleanup: list[str]) -> None:
    """Fork the root process that reaps the sandbox uid once the kernel or its parent ends.

    The watcher is detached (its own session, re-parented, stdio on ``/dev/null``) so the
    kernel's process group signals and the grader's pipes never reach it. It holds the
    uid lease and removes ``cleanup`` folders after reaping.
    """
    kernel_fd = os.pidfd_open(kernel_pid)
    parent_fd = os.pidfd_open(parent_pid)
    child = os.fork()
    if child == 0:
        try:
            os.setsid()
            if os.fork() == 0:
                _watch(lease, kernel_fd, parent_fd, cleanup)
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    os.close(kernel_fd)
    os.close(parent_fd)


def _watch(lease: UidLease, kernel_fd: int, parent_fd: int, cleanup: list[str]) -> None:
    """Body of the watcher: wait, reap, clean up, release (never returns)."""
    for signum in (signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGTSTP):
        signal.signal(signum, signal.SIG_IGN)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    _close_fds_except({lease.fd, kernel_fd, parent_fd})
    poller = select.poll()
    poller.register(kernel_fd, select.POLLIN)
    poller.register(parent_fd, select.POLLIN)
    while not poller.poll():
        pass
    reap_uid(lease.uid)
    os.ftruncate(lease.fd, 0)
    os.pwrite(lease.fd, CLEAN, 0)
    for folder in cleanup:
        shutil.rmtree(folder, ignore_errors=True)
    lease.release()
    os._exit(0)


# -- namespaces and mounts ------------------------------------------------------------------
_LIBC: ctypes.CDLL | None = None


def _libc() -> ctypes.CDLL:
    global _LIBC
    if _LIBC is None:
        _LIBC = ctypes.CDLL(None, use_errno=True)
        _LIBC.mount.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_ulong, ctypes.c_char_p]
        _LIBC.unshare.argtypes = [ctypes.c_int]
        _LIBC.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
    return _LIBC


def _check(result: int, what: str) -> None:
    if result != 0:
        code = ctypes.get_errno()
        raise SandboxError(f"{what}: {os.strerror(code)}")


def _b(text: str | None) -> bytes | None:
    return None if text is None else os.fsencode(text)


def mount(
    source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None
) -> None:
    """Call mount(2); raise :class:`SandboxError` on failure."""
    result = _libc().mount(_b(source), _b(target), _b(fstype), flags, _b(data))
    _check(result, f"mount {fstype or source or ''} on {target}")


def unshare(flags: int) -> None:
    """Call unshare(2); raise :class:`SandboxError` on failure."""
    _check(_libc().unshare(flags), "unshare")


class _MountAttr(ctypes.Structure):
    _fields_ = (
        ("attr_set", ctypes.c_uint64),
        ("attr_clr", ctypes.c_uint64),
        ("propagation", ctypes.c_uint64),
        ("userns_fd", ctypes.c_uint64),
    )


def set_mount_attrs(path: str, attrs: int, recursive: bool = True) -> None:
    """Set mount attributes (read-only, nosuid, nodev) on the mount at ``path`` (Linux 5.12+)."""
    attr = _MountAttr(attrs, 0, 0, 0)
    libc = _libc()
    result = libc.syscall(
        ctypes.c_long(SYS_MOUNT_SETATTR),
        ctypes.c_int(AT_FDCWD),
        ctypes.c_char_p(os.fsencode(path)),
        ctypes.c_uint(AT_RECURSIVE if recursive else 0),
        ctypes.byref(attr),
        ctypes.c_size_t(ctypes.sizeof(attr)),
    )
    if result != 0:
        code = ctypes.get_errno()
        hint = " (Linux 5.12 or later is needed)" if code == 38 else ""
        raise SandboxError(f"cannot make {path} read-only: {os.strerror(code)}{hint}")


def make_tree_readonly(path: str = "/") -> None:
    """Make every mount at or below ``path`` read-only, in one call (Linux 5.12+)."""
    set_mount_attrs(path, MOUNT_ATTR_RDONLY)


def bind(source: str, target: str, readonly: bool = True) -> None:
    """Bind ``source`` (and the mounts below it) at ``target``, creating ``target``.

    Read-only binds are also ``nosuid`` and ``nodev``. Folders created on the way belong
    to root (mode 755), so the sandbox uid can pass through them but change nothing.
    """
    if os.path.isdir(source):
        os.makedirs(target, mode=0o755, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
        if not os.path.exists(target):
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o644))
    mount(source, target, None, MS_BIND | MS_REC)
    if readonly:
        set_mount_attrs(target, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)


def pivot_into(new_root: str) -> None:
    """Make ``new_root`` the root of this mount namespace and drop the old root."""
    os.chdir(new_root)
    number = SYS_PIVOT_ROOT.get(os.uname().machine)
    if number is None:  # an architecture without a known number: move and chroot
        mount(new_root, "/", None, MS_MOVE)
        os.chroot(".")
    else:
        _check(_libc().syscall(ctypes.c_long(number), b".", b"."), "pivot_root")
        _check(_libc().umount2(b".", MNT_DETACH), "unmount the old root")
    os.chdir("/")


def preflight(state_dir: str) -> None:  # state_dir: a fresh folder, removed afterwards
    """Try, in a throw-away child, the namespaces and mounts every launch needs.

    Raises
    ------
    SandboxError
        With the first step the machine refused (e.g. inside an unprivileged container).
    """

    def attempt() -> bytes:
        unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET)
        mount(None, "/", None, MS_REC | MS_PRIVATE)
        loopback_up()
        root = os.path.join(state_dir, "root")
        os.makedirs(root, mode=0o700, exist_ok=True)
        mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755")
        bind("/usr", root + "/usr")
        set_mount_attrs(root, MOUNT_ATTR_RDONLY, recursive=False)
        return b""

    os.makedirs(state_dir, mode=0o700, exist_ok=True)
    try:
        run_as(Caller(0, 0, ()), attempt)
    except SandboxError as error:
        raise SandboxError(f"this machine cannot build the sandbox: {error}") from None
    finally:
        shutil.rmtree(state_dir, ignore_errors=True)


def loopback_up() -> None:
    """Bring up ``lo`` in a fresh network namespace (student code may use localhost)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sh", b"lo", 0)
        flags = struct.unpack("16sh", fcntl.ioctl(sock, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sh", b"lo", flags | IFF_UP))


def hide(path: str) -> None:
    """Mask a folder with an empty, read-only, inaccessible tmpfs."""
    mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=000")


def find_course_root(cwd: str) -> str | None:
    """Return the nbgrader course folder above ``cwd`` (it holds its config or gradebook)."""
    current = os.path.dirname(cwd)
    for _ in range(8):
        if current in ("/", ""):
            return None
        for marker in ("nbgrader_config.py", "gradebook.db"):
            if os.path.exists(os.path.join(current, marker)):
                return current
        current = os.path.dirname(current)
    return None


def _inside(path: str, folder: str) -> bool:
    folder = folder.rstrip("/") + "/"
    return (path.rstrip("/") + "/").startswith(folder)


def copy_folder(caller: Caller, source: str, target: str, uid: int, exclude: list[str]) -> None:
    """Copy ``source`` (read as the caller) into ``target`` (written as the sandbox uid).

    ``tar`` packs as the caller and unpacks as the sandbox uid, so neither side ever
    uses root's rights on paths the caller chose. Symbolic links are copied as links.
    """
    tar = _tool("tar", "tar")
    pack = [tar, "-C", source, "-cf", "-", *[f"--exclude={pattern}" for pattern in exclude], "."]
    env = {"PATH": SAFE_PATH, "LC_ALL": "C"}
    reader = subprocess.Popen(
        pack, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, **_as_caller(caller)
    )
    writer = subprocess.run(
        [tar, "-xf", "-", "--no-same-owner"],
        cwd=target,  # entered as root, before the switch to the sandbox uid
        stdin=reader.stdout,
        capture_output=True,
        check=False,
        env=env,
        user=uid,
        group=uid,
        extra_groups=[],
    )
    assert reader.stdout is not None
    assert reader.stderr is not None
    reader.stdout.close()
    with reader.stderr:
        read_errors = reader.stderr.read()
    if reader.wait() != 0:
        raise SandboxError(
            f"cannot read {source} as uid {caller.uid}: {read_errors.decode(errors='replace').strip()}"
        )
    if writer.returncode != 0:
        raise SandboxError(
            f"cannot copy {source} into the sandbox: {writer.stderr.decode(errors='replace').strip()}"
        )


def _mkdir_for(path: str, uid: int, gid: int, mode: int) -> None:
    os.makedirs(path, exist_ok=True)
    os.chown(path, uid, gid)
    os.chmod(path, mode)


class Layout(NamedTuple):
    """Where things are inside the sandbox."""

    home: str
    workdir: str
    connection_file: str


def exposed_paths(config: dict[str, Any]) -> list[tuple[str, str]]:
    """Return ``(host folder, path inside)`` for every folder the kernel sees of the host.

    Each entry of ``expose`` appears at its own path and, when a symbolic link leads to
    it, at its real path too, so the interpreter's links resolve inside the sandbox.
    """
    pairs: list[tuple[str, str]] = []
    for path in config["expose"]:
        if not os.path.isabs(path) or not os.path.exists(path):
            continue
        real = os.path.realpath(path)
        for inside in dict.fromkeys((real, os.path.abspath(path))):
            if (real, inside) not in pairs:
                pairs.append((real, inside))
    return pairs


def _free_name(wanted: str, taken: list[str]) -> str:
    """Return ``wanted``, or a variant no exposed path lies under."""
    name = wanted
    while any(_inside(path, name) or _inside(name, path) for path in taken):
        name += "_"
    return name


def build_sandbox(
    config: dict[str, Any],
    caller: Caller,
    uid: int,
    cwd: str,
    connection: dict[str, Any],
    name: str,
) -> Layout:
    """Enter the private namespaces and build the sandbox's own root, then pivot into it.

    The new root holds only: the system folders (read-only), the exposed folders
    (read-only: the kernel's interpreter, environment, package and data), a private
    ``/tmp`` (its only writable place, with a copy of the grading folder), a minimal
    ``/dev``, a ``/proc`` showing only its own processes and, with the IPC transport, its
    own socket folder. Nothing else of the host (the course, the repository and its
    ``.git``, other students, homes, ``/run``, ``/var``) exists inside.

    Parameters
    ----------
    config
        The launcher settings.
    caller
        Whose rights read the grading folder.
    uid
        The sandbox uid (owner of everything writable).
    cwd
        The grading folder (the kernel's working directory chosen by nbgrader).
    connection
        The connection info to hand to the kernel (already adapted to the sandbox).
    name
        The connection file's base name.
    """
    flags = CLONE_NEWNS | CLONE_NEWIPC | (0 if config["network"] else CLONE_NEWNET)
    unshare(flags)
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    if not config["network"]:
        loopback_up()

    root = os.path.join(config["state_dir"], "root")
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,nr_inodes=8192,mode=0755")
    for path in config["system_paths"]:
        if os.path.islink(path):
            os.symlink(os.readlink(path), root + path)
        elif os.path.isdir(path):
            bind(path, root + path)

    exposed = exposed_paths(config)
    inside_tmp = [inside for _, inside in exposed if _inside(inside, "/tmp")]
    tmp = root + "/tmp"
    os.mkdir(tmp)
    size = f"size={int(config['tmp_bytes'])},nr_inodes={int(config['tmp_inodes'])},mode=1777"
    mount("tmpfs", tmp, "tmpfs", MS_NOSUID | MS_NODEV, size)
    home = _free_name("/tmp/home", inside_tmp)
    workdir = _free_name("/tmp/" + (os.path.basename(cwd.rstrip("/")) or "work"), inside_tmp)
    runtime = home + "/.local/share/jupyter/runtime"
    for folder, mode in ((home, 0o700), (runtime, 0o700), (workdir, 0o755)):
        _mkdir_for(root + folder, uid, uid, mode)
    for folder in (home + "/.local", home + "/.local/share", home + "/.local/share/jupyter"):
        os.chown(root + folder, uid, uid)
    copy_folder(caller, cwd, root + workdir, uid, list(config["copy_exclude"]))
    connection_file = f"{runtime}/{name}"
    payload = {k: v for k, v in connection.items() if not k.startswith("_postparis")}
    fd = os.open(
        root + connection_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o400
    )
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(payload, handle)
    os.chown(root + connection_file, uid, uid)

    dev = root + "/dev"
    os.mkdir(dev)
    mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,nr_inodes=64,mode=0755")
    for node in DEVICES:
        if os.path.exists("/dev/" + node):
            bind("/dev/" + node, f"{dev}/{node}", readonly=False)
    for link, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):  # fmt: skip
        os.symlink(target, f"{dev}/{link}")
    os.mkdir(dev + "/shm")
    shm = f"size={int(config['shm_bytes'])},nr_inodes=4096,mode=1777"
    mount("tmpfs", dev + "/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, shm)
    set_mount_attrs(dev, MOUNT_ATTR_RDONLY, recursive=False)
    os.mkdir(root + "/proc")
    mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2")

    for real, inside in exposed:
        bind(real, root + inside)
    ipc_dir = connection.get("_postparis_ipc_dir")
    if ipc_dir:
        bind(ipc_dir, root + ipc_dir, readonly=False)
        mount(None, root + ipc_dir, None, MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NODEV | MS_NOEXEC)
    # Whatever an exposed folder might still hold of the course stays masked.
    hidden = list(config["hide_paths"])
    if config["hide_course"]:
        course = find_course_root(cwd)
        if course:
            hidden.append(course)
    hidden += [os.path.join(inside, ".git") for _, inside in exposed]
    for path in hidden:
        # A folder that holds an exposed one is only the way to it (skeleton folders).
        if os.path.isdir(root + path) and not any(_inside(i, path) for _, i in exposed):
            hide(root + path)
    set_mount_attrs(root, MOUNT_ATTR_RDONLY, recursive=False)
    pivot_into(root)
    return Layout(home, workdir, connection_file)


# -- inputs ---------------------------------------------------------------------------------
def parse_connection(raw: bytes, path: str) -> dict[str, Any]:
    """Return the connection info, checked to be the shape jupyter_client writes.

    Raises
    ------
    SandboxError
        If the file is not a JSON object with a transport, an address and integer ports.
    """
    try:
        info = json.loads(raw)
    except ValueError:
        raise SandboxError(f"{path} is not a JSON connection file") from None
    ports = ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")
    if (
        not isinstance(info, dict)
        or info.get("transport") not in ("tcp", "ipc")
        or not isinstance(info.get("ip"), str)
        or not all(isinstance(info.get(port), int) for port in ports)
    ):
        raise SandboxError(f"{path} is not a Jupyter connection file")
    return info


def ipc_base(config: dict[str, Any]) -> str:
    """Return the folder of the per-kernel socket folders (the IPC transport)."""
    return config["state_dir"].rstrip("/") + "-ipc"


def prepare_ipc(
    config: dict[str, Any], caller: Caller, uid: int, info: dict[str, Any], parent: int
) -> str:
    """Route an IPC-transport kernel's sockets through a folder both sides can reach.

    The kernel binds ``<sockets>/k-<port>`` (a per-kernel folder owned by the sandbox
    uid, group of the caller); symbolic links at the paths the client expects, made with
    the caller's rights, point there. Returns the per-kernel folder.
    """
    base = ipc_base(config)
    os.makedirs(base, mode=0o711, exist_ok=True)
    os.chmod(base, 0o711)
    folder = os.path.join(base, str(uid))
    shutil.rmtree(folder, ignore_errors=True)
    os.mkdir(folder, 0o700)
    os.chown(folder, uid, caller.gid)
    os.chmod(folder, 0o2770)
    original = info["ip"]
    if not os.path.isabs(original):  # jupyter_client's default: relative to the client's cwd
        original = os.path.join(os.readlink(f"/proc/{parent}/cwd"), original)
    ports = [
        info[key] for key in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")
    ]

    def link() -> bytes:
        for port in ports:
            target = f"{original}-{port}"
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
            os.symlink(f"{folder}/k-{port}", target)
        return b""

    try:
        run_as(caller, link)
    except SandboxError as error:
        raise SandboxError(
            f"cannot link the kernel's sockets for uid {caller.uid}: {error}"
        ) from None
    info["ip"] = f"{folder}/k"
    info["_postparis_ipc_dir"] = folder
    return folder


def kernel_environment(
    config: dict[str, Any], environ: dict[str, str], layout: Layout
) -> dict[str, str]:
    """Return the kernel's environment: a fixed base, chosen settings, a few passed through."""
    kernel_bin = os.path.dirname(config["kernel_argv"][0])
    path = (
        SAFE_PATH if not os.path.isabs(kernel_bin) else f"{kernel_bin}:/usr/local/bin:{SAFE_PATH}"
    )
    env = {
        "PATH": path,
        "HOME": layout.home,
        "TMPDIR": "/tmp",
        "USER": "sandbox",
        "LOGNAME": "sandbox",
        "SHELL": "/bin/sh",
        "LANG": "C.UTF-8",
        "JUPYTER_RUNTIME_DIR": os.path.dirname(layout.connection_file),
    }
    env.update({k: str(v) for k, v in config["env"].items()})
    for name in config["pass_env"]:
        if name in environ:
            env[name] = environ[name]
    return env


def apply_limits(config: dict[str, Any]) -> None:
    """Set the resource limits the kernel and all its children inherit (soft = hard)."""
    limits = (
        (resource.RLIMIT_CPU, config["cpu_seconds"]),
        (resource.RLIMIT_AS, config["memory_bytes"]),
        (resource.RLIMIT_NPROC, config["processes"]),
        (resource.RLIMIT_FSIZE, config["file_size_bytes"]),
        (resource.RLIMIT_NOFILE, config["open_files"]),
        (resource.RLIMIT_CORE, 0),
    )
    for which, value in limits:
        if value is not None:
            resource.setrlimit(which, (int(value), int(value)))


def detach_terminals() -> None:
    """Replace a terminal on stdin/stdout/stderr by ``/dev/null`` (no TIOCSTI games)."""
    null = None
    for fd in (0, 1, 2):
        try:
            is_tty = os.isatty(fd)
        except OSError:
            is_tty = False
        if is_tty:
            if null is None:
                null = os.open(os.devnull, os.O_RDWR)
            os.dup2(null, fd)
    if null is not None:
        os.close(null)


def launch(argv: list[str], config_path: str) -> None:
    """Set up the sandbox and exec the kernel (returns only by raising)."""
    if not argv or argv[0] in ("-h", "--help"):
        raise SandboxError("usage: launch CONNECTION_FILE [KERNEL ARGUMENTS...]")
    connection_path, extra = argv[0], argv[1:]
    if not os.path.isabs(connection_path):
        raise SandboxError(f"the connection file must be an absolute path, not {connection_path!r}")
    config = load_config(config_path)
    parent = os.getppid()
    if parent <= 1:
        raise SandboxError("started without a parent process to serve")
    environ = dict(os.environ)
    caller = find_caller(environ, parent_is_sudo(parent))
    setpriv = _tool("setpriv", "util-linux")
    cwd = os.getcwd()
    info = parse_connection(read_as(caller, connection_path), connection_path)
    if info["transport"] != "ipc":
        raise SandboxError(
            "a sandboxed kernel talks over Unix sockets only (no TCP port another kernel "
            "could reach): set c.KernelManager.transport = 'ipc' "
            "(`postparis-instructor sandbox enable` does)"
        )
    state_dir = config["state_dir"]
    os.makedirs(os.path.join(state_dir, "root"), mode=0o700, exist_ok=True)
    os.chmod(state_dir, 0o700)
    check_root_owned(state_dir)
    lease = allocate_uid(
        int(config["uid_first"]), int(config["uid_count"]), os.path.join(state_dir, "uids")
    )
    cleanup = []
    cleanup.append(prepare_ipc(config, caller, lease.uid, info, parent))
    start_watcher(lease, os.getpid(), parent, cleanup)
    lease.release()  # the watcher holds the lock from now on
    name = os.path.basename(connection_path)
    if not name.strip(".") or not all(ch.isalnum() or ch in "._-" for ch in name):
        name = "kernel.json"
    layout = build_sandbox(config, caller, lease.uid, cwd, info, name)
    kernel_argv = [
        part.replace("{connection_file}", layout.connection_file) for part in config["kernel_argv"]
    ]
    env = kernel_environment(config, environ, layout)
    os.chdir(layout.workdir)
    os.umask(0o007)  # the caller's group reaches the kernel's sockets
    apply_limits(config)
    detach_terminals()
    uid = str(lease.uid)
    command = [
        setpriv,
        f"--reuid={uid}",
        f"--regid={uid}",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--no-new-privs",
        "--",
        *kernel_argv,
        *extra,
    ]
    os.execve(setpriv, command, env)


def main(argv: list[str] | None = None) -> int:
    """Run the launcher; return an exit status only on failure."""
    config_path = os.path.join(os.path.dirname(os.path.realpath(__file__)), CONFIG_NAME)
    try:
        launch(list(sys.argv[1:] if argv is None else argv), config_path)
    except (SandboxError, OSError) as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 1
    return 1


if __name__ == "__main__":
    sys.exit(main())
