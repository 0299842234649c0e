import { deflateSync } from "node:zlib";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import config from "../lectern.config.js";
import {
  captureBothWidths,
  expectAccessible,
  expectNoRawProblems,
  expectNoSidewaysScroll,
  settled,
  signInThroughDialog,
} from "./browser.js";
import { GIFT_QUESTIONS, tinyPdf } from "./fixtures.js";
import { campusTour } from "./tour-setup.js";

const installed = new Set(config.plugins.map((plugin) => plugin.definition.id));
const PASSWORD = "lectern-demo";
const PHONE = { width: 390, height: 844 };

/** A same-origin API call from the page, as its scripts make them (cookie and Origin included). */
async function call(page: Page, method: string, path: string, body?: unknown) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const response = await fetch(path, {
        method,
        headers: body ? { "Content-Type": "application/json" } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: response.status, body: await response.json().catch(() => null) };
    },
    { method, path, body },
  );
}

/** A solid-colour PNG of the given size (a real image the browser decodes and shows). */
function png(width: number, height: number, rgb: [number, number, number]): Buffer {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = table[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc(body));
    return Buffer.concat([head, body, tail]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3).fill(Buffer.from(rgb))]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(pixels)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

let courseId = "";

// CAMPUS_PORT pins the port where only a range is free to use; otherwise the system picks one.
const port = Number(process.env.CAMPUS_PORT) || undefined;
const tour = campusTour({ port });

