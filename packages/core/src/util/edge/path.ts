/** `node:path` on edge runtimes: POSIX paths, relative to `/` (there is no working directory). */
function normalize(parts: string[]): string {
  const out: string[] = [];
  for (const part of parts.join("/").split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return `/${out.join("/")}`;
}

export function resolve(...paths: string[]): string {
  const from = paths.reduce((acc, p) => (p.startsWith("/") ? [p] : [...acc, p]), [] as string[]);
  return normalize(from);
}

export function join(...paths: string[]): string {
  return normalize(paths);
}

export function dirname(path: string): string {
  const cut = path.replace(/\/+$/, "").lastIndexOf("/");
  return cut <= 0 ? (path.startsWith("/") ? "/" : ".") : path.slice(0, cut);
}

export function basename(path: string): string {
  return path.replace(/\/+$/, "").split("/").pop() ?? "";
}
