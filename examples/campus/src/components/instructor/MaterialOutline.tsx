import { type DragEvent, useState } from "react";
import { api, problemOf } from "../../lib/api";
import { problemSentence } from "../../lib/problems";
import { toast } from "../../lib/toast";
import type { CourseDetail, OutlineMaterial, OutlineSection } from "../../lib/types";
import { Icon } from "../ui/Icon";
import { ConfirmDialog } from "../ui/Modal";
import { Card } from "../ui/states";
import { CaptionsUpload } from "./CaptionsUpload";

type Target =
  | { kind: "section"; id: string; title: string }
  | { kind: "material"; id: string; title: string };

const LOOSE = "";

/** An inline rename: the title becomes a field, Enter saves, Escape cancels. */
function Rename({
  label,
  value,
  onSave,
  onCancel,
}: {
  label: string;
  value: string;
  onSave: (title: string) => void;
  onCancel: () => void;
}) {
  const [text, setText] = useState(value);
  return (
    <form
      className="flex flex-1 items-center gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim()) onSave(text.trim());
      }}
    >
      <label className="sr-only" htmlFor="rename-field">
        {label}
      </label>
      <input
        id="rename-field"
        className="field py-1.5"
        value={text}
        // biome-ignore lint/a11y/noAutofocus: the field replaces the title the person chose to rename
        autoFocus
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => e.key === "Escape" && onCancel()}
      />
      <button type="submit" className="btn-primary btn-sm">
        Save
      </button>
      <button type="button" className="btn-ghost btn-sm" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}

/**
 * The course outline an instructor manages: drag a material onto another section (or use its
 * "Move to" list, the keyboard way), reorder with ↑/↓, rename and delete with a confirmation.
 */
