"""One article read once: sentence units, parties and claims, shared by summaries and answers."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from summarize.claims import Claim, extract_claims
from summarize.entities import EntityIndex
from summarize.sentences import split_units


@dataclass
class Analysis:
    units: list[str]
    entities: EntityIndex
    claims: list[Claim]


class AnalysisCache:
    """Analyses of the last few article texts, so a summary and its answers read the text once."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[str, Analysis] = OrderedDict()

    def get(self, text: str) -> Analysis:
        found = self._items.get(text)
        if found is not None:
            self._items.move_to_end(text)
            return found
        units = split_units(text)
        entities = EntityIndex(units)
        analysis = Analysis(units, entities, extract_claims(units, entities))
        self._items[text] = analysis
        if len(self._items) > self.size:
            self._items.popitem(last=False)
        return analysis
