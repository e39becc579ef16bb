"""Find code that could forge a result: it reaches into the machinery that grades it.

nbgrader grades a test cell by running it in the student's kernel, after the student's
own cells. Student code can therefore change what a test sees: an IPython input
transformer that wraps every later cell in ``try``/``except``, a hook that publishes a
fake result before each cell, a replaced ``importlib.reload`` or check helper, an entry
in ``sys.modules``, a patched builtin, an object equal to everything. No text search
finds these reliably (``ｇｅｔ＿ｉｐｙｔｈｏｎ`` in fullwidth letters *is*
``get_ipython`` to Python), so :func:`analyse_cell` reads each cell the way the kernel
does: IPython's own input transformation, then Python's parser, which normalises
identifiers (NFKC). It reports every use of a door to the machinery:

- IPython and the kernel: ``get_ipython``, hooks, transformers, ``user_ns``, magics
  other than a few harmless ones, shell commands;
- the import system and the interpreter: ``sys``, ``builtins``, ``importlib``,
  ``__import__``, ``sys.modules``, ``ctypes``, ``gc``, ``inspect``, frames, code objects;
- dynamic code and names: ``exec``, ``eval``, ``compile``, ``getattr``/``setattr``,
  ``globals()``, ``vars()``;
- the checks: importing ``postparis.checks`` or nbgrader, ``unittest.mock``;
- comparison itself: a class defining ``__eq__``, ``__bool__``, ``__float__`` and the
  like, a metaclass, ``type(name, bases, namespace)``;
- rebinding a builtin (``isinstance = ...``) or a name the notebook imports
  (``expect = ...``, ``pd = ...``), or assigning an attribute of an imported module;
- identifiers that are not plain ASCII (confusables such as Cyrillic letters, or the
  fullwidth spelling above).

A finding does not prove cheating; it means the automatic score cannot be trusted, so
the grader withholds it until the instructor has looked (see
:mod:`postparis_instructor.safety.nbgrader_hooks`).
"""

from __future__ import annotations

import ast
import builtins
import io
import tokenize
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Finding", "analyse_cell", "analyse_cells", "imported_names", "to_python"]

#: Names whose use reaches the kernel, the interpreter or dynamic code.
SUSPICIOUS_NAMES = frozenset(
    {
        "get_ipython", "__builtins__", "__import__", "__loader__", "__spec__",
        "exec", "eval", "compile", "globals", "locals", "vars", "getattr", "setattr",
        "delattr", "breakpoint", "__build_class__", "_ih", "_oh", "In", "Out", "_ii",
        "_iii", "display_pub", "__IPYTHON__",
    }
)  # fmt: skip
#: Attributes whose use does the same, whatever object they are read from.
SUSPICIOUS_ATTRIBUTES = frozenset(
    {
        "input_transformers", "input_transformers_cleanup", "input_transformers_post",
        "ast_transformers", "input_splitter", "events", "user_ns", "user_global_ns",
        "run_cell", "run_cell_async", "set_custom_exc", "showtraceback", "displayhook",
        "excepthook", "display_pub", "payload_manager", "kernel", "shell", "comm_manager",
        "register_magic_function", "register_magics", "modules", "meta_path",
        "path_hooks", "path_importer_cache", "settrace", "setprofile", "_getframe",
        "f_globals", "f_locals", "f_back", "f_builtins", "__code__", "__globals__",
        "__closure__", "__dict__", "__class__", "__bases__", "__mro__",
        "__subclasses__", "__getattribute__", "__setattr__", "__builtins__",
        "__eq__", "__ne__", "__hash__", "__bool__", "reload", "invalidate_caches",
    }
)  # fmt: skip
#: Modules (and their submodules) that reach the machinery.
SUSPICIOUS_MODULES = frozenset(
    {
        "IPython", "ipykernel", "jupyter_client", "traitlets", "builtins", "importlib",
        "sys", "ctypes", "gc", "inspect", "unittest", "mock", "nbgrader", "nbformat",
        "nbclient", "postparis.checks", "atexit", "code", "codeop", "marshal", "types",
        "runpy", "pkgutil", "zipimport", "site", "threading", "signal", "faulthandler",
    }
)  # fmt: skip
#: Special methods a class may define without changing comparison or conversion.
HARMLESS_DUNDERS = frozenset({"__init__", "__repr__", "__str__", "__post_init__", "__doc__"})
#: Line magics that change nothing a test relies on.
HARMLESS_MAGICS = frozenset({"matplotlib", "time", "timeit", "pinfo", "pinfo2", "who", "whos"})
_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))


@dataclass(frozen=True)
class Finding:
    """One reason a cell's results cannot be trusted."""

    cell: int  # the cell's index in the notebook (0-based)
    line: int
    what: str

    def text(self) -> str:
        """Return ``"cell 5, line 2: uses get_ipython"``."""
        return f"cell {self.cell + 1}, line {self.line}: {self.what}"


