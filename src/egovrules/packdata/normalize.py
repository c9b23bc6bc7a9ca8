"""The one normalization under which a pack's quotes must occur in the regulation text.

Applied to both sides (the quote and the source file) before a substring test:

1. delete a parenthesised pinyin annotation that directly follows a CJK character — the
   ``建設(shè)`` artifacts of the Wuhan file;
2. for Chinese, convert traditional to simplified characters with OpenCC ``t2s``
   (opencc-python-reimplemented, a maintained pure-Python port);
3. Unicode NFKC, which folds full-width punctuation and letters to their ASCII forms
   (``，`` → ``,``, ``（`` → ``(``);
4. collapse every run of whitespace (line breaks included) to one space and trim.

Nothing else: no case folding, no punctuation removal, so a quote cannot drift from the words
of the law.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from opencc import OpenCC  # opencc-python-reimplemented: pure Python, no native build

__all__ = ["PINYIN_ANNOTATION", "normalize", "normalize_zh"]

PINYIN_ANNOTATION = re.compile(r"(?<=[\u4e00-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s() -> Any:
    return OpenCC("t2s")


def normalize_zh(text: str) -> str:
    """Steps 1 and 2 only: Wuhan's source lines as clean simplified Chinese (the form the
    Wuhan pack's article texts are stored in)."""
    return str(_t2s().convert(PINYIN_ANNOTATION.sub("", text)))


def normalize(text: str, language: str) -> str:
    """The full normalization (see the module docstring) for text in ``language``."""
    if language == "zh":
        text = normalize_zh(text)
    text = unicodedata.normalize("NFKC", text)
    return _SPACE.sub(" ", text).strip()
