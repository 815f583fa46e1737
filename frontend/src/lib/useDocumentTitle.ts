import { useEffect } from "react";

export const APP_NAME = "Cryptomon";

/** "Markets · Cryptomon": the screen's name first, so tabs, history and screen readers tell routes apart. */
export function documentTitle(...parts: (string | null | undefined)[]): string {
  return [...parts.filter(Boolean), APP_NAME].join(" · ");
}

/** Sets the browser tab's title while the calling screen is shown. */
export function useDocumentTitle(...parts: (string | null | undefined)[]): void {
  const title = documentTitle(...parts);
  useEffect(() => {
    document.title = title;
  }, [title]);
}
