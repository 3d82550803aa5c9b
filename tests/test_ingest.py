"""Ingest stage: agency text, sentences, feeds, batches, folders, bad inputs, stdin, big inputs."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from summarize import load_articles
from summarize.clean import parse_agency_text
from summarize.errors import InputError
from summarize.ingest import RecordError, article_from_text, resolve_inputs

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_8d0dd191232a21b1.txt"


def sha12(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def load(sources):
    errors: list[InputError] = []
    return list(load_articles(sources, on_error=errors.append)), errors


def rss(items: str) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>'
            f"<link>https://news.example/</link><description>d</description>{items}</channel></rss>")


RSS_ITEMS = """
<item><title>One &amp; two</title><link>https://news.example/1</link><guid>guid-1</guid>
 <pubDate>Fri, 23 Dec 2022 10:00:00 GMT</pubDate>
 <description><![CDATA[<p>First <b>para</b> here.</p><script>alert(1)</script><ul><li>Point one.</li></ul>
 <p>Second para.</p>]]></description></item>
<item><title>Linked</title><link>https://news.example/2</link><description>Plain text body.</description></item>
<item><title>Bare</title><description>Only a body here.</description></item>
<item><title>Empty</title><link>https://news.example/4</link></item>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>A</title><id>urn:feed</id><updated>2023-01-02T00:00:00Z</updated>
<entry><title>E1</title><id>urn:e1</id><link href="https://a.example/1"/><updated>2023-01-02T03:04:05Z</updated>
 <content type="html">&lt;p&gt;Alpha &lt;i&gt;one&lt;/i&gt;.&lt;/p&gt;&lt;p&gt;Beta.&lt;/p&gt;</content></entry>
<entry><title>E2</title><id>urn:e2</id><link href="https://a.example/2"/><published>2023-01-03T00:00:00Z</published>
 <summary>Sum two.</summary></entry>
