/** A post's comments (CommentSection): the thread in reading order indented by depth, a reply box per comment,
 * edit and delete of your own, votes, placeholders for deleted comments, and reports. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type CSSProperties, type FormEvent } from "react";
import { fieldError } from "@/api/errors";
import { ConfirmButton } from "@/components/ConfirmButton";
import { QueryView } from "@/components/QueryView";
import { EmptyState, Skeleton } from "@/components/ui";
import { useAuth } from "@/stores/auth";
import { toastError } from "@/stores/ui";
import {
  addComment,
  deleteComment,
  editComment,
  flagComment,
  keys,
  MAX_DEPTH,
  patchPost,
  useComments,
  voteComment,
  type Comment,
  type CommentList,
} from "./api";
import { Age, AuthorLine, Html, ReportButton, StatusBadges, Votes } from "./bits";
import { heldText, plural, rejectedReasons } from "./format";

/** The error under a comment box: a rejection's reasons, the API's message for `content`, or any message. */
function errorText(error: unknown): string | undefined {
  if (!error) return undefined;
  const rejected = rejectedReasons(error);
  if (rejected) return `Not published: ${rejected.join(" ")}`;
  return fieldError(error, "content") ?? (error instanceof Error ? error.message : "Something went wrong");
}

/** A textarea with its submit button: a new comment, a reply or an edit. */
function CommentBox({
  label,
  submitText,
  initial = "",
  autoFocus = false,
  onSubmit,
  onCancel,
}: {
  label: string;
  submitText: string;
  initial?: string;
  autoFocus?: boolean;
  onSubmit: (content: string) => Promise<unknown>;
  onCancel?: () => void;
}) {
  const id = useId();
  const [content, setContent] = useState(initial);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!content.trim()) {
      setError(new Error("Write something first."));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSubmit(content.trim());
      setContent("");
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  const message = errorText(error);
  return (
    <form className={"cm-comment-box" + (message ? " field-invalid" : "")} onSubmit={(e) => void submit(e)} aria-label={label}>
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <textarea
        id={id}
        rows={3}
        value={content}
        maxLength={10_000}
        autoFocus={autoFocus}
        placeholder="Markdown welcome: **bold**, [links](https://…), $BTC, @handle"
        onChange={(e) => setContent(e.target.value)}
        aria-invalid={message ? true : undefined}
        aria-describedby={message ? `${id}-error` : undefined}
      />
      {message ? (
        <span className="field-error" role="alert" id={`${id}-error`}>
          {message}
        </span>
      ) : null}
      <div className="cm-inline">
        <button type="submit" className="primary" disabled={busy}>
          {submitText}
        </button>
        {onCancel ? (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

function CommentItem({
  comment,
  postId,
  locked,
  moderator,
  onReplied,
  onRemoved,
}: {
  comment: Comment;
  postId: number;
  locked: boolean;
  moderator: boolean;
  onReplied: (created: Comment) => void;
  onRemoved: (commentId: number) => void;
}) {
  const queryClient = useQueryClient();
  const me = useAuth((s) => s.user?.id);
  const [mode, setMode] = useState<"read" | "reply" | "edit">("read");
  const [asking, setAsking] = useState(false);
  const mine = comment.userId !== null && comment.userId === me;
  const deleted = comment.status === "DELETED";
  const what = `comment ${comment.commentId} by ${comment.author?.displayName ?? "a deleted member"}`;
  const setThread = (change: (items: Comment[]) => Comment[]) =>
    queryClient.setQueryData<CommentList>(keys.comments(postId), (old) => (old ? { ...old, items: change(old.items) } : old));

  const vote = useMutation({
    mutationFn: (value: -1 | 0 | 1) => voteComment(postId, comment.commentId, value),
    onSuccess: (result) => setThread((items) => items.map((c) => (c.commentId === comment.commentId ? { ...c, ...result } : c))),
    onError: (error) => toastError(error, "Could not vote"),
  });
  const remove = useMutation({
    mutationFn: () => deleteComment(postId, comment.commentId),
    onSuccess: () => {
      setAsking(false);
      onRemoved(comment.commentId);
    },
    onError: (error) => {
      setAsking(false);
      toastError(error, "Could not delete the comment");
    },
  });

  const style = { "--depth": Math.min(comment.depth, MAX_DEPTH) } as CSSProperties;
  return (
    <li className="cm-comment" style={style} data-depth={comment.depth} data-testid={`comment-${comment.commentId}`}>
      <article aria-label={deleted ? "Deleted comment" : `Comment by ${comment.author?.displayName ?? "unknown"}`} tabIndex={-1} id={`comment-${comment.commentId}`}>
        {deleted ? (
          <p className="muted cm-deleted">[deleted]</p>
        ) : (
          <>
            <p className="cm-meta">
              <AuthorLine author={comment.author} />
              <Age iso={comment.createdAt} edited={comment.updatedAt} />
              <StatusBadges status={comment.status} moderation={comment.moderation} />
            </p>
            {comment.moderation.status === "HOLD_FOR_REVIEW" && comment.moderation.reasons.length ? (
              <p className="cm-held-text">{heldText(comment.moderation)}</p>
            ) : null}
            {mode === "edit" ? (
              <CommentBox
                label={`Edit ${what}`}
                submitText="Save"
                initial={comment.content}
                autoFocus
                onCancel={() => setMode("read")}
                onSubmit={async (content) => {
                  const updated = await editComment(postId, comment.commentId, content);
                  setThread((items) => items.map((c) => (c.commentId === updated.commentId ? updated : c)));
                  setMode("read");
                }}
              />
            ) : (
              <Html html={comment.contentHtml} className="cm-body cm-comment-body" />
            )}
            <div className="cm-comment-actions">
              <Votes
                score={comment.score}
                myVote={comment.myVote}
                what={what}
                disabled={locked || comment.status !== "PUBLISHED"}
                busy={vote.isPending}
                onVote={(value) => vote.mutate(value)}
              />
              {!locked && comment.depth < MAX_DEPTH - 1 && mode === "read" ? (
                <button type="button" className="cm-small" onClick={() => setMode("reply")} aria-label={`Reply to ${what}`}>
                  Reply
                </button>
              ) : null}
              {mine && !locked && mode === "read" ? (
                <button type="button" className="cm-small" onClick={() => setMode("edit")} aria-label={`Edit ${what}`}>
                  Edit
                </button>
              ) : null}
              {(mine || moderator) && mode === "read" ? (
                <ConfirmButton
                  label={`Delete ${what}`}
                  confirmLabel={`Confirm deleting ${what}`}
                  asking={asking}
                  onAskingChange={setAsking}
                  autoFocus
                  disabled={remove.isPending}
                  onConfirm={() => remove.mutate()}
                />
              ) : null}
              {!mine ? <ReportButton what={what} onReport={(reason) => flagComment(postId, comment.commentId, reason)} /> : null}
            </div>
          </>
        )}
        {mode === "reply" ? (
          <CommentBox
            label={`Reply to ${what}`}
            submitText="Reply"
            autoFocus
            onCancel={() => setMode("read")}
            onSubmit={async (content) => {
              const created = await addComment(postId, content, comment.commentId);
              setMode("read");
              onReplied(created);
            }}
          />
        ) : null}
      </article>
    </li>
  );
}

export function CommentSection({ postId, locked, moderator }: { postId: number; locked: boolean; moderator: boolean }) {
  const queryClient = useQueryClient();
  const thread = useComments(postId);
  const heading = useRef<HTMLHeadingElement>(null);
  // A new comment, or the one after a deleted one, gets the focus once it is on screen (after the refetch).
  const focusId = useRef<number | null>(null);
  useEffect(() => {
    if (focusId.current === null) return;
    const element = document.getElementById(`comment-${focusId.current}`);
    if (element) {
      element.focus();
      focusId.current = null;
    }
  }, [thread.data]);
  const setFocusId = (id: number) => {
    const element = document.getElementById(`comment-${id}`);
    if (element) element.focus();
    else focusId.current = id; // not rendered yet: the effect focuses it
  };

  /** The thread again (in reading order, with the new count, which the post and the lists show too). */
  async function refresh(): Promise<CommentList | undefined> {
    await queryClient.invalidateQueries({ queryKey: keys.comments(postId) });
    const list = queryClient.getQueryData<CommentList>(keys.comments(postId));
    if (list) patchPost(queryClient, postId, { comments: list.comments });
    return list;
  }

  async function created(comment: Comment) {
    await refresh();
    setFocusId(comment.commentId);
  }

  async function removed(commentId: number) {
    const before = queryClient.getQueryData<CommentList>(keys.comments(postId))?.items ?? [];
    const at = before.findIndex((c) => c.commentId === commentId);
    const list = await refresh();
    // The focus goes to the placeholder (it keeps its place while it has replies), else the next comment, else the heading.
    const next = list?.items.find((c) => c.commentId === commentId) ?? list?.items[at] ?? list?.items[at - 1];
    if (next) setFocusId(next.commentId);
    else heading.current?.focus();
  }

  return (
    <section className="cm-comments" aria-labelledby="comments-title" id="comments">
      <h2 id="comments-title" ref={heading} tabIndex={-1}>
        {thread.data ? plural(thread.data.comments, "comment") : "Comments"}
      </h2>
      {locked ? (
        <p className="muted" role="note">
          This post is locked: no new comments or votes.
        </p>
      ) : (
        <CommentBox
          label="Add a comment"
          submitText="Comment"
          onSubmit={async (content) => {
            const comment = await addComment(postId, content, null);
            await created(comment);
          }}
        />
      )}
      <QueryView
        query={thread}
        loading={<Skeleton lines={4} />}
        error="Could not load the comments"
        isEmpty={(data) => data.items.length === 0}
        empty={<EmptyState title="No comments yet">{locked ? null : <p>Be the first to reply.</p>}</EmptyState>}
      >
        {(data) => (
          <ol className="cm-thread" data-testid="comment-thread">
            {data.items.map((comment) => (
              <CommentItem
                key={comment.commentId}
                comment={comment}
                postId={postId}
                locked={locked}
                moderator={moderator}
                onReplied={(c) => void created(c)}
                onRemoved={(id) => void removed(id)}
              />
            ))}
          </ol>
        )}
      </QueryView>
    </section>
  );
}
