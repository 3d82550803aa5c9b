"""Check stage: deterministic checks of outputs against hand-written gold facts.

Every check is a plain function ``(output, gold, source_text) -> CheckResult``; ``CHECKS`` lists
them in report order. Each is also an ``evaluate`` module under ``evals/metrics/<name>/``.
"""

from __future__ import annotations

from collections.abc import Callable

from summarize.check.answers import check_qa, check_rouge
from summarize.check.checks import CheckResult, Output, check_attribution, check_balance, check_coverage
from summarize.check.faithfulness import check_faithfulness
from summarize.check.gold import CHECK_NAMES, Gold, GoldError, load_gold
from summarize.check.speakers import check_speakers
from summarize.check.style import check_hygiene, check_neutrality

Check = Callable[[Output, Gold, str], CheckResult]

CHECKS: dict[str, Check] = {
    "coverage": check_coverage,
    "attribution": check_attribution,
    "balance": check_balance,
    "speakers": check_speakers,
    "faithfulness": check_faithfulness,
    "neutrality": check_neutrality,
    "hygiene": check_hygiene,
    "qa": check_qa,
    "rouge": check_rouge,
}
assert tuple(CHECKS) == CHECK_NAMES


def run_checks(output: Output, gold: Gold, source: str) -> list[CheckResult]:
    """Every check on one output, in report order."""
    return [check(output, gold, source) for check in CHECKS.values()]


__all__ = ["CHECKS", "CheckResult", "Gold", "GoldError", "Output", "load_gold", "run_checks"]