<entry><title>E3 without text</title><id>urn:e3</id><updated>2023-01-04T00:00:00Z</updated></entry>
</feed>"""


# --- agency text -------------------------------------------------------------------------------
def test_seed_file_parses_header_dateline_body_and_drops_disclaimer():
    raw = SEED.read_text(encoding="utf-8")
    [article] = list(load_articles(SEED))
    assert article.date == "2022-12-23"
    assert article.dateline == "Seoul/Washington, Dec 23"
    assert article.text.startswith("The White House said North Korea")
    assert article.id == SEED.stem and article.source == str(SEED)
    assert "Disclaimer" not in article.text and "auto-published" not in article.text
    assert article.text.rstrip().endswith('for different purposes."')
    # Paragraphs survive: every body paragraph of the file, minus the disclaimer, in order.
    paragraphs = [p.strip() for p in raw.split("\n\n") if p.strip()]
    assert paragraphs[-1].startswith("Disclaimer:")
    assert article.text.split("\n\n")[1:] == paragraphs[1:-1]
    assert len(article.warnings) == 1 and "Disclaimer: This post has been auto-published" in article.warnings[0]


@pytest.mark.parametrize(
    "raw, dateline, start",
    [
        ("WASHINGTON (Reuters) - The U.S. Senate voted on Tuesday.", "WASHINGTON (Reuters)", "The U.S. Senate"),
        ("LONDON, March 3 (Reuters) - Britain's economy grew.", "LONDON, March 3 (Reuters)", "Britain's economy"),
        ("Kyiv, Ukraine, 5 May: Ukrainian forces said they advanced.", "Kyiv, Ukraine, 5 May", "Ukrainian forces"),
        ("PARIS (AFP) — French unions called a strike.", "PARIS (AFP)", "French unions"),
        ("Seoul, Dec. 23, 2022 -- Prices rose.", "Seoul, Dec. 23, 2022", "Prices rose."),
    ],
)
def test_dateline_styles(raw, dateline, start):
    clean = parse_agency_text(raw)
    assert clean.dateline == dateline
    assert clean.body.startswith(start)
    article = article_from_text("date 2023-03-03\n" + raw, source="x")
    assert (article.date, article.dateline) == ("2023-03-03", dateline)
    assert article.text.startswith(start)


@pytest.mark.parametrize(
    "raw",
    [
        "The minister said on Monday that prices rose sharply.",
        "Officials in Seoul said on Friday, Dec 23, that talks would resume.",
        "North Korea, the isolated state, fired a missile.",
        "On Tuesday, March 3, the central bank raised rates by half a point.",
    ],
)
def test_text_without_dateline_keeps_its_first_words(raw):
    clean = parse_agency_text(raw)
    assert clean.dateline is None
    assert clean.body == raw


BOILERPLATE = [
    "The post Wagner gets North Korean arms appeared first on Example Daily.",
    "Reporting by Jane Doe; Editing by John Smith",
    "Disclaimer: This story was auto-generated from a syndicated feed.",
    "Follow us on Twitter",
    "Read more: Seoul condemns arms trade",
    "Copyright 2023 Example Media Corp. All rights reserved.",
    "(This story has not been edited by staff and is published from a syndicated feed.)",
    "Only the headline and picture of this report may have been reworked by the staff.",
]
KEPT = [
    "The company's disclaimer said nothing about the risks, analysts noted.",
    "Regulators reviewed the disclaimer: it was auto-published without review, they said.",
    "Disclaimer: the figures are preliminary, the ministry said.",
    "Advertisement spending rose 5% last year.",
]


def test_boilerplate_variants_dropped_and_real_sentences_kept():
    raw = "\n\n".join(["SEOUL, Dec 23 (Yonhap) - Talks resumed on Friday."] + KEPT + BOILERPLATE)
    article = article_from_text(raw, source="x")
    assert article.dateline == "SEOUL, Dec 23 (Yonhap)"
    assert article.text.split("\n\n") == ["Talks resumed on Friday."] + KEPT
    for line in BOILERPLATE:
        assert line not in article.text
    assert len(article.warnings) == len(BOILERPLATE)
    assert all(w.startswith("removed feed boilerplate") for w in article.warnings)


def test_text_that_is_only_boilerplate_is_an_error(tmp_path):
    with pytest.raises(RecordError, match="boilerplate"):
        article_from_text("Reporting by A; Editing by B\n\nAll rights reserved.", source="x")
    path = tmp_path / "only.txt"
    path.write_text("Follow us on Twitter\n", encoding="utf-8")
    with pytest.raises(InputError, match=str(path)):
        list(load_articles(path))


# --- feeds ---------------------------------------------------------------------------------------
def test_rss_entries_become_articles_and_an_empty_entry_is_a_record_error(tmp_path):
    path = tmp_path / "wire.rss"
    path.write_text(rss(RSS_ITEMS), encoding="utf-8")
    articles, errors = load(path)
    assert [a.id for a in articles] == ["guid-1", "https://news.example/2", sha12("Only a body here.")]
    first = articles[0]
    assert first.text == "First para here.\n\nPoint one.\n\nSecond para."
    assert (first.title, first.date, first.link) == ("One & two", "2022-12-23", "https://news.example/1")
    assert all("<" not in a.text and ">" not in a.text and "alert" not in a.text for a in articles)
    assert [a.source for a in articles] == [f"{path}#1", f"{path}#2", f"{path}#3"]
    [error] = errors
    assert isinstance(error, RecordError) and error.source == f"{path}#4" and str(path) in str(error)
    with pytest.raises(RecordError):  # without on_error the bad entry is raised
        list(load_articles(path))


def test_atom_entries(tmp_path):
    path = tmp_path / "feed.atom"
    path.write_text(ATOM, encoding="utf-8")
    articles, errors = load(path)
    assert [(a.id, a.title, a.date, a.text) for a in articles] == [
        ("urn:e1", "E1", "2023-01-02", "Alpha one.\n\nBeta."),
        ("urn:e2", "E2", "2023-01-03", "Sum two."),
    ]
    assert [a.link for a in articles] == ["https://a.example/1", "https://a.example/2"]
    assert [(type(e), e.source) for e in errors] == [(RecordError, f"{path}#3")]


# --- batches -------------------------------------------------------------------------------------
def test_jsonl_fields_ids_and_bad_lines(tmp_path):
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"id": "a1", "title": "T", "date": "2022-01-01", "questions": ["Who?", " Why? "],
                    "text": "One article.\n\nReporting by A; Editing by B"}),
        "this is not json",
        "",
        json.dumps({"title": "no text here"}),
        json.dumps({"text": "Same text."}),
        json.dumps({"text": "Same text.", "id": 7}),
        json.dumps({"text": "Same text."}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    articles, errors = load(path)
    first = articles[0]
    assert (first.id, first.title, first.date, first.questions) == ("a1", "T", "2022-01-01", ["Who?", "Why?"])
    assert first.text == "One article." and len(first.warnings) == 1
    # The same text twice, with no id: the same content id, so the second one is made unique.
    assert [a.id for a in articles[1:]] == [sha12("Same text."), "7", sha12("Same text.") + "-2"]
    assert articles[3].warnings == [f"id {sha12('Same text.')!r} repeats an earlier article's id; "
                                    f"renamed {sha12('Same text.') + '-2'!r}"]
    assert [a.source for a in articles] == [f"{path}:{n}" for n in (1, 5, 6, 7)]
    assert all(isinstance(e, RecordError) for e in errors)
    assert [e.source for e in errors] == [f"{path}:2", f"{path}:4"]
    assert all(str(e).startswith(f"{path}:") and "\n" not in str(e) for e in errors)
    with pytest.raises(RecordError, match=f"{path}:2"):
        list(load_articles(path))


def test_content_id_is_stable_across_processes(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"text": "Stable text for hashing."}) + "\n", encoding="utf-8")
    code = "import sys; from summarize import load_articles; print(next(load_articles(sys.argv[1])).id)"
    ids = {subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONHASHSEED": seed}).stdout.strip() for seed in ("1", "2")}
    assert ids == {sha12("Stable text for hashing.")}
    assert all(len(i) == 12 and set(i) <= set("0123456789abcdef") for i in ids)


def test_json_array_and_object(tmp_path):
    path = tmp_path / "list.json"
    path.write_text(json.dumps([{"id": 5, "text": "Five."}, {"text": "Hashed."}, "not an object"]))
    articles, errors = load(path)
    assert [(a.id, a.text) for a in articles] == [("5", "Five."), (sha12("Hashed."), "Hashed.")]
    assert [(type(e), e.source) for e in errors] == [(RecordError, f"{path}#3")]
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(json.dumps({"articles": [{"text": "Inside."}]}))
    assert [a.text for a in load_articles(wrapped)] == ["Inside."]


def test_csv_rows_ids_and_errors(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text('id,title,text,questions\n1,First,Alpha text.,"[""Who?""]"\n2,Second,,\n3,Third,Gamma.,\n')
    articles, errors = load(path)
    assert [(a.id, a.title, a.text, a.questions) for a in articles] == [
        ("1", "First", "Alpha text.", ["Who?"]), ("3", "Third", "Gamma.", []),
    ]
    assert [(type(e), e.source) for e in errors] == [(RecordError, f"{path}:3")]
    no_text = tmp_path / "notext.csv"
    no_text.write_text("id,body\n1,hello\n")
    with pytest.raises(InputError) as info:
        list(load_articles(no_text))
    assert not isinstance(info.value, RecordError)
    assert str(info.value).startswith(str(no_text)) and "'text'" in str(info.value)


@pytest.mark.parametrize(
    "ids, expected",
    [(["7", "", "3"], ["7", sha12("Row 1."), "3"]), (["007", "12", "3"], ["007", "12", "3"])],
    ids=["missing-id-cell", "leading-zeros"],
)
def test_csv_ids_are_kept_as_written(tmp_path, ids, expected):
    path = tmp_path / "ids.csv"
    path.write_text("id,text\n" + "".join(f"{i},Row {n}.\n" for n, i in enumerate(ids)))
    assert [a.id for a in load_articles(path)] == expected


def test_parquet_rows_ids_and_errors(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "rows.parquet"
    pq.write_table(pa.table({"id": [1, 2, 3], "text": ["Alpha.", "", "Gamma."], "date": ["2022-01-01", None, None]}),
                   path)
    articles, errors = load(path)
    assert [(a.id, a.text, a.date) for a in articles] == [("1", "Alpha.", "2022-01-01"), ("3", "Gamma.", None)]
    assert [(type(e), e.source) for e in errors] == [(RecordError, f"{path}:2")]
    no_text = tmp_path / "notext.parquet"
    pq.write_table(pa.table({"id": [1], "body": ["x"]}), no_text)
    with pytest.raises(InputError, match="'text'") as info:
        list(load_articles(no_text))
    assert str(info.value).startswith(str(no_text)) and not isinstance(info.value, RecordError)


# --- headline and agency header, the same in every container --------------------------------------
@pytest.mark.parametrize(
    "raw, title, text",
    [
        ("Harbour bridge reopens after repairs\n\nThe bridge reopened on Monday.\n\nTraffic was light.",
         "Harbour bridge reopens after repairs", "The bridge reopened on Monday.\n\nTraffic was light."),
        ("date 2023-04-05\nNorway holds rates\n\nOSLO, April 5 (Reuters) - The bank held rates.",
         "Norway holds rates", "The bank held rates."),
        ("# Markdown heading here\n\nBody text.", "Markdown heading here", "Body text."),
        ('"Gossip": Wagner rejects claim\n\nThe group denied it.', '"Gossip": Wagner rejects claim', "The group denied it."),
    ],
    ids=["plain", "header-headline-dateline", "markdown", "quoted"],
)
def test_headline_line_becomes_title(raw, title, text):
    article = article_from_text(raw, source="x")
    assert (article.title, article.text) == (title, text)
    assert article.id == sha12(text)


@pytest.mark.parametrize(
    "raw",
    [
        "Rates held steady on Monday.\n\nThe bank said more.",
        'He said "we are done."\n\nThe talks ended.',
        "Officials said on Monday:\n\nThe talks ended.",
        "Rates held steady",
        "Rates held steady\n",
        "Rates held steady\nas the bank waited\n\nThe talks ended.",
        "By Jane Doe\n\nThe talks ended.",
        "Date: 5 Jan 2023\n\nThe talks ended.",
        " ".join(["word"] * 21) + "\n\nThe talks ended.",
        "Headline with nothing after it\n\nFollow us on Twitter",
    ],
    ids=["period", "quote-after-period", "colon", "one-line", "one-line-newline", "wrapped-paragraph",
         "byline", "other-date-header", "too-long", "nothing-after"],
)
def test_first_line_that_is_not_a_headline_stays_text(raw):
    article = article_from_text(raw, source="x")
    assert article.title is None
    assert article.text.startswith(raw.split()[0])


def test_boilerplate_first_line_is_dropped_not_taken_as_title():
    article = article_from_text("Follow us on Twitter\n\nThe talks ended.", source="x")
    assert (article.title, article.text) == (None, "The talks ended.") and len(article.warnings) == 1


def test_dateline_only_first_line_is_a_dateline_not_a_headline():
    article = article_from_text("date 2023-04-05\nSeoul, Dec 23\n\nThe talks resumed.", source="x")
    assert (article.title, article.date, article.dateline, article.text) == (
        None, "2023-04-05", "Seoul, Dec 23", "The talks resumed.")


def test_given_title_wins_and_a_repeated_headline_is_dropped():
    article = article_from_text("Other headline here\n\nBody.", source="x", title="Given")
    assert (article.title, article.text) == ("Given", "Other headline here\n\nBody.")
    article = article_from_text("Bridge  reopens\n\nBody.", source="x", title="bridge reopens")
    assert (article.title, article.text) == ("bridge reopens", "Body.")


AGENCY_BODY = "Norway's central bank held rates on Wednesday.\n\nIt said inflation was easing."
# id: (fields the container gives, raw text, expected (title, date, dateline, text)).
ARTICLES = {
    "headline": ({}, "Harbour bridge reopens after repairs\n\nThe bridge reopened.\n\nTraffic was light.",
                 ("Harbour bridge reopens after repairs", None, None, "The bridge reopened.\n\nTraffic was light.")),
    "agency": ({}, "date 2023-04-05\nOSLO, April 5 (Reuters) - " + AGENCY_BODY,
               (None, "2023-04-05", "OSLO, April 5 (Reuters)", AGENCY_BODY)),
    "both": ({}, "date 2023-04-05\n\nNorway holds rates\n\nOSLO, April 5 (Reuters) - " + AGENCY_BODY,
             ("Norway holds rates", "2023-04-05", "OSLO, April 5 (Reuters)", AGENCY_BODY)),
    "period": ({}, "Rates held steady on Monday.\n\nThe bank said more.",
               (None, None, None, "Rates held steady on Monday.\n\nThe bank said more.")),
    "one-line": ({}, "Rates held steady", (None, None, None, "Rates held steady")),
    "given": ({"title": "Given title", "date": "2020-01-01"}, "date 2023-04-05\nAnother headline\n\nThe bank said more.",
              ("Given title", "2020-01-01", None, "Another headline\n\nThe bank said more.")),
    "repeated": ({"title": "Bridge reopens"}, "Bridge reopens\n\nThe bridge reopened.",
                 ("Bridge reopens", None, None, "The bridge reopened.")),
}


def _html(text: str) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))


def _write_container(tmp_path: Path, kind: str) -> Path:
    """Every article of ARTICLES (text files: those without fields) in one container of ``kind``."""
    records = [{"id": key, "title": fields.get("title"), "date": fields.get("date"), "text": raw}
               for key, (fields, raw, _) in ARTICLES.items()]
    path = tmp_path / f"in.{kind}"
    if kind == "txt":
        path.mkdir()
        for r in records:
            if r["title"] is None and r["date"] is None:
                (path / f"{r['id']}.txt").write_text(r["text"], encoding="utf-8")
    elif kind == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    elif kind == "json":
        path.write_text(json.dumps(records), encoding="utf-8")
    elif kind == "csv":
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=["id", "title", "date", "text"])
            writer.writeheader()
            writer.writerows({k: v or "" for k, v in r.items()} for r in records)
    elif kind == "parquet":
        pa = pytest.importorskip("pyarrow")
        pq = pytest.importorskip("pyarrow.parquet")
        pq.write_table(pa.table({k: [r[k] for r in records] for k in records[0]}), path)
    elif kind == "rss":
        items = "".join(
            "<item>" + (f"<title>{escape(r['title'])}</title>" if r["title"] else "") + f"<guid>{r['id']}</guid>"
            + (f"<pubDate>{format_datetime(datetime.fromisoformat(r['date']).replace(tzinfo=timezone.utc))}</pubDate>"
               if r["date"] else "")
            + f"<description>{escape(_html(r['text']))}</description></item>"
            for r in records)
        path.write_text(rss(items), encoding="utf-8")
    elif kind == "atom":
        entries = "".join(
            f"<entry><id>{r['id']}</id>" + (f"<title>{escape(r['title'])}</title>" if r["title"] else "")
            + (f"<published>{r['date']}T00:00:00Z</published>" if r["date"] else "")
            + f'<content type="html">{escape(_html(r["text"]))}</content></entry>'
            for r in records)
        path.write_text('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                        f"<title>A</title><id>urn:feed</id>{entries}</feed>", encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["txt", "jsonl", "json", "csv", "parquet", "rss", "atom"])
def test_headline_and_agency_header_parse_the_same_in_every_container(tmp_path, kind):
    articles, errors = load(_write_container(tmp_path, kind))
    assert errors == []
    got = {a.id: (a.title, a.date, a.dateline, a.text) for a in articles}
    expected = {key: want for key, (fields, _, want) in ARTICLES.items() if kind != "txt" or not fields}
    assert got == expected


@pytest.mark.parametrize("kind", ["jsonl", "csv"])
def test_seed_text_in_a_batch_parses_like_the_text_file(tmp_path, kind):
    [from_txt] = list(load_articles(SEED))
    path = tmp_path / f"seed.{kind}"
    record = {"id": SEED.stem, "text": SEED.read_text(encoding="utf-8")}
    if kind == "jsonl":
        path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    else:
        with path.open("w", encoding="utf-8", newline="") as out:
            csv.DictWriter(out, fieldnames=list(record)).writerows([dict(zip(record, record)), record])
    [article] = list(load_articles(path))
    assert (article.date, article.dateline) == ("2022-12-23", "Seoul/Washington, Dec 23")
    assert article.text == from_txt.text and article.warnings == from_txt.warnings
    assert not article.text.lower().startswith("date")


def test_a_record_dateline_field_wins(tmp_path):
    path = tmp_path / "b.jsonl"
    path.write_text(json.dumps({"dateline": "Oslo", "text": "OSLO, April 5 (Reuters) - Rates held."}) + "\n")
    [article] = list(load_articles(path))
    assert (article.dateline, article.text) == ("Oslo", "Rates held.")


# --- folders -------------------------------------------------------------------------------------
def test_folder_is_recursive_by_extension_and_skips_hidden(tmp_path):
    root = tmp_path / "in"
    files = {
        "a.txt": "Alpha story.", "sub/b.jsonl": json.dumps({"text": "Beta story."}), "sub/deep/c.md": "Gamma.",
        ".hidden/d.txt": "Hidden dir.", ".e.txt": "Hidden file.", "sub/.f.txt": "Hidden too.",
        "notes.docx": "unsupported", "sub/image.png": "unsupported", "README": "no extension",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    resolved = resolve_inputs(root)
    assert [(Path(p).relative_to(root).as_posix(), kind) for p, kind in resolved] == [
        ("a.txt", "text"), ("sub/b.jsonl", "jsonl"), ("sub/deep/c.md", "text"),
    ]
    articles, errors = load(str(root))
    assert [a.text for a in articles] == ["Alpha story.", "Beta story.", "Gamma."] and errors == []


@pytest.mark.parametrize("contents", [{}, {"x.docx": "no", ".h.txt": "hidden"}], ids=["empty", "nothing-usable"])
def test_folder_without_supported_files_is_an_input_error(tmp_path, contents):
    root = tmp_path / "folder"
    root.mkdir()
    for name, text in contents.items():
        (root / name).write_text(text)
    with pytest.raises(InputError, match=str(root)):
        resolve_inputs(root)
    articles, errors = load([root, SEED])
    assert len(articles) == 1 and [e.source for e in errors] == [str(root)]


# --- bad inputs ----------------------------------------------------------------------------------
BAD = [
    ("missing.txt", None, "no such file"),
    ("empty.txt", b"", "empty"),
    ("blank.jsonl", b"  \n\t \n", "empty"),
    ("blob.txt", b"abc\x00\x01\x02def", "binary"),
    ("latin.txt", "Le caf\u00e9 a ferm\u00e9.".encode("latin-1"), "UTF-8"),
    ("latin.xml", rss("<item><description>caf\u00e9</description></item>").encode("latin-1"), "UTF-8"),
    ("report.docx", b"PK\x03\x04 not really a docx", "unsupported"),
    ("empty.rss", rss("").encode(), "no entries"),
    ("notes.xml", b"this is not a feed at all\njust words\n", "feed"),
]


@pytest.mark.parametrize("name, data, word", BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_one_line_input_error(tmp_path, name, data, word):
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    with pytest.raises(InputError) as info:
        list(load_articles(path))
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(path)) and word.lower() in message.lower()
    assert info.value.source == str(path) and not isinstance(info.value, RecordError)
    # With on_error the problem is reported and the other inputs still load.
    good = tmp_path / "good.txt"
    good.write_text("LONDON (Reuters) - A good article.", encoding="utf-8")
    articles, errors = load([path, good])
    assert [a.text for a in articles] == ["A good article."]
    assert [e.source for e in errors] == [str(path)] and "\n" not in str(errors[0])


# --- stdin ---------------------------------------------------------------------------------------
def feed_stdin(monkeypatch, data: bytes) -> None:
    class FakeStdin:
        buffer = io.BytesIO(data)

    monkeypatch.setattr(sys, "stdin", FakeStdin())


def test_stdin_plain_text(monkeypatch):
    feed_stdin(monkeypatch, b"\xef\xbb\xbfWASHINGTON (Reuters) - The Senate voted.\n\nIt passed.\n")
    [article] = list(load_articles("-"))
    assert (article.source, article.dateline, article.text) == ("<stdin>", "WASHINGTON (Reuters)",
                                                                "The Senate voted.\n\nIt passed.")
    assert article.id == sha12(article.text)


def test_stdin_jsonl(monkeypatch):
    feed_stdin(monkeypatch, b'  {"id": "a", "text": "One."}\nnot json\n{"text": "Two."}\n')
    articles, errors = load("-")
    assert [(a.id, a.text) for a in articles] == [("a", "One."), (sha12("Two."), "Two.")]
    assert [(type(e), e.source) for e in errors] == [(RecordError, "<stdin>:2")]


def test_stdin_feed(monkeypatch):
    feed_stdin(monkeypatch, ("\n" + rss(RSS_ITEMS)).encode())
    articles, errors = load("-")
    assert [a.id for a in articles][:2] == ["guid-1", "https://news.example/2"]
    assert articles[0].source == "<stdin>#1" and "<" not in articles[0].text
    assert [e.source for e in errors] == ["<stdin>#4"]


def test_stdin_empty_is_input_error(monkeypatch):
    feed_stdin(monkeypatch, b" \n ")
    with pytest.raises(InputError, match="<stdin>"):
        list(load_articles("-"))


def test_stdin_json_array_is_not_summarized_as_raw_json(monkeypatch):
    feed_stdin(monkeypatch, json.dumps([{"text": "Hello from a list."}]).encode())
    articles, _ = load("-")
    assert not any('"text"' in a.text for a in articles)


# --- size ------------------------------------------------------------------------------------------
def test_five_megabyte_article_loads_quickly(tmp_path):
    body = " ".join(SEED.read_text(encoding="utf-8").split("\n\n")[1:-1])
    path = tmp_path / "big.txt"
    path.write_text("date 2022-12-23 Seoul, Dec 23 " + "\n\n".join([body] * (5_000_000 // len(body) + 1)))
    assert path.stat().st_size >= 5_000_000
    start = time.perf_counter()
    [article] = list(load_articles(path))
    elapsed = time.perf_counter() - start
    assert len(article.text) > 4_900_000 and article.dateline == "Seoul, Dec 23"
    assert elapsed < 10, f"5 MB article took {elapsed:.1f}s to load"


# --- ids are unique within a run -----------------------------------------------------------------
def test_a_repeated_id_gets_a_deterministic_suffix_and_a_warning(tmp_path):
    batch = tmp_path / "batch.jsonl"
    batch.write_text("".join(json.dumps(r) + "\n" for r in [
        {"id": "x", "text": "First text."}, {"id": "x", "text": "Second text."},
        {"id": "x-2", "text": "Given x-2."}, {"id": "x", "text": "Fourth text."},
    ]))
    other = tmp_path / "x.txt"  # a file stem is an id too, and ids are unique across inputs
    other.write_text("From a text file.")
    heard: list[str] = []
    articles = list(load_articles([batch, other], on_warning=heard.append))
    assert [a.id for a in articles] == ["x", "x-2", "x-2-2", "x-3", "x-4"]
    assert [a.text for a in articles] == ["First text.", "Second text.", "Given x-2.", "Fourth text.", "From a text file."]
    assert articles[0].warnings == [] and articles[1].warnings == ["id 'x' repeats an earlier article's id; renamed 'x-2'"]
    assert heard == [f"{a.source}: {a.warnings[-1]}" for a in articles[1:]]
    assert heard[0] == f"{batch}:2: id 'x' repeats an earlier article's id; renamed 'x-2'"
    again = [a.id for a in load_articles([batch, other])]
    assert again == [a.id for a in articles], "the same inputs get the same ids in every run"


def test_rename_warnings_reach_the_error_handler_when_it_listens():
    class Problems(list):
        def warning(self, message: str) -> None:
            self.append(("warning", message))

    problems = Problems()
    articles = list(load_articles([SEED, SEED], on_error=problems))
    assert [a.id for a in articles] == [SEED.stem, SEED.stem + "-2"]
    assert problems == [("warning", f"{SEED}: id {SEED.stem!r} repeats an earlier article's id; renamed {SEED.stem + '-2'!r}")]


def test_unique_ids_alone():
    from summarize.ingest import UniqueIds
    from summarize.records import Article

    ids = UniqueIds()
    made = [Article(id=i, text="t", source=f"s{n}") for n, i in enumerate(["a", "a-2", "a", "a", "b", "a-3"])]
    notes = [ids.claim(a) for a in made]
    assert [a.id for a in made] == ["a", "a-2", "a-3", "a-4", "b", "a-3-2"]
    assert [n is None for n in notes] == [True, True, False, False, True, False]


# --- deeply nested input is bad input, not a crash -----------------------------------------------
DEEP = "[" * 100_000 + "]" * 100_000


def test_deeply_nested_json_file_is_one_line_input_error(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text(DEEP)
    with pytest.raises(InputError) as info:
        list(load_articles(path))
    assert not isinstance(info.value, RecordError) and info.value.source == str(path)
    assert "nested too deeply" in str(info.value) and "\n" not in str(info.value)


def test_deeply_nested_jsonl_line_fails_alone(tmp_path):
    path = tmp_path / "deep.jsonl"
    nested_title = "[" * 5000 + "]" * 5000
    path.write_text(json.dumps({"id": "a", "text": "Before."}) + "\n" + DEEP + "\n"
                    + '{"id": "b", "text": "Nested field.", "title": ' + nested_title + "}\n"
                    + json.dumps({"id": "c", "text": "After."}) + "\n")
    articles, errors = load(path)
    assert [a.id for a in articles] == ["a", "c"]
    assert [(type(e), e.source) for e in errors] == [(RecordError, f"{path}:2"), (RecordError, f"{path}:3")]
    assert all("nested too deeply" in str(e) and "\n" not in str(e) for e in errors)


@pytest.mark.parametrize("data, error", [(DEEP, InputError), ("{" + '"a":{' * 100_000, RecordError)],
                         ids=["array", "jsonl-line"])
def test_deeply_nested_stdin(monkeypatch, data, error):
    feed_stdin(monkeypatch, data.encode())
    articles, errors = load("-")
    assert articles == [] and [type(e) for e in errors] == [error]
    assert errors[0].source.startswith("<stdin>") and "nested too deeply" in str(errors[0])


# --- entities: decoded once, never expanded --------------------------------------------------------
def test_html_entities_are_decoded_exactly_once():
    from summarize.clean import html_to_text

    assert html_to_text("Fish &amp;amp; chips") == "Fish &amp; chips"
    assert html_to_text("<p>Fish &amp;amp; chips</p>") == "Fish &amp; chips"
    assert html_to_text("AT&amp;T &lt;b&gt; caf&#233; &lol9;") == "AT&T <b> café &lol9;"


def test_feed_text_is_unescaped_once(tmp_path):
    path = tmp_path / "wire.xml"
    path.write_text(rss(
        "<item><guid>a</guid><title>AT&amp;amp;T</title><description><![CDATA[Fish &amp;amp; chips.]]></description></item>"
        "<item><guid>b</guid><title>B</title><description>Fish &amp;amp; chips &amp;lol9; here.</description></item>"
        "<item><guid>c</guid><title>C</title><description><![CDATA[<p>Tom &amp;amp; Jerry &amp; co.</p>]]></description></item>"
    ))
    articles, errors = load(path)
    assert errors == []
    # CDATA holds HTML as written: its one HTML decode turns &amp;amp; into &amp;.
    assert articles[0].text == "Fish &amp; chips."
    # Escaped in the XML, then HTML: one decode per layer, never a second one of the text.
    # (An unknown reference stays as written; feedparser's HTML pass may drop its ";".)
    assert articles[1].text.replace("&lol9;", "&lol9") == "Fish & chips &lol9 here."
    assert articles[2].text == "Tom &amp; Jerry & co."
    assert articles[0].title == "AT&T"


LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
 <!ENTITY wide "WIDE_WIDE_WIDE_WIDE_WIDE_WIDE_WIDE_WIDE_WIDE_WIDE_WIDE_WIDE_WIDE_WIDE_WIDE_WIDE_WIDE_WIDE">
 <!-- a ]> inside a comment does not end the DOCTYPE -->
 <!ENTITY xxe SYSTEM "file://SECRET">
]>
<rss version="2.0"><channel><title>Wire</title><link>https://news.example/</link><description>d</description>
<item><guid>laughs</guid><title>Laughs &lol;</title>
<description>The council met &lol9; on Monday. Wide: &wide;&wide;&wide;. Secret: &xxe; end.</description></item>
</channel></rss>"""


