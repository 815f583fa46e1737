"""Community Markdown to sanitised HTML with $asset links and @mentions; tags and plain text for search."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

ASSET_PATH = "/?symbol="
"""Where a $BTC goes: the Markets screen and its chart (the Analysis screen reads no symbol from its URL)."""
MENTION_PATH = "/community?author="
EXTERNAL_REL = "nofollow ugc noopener noreferrer"
MAX_TAG_LENGTH = 40

_TAGS = {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code", "pre"}
_TAGS |= {"blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "img"}
_ALIGNS = {"left", "center", "right"}

_LINKABLE = re.compile(
    # $BTC (any case) or $BTC-USD; a bare BTC-USD only as written, since a bare BTC is too often just a word.
    r"(?<![\w$])(?<!\w-)(?:\$(?P<cashtag>[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)|(?P<symbol>[A-Z0-9]+(?:-[A-Z0-9]+)+))"
    r"(?!\w|-\w)"
    # @handle after a space or an opening/separating mark, so that an email's "name@host" is no mention.
    r"|(?<![^\s(\[{<>\"',;:!?«»“”\u2018\u2019\u2013\u2014])@(?P<handle>[A-Za-z0-9_][A-Za-z0-9_.-]{0,38}[A-Za-z0-9_])"
    r"(?![\w@]|[.-]\w)"
)


@dataclass(frozen=True)
class Rendered:
    """A post or comment as shown, and what it points at (for notifications, tagging and moderation)."""

    html: str
    symbols: list[str]
    mentions: list[str]
    links: list[str]
    images: list[str]


@dataclass
class _Found:
    symbols: set[str] = field(default_factory=set)
    mentions: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)


def _absolute(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. "http://[::1"
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _safe_url(url: str) -> bool:
    """An http(s) URL, or one of the web app's own (a path, a query, an anchor); nothing else.

    >>> [_safe_url(u) for u in ("https://example.org/a", "/?symbol=BTC-USD", "#top", "?page=2", "notes/x")]
    [True, True, True, True, True]
    >>> [_safe_url(u) for u in ("javascript:x", "jav%09ascript:x", "//evil.example", "/%5Cevil", "http:x")]
    [False, False, False, False, False]
    """
    if not url or any(c.isspace() or not c.isprintable() for c in url):
        return False
    if _absolute(url):
        return True
    decoded = unquote(url)  # stricter than a browser, which leaves "/%5C" and "%3A" alone
    if decoded.startswith(("//", "/\\", "\\")):  # another host, for the browser
        return False
    # A relative reference's first segment has no ":" (RFC 3986), which also rules out every scheme.
    return ":" not in re.split(r"[/?#]", decoded, maxsplit=1)[0]


class _Parser(MarkdownIt):
    def validateLink(self, url: str) -> bool:  # markdown-it's name
        return _safe_url(url)  # an unsafe link or image is left as its literal text


# No linkify: it needs linkify-it-py, which is not installed; a bare URL stays text.
_PARSER = _Parser("commonmark", {"html": False, "linkify": False, "typographer": False})
# Escaped characters stay their own tokens (text_special), so that "\$BTC" and "\@ada" are not linked.
_PARSER.enable(["table", "strikethrough"]).disable("text_join")


def _attribute(tag: str, name: str, value: str) -> str | None:
    if name == "rel":
        return EXTERNAL_REL
    if name == "src":
        return value if _absolute(value) and _safe_url(value) else None
    if name == "href":
        return value if _safe_url(value) else None
    return value


_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    attributes={"a": {"href", "title", "rel"}, "img": {"src", "alt", "title"}},
    attribute_filter=_attribute,
    link_rel=None,  # set by the renderer on external links only, so the app's own links stay plain
    tag_attribute_values={"th": {"align": _ALIGNS}, "td": {"align": _ALIGNS}},
    url_schemes={"http", "https"},
    allowed_classes={"a": {"asset", "mention"}},
)


def _text(content: str) -> Token:
    return Token("text", "", 0, content=content)


def _link(href: str, css_class: str, label: str) -> list[Token]:
    return [
        Token("link_open", "a", 1, attrs={"href": href, "class": css_class}),
        _text(label),
        Token("link_close", "a", -1),
    ]


def _candidates(match: re.Match[str]) -> list[tuple[str, int]]:
    """The keys to look up, longest first, each with the length of the text it would link."""
    word = match["cashtag"]
    if word is None:
        return [(match["symbol"], len(match[0]))]
    base = word.split("-")[0]  # "$BTC-denominated" still names BTC
    return [(word.upper(), 1 + len(word)), (base.upper(), 1 + len(base))]


def _linked(match: re.Match[str], symbols: Mapping[str, str], found: _Found) -> list[Token] | None:
    """The link a match makes, or None when it names no known asset."""
    if match["handle"]:
        handle = match["handle"].lower()
        found.mentions.add(handle)
        return _link(MENTION_PATH + quote(handle), "mention", match[0])
    for key, length in _candidates(match):
        if canonical := symbols.get(key):
            found.symbols.add(canonical)
            label = match.string[match.start() : match.start() + length]
            return _link(ASSET_PATH + quote(canonical, safe=""), "asset", label)
    return None


def _link_text(text: str, before: str, symbols: Mapping[str, str], found: _Found) -> list[Token]:
    """A text token as text and links; `before` is the text just before it, for the word boundaries."""
    source, at, out = before + text, len(before), []
    for match in _LINKABLE.finditer(source, len(before)):
        link = _linked(match, symbols, found)
        if link is not None:
            out += [_text(source[at : match.start()]), *link]
            at = match.start() + len(link[1].content)
    out.append(_text(source[at:]))
    return [token for token in out if token.type != "text" or token.content]


def _image(token: Token, found: _Found) -> Token:
    """An image from an http(s) URL, or else its alt text."""
    src = str(token.attrGet("src") or "")
    if not _absolute(src):
        return _text(token.content)
    found.images.append(src)
    return token


def _link_open(token: Token, found: _Found) -> Token:
    href = str(token.attrGet("href") or "")
    if _absolute(href):
        found.links.append(href)
        token.attrSet("rel", EXTERNAL_REL)
    return token


def _last_char(token: Token, before: str) -> str:
    if token.type in ("text", "text_special", "code_inline"):
        return token.content[-1:] or before
    return "\n" if token.type in ("softbreak", "hardbreak") else before


def _link_inline(children: list[Token], symbols: Mapping[str, str], found: _Found) -> list[Token]:
    out: list[Token] = []
    before, depth = "", 0  # depth: inside a link's text, where nothing more is linked
    for token in children:
        if token.type == "text" and depth == 0:
            out += _link_text(token.content, before, symbols, found)
        elif token.type == "text_special":
            out.append(_text(token.content))
        elif token.type == "image":
            out.append(_image(token, found))
        else:
            depth += {"link_open": 1, "link_close": -1}.get(token.type, 0)
            out.append(_link_open(token, found) if token.type == "link_open" else token)
        before = _last_char(token, before)
    return out


def _align(token: Token) -> None:
    """A table cell's `style="text-align:x"` as `align="x"`, since no style attribute is kept."""
    style = str(token.attrGet("style") or "")
    token.attrs = {"align": style.removeprefix("text-align:")} if style.startswith("text-align:") else {}


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def render(markdown: str, symbols: Mapping[str, str]) -> Rendered:
    """The text as sanitised HTML, with $assets and @mentions linked; raw HTML is shown as text.

    `symbols` maps upper-case bases and full symbols to canonical symbols. `$btc`, `$BTC` and `BTC-USD` are
    linked, a bare `BTC` is not, and nothing in code or in a link is.

    >>> text = "Long $btc, cc @Ada_L: <b>hi</b> `$ETH` [docs](https://example.org)"
    >>> shown = render(text, {"BTC": "BTC-USD"})
    >>> print(shown.html)
    <p>Long <a href="/?symbol=BTC-USD" class="asset">$btc</a>, cc
    <a href="/community?author=ada_l" class="mention">@Ada_L</a>: &lt;b&gt;hi&lt;/b&gt; <code>$ETH</code>
    <a href="https://example.org" rel="nofollow ugc noopener noreferrer">docs</a></p>
    >>> shown.symbols, shown.mentions, shown.links, shown.images
    (['BTC-USD'], ['ada_l'], ['https://example.org'], [])
    >>> render("[x](javascript:alert(1)) ![i](data:image/png;base64,AA)", {}).html
    '<p>[x](javascript:alert(1)) ![i](data:image/png;base64,AA)</p>\\n'
    """
    found = _Found()
    tokens = _PARSER.parse(markdown)
    for token in tokens:
        if token.type == "inline":
            token.children = _link_inline(token.children or [], symbols, found)
        elif token.type in ("th_open", "td_open"):
            _align(token)
    html = _CLEANER.clean(_PARSER.renderer.render(tokens, _PARSER.options, {}))
    return Rendered(
        html=html,
        symbols=sorted(found.symbols),
        mentions=sorted(found.mentions),
        links=_unique(found.links),
        images=_unique(found.images),
    )


