import { useInfiniteQuery } from "@tanstack/react-query";
import { useMemo, useState, type FormEvent } from "react";
import { isFieldError } from "@/api/errors";
import { CandleChart, type Candle, type Line } from "@/components/charts/CandleChart";
import { Card, EmptyState, Field, Skeleton } from "@/components/ui";
import { epochSeconds, utcDay, utcDayStartIso } from "@/lib/dates";
import type { Interval } from "@/lib/intervals";
import { useFormErrors } from "@/lib/useFormErrors";
import { fetchHistorical, keys } from "../api";
import { ErrorNotice, IntervalField, SymbolField } from "../common";
import { CandleTable } from "./CandleTable";
import { ExportButtons } from "./ExportButtons";

export const PAGE_SIZE = 500;
const NO_LINES: Line[] = [];

interface Query {
  symbol: string;
  interval: Interval;
  from: string; // date input values (UTC days)
  to: string;
}

const FIELDS = ["symbol", "interval", "from", "to", "limit"] as const;

/** Stored candles for a symbol, interval and range: chart, table (paged with nextCursor) and file exports. */
export default function DataExplorer() {
  const [draft, setDraft] = useState<Query>(() => ({ symbol: "BTC-USD", interval: "1h", from: utcDay(-7), to: utcDay(1) }));
  const [query, setQuery] = useState<Query>(draft);

  // The form only sends whole days (checked on submit), so both bounds are instants.
  const range = { from: utcDayStartIso(query.from) ?? "", to: utcDayStartIso(query.to) ?? "" };
  const history = useInfiniteQuery({
    queryKey: keys.historical(query.symbol, query.interval, query.from, query.to),
    queryFn: ({ pageParam }) =>
      fetchHistorical({
        symbol: query.symbol,
        interval: query.interval,
        ...range,
        limit: PAGE_SIZE,
        cursor: pageParam,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

  const candles = useMemo<Candle[]>(
    () =>
      (history.data?.pages ?? []).flatMap((page) =>
        page.data.map((c) => ({ time: epochSeconds(c.timestamp), open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume })),
      ),
    [history.data],
  );
  const first = history.data?.pages[0];

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!errors.check({ from: !draft.from || !draft.to || draft.from >= draft.to ? "From must be a day before To" : undefined })) return;
    setQuery(draft);
  }

  const error = history.error;
  const errors = useFormErrors(FIELDS, error);
  const fieldErrors = isFieldError(error, FIELDS);

  return (
    <div className="stack">
      <Card title="Historical candles">
        <form className="row" onSubmit={submit} aria-label="Candle query">
          <SymbolField id="data-symbol" value={draft.symbol} onChange={(symbol) => setDraft({ ...draft, symbol })} error={errors.of("symbol")} />
          <IntervalField
            id="data-interval"
            value={draft.interval}
            onChange={(interval) => setDraft({ ...draft, interval })}
            error={errors.of("interval")}
          />
          <Field label="From" htmlFor="data-from" error={errors.of("from")} hint="UTC day, inclusive">
            <input id="data-from" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} required />
          </Field>
          <Field label="To" htmlFor="data-to" error={errors.of("to")} hint="UTC day, exclusive">
            <input id="data-to" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} required />
          </Field>
          <button type="submit" className="primary">
            Load candles
          </button>
        </form>
      </Card>

      {error && !fieldErrors ? <ErrorNotice error={error} what="candles" /> : null}

      <Card
        title={`${query.symbol} ${query.interval}`}
        actions={
          first && candles.length > 0 ? (
            <span className="muted">
              {candles.length.toLocaleString()} candles loaded · {first.source}
              {first.resampledFrom ? ` · resampled from ${first.resampledFrom}` : ""}
            </span>
          ) : null
        }
      >
        {history.isPending ? (
          <Skeleton lines={8} height={28} />
        ) : history.isError ? (
          <EmptyState title="Nothing to show">Fix the query above and load the candles again.</EmptyState>
        ) : candles.length === 0 ? (
          <EmptyState title="No candles in this range">
            Nothing is stored for {query.symbol} {query.interval} between {query.from} and {query.to}. Try a wider range,
            another interval, or a symbol with history.
          </EmptyState>
        ) : (
          <div className="stack">
            <CandleChart label={`${query.symbol} ${query.interval} candles`} candles={candles} lines={NO_LINES} height={380} />
            <ExportButtons symbol={query.symbol} interval={query.interval} from={range.from} to={range.to} />
            <CandleTable candles={candles} />
            {history.hasNextPage ? (
              <button type="button" onClick={() => void history.fetchNextPage()} disabled={history.isFetchingNextPage}>
                {history.isFetchingNextPage ? "Loading…" : `Load more (next ${PAGE_SIZE})`}
              </button>
            ) : (
              <span className="muted">All {candles.length.toLocaleString()} candles of the range are loaded.</span>
            )}
          </div>
        )}
      </Card>
    </div>
  );
}
