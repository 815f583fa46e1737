/** What the preference cards offer: interest topics and the risk profiles, in words. */
import type { components } from "@/api/schema";

export type RiskProfile = NonNullable<components["schemas"]["PreferencesOut"]["riskProfile"]>;

/** Interests are free-form tags (1–40 characters, up to 50); these are the topics offered to pick from. */
export const TOPICS: readonly { value: string; label: string }[] = [
  { value: "TECHNICAL_ANALYSIS", label: "Technical analysis" },
  { value: "FUNDAMENTALS", label: "Fundamentals" },
  { value: "ON_CHAIN", label: "On-chain metrics" },
  { value: "SENTIMENT", label: "News & sentiment" },
  { value: "DEFI", label: "DeFi" },
  { value: "BITCOIN", label: "Bitcoin" },
  { value: "ETHEREUM", label: "Ethereum" },
  { value: "ALTCOINS", label: "Altcoins" },
  { value: "STABLECOINS", label: "Stablecoins" },
  { value: "TRADING", label: "Active trading" },
  { value: "LONG_TERM", label: "Long-term investing" },
  { value: "PORTFOLIO", label: "Portfolio management" },
];

export const MAX_INTERESTS = 50;
export const MAX_TAG = 40;
export const MAX_WATCHLIST = 100;

export function topicLabel(tag: string): string {
  return TOPICS.find((t) => t.value === tag)?.label ?? tag;
}

export const RISK_PROFILES: readonly { value: RiskProfile; label: string; meaning: string }[] = [
  {
    value: "LOW",
    label: "Low",
    meaning: "Preserve capital first: mostly large coins and stablecoins, small positions; a 10% fall is already a lot.",
  },
  {
    value: "MEDIUM",
    label: "Medium",
    meaning: "Balanced: the majors with some smaller coins; falls of 20–30% are acceptable on the way to growth.",
  },
  {
    value: "HIGH",
    label: "High",
    meaning: "Growth first: smaller and newer coins, concentrated positions; you accept falls of 50% or more.",
  },
];

export type LearningLevel = NonNullable<components["schemas"]["PreferencesOut"]["learningLevel"]>;
export type DigestSettings = components["schemas"]["PreferencesOut"]["digest"];
export type DigestChannel = NonNullable<DigestSettings["channels"]>[number];

export const LEARNING_LEVELS: readonly { value: LearningLevel; label: string; meaning: string }[] = [
  { value: "BEGINNER", label: "Beginner", meaning: "New to charts and crypto: start from candles, market cap and simple alerts." },
  { value: "INTERMEDIATE", label: "Intermediate", meaning: "You read indicators and hold a portfolio: RSI, MACD, risk figures and backtests." },
  { value: "ADVANCED", label: "Advanced", meaning: "You build strategies: formulas, overfitting, optimisation and on-chain data." },
];

export const DIGEST_CHANNELS: readonly { value: DigestChannel; label: string }[] = [
  { value: "EMAIL", label: "Email" },
  { value: "IN_APP", label: "In the app" },
];