export function MaterialOutline({
  detail,
  onChanged,
}: {
  detail: CourseDetail;
  onChanged: () => Promise<void>;
}) {
  const [renaming, setRenaming] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Target | null>(null);
  const [busy, setBusy] = useState(false);
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  const sections = detail.outline.filter((s) => s.id);

  async function run(action: () => Promise<unknown>, done: string, failed: string) {
    setBusy(true);
    try {
      await action();
      toast(done, "success");
      await onChanged();
      return true;
    } catch (error) {
      toast(failed, "error", problemSentence(problemOf(error)));
      return false;
    } finally {
      setBusy(false);
    }
  }

  const moveTo = (m: OutlineMaterial, sectionId: string) =>
    run(
      () => api().patch(`/api/materials/${m.id}`, { sectionId: sectionId || null }),
      `Moved “${m.title}”`,
      "Could not move it",
    );

  const reorder = (m: OutlineMaterial, position: number) =>
    run(() => api().patch(`/api/materials/${m.id}`, { position }), `Moved “${m.title}”`, "Could not move it");

  async function remove() {
    if (!deleting) return;
    const path =
      deleting.kind === "section" ? `/api/sections/${deleting.id}` : `/api/materials/${deleting.id}`;
    if (await run(() => api().delete(path), `Deleted “${deleting.title}”`, "Could not delete it"))
      setDeleting(null);
  }

  function onDrop(event: DragEvent, section: OutlineSection) {
    event.preventDefault();
    setDropTarget(null);
    const id = event.dataTransfer.getData("text/x-lectern-material");
    const material = detail.outline.flatMap((s) => s.materials).find((m) => m.id === id);
    if (
      material &&
      (section.id ?? LOOSE) !== (detail.outline.find((s) => s.materials.includes(material))?.id ?? LOOSE)
    )
      void moveTo(material, section.id ?? LOOSE);
  }

  return (
    <div className="space-y-4" data-testid="outline">
      {detail.outline.map((section) => {
        const key = section.id ?? LOOSE;
        return (
          // biome-ignore lint/a11y/noStaticElementInteractions: a drop zone for the mouse; the "Move to" list is the keyboard way
          <div
            key={key || "loose"}
            data-testid="outline-section"
            data-section={section.title}
            onDragOver={(e) => {
              if (!e.dataTransfer.types.includes("text/x-lectern-material")) return;
              e.preventDefault();
              setDropTarget(key);
            }}
            onDragLeave={() => setDropTarget((t) => (t === key ? null : t))}
            onDrop={(e) => onDrop(e, section)}
            className={`rounded-2xl ${dropTarget === key ? "ring-2 ring-primary" : ""}`}
          >
            <Card
              title={renaming === `s:${key}` ? undefined : section.title}
              action={
                section.id &&
                renaming !== `s:${key}` && (
                  <div className="flex shrink-0 gap-1">
                    <button
                      type="button"
                      className="btn-ghost btn-sm"
                      aria-label={`Rename section ${section.title}`}
                      onClick={() => setRenaming(`s:${key}`)}
                    >
                      <Icon name="pen" className="h-4 w-4" />
                    </button>
                    <button
                      type="button"
                      className="btn-ghost btn-sm text-danger"
                      aria-label={`Delete section ${section.title}`}
                      onClick={() => setDeleting({ kind: "section", id: section.id!, title: section.title })}
                    >
                      <Icon name="x" className="h-4 w-4" />
                    </button>
                  </div>
                )
              }
            >
              {renaming === `s:${key}` && section.id && (
                <div className="mb-3 flex">
                  <Rename
                    label={`New title for ${section.title}`}
                    value={section.title}
                    onCancel={() => setRenaming(null)}
                    onSave={(title) =>
                      void run(
                        () => api().patch(`/api/sections/${section.id}`, { title }),
                        "Section renamed",
                        "Could not rename it",
                      ).then((ok) => ok && setRenaming(null))
                    }
                  />
                </div>
              )}
              {section.materials.length === 0 ? (
                <p className="rounded-xl border border-dashed border-line p-3 text-sm text-muted">
                  Empty section. Drag a material here, or choose it in a material's “Move to” list.
                </p>
              ) : (
                <ol className="divide-y divide-line">
                  {section.materials.map((m, i) => (
                    <li
                      key={m.id}
                      draggable={renaming !== `m:${m.id}`}
                      onDragStart={(e) => {
                        e.dataTransfer.setData("text/x-lectern-material", m.id);
                        e.dataTransfer.effectAllowed = "move";
                      }}
                      className="flex flex-wrap items-center gap-2 py-2.5 text-sm"
                      data-testid="outline-material"
                    >
                      <span
                        className="cursor-grab text-subtle"
                        aria-hidden="true"
                        title="Drag to another section"
                      >
                        ⠿
                      </span>
                      {renaming === `m:${m.id}` ? (
                        <Rename
                          label={`New title for ${m.title}`}
                          value={m.title}
                          onCancel={() => setRenaming(null)}
                          onSave={(title) =>
                            void run(
                              () => api().patch(`/api/materials/${m.id}`, { title }),
                              "Material renamed",
                              "Could not rename it",
                            ).then((ok) => ok && setRenaming(null))
                          }
                        />
                      ) : (
                        <>
                          <Icon
                            name={m.kind === "video" ? "play" : m.kind === "link" ? "link" : "file"}
                            className="h-4 w-4 text-muted"
                          />
                          <span className="min-w-0 flex-1 basis-40 break-words">{m.title}</span>
                          <span className="text-xs uppercase text-subtle">{m.kind}</span>
                          {m.kind === "video" && <CaptionsUpload material={m} onChanged={onChanged} />}
                          <label className="sr-only" htmlFor={`move-${m.id}`}>
                            Move {m.title} to
                          </label>
                          <select
                            id={`move-${m.id}`}
                            className="field w-auto max-w-[9rem] py-1 text-xs"
                            value={key}
                            disabled={busy}
                            onChange={(e) => void moveTo(m, e.target.value)}
                          >
                            {sections.map((s) => (
                              <option key={s.id} value={s.id!}>
                                {s.title}
                              </option>
                            ))}
                            <option value={LOOSE}>No section</option>
                          </select>
                          <button
                            type="button"
                            className="btn-ghost btn-sm"
                            disabled={i === 0 || busy}
                            aria-label={`Move ${m.title} up`}
                            onClick={() => reorder(m, (m.position ?? i + 1) - 1)}
                          >
                            ↑
                          </button>
                          <button
                            type="button"
                            className="btn-ghost btn-sm"
                            disabled={i === section.materials.length - 1 || busy}
                            aria-label={`Move ${m.title} down`}
                            onClick={() => reorder(m, (m.position ?? i + 1) + 1)}
                          >
                            ↓
                          </button>
                          <button
                            type="button"
                            className="btn-ghost btn-sm"
                            aria-label={`Rename ${m.title}`}
                            onClick={() => setRenaming(`m:${m.id}`)}
                          >
                            <Icon name="pen" className="h-4 w-4" />
                          </button>
                          <button
                            type="button"
                            className="btn-ghost btn-sm text-danger"
                            aria-label={`Delete ${m.title}`}
                            onClick={() => setDeleting({ kind: "material", id: m.id, title: m.title })}
                          >
                            <Icon name="x" className="h-4 w-4" />
                          </button>
                        </>
                      )}
                    </li>
                  ))}
                </ol>
              )}
            </Card>
          </div>
        );
      })}
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title={deleting?.kind === "section" ? "Delete this section?" : "Delete this material?"}
        description={
          deleting?.kind === "section"
            ? `“${deleting.title}” goes away; its materials stay in the course, outside any section.`
            : `“${deleting?.title ?? ""}” and its file are removed. Students lose access to it.`
        }
        confirmLabel="Delete"
        danger
        busy={busy}
        onConfirm={() => void remove()}
      />
    </div>
  );
}
