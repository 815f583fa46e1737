/**
 * A Server-Sent Events parser for a stream read with fetch (EventSource cannot POST): text goes in as it arrives,
 * in chunks split anywhere (inside a line, between a CR and its LF), and whole events come out. Lines end in LF,
 * CRLF or CR; `data:` lines join with "\n"; comments (":"), `id:` and `retry:` are ignored; an event without data
 * is dropped, as EventSource does (https://html.spec.whatwg.org/multipage/server-sent-events.html).
 */

export interface SseEvent {
  /** The `event:` field, "message" when there is none. */
  event: string;
  data: string;
}

export interface SseParser {
  /** Parse the next piece of text; returns the events it completed, in order. */
  push(chunk: string): SseEvent[];
  /** The end of the stream: an event not yet ended by a blank line is dropped (as EventSource does). */
  end(): SseEvent[];
}

export function createSseParser(): SseParser {
  let buffer = "";
  let event = "";
  let data: string[] = [];

  function line(text: string, out: SseEvent[]) {
    if (text === "") {
      if (data.length) out.push({ event: event || "message", data: data.join("\n") });
      event = "";
      data = [];
      return;
    }
    if (text.startsWith(":")) return;
    const colon = text.indexOf(":");
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? "" : text.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }

  return {
    push(chunk) {
      buffer += chunk;
      const out: SseEvent[] = [];
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer[i];
        if (c !== "\n" && c !== "\r") continue;
        // A CR last in the buffer may be the first half of a CRLF: wait for the next chunk to tell.
        if (c === "\r" && i === buffer.length - 1) break;
        line(buffer.slice(start, i), out);
        if (c === "\r" && buffer[i + 1] === "\n") i++;
        start = i + 1;
      }
      buffer = buffer.slice(start);
      return out;
    },
    end() {
      const out: SseEvent[] = [];
      // A lone CR held back by push() still ends its line.
      if (buffer.endsWith("\r")) line(buffer.slice(0, -1), out);
      buffer = "";
      event = "";
      data = [];
      return out;
    },
  };
}

/** Read an event stream's body to its end, calling `onEvent` for each event as soon as it is complete. */
export async function readSse(body: ReadableStream<Uint8Array>, onEvent: (event: SseEvent) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder(); // stream: true keeps a UTF-8 character split between chunks whole
  const parser = createSseParser();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.push(decoder.decode(value, { stream: true })).forEach(onEvent);
    }
    parser.push(decoder.decode()).forEach(onEvent);
    parser.end().forEach(onEvent);
  } finally {
    reader.releaseLock();
  }
}
