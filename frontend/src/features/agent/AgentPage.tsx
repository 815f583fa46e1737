import { Navigate, Route, Routes, useMatch, useParams } from "react-router-dom";
import { Page } from "@/components/ui";
import { useConversation, useStatus } from "./api";
import { Chat } from "./Chat";
import { ConversationList } from "./ConversationList";
import { StatusLine } from "./Status";
import { Welcome } from "./Welcome";
import "./agent.css";

/** The research assistant (/agent, /agent/:conversationId): conversations on the left, the chat on the right. */

const idOf = (param: string | undefined) => {
  const id = Number(param);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
};

function ChatRoute({ status, canAsk }: { status: ReturnType<typeof useStatus>["data"]; canAsk: boolean }) {
  const id = idOf(useParams().conversationId);
  if (id === undefined) return <Navigate to="/agent" replace />;
  return <Chat key={id} conversationId={id} status={status} canAsk={canAsk} />;
}

export default function AgentPage() {
  const status = useStatus();
  const id = idOf(useMatch("/agent/:conversationId")?.params.conversationId);
  const title = useConversation(id).data?.title;
  // Unknown until the status is read; if it cannot be read, the composer is there and the API says what is wrong.
  const canAsk = status.data ? status.data.configured : status.isError;
  return (
    <Page title="Research assistant" view={id ? title : undefined} actions={<StatusLine status={status} />}>
      <div className="ag-layout">
        <ConversationList />
        <Routes>
          <Route index element={<Welcome status={status.data} canAsk={canAsk} />} />
          <Route path=":conversationId" element={<ChatRoute status={status.data} canAsk={canAsk} />} />
          <Route path="*" element={<Navigate to="/agent" replace />} />
        </Routes>
      </div>
    </Page>
  );
}
