"""Answers about who said what, from the Reading's claims and denials.

- "Who denied what?": one line per party whose own claim is a denial, by name, each once;
- 'Who said "…"?': the speaker of the claim that holds the quotation;
- "Who denied / said / accused …?": the party of the claim that best matches the rest of the question;
- "What did X deny / say / claim …?": the content of X's matching claim (a denial without its
  reporting frame), never another party's; X matches by name, surname, title, role or agent;
- "According to X, who …?": the answer inside X's own words;
- "How did X describe Y?": the words after "as" or of "called it …".

A who-answer names the party: a resolved pronoun or role becomes its name ("the chancellor" ->
"Gordon Brown"), an agent keeps its words ("a UKIP spokesman"), an unnamed speaker is described as
the article describes it ("City experts"). A pronoun or a role the reader could not resolve is never
an answer: the question is then left unanswered, with the reason.
"""

from __future__ import annotations

import math
import re

from spacy.tokens import Span, Token

from summarize.offline.asking import HONORIFICS, WH, Ask, content_word, phrase, rank
from summarize.offline.lexicon import FAMILY, PRONOUNS, reporting_verbs, role_nouns
from summarize.offline.reading import Claim, Reading
from summarize.records import Answer

_NOUN_OF = {"denies": "denial", "accuses": "accusation", "condemns": "condemnation", "confirms": "confirmation"}
_DESCRIBE = {"describe", "call", "dismiss", "brand", "label", "term", "characterise", "characterize", "reject", "deny"}
#: Share of the question's own words a claim must hold to answer it.
_ENOUGH = 0.34
_MAX_WORDS = 30


def answer_speech(ask: Ask, reading: Reading) -> Answer | None:
    """The answer to a question about who said what, or None when the question is of another kind."""
    verb = ask.reporting
    if ask.wh == "how" and verb is not None and verb.lemma_.lower() in _DESCRIBE:
        return _described(ask, reading)
    quoted = {i for i, inside in enumerate(_marks(ask.doc)) if inside}
    if ask.wh == "who" and verb is not None and any(t.lower_ == "what" and t.i not in quoted and t.i > verb.i for t in ask.doc):
        return _who_denied_what(ask, reading, _stance(verb))
    if ask.according is not None:
        found = _according(ask, reading)
        if found is not None:
            return found
    if ask.wh in {"who", "whom"} or ask.wh == "which" and ask.kind in {"agent", "person", "org", "press"}:
        if ask.asked is not None and verb is not None and ask.object_role:
            return _object_of(ask, reading, verb)  # "Whom did NTL blame …?"
        if ask.asked is not None and verb is not None:
            return _inside_claims(ask, reading, claims_of(ask.asked, reading))  # "Who does X allege …?"
        if ask.quote:
            found = _quoted_speaker(ask, reading)
            if found is not None:
                return found
        if verb is not None and not ask.object_role:
            return _who_said(ask, reading, verb)
        return None
    if ask.wh in {"what", "which"} and verb is not None and ask.asked is not None:
        return _what_was_said(ask, reading, verb)
    return None


def _marks(doc) -> list[bool]:  # type: ignore[no-untyped-def]
    """Per token of the question: inside a quotation?"""
    inside, out = False, []
    for token in doc:
        if token.text in {'"', "“", "”"}:
            inside = not inside if token.text == '"' else token.text == "“"
            out.append(False)
        else:
            out.append(inside)
    return out


# -- naming ------------------------------------------------------------------------------------


def display(claim: Claim, reading: Reading) -> str | None:
    """Who made a claim, as an answer names them: the party, an agent as the article words it ("a
    UKIP spokesman", "the rapper's spokesman (Snoop Dogg)"), an unnamed speaker as described ("City
    experts"); None for a pronoun or a role the reader could not resolve."""
    mention = claim.mention
    if claim.resolution.startswith("speaks for") and claim.party:
        named = any(word.lower() in mention.lower() for word in claim.party.split())
        return mention if named else f"{mention} ({claim.party})"
    if claim.party and not claim.resolution.startswith("speaks for"):
        return claim.party
    if not _bare(mention):
        return mention
    head = claim.mention_span[1] - 1
    if mention.lower() not in FAMILY and claim.mention_span[1] > claim.mention_span[0] and reading.resolver is not None \
            and not reading.resolver.candidates(reading.doc[head]):
        return mention  # "the ministry" where the article names no ministry: the article's own words
    return None


