"""A ``keyring`` backend on the Linux kernel key retention service (keyrings(7)).

Used when no Secret Service can be reached, as in a plain SSH login on a headless PBX
host (no D-Bus session, no ``XDG_RUNTIME_DIR``). Nothing to install, no daemon: keys live
in kernel memory, per user, and are gone at reboot.

Which keyring: the session keyring (``@s``) is revoked at logout by ``pam_keyinit``
(``force revoke`` in Debian's ``/etc/pam.d/sshd``), so it cannot carry a password to the
next login. The user keyring (``@u``) lives as long as the kernel keeps the user's record,
which older kernels drop when the user's last process exits. The *persistent* keyring
(persistent-keyring(7), ``keyctl_get_persistent``) is made for this: one per user, it
outlives logins and expires ``/proc/sys/kernel/keys/persistent_keyring_expiry`` seconds
(3 days by default) after it was last asked for; every use renews it. Each key also gets
that timeout (``KEYCTL_SET_TIMEOUT``), renewed when it is read. So the admin types the
password once per boot or after that many days unused, like ``sudo``. When a kernel has
no persistent keyrings, the user keyring is used instead.

Keys are ``user`` keys named ``<service>:<username>`` linked in that keyring; only
processes of the same user that ask for the keyring (and root) can read them.

No compiler and no package: the three system calls (``add_key``, ``keyctl``) are made
through ``ctypes`` with the C library's ``syscall``. The secret is passed in memory only,
never as an argument of a program, in a file or a log.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import sys
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, PasswordDeleteError

# System call numbers (add_key, keyctl) per machine, from the kernel's syscall tables.
_SYSCALLS: dict[str, tuple[int, int]] = {
    "x86_64": (248, 250),
    "amd64": (248, 250),
    "aarch64": (217, 219),
    "arm64": (217, 219),
    "riscv64": (217, 219),
    "i386": (286, 288),
    "i686": (286, 288),
    "armv7l": (309, 311),
    "ppc64le": (269, 271),
    "s390x": (278, 280),
}

KEY_SPEC_PROCESS_KEYRING = -2
KEY_SPEC_USER_KEYRING = -4
KEYCTL_GET_KEYRING_ID = 0
KEYCTL_UNLINK = 9
KEYCTL_SEARCH = 10
KEYCTL_READ = 11
KEYCTL_SET_TIMEOUT = 15
KEYCTL_INVALIDATE = 21
KEYCTL_GET_PERSISTENT = 22

EXPIRY_FILE = Path("/proc/sys/kernel/keys/persistent_keyring_expiry")
DEFAULT_EXPIRY = 3 * 24 * 3600


class KernelKeyError(KeyringError):
    """A kernel keyring call failed; the text names the call and errno, never data."""


class _Calls:
    """The raw system calls through libc's ``syscall``."""

    def __init__(self) -> None:
        machine = platform.machine().lower()
        if not sys.platform.startswith("linux") or machine not in _SYSCALLS:
            raise KernelKeyError(f"no kernel keyring on {sys.platform}/{machine}")
        self.add_key_nr, self.keyctl_nr = _SYSCALLS[machine]
        try:
            self._syscall = ctypes.CDLL(None, use_errno=True).syscall
        except (OSError, AttributeError) as exc:
            raise KernelKeyError(f"no C library syscall(): {type(exc).__name__}") from None
        self._syscall.restype = ctypes.c_long

    def _check(self, result: int, what: str) -> int:
        if result < 0:
            code = ctypes.get_errno()
            raise OSError(code, f"{what}: {errno.errorcode.get(code, code)}")
        return result

    def keyctl(self, what: str, *args: object) -> int:
        cmd = {
            "get_keyring_id": KEYCTL_GET_KEYRING_ID,
            "unlink": KEYCTL_UNLINK,
            "search": KEYCTL_SEARCH,
            "read": KEYCTL_READ,
            "set_timeout": KEYCTL_SET_TIMEOUT,
            "invalidate": KEYCTL_INVALIDATE,
            "get_persistent": KEYCTL_GET_PERSISTENT,
        }[what]
        c_args = [ctypes.c_long(a) if isinstance(a, int) else a for a in args]
        return self._check(
            self._syscall(ctypes.c_long(self.keyctl_nr), ctypes.c_long(cmd), *c_args),
            f"keyctl({what})",
        )

    def add_key(self, description: bytes, payload: bytes, ring: int) -> int:
        return self._check(
            self._syscall(
                ctypes.c_long(self.add_key_nr),
                ctypes.c_char_p(b"user"),
                ctypes.c_char_p(description),
                ctypes.c_char_p(payload),
                ctypes.c_size_t(len(payload)),
                ctypes.c_long(ring),
            ),
            "add_key",
        )


