/**
 * A store file of little-endian float32 values (a technique's map, a bank of tiles), fetched
 * by URL and checked for its length, so a truncated file is a clear message, not garbage.
 */

/**
 * @param url the file's URL (versioned: the browser caches it)
 * @param count how many values the panel expects
 * @param what what the values are, for the message ("the Saliency map")
 */
export async function fetchFloats(url: string, count: number, what: string): Promise<Float32Array> {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) {
    throw new Error(`${what} could not be loaded (${response.status.toString()})`);
  }
  const buffer = await response.arrayBuffer();
  if (buffer.byteLength !== count * 4) {
    throw new Error(`${what} has ${buffer.byteLength.toString()} bytes, not ${(count * 4).toString()}`);
  }
  return new Float32Array(buffer);
}
