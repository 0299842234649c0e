import type { Database } from "@lectern/core";
import type { LiveClassReminders } from "./reminders.js";
import type { LiveClassSupport } from "./support.js";
import type { ClassRow, LiveClassesDeps } from "./types.js";
import type { LiveClassViews } from "./views.js";

/** What every part of the live-classes service shares: its dependencies, the join cache and the other parts. */
export class LiveClassesState {
  readonly joinCache = new Map<string, { row: ClassRow; until: number }>();
  views!: LiveClassViews;
  support!: LiveClassSupport;
  reminders!: LiveClassReminders;

  constructor(readonly deps: LiveClassesDeps) {}
}

/** The base of each part: reach the shared state, the database and the other parts. */
export abstract class LiveClassesPart {
  constructor(protected readonly state: LiveClassesState) {}
  protected get deps(): LiveClassesDeps {
    return this.state.deps;
  }
  protected get db(): Database {
    return this.state.deps.db;
  }
  protected get views(): LiveClassViews {
    return this.state.views;
  }
  protected get support(): LiveClassSupport {
    return this.state.support;
  }
  protected get reminders(): LiveClassReminders {
    return this.state.reminders;
  }
}
