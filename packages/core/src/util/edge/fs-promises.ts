/** `node:fs/promises` on edge runtimes: there is no file system (see fs.ts). */
const unavailable = (): Promise<never> => Promise.reject(new Error("no file system in this runtime"));

export const mkdir = unavailable;
export const writeFile = unavailable;
export const open = unavailable;
