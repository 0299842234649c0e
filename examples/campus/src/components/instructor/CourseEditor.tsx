import * as Tabs from "@radix-ui/react-tabs";
import { type FormEvent, useState } from "react";
import { api, problemOf } from "../../lib/api";
import { formatMoney } from "../../lib/format";
import { fieldErrors } from "../../lib/problems";
import { toast } from "../../lib/toast";
import type { Course, Level } from "../../lib/types";
import AssistantInsights from "../assistant/AssistantInsights";
import { Icon } from "../ui/Icon";
import { Spinner } from "../ui/Spinner";
import { Card, EmptyState, Resource, Skeleton, StatusBadge, useLoad } from "../ui/states";
import { AtRisk } from "./AtRisk";
import { CourseStudents } from "./CourseStudents";
import { CoverField } from "./CoverField";
import { allExamStats } from "./data";
import { Exams } from "./ExamBuilder";
import { PassRates, ScoreDistribution } from "./ExamCharts";
import { MarkdownEditor } from "./MarkdownEditor";
import { Materials } from "./Materials";
import { SubmitForApproval } from "./SubmitChecklist";

type Form = {
  title: string;
  summary: string;
  description: string;
  tags: string;
  level: Level;
  price: string;
  currency: string;
};

function toForm(course?: Course): Form {
  return {
    title: course?.title ?? "",
    summary: course?.summary ?? "",
    description: course?.description ?? "",
    tags: course?.tags.join(", ") ?? "",
    level: course?.level ?? "beginner",
    price: course?.price ? String(course.price.amount / 100) : "",
    currency: course?.price?.currency ?? "USD",
  };
}

const FIELDS = ["title", "summary", "description", "tags", "level", "price"] as const;

function Details({ course, onSaved }: { course?: Course; onSaved: (c: Course) => void }) {
  const [form, setForm] = useState<Form>(() => toForm(course));
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  /** Typing in a field clears that field's problem: a stale message must not outlive its cause. */
  const set = (patch: Partial<Form>) => {
    setForm((f) => ({ ...f, ...patch }));
    const touched = Object.keys(patch).map((key) => (key === "currency" ? "price" : key));
    setErrors((current) =>
      Object.fromEntries(Object.entries(current).filter(([key]) => !touched.includes(key))),
    );
  };

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    const amount = form.price.trim() ? Math.round(Number(form.price) * 100) : 0;
    const body = {
      title: form.title,
      summary: form.summary,
      description: form.description,
      tags: form.tags
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean),
      level: form.level,
      price: amount > 0 ? { amount, currency: form.currency.toUpperCase() } : null,
    };
    try {
      const saved = course
        ? await api().patch<Course>(`/api/courses/${course.id}`, body)
        : await api().post<Course>("/api/courses", body);
      toast(course ? "Changes saved" : "Draft created", "success", saved.title);
      onSaved(saved);
    } catch (error) {
      setErrors(fieldErrors(problemOf(error), FIELDS));
    } finally {
      setBusy(false);
    }
  }

  const err = (key: string) =>
    errors[key] && (
      <p id={`course-${key}-error`} className="mt-1 text-sm text-danger">
        {errors[key]}
      </p>
    );
  return (
    <form onSubmit={save} className="grid gap-6 lg:grid-cols-[1fr_18rem] [&>*]:min-w-0" noValidate>
      <div className="space-y-4">
        {errors.form && (
          <p role="alert" className="rounded-xl bg-danger-soft p-3 text-sm text-danger">
            {errors.form}
          </p>
        )}
        <div>
          <label className="label" htmlFor="course-title">
            Title
          </label>
          <input
            id="course-title"
            className="field"
            value={form.title}
            onChange={(e) => set({ title: e.target.value })}
            aria-invalid={Boolean(errors.title)}
          />
          {err("title")}
        </div>
        <div>
          <label className="label" htmlFor="course-summary">
            Summary <span className="font-normal text-muted">(one or two sentences for the catalog)</span>
          </label>
          <input
            id="course-summary"
            className="field"
            value={form.summary}
            onChange={(e) => set({ summary: e.target.value })}
          />
          {err("summary")}
        </div>
        <div>
          <label className="label" htmlFor="course-description">
            Description
          </label>
          <MarkdownEditor
            id="course-description"
            value={form.description}
            onChange={(description) => set({ description })}
          />
          {err("description")}
        </div>
      </div>
      <div className="space-y-4">
        <div>
          <label className="label" htmlFor="course-level">
            Level
          </label>
          <select
            id="course-level"
            className="field"
            value={form.level}
            onChange={(e) => set({ level: e.target.value as Level })}
          >
            <option value="beginner">Beginner</option>
            <option value="intermediate">Intermediate</option>
            <option value="advanced">Advanced</option>
          </select>
        </div>
        <div>
          <label className="label" htmlFor="course-tags">
            Subjects <span className="font-normal text-muted">(comma separated)</span>
          </label>
          <input
            id="course-tags"
            className="field"
            value={form.tags}
            onChange={(e) => set({ tags: e.target.value })}
            placeholder="python, programming"
          />
          {err("tags")}
        </div>
        <div className="grid grid-cols-[1fr_5.5rem] gap-2">
          <div>
            <label className="label" htmlFor="course-price">
              Price <span className="font-normal text-muted">(empty = free)</span>
            </label>
            <input
              id="course-price"
              className="field"
              inputMode="decimal"
              value={form.price}
              onChange={(e) => set({ price: e.target.value })}
              placeholder="0.00"
            />
          </div>
          <div>
            <label className="label" htmlFor="course-currency">
              Currency
            </label>
            <input
              id="course-currency"
              className="field uppercase"
              maxLength={3}
              value={form.currency}
              onChange={(e) => set({ currency: e.target.value })}
            />
          </div>
        </div>
        {err("price")}
        {course && <CoverField course={course} onSaved={onSaved} />}
        <button type="submit" className="btn-primary w-full" disabled={busy}>
          {busy && <Spinner />} {course ? "Save changes" : "Create draft"}
        </button>
      </div>
    </form>
  );
}

