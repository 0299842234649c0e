import { useEffect, useRef, useState } from "react";
import { api, problemOf } from "../../lib/api";
import { problemSentence } from "../../lib/problems";
import { toast } from "../../lib/toast";
import type { Course } from "../../lib/types";
import { Spinner } from "../ui/Spinner";

/** What the API accepts for covers (the courses plugin's defaults); checked here to answer at once. */
const ACCEPT = ["image/png", "image/jpeg", "image/webp", "image/gif"];
const MAX_BYTES = 5 * 1024 * 1024;

/** Why a chosen file cannot be a cover, before anything is sent; null when it may be. */
export function coverProblem(file: { type: string; size: number }): string | null {
  if (!ACCEPT.includes(file.type)) return "Choose a PNG, JPEG, WebP or GIF image.";
  if (file.size > MAX_BYTES) return "Choose an image of at most 5 MB.";
  return null;
}

/**
 * The course's cover image: the current one, a preview of the chosen file before it is uploaded,
 * and the upload itself. The server checks the bytes again; its answer becomes a sentence here.
 */
export function CoverField({ course, onSaved }: { course: Course; onSaved: (course: Course) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [chosen, setChosen] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // The preview's object URL lives as long as it is shown.
  useEffect(() => () => void (preview && URL.revokeObjectURL(preview)), [preview]);

  function choose(file: File | undefined) {
    setError(null);
    setChosen(null);
    setPreview(null);
    if (!file) return;
    const problem = coverProblem(file);
    if (problem) return setError(problem);
    setChosen(file);
    setPreview(URL.createObjectURL(file));
  }

  async function upload() {
    if (!chosen) return;
    setBusy(true);
    setError(null);
    const form = new FormData();
    form.append("file", chosen, chosen.name);
    try {
      const saved = await api().put<Course>(`/api/courses/${course.id}/cover`, form);
      toast("Cover uploaded", "success", saved.title);
      onSaved(saved);
      setChosen(null);
      setPreview(null);
      if (input.current) input.current.value = "";
    } catch (problem) {
      setError(problemSentence(problemOf(problem)));
    } finally {
      setBusy(false);
    }
  }

  // The stored cover's address stays the same across uploads: the update time makes each one new.
  const current = course.coverUrl ? `${course.coverUrl}?v=${encodeURIComponent(course.updatedAt)}` : null;
  const shown = preview ?? current;
  return (
    <div>
      <label className="label" htmlFor="course-cover">
        Cover image
      </label>
      <div className="overflow-hidden rounded-xl border border-line bg-surface-2">
        {shown ? (
          <img
            src={shown}
            alt={preview ? "Preview of the new cover" : "The current cover"}
            data-testid={preview ? "cover-preview" : "cover-current"}
            className="aspect-[16/9] w-full object-cover"
          />
        ) : (
          <p className="grid aspect-[16/9] place-items-center px-4 text-center text-sm text-muted">
            No cover yet: the catalog draws one from the title.
          </p>
        )}
      </div>
      <input
        ref={input}
        id="course-cover"
        type="file"
        accept={ACCEPT.join(",")}
        className="mt-2 block w-full text-sm"
        aria-describedby={error ? "course-cover-hint course-cover-error" : "course-cover-hint"}
        aria-invalid={Boolean(error)}
        onChange={(e) => choose(e.target.files?.[0])}
      />
      <p id="course-cover-hint" className="mt-1 text-xs text-muted">
        PNG, JPEG, WebP or GIF, up to 5 MB; 16:9 looks best.
      </p>
      {error && (
        <p id="course-cover-error" role="alert" className="mt-1 text-sm text-danger">
          {error}
        </p>
      )}
      {chosen && (
        <button type="button" className="btn-secondary mt-2 w-full" disabled={busy} onClick={upload}>
          {busy && <Spinner />} Upload cover
        </button>
      )}
    </div>
  );
}
