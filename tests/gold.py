"""Reading the hand-written gold files in evals/gold/ and matching answers against them.

Matching is SQuAD-style: lower-cased, punctuation and articles dropped; an answer matches when it
contains an acceptable answer or reaches token F1 >= 0.5 with one. Alias group names in gold answers
stand for every surface form of that party.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import yaml

GOLD_DIR = Path(__file__).resolve().parent.parent / "evals" / "gold"


def gold_files() -> list[Path]:
    return sorted(GOLD_DIR.glob("*.yaml"))


def load_gold(path: Path) -> dict:
    gold = yaml.safe_load(path.read_text(encoding="utf-8"))
    gold["article_path"] = (path.parent / gold["article"]).resolve()
    return gold


def normalize(text: str) -> list[str]:
    text = re.sub(r"[^\w\s]", " ", text.lower())
    return [w for w in text.split() if w not in {"a", "an", "the"}]


def token_f1(prediction: str, reference: str) -> float:
    pred, ref = normalize(prediction), normalize(reference)
    common = sum((Counter(pred) & Counter(ref)).values())
    if not common:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def forms(item: str, aliases: dict) -> list[str]:
    return list(aliases.get(item, [item]))


def mentions(text: str, item: str, aliases: dict) -> bool:
    """Whether ``text`` names ``item`` (an alias group or a literal phrase), on word boundaries."""
    return any(
        re.search(r"(?<!\w)" + re.escape(re.sub(r"^the\s+", "", form.lower())) + r"(?!\w)", text.lower())
        for form in forms(item, aliases)
    )


def answer_matches(answer: str | None, acceptable: list[str], aliases: dict) -> bool:
    if answer is None:
        return False
    candidates = [f for item in acceptable for f in forms(str(item), aliases)]
    return any(" ".join(normalize(c)) in " ".join(normalize(answer)) or token_f1(answer, c) >= 0.5 for c in candidates)


def parties_found(answer: str | None, per_party: list[dict], aliases: dict) -> tuple[int, int]:
    """(gold parties found with what they denied, lines in the answer) for "Who denied what?"."""
    lines = answer.splitlines() if answer else []
    found = 0
    for party in per_party:
        for line in lines:
            speaker, _, denied = line.partition(":")
            if mentions(speaker, party["speaker"], aliases) and any(
                " ".join(normalize(d)) in " ".join(normalize(denied)) or token_f1(denied, d) >= 0.3
                for d in party["denied"]
            ):
                found += 1
                break
    return found, len(lines)