function Analytics({ course }: { course: Course }) {
  const stats = useLoad(() => allExamStats([course]), [course.id]);
  return (
    <Resource state={stats.state} onRetry={stats.reload}>
      {(list) =>
        list.every((s) => s.attempts.length === 0) ? (
          <EmptyState icon="chart" title="No exam attempts yet">
            Score distributions and pass rates appear once students take this course's exams.
          </EmptyState>
        ) : (
          <div className="grid gap-6 lg:grid-cols-2 [&>*]:min-w-0">
            <Card title="Score distribution">
              <ScoreDistribution stats={list} />
            </Card>
            <Card title="Pass rate per exam">
              <PassRates stats={list} />
            </Card>
          </div>
        )
      }
    </Resource>
  );
}

export default function CourseEditor({ courseId }: { courseId?: string }) {
  const course = useLoad(
    async () => (courseId ? api().get<Course>(`/api/courses/${courseId}`) : null),
    [courseId],
  );
  const [tab, setTab] = useState("details");

  if (!courseId)
    return (
      <div className="space-y-6">
        <div>
          <a
            href="/instructor/courses"
            className="inline-flex items-center gap-1 text-sm text-muted no-underline hover:text-ink"
          >
            <Icon name="arrowLeft" className="h-4 w-4" /> Courses
          </a>
          <h1 className="page-title mt-1">New course</h1>
          <p className="mt-1 text-muted">Start with the details; add materials and exams next.</p>
        </div>
        <Details onSaved={(c) => window.location.assign(`/instructor/courses/${c.id}?created=1`)} />
      </div>
    );

  return (
    <Resource state={course.state} onRetry={course.reload} skeleton={<Skeleton className="h-96 w-full" />}>
      {(c) => {
        if (!c) return null;
        const canSubmit = c.status === "draft" || c.status === "rejected";
        return (
          <div className="space-y-6">
            <div className="flex flex-wrap items-end justify-between gap-4">
              <div>
                <a
                  href="/instructor/courses"
                  className="inline-flex items-center gap-1 text-sm text-muted no-underline hover:text-ink"
                >
                  <Icon name="arrowLeft" className="h-4 w-4" /> Courses
                </a>
                <h1 className="page-title mt-1 flex flex-wrap items-center gap-3">
                  {c.title} <StatusBadge status={c.status} />
                </h1>
                <p className="mt-1 text-sm text-muted">
                  {formatMoney(c.price)} · {c.enrolledCount} enrolled
                </p>
                {c.status === "rejected" && c.rejectionReason && (
                  <p className="mt-2 rounded-lg bg-danger-soft px-3 py-2 text-sm text-danger">
                    Reviewer: {c.rejectionReason}
                  </p>
                )}
              </div>
              <div className="flex gap-2">
                <a href={`/courses/${c.id}`} className="btn-secondary" target="_blank" rel="noreferrer">
                  Preview
                </a>
                {canSubmit && <SubmitForApproval course={c} onSubmitted={(saved) => course.set(saved)} />}
              </div>
            </div>
            <Tabs.Root value={tab} onValueChange={setTab}>
              <Tabs.List
                aria-label="Course editor"
                className="flex gap-1 overflow-x-auto border-b border-line"
              >
                {[
                  ["details", "Details"],
                  ["materials", "Outline & materials"],
                  ["exams", "Exams"],
                  ["students", "Students"],
                  ["analytics", "Analytics"],
                  ["at-risk", "At risk"],
                  ["assistant", "Assistant"],
                ].map(([value, label]) => (
                  <Tabs.Trigger
                    key={value}
                    value={value!}
                    className="-mb-px whitespace-nowrap border-b-2 border-transparent px-4 py-2.5 text-sm font-medium text-muted transition hover:text-ink data-[state=active]:border-primary data-[state=active]:text-primary-ink"
                  >
                    {label}
                  </Tabs.Trigger>
                ))}
              </Tabs.List>
              <div className="pt-6">
                <Tabs.Content value="details">
                  <Details course={c} onSaved={(saved) => course.set({ ...c, ...saved })} />
                </Tabs.Content>
                <Tabs.Content value="materials">
                  <Materials courseId={c.id} />
                </Tabs.Content>
                <Tabs.Content value="exams">
                  <Exams courseId={c.id} />
                </Tabs.Content>
                <Tabs.Content value="students">
                  <CourseStudents courseId={c.id} />
                </Tabs.Content>
                <Tabs.Content value="analytics">
                  <Analytics course={c} />
                </Tabs.Content>
                <Tabs.Content value="at-risk">
                  <AtRisk courseId={c.id} />
                </Tabs.Content>
                <Tabs.Content value="assistant">
                  <AssistantInsights courseId={c.id} />
                </Tabs.Content>
              </div>
            </Tabs.Root>
          </div>
        );
      }}
    </Resource>
  );
}
