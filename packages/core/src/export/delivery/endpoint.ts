/**
 * Checks the API base URL once, at construction: a bad URL or plain HTTP to a remote host is
 * refused up front rather than failing (or leaking the API key) on every request.
 */

/** The checked base URL without a trailing slash, or why it was refused. */
export type EndpointCheck = { ok: true; base: string } | { ok: false; reason: string };

/** Whether `hostname` (as `URL.hostname` gives it) is this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host === "[::1]" ||
    host === "::1" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

/**
 * Validates `baseUrl`: it must be an absolute http(s) URL without credentials, and plain
 * `http://` is only allowed to a loopback host unless `allowInsecureHttp` is set, because the
 * API key would travel in clear text.
 */
export function checkBaseUrl(baseUrl: string, allowInsecureHttp: boolean): EndpointCheck {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return { ok: false, reason: `the base URL ${JSON.stringify(baseUrl)} is not a valid URL` };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { ok: false, reason: `the base URL must use https:// (got ${url.protocol}//)` };
  }
  if (url.username || url.password) {
    return { ok: false, reason: "the base URL must not contain credentials" };
  }
  if (url.protocol === "http:" && !allowInsecureHttp && !isLoopbackHost(url.hostname)) {
    return {
      ok: false,
      reason: `refusing plain http:// to ${url.host}: the API key would be sent unencrypted (use https://, or set allowInsecureHttp)`,
    };
  }
  // Query and fragment make no sense on a base; keep origin and path prefix (e.g. a proxy's /api).
  return { ok: true, base: `${url.origin}${url.pathname.replace(/\/+$/, "")}` };
}
