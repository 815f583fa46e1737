import { act, renderHook } from "@testing-library/react";
import { ApiError } from "@/api/errors";
import { useFormErrors, type ApiFields, type Options } from "./useFormErrors";

type F = "threshold" | "window" | "channels";
const FIELDS: readonly F[] = ["threshold", "window", "channels"];

const invalid = (field: string, message: string, details: ApiError["details"] = []) => new ApiError(422, "VALIDATION_ERROR", message, field, details);

function render(errors: unknown, apiFields: ApiFields<F> = {}, options: Options<F> = {}) {
  return renderHook(({ errors, options }) => useFormErrors(FIELDS, errors, apiFields, options), { initialProps: { errors, options } });
}

describe("useFormErrors", () => {
  it("takes one error as before: a field's aliases and items, the rest as the banner", () => {
    const { result } = render(invalid("interval.0", "interval.0: unknown (and 1 more)"), { window: ["window", "interval"] });
    expect(result.current.of("window")).toBe("unknown");
    expect(result.current.general).toBeUndefined();
    expect(render(new ApiError(401, "UNAUTHORIZED", "Sign in again")).result.current.general).toBe("Sign in again");
    expect(render(new Error("offline")).result.current.general).toBeUndefined();
  });

  it("merges several errors, the first one's message winning a field, and lists what none of the fields shows", () => {
    const create = invalid("threshold", "threshold: too high (and 1 more)", [
      { field: "threshold", message: "too high" },
      { field: "body", message: "something else" },
    ]);
    const preview = invalid("threshold", "must be a number", [
      { field: "threshold", message: "must be a number" },
      { field: "window", message: "1 to 1000" },
    ]);
    const { result } = render([preview, create, undefined]);
    expect(result.current.of("threshold")).toBe("must be a number");
    expect(result.current.of("window")).toBe("1 to 1000");
    expect(result.current.general).toBe("body: something else");
    expect(result.current.any).toBe(true);
  });

  it("places the API's fields with a function, so an exact name can go to another field", () => {
    const fieldOf = (apiField: string | undefined): F | undefined => (apiField === "metadata.value" ? "threshold" : apiField === "window" ? "window" : undefined);
    const { result } = render(
      invalid("metadata.value", "x", [
        { field: "metadata.value", message: "must be finite" },
        { field: "metadata.window.extra", message: "unknown key" },
      ]),
      fieldOf,
    );
    expect(result.current.of("threshold")).toBe("must be finite");
    expect(result.current.of("window")).toBeUndefined();
    expect(result.current.general).toBe("metadata.window.extra: unknown key");
  });

  it("drops the API's message about a field once it is edited, until the next request answers", () => {
    const first = invalid("window", "1 to 1000");
    const other = invalid("threshold", "too high", [
      { field: "threshold", message: "too high" },
      { field: "userId", message: "not you" },
    ]);
    const { result, rerender } = render([first, other]);
    expect(result.current.general).toBe("userId: not you");
    act(() => result.current.edited("window"));
    expect(result.current.of("window")).toBeUndefined();
    expect(result.current.of("threshold")).toBe("too high");
    expect(result.current.general).toBeUndefined(); // any edit makes the banner stale

    rerender({ errors: [first, invalid("threshold", "still too high")], options: {} });
    expect(result.current.of("window")).toBeUndefined(); // the same request's answer: still edited since
    expect(result.current.of("threshold")).toBe("still too high");
    rerender({ errors: [invalid("window", "1 to 1000"), undefined], options: {} });
    expect(result.current.of("window")).toBe("1 to 1000");
  });

  it("dismisses a field's API message without counting it as edited", () => {
    const { result } = render(invalid("threshold", "too high"), {}, { live: { threshold: "Threshold is required" }, touchedOnly: true });
    act(() => result.current.dismiss("threshold"));
    expect(result.current.of("threshold")).toBeUndefined();
  });

  it("shows live checks always, or only for edited fields and after a submit", () => {
    const live = { threshold: "Threshold is required", window: "Window must be a whole number" };
    expect(render(undefined, {}, { live }).result.current.of("threshold")).toBe("Threshold is required");

    const { result } = render(undefined, {}, { live, touchedOnly: true });
    expect(result.current.of("threshold")).toBeUndefined();
    expect(result.current.any).toBe(false);
    act(() => result.current.edited("window"));
    expect(result.current.of("window")).toBe("Window must be a whole number");
    expect(result.current.of("threshold")).toBeUndefined();
    act(() => result.current.submitted());
    expect(result.current.of("threshold")).toBe("Threshold is required");
  });

  it("puts the form's own messages before the API's", () => {
    const { result } = render(invalid("channels", "EMAIL is not set up"), {}, { live: { channels: "Pick at least one channel" } });
    expect(result.current.of("channels")).toBe("Pick at least one channel");
    act(() => void result.current.check({ channels: "Pick one" }));
    expect(result.current.of("channels")).toBe("Pick one");
  });
});
