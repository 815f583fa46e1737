import type { MouseEvent } from "react";
import { useNavigate } from "react-router-dom";

/** HTML the API sanitised (a lesson, a post, a comment); its links to the app's own screens stay in the app. */
export function ServerHtml({ html, className, testId }: { html: string; className: string; testId?: string }) {
  const navigate = useNavigate();
  function onClick(event: MouseEvent<HTMLDivElement>) {
    const link = (event.target as HTMLElement).closest("a");
    const href = link?.getAttribute("href");
    if (!href?.startsWith("/") || href.startsWith("//") || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    void navigate(href);
  }
  // A link's Enter key is a click too: no key handler needed.
  return <div className={className} data-testid={testId} onClick={onClick} dangerouslySetInnerHTML={{ __html: html }} />;
}
