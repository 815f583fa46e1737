"""Automatic moderation of community posts and comments: pure checks returning a verdict and its reasons."""

from __future__ import annotations

import bisect
import functools
import gzip
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

PHISHING_LIST: Final = Path(__file__).parent / "data" / "phishing_domains.txt.gz"  # see data/PROVENANCE.md


class Decision(StrEnum):
    """What happens to a post or comment: published, held until a moderator looks at it, or refused."""

    ALLOW = "ALLOW"
    HOLD_FOR_REVIEW = "HOLD_FOR_REVIEW"
    REJECT = "REJECT"


_SEVERITY: Final = {Decision.ALLOW: 0, Decision.HOLD_FOR_REVIEW: 1, Decision.REJECT: 2}


@dataclass(frozen=True)
class Reason:
    """Why a check fired: `code` is SPAM_RATE, SPAM_DUPLICATE, SPAM_LINKS, SCAM_SEED_PHRASE, SCAM_GIVEAWAY,
    PHISHING_DOMAIN or PROFANITY; `message` is a sentence for the author naming what was found."""

    code: str
    message: str


@dataclass(frozen=True)
class Verdict:
    """The most severe decision of the checks that fired, with their reasons (the most severe first)."""

    decision: Decision
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Signals:
    """What the service measured from the database before calling `check`."""

    recent_by_author: int = 0  # the author's posts + comments in the last `rate_window_minutes`, not this one
    duplicate_recent: bool = False  # the same author posted the same normalised text in the last 24 h
    links: tuple[str, ...] = ()  # the absolute http(s) URLs in the text (the renderer extracts them)


@dataclass(frozen=True)
class Rules:
    """The thresholds of the checks.

    * `hold_posts_per_window`, `reject_posts_per_window`: how many posts and comments an author may make
      within `rate_window_minutes` (this one included) before the next is held for review, or rejected. With
      the defaults the 6th to the 20th in 10 minutes are held, the 21st and later are rejected.
    * `max_links`: more links than this in one text are held for review.
    * `max_link_share`, `link_share_min_links`: a text with at least `link_share_min_links` links, where the
      links are more than `max_link_share` of its words, is held for review.
    * `profanity_hold`: a probability of profanity (alt-profanity-check's model) at or above this is held.
    """

    hold_posts_per_window: int = 5
    reject_posts_per_window: int = 20
    rate_window_minutes: int = 10
    max_links: int = 5
    max_link_share: float = 0.5
    link_share_min_links: int = 2
    profanity_hold: float = 0.8

    def __post_init__(self) -> None:
        if not 0 <= self.hold_posts_per_window <= self.reject_posts_per_window:
            raise ValueError("need 0 <= hold_posts_per_window <= reject_posts_per_window")
        if self.rate_window_minutes <= 0 or self.max_links < 0 or self.link_share_min_links < 1:
            raise ValueError("need rate_window_minutes > 0, max_links >= 0 and link_share_min_links >= 1")
        if not (0 < self.max_link_share <= 1 and 0 < self.profanity_hold <= 1):
            raise ValueError("max_link_share and profanity_hold must be in (0, 1]")


_ALLOW: Final = Verdict(Decision.ALLOW, ())


def _verdict(decision: Decision, code: str, message: str) -> Verdict:
    return Verdict(decision, (Reason(code, message),))


def _combine(verdicts: Iterable[Verdict]) -> Verdict:
    """The most severe decision of `verdicts`, with all their reasons, the most severe first (else in order).

    >>> hold = _verdict(Decision.HOLD_FOR_REVIEW, "SPAM_LINKS", "Too many links.")
    >>> reject = _verdict(Decision.REJECT, "SCAM_GIVEAWAY", "A giveaway scam.")
    >>> verdict = _combine([hold, _ALLOW, reject])
    >>> print(verdict.decision, [reason.code for reason in verdict.reasons])
    REJECT ['SCAM_GIVEAWAY', 'SPAM_LINKS']
    >>> _combine([_ALLOW, _ALLOW]) == _ALLOW
    True
    """
    ordered = sorted((v for v in verdicts if v.reasons), key=lambda v: _SEVERITY[v.decision], reverse=True)
    if not ordered:
        return _ALLOW
    return Verdict(ordered[0].decision, tuple(reason for v in ordered for reason in v.reasons))


