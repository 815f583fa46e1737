/** One story: its title opening the outlet's page in a new tab, the outlet, how relevant it is to the user, when
 * it was published and the assets it mentions. */
import { formatTime } from "@/lib/format";
import type { Story } from "./api";
import { SnapshotBadge } from "./bits";
import { relevanceText } from "./format";

/** `marked`: whether a recorded story says so itself (a page of nothing but recordings says it once, above). */
export function NewsCard({ story, marked = true }: { story: Story; marked?: boolean }) {
  const relevance = relevanceText(story.relevanceScore);
  return (
    <article className="ct-news-card" data-testid={`news-${story.id}`}>
      <h3>
        <a href={story.url} target="_blank" rel="noopener noreferrer">
          {story.title} <span className="sr-only">(opens in a new tab)</span>
        </a>
      </h3>
      <p className="ct-news-meta">
        <span className="ct-news-source" data-testid="news-source">
          {story.source}
        </span>
        <time className="muted" dateTime={story.publishedAt}>
          {formatTime(story.publishedAt)}
        </time>
        {story.sentimentLabel ? <span className={`pill ct-sentiment-${story.sentimentLabel}`}>{story.sentimentLabel.toLowerCase()}</span> : null}
        {story.snapshot && marked ? <SnapshotBadge /> : null}
      </p>
      {story.summary ? <p className="ct-news-summary">{story.summary}</p> : null}
      <div className="ct-news-foot">
        <span className="ct-relevance" data-testid="news-relevance">
          <span className="ct-bar" aria-hidden="true">
            <span style={{ width: relevance }} />
          </span>
          <span>{relevance} relevant to you</span>
        </span>
        {story.symbols.length ? (
          <ul className="ct-symbols" aria-label="Mentions">
            {story.symbols.map((symbol) => (
              <li key={symbol} className="ct-symbol">
                {symbol}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </article>
  );
}
