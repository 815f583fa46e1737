import { Link, useParams } from "react-router-dom";
import { useIndicatorCatalog } from "@/api/indicators";
import { QueryView } from "@/components/QueryView";
import { Card, EmptyState, Skeleton } from "@/components/ui";
import { AlertForm } from "./AlertForm";
import { useAlert } from "./hooks";
import { formFromAlert } from "./prefill";
import { describeRule } from "./rule";

const LOADING = (
  <Card>
    <Skeleton lines={6} />
  </Card>
);

/** /alerts/:alertId/edit: the alert form prefilled with one stored alert, saving with PATCH. */
export function AlertEdit() {
  const alertId = Number(useParams().alertId);
  const alert = useAlert(Number.isSafeInteger(alertId) ? alertId : 0);
  const catalog = useIndicatorCatalog();
  if (!Number.isSafeInteger(alertId) || alertId <= 0) {
    return (
      <EmptyState title="No such alert">
        <Link to="/alerts">Back to your alerts</Link>
      </EmptyState>
    );
  }
  return (
    <QueryView query={alert} loading={LOADING} error={`Could not load alert #${alertId}`}>
      {(stored) =>
        catalog.isPending ? (
          LOADING
        ) : (
          <div className="stack">
            <p className="muted alert-edit-title" data-testid="alert-edit-title">
              Editing alert #{stored.id}: <strong>{stored.symbol}</strong> {describeRule(stored.condition, stored.threshold, stored.metadata)} ·{" "}
              {stored.status}
            </p>
            <AlertForm
              key={`${stored.id}-${stored.updatedAt ?? ""}`}
              alert={stored}
              initial={formFromAlert(stored, (catalog.data?.indicators ?? []).map((i) => i.name))}
            />
          </div>
        )
      }
    </QueryView>
  );
}