def test_feed_entities_are_never_expanded_nor_fetched(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:TOP-SECRET-LINE")
    path = tmp_path / "laughs.xml"
    path.write_text(LAUGHS.replace("file://SECRET", secret.as_uri()))
    start = time.perf_counter()
    articles, errors = load(path)
    assert time.perf_counter() - start < 10
    [article] = articles
    assert errors == [] and article.id == "laughs"
    assert "TOP-SECRET" not in article.text and "root:" not in article.text, "an external entity was read"
    assert "lollol" not in article.text and "WIDE_" not in article.text, "a declared entity was expanded"
    assert "lollol" not in (article.title or "") and len(article.text) < 200
    assert article.text.startswith("The council met &lol9") and "&xxe" in article.text
    assert "&amp;" not in article.text and "&amp;" not in (article.title or "")


def test_without_doctype_cuts_the_whole_declaration():
    from summarize.ingest import without_doctype

    assert without_doctype(b'<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY b "x]>y"> <!-- ]> -->]>\n<a/>') \
        == b'<?xml version="1.0"?>\n\n<a/>'
    assert without_doctype(b"<!doctype html PUBLIC 'a>b'><p>hi</p>") == b"<p>hi</p>"
    assert without_doctype(b"<rss>no doctype</rss>") == b"<rss>no doctype</rss>"
    assert without_doctype(b"<!DOCTYPE x [ <!-- never closed <!ENTITY") == b""


# --- the records module is a leaf ----------------------------------------------------------------
def _imports(module_file: Path) -> set[str]:
    import ast

    names: set[str] = set()
    for node in ast.walk(ast.parse(module_file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_records_import_nothing_from_the_stages_and_from_text_still_works():
    import summarize.records as records

    assert not {n for n in _imports(Path(records.__file__)) if n.split(".")[0] == "summarize"}
    article = records.Article.from_text("date 2023-01-02\nLONDON (Reuters) - The bank held rates.", id="r")
    assert (article.id, article.date, article.dateline, article.text) == (
        "r", "2023-01-02", "LONDON (Reuters)", "The bank held rates.")
    assert records.Article.from_text("Plain.").source == "<text>"
