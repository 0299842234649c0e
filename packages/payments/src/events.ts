import { MoneySchema, z } from "@lectern/core";
import { PAYMENT_STATUSES } from "./schema.js";

/** The events `@lectern/payments` emits; payloads are checked against these at emit time. */
export const paymentEvents = {
  "payment.completed": z.object({
    paymentId: z.string(),
    courseId: z.string(),
    userId: z.string(),
    gateway: z.string(),
    total: MoneySchema,
  }),
  "payment.failed": z.object({
    paymentId: z.string(),
    courseId: z.string(),
    userId: z.string(),
    gateway: z.string(),
    reason: z.string(),
  }),
  "payment.refunded": z.object({
    paymentId: z.string(),
    courseId: z.string(),
    userId: z.string(),
    amount: MoneySchema,
    amountRefunded: MoneySchema,
    /** True when everything was given back: the payment is now `refunded`. */
    full: z.boolean(),
  }),
  "payment.updated": z.object({
    paymentId: z.string(),
    courseId: z.string(),
    userId: z.string(),
    status: z.enum(PAYMENT_STATUSES),
  }),
};

type Payloads = { [K in keyof typeof paymentEvents]: z.output<(typeof paymentEvents)[K]> };

declare module "@lectern/core" {
  interface LecternEvents {
    /** Money arrived and the student is enrolled (in the same transaction). */
    "payment.completed": Payloads["payment.completed"];
    "payment.failed": Payloads["payment.failed"];
    /** Some or all of a payment went back to the student. */
    "payment.refunded": Payloads["payment.refunded"];
    /** Any change of a payment's status; the realtime channel `user:<userId>` carries it. */
    "payment.updated": Payloads["payment.updated"];
  }
}
