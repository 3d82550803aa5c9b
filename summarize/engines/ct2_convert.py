"""Converting a loaded Hugging Face model to CTranslate2's format, with a shim for transformers 5.

CTranslate2's ``TransformersConverter`` (checked against ctranslate2 4.8.5, the one this package is
tested with) converts BART and Pegasus with its ``BartLoader`` (``PegasusLoader`` inherits it),
whose ``get_model_spec`` reads two config attributes of fairseq-era configs:

- ``config.normalize_before`` (no default): whether the layers normalize before (pre-norm) or after
  (post-norm) each sublayer;
- ``config.normalize_embedding`` (default True): whether a layer norm follows the embeddings.

transformers 5 defines neither on ``BartConfig`` or ``PegasusConfig`` (strict dataclasses): the
layout is fixed by the modeling code instead, post-norm with ``layernorm_embedding`` for BART,
pre-norm with a final ``layer_norm`` and no embedding norm for Pegasus. Only a config.json that still
carries the old keys converts as is; any other (a model saved by transformers 5, or built from a
config) fails with ``'BartConfig' object has no attribute 'normalize_before'``. Everything else the
loader reads is still there in transformers 5 (checked in 5.24): ``encoder_layers``,
``decoder_layers``, ``encoder_attention_heads``, ``activation_function``, ``scale_embedding``,
``d_model``, ``decoder_start_token_id``; the modules ``q_proj``/``k_proj``/``v_proj``/``out_proj``,
``self_attn_layer_norm``, ``encoder_attn(_layer_norm)``, ``fc1``/``fc2``, ``final_layer_norm``,
``embed_positions`` (BART's learned table with its offset of 2, Pegasus' sinusoidal one),
``layernorm_embedding``/``layer_norm``, ``lm_head`` and ``final_logits_bias``. BART's embedding scale
moved from the encoder onto its token embedding (``BartScaledWordEmbedding``); the loader then takes
it from ``config.scale_embedding``, which gives the same value.

:func:`converter_compat` sets the two attributes on the model's config to what the transformers 5
modeling code does, for the duration of one conversion only, and puts the config back as it was.
Nothing is patched globally, and other model families pass through untouched.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: The families the shim knows: model_type -> whether the layers are pre-norm (``normalize_before``).
_PRE_NORM = {"bart": False, "pegasus": True}
_MISSING = object()


def legacy_layout(model: Any) -> dict[str, bool]:
    """The fairseq-era config attributes ``BartLoader`` reads, as the transformers 5 modeling code of
    ``model`` behaves; empty for a family the shim does not know."""
    config = model.config
    pre_norm = _PRE_NORM.get(getattr(config, "model_type", None))
    if pre_norm is None:
        return {}
    encoder = model.get_encoder()
    return {"normalize_before": pre_norm, "normalize_embedding": hasattr(encoder, "layernorm_embedding")}


@contextmanager
def converter_compat(model: Any) -> Iterator[None]:
    """Within the block, ``model.config`` carries :func:`legacy_layout`'s attributes (a value the
    config.json brought is replaced: transformers 5 ignores it, so the converted model must too);
    afterwards the config is exactly as before."""
    config = model.config
    values = legacy_layout(model)
    saved = {name: config.__dict__.get(name, _MISSING) for name in values}
    try:
        for name, value in values.items():
            setattr(config, name, value)
        yield
    finally:
        for name, old in saved.items():
            if old is _MISSING:
                config.__dict__.pop(name, None)
            else:
                setattr(config, name, old)


def convert(model: Any, tokenizer: Any, source: str, output: str, quantization: str) -> None:
    """Convert the already loaded ``model`` and ``tokenizer`` (``source`` is where they came from)
    into ``output`` with CTranslate2's converter, under :func:`converter_compat`. The converter's own
    loading is bypassed: the weights were loaded once, safetensors only, no remote code."""
    from ctranslate2.converters import TransformersConverter

    class Preloaded(TransformersConverter):
        def load_model(self, model_class: Any, path: str, **kwargs: Any) -> Any:
            return model

        def load_tokenizer(self, tokenizer_class: Any, path: str, **kwargs: Any) -> Any:
            return tokenizer

    with converter_compat(model):
        Preloaded(source).convert(output, quantization=quantization, force=True)
