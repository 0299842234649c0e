import { createHmac, timingSafeEqual } from "node:crypto";
import { ProviderError } from "@lectern/core";
import { defineVideoProvider, type VideoProvider, WebhookSignatureError } from "@lectern/live-classes";
import { z } from "zod";

const options = z.object({
  apiKey: z.string().min(1),
  /** The webhook's HMAC secret, base64, as Daily shows it. */
  webhookSecret: z.string().min(1),
  apiBaseUrl: z.url().default("https://api.daily.co/v1"),
});

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
type Room = { name: string; url: string };
type Payload = Record<"room" | "session_id" | "user_id" | "user_name", string> &
  Record<"joined_at" | "duration", number>;
type DailyEvent = { id: string; type: string; payload: Payload };

/** Daily (daily.co): a private room per class, a meeting token per person, participant webhooks. */
export const daily = defineVideoProvider({
  id: "daily",
  name: "Daily",
  options,
  create: (ctx, o): VideoProvider => {
    const call = async <T>(method: string, path: string, body?: object, ok: number[] = []): Promise<T> => {
      const res = await ctx.fetch(`${o.apiBaseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${o.apiKey}`, "content-type": "application/json" },
        body: body && JSON.stringify(body),
      });
      if (ok.includes(res.status)) return {} as T;
      const retryable = res.status >= 500;
      if (!res.ok)
        throw new ProviderError(`Daily: ${res.status}`, { provider: "daily", status: res.status, retryable });
      return (await res.json()) as T;
    };
    const window = (i: { startsAt: Date; durationMinutes: number }) => ({
      nbf: seconds(i.startsAt) - 30 * 60,
      exp: seconds(i.startsAt) + (i.durationMinutes + 60) * 60,
    });
    return {
      async createMeeting(i) {
        const room = await call<Room>("POST", "/rooms", { privacy: "private", properties: window(i) });
        return { meetingId: room.name, data: { url: room.url } };
      },
      async updateMeeting(i) {
        await call("POST", `/rooms/${i.meetingId}`, { properties: window(i) });
        return { meetingId: i.meetingId, data: i.data };
      },
      async cancelMeeting(i) {
        await call("DELETE", `/rooms/${i.meetingId}`, undefined, [404]);
        return { cancelled: true };
      },
      async joinLink(i) {
        const user = { user_id: i.user.id, user_name: i.user.name, is_owner: i.role === "host" };
        const properties = { room_name: i.meetingId, ...user, exp: window(i).exp };
        const { token } = await call<{ token: string }>("POST", "/meeting-tokens", { properties });
        return { url: `${i.data.url}?t=${token}` };
      },
      async parseWebhook({ rawBody, headers }) {
        const timestamp = headers.get("x-webhook-timestamp") ?? "";
        const given = Buffer.from(headers.get("x-webhook-signature") ?? "");
        const hmac = createHmac("sha256", Buffer.from(o.webhookSecret, "base64"));
        const expected = Buffer.from(hmac.update(`${timestamp}.${rawBody}`).digest("base64"));
        if (given.length !== expected.length || !timingSafeEqual(given, expected))
          throw new WebhookSignatureError();
        if (Math.abs(seconds(ctx.clock.now()) - Number(timestamp)) > 300)
          throw new WebhookSignatureError("Stale webhook.");
        const event = JSON.parse(rawBody) as DailyEvent;
        const kind = ({ "participant.joined": "joined", "participant.left": "left" } as const)[event.type];
        if (!kind) return { events: [] };
        const p = event.payload;
        const at = new Date((kind === "joined" ? p.joined_at : p.joined_at + p.duration) * 1000);
        const participant = { externalId: p.session_id, userId: p.user_id, name: p.user_name };
        return { events: [{ eventId: event.id, meetingId: p.room, kind, at, participant }] };
      },
    };
  },
});
