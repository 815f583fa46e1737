/** What POST /api/analysis/technical returns (typed loosely by the API). */
export type Reading = Record<string, number | string | null>;

export interface Summary {
  signal: "BULLISH" | "BEARISH" | "NEUTRAL";
  score: number;
  votes: number;
}

export interface TimeframeResult {
  timeframe: string;
  candleTime: string;
  close: number;
  indicators: Record<string, Reading>;
  summary: Summary;
  chartUrl: string;
}

export interface TechnicalResult {
  symbol: string;
  timeframe: string;
  summary: Summary;
  chartUrl: string;
  period: string;
  timeframes: Record<string, TimeframeResult>;
  timestamp: string;
}

export interface TechnicalRequest {
  symbol: string;
  indicators: string[];
  timeframes: string[];
  period: string;
}
