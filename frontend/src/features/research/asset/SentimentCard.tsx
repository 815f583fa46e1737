import { useMemo } from "react";
import { LineChart } from "@/components/charts/LineChart";
import { Card } from "@/components/ui";
import type { Analysis, Post, Sentiment } from "./api";
import { Facts, SnapshotBadge, Sourced, Unavailable } from "./bits";
import { FearGreedGauge } from "./FearGreedGauge";
import { amount, dailyScores, reasonsFor, unavailableText, utcDay, utcStamp } from "./provenance";

const FIELDS = [
  "sentiment.score",
  "sentiment.fearGreedIndex",
  "sentiment.fearGreedSeries",
  "sentiment.posts",
  "sentiment.socialVolume",
  "sentiment.socialVolumeBySource",
] as const;
/** Days with posts needed before our score is drawn over time. */
export const MIN_SCORE_DAYS = 2;
const POSTS_SHOWN = 20;

const newest = (posts: Post[]) => [...posts].sort((a, b) => b.publishedAt.localeCompare(a.publishedAt)).slice(0, POSTS_SHOWN);

const tone = (label: string | null | undefined) => (label === "BULLISH" ? "up" : label === "BEARISH" ? "down" : undefined);

function PostItem({ post }: { post: Post }) {
  const text = post.text.length > 220 ? post.text.slice(0, 220) + "…" : post.text;
  return (
    <li className="asset-post">
      <div className="asset-post-head">
        <a href={post.url} target="_blank" rel="noopener noreferrer">
          {post.title ?? text.slice(0, 80)}
          <span className="sr-only"> (opens in a new tab)</span>
        </a>
        <span className={"pill " + (tone(post.label) ?? "")}>
          {post.label} {post.score.toFixed(2)}
        </span>
      </div>
      <div className="muted asset-post-meta">
        {[post.outlet ?? post.source, post.author, utcStamp(post.publishedAt)].filter(Boolean).join(" · ")}
      </div>
      {post.title ? <p className="asset-post-text">{text}</p> : null}
    </li>
  );
}

function SocialVolume({ analysis, sentiment }: { analysis: Analysis; sentiment: Sentiment }) {
  const counted = Object.entries(sentiment.socialVolumeBySource);
  const missing = reasonsFor(analysis, "sentiment.socialVolume").filter((m) => !counted.some(([s]) => s === m.source));
  return (
    <table className="asset-volume" aria-label="Social volume by source" data-testid="social-volume">
      <thead>
        <tr>
          <th scope="col">Source</th>
          <th scope="col" className="num">
            Posts
          </th>
        </tr>
      </thead>
      <tbody>
        {counted.map(([source, count]) => (
          <tr key={source}>
            <th scope="row">{source}</th>
            <td className="num">{amount(count)}</td>
          </tr>
        ))}
        {missing.map((m) => (
          <tr key={m.source}>
            <th scope="row">{m.source}</th>
            <td className="asset-unavailable wrap">{unavailableText([m])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Fear & Greed (gauge and series), our score from the posts and over time, the posts, and social volume. */
export function SentimentCard({ analysis }: { analysis: Analysis }) {
  const sentiment = analysis.sentiment;
  const fearGreed = useMemo(() => [{ name: "Fear & Greed", points: sentiment?.fearGreedSeries ?? [] }], [sentiment?.fearGreedSeries]);
  const scores = useMemo(() => [{ name: "Our score", points: dailyScores(sentiment?.posts ?? []) }], [sentiment?.posts]);
  if (!sentiment) {
    return (
      <Card title="Sentiment">
        <p className="muted" data-testid="sentiment-not-requested">
          Sentiment was not asked for in this analysis.
        </p>
      </Card>
    );
  }
  const src = (field: string) => analysis.sources[field];
  const rows = [
    {
      key: "score",
      label: "Our score (0 bearish, 1 bullish)",
      value:
        sentiment.score == null ? (
          <Unavailable analysis={analysis} field="sentiment.score" testId="unavailable-score" />
        ) : (
          <Sourced provenance={src("sentiment.score") ?? src("sentiment.posts")} testId="figure-score">
            <span className={tone(sentiment.label)}>
              {sentiment.score.toFixed(2)} {sentiment.label ?? ""}
            </span>
          </Sourced>
        ),
    },
    {
      key: "socialVolume",
      label: "Social volume (posts)",
      value:
        sentiment.socialVolume == null ? (
          <Unavailable analysis={analysis} field="sentiment.socialVolume" />
        ) : (
          <Sourced provenance={src("sentiment.socialVolume")}>{amount(sentiment.socialVolume)}</Sourced>
        ),
    },
  ];
  const days = scores[0]!.points.length;
  return (
    <Card title="Sentiment" actions={<SnapshotBadge analysis={analysis} fields={FIELDS} testId="sentiment-snapshot" />}>
      <div className="asset-sentiment-top">
        <div className="asset-gauge-block">
          <h3>Fear &amp; Greed</h3>
          {sentiment.fearGreedIndex == null ? (
            <Unavailable analysis={analysis} field="sentiment.fearGreedIndex" testId="unavailable-fearGreed" />
          ) : (
            <Sourced provenance={src("sentiment.fearGreedIndex")} testId="figure-fearGreed" block>
              <FearGreedGauge value={sentiment.fearGreedIndex} classification={sentiment.fearGreedClassification} />
            </Sourced>
          )}
        </div>
        <div className="asset-sentiment-facts">
          <Facts rows={rows} testId="sentiment" />
          <SocialVolume analysis={analysis} sentiment={sentiment} />
        </div>
      </div>
      <div className="asset-charts">
        <div className="asset-chart">
          <h3>Fear &amp; Greed over the timeframe</h3>
          {sentiment.fearGreedSeries.length >= 2 ? (
            <LineChart label="Fear & Greed index by day" series={fearGreed} height={160} testId="fear-greed-chart" />
          ) : (
            <p className="muted">Fewer than two days of the index: nothing to draw.</p>
          )}
        </div>
        <div className="asset-chart">
          <h3>Our score over time</h3>
          {days >= MIN_SCORE_DAYS ? (
            <LineChart label="Our sentiment score by day (mean of the posts)" series={scores} height={160} testId="score-chart" />
          ) : (
            <p className="muted" data-testid="score-too-few">
              {sentiment.posts.length === 0
                ? "No post about the asset in the timeframe, so there is no score to draw over time."
                : `The posts fall on ${days === 1 ? `one day (${utcDay(sentiment.posts[0]!.publishedAt)})` : "no day"}: at least ${MIN_SCORE_DAYS} days are needed to draw the score over time.`}
            </p>
          )}
        </div>
      </div>
      <h3>Posts</h3>
      {sentiment.posts.length ? (
        <>
          <ul className="asset-posts" data-testid="posts">
            {newest(sentiment.posts).map((post) => (
              <PostItem key={post.url + post.publishedAt} post={post} />
            ))}
          </ul>
          {sentiment.posts.length > POSTS_SHOWN ? (
            <p className="muted">
              The {POSTS_SHOWN} newest of {sentiment.posts.length} posts.
            </p>
          ) : null}
        </>
      ) : (
        <p className="muted" data-testid="posts-empty">
          No post about {analysis.symbol} in the timeframe. {unavailableText(reasonsFor(analysis, "sentiment.score"))}
        </p>
      )}
    </Card>
  );
}
