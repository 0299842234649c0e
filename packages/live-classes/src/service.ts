import { LiveClassAttendance } from "./service/attendance.js";
import { LiveClassesState } from "./service/context.js";
import { LiveClassJoining } from "./service/joining.js";
import { LiveClassReminders } from "./service/reminders.js";
import { LiveClassScheduling } from "./service/scheduling.js";
import { LiveClassSupport } from "./service/support.js";
import type { LiveClassesDeps } from "./service/types.js";
import { LiveClassViews } from "./service/views.js";

export type {
  ClassAttendee,
  ClassPatch,
  InstalledProvider,
  LiveClass,
  LiveClassesDeps,
  ScheduleInput,
} from "./service/types.js";
export {
  CANCEL_MEETING_JOB,
  FETCH_ATTENDANCE_JOB,
  MAX_DURATION_MINUTES,
  REMIND_JOB,
  REMINDER_LEAD_MS,
} from "./service/types.js";

/**
 * Scheduling, the join redirect and participation records of live classes. Every rule lives in the
 * parts under `service/`; routes only validate input and call these methods.
 */
export class LiveClassesService {
  readonly #scheduling: LiveClassScheduling;
  readonly #joining: LiveClassJoining;
  readonly #reminders: LiveClassReminders;
  readonly #attendance: LiveClassAttendance;

  constructor(deps: LiveClassesDeps) {
    const state = new LiveClassesState(deps);
    state.views = new LiveClassViews(state);
    state.support = new LiveClassSupport(state);
    state.reminders = new LiveClassReminders(state);
    this.#reminders = state.reminders;
    this.#scheduling = new LiveClassScheduling(state);
    this.#joining = new LiveClassJoining(state);
    this.#attendance = new LiveClassAttendance(state);
  }

  // LiveClassScheduling
  readonly listProviders: LiveClassScheduling["listProviders"] = (...args) =>
    this.#scheduling.listProviders(...args);
  readonly schedule: LiveClassScheduling["schedule"] = (...args) => this.#scheduling.schedule(...args);
  readonly get: LiveClassScheduling["get"] = (...args) => this.#scheduling.get(...args);
  readonly listForCourse: LiveClassScheduling["listForCourse"] = (...args) =>
    this.#scheduling.listForCourse(...args);
  readonly listUpcoming: LiveClassScheduling["listUpcoming"] = (...args) =>
    this.#scheduling.listUpcoming(...args);
  readonly move: LiveClassScheduling["move"] = (...args) => this.#scheduling.move(...args);
  readonly cancel: LiveClassScheduling["cancel"] = (...args) => this.#scheduling.cancel(...args);
  readonly cancelMeeting: LiveClassScheduling["cancelMeeting"] = (...args) =>
    this.#scheduling.cancelMeeting(...args);

  // LiveClassJoining
  readonly join: LiveClassJoining["join"] = (...args) => this.#joining.join(...args);

  // LiveClassAttendance (webhooks & presence)
  readonly receiveWebhook: LiveClassAttendance["receiveWebhook"] = (...args) =>
    this.#attendance.receiveWebhook(...args);

  // LiveClassReminders
  readonly remind: LiveClassReminders["remind"] = (...args) => this.#reminders.remind(...args);

  // LiveClassAttendance
  readonly importReport: LiveClassAttendance["importReport"] = (...args) =>
    this.#attendance.importReport(...args);
  readonly attendanceOf: LiveClassAttendance["attendanceOf"] = (...args) =>
    this.#attendance.attendanceOf(...args);
  readonly classesHeld: LiveClassAttendance["classesHeld"] = (...args) =>
    this.#attendance.classesHeld(...args);
  readonly coursesWithClasses: LiveClassAttendance["coursesWithClasses"] = (...args) =>
    this.#attendance.coursesWithClasses(...args);
  readonly joinsOf: LiveClassAttendance["joinsOf"] = (...args) => this.#attendance.joinsOf(...args);

  // LiveClassScheduling
  readonly managedClass: LiveClassScheduling["managedClass"] = (...args) =>
    this.#scheduling.managedClass(...args);
}
