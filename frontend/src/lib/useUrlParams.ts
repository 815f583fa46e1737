import { useSearchParams } from "react-router-dom";

/**
 * The page's query parameters, with setters that edit them in place (replacing the history entry, so that
 * filters do not fill the back button): `set` one, removing it when the value is empty, or `clear` them all.
 */
export function useUrlParams() {
  const [params, setParams] = useSearchParams();
  const set = (key: string, value: string | null) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  const clear = () => setParams(new URLSearchParams(), { replace: true });
  return { params, set, clear };
}