# --- text helpers ----------------------------------------------------------------------------------------

_QUOTES: Final = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'})
_SENTENCE_END: Final = re.compile(r"[.!?;:]+(?=\s|$)|\n+")
_FULL_STOP: Final = re.compile(r"[.!?]+(?=\s|$)|\n+")


def _normalised(text: str) -> str:
    """NFKC (so styled Unicode letters read as plain ones), case-folded, with straight apostrophes.

    >>> _normalised("DM me your \\U0001d7cf\\U0001d7d0 Words, don\\u2019t wait")
    "dm me your 12 words, don't wait"
    """
    return unicodedata.normalize("NFKC", text).casefold().translate(_QUOTES)


def _sentences(text: str) -> list[str]:
    """The sentences (clauses) of `text`: split at . ! ? ; : before a space or the end, and at line breaks.

    >>> _sentences("Support here: DM me. See metamask.io, it's 0.5 ETH!\\nThanks")
    ['Support here', 'DM me', "See metamask.io, it's 0.5 ETH", 'Thanks']
    """
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def _full_stops(text: str) -> list[int]:
    """Where the sentences of `text` end: after . ! ? before a space or the end, and after line breaks."""
    return [match.end() for match in _FULL_STOP.finditer(text)]


def _around(text: str, stops: Sequence[int], start: int, end: int) -> tuple[str, int]:
    """`text[start:end]` widened to the sentences it starts and ends in (`stops`: `_full_stops(text)`), and
    where that begins.

    >>> text = "Hi. Scammers say: send 1 ETH, get 2 back. Sad!"
    >>> _around(text, _full_stops(text), 18, 40)
    (' Scammers say: send 1 ETH, get 2 back.', 3)
    """
    i, j = bisect.bisect_right(stops, start), bisect.bisect_right(stops, end)
    begin = stops[i - 1] if i else 0
    return text[begin : stops[j] if j < len(stops) else len(text)], begin


def _is_mention(sentence: str, start: int, end: int) -> bool:
    """`sentence[start:end]` is quoted after other words of the sentence: a mention, not a request.

    >>> text = "A project promises 'send 1 ETH, get 2 back' in a giveaway"
    >>> _is_mention(text, 20, 41), _is_mention("'send 1 ETH, get 2 back'", 1, 22)
    (True, False)
    """
    before = sentence[:start].rstrip()
    return (
        len(before) > 0
        and before[-1] in "\"'`"
        and re.search(r"\w", before[:-1]) is not None
        and before[-1] in sentence[end:]
    )


def _quoted(fragment: str, limit: int = 80) -> str:
    fragment = " ".join(fragment.split())
    return '"' + (fragment if len(fragment) <= limit else fragment[: limit - 1] + "…") + '"'


# --- spam ------------------------------------------------------------------------------------------------


def _rate(recent_by_author: int, rules: Rules) -> Verdict:
    """SPAM_RATE: counting this one, more than `hold_posts_per_window` posts and comments by the author within
    `rate_window_minutes` is HOLD_FOR_REVIEW, more than `reject_posts_per_window` is REJECT.

    >>> print(_rate(4, Rules()).decision, _rate(5, Rules()).decision, _rate(20, Rules()).decision)
    ALLOW HOLD_FOR_REVIEW REJECT
    >>> print(_rate(5, Rules()).reasons[0].message)
    You have posted 5 times in the last 10 minutes; after 5, new posts and comments are held for review.
    """
    count = recent_by_author + 1
    posted = f"You have posted {recent_by_author} times in the last {rules.rate_window_minutes} minutes"
    if count > rules.reject_posts_per_window:
        limit, outcome, decision = rules.reject_posts_per_window, "rejected", Decision.REJECT
    elif count > rules.hold_posts_per_window:
        limit, outcome, decision = rules.hold_posts_per_window, "held for review", Decision.HOLD_FOR_REVIEW
    else:
        return _ALLOW
    return _verdict(decision, "SPAM_RATE", f"{posted}; after {limit}, new posts and comments are {outcome}.")


