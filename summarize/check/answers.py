"""Answer and overlap checks: QA against the gold questions, and ROUGE against a reference.

QA follows SQuAD: answers are normalised (lower case, no punctuation or articles) and graded by
exact match and token F1 against every acceptable answer (alias groups expand to their forms).
Questions the article cannot answer are right only when the output abstains. "Who denied what?"
is graded per party: a line ``party: what it denied`` must name the party and overlap its denial.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from typing import Any

from summarize.check.checks import CheckResult, Output
from summarize.check.gold import Gold, Question

_ABSTAIN = {"", "unanswerable", "unknown", "none", "no answer", "not stated", "n a"}


def normalize(text: str) -> str:
    text = "".join(ch for ch in text.lower() if ch not in set(string.punctuation) | {"’", "‘", "“", "”"})
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def token_f1(prediction: str, reference: str) -> float:
    pred, ref = normalize(prediction).split(), normalize(reference).split()
    common = sum((Counter(pred) & Counter(ref)).values())
    if not pred or not ref or not common:
        return float(pred == ref)
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def _abstained(answer: Any) -> bool:
    return answer is None or normalize(str(answer)) in _ABSTAIN


def grade(question: Question, answer: Any, gold: Gold) -> dict[str, Any]:
    """One question's grade: ``em``, ``f1`` and ``passed``, with what was expected."""
    if question.per_party is not None:
        return _grade_parties(question, answer, gold)
    if question.answers is None:
        ok = _abstained(answer)
        return {"question": question.question, "answer": answer, "expected": None, "em": int(ok), "f1": float(ok), "passed": ok}
    expected = [form for item in question.answers for form in gold.forms(item)]
    if _abstained(answer):
        return {"question": question.question, "answer": answer, "expected": expected, "em": 0, "f1": 0.0, "passed": False}
    text = str(answer)
    em = int(any(normalize(text) == normalize(e) for e in expected))
    f1 = max(token_f1(text, e) for e in expected)
    contained = any(normalize(e) and f" {normalize(e)} " in f" {normalize(text)} " for e in expected)
    passed = bool(em or f1 >= 0.5 or contained)
    return {"question": question.question, "answer": answer, "expected": expected, "em": em,
            "f1": round(max(f1, 0.5 if contained else 0.0), 4), "passed": passed}


def _grade_parties(question: Question, answer: Any, gold: Gold) -> dict[str, Any]:
    parties = question.per_party or ()
    expected = [f"{gold.forms(p.speaker)[0]}: {' / '.join(p.denied)}" for p in parties]
    if not parties:
        ok = _abstained(answer)
        return {"question": question.question, "answer": answer, "expected": [], "em": int(ok), "f1": float(ok), "passed": ok}
    lines = [l for l in str(answer or "").splitlines() if l.strip()]
    matched = 0
    for party in parties:
        for line in lines:
            speaker, _, denied = line.partition(":")
            if gold.find(speaker, party.speaker) and any(
                normalize(d) in normalize(denied) or token_f1(denied, d) >= 0.3 for d in party.denied
            ):
                matched += 1
                break
    recall = matched / len(parties)
    precision = matched / len(lines) if lines else 0.0
    f1 = 0.0 if not matched else 2 * precision * recall / (precision + recall)
    return {"question": question.question, "answer": answer, "expected": expected, "em": int(matched == len(parties) == len(lines)),
            "f1": round(f1, 4), "passed": recall == 1.0, "parties_found": matched, "parties_expected": len(parties)}


def qa_grades(output: Output, gold: Gold) -> list[dict[str, Any]]:
    """Grades for every gold question the output answered (matched by normalised question)."""
    given = {normalize(str(a.get("question", ""))): a.get("answer") for a in output.answers}
    grades = []
    for question in gold.qa:
        key = normalize(question.question)
        if key not in given:
            expected = grade(question, None, gold)["expected"]
            grades.append({"question": question.question, "answer": None, "expected": expected, "em": 0, "f1": 0.0,
                           "passed": False, "missing": True})
            continue
        grades.append(grade(question, given[key], gold))
    return grades


def check_qa(output: Output, gold: Gold, source: str) -> CheckResult:
    """Mean token F1 over the gold questions (abstentions and per-party grades included)."""
    if not gold.qa:
        return CheckResult("qa", None, None, "no questions in the gold file")
    if not output.answers:
        return CheckResult("qa", None, None, "the output has no answers")
    all_grades = qa_grades(output, gold)
    # Only the gold questions the output was asked are graded: another system may have answered
    # other questions, and a question never asked is listed, not counted as wrong.
    grades = [g for g in all_grades if not g.get("missing")]
    unasked = [g["question"] for g in all_grades if g.get("missing")]
    if not grades:
        return CheckResult("qa", None, None, "the output answers none of the gold questions")
    score = sum(g["f1"] for g in grades) / len(grades)
    em = sum(g["em"] for g in grades) / len(grades)
    asked = {g["question"] for g in grades}
    abstain = [g for g, q in zip(all_grades, gold.qa) if q.answers is None and q.per_party is None and q.question in asked]
    threshold = gold.thresholds.get("qa", 0.5)
    lines = [f"F1 {score:.2f}, exact match {em:.2f}, {sum(g['passed'] for g in grades)}/{len(grades)} questions right"
             + (f", abstention {sum(g['passed'] for g in abstain)}/{len(abstain)}" if abstain else "")
             + (f"; {len(unasked)} gold question(s) not in the output: {'; '.join(unasked)}" if unasked else "")]
    for g in grades:
        if not g["passed"]:
            got = repr(g["answer"])
            want = "an abstention" if g["expected"] is None else (g["expected"] or "no denial")
            lines.append(f"wrong: {g['question']} -> {got}; expected {want}")
    return CheckResult("qa", score >= threshold, round(score, 4), "\n".join(lines))


def check_rouge(output: Output, gold: Gold, source: str) -> CheckResult:
    """ROUGE-1/2/L F-measure against the gold ``reference_summary`` (rouge-score, stemmed)."""
    if not gold.reference_summary:
        return CheckResult("rouge", None, None, "no reference_summary in the gold file")
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    scores = scorer.score(gold.reference_summary, output.summary)
    threshold = gold.thresholds.get("rouge", 0.3)
    rouge_l = scores["rougeL"].fmeasure
    detail = ", ".join(f"{name} {value.fmeasure:.3f}" for name, value in scores.items()) + f" (threshold on rougeL {threshold:.2f})"
    return CheckResult("rouge", rouge_l >= threshold, round(rouge_l, 4), detail)
