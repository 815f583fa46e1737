/** A post in the forum list: title, author and reputation, age, excerpt, tags and symbols, votes, comments,
 * attachment kinds, and the badges only its author and moderators see (held for review, hidden). */
import { Link } from "react-router-dom";
import { toastError } from "@/stores/ui";
import { useVotePost, type PostCard as Card } from "./api";
import { Age, AuthorLine, Chips, StatusBadges, Votes } from "./bits";
import { heldText, plural, typeBadges } from "./format";

export function PostCard({ post }: { post: Card }) {
  const vote = useVotePost(post.postId);
  const held = post.moderation.status === "HOLD_FOR_REVIEW";
  const badges = typeBadges(post.attachmentTypes);
  return (
    <article className="cm-card" aria-labelledby={`post-${post.postId}-title`} data-testid={`post-card-${post.postId}`}>
      <Votes
        score={post.score}
        myVote={post.myVote}
        what={`“${post.title}”`}
        disabled={post.locked}
        busy={vote.isPending}
        onVote={(value) => vote.mutate(value, { onError: (error) => toastError(error, "Could not vote") })}
      />
      <div className="cm-card-main">
        <h2 className="cm-card-title" id={`post-${post.postId}-title`}>
          <Link to={`/community/posts/${post.postId}`}>{post.title}</Link>
        </h2>
        <p className="cm-meta">
          <AuthorLine author={post.author} />
          <Age iso={post.createdAt} edited={post.updatedAt} />
          {post.visibility !== "PUBLIC" ? <span className="pill">{post.visibility === "FOLLOWERS" ? "Followers only" : "Private"}</span> : null}
          <StatusBadges status={post.status} moderation={post.moderation} locked={post.locked} />
        </p>
        {held && post.moderation.reasons.length ? <p className="cm-held-text">{heldText(post.moderation)}</p> : null}
        {post.excerpt ? <p className="cm-excerpt">{post.excerpt}</p> : null}
        <div className="cm-card-foot">
          <Chips tags={post.tags} symbols={post.symbols} label="Tags and assets" />
          <span className="cm-foot-facts">
            {badges.map((b) => (
              <span key={b} className="pill cm-kind" data-testid="attachment-badge">
                {b}
              </span>
            ))}
            <Link to={`/community/posts/${post.postId}#comments`} className="cm-comments-link">
              {plural(post.comments, "comment")}
            </Link>
          </span>
        </div>
      </div>
    </article>
  );
}