def _duplicate(duplicate_recent: bool) -> Verdict:
    """SPAM_DUPLICATE: the author posted the same (normalised) text in the last 24 hours: HOLD_FOR_REVIEW.

    >>> print(_duplicate(True).decision, _duplicate(False).decision)
    HOLD_FOR_REVIEW ALLOW
    """
    if not duplicate_recent:
        return _ALLOW
    return _verdict(
        Decision.HOLD_FOR_REVIEW, "SPAM_DUPLICATE", "You posted the same text in the last 24 hours."
    )


def _links(text: str, links: Sequence[str], rules: Rules) -> Verdict:
    """SPAM_LINKS: more than `max_links` links, or at least `link_share_min_links` links making up more than
    `max_link_share` of the text's words (split at white space): HOLD_FOR_REVIEW.

    >>> six = tuple(f"https://example.com/{i}" for i in range(6))
    >>> print(_links("a long enough text " * 10, six, Rules()).reasons[0].message)
    The text has 6 links; more than 5 are held for review.
    >>> print(_links("see https://a.io https://b.io", six[:2], Rules()).reasons[0].message)
    Links are 2 of the text's 3 words; link-heavy texts are held for review.
    >>> print(_links("my chart: https://a.io", six[:1], Rules()).decision)
    ALLOW
    """
    count, words = len(links), max(len(text.split()), 1)
    if count > rules.max_links:
        message = f"The text has {count} links; more than {rules.max_links} are held for review."
    elif count >= rules.link_share_min_links and count / words > rules.max_link_share:
        message = f"Links are {count} of the text's {words} words; link-heavy texts are held for review."
    else:
        return _ALLOW
    return _verdict(Decision.HOLD_FOR_REVIEW, "SPAM_LINKS", message)


# --- scams -----------------------------------------------------------------------------------------------

# A warning or a lesson rather than a request, when in the same sentence as what was found.
_LESSON: Final = re.compile(
    r"\b(?:never|nobody|no\s*-?\s*one|noone|no\s+(?:legit\w*|real|genuine|support|admin|team|mod|moderator)"
    r"|scams?|scammers?|phish\w*|fraud\w*|theft|thie(?:f|ves)|beware|warning|careful|red\s+flags?|fake"
    r"|impersonat\w*|drainers?)\b"
)
_NOT_A_SCAM: Final = re.compile(r"\b(?:not|no|isn't|never)\s+(?:a\s+)?scams?\b")
# A negation right before the verb ("never share", "do not, ever, enter", "only type it on the device").
_NEGATED: Final = re.compile(
    r"\b(?:never|not|no|don'?t|doesn'?t|won'?t|shouldn'?t|can'?t|cannot|mustn'?t|only|asked|prompted)\b"
    r"(?:\W+(?:ever|even|you|to|be|anyone|anybody|it|them|u)\b)*\W*$"
)
_SECRET: Final = (
    r"(?:(?:seed|recovery|secret|mnemonic|backup|back-up|wallet)\s*-?\s*(?:phrase|words?|keys?)"
    r"|mnemonics?|private\s*-?\s*keys?|priv\s*keys?|privkeys?|secret\s+keys?|keystore"
    r"|(?:12|18|24|twelve|eighteen|twenty[\s-]four)\s*-?\s*words?(?:\s+(?:seed\s+|recovery\s+)?phrase)?"
    r"|seed\b(?!\s*(?:round|funding|stage|sale|investors?)))"
)
_REQUEST_VERB: Final = (
    r"(?:send|share|dm|pm|message|msg|inbox|give|enter|paste|submit|type|provide|input|tell|post|drop|reveal"
    r"|show|text|e-?mail|upload|forward|validate|sync|rectify|fill\s+in|(?:i|we)\s+(?:need|want|require)"
    r"|what(?:'s|s|\s+is)(?=\W+(?:your|ur)\b))"
)
# At most three words between the verb and the secret, none of them someone else's, an article or a question.
_OTHER: Final = r"(?:my|mine|his|her|their|our|its|a|an|how|where|why|when|if|whether|what|which|who)"
_SEED_REQUEST: Final = re.compile(rf"\b{_REQUEST_VERB}\b(?:\W+(?!{_OTHER}\b)[\w'-]+){{0,3}}?\W+{_SECRET}")
_WALLET_REQUEST: Final = re.compile(
    r"\b(?:validate|re-?validate|verify|sync|re-?sync|synchroni[sz]e|rectify|re-?activate)\s+(?:your|ur)\s+"
    r"(?:[\w-]+\s+)?wallets?\b(?!'?s?\s+(?:\w+\s+)?address)|\bwallet\s+(?:validation|rectification)\b"
)


