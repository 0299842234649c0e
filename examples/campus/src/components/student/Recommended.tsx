import { myRecommendations } from "../../lib/recommendations";
import { Icon } from "../ui/Icon";
import { Card, Resource, SkeletonRows, useLoad } from "../ui/states";

/** "Recommended for you": five courses with the reasons a student can check for themselves. */
export function Recommended() {
  const recommendations = useLoad(() => myRecommendations(5));
  return (
    <Card
      title="Recommended for you"
      action={
        <a href="/student/path" className="text-sm font-medium">
          Plan a learning path
        </a>
      }
    >
      <Resource
        state={recommendations.state}
        skeleton={<SkeletonRows rows={3} />}
        onRetry={recommendations.reload}
      >
        {(items) =>
          items.length === 0 ? (
            <p className="text-sm text-muted">
              Enrol in a course or choose your interests on your profile, and suggestions will appear here.
            </p>
          ) : (
            <ul className="grid gap-3 sm:grid-cols-2" aria-label="Recommended courses">
              {items.map((item) => (
                <li key={item.course.id} className="rounded-xl border border-line p-4">
                  <a href={`/courses/${item.course.slug}`} className="font-medium text-ink">
                    {item.course.title}
                  </a>
                  <p className="mt-0.5 text-xs capitalize text-muted">
                    {item.course.level} · {item.course.instructor.name}
                  </p>
                  <ul className="mt-2 space-y-1">
                    {item.reasons.map((reason) => (
                      <li key={reason} className="flex items-start gap-1.5 text-sm text-muted">
                        <Icon name="check" className="mt-0.5 h-3.5 w-3.5 shrink-0 text-primary-ink" />
                        {reason}
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          )
        }
      </Resource>
    </Card>
  );
}
