/**
 * The institution's own pages (About, Contact, FAQ), from configuration: `lectern.config.ts` reads
 * them from the environment (docs/configuration.md lists the settings); anything left unset keeps
 * a sensible default written for any campus.
 */
export interface Faq {
  question: string;
  answer: string;
}

export interface Institution {
  /** The About page: paragraphs separated by a blank line. */
  about: string;
  /** Where people write to; shown as a mailto link. */
  email: string;
  phone: string | null;
  /** A postal address, lines separated by commas or new lines. */
  address: string | null;
  /** Office hours or expected reply time, a sentence. */
  hours: string | null;
  faq: Faq[];
}

export function defaultInstitution(name: string): Institution {
  return {
    about: [
      `${name} offers courses taught by real instructors, open to anyone who wants to learn. Every course is reviewed before it is published, and you learn at your own pace: materials stay available, and exams tell you where you stand.`,
      "Finish a course and pass its exams to earn a certificate. Each certificate carries a code that anyone — an employer, a school — can check on this site in seconds.",
    ].join("\n\n"),
    email: "hello@campus.localhost",
    phone: null,
    address: null,
    hours: "We answer within two working days.",
    faq: [
      {
        question: "How do I enroll in a course?",
        answer:
          "Create a free account, open the course and choose Enroll. Free courses start at once; paid courses start once the payment is confirmed.",
      },
      {
        question: "Can I learn at my own pace?",
        answer:
          "Yes. Materials stay open for as long as you are enrolled, and your progress is saved as you go. Exams have their own dates and time limits, shown on the course.",
      },
      {
        question: "How do certificates work?",
        answer:
          "When you complete a course and pass its exams, a certificate is issued after an administrator approves it. It carries a code anyone can check on the Verify a certificate page.",
      },
      {
        question: "Can I teach here?",
        answer:
          "Instructors create courses and submit them for review; an administrator publishes them. Contact us to get an instructor account.",
      },
      {
        question: "What happens to my data?",
        answer:
          "Your profile shows what the campus keeps about you. You can download it or delete your account there at any time.",
      },
    ],
  };
}

/** Keeps only well-formed questions; anything else in the setting falls back to the defaults. */
export function parseFaq(json: string | undefined): Faq[] | undefined {
  if (!json) return undefined;
  try {
    const value: unknown = JSON.parse(json);
    if (!Array.isArray(value)) return undefined;
    const items = value.filter(
      (item): item is Faq =>
        typeof item?.question === "string" &&
        typeof item?.answer === "string" &&
        item.question.trim() !== "" &&
        item.answer.trim() !== "",
    );
    return items.length > 0
      ? items.map((item) => ({ question: item.question, answer: item.answer }))
      : undefined;
  } catch {
    return undefined;
  }
}

export function defineInstitution(
  name: string,
  overrides: Partial<{ [K in keyof Institution]: Institution[K] | undefined }>,
): Institution {
  const picked = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined && v !== ""));
  return { ...defaultInstitution(name), ...picked };
}

/** Paragraphs of plain text (configuration is never HTML: nothing in it can inject markup). */
export function paragraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
}