def _is_lesson(sentence: str) -> bool:
    """A sentence that warns or teaches: "never", "no one", "scam", "beware", … in it ("not a scam" aside)."""
    return bool(_LESSON.search(_NOT_A_SCAM.sub(" ", sentence)))


def _requests(pattern: re.Pattern[str], sentence: str) -> Iterator[str]:
    for match in pattern.finditer(sentence):
        negated = _NEGATED.search(sentence[max(0, match.start() - 60) : match.start()])
        if not negated and not _is_mention(sentence, match.start(), match.end()):
            yield match.group(0)


def _seed_phrase(title: str, text: str) -> Verdict:
    """SCAM_SEED_PHRASE: a sentence asking for a seed, recovery or mnemonic phrase, "your 12/24 words" or a
    private key (a request verb — send, share, DM, enter, paste, type, tell, "we need", "what's your", … —
    then at most three words, none of them "my", "a", "how", …, then the secret), or asking to validate,
    verify, sync or rectify "your wallet" (not "your wallet address"): REJECT. A sentence that warns or
    teaches ("never", "no one", "scam", "beware", …), a negated verb ("don't share", "only enter … on the
    device") or a quoted mention (`He wrote "DM me your 12 words"`) is not a request.

    >>> print(_seed_phrase("Support", "Hi! DM me your 12 words and I'll fix it.").reasons[0].message)
    Asking for a seed phrase, recovery phrase or private key is not allowed: "dm me your 12 words".
    >>> print(_seed_phrase("Airdrop", "Sync your wallet at the link below").reasons[0].message)
    Asking to validate or sync your wallet is a wallet-draining scam: "sync your wallet".
    >>> print(_seed_phrase("Lesson", "Never share your seed phrase. Write your 24 words on paper.").decision)
    ALLOW
    """
    for sentence in _sentences(_normalised(f"{title}\n{text}")):
        if _is_lesson(sentence):
            continue
        for found in _requests(_SEED_REQUEST, sentence):
            return _verdict(
                Decision.REJECT,
                "SCAM_SEED_PHRASE",
                f"Asking for a seed phrase, recovery phrase or private key is not allowed: {_quoted(found)}.",
            )
        for found in _requests(_WALLET_REQUEST, sentence):
            return _verdict(
                Decision.REJECT,
                "SCAM_SEED_PHRASE",
                f"Asking to validate or sync your wallet is a wallet-draining scam: {_quoted(found)}.",
            )
    return _ALLOW


_COIN: Final = (
    r"(?:btc|bitcoins?|eth|ether|ethereum|usdt|usdc|sol|solana|bnb|xrp|doge|dogecoin|ada|trx|ltc|matic|avax"
    r"|shib|ton|crypto|coins?|tokens?)"
)
_AMOUNT: Final = r"\d+(?:[.,]\d+)?(?:\s*(?:-|to)\s*\d+(?:[.,]\d+)?)?\s*k?"
_MULTIPLE: Final = r"(?:\b(?:double|doubled|twice|triple|tripled)\b|\b\d+\s*x\b|\bx\s*\d+\b)"
_SEND_AMOUNT: Final = (
    r"\bsend\s+(?:(?:only|just|me|us|any|min(?:imum)?|from|up\s+to|at\s+least)\s+)*"
    rf"(?:{_AMOUNT}\s*{_COIN}?|{_COIN})\b"
)
_GET_MORE_BACK: Final = (
    rf"(?:\b(?:get|gets|receive|receives|recieve|will\s+be\s+(?:sent|returned))\b[^!?\n]{{0,40}}?"
    rf"(?:{_AMOUNT}\s*{_COIN}?\s*(?:back|in\s+return)\b|{_MULTIPLE})"
    rf"|\b(?:send|sends|sent|give|gives|return|returns)\s+(?:you\s+|it\s+)?back\s+(?:{_AMOUNT}|{_MULTIPLE}))"
)
_SEND: Final = re.compile(_SEND_AMOUNT)
_GET_MORE: Final = re.compile(_GET_MORE_BACK)
_SEND_OR_FOR_EACH: Final = re.compile(rf"{_SEND_AMOUNT}|\bfor\s+(?:every|each)\s+{_AMOUNT}")
_DOUBLE_YOUR: Final = re.compile(
    rf"\b(?:double|triple|quadruple|\d+\s*x)\s+(?:your|ur|ya)\s+(?:{_COIN}|money|funds|investments?"
    r"|deposits?|holdings|savings)\b(?!\s+(?:exposure|positions?|leverage))"
)
_GIVEAWAY_WORD: Final = re.compile(r"\bgive\s*-?\s*aways?\b")
_SEND_WORD: Final = re.compile(r"\bsend\b")
_GET_BACK: Final = re.compile(r"\b(?:receive|recieve|get)\b[^.!?\n]{0,40}?\bback\b(?!\s+to\b)")
_Span = tuple[int, int]


