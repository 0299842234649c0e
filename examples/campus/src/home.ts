/** A placeholder home page until the campus site lands; it points at the live API reference. */
export function homePage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lectern Campus</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; min-height: 100vh; display: grid; place-items: center; background: #f5f6fb; color: #1d2340; }
  main { max-width: 36rem; padding: 2rem; }
  h1 { font-size: 2.25rem; margin: 0 0 .5rem; }
  a { color: #3b46c4; }
</style>
</head>
<body>
<main>
  <h1>Lectern Campus</h1>
  <p>The campus API is running. Explore it in the <a href="/api/docs">interactive API reference</a>,
  or read the <a href="/api/openapi.json">OpenAPI document</a>.</p>
  <p>Sign in with a demo account: <code>student@example.com</code>, <code>instructor@example.com</code> or
  <code>admin@example.com</code>, password <code>lectern-demo</code>.</p>
</main>
</body>
</html>`;
}
