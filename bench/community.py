"""Community benchmark: post lists (TRENDING, NEW, TOP), search and votes at 100,000 posts, 1,000,000 votes.

Per deployment (embedded SQLite with the in-process cache; PostgreSQL + Redis when both answer, else skipped
with the reason), a fresh database and the real app in-process over httpx ASGITransport:
- data (seeded, the same on both databases), inserted with SQLAlchemy Core in batches of 10,000 rows:
  --users members (default 2,000; one registered through the API for its password hash, the rest in bulk,
  each following 10 others); --posts posts (default 100,000) spread over the last 30 days, by authors of
  Zipf-like activity, titles and contents drawn from a vocabulary of crypto, market and everyday words with
  Zipf frequencies and English function words (so that search terms range from ~1% to most posts), $cashtags,
  1-3 tags and 0-2 symbols (and their label rows), 90% PUBLIC / 7% FOLLOWERS / 3% PRIVATE, 97% ALLOW / 3%
  HOLD_FOR_REVIEW, 1% HIDDEN or DELETED; --votes votes (default 1,000,000), one per (post, member), Zipf-like
  per post (rank^-0.7: a few dozen posts with most members' votes, the median post a handful), 60-97% up per
  post. Each post's upvotes/downvotes are those counts and `trending` is `votes.trending_score` of them, set
  in the same insert (computed in Python) and checked afterwards against community_votes with one aggregate
  query; community_members carry the votes received. The search index fills itself (FTS5 triggers on SQLite,
  the generated tsvector column and its GIN index on PostgreSQL). Then ANALYZE. Loading is timed per table.
- reads, each over --reads requests (default 300, after 20 untimed), one after another, each by one of 300
  signed-in members in turn: GET /api/community/posts?sort=TRENDING&limit=20, the same at offset=200,
  sort=NEW, sort=TOP&period=week, and search (q=...&sort=RELEVANCE&limit=20) for four kinds of terms, each
  rotating over three: a rare word (in ~1% of posts), a common one (~10%), two common words (all of them
  matched) and a frequent one (~50%, as "bitcoin" or "price" would be); the share of posts each term matches
  is counted in the database and printed.
- votes: POST /api/community/posts/{id}/votes {value: ±1} --reads times, each by a different member on a
  random readable post, p50 / p95 / max; then a burst of 200 concurrent votes on one hot post (the readable
  post with the most votes up to 3/4 of the members: 100 who voted on it vote again, ±1 at random, and 100
  others vote for the first time),
  its wall time, and whether the post's upvotes/downvotes equal both the counts in community_votes and the
  counts expected from the votes before the burst and the accepted ones (OK / MISMATCH).
- reference in the same run: GET /api/users/me by the same members, and each request's p50 and p95 over it.
Non-2xx answers are counted per request (the first one's body printed). Goals of the issue: TRENDING p95
< 30 ms with 100,000 posts and 1,000,000 votes, search p95 < 50 ms, on both databases.

Run: backend/.venv/bin/python bench/community.py [--users 2000] [--posts 100000] [--votes 1000000]
     [--reads 300] [--skip-cluster] [--skip-embedded]
Environment: BENCH_REDIS_URL (default redis://127.0.0.1:6379/13), BENCH_PG_ADMIN_URL (see support.py).
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import itertools
import os
import random
import statistics
import time
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from digest import serving
from reports import pct
from sqlalchemy import case, func, insert, select, text
from support import embedded, postgres
from ws_load import redis_problem

from app.community import search
from app.community.models import Follow, Label, Member, Post, Vote
from app.community.votes import trending_score
from app.config import Settings
from app.core.runtime import Runtime
from app.users import service as users_service
from app.users.models import User

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
POSTS = "/api/community/posts"
BATCH = 10_000
WARM_UP = 20
READERS = 300
BURST = 200
DAYS = 30
FOLLOWS = 10
TRENDING_GOAL_MS = 30.0
SEARCH_GOAL_MS = 50.0

# Content words: crypto and market ones (search terms are chosen among them), then everyday ones. The
# generator ranks HEAD first and the others in a seeded random order, and draws them with Zipf frequencies
# (1 / (rank + 3)), so a few are in most posts and the last hundreds in under 1% each.
CRYPTO_WORDS = """
bitcoin ethereum solana cardano polkadot avalanche chainlink polygon arbitrum optimism cosmos litecoin monero
dogecoin ripple tron stellar tezos algorand uniswap aave maker lido sushiswap pancakeswap binance coinbase
kraken bybit kucoin gemini bitfinex ledger trezor metamask phantom blockchain token altcoin stablecoin
memecoin wallet exchange custody miner hashrate difficulty halving block mempool gas fee validator staking
delegator slashing consensus rollup bridge sidechain layer oracle contract protocol airdrop governance
proposal treasury multisig seed phrase address nonce signature merkle node client fork mainnet testnet
upgrade sharding sequencer prover zkevm snark calldata blob danksharding restaking eigenlayer liquidity pool
yield farming vault lending collateral liquidation leverage perpetual futures options funding basis arbitrage
spread slippage orderbook taker swap pair dex cex aggregator router tokenomics emission supply burn mint
vesting unlock cliff allocation presale launchpad nft collection marketplace royalty metaverse gaming dao
whitepaper roadmap audit exploit hack rugpull scam phishing drainer bounty vulnerability reentrancy flashloan
frontrun mev sandwich searcher relay ordinals inscription runes lightning channel taproot segwit utxo satoshi
sats gwei lamport epoch slot finality reorg uptime outage price chart candle wick doji hammer engulfing
support resistance trendline breakout breakdown retest pullback rally dump pump crash correction range
accumulation distribution capitulation rebound bounce reversal continuation momentum volume volatility
dominance marketcap valuation rsi macd bollinger fibonacci ema sma vwap ichimoku stochastic divergence
oversold overbought bullish bearish bull bear whale shrimp hodl fomo fud ath drawdown bottom cycle season
altseason sentiment fear greed index etf approval inflow outflow spot premium discount macro fed inflation
rates dollar equities nasdaq gold recession regulation sec lawsuit compliance tax kyc aml sanctions reserve
attestation depeg peg portfolio position entry exit target stoploss profit loss risk reward hedge short long
squeeze margin isolated scalping swing backtest strategy signal indicator alert timeframe hourly daily weekly
"""
OTHER_WORDS = """
monthly quarterly analysis thread update thoughts question opinion idea theory prediction forecast outlook
review guide tutorial beginner newbie veteran trader investor developer community team founder partnership
announcement launch release feature integration adoption user growth revenue earnings report data metric
screenshot link source article podcast interview video stream conference summit hackathon grant ecosystem
network infrastructure scaling throughput latency security privacy decentralization censorship sovereignty
freedom money value store medium payment remittance merchant institution bank fund manager asset class
diversification rebalance conviction patience discipline psychology emotion panic euphoria narrative
catalyst trend pattern structure level zone week month year today tomorrow yesterday morning night weekend
holiday january february march april june july august september october november december spring summer
autumn winter green red orange purple moon rocket diamond hands paper weak strong early late cheap expensive
huge tiny massive small big quick slow steady sharp sudden gradual clear obvious hidden secret simple complex
safe risky wild calm crazy insane solid clean messy fresh stale hot cold warm fast new old next previous
first final major minor global local retail smart dumb lucky unlucky happy sad angry nervous excited bored
confident worried careful brave honest shady legit fake real true wrong right better worse best worst cheaper
higher lower deeper wider tighter looser heavy light thin thick flat sideways upward downward vertical
horizontal parabolic exponential linear organic artificial synthetic native wrapped bridged staked locked
unlocked frozen burned minted claimed pending confirmed rejected approved delayed scheduled cancelled
finished started paused resumed listed delisted traded held sold bought shorted longed hedged closed opened
doubled halved tripled crashed pumped dumped rallied recovered collapsed exploded surged plunged soared tanked
bounced rejected broke held flipped reclaimed lost gained earned paid spent saved borrowed lent swapped
bridged minted burned sniped farmed staked voted proposed audited exploited drained patched forked merged
shipped deployed tested launched announced delayed rumored leaked confirmed denied expected predicted
called missed caught chased faded ignored watched noticed spotted tracked charted plotted measured counted
computer phone laptop server cloud database api sdk cli browser extension app website dashboard terminal
screen keyboard coffee pizza beer lunch dinner breakfast office home street city country europe asia america
africa london tokyo singapore dubai hongkong zurich miami berlin paris seoul sydney toronto lagos istanbul
friend family wife husband kid boss colleague neighbor stranger teacher student doctor lawyer banker farmer
engineer artist writer journalist politician senator minister president governor mayor judge regulator
lobbyist economist analyst strategist quant mathematician physicist scientist researcher professor author
book paper essay blog newsletter tweet post comment reply meme joke story lesson mistake success failure
dream plan goal habit routine journal notebook spreadsheet calculator formula model simulation experiment
hypothesis evidence proof argument debate consensus disagreement controversy drama scandal rumor leak news
headline breaking exclusive official unofficial verified unverified anonymous pseudonymous public private
open closed free paid premium basic advanced expert professional amateur hobby passion career job salary
bonus pension savings mortgage rent debt credit loan interest dividend coupon bond stock share option
warrant commodity oil silver copper wheat corn energy power electricity solar wind nuclear hydro climate
carbon emissions footprint sustainability environment waste recycling efficiency performance benchmark
speed capacity bandwidth storage memory processor chip gpu asic rig farm pool reward subsidy issuance
"""
CRYPTO = list(dict.fromkeys(CRYPTO_WORDS.split()))
VOCABULARY = list(dict.fromkeys(CRYPTO + OTHER_WORDS.split()))
HEAD = [
    "bitcoin",
    "price",
    "ethereum",
    "chart",
    "bullish",
    "support",
    "resistance",
    "bearish",
    "volume",
    "breakout",
]
FUNCTION_TEXT = (
    "the a an and or but of to in on for with is are was this that it at by from as be have has not no so if "
    "just very really still also I we you they my our your its their what when how why which who will can "
    "could would should might about after before over under again then than more most some any all"
)
FUNCTION_WORDS = FUNCTION_TEXT.split()
TAGS = [
    "BTC", "ETH", "SOL", "DEFI", "TRADING", "TECHNICAL_ANALYSIS", "ONCHAIN", "NEWS", "MACRO", "NFT",
    "STAKING", "LAYER2", "SECURITY", "REGULATION", "MEMECOINS", "ALTCOINS", "MINING", "ETF", "STABLECOINS",
    "DERIVATIVES", "LONG_TERM", "BEGINNERS", "RESEARCH", "GOVERNANCE", "AIRDROPS", "WALLETS", "TAX",
    "SENTIMENT", "BACKTEST", "ALERTS",
]  # fmt: skip
SYMBOLS = [
    "BTC", "ETH", "SOL", "BNB", "XRP", "ADA", "DOGE", "TRX", "DOT", "AVAX", "LINK", "MATIC", "LTC", "BCH",
    "ATOM", "UNI", "XLM", "NEAR", "ARB", "OP",
]  # fmt: skip


def cumulative(weights: list[float]) -> list[float]:
    return list(itertools.accumulate(weights))


@dataclass
class Generated:
    """The whole data set, by index (members 0..users-1, posts 0..posts-1 oldest first)."""

    users: int
    authors: list[int] = field(default_factory=list)
    created: list[datetime] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    contents: list[str] = field(default_factory=list)
    tags: list[list[str]] = field(default_factory=list)
    symbols: list[list[str]] = field(default_factory=list)
    visibility: list[str] = field(default_factory=list)
    moderation: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    upvotes: list[int] = field(default_factory=list)
    downvotes: list[int] = field(default_factory=list)
    # One entry per vote: the post's index, the member's index and the value (-1 or 1).
    vote_post: array[int] = field(default_factory=lambda: array("i"))
    vote_user: array[int] = field(default_factory=lambda: array("i"))
    vote_value: array[int] = field(default_factory=lambda: array("b"))
    received: Counter[int] = field(default_factory=Counter)
    follows: list[tuple[int, int]] = field(default_factory=list)
    document_frequency: Counter[str] = field(default_factory=Counter)

    @property
    def readable(self) -> list[int]:
        """Posts every member may read (and vote on): PUBLIC, ALLOW and PUBLISHED."""
        return [
            i
            for i in range(len(self.created))
            if self.visibility[i] == "PUBLIC"
            and self.moderation[i] == "ALLOW"
            and self.status[i] == "PUBLISHED"
        ]


def sentence(rng: random.Random, words: list[str], cum: list[float], length: int) -> list[str]:
    drawn = rng.choices(words, cum_weights=cum, k=length)
    return [rng.choice(FUNCTION_WORDS) if rng.random() < 0.35 else w for w in drawn]


def vote_counts(rng: random.Random, posts: int, users: int, votes: int) -> list[int]:
    """Votes per post: rank^-0.7 over the posts in a random order, one per member at most, `votes` in all."""
    if votes > posts * users:
        raise SystemExit(f"--votes {votes:,} is more than posts x users ({posts * users:,})")
    weights = [(r + 1) ** -0.7 for r in range(posts)]
    scale = votes / sum(weights)
    counts = [min(users, int(w * scale)) for w in weights]
    rng.shuffle(counts)
    open_posts = [i for i, n in enumerate(counts) if n < users]
    missing = votes - sum(counts)
    while missing > 0:
        i = rng.choice(open_posts)
        if counts[i] < users:
            counts[i] += 1
            missing -= 1
    return counts


def generate(users: int, posts: int, votes: int, seed: int = 7) -> Generated:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    data = Generated(users)
    words = [w for w in VOCABULARY if w not in HEAD]
    rng.shuffle(words)
    words = HEAD + words
    word_cum = cumulative([1 / (r + 4) for r in range(len(words))])
    author_cum = cumulative([(u + 5) ** -0.8 for u in range(users)])
    tag_cum = cumulative([1 / (r + 1) for r in range(len(TAGS))])
    symbol_cum = cumulative([1 / (r + 1) for r in range(len(SYMBOLS))])
    created = sorted(now - timedelta(seconds=rng.uniform(0, DAYS * 86400)) for _ in range(posts))
    for when in created:
        data.created.append(when)
        data.authors.append(bisect.bisect_left(author_cum, rng.random() * author_cum[-1]))
        title = sentence(rng, words, word_cum, rng.randint(4, 9))
        title[0] = title[0].capitalize()
        symbols = sorted(set(rng.choices(SYMBOLS, cum_weights=symbol_cum, k=rng.choice((0, 1, 1, 2)))))
        body = []
        for _ in range(rng.randint(2, 5)):
            part = sentence(rng, words, word_cum, rng.randint(6, 14))
            part[0] = part[0].capitalize()
            body.append(" ".join(part) + rng.choice((".", ".", ".", "!", "?")))
        for symbol in symbols:
            body.insert(rng.randrange(len(body) + 1), f"${symbol} looks {rng.choice(words)}.")
        content = " ".join(body)
        data.titles.append(" ".join(title))
        data.contents.append(content)
        data.document_frequency.update({w.lower() for w in f"{data.titles[-1]} {content}".split()})
        data.tags.append(sorted(set(rng.choices(TAGS, cum_weights=tag_cum, k=rng.randint(1, 3)))))
        data.symbols.append([f"{s}-USD" for s in symbols])
        roll = rng.random()
        data.visibility.append("PUBLIC" if roll < 0.90 else "FOLLOWERS" if roll < 0.97 else "PRIVATE")
        data.moderation.append("ALLOW" if rng.random() < 0.97 else "HOLD_FOR_REVIEW")
        roll = rng.random()
        data.status.append("PUBLISHED" if roll < 0.99 else "HIDDEN" if roll < 0.995 else "DELETED")
    members = range(users)
    for post, count in enumerate(vote_counts(rng, posts, users, votes)):
        share_up = rng.uniform(0.6, 0.97)
        up = 0
        voters = rng.sample(members, count)
        for user in voters:
            value = 1 if rng.random() < share_up else -1
            up += value > 0
            data.vote_value.append(value)
            if user != data.authors[post]:
                data.received[data.authors[post]] += value
        data.vote_post.extend([post] * count)
        data.vote_user.extend(voters)
        data.upvotes.append(up)
        data.downvotes.append(count - up)
    for user in members:
        followed = {bisect.bisect_left(author_cum, rng.random() * author_cum[-1]) for _ in range(FOLLOWS)}
        data.follows += [(user, target) for target in sorted(followed - {user})]
    return data


def batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    while chunk := list(itertools.islice(rows, BATCH)):
        yield chunk


async def insert_all(runtime: Runtime, table: Any, rows: Iterator[dict[str, Any]]) -> tuple[int, float]:
    t0 = time.perf_counter()
    count = 0
    async with runtime.db.session() as session:
        for chunk in batches(rows):
            await session.execute(insert(table), chunk)
            count += len(chunk)
    return count, time.perf_counter() - t0


async def make_users(client: httpx.AsyncClient, runtime: Runtime, users: int) -> list[int]:
    """One registered account (for its password hash), the rest inserted in bulk; their ids by index."""
    first = await client.post(
        "/api/auth/register", json={"email": "m0@bench.example", "password": "bench-pass-1"}
    )
    first.raise_for_status()
    first_id = first.json()["data"]["user"]["id"]
    async with runtime.db.session() as session:
        template = await session.get(User, first_id)
        assert template is not None
        rows = [
            {
                "email": f"m{n}@bench.example",
                "password_hash": template.password_hash,
                "display_name": f"Member {n}" if n % 2 else None,
                "role": "user",
                "preferences": template.preferences,
                "token_version": 0,
                "created_at": datetime.now(UTC),
            }
            for n in range(1, users)
        ]
        for start in range(0, len(rows), BATCH):
            await session.execute(insert(User), rows[start : start + BATCH])
        others = await session.scalars(select(User.id).where(User.id != first_id).order_by(User.id))
        return [first_id, *others]


async def load(client: httpx.AsyncClient, runtime: Runtime, data: Generated) -> tuple[list[int], list[int]]:
    """Everything inserted; the members' and posts' ids by index."""
    t0 = time.perf_counter()
    user_ids = await make_users(client, runtime, data.users)
    print(f"  load: {len(user_ids):,} users in {time.perf_counter() - t0:.1f} s", flush=True)

    def post_rows() -> Iterator[dict[str, Any]]:
        for i, created in enumerate(data.created):
            up, down = data.upvotes[i], data.downvotes[i]
            yield {
                "user_id": user_ids[data.authors[i]],
                "title": data.titles[i],
                "content": data.contents[i],
                "content_html": f"<p>{data.contents[i]}</p>",
                "tags": data.tags[i],
                "symbols": data.symbols[i],
                "attachments": [],
                "visibility": data.visibility[i],
                "status": data.status[i],
                "moderation": data.moderation[i],
                "moderation_reasons": [],
                "locked": False,
                "upvotes": up,
                "downvotes": down,
                "comments": 0,
                "views": 0,
                "readers": 0,
                "trending": trending_score(up - down, created),
                "created_at": created,
                "updated_at": None,
                "deleted_at": created if data.status[i] == "DELETED" else None,
            }

    count, took = await insert_all(runtime, Post, post_rows())
    print(f"  load: {count:,} posts (and their search index) in {took:.1f} s", flush=True)
    async with runtime.db.session() as session:
        post_ids = list(await session.scalars(select(Post.id).order_by(Post.id)))
    assert len(post_ids) == len(data.created), (len(post_ids), len(data.created))

    def label_rows() -> Iterator[dict[str, Any]]:
        for i, post_id in enumerate(post_ids):
            for kind, values in (("TAG", data.tags[i]), ("SYMBOL", data.symbols[i])):
                for value in values:
                    yield {"kind": kind, "value": value, "post_id": post_id}

    count, took = await insert_all(runtime, Label, label_rows())
    print(f"  load: {count:,} labels in {took:.1f} s", flush=True)

    def vote_rows() -> Iterator[dict[str, Any]]:
        rng = random.Random(11)
        now = datetime.now(UTC)
        for post, user, value in zip(data.vote_post, data.vote_user, data.vote_value, strict=True):
            created = data.created[post]
            yield {
                "post_id": post_ids[post],
                "user_id": user_ids[user],
                "value": value,
                "created_at": created + (now - created) * rng.random() ** 2,
            }

    count, took = await insert_all(runtime, Vote, vote_rows())
    print(f"  load: {count:,} votes in {took:.1f} s = {count / took:,.0f}/s", flush=True)
    members = (
        {"user_id": user_ids[u], "votes_received": data.received[u], "penalties": 0}
        for u in range(data.users)
    )
    follows = (
        {
            "follower_id": user_ids[f],
            "kind": "USER",
            "target": str(user_ids[t]),
            "created_at": datetime.now(UTC),
        }
        for f, t in data.follows
    )
    count, took = await insert_all(runtime, Member, members)
    count_f, took_f = await insert_all(runtime, Follow, follows)
    print(f"  load: {count:,} members, {count_f:,} follows in {took + took_f:.1f} s", flush=True)
    t0 = time.perf_counter()
    async with runtime.db.engine.connect() as conn:
        await conn.execute(text("ANALYZE"))
        await conn.commit()
    print(f"  load: ANALYZE in {time.perf_counter() - t0:.1f} s", flush=True)
    return user_ids, post_ids


async def inconsistent_posts(runtime: Runtime) -> int:
    """Posts whose upvotes/downvotes differ from their rows in community_votes (one aggregate query)."""
    tally = (
        select(
            Vote.post_id,
            func.sum(case((Vote.value > 0, 1), else_=0)).label("up"),
            func.sum(case((Vote.value < 0, 1), else_=0)).label("down"),
        )
        .group_by(Vote.post_id)
        .subquery()
    )
    query = (
        select(func.count())
        .select_from(Post)
        .outerjoin(tally, tally.c.post_id == Post.id)
        .where(
            (Post.upvotes != func.coalesce(tally.c.up, 0))
            | (Post.downvotes != func.coalesce(tally.c.down, 0))
        )
    )
    async with runtime.db.session() as session:
        return int(await session.scalar(query) or 0)


async def matches(runtime: Runtime, q: str) -> int:
    """How many posts the search for `q` matches (before visibility), as the app's search queries them."""
    async with runtime.db.session() as session:
        if runtime.db.dialect == "postgresql":
            sql = "SELECT count(*) FROM community_posts WHERE search @@ websearch_to_tsquery('english', :q)"
            return int(await session.scalar(text(sql), {"q": q}) or 0)
        sql = "SELECT count(*) FROM community_posts_fts WHERE community_posts_fts MATCH :q"
        return int(await session.scalar(text(sql), {"q": search.fts5_query(q)}) or 0)


