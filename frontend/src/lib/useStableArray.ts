/** An array that keeps its identity while its items do (TanStack's `useQueries` returns a new one each render). */
import { useState } from "react";

export function useStableArray<T>(items: readonly T[]): readonly T[] {
  const [stable, setStable] = useState(items);
  const changed = stable.length !== items.length || stable.some((item, i) => item !== items[i]);
  if (changed) setStable(items);
  return changed ? items : stable;
}
