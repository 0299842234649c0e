import { packageProject } from "../../vitest.shared";

export default packageProject("@lectern/example-daily-provider");
