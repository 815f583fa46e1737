/** The community's screens: the forum (/community), a post (/community/posts/:postId), the composer
 * (/community/new) and the moderators' queue (/community/moderation). */
import { Navigate, Route, Routes } from "react-router-dom";
import Composer from "./Composer";
import ForumList from "./ForumList";
import ModerationQueue from "./ModerationQueue";
import PostPage from "./PostPage";

export default function CommunityPage() {
  return (
    <Routes>
      <Route index element={<ForumList />} />
      <Route path="new" element={<Composer />} />
      <Route path="posts/:postId" element={<PostPage />} />
      <Route path="moderation" element={<ModerationQueue />} />
      <Route path="*" element={<Navigate to="/community" replace />} />
    </Routes>
  );
}
