import { api, unwrap } from "./client";
import type { components } from "./schema";

/** The user's backtest runs (GET /api/backtest): the research screens' list and the community's attachment picker. */

/** A run's metrics (components["schemas"]["Results"]) read by a key chosen at run time: tables, rankings. */
export type Results = Record<string, number | boolean | null | undefined>;
/** A run (RunOut) whose metrics are read by key. */
export type BacktestRun = Omit<components["schemas"]["RunOut"], "results"> & { results: Results };

export const RUNS_KEY = ["research", "runs"] as const;

export const fetchRuns = (): Promise<BacktestRun[]> => unwrap(api.GET("/api/backtest", { params: { query: { limit: 100 } } }));
