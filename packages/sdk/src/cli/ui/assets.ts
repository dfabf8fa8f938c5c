/**
 * The page: a static HTML shell, its stylesheet and its script. The script is the bundle of
 * `page/main.ts`, built next to the CLI at package build time (no CDN, works offline).
 */
import { readFile } from "node:fs/promises";
import { PAGE_CSS } from "./page-style.js";

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Tracium</title>
<link rel="stylesheet" href="/app.css">
<script src="/app.js" defer></script>
</head>
<body><div id="app"></div></body>
</html>
`;

let script: Promise<Buffer> | undefined;

function pageScript(): Promise<Buffer> {
  script ??= readFile(new URL("./ui-page.global.js", import.meta.url)).catch(() =>
    Buffer.from(`document.body.textContent = "The page script is missing: build @tracium/sdk (it writes dist/ui-page.global.js).";`),
  );
  return script;
}

/** The asset at a path, or undefined. */
export async function pageAsset(path: string): Promise<{ body: string | Buffer; type: string } | undefined> {
  if (path === "/" || path === "/index.html" || path.startsWith("/trace/") || path === "/compare") return { body: HTML, type: "text/html; charset=utf-8" };
  if (path === "/app.js") return { body: await pageScript(), type: "text/javascript; charset=utf-8" };
  if (path === "/app.css") return { body: PAGE_CSS, type: "text/css; charset=utf-8" };
  return undefined;
}
