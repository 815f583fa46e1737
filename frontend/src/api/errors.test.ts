import { describe, expect, it } from "vitest";
import { ApiError, fieldError, isFieldError, toApiError } from "./errors";

describe("fieldError", () => {
  const summary = new ApiError(422, "VALIDATION_ERROR", "ranges.fast: must be below slow (and 1 more)", "ranges.fast", [
    { field: "ranges.fast", message: "must be below slow" },
    { field: "metric", message: "unknown metric" },
  ]);

  it("takes a field's own detail first", () => {
    expect(fieldError(summary, "metric")).toBe("unknown metric");
    expect(fieldError(summary, "ranges.fast")).toBe("must be below slow");
  });

  it("matches an item of a field, and aliases", () => {
    expect(fieldError(summary, "ranges")).toBe("must be below slow");
    expect(fieldError(summary, "sample", "metric")).toBe("unknown metric");
    expect(fieldError(summary, "range")).toBeUndefined();
  });

  it("strips the summary's prefix and suffix when only the envelope names the field", () => {
    const error = toApiError(422, { code: "VALIDATION_ERROR", message: "displayName: too long (and 2 more)", field: "displayName" });
    expect(fieldError(error, "displayName")).toBe("too long");
  });

  it("is undefined for other errors", () => {
    expect(fieldError(new Error("x"), "metric")).toBeUndefined();
    expect(fieldError(undefined, "metric")).toBeUndefined();
    expect(isFieldError(summary, ["symbol", "metric"])).toBe(true);
    expect(isFieldError(summary, ["symbol"])).toBe(false);
  });
});
