"""Text as a reader sees it: TeX (arXiv), HTML entities and tags (Hugging Face JSON), braces and
accents (BibTeX) become plain Unicode before anything is extracted, so evidence is a readable
sentence and a claim reads the same however it was typed.

TeX goes through pylatexenc's ``LatexNodes2Text``; HTML through the standard library's parser.
What arXiv abstracts write as plain text stays plain: a bare ``%`` is a percent sign, not a TeX
comment, ``~`` means "about", and a lone ``$`` is a dollar.

>>> plain_text(r"up to 2.1$\\times$ speedup over \\textsc{vLLM} and reduces memory by 35\\%")
'up to 2.1× speedup over vLLM and reduces memory by 35%'
>>> plain_text(r"$\\sim$3x faster than \\texttt{llama.cpp}, ~40% less energy, costs $2 per hour")
'~3x faster than llama.cpp, ~40% less energy, costs $2 per hour'
>>> plain_text("Caf{\\\\'e} uses <b>4.2&times;</b> less memory &amp; time")
'Café uses 4.2× less memory & time'
>>> plain_text("plain text stays as it is: 3x over A100 (80 GB)")
'plain text stays as it is: 3x over A100 (80 GB)'
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from html.parser import HTMLParser

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

_TEX_SIGN = re.compile(r"[\\{}$]")
_HTML_SIGN = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+\d*);|</?(?:a|b|i|u|em|strong|sup|sub|p|br|span|code|tt|div|small|big)\b[^<>]*>", re.I)
_INLINE_MATH = re.compile(r"(?<!\\)\$([^$]{1,80}?)(?<!\\)\$")
_LOOKS_LIKE_MATH = re.compile(r"[\\^_{}]|^\S+$")
_BARE_SIGN = re.compile(r"(?<!\\)([%&#])")  # a percent, an ampersand, a hash: signs, not TeX
_TILDE = "\ue000"  # stands in for a literal "~" while TeX reads the text
_DOLLAR = "\ue001"  # a "$" that opens no formula
_SPACES = re.compile(r"\s+")
_GLUED = re.compile(r"(?<=[×≈])(?=[^\W\d])")  # "6\\times higher": TeX takes the space after a command word


@lru_cache(maxsize=1)
def _converter() -> LatexNodes2Text:
    db = get_default_latex_context_db()
    keep = [MacroTextSpec(name, simplify_repl="%s") for name in ("texttt", "url", "path", "textsc", "textsf", "textrm", "textnormal")]
    db.add_context_category("mlsys-kg", macros=keep + [MacroTextSpec("href", simplify_repl="%(2)s")], prepend=True)
    return LatexNodes2Text(latex_context=db, math_mode="text", strict_latex_spaces=False)


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _from_html(text: str) -> str:
    parser = _TextOnly()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


def _protect(text: str) -> str:
    """Mark what TeX would misread in an abstract typed as plain text."""
    text = text.replace("~", _TILDE).replace("\\$", _DOLLAR)
    text = _BARE_SIGN.sub(r"\\\1", text)
    out, at = [], 0
    for m in _INLINE_MATH.finditer(text):
        if _LOOKS_LIKE_MATH.search(m.group(1)):
            out.append(text[at : m.start()].replace("$", _DOLLAR) + m.group(0))
            at = m.end()
    out.append(text[at:].replace("$", _DOLLAR))
    return "".join(out)


def _from_tex(text: str) -> str:
    try:
        plain = _converter().latex_to_text(_protect(text))
    except Exception:  # pylatexenc raises plain exceptions on odd input; the text as written beats none
        return text
    plain = plain.replace(_TILDE, "~").replace(_DOLLAR, "$").replace("∼", "~").replace("\u00a0", " ")
    return _GLUED.sub(" ", plain)


def plain_text(text: str) -> str:
    """``text`` with its markup read: TeX, HTML and BibTeX braces become plain Unicode; runs of
    white space one space. Text with no markup is returned as it is (but for its spaces)."""
    if _HTML_SIGN.search(text):
        text = _from_html(text) if "<" in text else html.unescape(text)
    if _TEX_SIGN.search(text):
        text = _from_tex(text)
    return _SPACES.sub(" ", text).strip()
