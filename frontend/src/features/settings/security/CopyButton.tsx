import { useEffect, useState } from "react";
import { copyText } from "./clipboard";

/** Copies `text`; says "Copied" for a moment, or that the browser refused (then the text is there to select). */
export function CopyButton({ text, label, children = "Copy" }: { text: string; label: string; children?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2500);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <span className="copy-button">
      <button type="button" aria-label={label} onClick={() => void copyText(text).then((ok) => setState(ok ? "copied" : "failed"))}>
        {children}
      </button>
      <span className="copy-state" role="status">
        {state === "copied" ? "Copied" : state === "failed" ? "Could not copy: select it and copy" : ""}
      </span>
    </span>
  );
}
