/** A post (/community/posts/:postId): its text (the server's sanitised HTML), tags, votes, attachments with "Clone to
 * my account", the author's edit (with earlier versions) and delete, report, follow the author, stats, moderator
 * actions, and the comments. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { Link, useLocation, useNavigate, useParams } from "react-router-dom";
import { ApiError, fieldError } from "@/api/errors";
import { ConfirmButton } from "@/components/ConfirmButton";
import { Card, EmptyState, Field, Page, Skeleton } from "@/components/ui";
import { formatTime } from "@/lib/format";
import { useAuth } from "@/stores/auth";
import { toastError, useUi } from "@/stores/ui";
import {
  deletePost,
  fetchHistory,
  fetchStats,
  flagPost,
  keys,
  MAX_TAGS,
  patchPost,
  updatePost,
  useFollow,
  useIsModerator,
  useMember,
  usePost,
  useVotePost,
  type Post,
  type PostPatch,
  type Visibility,
} from "./api";
import { Attachments } from "./Attachments";
import { Age, AuthorLine, Chips, Html, MarkdownEditor, ReportButton, StatusBadges, VisibilitySelect, Votes } from "./bits";
import { CommentSection } from "./CommentSection";
import { heldText, parseTags, plural, rejectedReasons } from "./format";
import { ModerateForm } from "./ModerateForm";
import "./community.css";

/** Follow the author: their new posts notify you (and FOLLOWERS posts become readable). */
function FollowAuthor({ userId, name }: { userId: number; name: string }) {
  const member = useMember(userId);
  const change = useFollow();
  const following = member.data?.following ?? false;
  return (
    <span className="cm-follow">
      <button
        type="button"
        className="cm-small"
        aria-pressed={following}
        disabled={member.isPending || change.isPending}
        onClick={() =>
          change.mutate({ kind: "USER", target: String(userId), on: !following }, { onError: (e) => toastError(e, "Could not change the follow") })
        }
      >
        {following ? `Following ${name}` : `Follow ${name}`}
      </button>
      {member.data ? <span className="muted">{plural(member.data.followers, "follower")}</span> : null}
    </span>
  );
}

