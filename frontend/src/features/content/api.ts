import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

/** The content screens' calls: the daily digest, the news feed, lessons, paths, progress, quizzes and
 * suggestions. Every type is the generated OpenAPI one. */

type S = components["schemas"];
export type Digest = S["DigestOut"];
export type Overview = S["MarketOverview"];
export type Mover = S["Mover"];
export type FearGreed = S["FearGreed"];
export type DigestLesson = S["DigestLesson"];
export type PortfolioMove = S["PortfolioMove"];
export type NewsPage = S["NewsPage"];
export type NewsItem = S["NewsItemOut"];
/** What a news card shows: a digest's story or a feed's (which adds a summary and sentiment). */
export type Story = S["DigestNews"] & Partial<Pick<NewsItem, "summary" | "sentimentLabel" | "snapshot">>;
export type LessonCard = S["LessonCard"];
export type Lesson = S["LessonOut"];
export type LessonExample = S["LessonExample"];
export type LearningPath = S["PathOut"];
export type Suggestion = S["Suggestion"];
export type Progress = S["ProgressOut"];
export type QuizResult = S["QuizOut"];
export type Difficulty = LessonCard["difficulty"];
export type LessonType = LessonCard["type"];
export type LessonStatus = LessonCard["status"];
export type NewsSort = "relevance" | "recent";

export interface NewsQuery {
  symbol?: string | undefined;
  q?: string | undefined;
  sort: NewsSort;
  limit: number;
  offset: number;
}

export const keys = {
  digest: (userId: number, date: string) => ["content", "digest", userId, date] as const,
  news: (query: NewsQuery) => ["content", "news", query] as const,
  learning: ["content", "learning"] as const,
  lessons: (level: Difficulty | "", type: LessonType | "") => ["content", "learning", "lessons", level, type] as const,
  lesson: (lessonId: number) => ["content", "learning", "lesson", lessonId] as const,
  paths: ["content", "learning", "paths"] as const,
  suggestions: ["content", "learning", "suggestions"] as const,
};

export const fetchDigest = (userId: number, date: string) =>
  unwrap(api.GET("/api/content/daily-digest/{userId}", { params: { path: { userId }, query: { date } } }));
export const fetchNews = ({ symbol, q, ...rest }: NewsQuery) =>
  unwrap(api.GET("/api/content/news", { params: { query: { ...rest, ...(symbol ? { symbol } : {}), ...(q ? { q } : {}) } } }));
export const fetchLessons = (level: Difficulty | "", type: LessonType | "") =>
  unwrap(api.GET("/api/content/lessons", { params: { query: { ...(level ? { level } : {}), ...(type ? { type } : {}) } } }));
export const fetchLesson = (lessonId: number) => unwrap(api.GET("/api/content/lessons/{lessonId}", { params: { path: { lessonId } } }));
export const fetchPaths = () => unwrap(api.GET("/api/content/paths"));
export const fetchSuggestions = (limit = 3) => unwrap(api.GET("/api/content/suggestions", { params: { query: { limit } } }));
export const postProgress = (lessonId: number, status: "STARTED" | "COMPLETED") =>
  unwrap(api.POST("/api/content/lessons/{lessonId}/progress", { params: { path: { lessonId } }, body: { status } }));
export const postQuiz = (lessonId: number, answers: number[]) =>
  unwrap(api.POST("/api/content/lessons/{lessonId}/quiz", { params: { path: { lessonId } }, body: { answers } }));

/** The digest of `date` (the user's local day); built by the API on first ask. */
export function useDigest(userId: number | undefined, date: string) {
  return useQuery({
    queryKey: keys.digest(userId ?? 0, date),
    queryFn: () => fetchDigest(userId ?? 0, date),
    enabled: userId !== undefined && date !== "",
    staleTime: 60_000,
  });
}

/** One page of the news feed; the previous page stays on screen while the next loads. */
export function useNews(query: NewsQuery) {
  return useQuery({ queryKey: keys.news(query), queryFn: () => fetchNews(query), placeholderData: keepPreviousData });
}

export function useLessons(level: Difficulty | "", type: LessonType | "") {
  return useQuery({ queryKey: keys.lessons(level, type), queryFn: () => fetchLessons(level, type), placeholderData: keepPreviousData });
}

export function useLesson(lessonId: number) {
  return useQuery({ queryKey: keys.lesson(lessonId), queryFn: () => fetchLesson(lessonId), enabled: Number.isSafeInteger(lessonId) && lessonId > 0 });
}

export function usePaths() {
  return useQuery({ queryKey: keys.paths, queryFn: fetchPaths });
}

export function useSuggestions() {
  return useQuery({ queryKey: keys.suggestions, queryFn: () => fetchSuggestions(3) });
}

/** The lesson's card and the paths, suggestions and lists that show its status, after its progress changed. */
function useProgressChanged() {
  const queryClient = useQueryClient();
  return (lessonId: number, progress: Progress) => {
    queryClient.setQueryData<Lesson>(keys.lesson(lessonId), (old) =>
      old ? { ...old, status: progress.status, quizBest: progress.quizBest } : old,
    );
    void queryClient.invalidateQueries({ queryKey: keys.learning, predicate: (q) => q.queryKey[2] !== "lesson" });
  };
}

/** POST .../progress: STARTED when a lesson is opened, COMPLETED from its button. */
export function useSetProgress(lessonId: number) {
  const changed = useProgressChanged();
  return useMutation({
    mutationFn: (status: "STARTED" | "COMPLETED") => postProgress(lessonId, status),
    onSuccess: (progress) => changed(lessonId, progress),
  });
}

/** POST .../quiz: the score, each answer judged with its explanation; a pass completes the lesson. */
export function useAnswerQuiz(lessonId: number) {
  const changed = useProgressChanged();
  return useMutation({
    mutationFn: (answers: number[]) => postQuiz(lessonId, answers),
    onSuccess: (result) => changed(lessonId, result.progress),
  });
}