def expiry_seconds() -> int:
    """The kernel's persistent keyring expiry (seconds; 3 days when unreadable)."""
    try:
        value = int(EXPIRY_FILE.read_text().strip())
    except (OSError, ValueError):
        return DEFAULT_EXPIRY
    return value if value > 0 else DEFAULT_EXPIRY


def _duration(seconds: int) -> str:
    if seconds % 86400 == 0:
        days = seconds // 86400
        return f"{days} day{'s' if days != 1 else ''}"
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = max(1, seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


class KernelKeyring(KeyringBackend):
    """Passwords in the calling user's persistent kernel keyring, with a timeout.

    ``timeout`` (seconds) is how long a key lives unused (default: the kernel's persistent
    keyring expiry). Errors carry the call and errno only.
    """

    #: Below a Secret Service (5) so keyring's own discovery prefers it when it runs.
    priority = 1

    def __init__(self, timeout: int | None = None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.timeout = timeout if timeout is not None else expiry_seconds()
        self._calls: _Calls | None = None
        self.persistent = True

    @property
    def where(self) -> str:
        """Where the password is kept and for how long, for one line of text."""
        ring = "kernel keyring" if self.persistent else "kernel user keyring"
        return f"the {ring} until reboot or {_duration(self.timeout)} unused"

    def _ring(self) -> tuple[_Calls, int]:
        calls = self._calls or _Calls()
        self._calls = calls
        try:
            # Linked into this process's own keyring (gone when the process ends), which
            # makes it "possessed" and so readable by this process.
            ring = calls.keyctl("get_persistent", -1, KEY_SPEC_PROCESS_KEYRING)
            self.persistent = True
        except OSError as exc:
            if exc.errno not in (errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
                raise KernelKeyError(str(exc.strerror)) from None
            try:
                ring = calls.keyctl("get_keyring_id", KEY_SPEC_USER_KEYRING, 1)
            except OSError as again:
                raise KernelKeyError(str(again.strerror)) from None
            self.persistent = False
        return calls, ring

    def _name(self, service: str, username: str) -> bytes:
        return f"{service}:{username}".encode()

    def _find(self, service: str, username: str) -> tuple[_Calls, int, int | None]:
        calls, ring = self._ring()
        try:
            key = calls.keyctl(
                "search",
                ring,
                ctypes.c_char_p(b"user"),
                ctypes.c_char_p(self._name(service, username)),
                0,
            )
        except OSError as exc:
            if exc.errno in (errno.ENOKEY, errno.EKEYEXPIRED, errno.EKEYREVOKED):
                return calls, ring, None
            raise KernelKeyError(str(exc.strerror)) from None
        return calls, ring, key

    def get_password(self, service: str, username: str) -> str | None:
        calls, _ring, key = self._find(service, username)
        if key is None:
            return None
        size = 256
        while True:
            buf = ctypes.create_string_buffer(size)
            try:
                got = calls.keyctl("read", key, buf, size)
            except OSError as exc:
                if exc.errno in (errno.ENOKEY, errno.EKEYEXPIRED, errno.EKEYREVOKED):
                    return None
                raise KernelKeyError(str(exc.strerror)) from None
            if got <= size:
                value = buf.raw[:got].decode("utf-8", "surrogateescape")
                ctypes.memset(buf, 0, size)
                break
            ctypes.memset(buf, 0, size)
            size = got
        self._renew(calls, key)
        return value

    def set_password(self, service: str, username: str, password: str) -> None:
        calls, ring = self._ring()
        payload = password.encode("utf-8", "surrogateescape")
        try:
            key = calls.add_key(self._name(service, username), payload, ring)
        except OSError as exc:
            raise KernelKeyError(str(exc.strerror)) from None
        self._renew(calls, key)

    def delete_password(self, service: str, username: str) -> None:
        calls, ring, key = self._find(service, username)
        if key is None:
            raise PasswordDeleteError("no such password")
        try:
            calls.keyctl("invalidate", key)
        except OSError:
            try:
                calls.keyctl("unlink", key, ring)
            except OSError as exc:
                raise KernelKeyError(str(exc.strerror)) from None

    def _renew(self, calls: _Calls, key: int) -> None:
        try:
            calls.keyctl("set_timeout", key, self.timeout)
        except OSError as exc:
            raise KernelKeyError(str(exc.strerror)) from None


def unusable(backend: KernelKeyring | None = None) -> str | None:
    """``None`` when the kernel keyring works here, else why not (e.g. ``add_key: EPERM``).

    A container's seccomp profile commonly refuses these calls.
    """
    try:
        (backend or KernelKeyring()).get_password("trunkwiz", "trunkwiz:check")
    except KeyringError as exc:
        return str(exc)
    return None