def _spans(pattern: re.Pattern[str], text: str) -> list[_Span]:
    return [match.span() for match in pattern.finditer(text)]


def _then(first: Sequence[_Span], second: Sequence[_Span], gap: int) -> list[_Span]:
    """Each span of `first` joined to the nearest span of `second` starting at most `gap` characters after it
    (a linear-time stand-in for the regex `first[\\s\\S]{0,gap}?second`).

    >>> _then([(0, 4), (10, 12)], [(6, 8), (40, 44)], 5)
    [(0, 8)]
    """
    starts = [start for start, _ in second]
    joined = []
    for start, end in first:
        i = bisect.bisect_left(starts, end)
        if i < len(second) and second[i][0] - end <= gap:
            joined.append((start, second[i][1]))
    return joined


def _offers(text: str) -> list[_Span]:
    """Where `text` offers more crypto back than was sent, in the four forms of `_giveaway`."""
    sends, gets = _spans(_SEND, text), _spans(_GET_MORE, text)
    sends_then_gets_back = _then(_spans(_SEND_WORD, text), _spans(_GET_BACK, text), 200)
    return [
        *_then(sends, gets, 200),
        *_then(gets, _spans(_SEND_OR_FOR_EACH, text), 120),
        *_spans(_DOUBLE_YOUR, text),
        *_then(_spans(_GIVEAWAY_WORD, text), sends_then_gets_back, 400),
    ]


def _giveaway(title: str, text: str) -> Verdict:
    """SCAM_GIVEAWAY: an offer to send back more crypto than was sent — "send <amount or coin> … get/receive
    <amount> back" (either order), "double/2x your BTC/money/…", or "giveaway … send … receive … back":
    REJECT. Not when the sentences it spans warn or teach ("scam", "never", "no one", "beware", …), nor a
    quoted mention (`A project promises "send 1 ETH, get 2 back"`).

    >>> print(_giveaway("GIVEAWAY", "Send 0.1-20 ETH to 0xAbC... You will receive 0.2-40 ETH back!").decision)
    REJECT
    >>> print(_giveaway("Tip", "Double your BTC in 24h").reasons[0].message)
    Promising to send back more crypto than was sent is a giveaway scam: "double your btc".
    >>> print(_giveaway("Oops", "If you send 1 ETH to the wrong chain you may not get it back.").decision)
    ALLOW
    >>> print(_giveaway("Lesson", "Scammers promise: send 1 ETH and get 2 back.").decision)
    ALLOW
    """
    normalised = _normalised(f"{title}\n{text}")
    stops = _full_stops(normalised)
    for start, end in _offers(normalised):
        sentence, begin = _around(normalised, stops, start, end)
        if not _is_lesson(sentence) and not _is_mention(sentence, start - begin, end - begin):
            return _verdict(
                Decision.REJECT,
                "SCAM_GIVEAWAY",
                "Promising to send back more crypto than was sent is a giveaway scam: "
                f"{_quoted(normalised[start:end])}.",
            )
    return _ALLOW


# --- phishing --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PhishingList:
    blocked: frozenset[str]
    allowed: frozenset[str]


@functools.cache
def _phishing_list() -> _PhishingList:
    """The shipped list, read once: plain lines are blocked domains, `@@` lines allowed ones, `#` comments."""
    with gzip.open(PHISHING_LIST, "rt", encoding="ascii") as lines:
        entries = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return _PhishingList(
        blocked=frozenset(entry for entry in entries if not entry.startswith("@@")),
        allowed=frozenset(entry[2:] for entry in entries if entry.startswith("@@")),
    )