def normalise_tag(tag: str) -> str:
    """A tag as stored and followed: A-Z, 0-9 and single underscores, at most 40 characters.

    >>> normalise_tag(" Technical Analysis "), normalise_tag("#btc"), normalise_tag("on-chain -- data")
    ('TECHNICAL_ANALYSIS', 'BTC', 'ON_CHAIN_DATA')
    >>> normalise_tag("Café crème"), normalise_tag("S&P 500")
    ('CAFE_CREME', 'SP_500')
    >>> normalise_tag("#!?")
    Traceback (most recent call last):
    ...
    ValueError: A tag needs at least one letter or digit (A-Z, 0-9)
    """
    # NFKD first, so that accented letters keep their base letter rather than being dropped.
    ascii_only = unicodedata.normalize("NFKD", tag).encode("ascii", "ignore").decode().upper()
    spaced = re.sub(r"[\s\-_]+", "_", ascii_only.strip())
    result = re.sub(r"_+", "_", re.sub(r"[^A-Z0-9_]", "", spaced)).strip("_")
    if not result:
        raise ValueError("A tag needs at least one letter or digit (A-Z, 0-9)")
    if len(result) > MAX_TAG_LENGTH:
        raise ValueError(
            f"A tag has at most {MAX_TAG_LENGTH} letters, digits or underscores, not {len(result)}"
        )
    return result


def normalise_tags(tags: Sequence[str]) -> list[str]:
    """The tags normalised, each once, in their first order; ValueError for the first tag that cannot be.

    >>> normalise_tags(["#BTC", "btc", "Technical analysis", "technical-analysis"])
    ['BTC', 'TECHNICAL_ANALYSIS']
    """
    return _unique(normalise_tag(tag) for tag in tags)


def _words(tokens: Sequence[Token]) -> Iterable[str]:
    for token in tokens:
        if token.children and token.type != "image":
            yield from _words(token.children)
        elif token.type in ("text", "text_special", "code_inline", "code_block", "fence", "image"):
            yield token.content
        yield " " if token.block or token.type in ("softbreak", "hardbreak") else ""


def plain_text(markdown: str) -> str:
    """The words without the markup (code and image descriptions kept, link targets not), spaces collapsed.

    >>> plain_text("# RSI\\n\\n**Oversold**  on [4h](https://example.org) `rsi < 30`\\n\\n- a\\n- b &amp; c")
    'RSI Oversold on 4h rsi < 30 a b & c'
    """
    return " ".join("".join(_words(_PARSER.parse(markdown))).split())