def _bare(mention: str) -> bool:
    """A pronoun, or "the" + a role ("the chancellor", "the Scotland coach"): no answer on its own."""
    words = mention.lower().split()
    if not words or len(words) == 1 and words[0] in FAMILY:
        return True
    return words[0] in {"the", "this"} and (words[-1] in role_nouns() or "year-old" in words[-1] or len(words) <= 3
                                            and words[-1][:1].isalpha() and words[-1] not in {"experts", "critics"}
                                            and not words[-1].endswith("s"))


def name_of(token: Token, reading: Reading) -> str | None:
    """The name for the noun phrase ``token`` heads: its party, its resolved referent (a pronoun
    inside a quotation is someone other than the speaker, named just before it), or its own words when
    the article names nobody; None for a pronoun or role left unresolved."""
    if token.i in reading.owner:
        return reading.owner[token.i]
    if token.lower_ in FAMILY and reading.doc._.quoted and reading.doc._.quoted[token.i]:
        return _quoted_referent(token, reading)
    resolution = reading.refer(token)
    if resolution is not None and resolution.party:
        return resolution.party
    if token.pos_ == "PRON":
        return None
    words = phrase(token, 10)
    return None if _bare(words) else words


def _quoted_referent(pronoun: Token, reading: Reading) -> str | None:
    """"he" inside a quotation is never the one quoted (who would say "I"): the person named last
    before it in the unit, other than the speaker, when nothing tells against it."""
    family = FAMILY.get(pronoun.lower_)
    if family not in {"he", "she"}:
        return None
    quoted = reading.doc._.quoted
    verb = pronoun.head
    while verb.head.i != verb.i and quoted[verb.head.i]:  # '"The referee has confirmed that he is …"'
        verb = verb.head
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.i < pronoun.i), None)
        if subject is not None and subject.lower_ not in FAMILY and subject.pos_ in ("NOUN", "PROPN"):
            return name_of(subject, reading)
    unit = reading.units[reading.unit_of(pronoun.i)]
    speakers = {c.party for c in reading.claims if c.index == reading.unit_of(pronoun.i)}
    for token in reversed(reading.doc[unit.start:pronoun.i]):
        name = reading.owner.get(token.i)
        party = reading.party(name)
        if party is not None and party.label == "PERSON" and name not in speakers:
            return name if party.gender in {None, PRONOUNS[family][1]} else None
    return None


# -- matching a question to claims ---------------------------------------------------------------


def _stance(verb: Token) -> str:
    entries = reporting_verbs().get(verb.lemma_.lower())
    return entries[0].stance if entries else "asserts"


def _lemmas(tokens) -> set[str]:  # type: ignore[no-untyped-def]
    return {t.lemma_.lower() for t in tokens if content_word(t)}


def _score(ask: Ask, claim: Claim, reading: Reading) -> float:
    """How much of the question's own words a claim holds, each word weighted by how rare it is in
    the article ("Yeo" tells more than "plan"): its content counts fully, the rest of its sentence half."""
    wanted = set(ask.rest)
    if not wanted:
        return 0.0
    weights = reading.rarity
    content = _lemmas(reading.doc[claim.content_span[0]:claim.content_span[1]])
    sentence = _lemmas(reading.units[claim.index])
    unknown = math.log(2 + len(reading.units))  # a word the article lacks weighs most
    total = sum(weights.get(w, unknown) for w in wanted)
    return sum(weights.get(w, unknown) * (1.0 if w in content else 0.5 if w in sentence else 0.0) for w in wanted) / total



def claims_of(asked: Span, reading: Reading) -> list[Claim]:
    """The claims made by the party the question names: by name or surname, title, role ("the
    company named in the lawsuit"), or as the principal of an agent ("lawyers for the pair")."""
    return [c for c in reading.claims if _same_party(asked, c, reading)]


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", text.lower().replace("'s ", " ")) if w != "s"]