def _host_and_parents(host: str) -> list[str]:
    """`host` (lower-cased, IDNA-encoded) and its parent domains, without the bare top-level domain.

    >>> _host_and_parents("Login.Wallet.Example.COM.")
    ['login.wallet.example.com', 'wallet.example.com', 'example.com']
    >>> _host_and_parents("m\\u0435tamask.io")  # a Cyrillic "e"
    ['xn--mtamask-7gg.io']
    """
    host = host.strip().rstrip(".").lower()
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return []
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


def is_phishing_domain(host: str) -> str | None:
    """The listed phishing domain that `host` is or is a subdomain of, else None. A host that is, or is under,
    a domain of the list's allow-list (e.g. metamask.io, myetherwallet.com) is never flagged. The list is
    MetaMask's eth-phishing-detect (data/PROVENANCE.md); a set lookup of the host and each parent domain.

    >>> is_phishing_domain("verifymetamask.io")
    'verifymetamask.io'
    >>> is_phishing_domain("Login.Free-Azuki.com.")
    'free-azuki.com'
    >>> is_phishing_domain("metamask.io") is None, is_phishing_domain("www.coingecko.com") is None
    (True, True)
    """
    candidates = _host_and_parents(host)
    phishing = _phishing_list()
    if any(candidate in phishing.allowed for candidate in candidates):
        return None
    return next((candidate for candidate in candidates if candidate in phishing.blocked), None)


_OBFUSCATED_DOT: Final = re.compile(r"\s{0,3}[\[(]\s{0,3}(?:\.|dot)\s{0,3}[\])]\s{0,3}")
_BARE_DOMAIN: Final = re.compile(r"(?<![\w.-])(?:[\w-]+\.)+[^\W\d_]{2,63}(?![\w-])")


def _hosts_in(links: Iterable[str], text: str) -> list[str]:
    """The hosts of `links`, then the domain names written in `text` (also as "evil[.]com"), once each.

    >>> _hosts_in(["https://App.Example.org/x?y=1"], "See wallet-fix[.]com, mail help@Example.net, e.g. now")
    ['app.example.org', 'wallet-fix.com', 'example.net']
    """
    hosts = [urlsplit(link).hostname or "" for link in links]
    hosts += _BARE_DOMAIN.findall(_OBFUSCATED_DOT.sub(".", _normalised(text)))
    return list(dict.fromkeys(host for host in hosts if host))


def _phishing(title: str, text: str, links: Sequence[str]) -> Verdict:
    """PHISHING_DOMAIN: a link, or a domain name written in the title or text ("visit wallet-sync.app",
    "evil[.]com"), whose host or a parent domain is on the phishing list (see `is_phishing_domain`): REJECT,
    one reason per listed domain.

    >>> print(_phishing("", "Claim at https://login.free-azuki.com/claim", ()).reasons[0].message)
    login.free-azuki.com is under free-azuki.com, a known crypto phishing domain.
    >>> print(_phishing("Help", "Visit verifymetamask.io to fix it", ()).reasons[0].message)
    verifymetamask.io is a known crypto phishing domain.
    >>> print(_phishing("", "Docs: https://metamask.io/faqs", ("https://metamask.io/faqs",)).decision)
    ALLOW
    """
    found: dict[str, str] = {}
    for host in _hosts_in(links, f"{title}\n{text}"):
        listed = is_phishing_domain(host)
        if listed is not None and listed not in found:
            found[listed] = host
    reasons = tuple(
        Reason(
            "PHISHING_DOMAIN",
            f"{host} is a known crypto phishing domain."
            if host == listed
            else f"{host} is under {listed}, a known crypto phishing domain.",
        )
        for listed, host in found.items()
    )
    return Verdict(Decision.REJECT, reasons) if reasons else _ALLOW


# --- profanity -------------------------------------------------------------------------------------------

_PIECE_WORDS: Final = 20
_Scorer = Callable[[list[str]], Sequence[float]]


