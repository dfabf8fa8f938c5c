/**
 * `node:fs` on edge runtimes: there is no file system. Nothing exists, and writing fails: the file
 * exporter (only there when chosen explicitly; the default is the console) reports it and drops.
 */
function unavailable(): never {
  throw new Error("no file system in this runtime");
}

export const existsSync = (): boolean => false;
export const readFileSync = unavailable;
export const realpathSync = unavailable;
export const mkdirSync = unavailable;
export const writeFileSync = unavailable;
export const openSync = unavailable;
export const closeSync = unavailable;
export const fstatSync = unavailable;
export const ftruncateSync = unavailable;
export const readSync = unavailable;
export const writeSync = unavailable;
