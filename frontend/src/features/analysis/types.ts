import type { components } from "@/api/schema";

/** POST /api/analysis/technical, as the generated OpenAPI types declare it. */
type TechnicalIn = components["schemas"]["TechnicalIn"];
/** The form always sends its timeframes and period (the API has defaults for both). */
export type TechnicalRequest = TechnicalIn & Required<Pick<TechnicalIn, "timeframes" | "period">>;
export type TechnicalResult = components["schemas"]["TechnicalOut"];
export type TimeframeResult = components["schemas"]["TimeframeOut"];
export type Summary = components["schemas"]["Summary"];
/** An indicator's latest outputs by name: numbers, or labels such as OVERBOUGHT. */
export type Reading = TimeframeResult["indicators"][string];
