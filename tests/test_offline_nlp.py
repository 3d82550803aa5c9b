"""The shared spaCy pipeline: pinned weights are verified at load, one pipeline per process."""

from __future__ import annotations

import shutil

import pytest

from summarize.errors import ConfigError
from summarize.offline import nlp


def test_the_pinned_pipeline_loads_once_with_the_reader_components():
    first, second = nlp.get(), nlp.get()
    assert first is second
    assert first.pipe_names[-2:] == ["summarize_coref", "summarize_attribution"]
    assert "senter" not in first.pipe_names  # unused components stay off
    assert nlp.pipeline_name().endswith("-3.8.0")


def test_a_swapped_weight_file_fails_with_one_line(tmp_path):
    folder = tmp_path / "pipeline"
    shutil.copytree(nlp.get().path, folder)
    weights = folder / "ner" / "model"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ConfigError, match=r"ner/model does not match its pinned sha256") as caught:
        nlp.verify(folder)
    assert "\n" not in str(caught.value)


def test_an_unknown_pipeline_is_a_clear_error():
    nlp.use("no_such_pipeline_xyz")
    try:
        with pytest.raises(ConfigError, match="no_such_pipeline_xyz is not installed"):
            nlp.get()
    finally:
        nlp.use(None)


def test_sentences_and_lemmas_come_from_the_parser():
    text = "Mr. Smith went to Washington on Dec. 5. He denied the reports.\n\nA new paragraph"
    assert nlp.sentences(text) == ["Mr. Smith went to Washington on Dec. 5.", "He denied the reports.", "A new paragraph"]
    assert {"deny", "report"} <= set(nlp.lemmas("He denied the reports."))


def test_abbreviations_and_initials_do_not_split():
    text = ("Gen. Mark Milley met Mr. Kim in the U.S. capital on Dec. 23, officials said. "
            "J. R. Smith of Example Corp. attended with Dr. Lee. Talks ended at 5 p.m. Friday.")
    assert nlp.sentences(text) == [
        "Gen. Mark Milley met Mr. Kim in the U.S. capital on Dec. 23, officials said.",
        "J. R. Smith of Example Corp. attended with Dr. Lee.",
        "Talks ended at 5 p.m. Friday.",
    ]


def test_quotes_and_punctuation_end_sentences():
    text = '"We can confirm the delivery," he said. "It is done." Officials left. Did he? Yes! 50,000 went.'
    assert nlp.sentences(text) == [
        '"We can confirm the delivery," he said.', '"It is done."', "Officials left.", "Did he?", "Yes!",
        "50,000 went.",
    ]


def test_paragraph_breaks_split_and_line_wraps_do_not():
    text = "A heading without a period\n\nThe body wraps\nacross lines. It ends here\n \nLast one"
    assert nlp.sentences(text) == [
        "A heading without a period", "The body wraps across lines.", "It ends here", "Last one",
    ]
