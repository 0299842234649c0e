import type { Problem } from "@lectern/client";

/**
 * Problem+json as a person reads it. The API's `detail` is written for people, but validator
 * messages ("Too small: expected string to have >=1 characters"), route names ("There is no route
 * POST …") and field paths ("questions.0.prompt") are machinery: they become sentences here, once,
 * for every page and island.
 */

/** Words that give machinery away; a text containing one is replaced by a plain sentence. */
const MACHINERY = [
  /\bno route\b/i,
  /\broute\b/i,
  /expected (string|number|array|object|boolean)/i,
  /\bToo (small|big)\b/,
  /\breceived (undefined|null|string|number)/i,
  /\bInvalid input\b/,
  /\bat (\w+\.)+\w+ \(/, // a stack frame
  /\bUnrecognized key/i,
  /[a-z]+\.\d+\.[a-z]+/i, // a validator path such as questions.0.prompt
];

export function looksLikeMachinery(text: string | undefined | null): boolean {
  return Boolean(text && MACHINERY.some((pattern) => pattern.test(text)));
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** One validator message as a sentence about the field it concerns. */
export function humanizeMessage(message: string): string {
  const text = message.trim();
  let match = /Too small: expected string to have >=?(\d+) characters?/i.exec(text);
  if (match) return Number(match[1]) <= 1 ? "This can't be empty." : `Use at least ${match[1]} characters.`;
  match = /Too big: expected string to have <=?(\d+) characters?/i.exec(text);
  if (match) return `Keep it to ${match[1]} characters or fewer.`;
  match = /Too small: expected array to have >=?(\d+) items?/i.exec(text);
  if (match) return `Add at least ${plural(Number(match[1]), "item")}.`;
  match = /Too big: expected array to have <=?(\d+) items?/i.exec(text);
  if (match) return `Use at most ${plural(Number(match[1]), "item")}.`;
  match = /Too small: expected number to be >(=?)(-?[\d.]+)/i.exec(text);
  if (match) return match[1] ? `Enter ${match[2]} or more.` : `Enter a number above ${match[2]}.`;
  match = /Too big: expected number to be <(=?)(-?[\d.]+)/i.exec(text);
  if (match) return match[1] ? `Enter ${match[2]} or less.` : `Enter a number below ${match[2]}.`;
  if (/expected (string|number|boolean|array|object), received (undefined|null)/i.test(text))
    return "This is required.";
  if (/expected number/i.test(text)) return "Enter a number.";
  if (/expected (string|boolean|array|object)/i.test(text)) return "This value is not valid.";
  if (/invalid email/i.test(text)) return "Enter a valid email address.";
  if (/invalid (url|uri)/i.test(text)) return "Enter a full web address, starting with https://.";
  if (/invalid (uuid|guid)/i.test(text)) return "This reference is not valid. Reload the page and try again.";
  if (/invalid (option|enum value)/i.test(text)) return "Choose one of the options.";
  if (/invalid (date|datetime|iso)/i.test(text)) return "Enter a valid date.";
  if (/unrecognized key/i.test(text)) return "This field is not expected here.";
  if (/control character/i.test(text)) return "Remove the invisible control characters from this text.";
  if (looksLikeMachinery(text)) return "This value is not valid.";
  return text;
}

/** What a status means to a person, when the problem's own words give machinery away. */
function sentenceForStatus(status: number): { title: string; detail: string } {
  if (status === 0) return { title: "Something went wrong", detail: "Check your connection and try again." };
  if (status === 401) return { title: "Please sign in", detail: "Your session has ended. Sign in again." };
  if (status === 403)
    return {
      title: "Not allowed",
      detail: "Your account cannot do this. Ask an administrator if you need to.",
    };
  if (status === 404 || status === 405 || status === 501)
    return { title: "Not available", detail: "This is not available on this campus." };
  if (status === 409)
    return { title: "Already changed", detail: "This changed in the meantime. Reload and try again." };
  if (status === 413) return { title: "Too large", detail: "The file is too large." };
  if (status === 415) return { title: "File type not accepted", detail: "Choose a file of another type." };
  if (status === 422 || status === 400)
    return { title: "Please check the form", detail: "Some fields need another look." };
  if (status === 429) return { title: "Too many attempts", detail: "Wait a moment and try again." };
  return { title: "Something went wrong", detail: "Please try again in a moment." };
}

/** Field names the API uses, as words (the last path segment decides). */
const FIELD_WORDS: Record<string, string> = {
  prompt: "the question",
  text: "the option",
  options: "the options",
  accepted: "the accepted answers",
  marks: "the marks",
  title: "the title",
  summary: "the summary",
  description: "the description",
  email: "the email",
  password: "the password",
  name: "the name",
  durationMinutes: "the minutes",
  maxAttempts: "the attempts",
  passingPercent: "the pass mark",
  questions: "the questions",
  file: "the file",
};

/** "questions.2.options.1.text" → "Question 3, option 2"; "title" → "Title". */
export function describePath(path: string): string {
  const parts = path.split(".");
  const words: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const next = parts[i + 1];
    if (next !== undefined && /^\d+$/.test(next)) {
      const noun =
        part === "questions"
          ? "Question"
          : part === "options"
            ? "option"
            : part === "accepted"
              ? "accepted answer"
              : "item";
      words.push(`${noun} ${Number(next) + 1}`);
      i++;
    } else if (i === parts.length - 1 && words.length > 0) {
      const word = FIELD_WORDS[part];
      if (word && part !== "text") words.push(word);
    } else if (words.length === 0) {
      const word = FIELD_WORDS[part] ?? part.replace(/([A-Z])/g, " $1").toLowerCase();
      words.push(word.replace(/^the /, ""));
    }
  }
  const sentence = words.join(", ");
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

/** The problem with every text a person will see made human; `errors` keep their paths. */
export function humanizeProblem(problem: Problem): Problem {
  const fallback = sentenceForStatus(problem.status);
  const machineDetail = looksLikeMachinery(problem.detail);
  const errors = problem.errors?.map((error) => ({
    path: error.path,
    message: humanizeMessage(error.message),
  }));
  return {
    ...problem,
    title:
      looksLikeMachinery(problem.title) || problem.title === "Validation failed"
        ? fallback.title
        : problem.title,
    detail: machineDetail || (!problem.detail && problem.status !== 0) ? fallback.detail : problem.detail,
    ...(errors && { errors }),
  };
}

/** The sentence for a toast or an alert next to an action. */
export function problemSentence(problem: Problem): string {
  const human = humanizeProblem(problem);
  if (human.errors?.length === 1) {
    const [only] = human.errors;
    return `${describePath(only!.path)}: ${only!.message}`;
  }
  return human.detail ?? human.title;
}

/**
 * `errors[].path` → field: a map from the first segment (or the full path when `full`) to the
 * sentence shown under that field. Paths the form has no field for land on `form`.
 */
export function fieldErrors(
  problem: Problem,
  fields: readonly string[],
  full = false,
): Record<string, string> {
  const human = humanizeProblem(problem);
  const found: Record<string, string> = {};
  for (const error of human.errors ?? []) {
    const key = full ? error.path : (error.path.split(".")[0] ?? "");
    if (fields.includes(key)) found[key] ??= error.message;
    else found.form ??= `${describePath(error.path)}: ${error.message}`;
  }
  if (Object.keys(found).length === 0) found.form = human.detail ?? human.title;
  return found;
}