/** Views and readers, with the day-by-day numbers on request. */
function Stats({ post }: { post: Post }) {
  const [open, setOpen] = useState(false);
  const stats = useQuery({ queryKey: keys.stats(post.postId), queryFn: () => fetchStats(post.postId), enabled: open });
  return (
    <details className="cm-stats" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <span data-testid="post-views">{plural(post.views, "view")}</span> · <span data-testid="post-readers">{plural(post.readers, "reader")}</span>
      </summary>
      {stats.isPending ? (
        <Skeleton lines={2} />
      ) : stats.isError ? (
        <p className="form-error">{stats.error.message}</p>
      ) : stats.data.days.length ? (
        <div className="cm-table-wrap">
          <table aria-label="Activity by day (UTC)">
            <thead>
              <tr>
                <th scope="col">Day (UTC)</th>
                <th scope="col" className="num">Views</th>
                <th scope="col" className="num">Readers</th>
                <th scope="col" className="num">Upvotes</th>
                <th scope="col" className="num">Downvotes</th>
              </tr>
            </thead>
            <tbody>
              {stats.data.days.map((d) => (
                <tr key={d.day}>
                  <th scope="row">{d.day}</th>
                  <td className="num">{d.views}</td>
                  <td className="num">{d.readers}</td>
                  <td className="num">{d.upvotes}</td>
                  <td className="num">{d.downvotes}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">No activity recorded yet (the author's own reads do not count).</p>
      )}
    </details>
  );
}

/** The post as it was before each edit, newest first, fetched when opened. */
function History({ post }: { post: Post }) {
  const [open, setOpen] = useState(false);
  const history = useQuery({ queryKey: keys.history(post.postId), queryFn: () => fetchHistory(post.postId), enabled: open });
  if (!post.revisions) return null;
  return (
    <details className="cm-history" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Earlier versions ({post.revisions})</summary>
      {history.isPending ? (
        <Skeleton lines={2} />
      ) : history.isError ? (
        <p className="form-error">{history.error.message}</p>
      ) : (
        <ol className="cm-revisions">
          {history.data.map((r) => (
            <li key={r.editedAt}>
              <p className="muted">Before the edit of {formatTime(r.editedAt)}</p>
              <p>
                <strong>{r.title}</strong>
              </p>
              <pre className="cm-revision-text">{r.content}</pre>
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}

/** The author's edit: title, Markdown (with a preview), tags and visibility; only what changed is sent. */
function EditForm({ post, onDone }: { post: Post; onDone: () => void }) {
  const queryClient = useQueryClient();
  const id = useId();
  const [title, setTitle] = useState(post.title);
  const [content, setContent] = useState(post.content);
  const [tags, setTags] = useState(post.tags.join(", "));
  const [visibility, setVisibility] = useState<Visibility>(post.visibility);
  const [local, setLocal] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: (body: PostPatch) => updatePost(post.postId, body),
    onSuccess: (updated) => {
      queryClient.setQueryData(keys.post(post.postId), updated);
      patchPost(queryClient, post.postId, updated);
      void queryClient.invalidateQueries({ queryKey: keys.history(post.postId) });
      onDone();
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = parseTags(tags);
    const problems: Record<string, string> = {};
    if (!title.trim()) problems.title = "A title, please.";
    if (!content.trim()) problems.content = "Write the post first.";
    if (parsed.length > MAX_TAGS) problems.tags = `At most ${MAX_TAGS} tags (you have ${parsed.length}).`;
    setLocal(problems);
    if (Object.keys(problems).length) return;
    const body: PostPatch = {};
    if (title.trim() !== post.title) body.title = title.trim();
    if (content !== post.content) body.content = content;
    if (parsed.join(",") !== post.tags.join(",")) body.tags = parsed;
    if (visibility !== post.visibility) body.visibility = visibility;
    if (!Object.keys(body).length) {
      onDone();
      return;
    }
    save.mutate(body);
  }
  const error = save.error;
  const rejected = rejectedReasons(error);
  const fieldMessage = (name: string) => local[name] ?? (rejected && name === "content" ? undefined : fieldError(error, name));
  const banner = rejected
    ? null
    : error && !["title", "content", "tags", "visibility"].some((f) => fieldError(error, f))
      ? error.message
      : null;
  return (
    <form className="stack cm-edit" onSubmit={submit} aria-label="Edit the post" noValidate>
      {rejected ? (
        <div className="cm-banner cm-banner-down" role="alert">
          <strong>Not saved: the automatic checks refused it.</strong>
          <ul>
            {rejected.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {banner ? (
        <p className="form-error" role="alert">
          {banner}
        </p>
      ) : null}
      <Field label="Title" htmlFor={`${id}-title`} error={fieldMessage("title")}>
        <input id={`${id}-title`} value={title} maxLength={300} onChange={(e) => setTitle(e.target.value)} autoFocus />
      </Field>
      <MarkdownEditor id={`${id}-content`} label="Text" value={content} onChange={setContent} error={fieldMessage("content")} />
      <div className="row cm-composer-row">
        <Field label="Tags" htmlFor={`${id}-tags`} error={fieldMessage("tags")} hint="Comma separated, at most 10">
          <input id={`${id}-tags`} value={tags} onChange={(e) => setTags(e.target.value)} />
        </Field>
        <Field label="Who can read it" htmlFor={`${id}-visibility`}>
          <VisibilitySelect id={`${id}-visibility`} value={visibility} onChange={setVisibility} />
        </Field>
      </div>
      <div className="cm-inline">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save changes
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function PostView({ post }: { post: Post }) {
  const me = useAuth((s) => s.user?.id);
  const moderator = useIsModerator();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const toast = useUi((s) => s.toast);
  const vote = useVotePost(post.postId);
  const [editing, setEditing] = useState(false);
  const [asking, setAsking] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const mine = post.userId === me;
  const remove = useMutation({
    mutationFn: () => deletePost(post.postId),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: keys.post(post.postId) });
      void queryClient.invalidateQueries({ queryKey: keys.lists });
      toast({ kind: "success", title: "Post deleted" });
      void navigate("/community");
    },
    onError: (error) => {
      setAsking(false);
      toastError(error, "Could not delete the post");
    },
  });

  // "N comments" on a card links here with #comments.
  useEffect(() => {
    if (location.hash === "#comments") document.getElementById("comments")?.scrollIntoView();
  }, [location.hash]);

  const held = post.moderation.status === "HOLD_FOR_REVIEW";
  return (
    <div className="cm-post" data-testid="post">
      {held ? (
        <div className="cm-banner cm-banner-warn" role="status" data-testid="held-banner">
          <strong>{heldText(post.moderation)}</strong>
          <span>
            {mine ? "Only you and the moderators can see it until a moderator approves it." : "Members cannot see it until it is approved."}
          </span>
        </div>
      ) : null}
      {post.status === "HIDDEN" ? (
        <div className="cm-banner cm-banner-down" role="status">
          <strong>Hidden by a moderator.</strong> <span>Only its author and the moderators can see it.</span>
        </div>
      ) : null}
      <div className="cm-post-grid">
        <Votes
          score={post.score}
          myVote={post.myVote}
          what="this post"
          disabled={post.locked}
          busy={vote.isPending}
          onVote={(value) => vote.mutate(value, { onError: (error) => toastError(error, "Could not vote") })}
          testId="post-votes"
        />
        <div className="stack cm-post-main">
          <p className="cm-meta">
            <AuthorLine author={post.author} />
            <Age iso={post.createdAt} edited={post.updatedAt} />
            {post.visibility !== "PUBLIC" ? <span className="pill">{post.visibility === "FOLLOWERS" ? "Followers only" : "Private"}</span> : null}
            <StatusBadges status={post.status} moderation={post.moderation} locked={post.locked} />
            {!mine ? <FollowAuthor userId={post.userId} name={post.author.displayName} /> : null}
          </p>
          {editing ? (
            <Card>
              <EditForm
                post={post}
                onDone={() => {
                  setEditing(false);
                  setTimeout(() => editButton.current?.focus());
                }}
              />
            </Card>
          ) : (
            <>
              <Card>
                <Html html={post.contentHtml} testId="post-body" />
              </Card>
              <Chips tags={post.tags} symbols={post.symbols} label="Tags and assets" />
            </>
          )}
          <Attachments postId={post.postId} attachments={post.attachments} />
          <div className="cm-post-actions">
            {mine && !editing ? (
              <button type="button" ref={editButton} onClick={() => setEditing(true)} aria-label="Edit this post">
                Edit
              </button>
            ) : null}
            {mine || moderator ? (
              <ConfirmButton
                label="Delete this post"
                confirmLabel="Confirm deleting this post"
                asking={asking}
                onAskingChange={setAsking}
                autoFocus
                disabled={remove.isPending}
                onConfirm={() => remove.mutate()}
              />
            ) : null}
            {!mine ? <ReportButton what="this post" onReport={(reason) => flagPost(post.postId, reason)} /> : null}
            <Stats post={post} />
          </div>
          <History post={post} />
          {moderator ? (
            <details className="cm-mod-tools">
              <summary>Moderator actions</summary>
              <ModerateForm
                postId={post.postId}
                what={`post ${post.postId}`}
                actions={[...(held ? (["APPROVE"] as const) : []), post.status === "HIDDEN" ? "RESTORE" : "HIDE", post.locked ? "UNLOCK" : "LOCK"]}
              />
            </details>
          ) : null}
        </div>
      </div>
      <CommentSection postId={post.postId} locked={post.locked} moderator={moderator} />
    </div>
  );
}

function Reader({ postId }: { postId: number }) {
  const post = usePost(postId);
  const missing = !Number.isSafeInteger(postId) || postId < 1 || (post.error instanceof ApiError && post.error.status === 404);
  const title = missing ? "No such post" : (post.data?.title ?? "Post");
  return (
    <Page title={title} section="Community" actions={<Link to="/community">All posts</Link>}>
      {missing ? (
        <Card>
          <EmptyState title="No such post">
            <p>It was deleted, or it is not shared with you.</p>
            <Link to="/community">Back to the community</Link>
          </EmptyState>
        </Card>
      ) : post.isError ? (
        <Card>
          <EmptyState title="Could not load the post">
            <p>{post.error.message}</p>
            <button type="button" onClick={() => void post.refetch()}>
              Try again
            </button>
          </EmptyState>
        </Card>
      ) : post.data ? (
        <PostView post={post.data} />
      ) : (
        <Skeleton lines={10} />
      )}
    </Page>
  );
}

/** One reader per post: moving to another starts afresh (its edit state, its focus on the heading). */
export default function PostPage() {
  const { postId = "" } = useParams();
  const id = /^\d+$/.test(postId) ? Number(postId) : Number.NaN;
  return <Reader key={postId} postId={id} />;
}
