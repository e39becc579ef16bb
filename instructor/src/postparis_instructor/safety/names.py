"""Names that reach a terminal or a table are shown with control characters escaped.

A file name, a student id or a cell id is chosen by the student. Printed raw, an escape
sequence in it can rewrite the instructor's terminal (move the cursor, hide lines,
retitle the window) and a right-to-left override can make a table lie.
"""

from __future__ import annotations

import unicodedata

__all__ = ["escape_name", "has_control_characters"]

#: Unicode categories that never belong in a name shown to a person: controls (C0, C1,
#: DEL), format characters (bidirectional overrides, zero-width joiners), separators
#: other than the space, surrogates, unassigned and private-use code points.
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _unsafe(char: str) -> bool:
    return unicodedata.category(char) in _UNSAFE_CATEGORIES


def has_control_characters(name: str) -> bool:
    """Return True if ``name`` holds a character :func:`escape_name` would escape."""
    return any(_unsafe(char) for char in name)


def escape_name(name: str, *, backslashes: bool = True) -> str:
    r"""Return ``name`` with every control or format character written as an escape.

    Printable text (any script) is kept; a backslash is doubled (unless
    ``backslashes`` is False, for text whose names are escaped already) so that the
    escaped form cannot be confused with an original one.

    Examples
    --------
    >>> escape_name("alice")
    'alice'
    >>> escape_name("x\x1b[2Jy")
    'x\\x1b[2Jy'
    >>> escape_name("evil\u202egnp.ipynb")
    'evil\\u202egnp.ipynb'
    """
    out = []
    for char in name:
        if char == "\\" and backslashes:
            out.append("\\\\")
        elif _unsafe(char):
            code = ord(char)
            out.append(
                f"\\x{code:02x}"
                if code < 0x100
                else f"\\u{code:04x}"
                if code < 0x10000
                else f"\\U{code:08x}"
            )
        else:
            out.append(char)
    return "".join(out)
