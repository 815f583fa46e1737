"""The asset registry: canonical symbols and their ids at CoinGecko, CoinMarketCap, Binance, Coinbase.

Canonical form is `BASE-QUOTE` (`BTC-USD`); stablecoins are listed under their own ticker (`USDT`,
`USDC`) and priced in USD. Binance quotes in USDT, which is taken as USD (documented in ARCHITECTURE).
Admins add assets at run time (`POST /api/market/symbols`); these built-ins are always present.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SYMBOL_PATTERN = re.compile(r"^[A-Z0-9]{1,15}(-[A-Z0-9]{1,10})?$")


@dataclass(frozen=True, slots=True)
class Asset:
    symbol: str
    name: str
    coingecko_id: str | None = None
    coinmarketcap_id: int | None = None
    binance_pair: str | None = None
    coinbase_product: str | None = None
    stablecoin: bool = False

    @property
    def base(self) -> str:
        return self.symbol.split("-")[0]

    @property
    def quote(self) -> str:
        return self.symbol.split("-")[1] if "-" in self.symbol else "USD"


def _coin(base: str, name: str, cg: str, cmc: int, binance: bool = True, coinbase: bool = True) -> Asset:
    return Asset(
        f"{base}-USD", name, cg, cmc, f"{base}USDT" if binance else None, f"{base}-USD" if coinbase else None
    )


BUILTIN_ASSETS: tuple[Asset, ...] = (
    _coin("BTC", "Bitcoin", "bitcoin", 1),
    _coin("ETH", "Ethereum", "ethereum", 1027),
    _coin("SOL", "Solana", "solana", 5426),
    _coin("BNB", "BNB", "binancecoin", 1839, coinbase=False),
    _coin("XRP", "XRP", "ripple", 52),
    _coin("ADA", "Cardano", "cardano", 2010),
    _coin("DOGE", "Dogecoin", "dogecoin", 74),
    _coin("AVAX", "Avalanche", "avalanche-2", 5805),
    _coin("DOT", "Polkadot", "polkadot", 6636),
    _coin("LINK", "Chainlink", "chainlink", 1975),
    _coin("POL", "Polygon (ex-MATIC)", "polygon-ecosystem-token", 28321),
    _coin("LTC", "Litecoin", "litecoin", 2),
    _coin("TRX", "TRON", "tron", 1958, coinbase=False),
    _coin("ATOM", "Cosmos Hub", "cosmos", 3794),
    _coin("UNI", "Uniswap", "uniswap", 7083),
    _coin("BCH", "Bitcoin Cash", "bitcoin-cash", 1831),
    _coin("NEAR", "NEAR Protocol", "near", 6535),
    _coin("XLM", "Stellar", "stellar", 512),
    _coin("ETC", "Ethereum Classic", "ethereum-classic", 1321),
    _coin("FIL", "Filecoin", "filecoin", 2280),
    _coin("APT", "Aptos", "aptos", 21794),
    _coin("ARB", "Arbitrum", "arbitrum", 11841),
    _coin("OP", "Optimism", "optimism", 11840),
    _coin("SHIB", "Shiba Inu", "shiba-inu", 5994),
    _coin("TON", "Toncoin", "the-open-network", 11419, coinbase=False),
    _coin("SUI", "Sui", "sui", 20947),
    _coin("ICP", "Internet Computer", "internet-computer", 8916),
    _coin("HBAR", "Hedera", "hedera-hashgraph", 4642),
    _coin("AAVE", "Aave", "aave", 7278),
    Asset("USDT", "Tether", "tether", 825, None, "USDT-USD", stablecoin=True),
    Asset("USDC", "USDC", "usd-coin", 3408, "USDCUSDT", None, stablecoin=True),
)

# Names people type for the same asset.
ALIASES = {
    "MATIC-USD": "POL-USD",
    "BTC-USDT": "BTC-USD",
    "ETH-USDT": "ETH-USD",
    "USDT-USD": "USDT",
    "USDC-USD": "USDC",
}


def normalize(symbol: str) -> str:
    """Upper-case, trimmed, aliases resolved: `matic-usd` -> `POL-USD`. Validity is the registry's call."""
    cleaned = symbol.strip().upper()
    return ALIASES.get(cleaned, cleaned)
