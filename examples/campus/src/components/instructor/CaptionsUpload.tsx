import { useId, useState } from "react";
import { api, problemOf } from "../../lib/api";
import { humanizeProblem } from "../../lib/problems";
import { toast } from "../../lib/toast";
import type { OutlineMaterial } from "../../lib/types";
import { Spinner } from "../ui/Spinner";

/**
 * Captions for a video: a WebVTT file picked here goes to `PUT /api/materials/:id/captions`.
 * A file the server refuses says why in a sentence ("it must start with the line WEBVTT").
 */
export function CaptionsUpload({
  material,
  onChanged,
}: {
  material: OutlineMaterial;
  onChanged: () => Promise<void>;
}) {
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const has = !!material.captionsUrl;

  async function send(file: File) {
    setBusy(true);
    setError(null);
    const form = new FormData();
    form.append("file", file, file.name);
    try {
      await api().put(`/api/materials/${material.id}/captions`, form);
      toast(has ? "Captions replaced" : "Captions added", "success", `“${material.title}” shows them now.`);
      await onChanged();
    } catch (failure) {
      const human = humanizeProblem(problemOf(failure));
      setError(human.errors?.[0]?.message ?? human.detail ?? human.title);
    } finally {
      setBusy(false);
    }
  }

  return (
    // A line of its own under the row, so the material's title keeps its width.
    <span className="order-last flex basis-full flex-wrap items-center gap-2 pl-6">
      {has && (
        <span className="badge bg-success-soft text-success" title="Has captions">
          CC
        </span>
      )}
      <label
        htmlFor={id}
        className="btn-ghost btn-sm cursor-pointer focus-within:ring-2 focus-within:ring-primary"
      >
        {busy ? <Spinner /> : null}
        {has ? "Replace captions" : "Add captions"}
        <input
          id={id}
          type="file"
          accept=".vtt,text/vtt"
          className="sr-only"
          aria-label={`Captions for ${material.title} (WebVTT)`}
          disabled={busy}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = "";
            if (file) void send(file);
          }}
        />
      </label>
      {error && (
        <span role="alert" className="basis-full text-xs text-danger" data-testid="captions-error">
          {error}
        </span>
      )}
    </span>
  );
}
