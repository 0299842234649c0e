import {
  createTestLectern,
  startTestSmtpServer,
  type TestLectern,
  type TestSmtpServer,
  type TestUser,
} from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import { simpleParser } from "mailparser";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { certificates } from "./index.js";
import { courseToComplete, pdfText, pendingRequest, type TestCourse } from "./test-helpers.js";

let smtp: TestSmtpServer;
let t: TestLectern;
let admin: TestUser;
let course: TestCourse;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  t = await createTestLectern({
    publicUrl: "https://campus.example.org",
    mail: {
      from: '"Northfield Institute" <certificates@northfield.example>',
      transport: nodemailer.createTransport(smtp.smtp),
    },
    plugins: [courses(), certificates({ institution: { name: "Northfield Institute" } })],
  });
  admin = await t.createUser("admin");
  course = await courseToComplete(t, await t.createUser("instructor"), admin, "Statistics for Data Analysis");
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

describe("delivery over SMTP", () => {
  it("mails the issued certificate as a PDF attachment whose text holds the holder's name", async () => {
    const { certificate } = await pendingRequest(t, course, {
      name: "Zoë Ñúñez-Øberg",
      email: "zoe@example.org",
    });
    const before = smtp.received.length; // the instructor's "course approved" mail went first
    const issued = await t.as(admin).post(`/api/admin/certificates/${certificate.id}/approve`);
    expect(issued.status).toBe(200);
    expect(smtp.received).toHaveLength(before); // queued with the issuance, sent by a job
    await t.drain();
    expect(smtp.received).toHaveLength(before + 1);

    const mail = await simpleParser(smtp.received.at(-1)!);
    expect(mail.to && "text" in mail.to ? mail.to.text : "").toContain("zoe@example.org");
    expect(mail.from?.text).toContain("certificates@northfield.example");
    expect(mail.subject).toBe("Your certificate: Statistics for Data Analysis");
    expect(mail.text).toContain(issued.body.verifyUrl);
    expect(mail.attachments).toHaveLength(1);
    const [pdf] = mail.attachments;
    expect(pdf!.contentType).toBe("application/pdf");
    expect(pdf!.filename).toBe(`certificate-${issued.body.code}.pdf`);
    expect(pdf!.content.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdf!.content.subarray(-6).toString()).toContain("%%EOF");
    const text = await pdfText(pdf!.content);
    expect(text).toContain("Zoë Ñúñez-Øberg");
    expect(text).toContain(issued.body.code);
  });

  it("keeps the certificate issued while the SMTP server refuses, and delivers once it recovers", async () => {
    const { student, certificate } = await pendingRequest(t, course, { name: "Анна Каренина" });
    smtp.state.refuse = true;
    const before = smtp.received.length;
    expect((await t.as(admin).post(`/api/admin/certificates/${certificate.id}/approve`)).status).toBe(200);
    await t.lectern.jobs.runDue();
    await t.lectern.jobs.runDue();
    expect(smtp.received.length).toBe(before);
    expect(await t.lectern.jobs.failed()).toEqual([]); // retried with backoff, not given up
    expect((await t.as(student).get(`/api/certificates/${certificate.id}`)).body.status).toBe("issued");
    expect((await t.as(admin).post(`/api/admin/certificates/${certificate.id}/approve`)).status).toBe(409);

    smtp.state.refuse = false;
    await t.drain();
    expect(smtp.received.length).toBe(before); // the backoff has not passed yet
    t.clock.advance(5_000);
    await t.drain();
    expect(smtp.received.length).toBe(before + 1);
    const mail = await simpleParser(smtp.received.at(-1)!);
    expect(await pdfText(mail.attachments[0]!.content)).toContain("Анна Каренина");
  });
});
