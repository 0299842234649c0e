import { z } from "@lectern/core";

const classFields = {
  liveClassId: z.string(),
  courseId: z.string(),
  seriesId: z.string().nullable(),
  title: z.string(),
  startsAt: z.string(),
  durationMinutes: z.number().int(),
  provider: z.string(),
};

/** The events `@lectern/live-classes` emits; payloads are checked against these at emit time. */
export const liveClassEvents = {
  "live-class.scheduled": z.object({ ...classFields, occurrences: z.number().int() }),
  "live-class.updated": z.object({ ...classFields, sequence: z.number().int() }),
  "live-class.cancelled": z.object(classFields),
  "live-class.starting": z.object({ ...classFields, userIds: z.array(z.string()) }),
};

type Payloads = { [K in keyof typeof liveClassEvents]: z.output<(typeof liveClassEvents)[K]> };

declare module "@lectern/core" {
  interface LecternEvents {
    /** A class (or the first of a weekly series, with the number of occurrences) was scheduled. */
    "live-class.scheduled": Payloads["live-class.scheduled"];
    /** A class was moved, lengthened or renamed. */
    "live-class.updated": Payloads["live-class.updated"];
    /** A class was cancelled; it stays listed as cancelled. */
    "live-class.cancelled": Payloads["live-class.cancelled"];
    /** A class starts in the reminder lead time; its enrolled students are told. */
    "live-class.starting": Payloads["live-class.starting"];
  }
}
