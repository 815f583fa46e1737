/** Learn (/learn): the lessons suggested to the user with why, the learning paths with their progress and the next
 * lesson of each, and every lesson, filtered by level and type, with the user's status. */
import { Link } from "react-router-dom";
import { useMe } from "@/api/me";
import { QueryView } from "@/components/QueryView";
import { Card, EmptyState, Field, Page } from "@/components/ui";
import { useUrlParams } from "@/lib/useUrlParams";
import { useLessons, usePaths, useSuggestions, type Difficulty, type LearningPath, type LessonType } from "./api";
import { LessonMeta, LessonTile, ProgressBar, StatusBadge } from "./bits";
import { LEVELS, levelLabel, TYPES } from "./format";
import "./content.css";

function PathCard({ path }: { path: LearningPath }) {
  const next = path.lessons.find((l) => l.id === path.nextLessonId);
  const done = path.nextLessonId === null;
  return (
    <article className="ct-path" data-testid={`path-${path.id}`}>
      <h3>{path.title}</h3>
      <LessonMeta lesson={{ difficulty: path.difficulty }} />
      <p className="muted">{path.description}</p>
      <ProgressBar completed={path.completed} total={path.total} label={`Progress in ${path.title}`} />
      {done ? (
        <p className="up">Path complete.</p>
      ) : next ? (
        <Link className="ct-continue" to={`/learn/lessons/${next.id}`} data-testid="path-continue">
          {path.completed === 0 ? "Start" : "Continue"}: {next.title}
        </Link>
      ) : null}
      <details>
        <summary>The {path.total} lessons</summary>
        <ol className="ct-path-lessons">
          {path.lessons.map((lesson) => (
            <li key={lesson.id}>
              <Link to={`/learn/lessons/${lesson.id}`}>{lesson.title}</Link> <StatusBadge status={lesson.status} />
            </li>
          ))}
        </ol>
      </details>
    </article>
  );
}

function Suggestions() {
  const suggestions = useSuggestions();
  return (
    <Card title="Suggested for you">
      <QueryView
        query={suggestions}
        error="Could not load your suggestions"
        isEmpty={(list) => list.suggestions.length === 0}
        empty={<EmptyState title="Nothing to suggest">You have completed every lesson; well done.</EmptyState>}
      >
        {(list) => (
          <div className="ct-tiles" data-testid="suggestions">
            {list.suggestions.map((s) => (
              <LessonTile key={s.lesson.id} lesson={s.lesson} reason={s.reason} testId={`suggestion-${s.lesson.id}`} />
            ))}
          </div>
        )}
      </QueryView>
    </Card>
  );
}

function Paths() {
  const paths = usePaths();
  return (
    <Card title="Learning paths">
      <QueryView query={paths} error="Could not load the learning paths" isEmpty={(list) => list.count === 0} empty={<EmptyState title="No paths yet" />}>
        {(list) => (
          <div className="ct-tiles">
            {list.paths.map((path) => (
              <PathCard key={path.id} path={path} />
            ))}
          </div>
        )}
      </QueryView>
    </Card>
  );
}

const isLevel = (value: string | null): value is Difficulty => LEVELS.some((l) => l.value === value);
const isType = (value: string | null): value is LessonType => TYPES.some((t) => t.value === value);

function Lessons() {
  const { params, set } = useUrlParams();
  const level = params.get("level");
  const type = params.get("type");
  const lessons = useLessons(isLevel(level) ? level : "", isType(type) ? type : "");
  return (
    <Card title="All lessons">
      <div className="stack">
        <div className="row" role="group" aria-label="Filter the lessons">
          <Field label="Level" htmlFor="lesson-level">
            <select id="lesson-level" value={isLevel(level) ? level : ""} onChange={(e) => set("level", e.target.value || null)}>
              <option value="">Every level</option>
              {LEVELS.map((l) => (
                <option key={l.value} value={l.value}>
                  {l.label}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Type" htmlFor="lesson-type">
            <select id="lesson-type" value={isType(type) ? type : ""} onChange={(e) => set("type", e.target.value || null)}>
              <option value="">Every type</option>
              {TYPES.map((t) => (
                <option key={t.value} value={t.value}>
                  {t.label}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <QueryView
          query={lessons}
          error="Could not load the lessons"
          isEmpty={(list) => list.lessons.length === 0}
          empty={<EmptyState title="No lessons match">Try another level or type.</EmptyState>}
        >
          {(list) => (
            <div className="ct-tiles" data-testid="lessons">
              <p className="muted ct-count" role="status">
                {list.count} {list.count === 1 ? "lesson" : "lessons"}
              </p>
              {list.lessons.map((lesson) => (
                <LessonTile key={lesson.id} lesson={lesson} testId={`lesson-${lesson.id}`} />
              ))}
            </div>
          )}
        </QueryView>
      </div>
    </Card>
  );
}

export default function LearnHome() {
  const level = useMe().data?.preferences.learningLevel;
  return (
    <Page
      title="Learn"
      actions={
        <span className="muted">
          {level ? `Your level: ${levelLabel(level)}` : "No level set"} · <Link to="/settings">Change</Link>
        </span>
      }
    >
      <Suggestions />
      <Paths />
      <Lessons />
    </Page>
  );
}
