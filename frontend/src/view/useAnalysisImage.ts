/**
 * The analysis image under the panels: loaded when its URL changes and handed to the
 * renderer; a failure becomes the view's message (the maps still draw without it).
 */
import { useEffect, useState } from "react";

import { loadImage } from "../data/image";
import type { Size } from "../geometry";
import type { Renderer } from "../renderer/renderer";
import { mark } from "../timeline";

/** Why the analysis image could not be shown, or null. */
export function useAnalysisImage(renderer: Renderer | null, url: string, image: Size): string | null {
  const [imageError, setImageError] = useState<string | null>(null);
  useEffect(() => {
    if (renderer === null) {
      return;
    }
    renderer.setImageSize(image);
    let current = true;
    loadImage(url).then(
      (bitmap) => {
        if (current) {
          mark("image");
          renderer.setImage(bitmap, image);
          setImageError(null);
        }
      },
      (error: unknown) => {
        if (current) {
          setImageError(error instanceof Error ? error.message : String(error));
        }
      },
    );
    return () => {
      current = false;
    };
  }, [renderer, url, image]);
  return imageError;
}
