import type { QueryClient } from "@tanstack/react-query";
import { create } from "zustand";
import { authedFetch } from "@/api/client";
import { keys, type Conversation, type Message, type ToolCall } from "./api";
import { readSse, type SseEvent } from "./sse";

/**
 * A turn as it streams (POST /api/agent/conversations/{id}/messages, an event stream read with fetch): the question,
 * each tool call as it starts and ends, the answer's text as the model writes it, then the saved message. Kept in
 * a store outside the chat's components, so that a turn goes on while the user looks at another conversation.
 */

/** A tool call as the stream tells it: its result fields arrive with `tool_result`. */
export type LiveToolCall = Pick<ToolCall, "ref" | "tool" | "arguments" | "step"> &
  Partial<Pick<ToolCall, "status" | "result" | "source" | "asOf" | "durationMs">>;

/** The stream's events whose payloads are not messages; typed from the saved shapes, the OpenAPI document
 * describes the stream only as text/event-stream. */
type TurnIds = Pick<LiveTurn, "userMessageId" | "messageId">;
type ToolResult = Pick<ToolCall, "ref" | "status" | "result" | "source" | "asOf" | "durationMs">;

export interface LiveTurn {
  /** The React key of the question and the answer, kept once they are in the history: the same elements stay
   * on screen (and in focus) when the saved messages replace the streamed ones. */
  key: string;
  conversationId: number;
  question: string;
  userMessageId: number | null;
  messageId: number | null;
  text: string;
  toolCalls: LiveToolCall[];
  /** The saved assistant message: COMPLETE after `answer`, FAILED after `error`. */
  saved: Message | null;
  /** The stream's `error`, or the connection lost before the last event. */
  error: { code: string; message: string } | null;
  done: boolean;
}

interface TurnState {
  turns: Record<number, LiveTurn>;
  /** Message id -> React key, for the messages that started as a live turn. */
  keyOf: Record<number, string>;
  update: (conversationId: number, patch: (turn: LiveTurn) => Partial<LiveTurn>) => void;
  drop: (conversationId: number) => void;
}

export const useTurns = create<TurnState>()((set) => ({
  turns: {},
  keyOf: {},
  update: (conversationId, patch) =>
    set((state) => {
      const turn = state.turns[conversationId];
      if (!turn) return {};
      const next = { ...turn, ...patch(turn) };
      const keyOf = { ...state.keyOf };
      if (next.userMessageId !== null) keyOf[next.userMessageId] = `${next.key}-q`;
      if (next.messageId !== null) keyOf[next.messageId] = `${next.key}-a`;
      return { turns: { ...state.turns, [conversationId]: next }, keyOf };
    }),
  drop: (conversationId) =>
    set((state) => {
      const turns = { ...state.turns };
      delete turns[conversationId];
      return { turns };
    }),
}));

/** Whether a turn is still running in a conversation (its composer waits). */
export const useRunning = (conversationId: number) => useTurns((s) => Boolean(s.turns[conversationId] && !s.turns[conversationId].done));

let counter = 0;

/** What an event's JSON says; a line the stream garbled is reported, not thrown into the page. */
function payload(event: SseEvent): Record<string, unknown> {
  try {
    return JSON.parse(event.data) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** A turn's state after one event. */
export function applyEvent(turn: LiveTurn, event: SseEvent): Partial<LiveTurn> {
  const data = payload(event);
  switch (event.event) {
    case "turn": {
      const { userMessageId, messageId } = data as TurnIds;
      return { userMessageId, messageId };
    }
    case "tool_call": {
      const { ref, tool, arguments: args, step } = data as LiveToolCall;
      return { toolCalls: [...turn.toolCalls, { ref, tool, arguments: args, step }] };
    }
    case "tool_result": {
      const { ref, status, result, source, asOf, durationMs } = data as ToolResult;
      return { toolCalls: turn.toolCalls.map((call) => (call.ref === ref ? { ...call, status, result, source, asOf, durationMs } : call)) };
    }
    case "token":
      return { text: turn.text + (typeof data.text === "string" ? data.text : "") };
    case "answer":
      return { saved: data.turn as Message, done: true };
    case "error":
      return {
        saved: (data.turn as Message | undefined) ?? null,
        error: {
          code: typeof data.code === "string" ? data.code : "INTERNAL_ERROR",
          message: typeof data.message === "string" ? data.message : "The turn failed.",
        },
        done: true,
      };
    default:
      return {};
  }
}

/** The saved messages are in the conversation's history: the live turn has nothing left to show. */
export function inHistory(turn: LiveTurn, conversation: Conversation | undefined): boolean {
  return turn.messageId !== null && Boolean(conversation?.history.some((m) => m.messageId === turn.messageId));
}

/**
 * Ask `content` in a conversation. Resolves once the API accepted the turn (the stream goes on in the background,
 * into the store); rejects with the API's error when it refused it before any streaming (422, 409, 429, 503...).
 */
export async function sendMessage(queryClient: QueryClient, conversationId: number, content: string): Promise<void> {
  const { turns, drop } = useTurns.getState();
  if (turns[conversationId] && !turns[conversationId].done) throw new Error("A turn is still running in this conversation.");
  useTurns.setState((s) => ({
    turns: {
      ...s.turns,
      [conversationId]: {
        key: `turn-${++counter}`,
        conversationId,
        question: content,
        userMessageId: null,
        messageId: null,
        text: "",
        toolCalls: [],
        saved: null,
        error: null,
        done: false,
      },
    },
  }));
  let response: Response;
  try {
    response = await authedFetch(`/api/agent/conversations/${conversationId}/messages`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify({ content }),
    });
  } catch (error) {
    drop(conversationId);
    throw error;
  }
  void stream(queryClient, conversationId, response);
}

async function stream(queryClient: QueryClient, conversationId: number, response: Response): Promise<void> {
  const { update } = useTurns.getState();
  const lost = { code: "CONNECTION_LOST", message: "The connection closed before the answer arrived. The answer may still be saved: reload the conversation." };
  try {
    if (!response.body) throw new Error("no body");
    await readSse(response.body, (event) => update(conversationId, (turn) => applyEvent(turn, event)));
  } catch {
    // Reported below as a lost connection.
  }
  update(conversationId, (turn) => (turn.done ? {} : { error: lost, done: true }));
  // The saved messages replace the live turn once the history has them (see inHistory); the turn stays in the
  // store until the next one, so that no render sees neither.
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: keys.conversation(conversationId) }),
    queryClient.invalidateQueries({ queryKey: keys.list }),
    queryClient.invalidateQueries({ queryKey: keys.status }),
  ]);
}
