export * from "@tracium/core";
