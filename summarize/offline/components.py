"""The reader as two spaCy pipeline components, usable in any English pipeline with a parser and NER::

    import spacy, summarize.offline.components
    nlp = spacy.load("en_core_web_sm")
    nlp.add_pipe("summarize_coref")
    nlp.add_pipe("summarize_attribution")
    doc = nlp(text)
    doc._.claims          # [Claim(speaker=…, stance="denies", content=…), …]
    token._.refers_to     # "Bernie Ebbers" for a "he" the reader resolved, else None

``summarize_names`` repairs ``Doc.ents`` where news style misleads the recognizer (see
:mod:`.names`; ``summarize_coref`` runs it when it is not in the pipeline); ``summarize_coref`` sets ``Doc._.units`` (sentence units), ``Doc._.parties``, ``Doc._.quoted`` (per
token: inside a quotation?) and ``Token._.refers_to``/``Token._.refers_how``;
``summarize_attribution`` sets ``Doc._.claims`` and ``Doc._.denials``; ``Doc._.resolver`` answers who any other mention
is (``doc._.resolver.resolve(token)``).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Token

from summarize.offline.claims import Attribution
from summarize.offline.coref import Resolver
from summarize.offline.denials import find_denials
from summarize.offline.names import find_parties, repair
from summarize.offline.lexicon import PRONOUNS
from summarize.offline.units import quote_marks, units

for _name in ("units", "parties", "owner", "claims", "denials", "quoted", "resolver", "named"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)
for _name in ("refers_to", "refers_how"):
    if not Token.has_extension(_name):
        Token.set_extension(_name, default=None)


@Language.component("summarize_names", requires=["token.dep", "doc.ents"], assigns=["doc.ents"])
def names_component(doc: Doc) -> Doc:
    repair(doc)
    doc._.named = True
    return doc


@Language.component("summarize_coref", requires=["token.dep", "doc.ents"], assigns=["doc._.units", "doc._.parties", "token._.refers_to"])
def coref_component(doc: Doc) -> Doc:
    if not doc._.named:
        names_component(doc)
    doc._.quoted = quote_marks(doc)
    doc._.units = units(doc)
    parties, owner = find_parties(doc)
    doc._.parties = parties
    doc._.owner = owner
    resolver = Resolver(doc, doc._.units, parties, owner, doc._.quoted)
    doc._.resolver = resolver
    for token in doc:
        if token.lower_ in PRONOUNS and token.dep_ in {"nsubj", "nsubjpass"} and not doc._.quoted[token.i]:
            resolution = resolver.resolve(token)
            token._.refers_to = resolution.party
            token._.refers_how = resolution.how
    return doc


@Language.component("summarize_attribution", requires=["doc._.units"], assigns=["doc._.claims", "doc._.denials"])
def attribution_component(doc: Doc) -> Doc:
    if doc._.resolver is None:
        coref_component(doc)
    doc._.claims = Attribution(doc, doc._.units, doc._.resolver, doc._.quoted).claims()
    doc._.denials = find_denials(doc, doc._.claims, doc._.resolver)
    return doc
