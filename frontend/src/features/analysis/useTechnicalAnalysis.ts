import { useMutation } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { ApiError } from "@/api/errors";
import { toastError } from "@/stores/ui";
import type { TechnicalRequest } from "./types";

const FORM_FIELDS = ["symbol", "indicators", "timeframes", "interval", "period", "patternBars"];

/** POST /api/analysis/technical; errors about a form field are shown by the form, others toasted. */
export function useTechnicalAnalysis() {
  return useMutation({
    mutationFn: (body: TechnicalRequest) => unwrap(api.POST("/api/analysis/technical", { body })),
    onError: (error) => {
      const field = error instanceof ApiError ? (error.field ?? "").split(".")[0] : "";
      if (!FORM_FIELDS.includes(field ?? "")) toastError(error, "Analysis failed");
    },
  });
}
