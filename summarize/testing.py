"""A tiny random-weight T5 with a tokenizer trained on given text, for tests and benchmarks.

There is no model hub on CI machines, so the real seq2seq code path is exercised on a model built
from a config: a few small layers, random weights, a Unigram tokenizer trained on the seed text. Its
output is gibberish, but tokenization, batching, chunking, generation and saving are all real.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def build_tiny_seq2seq(
    folder: str | Path,
    corpus: Iterable[str],
    *,
    vocab_size: int = 600,
    d_model: int = 32,
    layers: int = 2,
    heads: int = 2,
    max_input_tokens: int = 512,
    seed: int = 0,
) -> Path:
    """Write a random-init T5 and a tokenizer trained on ``corpus`` to ``folder``; return it.

    The shipped prompt templates are added to the tokenizer's training text, so prompts cost a
    realistic number of tokens and most of the window is left for the article, as with real models.
    """
    import torch
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast, T5Config, T5ForConditionalGeneration

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    from summarize.prompts import load_prompts

    prompts = load_prompts()
    texts = [t for t in corpus if t.strip()]
    texts += [prompts.summary.template, prompts.combine.template, prompts.answer.template, *prompts.default_questions]
    lines = [line for text in texts for line in text.splitlines() if line.strip()]

    tokenizer = Tokenizer(models.Unigram())
    tokenizer.normalizer = normalizers.NFKC()
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    tokenizer.decoder = decoders.Metaspace()
    trainer = trainers.UnigramTrainer(
        vocab_size=vocab_size, special_tokens=["<pad>", "</s>", "<unk>"], unk_token="<unk>", show_progress=False
    )
    tokenizer.train_from_iterator([*texts, *lines], trainer)
    eos = tokenizer.token_to_id("</s>")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="$A </s>", pair="$A </s> $B </s>", special_tokens=[("</s>", eos)]
    )
    wrapped = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, pad_token="<pad>", eos_token="</s>", unk_token="<unk>",
        model_max_length=max_input_tokens,
    )
    wrapped.save_pretrained(folder)

    torch.manual_seed(seed)
    config = T5Config(
        vocab_size=tokenizer.get_vocab_size(), d_model=d_model, d_ff=d_model * 2, d_kv=d_model // heads,
        num_layers=layers, num_decoder_layers=layers, num_heads=heads,
        pad_token_id=tokenizer.token_to_id("<pad>"), eos_token_id=eos, decoder_start_token_id=tokenizer.token_to_id("<pad>"),
    )
    T5ForConditionalGeneration(config).save_pretrained(folder)
    return folder
