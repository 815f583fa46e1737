/** Newer / Older buttons (or `names` of their own) over a list read `size` at a time from `offset`, with "11–20 of 42". */
import "./Pager.css";

export function Pager({
  offset,
  size,
  total,
  label,
  names = ["Newer", "Older"],
  onChange,
}: {
  offset: number;
  size: number;
  total: number;
  label: string;
  names?: readonly [string, string];
  onChange: (offset: number) => void;
}) {
  if (total <= size) return null;
  return (
    <nav className="row pager" aria-label={label}>
      <button type="button" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - size))}>
        {names[0]}
      </button>
      <span className="muted" role="status">
        {offset + 1}–{Math.min(offset + size, total)} of {total}
      </span>
      <button type="button" disabled={offset + size >= total} onClick={() => onChange(offset + size)}>
        {names[1]}
      </button>
    </nav>
  );
}
