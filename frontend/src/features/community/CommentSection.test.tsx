import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { useAuth } from "@/stores/auth";
import { mockApi, renderWithProviders } from "@/test/utils";
import { CommentSection } from "./CommentSection";
import { comment, thread } from "./fixtures";

const THREAD = thread([
  comment(1),
  comment(2, { parentId: 1, depth: 1, userId: 7, author: { userId: 7, displayName: "Ada", reputation: 3 } }),
  comment(3, { parentId: 2, depth: 2 }),
  comment(4, { status: "DELETED", userId: null, author: null, content: "", contentHtml: "" }),
  comment(5, { parentId: 4, depth: 1 }),
  comment(6, { parentId: 5, depth: 5 }),
]);

beforeEach(() => useAuth.setState({ user: { id: 7, email: "ada@example.com", role: "user" }, tokens: { accessToken: "a", refreshToken: "r" } }));

describe("the comment thread", () => {
  it("indents replies by depth, keeps deleted comments as placeholders, and offers each action where it applies", async () => {
    mockApi({ "GET /api/community/posts/12/comments": { body: THREAD } });
    renderWithProviders(<CommentSection postId={12} locked={false} moderator={false} />);
    const list = await screen.findByTestId("comment-thread");
    const items = within(list).getAllByRole("listitem");
    expect(items.map((li) => li.dataset.depth)).toEqual(["0", "1", "2", "0", "1", "5"]);
    expect(items.map((li) => li.style.getPropertyValue("--depth"))).toEqual(["0", "1", "2", "0", "1", "5"]);
    expect(screen.getByRole("heading", { name: "5 comments" })).toBeInTheDocument();

    // The deleted one: a placeholder without author or actions; its reply keeps its place under it.
    const deleted = within(items[3]!);
    expect(deleted.getByText("[deleted]")).toBeInTheDocument();
    expect(deleted.queryByRole("button")).not.toBeInTheDocument();

    // Mine: edit and delete, no report; someone else's: report, no edit.
    expect(within(items[1]!).getByRole("button", { name: "Edit comment 2 by Ada" })).toBeInTheDocument();
    expect(within(items[1]!).getByRole("button", { name: "Delete comment 2 by Ada" })).toBeInTheDocument();
    expect(within(items[1]!).queryByRole("button", { name: /^Report/ })).not.toBeInTheDocument();
    expect(within(items[0]!).getByRole("button", { name: "Report comment 1 by satoshi" })).toBeInTheDocument();
    expect(within(items[0]!).queryByRole("button", { name: /^Edit/ })).not.toBeInTheDocument();
    // The deepest level takes no more replies.
    expect(within(items[4]!).getByRole("button", { name: "Reply to comment 5 by satoshi" })).toBeInTheDocument();
    expect(within(items[5]!).queryByRole("button", { name: /^Reply/ })).not.toBeInTheDocument();
  });

  it("replies under a comment, then focuses the reply", async () => {
    let items = THREAD.items.slice(0, 2);
    const calls = mockApi({
      "GET /api/community/posts/12/comments": () => ({ body: thread(items) }),
      "POST /api/community/posts/12/comments": (call) => {
        const made = comment(9, { parentId: 1, depth: 1, userId: 7, content: String((call.body as { content: string }).content) });
        items = [items[0]!, made, ...items.slice(1)];
        return { status: 201, body: made };
      },
    });
    renderWithProviders(<CommentSection postId={12} locked={false} moderator={false} />);
    fireEvent.click(await screen.findByRole("button", { name: "Reply to comment 1 by satoshi" }));
    const box = screen.getByRole("textbox", { name: "Reply to comment 1 by satoshi" });
    expect(box).toHaveFocus();
    fireEvent.change(box, { target: { value: "Agreed, see the 1d too" } });
    fireEvent.click(screen.getByRole("button", { name: "Reply" }));
    await waitFor(() => expect(document.getElementById("comment-9")).toHaveFocus());
    expect(calls.find((c) => c.method === "POST")?.body).toEqual({ content: "Agreed, see the 1d too", parentId: 1 });
    expect(within(screen.getByTestId("comment-thread")).getAllByRole("listitem").map((li) => li.dataset.testid)).toEqual(["comment-1", "comment-9", "comment-2"]);
  });

  it("says why a comment was refused, and that a locked post takes none", async () => {
    mockApi({
      "GET /api/community/posts/12/comments": { body: thread([]) },
      "POST /api/community/posts/12/comments": {
        status: 422,
        body: { status: "error", code: "CONTENT_REJECTED", message: "Not published: Spam.", field: "content", details: [{ code: "SPAM", message: "Looks like spam." }] },
      },
    });
    const { unmount } = renderWithProviders(<CommentSection postId={12} locked={false} moderator={false} />);
    expect(await screen.findByText("No comments yet")).toBeInTheDocument();
    fireEvent.change(screen.getByRole("textbox", { name: "Add a comment" }), { target: { value: "buy now!!!" } });
    fireEvent.click(screen.getByRole("button", { name: "Comment" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Not published: Looks like spam.");
    unmount();

    renderWithProviders(<CommentSection postId={12} locked moderator={false} />);
    expect(await screen.findByText("This post is locked: no new comments or votes.")).toBeInTheDocument();
    expect(screen.queryByRole("textbox", { name: "Add a comment" })).not.toBeInTheDocument();
  });
});
