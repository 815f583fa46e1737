/** The daily digest (/digest): the market of the user's day, their movers, portfolios and alerts, the news for them
 * and the lessons suggested to them; any past day can be picked. */
import { Link } from "react-router-dom";
import { useMe } from "@/api/me";
import { ApiError } from "@/api/errors";
import { QueryView } from "@/components/QueryView";
import { Card, EmptyState, Page, Skeleton } from "@/components/ui";
import { formatTime } from "@/lib/format";
import { useUrlParams } from "@/lib/useUrlParams";
import { useAuth } from "@/stores/auth";
import { useDigest, type Digest } from "./api";
import { LessonTile } from "./bits";
import { localDay } from "./format";
import { MarketOverviewCard, TopMovers, YourDay } from "./MarketOverview";
import { NewsCard } from "./NewsCard";
import "./content.css";

function DigestBody({ digest }: { digest: Digest }) {
  return (
    <div className="stack" data-testid="digest">
      <div className="ct-grid">
        <MarketOverviewCard overview={digest.marketOverview} />
        <div className="stack">
          <TopMovers overview={digest.marketOverview} />
          <YourDay portfolios={digest.portfolios} alertsTriggered={digest.alertsTriggered} />
        </div>
      </div>
      <div className="ct-grid">
        <Card title="News for you" actions={<Link to="/news">All news</Link>}>
          {digest.personalizedNews.length === 0 ? (
            <EmptyState title="No news yet">No stories have been read from the news feeds for this day yet.</EmptyState>
          ) : (
            <div className="stack" data-testid="digest-news">
              {digest.personalizedNews.map((story) => (
                <NewsCard key={story.id} story={story} />
              ))}
            </div>
          )}
        </Card>
        <Card title="Lessons for you" actions={<Link to="/learn">Learn</Link>}>
          {digest.educationalContent.length === 0 ? (
            <EmptyState title="Nothing to suggest">You have completed every lesson we would suggest today.</EmptyState>
          ) : (
            <div className="stack" data-testid="digest-lessons">
              {digest.educationalContent.map((lesson) => (
                <LessonTile key={lesson.id} lesson={lesson} reason={lesson.reason} testId={`digest-lesson-${lesson.id}`} />
              ))}
            </div>
          )}
        </Card>
      </div>
      <p className="muted ct-footnote">
        Built <time dateTime={digest.generatedAt}>{formatTime(digest.generatedAt)}</time>
        {digest.sentAt ? (
          <>
            , sent <time dateTime={digest.sentAt}>{formatTime(digest.sentAt)}</time>
          </>
        ) : null}
        . Choose when and where it is sent in <Link to="/settings">Settings</Link>.
      </p>
    </div>
  );
}

function DigestError({ error, onRetry }: { error: Error; onRetry: () => void }) {
  const title =
    error instanceof ApiError && error.status === 422
      ? "No digest for that day"
      : error instanceof ApiError && error.status === 403
        ? "Not your digest"
        : "Could not load the digest";
  return (
    <Card>
      <EmptyState title={title}>
        <p data-testid="digest-error">{error.message}</p>
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      </EmptyState>
    </Card>
  );
}

export default function DailyDigest() {
  const userId = useAuth((s) => s.user?.id);
  const me = useMe();
  const { params, set } = useUrlParams();
  const zone = me.data?.preferences.timezone ?? (me.isError ? "UTC" : undefined);
  const today = zone ? localDay(zone) : "";
  const date = params.get("date") || today;
  const digest = useDigest(userId, date);

  return (
    <Page
      title="Daily digest"
      actions={
        <div className="field ct-date">
          <label htmlFor="digest-date">Day</label>
          <input
            id="digest-date"
            type="date"
            value={date}
            max={today || undefined}
            aria-describedby="digest-date-hint"
            onChange={(e) => set("date", e.target.value && e.target.value !== today ? e.target.value : null)}
          />
          <span className="field-hint" id="digest-date-hint">
            Your day in {zone ?? "your time zone"}
          </span>
        </div>
      }
    >
      {date === "" ? (
        <Skeleton lines={8} />
      ) : (
        <QueryView query={digest} loading={<Skeleton lines={8} />} error={(error) => <DigestError error={error} onRetry={() => void digest.refetch()} />}>
          {(data) => <DigestBody digest={data} />}
        </QueryView>
      )}
    </Page>
  );
}
