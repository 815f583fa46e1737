/** The community screens' test data, in the API's shapes. */
import type { Attachment, Comment, CommentList, Post, PostCard, PostPage } from "./api";

export const me = { id: 7, email: "ada@example.com", displayName: "Ada", role: "user", createdAt: "2026-01-01T00:00:00Z", preferences: { timezone: "UTC", watchlist: [] } };
export const moderatorMe = { ...me, id: 1, role: "moderator" };

const ALLOW = { status: "ALLOW" as const, reasons: [] };

export const card = (postId: number, patch: Partial<PostCard> = {}): PostCard => ({
  postId,
  userId: 9,
  title: `RSI divergences on $BTC ${postId}`,
  upvotes: 5,
  comments: 3,
  visibility: "PUBLIC",
  createdAt: new Date(Date.now() - 2 * 3600_000).toISOString(),
  author: { userId: 9, displayName: "satoshi", reputation: 42 },
  excerpt: "Bullish divergence on the 4h chart while the price made a lower low.",
  tags: ["TECHNICAL_ANALYSIS", "BTC"],
  symbols: ["BTC-USD"],
  downvotes: 1,
  score: 4,
  myVote: 0,
  views: 12,
  readers: 8,
  trending: 1.5,
  status: "PUBLISHED",
  moderation: ALLOW,
  locked: false,
  attachmentTypes: [],
  updatedAt: null,
  ...patch,
});

export const page = (items: PostCard[], patch: Partial<PostPage> = {}): PostPage => ({ items, limit: 20, offset: 0, hasMore: false, ...patch });

export const backtestAttachment = (patch: Partial<Attachment> = {}): Attachment => ({
  attachmentId: 31,
  type: "BACKTEST",
  title: "Backtest: RSI Mean Reversion on BTC-USD 1h",
  url: null,
  embeddable: false,
  sourceId: "BT-abc123",
  cloneable: true,
  data: {
    strategyName: "RSI Mean Reversion",
    symbol: "BTC-USD",
    interval: "1h",
    from: "2025-02-01T00:00:00Z",
    to: "2025-12-01T00:00:00Z",
    parameters: { rsiPeriod: 14 },
    initialCapital: 10000,
    costs: { fees: 0.001, slippage: 0 },
    stops: {},
    results: { totalReturn: 0.1234, sharpeRatio: 1.42, maxDrawdown: -0.081, totalTrades: 17, winRate: 0.588 },
    equity: [
      ["2025-02-01T00:00:00Z", 10000],
      ["2025-06-01T00:00:00Z", 10650],
      ["2025-12-01T00:00:00Z", 11234],
    ],
  },
  ...patch,
});

export const post = (patch: Partial<Post> = {}): Post => ({
  ...card(12),
  content: "Bullish **divergence** on $BTC.",
  contentHtml: '<p>Bullish <strong>divergence</strong> on <a href="/?symbol=BTC-USD" class="asset">$BTC</a>.</p>',
  attachments: [],
  revisions: 0,
  ...patch,
});

export const comment = (commentId: number, patch: Partial<Comment> = {}): Comment => ({
  commentId,
  postId: 12,
  parentId: null,
  depth: 0,
  userId: 9,
  author: { userId: 9, displayName: "satoshi", reputation: 42 },
  content: `Comment ${commentId}`,
  contentHtml: `<p>Comment ${commentId}</p>`,
  upvotes: 1,
  downvotes: 0,
  score: 1,
  myVote: 0,
  status: "PUBLISHED",
  moderation: ALLOW,
  createdAt: "2026-11-24T10:00:00Z",
  updatedAt: null,
  ...patch,
});

export const thread = (items: Comment[]): CommentList => ({
  postId: 12,
  comments: items.filter((c) => c.status !== "DELETED").length,
  items,
});
