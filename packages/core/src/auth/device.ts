/**
 * "Firefox on Windows" from a User-Agent header: enough for a person to recognise their own
 * sessions. Not a full parser; an unknown agent is described as well as it can be.
 */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const ua = userAgent;
  const browser =
    (/Edg(e|A|iOS)?\//.test(ua) && "Edge") ||
    (/OPR\/|Opera/.test(ua) && "Opera") ||
    (/Firefox\/|FxiOS\//.test(ua) && "Firefox") ||
    (/Chrome\/|CriOS\/|Chromium\//.test(ua) && "Chrome") ||
    (/Safari\//.test(ua) && /Version\//.test(ua) && "Safari") ||
    (/^curl\//.test(ua) && "curl") ||
    (/node|undici/i.test(ua) && "A script") ||
    null;
  const system =
    (/iPhone|iPad|iPod/.test(ua) && "iOS") ||
    (/Android/.test(ua) && "Android") ||
    (/Windows/.test(ua) && "Windows") ||
    (/Mac OS X|Macintosh/.test(ua) && "macOS") ||
    (/CrOS/.test(ua) && "ChromeOS") ||
    (/Linux/.test(ua) && "Linux") ||
    null;
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? "Unknown device";
}