@functools.cache
def _profanity_model() -> _Scorer:
    """alt-profanity-check's `predict_prob` (importing it loads its model: seconds, once per process)."""
    from profanity_check import predict_prob  # type: ignore[import-untyped]

    def scores(texts: list[str]) -> list[float]:
        return [float(p) for p in predict_prob(texts)]

    return scores


def _pieces(title: str, text: str) -> list[str]:
    """What the profanity model scores: the title, the text, and each sentence in pieces of at most 20 words,
    so that one bad word in a long post is not diluted by the rest.

    >>> _pieces("Hi", "One. Two three")
    ['Hi', 'One. Two three', 'One', 'Two three']
    """
    pieces = [title, text]
    for sentence in _sentences(f"{title}\n{text}"):
        words = sentence.split()
        pieces += [" ".join(words[i : i + _PIECE_WORDS]) for i in range(0, len(words), _PIECE_WORDS)]
    unique = dict.fromkeys(unicodedata.normalize("NFKC", piece).strip().lstrip("#>*- ") for piece in pieces)
    return [piece for piece in unique if piece]


def _profanity(title: str, text: str, rules: Rules, scores: _Scorer | None = None) -> Verdict:
    """PROFANITY: the profanity model's probability of the title, the text or any piece (see `_pieces`) at or
    above `profanity_hold`: HOLD_FOR_REVIEW, quoting the worst sentence. `scores` stands in for the model.

    >>> fake = lambda texts: [0.9 if "darn" in t.lower() else 0.1 for t in texts]
    >>> print(_profanity("Weekly", "Fine market. Darn bots everywhere.", Rules(), fake).reasons[0].message)
    This may contain profanity or abuse (probability 0.90): "Darn bots everywhere".
    >>> print(_profanity("Weekly", "Fine market.", Rules(), fake).decision)
    ALLOW
    """
    pieces = _pieces(title, text)
    if not pieces:
        return _ALLOW
    ranked = sorted(zip((scores or _profanity_model())(pieces), pieces, strict=True), reverse=True)
    if ranked[0][0] < rules.profanity_hold:
        return _ALLOW
    wholes = {unicodedata.normalize("NFKC", part).strip() for part in (title, text)}
    parts = [pair for pair in ranked if pair[1] not in wholes and pair[0] >= rules.profanity_hold]
    probability, piece = (parts or ranked)[0]
    return _verdict(
        Decision.HOLD_FOR_REVIEW,
        "PROFANITY",
        f"This may contain profanity or abuse (probability {probability:.2f}): {_quoted(piece)}.",
    )


# --- the verdict -----------------------------------------------------------------------------------------


def check(title: str, text: str, signals: Signals, rules: Rules = Rules()) -> Verdict:
    """The verdict on a post (or a comment: title "") from its text and the service's `signals`.

    Every check runs and every one that fires gives a reason; the decision is the most severe of them:

    * SPAM_RATE: more than `rules.hold_posts_per_window` posts and comments in `rules.rate_window_minutes`,
      this one included: HOLD_FOR_REVIEW; more than `rules.reject_posts_per_window`: REJECT.
    * SPAM_DUPLICATE: the same text by the same author in the last 24 hours: HOLD_FOR_REVIEW.
    * SPAM_LINKS: more than `rules.max_links` links, or a link-heavy text: HOLD_FOR_REVIEW.
    * SCAM_SEED_PHRASE: asking for a seed/recovery phrase, "your 12 words" or a private key, or to
      "validate/sync your wallet": REJECT (a warning such as "never share your seed phrase" is fine).
    * SCAM_GIVEAWAY: "send 1 ETH and get 2 back", "double your BTC", "giveaway … send … receive … back":
      REJECT.
    * PHISHING_DOMAIN: a link or a written domain on MetaMask's phishing list (or under one): REJECT.
    * PROFANITY: the profanity model's probability of the title, the text or one sentence at or above
      `rules.profanity_hold`: HOLD_FOR_REVIEW.

    No reason: ALLOW. The first call in a process loads the profanity model (seconds).
    """
    return _combine(
        (
            _rate(signals.recent_by_author, rules),
            _duplicate(signals.duplicate_recent),
            _links(text, signals.links, rules),
            _seed_phrase(title, text),
            _giveaway(title, text),
            _phishing(title, text, signals.links),
            _profanity(title, text, rules),
        )
    )
