import { useEffect, useRef, useState } from "react";
import type { OutlineMaterial } from "../../lib/types";
import { Icon } from "../ui/Icon";
import { PdfViewer } from "./PdfViewer";

/**
 * One material as its content type asks: a PDF in the page, audio in an audio player (not a large
 * black video box), video in a video player, links and other documents as buttons. `onFinished`
 * fires at the end of a recording or on a PDF's last page, where the player offers completion.
 */
export function MaterialView({
  material,
  contentType,
  onFinished,
}: {
  material: OutlineMaterial;
  contentType: string | null;
  onFinished: () => void;
}) {
  const content = `/api/materials/${material.id}/content`;
  const type = contentType?.toLowerCase() ?? "";
  if (material.kind === "pdf" || type === "application/pdf")
    return <PdfViewer url={content} title={material.title} onLastPage={onFinished} />;
  if (type.startsWith("audio/"))
    return (
      <div className="rounded-xl border border-line bg-surface-2 p-6">
        <p className="mb-3 flex items-center gap-2 text-sm text-muted">
          <Icon name="play" className="h-4 w-4" /> Audio recording
        </p>
        <AudioWithCaptions key={material.id} material={material} src={content} onEnded={onFinished} />
      </div>
    );
  if (material.kind === "video" || type.startsWith("video/"))
    return (
      // biome-ignore lint/a11y/useMediaCaption: the track is there whenever the instructor uploaded captions
      <video
        key={material.id}
        controls
        preload="metadata"
        className="aspect-video w-full rounded-xl bg-black"
        src={content}
        onEnded={onFinished}
        data-testid="video-player"
      >
        {material.captionsUrl && (
          <track kind="captions" src={material.captionsUrl} srcLang="en" label="Captions" default />
        )}
        Your browser cannot play this video. <a href={content}>Download it</a>.
      </video>
    );
  if (material.kind === "link")
    return (
      <div className="rounded-xl border border-line p-6">
        <p className="text-muted">This material is on another site.</p>
        <a href={material.url} target="_blank" rel="noopener noreferrer" className="btn-primary mt-4">
          <Icon name="link" className="h-4 w-4" /> Open {material.title}
        </a>
      </div>
    );
  return (
    <div className="rounded-xl border border-line p-6">
      <p className="text-muted">Download this document to read it.</p>
      <a href={content} download className="btn-primary mt-4">
        <Icon name="download" className="h-4 w-4" /> Download
      </a>
    </div>
  );
}

/**
 * An audio player whose captions, when the instructor uploaded them, are read from the track and
 * shown as text under it: an `<audio>` element has nowhere to draw them itself.
 */
function AudioWithCaptions({
  material,
  src,
  onEnded,
}: {
  material: OutlineMaterial;
  src: string;
  onEnded: () => void;
}) {
  const audio = useRef<HTMLAudioElement>(null);
  const [cue, setCue] = useState("");
  useEffect(() => {
    const track = audio.current?.textTracks[0];
    if (!track) return;
    track.mode = "hidden";
    const show = () =>
      setCue(
        Array.from(track.activeCues ?? [])
          .map((c) => (c as VTTCue).text)
          .join("\n"),
      );
    track.addEventListener("cuechange", show);
    return () => track.removeEventListener("cuechange", show);
  }, []);
  return (
    <>
      {/* biome-ignore lint/a11y/useMediaCaption: the track is there whenever the instructor uploaded captions */}
      <audio
        ref={audio}
        controls
        preload="metadata"
        className="w-full"
        src={src}
        onEnded={onEnded}
        data-testid="audio-player"
      >
        {material.captionsUrl && (
          <track kind="captions" src={material.captionsUrl} srcLang="en" label="Captions" default />
        )}
        <a href={src}>Download the recording</a>.
      </audio>
      {material.captionsUrl && (
        <p
          aria-live="polite"
          className="mt-3 min-h-[1.5rem] whitespace-pre-line text-center text-sm font-medium"
          data-testid="captions-text"
        >
          {cue}
        </p>
      )}
    </>
  );
}
