/** A post's attachments as readers see them: images, link cards, and the insights (a backtest's metrics and equity
 * curve, an alert's rule in words, an indicator's formula), each with "Clone to my account". */
import { useMutation } from "@tanstack/react-query";
import { useMemo } from "react";
import { Link } from "react-router-dom";
import { LineChart, type Series } from "@/components/charts/LineChart";
import { epochSeconds } from "@/lib/dates";
import { formatNumber } from "@/lib/format";
import { describeRule } from "@/lib/alertRule";
import { formatMetric, metricLabel, metricTone } from "@/lib/backtestMetrics";
import { clonePost, type Attachment } from "./api";
import { TYPE_LABELS } from "./format";

type Data = Record<string, unknown>;

const text = (value: unknown): string =>
  typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : "";
const record = (value: unknown): Data => (value && typeof value === "object" && !Array.isArray(value) ? (value as Data) : {});
const num = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);

/** The metrics a reader compares backtests by, in this order. */
export const SHOWN_METRICS = ["totalReturn", "sharpeRatio", "maxDrawdown", "totalTrades", "winRate"] as const;

/** The shared equity curve, `[timestamp, equity]` pairs, as a chart series (bad points dropped). */
export function equitySeries(equity: unknown): Series[] {
  const points = (Array.isArray(equity) ? equity : [])
    .map((pair) => (Array.isArray(pair) ? { time: epochSeconds(text(pair[0])), value: num(pair[1]) } : null))
    .filter((p): p is { time: number; value: number } => p !== null && p.value !== null && Number.isFinite(p.time));
  // The chart wants strictly increasing times.
  const ordered = points.filter((p, i) => i === 0 || p.time > points[i - 1]!.time);
  return ordered.length ? [{ name: "Equity", points: ordered }] : [];
}

function BacktestView({ data, title }: { data: Data; title: string }) {
  const results = record(data.results);
  const series = useMemo(() => equitySeries(data.equity), [data.equity]);
  const range = [text(data.from).slice(0, 10), text(data.to).slice(0, 10)].filter(Boolean).join(" to ");
  return (
    <div className="cm-backtest">
      <p className="cm-insight-facts muted">
        {text(data.strategyName)} · {text(data.symbol)} {text(data.interval)}
        {range ? ` · ${range}` : ""}
        {num(data.initialCapital) !== null ? ` · capital ${formatNumber(num(data.initialCapital), 2)}` : ""}
      </p>
      <table className="cm-metrics" data-testid="backtest-metrics" aria-label={`Metrics of ${title}`}>
        <tbody>
          {SHOWN_METRICS.map((key) => (
            <tr key={key} data-metric={key}>
              <th scope="row">{metricLabel(key)}</th>
              <td className={"num " + (metricTone(key, results[key]) ?? "")}>{formatMetric(key, results[key])}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {series.length ? <LineChart label={`Equity curve of ${title}`} series={series} height={180} testId="attachment-equity" /> : null}
    </div>
  );
}

function AlertView({ data }: { data: Data }) {
  const threshold = num(data.threshold);
  const rule = describeRule(text(data.condition), threshold, record(data.metadata));
  return (
    <p className="cm-rule" data-testid="alert-rule">
      <strong>{text(data.symbol)}</strong>: {rule}
      {data.frequency ? <span className="muted"> · {text(data.frequency).toLowerCase().replace(/_/g, " ")}</span> : null}
    </p>
  );
}

function IndicatorView({ data }: { data: Data }) {
  return (
    <div className="cm-indicator">
      <p>
        <strong>{text(data.name)}</strong>
        {data.description ? <span className="muted"> · {text(data.description)}</span> : null}
      </p>
      <pre data-testid="indicator-formula">
        <code>{text(data.formula)}</code>
      </pre>
    </div>
  );
}

/** "Clone to my account": the copy is made and checked as the reader's; then a link opens it. */
function CloneButton({ postId, attachment }: { postId: number; attachment: Attachment }) {
  const clone = useMutation({ mutationFn: () => clonePost(postId, attachment.attachmentId) });
  const kind = TYPE_LABELS[attachment.type].toLowerCase();
  return (
    <div className="cm-clone">
      {clone.data ? (
        <p role="status" className="cm-cloned">
          Cloned.{" "}
          <Link to={clone.data.url} data-testid="clone-link">
            Open your {kind}
          </Link>
        </p>
      ) : (
        <button type="button" onClick={() => clone.mutate()} disabled={clone.isPending} aria-label={`Clone ${attachment.title} to my account`}>
          {clone.isPending ? "Cloning…" : "Clone to my account"}
        </button>
      )}
      {clone.isError ? (
        <p className="form-error" role="alert">
          {clone.error.message}
        </p>
      ) : null}
    </div>
  );
}

export function AttachmentView({ postId, attachment }: { postId: number; attachment: Attachment }) {
  const { type, title, url, data } = attachment;
  if ((type === "IMAGE" || type === "UPLOAD") && url) {
    return (
      <figure className="cm-image" data-testid="attachment-image">
        <img src={url} alt={title === "Image" ? "An image attached to the post" : title} loading="lazy" />
      </figure>
    );
  }
  if (type === "CHART" && url) {
    // A technical chart the author drew in Analysis, kept as an image.
    const indicators = Array.isArray(data.indicators) ? data.indicators.map(text).filter(Boolean).join(", ") : "";
    return (
      <figure className="cm-image cm-chart" data-testid="attachment-chart">
        <img src={url} alt={title} loading="lazy" />
        <figcaption className="muted">
          {text(data.symbol)} {text(data.interval)}
          {indicators ? ` with ${indicators}` : ""}
          {data.from && data.to ? ` · ${text(data.from).slice(0, 10)} to ${text(data.to).slice(0, 10)}` : ""}
        </figcaption>
      </figure>
    );
  }
  if (type === "LINK" && url) {
    let host = url;
    try {
      host = new URL(url).hostname;
    } catch {
      // shown as it is
    }
    return (
      <a className="cm-link-card" href={url} target="_blank" rel="nofollow ugc noopener noreferrer" data-testid="attachment-link">
        <span className="cm-link-host">{host}</span>
        <span className="cm-link-title">{title}</span>
        <span className="sr-only">(opens in a new tab)</span>
      </a>
    );
  }
  return (
    <section className="cm-insight" aria-label={title} data-testid={`attachment-${type}`}>
      <header className="cm-insight-head">
        <span className="pill cm-kind">{TYPE_LABELS[type]}</span>
        <h3>{title.replace(/^(Backtest|Alert|Indicator): /, "")}</h3>
      </header>
      {type === "BACKTEST" ? <BacktestView data={data} title={title} /> : type === "ALERT" ? <AlertView data={data} /> : <IndicatorView data={data} />}
      {attachment.cloneable ? <CloneButton postId={postId} attachment={attachment} /> : null}
    </section>
  );
}

export function Attachments({ postId, attachments }: { postId: number; attachments: Attachment[] }) {
  if (!attachments.length) return null;
  return (
    <div className="cm-attachments" data-testid="attachments">
      {attachments.map((a) => (
        <AttachmentView key={a.attachmentId} postId={postId} attachment={a} />
      ))}
    </div>
  );
}