def _same_party(asked: Span, claim: Claim, reading: Reading) -> bool:
    proper = [w for t in asked if t.pos_ == "PROPN" and t.lower_.rstrip(".") not in HONORIFICS and t.tag_ != "POS"
              for w in _words(t.text)]
    party = reading.party(claim.party)
    names = [claim.party or "", claim.speaker, claim.mention, *(party.forms if party else [])]
    words = {w for text in names for w in _words(text)}
    if proper:
        if proper[-1] not in words or not set(proper) <= words and len(proper) > 1 and \
                len(_words(claim.party or "")) > 1 and not set(proper) <= set(_words(claim.party or "") + _words(claim.mention)):
            # "Matt Williams" is not "Nigel Williams"; "Philip Pullman" may be the article's "Pullman"
            return False
        return True
    head = asked.root.lemma_.lower()
    mention_head = claim.mention.split()[-1].lower() if claim.mention else ""
    own = {t.lemma_.lower() for t in asked if content_word(t)}
    said = {t.lemma_.lower() for t in reading.doc[claim.mention_span[0]:claim.mention_span[1]] if content_word(t)}
    if head in said and (mention_head.rstrip("s") == head.rstrip("s") or head in role_nouns()):
        return True
    return False


# -- the routes --------------------------------------------------------------------------------


def _who_denied_what(ask: Ask, reading: Reading, stance: str) -> Answer:
    """One line per party whose own claim has the stance, by name, each once."""
    if stance == "denies":
        items = [(display(d.claim, reading), d.claim.content, d.claim) for d in reading.denials]
    else:
        fits = [c for c in reading.claims if stance == "asserts" or c.stance == stance]
        items = [(display(c, reading), c.content, c) for c in fits]
    grouped: dict[str, list[tuple[str, Claim]]] = {}
    for name, content, claim in items:
        if name:
            grouped.setdefault(name, []).append((content, claim))
    if not grouped:
        what = _NOUN_OF.get(stance, "such statement")
        reason = f"the article reports no {what}" if not items else f"the article does not name who made the {what}s it reports"
        return Answer(ask.text, None, [], reason=reason, confidence=0.8)
    lines = [f"{name}: " + "; ".join(dict.fromkeys(content for content, _ in found)) for name, found in grouped.items()]
    evidence = list(dict.fromkeys(claim.sentence for found in grouped.values() for _, claim in found))
    return Answer(ask.text, "\n".join(lines), evidence, confidence=0.85)


