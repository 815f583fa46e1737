/** Learn's screens: the overview (/learn) and the lesson reader (/learn/lessons/:lessonId). */
import { Navigate, Route, Routes } from "react-router-dom";
import LearnHome from "./LearnHome";
import LessonReader from "./LessonReader";

export default function LearnPage() {
  return (
    <Routes>
      <Route index element={<LearnHome />} />
      <Route path="lessons/:lessonId" element={<LessonReader />} />
      <Route path="*" element={<Navigate to="/learn" replace />} />
    </Routes>
  );
}
