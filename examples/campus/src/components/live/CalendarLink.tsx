import { useState } from "react";
import { problemOf } from "../../lib/api";
import { newCalendarLink } from "../../lib/classes";
import { useHydrated } from "../../lib/hooks";
import { toast } from "../../lib/toast";
import { Icon } from "../ui/Icon";
import { Card } from "../ui/states";

/** "Add to calendar": a private feed address for calendar apps, made on request. */
export default function CalendarLink() {
  const [url, setUrl] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ready = useHydrated();
  const [problem, setProblem] = useState<string | null>(null);

  async function make() {
    setBusy(true);
    setProblem(null);
    try {
      setUrl((await newCalendarLink()).url);
    } catch (error) {
      const p = problemOf(error);
      setProblem(p.detail ?? p.title);
    } finally {
      setBusy(false);
    }
  }

  async function copy() {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      toast("Calendar link copied", "success", "Paste it into your calendar app as a subscription.");
    } catch {
      toast("Select the link and copy it", "info");
    }
  }

  return (
    <Card title="Add to your calendar">
      <p className="text-sm text-muted">
        Subscribe in Google Calendar, Outlook or Apple Calendar and your classes and exam windows stay up to
        date there, moves and cancellations included. The link is private: making a new one stops the old one.
      </p>
      {problem && (
        <p role="alert" className="mt-3 rounded-xl bg-danger-soft p-3 text-sm text-danger">
          {problem}
        </p>
      )}
      {url ? (
        <div className="mt-4 space-y-3">
          <label htmlFor="calendar-url" className="label">
            Your calendar link
          </label>
          <input id="calendar-url" className="field font-mono text-xs" readOnly value={url} />
          <div className="flex flex-wrap gap-2">
            <button type="button" className="btn-secondary btn-sm" onClick={copy}>
              <Icon name="link" className="h-4 w-4" /> Copy link
            </button>
            <a className="btn-secondary btn-sm" href={url.replace(/^https?:/, "webcal:")}>
              <Icon name="download" className="h-4 w-4" /> Open in my calendar app
            </a>
          </div>
        </div>
      ) : (
        <button type="button" className="btn-secondary mt-4" onClick={make} disabled={busy || !ready}>
          <Icon name="link" className="h-4 w-4" /> {busy ? "Making your link…" : "Get my calendar link"}
        </button>
      )}
    </Card>
  );
}
