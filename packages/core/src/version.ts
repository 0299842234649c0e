/** Kept equal to package.json's version (a test checks): plugins' `coreRange` is matched against it. */
export const CORE_VERSION = "0.1.0";
