/** The digest's market part: the summary with its sentiment, breadth and Fear & Greed with their sources, the top
 * movers (the user's own marked), and the user's portfolios and alerts of the day. */
import { Link } from "react-router-dom";
import { Card, EmptyState } from "@/components/ui";
import { formatNumber, formatPercent, formatPrice } from "@/lib/format";
import type { FearGreed, Overview, PortfolioMove } from "./api";
import { SnapshotBadge } from "./bits";

const SENTIMENT = { BULLISH: "Bullish", BEARISH: "Bearish", NEUTRAL: "Neutral" } as const;

/** A signed number with the class that colours it (and the sign that says it without colour). */
function Signed({ value, text }: { value: number | null | undefined; text: string }) {
  const tone = value === null || value === undefined || value === 0 ? "" : value > 0 ? "up" : "down";
  return <span className={tone}>{text}</span>;
}

function FearGreedFacts({ reading }: { reading: FearGreed }) {
  const change = reading.change;
  return (
    <div className="ct-fact" data-testid="digest-fear-greed">
      <dt>Fear &amp; Greed</dt>
      <dd>
        <span>
          <strong>{reading.value}</strong> {reading.classification}
          {change !== null ? (
            <span className="muted">
              {" "}
              (<Signed value={change} text={(change > 0 ? "+" : "") + String(change)} /> in a day)
            </span>
          ) : null}
        </span>
        <span className="ct-fact-source muted">
          {reading.source}, as of <time dateTime={reading.asOf}>{reading.day}</time>
        </span>
        {reading.snapshot ? <SnapshotBadge testId="fear-greed-snapshot" /> : null}
      </dd>
    </div>
  );
}

export function MarketOverviewCard({ overview }: { overview: Overview }) {
  const { breadth } = overview;
  return (
    <Card title="Market overview" actions={<span className={`pill ct-sentiment-${overview.sentiment}`} data-testid="digest-sentiment">{SENTIMENT[overview.sentiment]}</span>}>
      <div className="stack">
        <p className="ct-summary-text" data-testid="digest-summary">
          {overview.summary}
        </p>
        <dl className="ct-facts" data-testid="digest-breadth">
          <div className="ct-fact">
            <dt>Advancers</dt>
            <dd className="up">▲ {breadth.advancers}</dd>
          </div>
          <div className="ct-fact">
            <dt>Decliners</dt>
            <dd className="down">▼ {breadth.decliners}</dd>
          </div>
          <div className="ct-fact">
            <dt>Unchanged</dt>
            <dd>{breadth.unchanged}</dd>
          </div>
          <div className="ct-fact">
            <dt>Market 24h</dt>
            <dd>
              <Signed value={breadth.marketChange} text={formatPercent(breadth.marketChange)} />
            </dd>
          </div>
          {overview.fearGreed ? <FearGreedFacts reading={overview.fearGreed} /> : null}
        </dl>
        {overview.sources.length ? (
          <div className="ct-sources" data-testid="digest-sources">
            <h3 className="ct-subtitle">Sources</h3>
            <ul>
              {overview.sources.map((source) => (
                <li key={source} className="muted">
                  {source}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
    </Card>
  );
}

export function TopMovers({ overview }: { overview: Overview }) {
  const movers = overview.topMovers;
  return (
    <Card title="Top movers">
      {movers.length === 0 ? (
        <EmptyState title="No movers yet">There are no 24-hour changes to compare yet.</EmptyState>
      ) : (
        <div className="ct-table-wrap">
          <table data-testid="digest-movers">
            <caption className="sr-only">The biggest 24-hour moves; yours are marked</caption>
            <thead>
              <tr>
                <th scope="col">Symbol</th>
                <th scope="col" className="num">
                  Price
                </th>
                <th scope="col" className="num">
                  24h
                </th>
              </tr>
            </thead>
            <tbody>
              {movers.map((m) => (
                <tr key={m.symbol} className={m.mine ? "ct-mine" : undefined} data-testid={`mover-${m.symbol}`}>
                  <th scope="row">
                    <Link to={`/?symbol=${encodeURIComponent(m.symbol)}`}>{m.symbol}</Link>
                    {m.mine ? <span className="pill ct-mine-pill">Yours</span> : null}
                  </th>
                  <td className="num">{formatPrice(m.price)}</td>
                  <td className="num">
                    <Signed value={m.change24h} text={formatPercent(m.change24h)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

export function YourDay({ portfolios, alertsTriggered }: { portfolios: PortfolioMove[]; alertsTriggered: number }) {
  return (
    <Card title="Your day">
      <div className="stack ct-your-day">
        <p data-testid="digest-alerts">
          <strong>{alertsTriggered}</strong> {alertsTriggered === 1 ? "alert" : "alerts"} triggered in the 24 hours before this digest.{" "}
          {alertsTriggered > 0 ? <Link to="/alerts/history">See the history</Link> : <Link to="/alerts/new">Create an alert</Link>}
        </p>
        {portfolios.length === 0 ? (
          <p className="muted">
            No portfolios yet. <Link to="/portfolios/new">Create one</Link> to see its daily move here.
          </p>
        ) : (
          <ul className="ct-portfolios" data-testid="digest-portfolios">
            {portfolios.map((p) => (
              <li key={p.portfolioId}>
                <Link to={`/portfolios/${p.portfolioId}`}>{p.name}</Link>
                <span className="num">
                  {p.value === null ? "–" : `${formatNumber(p.value, 2)} ${p.currency}`}
                </span>
                <Signed value={p.dayChange} text={p.dayChange === null ? "no change yet today" : `${formatPercent(p.dayChange)} since 00:00 UTC`} />
              </li>
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}
