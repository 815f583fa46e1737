import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { apiError, mockApi, renderWithProviders } from "@/test/utils";
import { card, lesson, quizResult } from "./fixtures";
import LearnPage from "./LearnPage";

function open(routes: Parameters<typeof mockApi>[0] = {}, path = "/learn/lessons/201") {
  const calls = mockApi({
    "GET /api/content/lessons/201": { body: lesson() },
    "GET /api/content/lessons": { body: { lessons: [card(104, { title: "Candles" }), card(201), card(202, { title: "MACD without the mystery" })], count: 3 } },
    "POST /api/content/lessons/201/progress": ({ body }) => ({ body: { ...quizResult([0, 0]).progress, status: (body as { status: string }).status, quizScore: null, quizBest: null } }),
    "POST /api/content/lessons/201/quiz": ({ body }) => ({ body: quizResult((body as { answers: number[] }).answers) }),
    ...routes,
  });
  renderWithProviders(<LearnPage />, { path, route: "/learn/*" });
  return calls;
}

const posts = (calls: ReturnType<typeof mockApi>, route: string) => calls.filter((c) => c.route === route).map((c) => c.body);

describe("the lesson reader", () => {
  it("renders the lesson, its live numbers and try-it links, and marks it started once", async () => {
    const calls = open();
    expect(await screen.findByRole("heading", { level: 1, name: "RSI on your own charts" })).toBeInTheDocument();
    expect(document.title).toBe("RSI on your own charts · Learn · Cryptomon");
    const body = screen.getByTestId("lesson-body");
    expect(within(body).getByRole("heading", { level: 2, name: "What RSI measures" })).toBeInTheDocument();
    expect(within(body).getByRole("table")).toHaveTextContent("OVERBOUGHT");
    const example = screen.getByTestId("example");
    expect(example).toHaveTextContent("Your numbers: RSI(14) on 1d · BTC-USD");
    expect(example).toHaveTextContent(/RSI\(14\)\s*58\.23/);
    expect(example).toHaveTextContent("51,200 USD");
    expect(screen.getByTestId("example-source")).toHaveTextContent("Cryptomon 1d candles");
    expect(screen.getByRole("link", { name: /crosses up through 70/ })).toHaveAttribute("href", expect.stringContaining("/alerts/new?symbol=BTC-USD") as string);
    await waitFor(() => expect(posts(calls, "POST /api/content/lessons/201/progress")).toEqual([{ status: "STARTED" }]));
    expect(screen.getByRole("link", { name: "← Previous: Candles" })).toHaveAttribute("href", "/learn/lessons/104");
    expect(await screen.findByRole("link", { name: "Next: MACD without the mystery →" })).toHaveAttribute("href", "/learn/lessons/202");
  });

  it("does not mark a lesson started again", async () => {
    const calls = open({ "GET /api/content/lessons/201": { body: lesson({ status: "COMPLETED" }) } });
    await screen.findByTestId("lesson");
    expect(screen.getByTestId("lesson-status")).toHaveTextContent("Completed");
    expect(screen.queryByRole("button", { name: "Mark as complete" })).not.toBeInTheDocument();
    expect(posts(calls, "POST /api/content/lessons/201/progress")).toEqual([]);
  });

  it("runs the quiz: every question answered, the score with each verdict, a retry that passes", async () => {
    const calls = open();
    const quiz = await screen.findByRole("form", { name: "Quiz" });
    fireEvent.click(within(quiz).getByRole("radio", { name: "70" }));
    fireEvent.click(within(quiz).getByRole("button", { name: "Check my answers" }));
    expect(within(quiz).getByText("Choose an answer")).toBeInTheDocument();
    expect(within(quiz).getByRole("radio", { name: "0 to 100" })).toHaveFocus();
    fireEvent.click(within(quiz).getByRole("radio", { name: "-1 to 1" }));
    fireEvent.click(within(quiz).getByRole("button", { name: "Check my answers" }));

    const score = await within(quiz).findByTestId("quiz-score");
    expect(score).toHaveTextContent("0 of 2 correct (0%)");
    expect(score).toHaveFocus();
    const verdicts = within(quiz).getAllByTestId("quiz-verdict");
    expect(verdicts[0]).toHaveTextContent("✗ Incorrect. The answer is “71”. OVERBOUGHT is strictly above 70.");
    expect(posts(calls, "POST /api/content/lessons/201/quiz")).toEqual([{ answers: [2, 1] }]);

    fireEvent.click(within(quiz).getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(within(quiz).getByRole("radio", { name: "30" })).toHaveFocus());
    expect(within(quiz).getByRole("radio", { name: "70" })).not.toBeChecked();
    fireEvent.click(within(quiz).getByRole("radio", { name: "71" }));
    fireEvent.click(within(quiz).getByRole("radio", { name: "0 to 100" }));
    fireEvent.click(within(quiz).getByRole("button", { name: "Check my answers" }));
    expect(await within(quiz).findByTestId("quiz-score")).toHaveTextContent("2 of 2 correct (100%). Passed: the lesson is complete.");
    expect(within(quiz).getAllByTestId("quiz-verdict")[1]).toHaveTextContent("✓ Correct.");
    await waitFor(() => expect(screen.getByTestId("lesson-status")).toHaveTextContent(/Completed\s*Quiz best 100%/));
  });

  it("marks a lesson complete and moves focus to its new status", async () => {
    const calls = open();
    fireEvent.click(await screen.findByRole("button", { name: "Mark as complete" }));
    await waitFor(() => expect(screen.getByTestId("lesson-status")).toHaveTextContent("Completed"));
    expect(screen.getByTestId("lesson-status")).toHaveFocus();
    expect(posts(calls, "POST /api/content/lessons/201/progress")).toContainEqual({ status: "COMPLETED" });
  });

  it("says there is no such lesson on a 404", async () => {
    open({ "GET /api/content/lessons/999": apiError(404, "NOT_FOUND", "No lesson 999") }, "/learn/lessons/999");
    expect(await screen.findByRole("heading", { level: 1, name: "No such lesson" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Back to Learn" })).toHaveAttribute("href", "/learn");
  });
});
