/**
 * The composer's Preview: a small Markdown reader that builds React elements (never HTML strings, so nothing a
 * member types can run). It covers what posts mostly use (headings, paragraphs, lists, quotes, code, emphasis, links)
 * and is an approximation: the post is rendered by the server when it is saved (CommonMark with tables, $asset and
 * @mention links, sanitised), and that is what readers see.
 */
import type { ReactNode } from "react";

/** An http(s) URL or one of the app's own paths; anything else (javascript:, data:, //host) stays text. */
export function safeHref(url: string): boolean {
  if (/^https?:\/\/[^\s/]+/i.test(url)) return true;
  return url.startsWith("/") && !url.startsWith("//") && !url.startsWith("/\\");
}

interface Rule {
  pattern: RegExp;
  render: (match: RegExpExecArray, key: string) => ReactNode;
}

const RULES: Rule[] = [
  { pattern: /`([^`\n]+)`/, render: (m, key) => <code key={key}>{m[1]}</code> },
  {
    pattern: /!\[([^\]\n]*)\]\(([^)\s]+)\)/,
    render: (m, key) => (
      <span key={key} className="cm-preview-image">
        Image: {m[1] || m[2]}
      </span>
    ),
  },
  {
    pattern: /\[([^\]\n]+)\]\(([^)\s]+)\)/,
    render: (m, key) =>
      safeHref(m[2]!) ? (
        <a key={key} href={m[2]} target="_blank" rel="noopener noreferrer nofollow">
          {inline(m[1]!, key)}
        </a>
      ) : (
        m[0]
      ),
  },
  { pattern: /\*\*([^*\n]+)\*\*|__([^_\n]+)__/, render: (m, key) => <strong key={key}>{inline(m[1] ?? m[2]!, key)}</strong> },
  { pattern: /~~([^~\n]+)~~/, render: (m, key) => <del key={key}>{inline(m[1]!, key)}</del> },
  { pattern: /\*([^*\n]+)\*|\b_([^_\n]+)_\b/, render: (m, key) => <em key={key}>{inline(m[1] ?? m[2]!, key)}</em> },
  // What the server will link: $assets and @mentions, marked but not linked here (the server knows which exist).
  { pattern: /(?<![\w$])\$[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*|(?<![\w@])@[A-Za-z0-9_][A-Za-z0-9_.-]*[A-Za-z0-9_]/, render: (m, key) => <span key={key} className="cm-preview-ref">{m[0]}</span> },
];

/** One line's text with its inline marks. */
function inline(text: string, prefix: string): ReactNode[] {
  const out: ReactNode[] = [];
  let rest = text;
  let n = 0;
  while (rest) {
    let best: { rule: Rule; match: RegExpExecArray } | null = null;
    for (const rule of RULES) {
      const match = rule.pattern.exec(rest);
      if (match && (!best || match.index < best.match.index)) best = { rule, match };
    }
    if (!best) {
      out.push(rest);
      break;
    }
    if (best.match.index > 0) out.push(rest.slice(0, best.match.index));
    out.push(best.rule.render(best.match, `${prefix}.${n++}`));
    rest = rest.slice(best.match.index + best.match[0].length);
  }
  return out;
}

const BULLET = /^\s*[-*+]\s+/;
const NUMBERED = /^\s*\d+[.)]\s+/;
const FENCE = /^\s*```/;

/** The Markdown as React elements (see the module's note: an approximation of the server's rendering). */
export function renderMarkdown(markdown: string): ReactNode[] {
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const blocks: ReactNode[] = [];
  let i = 0;
  const key = () => `b${blocks.length}`;
  while (i < lines.length) {
    const line = lines[i]!;
    if (!line.trim()) {
      i++;
      continue;
    }
    if (FENCE.test(line)) {
      const code: string[] = [];
      i++;
      while (i < lines.length && !FENCE.test(lines[i]!)) code.push(lines[i++]!);
      i++; // the closing fence
      blocks.push(
        <pre key={key()}>
          <code>{code.join("\n")}</code>
        </pre>,
      );
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      // One level below the page's own headings: a post's "# Title" is an h2 on the page.
      const level = Math.min(heading[1]!.length + 1, 6);
      const Tag = `h${level}` as "h2";
      blocks.push(<Tag key={key()}>{inline(heading[2]!, key())}</Tag>);
      i++;
      continue;
    }
    if (/^\s*(\*\s*\*\s*\*|-\s*-\s*-|_\s*_\s*_)[\s*_-]*$/.test(line)) {
      blocks.push(<hr key={key()} />);
      i++;
      continue;
    }
    if (/^\s*>/.test(line)) {
      const quoted: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i]!)) quoted.push(lines[i++]!.replace(/^\s*>\s?/, ""));
      blocks.push(<blockquote key={key()}>{renderMarkdown(quoted.join("\n"))}</blockquote>);
      continue;
    }
    const list = BULLET.test(line) ? BULLET : NUMBERED.test(line) ? NUMBERED : null;
    if (list) {
      const items: string[] = [];
      while (i < lines.length && lines[i]!.trim()) {
        const current = lines[i]!;
        if (list.test(current)) items.push(current.replace(list, ""));
        else if (items.length) items[items.length - 1] += " " + current.trim(); // a wrapped item
        i++;
      }
      const k = key();
      const children = items.map((item, n) => <li key={n}>{inline(item, `${k}.${n}`)}</li>);
      blocks.push(list === BULLET ? <ul key={k}>{children}</ul> : <ol key={k}>{children}</ol>);
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length && lines[i]!.trim() && !FENCE.test(lines[i]!) && !/^(#{1,6})\s/.test(lines[i]!) && !/^\s*>/.test(lines[i]!)) {
      if (paragraph.length && (BULLET.test(lines[i]!) || NUMBERED.test(lines[i]!))) break;
      paragraph.push(lines[i++]!.trim());
    }
    blocks.push(<p key={key()}>{inline(paragraph.join(" "), key())}</p>);
  }
  return blocks;
}
