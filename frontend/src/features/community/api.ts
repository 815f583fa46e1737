import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type InfiniteData, type QueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { useMe } from "@/api/me";
import type { components } from "@/api/schema";

/** The community screens' calls: posts, comments, votes, attachments and uploads, follows and moderation. Every
 * type is the generated OpenAPI one. */

type S = components["schemas"];
export type PostCard = S["PostCard"];
/** GET /api/community/posts/{postId}'s post. Inferred from the call: the OpenAPI document names it
 * `app__community__schemas__PostOut` while the analysis domain also has a `PostOut` (reported to the backend). */
export type Post = Awaited<ReturnType<typeof fetchPost>>;
export type PostPage = S["PostPage"];
export type PostIn = S["PostIn"];
export type PostPatch = S["PostPatch"];
export type Attachment = S["AttachmentOut"];
export type AttachmentType = Attachment["type"];
export type InsightRef = S["InsightRef"];
export type Comment = S["CommentOut"];
export type CommentList = S["CommentList"];
export type Vote = S["VoteOut"];
export type Clone = S["CloneOut"];
export type Upload = S["UploadOut"];
export type Member = S["MemberOut"];
export type Follow = S["FollowOut"];
export type FollowKind = Follow["kind"];
export type Revision = S["RevisionOut"];
export type PostStats = S["PostStats"];
export type QueueItem = S["QueueItem"];
export type ModerationAction = S["ActionOut"];
export type ModeratorAction = S["ActionIn"]["action"];
export type Visibility = PostIn["visibility"];
export type Author = S["AuthorOut"];
export type Moderation = S["ModerationOut"];
/** The list's orders: RELEVANCE only with words to search for. */
export type Sort = "NEW" | "TOP" | "TRENDING" | "RELEVANCE";
export type Period = "day" | "week" | "month" | "year" | "all";

export const PAGE_SIZE = 20;
/** What the API takes at most (schemas.PostIn). */
export const MAX_TAGS = 10;
export const MAX_ATTACHMENTS = 5;
/** Replies nest at most 6 levels (app/community/comments.py, MAX_DEPTH): a comment at depth 5 (the top is 0) takes none. */
export const MAX_DEPTH = 6;

export interface PostQuery {
  sort: Sort;
  period: Period;
  tag?: string | undefined;
  symbol?: string | undefined;
  author?: string | undefined;
  q?: string | undefined;
}

export const keys = {
  all: ["community"] as const,
  lists: ["community", "posts"] as const,
  posts: (query: PostQuery) => ["community", "posts", query] as const,
  post: (postId: number) => ["community", "post", postId] as const,
  comments: (postId: number) => ["community", "comments", postId] as const,
  stats: (postId: number) => ["community", "stats", postId] as const,
  history: (postId: number) => ["community", "history", postId] as const,
  member: (userId: number) => ["community", "member", userId] as const,
  follows: ["community", "follows"] as const,
  queue: ["community", "moderation", "queue"] as const,
  log: ["community", "moderation", "log"] as const,
};

const postPath = (postId: number) => ({ params: { path: { postId } } });
const commentPath = (postId: number, commentId: number) => ({ params: { path: { postId, commentId } } });

export const fetchPosts = ({ tag, symbol, author, q, ...rest }: PostQuery, offset: number) =>
  unwrap(
    api.GET("/api/community/posts", {
      params: {
        query: {
          ...rest,
          limit: PAGE_SIZE,
          offset,
          ...(tag ? { tag } : {}),
          ...(symbol ? { symbol } : {}),
          ...(author ? { author } : {}),
          ...(q ? { q } : {}),
        },
      },
    }),
  );
export const fetchPost = (postId: number) => unwrap(api.GET("/api/community/posts/{postId}", postPath(postId)));
export const createPost = (body: PostIn) => unwrap(api.POST("/api/community/posts", { body }));
export const updatePost = (postId: number, body: PostPatch) => unwrap(api.PATCH("/api/community/posts/{postId}", { ...postPath(postId), body }));
export const deletePost = (postId: number) => unwrap(api.DELETE("/api/community/posts/{postId}", postPath(postId)));
export const fetchHistory = (postId: number) => unwrap(api.GET("/api/community/posts/{postId}/history", postPath(postId)));
export const fetchStats = (postId: number) => unwrap(api.GET("/api/community/posts/{postId}/stats", postPath(postId)));
export const votePost = (postId: number, value: -1 | 0 | 1) =>
  unwrap(api.POST("/api/community/posts/{postId}/votes", { ...postPath(postId), body: { value } }));
export const flagPost = (postId: number, reason: string) =>
  unwrap(api.POST("/api/community/posts/{postId}/flags", { ...postPath(postId), body: { reason } }));
export const clonePost = (postId: number, attachmentId: number) =>
  unwrap(
    api.POST("/api/community/posts/{postId}/attachments/{attachmentId}/clone", { params: { path: { postId, attachmentId } } }),
  );

export const fetchComments = (postId: number) => unwrap(api.GET("/api/community/posts/{postId}/comments", postPath(postId)));
export const addComment = (postId: number, content: string, parentId: number | null) =>
  unwrap(api.POST("/api/community/posts/{postId}/comments", { ...postPath(postId), body: { content, parentId } }));
