/** A problem the user must be told about in the panel, in plain words. */
export class RendererError extends Error {
  override name = "RendererError";
}

/** Work was abandoned because the context was lost or the renderer disposed; not a failure. */
export class AbortedError extends Error {
  override name = "AbortedError";
}
