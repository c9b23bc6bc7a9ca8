"""The law explorer: the bundled packs as a site legal staff read, in Chinese and English.

::

    packs ──corpus.gather──▶ Corpus      matrix, every pair's diff (proofs, witnesses),
                                         vocabulary, articles, rules, tests
    Corpus ──pages──▶ HTML pages         home (the matrix as a heat map) · concept (the cities
                                         side by side) · city (articles in order) · article
                                         (text, translations marked, quotes highlighted) · rule
    pages ──site──▶ Site                 path → HTML; served by ``egovrules serve`` at ``/``,
                                         written by ``egovrules explore --out DIR``

Modules: ``corpus`` (what is shown), ``labels`` (every chrome label in both languages),
``paths`` (page paths and relative links), ``articles`` (paragraph anchors and marks),
``words`` (rules and witnesses in words), ``layout`` (the frame of a page), ``pages``,
``site``. A page is one HTML file with its style and script inline: no network, no server.
"""

from __future__ import annotations

from egovrules.explorer.site import Site, build, export

__all__ = ["Site", "build", "export"]
