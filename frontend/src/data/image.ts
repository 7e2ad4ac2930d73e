/** The analysis image as a bitmap, exactly as stored (no colour management, no premultiplying). */
export async function loadImage(url: string): Promise<ImageBitmap> {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) {
    throw new Error(
      `the image ${url} could not be loaded (${response.status.toString()} ${response.statusText})`,
    );
  }
  return createImageBitmap(await response.blob(), {
    premultiplyAlpha: "none",
    colorSpaceConversion: "none",
  });
}