def search_terms(data: Generated) -> dict[str, list[str]]:
    """Three words of each kind: rare (nearest 1% of posts), common (10%), frequent (50%), and three pairs of
    common ones. Words that share a stem with another word of the vocabulary (week / weekly, liquidity /
    liquidation) are left out, so that the share counted here is the share the search matches."""
    posts = len(data.created)

    def alone(word: str) -> bool:
        return not any(
            other != word and (other.startswith(word[:5]) or word.startswith(other)) for other in VOCABULARY
        )

    candidates = [w for w in CRYPTO if w.isalpha() and len(w) > 3 and alone(w)]

    def nearest(share: float, n: int, skip: set[str]) -> list[str]:
        ranked = sorted(
            (w for w in candidates if w not in skip),
            key=lambda w: abs(data.document_frequency[w] / posts - share),
        )
        return ranked[:n]

    rare = nearest(0.01, 3, set())
    common = nearest(0.10, 6, set(rare))
    return {
        "rare": rare,
        "common": common[:3],
        "two words": [f"{a} {b}" for a, b in zip(common[:3], common[3:6], strict=True)],
        "frequent": nearest(0.5, 3, set(rare + common)),
    }


@dataclass
class Series:
    label: str
    times: list[float]
    failures: Counter[int]
    first_failure: str = ""
    goal_ms: float | None = None


