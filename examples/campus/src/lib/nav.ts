import type { IconName } from "./icons";
import type { Role } from "./types";

export interface NavItem {
  href: string;
  label: string;
  icon: IconName;
  /** Shown in the bottom tab bar on phones (at most five per role). */
  mobile?: boolean;
}

export const NAV: Record<Role, NavItem[]> = {
  student: [
    { href: "/student", label: "Overview", icon: "home", mobile: true },
    { href: "/student/courses", label: "My courses", icon: "book", mobile: true },
    { href: "/student/exams", label: "Exams", icon: "exam", mobile: true },
    { href: "/student/grades", label: "Grades", icon: "chart", mobile: true },
    { href: "/student/certificates", label: "Certificates", icon: "award", mobile: true },
    { href: "/student/live", label: "Live classes", icon: "video" },
    { href: "/student/attendance", label: "Attendance", icon: "calendar" },
    { href: "/student/path", label: "Learning path", icon: "chart" },
    { href: "/student/payments", label: "Payments", icon: "file" },
    { href: "/student/profile", label: "Profile", icon: "user" },
  ],
  instructor: [
    { href: "/instructor", label: "Overview", icon: "home", mobile: true },
    { href: "/instructor/courses", label: "Courses", icon: "book", mobile: true },
    { href: "/instructor/grading", label: "Grading", icon: "pen", mobile: true },
    { href: "/instructor/students", label: "Students", icon: "users", mobile: true },
    { href: "/instructor/live", label: "Live classes", icon: "video", mobile: true },
    { href: "/instructor/attendance", label: "Attendance", icon: "calendar" },
    { href: "/instructor/profile", label: "Profile", icon: "user" },
  ],
  admin: [
    { href: "/admin", label: "Overview", icon: "home", mobile: true },
    { href: "/admin/approvals", label: "Approvals", icon: "check", mobile: true },
    { href: "/admin/users", label: "Users", icon: "users", mobile: true },
    { href: "/admin/certificates", label: "Certificates", icon: "award", mobile: true },
    { href: "/admin/payments", label: "Payments", icon: "file" },
    { href: "/admin/coupons", label: "Coupons", icon: "sparkles" },
    { href: "/admin/attendance", label: "Attendance", icon: "calendar", mobile: true },
    { href: "/admin/audit", label: "Audit log", icon: "shield" },
    { href: "/admin/profile", label: "Profile", icon: "user" },
  ],
};

/** The nav item a path belongs to: the longest matching prefix. */
export function activeItem(role: Role, path: string): NavItem | undefined {
  return NAV[role]
    .filter((item) => path === item.href || path.startsWith(`${item.href}/`))
    .sort((a, b) => b.href.length - a.href.length)[0];
}
