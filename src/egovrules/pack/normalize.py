"""The one normalization that ties a pack's Chinese text back to its source file.

The Wuhan source is a traditional-character rendering of a simplified original, with pinyin
annotations after some characters (``建設(shè)``). Packs quote clean simplified Chinese. The
normalization, applied to the source, is exactly:

1. delete a parenthesised pinyin annotation that directly follows a CJK character;
2. convert traditional to simplified characters with OpenCC ``t2s``.

Nothing else changes (ASCII punctuation stays as printed). A pack quote is faithful when it
is a substring of the normalized source.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from opencc import OpenCC  # opencc-python-reimplemented: pure Python, no native build

__all__ = ["PINYIN_ANNOTATION", "normalize_zh"]

PINYIN_ANNOTATION = re.compile(r"(?<=[\u4e00-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")


@lru_cache(maxsize=1)
def _t2s() -> Any:
    return OpenCC("t2s")


def normalize_zh(text: str) -> str:
    """Source text as clean simplified Chinese (see the module docstring)."""
    return str(_t2s().convert(PINYIN_ANNOTATION.sub("", text)))
