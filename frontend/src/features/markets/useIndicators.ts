import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

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

export type CustomIndicator = components["schemas"]["CustomIndicatorOut"];

export const CUSTOM_KEY = ["indicators", "custom"] as const;

/** The built-in catalog; it only changes with a backend release. */
export function useIndicatorCatalog() {
  return useQuery({
    queryKey: ["indicators", "catalog"],
    queryFn: async () => {
      const catalog = await unwrap<{ indicators: unknown[]; functions: string[] }>(api.GET("/api/indicators"));
      return catalog.indicators as CatalogIndicator[];
    },
    staleTime: Infinity,
  });
}

export const fetchCustomIndicators = () => unwrap<CustomIndicator[]>(api.GET("/api/indicators/custom"));

/** The caller's own formula indicators. */
export function useCustomIndicators() {
  return useQuery({ queryKey: CUSTOM_KEY, queryFn: fetchCustomIndicators, staleTime: 60_000 });
}
