"""No student-authored active content in a notebook that someone will open in a browser.

A submission is HTML written by someone else and shown with the instructor's rights:
nbgrader's formgrader renders it on the same origin as the Jupyter API, and the
feedback file is opened by the student. :func:`sanitize_notebook` rewrites a notebook
so that nothing in it can run script in a browser:

- HTML outputs pass through `nh3 <https://nh3.readthedocs.io>`_ (the Rust sanitizer
  *ammonia*): no ``<script>``, ``<style>``, ``<iframe>``, ``<form>``, ``<svg>``,
  ``<object>``, event handler, ``style`` attribute or ``javascript:`` URL survives;
  images may use ``data:image/...`` URLs (the course's figures do);
- outputs of any other kind than text, HTML, Markdown, LaTeX and PNG/JPEG/GIF images
  (JavaScript, SVG, widget views, anything unknown) are removed, and a line says so;
- Markdown (cells and outputs) is kept as it is when it holds nothing active; if it
  holds HTML that nh3 would change, or a ``javascript:``-like URL (also written with
  entities or spaces), it is shown as plain text in a code block, with a note. Cell
  attachments other than PNG, JPEG or GIF images are dropped;
- raw cells are sanitized like HTML; widget state in the notebook's metadata is dropped;
- outputs are capped in bytes (:class:`Limits`): each text output, each cell's outputs,
  all the outputs of the notebook, each cell's attachments, each Markdown cell.

Everything is applied to the notebook before it is stored for grading, again after it
runs, and to the notebook the feedback is made from. :func:`sanitize_notebook` returns
one line per change, for the log.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
from dataclasses import dataclass
from typing import Any

import nh3

__all__ = [
    "Limits",
    "clean_html",
    "has_dangerous_url",
    "markdown_is_safe",
    "safe_markdown",
    "sanitize_notebook",
]

# -- HTML -------------------------------------------------------------------------------------
#: Tags kept in HTML outputs: nh3's default allow-list (text, tables, lists, images,
#: links, details), which has no script, style, frame, form, object, SVG or MathML.
HTML_TAGS: frozenset[str] = frozenset(nh3.ALLOWED_TAGS)
#: Attributes kept: nh3's defaults plus what tables and figures need.
HTML_ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "img": {"src", "alt", "width", "height", "title"},
    "table": {"class", "border"},
    "tr": {"class"},
    "th": {"colspan", "rowspan", "align", "class"},
    "td": {"colspan", "rowspan", "align", "class"},
    "*": {"title", "lang", "dir"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "attachment", "data"})
#: ``data:`` URLs are kept only for images in ``<img src>`` (an image cannot run script).
_DATA_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp)[;,]", re.IGNORECASE)


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    if value.strip().lower().startswith("data:") and not (
        element == "img" and attribute == "src" and _DATA_IMAGE.match(value.strip())
    ):
        return None
    return value


def clean_html(text: str) -> str:
    """Return ``text`` (an HTML fragment) with everything active removed.

    Examples
    --------
    >>> clean_html('<b onclick="steal()">bold</b><script>steal()</script>')
    '<b>bold</b>'
    >>> clean_html('<a href="javascript:steal()">link</a>')
    '<a rel="noopener noreferrer">link</a>'
    """
    return nh3.clean(
        text,
        tags=set(HTML_TAGS),
        attributes=HTML_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        attribute_filter=_attribute_filter,
        link_rel="noopener noreferrer",
    )


# -- Markdown -----------------------------------------------------------------------------------
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]+")
#: URL schemes that run script or show HTML when followed (after entities are decoded and
#: spaces and control characters removed, as browsers and Markdown renderers do).
_DANGEROUS_SCHEMES = (
    "javascript:",
    "vbscript:",
    "livescript:",
    "data:text",
    "data:application",
    "data:image/svg",
)


def has_dangerous_url(text: str) -> bool:
    """Return True if ``text`` holds something a browser could follow as a script URL.

    The check decodes HTML entities (twice, as nested rendering might) and ignores
    spaces, control and zero-width characters and case, so ``JaVa&#09;Script:`` counts.
    """
    decoded = html.unescape(html.unescape(text))
    squashed = _INVISIBLE.sub("", decoded).lower()
    return any(scheme in squashed for scheme in _DANGEROUS_SCHEMES)


def _squash(text: str) -> str:
    return re.sub(r"[\s/]+", "", html.unescape(text))


def markdown_is_safe(text: str) -> bool:
    """Return True if Markdown ``text`` has no raw HTML nh3 would change and no script URL."""
    if has_dangerous_url(text):
        return False
    return _squash(clean_html(text)) == _squash(text)


_SHOWN_AS_TEXT = "*[Shown as plain text: it held HTML or a link that could run code in a browser.]*"
_TEXT_BLOCK = re.compile(re.escape(_SHOWN_AS_TEXT) + r"\n\n(~{3,}) text\n(.*)\n\1\n", re.DOTALL)


def _as_text_block(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"~+", text)), default=0)
    fence = "~" * max(3, longest + 1)
    return f"{_SHOWN_AS_TEXT}\n\n{fence} text\n{text}\n{fence}\n"


def _is_text_block(text: str) -> bool:
    """Return True if ``text`` is exactly what :func:`_as_text_block` makes (no more)."""
    match = _TEXT_BLOCK.fullmatch(text)
    if not match:
        return False
    longest = max((len(run) for run in re.findall(r"~+", match.group(2))), default=0)
    return longest < len(match.group(1))


def safe_markdown(text: str) -> str:
    """Return ``text`` unchanged if :func:`markdown_is_safe`, else shown as a code block."""
    if _is_text_block(text) or markdown_is_safe(text):
        return text
    return _as_text_block(text)


# -- limits -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Limits:
    """Byte limits on what a notebook may carry (UTF-8 text, decoded image bytes)."""

    #: One text output (a stream, a traceback, a text/HTML representation).
    text_output: int = 100_000
    #: All the outputs of one cell, images included.
    cell_outputs: int = 5_000_000
    #: All the outputs of the notebook.
    notebook_outputs: int = 20_000_000
    #: All the attachments of one Markdown cell.
    cell_attachments: int = 2_000_000
    #: The source of one Markdown or raw cell.
    markdown_source: int = 200_000


_TEXT_MIME = ("text/plain", "text/html", "text/markdown", "text/latex")
_IMAGE_MIME = ("image/png", "image/jpeg", "image/gif")
_ATTACHMENT_MIME = frozenset(_IMAGE_MIME)


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _size(text: str) -> int:
    return len(text.encode("utf-8", errors="replace"))


def _cut(text: str, limit: int) -> tuple[str, bool]:
    """Return ``text`` cut to at most ``limit`` UTF-8 bytes (with a note), and whether it was."""
    data = text.encode("utf-8", errors="replace")
    if len(data) <= limit:
        return text, False
    note = f"\n... [output cut: {len(data):,} bytes, the limit is {limit:,}]\n"
    kept = data[: max(0, limit - len(note))].decode("utf-8", errors="ignore")
    return kept + note, True


def _image_bytes(value: Any) -> int:
    try:
        return len(base64.b64decode(_text(value), validate=False))
    except (binascii.Error, ValueError):
        return _size(_text(value))


def _note(text: str) -> dict[str, Any]:
    return {"output_type": "stream", "name": "stdout", "text": f"[{text}]\n"}


#: What makes an HTML output worth a line in the log (nh3 removes more, e.g. styles).
_ACTIVE_HTML = re.compile(
    r"<\s*/?\s*(script|iframe|frame|object|embed|form|svg|math|link|meta|base)\b|\son[a-z]+\s*=|"
    r"javascript:",
    re.IGNORECASE,
)


def _clean_data(data: dict[str, Any], report: list[str], where: str) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for mime, value in data.items():
        if mime == "text/html":
            cleaned = clean_html(_text(value))
            if _ACTIVE_HTML.search(_text(value)):
                report.append(f"{where}: active HTML removed from an output")
            kept[mime] = cleaned
        elif mime == "text/markdown":
            kept[mime] = safe_markdown(_text(value))
            if kept[mime] != _text(value):
                report.append(f"{where}: Markdown output shown as text")
        elif mime == "text/latex":
            if has_dangerous_url(_text(value)):
                report.append(f"{where}: LaTeX output with a script URL shown as text")
                kept.setdefault("text/plain", _text(value))
            else:
                kept[mime] = _text(value)
        elif mime in _TEXT_MIME or mime in _IMAGE_MIME:
            kept[mime] = value
        else:
            report.append(f"{where}: {mime} output removed")
    return kept


def _clean_output(output: dict[str, Any], report: list[str], where: str) -> dict[str, Any] | None:
    """Return a safe copy of one output, or None if nothing of it may be shown."""
    kind = output.get("output_type")
    if kind == "stream":
        return {
            "output_type": "stream",
            "name": output.get("name", "stdout"),
            "text": _text(output.get("text", "")),
        }
    if kind == "error":
        return {
            "output_type": "error",
            "ename": str(output.get("ename", "Error")),
            "evalue": str(output.get("evalue", "")),
            "traceback": [str(line) for line in output.get("traceback", [])],
        }
    if kind in ("display_data", "execute_result"):
        data = _clean_data(dict(output.get("data", {})), report, where)
        if not data:
            return _note("output removed: it could run code in a browser")
        cleaned: dict[str, Any] = {"output_type": kind, "data": data, "metadata": {}}
        if kind == "execute_result":
            cleaned["execution_count"] = output.get("execution_count")
        return cleaned
    report.append(f"{where}: unknown output type removed")
    return None


def _limit_output(output: dict[str, Any], limits: Limits, report: list[str], where: str) -> int:
    """Cut the texts of ``output`` to the per-output limit; return its size in bytes."""
    total = 0
    cut = False
    if output["output_type"] == "stream":
        output["text"], cut = _cut(output["text"], limits.text_output)
        total = _size(output["text"])
    elif output["output_type"] == "error":
        budget = limits.text_output
        output["evalue"], cut_value = _cut(output["evalue"], budget // 4)
        lines, used = [], 0
        for line in output["traceback"]:
            used += _size(line)
            if used > budget:
                lines.append("... [traceback cut]")
                cut = True
                break
            lines.append(line)
        output["traceback"] = lines
        cut = cut or cut_value
        total = used + _size(output["evalue"])
    else:
        for mime, value in list(output["data"].items()):
            if mime in _IMAGE_MIME:
                total += _image_bytes(value)
            else:
                text, was_cut = _cut(_text(value), limits.text_output)
                if was_cut and mime == "text/html":
                    text = clean_html(text)  # a cut can leave an open tag
                output["data"][mime] = text
                cut = cut or was_cut
                total += _size(text)
    if cut:
        report.append(f"{where}: output cut to {limits.text_output:,} bytes")
    return total


def _clean_attachments(cell: dict[str, Any], limits: Limits, report: list[str], where: str) -> None:
    attachments = cell.get("attachments")
    if not attachments:
        cell.pop("attachments", None)
        return
    kept: dict[str, Any] = {}
    used = 0
    for name, bundle in attachments.items():
        for mime, value in dict(bundle).items():
            size = _image_bytes(value)
            if mime not in _ATTACHMENT_MIME:
                report.append(f"{where}: attachment of type {mime} removed")
            elif used + size > limits.cell_attachments:
                report.append(f"{where}: attachment over {limits.cell_attachments:,} bytes removed")
            else:
                used += size
                kept.setdefault(str(name), {})[mime] = value
    if kept:
        cell["attachments"] = kept
    else:
        cell.pop("attachments", None)


def sanitize_notebook(nb: Any, limits: Limits | None = None) -> list[str]:
    """Make ``nb`` (an nbformat v4 notebook) safe to open in a browser, in place.

    Returns
    -------
    list of str
        What was changed, one line each (empty if nothing needed to be).
    """
    limits = limits or Limits()
    report: list[str] = []
    metadata = nb.get("metadata", {})
    metadata.pop("widgets", None)  # widget state: rendered by script, never needed to grade
    notebook_used = 0
    for index, cell in enumerate(nb.get("cells", [])):
        where = f"cell {index + 1}"
        kind = cell.get("cell_type")
        if kind in ("markdown", "raw"):
            source = _text(cell.get("source", ""))
            source, was_cut = _cut(source, limits.markdown_source)
            if was_cut:
                report.append(f"{where}: text cut to {limits.markdown_source:,} bytes")
            if kind == "markdown":
                safe = safe_markdown(source)
                if safe != source:
                    report.append(f"{where}: Markdown shown as text (it held active content)")
                cell["source"] = safe
                _clean_attachments(cell, limits, report, where)
            else:
                cleaned = clean_html(source)
                if _squash(cleaned) != _squash(source):
                    report.append(f"{where}: active HTML removed from a raw cell")
                cell["source"] = cleaned
                cell.pop("attachments", None)
        if kind != "code":
            continue
        outputs: list[dict[str, Any]] = []
        cell_used = 0
        for output in cell.get("outputs", []):
            kept = _clean_output(dict(output), report, where)
            if kept is None:
                continue
            size = _limit_output(kept, limits, report, where)
            if (
                cell_used + size > limits.cell_outputs
                or notebook_used + size > limits.notebook_outputs
            ):
                which = "cell" if cell_used + size > limits.cell_outputs else "notebook"
                limit = limits.cell_outputs if which == "cell" else limits.notebook_outputs
                report.append(f"{where}: output removed (over the {which}'s {limit:,} bytes)")
                if kept["output_type"] == "error":  # an error still counts: keep its name
                    kept["traceback"] = [f"{kept['ename']}: {kept['evalue'][:200]}"]
                    kept["evalue"] = kept["evalue"][:200]
                    outputs.append(kept)
                else:
                    note = _note(f"output removed: over the {which}'s limit of {limit:,} bytes")
                    if kept["output_type"] == "stream":
                        note["name"] = kept["name"]  # stderr still counts as an error
                    outputs.append(note)
                continue
            cell_used += size
            notebook_used += size
            outputs.append(kept)
        cell["outputs"] = [_as_node(o) for o in outputs]
    return report


def _as_node(output: dict[str, Any]) -> Any:
    from nbformat import from_dict

    return from_dict(output)
