import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { captureBothWidths, settled, signInThroughDialog } from "./browser.js";
import { campusTour } from "./tour-setup.js";

const PASSWORD = "lectern-demo";
const COURSE = "Statistics for Data Analysis";

/** What a person reads must never be machinery: routes, problem types, validator paths, stray values. */
async function expectHumanText(page: Page): Promise<void> {
  // innerText, not textContent: what is rendered for people, without scripts and hidden nodes.
  // biome-ignore lint/performance/useDomNodeTextContent: the visible text is the point
  const text = await page.locator("main").innerText();
  expect(text).not.toMatch(/\/api\/|problem\+json|errors\[|"type"|\bundefined\b|\bnull\b|NaN|\[object/);
}

/** A `datetime-local` value `minutes` from now in the browser's time zone. */
function localInput(page: Page, minutes: number): Promise<string> {
  return page.evaluate((m) => {
    const d = new Date(Date.now() + m * 60_000);
    const pad = (n: number) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }, minutes);
}

async function goByNav(page: Page, label: string, path: string): Promise<void> {
  await Promise.all([
    page.waitForURL(`**${path}`),
    page.getByRole("navigation", { name: "Dashboard" }).first().getByRole("link", { name: label }).click(),
  ]);
  await settled(page);
}

const tour = campusTour();

/** The machine these tours run on is shared and slow; a person would wait this long too. */
async function open(): Promise<Page> {
  const page = await tour.open();
  page.context().setDefaultTimeout(60_000);
  page.context().setDefaultNavigationTimeout(60_000);
  return page;
}

describe.sequential("live classes and attendance, in Chromium", () => {
  let instructor: Page;
  let student: Page;

  it("lets the instructor schedule a Jitsi class and a weekly series, then move and cancel one occurrence", async () => {
    instructor = await open();
    await signInThroughDialog(instructor, "instructor", "instructor@example.com", PASSWORD);
    await goByNav(instructor, "Live classes", "/instructor/live");
    await instructor.getByLabel("Course").selectOption({ label: COURSE });
    await settled(instructor);
    const form = instructor.getByRole("form", { name: "Schedule a live class" });
    await expect(form.getByLabel("Video platform").inputValue()).resolves.toBe("jitsi");

    // A mistake first: the message sits under its field, in words.
    await form.getByRole("button", { name: "Schedule the class" }).click();
    await form.getByText("A title is required.").waitFor();
    await expect(form.getByLabel("Title").getAttribute("aria-invalid")).resolves.toBe("true");
    await form.getByLabel("Starts at (your time)").fill(await localInput(instructor, -60));
    await form.getByLabel("Title").fill("Tour: regression clinic");
    await form.getByRole("button", { name: "Schedule the class" }).click();
    await form.getByText("A class must start in the future.").waitFor();
    await expectHumanText(instructor);

    // Starting in five minutes: the join window (15 minutes before) is already open.
    await form.getByLabel("Starts at (your time)").fill(await localInput(instructor, 5));
    await form.getByLabel("Length in minutes").fill("45");
    await form.getByRole("button", { name: "Schedule the class" }).click();
    await instructor.getByText("Class scheduled").waitFor();
    const upcoming = instructor.getByRole("list", { name: "Upcoming classes" });
    const rowsOf = (title: string) => upcoming.getByRole("listitem").filter({ hasText: title });
    await rowsOf("Tour: regression clinic").first().waitFor();

    await form.getByLabel("Title").fill("Tour: weekly seminar");
    await form.getByLabel("Starts at (your time)").fill(await localInput(instructor, 3 * 24 * 60));
    await form.getByLabel("Every week at the same local time").check();
    await form.getByLabel("Number of classes").fill("3");
    await form.getByRole("button", { name: "Schedule the series" }).click();
    await instructor.getByText("3 weekly classes scheduled").waitFor();
    await rowsOf("Tour: weekly seminar").nth(2).waitFor();
    await expect(rowsOf("Tour: weekly seminar").count()).resolves.toBe(3);

    // Cancel the second occurrence; the others stay.
    await upcoming
      .getByRole("button", { name: /^Cancel Tour: weekly seminar/ })
      .nth(1)
      .click();
    const confirm = instructor.getByRole("dialog");
    await confirm.getByText("Only this class is cancelled").waitFor();
    await confirm.getByRole("button", { name: "Cancel the class" }).click();
    await instructor.getByText("Your students see it as cancelled.").waitFor();
    await rowsOf("Tour: weekly seminar").nth(1).getByText("Cancelled").waitFor();

    // Move the third an hour later.
    await upcoming
      .getByRole("button", { name: /^Move Tour: weekly seminar/ })
      .last()
      .click();
    const move = instructor.getByRole("dialog");
    await move.getByLabel("New start (your time)").fill(await localInput(instructor, 17 * 24 * 60 + 60));
    await move.getByRole("button", { name: "Move the class" }).click();
    await instructor.getByText("Class moved").waitFor();
    await expectHumanText(instructor);
    await captureBothWidths(instructor, "instructor-live-classes");
  });

  it("shows the student the schedule with countdowns, lets them join through the redirect, and gives a calendar link", async () => {
    student = await open();
    await signInThroughDialog(student, "student", "student@example.com", PASSWORD);
    // The dashboard's widget.
    await student.getByRole("heading", { name: "Next live classes" }).waitFor();
    await goByNav(student, "Live classes", "/student/live");
    const list = student.getByRole("list", { name: "Upcoming live classes" });
    const clinic = list.getByRole("listitem").filter({ hasText: "Tour: regression clinic" });
    await clinic.getByText(/Starts in \d+ min/).waitFor();
    // The seminar's window is days away: a countdown, not a button.
    const seminar = list.getByRole("listitem").filter({ hasText: "Tour: weekly seminar" }).first();
    await expect(seminar.getByRole("button", { name: /Opens at \d\d:\d\d/ }).isDisabled()).resolves.toBe(
      true,
    );
    await list.getByText("Your instructor cancelled this class.").waitFor();
    await expectHumanText(student);

    const calendar = student.getByRole("button", { name: "Get my calendar link" });
    await calendar.click();
    const feedUrl = await student.getByLabel("Your calendar link").inputValue();
    expect(feedUrl).toMatch(/\/api\/me\/calendar\.ics\?token=/);
    const feed = await student.request.get(feedUrl.replace(/^https?:\/\/[^/]+/, tour.campus.url));
    expect(feed.status()).toBe(200);
    const ics = await feed.text();
    expect(ics).toContain("BEGIN:VCALENDAR");
    expect(ics).toContain("SUMMARY:Tour: regression clinic");
    expect(ics).toContain("STATUS:CANCELLED");
    await captureBothWidths(student, "student-live-classes");

    // Join: the campus asks the join route as the student and follows its redirect to a link made
    // for them on the platform. The meeting itself is not part of the tour (and this machine has no
    // route to the internet): the browser setting off for it is what is checked.
    const [platform] = await Promise.all([
      student.waitForRequest((request) => request.url().startsWith("https://meet.jit.si/")),
      clinic.getByRole("link", { name: "Join Tour: regression clinic" }).click(),
    ]);
    expect(platform.url()).toMatch(/^https:\/\/meet\.jit\.si\/lectern-[0-9a-f]{32}/);
    await student.waitForURL((url) => url.protocol === "chrome-error:" || url.hostname === "meet.jit.si");
  });

  it("tells the student in words when a class is not open yet or was cancelled", async () => {
    const classes = (await (await student.request.get("/api/me/live-classes?limit=100")).json()) as {
      items: { id: string; title: string; status: string }[];
    };
    const seminars = classes.items.filter((c) => c.title === "Tour: weekly seminar");
    const cancelled = seminars.find((c) => c.status === "cancelled")!;
    const later = seminars.find((c) => c.status === "scheduled")!;
    await student.goto(`/live/${later.id}/join`);
    await settled(student);
    await student.getByRole("heading", { name: /This class opens at \d\d:\d\d/ }).waitFor();
    await expectHumanText(student);
    await student.goto(`/live/${cancelled.id}/join`);
    await settled(student);
    await student.getByRole("heading", { name: "This class was cancelled" }).waitFor();
    await expectHumanText(student);
    await captureBothWidths(student, "student-join-cancelled");
  });

  it("shows the student their own attendance with a chart", async () => {
    await student.goto("/student");
    await settled(student);
    await goByNav(student, "Attendance", "/student/attendance");
    await student.locator('[data-testid="my-attendance-chart"][data-ready]').waitFor();
    await expect(
      student
        .getByRole("img", {
          name: /Share of live classes attended per course: .*Statistics for Data Analysis 50%/,
        })
        .count(),
    ).resolves.toBe(1);
    await student.getByRole("heading", { name: COURSE }).waitFor();
    await expectHumanText(student);
    await captureBothWidths(student, "student-attendance");
  });

  it("lets the instructor take the roll for a held class, overriding what was recorded", async () => {
    await instructor.goto("/instructor/live");
    await settled(instructor);
    await instructor.getByLabel("Course").selectOption({ label: COURSE });
    await settled(instructor);
    const past = instructor.getByRole("list", { name: "Past classes" });
    // The second class of the seeded series, which the demo student missed.
    await Promise.all([
      instructor.waitForURL("**/instructor/live/*"),
      past.getByRole("link", { name: /^Roll call for Live problem class 3/ }).click(),
    ]);
    await settled(instructor);
    const row = instructor.getByRole("row").filter({ hasText: "Sofia Student" });
    const recorded = row.getByRole("cell").nth(2);
    await recorded.getByText("Absent").waitFor();
    await row.getByLabel("Mark for Sofia Student").selectOption("excused");
    await instructor.getByRole("button", { name: "Save the roll call" }).click();
    await instructor.getByText("Roll call saved").waitFor();
    await recorded.getByText("by roll call").waitFor();
    await recorded.getByText("Excused").waitFor();
    await expectHumanText(instructor);
    await captureBothWidths(instructor, "instructor-roll-call");
  });

  it("shows the instructor the course's report with a chart, CSV and the low-attendance list", async () => {
    await instructor.goto("/instructor");
    await settled(instructor);
    await instructor.getByRole("heading", { name: "Low attendance" }).waitFor();
    await goByNav(instructor, "Attendance", "/instructor/attendance");
    await instructor.getByLabel("Course").selectOption({ label: COURSE });
    await settled(instructor);
    await instructor.locator('[data-testid="course-attendance-chart"][data-ready]').waitFor();
    // Sofia: 2 of 3 counted classes now that one is excused (67%), still under 75%.
    const low = instructor.getByRole("list", { name: "Students with low attendance" });
    await low.getByText("Sofia Student").waitFor();
    await low.getByText("67%").waitFor();
    const csvHref = await instructor.getByRole("link", { name: "Download CSV" }).getAttribute("href");
    const csv = await instructor.request.get(csvHref!);
    expect(csv.headers()["content-type"]).toContain("text/csv");
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toMatch(/^Student,Email,Classes held,Attended,Excused,Rate %,/);
    expect(lines.find((l) => l.startsWith("Sofia Student,"))).toMatch(/,4,2,1,66\.7,/);
    await expectHumanText(instructor);
    await captureBothWidths(instructor, "instructor-attendance");
  });

  it("shows the admin the institution's attendance across courses, with its CSV", async () => {
    const admin = await open();
    await signInThroughDialog(admin, "admin", "admin@example.com", PASSWORD);
    await admin.locator('[data-testid="institution-attendance-chart"][data-ready]').waitFor();
    await goByNav(admin, "Attendance", "/admin/attendance");
    const table = admin.getByRole("region", { name: "Class attendance per course" });
    await table.getByText(COURSE).waitFor();
    await table.getByText("Python for Absolute Beginners").waitFor();
    const csvHref = await admin.getByRole("link", { name: "Download CSV" }).getAttribute("href");
    const csv = await admin.request.get(csvHref!);
    expect((await csv.text()).split("\r\n")[0]).toBe("Course,Classes held,Students,Rate %");
    await expectHumanText(admin);
    await captureBothWidths(admin, "admin-attendance");
  });
});