describe.sequential("an instructor's course, from cover to review, in Chromium", () => {
  it.runIf(installed.has("courses"))(
    "uploads a cover with a preview, refusing what is not an image in plain words",
    async () => {
      const page = await tour.open();
      await signInThroughDialog(page, "instructor", "instructor@example.com", PASSWORD);
      await page.goto("/instructor/courses/new");
      await settled(page);
      // No cover field before the course exists: it is stored with the course.
      expect(await page.getByLabel("Cover image").count()).toBe(0);
      await page.getByLabel("Title").fill(`Field Sketching ${Date.now() % 100000}`);
      await page.getByLabel(/Summary/).fill("Draw what you see, outdoors, in any weather.");
      await Promise.all([
        page.waitForURL(/\/instructor\/courses\/[0-9a-f-]{36}/),
        page.getByRole("button", { name: "Create draft" }).click(),
      ]);
      await settled(page);
      courseId = /courses\/([0-9a-f-]{36})/.exec(page.url())![1]!;

      const cover = page.getByLabel("Cover image");
      await page.getByText("No cover yet").waitFor();
      // Too big: refused before anything is sent.
      await cover.setInputFiles({
        name: "huge.png",
        mimeType: "image/png",
        buffer: Buffer.alloc(6 * 1024 * 1024),
      });
      await page.getByRole("alert").filter({ hasText: "at most 5 MB" }).waitFor();
      expect(await page.getByRole("button", { name: "Upload cover" }).count()).toBe(0);
      // Named and typed like an image, but a PDF: the server reads the bytes and refuses it.
      await cover.setInputFiles({
        name: "sketch.png",
        mimeType: "image/png",
        buffer: tinyPdf("not an image"),
      });
      await page.getByTestId("cover-preview").waitFor();
      await page.getByRole("button", { name: "Upload cover" }).click();
      const refused = page.getByRole("alert").filter({ hasText: /image|type|kind|format/i });
      await refused.waitFor();
      await expectNoRawProblems(page, "the refused cover");
      await expectAccessible(page, "the cover field with a problem");

      await cover.setInputFiles({
        name: "cover.png",
        mimeType: "image/png",
        buffer: png(320, 180, [40, 90, 200]),
      });
      const preview = page.getByTestId("cover-preview");
      await preview.waitFor();
      await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(320);
      // The earlier refusal went with the file that caused it.
      await expect.poll(() => page.locator("#course-cover-error").count()).toBe(0);
      await page.getByRole("button", { name: "Upload cover" }).click();
      await page.getByText("Cover uploaded").waitFor();
      const current = page.getByTestId("cover-current");
      await current.waitFor();
      await expect.poll(() => current.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(320);
      const course = await call(page, "GET", `/api/courses/${courseId}`);
      expect(course.body.coverUrl).toBe(`/api/courses/${courseId}/cover`);
      await captureBothWidths(page, "instructor-course-cover");
    },
  );

  it.runIf(installed.has("courses"))(
    "shows the checklist before submitting and holds the course back until every item is done",
    async () => {
      const page = await tour.open();
      await signInThroughDialog(page, "instructor", "instructor@example.com", PASSWORD);
      await page.goto(`/instructor/courses/${courseId}`);
      await settled(page);
      const dialog = page.getByRole("dialog");
      const item = (key: string) => dialog.getByTestId(`check-${key}`);
      const submit = dialog.getByRole("button", { name: "Submit for approval" });

      await page.getByRole("button", { name: "Submit for approval" }).click();
      await dialog.getByText("Before you submit").waitFor();
      await dialog.getByTestId("submit-checklist").waitFor();
      expect(await item("description").getAttribute("data-met")).toBe("false");
      expect(await item("sections").getAttribute("data-met")).toBe("false");
      expect(await submit.isDisabled()).toBe(true);
      await expectAccessible(page, "the checklist, nothing done");
      await dialog.getByRole("button", { name: "Close" }).click();
      await dialog.waitFor({ state: "hidden" });

      await page
        .getByRole("textbox", { name: "Description" })
        .fill("Pencil, ink and watercolour, from the first line to a finished page.");
      await page.getByRole("button", { name: "Save changes" }).click();
      await page.getByText("Changes saved").waitFor();

      await page.getByRole("tab", { name: "Outline & materials" }).click();
      for (const title of ["Week 1", "Week 2"]) {
        await page.getByLabel("Section title").fill(title);
        await page.getByRole("button", { name: "Add", exact: true }).click();
        await page.locator(`[data-testid=outline-section][data-section="${title}"]`).waitFor();
      }
      await page.getByLabel("Section", { exact: true }).selectOption({ label: "Week 1" });
      await page.getByLabel("Title", { exact: true }).fill("Materials list");
      await page.getByLabel("File").setInputFiles({
        name: "materials.pdf",
        mimeType: "application/pdf",
        buffer: tinyPdf("Materials list"),
      });
      await page.getByRole("button", { name: "Upload" }).click();
      const week = (title: string) => page.locator(`[data-testid=outline-section][data-section="${title}"]`);
      const material = week("Week 1").getByTestId("outline-material").filter({ hasText: "Materials list" });
      await material.waitFor();
      // Drag and drop with the mouse, as a person would: Week 1 → Week 2.
      await material.getByTitle("Drag to another section").dragTo(week("Week 2"));
      await week("Week 2").getByTestId("outline-material").filter({ hasText: "Materials list" }).waitFor();
      expect(await week("Week 1").getByTestId("outline-material").count()).toBe(0);
      // The keyboard way stays: the "Move to" list takes it back.
      await page.getByLabel("Move Materials list to").selectOption({ label: "Week 1" });
      await week("Week 1").getByTestId("outline-material").filter({ hasText: "Materials list" }).waitFor();

      if (installed.has("exams")) {
        await page.getByRole("tab", { name: "Exams" }).click();
        await page.getByRole("button", { name: "Import GIFT" }).click();
        await page.getByLabel("Text").fill(GIFT_QUESTIONS);
        await page.getByRole("dialog").getByRole("button", { name: "Import" }).click();
        await page.getByText("Questions imported").waitFor();
      }

      await page.getByRole("button", { name: "Submit for approval" }).click();
      await dialog.getByTestId("submit-checklist").waitFor();
      expect(await item("description").getAttribute("data-met")).toBe("true");
      expect(await item("sections").getAttribute("data-met")).toBe("true");
      if (installed.has("exams")) {
        expect(await item("exams").getAttribute("data-met")).toBe("false");
        expect(await submit.isDisabled()).toBe(true);
        await captureBothWidths(page, "instructor-submit-checklist");
        await dialog.getByRole("checkbox", { name: /Leave .* out of the course/ }).check();
        expect(await item("exams").getAttribute("data-met")).toBe("true");
      }
      expect(await submit.isDisabled()).toBe(false);
      await submit.click();
      await page.getByText("Submitted for approval").waitFor();
      await dialog.waitFor({ state: "hidden" });
      await page.getByRole("heading", { level: 1 }).getByText("Pending").waitFor();
    },
  );

  it.runIf(installed.has("courses"))(
    "answers a bare submit of an unready course with what is missing (422), on the server too",
    async () => {
      const page = await tour.open();
      await signInThroughDialog(page, "instructor", "instructor@example.com", PASSWORD);
      const created = await call(page, "POST", "/api/courses", {
        title: `Unready ${Date.now() % 100000}`,
        summary: "Nothing in it yet.",
        description: "",
        tags: [],
        level: "beginner",
      });
      const res = await call(page, "POST", `/api/courses/${created.body.id}/submit`);
      expect(res.status).toBe(422);
      expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
        "description",
        "sections",
      ]);
      // From the courses list, the same checklist opens instead of a bare submit.
      await page.goto("/instructor/courses");
      await settled(page);
      await page.getByRole("button", { name: `Submit ${created.body.title} for approval` }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByTestId("submit-checklist").waitFor();
      expect(await dialog.getByRole("button", { name: "Submit for approval" }).isDisabled()).toBe(true);
      await dialog.getByRole("button", { name: "Close" }).click();
      await call(page, "DELETE", `/api/courses/${created.body.id}`);
    },
  );
});

