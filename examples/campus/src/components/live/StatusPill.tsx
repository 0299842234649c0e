import { type RollCallStatus, STATUS_LABEL } from "../../lib/classes";
import { Badge } from "../ui/states";

const TONE = { present: "success", late: "warning", absent: "danger", excused: "neutral" } as const;

export function AttendanceBadge({ status }: { status: RollCallStatus | null }) {
  if (!status) return <Badge>Not recorded</Badge>;
  return <Badge tone={TONE[status]}>{STATUS_LABEL[status]}</Badge>;
}
