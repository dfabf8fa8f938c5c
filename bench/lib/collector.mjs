/** Starts the collector (collector-server.mjs) in a child process. */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

export async function startCollector() {
  const child = fork(fileURLToPath(new URL("./collector-server.mjs", import.meta.url)), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const port = await new Promise((resolve, reject) => {
    child.once("message", (m) => resolve(m.port));
    child.once("exit", (code) => reject(new Error(`collector exited (${code})`)));
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    async stats() {
      const r = await fetch(`${base}/__stats`);
      return r.json();
    },
    async reset() {
      await fetch(`${base}/__reset`, { method: "POST" });
    },
    close() {
      child.disconnect();
      child.kill();
    },
  };
}
