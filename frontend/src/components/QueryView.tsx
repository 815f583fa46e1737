import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { EmptyState, Skeleton } from "./ui";

/**
 * The states of a query, in order: `loading` while it is pending; on an error, an empty state titled `error` with
 * the message and a "Try again" button (or whatever `error` renders, if it is a function); `empty` when `isEmpty`
 * says the data has nothing to show; else `children` with the data.
 */
export function QueryView<T>({
  query,
  loading = <Skeleton lines={4} />,
  error,
  isEmpty,
  empty,
  children,
}: {
  query: UseQueryResult<T, Error>;
  loading?: ReactNode;
  error: string | ((error: Error) => ReactNode);
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return loading;
  if (query.isError) {
    if (typeof error === "function") return error(query.error);
    return (
      <EmptyState title={error}>
        <p>{query.error.message}</p>
        <button type="button" onClick={() => void query.refetch()}>
          Try again
        </button>
      </EmptyState>
    );
  }
  if (isEmpty?.(query.data)) return empty;
  return children(query.data);
}
