/**
 * The map and activation panels' side of the test hook: what each draws, by panel index in
 * the contract's `panels`. Panels register here while mounted; testHook.ts reads it.
 */
export interface TechniqueReport {
  readonly kind: "map" | "activations" | "across" | "tiles";
  /** Map panels: the coloured map, RGB per image pixel, rows from the top. */
  readonly colours?: () => { width: number; height: number; rgb: number[] };
  /**
   * Activation panels: channels in display order (strongest first), the dead count, the page,
   * and the grey painted at each cell centre of the page's first tile (rows from the top).
   */
  readonly activations?: () => {
    order: number[];
    dead: number;
    page: number;
    pages: number;
    firstTile: number[];
  };
  /** Tiles panels: the chosen tile as drawn, enlarged and in the grid. */
  readonly tiles?: () => TilesReport;
  /** Cross-image panels: every other image's values (null until computed) and the shared range. */
  readonly across?: () => AcrossReport;
}

export interface AcrossReport {
  readonly ready: boolean;
  /** The panel kind computed: "similarity" (angular), "cosine", "euclidean" or "dot". */
  readonly mode: string;
  readonly images: ({ width: number; height: number; values: number[] } | null)[];
  readonly range: { min: number; max: number } | null;
}

export interface TilesReport {
  readonly chosen: number;
  readonly name: string;
  /** The grid: tiles per row (Up and Down move by one), CSS pixels per tile and between tiles. */
  readonly columns: number;
  readonly tile: number;
  readonly gap: number;
  /** RGB at the centre of each value of the chosen tile, rows from the top: enlarged, in the grid. */
  readonly enlarged: number[];
  readonly inGrid: number[];
}

const mounted = new Map<number, TechniqueReport>();

export function registerTechnique(index: number, report: TechniqueReport): () => void {
  mounted.set(index, report);
  return () => {
    if (mounted.get(index) === report) {
      mounted.delete(index);
    }
  };
}

export function techniqueReport(index: number): TechniqueReport | null {
  return mounted.get(index) ?? null;
}
