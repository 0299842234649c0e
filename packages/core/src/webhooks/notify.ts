import type { AuthService } from "../auth/service.js";
import type { Database } from "../db/index.js";
import type { EventBus } from "../events.js";
import type { Mailer } from "../mail.js";
import { defineNotificationKind } from "../notifications/kinds.js";

declare module "../events.js" {
  interface LecternEvents {
    /** An endpoint kept failing past the configured period and was disabled. */
    "webhook.disabled": { endpointId: string; url: string; adminId: string; failingSince: string };
  }
}

/** Core's own notification kind: the admin who registered an endpoint learns it was disabled. */
export const webhookDisabledKind = defineNotificationKind({
  kind: "core.webhookDisabled",
  event: "webhook.disabled",
  label: "A webhook endpoint you registered was disabled after failing",
  recipients: (e) => [e.adminId],
  title: () => "A webhook endpoint was disabled",
  body: (e) =>
    `Deliveries to ${e.url} failed since ${e.failingSince}. Fix the receiver, then enable it again.`,
  link: () => "/admin/webhooks",
});

/** Mails that admin too (unless they turned this kind's mail off). */
export function mailWhenDisabled(
  db: Database,
  events: EventBus,
  auth: AuthService,
  mail: Mailer,
  publicUrl: string,
) {
  events.on("webhook.disabled", "core-webhooks-mail", async (event) => {
    const admin = await auth.getUser(event.data.adminId);
    if (!admin) return;
    await mail.send(db, {
      to: admin.email,
      notificationKind: "core.webhookDisabled",
      subject: "A webhook endpoint was disabled",
      text: `Hello ${admin.name},\n\nDeliveries to ${event.data.url} failed since ${event.data.failingSince}, so the endpoint was disabled.\n\nFix the receiver, then enable it again:\n\n${publicUrl}/admin/webhooks\n`,
    });
  });
}