Call = tuple[str, str, dict[str, str], dict[str, Any] | None]


async def request(client: httpx.AsyncClient, call: Call) -> tuple[float, httpx.Response]:
    method, url, headers, body = call
    t0 = time.perf_counter()
    response = await client.request(method, url, headers=headers, json=body)
    return time.perf_counter() - t0, response


async def timed(
    client: httpx.AsyncClient, label: str, calls: list[Call], goal_ms: float | None = None
) -> Series:
    for call in calls[:WARM_UP]:
        await request(client, call)
    series = Series(label, [], Counter(), goal_ms=goal_ms)
    for call in calls[WARM_UP:]:
        took, response = await request(client, call)
        series.times.append(took)
        note(series, call, response)
    return series


def note(series: Series, call: Call, response: httpx.Response) -> None:
    if not response.is_success:
        series.failures[response.status_code] += 1
        if not series.first_failure:
            series.first_failure = f"{call[0]} {call[1]} -> {response.status_code} {response.text[:300]}"


def token_of(runtime: Runtime, user_id: int) -> dict[str, str]:
    user = User(id=user_id, token_version=0)
    pair = users_service.issue_tokens(runtime.settings, user)
    return {"Authorization": f"Bearer {pair.access_token}"}


async def burst(
    client: httpx.AsyncClient,
    runtime: Runtime,
    data: Generated,
    user_ids: list[int],
    post_ids: list[int],
    readable: list[int],
    rng: random.Random,
) -> tuple[Series, str]:
    """BURST concurrent votes on the readable post with the most votes below 3/4 of the members."""
    half = [i for i in readable if data.upvotes[i] + data.downvotes[i] <= 0.75 * data.users]
    hot = max(half, key=lambda i: data.upvotes[i] + data.downvotes[i])
    post_id = post_ids[hot]
    async with runtime.db.session() as session:
        before = dict(
            (await session.execute(select(Vote.user_id, Vote.value).where(Vote.post_id == post_id))).all()
        )
    voted = [u for u in user_ids if u in before]
    fresh = [u for u in user_ids if u not in before]
    again = min(len(voted), BURST // 2)
    who = rng.sample(voted, again) + rng.sample(fresh, min(len(fresh), BURST - again))
    values = {u: rng.choice((1, -1)) for u in who}
    calls: list[Call] = [
        ("POST", f"{POSTS}/{post_id}/votes", token_of(runtime, u), {"value": values[u]}) for u in who
    ]
    t0 = time.perf_counter()
    done = await asyncio.gather(*(request(client, call) for call in calls))
    wall = time.perf_counter() - t0
    series = Series(f"POST {POSTS}/{{id}}/votes, {len(calls)} at once on one post", [], Counter())
    expected = dict(before)
    for call, user, (took, response) in zip(calls, who, done, strict=True):
        series.times.append(took)
        note(series, call, response)
        if response.is_success:
            expected[user] = values[user]
    async with runtime.db.session() as session:
        stored = await session.get(Post, post_id)
        assert stored is not None
        rows = dict(
            (
                await session.execute(
                    select(Vote.value, func.count()).where(Vote.post_id == post_id).group_by(Vote.value)
                )
            ).all()
        )
    counted = (rows.get(1, 0), rows.get(-1, 0))
    wanted = (sum(v > 0 for v in expected.values()), sum(v < 0 for v in expected.values()))
    verdict = "OK" if (stored.upvotes, stored.downvotes) == counted == wanted else "MISMATCH"
    summary = (
        f"  burst: {len(calls)} concurrent votes on post {post_id} ({len(before):,} votes before; "
        f"{again} members voting again, {len(calls) - again} for the first time) in {wall:.2f} s wall; "
        f"post {stored.upvotes}/{stored.downvotes} up/down, community_votes {counted[0]}/{counted[1]}, "
        f"expected {wanted[0]}/{wanted[1]}: {verdict}"
    )
    return series, summary


def show(series: Series, me: Series | None) -> str:
    p50, p95 = statistics.median(series.times) * 1000, pct(series.times, 0.95) * 1000
    ratio = ""
    if me is not None:
        ratio = (
            f"{p50 / (statistics.median(me.times) * 1000):6.1f}x {p95 / (pct(me.times, 0.95) * 1000):6.1f}x"
        )
    goal = ""
    if series.goal_ms is not None:
        goal = f"p95 < {series.goal_ms:.0f} ms: {'met' if p95 < series.goal_ms else 'MISSED'}"
    failed = sum(series.failures.values())
    return (
        f"  {series.label:62} {p50:7.1f} {p95:7.1f} {max(series.times) * 1000:7.1f}  {ratio:15} "
        f"{failed:7d}  {goal}"
    )


async def run(label: str, settings: Settings, data: Generated, reads: int) -> None:
    print(f"{label}: load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    rng = random.Random(13)
    async with serving(settings) as (client, runtime):
        t0 = time.perf_counter()
        user_ids, post_ids = await load(client, runtime, data)
        loaded = time.perf_counter() - t0
        t0 = time.perf_counter()
        wrong = await inconsistent_posts(runtime)
        print(
            f"  loaded in {loaded:.1f} s; posts whose counts differ from community_votes: {wrong} "
            f"({'OK' if wrong == 0 else 'MISMATCH'}; checked in {time.perf_counter() - t0:.1f} s); "
            f"load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        terms = search_terms(data)
        for kind, chosen in terms.items():
            shares = [f"'{q}' {await matches(runtime, q) / len(post_ids):.1%}" for q in chosen]
            print(f"  search terms, {kind}: {', '.join(shares)} of posts", flush=True)
        readers = rng.sample(user_ids, min(READERS, len(user_ids)))
        headers = [token_of(runtime, u) for u in readers]
        n = reads + WARM_UP

        def gets(url: str | list[str]) -> list[Call]:
            urls = [url] if isinstance(url, str) else url
            return [("GET", urls[i % len(urls)], headers[i % len(headers)], None) for i in range(n)]

        rows: list[Series] = []
        for title, url, goal in (
            ("sort=TRENDING&limit=20", f"{POSTS}?sort=TRENDING&limit=20", TRENDING_GOAL_MS),
            (
                "sort=TRENDING&limit=20&offset=200",
                f"{POSTS}?sort=TRENDING&limit=20&offset=200",
                TRENDING_GOAL_MS,
            ),
            ("sort=NEW&limit=20", f"{POSTS}?sort=NEW&limit=20", None),
            ("sort=TOP&period=week&limit=20", f"{POSTS}?sort=TOP&period=week&limit=20", None),
        ):
            rows.append(await timed(client, f"GET {POSTS}?{title}", gets(url), goal))
        for kind, chosen in terms.items():
            urls = [f"{POSTS}?{httpx.QueryParams(q=q, sort='RELEVANCE', limit=20)}" for q in chosen]
            rows.append(
                await timed(client, f"GET {POSTS}?q=<{kind}>&sort=RELEVANCE", gets(urls), SEARCH_GOAL_MS)
            )
        readable = data.readable
        # Each vote by a member who is not one of the readers, when there are enough of them.
        others = [u for u in user_ids if u not in set(readers)]
        pool = others if len(others) >= n else user_ids
        voters = rng.sample(pool, min(n, len(pool)))
        votes_calls: list[Call] = [
            (
                "POST",
                f"{POSTS}/{post_ids[rng.choice(readable)]}/votes",
                token_of(runtime, voters[i % len(voters)]),
                {"value": 1 if rng.random() < 0.8 else -1},
            )
            for i in range(n)
        ]
        rows.append(await timed(client, f"POST {POSTS}/{{id}}/votes (random post, member)", votes_calls))
        hot, summary = await burst(client, runtime, data, user_ids, post_ids, readable, rng)
        rows.append(hot)
        me = await timed(client, "GET /api/users/me (reference)", gets("/api/users/me"))
        print(f"  {'request (ms)':62} {'p50':>7} {'p95':>7} {'max':>7}  {'/me p50 p95':15} non-2xx  goal")
        for series in rows:
            print(show(series, me))
        print(show(me, None))
        print(summary)
        for series in [*rows, me]:
            if series.failures:
                print(f"  non-2xx: {series.label}: {dict(series.failures)}; first: {series.first_failure}")
        print(flush=True)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=2_000)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--reads", type=int, default=300)
    parser.add_argument("--skip-cluster", action="store_true")
    parser.add_argument("--skip-embedded", action="store_true")
    args = parser.parse_args()
    load = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} cores", flush=True)
    t0 = time.perf_counter()
    data = generate(args.users, args.posts, args.votes)
    counts = sorted((data.upvotes[i] + data.downvotes[i] for i in range(args.posts)), reverse=True)
    print(
        f"generated {args.users:,} members, {args.posts:,} posts, {len(data.vote_value):,} votes "
        f"({sum(data.upvotes) / max(1, len(data.vote_value)):.0%} up; per post: max {counts[0]:,}, "
        f"p99 {counts[len(counts) // 100]:,}, median {counts[len(counts) // 2]:,}), "
        f"{len(data.follows):,} follows in {time.perf_counter() - t0:.1f} s",
        flush=True,
    )
    overrides = {"login_ip_limit": 10**6, "access_token_ttl_seconds": 7200}
    if not args.skip_embedded:
        async with embedded(**overrides) as settings:
            await run("embedded (SQLite)", settings, data, args.reads)
    if not args.skip_cluster:
        problem = await redis_problem(REDIS_URL)
        if problem:
            print(f"cluster skipped: {problem}")
            return
        async with postgres(**overrides, redis_url=REDIS_URL) as settings:
            if settings is not None:
                await run("cluster (PostgreSQL + Redis)", settings, data, args.reads)


if __name__ == "__main__":
    asyncio.run(main())
