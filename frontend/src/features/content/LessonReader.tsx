/** A lesson (/learn/lessons/:lessonId): its text, the live "Your numbers" panel, try-it links into the app's forms,
 * the quiz, "Mark as complete" and the previous and next lessons. Opening it marks it started. */
import { useEffect, useRef } from "react";
import { Link, useParams } from "react-router-dom";
import { ApiError } from "@/api/errors";
import { ServerHtml } from "@/components/ServerHtml";
import { Card, EmptyState, Page, Skeleton } from "@/components/ui";
import { toastError } from "@/stores/ui";
import { useLesson, useLessons, useSetProgress, type Lesson } from "./api";
import { LessonMeta, StatusBadge } from "./bits";
import { Quiz } from "./EducationModule";
import { ExamplePanel } from "./ExamplePanel";
import { quizBestText } from "./format";
import "./content.css";

/** Marks the lesson STARTED once, when it is opened for the first time. */
function useMarkStarted(lesson: Lesson | undefined) {
  const progress = useSetProgress(lesson?.id ?? 0);
  const sent = useRef(false);
  const { mutate } = progress;
  useEffect(() => {
    if (!lesson || lesson.status !== "NOT_STARTED" || sent.current) return;
    sent.current = true;
    mutate("STARTED");
  }, [lesson, mutate]);
}


function Complete({ lesson }: { lesson: Lesson }) {
  const progress = useSetProgress(lesson.id);
  const status = useRef<HTMLParagraphElement>(null);
  const best = quizBestText(lesson.quizBest);
  useEffect(() => {
    if (progress.isSuccess) status.current?.focus();
  }, [progress.isSuccess]);
  return (
    <div className="row ct-complete">
      <p ref={status} tabIndex={-1} role="status" data-testid="lesson-status">
        <StatusBadge status={lesson.status} /> {best ? <span className="muted">{best}</span> : null}
      </p>
      {lesson.status === "COMPLETED" ? null : (
        <button
          type="button"
          className="primary"
          disabled={progress.isPending}
          onClick={() => progress.mutate("COMPLETED", { onError: (error) => toastError(error, "Could not mark the lesson complete") })}
        >
          Mark as complete
        </button>
      )}
    </div>
  );
}

/** The previous and next lessons, by title when the list of lessons knows them. */
function Neighbours({ lesson }: { lesson: Lesson }) {
  const all = useLessons("", "").data?.lessons ?? [];
  const title = (id: number) => all.find((l) => l.id === id)?.title ?? `Lesson ${id}`;
  if (lesson.previousId === null && lesson.nextId === null) return null;
  return (
    <nav className="ct-neighbours" aria-label="Other lessons">
      {lesson.previousId !== null ? (
        <Link to={`/learn/lessons/${lesson.previousId}`} rel="prev">
          ← Previous: {title(lesson.previousId)}
        </Link>
      ) : (
        <span />
      )}
      {lesson.nextId !== null ? (
        <Link to={`/learn/lessons/${lesson.nextId}`} rel="next" data-testid="next-lesson">
          Next: {title(lesson.nextId)} →
        </Link>
      ) : null}
    </nav>
  );
}

function LessonView({ lesson }: { lesson: Lesson }) {
  useMarkStarted(lesson);
  return (
    <div className="ct-lesson" data-testid="lesson">
      <LessonMeta lesson={lesson} />
      <div className={"ct-lesson-grid" + (lesson.tryIt.length ? "" : " ct-lesson-single")}>
        <div className="stack">
          {lesson.example ? <ExamplePanel example={lesson.example} /> : null}
          <Card>
            <ServerHtml html={lesson.html} className="ct-lesson-body" testId="lesson-body" />
          </Card>
        </div>
        {lesson.tryIt.length ? (
          <aside className="ct-try" aria-labelledby="try-title">
            <h2 id="try-title">Try it</h2>
            <ul>
              {lesson.tryIt.map((t) => (
                <li key={t.path}>
                  <Link to={t.path}>{t.label}</Link>
                </li>
              ))}
            </ul>
            <p className="muted">Opens the form filled in; nothing is saved until you save it there.</p>
          </aside>
        ) : null}
      </div>
      {lesson.quiz.length ? (
        <Card title="Check what you learned">
          <Quiz lessonId={lesson.id} questions={lesson.quiz} />
        </Card>
      ) : null}
      <Complete lesson={lesson} />
      <Neighbours lesson={lesson} />
    </div>
  );
}

function Reader({ lessonId }: { lessonId: number }) {
  const lesson = useLesson(lessonId);
  const missing = !Number.isSafeInteger(lessonId) || lessonId < 1 || (lesson.error instanceof ApiError && lesson.error.status === 404);
  const title = missing ? "No such lesson" : (lesson.data?.title ?? "Lesson");
  return (
    <Page title={title} section="Learn" actions={<Link to="/learn">All lessons</Link>}>
      {missing ? (
        <Card>
          <EmptyState title="No such lesson">
            <p>There is no lesson {Number.isSafeInteger(lessonId) ? lessonId : ""} in the curriculum.</p>
            <Link to="/learn">Back to Learn</Link>
          </EmptyState>
        </Card>
      ) : lesson.isError ? (
        <Card>
          <EmptyState title="Could not load the lesson">
            <p>{lesson.error.message}</p>
            <button type="button" onClick={() => void lesson.refetch()}>
              Try again
            </button>
          </EmptyState>
        </Card>
      ) : lesson.data ? (
        <LessonView lesson={lesson.data} />
      ) : (
        <Skeleton lines={10} />
      )}
    </Page>
  );
}

/** One reader per lesson: moving to the next one starts afresh (its quiz, its focus on the heading). */
export default function LessonReader() {
  const { lessonId = "" } = useParams();
  const id = /^\d+$/.test(lessonId) ? Number(lessonId) : Number.NaN;
  return <Reader key={lessonId} lessonId={id} />;
}
