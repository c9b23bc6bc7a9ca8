"""What a rule says of a subject (``Outcome``) and how much a broken rule matters
(``Severity``): the words every stage above, from the IR to the renderers, shares."""

from __future__ import annotations

from enum import IntEnum, StrEnum

__all__ = ["SEVERITY_REASONS", "Outcome", "Severity", "severity_reason_in"]


class Severity(StrEnum):
    """How much a broken rule matters."""

    ERROR = "error"
    WARNING = "warning"
    ADVISORY = "advisory"


SEVERITY_REASONS: dict[str, dict[str, str]] = {
    "binds_authority": {
        "en": "not an error because the duty binds the authority, not the subject checked",
        "zh": "该义务约束主管机关而非被检查对象,故不作错误处理",
    },
    "in_principle": {
        "en": "not an error because the text states a principle or an aim ('in principle', "
        "'gradually', 'encourage', a description), not a strict duty",
        "zh": "条文为原则性、倡导性或描述性规定,并非严格义务,故不作错误处理",
    },
    "vague_criteria": {
        "en": "not an error because the duty is explicit but the text gives no measure of when "
        "it is met (an open list, 'timely', no threshold): the check reads a recorded fact",
        "zh": "义务明确但条文未给出判断标准(开放列举、“及时”、无门槛),"
        "检查依据记录的事实,故不作错误处理",
    },
    "translation_uncertain": {
        "en": "not an error because the duty rests on a garbled passage of the machine "
        "translation, whose wording is uncertain",
        "zh": "该义务所依据的机器译文段落错乱、措辞不确定,故不作错误处理",
    },
    "low_confidence": {
        "en": "not an error because the text supports the check only loosely (the reading is "
        "contestable, or the fact checked stands in for the duty)",
        "zh": "条文对该检查的支持较弱(解读有争议,或以记录的事实代替义务本身),故不作错误处理",
    },
}
"""Why a rule is a warning or an advisory and not an error: each kind a pack may name in a
rule's ``severity_reason``, and the words reports show for it."""


def severity_reason_in(reason: str | None, language: str) -> str | None:
    """The words for ``reason`` in ``language`` (English when there are none in it)."""
    if reason is None:
        return None
    words = SEVERITY_REASONS[reason]
    return words.get(language) or words["en"]


class Outcome(IntEnum):
    """What one rule says of one subject (the values are the compiled code's return codes)."""

    NOT_APPLICABLE = 0
    SATISFIED = 1
    VIOLATED = 2
    PENDING = 3
    UNDETERMINED = 4
    NOT_IN_FORCE = 5

    @property
    def label(self) -> str:
        """The lower-case name used in outputs."""
        return self.name.lower()
