/** The assistant's test data, in the API's shapes, and an event stream to serve. */
import type { AgentStatus, Conversation, Message, Proposal, ToolCall } from "./api";

export const status = (patch: Partial<AgentStatus> = {}): AgentStatus => ({
  configured: true,
  provider: "openai",
  model: "gpt-test",
  setup: "Set CRYPTOMON_LLM_PROVIDER=openai\nand CRYPTOMON_LLM_API_KEY=sk-...",
  problem: null,
  maxSteps: 6,
  memoryTurns: 10,
  budget: { requestsPerDay: 200, tokensPerDay: 200000, requestsUsed: 3, tokensUsed: 1234, resetsAt: "2026-11-25T00:00:00Z" },
  tools: [
    { name: "technical_analysis", description: "Indicators", writes: false },
    { name: "propose_alert", description: "Propose an alert", writes: false },
    { name: "create_alert", description: "Create an alert", writes: true },
    { name: "save_backtest", description: "Save a backtest", writes: true },
  ],
  ...patch,
});

export const rsiCall = (patch: Partial<ToolCall> = {}): ToolCall => ({
  ref: "T1",
  tool: "technical_analysis",
  arguments: { symbol: "BTC-USD" },
  status: "OK",
  result: { ref: "T1", tool: "technical_analysis", source: "cryptomon-candles", asOf: "2026-11-24T10:00:00Z", data: { rsi14: 48.2 } },
  source: "cryptomon-candles",
  asOf: "2026-11-24T10:00:00Z",
  durationMs: 12.3,
  step: 1,
  ...patch,
});

export const alertRequest = {
  userId: 7,
  symbol: "BTC-USD",
  condition: "PRICE_ABOVE",
  threshold: 150000,
  channels: ["IN_APP"],
  metadata: { source: "agent" },
};

export const alertProposal = (patch: Partial<Proposal> = {}): Proposal => ({
  ref: "T2",
  kind: "ALERT",
  summary: "Alert when BTC-USD goes above 150,000",
  request: alertRequest,
  ...patch,
});

export const backtestRequest = { strategyName: "RSI Mean Reversion", symbol: "ETH-USD", period: "1y", interval: "1d", parameters: { rsiPeriod: 14 } };

export const backtestProposal = (patch: Partial<Proposal> = {}): Proposal => ({
  ref: "T3",
  kind: "BACKTEST",
  summary: "RSI Mean Reversion on ETH-USD, daily, last year",
  request: backtestRequest,
  ...patch,
});

export const userMessage = (messageId: number, content: string): Message => ({
  messageId,
  role: "USER",
  content,
  status: "COMPLETE",
  error: null,
  createdAt: "2026-11-24T10:00:00Z",
  toolCalls: [],
  citations: [],
  proposals: [],
  usage: null,
});

export const answer = (messageId: number, patch: Partial<Message> = {}): Message => ({
  messageId,
  role: "ASSISTANT",
  content: "BTC's RSI(14) is 48.2 [T1]: neutral. I propose an alert above 150,000 [T2].",
  status: "COMPLETE",
  error: null,
  createdAt: "2026-11-24T10:00:02Z",
  toolCalls: [rsiCall(), rsiCall({ ref: "T2", tool: "propose_alert", arguments: { symbol: "BTC-USD", threshold: 150000 }, source: "cryptomon", result: { ok: true } })],
  citations: [
    { ref: "T1", tool: "technical_analysis", source: "cryptomon-candles", asOf: "2026-11-24T10:00:00Z" },
    { ref: "T2", tool: "propose_alert", source: "cryptomon", asOf: "2026-11-24T10:00:00Z" },
  ],
  proposals: [alertProposal()],
  usage: { inputTokens: 900, outputTokens: 100 },
  ...patch,
});

export const conversation = (conversationId: number, history: Message[] = [], patch: Partial<Conversation> = {}): Conversation => ({
  conversationId,
  title: `Conversation ${conversationId}`,
  allowActions: false,
  createdAt: "2026-11-24T09:00:00Z",
  updatedAt: "2026-11-24T10:00:00Z",
  messages: history.length,
  history,
  ...patch,
});

export const summary = ({ conversationId, title, allowActions, createdAt, updatedAt, messages }: Conversation) => ({
  conversationId,
  title,
  allowActions,
  createdAt,
  updatedAt,
  messages,
});

/** An SSE event as the API writes it. */
export const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/** A response body the test writes into as it goes: `send` a piece of text, `close` the stream. */
export function controlledStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  const encoder = new TextEncoder();
  return {
    response: () => new Response(body, { status: 200, headers: { "Content-Type": "text/event-stream" } }),
    send: (text: string) => controller.enqueue(encoder.encode(text)),
    close: () => controller.close(),
  };
}
