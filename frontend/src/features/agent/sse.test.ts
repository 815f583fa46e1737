import { createSseParser, readSse, type SseEvent } from "./sse";

const STREAM =
  'event: turn\ndata: {"conversationId":1,"userMessageId":2,"messageId":3}\n\n' +
  'event: token\ndata: {"text":"RSI is 48 [T1] — neutral. ✓"}\n\n' +
  ": a comment, ignored\n\n" +
  "event: answer\ndata: {\"turn\":null}\n\n";

const EXPECTED: SseEvent[] = [
  { event: "turn", data: '{"conversationId":1,"userMessageId":2,"messageId":3}' },
  { event: "token", data: '{"text":"RSI is 48 [T1] — neutral. ✓"}' },
  { event: "answer", data: '{"turn":null}' },
];

/** Feed `text` to a parser in pieces cut at `cuts` and collect every event. */
function parse(text: string, cuts: number[]): SseEvent[] {
  const parser = createSseParser();
  const out: SseEvent[] = [];
  let at = 0;
  for (const cut of [...cuts, text.length]) {
    out.push(...parser.push(text.slice(at, cut)));
    at = cut;
  }
  return [...out, ...parser.end()];
}

describe("the SSE parser", () => {
  it("gives every event of one chunk, in order", () => {
    expect(parse(STREAM, [])).toEqual(EXPECTED);
  });

  it("gives the same events however the text is split, even one character at a time", () => {
    for (let cut = 1; cut < STREAM.length; cut++) expect(parse(STREAM, [cut])).toEqual(EXPECTED);
    expect(parse(STREAM, Array.from({ length: STREAM.length }, (_, i) => i))).toEqual(EXPECTED);
  });

  it("reads CRLF and CR line ends, also with a CRLF split between chunks", () => {
    const crlf = STREAM.replace(/\n/g, "\r\n");
    expect(parse(crlf, [])).toEqual(EXPECTED);
    for (let cut = 1; cut < crlf.length; cut++) expect(parse(crlf, [cut])).toEqual(EXPECTED);
    expect(parse(STREAM.replace(/\n/g, "\r"), [])).toEqual(EXPECTED);
  });

  it("joins data lines, takes a field without a space after the colon, and defaults the type to message", () => {
    expect(parse("data:a\ndata: b\n\nevent:x\ndata\n\n", [])).toEqual([
      { event: "message", data: "a\nb" },
      { event: "x", data: "" },
    ]);
  });

  it("drops an event without data and one the stream cut short", () => {
    expect(parse("event: ping\n\nid: 4\nretry: 10\n\nevent: token\ndata: {}\n", [])).toEqual([]);
  });

  it("only emits an event once its blank line arrives", () => {
    const parser = createSseParser();
    expect(parser.push("event: token\ndata: {}\n")).toEqual([]);
    expect(parser.push("\n")).toEqual([{ event: "token", data: "{}" }]);
  });
});

describe("reading a stream", () => {
  it("decodes bytes split inside a UTF-8 character and calls back per event as chunks arrive", async () => {
    const bytes = new TextEncoder().encode(STREAM);
    const dash = bytes.indexOf(0xe2); // the first byte of "—"
    const pieces = [bytes.slice(0, dash + 1), bytes.slice(dash + 1, dash + 2), bytes.slice(dash + 2)];
    const seen: string[] = [];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        pieces.forEach((piece) => controller.enqueue(piece));
        controller.close();
      },
    });
    await readSse(body, (event) => seen.push(event.data));
    expect(seen).toEqual(EXPECTED.map((e) => e.data));
  });
});
