"""Model profiles: what a seq2seq model can be asked to do.

- ``instruct``: an instruction-tuned model (flan-t5, T0, mT0, ...; T5 too, trained with task
  prefixes). It gets the summary instruction prompt (``prompts/summary.txt``) and answers questions.
- ``summarizer``: a summary-only model (bart-large-cnn, distilbart-cnn, pegasus-*), fine-tuned to
  map an article to its summary. An instruction in front of the article would only be more text to
  summarize, and it cannot answer questions. It gets the bare article text (long articles are still
  chunked, and the chunk summaries combined by summarizing their joined text), and the answers come
  from the offline reader; such outputs record ``engine: "seq2seq+offline"`` and say so in ``warnings``.
- ``auto``: :func:`decide_profile`, from the model id and its config.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from summarize.errors import ConfigError
from summarize.prompts import Prompt, PromptSet

PROFILES = ("auto", "instruct", "summarizer")

#: Well-known models by name (the id's last path part, lowercased): pattern, profile, what they are.
#: The first match wins, so instruction-tuned names come first ("bart-large-cnn-instruct" is one).
KNOWN_MODELS: tuple[tuple[str, str, str], ...] = (
    (r"flan-(t5|ul2)", "instruct", "instruction-tuned (Flan)"),
    (r"^mt0-|^t0($|pp|_)", "instruct", "instruction-tuned (T0, mT0: prompted multitask training)"),
    (r"instruct", "instruct", "instruction-tuned (by its name)"),
    (r"^distilbart-(cnn|xsum)", "summarizer", "a summarization fine-tune (distilbart), not instruction-tuned"),
    (r"^bart-.*(cnn|xsum|samsum)", "summarizer", "a summarization fine-tune (BART), not instruction-tuned"),
    (r"^pegasus", "summarizer", "a Pegasus summarization model, not instruction-tuned"),
    (r"^t5-(small|base|large|3b|11b)$", "instruct", "T5, trained with task prefixes"),
)
#: Families pre-trained or fine-tuned for summarization, not for instructions: config.model_type and
#: architecture -> family name.
SUMMARIZER_FAMILIES = {
    "bart": "BART", "BartForConditionalGeneration": "BART",
    "pegasus": "Pegasus", "PegasusForConditionalGeneration": "Pegasus",
    "pegasus_x": "Pegasus-X", "PegasusXForConditionalGeneration": "Pegasus-X",
    "bigbird_pegasus": "BigBird-Pegasus", "BigBirdPegasusForConditionalGeneration": "BigBird-Pegasus",
    "led": "LED", "LEDForConditionalGeneration": "LED",
}
#: The prompt of the summarizer profile: the text itself.
BARE = Prompt(id="bare", sha256=hashlib.sha256(b"{text}").hexdigest(), template="{text}")


@dataclass(frozen=True)
class ModelProfile:
    """The profile a model runs with, and why."""

    name: str
    reason: str

    @property
    def summarizer(self) -> bool:
        return self.name == "summarizer"

    def summary_prompts(self, prompts: PromptSet) -> tuple[Prompt, Prompt]:
        """The prompts for a text and for joined chunk summaries: the bare text for a summarizer."""
        return (BARE, BARE) if self.summarizer else (prompts.summary, prompts.combine)

    def prompts_meta(self, prompts: PromptSet) -> dict[str, dict[str, str]]:
        """The prompts an output records: a summarizer uses no summary, combine or answer prompt."""
        if not self.summarizer:
            return prompts.meta()
        return {"summary": BARE.meta(), "combine": BARE.meta(), "questions": prompts.questions.meta()}

    def warning(self) -> str | None:
        """The sentence every output of a summarizer carries; None for an instruct model."""
        if not self.summarizer:
            return None
        return (f"model profile summarizer ({self.reason}): the summary is the model's own summary of the bare "
                "article text, with no instruction prompt, and the answers come from the offline reader, not the model")


def check_profile(name: str) -> str:
    """``name`` if it is a profile, else a one-line ConfigError."""
    if name not in PROFILES:
        raise ConfigError(f"unknown model profile {name!r}; choose one of {', '.join(PROFILES)}")
    return name


def decide_profile(model_id: str, config: Any = None) -> ModelProfile:
    """The ``auto`` profile of a model, from its id and its ``transformers`` config (None: unknown).

    In order, the first rule that applies:

    1. the name (the id's last path part, so a local folder counts by its own name) matches
       :data:`KNOWN_MODELS`;
    2. the config's ``task_specific_params`` declare a summarization task and nothing else;
    3. the config's model type (or architecture) is a summarization family, :data:`SUMMARIZER_FAMILIES`
       (BART, Pegasus: ``BartForConditionalGeneration``, ``PegasusForConditionalGeneration``);
    4. otherwise ``instruct`` (T5 and any other model: the prompts are instructions).
    """
    name = str(model_id).strip().rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1].lower()
    for pattern, profile, what in KNOWN_MODELS:
        if re.search(pattern, name):
            return ModelProfile(profile, f"{name} is {what}")
    tasks = getattr(config, "task_specific_params", None)
    if isinstance(tasks, dict) and set(tasks) == {"summarization"}:
        return ModelProfile("summarizer", f"{name}: its config declares a summarization task only")
    kinds = [getattr(config, "model_type", None), *(getattr(config, "architectures", None) or [])]
    family = next((SUMMARIZER_FAMILIES[k] for k in kinds if isinstance(k, str) and k in SUMMARIZER_FAMILIES), None)
    if family:
        return ModelProfile("summarizer", f"{name} is a {family} model, not instruction-tuned")
    return ModelProfile("instruct", f"{name} is not a known summary-only model")


def resolve_profile(asked: str, model_id: str, config: Any = None) -> ModelProfile:
    """``asked`` (``instruct`` or ``summarizer``), or what :func:`decide_profile` picks for ``auto``."""
    if check_profile(asked) == "auto":
        return decide_profile(model_id, config)
    return ModelProfile(asked, "as asked")