describe.sequential("the instructor's pages on a phone, grading filters and students", () => {
  it.runIf(installed.has("courses"))(
    "never scrolls sideways at 390 px on any instructor page, and passes axe there",
    async () => {
      const page = await tour.open("", PHONE);
      await signInThroughDialog(page, "instructor", "instructor@example.com", PASSWORD);
      const pages = [
        "/instructor",
        "/instructor/courses",
        "/instructor/courses/new",
        `/instructor/courses/${courseId}`,
        "/instructor/students",
        ...(installed.has("exams") ? ["/instructor/grading"] : []),
        ...(installed.has("live-classes") ? ["/instructor/live"] : []),
        ...(installed.has("attendance") ? ["/instructor/attendance"] : []),
      ];
      for (const path of pages) {
        await page.goto(path);
        await settled(page);
        await expectNoSidewaysScroll(page, path);
        await expectAccessible(page, `${path} at 390 px`);
      }
      // Every tab of the course editor, too.
      await page.goto(`/instructor/courses/${courseId}`);
      await settled(page);
      const tabs = page.getByRole("tablist", { name: "Course editor" }).getByRole("tab");
      for (const name of await tabs.allTextContents()) {
        await tabs.filter({ hasText: name }).click();
        await page.waitForLoadState("networkidle");
        await settled(page);
        await expectNoSidewaysScroll(page, `the course editor's ${name} tab`);
      }
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto("/instructor/courses");
      await settled(page);
      await captureBothWidths(page, "instructor-courses");
      await page.goto("/instructor");
      await settled(page);
      await captureBothWidths(page, "instructor-dashboard");
    },
  );

  it.runIf(installed.has("exams"))("filters the grading queue by course and by exam", async () => {
    const instructor = await tour.open();
    await signInThroughDialog(instructor, "instructor", "instructor@example.com", PASSWORD);
    const student = await tour.open();
    await signInThroughDialog(student, "student", "student@example.com", PASSWORD);

    // Two of the instructor's courses the demo student is enrolled in, each with a short answer
    // exam the student answers so that it waits for marks.
    const mine = (await call(instructor, "GET", "/api/instructor/courses?limit=100")).body.items as {
      id: string;
      title: string;
      enrolledCount: number;
    }[];
    const enrolled = new Set(
      (
        (await call(student, "GET", "/api/me/enrollments?limit=100")).body.items as { courseId: string }[]
      ).map((e) => e.courseId),
    );
    const shared = mine.filter((c) => enrolled.has(c.id)).slice(0, 2);
    expect(shared).toHaveLength(2);
    const exams: { id: string; title: string; course: string }[] = [];
    for (const [i, course] of shared.entries()) {
      const title = `Reflection ${i + 1} ${Date.now() % 100000}`;
      const exam = await call(instructor, "POST", `/api/courses/${course.id}/exams`, {
        title,
        questions: [
          { type: "short_answer", prompt: "What did you notice?", marks: 2, accepted: ["nothing"] },
        ],
      });
      expect(exam.status).toBe(201);
      expect((await call(instructor, "POST", `/api/exams/${exam.body.id}/publish`)).status).toBe(200);
      const attempt = await call(student, "POST", `/api/exams/${exam.body.id}/attempts`);
      expect(attempt.status).toBe(201);
      await call(student, "PUT", `/api/attempts/${attempt.body.id}/answers`, {
        answers: [{ questionId: attempt.body.questions[0].id, text: `A thought for ${course.title}` }],
      });
      const submitted = await call(student, "POST", `/api/attempts/${attempt.body.id}/submit`);
      expect(submitted.body.status).toBe("needs_review");
      exams.push({ id: exam.body.id, title, course: course.title });
    }

    const page = instructor;
    await page.goto("/instructor/grading");
    await settled(page);
    const attempts = page.getByTestId("grading-attempt");
    for (const exam of exams) await attempts.filter({ hasText: exam.title }).waitFor();
    await expectAccessible(page, "grading, every course");

    await page.getByLabel("Course").selectOption({ label: exams[0]!.course });
    await settled(page);
    await attempts.filter({ hasText: exams[0]!.title }).waitFor();
    expect(await attempts.filter({ hasText: exams[1]!.title }).count()).toBe(0);
    // The exam list follows the course.
    const examOptions = await page.getByLabel("Exam").locator("option").allTextContents();
    expect(examOptions).toContain(exams[0]!.title);
    expect(examOptions).not.toContain(exams[1]!.title);
    await page.getByLabel("Exam").selectOption({ label: exams[0]!.title });
    await settled(page);
    expect(await attempts.count()).toBe(1);
    await captureBothWidths(page, "instructor-grading");

    await page.getByLabel("Course").selectOption({ label: exams[1]!.course });
    await settled(page);
    await attempts.filter({ hasText: exams[1]!.title }).waitFor();
    expect(await attempts.filter({ hasText: exams[0]!.title }).count()).toBe(0);
    // Grading the one shown empties the filtered queue with a sentence, not a blank.
    const only = attempts.filter({ hasText: exams[1]!.title });
    await only.getByLabel(/Marks/).fill("2");
    await only.getByRole("button", { name: "Save grades" }).click();
    await page.getByText("Nothing to grade here").waitFor();
    await expectAccessible(page, "grading, filtered and empty");
  });

  it.runIf(installed.has("courses"))(
    "opens Students on the course with the most students, not the newest draft",
    async () => {
      const page = await tour.open();
      await signInThroughDialog(page, "instructor", "instructor@example.com", PASSWORD);
      const draft = await call(page, "POST", "/api/courses", {
        title: `Empty draft ${Date.now() % 100000}`,
        summary: "Nobody here yet.",
        description: "",
        tags: [],
        level: "beginner",
      });
      expect(draft.status).toBe(201);
      const mine = (await call(page, "GET", "/api/instructor/courses?limit=100")).body.items as {
        id: string;
        title: string;
        enrolledCount: number;
      }[];
      // The newest course has nobody in it: it must not be the one shown.
      expect(mine[0]!.id).toBe(draft.body.id);
      const busiest = [...mine].sort((a, b) => b.enrolledCount - a.enrolledCount)[0]!;
      expect(busiest.enrolledCount).toBeGreaterThan(0);
      await page.goto("/instructor/students");
      await settled(page);
      const chosen = await page
        .getByLabel("Course")
        .evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.text);
      expect(chosen).toBe(busiest.title);
      await call(page, "DELETE", `/api/courses/${draft.body.id}`);
    },
  );
});
