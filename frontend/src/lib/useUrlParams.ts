import { useSearchParams } from "react-router-dom";

/**
 * The page's query parameters, with setters that edit them in place (replacing the history entry, so that
 * filters do not fill the back button): `set` one, removing it when the value is empty, `update` several at once
 * (two `set`s in one event would each start from the same URL, so the second would undo the first), or `clear`
 * them all.
 */
export function useUrlParams() {
  const [params, setParams] = useSearchParams();
  const update = (values: Record<string, string | null>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [key, value] of Object.entries(values)) {
          if (value) next.set(key, value);
          else next.delete(key);
        }
        return next;
      },
      { replace: true },
    );
  const set = (key: string, value: string | null) => update({ [key]: value });
  const clear = () => setParams(new URLSearchParams(), { replace: true });
  return { params, set, update, clear };
}
