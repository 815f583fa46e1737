import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import type { components } from "./schema";

/** The indicator catalog (GET /api/indicators) and the user's custom indicators (GET /api/indicators/custom). */

export type CatalogParam = components["schemas"]["ParamInfo"];
/** One built-in of GET /api/indicators. */
export type CatalogIndicator = components["schemas"]["IndicatorInfo"];
/** The built-ins and the functions formulas may call. */
export type Catalog = components["schemas"]["Catalog"];
export type CustomIndicator = components["schemas"]["CustomIndicatorOut"];

export const indicatorKeys = {
  catalog: ["indicators", "catalog"] as const,
  custom: ["indicators", "custom"] as const,
};

export const fetchCatalog = () => unwrap(api.GET("/api/indicators"));

export const fetchCustomIndicators = () => unwrap(api.GET("/api/indicators/custom"));

/** The built-in catalog; it only changes with a backend release. */
export function useIndicatorCatalog() {
  return useQuery({ queryKey: indicatorKeys.catalog, queryFn: fetchCatalog, staleTime: Infinity });
}

/** The caller's own formula indicators. */
export function useCustomIndicators({ staleTime = 0 }: { staleTime?: number } = {}) {
  return useQuery({ queryKey: indicatorKeys.custom, queryFn: fetchCustomIndicators, staleTime });
}
