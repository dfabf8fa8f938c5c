/**
 * The request line and header fields of one POST, checked the way `node:http` checks them: a
 * path, name or value that could split the request (CR, LF, other controls) throws instead of
 * reaching the wire. The exporters pass the same headers object with every request, so its
 * checked fields are kept per object and per host.
 */

/** Header field names: RFC 9110 tokens. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Field values: visible Latin-1, spaces and tabs (what Node accepts). */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** Request targets: visible ASCII only (ids from a server go into paths). */
const PATH = /^\/[\x21-\x7e]*$/;
/** Fields the transport sets itself. */
const OWN_FIELDS = new Set(["host", "content-length", "transfer-encoding", "connection"]);

const fieldsCache = new WeakMap<Record<string, string>, Fields>();

/** The checked `Host` and caller's fields of one headers object, as text. */
interface Fields {
  readonly host: string;
  readonly text: string;
  /** Every character is ASCII, so the text is the same bytes in Latin-1 and UTF-8. */
  readonly ascii: boolean;
}

/**
 * `POST <path> HTTP/1.1`, `Host`, the caller's fields and `Content-Length`, ending with the empty
 * line: as a string when it is all ASCII (the usual case, which the connection can join with JSON
 * text), else as its Latin-1 bytes. Throws on anything unsendable.
 */
export function requestHead(path: string, host: string, headers: Record<string, string>, body: string | Uint8Array): string | Uint8Array {
  if (!PATH.test(path)) throw new Error("request path contains characters that cannot be sent");
  const length = typeof body === "string" ? Buffer.byteLength(body, "utf8") : body.byteLength;
  const checked = fields(host, headers);
  const head = `POST ${path} HTTP/1.1\r\n${checked.text}Content-Length: ${length}\r\n\r\n`;
  return checked.ascii ? head : Buffer.from(head, "latin1");
}

function fields(host: string, headers: Record<string, string>): Fields {
  const cached = fieldsCache.get(headers);
  if (cached && cached.host === host) return cached;
  if (!FIELD_VALUE.test(host)) throw new Error("host cannot be sent in a header");
  let text = `Host: ${host}\r\n`;
  for (const name of Object.keys(headers)) {
    const value = String(headers[name]);
    if (!TOKEN.test(name)) throw new Error(`invalid header name ${JSON.stringify(name)}`);
    if (!FIELD_VALUE.test(value)) throw new Error(`header ${name} contains characters that cannot be sent`);
    if (OWN_FIELDS.has(name.toLowerCase())) continue;
    text += `${name}: ${value}\r\n`;
  }
  const checked = { host, text, ascii: !/[^\x00-\x7f]/.test(text) };
  fieldsCache.set(headers, checked);
  return checked;
}
