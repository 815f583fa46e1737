import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { RUNS_KEY } from "@/api/backtests";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

/** The research assistant's calls: its status, conversations and the proposals' create calls. The turn itself
 * (POST .../messages, an event stream read with fetch) is in ./turn.ts. Every type is the generated OpenAPI one. */

type S = components["schemas"];
export type AgentStatus = S["AgentStatus"];
export type Conversation = S["ConversationOut"];
export type ConversationSummary = S["ConversationSummary"];
export type ConversationIn = S["ConversationIn"];
export type ConversationPatch = S["ConversationPatch"];
export type Message = S["MessageOut"];
export type ToolCall = S["ToolCallOut"];
export type Citation = S["CitationOut"];
export type Proposal = S["ProposalOut"];

/** The API's limit on a message (MessageIn: 1..4000 characters, not blank). */
export const MAX_MESSAGE = 4000;
/** The API's limit on a title (1..120 characters). */
export const MAX_TITLE = 120;

export const keys = {
  all: ["agent"] as const,
  status: ["agent", "status"] as const,
  list: ["agent", "conversations"] as const,
  conversation: (conversationId: number) => ["agent", "conversation", conversationId] as const,
};

const conversationPath = (conversationId: number) => ({ params: { path: { conversationId } } });
export const fetchStatus = () => unwrap(api.GET("/api/agent/status"));
export const fetchConversations = () => unwrap(api.GET("/api/agent/conversations"));
export const fetchConversation = (conversationId: number) =>
  unwrap(api.GET("/api/agent/conversations/{conversationId}", conversationPath(conversationId)));
export const createConversation = (body: ConversationIn) => unwrap(api.POST("/api/agent/conversations", { body }));
export const updateConversation = (conversationId: number, body: ConversationPatch) =>
  unwrap(api.PATCH("/api/agent/conversations/{conversationId}", { ...conversationPath(conversationId), body }));
export const deleteConversation = (conversationId: number) =>
  unwrap(api.DELETE("/api/agent/conversations/{conversationId}", conversationPath(conversationId)));

export function useStatus() {
  return useQuery({ queryKey: keys.status, queryFn: fetchStatus, staleTime: 30_000 });
}

export function useConversations() {
  return useQuery({ queryKey: keys.list, queryFn: fetchConversations });
}

export function useConversation(conversationId: number | undefined) {
  return useQuery({
    queryKey: keys.conversation(conversationId ?? 0),
    queryFn: () => fetchConversation(conversationId ?? 0),
    enabled: conversationId !== undefined,
  });
}

export function useCreateConversation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createConversation,
    onSuccess: (made) => {
      queryClient.setQueryData(keys.conversation(made.conversationId), made);
      return queryClient.invalidateQueries({ queryKey: keys.list });
    },
  });
}

/** Rename, or allow or forbid actions; the list and the conversation show the answer at once. */
export function useUpdateConversation(conversationId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ConversationPatch) => updateConversation(conversationId, body),
    onSuccess: (saved) => {
      queryClient.setQueryData(keys.conversation(conversationId), saved);
      return queryClient.invalidateQueries({ queryKey: keys.list });
    },
  });
}

export function useDeleteConversation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteConversation,
    onSuccess: (_, conversationId) => {
      queryClient.removeQueries({ queryKey: keys.conversation(conversationId) });
      return queryClient.invalidateQueries({ queryKey: keys.list });
    },
  });
}

/** Shown by the proposal's card itself, field by field: no app-wide error toast. */
const shownByTheCard = () => undefined;

/** POST .../proposals/{ref}: the API creates the alert or runs the backtest exactly as the agent proposed it, once
 * (the proposal then carries `created`, so a reload shows it done and offers no second click). */
export function useAcceptProposal(conversationId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (ref: string) =>
      unwrap(api.POST("/api/agent/conversations/{conversationId}/proposals/{ref}", { params: { path: { conversationId, ref } } })),
    onSuccess: (proposal) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.conversation(conversationId) }),
        queryClient.invalidateQueries({ queryKey: proposal.kind === "ALERT" ? ["alerts"] : RUNS_KEY }),
      ]),
    onError: shownByTheCard,
  });
}
