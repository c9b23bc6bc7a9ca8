"""Pack × pack by legal concept, for legal staff.

::

    pack A, pack B ──compare──▶ PackDiff      concepts in both / only A / only B; for shared
                                              ones the differing aspects, a verdict (same,
                                              stricter in A or B, incomparable) proved from
                                              the IR (implication.py), and witnesses
    packs ──matrix──▶ Matrix                  concepts × packs, absent/present/stricter/looser
    PackDiff | Matrix ──render──▶ text | json | markdown | html   (render/)
    packs ──timeline──▶ Timeline             a concept's or family's acts in order and each
                                              city's days between them (render/svg.py)
    pack file ──parameter_history──▶ ParameterHistory   a parameter over the file's git
                                              revisions (render/history.py)

Modules: ``model`` (the records), ``refs`` (``city@revision``), ``implication`` (the proofs),
``witness`` (the search for subjects one pack rejects and the other accepts), ``views`` (rules
as a lawyer reads them), ``compare`` (``diff`` and ``matrix``), ``timeline`` (deadlines and
orders of acts), ``history`` (a parameter over revisions).

``egovrules.diff`` the *function* is exported by the top-level package and shadows this
package's name there: import from the modules (``from egovrules.diffing.model import PackDiff``),
never ``import egovrules.diffing.model as ...``.
"""

from __future__ import annotations

from egovrules.diffing.compare import diff, matrix
from egovrules.diffing.model import (
    Aspect,
    CellStatus,
    CitationView,
    ConceptDiff,
    Matrix,
    MatrixCell,
    MatrixRow,
    PackDiff,
    PackRef,
    ParameterView,
    Presence,
    RuleView,
    SideOutcome,
    Verdict,
    Witness,
    WitnessSearch,
)

__all__ = [
    "Aspect",
    "CellStatus",
    "CitationView",
    "ConceptDiff",
    "Matrix",
    "MatrixCell",
    "MatrixRow",
    "PackDiff",
    "PackRef",
    "ParameterView",
    "Presence",
    "RuleView",
    "SideOutcome",
    "Verdict",
    "Witness",
    "WitnessSearch",
    "diff",
    "matrix",
]
