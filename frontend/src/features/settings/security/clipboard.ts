/** Copying a secret to the clipboard, and saving recovery codes as a text file. */
import { saveBlob } from "@/lib/download";

/** Whether the text reached the clipboard (refused when the page is not focused or the browser says no). */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (!navigator.clipboard) return false;
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** Offers `text` as a download named `name` (a .txt file). */
export function downloadText(name: string, text: string): void {
  saveBlob(new Blob([text], { type: "text/plain;charset=utf-8" }), name);
}
