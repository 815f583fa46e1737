import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import type { components } from "./schema";

/** The indicator catalog (GET /api/indicators) and the user's custom indicators (GET /api/indicators/custom). */

export interface CatalogParam {
  name: string;
  default: number;
  min?: number;
  max?: number;
  integer?: boolean;
  description?: string;
}

/** One built-in of GET /api/indicators (the API types it loosely). */
export interface CatalogIndicator {
  name: string;
  title: string;
  group: string;
  inputs: string[];
  params: CatalogParam[];
  outputs: string[];
  lookback: number;
  engine: string;
  aliases: string[];
}

export interface Catalog {
  indicators: CatalogIndicator[];
  /** The functions formulas may call. */
  functions: string[];
}

export type CustomIndicator = components["schemas"]["CustomIndicatorOut"];

export const indicatorKeys = {
  catalog: ["indicators", "catalog"] as const,
  custom: ["indicators", "custom"] as const,
};

export const fetchCatalog = () => unwrap<Catalog>(api.GET("/api/indicators"));

export const fetchCustomIndicators = () => unwrap<CustomIndicator[]>(api.GET("/api/indicators/custom"));

/** The built-in catalog; it only changes with a backend release. */
export function useIndicatorCatalog() {
  return useQuery({ queryKey: indicatorKeys.catalog, queryFn: fetchCatalog, staleTime: Infinity });
}

/** The caller's own formula indicators. */
export function useCustomIndicators({ staleTime = 0 }: { staleTime?: number } = {}) {
  return useQuery({ queryKey: indicatorKeys.custom, queryFn: fetchCustomIndicators, staleTime });
}
