/**
 * A tiles panel: a technique's tiles (the first layer's filters in colour, a deeper filter's
 * input channels in blue-white-red, a page of channels) as a grid, and the tile under the
 * pointer enlarged beside it, each value a square, with its name and size as text. The arrow
 * keys move the choice too (a presenter at a projector has no mouse in reach). Leaving the grid
 * keeps the last tile enlarged, so the class can look at it. The values are fetched once by URL
 * and drawn by TilesRenderer (the activations panel's renderer too).
 */
import { useEffect, useMemo, useState } from "react";

import { useCanvasRenderer } from "./canvasRenderer";

import type { TilesPanel } from "./contract";
import { fetchFloats } from "./data/floats";
import { TilesRenderer } from "./renderer/tilesRenderer";
import { cellCentre, tileAt } from "./renderer/tileLayout";
import { enlargedCentre, movedTile, tilesPanelLayout } from "./renderer/tilesPanelLayout";
import { PanelError } from "./PanelError";
import { RangeLegend } from "./RangeLegend";
import { registerTechnique } from "./techniqueHook";

export interface TilesPanelViewProps {
  readonly panel: TilesPanel;
  /** The panel's index in the contract's `panels` (the test hook's key). */
  readonly index: number;
  readonly width: number;
}

/** RGB at the centre of each value of a tile, rows from the top, read from drawn pixels. */
function sampleTile(
  drawn: { width: number; pixels: Uint8Array },
  ratio: number,
  grid: { width: number; height: number },
  centre: (cell: { x: number; y: number }) => { x: number; y: number },
): number[] {
  const rgb: number[] = [];
  for (let y = 0; y < grid.height; y++) {
    for (let x = 0; x < grid.width; x++) {
      const at = centre({ x, y });
      const offset = (Math.floor(at.y * ratio) * drawn.width + Math.floor(at.x * ratio)) * 4;
      rgb.push(drawn.pixels[offset] ?? -1, drawn.pixels[offset + 1] ?? -1, drawn.pixels[offset + 2] ?? -1);
    }
  }
  return rgb;
}

const makeRenderer = (canvas: HTMLCanvasElement): TilesRenderer => new TilesRenderer(canvas);

export function TilesPanelView({ panel, index, width }: TilesPanelViewProps): React.JSX.Element {
  const { renderer, problem, attachCanvas, setProblem } = useCanvasRenderer(makeRenderer);
  const [loaded, setLoaded] = useState(false);
  const [chosen, setChosen] = useState(0);
  const grid = useMemo(
    () => ({ width: panel.tileWidth, height: panel.tileHeight }),
    [panel.tileWidth, panel.tileHeight],
  );
  const layout = useMemo(() => tilesPanelLayout(panel.count, grid, width), [panel.count, grid, width]);

  useEffect(() => {
    if (renderer === null) {
      return;
    }
    let current = true;
    const count = panel.count * panel.tileWidth * panel.tileHeight * panel.channels;
    fetchFloats(panel.url, count, `the ${panel.title} tiles`).then(
      (values) => {
        if (current) {
          renderer.setTiles({ values, count: panel.count, grid, channels: panel.channels });
          setLoaded(true);
        }
      },
      (error: unknown) => {
        if (current) {
          setProblem(error instanceof Error ? error.message : String(error));
        }
      },
    );
    return () => {
      current = false;
    };
  }, [renderer, panel, grid, setProblem]);

  useEffect(() => {
    const [low = 0, high = 1] = panel.valueRange;
    renderer?.setColours({
      colouring: panel.scale === "picture" ? "picture" : "table",
      range: [low, high],
      colours: panel.colormap.colours,
    });
  }, [renderer, panel.scale, panel.valueRange, panel.colormap]);

  useEffect(() => {
    renderer?.setLayout(layout, window.devicePixelRatio || 1);
  }, [renderer, layout]);

  useEffect(() => {
    renderer?.setSelected(chosen);
  }, [renderer, chosen]);

  useEffect(() => {
    if (renderer === null || !loaded) {
      return;
    }
    return registerTechnique(index, {
      kind: "tiles",
      tiles: () => {
        const drawn = renderer.pixels();
        const ratio = drawn.width / Math.max(1, layout.size.width);
        return {
          chosen,
          name: panel.tileNames[chosen] ?? "",
          columns: layout.grid.columns,
          tile: layout.grid.tile,
          gap: layout.grid.gap,
          enlarged: sampleTile(drawn, ratio, grid, (cell) => enlargedCentre(layout.enlarged, cell)),
          inGrid: sampleTile(drawn, ratio, grid, (cell) => cellCentre(chosen, cell, layout.grid, grid)),
        };
      },
    });
  }, [renderer, loaded, index, chosen, layout, grid, panel.tileNames]);

  const name = panel.tileNames[chosen] ?? "";
  return (
    <figure
      className="technique-panel tiles-panel"
      data-testid="tiles-panel"
      data-technique={panel.technique}
    >
      <figcaption className="panel-title">
        <span className="panel-name">{panel.title}</span>
        <span className="hint">point at a tile, or use the arrow keys, to enlarge it</span>
      </figcaption>
      <PanelError problem={problem} />
      <div className="tiles-panel-body" style={{ width: layout.size.width }}>
        <canvas
          ref={attachCanvas}
          data-testid="tiles-canvas"
          data-chosen={chosen}
          style={{ width: layout.size.width, height: layout.size.height }}
          tabIndex={0}
          aria-label={`${panel.title}: ${panel.count.toString()} tiles, ${name} enlarged`}
          onPointerMove={(event) => {
            const bounds = event.currentTarget.getBoundingClientRect();
            const point = { x: event.clientX - bounds.left, y: event.clientY - bounds.top };
            const tile = tileAt(point, layout.grid, panel.count, grid);
            if (tile !== null) {
              setChosen(tile);
            }
          }}
          onKeyDown={(event) => {
            const next = movedTile(event.key, chosen, panel.count, layout.grid.columns);
            if (next !== null) {
              setChosen(next);
              event.preventDefault();
              event.stopPropagation();
            }
          }}
        />
        <p
          className="tiles-chosen"
          data-testid="tiles-chosen"
          aria-live="polite"
          style={{ marginLeft: layout.enlarged.x, width: layout.enlarged.side }}
        >
          {name} enlarged · {panel.tileHeight} × {panel.tileWidth}
          {panel.channels === 3 ? " × 3 colours" : ""}
        </p>
      </div>
      <RangeLegend
        testId="tiles-legend"
        range={panel.valueRange}
        colours={panel.colormap.colours}
        meaning={panel.meaning}
        picture={panel.scale === "picture" ? "its own colours, mid-grey is 0:" : undefined}
      />
    </figure>
  );
}