def to_python(source: str) -> str:
    """Return a cell's source as the kernel runs it (magics and ``!`` commands as calls)."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # IPython gives up on some broken input: read it as it is
        return source


#: Submodules of suspicious modules that only show things (their outputs are sanitized).
HARMLESS_MODULES = frozenset({"IPython.display", "IPython.core.display"})


def _module_suspicious(name: str) -> bool:
    if any(name == m or name.startswith(m + ".") for m in HARMLESS_MODULES):
        return False
    return any(name == m or name.startswith(m + ".") for m in SUSPICIOUS_MODULES)


def imported_names(trees: Iterable[ast.AST]) -> set[str]:
    """Return every name an ``import`` statement binds in ``trees``."""
    names: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {(a.asname or a.name).split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                names |= {a.asname or a.name for a in node.names if a.name != "*"}
    return names


def parse(source: str) -> ast.AST | None:
    """Return the syntax tree of a cell as the kernel would run it, or None."""
    try:
        return ast.parse(to_python(source))
    except (SyntaxError, ValueError):  # it will not run either
        return None


class _Visitor(ast.NodeVisitor):
    def __init__(self, protected: set[str]) -> None:
        self.protected = protected
        self.found: list[tuple[int, str]] = []

    def add(self, node: ast.AST, what: str) -> None:
        self.found.append((getattr(node, "lineno", 1), what))

    def _binds(self, node: ast.AST, name: str) -> None:
        if name in _BUILTINS:
            self.add(node, f"rebinds the builtin {name!r}")
        elif name in self.protected:
            self.add(node, f"rebinds {name!r}, which the notebook imports")

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in SUSPICIOUS_NAMES:
            self.add(node, f"uses {node.id}")
        if isinstance(node.ctx, ast.Store | ast.Del):
            self._binds(node, node.id)
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in SUSPICIOUS_ATTRIBUTES:
            self.add(node, f"uses .{node.attr}")
        if isinstance(node.ctx, ast.Store | ast.Del):
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in self.protected:
                self.add(node, f"changes {root.id}.{node.attr} of an imported module")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        function = node.func
        if isinstance(function, ast.Attribute) and function.attr in {
            "run_line_magic",
            "run_cell_magic",
            "system",
            "getoutput",
        }:
            first = node.args[0] if node.args else None
            magic = first.value if isinstance(first, ast.Constant) else None
            if function.attr == "run_line_magic" and magic in HARMLESS_MAGICS:
                return  # do not report the get_ipython() of a harmless magic
            self.add(node, f"runs IPython's {function.attr} {magic or ''!s}".rstrip())
        if isinstance(function, ast.Name) and function.id == "type" and len(node.args) == 3:
            self.add(node, "builds a class with type(name, bases, namespace)")
        self.generic_visit(node)

    def _import(self, node: ast.Import | ast.ImportFrom, modules: list[str]) -> None:
        for module in modules:
            if _module_suspicious(module):
                self.add(node, f"imports {module}")
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            if bound in _BUILTINS:
                self.add(node, f"rebinds the builtin {bound!r} by an import")

    def visit_Import(self, node: ast.Import) -> None:
        self._import(node, [a.name for a in node.names])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = "." * node.level + (node.module or "")
        self._import(node, [base, *(f"{base}.{a.name}" for a in node.names)])

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if any(k.arg == "metaclass" for k in node.keywords):
            self.add(node, f"class {node.name} has a metaclass")
        for item in node.body:
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                name = item.name
                if name.startswith("__") and name.endswith("__") and name not in HARMLESS_DUNDERS:
                    self.add(item, f"class {node.name} defines {name}")
            elif isinstance(item, ast.Assign):
                for target in item.targets:
                    name = target.id if isinstance(target, ast.Name) else ""
                    if name.startswith("__") and name not in {*HARMLESS_DUNDERS, "__slots__"}:
                        self.add(item, f"class {node.name} sets {name}")
        self._binds(node, node.name)
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._binds(node, node.name)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815 - ast.NodeVisitor's naming


def _non_ascii_identifiers(code: str) -> list[tuple[int, str]]:
    found = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type == tokenize.NAME and not token.string.isascii():
                normal = unicodedata.normalize("NFKC", token.string)
                shown = token.string.encode("ascii", "backslashreplace").decode()
                what = f"non-ASCII identifier {shown}"
                if normal != token.string:
                    what += f" (Python reads it as {normal!r})"
                found.append((token.start[0], what))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return found


def analyse_cell(index: int, source: str, protected: set[str]) -> list[Finding]:
    """Return the findings of one code cell (``protected``: names it must not rebind)."""
    code = to_python(source)
    found = _non_ascii_identifiers(code)
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        tree = None
    if tree is not None:
        visitor = _Visitor(protected)
        visitor.visit(tree)
        found += visitor.found
    unique = dict.fromkeys(found)
    return [Finding(index, line, what) for line, what in unique]


def analyse_cells(
    cells: Iterable[tuple[int, str]], trusted_sources: Iterable[str] = ()
) -> list[Finding]:
    """Return the findings of the student's code cells.

    Parameters
    ----------
    cells
        ``(index, source)`` of every code cell the student could have written.
    trusted_sources
        Sources of the instructor's own cells (tests, set-up): the names they import
        are the ones a student must not rebind.
    """
    cells = list(cells)
    trees = [t for t in (parse(s) for s in trusted_sources) if t is not None]
    protected = imported_names(trees)
    findings: list[Finding] = []
    for index, source in cells:
        findings += analyse_cell(index, source, protected)
    return findings