export const editComment = (postId: number, commentId: number, content: string) =>
  unwrap(api.PATCH("/api/community/posts/{postId}/comments/{commentId}", { ...commentPath(postId, commentId), body: { content } }));
export const deleteComment = (postId: number, commentId: number) =>
  unwrap(api.DELETE("/api/community/posts/{postId}/comments/{commentId}", commentPath(postId, commentId)));
export const voteComment = (postId: number, commentId: number, value: -1 | 0 | 1) =>
  unwrap(api.POST("/api/community/posts/{postId}/comments/{commentId}/votes", { ...commentPath(postId, commentId), body: { value } }));
export const flagComment = (postId: number, commentId: number, reason: string) =>
  unwrap(api.POST("/api/community/posts/{postId}/comments/{commentId}/flags", { ...commentPath(postId, commentId), body: { reason } }));

/** POST /api/community/uploads: the image as multipart `file`; attach the answer as {type: "UPLOAD", id: uploadId}. */
export const uploadImage = (file: File) =>
  unwrap(
    api.POST("/api/community/uploads", {
      body: { file: "" },
      bodySerializer: () => {
        const form = new FormData();
        form.append("file", file);
        return form;
      },
    }),
  );

export const fetchMember = (memberId: number) => unwrap(api.GET("/api/community/members/{memberId}", { params: { path: { memberId } } }));
export const fetchFollows = () => unwrap(api.GET("/api/community/follows"));
export const follow = (kind: FollowKind, target: string) => unwrap(api.POST("/api/community/follows", { body: { kind, target } }));
export const unfollow = (kind: FollowKind, target: string) =>
  unwrap(api.DELETE("/api/community/follows/{kind}/{target}", { params: { path: { kind, target } } }));

export const fetchQueue = () => unwrap(api.GET("/api/community/moderation/queue"));
export const fetchLog = (offset: number) =>
  unwrap(api.GET("/api/community/moderation/log", { params: { query: { limit: 50, offset } } }));
export const moderatePost = (postId: number, action: ModeratorAction, reason: string) =>
  unwrap(api.POST("/api/community/moderation/posts/{postId}", { ...postPath(postId), body: { action, reason } }));
export const moderateComment = (postId: number, commentId: number, action: ModeratorAction, reason: string) =>
  unwrap(
    api.POST("/api/community/moderation/posts/{postId}/comments/{commentId}", { ...commentPath(postId, commentId), body: { action, reason } }),
  );

/** Whether the signed-in user moderates the community (role moderator or admin, from GET /api/users/me). */
export function useIsModerator(): boolean {
  const role = useMe().data?.role;
  return role === "moderator" || role === "admin";
}

/** The forum's posts, a page at a time ("Load more" appends the next). */
export function usePosts(query: PostQuery) {
  return useInfiniteQuery({
    queryKey: keys.posts(query),
    queryFn: ({ pageParam }) => fetchPosts(query, pageParam),
    initialPageParam: 0,
    getNextPageParam: (last: PostPage) => (last.hasMore ? last.offset + last.limit : undefined),
  });
}

export function usePost(postId: number) {
  return useQuery({ queryKey: keys.post(postId), queryFn: () => fetchPost(postId), enabled: Number.isSafeInteger(postId) && postId > 0 });
}

export function useComments(postId: number) {
  return useQuery({ queryKey: keys.comments(postId), queryFn: () => fetchComments(postId) });
}

export function useMember(userId: number) {
  return useQuery({ queryKey: keys.member(userId), queryFn: () => fetchMember(userId) });
}

export function useFollows() {
  return useQuery({ queryKey: keys.follows, queryFn: fetchFollows, staleTime: 60_000 });
}

/** A post's fields changed in every list page and in its own page (after a vote, an edit). */
export function patchPost(queryClient: QueryClient, postId: number, patch: Partial<Post>) {
  queryClient.setQueriesData<InfiniteData<PostPage>>({ queryKey: keys.lists }, (old) =>
    old
      ? { ...old, pages: old.pages.map((page) => ({ ...page, items: page.items.map((p) => (p.postId === postId ? { ...p, ...patch } : p)) })) }
      : old,
  );
  queryClient.setQueryData<Post>(keys.post(postId), (old) => (old ? { ...old, ...patch } : old));
}

/** Vote on a post: 1 up, -1 down, 0 withdraws; every list and the post's page show the new counts. */
export function useVotePost(postId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (value: -1 | 0 | 1) => votePost(postId, value),
    onSuccess: (vote) => patchPost(queryClient, postId, vote),
  });
}

/** Follow or stop following a user (by id) or a tag. */
export function useFollow() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ kind, target, on }: { kind: FollowKind; target: string; on: boolean }) =>
      on ? follow(kind, target).then(() => undefined) : unfollow(kind, target),
    onSuccess: (_, { kind, target }) => {
      void queryClient.invalidateQueries({ queryKey: keys.follows });
      if (kind === "USER") void queryClient.invalidateQueries({ queryKey: keys.member(Number(target)) });
    },
  });
}
