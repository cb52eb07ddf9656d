"""Reading article files: formats, metadata, normalisation and every kind of bad input."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from reader.ingest.article import (
    MAX_TITLE_CHARS,
    ArticleError,
    content_hash,
    derive_title,
    normalise,
)
from reader.ingest.files import (
    DEFAULT_MAX_BYTES,
    find_article_files,
    parse_article,
    read_article,
)
from reader.ingest.text import parse_date


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def one_line(message: str) -> bool:
    return "\n" not in message and message.strip() == message and message != ""


# ---------------------------------------------------------------- the seed


def test_seed_date_field_becomes_metadata_not_text(seed_path):
    raw = seed_path.read_text(encoding="utf-8")
    assert raw.startswith(" date 2024-07-13 "), "the seed's own format is what this test is about"
    article = read_article(seed_path)
    assert article.date == "2024-07-13"
    assert "2024-07-13" not in article.text
    assert not article.text.lower().startswith("date")
    assert article.text.startswith("Alec Baldwin celebrated the dismissal")
    # Nothing but the field was taken away.
    assert article.text == normalise(raw.replace(" date 2024-07-13 ", "", 1))


def test_seed_first_sentence_is_the_title(seed_article):
    assert seed_article.title == (
        "Alec Baldwin celebrated the dismissal of his ‘Rust’ trial with a family dinner in New Mexico."
    )
    assert seed_article.format == "text"
    assert seed_article.meta == {}  # plain UTF-8, nothing to report


def test_seed_source_is_the_file(seed_path, seed_article):
    assert seed_article.source == str(seed_path.resolve())


def test_inline_date_variants():
    for raw in ("date 2024-07-13 First words here.", "Date: 2024-07-13 First words here.", "\tdate 2024-07-13\tFirst words here."):
        article = parse_article(raw.encode(), "a.txt")
        assert (article.date, article.text, article.title) == ("2024-07-13", "First words here.", "First words here."), raw


def test_inline_date_on_its_own_line():
    article = parse_article(b"date 2024-07-13\nFirst line.\n\nSecond paragraph.", "a.txt")
    assert article.date == "2024-07-13"
    assert article.text == "First line.\n\nSecond paragraph."


def test_word_date_in_ordinary_text_is_not_metadata():
    raw = "Dates 2024-07-13 were set for the hearing."
    article = parse_article(raw.encode(), "a.txt")
    assert article.date is None
    assert article.text == raw


def test_impossible_inline_date_is_not_taken_as_a_date():
    article = parse_article(b"date 2024-13-45 Something happened.", "a.txt")
    assert article.date is None


# ---------------------------------------------------------------- header blocks and front matter


def test_header_block():
    raw = "Title: Judge dismisses case\nDate: 12 July 2024\nAuthor: Jo Bloggs\nSource: Example News\n\nFirst paragraph.\n\nSecond paragraph."
    article = parse_article(raw.encode(), "a.txt")
    assert article.title == "Judge dismisses case"
    assert article.date == "2024-07-12"
    assert article.text == "First paragraph.\n\nSecond paragraph."
    assert article.meta["author"] == "Jo Bloggs"
    assert article.source == "Example News"


def test_header_block_with_date_first():
    article = parse_article(b"Date: 2024-07-13\nTitle: Foo\n\nBody text.", "a.txt")
    assert (article.title, article.date, article.text) == ("Foo", "2024-07-13", "Body text.")


def test_header_block_with_unreadable_date_keeps_it_in_meta():
    article = parse_article(b"Title: T\nDate: sometime last spring\n\nBody.", "a.txt")
    assert article.date is None
    assert article.meta["date_text"] == "sometime last spring"
    assert article.text == "Body."


def test_header_like_first_line_without_blank_line_stays_text():
    raw = "Title: of a song everyone knows\nand the rest of the paragraph."
    article = parse_article(raw.encode(), "a.txt")
    assert article.text == raw
    assert article.date is None


def test_unknown_keys_are_not_a_header_block():
    raw = "Warning: this is not metadata\n\nBody."
    assert parse_article(raw.encode(), "a.txt").text == raw


def test_markdown_front_matter():
    raw = "---\ntitle: 'A YAML title'\ndate: 2024-07-13\nauthor: Kim Lee\nurl: https://example.org/story\n---\n\nSome **bold** and a [link](https://x.org) here.\n\n![a picture](p.png)\n"
    article = parse_article(raw.encode(), "story.md")
    assert article.format == "markdown"
    assert article.title == "A YAML title"
    assert article.date == "2024-07-13"
    assert article.meta["author"] == "Kim Lee"
    assert article.source == "https://example.org/story"
    assert article.text == "Some bold and a link here.\n\na picture"
    assert "---" not in article.text


def test_front_matter_in_a_text_file():
    article = parse_article(b"---\ntitle: In text\ndate: 2024-01-02\n---\nBody.", "a.txt")
    assert (article.title, article.date, article.text) == ("In text", "2024-01-02", "Body.")


def test_markdown_heading_is_the_title():
    raw = "# The *real* headline\n\nFirst paragraph with *emphasis*.\n\n## A subheading\n\nMore."
    article = parse_article(raw.encode(), "a.markdown")
    assert article.title == "The real headline"
    assert not article.text.startswith("#")
    assert article.text == "First paragraph with emphasis.\n\nA subheading\n\nMore."


def test_markdown_block_markup_is_not_text():
    raw = (
        "---\ntitle: Budget day\n---\n\n# Councils brace for cuts\n\n> “We have no choice,” said Ms Okafor.\n\n"
        "- first point\n* second point\n\n---\n\n```\nrate = 4.5%\n```\n\nThe `rate` rose."
    )
    article = parse_article(raw.encode(), "budget.md")
    assert article.title == "Budget day"
    assert article.text == (
        "Councils brace for cuts\n\n“We have no choice,” said Ms Okafor.\n\n• first point\n• second point\n\n"
        "rate = 4.5%\n\nThe rate rose."
    )


def test_markdown_without_heading_takes_first_line():
    article = parse_article(b"Just a first line.\n\nAnd more.", "a.md")
    assert article.title == "Just a first line."
    assert article.text == "Just a first line.\n\nAnd more."


def test_hash_in_plain_text_is_kept():
    raw = "# not a heading in a .txt file\n\nBody."
    assert parse_article(raw.encode(), "a.txt").text == raw


# ---------------------------------------------------------------- normalisation


def test_crlf_and_cr_become_lf():
    article = parse_article(b"First line.\r\nSecond line.\r\n\r\nNew paragraph.\rLast.", "a.txt")
    assert article.text == "First line.\nSecond line.\n\nNew paragraph.\nLast."
    assert "\r" not in article.text


def test_nfc_composes_decomposed_characters():
    decomposed = "Cafe\u0301 society in Sa\u0303o Paulo."
    assert unicodedata.is_normalized("NFD", decomposed)
    article = parse_article(decomposed.encode(), "a.txt")
    assert article.text == "Café society in São Paulo."
    assert "\u0301" not in article.text
    assert unicodedata.is_normalized("NFC", article.text)
    # The same words typed either way are the same article.
    composed = parse_article("Café society in São Paulo.".encode(), "b.txt")
    assert composed.content_hash == article.content_hash


def test_normalise_details():
    assert normalise("\ufeffA  \n\n\n\nB\t \n") == "A\n\nB"
    assert normalise("  indented first line") == "indented first line"
    assert normalise(normalise("x\r\n\r\n\r\ny")) == normalise("x\r\n\r\n\r\ny") == "x\n\ny"


def test_utf8_with_a_stray_byte_is_refused_not_garbled(tmp_path):
    path = write(tmp_path / "m.txt", "The café in Zürich served crème brûlée.".encode() + b" \xe9\n")
    with pytest.raises(ArticleError) as info:
        read_article(path)
    assert "invalid byte (0xe9 at offset 45, line 1)" in str(info.value) and one_line(str(info.value))
    # Windows-1252 text, which has no UTF-8 sequences, is still read as such
    article = read_article(write(tmp_path / "w.txt", "café au lait, naïve".encode("cp1252")))
    assert article.text == "café au lait, naïve" and article.meta["encoding"] == "cp1252"


def test_utf8_bom_is_dropped():
    article = parse_article("\ufeffHello there.".encode(), "a.txt")
    assert article.text == "Hello there."
    assert "encoding" not in article.meta


def test_content_hash_is_of_the_normalised_text():
    a = parse_article(b"Same words.\r\n", "a.txt")
    b = parse_article(b"Same words.\n\n", "b.txt")
    assert a.content_hash == b.content_hash == content_hash("Same words.")
    assert parse_article(b"Other words.", "c.txt").content_hash != a.content_hash


# ---------------------------------------------------------------- titles and dates


def test_derive_title_short_first_line():
    assert derive_title("Short headline\n\nBody text.") == "Short headline"


def test_derive_title_long_line_uses_first_sentence():
    first = "A first sentence that is reasonably short."
    line = first + " " + "word " * 80
    assert derive_title(line) == first


def test_derive_title_never_exceeds_the_limit():
    title = derive_title("word " * 200)
    assert len(title) <= MAX_TITLE_CHARS
    assert title.endswith("…")


@pytest.mark.parametrize(
    "written, iso",
    [
        ("2024-07-13", "2024-07-13"),
        ("2024/07/13", "2024-07-13"),
        ("13.07.2024", "2024-07-13"),
        ("July 13, 2024", "2024-07-13"),
        ("Jul 13, 2024", "2024-07-13"),
        ("13 July 2024", "2024-07-13"),
        ("'2024-07-13'", "2024-07-13"),
        ("2024-07-13T10:15:00Z", "2024-07-13"),
        ("yesterday", None),
        ("2024-13-45", None),
        ("", None),
    ],
)
def test_parse_date(written, iso):
    assert parse_date(written) == iso


# ---------------------------------------------------------------- HTML


ARTICLE_HTML = """<!DOCTYPE html>
<html><head><title>Judge throws out case | The Daily</title>
<meta property="article:published_time" content="2024-07-12"></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/sport">Sport pages</a></li><li>Subscribe now for unlimited access</li></ul></nav>
<article><h1>Judge throws out case</h1>
<p>The judge ruled on Friday that the case against the actor should be dismissed, after hearing claims that evidence had been withheld by the prosecution.</p>
<p>Lawyers for the defence said the ruling was a vindication, and that their client had always maintained his innocence throughout the long proceedings.</p>
<p>The prosecution said it would consider its options before deciding whether to appeal against the decision of the court.</p>
</article>
<footer><p>Copyright 2024 The Daily. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
</body></html>
"""


def test_html_keeps_body_and_drops_navigation_and_footer(tmp_path):
    path = write(tmp_path / "page.html", ARTICLE_HTML)
    article = read_article(path)
    assert article.format == "html"
    assert article.title == "Judge throws out case"
    assert article.date == "2024-07-12"
    assert article.text.startswith("The judge ruled on Friday")
    assert "appeal against the decision of the court." in article.text
    assert article.text.count("\n\n") == 2  # three paragraphs, separated by blank lines
    for chrome in ("Subscribe now", "Sport pages", "Copyright", "Privacy policy", "Home"):
        assert chrome not in article.text
    assert "<" not in article.text


def test_html_detected_by_content_without_suffix(tmp_path):
    path = write(tmp_path / "saved_page", ARTICLE_HTML)
    article = read_article(path)
    assert article.format == "html"
    assert "Subscribe now" not in article.text


def test_html_without_article_text_is_refused(tmp_path):
    path = write(tmp_path / "empty.html", "<html><head><title>x</title></head><body><script>var a = 1;</script><img src='a.png'></body></html>")
    with pytest.raises(ArticleError) as info:
        read_article(path)
    assert str(path) in str(info.value) and one_line(str(info.value))


# ---------------------------------------------------------------- finding files


def test_find_files_in_directory_is_sorted_and_recursive(tmp_path):
    write(tmp_path / "b.txt", "B")
    write(tmp_path / "a.md", "A")
    write(tmp_path / "sub" / "c.html", "<html></html>")
    write(tmp_path / "sub" / "d.TXT", "D")
    write(tmp_path / "image.png", b"\x89PNG")
    write(tmp_path / ".hidden" / "e.txt", "E")
    write(tmp_path / ".f.txt", "F")
    files, errors = find_article_files([tmp_path])
    assert errors == []
    assert [p.relative_to(tmp_path).as_posix() for p in files] == ["a.md", "b.txt", "sub/c.html", "sub/d.TXT"]


def test_find_files_skips_files_without_a_suffix_in_directories(tmp_path):
    write(tmp_path / "LICENSE", "MIT")
    write(tmp_path / "Makefile", "all:")
    files, errors = find_article_files([tmp_path])
    assert files == []
    assert len(errors) == 1 and one_line(errors[0])


def test_find_files_takes_explicit_files_as_given(tmp_path):
    plain = write(tmp_path / "notes", "No suffix, named explicitly.")
    files, errors = find_article_files([plain])
    assert (files, errors) == ([plain], [])


def test_missing_path_is_one_line_naming_it(tmp_path):
    missing = tmp_path / "nope.txt"
    files, errors = find_article_files([missing, tmp_path / "also-missing"])
    assert files == []
    assert len(errors) == 2
    assert str(missing) in errors[0] and "no such file" in errors[0]
    assert all(one_line(e) for e in errors)


def test_directory_without_article_files(tmp_path):
    write(tmp_path / "photo.jpg", b"\xff\xd8\xff")
    files, errors = find_article_files([tmp_path])
    assert files == []
    assert len(errors) == 1
    assert str(tmp_path) in errors[0]
    assert ".txt" in errors[0] and one_line(errors[0])


def test_read_article_on_a_missing_file(tmp_path):
    with pytest.raises(ArticleError) as info:
        read_article(tmp_path / "gone.txt")
    assert str(tmp_path / "gone.txt") in str(info.value) and one_line(str(info.value))


def test_read_article_on_a_directory(tmp_path):
    with pytest.raises(ArticleError) as info:
        read_article(tmp_path)
    assert str(tmp_path) in str(info.value) and one_line(str(info.value))


# ---------------------------------------------------------------- bad input: one line naming the file


def refused(path: Path, **kwargs) -> str:
    with pytest.raises(ArticleError) as info:
        read_article(path, **kwargs)
    message = str(info.value)
    assert one_line(message), message
    assert str(path) in message, message
    return message


def test_binary_file(tmp_path):
    path = write(tmp_path / "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert "binary" in refused(path)


def test_windows_1252_is_decoded_and_recorded(tmp_path):
    path = write(tmp_path / "old.txt", "The caf\xe9 said \x93hello\x94 \x96 and left.".encode("latin-1"))
    article = read_article(path)
    assert article.text == "The café said “hello” – and left."
    assert article.meta["encoding"] == "cp1252"


def test_undecodable_bytes_are_refused_with_the_reason(tmp_path):
    # 0x81 and 0x8d are undefined in Windows-1252 and invalid as UTF-8 starts.
    path = write(tmp_path / "garbled.txt", b"Some words \x81\x8d\x8f\x90\x9d more words")
    message = refused(path)
    assert "UTF-8" in message
    assert "0x81" in message


def test_utf16_with_bom_is_decoded(tmp_path):
    path = write(tmp_path / "wide.txt", "Hello from UTF-16. Ça va?".encode("utf-16"))
    article = read_article(path)
    assert article.text == "Hello from UTF-16. Ça va?"
    assert article.meta["encoding"] == "utf-16"


def test_empty_file(tmp_path):
    assert "empty" in refused(write(tmp_path / "empty.txt", b""))


def test_whitespace_only_file(tmp_path):
    assert "empty" in refused(write(tmp_path / "blank.txt", b"  \n\r\n\t  \n"))


def test_only_a_date_field_is_no_article(tmp_path):
    assert "no article text" in refused(write(tmp_path / "date-only.txt", b" date 2024-07-13 \n"))


def test_file_over_the_size_limit(tmp_path):
    path = write(tmp_path / "huge.txt", b"word " * 400)  # 2,000 bytes
    message = refused(path, max_bytes=1_000)
    assert "too large" in message
    assert "0.001 MB" in message  # the limit, in the unit --max-size takes
    assert "--max-size" in message and "READER_MAX_SIZE" in message
    # At the limit it is accepted.
    assert read_article(path, max_bytes=2_000).text.startswith("word word")


def test_default_limit_is_generous_for_articles():
    assert DEFAULT_MAX_BYTES >= 1_000_000


# ---------------------------------------------------------------- properties

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st

_TRICKY = st.sampled_from(list("ab \n\r\t\u00a0\ufeff\u0301e.“”\"'’:—\u2028#*-"))
_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00") | _TRICKY, max_size=80)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_normalise_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once
    assert "\r" not in once
    assert unicodedata.is_normalized("NFC", once)


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.sampled_from(["a.txt", "a.md"]))
def test_parsed_text_is_already_normalised(text, name):
    try:
        article = parse_article(text.encode("utf-8"), name)
    except ArticleError:
        return
    assert article.text and normalise(article.text) == article.text
    assert article.title


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.sampled_from(["a.txt", "a.md"]))
def test_crlf_and_lf_give_the_same_article(text, name):
    def parsed(data: str):
        try:
            article = parse_article(data.encode("utf-8"), name)
        except ArticleError as exc:
            return str(exc)
        return article.content_hash, article.title, article.date

    lf = text.replace("\r", "")
    assert parsed(lf.replace("\n", "\r\n")) == parsed(lf)
