/** A lesson's quiz: one radio group per question, checked by the API; the score, each answer marked right or wrong
 * with its explanation, and a retry. A passed quiz completes the lesson. */
import { useEffect, useRef, useState, type FormEvent } from "react";
import type { Lesson, QuizResult } from "./api";
import { useAnswerQuiz } from "./api";

type Question = Lesson["quiz"][number];

function Verdict({ result, options }: { result: QuizResult["results"][number]; options: readonly string[] }) {
  return (
    <div className={"ct-verdict " + (result.isCorrect ? "ct-right" : "ct-wrong")} data-testid="quiz-verdict">
      <strong>{result.isCorrect ? "✓ Correct." : "✗ Incorrect."}</strong>{" "}
      {result.isCorrect ? null : <span>The answer is “{options[result.correct] ?? result.correct}”. </span>}
      <span>{result.explanation}</span>
    </div>
  );
}

export function Quiz({ lessonId, questions }: { lessonId: number; questions: readonly Question[] }) {
  const [answers, setAnswers] = useState<(number | null)[]>(() => questions.map(() => null));
  const [missing, setMissing] = useState<ReadonlySet<number>>(new Set());
  const answer = useAnswerQuiz(lessonId);
  const result = answer.data;
  const summary = useRef<HTMLDivElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const retried = useRef(false);

  // Focus follows the action: the score after checking, the first question after a retry.
  useEffect(() => {
    if (result) summary.current?.focus();
    else if (retried.current) form.current?.querySelector<HTMLInputElement>('input[name="q-0"]')?.focus();
    retried.current = false;
  }, [result]);

  function choose(question: number, option: number) {
    setAnswers((now) => now.map((a, i) => (i === question ? option : a)));
    setMissing((now) => new Set([...now].filter((i) => i !== question)));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const unanswered = new Set(answers.flatMap((a, i) => (a === null ? [i] : [])));
    setMissing(unanswered);
    if (unanswered.size) {
      form.current?.querySelector<HTMLInputElement>(`input[name="q-${[...unanswered][0]}"]`)?.focus();
      return;
    }
    answer.mutate(answers.map((a) => a ?? 0));
  }

  function retry() {
    setAnswers(questions.map(() => null));
    retried.current = true;
    answer.reset();
  }

  if (questions.length === 0) return null;
  return (
    <form ref={form} className="stack ct-quiz" aria-label="Quiz" onSubmit={submit} noValidate data-testid="quiz">
      {questions.map((q, i) => {
        const judged = result?.results[i];
        const id = `q-${i}`;
        return (
          <fieldset key={id} className={"ct-question" + (missing.has(i) ? " field-invalid" : "")} aria-describedby={missing.has(i) ? `${id}-error` : undefined} data-testid={`question-${i}`}>
            <legend>
              {i + 1}. {q.question}
            </legend>
            {q.options.map((option, o) => (
              <label key={o} className={"ct-option" + (judged && o === judged.correct ? " ct-option-correct" : "")}>
                <input type="radio" name={id} value={o} checked={answers[i] === o} disabled={Boolean(result) || answer.isPending} onChange={() => choose(i, o)} />
                <span>{option}</span>
              </label>
            ))}
            {missing.has(i) ? (
              <span className="field-error" id={`${id}-error`} role="alert">
                Choose an answer
              </span>
            ) : null}
            {judged ? <Verdict result={judged} options={q.options} /> : null}
          </fieldset>
        );
      })}
      {answer.isError ? (
        <p className="form-error" role="alert">
          {answer.error.message}
        </p>
      ) : null}
      {result ? (
        <div className={"ct-score " + (result.passed ? "ct-right" : "ct-wrong")} ref={summary} tabIndex={-1} role="status" data-testid="quiz-score">
          <strong>
            {result.correct} of {result.total} correct ({Math.round(result.score * 100)}%).
          </strong>{" "}
          {result.passed ? "Passed: the lesson is complete." : "You need 70% to pass: read the explanations and try again."}
          <button type="button" onClick={retry}>
            Try again
          </button>
        </div>
      ) : (
        <div className="row">
          <button type="submit" className="primary" disabled={answer.isPending}>
            {answer.isPending ? "Checking…" : "Check my answers"}
          </button>
        </div>
      )}
    </form>
  );
}
