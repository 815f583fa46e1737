import { useState } from "react";
import { Link } from "react-router-dom";
import { QueryView } from "@/components/QueryView";
import { DataTable, type Column } from "@/components/table/DataTable";
import { Card, EmptyState, Field, Skeleton } from "@/components/ui";
import { formatNumber } from "@/lib/format";
import { Bars, Ring } from "./Bars";
import { useMetrics } from "./hooks";
import type { Metrics } from "./types";

const SPANS = [
  { value: "1", label: "Last 24 hours" },
  { value: "7", label: "Last 7 days" },
  { value: "30", label: "Last 30 days" },
  { value: "", label: "All time" },
];

const percent = (rate: number | null) => (rate === null ? "–" : `${formatNumber(rate * 100, 1)}%`);
const ms = (value: number | null) => (value === null ? "–" : `${formatNumber(value, 0)} ms`);

function Triggers({ metrics }: { metrics: Metrics }) {
  const bySymbol = Object.entries(metrics.triggers.bySymbol).sort((a, b) => b[1] - a[1]);
  return (
    <Card title="Triggers">
      <p className="alert-big" data-testid="metrics-total">
        {metrics.triggers.total}
      </p>
      {bySymbol.length ? (
        <Bars label="Triggers by symbol" items={bySymbol.map(([symbol, n]) => ({ label: symbol, value: n, text: String(n) }))} />
      ) : (
        <p className="muted">No triggers in this period.</p>
      )}
    </Card>
  );
}

type ChannelRow = [name: string, metrics: Metrics["channels"][string]];

const count = (key: "sent" | "delivered" | "failed" | "pending", label: string): Column<ChannelRow> => ({
  key,
  label,
  align: "end",
  cell: ([, c]) => c[key],
  sortValue: ([, c]) => c[key],
  cellProps: ([, c]) => ({ className: key === "failed" && c.failed ? "down" : undefined }),
});

const CHANNEL_COLUMNS: Column<ChannelRow>[] = [
  { key: "channel", label: "Channel", rowHeader: true, cell: ([name]) => name, sortValue: ([name]) => name },
  count("sent", "Sent"),
  count("delivered", "Delivered"),
  count("failed", "Failed"),
  count("pending", "Pending"),
  { key: "success", label: "Success", align: "end", cell: ([, c]) => percent(c.successRate), sortValue: ([, c]) => c.successRate },
  { key: "p50", label: "p50", align: "end", cell: ([, c]) => ms(c.latencyMs.p50), sortValue: ([, c]) => c.latencyMs.p50 },
  { key: "p99", label: "p99", align: "end", cell: ([, c]) => ms(c.latencyMs.p99), sortValue: ([, c]) => c.latencyMs.p99 },
];

function Channels({ metrics }: { metrics: Metrics }) {
  const channels = Object.entries(metrics.channels);
  const slowest = Math.max(1, ...channels.map(([, c]) => c.latencyMs.p99 ?? 0));
  return (
    <Card title="Delivery by channel">
      {channels.length === 0 ? (
        <p className="muted">No deliveries in this period.</p>
      ) : (
        <div className="stack">
          <div>
            <h3 className="alert-subtitle">Success rate</h3>
            <Bars
              label="Success rate by channel"
              max={1}
              items={channels.map(([name, c]) => ({
                label: name,
                value: c.successRate,
                text: percent(c.successRate),
                tone: c.successRate === null ? "warn" : c.successRate >= 0.95 ? "up" : c.successRate >= 0.5 ? "warn" : "down",
              }))}
            />
          </div>
          <div>
            <h3 className="alert-subtitle">Latency (p50 / p99)</h3>
            <Bars
              label="Latency by channel"
              max={slowest}
              items={channels.flatMap(([name, c]) => [
                { label: `${name} p50`, value: c.latencyMs.p50, text: ms(c.latencyMs.p50) },
                { label: `${name} p99`, value: c.latencyMs.p99, text: ms(c.latencyMs.p99), tone: "warn" as const },
              ])}
            />
          </div>
          <DataTable columns={CHANNEL_COLUMNS} rows={channels} rowKey={([name]) => name} label="Deliveries by channel" testId="metrics-channels" />
        </div>
      )}
    </Card>
  );
}

function Accuracy({ metrics }: { metrics: Metrics }) {
  return (
    <Card title="Accuracy">
      <p className="muted">Share of triggers after which the price had moved further the alert's way.</p>
      <div className="alert-rings">
        {(["1h", "24h"] as const).map((h) => {
          const a = metrics.accuracy[h];
          return (
            <figure key={h} className="alert-ring-box" data-testid={`accuracy-${h}`}>
              <Ring rate={a?.rate ?? null} label={`Accuracy after ${h}`} />
              <figcaption>
                <strong>After {h}</strong>
                <span className="muted">
                  {a && a.judged ? `${a.correct} of ${a.judged} judged` : "Not judged yet"}
                </span>
              </figcaption>
            </figure>
          );
        })}
      </div>
    </Card>
  );
}

/** Trigger counts, delivery success and latency per channel, and how often the alerts were right. */
export function AlertMetrics() {
  const [span, setSpan] = useState("");
  // The period's start is taken when it is chosen (rendering must not read the clock).
  const [range, setRange] = useState<{ from?: string }>({});
  const choose = (value: string) => {
    setSpan(value);
    setRange(value ? { from: new Date(Date.now() - Number(value) * 86400_000).toISOString() } : {});
  };
  const metrics = useMetrics(range);

  return (
    <div className="stack">
      <div className="row">
        <Field label="Period" htmlFor="metrics-span">
          <select id="metrics-span" value={span} onChange={(e) => choose(e.target.value)}>
            {SPANS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <QueryView
        query={metrics}
        loading={
          <div className="grid">
            <Skeleton lines={4} height={24} />
            <Skeleton lines={4} height={24} />
            <Skeleton lines={4} height={24} />
          </div>
        }
        error="Could not load the metrics"
        isEmpty={(data) => data.triggers.total === 0 && Object.keys(data.channels).length === 0}
        empty={
          <Card>
            <EmptyState title="No triggers yet">
              <p>
                Metrics appear once your alerts fire. <Link to="/alerts/new">Create an alert</Link>.
              </p>
            </EmptyState>
          </Card>
        }
      >
        {(data) => (
          <div className="alert-metrics-grid">
            <Triggers metrics={data} />
            <Accuracy metrics={data} />
            <Channels metrics={data} />
          </div>
        )}
      </QueryView>
    </div>
  );
}
