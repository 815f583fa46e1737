/** What a report holds, as the forms edit it: the choices the API takes, the form's draft, its checks, and the
 * request body made from it (shared by a one-off report and a schedule). */
import type { Channel, GenerateRequest, ReportFormat, ReportType } from "./api";

export const REPORT_TYPES: { value: ReportType; label: string; covers: string }[] = [
  { value: "DAILY", label: "Daily", covers: "the last 24 hours of the symbols (hourly candles)" },
  { value: "WEEKLY", label: "Weekly", covers: "the last 7 days of the symbols (4-hour candles)" },
  { value: "MONTHLY", label: "Monthly", covers: "the last 30 days of the symbols (daily candles)" },
  { value: "COMPREHENSIVE", label: "Comprehensive", covers: "the last 90 days of the symbols, every section" },
  { value: "PORTFOLIO", label: "Portfolio", covers: "one of your portfolios: value, risk, allocation, rebalancing" },
  { value: "BACKTEST", label: "Backtest", covers: "one of your stored backtest runs: metrics, trades, equity" },
];
export const TYPE_LABELS = Object.fromEntries(REPORT_TYPES.map((t) => [t.value, t.label])) as Record<ReportType, string>;

/** Reports about the market: they take symbols and the include options. */
export const MARKET_TYPES: readonly ReportType[] = ["DAILY", "WEEKLY", "MONTHLY", "COMPREHENSIVE"];
export const isMarket = (type: ReportType) => MARKET_TYPES.includes(type);

export const FORMATS: { value: ReportFormat; label: string }[] = [
  { value: "PDF", label: "PDF" },
  { value: "XLSX", label: "Excel (XLSX)" },
  { value: "HTML", label: "HTML" },
  { value: "CSV", label: "CSV" },
  { value: "JSON", label: "JSON" },
];

export const CHANNELS: { value: Channel; label: string }[] = [
  { value: "IN_APP", label: "In the app" },
  { value: "EMAIL", label: "Email" },
  { value: "SMS", label: "SMS" },
  { value: "DISCORD", label: "Discord" },
  { value: "TELEGRAM", label: "Telegram" },
  { value: "WEBHOOK", label: "Webhook" },
];

export const INCLUDES = [
  { key: "includeFundamental", label: "Fundamental" },
  { key: "includeTechnical", label: "Technical" },
  { key: "includeSentiment", label: "Sentiment" },
  { key: "includeOnChain", label: "On-chain" },
] as const;
export type IncludeKey = (typeof INCLUDES)[number]["key"];

export const MAX_SYMBOLS = 20;

export interface ReportDraft {
  reportType: ReportType;
  symbols: string[];
  includeFundamental: boolean;
  includeTechnical: boolean;
  includeSentiment: boolean;
  includeOnChain: boolean;
  format: ReportFormat;
  deliveryChannels: Channel[];
  /** The select's value: "" until one is chosen. */
  portfolioId: string;
  backtestId: string;
}

export const DEFAULT_DRAFT: ReportDraft = {
  reportType: "DAILY",
  symbols: ["BTC-USD"],
  includeFundamental: true,
  includeTechnical: true,
  includeSentiment: true,
  includeOnChain: true,
  format: "PDF",
  deliveryChannels: ["IN_APP"],
  portfolioId: "",
  backtestId: "",
};

/** The fields of a report's options, by the API's names (its field errors name them). */
export const OPTION_FIELDS = [
  "reportType",
  "symbols",
  "includeFundamental",
  "includeTechnical",
  "includeSentiment",
  "includeOnChain",
  "format",
  "deliveryChannels",
  "portfolioId",
  "backtestId",
] as const;
export type OptionField = (typeof OPTION_FIELDS)[number];

/** The form's own checks, before anything is sent (the API checks the same and more). */
export function validateOptions(draft: ReportDraft): Partial<Record<OptionField, string>> {
  const market = isMarket(draft.reportType);
  return {
    symbols:
      market && draft.symbols.length === 0
        ? "Add at least one symbol"
        : market && draft.symbols.length > MAX_SYMBOLS
          ? `At most ${MAX_SYMBOLS} symbols`
          : undefined,
    portfolioId: draft.reportType === "PORTFOLIO" && !draft.portfolioId ? "Choose a portfolio" : undefined,
    backtestId: draft.reportType === "BACKTEST" && !draft.backtestId ? "Choose a backtest run" : undefined,
  };
}

/** The request's report fields: the symbols only for the market types, the portfolio or the run for theirs. The
 * include flags are always sent (the API's defaults are the same); only the market types read them. */
export function toOptions(draft: ReportDraft): Omit<GenerateRequest, "userId"> {
  return {
    reportType: draft.reportType,
    format: draft.format,
    deliveryChannels: draft.deliveryChannels,
    includeFundamental: draft.includeFundamental,
    includeTechnical: draft.includeTechnical,
    includeSentiment: draft.includeSentiment,
    includeOnChain: draft.includeOnChain,
    ...(isMarket(draft.reportType) ? { symbols: draft.symbols } : {}),
    ...(draft.reportType === "PORTFOLIO" ? { portfolioId: Number(draft.portfolioId) } : {}),
    ...(draft.reportType === "BACKTEST" ? { backtestId: draft.backtestId } : {}),
  };
}
