import { CourseAccess } from "./service/access.js";
import { CourseCaptions } from "./service/captions.js";
import { CourseCatalog } from "./service/catalog.js";
import { CoursesState } from "./service/context.js";
import { CourseEnrollment } from "./service/enrollment.js";
import { CourseReading } from "./service/reading.js";
import { CourseStructure } from "./service/structure.js";
import { CourseSuggestions } from "./service/suggest.js";
import type { CoursesServiceDeps } from "./service/types.js";

export { formatMoney, normaliseTags, slugify } from "./service/context.js";
export type { CourseText, MaterialSource } from "./service/reading.js";
export * from "./service/types.js";

/**
 * Courses, their approval, materials, enrollment and progress. Every rule lives in the parts under
 * `service/`; routes only validate input, check the caller's role and call these methods.
 */
export class CoursesService {
  readonly #catalog: CourseCatalog;
  readonly #structure: CourseStructure;
  readonly #enrollment: CourseEnrollment;
  readonly #reading: CourseReading;
  readonly #suggestions: CourseSuggestions;
  readonly #captions: CourseCaptions;

  constructor(deps: CoursesServiceDeps) {
    const state = new CoursesState(deps);
    state.access = new CourseAccess(state);
    this.#catalog = new CourseCatalog(state);
    this.#structure = new CourseStructure(state);
    this.#enrollment = new CourseEnrollment(state);
    this.#reading = new CourseReading(state);
    this.#suggestions = new CourseSuggestions(state);
    this.#captions = new CourseCaptions(state);
    state.recheckCourse = (courseId, executor) => this.#enrollment.recheckCourse(courseId, executor);
  }

  // CourseReading: for plugins that index and search what courses say
  readonly canReadMaterials: CourseReading["canReadMaterials"] = (...args) =>
    this.#reading.canReadMaterials(...args);
  readonly readableCourseIds: CourseReading["readableCourseIds"] = (...args) =>
    this.#reading.readableCourseIds(...args);
  readonly materialSource: CourseReading["materialSource"] = (...args) =>
    this.#reading.materialSource(...args);
  readonly courseText: CourseReading["courseText"] = (...args) => this.#reading.courseText(...args);

  // CourseCatalog
  readonly createCourse: CourseCatalog["createCourse"] = (...args) => this.#catalog.createCourse(...args);
  readonly updateCourse: CourseCatalog["updateCourse"] = (...args) => this.#catalog.updateCourse(...args);
  readonly deleteCourse: CourseCatalog["deleteCourse"] = (...args) => this.#catalog.deleteCourse(...args);
  readonly archiveCourse: CourseCatalog["archiveCourse"] = (...args) => this.#catalog.archiveCourse(...args);
  readonly submitCourse: CourseCatalog["submitCourse"] = (...args) => this.#catalog.submitCourse(...args);
  readonly approveCourse: CourseCatalog["approveCourse"] = (...args) => this.#catalog.approveCourse(...args);
  readonly rejectCourse: CourseCatalog["rejectCourse"] = (...args) => this.#catalog.rejectCourse(...args);
  readonly mailReviewOutcome: CourseCatalog["mailReviewOutcome"] = (...args) =>
    this.#catalog.mailReviewOutcome(...args);
  readonly getCourse: CourseCatalog["getCourse"] = (...args) => this.#catalog.getCourse(...args);
  readonly listCatalog: CourseCatalog["listCatalog"] = (...args) => this.#catalog.listCatalog(...args);
  // CourseSuggestions: "did you mean" for a search that found nothing
  readonly suggestSearch: CourseSuggestions["suggestSearch"] = (...args) =>
    this.#suggestions.suggestSearch(...args);
  readonly trigramAvailable: CourseSuggestions["trigramAvailable"] = () =>
    this.#suggestions.trigramAvailable();
  readonly listCourses: CourseCatalog["listCourses"] = (...args) => this.#catalog.listCourses(...args);
  readonly setCover: CourseCatalog["setCover"] = (...args) => this.#catalog.setCover(...args);
  readonly openCover: CourseCatalog["openCover"] = (...args) => this.#catalog.openCover(...args);
  readonly requireManageable: CourseCatalog["requireManageable"] = (...args) =>
    this.#catalog.requireManageable(...args);
  readonly canManage: CourseCatalog["canManage"] = (...args) => this.#catalog.canManage(...args);

