"""Tiny random-weight seq2seq models with a tokenizer trained on given text, for tests and benchmarks.

There is no model hub on CI machines, so the real seq2seq code path is exercised on a model built
from a config: a few small layers, random weights, a Unigram tokenizer trained on the seed text. Its
output is gibberish, but tokenization, batching, chunking, generation, conversion and saving are all
real. Three families share the trained tokenizer: T5 (the default), BART and Pegasus, each with the
special-token ids and decoding defaults of its real checkpoints (flan-t5, bart-large-cnn, pegasus-xsum).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

#: The families ``build_tiny_seq2seq`` builds.
FAMILIES = ("t5", "bart", "pegasus")


def build_tiny_seq2seq(
    folder: str | Path,
    corpus: Iterable[str],
    *,
    family: str = "t5",
    vocab_size: int = 600,
    d_model: int = 32,
    layers: int = 2,
    heads: int = 2,
    max_input_tokens: int = 512,
    seed: int = 0,
    init_std: float = 1.0,
) -> Path:
    """Write a random-init ``family`` model and a tokenizer trained on ``corpus`` to ``folder``; return it.

    The shipped prompt templates are added to the tokenizer's training text, so prompts cost a
    realistic number of tokens and most of the window is left for the article, as with real models.
    The tokenizer is trained alike for every family (``<pad>`` 0, ``</s>`` 1, ``<unk>`` 2, then the
    pieces); its special tokens and the model's ids follow the family's real checkpoints:

    - ``t5``: inputs end in ``</s>``; the decoder starts from ``<pad>``.
    - ``bart``: a ``<s>`` (bos) token is added after the pieces; inputs are ``<s> … </s>``; the decoder
      starts from ``</s>`` and the first token is forced to ``<s>`` and the last, at the length
      limit, to ``</s>`` (``forced_bos_token_id``/``forced_eos_token_id``, as bart-large-cnn).
    - ``pegasus``: inputs end in ``</s>``; the decoder starts from ``<pad>``; sinusoidal positions,
      pre-norm layers, scaled embeddings, relu, and ``</s>`` forced at the length limit (as pegasus-xsum).

    BART and Pegasus weights are drawn with ``init_std`` (default 1.0, far above the 0.02 of
    training): with the usual scale a tiny random decoder ignores its input and writes the same
    tokens for every article, so comparing two backends would not test the encoder at all.
    """
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}; choose one of {', '.join(FAMILIES)}")
    import torch
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

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
    pad, eos = tokenizer.token_to_id("<pad>"), tokenizer.token_to_id("</s>")
    special: dict[str, str] = {}
    if family == "bart":
        tokenizer.add_special_tokens(["<s>"])
        bos = tokenizer.token_to_id("<s>")
        special["bos_token"] = "<s>"
        tokenizer.post_processor = processors.TemplateProcessing(
            single="<s> $A </s>", pair="<s> $A </s> $B </s>", special_tokens=[("<s>", bos), ("</s>", eos)]
        )
    else:
        tokenizer.post_processor = processors.TemplateProcessing(
            single="$A </s>", pair="$A </s> $B </s>", special_tokens=[("</s>", eos)]
        )
    wrapped = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, pad_token="<pad>", eos_token="</s>", unk_token="<unk>",
        model_max_length=max_input_tokens, **special,
    )
    wrapped.save_pretrained(folder)

    torch.manual_seed(seed)
    vocab = tokenizer.get_vocab_size()
    if family == "t5":
        from transformers import T5Config, T5ForConditionalGeneration

        config = T5Config(
            vocab_size=vocab, d_model=d_model, d_ff=d_model * 2, d_kv=d_model // heads,
            num_layers=layers, num_decoder_layers=layers, num_heads=heads,
            pad_token_id=pad, eos_token_id=eos, decoder_start_token_id=pad,
        )
        T5ForConditionalGeneration(config).save_pretrained(folder)
        return folder
    shape = dict(
        vocab_size=vocab, d_model=d_model, encoder_layers=layers, decoder_layers=layers,
        encoder_attention_heads=heads, decoder_attention_heads=heads, encoder_ffn_dim=d_model * 2,
        decoder_ffn_dim=d_model * 2, max_position_embeddings=max_input_tokens, pad_token_id=pad, eos_token_id=eos,
        forced_eos_token_id=eos, init_std=init_std,
    )
    if family == "bart":
        from transformers import BartConfig, BartForConditionalGeneration

        model = BartForConditionalGeneration(BartConfig(**shape, bos_token_id=bos, decoder_start_token_id=eos))
        # A generation setting, not a config field in transformers 5 (bart-large-cnn keeps it in
        # generation_config.json).
        model.generation_config.forced_bos_token_id = bos
    else:
        from transformers import PegasusConfig, PegasusForConditionalGeneration

        model = PegasusForConditionalGeneration(PegasusConfig(
            **shape, decoder_start_token_id=pad, scale_embedding=True, activation_function="relu",
        ))
    model.save_pretrained(folder)
    return folder
