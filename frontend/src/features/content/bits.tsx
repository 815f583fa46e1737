/** Pieces the content screens share: the snapshot badge, a figure's source line, a progress bar, lesson badges
 * and the lesson card that links into Learn. */
import type { ReactNode } from "react";
import { Link } from "react-router-dom";
import { formatTime } from "@/lib/format";
import type { LessonCard, LessonStatus } from "./api";
import { donePercent, levelLabel, quizBestText, statusLabel, typeLabel } from "./format";

/** Says that figures are recordings bundled with the app, not live ones. */
export function SnapshotBadge({ testId }: { testId?: string }) {
  return (
    <span className="pill ct-snapshot" data-testid={testId} title="Read from the bundled recordings, not live">
      Snapshot, not live
    </span>
  );
}

/** "Source · as of <time>" with the snapshot badge when the figure is a recording. */
export function SourceLine({ source, asOf, snapshot, testId }: { source?: string | null; asOf?: string | null; snapshot?: boolean; testId?: string }) {
  if (!source && !asOf && !snapshot) return null;
  return (
    <p className="ct-source muted" data-testid={testId}>
      {source ? <span>{source}</span> : null}
      {asOf ? (
        <span>
          as of <time dateTime={asOf}>{formatTime(asOf)}</time>
        </span>
      ) : null}
      {snapshot ? <SnapshotBadge /> : null}
    </p>
  );
}

/** completed of total as a bar with its words ("3 of 8 lessons"). */
export function ProgressBar({ completed, total, label }: { completed: number; total: number; label: string }) {
  return (
    <div className="ct-progress">
      <progress max={100} value={donePercent(completed, total)} aria-label={label} />
      <span className="muted">
        {completed} of {total} lessons · {donePercent(completed, total)}%
      </span>
    </div>
  );
}

export function StatusBadge({ status }: { status: LessonStatus }) {
  return <span className={`pill ct-status-${status}`}>{statusLabel(status)}</span>;
}

/** Level, type and reading time of a lesson. */
/** A digest's lesson names its level and type as plain strings: the labels fall back to them. */
interface LessonFacts {
  difficulty: string;
  type?: string | undefined;
  minutes?: number | undefined;
}

export function LessonMeta({ lesson, children }: { lesson: LessonFacts; children?: ReactNode }) {
  return (
    <p className="ct-meta">
      <span className={`pill ct-level-${lesson.difficulty}`}>{levelLabel(lesson.difficulty)}</span>
      {lesson.type ? <span className="pill">{typeLabel(lesson.type)}</span> : null}
      {lesson.minutes ? <span className="muted">{lesson.minutes} min</span> : null}
      {children}
    </p>
  );
}

/** A lesson's card: its title linking to the reader, level and type, and why it is suggested or its summary. */
export function LessonTile({
  lesson,
  reason,
  testId,
}: {
  lesson: LessonFacts & Pick<LessonCard, "id" | "title"> & Partial<Pick<LessonCard, "summary" | "status" | "quizBest">>;
  reason?: string | null | undefined;
  testId?: string;
}) {
  const best = quizBestText(lesson.quizBest);
  return (
    <article className="ct-lesson-tile" data-testid={testId}>
      <h3>
        <Link to={`/learn/lessons/${lesson.id}`}>{lesson.title}</Link>
      </h3>
      <LessonMeta lesson={lesson}>
        {lesson.status ? <StatusBadge status={lesson.status} /> : null}
        {best ? <span className="muted">{best}</span> : null}
      </LessonMeta>
      {reason ? (
        <p className="ct-reason">
          <span className="muted">Why: </span>
          {reason}
        </p>
      ) : lesson.summary ? (
        <p className="ct-summary muted">{lesson.summary}</p>
      ) : null}
    </article>
  );
}
