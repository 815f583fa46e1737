"""The other names news uses for the registry's assets, and the names too common to match in any case."""

from __future__ import annotations

from typing import Final

# By ticker (the registry's base): names and tickers a story may use, matched in any case as whole words.
ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "BTC": ("bitcoin", "bitcoins", "xbt"),
    "ETH": ("ethereum", "ether", "eth"),
    "SOL": ("solana",),
    "BNB": ("bnb", "binance coin", "bnb chain"),
    "XRP": ("xrp", "ripple"),  # Ripple: the company behind XRP, the usual subject of such stories
    "ADA": ("cardano",),
    "DOGE": ("dogecoin",),
    "AVAX": ("avax",),
    "DOT": ("polkadot",),
    "LINK": ("chainlink",),
    "POL": ("matic",),
    "LTC": ("litecoin",),
    "ATOM": ("cosmos hub",),
    "UNI": ("uniswap",),
    "BCH": ("bitcoin cash",),
    "NEAR": ("near protocol",),
    "ETC": ("ethereum classic",),
    "FIL": ("filecoin",),
    "APT": ("aptos",),
    "ARB": ("arbitrum",),
    "SHIB": ("shiba inu", "shib"),
    "TON": ("toncoin",),
    "ICP": ("internet computer", "dfinity"),
    "HBAR": ("hedera", "hbar"),
    "AAVE": ("aave",),
    "USDT": ("tether", "usdt"),
    "USDC": ("usdc", "usd coin"),
}

# Names and aliases that are ordinary words ("an avalanche of", "stellar results", "a ripple effect"): matched
# only capitalised (Avalanche, Internet Computer), so a sentence that merely uses the word is seldom taken
# for the asset.
AMBIGUOUS_NAMES: Final[frozenset[str]] = frozenset(
    {"avalanche", "optimism", "stellar", "cosmos", "tron", "near", "sui", "polygon", "ripple"}
    | {"internet computer"}
)

# Tickers that are also everyday upper-case words or abbreviations: never matched bare, only as a cashtag
# ($DOT) or by the asset's name.
NO_BARE_TICKERS: Final[frozenset[str]] = frozenset({"DOT", "ETC", "ONE", "GAS", "SUN", "NEAR", "TON", "UNI"})
