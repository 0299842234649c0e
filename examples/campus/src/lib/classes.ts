import { api } from "./api";
import { allPages } from "./pages";

/** A live class as the API answers it (`GET /api/live-classes/:id`). */
export interface LiveClass {
  id: string;
  courseId: string;
  seriesId: string | null;
  title: string;
  startsAt: string;
  endsAt: string;
  opensAt: string;
  durationMinutes: number;
  provider: string;
  status: "scheduled" | "cancelled" | "ended";
  joinUrl: string;
}

export type RollCallStatus = "present" | "late" | "absent" | "excused";
export const ROLL_CALL: { value: RollCallStatus; label: string }[] = [
  { value: "present", label: "Present" },
  { value: "late", label: "Late" },
  { value: "absent", label: "Absent" },
  { value: "excused", label: "Excused" },
];

export interface ClassAttendance {
  liveClass: LiveClass;
  items: {
    user: { id: string; name: string; email: string };
    joinedAt: string | null;
    leftAt: string | null;
    minutesPresent: number | null;
    automatic: RollCallStatus | null;
    rollCall: { status: RollCallStatus; changedBy: string; changedAt: string } | null;
    status: RollCallStatus | null;
  }[];
  guests: { name: string | null; joinedAt: string; minutesPresent: number | null }[];
}

export interface RateFields {
  held: number;
  attended: number;
  excused: number;
  rate: number | null;
}

export interface MyAttendance {
  days: string[];
  liveClasses: { liveClassId: string; joinedAt: string }[];
  rate: number | null;
  courses: (RateFields & {
    courseId: string;
    classes: { liveClassId: string; title: string; startsAt: string; status: RollCallStatus }[];
  })[];
}

export interface CourseAttendance {
  courseId: string;
  classes: LiveClass[];
  students: (RateFields & {
    userId: string;
    name: string;
    email: string;
    records: { liveClassId: string; status: RollCallStatus }[];
  })[];
}

export interface LowAttendance {
  threshold: number;
  items: (RateFields & { student: { id: string; name: string; email: string } })[];
}

export interface InstitutionAttendance {
  from: string;
  to: string;
  days: { day: string; users: number }[];
  courses: { courseId: string; title: string; classesHeld: number; students: number; rate: number | null }[];
}

export const upcomingClasses = () => allPages<LiveClass>("/api/me/live-classes", {}, 200);
export const courseClasses = (courseId: string) =>
  allPages<LiveClass>(`/api/courses/${courseId}/live-classes`, {}, 500);
export const videoProviders = async () =>
  (await api().get<{ items: { id: string; name: string }[] }>("/api/live-classes/providers")).items;
export const getClass = (id: string) => api().get<LiveClass>(`/api/live-classes/${id}`);
export const classAttendance = (id: string) =>
  api().get<ClassAttendance>(`/api/live-classes/${id}/attendance`);
export const myAttendance = () => api().get<MyAttendance>("/api/me/attendance");
export const courseAttendance = (courseId: string) =>
  api().get<CourseAttendance>(`/api/courses/${courseId}/attendance`);
export const lowAttendance = (courseId: string) =>
  api().get<LowAttendance>(`/api/courses/${courseId}/attendance/low`);
export const institutionAttendance = (range: { from?: string; to?: string } = {}) =>
  api().get<InstitutionAttendance>("/api/admin/attendance", { query: range });
export const newCalendarLink = () => api().post<{ url: string }>("/api/me/calendar-token");

/** Where a class stands for someone about to join it, at `now`. */
export type JoinWindow =
  | { state: "cancelled" }
  | { state: "ended" }
  | { state: "waiting"; opensIn: number }
  | { state: "open"; live: boolean };

export function joinWindow(c: LiveClass, now: number): JoinWindow {
  if (c.status === "cancelled") return { state: "cancelled" };
  if (c.status === "ended" || now >= Date.parse(c.endsAt)) return { state: "ended" };
  const opens = Date.parse(c.opensAt);
  if (now < opens) return { state: "waiting", opensIn: opens - now };
  return { state: "open", live: now >= Date.parse(c.startsAt) };
}

/** "Tue 3 Mar, 14:30": how the campus writes a class's time, in the reader's own time zone. */
export function classTime(iso: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(iso));
}

export function clockTime(iso: string): string {
  return new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
}

/** The value of a `datetime-local` input for an instant, in the reader's time zone. */
export function toLocalInput(iso: string | Date): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value (the reader's time) as an ISO instant; null when empty or invalid. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export const rateText = (rate: number | null) =>
  rate === null ? "No classes yet" : `${Math.round(rate * 100)}%`;

export const STATUS_LABEL: Record<RollCallStatus, string> = {
  present: "Present",
  late: "Late",
  absent: "Absent",
  excused: "Excused",
};
