import type { components } from "@/api/schema";

/** POST /api/analysis/technical, as the generated OpenAPI types declare it. */
type TechnicalIn = components["schemas"]["TechnicalIn"];
/** The form always sends its timeframes, period and pattern bars (the API has defaults for them). */
export type TechnicalRequest = TechnicalIn & Required<Pick<TechnicalIn, "timeframes" | "period" | "patternBars">>;
export type TechnicalResult = components["schemas"]["TechnicalOut"];
export type TimeframeResult = components["schemas"]["TimeframeOut"];
/** A pattern found in a timeframe's last `patternBars` bars. */
export type PatternMark = components["schemas"]["PatternMark"];
export type Summary = components["schemas"]["Summary"];
/** An indicator's latest outputs by name: numbers, or labels such as OVERBOUGHT. */
export type Reading = TimeframeResult["indicators"][string];
