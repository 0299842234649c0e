import { Marked } from "marked";
import { useMemo, useState } from "react";

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
// Raw HTML in the source is shown as text: the server sanitizes the real rendering on save.
const marked = new Marked({ gfm: true, breaks: false, renderer: { html: ({ text }) => escapeHtml(text) } });

export function MarkdownEditor({
  id,
  value,
  onChange,
}: {
  id: string;
  value: string;
  onChange: (v: string) => void;
}) {
  const [tab, setTab] = useState<"write" | "preview">("write");
  const html = useMemo(() => (tab === "preview" ? (marked.parse(value) as string) : ""), [value, tab]);
  return (
    <div className="overflow-hidden rounded-xl border border-line focus-within:border-primary">
      <div
        role="tablist"
        aria-label="Description editor"
        className="flex gap-1 border-b border-line bg-surface-2 px-2 pt-2"
      >
        {(["write", "preview"] as const).map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            id={`${id}-${t}-tab`}
            aria-selected={tab === t}
            // Only the shown panel exists: a tab must not point at a missing element.
            aria-controls={tab === t ? `${id}-${t}` : undefined}
            onClick={() => setTab(t)}
            className={`rounded-t-lg px-3 py-1.5 text-sm font-medium capitalize ${tab === t ? "bg-surface text-ink" : "text-muted hover:text-ink"}`}
          >
            {t}
          </button>
        ))}
        <span className="ml-auto self-center pr-2 text-xs text-muted">Markdown supported</span>
      </div>
      {tab === "write" ? (
        <div id={`${id}-write`} role="tabpanel" aria-labelledby={`${id}-write-tab`}>
          <textarea
            id={id}
            className="block min-h-64 w-full resize-y bg-surface p-4 font-mono text-sm text-ink focus:outline-none"
            value={value}
            onChange={(e) => onChange(e.target.value)}
            placeholder={"## What you will learn\n\n- Write **clearly**\n- Use lists and links"}
          />
        </div>
      ) : (
        <div
          id={`${id}-preview`}
          role="tabpanel"
          aria-labelledby={`${id}-preview-tab`}
          data-testid="markdown-preview"
          className="markdown min-h-64 space-y-3 bg-surface p-4 text-sm [&_a]:text-primary-ink [&_h1]:text-xl [&_h1]:font-semibold [&_h2]:text-lg [&_h2]:font-semibold [&_h3]:font-semibold [&_li]:ml-5 [&_ol]:list-decimal [&_ul]:list-disc [&_code]:rounded [&_code]:bg-surface-2 [&_code]:px-1"
          // biome-ignore lint/security/noDangerouslySetInnerHtml: the author's own Markdown with raw HTML escaped
          dangerouslySetInnerHTML={{ __html: html || "<p class='text-muted'>Nothing to preview yet.</p>" }}
        />
      )}
    </div>
  );
}
