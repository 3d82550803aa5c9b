"""Attribution from the dependency parse: who said what, with which stance, in which unit.

A claim is a reporting verb (``data/reporting_verbs.tsv``, by lemma) with its speaker and content:

- "X said (that) …", "X denied the report", "X told reporters …": the verb's nominal subject is the
  speaker (the whole noun phrase: "Lt Col Eric Schnaible of the PCO") and its clausal complement
  or object is the content;
- '"…," he said.' and '"…," said X': the quotation before the verb is the content;
- 'He added: "…"' and quotations running over several sentences: the unit's quotation is the content;
- "according to X, …": X speaks the rest of the clause;
- "… was denied by X": the passive's agent speaks, its subject is what was denied;
- "…, saying …", "… issued a statement refuting …", "X denied … and said …": a participle or a
  coordinated verb shares the main verb's speaker.

Pronoun and role speakers are resolved by :mod:`.coref`; a reporting verb inside a quotation, a
negated one ("did not deny"), or one without a speaker or content gives no claim.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from summarize.offline.coref import Resolver
from summarize.offline.lexicon import ACCUSATIONS, REBUTTALS, ReportingVerb, reporting_verbs, speaker_nouns, titles
from summarize.offline.reading import Claim
from summarize.offline.units import text_of

_SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
_FOLLOWERS = {"advcl", "conj", "xcomp", "acl", "relcl", "pcomp"}
_NOT_CONTENT = {"punct", "cc", "aux", "auxpass", "neg", "advmod", "npadvmod", "mark", "prt"}
_DECISIONS = {"rise", "increase", "hike", "demand", "request", "motion", "appeal", "bid", "offer", "proposal", "application", "petition", "plea",
              "bill", "law", "plan", "deal", "amendment", "measure", "legislation", "compromise", "budget",
              "contract", "candidate", "nomination", "call", "offer"}


def _reading_of(verb: Token) -> ReportingVerb | None:
    """The lexicon entry for ``verb`` when it is used as a reporting verb here."""
    entries = reporting_verbs().get(verb.lemma_.lower())
    if not entries:
        return None
    if verb.pos_ not in {"VERB", "AUX"} and not (verb.dep_ == "ROOT" and any(c.dep_ == "nsubj" for c in verb.children)):
        return None  # a noun ("the claim"); a root with a subject is a verb whatever the tagger said ("he brands …")
    children = {c.lemma_.lower(): c for c in verb.children if c.dep_ in {"dobj", "prt", "attr", "acomp", "oprd"}}
    paired = [e for e in entries if e.partner and e.partner in children]
    if paired:
        entry = paired[0]
        if entry.stance == "confirms" and any(g.dep_ == "neg" for g in children[entry.partner].children):
            return ReportingVerb(entry.lemma, "denies", entry.frame, entry.partner)  # "pleaded not guilty"
        return entry
    return next((e for e in entries if e.partner is None), None)


class Attribution:
    """Finds the claims of one article."""

    def __init__(self, doc: Doc, units: list[Span], resolver: Resolver, quoted: list[bool]) -> None:
        self.doc, self.units, self.resolver, self.quoted = doc, units, resolver, quoted

    def claims(self) -> list[Claim]:
        claims: list[Claim] = []
        for number, unit in enumerate(self.units):
            for token in unit:
                if self.quoted[token.i]:
                    continue
                if token.lower_ == "according":
                    claim = self._according(token, number)
                else:
                    entry = _reading_of(token)
                    claim = self._claim(token, entry, number) if entry is not None else None
                if claim is not None:
                    claims.append(claim)
        for claim in claims:
            claim.stance = self._refine(claim, claims)
        return self._continued(claims)

    def _continued(self, claims: list[Claim]) -> list[Claim]:
        """A unit that is one quotation and nothing else, right after a quotation with its speaker,
        goes on in that speaker's words (news gives the attribution once: '"…," he said. ¶ "…"').
        Its claim has no verb of its own and says which sentence it continues."""
        out: list[Claim] = []
        by_unit: dict[int, list[Claim]] = {}
        for claim in claims:
            by_unit.setdefault(claim.index, []).append(claim)
        for number, unit in enumerate(self.units):
            own = by_unit.get(number, [])
            out.extend(own)
            before = [c for c in (out and by_unit.get(number - 1, [])) if c.quoted]
            if own or not before or not self._only_quotation(unit):
                continue
            last = before[-1]
            continued = Claim(
                speaker=last.speaker, party=last.party, stance="asserts", verb="", content=text_of(unit).strip(' "“”'),
                sentence=text_of(unit), index=number, quoted=True, mention=last.mention,
                resolution=f"continues the quotation of sentence {number}", mention_span=last.mention_span,
                content_span=(unit.start, unit.end), verb_token=unit.start,
            )
            by_unit[number] = [continued]
            out.append(continued)
        return out

    def _only_quotation(self, unit: Span) -> bool:
        words = [t for t in unit if not (t.is_punct or t.is_space)]
        return bool(words) and unit[0].text in {'"', "“", "``"} and all(self.quoted[t.i] for t in words)

    # -- the shapes ------------------------------------------------------------------------

    def _claim(self, verb: Token, entry: ReportingVerb, number: int) -> Claim | None:
        if any(c.dep_ == "neg" for c in verb.children):
            return None
        if entry.stance == "denies" and any(c.dep_ == "dative" for c in verb.children):
            return None  # "wrong to deny people the relaxed hours": a refusal, not a denial
        if entry.lemma == "deny" and not any(c.dep_ in {"ccomp", "xcomp"} for c in verb.children) and any(
            c.dep_ == "dobj" and (c.ent_type_ == "PERSON" or speaker_nouns().get(c.lemma_.lower()) == "person") for c in verb.children
        ):
            return None  # "the keeper denied the same player again": a save, not a denial
        agent = next((g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None)
        if verb.tag_ == "VBN" and verb.dep_ == "acl" and agent is not None and not self.quoted[agent.i]:
            # "… claims denied by Labour": the agent speaks about the noun the participle qualifies.
            before = self._before_comma(verb.head)
            noun = before if before is not None else [t for t in verb.head.subtree if not (verb.left_edge.i <= t.i <= verb.right_edge.i)]
            trimmed = self._trim(noun)
            if trimmed is None:
                return None
            return self._make(agent, entry.stance, verb.text, verb.i, trimmed[0], trimmed[1], trimmed[2], number)
        if verb.dep_ in {"amod", "compound"} or verb.tag_ == "VBN" and verb.dep_ == "acl":
            return None  # "the alleged fraud", "a senator accused of bribery": no one speaks
        if self._hypothetical(verb):
            return None  # "if he denies it", "had he denied the charge": nothing was said
        speaker = self._speaker(verb)
        if speaker is None or self.quoted[speaker.i]:
            return None
        content = self._content(verb, entry, speaker)
        if content is None:
            return None
        start, end, quoted = content
        words = [t.text for t in verb.children if t.dep_ in {"dobj", "prt"} and entry.partner and t.lemma_.lower() == entry.partner]
        verb_text = " ".join([verb.text, *words])
        return self._make(speaker, entry.stance, verb_text, verb.i, start, end, quoted, number)

    def _before_comma(self, noun: Token) -> list[Token] | None:
        """"Campaigners say the plant leaked oil, a claim denied by X" / ", a charge the company
        denies": the accusation noun after a comma stands for what comes before it: what the
        sentence's reporting verb reports (after "of" for "accused X of …"), or else the largest
        phrase ending at the comma."""
        comma = noun.left_edge.i - 1
        if comma <= 0 or self.doc[comma].text != "," or noun.lemma_.lower() not in ACCUSATIONS:
            return None
        own = range(noun.left_edge.i, noun.right_edge.i + 1)
        phrase = self.doc[comma - 1]
        while phrase.head.i != phrase.i and phrase.head.i < comma:
            head = phrase.head
            if head.dep_ == "ROOT" or head.lemma_.lower() in reporting_verbs():
                said = [c for c in head.children if c.i > head.i and c.i < comma and c.dep_ in {"dobj", "ccomp", "xcomp", "prep", "pcomp"}]
                if head.lemma_.lower() in reporting_verbs() and said:
                    of = next((c for c in said if c.lower_ == "of" and c.dep_ == "prep"), None)
                    first = self.doc[of.i + 1] if of is not None and head.lemma_.lower() == "accuse" else said[0].left_edge
                    return [t for t in self.doc[first.i:comma] if t.i not in own]
                break
            phrase = head
        tokens = [t for t in phrase.subtree if t.i < comma and t.i not in own]
        while tokens and tokens[0].pos_ == "ADP":
            tokens = tokens[1:]  # "of dumping waste …"
        return tokens or None

    def _according(self, according: Token, number: int) -> Claim | None:
        """"According to X, …": X (the object of "to") speaks the clause "according" hangs from."""
        to = next((c for c in according.children if c.lower_ == "to"), None)
        source = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
        if source is None:
            return None
        clause = according.head
        while clause.dep_ not in {"ROOT", "ccomp", "conj"} and clause.head.i != clause.i and clause.pos_ not in {"VERB", "AUX"}:
            clause = clause.head
        tokens = [t for t in clause.subtree if not (according.left_edge.i <= t.i <= according.right_edge.i)]
        tokens = [t for t in tokens if self.units[number].start <= t.i < self.units[number].end]
        while tokens and (tokens[0].is_punct and tokens[0].text not in {'"', "“"}):
            tokens = tokens[1:]
        while tokens and tokens[-1].is_punct and tokens[-1].text not in {'"', "”"}:
            tokens = tokens[:-1]
        if len(tokens) < 3:
            return None
        return self._make(source, "reports", "according to", according.i, tokens[0].i, tokens[-1].i + 1, False, number)

    @staticmethod
    def _hypothetical(verb: Token) -> bool:
        """A conditional clause: "if/unless/whether he denies …", or the inverted "had he denied …"."""
        if verb.dep_ not in {"advcl", "ccomp", "conj"}:
            return False
        subject = next((c for c in verb.children if c.dep_ in _SUBJECT_DEPS), None)
        return any(c.dep_ == "mark" and c.lower_ in {"if", "unless", "whether"} for c in verb.children) or any(
            c.dep_ == "aux" and c.lower_ in {"had", "should", "were"} and subject is not None and c.i < subject.i
            for c in verb.children
        )

    def _speaker(self, verb: Token) -> Token | None:
        """The head of the speaker's noun phrase."""
        for child in verb.children:
            if child.dep_ == "agent":  # "… was denied by X"
                return next((g for g in child.children if g.dep_ == "pobj"), None)
        if any(c.dep_ == "nsubjpass" for c in verb.children) or any(c.dep_ == "auxpass" for c in verb.children):
            return None  # a passive without an agent: nobody is named
        subject = next((c for c in verb.children if c.dep_ in {"nsubj", "csubj"}), None)
        if subject is not None:
            if subject.tag_ in {"WP", "WDT"} and verb.dep_ == "relcl":
                return verb.head  # "X, who denied …": the relative clause's antecedent
            nominal = subject.pos_ in {"NOUN", "PROPN", "PRON"} or subject.pos_ == "ADJ" and any(
                c.dep_ == "det" for c in subject.children)  # "the 64-year-old denies murder", "the accused"
            if subject.dep_ == "csubj" or not nominal or subject.lower_ in {"i", "we", "you", "there"}:
                return None
            if subject.lower_ == "it" and verb.lemma_ == "be":
                return None  # "it has been a strange week": no one
            if subject.lower_ == "it" and verb.lemma_ in {"say", "report", "claim", "allege", "estimate", "believe", "think"} and any(
                c.dep_ in {"ccomp"} for c in verb.children
            ) and any(c.dep_ == "aux" and c.lemma_ == "be" for c in verb.children):
                return None  # "it is said that …"
            return subject
        if verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.dep_ == "ROOT" and verb.head.pos_ in {"NOUN", "PROPN"}:
            return verb.head  # "Victims' groups accusing it of …" (no main verb): the groups speak
        if verb.dep_ in _FOLLOWERS and verb.head.i != verb.i and verb.dep_ != "relcl":
            head = verb.head
            if verb.dep_ == "conj" and head.dep_ in {"ccomp", "xcomp"}:
                # "X said Y paid … and expressed concern …": X's or Y's? Nobody's, unless Y cannot
                # speak ("X told the show the e-mail had gone out in error and denied any row": X's).
                subject = next((c for c in head.children if c.dep_ in _SUBJECT_DEPS), None)
                can_speak = subject is not None and (
                    subject.pos_ == "PROPN" or subject.lower_ in {"he", "she", "they", "we", "i", "you"}
                    or self.resolver.party_of(subject) or speaker_nouns().get(subject.lemma_.lower())
                )
                if can_speak:
                    return None
                return self._speaker(head.head) if head.head.i != head.i else None
            if verb.dep_ == "acl":
                # "a statement from X confirming …" is X's; "X issued a statement refuting …" is X's.
                source = next((g for c in head.children if c.dep_ in {"prep", "agent"} and c.lower_ in {"from", "by"}
                               for g in c.children if g.dep_ == "pobj"), None)
                if source is not None:
                    return source
                if head.dep_ != "dobj":
                    return None
                head = head.head
            if head.pos_ in {"VERB", "AUX"} and head.i != verb.i and head.lemma_ != "be":
                found = self._speaker(head)
                if found is None and verb.tag_ == "VBG" and verb.dep_ == "advcl" and head.dep_ in {"ccomp", "conj"} \
                        and any(c.dep_ in {"nsubjpass", "auxpass"} for c in head.children) and head.head.i != head.i:
                    # "X said his words had been distorted, calling the accusation untrue": the
                    # participle after a passive with no agent is the speaker's
                    found = self._speaker(head.head)
                return found
        return None

    def _content(self, verb: Token, entry: ReportingVerb, speaker: Token) -> tuple[int, int, bool] | None:
        """[start, end) token offsets of what was said, and whether it is a quotation.

        The content runs from the start of the verb's complement (a clause, or for verbs such as
        "deny" an object) to the end of the verb's phrase, stopping before an aside that carries a
        claim of its own (", saying …", "and added …", "according to …")."""
        if entry.frame == "quote":
            return self._quotation(verb)
        inside = verb.head.i == speaker.i and verb.dep_ in {"relcl", "acl"}  # "X, which denies …": the verb is in X's phrase
        children = [c for c in verb.children if c.i != speaker.i and (inside or not speaker.left_edge.i <= c.i <= speaker.right_edge.i)]
        relative = next((c for c in children if c.tag_ in {"WDT", "WP"} and c.dep_ in {"dobj", "nsubjpass"}), None)
        objects = any(c.dep_ in {"dobj", "ccomp", "xcomp"} for c in children)
        if verb.dep_ == "relcl" and (relative is not None or not objects and verb.head.lemma_.lower() in ACCUSATIONS):
            # "… accusations of anti-Semitism, which Labour denied", "…, a charge the company denies":
            # what "which" (or nothing) stands for.
            before = self._before_comma(verb.head)
            if before is not None:
                return self._trim(before)
            return self._trim([t for t in verb.head.subtree if not (verb.left_edge.i <= t.i <= verb.right_edge.i)])
        passive_subject = next((c for c in children if c.dep_ == "nsubjpass"), None)
        if passive_subject is not None:
            return self._trim(list(passive_subject.subtree))
        clause = next((c for c in children if c.dep_ in {"ccomp", "xcomp"} and not self._is_participle_aside(c)), None)
        if clause is not None and clause.pos_ not in {"VERB", "AUX"} and not self.quoted[clause.i]:
            clause = None  # "declare it bankrupt": a small clause, not something said
        if clause is not None and clause.i < verb.i:
            return self._quotation(verb) or self._trim(list(clause.subtree))
        if clause is not None and self.quoted[clause.left_edge.i] or clause is not None and any(
            self.quoted[t.i] for t in clause.subtree
        ) and self.doc[clause.left_edge.i].text in {'"', "“"}:
            return self._quotation(verb) or self._trim(list(clause.subtree))  # 'he told X: "…" "…"': the whole quotation
        right = [c for c in children if c.i > verb.i]
        start = None
        if clause is not None:
            start = clause.left_edge
            subjectless = not any(c.dep_ in _SUBJECT_DEPS for c in clause.children)
            before = next((c for c in right if c.dep_ == "dobj" and c.i < clause.i), None)
            if subjectless and before is not None:
                start = before.left_edge  # "denied Mr Yeo, his spokesman, said the plans stink": Yeo said it
        elif entry.frame == "clause" and any(c.dep_ == "oprd" for c in right) and any(c.dep_ == "dobj" for c in right):
            # "calling the accusation "completely untrue"": what is called so, and what it is called
            start = next(c for c in right if c.dep_ == "dobj").left_edge
        elif entry.frame == "clause":
            # The parser may hang "that" anywhere; it still opens what was said ("reported the previous day that …").
            start = next((t for c in right for t in c.subtree if t.lower_ == "that" and t.dep_ not in {"det", "nsubj", "nsubjpass"}), None)
        elif entry.frame == "object" or entry.stance != "asserts":
            first = next((c for c in right if c.dep_ in {"dobj", "attr", "oprd", "acomp", "dative", "prep", "pcomp"}
                          and not (entry.partner and c.lemma_.lower() == entry.partner)), None)
            if first is not None and not (first.dep_ == "prep" and first.lower_ in {"on", "in", "at", "during", "after", "before"}):
                start = first.left_edge
        if start is None and entry.partner:
            # "expressed concern that …" / "… over …": what the concern is about.
            partner = next((c for c in children if c.lemma_.lower() == entry.partner), None)
            about = [c for c in partner.children if c.dep_ in {"acl", "ccomp", "prep", "relcl"}] if partner is not None else []
            if about:
                return self._trim(list(self.doc[about[0].left_edge.i:partner.right_edge.i + 1]))
        if start is None:
            quotation = self._quotation(verb)
            if quotation is not None and (entry.frame == "clause" or not right):
                return quotation
            return None
        end = verb.right_edge.i + 1
        for child in right:
            if child.i > start.i and (self._is_aside(child) or child.text == ";"
                                      or child.lower_ == "according" or child.dep_ == "advcl" and child.tag_ == "VBG"):
                end = min(end, child.left_edge.i)
        unit = self.units[self.resolver._unit_of[verb.i]]
        end = min(end, unit.end)
        for token in self.doc[start.i:end]:
            if token.tag_ == "VBG" and token.dep_ == "advcl" and token.lemma_.lower() in reporting_verbs() and token.i > start.i \
                    and self.doc[token.left_edge.i - 1].text == ",":
                end = min(end, token.left_edge.i - 1)  # "denied it had lost, saying …": the speaker's aside
            # "…, a charge the company denies": another party's answer, not part of what was said
            if token.lemma_.lower() in ACCUSATIONS and token.left_edge.i > start.i and self.doc[token.left_edge.i - 1].text == "," \
                    and any(c.dep_ in {"relcl", "acl"} and c.lemma_.lower() in reporting_verbs() for c in token.children):
                end = min(end, token.left_edge.i - 1)
        tokens = list(self.doc[start.i:end])
        if tokens and tokens[0].dep_ == "mark" and tokens[0].lower_ != "that" and not (
            tokens[0].lower_ in {"whether", "if"} and verb.lemma_.lower() in {"question", "ask", "wonder", "doubt"}
        ):
            return None
        return self._trim(tokens)

    def _quotation(self, verb: Token) -> tuple[int, int, bool] | None:
        """The quotation next to ``verb`` in its unit: the one just before it ('"…," he said') or
        right after it ('he said: "…"'); in a multi-sentence unit, all of its quoted text."""
        unit = self.units[self.resolver._unit_of[verb.i]]
        quoted = [t for t in unit if self.quoted[t.i]]
        if not quoted:
            return None
        before = [t for t in quoted if t.i < verb.i]
        after = [t for t in quoted if t.i > verb.i]
        near_before = bool(before) and verb.i - before[-1].i <= 8
        near_after = bool(after) and after[0].i - verb.i <= 8
        if not (near_before or near_after):
            return None
        # '"A," X said. "B."': both halves are X's; the span runs over the attribution between them.
        start = before[0].i if near_before else after[0].i
        end = (after[-1].i if near_after else before[-1].i) + 1
        while end > start and self.doc[end - 1].is_punct and self.doc[end - 1].text in {",", "."}:
            end -= 1
        return (start, end, True) if end - start >= 2 else None

    def _is_aside(self, token: Token) -> bool:
        return self._is_participle_aside(token) or token.dep_ in {"conj", "cc"} and token.pos_ in {"VERB", "AUX"}

    @staticmethod
    def _is_participle_aside(token: Token) -> bool:
        return token.tag_ == "VBG" and token.dep_ == "advcl" and any(t.text == "," for t in token.doc[max(0, token.i - 2):token.i])

    def _trim(self, tokens: list[Token]) -> tuple[int, int, bool] | None:
        tokens = sorted(tokens, key=lambda t: t.i)
        while tokens and (tokens[0].is_punct or tokens[0].is_space):
            tokens = tokens[1:]
        while tokens and (tokens[-1].is_punct or tokens[-1].is_space or tokens[-1].dep_ == "cc") and tokens[-1].text not in {'"', "”"}:
            tokens = tokens[:-1]
        marks = [t for t in tokens if t.text in {'"', "“", "”"}]
        if len(marks) % 2:  # a quotation cut at its end: take its closing mark, or drop the opening one
            following = self.doc[tokens[-1].i + 1] if tokens[-1].i + 1 < len(self.doc) else None
            if following is not None and following.text in {'"', "”"}:
                tokens.append(following)
            elif tokens[-1].text in {'"', "”"}:
                tokens.pop()
        if not tokens:
            return None
        quoted = all(self.quoted[t.i] for t in tokens if not t.is_punct)
        return tokens[0].i, tokens[-1].i + 1, quoted

    # -- building and refining -------------------------------------------------------------

    def _make(self, head: Token, stance: str, verb: str, verb_i: int, start: int, end: int, quoted: bool, number: int) -> Claim | None:
        phrase = self._phrase(head)
        mention = text_of(self.doc[phrase[0].i:phrase[-1].i + 1]).strip(" ,")
        resolution = self.resolver.resolve(head)
        party = resolution.party or self.resolver.affiliation(head)
        if head.lower_ in {"he", "she", "it", "they"}:
            speaker = resolution.party or resolution.text or mention
        elif resolution.party and all(
            self.resolver.owner.get(t.i) == resolution.party or t.lower_ == "the" or t.lower_.rstrip(".") in titles()
            for t in phrase
        ):
            speaker = resolution.party  # "Mr Kirby", "Kirby", "the Wagner Group" -> the party's full name
        else:
            speaker = mention
        content = text_of(self.doc[start:end])
        if len(content) < 2:
            return None
        return Claim(
            speaker=speaker, party=party, stance=stance, verb=verb, content=content,
            sentence=text_of(self.units[number]), index=number, quoted=quoted, mention=mention,
            resolution=resolution.how, mention_span=(phrase[0].i, phrase[-1].i + 1), content_span=(start, end),
            verb_token=verb_i,
        )

    def _phrase(self, head: Token) -> list[Token]:
        """The speaker's noun phrase: compounds, titles, "of"/"for" phrases ("Lt Col Eric Schnaible
        of the PCO"), and an apposition only when the head itself is no name ("the spokesman, John
        Smith"); without relative clauses, participle asides ("owned by …") or parentheses."""
        named = self.resolver.party_of(head) is not None and head.i in self.resolver.owner
        drop = {"relcl", "acl", "punct", "advmod", "cc", "conj"} | ({"appos"} if named else set())
        keep = [head]
        for child in head.children:
            if child.dep_ in drop:
                continue
            keep.extend(child.subtree)
        keep.sort(key=lambda t: t.i)
        run = [t for t in keep if keep[0].i <= t.i]
        # Contiguous from the head's left edge; an apposition's commas come back only inside.
        tokens = list(self.doc[run[0].i:run[-1].i + 1])
        if any(t.i not in {k.i for k in keep} and not t.is_punct for t in tokens) or len(tokens) > 14:
            left = [t for t in keep if t.i <= head.i]
            tokens = list(self.doc[left[0].i:head.i + 1])
        return [t for t in tokens if not (t.is_punct and t.i in {tokens[0].i, tokens[-1].i})] or [head]

    @staticmethod
    def _rebuts(content: Span) -> bool:
        """'"That is completely untrue," he said', "the allegations were wildly exaggerated", "the
        claims had no merit", "it is not true": what is said of a claim is that it is false."""
        if any(t.lower_ in {"if", "whether", "unless"} for t in content):
            return False
        for word in content:
            lemma = word.lemma_.lower()
            negated = any(c.dep_ == "neg" or c.lower_ == "no" for c in (*word.children, *word.head.children))
            if not (lemma in REBUTTALS - {"merit"} or negated and lemma in {"true", "merit", "basis", "truth", "foundation", "substance"}):
                continue
            if any(c.dep_ in {"xcomp", "ccomp", "advcl"} for c in word.children):
                continue  # "it would be wrong to deny people …": a judgement, not a claim called false
            if word.dep_ in {"oprd", "xcomp", "ccomp", "acomp"} and any(
                c.dep_ == "dobj" and (c.lemma_.lower() in ACCUSATIONS or c.lower_ in {"it", "this", "that", "them"}) for c in word.head.children
            ) or word.dep_ == "amod" and word.head.lemma_.lower() in ACCUSATIONS and word.head.dep_ == "dobj":
                return True  # "calling the accusation "completely untrue"", "branding the claims nonsense"
            for verb in (word, word.head):
                if any(c.dep_ in {"nsubj", "nsubjpass"} and (c.lower_ in {"that", "this", "it", "these", "those", "they"}
                                                              or c.lemma_.lower() in ACCUSATIONS) for c in verb.children):
                    return True
        return False

    def _refine(self, claim: Claim, claims: list[Claim]) -> str:
        """Stances the verb alone gets wrong: "That is untrue," he said (a denial); rejecting a bill
        (a decision, not a denial); condemning an accusation "as groundless" (a denial); a negated
        statement answering another party's claim (a rebuttal)."""
        content = self.doc[claim.content_span[0]:claim.content_span[1]]
        lemmas = {t.lemma_.lower() for t in content}
        root = content.root
        if claim.stance == "asserts" and self._rebuts(content):
            return "denies"
        if claim.stance == "denies" and self.doc[claim.verb_token].lemma_.lower() != "deny" and root.lemma_.lower() in _DECISIONS and root.i == claim.content_span[0] + sum(
            1 for t in content if t.i < root.i and t.dep_ in {"det", "poss", "amod", "compound", "nummod"}
        ):
            return "asserts"
        if claim.stance in {"condemns", "asserts"} and root.lemma_.lower() in ACCUSATIONS and any(
            t.lower_ == "as" for t in self.doc[claim.content_span[1]:self.units[claim.index].end]
        ) | any(t.lower_ == "as" for t in content):
            return "denies"
        if claim.stance == "asserts" and claim.party and any(t.dep_ == "neg" and t.head.i == root.i for t in content):
            own = {t.lemma_.lower() for t in content if t.pos_ in {"NOUN", "PROPN", "VERB", "ADJ"} and not t.is_stop}
            for other in claims:
                if other.index < claim.index and other.party and other.party != claim.party:
                    theirs = {t.lemma_.lower() for t in self.doc[other.content_span[0]:other.content_span[1]]
                              if t.pos_ in {"NOUN", "PROPN", "VERB", "ADJ"} and not t.is_stop}
                    if len(own & theirs) >= (2 if other.stance in {"accuses", "condemns", "reports"} else 3):
                        return "denies"
        return claim.stance
