import { ExamAccess } from "./service/access.js";
import { ExamAttempts } from "./service/attempts.js";
import { ExamAuthoring } from "./service/authoring.js";
import { ExamsState } from "./service/context.js";
import { ExamGradebook } from "./service/gradebook.js";
import type { ExamsServiceDeps } from "./service/types.js";
import { ExamViews } from "./service/views.js";

export { COMPLETION_JOB } from "./service/context.js";
export type {
  Attempt,
  AttemptAnswer,
  AttemptQuestion,
  Exam,
  ExamGrade,
  ExamPatch,
  ExamsServiceDeps,
  Gradebook,
  GradebookRow,
  GradeInput,
  ImportWarning,
  MyGrade,
} from "./service/types.js";

/**
 * Exams: authoring, attempts and grades. Every rule lives in the parts under `service/`; routes
 * only validate input, check the caller's role and call these methods.
 */
export class ExamsService {
  readonly #state: ExamsState;
  readonly #authoring: ExamAuthoring;
  readonly #attempts: ExamAttempts;
  readonly #gradebook: ExamGradebook;

  constructor(deps: ExamsServiceDeps) {
    const state = new ExamsState(deps);
    state.views = new ExamViews(state);
    state.access = new ExamAccess(state);
    this.#state = state;
    this.#authoring = new ExamAuthoring(state);
    this.#attempts = new ExamAttempts(state);
    this.#gradebook = new ExamGradebook(state);
  }

  /** The server secret that keys per-attempt shuffles; set once at start from the plugin's settings. */
  useSecret(secret: string): void {
    this.#state.secret = secret;
  }

  // ExamAuthoring
  readonly createExam: ExamAuthoring["createExam"] = (...args) => this.#authoring.createExam(...args);
  readonly updateExam: ExamAuthoring["updateExam"] = (...args) => this.#authoring.updateExam(...args);
  readonly deleteExam: ExamAuthoring["deleteExam"] = (...args) => this.#authoring.deleteExam(...args);
  readonly publishExam: ExamAuthoring["publishExam"] = (...args) => this.#authoring.publishExam(...args);
  readonly importExam: ExamAuthoring["importExam"] = (...args) => this.#authoring.importExam(...args);
  readonly getExam: ExamAuthoring["getExam"] = (...args) => this.#authoring.getExam(...args);
  readonly listExams: ExamAuthoring["listExams"] = (...args) => this.#authoring.listExams(...args);

  // ExamAttempts
  readonly startAttempt: ExamAttempts["startAttempt"] = (...args) => this.#attempts.startAttempt(...args);
  readonly saveAnswers: ExamAttempts["saveAnswers"] = (...args) => this.#attempts.saveAnswers(...args);
  readonly submitAttempt: ExamAttempts["submitAttempt"] = (...args) => this.#attempts.submitAttempt(...args);
  readonly getAttempt: ExamAttempts["getAttempt"] = (...args) => this.#attempts.getAttempt(...args);
  readonly listAttempts: ExamAttempts["listAttempts"] = (...args) => this.#attempts.listAttempts(...args);
  readonly gradeManually: ExamAttempts["gradeManually"] = (...args) => this.#attempts.gradeManually(...args);
  readonly expireOverdue: ExamAttempts["expireOverdue"] = (...args) => this.#attempts.expireOverdue(...args);
  readonly endForCancelledEnrollment: ExamAttempts["endForCancelledEnrollment"] = (...args) =>
    this.#attempts.endForCancelledEnrollment(...args);

  // ExamGradebook
  readonly myGrades: ExamGradebook["myGrades"] = (...args) => this.#gradebook.myGrades(...args);
  readonly gradebook: ExamGradebook["gradebook"] = (...args) => this.#gradebook.gradebook(...args);
  readonly gradebookCsv: ExamGradebook["gradebookCsv"] = (...args) => this.#gradebook.gradebookCsv(...args);
  readonly studentColumns: ExamGradebook["studentColumns"] = (...args) =>
    this.#gradebook.studentColumns(...args);
  readonly examsPassed: ExamGradebook["examsPassed"] = (...args) => this.#gradebook.examsPassed(...args);
  readonly examsTally: ExamGradebook["examsTally"] = (...args) => this.#gradebook.examsTally(...args);

  // ExamAuthoring
  readonly mailPublished: ExamAuthoring["mailPublished"] = (...args) =>
    this.#authoring.mailPublished(...args);
}
