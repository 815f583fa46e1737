import { usePatternCatalog, type CandlePatternInfo, type ChartPatternInfo } from "@/api/patterns";
import { Field } from "@/components/ui";
import { PATTERN_DIRECTIONS, type PatternDirection, type RuleForm } from "./rule";

const DIRECTION_LABELS: Record<PatternDirection, string> = { any: "Any direction", bullish: "Bullish only", bearish: "Bearish only" };

interface Props {
  form: RuleForm;
  error: (field: string) => string | undefined;
  describedBy: (field: string, id: string) => { "aria-invalid"?: true; "aria-describedby"?: string };
  change: (patch: Partial<RuleForm>, ...fields: string[]) => void;
}

/** The chosen pattern's entry in the catalog, with a title and the directions it can have. */
export function findPattern(
  catalog: { candles: CandlePatternInfo[]; chart: ChartPatternInfo[] } | undefined,
  pattern: string,
): { title: string; direction: string; description?: string } | undefined {
  if (!catalog || !pattern) return undefined;
  const candle = catalog.candles.find((c) => c.name === pattern);
  if (candle) return candle;
  return catalog.chart.find((c) => c.kind === pattern);
}

const describe = (info: { direction: string; description?: string } | undefined) =>
  info ? [info.direction === "both" ? "bullish or bearish" : info.direction, info.description].filter(Boolean).join(" · ") : undefined;

/** PATTERN_DETECTED's rule: which candlestick or chart pattern (GET /api/patterns), and in which direction. */
export function PatternFields({ form, error, describedBy, change }: Props) {
  const catalog = usePatternCatalog();
  const chosen = findPattern(catalog.data, form.pattern);
  return (
    <>
      <Field
        label="Pattern"
        htmlFor="alert-pattern"
        error={error("metadata.pattern") ?? (catalog.isError ? `Patterns unavailable: ${catalog.error.message}` : undefined)}
        hint={describe(chosen) ?? "Judged when a bar of the timeframe closes"}
      >
        <select
          id="alert-pattern"
          value={form.pattern}
          disabled={catalog.isPending}
          {...describedBy("metadata.pattern", "alert-pattern")}
          onChange={(e) => change({ pattern: e.target.value }, "metadata.pattern", "metadata.direction")}
        >
          <option value="">{catalog.isPending ? "Loading…" : "Choose…"}</option>
          {catalog.data?.candles.length ? (
            <optgroup label="Candlestick">
              {catalog.data.candles.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.title} ({c.name})
                </option>
              ))}
            </optgroup>
          ) : null}
          {catalog.data?.chart.length ? (
            <optgroup label="Chart">
              {catalog.data.chart.map((c) => (
                <option key={c.kind} value={c.kind}>
                  {c.title}
                </option>
              ))}
            </optgroup>
          ) : null}
        </select>
      </Field>
      <Field label="Direction" htmlFor="alert-pattern-direction" error={error("metadata.direction")}>
        <select
          id="alert-pattern-direction"
          value={form.patternDirection}
          {...describedBy("metadata.direction", "alert-pattern-direction")}
          onChange={(e) => change({ patternDirection: e.target.value as PatternDirection }, "metadata.direction")}
        >
          {PATTERN_DIRECTIONS.map((d) => (
            <option key={d} value={d}>
              {DIRECTION_LABELS[d]}
            </option>
          ))}
        </select>
      </Field>
    </>
  );
}
