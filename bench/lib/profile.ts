// CPU profile of one phase of a benchmark, written as a `.cpuprofile` (open it in Chrome's
// DevTools or speedscope). Profiling the measured phase alone keeps setup out of the picture.
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";

export async function profilePhase<T>(file: string | undefined, phase: () => Promise<T>): Promise<T> {
  if (!file) return phase();
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
  try {
    return await phase();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    await writeFile(file, JSON.stringify(profile));
    session.disconnect();
  }
}
