/** A moderator's actions on a post or comment, each with the reason the log keeps (at least 3 characters). */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { fieldError } from "@/api/errors";
import { useUi } from "@/stores/ui";
import { keys, moderateComment, moderatePost, type ModerationAction, type ModeratorAction } from "./api";

const LABELS: Record<ModeratorAction, string> = { APPROVE: "Approve", HIDE: "Hide", RESTORE: "Restore", LOCK: "Lock", UNLOCK: "Unlock" };

export function ModerateForm({
  postId,
  commentId,
  actions,
  what,
  onDone,
}: {
  postId: number;
  commentId?: number | undefined;
  actions: readonly ModeratorAction[];
  /** Names the item in the buttons' labels: "post 12", "comment 4 on post 12". */
  what: string;
  onDone?: (action: ModerationAction) => void;
}) {
  const id = useId();
  const queryClient = useQueryClient();
  const toast = useUi((s) => s.toast);
  const [reason, setReason] = useState("");
  const [local, setLocal] = useState<string | null>(null);
  const act = useMutation({
    mutationFn: (action: ModeratorAction) =>
      commentId === undefined ? moderatePost(postId, action, reason.trim()) : moderateComment(postId, commentId, action, reason.trim()),
    onSuccess: (done) => {
      setReason("");
      toast({ kind: "success", title: `${LABELS[done.action as ModeratorAction] ?? done.action}: ${what}` });
      void queryClient.invalidateQueries({ queryKey: keys.all });
      onDone?.(done);
    },
  });
  function run(action: ModeratorAction) {
    if (reason.trim().length < 3) {
      setLocal("Give a reason (at least 3 characters): it goes into the moderation log.");
      return;
    }
    setLocal(null);
    act.mutate(action);
  }
  const error = local ?? (act.error ? (fieldError(act.error, "reason", "action") ?? act.error.message) : null);
  return (
    <div className={"cm-moderate" + (error ? " field-invalid" : "")} role="group" aria-label={`Moderate ${what}`}>
      <label htmlFor={id}>Reason</label>
      <input
        id={id}
        value={reason}
        maxLength={500}
        placeholder="Why? It goes into the log"
        onChange={(e) => setReason(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      <div className="cm-inline">
        {actions.map((action) => (
          <button
            key={action}
            type="button"
            className={action === "HIDE" ? "danger" : action === "APPROVE" ? "primary" : undefined}
            disabled={act.isPending}
            onClick={() => run(action)}
            aria-label={`${LABELS[action]} ${what}`}
          >
            {LABELS[action]}
          </button>
        ))}
      </div>
      {error ? (
        <span className="field-error" role="alert" id={`${id}-error`}>
          {error}
        </span>
      ) : null}
    </div>
  );
}
