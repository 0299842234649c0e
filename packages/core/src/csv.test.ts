import { describe, expect, it } from "vitest";
import { csvHeaders, csvResponse, percentCell, toCsv } from "./csv.js";

describe("CSV export", () => {
  it("quotes what needs quoting and neutralises formulas", () => {
    const csv = toCsv(
      [
        {
          name: 'Zoë "Z" Ñúñez',
          note: "line one\nline two",
          score: 7.5,
          at: new Date("2026-01-02T03:04:05Z"),
        },
        { name: '=HYPERLINK("http://evil")', note: "a,b", score: null, at: null },
      ],
      [
        { header: "Name", value: (r) => r.name },
        { header: "Note", value: (r) => r.note },
        { header: "Score", value: (r) => r.score },
        { header: "At", value: (r) => r.at },
      ],
    );
    expect(csv).toBe(
      'Name,Note,Score,At\r\n"Zoë ""Z"" Ñúñez","line one\nline two",7.5,2026-01-02T03:04:05.000Z\r\n"\'=HYPERLINK(""http://evil"")","a,b",,\r\n',
    );
  });

  it("names the download safely", () => {
    expect(csvHeaders('grades "final".csv')["Content-Disposition"]).toBe(
      'attachment; filename="grades-final-.csv"',
    );
  });

  it("answers a whole download, rates as percentages with one decimal", async () => {
    const response = csvResponse(
      [
        { name: "Ann", rate: 0.875 },
        { name: "Bo", rate: null },
        { name: "Cy", rate: 2 / 3 },
      ],
      [
        { header: "Student", value: (r) => r.name },
        { header: "Rate %", value: (r) => percentCell(r.rate) },
      ],
      "attendance report.csv",
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="attendance-report.csv"');
    expect(await response.text()).toBe("Student,Rate %\r\nAnn,87.5\r\nBo,\r\nCy,66.7\r\n");
  });
});
