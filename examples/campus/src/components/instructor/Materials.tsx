import { type FormEvent, useRef, useState } from "react";
import { api, problemOf } from "../../lib/api";
import { problemSentence } from "../../lib/problems";
import { toast } from "../../lib/toast";
import type { CourseDetail, MaterialKind, Section } from "../../lib/types";
import { Icon } from "../ui/Icon";
import { Spinner } from "../ui/Spinner";
import { Card, EmptyState, ProgressBar, Resource, useLoad } from "../ui/states";
import { MaterialOutline } from "./MaterialOutline";

/** Uploads with XMLHttpRequest, the one browser API that reports upload progress. */
function upload(url: string, form: FormData, onProgress: (fraction: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      try {
        reject(new Error(problemSentence({ ...JSON.parse(xhr.responseText), status: xhr.status })));
      } catch {
        reject(new Error(problemSentence({ type: "about:blank", title: "", status: xhr.status })));
      }
    };
    xhr.onerror = () => reject(new Error("The connection was lost during the upload."));
    xhr.send(form);
  });
}

export function Materials({ courseId }: { courseId: string }) {
  const course = useLoad(() => api().get<CourseDetail>(`/api/courses/${courseId}`), [courseId]);
  const [sectionTitle, setSectionTitle] = useState("");
  const [title, setTitle] = useState("");
  const [kind, setKind] = useState<MaterialKind>("pdf");
  const [sectionId, setSectionId] = useState("");
  const [url, setUrl] = useState("");
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const file = useRef<HTMLInputElement>(null);

  async function addSection(e: FormEvent) {
    e.preventDefault();
    if (!sectionTitle.trim()) return;
    try {
      const created = await api().post<Section>(`/api/courses/${courseId}/sections`, {
        title: sectionTitle.trim(),
      });
      setSectionTitle("");
      toast("Section added", "success");
      await course.reload();
      // The next upload most likely belongs in the section just made.
      setSectionId(created.id);
    } catch (err) {
      toast("Could not add the section", "error", problemSentence(problemOf(err)));
    }
  }

  async function addMaterial(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const form = new FormData();
    form.set("title", title.trim());
    form.set("kind", kind);
    if (sectionId) form.set("sectionId", sectionId);
    if (kind === "link") form.set("url", url.trim());
    else {
      const chosen = file.current?.files?.[0];
      if (!chosen) return setError("Choose a file to upload.");
      form.set("file", chosen);
    }
    setProgress(0);
    try {
      await upload(`/api/courses/${courseId}/materials`, form, setProgress);
      setProgress(1);
      toast("Material added", "success", title);
      setTitle("");
      setUrl("");
      if (file.current) file.current.value = "";
      await course.reload();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setTimeout(() => setProgress(null), 600);
    }
  }

  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
      <Resource state={course.state} onRetry={course.reload}>
        {(detail) =>
          detail.outline.length === 0 ? (
            <EmptyState icon="book" title="No sections or materials yet">
              Add a section (a week or a module), then upload PDFs and videos into it.
            </EmptyState>
          ) : (
            <MaterialOutline detail={detail} onChanged={course.reload} />
          )
        }
      </Resource>
      <div className="space-y-6">
        <Card title="Add a section">
          <form onSubmit={addSection} className="flex gap-2">
            <label htmlFor="section-title" className="sr-only">
              Section title
            </label>
            <input
              id="section-title"
              className="field"
              placeholder="Week 1: Getting started"
              value={sectionTitle}
              onChange={(e) => setSectionTitle(e.target.value)}
            />
            <button className="btn-secondary" type="submit">
              Add
            </button>
          </form>
        </Card>
        <Card title="Upload material">
          <form onSubmit={addMaterial} className="space-y-3">
            <div>
              <label className="label" htmlFor="material-title">
                Title
              </label>
              <input
                id="material-title"
                className="field"
                required
                value={title}
                onChange={(e) => setTitle(e.target.value)}
              />
            </div>
            <div className="grid grid-cols-2 gap-2">
              <div>
                <label className="label" htmlFor="material-kind">
                  Kind
                </label>
                <select
                  id="material-kind"
                  className="field"
                  value={kind}
                  onChange={(e) => setKind(e.target.value as MaterialKind)}
                >
                  <option value="pdf">PDF</option>
                  <option value="video">Video</option>
                  <option value="document">Document</option>
                  <option value="link">Link</option>
                </select>
              </div>
              <div>
                <label className="label" htmlFor="material-section">
                  Section
                </label>
                <select
                  id="material-section"
                  className="field"
                  value={sectionId}
                  onChange={(e) => setSectionId(e.target.value)}
                >
                  <option value="">None</option>
                  {course.status === "ready" &&
                    course.data.outline
                      .filter((s) => s.id)
                      .map((s) => (
                        <option key={s.id} value={s.id!}>
                          {s.title}
                        </option>
                      ))}
                </select>
              </div>
            </div>
            {kind === "link" ? (
              <div>
                <label className="label" htmlFor="material-url">
                  URL
                </label>
                <input
                  id="material-url"
                  className="field"
                  type="url"
                  value={url}
                  onChange={(e) => setUrl(e.target.value)}
                />
              </div>
            ) : (
              <div>
                <label className="label" htmlFor="material-file">
                  File
                </label>
                <input
                  id="material-file"
                  ref={file}
                  type="file"
                  className="field file:mr-3 file:rounded-lg file:border-0 file:bg-primary-soft file:px-3 file:py-1 file:text-primary-ink"
                />
              </div>
            )}
            {progress !== null && (
              <div>
                <ProgressBar value={progress} label="Upload progress" />
                <p className="mt-1 text-xs text-muted" aria-live="polite">
                  {progress < 1 ? `Uploading… ${Math.round(progress * 100)}%` : "Processing…"}
                </p>
              </div>
            )}
            {error && (
              <p role="alert" className="text-sm text-danger">
                {error}
              </p>
            )}
            <button type="submit" className="btn-primary w-full" disabled={progress !== null}>
              {progress !== null ? <Spinner /> : <Icon name="upload" className="h-4 w-4" />} Upload
            </button>
          </form>
        </Card>
      </div>
    </div>
  );
}
