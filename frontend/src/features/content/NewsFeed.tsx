/** The news feed (/news): stories for the user, filtered by an asset (their watchlist offered) and words, sorted by
 * relevance or recency, a page at a time; it says when the stories were read and whether they are recordings. */
import { useRef, useState, type FormEvent } from "react";
import { useMe } from "@/api/me";
import { Pager } from "@/components/Pager";
import { QueryView } from "@/components/QueryView";
import { Card, EmptyState, Field, Page, Skeleton } from "@/components/ui";
import { formatTime } from "@/lib/format";
import { useUrlParams } from "@/lib/useUrlParams";
import { useNews, type NewsPage, type NewsSort } from "./api";
import { SnapshotBadge } from "./bits";
import { NewsCard } from "./NewsCard";
import "./content.css";

export const NEWS_PAGE = 20;

const SORTS: readonly { value: NewsSort; label: string }[] = [
  { value: "relevance", label: "Most relevant to you" },
  { value: "recent", label: "Most recent" },
];

/** The URL's `offset` when it is a whole multiple of the page, else 0. */
function offsetOf(text: string | null): number {
  const value = Number(text ?? 0);
  return Number.isSafeInteger(value) && value > 0 ? value - (value % NEWS_PAGE) : 0;
}

function Notice({ page }: { page: NewsPage }) {
  if (!page.asOf && !page.snapshot) return null;
  return (
    <p className="ct-notice" data-testid="news-notice">
      {page.asOf ? (
        <span>
          Stories read up to <time dateTime={page.asOf}>{formatTime(page.asOf)}</time>.
        </span>
      ) : null}
      {page.snapshot ? (
        <>
          <SnapshotBadge testId="news-snapshot" />
          <span className="muted">These stories come from the recordings bundled with Cryptomon, not from the live feeds.</span>
        </>
      ) : null}
    </p>
  );
}

export default function NewsFeed() {
  const { params, set, update, clear } = useUrlParams();
  const watchlist = useMe().data?.preferences.watchlist ?? [];
  const symbol = params.get("symbol") ?? "";
  const q = params.get("q") ?? "";
  const sort: NewsSort = params.get("sort") === "recent" ? "recent" : "relevance";
  const offset = offsetOf(params.get("offset"));
  const news = useNews({ symbol: symbol || undefined, q: q || undefined, sort, limit: NEWS_PAGE, offset });
  const [symbolText, setSymbolText] = useState(symbol);
  const [words, setWords] = useState(q);
  const results = useRef<HTMLDivElement>(null);
  const filtered = Boolean(symbol || q);

  function showResults() {
    results.current?.focus();
  }

  function search(event: FormEvent) {
    event.preventDefault();
    const picked = symbolText.trim().toUpperCase();
    setSymbolText(picked);
    update({ symbol: picked || null, q: words.trim() || null, offset: null });
    showResults();
  }

  function reset() {
    setSymbolText("");
    setWords("");
    clear();
    showResults();
  }

  return (
    <Page title="News">
      <Card>
        <form className="row ct-news-filters" role="search" aria-label="Filter the news" onSubmit={search}>
          <Field label="Asset" htmlFor="news-symbol" hint={watchlist.length ? "Your watchlist, or type any symbol" : "Any symbol, e.g. ETH-USD"}>
            <input
              id="news-symbol"
              list="news-symbol-options"
              value={symbolText}
              autoComplete="off"
              spellCheck={false}
              placeholder="All assets"
              maxLength={20}
              onChange={(e) => setSymbolText(e.target.value)}
            />
          </Field>
          <datalist id="news-symbol-options">
            {watchlist.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
          <Field label="Words" htmlFor="news-q">
            <input id="news-q" type="search" value={words} maxLength={200} onChange={(e) => setWords(e.target.value)} placeholder="e.g. ETF" />
          </Field>
          <Field label="Sort" htmlFor="news-sort">
            <select
              id="news-sort"
              value={sort}
              onChange={(e) => {
                update({ sort: e.target.value === "recent" ? "recent" : null, offset: null });
              }}
            >
              {SORTS.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </Field>
          <button type="submit" className="primary">
            Search
          </button>
          {filtered ? (
            <button type="button" onClick={reset}>
              Clear filters
            </button>
          ) : null}
        </form>
      </Card>
      <div className="stack ct-results" ref={results} tabIndex={-1} aria-label="News results" data-testid="news-results">
        <QueryView
          query={news}
          loading={<Skeleton lines={8} />}
          error="Could not load the news"
          isEmpty={(page) => page.items.length === 0}
          empty={
            <Card>
              {filtered ? (
                <EmptyState title="No stories match">Try another asset or fewer words.</EmptyState>
              ) : (
                <EmptyState title="No news yet">No stories have been read from the news feeds yet; they are read every few minutes.</EmptyState>
              )}
            </Card>
          }
        >
          {(page) => (
            <>
              <div className="row ct-results-head">
                <p className="muted" role="status">
                  {page.count} {page.count === 1 ? "story" : "stories"}
                  {symbol ? ` mentioning ${symbol}` : ""}
                  {q ? ` with “${q}”` : ""}
                </p>
                <Notice page={page} />
              </div>
              <div className="ct-news-list">
                {page.items.map((story) => (
                  <NewsCard key={story.id} story={story} marked={!page.snapshot} />
                ))}
              </div>
              <Pager
                offset={offset}
                size={NEWS_PAGE}
                total={page.count}
                label="News pages"
                names={["Previous page", "Next page"]}
                onChange={(next) => {
                  set("offset", next ? String(next) : null);
                  showResults();
                }}
              />
            </>
          )}
        </QueryView>
      </div>
    </Page>
  );
}