def _quoted_speaker(ask: Ask, reading: Reading) -> Answer | None:
    """'Who said "…"?': the speaker of the claim whose words hold the quotation."""
    wanted = _normal(ask.quote or "")
    for number, text in enumerate(reading.texts):
        at = _normal(text).find(wanted[: max(20, len(wanted) * 3 // 4)])
        if at < 0:
            continue
        claims = [c for c in reading.claims if c.index == number]
        holding = [c for c in claims if wanted[:20] in _normal(c.content)] or [c for c in claims if c.quoted] or claims
        for claim in holding:
            name = display(claim, reading)
            if name:
                return Answer(ask.text, name, [claim.sentence], confidence=0.85)
        if holding:
            return Answer(ask.text, None, [text], reason=f"the article does not say who '{holding[0].mention}' is here", confidence=0.6)
        return None
    return None


def _normal(text: str) -> str:
    return " ".join("".join(ch.lower() if ch.isalnum() else " " for ch in text).split())


def _who_said(ask: Ask, reading: Reading, verb: Token) -> Answer | None:
    """"Who denied …?": the party of the claim that best matches the rest of the question; one
    made with the question's own verb, and of its stance, first."""
    stance, lemma = _stance(verb), verb.lemma_.lower()
    scored = []
    for claim in reading.claims:
        same_verb = bool(claim.verb) and reading.doc[claim.verb_token].lemma_.lower() == lemma
        if not (same_verb or stance == "asserts" or claim.stance == stance):
            continue
        scored.append((_score(ask, claim, reading) + (0.25 if same_verb else 0.0) + (0.1 if claim.stance == stance else 0.0), claim))
    scored.sort(key=lambda s: -s[0])
    if not scored or scored[0][0] < _ENOUGH:
        return None
    best = [c for s, c in scored if s >= scored[0][0] - 1e-9]
    for claim in best:
        name = display(claim, reading)
        if name:
            return Answer(ask.text, name, [claim.sentence], confidence=round(min(0.95, 0.5 + 0.4 * scored[0][0]), 2))
    return Answer(ask.text, None, [best[0].sentence], reason=f"the article does not say who '{best[0].mention}' is here", confidence=0.5)


def _what_was_said(ask: Ask, reading: Reading, verb: Token) -> Answer | None:
    """"What did X deny / say / claim …?": the content of X's matching claim, never another party's."""
    stance = _stance(verb)
    mine = [c for c in claims_of(ask.asked, reading) if stance == "asserts" or c.stance == stance]
    if not mine:
        return None
    best = max(mine, key=lambda c: (_score(ask, c, reading), -c.index))
    denial = next((d for d in reading.denials if d.claim is best), None)
    text = _inner_answer(ask, best, reading) or best.content
    if denial is not None and (len(text.split()) > _MAX_WORDS or denial.content != best.content and denial.accusation is not None
                               and denial.content == denial.accusation.content):
        text = denial.content  # without "the allegations that …", or what "this" denies
    tied = [c for c in mine if c is not best and _score(ask, c, reading) == _score(ask, best, reading) and c.stance == best.stance]
    if stance == "denies" and tied:
        # "What did Serena deny?" with two denials and nothing to choose between them: both
        joined = "; ".join(dict.fromkeys(_denied(c, reading) for c in sorted([best, *tied], key=lambda c: c.index)))
        if len(joined.split()) <= _MAX_WORDS:
            text = joined
    if stance == "accuses":
        tokens = reading.doc[best.content_span[0]:best.content_span[1]]
        of = next((t for t in tokens if t.lower_ == "of" and t.dep_ == "prep"), None)
        text = reading.doc[of.i + 1:best.content_span[1]].text if of is not None else text
    return Answer(ask.text, _short(text, ask), [best.sentence], confidence=0.8)


def _denied(claim: Claim, reading: Reading) -> str:
    denial = next((d for d in reading.denials if d.claim is claim), None)
    return denial.content if denial is not None else claim.content


def _inner_answer(ask: Ask, claim: Claim, reading: Reading) -> str | None:
    """"What did Mr Brown insist he was on course to *meet*?": the object of the question's own
    verb inside the claim, when the claim uses that verb."""
    verb = ask.reporting
    inner = next((c for c in verb.children if c.dep_ in ("ccomp", "xcomp") and c.pos_ in ("VERB", "AUX")), None) if verb is not None else None
    inner = inner or next((t for t in ask.doc[verb.i + 1:] if t.pos_ in ("VERB", "AUX")), None) if verb is not None else None
    if inner is None or inner.lemma_ in ("do", "be", "have", "happen"):
        return None  # "What did Souness claim Bellamy had done …?": the claim itself answers
    for token in reading.doc[claim.content_span[0]:claim.content_span[1]]:
        if token.lemma_ == inner.lemma_ and token.pos_ in ("VERB", "AUX"):
            target = next((c for c in token.children if c.dep_ in ("dobj", "attr", "xcomp", "ccomp")), None)
            target = target or next((g for c in token.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"), None)
            if target is not None:
                return reading.doc[target.left_edge.i:target.right_edge.i + 1].text.strip(' ,."“”')
    return None


def _object_of(ask: Ask, reading: Reading, verb: Token) -> Answer | None:
    """"Whom did X blame / accuse / criticise?": the noun phrase X's claim with that verb is about."""
    lemma = verb.lemma_.lower()
    mine = [c for c in claims_of(ask.asked, reading) if c.verb and reading.doc[c.verb_token].lemma_.lower() == lemma]
    if not mine:
        return None
    best = max(mine, key=lambda c: _score(ask, c, reading))
    root = reading.doc[best.content_span[0]:best.content_span[1]].root
    name = name_of(root, reading) if root.pos_ in ("NOUN", "PROPN", "PRON") else None
    if name is None:
        return Answer(ask.text, None, [best.sentence], reason="the article does not say whom, in so many words", confidence=0.5)
    return Answer(ask.text, name, [best.sentence], confidence=0.75)


def _inside_claims(ask: Ask, reading: Reading, claims: list[Claim]) -> Answer | None:
    """"Who does X allege grabbed …?", "According to X, which referee …?": the filler of the question's
    verb inside X's words (its subject, or its object for "whom")."""
    if not claims:
        return None
    claims = sorted(claims, key=lambda c: -_score(ask, c, reading))
    # The question's own predicates, the one the wh word fills first ("which referee is *satisfied*
    # he dealt …", "would *set out* …"), never its reporting verb.
    predicates = [t for t in ask.doc if t.pos_ in ("VERB", "AUX", "ADJ") and t != ask.reporting and t.lemma_ not in ("do", "be", "have")
                  and (t.pos_ != "ADJ" or t.dep_ in ("acomp", "ROOT"))]
    predicates.sort(key=lambda t: (not any(c.lower_ in WH or c.dep_ in ("nsubj", "nsubjpass") and any(g.lower_ in WH for g in c.subtree)
                                           for c in (*t.children, *t.head.children)), t.i))
    unnamed = None
    for predicate in predicates:
        for claim in claims[:3]:
            for token in reading.doc[claim.content_span[0]:claim.content_span[1]]:
                if token.lemma_ != predicate.lemma_:
                    continue
                roles = ("dobj", "nsubjpass") if ask.object_role else ("nsubj", "nsubjpass")
                filler = next((c for c in token.children if c.dep_ in roles), None)
                if filler is None and token.dep_ in ("acomp", "oprd"):
                    filler = next((c for c in token.head.children if c.dep_ == "nsubj"), None)  # "… is satisfied"
                if filler is None or filler.lower_ in WH:
                    continue
                name = name_of(filler, reading)
                if name:
                    return Answer(ask.text, name, [claim.sentence], confidence=0.7)
                unnamed = unnamed or Answer(ask.text, None, [claim.sentence], reason=f"the article does not say who '{filler.text}' is here", confidence=0.5)
    return unnamed


def _according(ask: Ask, reading: Reading) -> Answer | None:
    """"According to X, …": the answer inside X's own words."""
    claims = claims_of(ask.according, reading)
    if ask.wh in {"who", "whom", "which"} and claims:
        return _inside_claims(ask, reading, claims)
    return None


def _short(text: str, ask: Ask) -> str:
    """An answer of at most 30 words: the part of a long content that holds most of the question's words."""
    words = text.split()
    if len(words) <= _MAX_WORDS:
        return text
    parts = [p.strip(' ,;"“”') for chunk in text.replace('"', "|").replace("“", "|").replace("”", "|").split("|")
             for p in chunk.replace(";", ".").split(". ") if p.strip(' ,;"“”')]
    wanted = set(ask.rest)
    best = max(parts, key=lambda p: (len(wanted & {w.lower().strip(".,") for w in p.split()}), -len(p)))
    return " ".join(best.split()[:_MAX_WORDS])


def _described(ask: Ask, reading: Reading) -> Answer | None:
    """"How did X describe Y?": the words after "as" ("rejected it as 'arithmetic fiction'") or of
    "called it …", in X's own claims first."""
    units = sorted({c.index for c in claims_of(ask.asked, reading)}) if ask.asked is not None else []
    ranked = [(n, s) for n, s in rank(ask, reading) if n in units][:4] + rank(ask, reading)[:4]
    for number, score in ranked:
        for t in sorted(reading.units[number], key=lambda t: t.lemma_.lower() not in _DESCRIBE):
            heads = [t, *(c for c in t.children if c.dep_ == "dobj")]  # "rejected [the accusation as …]"
            after = [c for h in heads for c in h.children if (c.lower_ == "as" and c.dep_ == "prep") or c.dep_ == "oprd"]
            if t.pos_ == "VERB" and after:
                first = after[0].i + 1 if after[0].lower_ == "as" else after[0].left_edge.i
                span = reading.doc[first : after[0].right_edge.i + 1].text
                text = (span if len(span.split()) <= 20 else phrase(after[0], 12)).strip(" \"“”‘’,.")
                return Answer(ask.text, text, [reading.texts[number]], confidence=round(min(1.0, 0.4 + 0.5 * score), 2))
    return None