  // CourseEnrollment
  readonly isEnrolled: CourseEnrollment["isEnrolled"] = (...args) => this.#enrollment.isEnrolled(...args);
  readonly enrollmentOf: CourseEnrollment["enrollmentOf"] = (...args) =>
    this.#enrollment.enrollmentOf(...args);
  readonly findEnrollment: CourseEnrollment["findEnrollment"] = (...args) =>
    this.#enrollment.findEnrollment(...args);
  readonly activeStudents: CourseEnrollment["activeStudents"] = (...args) =>
    this.#enrollment.activeStudents(...args);

  // CourseCatalog
  readonly courseSummaries: CourseCatalog["courseSummaries"] = (...args) =>
    this.#catalog.courseSummaries(...args);

  // CourseEnrollment
  readonly cancelEnrollment: CourseEnrollment["cancelEnrollment"] = (...args) =>
    this.#enrollment.cancelEnrollment(...args);

  // CourseCatalog
  readonly findCourse: CourseCatalog["findCourse"] = (...args) => this.#catalog.findCourse(...args);

  // CourseStructure
  readonly createSection: CourseStructure["createSection"] = (...args) =>
    this.#structure.createSection(...args);
  readonly updateSection: CourseStructure["updateSection"] = (...args) =>
    this.#structure.updateSection(...args);
  readonly deleteSection: CourseStructure["deleteSection"] = (...args) =>
    this.#structure.deleteSection(...args);
  readonly listSections: CourseStructure["listSections"] = (...args) => this.#structure.listSections(...args);
  readonly addMaterial: CourseStructure["addMaterial"] = (...args) => this.#structure.addMaterial(...args);
  readonly updateMaterial: CourseStructure["updateMaterial"] = (...args) =>
    this.#structure.updateMaterial(...args);
  readonly deleteMaterial: CourseStructure["deleteMaterial"] = (...args) =>
    this.#structure.deleteMaterial(...args);
  readonly listMaterials: CourseStructure["listMaterials"] = (...args) =>
    this.#structure.listMaterials(...args);
  readonly openMaterial: CourseStructure["openMaterial"] = (...args) => this.#structure.openMaterial(...args);

  // CourseCaptions
  readonly requireManageableMaterial: CourseCaptions["requireManageableMaterial"] = (...args) =>
    this.#captions.requireManageableMaterial(...args);
  readonly setCaptions: CourseCaptions["setCaptions"] = (...args) => this.#captions.setCaptions(...args);
  readonly removeCaptions: CourseCaptions["removeCaptions"] = (...args) =>
    this.#captions.removeCaptions(...args);
  readonly openCaptions: CourseCaptions["openCaptions"] = (...args) => this.#captions.openCaptions(...args);

  // CourseEnrollment
  readonly completeMaterial: CourseEnrollment["completeMaterial"] = (...args) =>
    this.#enrollment.completeMaterial(...args);
  readonly recheckCompletion: CourseEnrollment["recheckCompletion"] = (...args) =>
    this.#enrollment.recheckCompletion(...args);
  readonly recheckCourse: CourseEnrollment["recheckCourse"] = (...args) =>
    this.#enrollment.recheckCourse(...args);
  readonly enroll: CourseEnrollment["enroll"] = (...args) => this.#enrollment.enroll(...args);
  readonly enrollStudent: CourseEnrollment["enrollStudent"] = (...args) =>
    this.#enrollment.enrollStudent(...args);
  readonly unenroll: CourseEnrollment["unenroll"] = (...args) => this.#enrollment.unenroll(...args);
  readonly listMyEnrollments: CourseEnrollment["listMyEnrollments"] = (...args) =>
    this.#enrollment.listMyEnrollments(...args);
  readonly listStudents: CourseEnrollment["listStudents"] = (...args) =>
    this.#enrollment.listStudents(...args);
  readonly enrolledInCourse: CourseEnrollment["enrolledInCourse"] = (...args) =>
    this.#enrollment.enrolledInCourse(...args);
  readonly enrolledBetween: CourseEnrollment["enrolledBetween"] = (...args) =>
    this.#enrollment.enrolledBetween(...args);
}
