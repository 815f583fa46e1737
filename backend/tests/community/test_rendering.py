"""The posts' Markdown: rendering, $asset links, @mentions, tags, plain text, and a corpus of XSS attempts."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from app.community.rendering import _CLEANER, Rendered, normalise_tag, normalise_tags, plain_text, render

SYMBOLS = {"BTC": "BTC-USD", "BTC-USD": "BTC-USD", "ETH": "ETH-USD", "ETH-USD": "ETH-USD"}
REL = "nofollow ugc noopener noreferrer"
CORPUS = Path(__file__).parent / "xss_corpus.txt"


def _body(markdown: str) -> str:
    """The HTML of a one-paragraph text, without its <p>."""
    html = render(markdown, SYMBOLS).html
    assert html.startswith("<p>") and html.endswith("</p>\n"), html
    return html[3:-5]


def btc(text: str) -> str:
    return f'<a href="/?symbol=BTC-USD" class="asset">{text}</a>'


def eth(text: str) -> str:
    return f'<a href="/?symbol=ETH-USD" class="asset">{text}</a>'


def at(handle: str, text: str) -> str:
    return f'<a href="/community?author={handle}" class="mention">{text}</a>'


# --- rendering


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("*a* **b** ~~c~~", "<p><em>a</em> <strong>b</strong> <s>c</s></p>\n"),
        ("# Title\n\n### Sub", "<h1>Title</h1>\n<h3>Sub</h3>\n"),
        ("- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"),
        ("1. a\n2. b", "<ol>\n<li>a</li>\n<li>b</li>\n</ol>\n"),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>\n"),
        ("a  \nb\n\n---", "<p>a<br>\nb</p>\n<hr>\n"),
        ("`x < y`", "<p><code>x &lt; y</code></p>\n"),
        ("```python\nif a < b:\n```", "<pre><code>if a &lt; b:\n</code></pre>\n"),
        ("    indented", "<pre><code>indented\n</code></pre>\n"),
        (
            "| a | b | c |\n|---|:-:|--:|\n| 1 | 2 | 3 |",
            '<table>\n<thead>\n<tr>\n<th>a</th>\n<th align="center">b</th>\n<th align="right">c</th>\n</tr>\n'
            '</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td align="center">2</td>\n<td align="right">3</td>\n'
            "</tr>\n</tbody>\n</table>\n",
        ),
        (
            '[site](https://example.org/a?b=1&c=2 "The site")',
            f'<p><a href="https://example.org/a?b=1&amp;c=2" title="The site" rel="{REL}">site</a></p>\n',
        ),
        (
            "<https://example.org>",
            f'<p><a href="https://example.org" rel="{REL}">https://example.org</a></p>\n',
        ),
        ("[mine](/community?author=ada)", '<p><a href="/community?author=ada">mine</a></p>\n'),
        ("[top](#top)", '<p><a href="#top">top</a></p>\n'),
        ("<b>bold</b> &amp; <i>x</i>", "<p>&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;x&lt;/i&gt;</p>\n"),
        ("https://bare.example/x", "<p>https://bare.example/x</p>\n"),
        ("", ""),
    ],
)
def test_render(markdown: str, html: str) -> None:
    assert render(markdown, SYMBOLS).html == html


def test_links_are_the_absolute_ones_in_order_once() -> None:
    text = (
        "[a](https://b.example) <http://a.example> [c](/alerts) [d](https://b.example) https://bare.example"
    )
    assert render(text, SYMBOLS).links == ["https://b.example", "http://a.example"]


def test_unicode_hosts_become_punycode_for_the_link_checks() -> None:
    assert render("[x](https://exämple.com/ä)", {}).links == ["https://xn--exmple-cua.com/%C3%A4"]


@pytest.mark.parametrize(
    ("markdown", "html", "images"),
    [
        (
            "![a](https://i.example/a.png)",
            '<img src="https://i.example/a.png" alt="a">',
            ["https://i.example/a.png"],
        ),
        (
            '![a *b*](http://i.example/a.png "T")',
            '<img src="http://i.example/a.png" alt="a b" title="T">',
            None,
        ),
        ("![the alt](/local.png)", "the alt", []),
        ("![x](//i.example/a.png)", "![x](//i.example/a.png)", []),
        ("![x](data:image/png;base64,AA)", "![x](data:image/png;base64,AA)", []),
    ],
)
def test_images_only_from_http_urls(markdown: str, html: str, images: list[str] | None) -> None:
    rendered = render(markdown, SYMBOLS)
    assert rendered.html == f"<p>{html}</p>\n"
    if images is not None:
        assert rendered.images == images


def test_images_in_order_once() -> None:
    text = "![a](https://i.example/2.png) [![b](https://i.example/1.png)](https://l.example) ![c](https://i.example/2.png)"
    rendered = render(text, {})
    assert rendered.images == ["https://i.example/2.png", "https://i.example/1.png"]
    assert rendered.links == ["https://l.example"]


# --- $assets


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("$BTC to the moon", f"{btc('$BTC')} to the moon"),
        ("long $btc, short $Eth.", f"long {btc('$btc')}, short {eth('$Eth')}."),
        ("BTC-USD broke out", f"{btc('BTC-USD')} broke out"),
        ("($BTC-USD)", f"({btc('$BTC-USD')})"),
        ("$ETH-denominated", f"{eth('$ETH')}-denominated"),
        ("**$BTC** and _BTC-USD_", f"<strong>{btc('$BTC')}</strong> and <em>{btc('BTC-USD')}</em>"),
        ("BTC alone", "BTC alone"),
        ("btc-usd in lower case", "btc-usd in lower case"),
        ("$FOO and $100", "$FOO and $100"),
        (
            "$BTCX US$BTC $$BTC $BTC_ X-BTC-USD BTC-USD-PERP",
            "$BTCX US$BTC $$BTC $BTC_ X-BTC-USD BTC-USD-PERP",
        ),
        (r"\$BTC is escaped", "$BTC is escaped"),
        ("`$BTC` and `BTC-USD`", "<code>$BTC</code> and <code>BTC-USD</code>"),
        ("[$BTC](https://x.example)", f'<a href="https://x.example" rel="{REL}">$BTC</a>'),
        ("[see BTC-USD](/alerts)", '<a href="/alerts">see BTC-USD</a>'),
    ],
)
def test_assets(markdown: str, html: str) -> None:
    assert _body(markdown) == html


@pytest.mark.parametrize(
    "markdown",
    ["```\n$BTC and BTC-USD\n```", "    $BTC and BTC-USD", "~~~\n@ada\n~~~"],
)
def test_nothing_is_linked_in_code_blocks(markdown: str) -> None:
    rendered = render(markdown, SYMBOLS)
    assert "<a" not in rendered.html
    assert rendered.symbols == [] and rendered.mentions == []


def test_symbols_are_canonical_sorted_and_unique() -> None:
    rendered = render("$ETH then $btc, BTC-USD and `$DOGE` $FOO\n\n# $eth", SYMBOLS)
    assert rendered.symbols == ["BTC-USD", "ETH-USD"]


def test_symbols_in_headings_lists_and_tables() -> None:
    rendered = render("## $BTC\n\n- $ETH\n\n| a |\n|---|\n| BTC-USD |", SYMBOLS)
    assert rendered.html.count('class="asset"') == 3


# --- @mentions


@pytest.mark.parametrize(
    ("markdown", "html", "mentions"),
    [
        ("@ada hi", f"{at('ada', '@ada')} hi", ["ada"]),
        ("thanks @Ada_L.", f"thanks {at('ada_l', '@Ada_L')}.", ["ada_l"]),
        ("(@a.b-c) @zz,", f"({at('a.b-c', '@a.b-c')}) {at('zz', '@zz')},", ["a.b-c", "zz"]),
        ("cc:@ada", f"cc:{at('ada', '@ada')}", ["ada"]),
        ("mail bob@example.com", "mail bob@example.com", []),
        ("mail bob.smith+x@example.com or x_y@z.io", "mail bob.smith+x@example.com or x_y@z.io", []),
        ("@ada@example.com", "@ada@example.com", []),
        ("**b**@c.io", "<strong>b</strong>@c.io", []),
        ("@a is too short", "@a is too short", []),
        ("@" + "x" * 41, "@" + "x" * 41, []),
        ("@" + "x" * 40, at("x" * 40, "@" + "x" * 40), ["x" * 40]),
        (r"\@ada is escaped", "@ada is escaped", []),
        ("`@ada`", "<code>@ada</code>", []),
        ("[@ada](https://x.example)", f'<a href="https://x.example" rel="{REL}">@ada</a>', []),
        (
            "<https://x.example/@ada>",
            f'<a href="https://x.example/@ada" rel="{REL}">https://x.example/@ada</a>',
            [],
        ),
    ],
)
def test_mentions(markdown: str, html: str, mentions: list[str]) -> None:
    assert _body(markdown) == html
    assert render(markdown, SYMBOLS).mentions == mentions


def test_mentions_are_lower_case_sorted_and_unique() -> None:
    assert render("@Bob and @ada, again @BOB\n\n- @carl", {}).mentions == ["ada", "bob", "carl"]


def test_assets_and_mentions_together() -> None:
    rendered = render("@ada: $BTC beats BTC-USD? ask @bob", SYMBOLS)
    assert rendered == Rendered(
        html=f"<p>{at('ada', '@ada')}: {btc('$BTC')} beats {btc('BTC-USD')}? ask {at('bob', '@bob')}</p>\n",
        symbols=["BTC-USD"],
        mentions=["ada", "bob"],
        links=[],
        images=[],
    )


# --- tags


@pytest.mark.parametrize(
    ("tag", "normalised"),
    [
        (" Technical Analysis ", "TECHNICAL_ANALYSIS"),
        ("#btc", "BTC"),
        ("##BTC##", "BTC"),
        ("on-chain", "ON_CHAIN"),
        ("  on -- chain__data  ", "ON_CHAIN_DATA"),
        ("_leading_and_trailing_", "LEADING_AND_TRAILING"),
        ("S&P 500", "SP_500"),
        ("Café\tcrème", "CAFE_CREME"),
        ("web3.0", "WEB30"),
        ("x" * 40, "X" * 40),
        ("a" * 30 + " !?! " + "b" * 9, "A" * 30 + "_" + "B" * 9),
    ],
)
def test_normalise_tag(tag: str, normalised: str) -> None:
    assert normalise_tag(tag) == normalised


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ("", "at least one letter or digit"),
        ("   ", "at least one letter or digit"),
        ("#", "at least one letter or digit"),
        ("_-_ -", "at least one letter or digit"),
        ("🚀🚀", "at least one letter or digit"),
        ("x" * 41, "at most 40"),
        ("a b" * 14, "at most 40"),
    ],
)
def test_normalise_tag_refuses(tag: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        normalise_tag(tag)


def test_normalise_tags_keeps_the_first_order_once() -> None:
    assert normalise_tags(["#ETH", "btc", "eth", "Technical analysis", "technical-analysis", "BTC"]) == [
        "ETH",
        "BTC",
        "TECHNICAL_ANALYSIS",
    ]
    assert normalise_tags([]) == []


def test_normalise_tags_refuses_a_bad_tag() -> None:
    with pytest.raises(ValueError, match="at least one letter"):
        normalise_tags(["btc", "#"])


# --- plain text


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("# RSI\n\n**Oversold** on _the_ 4h", "RSI Oversold on the 4h"),
        ("[the docs](https://example.org) and <https://a.example>", "the docs and https://a.example"),
        ("- one\n- two\n\n> three", "one two three"),
        ("`rsi < 30` then\n\n```\nsell()\n```", "rsi < 30 then sell()"),
        ("![a chart](https://i.example/c.png)", "a chart"),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "a b 1 2"),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ("a &amp; b \\* c", "a & b * c"),
        ("$BTC and @ada", "$BTC and @ada"),
        ("  lots \n\n\n of \t space  ", "lots of space"),
        ("", ""),
    ],
)
def test_plain_text(markdown: str, text: str) -> None:
    assert plain_text(markdown) == text


# --- XSS


PLAIN_TAGS = "p br hr h1 h2 h3 h4 h5 h6 strong em del s code pre blockquote ul ol li table thead tbody tr"
ALLOWED: dict[str, set[str]] = {tag: set() for tag in PLAIN_TAGS.split()} | {
    "th": {"align"},
    "td": {"align"},
    "a": {"href", "title", "class", "rel"},
    "img": {"src", "alt", "title"},
}
FORBIDDEN = {"script", "iframe", "object", "embed", "form", "style", "svg", "meta", "math", "base", "link"}


def _decode(line: str) -> str:
    escapes = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\"}
    return re.sub(
        r"\\(u[0-9a-fA-F]{4}|[ntr\\])",
        lambda m: chr(int(m[1][1:], 16)) if m[1][0] == "u" else escapes[m[1]],
        line,
    )


def _corpus() -> list[str]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [_decode(line) for line in lines if line.strip() and not line.startswith("// ")]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # attribute values come entity-decoded
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def _elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.found


def _harmless_url(url: str, *, relative_ok: bool) -> bool:
    """What a browser could make of it: no whitespace or invisible characters, any %-escape decoded."""
    seen = "".join(c for c in unquote(url) if not (c.isspace() or unicodedata.category(c) in ("Cc", "Cf")))
    seen = unicodedata.normalize("NFKC", seen).lower()
    if re.match(r"[a-z][a-z0-9+.\-]*:", seen):
        return re.match(r"https?://[^/\\]", seen) is not None
    return relative_ok and not seen.startswith(("//", "\\", "/\\"))


def test_the_corpus_is_big_enough() -> None:
    assert len(_corpus()) >= 40


def _assert_harmless(html: str) -> None:
    assert "<script" not in html.lower()
    for tag, attrs in _elements(html):
        assert tag not in FORBIDDEN and tag in ALLOWED, html
        for name, value in attrs:
            assert not name.startswith("on") and name != "style", html
            assert name in ALLOWED[tag], html
            if name in ("href", "src"):
                assert value is not None and _harmless_url(value, relative_ok=name == "href"), html
            if name == "class":
                assert value in ("asset", "mention"), html
            if name == "rel":
                assert value == REL, html


@pytest.mark.parametrize("markdown", _corpus())
def test_xss_corpus(markdown: str) -> None:
    rendered = render(markdown, SYMBOLS)
    _assert_harmless(rendered.html)
    assert all(_harmless_url(url, relative_ok=False) for url in rendered.links + rendered.images)


@pytest.mark.parametrize("markdown", _corpus())
def test_xss_corpus_through_the_sanitiser_alone(markdown: str) -> None:
    """The second line of defence, as if the Markdown renderer had let the raw HTML through."""
    _assert_harmless(_CLEANER.clean(markdown))


def test_the_sanitiser_keeps_what_the_renderer_makes() -> None:
    html = (
        '<p><a href="/?symbol=BTC-USD" class="asset evil">$BTC</a>'
        ' <a href="https://x.example" rel="opener">x</a>'
        ' <img src="https://i.example/a.png" alt="a" onerror="alert(1)"> <img src="/a.png" alt="b"></p>'
    )
    assert _CLEANER.clean(html) == (
        f'<p><a href="/?symbol=BTC-USD" class="asset">$BTC</a> <a href="https://x.example" rel="{REL}">x</a>'
        ' <img src="https://i.example/a.png" alt="a"> <img alt="b"></p>'
    )


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "jav%09ascript:x", "JAVA%0ASCRIPT:x", "//evil.example", "/\\evil", "data:,x"],
)
def test_the_corpus_check_would_catch(url: str) -> None:
    assert not _harmless_url(url, relative_ok=True)


def test_external_links_only_get_rel() -> None:
    rendered = render("[a](https://a.example) [b](/alerts) $BTC @ada", SYMBOLS)
    rels = {
        dict(attrs)["href"]: dict(attrs).get("rel") for tag, attrs in _elements(rendered.html) if tag == "a"
    }
    assert rels == {
        "https://a.example": REL,
        "/alerts": None,
        "/?symbol=BTC-USD": None,
        "/community?author=ada": None,
    }


def test_a_long_hostile_text_renders_quickly() -> None:
    text = ("$" + "a-" * 5000 + "_ " + "@" + "a." * 5000 + "_ ") * 5
    assert render(text, SYMBOLS).symbols == []
