/** The moderators' queue (/community/moderation): posts and comments held by the automatic checks or flagged by
 * members, with the reasons, and Approve / Hide / Restore / Lock with a reason; the moderation log below. */
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useRef } from "react";
import { Link } from "react-router-dom";
import { useMe } from "@/api/me";
import { QueryView } from "@/components/QueryView";
import { Card, EmptyState, Page, Skeleton } from "@/components/ui";
import { formatTime } from "@/lib/format";
import { fetchLog, fetchQueue, keys, type ModerationAction, type ModeratorAction, type QueueItem } from "./api";
import { Age, AuthorLine } from "./bits";
import { age, plural } from "./format";
import { ModerateForm } from "./ModerateForm";
import "./community.css";

const LOG_PAGE = 50;

/** What a moderator can do with an item: approve it (publishes a held one; for a reported one, keeps it and closes
 * its reports), hide or restore it, lock a post. */
export function actionsFor(item: QueueItem): ModeratorAction[] {
  const actions: ModeratorAction[] = ["APPROVE"];
  actions.push(item.status === "HIDDEN" ? "RESTORE" : "HIDE");
  if (item.target === "POST") actions.push("LOCK");
  return actions;
}

function QueueEntry({ item, onDone }: { item: QueueItem; onDone: () => void }) {
  const what = item.target === "POST" ? `post ${item.postId}` : `comment ${item.targetId} on post ${item.postId}`;
  const link = item.target === "POST" ? `/community/posts/${item.postId}` : `/community/posts/${item.postId}#comments`;
  return (
    <li className="cm-queue-item" data-testid={`queue-${item.target}-${item.targetId}`} tabIndex={-1}>
      <div className="cm-queue-head">
        <span className="pill">{item.target === "POST" ? "Post" : "Comment"}</span>
        <h2>
          <Link to={link}>{item.title || `Post ${item.postId}`}</Link>
        </h2>
      </div>
      <p className="cm-meta">
        <AuthorLine author={item.author} />
        <Age iso={item.createdAt} />
        {item.status !== "PUBLISHED" ? <span className="pill cm-hidden">{item.status.toLowerCase()}</span> : null}
      </p>
      {item.excerpt ? <blockquote className="cm-queue-excerpt">{item.excerpt}</blockquote> : null}
      <div className="cm-queue-reasons">
        {item.moderation.status === "HOLD_FOR_REVIEW" ? (
          <div>
            <strong className="cm-held-label">Held by the automatic checks</strong>
            {item.moderation.reasons.length ? (
              <ul>
                {item.moderation.reasons.map((r) => (
                  <li key={r.code}>
                    {r.message} <span className="muted">({r.code})</span>
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
        {item.flags ? (
          <div>
            <strong>Reported {plural(item.flags, "time")}</strong>
            <ul>
              {item.flagReasons.map((r, i) => (
                <li key={i}>“{r}”</li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
      <ModerateForm
        postId={item.postId}
        commentId={item.target === "COMMENT" ? item.targetId : undefined}
        what={what}
        actions={actionsFor(item)}
        onDone={onDone}
      />
    </li>
  );
}

function Log() {
  const log = useInfiniteQuery({
    queryKey: keys.log,
    queryFn: ({ pageParam }) => fetchLog(pageParam),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => (last.items.length === LOG_PAGE ? pages.length * LOG_PAGE : undefined),
  });
  const target = (a: ModerationAction) => {
    if (a.target === "POST") return <Link to={`/community/posts/${a.targetId}`}>Post {a.targetId}</Link>;
    if (a.target === "COMMENT" && a.postId !== null)
      return <Link to={`/community/posts/${a.postId}#comment-${a.targetId}`}>Comment {a.targetId}</Link>;
    return `Member ${a.targetId}`;
  };
  return (
    <Card title="Moderation log">
      <QueryView
        query={log}
        error="Could not load the log"
        isEmpty={(data) => data.pages.every((p) => p.items.length === 0)}
        empty={<EmptyState title="Nothing logged yet" />}
      >
        {(data) => (
          <>
            <div className="cm-table-wrap">
              <table className="cm-log" data-testid="moderation-log">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Action</th>
                    <th scope="col">On</th>
                    <th scope="col">By</th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {data.pages
                    .flatMap((p) => p.items)
                    .map((a) => (
                      <tr key={a.actionId}>
                        <td>
                          <time dateTime={a.createdAt} title={formatTime(a.createdAt)}>
                            {age(a.createdAt)}
                          </time>
                        </td>
                        <td>{a.action}</td>
                        <td>{target(a)}</td>
                        <td>{a.actor ?? (a.actorId === null ? "automatic" : `user${a.actorId}`)}</td>
                        <td className="cm-reason-cell">{a.reason}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
            {log.hasNextPage ? (
              <button type="button" className="cm-more" disabled={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
                Load more
              </button>
            ) : null}
          </>
        )}
      </QueryView>
    </Card>
  );
}

function Queue() {
  const queue = useQuery({ queryKey: keys.queue, queryFn: fetchQueue });
  const list = useRef<HTMLOListElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  // After an action the item leaves the queue (or stays, changed): the focus goes to the first item, else the heading.
  const settle = () =>
    setTimeout(() => {
      const first = list.current?.querySelector<HTMLElement>("li.cm-queue-item");
      (first ?? heading.current)?.focus();
    }, 300);
  return (
    <Card>
      <h2 className="cm-queue-title" ref={heading} tabIndex={-1}>
        Waiting for a moderator{queue.data ? ` (${queue.data.items.length})` : ""}
      </h2>
      <QueryView
        query={queue}
        loading={<Skeleton lines={6} />}
        error="Could not load the queue"
        isEmpty={(data) => data.items.length === 0}
        empty={<EmptyState title="The queue is empty">Nothing is held or reported right now.</EmptyState>}
      >
        {(data) => (
          <ol className="cm-queue" ref={list} data-testid="moderation-queue">
            {data.items.map((item) => (
              <QueueEntry key={`${item.target}-${item.targetId}`} item={item} onDone={settle} />
            ))}
          </ol>
        )}
      </QueryView>
    </Card>
  );
}

export default function ModerationQueue() {
  const me = useMe();
  const moderator = me.data?.role === "moderator" || me.data?.role === "admin";
  return (
    <Page title="Moderation" section="Community" actions={<Link to="/community">All posts</Link>}>
      {me.isPending ? (
        <Skeleton lines={4} />
      ) : !moderator ? (
        <Card>
          <EmptyState title="Moderators only">
            <p>The queue is for the community's moderators.</p>
            <Link to="/community">Back to the community</Link>
          </EmptyState>
        </Card>
      ) : (
        <>
          <Queue />
          <Log />
        </>
      )}
    </Page>
  );
}
