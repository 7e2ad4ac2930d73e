/**
 * What menus call each panel. Usually its layer; where two panels show the same layer of
 * different weights (trained against untrained), the weights tell them apart.
 */
import type { LayerSource } from "./contract";

/** The name of each panel, by entry id, unique within the view. */
export function panelNames(layers: readonly LayerSource[]): Map<string, string> {
  const perLayer = new Map<string, number>();
  for (const source of layers) {
    perLayer.set(source.layer, (perLayer.get(source.layer) ?? 0) + 1);
  }
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const source of layers) {
    const base =
      (perLayer.get(source.layer) ?? 0) > 1 ? `${source.layer} · ${source.weightsLabel}` : source.layer;
    let name = base;
    for (let copy = 2; taken.has(name); copy++) {
      name = `${base} (${copy.toString()})`;
    }
    taken.add(name);
    names.set(source.entryId, name);
  }
  return names;
}
