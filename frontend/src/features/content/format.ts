/** The content screens' words and numbers: the user's local day, relevance and progress as percents, and lesson labels. */
import { zonedStamp } from "@/lib/dates";
import type { Difficulty, LessonStatus, LessonType } from "./api";

/** The calendar day (YYYY-MM-DD) it is in `timeZone` at `now`: the digest's "today" for the account. */
export function localDay(timeZone: string, now = Date.now()): string {
  return zonedStamp(new Date(now).toISOString(), timeZone).slice(0, 10);
}

/** A relevance score 0..1 as a whole percent: 0.923 -> "92%". */
export function relevanceText(score: number): string {
  return `${Math.round(Math.min(1, Math.max(0, score)) * 100)}%`;
}

/** completed of total as a whole percent (0 when there is nothing to complete). */
export function donePercent(completed: number, total: number): number {
  return total > 0 ? Math.round((Math.min(completed, total) / total) * 100) : 0;
}

export const LEVELS: readonly { value: Difficulty; label: string }[] = [
  { value: "BEGINNER", label: "Beginner" },
  { value: "INTERMEDIATE", label: "Intermediate" },
  { value: "ADVANCED", label: "Advanced" },
];

export const TYPES: readonly { value: LessonType; label: string }[] = [
  { value: "ARTICLE", label: "Article" },
  { value: "TUTORIAL", label: "Tutorial" },
  { value: "QUIZ", label: "Quiz" },
];

const STATUS: Record<LessonStatus, string> = { NOT_STARTED: "Not started", STARTED: "In progress", COMPLETED: "Completed" };

export const levelLabel = (level: string): string => LEVELS.find((l) => l.value === level)?.label ?? level;
export const typeLabel = (type: string): string => TYPES.find((t) => t.value === type)?.label ?? type;
export const statusLabel = (status: LessonStatus): string => STATUS[status];

/** "Quiz best 75%" for a lesson whose quiz was answered, else nothing. */
export function quizBestText(best: number | null | undefined): string | null {
  return best === null || best === undefined ? null : `Quiz best ${Math.round(best * 100)}%`;
}
