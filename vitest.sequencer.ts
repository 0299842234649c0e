import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The order files are handed to the workers: longest first (by the last run's durations, else by
 * size), across projects, so no long file starts last and holds the run open alone; and the files
 * of `spread` projects — browser tours, each with its own Chromium and campus server, the longest
 * and heaviest files — placed evenly among the others, so a tour runs beside package tests rather
 * than two tours' browsers competing for the cores.
 */
export function spreadSequencer(spread: readonly string[]): typeof BaseSequencer {
  return class SpreadSequencer extends BaseSequencer {
    override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
      const key = (spec: TestSpecification) =>
        `${spec.project.name}:${relative(this.ctx.config.root, spec.moduleId)}`;
      const durations = new Map(
        files.map((spec) => [spec, this.ctx.cache.getFileTestResults(key(spec))?.duration]),
      );
      // Sizes stand in for durations until every file has one: the two do not mix.
      const timed = [...durations.values()].every((duration) => duration !== undefined);
      const cost = (spec: TestSpecification) =>
        (timed ? durations.get(spec) : this.ctx.cache.getFileStats(key(spec))?.size) ?? 0;
      const longestFirst = (list: TestSpecification[]) => list.sort((a, b) => cost(b) - cost(a));
      const tours = longestFirst(files.filter((spec) => spread.includes(spec.project.name)));
      const rest = longestFirst(files.filter((spec) => !spread.includes(spec.project.name)));
      // A tour at every (rest / tours)th place: the i-th tour (from 0) goes before rest[⌈i × step⌉].
      const step = rest.length / Math.max(tours.length, 1);
      const order: TestSpecification[] = [];
      rest.forEach((spec, index) => {
        while (tours.length > 0 && order.length - index <= index / step) order.push(tours.shift()!);
        order.push(spec);
      });
      return [...order, ...tours];
    }
  };
}
