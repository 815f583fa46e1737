import { useState, type FormEvent } from "react";
import { ApiError } from "@/api/errors";
import { useFormErrors } from "@/lib/useFormErrors";
import { useGenerateReport, type Generated } from "./api";
import { DEFAULT_DRAFT, OPTION_FIELDS, toOptions, validateOptions, type OptionField, type ReportDraft } from "./options";
import { ReportFields } from "./ReportFields";

/** A one-off report: its options, checked before sending; the API's field errors beside their fields. Once
 * accepted the report is listed as GENERATING (`onGenerated`). */
export function GenerateForm({ onGenerated }: { onGenerated: (generated: Generated) => void }) {
  const [draft, setDraft] = useState<ReportDraft>(DEFAULT_DRAFT);
  const generate = useGenerateReport();
  const errors = useFormErrors(OPTION_FIELDS, generate.error);
  const change = (patch: Partial<ReportDraft>, ...fields: OptionField[]) => {
    setDraft((d) => ({ ...d, ...patch }));
    errors.edited(...fields);
  };

  // A failure that is not the API's answer (the network) has no field: the banner says it.
  const banner = errors.general ?? (generate.error && !(generate.error instanceof ApiError) ? generate.error.message : undefined);

  function submit(event: FormEvent) {
    event.preventDefault();
    errors.submitted();
    if (!errors.check(validateOptions(draft))) return;
    generate.mutate(toOptions(draft), { onSuccess: onGenerated });
  }

  return (
    <form className="stack rp-form" onSubmit={submit} noValidate aria-label="Generate a report">
      <ReportFields idPrefix="rp" draft={draft} change={change} error={errors.of} />
      {banner ? (
        <p className="form-error" role="alert" data-testid="generate-error">
          {banner}
        </p>
      ) : null}
      <div>
        <button type="submit" className="primary" disabled={generate.isPending}>
          {generate.isPending ? "Generating…" : "Generate report"}
        </button>
      </div>
    </form>
  );
}
