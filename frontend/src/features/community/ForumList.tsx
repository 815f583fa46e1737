/** The forum (/community): posts sorted NEW, TOP of a period or TRENDING (RELEVANCE while searching), filtered by the
 * URL's tag, symbol, author and words, a page at a time with "Load more". */
import { useRef, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { QueryView } from "@/components/QueryView";
import { Card, EmptyState, Page, Skeleton } from "@/components/ui";
import { useRoving } from "@/lib/roving";
import { useUrlParams } from "@/lib/useUrlParams";
import { toastError } from "@/stores/ui";
import { useFollow, useFollows, useIsModerator, usePosts, type Period, type PostQuery, type Sort } from "./api";
import { normaliseTag } from "./format";
import { PostCard } from "./PostCard";
import "./community.css";

const SORTS: readonly { value: Sort; label: string }[] = [
  { value: "NEW", label: "New" },
  { value: "TOP", label: "Top" },
  { value: "TRENDING", label: "Trending" },
];
const SEARCH_SORTS: readonly { value: Sort; label: string }[] = [{ value: "RELEVANCE", label: "Best match" }, ...SORTS];

const PERIODS: readonly { value: Period; label: string }[] = [
  { value: "day", label: "Today" },
  { value: "week", label: "This week" },
  { value: "month", label: "This month" },
  { value: "year", label: "This year" },
  { value: "all", label: "All time" },
];

/** The list's query from the URL: RELEVANCE only with words (and then by default), TOP's period a week by default. */
export function queryFromParams(params: URLSearchParams): PostQuery {
  const q = params.get("q")?.trim() || undefined;
  const asked = params.get("sort")?.toUpperCase();
  const known = SORTS.some((s) => s.value === asked) || (q !== undefined && asked === "RELEVANCE");
  const sort = (known ? asked : q ? "RELEVANCE" : "NEW") as Sort;
  const period: Period = PERIODS.find((p) => p.value === params.get("period"))?.value ?? "week";
  const tag = params.get("tag") ? normaliseTag(params.get("tag")!) || undefined : undefined;
  const symbol = params.get("symbol")?.trim().toUpperCase() || undefined;
  const author = params.get("author")?.trim() || undefined;
  return { sort, period, tag, symbol, author, q };
}

function SortSwitch({ sorts, value, onChange }: { sorts: readonly { value: Sort; label: string }[]; value: Sort; onChange: (sort: Sort) => void }) {
  const roving = useRoving(sorts.length, Math.max(0, sorts.findIndex((s) => s.value === value)), (i) => onChange(sorts[i]!.value));
  return (
    <div className="tabs cm-sorts" role="radiogroup" aria-label="Sort posts" onKeyDown={roving.onKeyDown}>
      {sorts.map((s, i) => (
        <button
          key={s.value}
          ref={roving.ref(i)}
          type="button"
          role="radio"
          aria-checked={s.value === value}
          tabIndex={roving.tabIndexOf(i)}
          onClick={() => onChange(s.value)}
        >
          {s.label}
        </button>
      ))}
    </div>
  );
}

/** Follow the filtered tag (its new posts notify you). */
function FollowTag({ tag }: { tag: string }) {
  const follows = useFollows();
  const change = useFollow();
  const following = follows.data?.items.some((f) => f.kind === "TAG" && f.target === tag) ?? false;
  return (
    <button
      type="button"
      className="cm-small"
      aria-pressed={following}
      disabled={follows.isPending || change.isPending}
      onClick={() => change.mutate({ kind: "TAG", target: tag, on: !following }, { onError: (e) => toastError(e, "Could not change the follow") })}
    >
      {following ? `Following #${tag}` : `Follow #${tag}`}
    </button>
  );
}

const FILTER_NAMES = { tag: "Tag", symbol: "Asset", author: "Author", q: "Words" } as const;

export default function ForumList() {
  const { params, update, clear } = useUrlParams();
  const query = queryFromParams(params);
  const posts = usePosts(query);
  const moderator = useIsModerator();
  const [words, setWords] = useState(query.q ?? "");
  const results = useRef<HTMLDivElement>(null);
  const filters = (Object.keys(FILTER_NAMES) as (keyof typeof FILTER_NAMES)[]).filter((k) => query[k]);
  const searching = query.q !== undefined;

  function search(event: FormEvent) {
    event.preventDefault();
    const q = words.trim();
    // Searching orders by best match; clearing the words goes back to the newest.
    update({ q: q || null, sort: null });
    results.current?.focus();
  }

  function setSort(sort: Sort) {
    update({ sort: sort === (searching ? "RELEVANCE" : "NEW") ? null : sort, period: sort === "TOP" ? query.period : null });
  }

  /** The next page, then the focus on its first post (the button goes once the last page is in). */
  async function loadMore() {
    const shown = results.current?.querySelectorAll("article").length ?? 0;
    await posts.fetchNextPage();
    setTimeout(() => results.current?.querySelectorAll("article")[shown]?.querySelector("a")?.focus());
  }

  const heading = query.tag ? `#${query.tag}` : query.symbol ? query.symbol : query.author ? `Posts by ${query.author}` : null;

  return (
    <Page
      title="Community"
      view={heading ?? undefined}
      actions={
        <>
          {moderator ? <Link to="/community/moderation">Moderation queue</Link> : null}
          <Link to="/community/new" className="cm-button primary" data-testid="new-post">
            New post
          </Link>
        </>
      }
    >
      <Card>
        <div className="cm-toolbar">
          <SortSwitch sorts={searching ? SEARCH_SORTS : SORTS} value={query.sort} onChange={setSort} />
          {query.sort === "TOP" ? (
            <label className="cm-period">
              <span>Period</span>
              <select value={query.period} onChange={(e) => update({ period: e.target.value === "week" ? null : e.target.value })}>
                {PERIODS.map((p) => (
                  <option key={p.value} value={p.value}>
                    {p.label}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <form className="cm-search" role="search" aria-label="Search posts" onSubmit={search}>
            <label htmlFor="community-q" className="sr-only">
              Search posts
            </label>
            <input id="community-q" type="search" value={words} maxLength={200} placeholder="Search posts" onChange={(e) => setWords(e.target.value)} />
            <button type="submit">Search</button>
          </form>
        </div>
        {filters.length ? (
          <div className="cm-filters" data-testid="active-filters">
            <span className="muted">Showing</span>
            <ul className="chips" aria-label="Filters">
              {filters.map((k) => (
                <li key={k} className="chip pill cm-filter">
                  <span>
                    {FILTER_NAMES[k]}: {k === "tag" ? "#" : ""}
                    {query[k]}
                  </span>
                  <button
                    type="button"
                    className="icon"
                    aria-label={`Remove the ${FILTER_NAMES[k].toLowerCase()} filter`}
                    onClick={() => {
                      if (k === "q") setWords("");
                      update({ [k]: null, ...(k === "q" ? { sort: null } : {}) });
                    }}
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
            {query.tag ? <FollowTag tag={query.tag} /> : null}
            <button
              type="button"
              className="link-button"
              onClick={() => {
                setWords("");
                clear();
              }}
            >
              Clear all
            </button>
          </div>
        ) : null}
      </Card>
      <div className="stack cm-results" ref={results} tabIndex={-1} aria-label="Posts" data-testid="post-list">
        <QueryView
          query={posts}
          loading={<Skeleton lines={8} />}
          error="Could not load the posts"
          isEmpty={(data) => data.pages.every((p) => p.items.length === 0)}
          empty={
            <Card>
              {filters.length ? (
                <EmptyState title="No posts match">
                  <p>Try fewer filters or other words.</p>
                </EmptyState>
              ) : (
                <EmptyState title="No posts yet">
                  <p>Share an idea, a chart or a backtest with the community.</p>
                  <Link to="/community/new" className="cm-button primary">
                    Write the first post
                  </Link>
                </EmptyState>
              )}
            </Card>
          }
        >
          {(data) => (
            <>
              {data.pages.flatMap((page) => page.items).map((post) => (
                <PostCard key={post.postId} post={post} />
              ))}
              {posts.hasNextPage ? (
                <button type="button" className="cm-more" disabled={posts.isFetchingNextPage} onClick={() => void loadMore()}>
                  {posts.isFetchingNextPage ? "Loading…" : "Load more"}
                </button>
              ) : null}
            </>
          )}
        </QueryView>
      </div>
    </Page>
  );
}
